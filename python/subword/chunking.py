"""Which tokens of a long text go into which model input: the ``chunk()`` strategies.

:func:`plan_chunks` is pure arithmetic over token positions (the sliding windows are
:func:`subword.truncation.overflow_windows`, the stride rule
:func:`subword.truncation.check_stride`); :func:`chunk_encodings` turns a plan into model
inputs with the ``[CLS] A [SEP] B [SEP]`` template of :mod:`subword.processors`, for
:meth:`subword.bert.BertTokenizer.chunk`. With ``W`` the content budget of one input
(``max_length`` minus the special tokens, minus the question for a pair):

- ``"head"``: tokens ``[0, W)``; ``"tail"``: the last ``W``;
- ``"head_tail"``: the first ``head`` and the last ``W - head`` (128 + 382 for 512);
- ``"sliding_window"``: windows of ``W`` overlapping by ``stride`` tokens (transformers'
  meaning), or starting every ``doc_stride`` tokens (Google ``run_squad.py``'s meaning);
  these are exactly the overflow windows of ``tokenizers``.

>>> plan_chunks(10, "sliding_window", max_length=6, stride=1).chunks
[[(0, 4)], [(3, 7)], [(6, 10)]]
>>> plan_chunks(10, "head_tail", max_length=6, head=1).chunks
[[(0, 1), (7, 10)]]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from subword._background import in_background, part_bounds
from subword._core import default_threads
from subword.call_options import SpecialIds
from subword.model_inputs import row_encoding
from subword.padding import BatchEncoding, padded_fields
from subword.processors import Segment, assemble, special_tokens_to_add
from subword.text_encoding import TextEncoder
from subword.text_inputs import as_batch
from subword.truncation import check_stride, overflow_windows

__all__ = [
    "STRATEGIES",
    "ChunkOptions",
    "ChunkPlan",
    "chunk_inputs",
    "chunk_samples",
    "check_strategy",
    "chunk_encodings",
    "chunk_padding_length",
    "plan_chunks",
    "word_windows",
]

STRATEGIES = ("head", "tail", "head_tail", "sliding_window")

DEFAULT_STRIDE = 128
DEFAULT_HEAD = 128


class ChunkPlan(NamedTuple):
    """The content ranges of each chunk (``[start, stop)`` token positions, in order).

    >>> plan = ChunkPlan(window=4, chunks=[[(0, 4)], [(3, 7)]])
    >>> plan.window, plan.chunks[1]
    (4, [(3, 7)])
    """

    window: int  # content tokens per chunk at most
    chunks: list[list[tuple[int, int]]]


class ChunkOptions(NamedTuple):
    """How ``chunk()`` cuts each text (its keyword arguments, checked when planning).

    >>> ChunkOptions("head", 128).max_length
    128
    """

    strategy: str = "sliding_window"
    max_length: int = 512
    stride: int | None = None
    head: int = DEFAULT_HEAD
    doc_stride: int | None = None
    pad_to: int = 0
    with_special: bool = False
    respect_words: bool = False


def chunk_inputs(text: object, text_pair: object) -> tuple[list[tuple[str | None, str]], bool]:
    """``chunk()``'s texts as ``(question or None, context)`` samples, and whether a batch.

    >>> chunk_inputs("a long text", None)
    ([(None, 'a long text')], False)
    >>> chunk_inputs([("who?", "a context")], None)
    ([('who?', 'a context')], True)
    """
    pairs, batched = as_batch(text, text_pair)
    samples: list[tuple[str | None, str]] = [
        (first, second) if second is not None else (None, first) for first, second in pairs
    ]
    return samples, batched


def chunk_samples(
    encoder: TextEncoder,
    samples: list[tuple[str | None, str]],
    options: ChunkOptions,
    ids: SpecialIds,
) -> list[list[BatchEncoding]]:
    """The windows of each sample (its text, or its question and context).

    Every text of the batch is encoded in one call; each window keeps the texts it came
    from (``window.source_texts``, for :func:`subword.window_predictions.best_answers`).

    >>> from subword import BertTokenizer
    >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] a b".split())
    >>> ids = SpecialIds((2, 3), 0, 0, tok.convert_ids_to_tokens)
    >>> options = ChunkOptions(max_length=4, stride=1)
    >>> windows = chunk_samples(tok._texts, [(None, "a b a")], options, ids)
    >>> [window["input_ids"] for window in windows[0]]
    [[2, 4, 5, 3], [2, 5, 4, 3]]
    """
    check_strategy(options.strategy)
    assert ids.cls_sep is not None  # chunks always carry the template
    result = []
    for part, segments in _encoded_parts(encoder, samples):
        for (question_text, context_text), (question, context) in zip(part, segments, strict=True):
            plan = plan_chunks(
                len(context.ids),
                options.strategy,
                max_length=options.max_length,
                question_length=len(question.ids) if question is not None else None,
                stride=options.stride,
                head=options.head,
                doc_stride=options.doc_stride,
                words=context.words if options.respect_words else None,
            )
            windows = chunk_encodings(
                plan, question, context, ids.cls_sep, ids.pad_id, options.pad_to,
                options.with_special, ids.token_of,
            )  # fmt: skip
            for window in windows:
                window.source_texts = (question_text, context_text)
            result.append(windows)
    return result


#: Samples per part when a batch is encoded on a background thread (two texts each, a
#: question and a context: enough for the pool to run a part in parallel).
PART_SAMPLES = 64

_Samples = list[tuple[str | None, str]]
_Encoded = list[tuple[Segment | None, Segment]]


def _encoded_parts(encoder: TextEncoder, samples: _Samples) -> Iterator[tuple[_Samples, _Encoded]]:
    """Each part of the batch with its samples' ``(question, context)`` segments.

    With more than one thread in the pool, the parts are encoded on a background thread
    while the caller makes the windows of those before (:mod:`subword._background`);
    otherwise the batch is one part, encoded in one call.
    """

    def encoded(part: _Samples) -> _Encoded:
        questions = [question for question, _ in part if question is not None]
        texts = [context for _, context in part] + questions
        segments = iter(encoder.encode(texts, with_offsets=True, with_words=True))
        contexts = [next(segments) for _ in part]
        return [
            (next(segments) if question is not None else None, context)
            for (question, _), context in zip(part, contexts, strict=True)
        ]

    if default_threads() == 1 or len(samples) < 2 * PART_SAMPLES:
        yield samples, encoded(samples)
        return
    parts = [samples[start:stop] for start, stop in part_bounds(len(samples), 1, PART_SAMPLES)]
    with in_background(encoded, parts) as encoded_parts:
        yield from zip(parts, encoded_parts, strict=True)


def plan_chunks(
    length: int,
    strategy: str,
    max_length: int = 512,
    question_length: int | None = None,
    stride: int | None = None,
    head: int = DEFAULT_HEAD,
    doc_stride: int | None = None,
    words: Sequence[int] | None = None,
) -> ChunkPlan:
    """Plan the chunks of a text of ``length`` content tokens; ``ValueError`` on bad values.

    ``question_length`` is the length of the question kept whole in every chunk of a pair
    (``None`` for a single text). ``words`` (the word of each token) makes sliding windows
    respect words (:func:`word_windows`).

    >>> plan_chunks(10, "head", max_length=6)
    ChunkPlan(window=4, chunks=[[(0, 4)]])
    >>> plan_chunks(10, "tail", max_length=8, question_length=2)
    ChunkPlan(window=3, chunks=[[(7, 10)]])
    """
    check_strategy(strategy)
    window = _window(max_length, question_length)
    if strategy == "head":
        return ChunkPlan(window, [[(0, min(length, window))]])
    if strategy == "tail":
        return ChunkPlan(window, [[(max(0, length - window), length)]])
    if strategy == "head_tail":
        return ChunkPlan(window, [_head_tail(length, window, head)])
    overlap = _overlap(window, stride, doc_stride)
    if words is not None:
        return ChunkPlan(window, [[span] for span in word_windows(words, window, overlap)])
    return ChunkPlan(window, [[span] for span in overflow_windows(length, window, overlap)])


def word_windows(words: Sequence[int], window: int, overlap: int) -> list[tuple[int, int]]:
    """Sliding windows whose edges fall between words (``respect_words=True``).

    Each window takes as many whole words as fit in ``window`` tokens (a word longer than
    the window alone is cut, as it must be); the next starts at the word holding the token
    ``overlap`` tokens before the end, or the next word, so every token is in some window.

    >>> word_windows([0, 0, 1, 2, 2, 2, 3], 4, 1)  # words of 2, 1, 3 and 1 tokens
    [(0, 3), (2, 6), (3, 7)]
    """
    length = len(words)
    starts = [i == 0 or words[i] != words[i - 1] for i in range(length)]

    def word_start(position: int) -> int:
        while position > 0 and not starts[position]:
            position -= 1
        return position

    spans: list[tuple[int, int]] = []
    start = 0
    while True:
        stop = min(start + window, length)
        if stop < length and word_start(stop) > start:
            stop = word_start(stop)  # the word at the edge goes to the next window
        spans.append((start, stop))
        if stop >= length:
            return spans
        following = word_start(max(stop - overlap, 0))
        if following <= start:  # no overlap fits: the next word after start
            following = next((i for i in range(start + 1, stop) if starts[i]), stop)
        start = following


def check_strategy(strategy: str) -> None:
    """A ``ValueError`` naming the strategies unless ``strategy`` is one of them.

    >>> check_strategy("head_tail")
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy={strategy!r} is not one of {list(STRATEGIES)}")


