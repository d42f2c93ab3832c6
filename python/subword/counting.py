"""Word counting for the trainers: from files, from an iterator of texts, or given counts.

Shared by the models' ``train`` methods, the ``subword train`` command and
:mod:`subword.distributed` (whose workers count exactly as :func:`count_words` does here).

The ``"whitespace"`` pre-tokenizer (Python's ``str.split()``, subword-nmt compatible) runs
entirely in Rust: files are read, split and counted there in parallel. The ``"bert"``
pre-tokenizer runs BERT's BasicTokenizer in Python: on batches of texts for iterators, and
on the distinct whitespace-separated chunks of files (counted in Rust) for files.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TypeAlias

from subword import _core
from subword._progress import ProgressCallback
from subword.errors import InvalidArgumentError

__all__ = [
    "PRE_TOKENIZERS",
    "PathLike",
    "WordRuns",
    "as_paths",
    "as_word_counts",
    "bert_pre_tokenizer",
    "bert_word_counts",
    "check_max_word_bytes",
    "check_not_empty",
    "check_pre_tokenizer",
    "count_words",
    "word_too_long",
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


def check_max_word_bytes(max_word_bytes: object) -> None:
    """Raises ``InvalidArgumentError`` unless ``max_word_bytes`` is ``None`` or at least 1.

    >>> check_max_word_bytes(None), check_max_word_bytes(4096)
    (None, None)
    >>> check_max_word_bytes(0)
    Traceback (most recent call last):
    subword.errors.InvalidArgumentError: max_word_bytes must be a number of bytes of at least \
