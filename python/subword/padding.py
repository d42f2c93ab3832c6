"""Padding, and the rows laid out as transformers' fields (a :class:`BatchEncoding`).

The last stage of ``tokenizer(batch)`` (``tokenizers``' ``utils/padding.rs``): rows are
padded on the right, to the longest row (``"longest"``) or to ``max_length``
(``"max_length"``). A padding position gets the pad id, ``token_type_ids`` 0,
``attention_mask`` 0, ``special_tokens_mask`` 1 and offsets ``(0, 0)``, as transformers
gives them. The fields come out in transformers' key order.

>>> from subword.processors import Row
>>> rows = [Row([101, 7, 102], [0, 0, 0], [1, 0, 1], None)]
>>> rows.append(Row([101, 102], [0, 0], [1, 1], None))
>>> length = padding_length(rows, "longest", None)
>>> padded_fields(rows, length, pad_id=0)  # doctest: +NORMALIZE_WHITESPACE
{'input_ids': [[101, 7, 102], [101, 102, 0]], 'token_type_ids': [[0, 0, 0], [0, 0, 0]],
 'attention_mask': [[1, 1, 1], [1, 1, 0]]}
"""

from __future__ import annotations

from typing import Any

from subword.processors import NO_OFFSETS, Row

__all__ = [
    "PADDING_STRATEGIES",
    "BatchEncoding",
    "padded_fields",
    "padding_length",
    "padding_strategy",
]

PADDING_STRATEGIES = ("longest", "max_length", "do_not_pad")


class BatchEncoding(dict[str, Any]):
    """The result of :meth:`BertTokenizer.__call__`: a dict with attribute access.

    >>> encoding = BatchEncoding(input_ids=[101, 102], attention_mask=[1, 1])
    >>> encoding.input_ids == encoding["input_ids"]
    True
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __reduce__(self) -> tuple[type[BatchEncoding], tuple[dict[str, Any]]]:
        return BatchEncoding, (dict(self),)


def padding_strategy(padding: bool | str | None) -> str:
    """The strategy that ``padding=`` names, as transformers reads it.

    >>> padding_strategy(True), padding_strategy(False), padding_strategy("max_length")
    ('longest', 'do_not_pad', 'max_length')
    """
    if padding is True:
        return "longest"
    if padding is False or padding is None:
        return "do_not_pad"
    if padding not in PADDING_STRATEGIES:
        raise ValueError(
            f"{padding} is not a valid PaddingStrategy, please select one of "
            f"{list(PADDING_STRATEGIES)}"
        )
    return padding


def padding_length(rows: list[Row], strategy: str, max_length: int | None) -> int:
    """The length every row is padded to (0: no padding).

    >>> rows = [Row([1, 2, 3], [0, 0, 0], [0, 0, 0], None)]
    >>> padding_length(rows, "longest", None), padding_length(rows, "max_length", 8)
    (3, 8)
    """
    if strategy == "longest":
        return max((len(row.ids) for row in rows), default=0)
    if strategy == "max_length":
        assert max_length is not None  # a max_length is resolved whenever padding to it
        return max_length
    return 0


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
) -> dict[str, list[Any]]:
    """Pad the rows to ``length`` and lay them out as transformers' fields, in its key order.

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
    for row in rows:
        pad = max(length - len(row.ids), 0)
        fields["input_ids"].append(row.ids + [pad_id] * pad)
        if with_type_ids:
            fields["token_type_ids"].append(row.type_ids + [pad_type_id] * pad)
        if with_attention:
            fields["attention_mask"].append([1] * len(row.ids) + [0] * pad)
        if with_special:
            fields["special_tokens_mask"].append(row.special + [1] * pad)
        if with_offsets:
            assert row.offsets is not None  # rows carry offsets when they are asked for
            fields["offset_mapping"].append(row.offsets + [NO_OFFSETS] * pad)
        if with_length:
            fields["length"].append(len(row.ids) + pad)
    return fields
