r"""A drop-in for transformers' ``BertTokenizer``: the front class that composes the pipeline.

>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     vocab = pathlib.Path(tmp, "vocab.txt")
...     _ = vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", ",", "world"]))
...     tokenizer = BertTokenizer(vocab)
>>> tokenizer("Hello, world!")  # doctest: +NORMALIZE_WHITESPACE
{'input_ids': [2, 4, 5, 6, 1, 3], 'token_type_ids': [0, 0, 0, 0, 0, 0],
 'attention_mask': [1, 1, 1, 1, 1, 1]}

``tokenizer(text)`` runs the stages in order, each in a module of its own: the
arguments read as a batch of texts (:mod:`subword.text_inputs`); special tokens found
whole in the raw text (:mod:`subword.added_tokens`); BERT normalization and
pre-tokenization (:mod:`subword.normalization`); ``never_split`` words kept whole and
the other words WordPiece-encoded in Rust, one call per batch
(:mod:`subword.text_encoding`); truncation windows and overflow
(:mod:`subword.truncation`); the ``[CLS] A [SEP] B [SEP]`` template
(:mod:`subword.processors`); padding into a :class:`~subword.padding.BatchEncoding`
(:mod:`subword.padding`). ``decode`` is :mod:`subword.decoding`, ``chunk`` is
:mod:`subword.chunking`, and the model folder's files are ``subword._tokenizer_files``.

Tokens follow transformers' Python ``BasicTokenizer`` (NFC, current Unicode); the fields of
``__call__`` (truncation budgets, overflow windows, padding, offsets, errors) follow
transformers 5's ``BertTokenizer`` (the ``tokenizers``-backed class). Where the two
transformers classes disagree, ``tests/test_bert_tokenizer.py`` documents the case.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Union

import subword._tokenizer_files as files
from subword import evaluation, flat_inputs
from subword._core import ChunkCache, WordPieceModel
from subword._gc import gc_paused
from subword.added_tokens import AddedToken, token_content
from subword.added_vocabulary import (
    SPECIAL_TOKEN_KEYS,
    AddedVocabularyMixin,
    added_tokens_from_config,
)
from subword.batch_encoding import BatchEncoding
from subword.call_options import CallOptions, SpecialIds, resolve_strategies
from subword.chunking import ChunkOptions, chunk_inputs, chunk_padding_length, chunk_samples
from subword.decoding import DecodingMixin
from subword.evaluation import QualityReport
from subword.model_inputs import Samples, encode_call
from subword.normalization import BasicTokenizer
from subword.padding import pad_features, padding_strategy
from subword.processors import with_special_tokens
from subword.special_tokens import (
    CLS_TOKEN,
    MASK_TOKEN,
    PAD_TOKEN,
    SEP_TOKEN,
    UNK_TOKEN,
    SpecialTokensMixin,
)
from subword.tensors import tensor_type_of
from subword.text_encoding import TextEncoder
from subword.text_inputs import (
    as_batch,
    as_word_batch,
    check_keywords,
    check_text,
    check_unsupported,
)
from subword.truncation import check_side
from subword.window_labels import SampleLabels

__all__ = ["BatchEncoding", "BertTokenizer"]

PathLike = Union[str, "os.PathLike[str]"]

# Options a pickle of an older version may lack (the constructor always gives them all).
_DEFAULT_OPTIONS = {
    "padding_side": "right",
    "truncation_side": "right",
    "bos_token": None,
    "eos_token": None,
    "split_special_tokens": False,
    "added_tokens_decoder": None,
    "extra_special_tokens": None,
}


class BertTokenizer(AddedVocabularyMixin, DecodingMixin, SpecialTokensMixin):
    r"""BERT's tokenizer over a ``vocab.txt``, equal to transformers' ``BertTokenizer``.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     vocab = pathlib.Path(tmp, "vocab.txt")
    ...     _ = vocab.write_text("\n".join(["[UNK]", "una", "##ffa", "##ble", "!"]))
    ...     tokenizer = BertTokenizer(vocab)
    >>> tokenizer.tokenize("Unaffable!")
    ['una', '##ffa', '##ble', '!']

    Args:
        vocab_file: a BERT ``vocab.txt`` (one token a line, id = line index); errors in it
            (duplicates, blank lines, no unk token, bad UTF-8) raise naming the line. Or
            the vocabulary itself: the tokens in id order, or a token -> id mapping
            (ids ``0..n-1``, as transformers' ``vocab`` dict).
        do_lower_case, never_split, tokenize_chinese_chars, strip_accents: the
            :class:`~subword.normalization.BasicTokenizer` options.
        unk_token, sep_token, pad_token, cls_token, mask_token: the special tokens; found
            as whole tokens anywhere in the input text, as transformers does.
        model_max_length: the ``max_length`` used by ``truncation=True`` and
            ``padding="max_length"`` when none is given.
        max_input_chars_per_word: longer words become ``unk_token``.
        padding_side, truncation_side: ``"right"`` (the default) or ``"left"``: where
            padding goes and which end truncation keeps (also settable as attributes).

    The examples of the methods below use a small tokenizer, ``tokenizer =
    BertTokenizer("[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split())`` (ids 0
    to 8; the doctest run provides it).

    """

    padding_side = "right"
    truncation_side = "right"
    pad_token_type_id = 0
    model_input_names = ["input_ids", "token_type_ids", "attention_mask"]

    def __init__(
        self,
        vocab_file: PathLike | Sequence[str] | Mapping[str, int] | None = None,
        do_lower_case: bool = True,
        never_split: Iterable[str] | None = None,
        unk_token: str = UNK_TOKEN,
        sep_token: str = SEP_TOKEN,
        pad_token: str = PAD_TOKEN,
        cls_token: str = CLS_TOKEN,
        mask_token: str = MASK_TOKEN,
        tokenize_chinese_chars: bool = True,
        strip_accents: bool | None = None,
        model_max_length: int = 512,
        max_input_chars_per_word: int = 100,
        padding_side: str = "right",
        truncation_side: str = "right",
        bos_token: str | None = None,
        eos_token: str | None = None,
        extra_special_tokens: Sequence[str | AddedToken] | None = None,
        added_tokens_decoder: Mapping[str, Any] | None = None,
        split_special_tokens: bool = False,
        additional_special_tokens: Sequence[str | AddedToken] | None = None,
        add_bos_token: bool = False,
        add_eos_token: bool = False,
        vocab: Sequence[str] | Sequence[tuple[str, float]] | Mapping[str, int] | None = None,
        merges: Sequence[Any] | None = None,
        **unsupported: Any,
    ):
        check_keywords(type(self), unsupported)
        # Every other argument is an option of the tokenizer (what _options() saves).
        options = {
            name: value
            for name, value in locals().items()
            if name not in ("self", "vocab_file", "vocab", "merges", "unsupported")
        }
        #: the options given, as transformers keeps them (``add_bos_token`` and
        #: ``add_eos_token`` are kept and, as in transformers' BERT, change nothing)
        self.init_kwargs = dict(options)
        self.init_inputs: tuple[Any, ...] = ()
        options["extra_special_tokens"] = extra_special_tokens or additional_special_tokens
        vocab_file = files.vocab_argument(vocab_file, vocab, merges)
        if isinstance(vocab_file, (str, os.PathLike)):
            self.vocab_file: str | None = files.checked_vocab_file(vocab_file)
            self._encoder = WordPieceModel.from_file(
                self.vocab_file,
                unk_token=unk_token,
                max_input_chars_per_word=max_input_chars_per_word,
            )
        else:
            self.vocab_file = None
            self._encoder = WordPieceModel(
                files.tokens_in_id_order(vocab_file),
                unk_token=unk_token,
                max_input_chars_per_word=max_input_chars_per_word,
            )
        self._init_options(options)

    def _init_options(self, options: Mapping[str, Any]) -> None:
        """Set the options (the constructor's, or a pickle's) on a tokenizer with an encoder."""
        options = {**_DEFAULT_OPTIONS, **options}
        check_side(options["padding_side"], "padding_side")
        check_side(options["truncation_side"], "truncation_side")
        self.padding_side = options["padding_side"]
        self.truncation_side = options["truncation_side"]
        #: the special tokens as given (strings, or AddedToken objects)
        self._special_tokens_map = {
            name: options[name] for name in SPECIAL_TOKEN_KEYS if options[name] is not None
        }
        for name in ("unk_token", "sep_token", "pad_token", "cls_token", "mask_token"):
            setattr(self, name, token_content(options[name]))
        self.bos_token, self.eos_token = None, None  # set by add_special_tokens below
        self.split_special_tokens = options["split_special_tokens"]
        self.model_max_length = options["model_max_length"]
        #: warnings given once per tokenizer (transformers' name and keys)
        self.deprecation_warnings: dict[str, bool] = {}
        self._chunk_cache = ChunkCache()
        self.basic_tokenizer = BasicTokenizer(
            do_lower_case=options["do_lower_case"],
            never_split=options["never_split"],
            tokenize_chinese_chars=options["tokenize_chinese_chars"],
            strip_accents=options["strip_accents"],
        )
        self._vocab = self._encoder.vocab
        self._base_ids = {token: index for index, token in enumerate(self._vocab)}
        self._added = {}
        self.extra_special_tokens = []
        for token, index in added_tokens_from_config(options["added_tokens_decoder"], self._vocab):
            self._added[token.content] = (token, index)
        special = {key: options[key] for key in ("bos_token", "eos_token") if options[key]}
        self.add_special_tokens(
            special | {"extra_special_tokens": options["extra_special_tokens"] or []}
        )  # rebuilds the text encoder

    def _vocabulary_changed(self) -> None:
        """Rebuild the text encoder and the id tables after tokens were added."""
        added = {token: index for token, index in self._added.values()}
        special = self.all_special_tokens
        if self.split_special_tokens:  # special tokens in the text are plain text
            added = {token: index for token, index in added.items() if not token.special}
            special = []
        self._texts = TextEncoder(
            self._encoder, self.basic_tokenizer, special, added, self._chunk_cache
        )
        self._token_ids = {**self._base_ids, **{t.content: i for t, i in self._added.values()}}
        self._added_texts = {
            index: self._texts.splitter.token_texts.get(token.content, token.content)
            for token, index in self._added.values()
            if index >= len(self._vocab)
        }

    def _special_ids_to_skip(self) -> set[int]:
        """What ``decode(..., skip_special_tokens=True)`` skips: every special token."""
        special_added = {index for token, index in self._added.values() if token.special}
        return set(self.all_special_ids) | special_added

    def _options(self) -> dict[str, Any]:
        """The options of ``_init_options``, as ``tokenizer_config.json`` writes them."""
        return {
            "do_lower_case": self.do_lower_case,
            "tokenize_chinese_chars": self.tokenize_chinese_chars,
            "strip_accents": self.strip_accents,
            "never_split": sorted(self.never_split) or None,
            "unk_token": self.unk_token,
            "sep_token": self.sep_token,
            "pad_token": self.pad_token,
            "cls_token": self.cls_token,
            "mask_token": self.mask_token,
            "model_max_length": self.model_max_length,
            "padding_side": self.padding_side,
            "truncation_side": self.truncation_side,
            "bos_token": self.bos_token,
            "eos_token": self.eos_token,
            "split_special_tokens": self.split_special_tokens,
            **self._added_config(),
        }

    def __reduce__(
        self,
    ) -> tuple[Callable[..., BertTokenizer], tuple[WordPieceModel, str | None, dict[str, Any]]]:
        """Pickle as the encoder (vocab and options) plus the options, never a file path.

        The derived tables (token -> id, the special-token pattern) are rebuilt on load,
        so the pickle holds the vocabulary once.
        """
        return (_unpickle_tokenizer, (self._encoder, self.vocab_file, self._options()))

    # ------------------------------------------------------------------ properties

    @property
    def chunk_cache(self) -> ChunkCache:
        r"""Each whitespace chunk's ids, kept so that a chunk seen before costs a look-up.

        Two tables, ids alone and ids with offsets and word ids, each bounded (32 MiB by
        default; when a batch's new chunks would pass the bound, that table is emptied
        first); never changing a result. Assign
        ``subword.ChunkCache(capacity=n_bytes)`` for another bound; ``ChunkCache(0)``
        caches nothing.

        >>> tokenizer.chunk_cache.capacity
        33554432
        """
        return self._chunk_cache

    @chunk_cache.setter
    def chunk_cache(self, cache: ChunkCache) -> None:
        self._chunk_cache = self._texts.cache = cache

    @property
    def do_lower_case(self) -> bool:
        r"""Whether text is lowercased.

        >>> tokenizer.do_lower_case
        True
        """
        return self.basic_tokenizer.do_lower_case

    @property
    def never_split(self) -> set[str]:
        r"""Words kept whole (never lowercased, split or WordPiece-encoded).

        >>> tokenizer.never_split
        set()
        """
        return self.basic_tokenizer.never_split

    @property
    def tokenize_chinese_chars(self) -> bool:
        r"""Whether every CJK ideograph is a token of its own.

        >>> tokenizer.tokenize_chinese_chars
        True
        """
        return self.basic_tokenizer.tokenize_chinese_chars

    @property
    def strip_accents(self) -> bool | None:
        r"""The ``strip_accents`` option (``None``: follow ``do_lower_case``).

        >>> tokenizer.strip_accents is None
        True
        """
        return self.basic_tokenizer.strip_accents

    @property
    def vocab_size(self) -> int:
        r"""The number of tokens in the vocab.

        >>> tokenizer.vocab_size
        9
        """
        return len(self._vocab)

    @property
    def vocab(self) -> dict[str, int]:
        r"""Token -> id.

        >>> tokenizer.vocab["hello"]
        5
        """
        return dict(self._token_ids)

    def get_vocab(self) -> dict[str, int]:
        r"""Token -> id (as transformers' ``get_vocab``).

        >>> tokenizer.get_vocab()["##s"]
        8
        """
        return dict(self._token_ids)

    def __len__(self) -> int:
        """The vocabulary's size with the added tokens (``vocab_size`` without them)."""
        return AddedVocabularyMixin.__len__(self)

    def __repr__(self) -> str:
        return (
            f"BertTokenizer(vocab_file={self.vocab_file!r}, vocab_size={self.vocab_size}, "
            f"do_lower_case={self.do_lower_case}, model_max_length={self.model_max_length})"
        )

    # ------------------------------------------------------------------ loading / saving

    @classmethod
    def from_pretrained(cls, directory: PathLike, **overrides: Any) -> BertTokenizer:
        r"""Load a local model directory (never the network).

        Reads ``vocab.txt`` or ``tokenizer.json`` (a folder transformers 5 saved) and,
        when present, ``tokenizer_config.json``, ``special_tokens_map.json`` and
        ``subword.json``; keyword arguments override them (``subword._tokenizer_files``
        says which file wins). A path to a ``vocab.txt`` itself also works.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as model:
        ...     _ = tokenizer.save_pretrained(model)
        ...     BertTokenizer.from_pretrained(model, model_max_length=128).model_max_length
        128
        """
        if Path(directory).is_file():
            return cls(directory, **overrides)
        return files.load_folder(cls, directory, overrides)

    def save_vocabulary(
        self, save_directory: PathLike, filename_prefix: str | None = None
    ) -> tuple[str]:
        r"""Write the vocab as ``vocab.txt`` (atomically); return its path, as transformers.

        A directory gets ``[prefix-]vocab.txt``; any other path is the file to write.

        >>> import pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as out:
        ...     (path,) = tokenizer.save_vocabulary(out, filename_prefix="bert")
        ...     pathlib.Path(path).name, pathlib.Path(path).read_text().split()[5:7]
        ('bert-vocab.txt', ['hello', 'world'])
        """
        return (files.write_vocab(save_directory, self._vocab, filename_prefix),)

    def save_pretrained(self, save_directory: PathLike) -> tuple[str, ...]:
        r"""Write the folder: ``vocab.txt``, ``tokenizer.json`` and transformers' configs.

        ``from_pretrained`` (ours or transformers'), ``AutoTokenizer`` and ``tokenizers``
        read it back; the paths come in transformers' order (``_tokenizer_files``).

        >>> import pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as out:
        ...     [pathlib.Path(path).name for path in tokenizer.save_pretrained(out)]
        ...     BertTokenizer.from_pretrained(out).vocab == tokenizer.vocab
        ['tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'tokenizer.json']
        True
        """
        limit = {"max_input_chars_per_word": self._encoder.max_input_chars_per_word}
        added = [{"id": index, **token.as_dict()} for token, index in self._added.values()]
        options = {**self._options(), **limit}
        return files.save_folder(save_directory, self._vocab, options, added_tokens=added)

    # ------------------------------------------------------------------ tokens and ids

    def tokenize(
        self, text: str, pair: str | None = None, add_special_tokens: bool = False
    ) -> list[str]:
        r"""The WordPiece tokens of ``text`` (then of ``pair``).

        >>> tokenizer.tokenize("Hello, worlds!")  # "," is not in this small vocab
        ['hello', '[UNK]', 'world', '##s', '!']
        """
        texts = [check_text(text)] + ([check_text(pair)] if pair else [])
        tokens = self._texts.tokens(texts)
        if not add_special_tokens:
            return [token for sequence in tokens for token in sequence]
        second = tokens[1] if pair else None
        if self.cls_token is None or self.sep_token is None:
            raise ValueError("cannot add special tokens: the cls or sep token is unset")
        return with_special_tokens(tokens[0], second, self.cls_token, self.sep_token)

    def pad(
        self,
        encoded_inputs: Any,
        padding: bool | str = True,
        max_length: int | None = None,
        pad_to_multiple_of: int | None = None,
        padding_side: str | None = None,
        return_attention_mask: bool | None = None,
        return_tensors: str | None = None,
        verbose: bool = True,
    ) -> BatchEncoding:
        r"""Pad encoded inputs, as transformers' ``pad`` (what data collators call).

        ``encoded_inputs`` is a :class:`BatchEncoding`, a dict of lists, or a list of
        dicts (one per example; numpy arrays and torch tensors are read too). Pads
        ``input_ids``, ``token_type_ids``, ``attention_mask`` (made when missing) and
        ``special_tokens_mask``; other fields (``labels``, ...) are left as they are.

        >>> batch = tokenizer.pad([{"input_ids": [2, 5, 3]}, {"input_ids": [2, 3]}])
        >>> batch["input_ids"], batch["attention_mask"]
        ([[2, 5, 3], [2, 3, 0]], [[1, 1, 1], [1, 1, 0]])
        >>> features = {"input_ids": [[2, 3]]}
        >>> tokenizer.pad(features, pad_to_multiple_of=4, return_tensors="np")["input_ids"]
        array([[2, 3, 0, 0]])
        """
        strategy = padding_strategy(padding)
        if strategy == "max_length" and max_length is None:
            max_length = self.model_max_length
        side = self.padding_side if padding_side is None else padding_side
        fields, _ = pad_features(
            encoded_inputs,
            strategy,
            max_length,
            pad_to_multiple_of,
            (self.pad_token_id, self.pad_token_type_id),
            side,
            with_attention=return_attention_mask is not False,
        )
        if return_tensors is None:
            return_tensors = tensor_type_of(encoded_inputs)
        return BatchEncoding(fields, tensor_type=return_tensors)

    # ------------------------------------------------------------------ encoding

    def encode(
        self,
        text: str,
        text_pair: str | None = None,
        add_special_tokens: bool = True,
        padding: bool | str = False,
        truncation: bool | str | None = None,
        max_length: int | None = None,
        stride: int = 0,
    ) -> list[int]:
        r"""The ``input_ids`` of ``self(text, text_pair, ...)``.

        >>> tokenizer.encode("Hello worlds!")
        [2, 5, 6, 8, 7, 3]
        """
        encoding = self(
            check_text(text),
            text_pair,
            add_special_tokens=add_special_tokens,
            padding=padding,
            truncation=truncation,
            max_length=max_length,
            stride=stride,
        )
        input_ids: list[int] = encoding["input_ids"]
        return input_ids

    def __call__(
        self,
        text: Any = None,
        text_pair: Any = None,
        add_special_tokens: bool = True,
        padding: bool | str = False,
        truncation: bool | str | None = None,
        max_length: int | None = None,
        stride: int = 0,
        is_split_into_words: bool = False,
        pad_to_multiple_of: int | None = None,
        padding_side: str | None = None,
        return_tensors: str | None = None,
        return_token_type_ids: bool | None = None,
        return_attention_mask: bool | None = None,
        return_overflowing_tokens: bool = False,
        return_special_tokens_mask: bool = False,
        return_offsets_mapping: bool = False,
        return_length: bool = False,
        verbose: bool = True,
        **unsupported: Any,
    ) -> BatchEncoding:
        r"""Encode a text, a pair, or a batch of them, as transformers' ``BertTokenizer``.

        >>> tokenizer("Hello", "worlds")  # doctest: +NORMALIZE_WHITESPACE
        {'input_ids': [2, 5, 3, 6, 8, 3], 'token_type_ids': [0, 0, 0, 1, 1, 1],
         'attention_mask': [1, 1, 1, 1, 1, 1]}

        Returns ``input_ids``, ``token_type_ids`` and ``attention_mask`` (plus
        ``special_tokens_mask``, ``offset_mapping``, ``length`` and
        ``overflow_to_sample_mapping`` when asked); lists of lists for a batch or with
        ``return_overflowing_tokens``, arrays with ``return_tensors="np"`` (or ``"pt"``).
        ``padding_side`` and ``pad_to_multiple_of`` shape the padding; the tokenizer's
        ``truncation_side`` the truncation. The result also answers alignment questions
        (``word_ids()``, ``char_to_token()``, ...); ``is_split_into_words=True`` takes
        lists of words. Arguments of transformers' ``__call__`` that subword does not
        support (``text_target``, ...) raise a ``TypeError`` naming them.

        >>> tokenizer(["Hello worlds", "hello"], padding=True, return_tensors="np")["input_ids"]
        array([[2, 5, 6, 8, 3],
               [2, 5, 3, 0, 0]])
        >>> tokenizer("Hello worlds").word_ids()
        [None, 0, 1, 1, None]
        """
        check_unsupported("__call__", unsupported)
        padding, truncation, max_length = resolve_strategies(
            padding, truncation, max_length, self.model_max_length, self.pad_token_id,
            self.pad_token,
        )  # fmt: skip
        options = CallOptions(
            padding=padding,
            truncation=truncation,
            max_length=max_length,
            stride=stride,
            pad_to_multiple_of=pad_to_multiple_of,
            padding_side=self.padding_side if padding_side is None else padding_side,
            truncation_side=self.truncation_side,
            overflow=return_overflowing_tokens,
            with_type_ids=return_token_type_ids is not False,
            with_attention=return_attention_mask is not False,
            with_special=return_special_tokens_mask,
            with_offsets=return_offsets_mapping,
            with_length=return_length,
            tensor_type=return_tensors,
            model_max_length=self.model_max_length if verbose else None,
        )
        if is_split_into_words:
            word_pairs, batched = as_word_batch(text, text_pair)
            encode = self._texts.encode_split
            pairs: list[tuple[Any, Any]] = list(word_pairs)
        else:
            text_pairs, batched = as_batch(text, text_pair)
            encode = self._texts.encode  # type: ignore[assignment]
            pairs = list(text_pairs)
        seconds = [second for _, second in pairs if second is not None]
        texts = [first for first, _ in pairs] + seconds

        def encoded(with_offsets: bool, with_words: bool) -> Samples:
            segments = iter(encode(texts, with_offsets, with_words))
            firsts = [next(segments) for _ in pairs]
            return [
                (first, next(segments) if second is not None else None)
                for first, (_, second) in zip(firsts, pairs, strict=True)
            ]

        cls_sep = self._cls_sep_ids() if add_special_tokens and pairs else None
        ids = SpecialIds(cls_sep, self.pad_token_id, self.pad_token_type_id, self._token_of)
        flat = None
        if not is_split_into_words and not seconds and len(texts) >= flat_inputs.MIN_TEXTS:
            flat = partial(self._texts.encode_flat, texts)
        return encode_call(encoded, options, ids, batched, self.deprecation_warnings, flat)

    def _segmenter(self) -> evaluation.Segmenter:  # what evaluate() needs
        def encode(words: list[str]) -> list[list[int]]:
            encoded = self(words, add_special_tokens=False, verbose=False)
            return encoded["input_ids"]  # type: ignore[no-any-return]

        return evaluation.Segmenter(
            self.basic_tokenizer.tokenize_batch, encode, self.convert_ids_to_tokens,
            self.unk_token_id, self.num_special_tokens_to_add(), self.vocab_size,
        )  # fmt: skip

    def evaluate(self, sources: PathLike | Iterable[PathLike], **options: Any) -> QualityReport:
        r"""The vocabulary's quality on held-out text (:func:`subword.evaluation.evaluate`).

        >>> import pathlib, tempfile; path = pathlib.Path(tempfile.mkdtemp(), "text.txt")
        >>> _ = path.write_text("Hello worlds!\n")
        >>> tokenizer.evaluate(path).tokens_per_word
        1.3333333333333333
        """
        return evaluation.evaluate(self, sources, **options)

    # ------------------------------------------------------------------ long text

    def chunk(
        self,
        text: Any,
        text_pair: Any = None,
        strategy: str = "sliding_window",
        max_length: int = 512,
        stride: int | None = None,
        head: int = 128,
        doc_stride: int | None = None,
        padding: bool | str = False,
        return_special_tokens_mask: bool = False,
        respect_words: bool = False,
        answers: Any = None,
        word_labels: Any = None,
        spans: Any = None,
        label_all_tokens: bool = False,
    ) -> list[BatchEncoding]:
        r"""Encode a long text (or a batch of them) as model inputs of at most ``max_length``.

        Strategies (``W = max_length - 2``, the content budget):

        - ``"head"``: the first ``W`` tokens; ``"tail"``: the last ``W``;
        - ``"head_tail"``: the first ``head`` (default 128) and the last ``W - head``;
        - ``"sliding_window"``: windows of ``W`` tokens overlapping by ``stride`` (default
          128) tokens — the windows transformers makes with ``return_overflowing_tokens``;
          ``doc_stride=S`` (Google's ``run_squad.py``) starts a window every ``S`` tokens
          instead; ``respect_words=True`` moves window edges to word boundaries.

        With ``text_pair``, ``text`` is the question, kept whole in every window, and
        ``text_pair`` the context that is cut (``W = max_length - 3 - len(question)``).
        Each result has ``input_ids``, ``token_type_ids``, ``attention_mask`` and
        ``offset_mapping`` (into its own text), unpadded unless ``padding="max_length"``,
        and answers ``word_ids()`` / ``sequence_ids()``. A batch (a list of texts, of
        ``(question, context)`` pairs, or two lists) gives one flat list of windows, each
        with ``overflow_to_sample_mapping``. Labels go into the windows
        (:mod:`subword.window_labels`): ``answers`` (SQuAD's ``answer_start`` / ``text``,
        one per sample) add ``start_positions`` / ``end_positions``; ``word_labels`` (one
        label per word) or ``spans`` (``(start_char, end_char, label)``, as BIO) add
        ``labels``. :mod:`subword.window_predictions` brings predictions back.

        >>> chunks = tokenizer.chunk("hello world hello world hello", max_length=4, stride=1)
        >>> [chunk["input_ids"] for chunk in chunks]
        [[2, 5, 6, 3], [2, 6, 5, 3], [2, 5, 6, 3], [2, 6, 5, 3]]
        >>> chunks[1]["offset_mapping"], chunks[1].word_ids()
        ([(0, 0), (6, 11), (12, 17), (0, 0)], [None, 1, 2, None])
        """
        samples, batched = chunk_inputs(text, text_pair)
        options = ChunkOptions(
            strategy, max_length, stride, head, doc_stride,
            chunk_padding_length(padding, max_length), return_special_tokens_mask, respect_words,
        )  # fmt: skip
        labels = SampleLabels.read(answers, word_labels, spans, len(samples), batched)
        ids = SpecialIds(self._cls_sep_ids(), self.pad_token_id, 0, self._token_of)
        with gc_paused():  # a window is several lists: see subword._gc
            windows = chunk_samples(self._texts, samples, options, ids)
            return labels.attach(windows, self._cls_sep_ids()[0], label_all_tokens, batched)


def _unpickle_tokenizer(
    encoder: WordPieceModel, vocab_file: str | None, options: dict[str, Any]
) -> BertTokenizer:
    """Rebuilds a pickled :class:`BertTokenizer` without reading any file."""
    tokenizer = BertTokenizer.__new__(BertTokenizer)
    tokenizer.vocab_file = vocab_file
    tokenizer._encoder = encoder
    tokenizer._init_options(options)
    return tokenizer
