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
from pathlib import Path
from typing import Any, Union, overload

import subword._tokenizer_files as files
from subword import evaluation
from subword._atomic import loading_model
from subword._core import WordPieceModel
from subword.chunking import check_strategy, chunk_encodings, chunk_padding_length, plan_chunks
from subword.decoding import decode_tokens, id_list, is_single_id, tokens_to_string
from subword.evaluation import QualityReport
from subword.normalization import BasicTokenizer
from subword.padding import BatchEncoding, padded_fields, padding_length, padding_strategy
from subword.processors import Row, Segment, assemble, special_tokens_to_add, with_special_tokens
from subword.special_tokens import (
    CLS_TOKEN,
    MASK_TOKEN,
    PAD_TOKEN,
    SEP_TOKEN,
    UNK_TOKEN,
    SpecialTokensMixin,
)
from subword.text_encoding import TextEncoder
from subword.text_inputs import as_batch, check_text
from subword.truncation import (
    LARGE_INTEGER,
    check_stride_fits,
    truncation_strategy,
    truncation_windows,
)

__all__ = ["BatchEncoding", "BertTokenizer"]

PathLike = Union[str, "os.PathLike[str]"]


class BertTokenizer(SpecialTokensMixin):
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
        vocab_file: PathLike | Sequence[str] | Mapping[str, int],
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
    ):
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
        self._init_options(
            do_lower_case=do_lower_case,
            tokenize_chinese_chars=tokenize_chinese_chars,
            strip_accents=strip_accents,
            never_split=never_split,
            unk_token=unk_token,
            sep_token=sep_token,
            pad_token=pad_token,
            cls_token=cls_token,
            mask_token=mask_token,
            model_max_length=model_max_length,
        )

    def _init_options(
        self,
        do_lower_case: bool,
        tokenize_chinese_chars: bool,
        strip_accents: bool | None,
        never_split: Iterable[str] | None,
        unk_token: str,
        sep_token: str,
        pad_token: str,
        cls_token: str,
        mask_token: str,
        model_max_length: int,
    ) -> None:
        self.unk_token, self.sep_token, self.pad_token = unk_token, sep_token, pad_token
        self.cls_token, self.mask_token = cls_token, mask_token
        self.model_max_length = model_max_length
        self.basic_tokenizer = BasicTokenizer(
            do_lower_case=do_lower_case,
            never_split=never_split,
            tokenize_chinese_chars=tokenize_chinese_chars,
            strip_accents=strip_accents,
        )
        self._vocab = self._encoder.vocab
        self._texts = TextEncoder(self._encoder, self.basic_tokenizer, self.all_special_tokens)
        self._token_ids = self._texts.token_ids

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

    def __len__(self) -> int:
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

    def __repr__(self) -> str:
        return (
            f"BertTokenizer(vocab_file={self.vocab_file!r}, vocab_size={self.vocab_size}, "
            f"do_lower_case={self.do_lower_case}, model_max_length={self.model_max_length})"
        )

    # ------------------------------------------------------------------ loading / saving

    @classmethod
    def from_pretrained(cls, directory: PathLike, **overrides: Any) -> BertTokenizer:
        r"""Load a local model directory (never the network).

        Reads ``vocab.txt`` and, when present, ``tokenizer_config.json`` and
        ``special_tokens_map.json`` (transformers' files) and ``subword.json``; keyword
        arguments override them. A path to a ``vocab.txt`` itself also works.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as model:
        ...     _ = tokenizer.save_pretrained(model)
        ...     BertTokenizer.from_pretrained(model, model_max_length=128).model_max_length
        128
        """
        path = Path(directory)
        if path.is_file():
            return cls(path, **overrides)
        vocab = files.folder_vocab(directory)
        with loading_model(vocab.parent):  # not half of a concurrent or cut-off save
            return cls(vocab, **{**files.read_options(vocab.parent), **overrides})

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
        r"""Write ``vocab.txt`` and ``tokenizer_config.json``.

        ``from_pretrained`` (ours or transformers') reads them back.

        >>> import pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as out:
        ...     [pathlib.Path(path).name for path in tokenizer.save_pretrained(out)]
        ...     BertTokenizer.from_pretrained(out).vocab == tokenizer.vocab
        ['vocab.txt', 'tokenizer_config.json']
        True
        """
        return files.save_folder(save_directory, self._vocab, self._options())

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
        return with_special_tokens(tokens[0], second, self.cls_token, self.sep_token)

    def convert_tokens_to_ids(self, tokens: str | Iterable[str]) -> int | list[int]:
        r"""Ids of tokens (the unk id for a token not in the vocab).

        >>> tokenizer.convert_tokens_to_ids(["hello", "there"])
        [5, 1]
        """
        unk = self.unk_token_id
        if isinstance(tokens, str):
            return self._token_ids.get(tokens, unk)
        return [self._token_ids.get(token, unk) for token in tokens]

    @overload
    def convert_ids_to_tokens(self, ids: int, skip_special_tokens: bool = False) -> str: ...
    @overload
    def convert_ids_to_tokens(
        self, ids: Iterable[int], skip_special_tokens: bool = False
    ) -> list[str]: ...
    def convert_ids_to_tokens(
        self, ids: int | Iterable[int], skip_special_tokens: bool = False
    ) -> str | list[str]:
        r"""Tokens of ids; ``IndexError`` for an id outside the vocab.

        (transformers returns ``None`` there; an error is clearer.)

        >>> tokenizer.convert_ids_to_tokens([5, 6, 8])
        ['hello', 'world', '##s']
        """
        if is_single_id(ids):
            return self._token_of(ids)
        skipped = set(self.all_special_ids) if skip_special_tokens else set()
        return [self._token_of(i) for i in id_list(ids) if i not in skipped]

    def _token_of(self, index: int) -> str:
        index = int(index)
        if not 0 <= index < len(self._vocab):
            raise IndexError(
                f"token id {index} is out of range for a vocab of {len(self._vocab)} tokens"
            )
        return self._vocab[index]

    def convert_tokens_to_string(self, tokens: Iterable[str]) -> str:
        r"""Join tokens into text: pieces glued (``##`` removed), words apart by a space.

        This is ``BertTokenizerLegacy``'s rule (transformers 5's ``BertTokenizer`` also glues
        ``.,!?`` to the word before); so ``convert_tokens_to_string(tokenize(x))`` is the
        basic tokens joined by spaces whenever no unk occurs.

        >>> tokenizer.convert_tokens_to_string(["hello", "world", "##s", "!"])
        'hello worlds !'
        """
        return tokens_to_string(tokens)

    def decode(
        self,
        token_ids: int | Iterable[int],
        skip_special_tokens: bool = False,
        clean_up_tokenization_spaces: bool | None = None,
    ) -> str:
        r"""Text of ids, as transformers 5's ``BertTokenizer`` decodes it.

        Pieces are glued, words joined by spaces, and ``. , ! ?`` glued to the word before
        (the WordPiece decoder's clean-up); ``clean_up_tokenization_spaces=True`` adds
        transformers' clean-up (``it ' s`` -> ``it's``). An id outside the vocab raises
        ``IndexError`` (transformers skips it silently).

        >>> tokenizer.decode([2, 5, 6, 8, 7, 3])
        '[CLS] hello worlds! [SEP]'
        >>> tokenizer.decode([2, 5, 6, 8, 7, 3], skip_special_tokens=True)
        'hello worlds!'
        """
        tokens = self.convert_ids_to_tokens(
            [token_ids] if is_single_id(token_ids) else token_ids, skip_special_tokens
        )
        return decode_tokens(tokens, clean_up_tokenization_spaces)

    def batch_decode(self, sequences: Iterable[Iterable[int]], **kwargs: Any) -> list[str]:
        r"""``[decode(ids, **kwargs) for ids in sequences]``.

        >>> tokenizer.batch_decode([[5, 6], [6, 8, 7]])
        ['hello world', 'worlds!']
        """
        return [self.decode(ids, **kwargs) for ids in sequences]

    def num_special_tokens_to_add(self, pair: bool = False) -> int:
        r"""How many special tokens ``__call__`` adds: 2 (``[CLS] A [SEP]``) or 3 for a pair.

        >>> tokenizer.num_special_tokens_to_add(), tokenizer.num_special_tokens_to_add(pair=True)
        (2, 3)
        """
        return special_tokens_to_add(pair)

    def build_inputs_with_special_tokens(
        self, token_ids_0: list[int], token_ids_1: list[int] | None = None
    ) -> list[int]:
        r"""``[CLS] A [SEP]`` or ``[CLS] A [SEP] B [SEP]`` as ids.

        >>> tokenizer.build_inputs_with_special_tokens([5], [6])
        [2, 5, 3, 6, 3]
        """
        return with_special_tokens(token_ids_0, token_ids_1, *self._cls_sep_ids())

    def get_special_tokens_mask(
        self, token_ids_0: list[int], token_ids_1: list[int] | None = None
    ) -> list[int]:
        r"""1 where ``build_inputs_with_special_tokens`` puts a special token, else 0.

        >>> tokenizer.get_special_tokens_mask([5], [6])
        [1, 0, 1, 0, 1]
        """
        second = None if token_ids_1 is None else Segment(token_ids_1)
        return assemble(Segment(token_ids_0), second, (-1, -1)).special

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
        text: str | Sequence[str] | Sequence[tuple[str, str]],
        text_pair: str | Sequence[str] | None = None,
        add_special_tokens: bool = True,
        padding: bool | str = False,
        truncation: bool | str | None = None,
        max_length: int | None = None,
        stride: int = 0,
        return_overflowing_tokens: bool = False,
        return_offsets_mapping: bool = False,
        return_special_tokens_mask: bool = False,
        return_length: bool = False,
        return_token_type_ids: bool | None = None,
        return_attention_mask: bool | None = None,
    ) -> BatchEncoding:
        r"""Encode a text, a pair, or a batch of them, as transformers' ``BertTokenizer``.

        >>> tokenizer("Hello", "worlds")  # doctest: +NORMALIZE_WHITESPACE
        {'input_ids': [2, 5, 3, 6, 8, 3], 'token_type_ids': [0, 0, 0, 1, 1, 1],
         'attention_mask': [1, 1, 1, 1, 1, 1]}

        Returns ``input_ids``, ``token_type_ids`` and ``attention_mask`` (plus
        ``special_tokens_mask``, ``offset_mapping``, ``length`` and
        ``overflow_to_sample_mapping`` when asked); lists of lists for a batch or with
        ``return_overflowing_tokens``.
        """
        padding, truncation, max_length = self._strategies(padding, truncation, max_length)
        if truncation != "do_not_truncate":
            assert max_length is not None  # _strategies gives one whenever it truncates
            check_stride_fits(stride, max_length)
        pairs, batched = as_batch(text, text_pair)
        seconds = [second for _, second in pairs if second is not None]
        encoded = iter(
            self._texts.encode([first for first, _ in pairs] + seconds, return_offsets_mapping)
        )
        firsts = [next(encoded) for _ in pairs]
        samples = [
            (first, next(encoded) if second is not None else None)
            for first, (_, second) in zip(firsts, pairs, strict=True)
        ]
        cls_sep = self._cls_sep_ids() if add_special_tokens and pairs else None
        truncating = (truncation, max_length, stride)
        rows_per_sample = [
            self._rows(first, second, cls_sep, truncating, return_overflowing_tokens)
            for first, second in samples
        ]
        rows = [row for sample_rows in rows_per_sample for row in sample_rows]
        fields = padded_fields(
            rows,
            padding_length(rows, padding, max_length),
            self.pad_token_id,
            self.pad_token_type_id,
            with_type_ids=return_token_type_ids is not False,
            with_attention=return_attention_mask is not False,
            with_special=return_special_tokens_mask,
            with_offsets=return_offsets_mapping,
            with_length=return_length,
        )
        if return_overflowing_tokens:
            fields["overflow_to_sample_mapping"] = [
                sample for sample, sample_rows in enumerate(rows_per_sample) for _ in sample_rows
            ]
        elif not batched:
            fields = {
                key: value[0] if value and isinstance(value[0], list) else value
                for key, value in fields.items()
            }
        return BatchEncoding(fields)

    def _strategies(
        self, padding: Any, truncation: Any, max_length: int | None
    ) -> tuple[str, str, int | None]:
        """Resolve the strategies as transformers: ``max_length`` alone truncates."""
        if max_length is not None and padding is False and truncation is None:
            truncation = "longest_first"
        padding, truncation = padding_strategy(padding), truncation_strategy(truncation)
        if max_length is None:
            unlimited = self.model_max_length > LARGE_INTEGER
            if padding == "max_length":
                padding, max_length = (
                    ("do_not_pad", None) if unlimited else (padding, self.model_max_length)
                )
            if truncation != "do_not_truncate":
                truncation, max_length = (
                    ("do_not_truncate", max_length)
                    if unlimited
                    else (truncation, self.model_max_length)
                )
        if padding != "do_not_pad" and self.pad_token_id is None:
            raise ValueError(
                f"asking to pad but the pad token {self.pad_token!r} is not in the vocab"
            )
        return padding, truncation, max_length

    def _rows(
        self,
        first: Segment,
        second: Segment | None,
        cls_sep: tuple[int, int] | None,
        truncating: tuple[str, int | None, int],  # the strategy, max_length and stride
        overflow: bool,
    ) -> list[Row]:
        """The model inputs of one sample: the main one, then (``overflow``) the others."""
        truncation, max_length, stride = truncating
        if truncation == "do_not_truncate":
            return [assemble(first, second, cls_sep)]
        assert max_length is not None  # _strategies gives one whenever it truncates
        n_special = special_tokens_to_add(second is not None) if cls_sep else 0
        if max_length < n_special:
            raise ValueError(
                f"max_length={max_length} is smaller than the {n_special} special tokens "
                "added to every sequence"
            )
        windows = truncation_windows(
            len(first.ids),
            len(second.ids) if second else None,
            max_length - n_special,
            truncation,
            stride,
            overflow,
        )
        return [
            assemble(
                first.window(*window_first),
                second.window(*window_second) if second is not None and window_second else None,
                cls_sep,
            )
            for window_first, window_second in windows
        ]

    def _segmenter(self) -> evaluation.Segmenter:  # what evaluate() needs
        def encode(words: list[str]) -> list[list[int]]:
            return self(words, add_special_tokens=False)["input_ids"]  # type: ignore[no-any-return]

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
        text: str,
        text_pair: str | None = None,
        strategy: str = "sliding_window",
        max_length: int = 512,
        stride: int | None = None,
        head: int = 128,
        doc_stride: int | None = None,
        padding: bool | str = False,
        return_special_tokens_mask: bool = False,
    ) -> list[BatchEncoding]:
        r"""Encode a long text as model inputs of at most ``max_length`` tokens.

        Strategies (``W = max_length - 2``, the content budget):

        - ``"head"``: the first ``W`` tokens; ``"tail"``: the last ``W``;
        - ``"head_tail"``: the first ``head`` (default 128) and the last ``W - head``;
        - ``"sliding_window"``: windows of ``W`` tokens overlapping by ``stride`` (default
          128) tokens — the windows transformers makes with ``return_overflowing_tokens``;
          ``doc_stride=S`` (Google's ``run_squad.py``) starts a window every ``S`` tokens
          instead.

        With ``text_pair``, ``text`` is the question, kept whole in every window, and
        ``text_pair`` the context that is cut (``W = max_length - 3 - len(question)``).
        Each result has ``input_ids``, ``token_type_ids``, ``attention_mask`` and
        ``offset_mapping`` (into its own text), unpadded unless ``padding="max_length"``.

        >>> chunks = tokenizer.chunk("hello world hello world hello", max_length=4, stride=1)
        >>> [chunk["input_ids"] for chunk in chunks]
        [[2, 5, 6, 3], [2, 6, 5, 3], [2, 5, 6, 3], [2, 6, 5, 3]]
        >>> chunks[1]["offset_mapping"]
        [(0, 0), (6, 11), (12, 17), (0, 0)]
        """
        check_strategy(strategy)
        pad_to = chunk_padding_length(padding, max_length)
        texts = [check_text(text)] + ([check_text(text_pair)] if text_pair is not None else [])
        encoded = self._texts.encode(texts, with_offsets=True)
        question, context = (
            (encoded[0], encoded[1]) if text_pair is not None else (None, encoded[0])
        )
        plan = plan_chunks(
            len(context.ids),
            strategy,
            max_length=max_length,
            question_length=len(question.ids) if question is not None else None,
            stride=stride,
            head=head,
            doc_stride=doc_stride,
        )
        return chunk_encodings(
            plan,
            question,
            context,
            self._cls_sep_ids(),
            self.pad_token_id,
            pad_to,
            return_special_tokens_mask,
        )


def _unpickle_tokenizer(
    encoder: WordPieceModel, vocab_file: str | None, options: dict[str, Any]
) -> BertTokenizer:
    """Rebuilds a pickled :class:`BertTokenizer` without reading any file."""
    tokenizer = BertTokenizer.__new__(BertTokenizer)
    tokenizer.vocab_file = vocab_file
    tokenizer._encoder = encoder
    tokenizer._init_options(**options)
    return tokenizer
