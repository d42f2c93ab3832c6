r"""Hugging Face ``tokenizer.json``: written for every model, read back for WordPiece.

``tokenizer.json`` is the file ``tokenizers.Tokenizer.from_file``, transformers'
``AutoTokenizer`` / ``PreTrainedTokenizerFast`` and the Rust and JavaScript runtimes load.
This module is its one home: the pipeline each of our models is, spelled as ``tokenizers``
components, and the reverse for the WordPiece files BERT tokenizers ship.

**BERT** (:class:`~subword.bert.BertTokenizer`, and :class:`~subword.WordPiece` with the
``"bert"`` pre-tokenizer): exactly what transformers 5's ``BertTokenizer`` writes —
``BertNormalizer`` (``clean_text``, ``handle_chinese_chars`` = ``tokenize_chinese_chars``,
``strip_accents``, ``lowercase`` = ``do_lower_case``), ``BertPreTokenizer``, the
``WordPiece`` model (``##``, the unk token, ``max_input_chars_per_word``), the
``[CLS] $A [SEP]`` / ``[CLS] $A [SEP] $B:1 [SEP]:1`` ``TemplateProcessing``
(:func:`subword.processors.template_processing`), the ``WordPiece`` decoder with
clean-up, and the special tokens that are in the vocabulary as added tokens (found whole
in the raw text, as ours are). ``never_split`` has no ``tokenizers`` form and is left
out, as transformers 5 leaves it out.

**Whitespace-split models** (:class:`~subword.BPE`, and ``WordPiece`` with the
``"whitespace"`` pre-tokenizer) split as Python's ``str.split()``. ``tokenizers``'
``WhitespaceSplit`` splits at Unicode ``White_Space``, which lacks the four separators
U+001C..U+001F that ``str.split()`` also splits at; a ``Replace`` normalizer turns those
into spaces first. BPE is the ``BPE`` model with ``end_of_word_suffix`` (``</w>``) and
the ``BPEDecoder``; ``tokenizers`` merges the lowest-ranked pair first, leftmost first,
which is subword-nmt's ``apply_bpe`` whenever a merge's result only takes part in later
merges (true of every trained model).

>>> bpe = bpe_tokenizer_json(["<unk>", "l", "o", "w</w>", "lo"], [("l", "o")], "<unk>", "</w>")
>>> bpe["pre_tokenizer"], bpe["decoder"]
({'type': 'WhitespaceSplit'}, {'type': 'BPEDecoder', 'suffix': '</w>'})

Reading (:func:`read_wordpiece_json`) accepts what these functions and transformers write:
any other model, normalizer, pre-tokenizer, prefix, post-processor or decoder is a
``ValueError`` naming the file and what it holds. ``truncation`` and ``padding`` are
ignored, as transformers resets them on every call.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from subword._atomic import write_text_atomic
from subword.config import read_json_file
from subword.processors import template_processing

__all__ = [
    "TOKENIZER_JSON_NAME",
    "WordPieceJson",
    "bert_tokenizer_json",
    "bpe_tokenizer_json",
    "check_same_vocab",
    "read_wordpiece_json",
    "whitespace_wordpiece_json",
    "write_tokenizer_json",
]

TOKENIZER_JSON_NAME = "tokenizer.json"

#: The separators ``str.split()`` splits at and Unicode ``White_Space`` lacks.
_SPLIT_ONLY_IN_PYTHON = "[\x1c-\x1f]"
_TO_SPACES: dict[str, Any] = {
    "type": "Replace",
    "pattern": {"Regex": _SPLIT_ONLY_IN_PYTHON},
    "content": " ",
}
_WHITESPACE_SPLIT: dict[str, Any] = {"type": "WhitespaceSplit"}
_BERT_WORDS: dict[str, Any] = {"type": "BertPreTokenizer"}
_BERT_NORMALIZER_KEYS = ("type", "clean_text", "handle_chinese_chars", "strip_accents", "lowercase")
_ADDED_TOKEN_FLAGS = ("single_word", "lstrip", "rstrip", "normalized", "special")


def _document(
    model: dict[str, Any],
    *,
    normalizer: dict[str, Any] | None,
    pre_tokenizer: dict[str, Any],
    decoder: dict[str, Any],
    post_processor: dict[str, Any] | None = None,
    added_tokens: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A whole ``tokenizer.json``, its keys in the order ``tokenizers`` writes them."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": sorted(added_tokens, key=lambda token: token["id"]),
        "normalizer": copy.deepcopy(normalizer),  # never the module's constants
        "pre_tokenizer": copy.deepcopy(pre_tokenizer),
        "post_processor": post_processor,
        "decoder": decoder,
        "model": model,
    }


def _bert_normalizer(
    lowercase: bool, strip_accents: bool | None, chinese_chars: bool
) -> dict[str, Any]:
    return {
        "type": "BertNormalizer",
        "clean_text": True,
        "handle_chinese_chars": chinese_chars,
        "strip_accents": strip_accents,
        "lowercase": lowercase,
    }


def _added_token(record: Mapping[str, Any]) -> dict[str, Any]:
    """An ``added_tokens`` entry; flags default as in ``tokenizers.AddedToken``."""
    special = bool(record.get("special", False))
    entry: dict[str, Any] = {"id": int(record["id"]), "content": str(record["content"])}
    defaults = {"single_word": False, "lstrip": False, "rstrip": False, "normalized": not special}
    for flag in _ADDED_TOKEN_FLAGS:
        entry[flag] = bool(record.get(flag, defaults.get(flag, special)))
    return entry


def _wordpiece_model(
    vocab: Sequence[str], unk_token: str, prefix: str, max_input_chars_per_word: int
) -> dict[str, Any]:
    return {
        "type": "WordPiece",
        "unk_token": unk_token,
        "continuing_subword_prefix": prefix,
        "max_input_chars_per_word": max_input_chars_per_word,
        "vocab": {token: index for index, token in enumerate(vocab)},
    }


def bert_tokenizer_json(
    vocab: Sequence[str],
    *,
    unk_token: str,
    special_tokens: Sequence[str],
    cls_token: str,
    sep_token: str,
    do_lower_case: bool = True,
    tokenize_chinese_chars: bool = True,
    strip_accents: bool | None = None,
    max_input_chars_per_word: int = 100,
    continuing_subword_prefix: str = "##",
    added_tokens: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The ``tokenizer.json`` of a BERT WordPiece tokenizer, as transformers 5 writes it.

    ``special_tokens`` (the unk, sep, pad, cls and mask tokens) become special added tokens
    where they are in ``vocab``; the template is left out (``null``) when ``cls_token`` or
    ``sep_token`` is not. ``added_tokens`` are more entries, each a mapping with ``id``,
    ``content`` and, optionally, ``special``, ``lstrip``, ``rstrip``, ``normalized``
    (default: not special) and ``single_word``; an entry for a special token replaces it.

    >>> doc = bert_tokenizer_json(
    ...     ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hi"], unk_token="[UNK]",
    ...     special_tokens=["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"],
    ...     cls_token="[CLS]", sep_token="[SEP]")
    >>> [token["content"] for token in doc["added_tokens"]], doc["normalizer"]["lowercase"]
    (['[PAD]', '[UNK]', '[CLS]', '[SEP]'], True)
    """
    ids = {token: index for index, token in enumerate(vocab)}
    entries = {
        token: _added_token({"id": ids[token], "content": token, "special": True})
        for token in special_tokens
        if token in ids
    }
    entries.update({str(record["content"]): _added_token(record) for record in added_tokens})
    template = None
    if cls_token in ids and sep_token in ids:
        template = template_processing(cls_token, ids[cls_token], sep_token, ids[sep_token])
    prefix = continuing_subword_prefix
    return _document(
        _wordpiece_model(vocab, unk_token, prefix, max_input_chars_per_word),
        normalizer=_bert_normalizer(do_lower_case, strip_accents, tokenize_chinese_chars),
        pre_tokenizer=_BERT_WORDS,
        post_processor=template,
        decoder={"type": "WordPiece", "prefix": prefix, "cleanup": True},
        added_tokens=list(entries.values()),
    )


