"""What every model shares: a vocabulary held by a core object, and lookups into it."""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar


class VocabularyCore(Protocol):
    """What a core model object offers for vocabulary lookups."""

    def token_to_id(self, token: str) -> int | None: ...
    def id_to_token(self, id: int) -> str: ...
    @property
    def vocab(self) -> list[str]: ...
    def __len__(self) -> int: ...


CoreT = TypeVar("CoreT", bound=VocabularyCore)


class VocabularyModel(Generic[CoreT]):
    """Vocabulary lookups over a core model object kept in ``self._inner``.

    The core object is a ``subword._core.BpeModel`` or ``subword._core.WordPieceEncoder``.
    """

    _inner: CoreT

    def token_to_id(self, token: str) -> int | None:
        """The id of ``token``, or ``None``."""
        return self._inner.token_to_id(token)

    def id_to_token(self, id: int) -> str:
        """The token of ``id`` (IndexError when out of range)."""
        return self._inner.id_to_token(id)

    @property
    def vocab(self) -> dict[str, int]:
        """The vocabulary as token -> id."""
        return {token: i for i, token in enumerate(self._inner.vocab)}

    @property
    def vocab_size(self) -> int:
        """The number of tokens."""
        return len(self._inner)

    def __len__(self) -> int:
        return len(self._inner)
