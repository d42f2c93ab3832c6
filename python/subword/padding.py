"""Padding: the rows made as long as each other, and laid out as transformers' fields.

The last stage of ``tokenizer(batch)`` (``tokenizers``' ``utils/padding.rs``): rows are
padded to the longest row (``"longest"``) or to ``max_length`` (``"max_length"``),
rounded up to a multiple of ``pad_to_multiple_of`` when given, on the right or, with
``padding_side="left"``, on the left. A padding position gets the pad id,
``token_type_ids`` 0, ``attention_mask`` 0, ``special_tokens_mask`` 1 and offsets
``(0, 0)``, as transformers gives them. The fields come out in transformers' key order.
:func:`pad_features` is ``tokenizer.pad()``: padding what a data collator hands over.

>>> from subword.processors import Row
>>> rows = [Row([101, 7, 102], [0, 0, 0], [1, 0, 1], None)]
>>> rows.append(Row([101, 102], [0, 0], [1, 1], None))
>>> length = padding_length(rows, "longest", None)
>>> padded_fields(rows, length, pad_id=0)  # doctest: +NORMALIZE_WHITESPACE
{'input_ids': [[101, 7, 102], [101, 102, 0]], 'token_type_ids': [[0, 0, 0], [0, 0, 0]],
 'attention_mask': [[1, 1, 1], [1, 1, 0]]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from subword.batch_encoding import BatchEncoding
from subword.processors import NO_OFFSETS, Row
from subword.truncation import check_side

__all__ = [
    "PADDING_STRATEGIES",
    "BatchEncoding",
    "pad_features",
    "pad_row",
    "padded_fields",
    "padding_length",
    "padding_strategy",
]

PADDING_STRATEGIES = ("longest", "max_length", "do_not_pad")

_T = TypeVar("_T")


def padding_strategy(padding: bool | str | None) -> str:
    """The strategy that ``padding=`` names, as transformers reads it.

    >>> padding_strategy(True), padding_strategy(False), padding_strategy("max_length")
    ('longest', 'do_not_pad', 'max_length')
    """
    if padding is True:
        return "longest"
    if padding is False or padding is None:
        return "do_not_pad"
    padding = getattr(padding, "value", padding)  # transformers' PaddingStrategy enum
    if padding not in PADDING_STRATEGIES:
        raise ValueError(
            f"{padding} is not a valid PaddingStrategy, please select one of "
            f"{list(PADDING_STRATEGIES)}"
        )
    return str(padding)


def padding_length(
    rows: Sequence[Sequence[Any]] | Sequence[Row],
    strategy: str,
    max_length: int | None,
    pad_to_multiple_of: int | None = None,
) -> int:
    """The length every row is padded to (0: no padding).

    ``rows`` are :class:`Row` objects or the id lists themselves.

    >>> rows = [Row([1, 2, 3], [0, 0, 0], [0, 0, 0], None)]
    >>> padding_length(rows, "longest", None), padding_length(rows, "max_length", 8)
    (3, 8)
    >>> padding_length(rows, "longest", None, pad_to_multiple_of=8)
    8
    """
    longest = max((len(_ids(row)) for row in rows), default=0)
    return padded_length(longest, strategy, max_length, pad_to_multiple_of)


def padded_length(
    longest: int, strategy: str, max_length: int | None, pad_to_multiple_of: int | None = None
) -> int:
    """:func:`padding_length` of rows whose longest has ``longest`` tokens.

    >>> padded_length(5, "longest", None, 4), padded_length(5, "do_not_pad", None)
    (8, 0)
    """
    if strategy == "do_not_pad":
        return 0
    if strategy == "longest":
        length = longest
    else:
        assert max_length is not None  # a max_length is resolved whenever padding to it
        length = max_length
    if pad_to_multiple_of and length % pad_to_multiple_of:
        length += pad_to_multiple_of - length % pad_to_multiple_of
    return length


def _ids(row: Any) -> Sequence[Any]:
    return row.ids if isinstance(row, Row) else row


def _padded(values: list[_T], pad: int, value: _T, left: bool) -> list[_T]:
    if not pad:
        return values
    return [value] * pad + values if left else values + [value] * pad


def pad_row(row: Row, length: int, pad_id: int, pad_type_id: int = 0, side: str = "right") -> Row:
    """One row padded to ``length`` (words and sequences ``None`` on padding).

    >>> pad_row(Row([2, 5, 3], [0, 0, 0], [1, 0, 1], None), 4, pad_id=0, side="left").ids
    [0, 2, 5, 3]
    """
    pad = max(length - len(row.ids), 0)
    left = side == "left"
    return Row(
        _padded(row.ids, pad, pad_id, left),
        _padded(row.type_ids, pad, pad_type_id, left),
        _padded(row.special, pad, 1, left),
        _padded(row.offsets, pad, NO_OFFSETS, left) if row.offsets is not None else None,
        _padded(row.words, pad, None, left) if row.words is not None else None,
        _padded(row.sequence_ids, pad, None, left) if row.sequence_ids is not None else None,
    )


def padded_fields(
    rows: list[Row],
    length: int,
    pad_id: int | None,
    pad_type_id: int = 0,
    *,
    with_type_ids: bool = True,
    with_attention: bool = True,
    with_special: bool = False,
    with_offsets: bool = False,
    with_length: bool = False,
    side: str = "right",
) -> dict[str, list[Any]]:
    """Pad the rows to ``length`` and lay them out as transformers' fields, in its key order.

    ``side="left"`` puts the padding first (``padding_side``).

    >>> row = Row([101, 7, 102], [0, 0, 0], [1, 0, 1], [(0, 0), (0, 3), (0, 0)])
    >>> fields = padded_fields([row], 4, pad_id=0, with_special=True, with_offsets=True)
    >>> fields["special_tokens_mask"], fields["offset_mapping"]
    ([[1, 0, 1, 1]], [[(0, 0), (0, 3), (0, 0), (0, 0)]])
    """
    fields: dict[str, list[Any]] = {"input_ids": []}
    if with_type_ids:
        fields["token_type_ids"] = []
    if with_attention:
        fields["attention_mask"] = []
    if with_special:
        fields["special_tokens_mask"] = []
    if with_offsets:
        fields["offset_mapping"] = []
    if with_length:
        fields["length"] = []
    left = side == "left"
    for row in rows:
        pad = max(length - len(row.ids), 0)
        fields["input_ids"].append(_padded(row.ids, pad, pad_id, left))
        if with_type_ids:
            fields["token_type_ids"].append(_padded(row.type_ids, pad, pad_type_id, left))
        if with_attention:
            fields["attention_mask"].append(_padded([1] * len(row.ids), pad, 0, left))
        if with_special:
            fields["special_tokens_mask"].append(_padded(row.special, pad, 1, left))
        if with_offsets:
            assert row.offsets is not None  # rows carry offsets when they are asked for
            fields["offset_mapping"].append(_padded(row.offsets, pad, NO_OFFSETS, left))
        if with_length:
            fields["length"].append(len(row.ids) + pad)
    return fields


#: The fields ``pad()`` pads, with the value of a padding position (``None``: the
#: tokenizer's pad id / pad token type id); others (``labels``, ...) are left as given.
_PADDED_FIELDS = ("input_ids", "token_type_ids", "attention_mask", "special_tokens_mask")


def pad_features(
    features: Any,
    strategy: str,
    max_length: int | None,
    pad_to_multiple_of: int | None,
    pad_ids: tuple[int | None, int],
    side: str,
    with_attention: bool,
) -> tuple[dict[str, Any], bool]:
    """``tokenizer.pad()``'s fields: features padded as transformers pads them.

    ``features`` is what a data collator passes: a list of dicts (one per example), a
    dict of lists (a batch), or one example's dict; numpy arrays and torch tensors are
    read as lists. ``pad_ids`` is ``(pad_token_id, pad_token_type_id)``. Returns the
    padded fields and whether they are a batch. ``input_ids`` are padded with the pad
    id, ``token_type_ids`` with the pad type id, ``attention_mask`` with 0 (made when
    missing, unless ``with_attention`` is false) and ``special_tokens_mask`` with 1.

    >>> fields, _ = pad_features([{"input_ids": [2, 5, 3]}, {"input_ids": [2, 3]}],
    ...                          "longest", None, None, (0, 0), "right", True)
    >>> fields  # doctest: +NORMALIZE_WHITESPACE
    {'input_ids': [[2, 5, 3], [2, 3, 0]], 'attention_mask': [[1, 1, 1], [1, 1, 0]]}
    """
    check_side(side, "padding_side")
    batch, batched = _as_columns(features)
    if "input_ids" not in batch:
        raise ValueError(
            "You should supply an encoding or a list of encodings to this method that includes "
            f"input_ids, but you provided {list(batch)}"
        )
    rows = batch["input_ids"] if batched else [batch["input_ids"]]
    if with_attention and "attention_mask" not in batch:
        batch["attention_mask"] = (
            [[1] * len(ids) for ids in rows] if batched else [1] * len(rows[0])
        )
    length = padding_length(rows, strategy, max_length, pad_to_multiple_of)
    if length and pad_ids[0] is None:
        raise ValueError("asking to pad but the tokenizer has no pad token in its vocab")
    pad_values = {
        "input_ids": pad_ids[0],
        "token_type_ids": pad_ids[1],
        "attention_mask": 0,
        "special_tokens_mask": 1,
    }
    left = side == "left"
    for key in _PADDED_FIELDS:
        if key not in batch or not length:
            continue
        column = batch[key] if batched else [batch[key]]
        padded = [
            _padded(list(values), max(length - len(values), 0), pad_values[key], left)
            for values in column
        ]
        batch[key] = padded if batched else padded[0]
    return batch, batched


def _as_columns(features: Any) -> tuple[dict[str, Any], bool]:
    """A dict of columns (as Python lists) from collator input, and whether it is a batch."""
    if isinstance(features, (list, tuple)) and features and isinstance(features[0], Mapping):
        keys = list(features[0])
        return {key: [_as_list(example[key]) for example in features] for key in keys}, True
    if not isinstance(features, Mapping):
        raise ValueError(
            "pad() takes a BatchEncoding, a dict of lists, or a list of dicts (one per "
            f"example); got {type(features).__name__}"
        )
    columns = {key: _as_list(value) for key, value in features.items()}
    ids = columns.get("input_ids") or []
    batched = bool(ids) and isinstance(ids[0], (list, tuple))
    return columns, batched


def _as_list(value: Any) -> Any:
    """Arrays and tensors (numpy, torch) as nested lists; anything else as it is."""
    return value.tolist() if hasattr(value, "tolist") else value
