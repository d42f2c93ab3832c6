"""Model inputs straight from flat ids: the common call in a few array operations.

The call a training loop makes most (single texts, no overflow, no offsets:
``tokenizer(batch, truncation=True, max_length=512)``, padded or not, as lists or
arrays) needs nothing per row that numpy cannot do for the whole batch at once: each
text's ids come from Rust laid end to end (:class:`~subword.text_encoding.FlatBatch`),
truncation is a minimum over lengths, the template writes ``[CLS]`` and ``[SEP]`` at
computed positions, and padding fills a mask. Lists, when asked for, are cut from one
``tolist()``. Every other call (pairs, overflow, offsets, ``length``, ``only_second``, a
``max_length`` that leaves no room for content) takes the row-by-row path of
:mod:`subword.model_inputs`, whose results these equal.

>>> import numpy as np
>>> from subword.call_options import CallOptions
>>> from subword.text_encoding import FlatBatch
>>> flat = FlatBatch(np.array([5, 6, 7, 8], dtype=np.uint32), np.array([3, 1]))
>>> options = CallOptions(truncation="longest_first", max_length=4, padding="longest")
>>> fields, length = flat_fields(flat, options, (2, 3), pad_ids=(0, 0), batched=True)
>>> fields["input_ids"], length
([[2, 5, 6, 3], [2, 8, 3, 0]], 4)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from subword._core import int_rows, int_runs, mask_rows, repeated_rows
from subword.padding import padded_length
from subword.tensors import pad_flat

if TYPE_CHECKING:
    from subword.call_options import CallOptions
    from subword.text_encoding import FlatBatch

__all__ = ["MIN_TEXTS", "handles", "flat_fields"]

#: Smaller batches take the row-by-row path: a few dozen numpy calls cost some 25 µs
#: whatever the batch, more than the rows of a handful of texts take in Python
#: (measured, bench/growth.py: one text per call went from 21 µs to 77 µs this way).
MIN_TEXTS = 32

Array = np.ndarray[Any, Any]


def handles(options: CallOptions) -> bool:
    """Whether :func:`flat_fields` makes this call's fields (its texts must be single).

    >>> from subword.call_options import CallOptions
    >>> handles(CallOptions()), handles(CallOptions(with_offsets=True))
    (True, False)
    """
    if options.overflow or options.with_offsets or options.with_length:
        return False
    if options.truncation == "do_not_truncate":
        return True
    return options.truncation in ("longest_first", "only_first")


def flat_fields(
    flat: FlatBatch,
    options: CallOptions,
    cls_sep: tuple[int, int] | None,
    pad_ids: tuple[int, int],
    batched: bool,
) -> tuple[dict[str, Any], int] | None:
    """The fields of single texts' ids (as ``encode_call`` makes them) and the padded length.

    The length is 0 when nothing is padded. ``pad_ids`` is ``(pad_token_id,
    pad_token_type_id)``. Arrays when ``options.tensor_type`` is set and the rows have one
    length, lists otherwise (the batch axis dropped when not ``batched``, as
    transformers). ``None`` when
    ``max_length`` leaves no room for content or padding is shorter than a row: the
    row-by-row path handles those.

    >>> from subword.call_options import CallOptions
    >>> from subword.text_encoding import FlatBatch
    >>> flat = FlatBatch(np.array([5, 6, 7], dtype=np.uint32), np.array([2, 1]))
    >>> options = CallOptions(padding="longest", tensor_type="np", with_special=True)
    >>> fields, length = flat_fields(flat, options, (2, 3), (0, 0), batched=True)
    >>> fields["special_tokens_mask"], length
    (array([[1, 0, 0, 1],
           [1, 0, 1, 1]]), 4)
    """
    n_special = 2 if cls_sep else 0
    if options.truncation != "do_not_truncate":
        assert options.max_length is not None  # resolve_strategies gives one
        if options.max_length <= n_special:
            return None
    ids, lengths = _assembled(flat, options, cls_sep)
    longest = int(lengths.max()) if len(lengths) else 0
    length = padded_length(longest, options.padding, options.max_length, options.pad_to_multiple_of)
    if length and len(lengths) and lengths.max() > length:
        return None  # padding to less than a row: ragged rows, made row by row
    special = _special_mask(lengths, cls_sep is not None) if options.with_special else None
    as_arrays = options.tensor_type is not None and (
        length or not len(lengths) or (lengths == lengths[0]).all()
    )
    rows = _Rows(ids, lengths, special)
    if as_arrays:
        return _arrays(rows, length or _first(lengths), options, pad_ids), length
    fields = _lists(rows, length, options, pad_ids)
    if not batched:
        fields = {key: value[0] for key, value in fields.items()}
    return fields, length


def longest(flat: FlatBatch, cls_sep: tuple[int, int] | None) -> int:
    """The longest input the call would make before truncation (the too-long warning's).

    >>> from subword.text_encoding import FlatBatch
    >>> longest(FlatBatch(np.zeros(5, dtype=np.uint32), np.array([2, 3])), (2, 3))
    5
    """
    lengths = flat.lengths
    return int(lengths.max()) + (2 if cls_sep else 0) if len(lengths) else 0


def _first(lengths: Array) -> int:
    return int(lengths[0]) if len(lengths) else 0


def _assembled(
    flat: FlatBatch, options: CallOptions, cls_sep: tuple[int, int] | None
) -> tuple[Array, Array]:
    """Every row's ids laid end to end (truncated, in the template), and each row's length."""
    lengths = flat.lengths
    starts = flat.starts()
    kept = lengths
    if options.truncation != "do_not_truncate":
        assert options.max_length is not None
        kept = np.minimum(lengths, options.max_length - (2 if cls_sep else 0))
        if options.truncation_side == "left":
            starts = starts + (lengths - kept)
    kept_starts = np.cumsum(kept) - kept  # where each row's content starts among the kept
    shift = np.repeat(starts - kept_starts, kept)
    content = flat.ids[np.arange(len(shift)) + shift].astype(np.int64)
    if cls_sep is None:
        return content, kept
    row_lengths = kept + 2
    row_starts = np.cumsum(row_lengths) - row_lengths
    ids = np.empty(int(row_lengths.sum()), dtype=np.int64)
    ids[np.arange(len(shift)) + np.repeat(row_starts + 1 - kept_starts, kept)] = content
    ids[row_starts] = cls_sep[0]
    ids[row_starts + row_lengths - 1] = cls_sep[1]
    return ids, row_lengths


def _special_mask(lengths: Array, templated: bool) -> Array:
    """1 at each row's ``[CLS]`` and ``[SEP]``, 0 elsewhere, laid end to end."""
    mask = np.zeros(int(lengths.sum()), dtype=np.int64)
    if templated:
        row_starts = np.cumsum(lengths) - lengths
        mask[row_starts] = 1
        mask[row_starts + lengths - 1] = 1
    return mask


class _Rows(NamedTuple):
    """The rows of a call laid end to end: ids, each row's length, the special-token mask."""

    ids: Array
    lengths: Array
    special: Array | None


def _arrays(
    rows: _Rows, length: int, options: CallOptions, pad_ids: tuple[int, int]
) -> dict[str, Any]:
    """The fields as ``(rows, length)`` int64 arrays (:func:`subword.tensors.pad_flat`)."""
    fields: dict[str, Any] = {"input_ids": rows.ids}
    if options.with_type_ids:
        fields["token_type_ids"] = 0  # single texts: every token is of the first sequence
    if options.with_attention:
        fields["attention_mask"] = None
    if rows.special is not None:
        fields["special_tokens_mask"] = rows.special
    return pad_flat(fields, rows.lengths, length, pad_ids, options.padding_side)


def _lists(
    rows: _Rows, length: int, options: CallOptions, pad_ids: tuple[int, int]
) -> dict[str, list[Any]]:
    """The fields as lists of rows: padded rows from 2-D arrays, ragged ones cut from one list.

    The lists are made in Rust (:func:`subword._core.int_rows`, ``int_runs``,
    ``repeated_rows``, ``mask_rows``): each id's int is shared (``tolist()`` makes one for every id
    above Python's cached small ints), and the garbage collector neither runs while they
    are made nor walks them after (``rust/python/flat.rs`` says why). A row of one
    repeated value (type ids, an unpadded attention mask) needs no array at all.
    """
    n_rows = len(rows.lengths)
    if length or not n_rows:
        fields = _arrays(rows, length, options, pad_ids)
        for key, value in fields.items():
            if key == "attention_mask":
                left = options.padding_side == "left"
                fields[key] = mask_rows(rows.lengths, length, left)
            elif key == "token_type_ids" and pad_ids[1] == 0:  # single texts: all 0
                fields[key] = repeated_rows(0, np.full(n_rows, length, dtype=np.int64))
            else:
                fields[key] = int_rows(value)
        return fields
    offsets = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(rows.lengths, out=offsets[1:])
    fields = {"input_ids": int_runs(rows.ids, offsets)}
    if options.with_type_ids:
        fields["token_type_ids"] = repeated_rows(0, rows.lengths)
    if options.with_attention:
        fields["attention_mask"] = repeated_rows(1, rows.lengths)
    if rows.special is not None:
        fields["special_tokens_mask"] = int_runs(rows.special, offsets)
    return fields