def whitespace_wordpiece_json(
    vocab: Sequence[str],
    *,
    unk_token: str,
    continuing_subword_prefix: str = "##",
    max_input_chars_per_word: int = 100,
) -> dict[str, Any]:
    """The ``tokenizer.json`` of a WordPiece model over ``str.split()`` words.

    No special tokens are singled out and none are added, as
    :meth:`subword.WordPiece.encode` does; the decoder joins pieces without clean-up.

    >>> doc = whitespace_wordpiece_json(["[UNK]", "hug", "##s"], unk_token="[UNK]")
    >>> doc["normalizer"]["type"], doc["pre_tokenizer"], doc["post_processor"]
    ('Replace', {'type': 'WhitespaceSplit'}, None)
    """
    prefix = continuing_subword_prefix
    return _document(
        _wordpiece_model(vocab, unk_token, prefix, max_input_chars_per_word),
        normalizer=_TO_SPACES,
        pre_tokenizer=_WHITESPACE_SPLIT,
        decoder={"type": "WordPiece", "prefix": prefix, "cleanup": False},
    )


def bpe_tokenizer_json(
    vocab: Sequence[str],
    merges: Sequence[tuple[str, str]],
    unk_token: str | None,
    end_of_word_suffix: str,
    *,
    bert_words: tuple[bool, bool | None] | None = None,
) -> dict[str, Any]:
    """The ``tokenizer.json`` of a BPE model with an end-of-word suffix (subword-nmt style).

    Words are ``str.split()``'s, or with ``bert_words=(lowercase, strip_accents)`` BERT's
    basic tokens (``BertNormalizer`` + ``BertPreTokenizer``). A merge listed twice keeps
    its first rank, as ours does (``tokenizers`` would keep the last).

    >>> doc = bpe_tokenizer_json(["<unk>", "a", "b</w>", "ab</w>"], [("a", "b</w>")], "<unk>",
    ...                          "</w>")
    >>> doc["model"]["merges"], doc["model"]["end_of_word_suffix"]
    ([['a', 'b</w>']], '</w>')
    """
    first_ranks = list(dict.fromkeys((left, right) for left, right in merges))
    model = {
        "type": "BPE",
        "dropout": None,
        "unk_token": unk_token,
        "continuing_subword_prefix": None,
        "end_of_word_suffix": end_of_word_suffix,
        "fuse_unk": False,
        "byte_fallback": False,
        "ignore_merges": False,
        "vocab": {token: index for index, token in enumerate(vocab)},
        "merges": [[left, right] for left, right in first_ranks],
    }
    if bert_words is None:
        normalizer, pre_tokenizer = _TO_SPACES, _WHITESPACE_SPLIT
    else:
        lowercase, strip_accents = bert_words
        normalizer, pre_tokenizer = _bert_normalizer(lowercase, strip_accents, True), _BERT_WORDS
    return _document(
        model,
        normalizer=normalizer,
        pre_tokenizer=pre_tokenizer,
        decoder={"type": "BPEDecoder", "suffix": end_of_word_suffix},
    )


