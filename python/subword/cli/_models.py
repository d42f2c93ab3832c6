"""Loading what the commands work with: a model directory, as the right class.

A BERT-style WordPiece directory (BERT pre-tokenization) loads as
:class:`subword.BertTokenizer`, a WordPiece directory with another pre-tokenizer as
:class:`subword.WordPiece`, a BPE directory as :class:`subword.BPE`. A directory without
``subword.json`` (a BERT download, a Hugging Face BPE folder) is recognized by its files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeAlias

import subword
from subword.config import CONFIG_NAME, read_json_object

Model: TypeAlias = subword.BertTokenizer | subword.WordPiece | subword.BPE


def load_model(directory: Path) -> Model:
    """A :class:`subword.BertTokenizer`, :class:`subword.WordPiece` or :class:`subword.BPE`.

    A BERT-style WordPiece directory loads as a ``BertTokenizer``, other models as
    themselves.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = subword.BPE(["<unk>", "h", "i</w>"], []).save(tmp)
    ...     load_model(Path(tmp))
    BPE(vocab_size=3, merges=0, pre_tokenizer='whitespace')
    """
    if not directory.exists():
        raise FileNotFoundError(f"{directory}: no such model directory")
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory}: not a model directory")
    config = read_json_object(directory / CONFIG_NAME) or {}
    kind = config.get("model") or _guess(directory)
    if kind == "bpe":
        return subword.BPE.load(directory)
    if kind != "wordpiece":
        raise ValueError(f"{directory / CONFIG_NAME}: unknown model {kind!r}")
    if config.get("pre_tokenizer", "bert") == "bert":
        return subword.BertTokenizer.from_pretrained(directory)
    return subword.WordPiece.load(directory)


def _guess(directory: Path) -> str:
    """The model kind of a directory without ``subword.json`` (e.g. a BERT download)."""
    if (directory / "vocab.txt").is_file():
        return "wordpiece"
    if (directory / "vocab.json").is_file() and (directory / "merges.txt").is_file():
        return "bpe"
    if (directory / "tokenizer.json").is_file():  # transformers 5's save: WordPiece only
        return "wordpiece"
    raise FileNotFoundError(
        f"{directory}: not a model directory "
        "(no vocab.txt, nor vocab.json + merges.txt, nor tokenizer.json)"
    )
