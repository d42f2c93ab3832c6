"""``subword.BPE``: byte-pair encoding trained by subword-nmt's exact merge loop.

Training, encoding and decoding run in Rust (``subword._core``); this class chooses the
inputs, keeps the options, and reads and writes model directories.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from subword import _core, counting
from subword._atomic import loading_model, saving_model
from subword._progress import ProgressCallback
from subword.config import read_config, write_config
from subword.counting import PathLike
from subword.models._base import VocabularyModel
from subword.models._training import TrainableModel, TrainerConfig
from subword.tokenizer_json import TOKENIZER_JSON_NAME, bpe_tokenizer_json, write_tokenizer_json

if TYPE_CHECKING:
    from subword._core import FlatIds

Progress = bool | ProgressCallback | None
T = TypeVar("T")


@dataclass(frozen=True)
class BpeTrainerConfig(TrainerConfig):
    """What a BPE training run is asked for: Rust's ``BpeTrainerConfig`` and the words.

    The fields of Rust's config are the size (``num_merges`` or ``vocab_size``, exactly
    one), ``min_frequency``, the special tokens and ``byte_fallback``; ``pre_tokenizer``
    and ``lowercase`` say how text becomes words (and are kept by the trained model).

    ``BPE.train``, ``train_from_iterator`` and ``train_from_counts`` build one from their
    keywords (same names, same defaults), and so does ``subword train --model bpe``.

    Example:
        >>> BpeTrainerConfig(num_merges=32000).min_frequency
        2
        >>> BpeTrainerConfig(num_merges=100, vocab_size=500)
        Traceback (most recent call last):
        ValueError: give exactly one of vocab_size and num_merges

    """

    vocab_size: int | None = None
    num_merges: int | None = None
    min_frequency: int = 2
    special_tokens: Sequence[str] = ("<unk>",)
    pre_tokenizer: str = "whitespace"
    lowercase: bool = True
    byte_fallback: bool = False

    def __post_init__(self) -> None:
        if (self.vocab_size is None) == (self.num_merges is None):
            raise ValueError("give exactly one of vocab_size and num_merges")
        super().__post_init__()


class BPE(VocabularyModel[_core.BpeModel], TrainableModel, trainer_config=BpeTrainerConfig):
    """A BPE model: a vocabulary, ranked merges, and the pre-tokenizer it expects.

    Words are split into characters with ``</w>`` fused onto the last one; merges apply
    lowest rank first, every non-overlapping occurrence left to right (subword-nmt's
    ``apply_bpe``). Characters never seen in training encode to ``unk_token`` or, with
    ``byte_fallback=True``, to byte tokens ``<0xNN>`` so that every text round-trips.

    Example:
        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> bpe.tokenize("lowest")
        ['lowe', 'st</w>']
        >>> bpe.decode(bpe.encode("low  lower"))
        'low lower'

    """

    def __init__(
        self,
        vocab: Mapping[str, int] | Sequence[str],
        merges: Sequence[tuple[str, str]],
        *,
        unk_token: str | None = "<unk>",
        byte_fallback: bool = False,
        end_of_word_suffix: str = "</w>",
        pre_tokenizer: str = "whitespace",
        lowercase: bool = True,
    ) -> None:
        counting.check_pre_tokenizer(pre_tokenizer)
        if isinstance(vocab, Mapping):
            vocab = sorted(vocab, key=vocab.__getitem__)
        model = _core.BpeModel(
            list(vocab),
            # Lists (e.g. from JSON) become the pairs the core takes.
            cast("list[tuple[str, str]]", [tuple(m) for m in merges]),
            unk_token=unk_token,
            byte_fallback=byte_fallback,
            end_of_word_suffix=end_of_word_suffix,
        )
        self._init(model, pre_tokenizer, lowercase)

    def _init(self, model: _core.BpeModel, pre_tokenizer: str, lowercase: bool) -> None:
        self._inner = model
        self.pre_tokenizer = pre_tokenizer
        self.lowercase = lowercase
        self._normalize = (
            counting.bert_pre_tokenizer(lowercase, None) if pre_tokenizer == "bert" else None
        )

    @classmethod
    def _wrap(
        cls, model: _core.BpeModel, pre_tokenizer: str = "whitespace", lowercase: bool = True
    ) -> BPE:
        bpe = cls.__new__(cls)
        bpe._init(model, pre_tokenizer, lowercase)
        return bpe

    # --- training -------------------------------------------------------------------
    # train, train_from_iterator and train_from_counts come from TrainableModel, with
    # BpeTrainerConfig's fields as their options.

    @classmethod
    def _train_counts(
        cls,
        config: BpeTrainerConfig,
        counts: _core.WordCounts,
        threads: int | None,
        progress: ProgressCallback | None,
    ) -> BPE:
        special_tokens = list(config.special_tokens)
        vocab, merges = _core.train_bpe(
            counts,
            num_merges=config.num_merges,
            vocab_size=config.vocab_size,
            min_frequency=config.min_frequency,
            special_tokens=special_tokens,
            byte_fallback=config.byte_fallback,
            threads=threads,
            progress=progress,
        )
        unk = special_tokens[0] if special_tokens else None
        model = _core.BpeModel(vocab, merges, unk_token=unk, byte_fallback=config.byte_fallback)
        return cls._wrap(model, config.pre_tokenizer, config.lowercase)

    # --- encoding -------------------------------------------------------------------

    def _pre_tokenize(self, text: str) -> str:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        return self._normalize([text])[0] if self._normalize else text

    def tokenize(self, text: str) -> list[str]:
        """The symbols of ``text``, with ``</w>`` on each word's last symbol.

        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> bpe.tokenize("lower")
        ['lowe', 'r</w>']
        """
        return self._inner.tokenize(self._pre_tokenize(text))

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``.

        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> bpe.encode("lower")
        [11, 4]
        """
        return self._inner.encode(self._pre_tokenize(text))

    def encode_batch(self, texts: Sequence[str], threads: int | None = None) -> list[list[int]]:
        """The ids of many texts, computed in parallel without holding the GIL.

        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> bpe.encode_batch(["low", "lowest"])
        [[9, 8], [11, 12]]
        """
        return self._encode_texts(self._inner.encode_batch, texts, threads)

    def encode_batch_flat(self, texts: Sequence[str], threads: int | None = None) -> FlatIds:
        """The ids of many texts as two numpy arrays, with no Python object per id.

        ``ids`` (``uint32``) holds every text's ids end to end and ``lengths`` (``int64``)
        each text's number of ids: text ``i`` is ``ids[start:start + lengths[i]]`` with
        ``start = lengths[:i].sum()``. The arrays own the memory Rust filled (nothing is
        copied), which makes this the fastest way to many ids; the same ids as
        :meth:`encode_batch`.

        >>> import numpy as np
        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> ids, lengths = bpe.encode_batch_flat(["low", "", "lowest"])
        >>> ids.tolist(), lengths.tolist()
        ([9, 8, 11, 12], [2, 0, 2])
        >>> [row.tolist() for row in np.split(ids, np.cumsum(lengths)[:-1])]
        [[9, 8], [], [11, 12]]
        """
        return self._encode_texts(self._inner.encode_batch_flat, texts, threads)

    def _encode_texts(
        self,
        encode: Callable[[list[str], int | None], T],
        texts: Sequence[str],
        threads: int | None,
    ) -> T:
        """``encode`` (a batch call of the core) on ``texts``, pre-tokenized as needed.

        The core checks that every text is a ``str`` as it reads them, so a list of texts
        goes to it as it is: checking here too cost a tenth of the encoding of short
        lines. Only when the core refuses one is the culprit looked up, for the message.
        """
        texts = texts if type(texts) is list else list(texts)
        if self._normalize:
            return encode(self._normalize(texts), threads)
        try:
            return encode(texts, threads)
        except TypeError:
            for i, text in enumerate(texts):
                if not isinstance(text, str):
                    raise TypeError(
                        f"every text must be a str, not {type(text).__name__} (texts[{i}])"
                    ) from None
            raise

    def decode(self, ids: Sequence[int]) -> str:
        """The text of ``ids``: words joined by single spaces (IndexError for bad ids).

        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> bpe.decode([11, 4, 9, 8])
        'lower low'
        """
        return self._inner.decode(list(ids))

    @property
    def merges(self) -> list[tuple[str, str]]:
        """The merges in rank order.

        >>> BPE(["<unk>", "l", "o", "w</w>", "lo", "low</w>"], [("l", "o"), ("lo", "w</w>")]).merges
        [('l', 'o'), ('lo', 'w</w>')]
        """
        return self._inner.merges

    @property
    def alphabet_size(self) -> int:
        """The number of single-character symbols (with or without the suffix).

        >>> bpe = BPE(["<unk>", "l", "o", "w</w>", "lo", "low</w>"], [("l", "o"), ("lo", "w</w>")])
        >>> bpe.alphabet_size  # l, o and w</w>
        3
        """
        suffix = self._inner.end_of_word_suffix
        return sum(len(t.removesuffix(suffix)) == 1 for t in self._inner.vocab)

    def __repr__(self) -> str:
        return (
            f"BPE(vocab_size={len(self)}, merges={len(self.merges)}, "
            f"pre_tokenizer={self.pre_tokenizer!r})"
        )

    def __reduce__(self) -> tuple[Callable[..., BPE], tuple[_core.BpeModel, str, bool]]:
        return (BPE._wrap, (self._inner, self.pre_tokenizer, self.lowercase))

    # --- files ------------------------------------------------------------------------

    def save(self, directory: PathLike) -> Path:
        """Writes ``vocab.json``, ``merges.txt``, ``tokenizer.json`` and ``subword.json``.

        ``tokenizer.json`` (:mod:`subword.tokenizer_json`) is the whole model for Hugging
        Face ``tokenizers`` (``Tokenizer.from_file``): the ``BPE`` model with the ``</w>``
        suffix, our word splitting, the ``BPEDecoder``. ``vocab.json`` + ``merges.txt``
        load there too, with ``BPE.from_file(vocab, merges, end_of_word_suffix="</w>")``;
        ``merges.txt`` is also a subword-nmt codes file. A ``byte_fallback`` model gets no
        ``tokenizer.json`` (and a stale one is removed): ``tokenizers`` spells the suffix of
        an unknown last character as four byte tokens, ours as the one suffix token. The
        files appear as one set, even across a crash, and saves into one folder take turns
        (:func:`subword._atomic.saving_model`).

        >>> import tempfile
        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     sorted(path.name for path in bpe.save(tmp).iterdir())
        ['merges.txt', 'subword.json', 'tokenizer.json', 'vocab.json']
        """
        directory = Path(directory)
        with saving_model(directory) as staging:
            self._inner.save(str(staging))
            if self._inner.byte_fallback:
                (directory / TOKENIZER_JSON_NAME).unlink(missing_ok=True)  # under the lock
            else:
                write_tokenizer_json(staging, self._tokenizer_json())
            write_config(
                staging,
                {
                    "model": "bpe",
                    "unk_token": self._inner.unk_token,
                    "byte_fallback": self._inner.byte_fallback,
                    "end_of_word_suffix": self._inner.end_of_word_suffix,
                    "pre_tokenizer": self.pre_tokenizer,
                    "do_lower_case": self.lowercase,
                },
            )
        return directory

    def _tokenizer_json(self) -> dict[str, Any]:
        """The model as a ``tokenizer.json`` document (see :meth:`save`)."""
        return bpe_tokenizer_json(
            self._inner.vocab,
            self._inner.merges,
            self._inner.unk_token,
            self._inner.end_of_word_suffix,
            bert_words=(self.lowercase, None) if self.pre_tokenizer == "bert" else None,
        )

    @classmethod
    def load(cls, directory: PathLike) -> BPE:
        """Loads a directory written by :meth:`save` (or any ``vocab.json`` + ``merges.txt``).

        >>> import tempfile
        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     loaded = BPE.load(bpe.save(tmp))
        >>> loaded.merges == bpe.merges, loaded.tokenize("lowest")
        (True, ['lowe', 'st</w>'])
        """
        directory = Path(directory)
        with loading_model(directory):
            config = read_config(directory, "bpe")
            model = _core.BpeModel.from_files(
                str(directory / "vocab.json"),
                str(directory / "merges.txt"),
                unk_token=config.get("unk_token"),
                byte_fallback=config.get("byte_fallback", False),
                end_of_word_suffix=config.get("end_of_word_suffix", "</w>"),
            )
        if "unk_token" not in config and model.token_to_id("<unk>") is not None:
            # A folder without subword.json (Hugging Face's, subword-nmt's) loads as
            # Hugging Face's BPE.from_file does, with <unk> as the unk token when it is
            # in the vocabulary and no unk token otherwise.
            model = _core.BpeModel(
                model.vocab,
                model.merges,
                unk_token="<unk>",
                byte_fallback=model.byte_fallback,
                end_of_word_suffix=model.end_of_word_suffix,
            )
        return cls._wrap(
            model, config.get("pre_tokenizer", "whitespace"), config.get("do_lower_case", True)
        )

    @classmethod
    def from_files(cls, vocab_file: PathLike, merges_file: PathLike, **options: Any) -> BPE:
        """Loads a Hugging Face ``vocab.json`` + ``merges.txt`` pair.

        >>> import tempfile
        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     directory = bpe.save(tmp)
        ...     loaded = BPE.from_files(directory / "vocab.json", directory / "merges.txt")
        >>> loaded.tokenize("lowest")
        ['lowe', 'st</w>']
        """
        pre_tokenizer = options.pop("pre_tokenizer", "whitespace")
        lowercase = options.pop("lowercase", True)
        model = _core.BpeModel.from_files(str(vocab_file), str(merges_file), **options)
        return cls._wrap(model, pre_tokenizer, lowercase)

    @classmethod
    def from_codes(
        cls, codes_file: PathLike, *, special_tokens: Sequence[str] = ("<unk>",), **options: Any
    ) -> BPE:
        r"""Loads a subword-nmt codes file (``#version: 0.2``).

        The vocabulary is built from the special tokens, the merges' starting symbols and
        each merge's result.

        >>> import pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     codes = pathlib.Path(tmp, "codes.txt")
        ...     _ = codes.write_text("#version: 0.2\nl o\nlo w</w>\n")
        ...     bpe = BPE.from_codes(codes)
        >>> bpe.tokenize("low lot")
        ['low</w>', 'lo', 't</w>']
        """
        unk = options.pop("unk_token", special_tokens[0] if special_tokens else None)
        model = _core.BpeModel.from_codes(
            str(codes_file), special_tokens=list(special_tokens), unk_token=unk, **options
        )
        return cls._wrap(model)
