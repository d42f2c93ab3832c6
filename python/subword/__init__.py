"""subword: exact BPE and WordPiece training and fast encoding for BERT-style models."""

from subword._core import __version__

__all__ = ["__version__"]