1, or None for no limit; got 0
    """
    valid = isinstance(max_word_bytes, int) and not isinstance(max_word_bytes, bool)
    if max_word_bytes is not None and not (valid and max_word_bytes >= 1):  # type: ignore[operator]
        raise InvalidArgumentError(
            "max_word_bytes",
            f"must be a number of bytes of at least 1, or None for no limit; "
            f"got {max_word_bytes!r}",
        )


#: The bytes a reader may cut text at, per pre-tokenizer: the ASCII characters
#: ``str.split()`` splits on, and BERT's space, tab and line ends (the Rust counter's
#: ``WordBreaks``). A run of other bytes is what ``max_word_bytes`` limits.
BREAK_BYTES = {"whitespace": b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", "bert": b" \t\n\r"}


def word_too_long(name: str, offset: int, line: int, limit: int) -> InvalidArgumentError:
    """The error for a run without whitespace longer than ``limit`` bytes in ``name``.

    The same sentence as the Rust counter's, with the option as data for the command.

    >>> print(word_too_long("big.txt", 8, 2, 1000))
    max_word_bytes is 1000, but big.txt holds a longer word (a run of bytes without \
whitespace) at byte offset 8 (line 2); raise the limit, or leave it unset for none
    """
    return InvalidArgumentError(
        "max_word_bytes",
        f"is {limit}, but {name} holds a longer word (a run of bytes without whitespace) at "
        f"byte offset {offset} (line {line}); raise the limit, or leave it unset for none",
    )


@functools.lru_cache(maxsize=8)
def _long_run(breaks: bytes, limit: int) -> re.Pattern[bytes]:
    run = b"[^" + re.escape(breaks) + b"]"
    return re.compile(b"(?<!" + run + b")" + run + b"{%d}" % (limit + 1))


class WordRuns:
    r"""Follows the runs without a break across the blocks of one stream (``max_word_bytes``).

    :meth:`scan` is given the stream's bytes in order, and finds the first run longer than
    ``limit`` as soon as it has been read: a reader that carries an unfinished line never
    holds more than the limit of one run. Each byte is looked at once or twice, never again
    in a later block. ``breaks`` are the bytes that end a run (:data:`BREAK_BYTES`).

    Example:
        >>> runs = WordRuns(4, BREAK_BYTES["whitespace"])
        >>> runs.scan(b"ab cd\nef"), runs.scan(b"ghi jk")
        (None, (6, 2))

    """

    def __init__(self, limit: int, breaks: bytes) -> None:
        self.limit = limit
        self.breaks = breaks
        self._break = re.compile(b"[" + re.escape(breaks) + b"]")
        self.run = 0  # bytes since the last break
        self.offset = 0  # bytes scanned
        self.lines = 0  # line ends scanned

    def scan(self, data: bytes | bytearray) -> tuple[int, int] | None:
        """The byte offset and 1-based line where a run past the limit starts, if one does.

        Offsets and lines count from the first byte given to this object.

        >>> WordRuns(3, b" ").scan(b"ab abcd")
        (3, 1)
        """
        first = self._break.search(data)
        head = first.start() if first else len(data)
        if self.run + head > self.limit:  # the run carried in, or the one starting here
            return self.offset - self.run, self.lines + 1
        if first is not None and self.limit < len(data):
            long = _long_run(self.breaks, self.limit).search(data, head)
            if long is not None:
                start = long.start()
                return self.offset + start, self.lines + data.count(b"\n", 0, start) + 1
        self.run = len(data) - 1 - last_break(data, self.breaks) if first else self.run + len(data)
        self.offset += len(data)
        self.lines += data.count(b"\n")
        return None


def last_break(data: bytes | bytearray, breaks: bytes) -> int:
    r"""The index of the last byte of ``data`` that is one of ``breaks`` (-1 if none).

    >>> last_break(b"ab cd\tef", BREAK_BYTES["bert"])
    5
    """
    return max(data.rfind(byte) for byte in breaks)


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
    max_word_bytes: int | None,
) -> _core.WordCounts:
    """Counts files with the BERT pre-tokenizer: their chunks in Rust, then their words."""
    return bert_word_counts(
        _core.count_files(
            [str(p) for p in paths],
            errors,
            threads,
            progress,
            breaks="bert",
            max_word_bytes=max_word_bytes,
        ),
        lowercase,
        strip_accents,
        threads,
    )


def bert_word_counts(
    chunks: _core.WordCounts,
    lowercase: bool,
    strip_accents: bool | None,
    threads: int | None = None,
) -> _core.WordCounts:
    r"""The BERT word counts of a table of chunks, normalizing each distinct chunk once.

    ``chunks`` counts the runs between spaces, tabs and line ends (``breaks="bert"`` of
    ``_core.count_files`` or ``WordCounter.add_texts``). Rust splits those of printable
    ASCII itself; BasicTokenizer runs once per other distinct chunk, whose tokens count
    as often as the chunk occurs. Files are counted this way here and on Dask workers
    (:func:`subword.distributed.count_range`).

    This is exact because BERT's normalization never looks across those characters (it
    splits there, and every other step works per character or per word), and it is fast
    because a corpus holds far fewer distinct chunks than chunks.

    >>> chunks = _core.WordCounts.from_dict({"Héllo,": 2, "World!": 1})
    >>> sorted(bert_word_counts(chunks, lowercase=True, strip_accents=None).to_dict().items())
    [('!', 1), (',', 2), ('hello', 2), ('world', 1)]
    """
    # Printable-ASCII chunks are split into BERT's tokens in Rust (the same tokens, see
    # ``WordCounts.split_bert_ascii``); only the others need the Python normalizer. The
    # table of all chunks is not kept past the split (when the caller holds no other
    # reference to it).
    ascii_words, other_chunks = chunks.split_bert_ascii(lowercase)
    del chunks
    items = iter(other_chunks.to_dict().items())
    del other_chunks
    normalize = bert_pre_tokenizer(lowercase, strip_accents)
    counter = _core.WordCounter(threads)
    counter.add_counts(ascii_words)
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
    max_word_bytes: int | None = None,
) -> _core.WordCounts:
    """Counts the words of ``files`` or of ``texts`` (exactly one of them).

    ``lowercase`` and ``strip_accents`` apply to the ``"bert"`` pre-tokenizer only; the
    ``"whitespace"`` one keeps text as it is, as subword-nmt does.

    ``max_word_bytes`` (default ``None``: no limit) refuses a word longer than that many
    UTF-8 bytes with an :class:`~subword.errors.InvalidArgumentError` naming the file and
    byte offset. A word here is a run of bytes between the places a reader may cut
    (:data:`BREAK_BYTES`: ASCII whitespace; for ``"bert"``, spaces, tabs and line ends,
    before punctuation is split off), so a file without whitespace is refused once the
    limit is read, never held whole.

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
    check_max_word_bytes(max_word_bytes)
    if files is not None and pre_tokenizer == "whitespace":
        paths = [str(p) for p in as_paths(files)]
        return _core.count_files(paths, errors, threads, progress, max_word_bytes=max_word_bytes)

    if files is not None:
        return _count_files_bert(
            as_paths(files), errors, lowercase, strip_accents, threads, progress, max_word_bytes
        )
    assert texts is not None
    normalize = bert_pre_tokenizer(lowercase, strip_accents) if pre_tokenizer == "bert" else None
    counter = _core.WordCounter(threads)
    for batch in _batches(texts, BATCH_SIZE):
        if max_word_bytes is not None:
            breaks = "bert" if normalize else "unicode"
            _core.check_word_bytes(batch, max_word_bytes, breaks)
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
