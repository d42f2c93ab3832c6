"""subword: exact BPE and WordPiece training and fast encoding for BERT-style models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from subword._core import ChunkCache, __version__
from subword.models import BPE, WordPiece
from subword.normalization import BasicTokenizer

if TYPE_CHECKING:
    from subword.bert import BatchEncoding, BertTokenizer

__all__ = [
    "BPE",
    "BasicTokenizer",
    "BatchEncoding",
    "BertTokenizer",
    "ChunkCache",
    "WordPiece",
    "__version__",
]


def __getattr__(name: str) -> Any:
    """``BertTokenizer`` and ``BatchEncoding``, imported on first use.

    They bring numpy (some 13 MB of memory); ``from subword import BPE`` does not need it.

    >>> import subword
    >>> subword.BertTokenizer.__name__
    'BertTokenizer'
    """
    if name in ("BertTokenizer", "BatchEncoding"):
        from subword import bert

        return getattr(bert, name)
    raise AttributeError(f"module 'subword' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
