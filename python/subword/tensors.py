"""``return_tensors``: the fields of a batch as numpy arrays or torch tensors.

``"np"`` gives ``int64`` arrays (``offset_mapping`` as ``(batch, length, 2)``), as
transformers does; ``"pt"`` gives torch tensors when torch is installed (it is not a
dependency of subword). Rows of different lengths cannot make one array: numpy gets an
object array holding one ``int64`` array per row, as transformers 5 gives, and torch
transformers' ``ValueError`` suggesting padding. ``prepend_batch_axis`` gives a single
input a batch axis of 1, as ``tokenizer(text, return_tensors="np")`` does.

>>> fields = as_tensors({"input_ids": [[2, 5, 3], [2, 6, 3]]}, "np")
>>> fields["input_ids"].dtype, fields["input_ids"].shape
(dtype('int64'), (2, 3))
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from subword.processors import Row

__all__ = [
    "TENSOR_TYPES",
    "as_tensors",
    "check_tensor_type",
    "filled_mask",
    "pad_flat",
    "padded_arrays",
    "tensor_type_of",
]

#: What ``return_tensors=`` accepts.
TENSOR_TYPES = ("np", "pt")

# transformers' message, so that code and users that know it recognise it.
_RAGGED_MESSAGE = (
    "Unable to create tensor, you should probably activate truncation and/or padding with "
    "'padding=True' 'truncation=True' to have batched tensors with the same length. Perhaps "
    "your features (`{key}` in this case) have excessive nesting (inputs type `list` where "
    "type `int` is expected)."
)


def check_tensor_type(tensor_type: Any) -> str | None:
    """``return_tensors`` read as transformers does: ``None``, ``"np"`` or ``"pt"``.

    >>> check_tensor_type("tf")
    Traceback (most recent call last):
    ...
    ValueError: return_tensors='tf' is not supported: use 'np' (numpy) or 'pt' (torch)
    """
    if tensor_type is None:
        return None
    value = getattr(tensor_type, "value", tensor_type)  # transformers' TensorType enum
    if value not in TENSOR_TYPES:
        raise ValueError(
            f"return_tensors={value!r} is not supported: use 'np' (numpy) or 'pt' (torch)"
        )
    return str(value)


def as_tensors(
    fields: dict[str, Any], tensor_type: Any, prepend_batch_axis: bool = False
) -> dict[str, Any]:
    """The fields as arrays of ``tensor_type`` (``None``: unchanged).

    >>> as_tensors({"input_ids": [2, 5, 3]}, "np", prepend_batch_axis=True)["input_ids"]
    array([[2, 5, 3]])
    """
    kind = check_tensor_type(tensor_type)
    if kind is None:
        return fields
    convert = _torch_tensor if kind == "pt" else _numpy_array
    converted = {}
    for key, value in fields.items():
        if prepend_batch_axis:
            value = [value]
        try:
            converted[key] = convert(value)
        except ValueError as error:
            raise ValueError(_RAGGED_MESSAGE.format(key=key)) from error
    return converted


def padded_arrays(
    rows: Sequence[Row],
    length: int,
    pad_ids: tuple[int, int],
    side: str,
    keys: Iterable[str],
) -> dict[str, Any] | None:
    """The fields of rows padded to one length as ``int64`` arrays, or ``None`` if ragged.

    Filled from flat buffers through a mask, a few array operations per field, with no
    padded Python list per row: what ``return_tensors`` asks for, made directly.
    ``pad_ids`` is ``(pad_token_id, pad_token_type_id)``; ``keys`` the fields wanted, in
    order. Rows of different lengths with no padding (``length`` 0) give ``None``.

    >>> rows = [Row([2, 5, 3], [0, 0, 0], [1, 0, 1], None), Row([2, 3], [0, 0], [1, 1], None)]
    >>> padded_arrays(rows, 3, (0, 0), "left", ["input_ids", "attention_mask"])["input_ids"]
    array([[2, 5, 3],
           [0, 2, 3]])
    """
    lengths = np.fromiter((len(row.ids) for row in rows), dtype=np.int64, count=len(rows))
    if not length:
        if len(rows) and (lengths != lengths[0]).any():
            return None
        length = int(lengths[0]) if len(rows) else 0
    total = int(lengths.sum())

    def flat(values: Iterable[Iterable[int]], per_token: int = 1) -> np.ndarray[Any, Any]:
        chained = itertools.chain.from_iterable(values)
        return np.fromiter(chained, np.int64, per_token * total)

    rows_flat: dict[str, Any] = {}
    for key in keys:
        if key == "input_ids":
            rows_flat[key] = flat(row.ids for row in rows)
        elif key == "token_type_ids":
            rows_flat[key] = flat(row.type_ids for row in rows)
        elif key == "special_tokens_mask":
            rows_flat[key] = flat(row.special for row in rows)
        elif key == "offset_mapping":
            pairs = (itertools.chain.from_iterable(row.offsets or ()) for row in rows)
            rows_flat[key] = flat(pairs, per_token=2).reshape(total, 2)
        else:  # attention_mask, length: made from the lengths
            rows_flat[key] = None
    return pad_flat(rows_flat, lengths, length, pad_ids, side)


def pad_flat(
    fields: Mapping[str, Any],
    lengths: np.ndarray[Any, Any],
    length: int,
    pad_ids: tuple[int, int],
    side: str,
) -> dict[str, Any]:
    """Fields laid end to end (every row's values in turn) as padded ``int64`` arrays.

    ``fields`` maps each field wanted, in order, to its values end to end: an array (pairs
    for ``offset_mapping``) or one int for every token. ``attention_mask`` and ``length``
    are made from ``lengths`` (their values are ignored). Rows of ``lengths`` are padded
    to ``length`` on ``side`` with each field's pad value: ``pad_ids`` is
    ``(pad_token_id, pad_token_type_id)``; a padded special-tokens mask is 1, an offset
    ``(0, 0)``. Filled through the padding mask, a few array operations per field.

    >>> fields = {"input_ids": np.array([2, 5, 3, 2, 3]), "token_type_ids": 0}
    >>> pad_flat(fields, np.array([3, 2]), 4, (0, 7), "right")["token_type_ids"]
    array([[0, 0, 0, 7],
           [0, 0, 7, 7]])
    """
    filled = filled_mask(lengths, length, side)
    pads = {"input_ids": pad_ids[0], "token_type_ids": pad_ids[1], "special_tokens_mask": 1}
    arrays: dict[str, Any] = {}
    for key, values in fields.items():
        if key == "attention_mask":
            arrays[key] = filled.astype(np.int64)
        elif key == "length":
            arrays[key] = np.full(len(lengths), length, dtype=np.int64)
        elif key == "offset_mapping":
            arrays[key] = np.zeros((*filled.shape, 2), dtype=np.int64)
            arrays[key][filled] = values
        else:
            arrays[key] = np.full(filled.shape, pads[key], dtype=np.int64)
            arrays[key][filled] = values
    return arrays


def filled_mask(lengths: np.ndarray[Any, Any], length: int, side: str) -> np.ndarray[Any, Any]:
    """Which positions of rows of ``lengths`` padded to ``length`` on ``side`` hold tokens.

    ``array[mask] = values`` then lays the rows' values, end to end, into a padded array.

    >>> filled_mask(np.array([1, 2]), 3, "left").astype(int)
    array([[0, 0, 1],
           [0, 1, 1]])
    """
    positions = np.arange(length)
    if side == "left":
        return positions >= (length - lengths)[:, None]
    return positions < lengths[:, None]


def tensor_type_of(features: Any) -> str | None:
    """The tensor type of padded input's ``input_ids`` (``pad()`` returns the same kind).

    >>> tensor_type_of({"input_ids": np.array([[2, 3]])}), tensor_type_of([{"input_ids": [2]}])
    ('np', None)
    """
    if isinstance(features, (list, tuple)) and features:
        features = features[0]
    value = features.get("input_ids") if hasattr(features, "get") else None
    if isinstance(value, np.ndarray):
        return "np"
    if type(value).__module__.startswith("torch"):
        return "pt"
    return None


def _numpy_array(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value
    try:
        array = np.asarray(value)
    except ValueError:  # rows of different lengths: one array per row, as transformers
        array = np.empty(len(value), dtype=object)
        array[:] = [_numpy_array(row) for row in value]
        return array
    return array.astype(np.int64) if array.dtype.kind in "iub" else array


def _torch_tensor(value: Any) -> Any:
    try:
        import torch  # type: ignore[import-not-found]  # optional
    except ImportError:
        raise ImportError(
            "return_tensors='pt' needs PyTorch, which is not installed (it is not a "
            "dependency of subword): pip install torch, or use return_tensors='np'"
        ) from None
    if isinstance(value, torch.Tensor):
        return value
    array = _numpy_array(value)
    if array.dtype == object:
        raise ValueError("rows of different lengths")
    return torch.from_numpy(array)
