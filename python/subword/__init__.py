"""subword: exact BPE and WordPiece training and fast encoding for BERT-style models."""

from subword._core import __version__
from subword.models import BPE, WordPiece

__all__ = ["BPE", "WordPiece", "__version__"]
