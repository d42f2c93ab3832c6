"""Word counting for the trainers: from files, from an iterator of texts, or given counts.

The ``"whitespace"`` pre-tokenizer (Python's ``str.split()``, subword-nmt compatible) runs
entirely in Rust: files are read, split and counted there in parallel. The ``"bert"``
pre-tokenizer runs BERT's BasicTokenizer in Python on batches of lines and hands the
joined basic tokens to the Rust counter.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from subword import _core
from subword._progress import ProgressCallback

PathLike = str | os.PathLike
PRE_TOKENIZERS = ("whitespace", "bert")

#: Texts handed to the Rust counter at once: large enough to amortize the call and use
#: every core, small enough to keep memory flat.
BATCH_SIZE = 8192


def check_pre_tokenizer(pre_tokenizer: str) -> None:
    """Raises ``ValueError`` for an unknown pre-tokenizer name."""
    if pre_tokenizer not in PRE_TOKENIZERS:
        raise ValueError(f"pre_tokenizer must be one of {PRE_TOKENIZERS}, got {pre_tokenizer!r}")


def as_paths(files: PathLike | Iterable[PathLike]) -> list[Path]:
    """One path or many, as a list of paths (a lone string is one file, not characters)."""
    if isinstance(files, (str, os.PathLike)):
        return [Path(files)]
    paths = [Path(f) for f in files]
    if not paths:
        raise ValueError("no input files were given")
    return paths


def bert_pre_tokenizer(lowercase: bool, strip_accents: bool | None):
    """A function mapping a batch of texts to their BERT basic tokens joined by spaces."""
    from subword.normalization import BasicTokenizer

    basic = BasicTokenizer(do_lower_case=lowercase, strip_accents=strip_accents)
    return lambda texts: [" ".join(tokens) for tokens in basic.tokenize_batch(texts)]


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(texts)
    while batch := list(itertools.islice(iterator, size)):
        for text in batch:
            if not isinstance(text, str):
                raise TypeError(f"texts must be str, got {type(text).__name__}: {text!r:.80}")
        yield batch


def _file_lines(path: Path, errors: str) -> Iterator[str]:
    """The lines of ``path``; invalid UTF-8 is reported with byte offset and line."""
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a directory, not a file")
    offset = 0
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                yield raw.decode("utf-8", errors=errors)
            except UnicodeDecodeError as err:
                raise ValueError(
                    f"{path}: invalid UTF-8 at byte offset {offset + err.start} (line {number}); "
                    'pass errors="replace" to substitute U+FFFD'
                ) from None
            offset += len(raw)


def count_words(
    files: PathLike | Iterable[PathLike] | None = None,
    *,
    texts: Iterable[str] | None = None,
    pre_tokenizer: str = "whitespace",
    lowercase: bool = True,
    strip_accents: bool | None = None,
    errors: str = "strict",
    threads: int | None = None,
    progress: ProgressCallback | None = None,
) -> _core.WordCounts:
    """Counts the words of ``files`` or of ``texts`` (exactly one of them).

    ``lowercase`` and ``strip_accents`` apply to the ``"bert"`` pre-tokenizer only; the
    ``"whitespace"`` one keeps text as it is, as subword-nmt does.

    Example:
        >>> counts = count_words(texts=["low lower", "low"])
        >>> sorted(counts.to_dict().items())
        [('low', 2), ('lower', 1)]

    """
    check_pre_tokenizer(pre_tokenizer)
    if (files is None) == (texts is None):
        raise ValueError("give exactly one of files and texts")
    if errors not in ("strict", "replace"):
        raise ValueError(f'errors must be "strict" or "replace", got {errors!r}')
    if files is not None and pre_tokenizer == "whitespace":
        return _core.count_files([str(p) for p in as_paths(files)], errors, threads, progress)

    if files is not None:
        paths = as_paths(files)
        for path in paths:  # fail on a missing file before reading the others
            if not path.exists():
                raise FileNotFoundError(f"{path}: No such file or directory")
        texts = itertools.chain.from_iterable(_file_lines(path, errors) for path in paths)
    assert texts is not None
    normalize = bert_pre_tokenizer(lowercase, strip_accents) if pre_tokenizer == "bert" else None
    counter = _core.WordCounter(threads)
    for batch in _batches(texts, BATCH_SIZE):
        counter.add_texts(normalize(batch) if normalize else batch)
    return counter.counts()


def as_word_counts(counts: Mapping[str, int] | _core.WordCounts) -> _core.WordCounts:
    """Given counts as the core's table (a mapping is copied into one)."""
    if isinstance(counts, _core.WordCounts):
        return counts
    if not isinstance(counts, Mapping):
        raise TypeError(f"counts must be a mapping of word -> count, got {type(counts).__name__}")
    return _core.WordCounts.from_dict(dict(counts))


def check_not_empty(counts: _core.WordCounts) -> None:
    """Raises ``ValueError`` when there is nothing to train on."""
    if len(counts) == 0:
        raise ValueError("the corpus is empty: there are no words to train on")
