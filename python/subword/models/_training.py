"""One training path for every model: a frozen trainer config, then count, then train.

A model's options live in one place, its trainer config dataclass (``BpeTrainerConfig``,
``WordPieceTrainerConfig``, both subclasses of :class:`TrainerConfig`). The three public
training methods are written once, here, in :class:`TrainableModel`:
``train`` and ``train_from_iterator`` count the words with the config's pre-tokenizer,
then hand the counts to the model's own ``_train_counts``, as ``train_from_counts`` does.
Each model class names its config (``class BPE(..., trainer_config=BpeTrainerConfig)``)
and gets the three methods with the config's fields listed in their signatures, so
``help(BPE.train)`` and ``inspect.signature`` show every option with its default.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from subword import _core, counting
from subword._progress import ProgressCallback, resolve
from subword.counting import PathLike, check_pre_tokenizer

Progress = bool | ProgressCallback | None
ConfigT = TypeVar("ConfigT", bound="TrainerConfig")
ModelT = TypeVar("ModelT", bound="TrainableModel")


class TrainerConfig:
    """The base of the models' frozen trainer-config dataclasses.

    A config holds every option that decides what training produces: the sizes and tokens
    the Rust trainer takes, and how text becomes words (``pre_tokenizer``, ``lowercase``
    and, for WordPiece, ``strip_accents``), which the trained model keeps. How a run goes
    (``errors``, ``max_word_bytes``, ``threads``, ``progress``) is not part of it. The
    training methods take its fields as keyword options (:meth:`from_options`), so an
    option added to the dataclass needs nothing else.
    """

    pre_tokenizer: str
    lowercase: bool
    special_tokens: Sequence[str]

    def __post_init__(self) -> None:
        check_pre_tokenizer(self.pre_tokenizer)
        # A frozen config holds no list a caller could change afterwards.
        object.__setattr__(self, "special_tokens", tuple(self.special_tokens))

    @classmethod
    def from_options(cls: type[ConfigT], options: Mapping[str, Any], method: str) -> ConfigT:
        """The config of a training method's keyword options, named in its errors.

        >>> from subword.models import BpeTrainerConfig
        >>> BpeTrainerConfig.from_options({"num_merges": 10}, "BPE.train")
        BpeTrainerConfig(vocab_size=None, num_merges=10, min_frequency=2, \
special_tokens=('<unk>',), pre_tokenizer='whitespace', lowercase=True, byte_fallback=False)
        >>> BpeTrainerConfig.from_options({"num_merge": 10}, "BPE.train")
        Traceback (most recent call last):
        TypeError: BPE.train() got an unexpected keyword argument 'num_merge'
        """
        names = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(options) - names)
        if unknown:
            raise TypeError(f"{method}() got an unexpected keyword argument {unknown[0]!r}")
        return cls(**options)

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


class TrainableModel:
    """The training methods of a model class that names its trainer config.

    A subclass passes ``trainer_config=`` in its class statement and defines
    ``_train_counts(config, counts, threads, progress)``, the call into the Rust trainer.
    """

    _trainer_config: ClassVar[type[TrainerConfig]]

    def __init_subclass__(
        cls, *, trainer_config: type[TrainerConfig] | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if trainer_config is not None:
            cls._trainer_config = trainer_config
            for name in ("train", "train_from_iterator", "train_from_counts"):
                function = getattr(TrainableModel, name).__func__
                listing = _listing_options(function, trainer_config, cls.__name__)
                setattr(cls, name, classmethod(listing))

    @classmethod
    def train(
        cls: type[ModelT],
        files: PathLike | Iterable[PathLike],
        *,
        errors: str = "strict",
        max_word_bytes: int | None = None,
        threads: int | None = None,
        progress: Progress = False,
        **options: Any,
    ) -> ModelT:
        r"""Trains on UTF-8 text files (``errors="replace"`` substitutes bad bytes).

        ``max_word_bytes`` (default: no limit) refuses a file holding a longer run of bytes
        without whitespace, naming the file and byte offset, as soon as that much of it is
        read (see :func:`subword.counting.count_words`).

        The options are the fields of the model's trainer config, with its defaults
        (``BpeTrainerConfig``, ``WordPieceTrainerConfig``). For BPE, give ``num_merges``
        (subword-nmt's ``-s``) or ``vocab_size`` (special tokens + alphabet + merged
        symbols, as Hugging Face counts); training stops early when the best pair occurs
        fewer than ``min_frequency`` times.

        >>> import pathlib, tempfile
        >>> from subword import BPE, WordPiece
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     corpus = pathlib.Path(tmp, "corpus.txt")
        ...     _ = corpus.write_text("low lower lowest\n" * 3)
        ...     bpe = BPE.train(corpus, num_merges=4)
        ...     _ = corpus.write_text("hugging huggers hug\n" * 5)
        ...     wp = WordPiece.train(corpus, vocab_size=40)
        >>> bpe.merges
        [('l', 'o'), ('w', 'e'), ('lo', 'we'), ('s', 't</w>')]
        >>> wp.tokenize("Hugs")
        ['hug', '##s']
        """
        config = cls._trainer_config.from_options(options, f"{cls.__name__}.train")
        callback = resolve(progress)
        counts = counting.count_words(
            files,
            **config.counting_options(),
            errors=errors,
            max_word_bytes=max_word_bytes,
            threads=threads,
            progress=callback,
        )
        return cls._train_word_counts(config, counts, threads, callback)

    @classmethod
    def train_from_iterator(
        cls: type[ModelT],
        texts: Iterable[str],
        *,
        max_word_bytes: int | None = None,
        threads: int | None = None,
        progress: Progress = False,
        **options: Any,
    ) -> ModelT:
        """Trains on an iterable of texts (lines, documents), counted in batches.

        ``max_word_bytes`` (default: no limit) refuses a text holding a longer run of bytes
        without whitespace.

        >>> from subword import BPE, WordPiece
        >>> BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        BPE(vocab_size=13, merges=4, pre_tokenizer='whitespace')
        >>> WordPiece.train_from_iterator(["hugging huggers hug"] * 5, vocab_size=40)
        WordPiece(vocab_size=22, pre_tokenizer='bert')
        """
        method = f"{cls.__name__}.train_from_iterator"
        config = cls._trainer_config.from_options(options, method)
        counts = counting.count_words(
            texts=texts,
            **config.counting_options(),
            max_word_bytes=max_word_bytes,
            threads=threads,
        )
        return cls._train_word_counts(config, counts, threads, resolve(progress))

    @classmethod
    def train_from_counts(
        cls: type[ModelT],
        counts: Mapping[str, int] | _core.WordCounts,
        *,
        max_word_bytes: int | None = None,
        threads: int | None = None,
        progress: Progress = False,
        **options: Any,
    ) -> ModelT:
        """Trains on given word counts (word -> count, any count below 2**64).

        ``pre_tokenizer`` only records how the words were made, for encoding later.
        ``max_word_bytes`` (default: no limit) refuses a longer word.

        >>> from subword import BPE, WordPiece
        >>> counts = {"low": 5, "lower": 2, "newest": 6, "widest": 3}
        >>> BPE.train_from_counts(counts, num_merges=3).merges
        [('s', 't</w>'), ('e', 'st</w>'), ('l', 'o')]

        WordPiece's ``refine=True`` spends the same number of tokens where its greedy
        encoder needs them:

        >>> counts = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
        >>> WordPiece.train_from_counts(counts, vocab_size=17).tokenize("bun hugs")
        ['b', '##un', 'hug', '##s']
        >>> WordPiece.train_from_counts(counts, vocab_size=17, refine=True).tokenize("bun hugs")
        ['bun', 'hugs']
        """
        method = f"{cls.__name__}.train_from_counts"
        config = cls._trainer_config.from_options(options, method)
        word_counts = counting.as_word_counts(counts)
        if max_word_bytes is not None:
            counting.check_max_word_bytes(max_word_bytes)
            word_counts.check_word_bytes(max_word_bytes)
        return cls._train_word_counts(config, word_counts, threads, resolve(progress))

    @classmethod
    def _train_word_counts(
        cls: type[ModelT],
        config: TrainerConfig,
        counts: _core.WordCounts,
        threads: int | None,
        progress: ProgressCallback | None,
    ) -> ModelT:
        with closing_progress(progress) as callback:
            counting.check_not_empty(counts)
            return cls._train_counts(config, counts, threads, callback)

    @classmethod
    def _train_counts(
        cls: type[ModelT],
        config: Any,  # the model's own config class
        counts: _core.WordCounts,
        threads: int | None,
        progress: ProgressCallback | None,
    ) -> ModelT:
        """Trains the model from counted words; each model defines it."""
        raise NotImplementedError


def _listing_options(
    function: Callable[..., Any], config: type[TrainerConfig], model: str
) -> Callable[..., Any]:
    """``function`` with a signature that lists the config's fields instead of ``**options``.

    The call itself is unchanged; only what ``inspect.signature`` (and so ``help()``)
    reports differs, per model class: each option with its default, and the model's
    name as what the method returns.
    """

    @functools.wraps(function)
    def listing_options(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    keyword_only = inspect.Parameter.KEYWORD_ONLY
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())
    fields = [
        inspect.Parameter(f.name, keyword_only, default=f.default, annotation=f.type)
        for f in dataclasses.fields(config)  # type: ignore[arg-type]
    ]
    first_keyword = next(i for i, p in enumerate(parameters) if p.kind is keyword_only)
    listed = [*parameters[:first_keyword], *fields, *parameters[first_keyword:-1]]
    listed_signature = signature.replace(parameters=listed, return_annotation=model)
    listing_options.__signature__ = listed_signature  # type: ignore[attr-defined]
    return listing_options


@contextlib.contextmanager
def closing_progress(callback: ProgressCallback | None) -> Iterator[ProgressCallback | None]:
    """Yields ``callback`` and closes it afterwards when it can be closed (a progress bar)."""
    try:
        yield callback
    finally:
        close = getattr(callback, "close", None)
        if close is not None:
            close()
