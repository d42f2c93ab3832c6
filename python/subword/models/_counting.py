"""Word counting for the trainers: from files, from an iterator of texts, or given counts.

The ``"whitespace"`` pre-tokenizer (Python's ``str.split()``, subword-nmt compatible) runs
entirely in Rust: files are read, split and counted there in parallel. The ``"bert"``
pre-tokenizer runs BERT's BasicTokenizer in Python on batches of lines and hands the
joined basic tokens to the Rust counter; for files, byte ranges are counted in worker
processes (Python normalization holds the GIL, processes do not share it) and the partial
counts are summed, so the result is the same for any number of workers.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import partial
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
    from subword.normalization import pre_tokenize_for_training

    return partial(pre_tokenize_for_training, do_lower_case=lowercase, strip_accents=strip_accents)


#: Bytes of a file one worker process normalizes and counts at a time.
RANGE_SIZE = 8 << 20


def _line_ranges(path: Path, size: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``size`` bytes covering ``path``, each ending at a line end."""
    total = path.stat().st_size
    ranges, start = [], 0
    with open(path, "rb") as stream:
        while start < total:
            stream.seek(min(start + size, total))
            stream.readline()
            end = min(stream.tell(), total)
            ranges.append((start, end))
            start = end
    return ranges


def _invalid_utf8(path: Path, offset: int) -> ValueError:
    with open(path, "rb") as stream:
        line = stream.read(offset).count(b"\n") + 1
    return ValueError(
        f"{path}: invalid UTF-8 at byte offset {offset} (line {line}); "
        'pass errors="replace" to substitute U+FFFD'
    )


def _count_range(
    path: Path, start: int, end: int, errors: str, lowercase: bool, strip_accents: bool | None
) -> _core.WordCounts:
    """The BERT-pre-tokenized word counts of bytes ``start..end`` of ``path``."""
    with open(path, "rb") as stream:
        stream.seek(start)
        raw = stream.read(end - start)
    try:
        text = raw.decode("utf-8", errors=errors)
    except UnicodeDecodeError as err:
        raise _invalid_utf8(path, start + err.start) from None
    normalize = bert_pre_tokenizer(lowercase, strip_accents)
    counter = _core.WordCounter(threads=1)
    for batch in _batches(text.split("\n"), BATCH_SIZE):
        counter.add_texts(normalize(batch))
    return counter.counts()


def _count_files_bert(
    paths: list[Path],
    errors: str,
    lowercase: bool,
    strip_accents: bool | None,
    processes: int,
    progress: ProgressCallback | None,
) -> _core.WordCounts:
    """Counts files with the BERT pre-tokenizer, byte ranges spread over processes."""
    for path in paths:  # fail on a missing file or a directory before reading the others
        if path.is_dir():
            raise IsADirectoryError(f"{path}: is a directory, not a file")
        if not path.exists():
            raise FileNotFoundError(f"{path}: No such file or directory")
    work = [(path, start, end) for path in paths for start, end in _line_ranges(path, RANGE_SIZE)]
    total = sum(end - start for _, start, end in work)
    count = partial(_count_range, errors=errors, lowercase=lowercase, strip_accents=strip_accents)
    counter = _core.WordCounter()
    done = 0
    if processes <= 1 or len(work) <= 1:
        results = (count(*item) for item in work)
        for item, counts in zip(work, results, strict=False):
            counter.add_counts(counts)
            done += item[2] - item[1]
            if progress:
                progress("counting", done, total)
        return counter.counts()
    # fork is cheap and needs no `if __name__ == "__main__"` guard in the caller's script;
    # the Rust thread pools are rebuilt in each child, so forking after using them is safe.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = [pool.submit(count, *item) for item in work]
        try:
            for item, future in zip(work, futures, strict=False):
                counter.add_counts(future.result())
                done += item[2] - item[1]
                if progress:
                    progress("counting", done, total)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return counter.counts()


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(texts)
    while batch := list(itertools.islice(iterator, size)):
        for text in batch:
            if not isinstance(text, str):
                raise TypeError(f"texts must be str, got {type(text).__name__}: {text!r:.80}")
        yield batch


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
        processes = threads or os.cpu_count() or 1
        return _count_files_bert(
            as_paths(files), errors, lowercase, strip_accents, processes, progress
        )
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