def write_tokenizer_json(directory: str | os.PathLike[str], document: Mapping[str, Any]) -> str:
    """Write ``directory/tokenizer.json`` atomically (as ``tokenizers`` does: indented).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     doc = whitespace_wordpiece_json(["[UNK]"], unk_token="[UNK]")
    ...     Path(write_tokenizer_json(tmp, doc)).name
    'tokenizer.json'
    """
    path = os.path.join(directory, TOKENIZER_JSON_NAME)
    write_text_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


# ---------------------------------------------------------------------- reading


@dataclass(frozen=True)
class WordPieceJson:
    """What a WordPiece ``tokenizer.json`` says, checked to be something we reproduce.

    ``pre_tokenizer`` is ``"bert"`` (``BertNormalizer`` + ``BertPreTokenizer``, with
    ``lowercase``, ``strip_accents`` and ``tokenize_chinese_chars``) or ``"whitespace"``
    (the ``Replace`` + ``WhitespaceSplit`` that :func:`whitespace_wordpiece_json`
    writes). ``cls_token`` / ``sep_token`` come from the BERT template, ``None`` when
    there is none; ``added_tokens`` are the file's entries as they are.

    >>> found = WordPieceJson(Path("tokenizer.json"), ["[UNK]", "[CLS]", "[SEP]", "hi"],
    ...                       "[UNK]", "##", 100, "bert", lowercase=True)
    >>> found.tokens[-1], found.pre_tokenizer
    ('hi', 'bert')
    """

    path: Path
    tokens: list[str]
    unk_token: str
    continuing_subword_prefix: str
    max_input_chars_per_word: int
    pre_tokenizer: str
    lowercase: bool = False
    strip_accents: bool | None = None
    tokenize_chinese_chars: bool = True
    cls_token: str | None = None
    sep_token: str | None = None
    added_tokens: list[dict[str, Any]] = field(default_factory=list)

    def bert_options(self) -> dict[str, Any]:
        """The :class:`~subword.bert.BertTokenizer` options this file sets.

        A ``ValueError`` names the file when it is not a BERT tokenizer ours can be.

        >>> found = WordPieceJson(Path("tokenizer.json"), ["[UNK]", "[CLS]", "[SEP]"], "[UNK]",
        ...                       "##", 100, "bert", cls_token="[CLS]", sep_token="[SEP]")
        >>> found.bert_options()["do_lower_case"], found.bert_options()["cls_token"]
        (False, '[CLS]')
        >>> WordPieceJson(Path("tokenizer.json"), ["[UNK]"], "[UNK]", "@@", 100, "whitespace"
        ...               ).bert_options()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ValueError: tokenizer.json: not a BERT tokenizer: ...
        """
        if self.pre_tokenizer != "bert" or self.continuing_subword_prefix != "##":
            raise ValueError(
                f"{self.path}: not a BERT tokenizer: BertTokenizer needs BertNormalizer, "
                "BertPreTokenizer and the '##' prefix "
                f"(this file has the {self.pre_tokenizer!r} words and the "
                f"{self.continuing_subword_prefix!r} prefix; subword.WordPiece.load reads it)"
            )
        options: dict[str, Any] = {
            "do_lower_case": self.lowercase,
            "strip_accents": self.strip_accents,
            "tokenize_chinese_chars": self.tokenize_chinese_chars,
            "unk_token": self.unk_token,
            "max_input_chars_per_word": self.max_input_chars_per_word,
        }
        if self.cls_token is not None and self.sep_token is not None:
            options.update(cls_token=self.cls_token, sep_token=self.sep_token)
        if self.added_tokens:  # found whole in text by BertTokenizer, as tokenizers finds them
            options["added_tokens_decoder"] = {
                str(entry["id"]): {
                    "content": entry["content"],
                    **{key: entry[key] for key in _ADDED_TOKEN_FLAGS if key in entry},
                }
                for entry in self.added_tokens
            }
        return options

    def wordpiece_options(self) -> dict[str, Any]:
        """The :class:`~subword.WordPiece` options this file sets, as ``subword.json`` keys.

        The template and added tokens are not the model's (``WordPiece.encode`` adds no
        special tokens); BERT words must split CJK ideographs, as ``WordPiece``'s do.

        >>> WordPieceJson(Path("tokenizer.json"), ["[UNK]"], "[UNK]", "@@", 100, "whitespace"
        ...               ).wordpiece_options()["continuing_subword_prefix"]
        '@@'
        """
        if self.pre_tokenizer == "bert" and not self.tokenize_chinese_chars:
            raise _unsupported(self.path, "normalizer", {"handle_chinese_chars": False})
        self.check_added_tokens(None)
        return {
            "unk_token": self.unk_token,
            "continuing_subword_prefix": self.continuing_subword_prefix,
            "max_input_chars_per_word": self.max_input_chars_per_word,
            "pre_tokenizer": self.pre_tokenizer,
            "do_lower_case": self.lowercase,
            "strip_accents": self.strip_accents,
        }

    def check_added_tokens(self, special_tokens: Sequence[str] | None) -> None:
        """A ``ValueError`` unless every added token is one of ``special_tokens``, as is.

        ``None`` allows any special token of the vocabulary (``WordPiece`` finds none in
        text, so which ones they are does not matter).

        Those are found whole in the raw text, as ``tokenizers`` finds a special added
        token; other added tokens (or other flags) are not supported yet.

        >>> entry = {"id": 0, "content": "[UNK]", "special": True}
        >>> WordPieceJson(Path("tokenizer.json"), ["[UNK]", "x"], "[UNK]", "##", 100, "bert",
        ...               added_tokens=[entry]).check_added_tokens(["[UNK]"])
        >>> WordPieceJson(Path("tokenizer.json"), ["[UNK]", "x"], "[UNK]", "##", 100, "bert",
        ...               added_tokens=[{**entry, "lstrip": True}]
        ...               ).check_added_tokens(["[UNK]"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ValueError: tokenizer.json: unsupported added token '[UNK]' (id 0): ...
        """
        vocab = {token: index for index, token in enumerate(self.tokens)}
        for entry in self.added_tokens:
            content = entry["content"]
            plain = entry.get("special") is True and not any(
                entry.get(flag) for flag in ("single_word", "lstrip", "rstrip", "normalized")
            )
            known = special_tokens is None or content in special_tokens
            if not known or vocab.get(content) != entry["id"] or not plain:
                raise ValueError(
                    f"{self.path}: unsupported added token {content!r} (id {entry['id']}): "
                    "only the special tokens (unk, sep, pad, cls, mask), at their vocabulary "
                    "ids and with special=true and the other flags false, are supported"
                )


