"""``__call__``'s arguments once resolved, and the ids the template and padding insert.

transformers resolves ``padding``, ``truncation`` and ``max_length`` together
(:func:`resolve_strategies`: ``max_length`` alone truncates; ``True`` means the model's
length); :class:`CallOptions` holds the result with every check made once, for the
stages that follow (:mod:`subword.model_inputs`, :mod:`subword.flat_inputs`).

>>> CallOptions(truncation="longest_first", max_length=8).max_length
8
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from subword.padding import padding_strategy
from subword.tensors import check_tensor_type
from subword.truncation import (
    LARGE_INTEGER,
    check_side,
    check_stride_fits,
    truncation_strategy,
)

__all__ = ["CallOptions", "SpecialIds", "resolve_strategies"]


@dataclass(frozen=True)
class SpecialIds:
    """The ids the template and padding insert (``cls_sep`` is ``None``: no template).

    ``token_of`` gives the token of an id (the alignment's ``tokens()``).

    >>> SpecialIds((2, 3), 0, 0, ["[PAD]", "[UNK]", "[CLS]", "[SEP]"].__getitem__).cls_sep
    (2, 3)
    """

    cls_sep: tuple[int, int] | None
    pad_id: int | None
    pad_type_id: int
    token_of: Callable[[int], str]


@dataclass(frozen=True)
class CallOptions:
    """``__call__``'s options once resolved (strategies, sides and tensor type checked).

    >>> CallOptions(padding="longest", padding_side="top")
    Traceback (most recent call last):
    ...
    ValueError: padding_side must be 'right' or 'left', not 'top'
    """

    padding: str = "do_not_pad"
    truncation: str = "do_not_truncate"
    max_length: int | None = None
    stride: int = 0
    pad_to_multiple_of: int | None = None
    padding_side: str = "right"
    truncation_side: str = "right"
    overflow: bool = False
    with_type_ids: bool = True
    with_attention: bool = True
    with_special: bool = False
    with_offsets: bool = False
    with_length: bool = False
    tensor_type: str | None = None
    #: warn once when an input is longer than this and no max_length applies
    model_max_length: int | None = None

    def __post_init__(self) -> None:
        check_side(self.padding_side, "padding_side")
        check_side(self.truncation_side, "truncation_side")
        check_tensor_type(self.tensor_type)
        multiple = self.pad_to_multiple_of
        if multiple is not None and (isinstance(multiple, bool) or not isinstance(multiple, int)):
            raise TypeError(f"pad_to_multiple_of must be an int, not {type(multiple).__name__}")
        if multiple is not None and multiple < 1:
            raise ValueError(f"pad_to_multiple_of={multiple} must be at least 1")
        if self.truncation != "do_not_truncate":
            assert self.max_length is not None  # resolve_strategies gives one
            check_stride_fits(self.stride, self.max_length)
            if self.padding != "do_not_pad" and multiple and self.max_length % multiple:
                # transformers' check and message: padded rows would exceed max_length
                raise ValueError(
                    "Truncation and padding are both activated but truncation length "
                    f"({self.max_length}) is not a multiple of pad_to_multiple_of ({multiple})."
                )


def resolve_strategies(
    padding: Any,
    truncation: Any,
    max_length: int | None,
    model_max_length: int,
    pad_id: int | None,
    pad_token: str | None,
) -> tuple[str, str, int | None]:
    """Resolve the strategies as transformers: ``max_length`` alone truncates.

    >>> resolve_strategies(True, None, 8, 512, 0, "[PAD]")
    ('longest', 'do_not_truncate', 8)
    >>> resolve_strategies(False, True, None, 512, 0, "[PAD]")
    ('do_not_pad', 'longest_first', 512)
    """
    if max_length is not None and padding is False and truncation is None:
        truncation = "longest_first"
    padding, truncation = padding_strategy(padding), truncation_strategy(truncation)
    if max_length is None:
        unlimited = model_max_length > LARGE_INTEGER
        if padding == "max_length":
            padding, max_length = ("do_not_pad", None) if unlimited else (padding, model_max_length)
        if truncation != "do_not_truncate":
            truncation, max_length = (
                ("do_not_truncate", max_length) if unlimited else (truncation, model_max_length)
            )
    if padding != "do_not_pad" and pad_id is None:
        raise ValueError(f"asking to pad but the pad token {pad_token!r} is not in the vocab")
    return padding, truncation, max_length
