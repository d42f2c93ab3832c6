"""The files of a BERT tokenizer folder: read as constructor options, written back.

A folder holds ``vocab.txt`` (one token a line, id = line index) and, when present,
transformers' ``tokenizer_config.json`` and ``special_tokens_map.json`` and our
``subword.json`` (read through :func:`subword.config.read_json_object`). Later
files win: ``subword.json``, then ``special_tokens_map.json``, then
``tokenizer_config.json``. :class:`~subword.bert.BertTokenizer`'s ``from_pretrained``,
``save_pretrained`` and ``save_vocabulary`` are thin wrappers over this module.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from subword._atomic import saving_model, write_text_atomic
from subword.config import CONFIG_NAME as SUBWORD_CONFIG_NAME
from subword.config import read_json_object

PathLike = Union[str, "os.PathLike[str]"]

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
    }
)


def folder_vocab(directory: PathLike) -> Path:
    """The ``vocab.txt`` of a model folder, with clear errors (never the network)."""
    path = Path(directory)
    if not path.is_dir():
        raise OSError(
            f"{directory}: no such directory (subword loads local files only and never downloads)"
        )
    vocab = path / VOCAB_NAME
    if not vocab.is_file():
        raise FileNotFoundError(f"{directory}: no {VOCAB_NAME} in this directory")
    return vocab


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
                    value["content"] if isinstance(value, dict) and "content" in value else value
                )
    return options


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


def save_folder(
    directory: PathLike, tokens: Sequence[str], options: Mapping[str, Any]
) -> tuple[str, str]:
    """Write ``vocab.txt`` and ``tokenizer_config.json`` into ``directory``; their paths.

    The folder is created when missing; both files appear as one set, whether saves run
    at once or one is cut off by a crash (:func:`subword._atomic.saving_model`), and
    other files in it (model weights) are left alone.
    """
    with saving_model(directory) as staging:
        write_vocab(staging, tokens, None)
        write_tokenizer_config(staging, options)
    return os.path.join(directory, VOCAB_NAME), os.path.join(directory, TOKENIZER_CONFIG_NAME)


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
