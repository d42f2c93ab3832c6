"""subword: exact BPE and WordPiece training and fast encoding for BERT-style models."""

from subword._core import ChunkCache, __version__
from subword.bert import BatchEncoding, BertTokenizer
from subword.models import BPE, WordPiece
from subword.normalization import BasicTokenizer

__all__ = [
    "BPE",
    "BasicTokenizer",
    "BatchEncoding",
    "BertTokenizer",
    "ChunkCache",
    "WordPiece",
    "__version__",
]
