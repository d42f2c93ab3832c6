"""Which tokens of a long text go into which model input: the ``chunk()`` strategies.

Pure arithmetic over token positions; :meth:`subword.bert.BertTokenizer.chunk` turns the
plan into encodings. With ``W`` the content budget of one input (``max_length`` minus the
special tokens, minus the question for a pair):

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

from typing import NamedTuple

__all__ = ["STRATEGIES", "ChunkPlan", "overflow_windows", "plan_chunks"]

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


def overflow_windows(length: int, max_len: int, stride: int) -> list[tuple[int, int]]:
    """``tokenizers``' ``Encoding.truncate`` (right side): the kept window, then the overflow.

    Windows of ``max_len`` tokens, each starting ``max_len - stride`` after the previous,
    until one reaches the end; ``max_len == 0`` keeps nothing and overflows everything.

    >>> overflow_windows(10, 4, 1)
    [(0, 4), (3, 7), (6, 10)]
    """
    if max_len >= length:
        return [(0, length)]
    if max_len == 0:
        return [(0, 0), (0, length)]
    if stride >= max_len:
        raise ValueError(
            f"stride={stride} must be smaller than the window of {max_len} tokens "
            "(max_length minus the special tokens)"
        )
    windows = []
    for start in range(0, length, max_len - stride):
        stop = min(start + max_len, length)
        windows.append((start, stop))
        if stop == length:
            break
    return windows


def plan_chunks(
    length: int,
    strategy: str,
    max_length: int = 512,
    question_length: int | None = None,
    stride: int | None = None,
    head: int = DEFAULT_HEAD,
    doc_stride: int | None = None,
) -> ChunkPlan:
    """Plan the chunks of a text of ``length`` content tokens; ``ValueError`` on bad values.

    ``question_length`` is the length of the question kept whole in every chunk of a pair
    (``None`` for a single text).

    >>> plan_chunks(10, "head", max_length=6)
    ChunkPlan(window=4, chunks=[[(0, 4)]])
    >>> plan_chunks(10, "tail", max_length=8, question_length=2)
    ChunkPlan(window=3, chunks=[[(7, 10)]])
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy={strategy!r} is not one of {list(STRATEGIES)}")
    window = _window(max_length, question_length)
    if strategy == "head":
        return ChunkPlan(window, [[(0, min(length, window))]])
    if strategy == "tail":
        return ChunkPlan(window, [[(max(0, length - window), length)]])
    if strategy == "head_tail":
        return ChunkPlan(window, [_head_tail(length, window, head)])
    overlap = _overlap(window, stride, doc_stride)
    return ChunkPlan(window, [[span] for span in overflow_windows(length, window, overlap)])


def _window(max_length: int, question_length: int | None) -> int:
    """Content tokens per chunk: ``max_length`` minus special tokens (and the question)."""
    if isinstance(max_length, bool) or not isinstance(max_length, int):
        raise TypeError(f"max_length must be an int, not {type(max_length).__name__}")
    if question_length is None:
        window = max_length - 2
        taken = "2 special tokens"
    else:
        window = max_length - 3 - question_length
        taken = f"3 special tokens and a question of {question_length} tokens"
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
    if not 0 <= stride < window:
        raise ValueError(
            f"stride={stride} must be at least 0 and smaller than the window of {window} "
            "content tokens (max_length minus the special tokens)"
        )
    return stride