def _unsupported(path: Path, what: str, value: object) -> ValueError:
    shown = json.dumps(value, ensure_ascii=False)
    shown = shown if len(shown) <= 120 else shown[:117] + "..."
    return ValueError(f"{path}: unsupported {what}: {shown} (subword reproduces {_SUPPORTED})")


_SUPPORTED = (
    "a WordPiece model with BertNormalizer + BertPreTokenizer or the Replace + "
    "WhitespaceSplit it writes, the BERT template (or BertProcessing, or none), "
    "and the WordPiece decoder (or none)"
)


def _tokens_in_id_order(path: Path, vocab: object) -> list[str]:
    if not isinstance(vocab, dict) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in vocab.values()
    ):
        raise ValueError(f"{path}: model.vocab must be an object of token -> integer id")
    tokens = sorted(vocab, key=vocab.__getitem__)
    if [vocab[token] for token in tokens] != list(range(len(tokens))):
        raise ValueError(f"{path}: model.vocab ids must be 0, 1, ..., len(vocab) - 1, each once")
    return tokens


def _words(path: Path, normalizer: Any, pre_tokenizer: Any) -> dict[str, Any]:
    """The word-splitting options of a normalizer + pre-tokenizer pair we reproduce."""
    if pre_tokenizer == _WHITESPACE_SPLIT and normalizer == _TO_SPACES:
        return {"pre_tokenizer": "whitespace"}
    if pre_tokenizer != _BERT_WORDS:
        raise _unsupported(path, "pre_tokenizer", pre_tokenizer)
    if not isinstance(normalizer, dict) or normalizer.get("type") != "BertNormalizer":
        raise _unsupported(path, "normalizer", normalizer)
    options = {
        "lowercase": normalizer.get("lowercase", True),
        "strip_accents": normalizer.get("strip_accents"),
        "tokenize_chinese_chars": normalizer.get("handle_chinese_chars", True),
    }
    if (
        normalizer.get("clean_text", True) is not True
        or not isinstance(options["lowercase"], bool)
        or not isinstance(options["tokenize_chinese_chars"], bool)
        or options["strip_accents"] not in (None, True, False)
        or set(normalizer) - set(_BERT_NORMALIZER_KEYS)
    ):
        raise _unsupported(path, "normalizer", normalizer)
    return {"pre_tokenizer": "bert", **options}