def chunk_padding_length(padding: bool | str | None, max_length: int) -> int:
    """The length chunks are padded to: ``max_length``, or 0 (not padded).

    Chunks pad only to ``"max_length"`` (``"longest"`` means nothing for one input).

    >>> chunk_padding_length("max_length", 512), chunk_padding_length(False, 512)
    (512, 0)
    """
    if padding not in (False, None, "do_not_pad", "max_length"):
        raise ValueError(f"padding={padding!r}: chunk pads only to 'max_length' (or not at all)")
    return max_length if padding == "max_length" else 0


def chunk_encodings(
    plan: ChunkPlan,
    question: Segment | None,
    context: Segment,
    cls_sep: tuple[int, int],
    pad_id: int | None = None,
    pad_to: int = 0,
    with_special: bool = False,
    token_of: Callable[[int], str] | None = None,
) -> list[BatchEncoding]:
    """One model input per chunk of the plan: ``[CLS] (question [SEP]) content [SEP]``.

    The content is the plan's ranges of ``context`` (its ids and offsets); each input is
    padded to ``pad_to`` tokens (0: not padded) and has ``input_ids``, ``token_type_ids``,
    ``attention_mask``, ``offset_mapping`` (and ``special_tokens_mask`` when asked).
    When the segments carry their words and ``token_of`` is given, each input also
    answers alignment questions (``word_ids()``: a word's index in its whole text, so a
    label follows the word into every window that holds it).

    >>> from subword.processors import Segment
    >>> context = Segment([7, 8, 9], [(0, 1), (2, 3), (4, 5)])
    >>> plan = plan_chunks(3, "sliding_window", max_length=4, stride=0)
    >>> [chunk["input_ids"] for chunk in chunk_encodings(plan, None, context, (101, 102))]
    [[101, 7, 8, 102], [101, 9, 102]]
    """
    assert context.offsets is not None  # chunks always carry offsets
    encodings = []
    for ranges in plan.chunks:
        content = _cut(context, ranges)
        if question is not None:
            row = assemble(question, content, cls_sep)
        else:
            row = assemble(content, None, cls_sep)
        fields = padded_fields([row], pad_to, pad_id, with_special=with_special, with_offsets=True)
        alignment = None
        if row.words is not None and token_of is not None:
            alignment = [row_encoding(row, pad_to, pad_id, 0, "right", token_of)]
        single = {key: value[0] for key, value in fields.items()}
        encodings.append(BatchEncoding(single, encoding=alignment))
    return encodings


