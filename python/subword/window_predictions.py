"""Predictions over the windows of long texts, brought back to the texts.

- :func:`merge_token_predictions`: one prediction per word of each text. A word seen in
  several overlapping windows takes the prediction of the window where it has the most
  context, Google's ``run_squad._check_is_max_context`` rule: the window maximizing
  ``min(tokens before, tokens after) + 0.01 * window length``.
- :func:`best_answers`: the best answer span of each question over all its windows, as
  transformers' ``postprocess_qa_predictions`` finds it: the ``n_best`` highest start
  and end logits of each window, spans inside the context, ``end >= start``, at most
  ``max_answer_length`` tokens, scored by start + end logit; with ``allow_null`` (SQuAD v2)
  the empty answer wins when its score (the ``[CLS]`` logits) is higher.

Windows are what :meth:`subword.bert.BertTokenizer.chunk` returns (with
``overflow_to_sample_mapping`` for a batch, else all from text 0).

>>> from subword import BertTokenizer
>>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] a b c d".split())
>>> windows = tok.chunk("a b c d", max_length=4, stride=1)
>>> predictions = [[0, 10, 11, 0], [0, 11, 12, 0], [0, 12, 13, 0]]
>>> merge_token_predictions(windows, predictions)
[[10, 11, 12, 13]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from subword._core import best_spans
from subword.window_labels import context_positions, context_run

__all__ = ["Answer", "best_answers", "merge_token_predictions"]


class Answer(NamedTuple):
    """An answer span in the context: its text, characters ``[start, end)`` and score.

    >>> Answer("Paris", 10, 15, 7.5).text
    'Paris'
    """

    text: str
    start: int
    end: int
    score: float


def _sample_of(window: Any) -> int:
    return int(window.get("overflow_to_sample_mapping", 0))


def merge_token_predictions(windows: Sequence[Any], predictions: Sequence[Any]) -> list[list[Any]]:
    """One prediction per word of each text, from per-window token predictions.

    ``predictions[i]`` holds one label id per token of window ``i`` (or one row of
    logits per token: the highest wins). A word's prediction is that of its first token
    in the window where the word has the most context. Words no window holds (the middle
    of a ``head_tail`` chunk) get ``None``.

    >>> from subword import BertTokenizer
    >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] a b".split())
    >>> windows = tok.chunk(["a b", "b"], max_length=8, stride=0)
    >>> merge_token_predictions(windows, [[0, 1, 2, 0], [0, 3, 0]])
    [[1, 2], [3]]
    """
    if len(windows) != len(predictions):
        raise ValueError(f"{len(windows)} windows but {len(predictions)} predictions")
    best: dict[int, dict[int, tuple[float, Any]]] = {}
    for window, predicted in zip(windows, predictions, strict=True):
        labels = _labels(predicted)
        content = context_positions(window)
        words = window.word_ids()
        seen: set[int] = set()
        for rank, position in enumerate(content):
            word = words[position]
            if word is None or word in seen:
                continue
            seen.add(word)
            score = min(rank, len(content) - 1 - rank) + 0.01 * len(content)
            found = best.setdefault(_sample_of(window), {})
            if word not in found or score > found[word][0]:
                found[word] = (score, labels[position])
    samples = max(best, default=-1) + 1
    result = []
    for sample in range(samples):
        found = best.get(sample, {})
        count = max(found, default=-1) + 1
        result.append([found[word][1] if word in found else None for word in range(count)])
    return result


def _inside(window: Any, length: int) -> np.ndarray[Any, Any]:
    """Whether each of a window's first ``length`` tokens is a context token."""
    inside = np.zeros(length, dtype=bool)
    run = context_run(window)
    if run is not None:
        inside[run[0] : run[1]] = True
    else:
        positions = np.asarray(context_positions(window), dtype=np.int64)
        inside[positions[positions < length]] = True
    return inside


def _labels(predicted: Any) -> list[Any]:
    array = np.asarray(predicted)
    return (array.argmax(-1) if array.ndim == 2 else array).tolist()  # type: ignore[no-any-return]


def best_answers(
    windows: Sequence[Any],
    start_logits: Sequence[Any],
    end_logits: Sequence[Any],
    n_best: int = 20,
    max_answer_length: int = 30,
    allow_null: bool = False,
) -> list[Answer]:
    """The best answer of each question over its windows (``postprocess_qa_predictions``).

    ``start_logits[i]`` / ``end_logits[i]`` score each token of window ``i``. The answer's
    text is cut from the context the window was made from; a null answer (``allow_null``
    and the ``[CLS]`` score the highest) is ``Answer("", 0, 0, score)``.

    >>> from subword import BertTokenizer
    >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] who paris is nice".split())
    >>> windows = tok.chunk("who", "Paris is nice", max_length=16, stride=0)
    >>> best_answers(windows, [[0, 0, 0, 5, 1, 0, 0]], [[0, 0, 0, 4, 0, 1, 0]])
    [Answer(text='Paris', start=0, end=5, score=9.0)]
    """
    if not len(windows) == len(start_logits) == len(end_logits):
        raise ValueError("give one row of start and end logits per window")
    starts = [np.ascontiguousarray(row, dtype=np.float64) for row in start_logits]
    ends = [np.ascontiguousarray(row, dtype=np.float64) for row in end_logits]
    inside = [_inside(window, len(row)) for window, row in zip(windows, starts, strict=True)]
    # Each window's best span, in Rust and in parallel (the reference's rule: see
    # rust/answers.rs); the windows of one question are then compared in order.
    spans = best_spans(starts, ends, inside, n_best, max_answer_length)
    best: dict[int, tuple[float, int, int, str]] = {}  # sample -> score, start, end, context
    null: dict[int, float] = {}
    for window, row_starts, row_ends, span in zip(windows, starts, ends, spans, strict=True):
        sample = _sample_of(window)
        null_score = float(row_starts[0] + row_ends[0])
        null[sample] = min(null.get(sample, null_score), null_score)
        if span is None:
            continue
        score, start, end = span
        if sample not in best or score > best[sample][0]:  # ties: the first window's
            offsets = window["offset_mapping"]
            context = window.source_texts[1] if window.source_texts else ""
            best[sample] = (score, offsets[start][0], offsets[end][1], context)
    answers = []
    for sample in sorted(null):
        if sample in best and not (allow_null and null[sample] > best[sample][0]):
            score, first, last, context = best[sample]
            answers.append(Answer(context[first:last], first, last, score))
        else:
            answers.append(Answer("", 0, 0, null[sample]))
    return answers
