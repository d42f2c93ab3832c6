"""``tokenizer(batch)`` from encoded texts to a :class:`~subword.batch_encoding.BatchEncoding`.

The stages after the texts are WordPiece-encoded, in order: the strategies resolved as
transformers resolves them, each sample's truncation windows (and overflow), the
``[CLS] A [SEP] B [SEP]`` template, padding, and the fields laid out (as arrays when
``return_tensors`` asks). Alignment (``word_ids()``, ``char_to_token()``, ...) is made
only when first asked for, by running the same stages again with words and offsets.

:class:`~subword.bert.BertTokenizer` reads ``__call__``'s arguments into a
:class:`CallOptions` and calls :func:`encode_call`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from subword.batch_encoding import BatchEncoding, Encoding
from subword.padding import pad_row, padded_fields, padding_length, padding_strategy
from subword.processors import Row, Segment, assemble, special_tokens_to_add
from subword.tensors import check_tensor_type, padded_arrays
from subword.truncation import (
    LARGE_INTEGER,
    check_side,
    check_stride_fits,
    truncation_strategy,
    truncation_windows,
)

__all__ = [
    "CallOptions",
    "Samples",
    "SpecialIds",
    "encode_call",
    "resolve_strategies",
    "row_encoding",
]

#: The encoded texts of a call: ``(first, second or None)`` per sample.
Samples = list[tuple[Segment, Segment | None]]

# The warning about inputs longer than the model takes goes to the logger transformers
# uses for it, so that code that silences or captures transformers' tokenizer warnings
# (``transformers.logging.set_verbosity_error()``, ``assertLogs("transformers")``)
# handles ours the same way.
TOO_LONG_LOGGER = logging.getLogger("transformers.tokenization_utils_base")
TOO_LONG_KEY = "sequence-length-is-longer-than-the-specified-maximum"


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


def encode_call(
    encode: Callable[[bool, bool], Samples],
    options: CallOptions,
    ids: SpecialIds,
    batched: bool,
    warned: dict[str, bool] | None = None,
) -> BatchEncoding:
    """The :class:`BatchEncoding` of a call.

    ``encode(with_offsets, with_words)`` encodes the call's texts (the tokenizer's
    :class:`~subword.text_encoding.TextEncoder` over them); it runs once for the fields,
    and once more if the alignment is asked for. An input longer than
    ``options.model_max_length`` with no ``max_length`` in force logs transformers'
    warning, once per ``warned`` dict (the tokenizer's ``deprecation_warnings``).

    >>> from subword.processors import Segment
    >>> def encode(with_offsets, with_words):
    ...     return [(Segment([5, 6], [(0, 2), (3, 5)], [0, 1]), None)]
    >>> vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "x", "a", "b"]
    >>> ids = SpecialIds((2, 3), 0, 0, vocab.__getitem__)
    >>> batch = encode_call(encode, CallOptions(), ids, batched=False)
    >>> batch["input_ids"], batch.word_ids()
    ([2, 5, 6, 3], [None, 0, 1, None])
    """
    samples = encode(options.with_offsets, False)
    rows_per_sample = _rows_per_sample(samples, options, ids)
    rows = [row for sample_rows in rows_per_sample for row in sample_rows]
    _warn_if_too_long(rows, options, warned)
    length = padding_length(rows, options.padding, options.max_length, options.pad_to_multiple_of)
    single = not batched and not options.overflow
    fields = _fields_as_arrays(rows, length, options, ids) if options.tensor_type else None
    if fields is None:
        fields = padded_fields(
            rows,
            length,
            ids.pad_id,
            ids.pad_type_id,
            with_type_ids=options.with_type_ids,
            with_attention=options.with_attention,
            with_special=options.with_special,
            with_offsets=options.with_offsets,
            with_length=options.with_length,
            side=options.padding_side,
        )
        if single:  # transformers keeps ``length`` a list of one
            fields = {
                key: value[0] if value and isinstance(value[0], list) else value
                for key, value in fields.items()
            }
    else:
        single = False  # the arrays have their batch axis already
    if options.overflow:
        fields["overflow_to_sample_mapping"] = [
            sample for sample, sample_rows in enumerate(rows_per_sample) for _ in sample_rows
        ]

    def alignment() -> list[Encoding]:
        samples = encode(True, True)
        aligned_rows = [row for rows in _rows_per_sample(samples, options, ids) for row in rows]
        return [
            row_encoding(
                row, length, ids.pad_id, ids.pad_type_id, options.padding_side, ids.token_of
            )
            for row in aligned_rows
        ]

    paired = any(second is not None for _, second in samples)
    return BatchEncoding(
        fields,
        encoding=alignment,
        tensor_type=options.tensor_type,
        prepend_batch_axis=single,
        n_sequences=2 if paired else 1,
    )


def _fields_as_arrays(
    rows: list[Row], length: int, options: CallOptions, ids: SpecialIds
) -> dict[str, Any] | None:
    """The fields as arrays, filled directly (``None``: ragged rows, made as lists)."""
    keys = ["input_ids"]
    keys += ["token_type_ids"] if options.with_type_ids else []
    keys += ["attention_mask"] if options.with_attention else []
    keys += ["special_tokens_mask"] if options.with_special else []
    keys += ["offset_mapping"] if options.with_offsets else []
    keys += ["length"] if options.with_length else []
    pad_ids = (ids.pad_id if ids.pad_id is not None else 0, ids.pad_type_id)
    return padded_arrays(rows, length, pad_ids, options.padding_side, keys)


def _warn_if_too_long(
    rows: list[Row], options: CallOptions, warned: dict[str, bool] | None
) -> None:
    """Transformers' warning: an input longer than the model takes, with no max_length."""
    limit = options.model_max_length
    if limit is None or options.max_length is not None or warned is None:
        return
    longest = max((len(row.ids) for row in rows), default=0)
    if longest > limit and not warned.get(TOO_LONG_KEY):
        TOO_LONG_LOGGER.warning(
            "Token indices sequence length is longer than the specified maximum sequence length "
            f"for this model ({longest} > {limit}). Running this sequence through the model will "
            "result in indexing errors"
        )
        warned[TOO_LONG_KEY] = True


