r"""A drop-in for transformers' ``BertTokenizer``: BERT normalization in Python, WordPiece in Rust.

>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     vocab = pathlib.Path(tmp, "vocab.txt")
...     _ = vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", ",", "world"]))
...     tokenizer = BertTokenizer(vocab)
>>> tokenizer("Hello, world!")  # doctest: +NORMALIZE_WHITESPACE
{'input_ids': [2, 4, 5, 6, 1, 3], 'token_type_ids': [0, 0, 0, 0, 0, 0],
 'attention_mask': [1, 1, 1, 1, 1, 1]}

Tokens follow transformers' Python ``BasicTokenizer`` (NFC, current Unicode); the fields of
``__call__`` (truncation budgets, overflow windows, padding, offsets, errors) follow
transformers 5's ``BertTokenizer`` (the ``tokenizers``-backed class). Where the two
transformers classes disagree, ``tests/test_bert_tokenizer.py`` documents the case.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, Union, overload

from subword._atomic import write_text_atomic
from subword._core import WordPieceEncoder
from subword.chunking import STRATEGIES, ChunkPlan, overflow_windows, plan_chunks
from subword.models._config import CONFIG_NAME as SUBWORD_CONFIG_NAME
from subword.models._config import read_json_object
from subword.normalization import AlignedToken, BasicTokenizer

if TYPE_CHECKING:
    from typing_extensions import TypeIs

__all__ = ["BatchEncoding", "BertTokenizer"]

PathLike = Union[str, "os.PathLike[str]"]
Offsets = tuple[int, int]
_T = TypeVar("_T")

VOCAB_NAME = "vocab.txt"
TOKENIZER_CONFIG_NAME = "tokenizer_config.json"
SPECIAL_TOKENS_MAP_NAME = "special_tokens_map.json"


# transformers: a model_max_length above this means "no limit" (no default truncation).
LARGE_INTEGER = int(1e20)

TRUNCATION_STRATEGIES = ("longest_first", "only_first", "only_second", "do_not_truncate")
PADDING_STRATEGIES = ("longest", "max_length", "do_not_pad")

# transformers' messages, so that code matching on them keeps working.
INVALID_TEXT_MESSAGE = (
    "text input must be of type `str` (single example), `list[str]` (batch or single "
    "pretokenized example) or `list[list[str]]` (batch of pretokenized examples) or "
    "`list[tuple[list[str], list[str]]]` (batch of pretokenized sequence pairs)."
)

# The per-token clean-up of tokenizers' WordPiece decoder: applied to each token with the
# space in front of it, so " ." joins its word but " ' s" stays apart.
_DECODER_CLEANUP = (
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" do not", " don't"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
)
# transformers' clean_up_tokenization (decode(..., clean_up_tokenization_spaces=True)).
_CLEAN_UP_TOKENIZATION = (
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
)


class BatchEncoding(dict[str, Any]):
    """The result of :meth:`BertTokenizer.__call__`: a dict with attribute access.

    >>> encoding = BatchEncoding(input_ids=[101, 102], attention_mask=[1, 1])
    >>> encoding.input_ids == encoding["input_ids"]
    True
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __reduce__(self) -> tuple[type[BatchEncoding], tuple[dict[str, Any]]]:
        return BatchEncoding, (dict(self),)


class _Sequence(NamedTuple):
    """One encoded text, before special tokens: ids and (optionally) original offsets."""

    ids: list[int]
    offsets: list[Offsets] | None


class _Row(NamedTuple):
    """One model input being assembled: parallel lists of equal length."""

    ids: list[int]
    type_ids: list[int]
    special: list[int]
    offsets: list[Offsets] | None