def _template_tokens(path: Path, processor: Any, ids: Mapping[str, int]) -> dict[str, Any]:
    """``cls_token`` and ``sep_token`` of a BERT post-processor (none for ``null``)."""
    if processor is None:
        return {}
    kind = processor.get("type") if isinstance(processor, dict) else None
    try:
        if kind == "BertProcessing":
            (cls, cls_id), (sep, sep_id) = processor["cls"], processor["sep"]
        elif kind == "TemplateProcessing":
            cls = processor["single"][0]["SpecialToken"]["id"]
            sep = processor["single"][2]["SpecialToken"]["id"]
            (cls_id,), (sep_id,) = (processor["special_tokens"][t]["ids"] for t in (cls, sep))
            if processor != template_processing(cls, cls_id, sep, sep_id):
                raise ValueError
        else:
            raise ValueError
    except (ValueError, KeyError, IndexError, TypeError):
        raise _unsupported(path, "post_processor", processor) from None
    if ids.get(cls) != cls_id or ids.get(sep) != sep_id:
        raise ValueError(
            f"{path}: the post_processor's {cls!r} and {sep!r} are not at their vocabulary ids"
        )
    return {"cls_token": cls, "sep_token": sep}


def _added_tokens(path: Path, entries: Any) -> list[dict[str, Any]]:
    if entries is None:
        return []
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict)
        and isinstance(entry.get("content"), str)
        and isinstance(entry.get("id"), int)
        for entry in entries
    ):
        raise ValueError(f"{path}: added_tokens must be a list of objects with content and id")
    return entries


