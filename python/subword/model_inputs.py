"""``tokenizer(batch)`` from encoded texts to a :class:`~subword.batch_encoding.BatchEncoding`.

The stages after the texts are WordPiece-encoded, in order: each sample's truncation
windows (and overflow), the
``[CLS] A [SEP] B [SEP]`` template, padding, and the fields laid out (as arrays when
``return_tensors`` asks). Alignment (``word_ids()``, ``char_to_token()``, ...) is made
only when first asked for, by running the same stages again with words and offsets.

:class:`~subword.bert.BertTokenizer` reads ``__call__``'s arguments into a
:class:`~subword.call_options.CallOptions` and calls :func:`encode_call`; calls of single
texts that :mod:`subword.flat_inputs` handles skip the rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from subword import flat_inputs
from subword.batch_encoding import BatchEncoding, Encoding
from subword.call_options import CallOptions, SpecialIds
from subword.padding import pad_row, padded_fields, padding_length
from subword.processors import Row, Segment, assemble, special_tokens_to_add
from subword.tensors import padded_arrays
from subword.text_encoding import FlatBatch
from subword.truncation import truncation_windows

__all__ = ["Samples", "encode_call", "row_encoding"]

#: The encoded texts of a call: ``(first, second or None)`` per sample.
Samples = list[tuple[Segment, Segment | None]]

# The warning about inputs longer than the model takes goes to the logger transformers
# uses for it, so that code that silences or captures transformers' tokenizer warnings
# (``transformers.logging.set_verbosity_error()``, ``assertLogs("transformers")``)
# handles ours the same way.
TOO_LONG_LOGGER = logging.getLogger("transformers.tokenization_utils_base")
TOO_LONG_KEY = "sequence-length-is-longer-than-the-specified-maximum"


def encode_call(
    encode: Callable[[bool, bool], Samples],
    options: CallOptions,
    ids: SpecialIds,
    batched: bool,
    warned: dict[str, bool] | None = None,
    flat: Callable[[], FlatBatch | None] | None = None,
) -> BatchEncoding:
    """The :class:`BatchEncoding` of a call.

    ``encode(with_offsets, with_words)`` encodes the call's texts (the tokenizer's
    :class:`~subword.text_encoding.TextEncoder` over them); it runs once for the fields,
    and once more if the alignment is asked for. ``flat()``, given for a call of single
    texts, encodes them as :class:`~subword.text_encoding.FlatBatch` (or gives ``None``):
    the fields are then made by :mod:`subword.flat_inputs` when it handles the options,
    with the same result. An input longer than
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
    if flat is not None and flat_inputs.handles(options):
        batch = _flat_call(flat, encode, options, ids, batched, warned)
        if batch is not None:
            return batch
    samples = encode(options.with_offsets, False)
    rows_per_sample = _rows_per_sample(samples, options, ids)
    rows = [row for sample_rows in rows_per_sample for row in sample_rows]
    _warn_if_too_long(max((len(row.ids) for row in rows), default=0), options, warned)
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
        return _alignment(encode, options, ids, length)

    paired = any(second is not None for _, second in samples)
    return BatchEncoding(
        fields,
        encoding=alignment,
        tensor_type=options.tensor_type,
        prepend_batch_axis=single,
        n_sequences=2 if paired else 1,
    )


def _flat_call(
    flat: Callable[[], FlatBatch | None],
    encode: Callable[[bool, bool], Samples],
    options: CallOptions,
    ids: SpecialIds,
    batched: bool,
    warned: dict[str, bool] | None,
) -> BatchEncoding | None:
    """:func:`encode_call` through :mod:`subword.flat_inputs` (``None``: take the rows)."""
    encoded = flat()
    if encoded is None:
        return None
    pad_ids = (ids.pad_id if ids.pad_id is not None else 0, ids.pad_type_id)
    made = flat_inputs.flat_fields(encoded, options, ids.cls_sep, pad_ids, batched)
    if made is None:
        return None
    fields, length = made
    _warn_if_too_long(flat_inputs.longest(encoded, ids.cls_sep), options, warned)
    single = not batched and not isinstance(fields["input_ids"], np.ndarray)

    def alignment() -> list[Encoding]:
        return _alignment(encode, options, ids, length)

    return BatchEncoding(
        fields,
        encoding=alignment,
        tensor_type=options.tensor_type,
        prepend_batch_axis=single,
        n_sequences=1,
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


def _warn_if_too_long(longest: int, options: CallOptions, warned: dict[str, bool] | None) -> None:
    """Transformers' warning: an input longer than the model takes, with no max_length."""
    limit = options.model_max_length
    if limit is None or options.max_length is not None or warned is None:
        return
    if longest > limit and not warned.get(TOO_LONG_KEY):
        TOO_LONG_LOGGER.warning(
            "Token indices sequence length is longer than the specified maximum sequence length "
            f"for this model ({longest} > {limit}). Running this sequence through the model will "
            "result in indexing errors"
        )
        warned[TOO_LONG_KEY] = True


def _alignment(
    encode: Callable[[bool, bool], Samples], options: CallOptions, ids: SpecialIds, length: int
) -> list[Encoding]:
    """The :class:`Encoding` of every row: the texts encoded again, with words and offsets."""
    samples = encode(True, True)
    rows = [row for sample_rows in _rows_per_sample(samples, options, ids) for row in sample_rows]
    return [
        row_encoding(row, length, ids.pad_id, ids.pad_type_id, options.padding_side, ids.token_of)
        for row in rows
    ]


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