class BertTokenizer:
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
        unk_token: str = "[UNK]",
        sep_token: str = "[SEP]",
        pad_token: str = "[PAD]",
        cls_token: str = "[CLS]",
        mask_token: str = "[MASK]",
        tokenize_chinese_chars: bool = True,
        strip_accents: bool | None = None,
        model_max_length: int = 512,
        max_input_chars_per_word: int = 100,
    ):
        if isinstance(vocab_file, (str, os.PathLike)):
            self.vocab_file: str | None = _checked_vocab_file(vocab_file)
            self._encoder = WordPieceEncoder.from_file(
                self.vocab_file,
                unk_token=unk_token,
                max_input_chars_per_word=max_input_chars_per_word,
            )
        else:
            self.vocab_file = None
            self._encoder = WordPieceEncoder(
                _tokens_in_id_order(vocab_file),
                unk_token=unk_token,
                max_input_chars_per_word=max_input_chars_per_word,
            )
        self._init_options(
            do_lower_case=do_lower_case,
            never_split=never_split,
            special_tokens=(unk_token, sep_token, pad_token, cls_token, mask_token),
            tokenize_chinese_chars=tokenize_chinese_chars,
            strip_accents=strip_accents,
            model_max_length=model_max_length,
        )

    def _init_options(
        self,
        do_lower_case: bool,
        never_split: Iterable[str] | None,
        special_tokens: tuple[str, str, str, str, str],
        tokenize_chinese_chars: bool,
        strip_accents: bool | None,
        model_max_length: int,
    ) -> None:
        self.unk_token, self.sep_token, self.pad_token, self.cls_token, self.mask_token = (
            special_tokens
        )
        self.model_max_length = model_max_length
        self.basic_tokenizer = BasicTokenizer(
            do_lower_case=do_lower_case,
            never_split=never_split,
            tokenize_chinese_chars=tokenize_chinese_chars,
            strip_accents=strip_accents,
        )
        self._vocab = self._encoder.vocab
        self._token_ids = {token: index for index, token in enumerate(self._vocab)}
        # Special tokens in the text are matched first, longest first, on the raw text.
        in_vocab = sorted(
            (token for token in set(special_tokens) if token in self._token_ids),
            key=lambda token: (-len(token), token),
        )
        self._special_pattern = re.compile("|".join(map(re.escape, in_vocab))) if in_vocab else None

    def __reduce__(
        self,
    ) -> tuple[Callable[..., BertTokenizer], tuple[WordPieceEncoder, str | None, dict[str, Any]]]:
        """Pickle as the encoder (vocab and options) plus the options, never a file path.

        The derived tables (token -> id, the special-token pattern) are rebuilt on load,
        so the pickle holds the vocabulary once.
        """
        options = {
            "do_lower_case": self.do_lower_case,
            "never_split": sorted(self.never_split) or None,
            "special_tokens": (
                self.unk_token,
                self.sep_token,
                self.pad_token,
                self.cls_token,
                self.mask_token,
            ),
            "tokenize_chinese_chars": self.tokenize_chinese_chars,
            "strip_accents": self.strip_accents,
            "model_max_length": self.model_max_length,
        }
        return (_unpickle_tokenizer, (self._encoder, self.vocab_file, options))

    # ------------------------------------------------------------------ properties

    @property
    def do_lower_case(self) -> bool:
        r"""Whether text is lowercased.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.do_lower_case
        True
        """
        return self.basic_tokenizer.do_lower_case

    @property
    def never_split(self) -> set[str]:
        r"""Words kept whole (never lowercased, split or WordPiece-encoded).

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.never_split
        set()
        """
        return self.basic_tokenizer.never_split

    @property
    def tokenize_chinese_chars(self) -> bool:
        r"""Whether every CJK ideograph is a token of its own.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.tokenize_chinese_chars
        True
        """
        return self.basic_tokenizer.tokenize_chinese_chars

    @property
    def strip_accents(self) -> bool | None:
        r"""The ``strip_accents`` option (``None``: follow ``do_lower_case``).

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.strip_accents is None
        True
        """
        return self.basic_tokenizer.strip_accents

    @property
    def vocab_size(self) -> int:
        r"""The number of tokens in the vocab.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.vocab_size
        9
        """
        return len(self._vocab)

    def __len__(self) -> int:
        return len(self._vocab)

    @property
    def vocab(self) -> dict[str, int]:
        r"""Token -> id.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.vocab["hello"]
        5
        """
        return dict(self._token_ids)

    def get_vocab(self) -> dict[str, int]:
        r"""Token -> id (as transformers' ``get_vocab``).

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.get_vocab()["##s"]
        8
        """
        return dict(self._token_ids)

    @property
    def all_special_tokens(self) -> list[str]:
        r"""The special tokens, in transformers' order.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.all_special_tokens
        ['[UNK]', '[SEP]', '[PAD]', '[CLS]', '[MASK]']
        """
        tokens = [self.unk_token, self.sep_token, self.pad_token, self.cls_token, self.mask_token]
        return list(dict.fromkeys(tokens))

    @property
    def all_special_ids(self) -> list[int]:
        r"""The ids of the special tokens that are in the vocab.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.all_special_ids
        [1, 3, 0, 2, 4]
        """
        return [self._token_ids[t] for t in self.all_special_tokens if t in self._token_ids]

    def _special_id(self, token: str) -> int | None:
        return self._token_ids.get(token)

    @property
    def unk_token_id(self) -> int:
        r"""The id of the unk token.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.unk_token_id
        1
        """
        return self._encoder.unk_id

    @property
    def sep_token_id(self) -> int | None:
        r"""The id of the separator token.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.sep_token_id
        3
        """
        return self._special_id(self.sep_token)

    @property
    def pad_token_id(self) -> int | None:
        r"""The id of the padding token.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.pad_token_id
        0
        """
        return self._special_id(self.pad_token)

    @property
    def cls_token_id(self) -> int | None:
        r"""The id of the classifier token.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.cls_token_id
        2
        """
        return self._special_id(self.cls_token)

    @property
    def mask_token_id(self) -> int | None:
        r"""The id of the mask token.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.mask_token_id
        4
        """
        return self._special_id(self.mask_token)

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
        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> with tempfile.TemporaryDirectory() as model:
        ...     _ = tokenizer.save_pretrained(model)
        ...     BertTokenizer.from_pretrained(model, model_max_length=128).model_max_length
        128
        """
        path = Path(directory)
        if path.is_file():
            return cls(path, **overrides)
        if not path.is_dir():
            raise OSError(
                f"{directory}: no such directory (subword loads local files only and never "
                "downloads)"
            )
        vocab = path / VOCAB_NAME
        if not vocab.is_file():
            raise FileNotFoundError(f"{directory}: no {VOCAB_NAME} in this directory")
        options = _read_options(path)
        options.update(overrides)
        return cls(vocab, **options)

    def save_vocabulary(
        self, save_directory: PathLike, filename_prefix: str | None = None
    ) -> tuple[str]:
        r"""Write the vocab as ``vocab.txt`` (atomically); return its path, as transformers.

        A directory gets ``[prefix-]vocab.txt``; any other path is the file to write.

        >>> import pathlib, tempfile
        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> with tempfile.TemporaryDirectory() as out:
        ...     (path,) = tokenizer.save_vocabulary(out, filename_prefix="bert")
        ...     pathlib.Path(path).name, pathlib.Path(path).read_text().split()[5:7]
        ('bert-vocab.txt', ['hello', 'world'])
        """
        prefix = f"{filename_prefix}-" if filename_prefix else ""
        if os.path.isdir(save_directory):
            target = os.path.join(save_directory, prefix + VOCAB_NAME)
        else:
            target = prefix + str(save_directory)
        write_text_atomic(target, "".join(token + "\n" for token in self._vocab))
        return (target,)

    def save_pretrained(self, save_directory: PathLike) -> tuple[str, ...]:
        r"""Write ``vocab.txt`` and ``tokenizer_config.json``.

        ``from_pretrained`` (ours or transformers') reads them back.

        >>> import pathlib, tempfile
        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> with tempfile.TemporaryDirectory() as out:
        ...     [pathlib.Path(path).name for path in tokenizer.save_pretrained(out)]
        ...     BertTokenizer.from_pretrained(out).vocab == tokenizer.vocab
        ['vocab.txt', 'tokenizer_config.json']
        True
        """
        os.makedirs(save_directory, exist_ok=True)
        (vocab,) = self.save_vocabulary(save_directory)
        config = {
            "tokenizer_class": "BertTokenizer",
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
        config_path = os.path.join(save_directory, TOKENIZER_CONFIG_NAME)
        write_text_atomic(config_path, json.dumps(config, indent=2, ensure_ascii=False) + "\n")
        return vocab, config_path

    # ------------------------------------------------------------------ tokens and ids

    def tokenize(
        self, text: str, pair: str | None = None, add_special_tokens: bool = False
    ) -> list[str]:
        r"""The WordPiece tokens of ``text`` (then of ``pair``).

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.tokenize("Hello, worlds!")  # "," is not in this small vocab
        ['hello', '[UNK]', 'world', '##s', '!']
        """
        texts = [_check_text(text)] + ([_check_text(pair)] if pair else [])
        if self.never_split:
            tokens = [self._tokens_keeping_words(text) for text in texts]
        else:
            words = self._words_batch(texts)
            tokens = [[self._vocab[i] for i in ids] for ids in self._encoder.encode_batch(words)]
        if not add_special_tokens:
            return [token for sequence in tokens for token in sequence]
        second = tokens[1] if pair else None
        return self._with_special_tokens(tokens[0], second, self.cls_token, self.sep_token)

    def _tokens_keeping_words(self, text: str) -> list[str]:
        """Tokens with ``never_split`` words kept whole, as ``BertTokenizerLegacy`` does."""
        tokens: list[str] = []
        for word in self._words_with_specials(text):
            if word in self.never_split:
                tokens.append(word)
            else:
                tokens += self._encoder.tokenize_word(word)
        return tokens

    def convert_tokens_to_ids(self, tokens: str | Iterable[str]) -> int | list[int]:
        r"""Ids of tokens (the unk id for a token not in the vocab).

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
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

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.convert_ids_to_tokens([5, 6, 8])
        ['hello', 'world', '##s']
        """
        if _is_int(ids):
            return self._token_of(ids)
        skipped = set(self.all_special_ids) if skip_special_tokens else set()
        return [self._token_of(i) for i in _as_id_list(ids) if i not in skipped]

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

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.convert_tokens_to_string(["hello", "world", "##s", "!"])
        'hello worlds !'
        """
        return " ".join(tokens).replace(" ##", "").strip()

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

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.decode([2, 5, 6, 8, 7, 3])
        '[CLS] hello worlds! [SEP]'
        >>> tokenizer.decode([2, 5, 6, 8, 7, 3], skip_special_tokens=True)
        'hello worlds!'
        """
        tokens = self.convert_ids_to_tokens(
            [token_ids] if _is_int(token_ids) else token_ids, skip_special_tokens
        )
        text = "".join(_decoded_pieces(tokens))
        if clean_up_tokenization_spaces:
            for dirty, clean in _CLEAN_UP_TOKENIZATION:
                text = text.replace(dirty, clean)
        return text

    def batch_decode(self, sequences: Iterable[Iterable[int]], **kwargs: Any) -> list[str]:
        r"""``[decode(ids, **kwargs) for ids in sequences]``.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.batch_decode([[5, 6], [6, 8, 7]])
        ['hello world', 'worlds!']
        """
        return [self.decode(ids, **kwargs) for ids in sequences]

    def num_special_tokens_to_add(self, pair: bool = False) -> int:
        r"""How many special tokens ``__call__`` adds: 2 (``[CLS] A [SEP]``) or 3 for a pair.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.num_special_tokens_to_add(), tokenizer.num_special_tokens_to_add(pair=True)
        (2, 3)
        """
        return 3 if pair else 2

    def build_inputs_with_special_tokens(
        self, token_ids_0: list[int], token_ids_1: list[int] | None = None
    ) -> list[int]:
        r"""``[CLS] A [SEP]`` or ``[CLS] A [SEP] B [SEP]`` as ids.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.build_inputs_with_special_tokens([5], [6])
        [2, 5, 3, 6, 3]
        """
        return self._with_special_tokens(token_ids_0, token_ids_1, *self._cls_sep_ids())

    def get_special_tokens_mask(
        self, token_ids_0: list[int], token_ids_1: list[int] | None = None
    ) -> list[int]:
        r"""1 where ``build_inputs_with_special_tokens`` puts a special token, else 0.

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.get_special_tokens_mask([5], [6])
        [1, 0, 1, 0, 1]
        """
        return self._with_special_tokens(
            [0] * len(token_ids_0), None if token_ids_1 is None else [0] * len(token_ids_1), 1, 1
        )

    @staticmethod
    def _with_special_tokens(
        first: list[_T], second: list[_T] | None, cls: _T, sep: _T
    ) -> list[_T]:
        if second is None:
            return [cls, *first, sep]
        return [cls, *first, sep, *second, sep]

    def _cls_sep_ids(self) -> tuple[int, int]:
        cls_id, sep_id = self.cls_token_id, self.sep_token_id
        if cls_id is None or sep_id is None:
            missing = self.cls_token if cls_id is None else self.sep_token
            raise ValueError(f"cannot add special tokens: {missing!r} is not in the vocab")
        return cls_id, sep_id

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

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> tokenizer.encode("Hello worlds!")
        [2, 5, 6, 8, 7, 3]
        """
        if not isinstance(text, str):
            raise ValueError(INVALID_TEXT_MESSAGE)
        encoding = self(
            text,
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

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
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
            _check_stride(stride, max_length)
        pairs, batched = _as_batch(text, text_pair)
        firsts = [first for first, _ in pairs]
        seconds = [second for _, second in pairs if second is not None]
        sequences = iter(self._encode_texts(firsts + seconds, return_offsets_mapping))
        encoded_first = [next(sequences) for _ in firsts]
        rows_per_sample = []
        for (_, second), first in zip(pairs, encoded_first, strict=True):
            encoded_second = next(sequences) if second is not None else None
            rows_per_sample.append(
                self._rows(
                    first, encoded_second, add_special_tokens, truncation, max_length, stride
                )
            )
        if not return_overflowing_tokens:
            rows_per_sample = [rows[:1] for rows in rows_per_sample]
        rows = [row for sample_rows in rows_per_sample for row in sample_rows]
        fields = self._fields(
            rows,
            padding,
            max_length,
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
        if padding is True:
            padding = "longest"
        elif padding is False or padding is None:
            padding = "do_not_pad"
        elif padding not in PADDING_STRATEGIES:
            raise ValueError(
                f"{padding} is not a valid PaddingStrategy, please select one of "
                f"{list(PADDING_STRATEGIES)}"
            )
        if truncation is True:
            truncation = "longest_first"
        elif truncation is False or truncation is None:
            truncation = "do_not_truncate"
        elif truncation not in TRUNCATION_STRATEGIES:
            raise ValueError(
                f"{truncation} is not a valid TruncationStrategy, please select one of "
                f"{list(TRUNCATION_STRATEGIES)}"
            )
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
        first: _Sequence,
        second: _Sequence | None,
        add_special_tokens: bool,
        truncation: str,
        max_length: int | None,
        stride: int,
    ) -> list[_Row]:
        """The model inputs of one sample: the main one, then the overflowing ones."""
        n_special = self.num_special_tokens_to_add(second is not None) if add_special_tokens else 0
        if truncation == "do_not_truncate":
            windows = [((0, len(first.ids)), (0, len(second.ids)) if second else None)]
        else:
            assert max_length is not None  # _strategies gives one whenever it truncates
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
            )
        return [
            self._row(first, range_first, second, range_second, add_special_tokens)
            for range_first, range_second in windows
        ]

    def _row(
        self,
        first: _Sequence,
        range_first: tuple[int, int],
        second: _Sequence | None,
        range_second: tuple[int, int] | None,
        add_special_tokens: bool,
    ) -> _Row:
        """``[CLS] A [SEP] (B [SEP])`` over the given windows of A and B."""
        start, stop = range_first
        ids = first.ids[start:stop]
        offsets = first.offsets[start:stop] if first.offsets is not None else None
        parts = [(ids, offsets)]
        if second is not None:
            assert range_second is not None  # a window of B whenever there is a B
            start, stop = range_second
            parts.append(
                (
                    second.ids[start:stop],
                    second.offsets[start:stop] if second.offsets is not None else None,
                )
            )
        return self._assemble(parts, add_special_tokens)

    def _assemble(
        self, parts: list[tuple[list[int], list[Offsets] | None]], add_special_tokens: bool
    ) -> _Row:
        """Join one or two content parts, with special tokens when asked."""
        ids: list[int] = []
        type_ids: list[int] = []
        special: list[int] = []
        with_offsets = parts[0][1] is not None
        offsets: list[Offsets] | None = [] if with_offsets else None
        cls_id, sep_id = self._cls_sep_ids() if add_special_tokens else (None, None)
        for type_id, (part_ids, part_offsets) in enumerate(parts):
            if add_special_tokens and type_id == 0:
                assert cls_id is not None  # set whenever special tokens are added
                ids.append(cls_id)
                type_ids.append(0)
                special.append(1)
                if offsets is not None:
                    offsets.append((0, 0))
            ids += part_ids
            type_ids += [type_id] * len(part_ids)
            special += [0] * len(part_ids)
            if offsets is not None:
                assert part_offsets is not None  # every part has offsets or none does
                offsets += part_offsets
            if add_special_tokens:
                assert sep_id is not None  # set whenever special tokens are added
                ids.append(sep_id)
                type_ids.append(type_id)
                special.append(1)
                if offsets is not None:
                    offsets.append((0, 0))
        return _Row(ids, type_ids, special, offsets)

    def _fields(
        self,
        rows: list[_Row],
        padding: str,
        max_length: int | None,
        *,
        with_type_ids: bool,
        with_attention: bool,
        with_special: bool,
        with_offsets: bool,
        with_length: bool,
    ) -> dict[str, list[Any]]:
        """Pad the rows and lay them out as transformers' fields, in its key order."""
        target = 0
        if padding == "longest":
            target = max((len(row.ids) for row in rows), default=0)
        elif padding == "max_length":
            assert max_length is not None  # _strategies gives one whenever it pads to it
            target = max_length
        fields: dict[str, list[Any]] = {"input_ids": []}
        if with_type_ids:
            fields["token_type_ids"] = []
        if with_attention:
            fields["attention_mask"] = []
        if with_special:
            fields["special_tokens_mask"] = []
        if with_offsets:
            fields["offset_mapping"] = []
        if with_length:
            fields["length"] = []
        pad_id = self.pad_token_id
        for row in rows:
            pad = max(target - len(row.ids), 0)
            fields["input_ids"].append(row.ids + [pad_id] * pad)
            if with_type_ids:
                fields["token_type_ids"].append(row.type_ids + [self.pad_token_type_id] * pad)
            if with_attention:
                fields["attention_mask"].append([1] * len(row.ids) + [0] * pad)
            if with_special:
                fields["special_tokens_mask"].append(row.special + [1] * pad)
            if with_offsets:
                assert row.offsets is not None  # rows carry offsets when they are asked for
                fields["offset_mapping"].append(row.offsets + [(0, 0)] * pad)
            if with_length:
                fields["length"].append(len(row.ids) + pad)
        return fields

    # ------------------------------------------------------------------ text -> ids

    def _encode_texts(self, texts: list[str], with_offsets: bool) -> list[_Sequence]:
        """WordPiece ids (and original offsets) of each text, one Rust call for the batch."""
        if with_offsets or self.never_split:
            return self._encode_aligned(texts, with_offsets)
        return [
            _Sequence(ids, None) for ids in self._encoder.encode_batch(self._words_batch(texts))
        ]

    def _words_batch(self, texts: list[str]) -> list[list[str]]:
        """The basic tokens of each text, special tokens kept whole."""
        if self._special_pattern is None:
            return self.basic_tokenizer.tokenize_batch(texts)
        has_special = [self._special_pattern.search(text) is not None for text in texts]
        plain = iter(
            self.basic_tokenizer.tokenize_batch(
                [t for t, s in zip(texts, has_special, strict=True) if not s]
            )
        )
        return [
            self._words_with_specials(text) if special else next(plain)
            for text, special in zip(texts, has_special, strict=True)
        ]

    def _segments(self, text: str) -> list[tuple[str, int, bool]]:
        """``text`` cut around special tokens: ``(piece, start, is_special)``."""
        if self._special_pattern is None:
            return [(text, 0, False)]
        segments, position = [], 0
        for match in self._special_pattern.finditer(text):
            if match.start() > position:
                segments.append((text[position : match.start()], position, False))
            segments.append((match.group(), match.start(), True))
            position = match.end()
        if position < len(text):
            segments.append((text[position:], position, False))
        return segments

    def _words_with_specials(self, text: str) -> list[str]:
        words: list[str] = []
        for piece, _, special in self._segments(text):
            words += [piece] if special else self.basic_tokenizer.tokenize(piece)
        return words

    def _aligned_words(self, text: str) -> list[AlignedToken]:
        words: list[AlignedToken] = []
        for piece, start, special in self._segments(text):
            if special:
                words.append(AlignedToken(piece, start, start + len(piece)))
            else:
                words += self.basic_tokenizer.aligned_tokens(piece, start)
        return words

    def _encode_aligned(self, texts: list[str], with_offsets: bool) -> list[_Sequence]:
        """The word-aware path: offsets, and ``never_split`` words kept whole."""
        aligned = [self._aligned_words(text) for text in texts]
        results = self._encoder.encode_batch_with_offsets(
            [[word.text for word in words] for words in aligned]
        )
        sequences = []
        for words, (ids, word_indices, spans) in zip(aligned, results, strict=True):
            if self.never_split:
                ids, word_indices, spans = self._keep_never_split(words, ids, word_indices, spans)
            offsets = None
            if with_offsets:
                offsets = [
                    words[w].span_of(s, e) for w, (s, e) in zip(word_indices, spans, strict=True)
                ]
            sequences.append(_Sequence(ids, offsets))
        return sequences

    def _keep_never_split(
        self,
        words: list[AlignedToken],
        ids: list[int],
        word_indices: list[int],
        spans: list[Offsets],
    ) -> tuple[list[int], list[int], list[Offsets]]:
        """A ``never_split`` word is one token, as in ``BertTokenizerLegacy``."""
        new_ids, new_words, new_spans = [], [], []
        previous = None
        for piece_id, w, span in zip(ids, word_indices, spans, strict=True):
            word = words[w].text
            if word not in self.never_split:
                new_ids.append(piece_id)
                new_words.append(w)
                new_spans.append(span)
            elif w != previous:
                new_ids.append(self._token_ids.get(word, self.unk_token_id))
                new_words.append(w)
                new_spans.append((0, len(word)))
            previous = w
        return new_ids, new_words, new_spans

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

        >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()
        >>> tokenizer = BertTokenizer(tokens)
        >>> chunks = tokenizer.chunk("hello world hello world hello", max_length=4, stride=1)
        >>> [chunk["input_ids"] for chunk in chunks]
        [[2, 5, 6, 3], [2, 6, 5, 3], [2, 5, 6, 3], [2, 6, 5, 3]]
        >>> chunks[1]["offset_mapping"]
        [(0, 0), (6, 11), (12, 17), (0, 0)]
        """
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy={strategy!r} is not one of {list(STRATEGIES)}")
        if padding not in (False, None, "do_not_pad", "max_length"):
            raise ValueError(
                f"padding={padding!r}: chunk pads only to 'max_length' (or not at all)"
            )
        texts = [_check_text(text)] + ([_check_text(text_pair)] if text_pair is not None else [])
        encoded = self._encode_texts(texts, with_offsets=True)
        question, context = (
            (encoded[0], encoded[1]) if text_pair is not None else (None, encoded[0])
        )
        n_question = len(question.ids) if question is not None else None
        plan = plan_chunks(
            len(context.ids),
            strategy,
            max_length=max_length,
            question_length=n_question,
            stride=stride,
            head=head,
            doc_stride=doc_stride,
        )
        return [
            self._chunk_encoding(
                plan, ranges, question, context, padding, max_length, return_special_tokens_mask
            )
            for ranges in plan.chunks
        ]

    def _chunk_encoding(
        self,
        plan: ChunkPlan,
        ranges: list[tuple[int, int]],
        question: _Sequence | None,
        context: _Sequence,
        padding: Any,
        max_length: int,
        with_special: bool,
    ) -> BatchEncoding:
        assert context.offsets is not None  # chunk encodes with offsets
        ids = [i for start, stop in ranges for i in context.ids[start:stop]]
        offsets = [o for start, stop in ranges for o in context.offsets[start:stop]]
        parts: list[tuple[list[int], list[Offsets] | None]] = [(ids, offsets)]
        if question is not None:
            parts.insert(0, (question.ids, question.offsets))
        row = self._assemble(parts, add_special_tokens=True)
        fields = self._fields(
            [row],
            "max_length" if padding == "max_length" else "do_not_pad",
            max_length,
            with_type_ids=True,
            with_attention=True,
            with_special=with_special,
            with_offsets=True,
            with_length=False,
        )
        return BatchEncoding({key: value[0] for key, value in fields.items()})


# ---------------------------------------------------------------------- truncation


@overload
def truncation_windows(
    first: int, second: None, max_len: int, strategy: str, stride: int
) -> list[tuple[Offsets, None]]: ...
@overload
def truncation_windows(
    first: int, second: int, max_len: int, strategy: str, stride: int
) -> list[tuple[Offsets, Offsets]]: ...
@overload
def truncation_windows(
    first: int, second: int | None, max_len: int, strategy: str, stride: int
) -> list[tuple[Offsets, Offsets | None]]: ...
def truncation_windows(
    first: int, second: int | None, max_len: int, strategy: str, stride: int
) -> Sequence[tuple[Offsets, Offsets | None]]:
    """The ``(first, second)`` windows of each model input, in ``tokenizers``' order.

    Budgets follow ``tokenizers``' ``truncate_encodings``: ``longest_first`` on a pair cuts
    the longer sequence down to the shorter, then splits the budget with the odd token
    going to the second sequence (or the longer one when the first is longer). Overflow
    combines the windows as ``Encoding.merge_with``: first the main pair, then every later
    window of the first sequence with each window of the second, then the first window of
    the first with every later window of the second.

    >>> truncation_windows(6, None, 4, "longest_first", 0)
    [((0, 4), None), ((4, 6), None)]
    """
    if second is None:
        windows_first = _single_windows(first, max_len, strategy, stride)
        return [(window, None) for window in windows_first]
    budget_first, budget_second = _pair_budgets(first, second, max_len, strategy)
    windows_first = overflow_windows(first, budget_first, stride)
    windows_second = overflow_windows(second, budget_second, stride)
    combined: list[tuple[Offsets, Offsets | None]] = [(windows_first[0], windows_second[0])]
    for window in windows_first[1:]:
        combined += [(window, other) for other in windows_second]
    combined += [(windows_first[0], other) for other in windows_second[1:]]
    return combined


def _check_stride(stride: int, max_length: int) -> None:
    """``tokenizers``' check when truncation is set: the stride fits a single window.

    (It always counts the 2 special tokens of a single text, as ``tokenizers`` does.)
    """
    effective = max_length - 2
    if effective >= 0 and stride > effective:
        raise ValueError(
            f"stride={stride} is larger than the effective max length {effective} "
            f"(max_length={max_length} minus 2 special tokens)"
        )


def _single_windows(length: int, max_len: int, strategy: str, stride: int) -> list[tuple[int, int]]:
    if max_len == 0:
        return overflow_windows(length, 0, stride)
    if length <= max_len:
        return [(0, length)]
    if strategy == "only_second":
        raise ValueError("Truncation error: Second sequence not provided")
    return overflow_windows(length, max_len, stride)


def _pair_budgets(first: int, second: int, max_len: int, strategy: str) -> tuple[int, int]:
    """How many tokens of each sequence ``tokenizers`` keeps."""
    if max_len == 0:
        return 0, 0
    if first + second <= max_len:
        return first, second
    to_remove = first + second - max_len
    if strategy == "longest_first":
        short, long = sorted((first, second))
        long = short if short > max_len else max(short, max_len - short)
        if short + long > max_len:
            short = max_len // 2
            long = short + max_len % 2
        return (long, short) if first > second else (short, long)
    target = first if strategy == "only_first" else second
    if target <= to_remove:
        raise ValueError(
            f"Truncation error: Sequence to truncate too short to respect the provided max_length "
            f"({strategy} must remove {to_remove} tokens from a sequence of {target})"
        )
    if strategy == "only_first":
        return first - to_remove, second
    return first, second - to_remove


# ---------------------------------------------------------------------- helpers


def _decoded_pieces(tokens: list[str]) -> list[str]:
    """``tokenizers``' WordPiece decoder: glue ``##`` pieces, space words, clean each."""
    pieces = []
    for index, token in enumerate(tokens):
        if index:
            token = token[2:] if token.startswith("##") else " " + token
        for dirty, clean in _DECODER_CLEANUP:
            token = token.replace(dirty, clean)
        pieces.append(token)
    return pieces


def _is_int(value: object) -> TypeIs[int]:
    """An id rather than ids: an int, or an int-like scalar (NumPy, PyTorch)."""
    return isinstance(value, int) or (hasattr(value, "__index__") and not hasattr(value, "__len__"))


def _as_id_list(ids: Any) -> list[int]:
    if hasattr(ids, "tolist"):  # numpy arrays, torch tensors
        ids = ids.tolist()
    return [int(i) for i in ids]


def _check_text(text: Any) -> str:
    if not isinstance(text, str):
        raise ValueError(INVALID_TEXT_MESSAGE)
    return text


def _as_batch(text: Any, text_pair: Any) -> tuple[list[tuple[str, str | None]], bool]:
    """``(pairs, batched)`` from ``__call__``'s arguments, checked as transformers does."""
    if text is None:
        raise ValueError("You need to specify either `text` or `text_target`.")
    if isinstance(text, str):
        if text_pair is not None and not isinstance(text_pair, str):
            raise ValueError(INVALID_TEXT_MESSAGE)
        # transformers: an empty text_pair ("") is no pair at all.
        return [(text, text_pair if text_pair else None)], False
    if not isinstance(text, (list, tuple)):
        raise ValueError(INVALID_TEXT_MESSAGE)
    if isinstance(text_pair, str):
        raise TypeError(
            "when tokenizing batches of text, `text_pair` must be a list or tuple with the same "
            "length as `text`."
        )
    if text_pair is not None:
        if not isinstance(text_pair, (list, tuple)):
            raise ValueError(INVALID_TEXT_MESSAGE)
        if len(text) != len(text_pair):
            raise ValueError(
                f"batch length of `text`: {len(text)} does not match batch length of "
                f"`text_pair`: {len(text_pair)}."
            )
        pairs = list(zip(text, text_pair, strict=True))
    else:
        pairs = [_as_pair(item) for item in text]
    for first, second in pairs:
        if not isinstance(first, str) or (second is not None and not isinstance(second, str)):
            raise ValueError(INVALID_TEXT_MESSAGE)
    return pairs, True


def _as_pair(item: Any) -> tuple[Any, Any]:
    """A batch item: a text, or a ``(text, text_pair)`` tuple/list."""
    if isinstance(item, (tuple, list)):
        if len(item) != 2:
            raise TypeError(
                "a batch item that is a list/tuple must be a (text, text_pair) pair, got "
                f"{len(item)} elements (pre-tokenized input is not supported)"
            )
        return item[0], item[1]
    return item, None


def _read_options(directory: Path) -> dict[str, Any]:
    """Constructor options from transformers' config files and ``subword.json``."""
    known = {
        "do_lower_case",
        "never_split",
        "unk_token",
        "sep_token",
        "pad_token",
        "cls_token",
        "mask_token",
        "tokenize_chinese_chars",
        "strip_accents",
        "model_max_length",
        "max_input_chars_per_word",
    }
    options: dict[str, Any] = {}
    for name in (SUBWORD_CONFIG_NAME, SPECIAL_TOKENS_MAP_NAME, TOKENIZER_CONFIG_NAME):
        config = read_json_object(directory / name)
        if config is None:
            continue
        if "lowercase" in config and "do_lower_case" not in config:
            config["do_lower_case"] = config["lowercase"]
        for key, value in config.items():
            if key in known and value is not None:
                # transformers stores special tokens as AddedToken dicts
                options[key] = (
                    value["content"] if isinstance(value, dict) and "content" in value else value
                )
    return options


def _checked_vocab_file(path: PathLike) -> str:
    """``path`` as a string, once it is known to be a file (clear errors otherwise)."""
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"{path}: is a directory, not a vocab file "
            "(BertTokenizer.from_pretrained loads a model directory)"
        )
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such vocab file")
    return str(path)


def _tokens_in_id_order(vocab: Sequence[str] | Mapping[str, int]) -> list[str]:
    """The tokens of an in-memory vocabulary, by id; a mapping's ids must be ``0..n-1``."""
    if not isinstance(vocab, Mapping):
        return list(vocab)
    tokens = sorted(vocab, key=vocab.__getitem__)
    if [vocab[token] for token in tokens] != list(range(len(tokens))):
        raise ValueError("the vocab's ids must be 0, 1, ..., len(vocab) - 1, each once")
    return tokens


def _unpickle_tokenizer(
    encoder: WordPieceEncoder, vocab_file: str | None, options: dict[str, Any]
) -> BertTokenizer:
    """Rebuilds a pickled :class:`BertTokenizer` without reading any file."""
    tokenizer = BertTokenizer.__new__(BertTokenizer)
    tokenizer.vocab_file = vocab_file
    tokenizer._encoder = encoder
    tokenizer._init_options(**options)
    return tokenizer
