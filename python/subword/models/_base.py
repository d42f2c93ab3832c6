"""What every model shares: a vocabulary in a core object, its lookups and evaluation.

Training, shared too, has its own module (:mod:`subword.models._training`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, Protocol, TypeVar

from subword import evaluation
from subword.counting import PathLike


class VocabularyCore(Protocol):
    """What a core model object offers for vocabulary lookups."""

    def token_to_id(self, token: str) -> int | None: ...
    def id_to_token(self, id: int) -> str: ...
    @property
    def vocab(self) -> list[str]: ...
    @property
    def unk_token(self) -> str | None: ...
    def __len__(self) -> int: ...


CoreT = TypeVar("CoreT", bound=VocabularyCore)


class VocabularyModel(Generic[CoreT]):
    """Vocabulary lookups over a core model object kept in ``self._inner``.

    The core object is a ``subword._core.BpeModel`` or ``subword._core.WordPieceModel``.
    """

    _inner: CoreT

    def token_to_id(self, token: str) -> int | None:
        """The id of ``token``, or ``None``.

        >>> from subword import WordPiece
        >>> model = WordPiece(["[UNK]", "hug", "##s"])
        >>> model.token_to_id("##s"), model.token_to_id("pun")
        (2, None)
        """
        return self._inner.token_to_id(token)

    def id_to_token(self, id: int) -> str:
        """The token of ``id`` (IndexError when out of range).

        >>> from subword import WordPiece
        >>> WordPiece(["[UNK]", "hug", "##s"]).id_to_token(1)
        'hug'
        """
        return self._inner.id_to_token(id)

    @property
    def vocab(self) -> dict[str, int]:
        """The vocabulary as token -> id.

        >>> from subword import WordPiece
        >>> WordPiece(["[UNK]", "hug", "##s"]).vocab
        {'[UNK]': 0, 'hug': 1, '##s': 2}
        """
        return {token: i for i, token in enumerate(self._inner.vocab)}

    @property
    def unk_token(self) -> str | None:
        """The token that stands for what the vocabulary cannot encode (None: no unk).

        >>> from subword import WordPiece
        >>> WordPiece(["[UNK]", "hug", "##s"]).unk_token
        '[UNK]'
        """
        return self._inner.unk_token

    @property
    def vocab_size(self) -> int:
        """The number of tokens.

        >>> from subword import WordPiece
        >>> WordPiece(["[UNK]", "hug", "##s"]).vocab_size
        3
        """
        return len(self._inner)

    def __len__(self) -> int:
        return len(self._inner)

    # --- quality ----------------------------------------------------------------------

    #: Special tokens a model adds around each text ([CLS] and [SEP] for WordPiece).
    _specials_per_text = 0
    pre_tokenizer: str
    lowercase: bool

    def encode_batch(self, texts: Any) -> list[list[int]]:
        """The ids of many texts; each model defines it."""
        raise NotImplementedError

    def _segmenter(self) -> evaluation.Segmenter:
        if self.pre_tokenizer == "bert":
            split = evaluation.basic_words(self.lowercase, getattr(self, "strip_accents", None))
        else:
            split = evaluation.whitespace_words
        unk = self.unk_token
        return evaluation.Segmenter(
            split,
            self.encode_batch,
            self.id_to_token,
            None if unk is None else self.token_to_id(unk),
            self._specials_per_text,
            len(self),
        )

    def evaluate(
        self,
        files: PathLike | Iterable[PathLike],
        *,
        max_length: int = 512,
        most_split: int = 10,
        errors: str = "strict",
    ) -> evaluation.QualityReport:
        r"""The vocabulary's quality on held-out text: see :mod:`subword.evaluation`.

        >>> import pathlib, tempfile
        >>> from subword import WordPiece
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp, "held-out.txt")
        ...     _ = path.write_text("Hugs pun!\n")
        ...     report = WordPiece(["[UNK]", "hug", "##s", "pun", "!"]).evaluate(path)
        >>> report.tokens_per_word, report.whole_word_share
        (1.3333333333333333, 0.6666666666666666)
        """
        return evaluation.evaluate(
            self, files, max_length=max_length, most_split=most_split, errors=errors
        )