def row_encoding(
    row: Row,
    length: int,
    pad_id: int | None,
    pad_type_id: int,
    side: str,
    token_of: Callable[[int], str],
) -> Encoding:
    """The :class:`~subword.batch_encoding.Encoding` of a row with words and offsets, padded.

    >>> from subword.processors import Segment
    >>> row = assemble(Segment([5], [(0, 2)], [0]), None, (2, 3))
    >>> vocab = "[PAD] [UNK] [CLS] [SEP] x hi".split()
    >>> encoding = row_encoding(row, 4, 0, 0, "right", vocab.__getitem__)
    >>> encoding.tokens, encoding.word_ids
    (['[CLS]', 'hi', '[SEP]', '[PAD]'], [None, 0, None, None])
    """
    assert pad_id is not None or length <= len(row.ids)  # checked by resolve_strategies
    padded = pad_row(row, length, pad_id or 0, pad_type_id, side)
    assert padded.offsets is not None and padded.words is not None  # rows of an alignment
    assert padded.sequence_ids is not None
    return Encoding(
        padded.ids,
        token_of,  # tokens are made when asked for
        padded.offsets,
        padded.words,
        padded.sequence_ids,
    )


def _rows_per_sample(samples: Samples, options: CallOptions, ids: SpecialIds) -> list[list[Row]]:
    return [_sample_rows(first, second, options, ids.cls_sep) for first, second in samples]


def _sample_rows(
    first: Segment,
    second: Segment | None,
    options: CallOptions,
    cls_sep: tuple[int, int] | None,
) -> list[Row]:
    """The model inputs of one sample: the main one, then (overflow) the others."""
    if options.truncation == "do_not_truncate":
        return [assemble(first, second, cls_sep)]
    max_length = options.max_length
    assert max_length is not None  # resolve_strategies gives one whenever it truncates
    n_special = special_tokens_to_add(second is not None) if cls_sep else 0
    if max_length < n_special:
        raise ValueError(
            f"max_length={max_length} is smaller than the {n_special} special tokens "
            "added to every sequence"
        )
    windows = truncation_windows(
        len(first.ids),
        len(second.ids) if second else None,
        max_length - n_special,
        options.truncation,
        options.stride,
        options.overflow,
        options.truncation_side,
    )
    return [
        assemble(
            first.window(*window_first),
            second.window(*window_second) if second is not None and window_second else None,
            cls_sep,
        )
        for window_first, window_second in windows
    ]
