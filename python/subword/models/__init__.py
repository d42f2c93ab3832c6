"""Models as Python objects over the Rust core: :class:`BPE` and :class:`WordPiece`."""

from subword.models.bpe import BPE
from subword.models.wordpiece import WordPiece

__all__ = ["BPE", "WordPiece"]