def _cut(context: Segment, ranges: list[tuple[int, int]]) -> Segment:
    """The tokens of ``context`` (which carries offsets) in ``ranges``, one after the other."""
    ids, offsets, words = context
    assert offsets is not None
    if len(ranges) == 1:  # every strategy but head_tail: slices, no loop
        ((start, stop),) = ranges
        kept_words = words[start:stop] if words is not None else None
        return Segment(ids[start:stop], offsets[start:stop], kept_words)
    return Segment(
        [i for start, stop in ranges for i in ids[start:stop]],
        [o for start, stop in ranges for o in offsets[start:stop]],
        None if words is None else [w for start, stop in ranges for w in words[start:stop]],
    )


def _window(max_length: int, question_length: int | None) -> int:
    """Content tokens per chunk: ``max_length`` minus special tokens (and the question)."""
    if isinstance(max_length, bool) or not isinstance(max_length, int):
        raise TypeError(f"max_length must be an int, not {type(max_length).__name__}")
    n_special = special_tokens_to_add(pair=question_length is not None)
    if question_length is None:
        window = max_length - n_special
        taken = f"{n_special} special tokens"
    else:
        window = max_length - n_special - question_length
        taken = f"{n_special} special tokens and a question of {question_length} tokens"
    if window < 1:
        raise ValueError(
            f"max_length={max_length} leaves no room for content after {taken}: "
            "a window must hold at least one content token"
        )
    return window


def _head_tail(length: int, window: int, head: int) -> list[tuple[int, int]]:
    if not 0 <= head < window:
        raise ValueError(
            f"head={head} must be at least 0 and smaller than the window of {window} content "
            "tokens (max_length minus the special tokens)"
        )
    if length <= window:
        return [(0, length)]
    return [(0, head), (length - (window - head), length)]


def _overlap(window: int, stride: int | None, doc_stride: int | None) -> int:
    """The overlap between consecutive windows, from ``stride`` or ``doc_stride``."""
    if doc_stride is not None:
        if stride is not None:
            raise ValueError(
                f"give stride (the overlap, here {stride}) or doc_stride (the step, here "
                f"{doc_stride}), not both"
            )
        if not 1 <= doc_stride <= window:
            raise ValueError(
                f"doc_stride={doc_stride} must be between 1 and the window of {window} "
                "content tokens"
            )
        return window - doc_stride
    stride = DEFAULT_STRIDE if stride is None else stride
    check_stride(stride, window)
    return stride
