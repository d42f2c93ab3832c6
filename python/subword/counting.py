"""Word counting for the trainers: from files, from an iterator of texts, or given counts.

Shared by the models' ``train`` methods, the ``subword train`` command and
:mod:`subword.distributed` (whose workers count exactly as :func:`count_words` does here).

The ``"whitespace"`` pre-tokenizer (Python's ``str.split()``, subword-nmt compatible) runs
entirely in Rust: files are read, split and counted there in parallel. The ``"bert"``
pre-tokenizer runs BERT's BasicTokenizer in Python: on batches of texts for iterators, and
on the distinct whitespace-separated chunks of files (counted in Rust) for files.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TypeAlias

from subword import _core
from subword._progress import ProgressCallback

__all__ = [
    "PRE_TOKENIZERS",
    "PathLike",
    "as_paths",
    "as_word_counts",
    "bert_pre_tokenizer",
    "check_not_empty",
    "check_pre_tokenizer",
    "count_words",
]

PathLike: TypeAlias = str | os.PathLike[str]
PRE_TOKENIZERS = ("whitespace", "bert")

#: Texts handed to the Rust counter at once: large enough to amortize the call and use
#: every core, small enough to keep memory flat.
BATCH_SIZE = 8192


def check_pre_tokenizer(pre_tokenizer: str) -> None:
    """Raises ``ValueError`` for an unknown pre-tokenizer name.

    >>> check_pre_tokenizer("bert")
    >>> check_pre_tokenizer("spaces")
    Traceback (most recent call last):
    ValueError: pre_tokenizer must be one of ('whitespace', 'bert'), got 'spaces'
    """
    if pre_tokenizer not in PRE_TOKENIZERS:
        raise ValueError(f"pre_tokenizer must be one of {PRE_TOKENIZERS}, got {pre_tokenizer!r}")


def as_paths(files: PathLike | Iterable[PathLike]) -> list[Path]:
    """One path or many, as a list of paths (a lone string is one file, not characters).

    >>> as_paths("corpus.txt"), as_paths(["a.txt", "b.txt"])
    ([PosixPath('corpus.txt')], [PosixPath('a.txt'), PosixPath('b.txt')])
    """
    if isinstance(files, (str, os.PathLike)):
        return [Path(files)]
    paths = [Path(f) for f in files]
    if not paths:
        raise ValueError("no input files were given")
    return paths


def bert_pre_tokenizer(
    lowercase: bool, strip_accents: bool | None
) -> Callable[[Sequence[str]], list[str]]:
    """A function mapping a batch of texts to their BERT basic tokens joined by spaces.

    >>> bert_pre_tokenizer(lowercase=True, strip_accents=None)(["Héllo, World!"])
    ['hello , world !']
    """
    from subword.normalization import pre_tokenize_for_training

    return partial(pre_tokenize_for_training, do_lower_case=lowercase, strip_accents=strip_accents)


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(texts)
    while batch := list(itertools.islice(iterator, size)):
        for text in batch:
            if not isinstance(text, str):
                raise TypeError(f"texts must be str, got {type(text).__name__}: {text!r:.80}")
        yield batch


def _count_files_bert(
    paths: list[Path],
    errors: str,
    lowercase: bool,
    strip_accents: bool | None,
    threads: int | None,
    progress: ProgressCallback | None,
) -> _core.WordCounts:
    """Counts files with the BERT pre-tokenizer, normalizing each distinct chunk once.

    Rust counts the chunks between spaces, tabs and line ends and splits those of
    printable ASCII itself; BasicTokenizer runs once per other distinct chunk, whose
    tokens count as often as the chunk occurs.

    This is exact because BERT's normalization never looks across those characters (it
    splits there, and every other step works per character or per word), and it is fast
    because a corpus holds far fewer distinct chunks than chunks.
    """
    # Printable-ASCII chunks are split into BERT's tokens in Rust (the same tokens, see
    # ``WordCounts.split_bert_ascii``); only the others need the Python normalizer. The
    # table of all chunks is not kept past the split.
    ascii_words, other_chunks = _core.count_files(
        [str(p) for p in paths], errors, threads, progress, breaks="bert"
    ).split_bert_ascii(lowercase)
    chunks = other_chunks.to_dict()
    normalize = bert_pre_tokenizer(lowercase, strip_accents)
    counter = _core.WordCounter(threads)
    counter.add_counts(ascii_words)
    items = iter(chunks.items())
    while batch := list(itertools.islice(items, BATCH_SIZE)):
        texts, weights = zip(*batch, strict=True)
        counter.add_weighted_texts(normalize(list(texts)), list(weights))
    return counter.counts()


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
        return _count_files_bert(
            as_paths(files), errors, lowercase, strip_accents, threads, progress
        )
    assert texts is not None
    normalize = bert_pre_tokenizer(lowercase, strip_accents) if pre_tokenizer == "bert" else None
    counter = _core.WordCounter(threads)
    for batch in _batches(texts, BATCH_SIZE):
        counter.add_texts(normalize(batch) if normalize else batch)
    return counter.counts()


def as_word_counts(counts: Mapping[str, int] | _core.WordCounts) -> _core.WordCounts:
    """Given counts as the core's table (a mapping is copied into one).

    >>> as_word_counts({"low": 5, "lower": 2}).total()
    7
    """
    if isinstance(counts, _core.WordCounts):
        return counts
    if not isinstance(counts, Mapping):
        raise TypeError(f"counts must be a mapping of word -> count, got {type(counts).__name__}")
    return _core.WordCounts.from_dict(dict(counts))


def check_not_empty(counts: _core.WordCounts) -> None:
    """Raises ``ValueError`` when there is nothing to train on.

    >>> check_not_empty(as_word_counts({}))
    Traceback (most recent call last):
    ValueError: the corpus is empty: there are no words to train on
    """
    if len(counts) == 0:
        raise ValueError("the corpus is empty: there are no words to train on")
