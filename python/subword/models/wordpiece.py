"""``subword.WordPiece``: WordPiece trained by likelihood gain, encoded greedily.

Training (``subword._core.train_wordpiece``) merges, by default, the pair whose merge
most raises the corpus likelihood of a unigram model (``scoring="likelihood"``;
``"pmi"`` and ``"frequency"`` are the other rules); encoding
(``subword._core.WordPieceModel``) is BERT's greedy longest-match-first in linear time.
With ``refine=True`` the trained vocabulary is then tuned for that encoder on the
training words (seed, prune, refill, prune; ``docs/algorithms.md``), which makes fewer
tokens per word at the same size. :meth:`WordPiece.adapt` adds to a pretrained vocabulary
the tokens that save the most on a domain, keeping every existing id
(:mod:`subword.adaptation`).
Text is pre-tokenized with BERT's BasicTokenizer by default, so the ``vocab.txt`` this
class writes is what ``BertTokenizer`` (ours and transformers') loads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from subword import _core, adaptation, counting
from subword._atomic import loading_model, saving_model
from subword._progress import ProgressCallback, resolve
from subword._tokenizer_files import write_tokenizer_config
from subword.config import read_config, write_config
from subword.counting import PathLike
from subword.errors import InvalidArgumentError
from subword.models._base import VocabularyModel
from subword.models._training import TrainableModel, TrainerConfig, closing_progress
from subword.special_tokens import (
    BERT_SPECIAL_TOKENS,
    CLS_TOKEN,
    MASK_TOKEN,
    PAD_TOKEN,
    SEP_TOKEN,
)
from subword.tokenizer_json import (
    TOKENIZER_JSON_NAME,
    bert_tokenizer_json,
    check_same_vocab,
    read_wordpiece_json,
    whitespace_wordpiece_json,
    write_tokenizer_json,
)

if TYPE_CHECKING:
    from subword._core import FlatIds
    from subword.bert import BertTokenizer

Progress = bool | ProgressCallback | None
#: The rules that choose the next merge (see ``docs/algorithms.md``).
Scoring = Literal["likelihood", "pmi", "frequency"]
#: Their names, the default first.
SCORINGS: tuple[Scoring, ...] = get_args(Scoring)


@dataclass(frozen=True)
class WordPieceTrainerConfig(TrainerConfig):
    """What a WordPiece run is asked for: Rust's ``WordPieceTrainerConfig`` and the words.

    The fields of Rust's config are ``vocab_size``, ``min_frequency``, the special
    tokens and ``scoring`` (how the next merge is chosen: ``"likelihood"``, the gain in
    corpus likelihood of a unigram model; ``"pmi"``, ``count(ab) / (count(a) count(b))``;
    ``"frequency"``, ``count(ab)``; see ``docs/algorithms.md``) and ``refine`` (merge to
    1.2 times ``vocab_size``, then prune the tokens the greedy encoder uses least on the
    training words, refill with its most frequent joins of adjacent pieces, and prune
    again); ``pre_tokenizer``,
    ``lowercase`` and ``strip_accents`` say how text becomes words (and are kept by the
    trained model).

    ``WordPiece.train``, ``train_from_iterator`` and ``train_from_counts`` build one from
    their keywords (same names, same defaults), and so does ``subword train``.

    Example:
        >>> config = WordPieceTrainerConfig(vocab_size=8000, lowercase=False)
        >>> config.vocab_size, config.special_tokens[:2], config.pre_tokenizer
        (8000, ('[PAD]', '[UNK]'), 'bert')

    """

    vocab_size: int = 30522
    min_frequency: int = 2
    special_tokens: Sequence[str] = BERT_SPECIAL_TOKENS
    pre_tokenizer: str = "bert"
    lowercase: bool = True
    strip_accents: bool | None = None
    scoring: Scoring = "likelihood"
    refine: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        # Checked here, before any counting, rather than by the core after it.
        if self.scoring not in SCORINGS:
            choices = ", ".join(repr(s) for s in SCORINGS)
            raise InvalidArgumentError("scoring", f"must be one of {choices}, got {self.scoring!r}")


class WordPiece(
    VocabularyModel[_core.WordPieceModel], TrainableModel, trainer_config=WordPieceTrainerConfig
):
    """A WordPiece vocabulary with the pre-tokenization it was trained with.

    Example:
        >>> wp = WordPiece.train_from_iterator(["hugging huggers hug"] * 5, vocab_size=40)
        >>> wp.tokenize("Hugging")
        ['hugging']
        >>> wp.decode(wp.encode("hug huggers"))
        'hug huggers'

    """

    _specials_per_text = 2  # [CLS] and [SEP], for evaluate()

    def __init__(
        self,
        vocab: Mapping[str, int] | Sequence[str],
        *,
        unk_token: str = "[UNK]",
        continuing_subword_prefix: str = "##",
        max_input_chars_per_word: int = 100,
        pre_tokenizer: str = "bert",
        lowercase: bool = True,
        strip_accents: bool | None = None,
    ) -> None:
        if isinstance(vocab, Mapping):
            vocab = sorted(vocab, key=vocab.__getitem__)
        encoder = _core.WordPieceModel(
            list(vocab),
            unk_token=unk_token,
            continuing_subword_prefix=continuing_subword_prefix,
            max_input_chars_per_word=max_input_chars_per_word,
        )
        self._init(encoder, pre_tokenizer, lowercase, strip_accents)

    def _init(
        self,
        encoder: _core.WordPieceModel,
        pre_tokenizer: str,
        lowercase: bool,
        strip_accents: bool | None,
        scoring: Scoring | None = None,
        refine: bool | None = None,
    ) -> None:
        counting.check_pre_tokenizer(pre_tokenizer)
        self._inner = encoder
        self.pre_tokenizer = pre_tokenizer
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        #: The rule the vocabulary was trained with (None when it was given, not trained).
        self.scoring = scoring
        #: Whether the trained vocabulary was refined for the encoder (None when given).
        self.refine = refine
        #: The tokens :meth:`adapt` added, with what each saved (kept by ``save``, in
        #: ``subword.json``, and by pickling).
        self.new_tokens: tuple[adaptation.NewToken, ...] = ()
        if pre_tokenizer == "bert":
            from subword.normalization import BasicTokenizer

            basic = BasicTokenizer(do_lower_case=lowercase, strip_accents=strip_accents)
            self._split_batch: Callable[[Sequence[str]], list[list[str]]] = basic.tokenize_batch
        else:
            self._split_batch = lambda texts: [text.split() for text in texts]

    @classmethod
    def _wrap(
        cls,
        encoder: _core.WordPieceModel,
        pre_tokenizer: str = "bert",
        lowercase: bool = True,
        strip_accents: bool | None = None,
        scoring: Scoring | None = None,
        refine: bool | None = None,
        new_tokens: tuple[adaptation.NewToken, ...] = (),
    ) -> WordPiece:
        model = cls.__new__(cls)
        model._init(encoder, pre_tokenizer, lowercase, strip_accents, scoring, refine)
        model.new_tokens = new_tokens
        return model

    # --- training -------------------------------------------------------------------
    # train, train_from_iterator and train_from_counts come from TrainableModel, with
    # WordPieceTrainerConfig's fields as their options.

    @classmethod
    def _train_counts(
        cls,
        config: WordPieceTrainerConfig,
        counts: _core.WordCounts,
        threads: int | None,
        progress: ProgressCallback | None,
    ) -> WordPiece:
        special_tokens = list(config.special_tokens)
        vocab = _core.train_wordpiece(
            counts,
            config.vocab_size,
            min_frequency=config.min_frequency,
            special_tokens=special_tokens,
            scoring=config.scoring,
            refine=config.refine,
            threads=threads,
            progress=progress,
        )
        unk = "[UNK]" if "[UNK]" in special_tokens else (special_tokens or [vocab[0]])[0]
        encoder = _core.WordPieceModel(vocab, unk_token=unk)
        return cls._wrap(
            encoder,
            config.pre_tokenizer,
            config.lowercase,
            config.strip_accents,
            config.scoring,
            config.refine,
        )

    # --- adapting a pretrained vocabulary ----------------------------------------------

    @classmethod
    def adapt(
        cls,
        base: WordPiece | BertTokenizer | str | os.PathLike[str],
        files: counting.PathLike | Iterable[counting.PathLike] | None = None,
        *,
        texts: Iterable[str] | None = None,
        counts: Mapping[str, int] | _core.WordCounts | None = None,
        max_new_tokens: int | None = None,
        slots: adaptation.Slots = "unused",
        scoring: adaptation.AdaptScoring = "saving",
        min_frequency: int = 2,
        errors: str = "strict",
        threads: int | None = None,
        progress: Progress = False,
    ) -> WordPiece:
        """``base`` with the tokens that save the most on a domain, every other id kept.

        The domain is ``files``, ``texts`` or word ``counts`` (exactly one), counted with
        ``base``'s normalization. Each new token is the one that saves the most tokens on
        those words under the greedy longest-match encoder (a whole word or a piece many
        words share, ranked by the saving without the occurrence it is judged on; see
        :mod:`subword.adaptation`); ``scoring="whole-words"`` is the naive filling with
        the most-split frequent words instead (there is no ``"likelihood"``: merges
        continued by likelihood spend slots on pieces the encoder stops using, see
        :data:`subword.adaptation.AdaptScoring`). A token must shorten words occurring
        ``min_frequency`` times in all, never makes a word unk, and is never one the base
        has.

        ``slots="unused"`` (the default) writes the tokens into the ``[unusedN]`` entries:
        ids and vocab size unchanged, so the checkpoint loads as it is; ``max_new_tokens``
        defaults to the number of slots, and more is an error giving it (as is a base
        without any). ``slots="append"`` appends ``max_new_tokens`` at most (resize the
        model's embeddings). The added tokens are in the result's ``new_tokens``, which
        :meth:`save` and pickling keep; with BERT words its :meth:`save` also writes
        ``tokenizer_config.json``, so ``BertTokenizer`` (ours and transformers') loads the
        folder.

        ``base`` is a ``WordPiece``, a ``BertTokenizer``, a ``vocab.txt`` or a model folder.

        >>> base = WordPiece(["[PAD]", "[UNK]", "[unused0]", "[unused1]", "q", "##u", "##e",
        ...                   "##r", "##y", "##i", "##s", "##t"])
        >>> domain = {"query": 5, "queries": 3, "queryset": 4}
        >>> adapted = WordPiece.adapt(base, counts=domain)
        >>> [(t.token, t.id, t.saving) for t in adapted.new_tokens]
        [('quer', 2, 36), ('##yset', 3, 12)]
        >>> adapted.tokenize("querysets")
        ['quer', '##yset', '##s']
        """
        base = _as_wordpiece(base)
        adaptation.check_options(slots, scoring)
        budget = adaptation.token_budget(base._inner.vocab, slots, max_new_tokens)
        callback = resolve(progress)
        with closing_progress(callback):
            if counts is not None:
                if files is not None or texts is not None:
                    raise ValueError("give exactly one of files, texts and counts")
                word_counts = counting.as_word_counts(counts)
            else:
                word_counts = counting.count_words(
                    files,
                    texts=texts,
                    pre_tokenizer=base.pre_tokenizer,
                    lowercase=base.lowercase,
                    strip_accents=base.strip_accents,
                    errors=errors,
                    threads=threads,
                    progress=callback,
                )
            counting.check_not_empty(word_counts)
            found = _core.adapt_wordpiece(
                word_counts,
                base._inner.vocab,
                budget,
                min_frequency=min_frequency,
                scoring=scoring,
                continuing_subword_prefix=base._inner.continuing_subword_prefix,
                max_input_chars_per_word=base._inner.max_input_chars_per_word,
                threads=threads,
                progress=callback,
            )
        vocab, new_tokens = adaptation.place_tokens(base._inner.vocab, found, slots)
        encoder = _core.WordPieceModel(
            vocab,
            unk_token=base._inner.unk_token,
            continuing_subword_prefix=base._inner.continuing_subword_prefix,
            max_input_chars_per_word=base._inner.max_input_chars_per_word,
        )
        return cls._wrap(
            encoder, base.pre_tokenizer, base.lowercase, base.strip_accents, new_tokens=new_tokens
        )

    # --- encoding -------------------------------------------------------------------

    def _words(self, texts: Sequence[str]) -> list[list[str]]:
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"text must be str, got {type(text).__name__}")
        return self._split_batch(list(texts))

    def tokenize(self, text: str) -> list[str]:
        """The word pieces of ``text`` (continuations carry the ``##`` prefix).

        >>> WordPiece(["[UNK]", "hug", "##s", "pun"]).tokenize("Hugs pun!")
        ['hug', '##s', 'pun', '[UNK]']
        """
        return self._inner.convert_ids_to_tokens(self.encode(text))

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``.

        >>> WordPiece(["[UNK]", "hug", "##s", "pun"]).encode("Hugs pun!")
        [1, 2, 3, 0]
        """
        return self._inner.encode_pretokenized(self._words([text]))[0]

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """The ids of many texts; the WordPiece step runs in parallel without the GIL.

        >>> WordPiece(["[UNK]", "hug", "##s", "pun"]).encode_batch(["hugs", "pun hug"])
        [[1, 2], [3, 1]]
        """
        return self._inner.encode_pretokenized(self._words(texts))

    def encode_batch_flat(self, texts: Sequence[str]) -> FlatIds:
        """The ids of many texts as two numpy arrays (``ids``, ``lengths``), no object per id.

        ``ids`` (``uint32``) holds every text's ids end to end and ``lengths`` (``int64``)
        each text's number of ids; the same ids as :meth:`encode_batch`.

        >>> ids, lengths = WordPiece(["[UNK]", "hug", "##s", "pun"]).encode_batch_flat(
        ...     ["hugs", "", "pun hug"])
        >>> ids.tolist(), lengths.tolist()
        ([1, 2, 3, 1], [2, 0, 2])
        """
        return self._inner.encode_pretokenized_flat(self._words(texts))

    def decode(self, ids: Sequence[int]) -> str:
        """The text of ``ids``: pieces joined, ``##`` continuations glued to their word.

        >>> WordPiece(["[UNK]", "hug", "##s", "pun"]).decode([1, 2, 3])
        'hugs pun'
        """
        prefix = self._inner.continuing_subword_prefix
        tokens = self._inner.convert_ids_to_tokens(list(ids))
        return " ".join(tokens).replace(f" {prefix}", "").strip()

    @property
    def alphabet_size(self) -> int:
        """The number of single characters in the vocabulary (plain and ``##`` forms).

        >>> WordPiece(["[UNK]", "h", "##u", "##g", "hug"]).alphabet_size
        3
        """
        prefix = self._inner.continuing_subword_prefix
        return sum(len(t.removeprefix(prefix)) == 1 for t in self._inner.vocab)

    def __repr__(self) -> str:
        return f"WordPiece(vocab_size={len(self)}, pre_tokenizer={self.pre_tokenizer!r})"

    def __reduce__(
        self,
    ) -> tuple[
        Callable[..., WordPiece],
        tuple[
            _core.WordPieceModel,
            str,
            bool,
            bool | None,
            str | None,
            bool | None,
            tuple[adaptation.NewToken, ...],
        ],
    ]:
        return (
            WordPiece._wrap,
            (
                self._inner,
                self.pre_tokenizer,
                self.lowercase,
                self.strip_accents,
                self.scoring,
                self.refine,
                self.new_tokens,
            ),
        )

    # --- files ------------------------------------------------------------------------

    def save(self, directory: PathLike) -> Path:
        r"""Writes ``vocab.txt``, ``tokenizer.json`` and ``subword.json``, as one set.

        ``tokenizer.json`` (:mod:`subword.tokenizer_json`) loads in Hugging Face
        ``tokenizers`` and transformers. With BERT words it is the BERT tokenizer the
        folder loads as in :meth:`subword.BertTokenizer.from_pretrained` (the five BERT
        special tokens found whole, the ``[CLS] A [SEP]`` template); with whitespace words
        it is this model's own ``encode``. An adapted model (:meth:`adapt`) keeps its
        ``new_tokens`` in ``subword.json`` and, with BERT words, writes
        ``tokenizer_config.json`` too, so the folder loads in ``BertTokenizer`` (ours and
        transformers') as the base did. No file is left alone by a crash
        (:func:`subword._atomic.saving_model`).

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     directory = WordPiece(["[UNK]", "hug", "##s"]).save(tmp)
        ...     (directory / "vocab.txt").read_text(), sorted(p.name for p in directory.iterdir())
        ('[UNK]\nhug\n##s\n', ['subword.json', 'tokenizer.json', 'vocab.txt'])
        """
        directory = Path(directory)
        with saving_model(directory) as staging:
            _core.write_vocab_txt(str(staging / "vocab.txt"), self._inner.vocab)
            write_tokenizer_json(staging, self._tokenizer_json())
            if self.new_tokens and self.pre_tokenizer == "bert":
                write_tokenizer_config(staging, self._bert_options())
            adapted = {"new_tokens": [t.as_dict() for t in self.new_tokens]}
            write_config(
                staging,
                {
                    "model": "wordpiece",
                    "unk_token": self._inner.unk_token,
                    "continuing_subword_prefix": self._inner.continuing_subword_prefix,
                    "max_input_chars_per_word": self._inner.max_input_chars_per_word,
                    "pre_tokenizer": self.pre_tokenizer,
                    "do_lower_case": self.lowercase,
                    "strip_accents": self.strip_accents,
                    "scoring": self.scoring,
                    "refine": self.refine,
                    **(adapted if self.new_tokens else {}),
                },
            )
        return directory

    def _bert_options(self) -> dict[str, Any]:
        """``tokenizer_config.json``'s options for this model's BERT words (see :meth:`save`)."""
        return {
            "do_lower_case": self.lowercase,
            "strip_accents": self.strip_accents,
            "tokenize_chinese_chars": True,
            "max_input_chars_per_word": self._inner.max_input_chars_per_word,
            "unk_token": self._inner.unk_token,
            "sep_token": SEP_TOKEN,
            "pad_token": PAD_TOKEN,
            "cls_token": CLS_TOKEN,
            "mask_token": MASK_TOKEN,
        }

    def _tokenizer_json(self) -> dict[str, Any]:
        """The model as a ``tokenizer.json`` document (see :meth:`save`)."""
        model: dict[str, Any] = {
            "unk_token": self._inner.unk_token,
            "continuing_subword_prefix": self._inner.continuing_subword_prefix,
            "max_input_chars_per_word": self._inner.max_input_chars_per_word,
        }
        if self.pre_tokenizer != "bert":
            return whitespace_wordpiece_json(self._inner.vocab, **model)
        return bert_tokenizer_json(
            self._inner.vocab,
            special_tokens=[self._inner.unk_token, *BERT_SPECIAL_TOKENS],
            cls_token=CLS_TOKEN,
            sep_token=SEP_TOKEN,
            do_lower_case=self.lowercase,
            strip_accents=self.strip_accents,
            **model,
        )

    @classmethod
    def load(cls, directory: PathLike) -> WordPiece:
        """Loads a directory written by :meth:`save`, a BERT ``vocab.txt`` or ``tokenizer.json``.

        ``vocab.txt`` wins when there is one (a ``tokenizer.json`` beside it must hold the
        same vocabulary); a folder with only a WordPiece ``tokenizer.json`` (transformers 5
        saves those) takes its vocabulary and options from it, ``subword.json`` overriding.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     model = WordPiece.load(WordPiece(["[UNK]", "hug", "##s"]).save(tmp))
        >>> model.tokenize("hugs")
        ['hug', '##s']
        """
        directory = Path(directory)
        vocab, json_path = directory / "vocab.txt", directory / TOKENIZER_JSON_NAME
        with loading_model(directory):
            config = read_config(directory, "wordpiece")
            found = None if vocab.is_file() else read_wordpiece_json(json_path)
            if found is not None:
                config = {**found.wordpiece_options(), **config}
            options = {
                "unk_token": config.get("unk_token", "[UNK]"),
                "continuing_subword_prefix": config.get("continuing_subword_prefix", "##"),
                "max_input_chars_per_word": config.get("max_input_chars_per_word", 100),
            }
            if found is not None:
                encoder = _core.WordPieceModel(found.tokens, **options)
            else:
                encoder = _core.WordPieceModel.from_file(str(vocab), **options)
                check_same_vocab(json_path, encoder.vocab, vocab)
        return cls._wrap(
            encoder,
            config.get("pre_tokenizer", "bert"),
            config.get("do_lower_case", True),
            config.get("strip_accents"),
            config.get("scoring"),
            config.get("refine"),
            _new_tokens(directory, config.get("new_tokens", [])),
        )


def _new_tokens(directory: Path, found: object) -> tuple[adaptation.NewToken, ...]:
    """The ``new_tokens`` of a ``subword.json`` (see :meth:`WordPiece.save`)."""
    try:
        return tuple(adaptation.NewToken(**t) for t in found)  # type: ignore[attr-defined]
    except TypeError:
        raise ValueError(
            f"{directory / 'subword.json'}: new_tokens must be a list of "
            "{token, id, saving, words} objects"
        ) from None


def _as_wordpiece(base: object) -> WordPiece:
    """``adapt``'s base as a :class:`WordPiece` with its normalization."""
    if isinstance(base, WordPiece):
        return base
    from subword.bert import BertTokenizer

    if isinstance(base, str | os.PathLike):
        path = Path(base)
        if path.is_dir() and (path / "subword.json").is_file():
            return WordPiece.load(path)
        base = BertTokenizer.from_pretrained(path)
    if not isinstance(base, BertTokenizer):
        raise TypeError(
            "base must be a WordPiece, a BertTokenizer, a vocab.txt or a model folder, "
            f"got {type(base).__name__}"
        )
    vocab = sorted(base.vocab, key=base.vocab.__getitem__)
    return WordPiece(
        vocab,
        unk_token=base.unk_token or "[UNK]",
        max_input_chars_per_word=base.init_kwargs.get("max_input_chars_per_word", 100),
        lowercase=base.do_lower_case,
        strip_accents=base.strip_accents,
    )
