"""Models as Python objects over the Rust core: :class:`BPE` and :class:`WordPiece`."""

from subword.models.bpe import BPE

__all__ = ["BPE"]
