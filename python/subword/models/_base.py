"""What every model shares: a vocabulary in a core object, lookups, the trainer config.

The trainer config is what a training run is asked for; each model's training methods
build one (:class:`TrainerConfig` is the base of ``BpeTrainerConfig`` and
``WordPieceTrainerConfig``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from subword import evaluation
from subword._progress import ProgressCallback
from subword.counting import PathLike, check_pre_tokenizer


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


ConfigT = TypeVar("ConfigT", bound="TrainerConfig")


class TrainerConfig:
    """The base of the models' frozen trainer-config dataclasses.

    A config holds every option that decides what training produces: the sizes and tokens
    the Rust trainer takes, and how text becomes words (``pre_tokenizer``, ``lowercase``
    and, for WordPiece, ``strip_accents``), which the trained model keeps. How a run goes
    (``errors``, ``threads``, ``progress``) is not part of it. A training method builds
    its config from its own keyword arguments (:meth:`from_arguments`), so an option
    added to the dataclass and to the methods' signatures needs nothing else.
    """

    pre_tokenizer: str
    lowercase: bool
    special_tokens: Sequence[str]

    def __post_init__(self) -> None:
        check_pre_tokenizer(self.pre_tokenizer)
        # A frozen config holds no list a caller could change afterwards.
        object.__setattr__(self, "special_tokens", tuple(self.special_tokens))

    @classmethod
    def from_arguments(cls: type[ConfigT], arguments: Mapping[str, Any]) -> ConfigT:
        """The config named by the arguments of a training method (its ``locals()``).

        >>> from subword.models import BpeTrainerConfig
        >>> BpeTrainerConfig.from_arguments({"num_merges": 10, "threads": 2, "counts": {}})
        BpeTrainerConfig(vocab_size=None, num_merges=10, min_frequency=2, \
special_tokens=('<unk>',), pre_tokenizer='whitespace', lowercase=True, byte_fallback=False)
        """
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        return cls(**{f.name: arguments[f.name] for f in fields if f.name in arguments})

    def keywords(self) -> dict[str, Any]:
        """The options as keyword arguments of the models' training methods.

        >>> from subword.models import WordPiece, WordPieceTrainerConfig
        >>> config = WordPieceTrainerConfig(vocab_size=25, special_tokens=["[UNK]"])
        >>> WordPiece.train_from_counts({"hug": 10, "hugs": 5}, **config.keywords())
        WordPiece(vocab_size=8, pre_tokenizer='bert')
        """
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        return {f.name: getattr(self, f.name) for f in fields}

    def counting_options(self) -> dict[str, Any]:
        """The keywords of :func:`subword.counting.count_words` that make the words.

        >>> from subword.models import BpeTrainerConfig
        >>> BpeTrainerConfig(num_merges=10).counting_options()
        {'pre_tokenizer': 'whitespace', 'lowercase': True, 'strip_accents': None}
        """
        return {
            "pre_tokenizer": self.pre_tokenizer,
            "lowercase": self.lowercase,
            "strip_accents": getattr(self, "strip_accents", None),
        }


@contextlib.contextmanager
def closing_progress(callback: ProgressCallback | None) -> Iterator[ProgressCallback | None]:
    """Yields ``callback`` and closes it afterwards when it can be closed (a progress bar)."""
    try:
        yield callback
    finally:
        close = getattr(callback, "close", None)
        if close is not None:
            close()