def _document_of(path: Path) -> dict[str, Any] | None:
    document = read_json_file(path)
    if document is not None and not isinstance(document.get("model"), dict):
        raise ValueError(f"{path}: not a tokenizer.json: no model object")
    return document


def read_wordpiece_json(path: Path) -> WordPieceJson | None:
    r"""The WordPiece tokenizer in ``path`` (``None`` when there is no such file).

    Read through :func:`subword.config.read_json_file` (a regular file, size-capped);
    anything it holds that ours cannot reproduce is a ``ValueError`` naming the file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(write_tokenizer_json(tmp, whitespace_wordpiece_json(
    ...         ["[UNK]", "hug", "##s"], unk_token="[UNK]")))
    ...     read_wordpiece_json(path).tokens
    ['[UNK]', 'hug', '##s']
    """
    document = _document_of(path)
    if document is None:
        return None
    model = document["model"]
    if model.get("type") != "WordPiece":
        raise ValueError(
            f"{path}: the model is {model.get('type')!r}; subword reads WordPiece "
            "tokenizer.json files only (BPE loads from vocab.json + merges.txt)"
        )
    tokens = _tokens_in_id_order(path, model.get("vocab"))
    ids = {token: index for index, token in enumerate(tokens)}
    unk, prefix = model.get("unk_token"), model.get("continuing_subword_prefix")
    limit = model.get("max_input_chars_per_word", 100)
    if not isinstance(unk, str) or unk not in ids:
        raise ValueError(f"{path}: the model's unk_token {unk!r} is not in its vocab")
    if not isinstance(prefix, str) or not prefix:
        raise _unsupported(path, "continuing_subword_prefix", prefix)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise _unsupported(path, "max_input_chars_per_word", limit)
    words = _words(path, document.get("normalizer"), document.get("pre_tokenizer"))
    decoder = document.get("decoder")
    if decoder is not None and not (
        isinstance(decoder, dict)
        and decoder.get("type") == "WordPiece"
        and decoder.get("prefix", "##") == prefix
    ):
        raise _unsupported(path, "decoder", decoder)
    return WordPieceJson(
        path=path,
        tokens=tokens,
        unk_token=unk,
        continuing_subword_prefix=prefix,
        max_input_chars_per_word=limit,
        **words,
        **_template_tokens(path, document.get("post_processor"), ids),
        added_tokens=_added_tokens(path, document.get("added_tokens")),
    )


def check_same_vocab(json_path: Path, tokens: Sequence[str], vocab_path: Path) -> None:
    """A ``ValueError`` when ``json_path`` holds a WordPiece vocab other than ``tokens``.

    ``tokens`` are ``vocab_path``'s, which a folder's loader reads (``vocab.txt`` wins,
    as before ``tokenizer.json`` was read): transformers 5 would read the JSON's instead,
    so a folder whose two files disagree is refused rather than loaded either way.
    A ``tokenizer.json`` of another model type is not compared.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(write_tokenizer_json(tmp, whitespace_wordpiece_json(
    ...         ["[UNK]", "a"], unk_token="[UNK]")))
    ...     check_same_vocab(path, ["[UNK]", "a"], Path("vocab.txt"))  # agree: no error
    ...     check_same_vocab(path, ["[UNK]"], Path("vocab.txt"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: .../tokenizer.json: its vocab differs from vocab.txt's; ...
    """
    document = _document_of(json_path)
    if document is None or document["model"].get("type") != "WordPiece":
        return
    if _tokens_in_id_order(json_path, document["model"].get("vocab")) != list(tokens):
        raise ValueError(
            f"{json_path}: its vocab differs from {vocab_path}'s; a folder must hold one "
            "vocabulary (delete the stale file)"
        )
