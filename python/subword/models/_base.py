"""What every model shares: a vocabulary held by a core object, and lookups into it."""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar


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

    The core object is a ``subword._core.BpeModel`` or ``subword._core.WordPieceEncoder``.
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
