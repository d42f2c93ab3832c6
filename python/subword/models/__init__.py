"""Models as Python objects over the Rust core: :class:`BPE` and :class:`WordPiece`.

Each comes with the frozen trainer config its training methods build.
"""

from subword.models.bpe import BPE, BpeTrainerConfig
from subword.models.wordpiece import WordPiece, WordPieceTrainerConfig

__all__ = ["BPE", "BpeTrainerConfig", "WordPiece", "WordPieceTrainerConfig"]
