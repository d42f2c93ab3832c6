"""Labels carried into the windows of a long text: QA answer positions and token labels.

What transformers' examples compute by hand around a fast tokenizer's overflowing windows:
``run_qa``'s ``prepare_train_features`` (the answer's first and last token in each window,
or the ``[CLS]`` index when the answer is not wholly inside it) and ``run_ner``'s
``tokenize_and_align_labels`` (one label per word on the word's first piece, ``-100`` on
special tokens and, unless ``label_all_tokens``, on the other pieces). Windows are
:class:`~subword.batch_encoding.BatchEncoding` objects with their alignment
(``sequence_ids()``, ``word_ids()``) and ``offset_mapping``, as ``BertTokenizer.chunk``
makes them.

>>> bio_labels([(0, 5), (6, 11), (12, 17)], [(6, 17, "ORG")])
['O', 'B-ORG', 'I-ORG']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "IGNORED",
    "SampleLabels",
    "answer_positions",
    "bio_labels",
    "context_positions",
    "context_run",
    "token_labels",
]

#: The label of a token that takes no part in the loss (transformers' ignore index).
IGNORED = -100

Offsets = tuple[int, int]


def context_positions(window: Any) -> list[int]:
    """The positions of a window's tokens from the text that is cut (the context).

    The second sequence of a question/context window, the only one of a single text's.

    >>> from subword import BertTokenizer
    >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] who a b".split())
    >>> context_positions(tok.chunk("who", "a b", max_length=8, stride=0)[0])
    [3, 4]
    """
    run = context_run(window)
    if run is not None:
        return list(range(*run))
    sequences = window.sequence_ids()
    context = 1 if 1 in sequences else 0
    return [i for i, sequence in enumerate(sequences) if sequence == context]


def context_run(window: Any) -> tuple[int, int] | None:
    """``(first, stop)`` of the context's positions if they are one run, else ``None``.

    The template lays them out as one run; ``(0, 0)`` when there is no context. Found
    with list methods, no loop in Python.

    >>> from subword import BertTokenizer
    >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] who a b".split())
    >>> context_run(tok.chunk("who", "a b", max_length=8, stride=0)[0])
    (3, 5)
    """
    sequences = window.sequence_ids()
    context = 1 if 1 in sequences else 0
    count = sequences.count(context)
    if not count:
        return 0, 0
    first = sequences.index(context)
    if sequences[first + count - 1] != context:  # cheap check first
        return None
    last = len(sequences) - 1 - sequences[::-1].index(context)
    return (first, last + 1) if last - first + 1 == count else None


def answer_positions(
    window: Any, answer: Mapping[str, Any] | None, cls_index: int
) -> tuple[int, int]:
    """``(start_position, end_position)`` of an answer in one window, as ``run_qa`` computes.

    ``answer`` has SQuAD's fields, ``answer_start`` (characters into the context) and
    ``text``, each a list whose first entry is used (an empty list: no answer). The answer
    must lie wholly inside the window's context tokens, else both positions are
    ``cls_index``.

    >>> from subword import BertTokenizer
    >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] who is he hello world".split())
    >>> window = tok.chunk("who", "hello world", max_length=8, stride=0)[0]
    >>> answer_positions(window, {"answer_start": [6], "text": ["world"]}, 0)
    (4, 4)
    """
    if not answer or not answer.get("answer_start"):
        return cls_index, cls_index
    start_char = int(answer["answer_start"][0])
    end_char = start_char + len(answer["text"][0])
    offsets, inside = window["offset_mapping"], context_positions(window)
    if not inside:
        return cls_index, cls_index
    first, last = inside[0], inside[-1]
    if not (offsets[first][0] <= start_char and offsets[last][1] >= end_char):
        return cls_index, cls_index
    start = first
    while start <= last and offsets[start][0] <= start_char:
        start += 1
    end = last
    while end >= first and offsets[end][1] >= end_char:
        end -= 1
    return start - 1, end + 1


def token_labels(
    window: Any,
    labels: Sequence[Any],
    first_pieces: set[int],
    label_all_tokens: bool = False,
) -> list[Any]:
    """One label per token of a window from one label per word of its text.

    ``first_pieces`` holds the words whose first piece is in this window (a window that
    starts inside a word does not label that word again); other pieces get ``-100``
    unless ``label_all_tokens``, special tokens and padding always.

    >>> from subword import BertTokenizer
    >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] hello world ##s".split())
    >>> window = tok.chunk("hello worlds", max_length=8, stride=0)[0]
    >>> token_labels(window, ["B", "I"], {0, 1})
    [-100, 'B', 'I', -100, -100]
    """
    result: list[Any] = []
    previous = None
    for word in window.word_ids():
        if word is None:
            result.append(IGNORED)
        elif word != previous:
            result.append(labels[word] if word in first_pieces or label_all_tokens else IGNORED)
        else:
            result.append(labels[word] if label_all_tokens else IGNORED)
        previous = word
    return result


def bio_labels(word_spans: Sequence[Offsets], spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """BIO labels of words from labelled character spans ``(start, end, label)``.

    A word is inside a span when its characters are; the first word of a span is ``B-``,
    the others ``I-``, words outside every span ``O``.

    >>> bio_labels([(0, 3), (4, 7)], [(0, 7, "PER")])
    ['B-PER', 'I-PER']
    """
    labels = ["O"] * len(word_spans)
    for start, end, label in spans:
        inside = [i for i, (first, last) in enumerate(word_spans) if first >= start and last <= end]
        for rank, word in enumerate(inside):
            labels[word] = ("B-" if rank == 0 else "I-") + label
    return labels


@dataclass(frozen=True)
class SampleLabels:
    """The labels ``chunk()`` was given, one entry per sample (``None``: no labels).

    >>> SampleLabels.read(None, [["O", "B-X"]], None, 1, batched=True).word_labels
    [['O', 'B-X']]
    """

    answers: list[Any] | None = None
    word_labels: list[Sequence[Any]] | None = None
    spans: list[Sequence[tuple[int, int, str]]] | None = None

    @classmethod
    def read(
        cls, answers: Any, word_labels: Any, spans: Any, samples: int, batched: bool
    ) -> SampleLabels:
        """Check the label arguments against the samples (a list of them for a batch).

        >>> SampleLabels.read(None, ["O"], ["x"], 1, batched=False)
        Traceback (most recent call last):
        ...
        ValueError: give word_labels or spans, not both
        """
        if word_labels is not None and spans is not None:
            raise ValueError("give word_labels or spans, not both")
        read = [_per_sample(name, value, samples, batched) for name, value in
                (("answers", answers), ("word_labels", word_labels), ("spans", spans))]  # fmt: skip
        return cls(*read)

    def attach(
        self,
        windows: list[list[Any]],
        cls_id: int,
        label_all_tokens: bool = False,
        batched: bool = False,
    ) -> list[Any]:
        """Add the labels to each sample's windows; all windows, flat, in sample order.

        A batch's windows also get ``overflow_to_sample_mapping``.

        >>> from subword import BertTokenizer
        >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] a b".split())
        >>> windows = [tok.chunk("a b", max_length=8, stride=0)]
        >>> SampleLabels(word_labels=[[1, 2]]).attach(windows, cls_id=2)[0]["labels"]
        [-100, 1, 2, -100]
        """
        flat = []
        for sample, sample_windows in enumerate(windows):
            labels = self._word_labels(sample, sample_windows)
            spans = _word_spans(sample_windows) if labels is not None else []
            for window in sample_windows:
                if batched:
                    window["overflow_to_sample_mapping"] = sample
                if self.answers is not None:
                    start, end = answer_positions(
                        window, self.answers[sample], _cls_of(window, cls_id)
                    )
                    window["start_positions"], window["end_positions"] = start, end
                if labels is not None:
                    first = _first_pieces(window, spans)
                    window["labels"] = token_labels(window, labels, first, label_all_tokens)
                flat.append(window)
        return flat

    def _word_labels(self, sample: int, windows: list[Any]) -> Sequence[Any] | None:
        if self.word_labels is not None:
            return self.word_labels[sample]
        if self.spans is None:
            return None
        return bio_labels(_word_spans(windows), self.spans[sample])


def _per_sample(name: str, value: Any, samples: int, batched: bool) -> list[Any] | None:
    if value is None:
        return None
    values = list(value) if batched else [value]
    if len(values) != samples:
        raise ValueError(f"{name}: {len(values)} entries for {samples} samples")
    return values


def _cls_of(window: Any, cls_id: int) -> int:
    """Where the window's ``[CLS]`` is (``input_ids.index(cls_token_id)``, as run_qa)."""
    return list(window["input_ids"]).index(cls_id)


def _first_pieces(window: Any, spans: list[tuple[int, int]]) -> set[int]:
    """The words whose first piece is in this window (a window can start inside a word).

    A word's first piece is its token that starts where the word starts (``spans``: each
    word's characters over all windows of the text).
    """
    words, offsets = window.word_ids(), window["offset_mapping"]
    return {
        words[i]
        for i in context_positions(window)
        if words[i] is not None and offsets[i][0] == spans[words[i]][0]
    }


def _word_spans(windows: list[Any]) -> list[tuple[int, int]]:
    """The characters of each word of the context, from the windows that hold it."""
    spans: dict[int, tuple[int, int]] = {}
    for window in windows:
        words, offsets = window.word_ids(), window["offset_mapping"]
        for i in context_positions(window):
            word, (start, end) = words[i], offsets[i]
            if word is None:
                continue
            first, last = spans.get(word, (start, end))
            spans[word] = (min(first, start), max(last, end))
    return [spans.get(word, (0, 0)) for word in range(max(spans, default=-1) + 1)]
