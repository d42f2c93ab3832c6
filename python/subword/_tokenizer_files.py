"""The files of a BERT tokenizer folder: read as constructor options, written back.

A folder holds ``vocab.txt`` (one token a line, id = line index) and/or Hugging Face's
``tokenizer.json`` (:mod:`subword.tokenizer_json`), and, when present, transformers'
``tokenizer_config.json`` and ``special_tokens_map.json`` and our ``subword.json`` (read
through :func:`subword.config.read_json_object`). ``save_pretrained`` writes all four
of transformers' files.

Loading: the vocabulary is ``vocab.txt``'s when the folder has one (as before
``tokenizer.json`` was read, and as transformers' Python tokenizer reads it), else
``tokenizer.json``'s; when both are there they must agree. Options come from
``tokenizer.json`` first, then the config files override them (``subword.json``, then
``special_tokens_map.json``, then ``tokenizer_config.json``), as transformers 5's
``BertTokenizer`` builds its pipeline from ``tokenizer_config.json`` and takes only the
vocabulary and template from ``tokenizer.json``.
:class:`~subword.bert.BertTokenizer`'s ``from_pretrained``, ``save_pretrained`` and
``save_vocabulary`` are thin wrappers over this module.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar, Union

from subword import tokenizer_json
from subword._atomic import loading_model, saving_model, write_text_atomic
from subword.config import CONFIG_NAME as SUBWORD_CONFIG_NAME
from subword.config import read_json_object
from subword.tokenizer_json import TOKENIZER_JSON_NAME

PathLike = Union[str, "os.PathLike[str]"]


class _Tokenizer(Protocol):
    """What :func:`load_folder` checks on the tokenizer it made."""

    @property
    def vocab_size(self) -> int: ...
    def get_vocab(self) -> dict[str, int]: ...


T = TypeVar("T", bound=_Tokenizer)

VOCAB_NAME = "vocab.txt"
TOKENIZER_CONFIG_NAME = "tokenizer_config.json"
SPECIAL_TOKENS_MAP_NAME = "special_tokens_map.json"

# The BertTokenizer options these files may set; other keys are ignored.
OPTION_NAMES = frozenset(
    {
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
        "padding_side",
        "truncation_side",
        "bos_token",
        "eos_token",
        "split_special_tokens",
        "added_tokens_decoder",
        "extra_special_tokens",
        "additional_special_tokens",
    }
)


#: The special-token options, in the order ``special_tokens_map.json`` lists them.
SPECIAL_TOKEN_NAMES = ("cls_token", "mask_token", "pad_token", "sep_token", "unk_token")


def checked_folder(directory: PathLike) -> Path:
    """``directory`` as a path, once it is known to be a directory (never the network)."""
    path = Path(directory)
    if not path.is_dir():
        raise OSError(
            f"{directory}: no such directory (subword loads local files only and never downloads)"
        )
    return path


def load_folder(make: Callable[..., T], directory: PathLike, overrides: Mapping[str, Any]) -> T:
    """``make(vocab, **options)`` from a folder's files (see the module), ``overrides`` last.

    ``vocab`` is the ``vocab.txt`` path or ``tokenizer.json``'s tokens; the folder is
    locked shared while it is read, so a concurrent save is never half seen.
    """
    path = checked_folder(directory)
    vocab, json_path = path / VOCAB_NAME, path / TOKENIZER_JSON_NAME
    with loading_model(path):  # not half of a concurrent or cut-off save
        if vocab.is_file():
            made = make(vocab, **{**read_options(path), **overrides})
            ids = made.get_vocab()  # added tokens come after the vocabulary's ids
            tokens = sorted(ids, key=ids.__getitem__)[: made.vocab_size]
            tokenizer_json.check_same_vocab(json_path, tokens, vocab)
            return made
        found = tokenizer_json.read_wordpiece_json(json_path)
        if found is None:
            raise FileNotFoundError(
                f"{directory}: no {VOCAB_NAME} or {TOKENIZER_JSON_NAME} in this directory"
            )
        options = {**found.bert_options(), **read_options(path), **overrides}
        return make(found.tokens, **options)


def read_options(directory: Path) -> dict[str, Any]:
    """Constructor options from transformers' config files and ``subword.json``."""
    options: dict[str, Any] = {}
    for name in (SUBWORD_CONFIG_NAME, SPECIAL_TOKENS_MAP_NAME, TOKENIZER_CONFIG_NAME):
        config = read_json_object(directory / name)
        if config is None:
            continue
        if "lowercase" in config and "do_lower_case" not in config:
            config["do_lower_case"] = config["lowercase"]
        for key, value in config.items():
            if key in OPTION_NAMES and value is not None:
                # transformers stores special tokens as AddedToken dicts
                options[key] = (
                    [_content(item) for item in value]
                    if isinstance(value, list)
                    else _content(value)
                )
    if "additional_special_tokens" in options:  # transformers 4's name
        options.setdefault("extra_special_tokens", options.pop("additional_special_tokens"))
    return options


def _content(value: Any) -> Any:
    """A special token written as transformers' ``AddedToken`` dict, as its string."""
    return value["content"] if isinstance(value, dict) and "content" in value else value


