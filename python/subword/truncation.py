"""Truncation: which tokens of one or two sequences fit a model input, and the overflow.

Every window and budget rule of the BERT pipeline lives here, as ``tokenizers``'
``utils/truncation.rs`` keeps them: the strategies' names, the pair budgets of
``longest_first`` / ``only_first`` / ``only_second``, the overflow windows that slide
with a ``stride`` (the overlap between consecutive windows), and the stride checks.
:meth:`subword.bert.BertTokenizer.__call__`, :mod:`subword.chunking` and
:mod:`subword.pretraining` all take their windows from here. Pure arithmetic over token
positions: a window is ``(start, stop)``, ``[start, stop)``.

>>> overflow_windows(10, 4, 1)
[(0, 4), (3, 7), (6, 10)]
>>> truncation_windows(5, 3, 4, "longest_first", 0)[0]
((0, 2), (0, 2))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

__all__ = [
    "LARGE_INTEGER",
    "MAX_PAIR_OVERFLOW_ROWS",
    "TRUNCATION_STRATEGIES",
    "check_side",
    "check_stride",
    "check_stride_fits",
    "overflow_windows",
    "pair_budgets",
    "truncation_strategy",
    "truncation_windows",
]

Window = tuple[int, int]

# transformers: a model_max_length above this means "no limit" (no default truncation).
LARGE_INTEGER = int(1e20)

TRUNCATION_STRATEGIES = ("longest_first", "only_first", "only_second", "do_not_truncate")

#: The most model inputs one text pair may overflow into. Overflow pairs every window of
#: the first text with every window of the second (as ``tokenizers`` does), so two long
#: texts and a small ``max_length`` make rows by the million; past this a clear error is
#: raised instead. Set it higher to allow more.
MAX_PAIR_OVERFLOW_ROWS = 100_000


def truncation_strategy(truncation: bool | str | None) -> str:
    """The strategy that ``truncation=`` names, as transformers reads it.

    >>> truncation_strategy(True), truncation_strategy(None), truncation_strategy("only_first")
    ('longest_first', 'do_not_truncate', 'only_first')
    """
    if truncation is True:
        return "longest_first"
    if truncation is False or truncation is None:
        return "do_not_truncate"
    if truncation not in TRUNCATION_STRATEGIES:
        raise ValueError(
            f"{truncation} is not a valid TruncationStrategy, please select one of "
            f"{list(TRUNCATION_STRATEGIES)}"
        )
    return truncation


def check_stride(stride: int, window: int) -> None:
    """The overlap of sliding windows: at least 0 and smaller than the window it slides in.

    >>> check_stride(3, 4)
    >>> check_stride(4, 4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: stride=4 must be at least 0 and smaller than the window of 4 content tokens ...
    """
    if not 0 <= stride < window:
        raise ValueError(
            f"stride={stride} must be at least 0 and smaller than the window of {window} "
            "content tokens (max_length minus the special tokens)"
        )


def check_stride_fits(stride: int, max_length: int) -> None:
    """``tokenizers``' check whenever truncation is on: the stride fits a single text's input.

    A negative stride is refused too (``tokenizers`` takes it as an unsigned count).

    It always counts the 2 special tokens of a single text, as ``tokenizers`` does, and
    allows a stride equal to that length (the window a stride slides in is checked by
    :func:`check_stride` when windows are made).

    >>> check_stride_fits(6, 8)
    >>> check_stride_fits(7, 8)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: stride=7 is larger than the effective max length 6 (max_length=8 minus ...)
    """
    if stride < 0:
        raise ValueError(f"stride={stride} must be at least 0 (the tokens two windows share)")
    effective = max_length - 2
    if effective >= 0 and stride > effective:
        raise ValueError(
            f"stride={stride} is larger than the effective max length {effective} "
            f"(max_length={max_length} minus 2 special tokens)"
        )


def overflow_windows(length: int, budget: int, stride: int) -> list[Window]:
    """``tokenizers``' ``Encoding.truncate`` (right side): the kept window, then the overflow.

    Windows of ``budget`` tokens, each starting ``budget - stride`` after the previous,
    until one reaches the end; ``budget == 0`` keeps nothing and overflows everything.

    >>> overflow_windows(10, 4, 1)
    [(0, 4), (3, 7), (6, 10)]
    >>> overflow_windows(3, 4, 1)
    [(0, 3)]
    """
    if budget >= length:
        return [(0, length)]
    if budget == 0:
        return [(0, 0), (0, length)]
    check_stride(stride, budget)
    windows = []
    for start in range(0, length, budget - stride):
        stop = min(start + budget, length)
        windows.append((start, stop))
        if stop == length:
            break
    return windows


@overload
def truncation_windows(
    first: int,
    second: None,
    budget: int,
    strategy: str,
    stride: int,
    overflow: bool = True,
    side: str = "right",
) -> list[tuple[Window, None]]: ...
@overload
def truncation_windows(
    first: int,
    second: int,
    budget: int,
    strategy: str,
    stride: int,
    overflow: bool = True,
    side: str = "right",
) -> list[tuple[Window, Window]]: ...
@overload
def truncation_windows(
    first: int,
    second: int | None,
    budget: int,
    strategy: str,
    stride: int,
    overflow: bool = True,
    side: str = "right",
) -> list[tuple[Window, Window | None]]: ...
def truncation_windows(
    first: int,
    second: int | None,
    budget: int,
    strategy: str,
    stride: int,
    overflow: bool = True,
    side: str = "right",
) -> Sequence[tuple[Window, Window | None]]:
    """The ``(first, second)`` windows of each model input, in ``tokenizers``' order.

    ``first`` and ``second`` are the sequences' lengths (``second`` is ``None`` for a
    single text) and ``budget`` the content budget (``max_length`` minus the special
    tokens). The budgets are :func:`pair_budgets`'. Overflow combines the windows as
    ``Encoding.merge_with``: first the main pair, then every later window of the first
    sequence with each window of the second, then the first window of the first with
    every later window of the second. ``overflow=False`` gives the main input alone. A
    pair that would overflow into more than :data:`MAX_PAIR_OVERFLOW_ROWS` inputs is a
    ``ValueError``.

    ``side="left"`` (``truncation_side``) keeps the end of each sequence: every window is
    mirrored, so the main input holds the last tokens and the overflow walks back to
    the start, as ``tokenizers``' left truncation direction does.

    >>> truncation_windows(6, None, 4, "longest_first", 0)
    [((0, 4), None), ((4, 6), None)]
    >>> truncation_windows(6, None, 4, "longest_first", 0, side="left")
    [((2, 6), None), ((0, 2), None)]
    >>> truncation_windows(3, 3, 4, "longest_first", 0)  # doctest: +NORMALIZE_WHITESPACE
    [((0, 2), (0, 2)), ((2, 3), (0, 2)), ((2, 3), (2, 3)), ((0, 2), (2, 3))]
    """
    check_side(side, "truncation_side")
    if second is None:
        windows = _mirrored(_single_windows(first, budget, strategy, stride), first, side)
        return [(window, None) for window in (windows if overflow else windows[:1])]
    budget_first, budget_second = pair_budgets(first, second, budget, strategy)
    windows_first = _mirrored(overflow_windows(first, budget_first, stride), first, side)
    windows_second = _mirrored(overflow_windows(second, budget_second, stride), second, side)
    combined: list[tuple[Window, Window | None]] = [(windows_first[0], windows_second[0])]
    if not overflow:
        return combined
    rows = len(windows_first) * len(windows_second)
    if rows > MAX_PAIR_OVERFLOW_ROWS:
        raise ValueError(
            f"this text pair would overflow into {rows:,} model inputs ({len(windows_first):,}"
            f" windows of the first text times {len(windows_second):,} of the second), more "
            f"than subword.truncation.MAX_PAIR_OVERFLOW_ROWS = {MAX_PAIR_OVERFLOW_ROWS:,}; "
            "use a larger max_length or stride, or truncate one text only"
        )
    for window in windows_first[1:]:
        combined += [(window, other) for other in windows_second]
    combined += [(windows_first[0], other) for other in windows_second[1:]]
    return combined


def pair_budgets(first: int, second: int, budget: int, strategy: str) -> tuple[int, int]:
    """How many tokens of each sequence of a pair ``tokenizers``' ``truncate_encodings`` keeps.

    ``longest_first`` cuts the longer sequence down to the shorter, then splits the budget
    with the odd token going to the second sequence (or the longer one when the first is
    longer); ``only_first`` / ``only_second`` cut one sequence and fail when it is too
    short for that.

    >>> pair_budgets(10, 3, 8, "longest_first"), pair_budgets(10, 3, 8, "only_first")
    ((5, 3), (5, 3))
    >>> pair_budgets(5, 5, 7, "longest_first")
    (3, 4)
    """
    if budget == 0:
        return 0, 0
    if first + second <= budget:
        return first, second
    to_remove = first + second - budget
    if strategy == "longest_first":
        short, long = sorted((first, second))
        long = short if short > budget else max(short, budget - short)
        if short + long > budget:
            short = budget // 2
            long = short + budget % 2
        return (long, short) if first > second else (short, long)
    target = first if strategy == "only_first" else second
    if target <= to_remove:
        raise ValueError(
            f"Truncation error: Sequence to truncate too short to respect the provided max_length "
            f"({strategy} must remove {to_remove} tokens from a sequence of {target})"
        )
    if strategy == "only_first":
        return first - to_remove, second
    return first, second - to_remove


def check_side(side: str, name: str) -> None:
    """``side`` is ``"right"`` or ``"left"`` (``padding_side``, ``truncation_side``).

    >>> check_side("middle", "padding_side")
    Traceback (most recent call last):
    ...
    ValueError: padding_side must be 'right' or 'left', not 'middle'
    """
    if side not in ("right", "left"):
        raise ValueError(f"{name} must be 'right' or 'left', not {side!r}")


def _mirrored(windows: list[Window], length: int, side: str) -> list[Window]:
    """The windows counted from the end of the sequence when truncating on the left."""
    if side == "right":
        return windows
    return [(length - stop, length - start) for start, stop in windows]


def _single_windows(length: int, budget: int, strategy: str, stride: int) -> list[Window]:
    if budget == 0:
        return overflow_windows(length, 0, stride)
    if length <= budget:
        return [(0, length)]
    if strategy == "only_second":
        raise ValueError("Truncation error: Second sequence not provided")
    return overflow_windows(length, budget, stride)