def write_vocab(save_directory: PathLike, tokens: Sequence[str], prefix: str | None) -> str:
    """Write ``[prefix-]vocab.txt`` into a folder, or to a file path; return the path."""
    prefix = f"{prefix}-" if prefix else ""
    if os.path.isdir(save_directory):
        target = os.path.join(save_directory, prefix + VOCAB_NAME)
    else:
        target = prefix + str(save_directory)
    write_text_atomic(target, "".join(token + "\n" for token in tokens))
    return target


def write_tokenizer_config(save_directory: PathLike, options: Mapping[str, Any]) -> str:
    """Write ``tokenizer_config.json`` (transformers reads it too); return its path."""
    config = {"tokenizer_class": "BertTokenizer", **options}
    path = os.path.join(save_directory, TOKENIZER_CONFIG_NAME)
    write_text_atomic(path, json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    return path


def write_special_tokens_map(save_directory: PathLike, options: Mapping[str, Any]) -> str:
    """Write ``special_tokens_map.json`` (transformers 4's file); return its path."""
    tokens = {name: options[name] for name in SPECIAL_TOKEN_NAMES if options.get(name)}
    path = os.path.join(save_directory, SPECIAL_TOKENS_MAP_NAME)
    write_text_atomic(path, json.dumps(tokens, indent=2, ensure_ascii=False) + "\n")
    return path


def save_folder(
    directory: PathLike,
    tokens: Sequence[str],
    options: Mapping[str, Any],
    *,
    added_tokens: Sequence[Mapping[str, Any]] = (),
) -> tuple[str, str, str, str]:
    """Write a BERT tokenizer folder; the paths, in the order transformers returns them.

    ``tokenizer_config.json``, ``special_tokens_map.json``, ``vocab.txt`` and
    ``tokenizer.json`` (transformers 5 returns the first and the last; 4 returned all
    four in this order). ``added_tokens`` go into ``tokenizer.json`` (see
    :func:`subword.tokenizer_json.bert_tokenizer_json`). The folder is created when
    missing; the files appear as one set, whether saves run at once or one is cut off by
    a crash (:func:`subword._atomic.saving_model`), and other files in it (model weights)
    are left alone.
    """
    document = tokenizer_json.bert_tokenizer_json(
        tokens,
        unk_token=options["unk_token"],
        special_tokens=[options[name] for name in SPECIAL_TOKEN_NAMES],
        cls_token=options["cls_token"],
        sep_token=options["sep_token"],
        do_lower_case=options["do_lower_case"],
        tokenize_chinese_chars=options["tokenize_chinese_chars"],
        strip_accents=options["strip_accents"],
        max_input_chars_per_word=options.get("max_input_chars_per_word", 100),
        added_tokens=added_tokens,
    )
    with saving_model(directory) as staging:
        write_tokenizer_config(staging, options)
        write_special_tokens_map(staging, options)
        write_vocab(staging, tokens, None)
        tokenizer_json.write_tokenizer_json(staging, document)
    names = (TOKENIZER_CONFIG_NAME, SPECIAL_TOKENS_MAP_NAME, VOCAB_NAME, TOKENIZER_JSON_NAME)
    first, second, third, fourth = (os.path.join(directory, name) for name in names)
    return first, second, third, fourth


def checked_vocab_file(path: PathLike) -> str:
    """``path`` as a string, once it is known to be a file (clear errors otherwise)."""
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"{path}: is a directory, not a vocab file "
            "(BertTokenizer.from_pretrained loads a model directory)"
        )
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such vocab file")
    return str(path)


def tokens_in_id_order(vocab: Sequence[str] | Mapping[str, int]) -> list[str]:
    """The tokens of an in-memory vocabulary, by id; a mapping's ids must be ``0..n-1``."""
    if not isinstance(vocab, Mapping):
        return list(vocab)
    tokens = sorted(vocab, key=vocab.__getitem__)
    if [vocab[token] for token in tokens] != list(range(len(tokens))):
        raise ValueError("the vocab's ids must be 0, 1, ..., len(vocab) - 1, each once")
    return tokens


def vocab_argument(
    vocab_file: PathLike | Sequence[str] | Mapping[str, int] | None,
    vocab: Sequence[Any] | Mapping[str, int] | None,
    merges: Sequence[Any] | None,
) -> PathLike | Sequence[str] | Mapping[str, int]:
    """The vocabulary a constructor was given: ``vocab_file``, or transformers 5's ``vocab``.

    ``vocab`` is a token -> id mapping, tokens in id order, or ``(token, score)`` pairs
    in id order (what transformers' converters hand over); ``merges`` must be empty
    (WordPiece has none).

    >>> vocab_argument(None, [("[UNK]", 0.0), ("a", 0.0)], [])
    ['[UNK]', 'a']
    """
    if merges:
        raise ValueError("a WordPiece vocabulary has no merges; got a non-empty merges=")
    if vocab_file is not None and vocab is not None:
        raise TypeError("give vocab_file or vocab, not both")
    if vocab is None:
        if vocab_file is None:
            raise TypeError("BertTokenizer needs a vocabulary: vocab_file= (a vocab.txt) or vocab=")
        return vocab_file
    if isinstance(vocab, Mapping):
        return vocab
    return [item[0] if isinstance(item, (tuple, list)) else item for item in vocab]
