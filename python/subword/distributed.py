r"""Counting and encoding on a Dask cluster (the optional extra ``subword[dask]``).

Training needs only the table of word counts, which stays small while the corpus grows:
so the workers read and count the text, partial tables are merged by tree reduction on
the workers, and only the final table travels to the client, where the merge loop runs
as usual (:meth:`subword.BPE.train_from_counts`, :meth:`subword.WordPiece.train_from_counts`).
Encoding is a ``map_partitions`` over a Dask DataFrame column.

Files are split into byte ranges cut at line ends, so a worker reads only its range and a
line is counted exactly once; each range is counted exactly as
:func:`subword.counting.count_words` counts files locally (for BERT pre-tokenization,
BasicTokenizer runs once per distinct chunk between spaces, tabs and line ends), so the
counts, and therefore the trained models, are identical. The workers must see the files
at the same paths (a local cluster, or a shared file system).

Example (an in-process cluster; a real one is a scheduler address or worker processes):
    >>> import pathlib, tempfile
    >>> from distributed import Client, LocalCluster
    >>> from subword import WordPiece
    >>> local = LocalCluster(n_workers=1, processes=False, dashboard_address=":0")
    >>> with tempfile.TemporaryDirectory() as tmp, local, Client(local):
    ...     corpus = pathlib.Path(tmp, "a.txt")
    ...     _ = corpus.write_text("Hugging huggers hug.\n" * 5)
    ...     counts = count_words([corpus], pre_tokenizer="bert")
    >>> sorted(counts.to_dict().items())
    [('.', 5), ('hug', 5), ('huggers', 5), ('hugging', 5)]
    >>> WordPiece.train_from_counts(counts, vocab_size=40).tokenize("hugs")
    ['hug', '##s']

"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, overload

try:
    import dask
    import dask.bag
    import dask.dataframe
    import distributed
    from dask.delayed import Delayed, delayed
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError(
        "subword.distributed needs Dask: pip install 'subword[dask]' "
        f"(dask, distributed, pandas, pyarrow); {err}"
    ) from err

from subword import _core
from subword import counting as _counting
from subword.counting import PathLike

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["cluster", "count_words", "count_words_distributed", "encode"]

#: Most bytes of a file one counting task reads: large enough that scheduling (~1 ms a
#: task) and merging its partial table (~ the distinct words of a range) stay small beside
#: the counting, small enough that a lost worker costs little to redo.
CHUNK_SIZE = 64 * 2**20
#: Fewest bytes a task reads when "auto" cuts a small corpus finer to feed every worker.
MIN_CHUNK_SIZE = 4 * 2**20
#: Tasks per worker thread "auto" aims at, so that uneven ranges still balance.
TASKS_PER_THREAD = 4
#: Bytes a task reads and decodes at once: its memory stays flat whatever the range.
BLOCK_SIZE = 4 * 2**20
#: Partial tables merged by one reduction task: the tree has log_8(tasks) levels.
SPLIT_EVERY = 8


class _Partitioned(Protocol):
    """A Dask collection cut into partitions (a Bag, a DataFrame column)."""

    def to_delayed(self) -> list[Delayed]: ...


class ByteRange(NamedTuple):
    """The lines of ``path`` that start in ``[start, end)``: one counting task."""

    path: str
    start: int
    end: int


# --- counting ------------------------------------------------------------------------


@overload
def count_words(
    data: Any,
    *,
    pre_tokenizer: str = ...,
    lowercase: bool = ...,
    strip_accents: bool | None = ...,
    errors: str = ...,
    max_word_bytes: int | None = ...,
    chunk_size: int | Literal["auto"] | None = ...,
    split_every: int = ...,
    compute: Literal[True] = ...,
) -> _core.WordCounts: ...
@overload
def count_words(
    data: Any,
    *,
    pre_tokenizer: str = ...,
    lowercase: bool = ...,
    strip_accents: bool | None = ...,
    errors: str = ...,
    max_word_bytes: int | None = ...,
    chunk_size: int | Literal["auto"] | None = ...,
    split_every: int = ...,
    compute: Literal[False],
) -> Delayed: ...
@overload
def count_words(
    data: Any,
    *,
    pre_tokenizer: str = ...,
    lowercase: bool = ...,
    strip_accents: bool | None = ...,
    errors: str = ...,
    max_word_bytes: int | None = ...,
    chunk_size: int | Literal["auto"] | None = ...,
    split_every: int = ...,
    compute: bool = ...,
) -> _core.WordCounts | Delayed: ...
def count_words(
    data: Any,
    *,
    pre_tokenizer: str = "whitespace",
    lowercase: bool = True,
    strip_accents: bool | None = None,
    errors: str = "strict",
    max_word_bytes: int | None = None,
    chunk_size: int | Literal["auto"] | None = "auto",
    split_every: int = SPLIT_EVERY,
    compute: bool = True,
) -> _core.WordCounts | Delayed:
    """Counts words on the current Dask scheduler, as the local trainers count them.

    ``data`` is a path or paths (read by the workers in ranges of ``chunk_size`` bytes cut
    at line ends; ``"auto"``: :func:`auto_chunk_size`; ``None``: one task per file), a
    Dask Bag of str, or a Dask DataFrame column (a Series of str: drop nulls first). The
    options mean what they mean in :meth:`subword.WordPiece.train`; partial counts are
    merged ``split_every`` at a time on the workers. Runs on the active
    ``distributed.Client`` (else Dask's local scheduler); ``compute=False`` returns the
    ``Delayed`` table instead.

    Example:
        >>> import dask.bag
        >>> texts = dask.bag.from_sequence(["low lower", "low"], npartitions=2)
        >>> sorted(count_words(texts).to_dict().items())
        [('low', 2), ('lower', 1)]

    """
    _check_options(pre_tokenizer, errors, chunk_size, split_every)
    _counting.check_max_word_bytes(max_word_bytes)
    options = (pre_tokenizer, lowercase, strip_accents)
    if isinstance(data, (dask.bag.Bag, dask.dataframe.Series)):
        collection: _Partitioned = data
        parts = [
            _count_texts_task(part, *options, max_word_bytes) for part in collection.to_delayed()
        ]
    elif isinstance(data, dask.dataframe.DataFrame):
        raise TypeError("give one column of the DataFrame (df[column]), not the whole frame")
    else:
        paths = _counting.as_paths(data)
        size = auto_chunk_size(paths) if chunk_size == "auto" else chunk_size
        parts = [
            _count_range_task(r, *options, errors, max_word_bytes) for r in byte_ranges(paths, size)
        ]
    total = _tree_merge(parts, split_every)
    if not compute:
        return total
    counts: _core.WordCounts = total.compute()
    return counts


def count_words_distributed(
    files: PathLike | Iterable[PathLike],
    *,
    address: str | None = None,
    workers: int | None = None,
    pre_tokenizer: str = "whitespace",
    lowercase: bool = True,
    strip_accents: bool | None = None,
    errors: str = "strict",
    max_word_bytes: int | None = None,
) -> _core.WordCounts:
    r"""Counts the words of ``files`` on a Dask cluster: the entry point of ``subword train``.

    ``address`` connects to a running scheduler (``"tcp://host:8786"``); otherwise a
    local cluster of ``workers`` processes (default: one per core) is started and stopped.

    Example (``workers=2`` would start two processes; here, an in-process cluster):
        >>> import pathlib, tempfile
        >>> from distributed import LocalCluster
        >>> from subword import BPE
        >>> local = LocalCluster(n_workers=1, processes=False, dashboard_address=":0")
        >>> with tempfile.TemporaryDirectory() as tmp, local:
        ...     corpus = pathlib.Path(tmp, "a.txt")
        ...     _ = corpus.write_text("low lower lowest\n" * 3)
        ...     counts = count_words_distributed([corpus], address=local.scheduler_address)
        >>> BPE.train_from_counts(counts, num_merges=4).merges
        [('l', 'o'), ('w', 'e'), ('lo', 'we'), ('s', 't</w>')]

    """
    with cluster(address=address, workers=workers):
        return count_words(
            files,
            pre_tokenizer=pre_tokenizer,
            lowercase=lowercase,
            strip_accents=strip_accents,
            errors=errors,
            max_word_bytes=max_word_bytes,
        )


@contextlib.contextmanager
def cluster(address: str | None = None, workers: int | None = None) -> Iterator[distributed.Client]:
    """A ``distributed.Client`` of the scheduler at ``address``, or of a local cluster.

    The local cluster has ``workers`` single-threaded worker processes (default: one per
    core) and is shut down on exit; the client becomes Dask's default meanwhile.

    Example (connecting to an in-process scheduler; ``workers=2`` starts two processes):
        >>> from distributed import LocalCluster
        >>> local = LocalCluster(n_workers=1, processes=False, dashboard_address=":0")
        >>> with local, cluster(address=local.scheduler_address) as client:
        ...     len(client.scheduler_info()["workers"])
        1

    """
    if address is not None and workers is not None:
        raise ValueError("give address (an existing scheduler) or workers, not both")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if address is not None:
        with distributed.Client(address) as client:
            yield client
        return
    # One thread per worker: a worker is one core (a task counts its range on one thread).
    # The dashboard takes any free port: the default 8787 may belong to another cluster.
    local = distributed.LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
    )
    with local, distributed.Client(local) as client:
        yield client


def byte_ranges(paths: Sequence[Path], chunk_size: int | None = CHUNK_SIZE) -> list[ByteRange]:
    """The counting tasks of ``paths``: ranges of ``chunk_size`` bytes (one per file if None).

    Fails at once, before any work is sent, on a missing file or a directory.

    Example:
        >>> byte_ranges([Path(__file__)], chunk_size=None)[0].start
        0

    """
    ranges = []
    for path in paths:
        if path.is_dir():
            raise IsADirectoryError(f"{path}: is a directory, not a file")
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: No such file or directory") from None
        step = chunk_size or max(size, 1)
        ranges += [ByteRange(str(path), s, min(s + step, size)) for s in range(0, size, step)]
    return ranges


def auto_chunk_size(paths: Sequence[Path], threads: int | None = None) -> int:
    """Bytes per counting task: ``TASKS_PER_THREAD`` tasks per worker thread, clamped.

    ``threads`` defaults to the worker threads of the current client (else the cores
    here). Large corpora get ``CHUNK_SIZE``; small ones are cut finer to feed every worker.

    Example:
        >>> auto_chunk_size([Path(__file__)], threads=2) == MIN_CHUNK_SIZE
        True

    """
    total = sum(path.stat().st_size for path in paths if path.is_file())
    threads = threads or _client_threads() or os.cpu_count() or 1
    share = -(-total // (threads * TASKS_PER_THREAD))
    return max(MIN_CHUNK_SIZE, min(CHUNK_SIZE, share))


def _client_threads() -> int | None:
    try:
        client = distributed.get_client()
    except ValueError:  # no client: Dask's local scheduler
        return None
    threads: dict[str, int] = client.nthreads()  # worker address -> threads
    return sum(threads.values())


def _check_options(pre_tokenizer: str, errors: str, chunk_size: object, split_every: int) -> None:
    _counting.check_pre_tokenizer(pre_tokenizer)
    if errors not in ("strict", "replace"):
        raise ValueError(f'errors must be "strict" or "replace", got {errors!r}')
    if chunk_size not in (None, "auto") and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"chunk_size must be a positive number of bytes, got {chunk_size}")
    if split_every < 2:
        raise ValueError(f"split_every must be at least 2, got {split_every}")


def _tree_merge(parts: list[Delayed], split_every: int) -> Delayed:
    """One Delayed table: ``parts`` merged ``split_every`` at a time, level by level."""
    if not parts:
        empty: Delayed = delayed(_core.WordCounts.from_dict)({})
        return empty
    merge = delayed(merge_counts, pure=True)
    while len(parts) > 1:
        parts = [merge(*parts[i : i + split_every]) for i in range(0, len(parts), split_every)]
    return parts[0]


def merge_counts(*tables: _core.WordCounts) -> _core.WordCounts:
    """The sum of word-count tables (a reduction task).

    Example:
        >>> a = _core.WordCounts.from_dict({"low": 2})
        >>> merge_counts(a, _core.WordCounts.from_dict({"low": 1, "new": 1})).to_dict()
        {'low': 3, 'new': 1}

    """
    counter = _core.WordCounter()
    for table in tables:
        counter.add_counts(table)
    return counter.counts()


# --- what the workers run ------------------------------------------------------------


def _count_range_task(byte_range: ByteRange, *options: str | bool | int | None) -> Delayed:
    # pure: the key depends on the range and options only, so a retry after a lost worker
    # recomputes the same task, and two identical calls share their work.
    task: Delayed = delayed(count_range, pure=True)(*byte_range, *options)
    return task


def _count_texts_task(partition: Delayed, *options: str | bool | int | None) -> Delayed:
    task: Delayed = delayed(count_texts, pure=True)(partition, *options)
    return task


def count_range(
    path: str,
    start: int,
    end: int,
    pre_tokenizer: str = "whitespace",
    lowercase: bool = True,
    strip_accents: bool | None = None,
    errors: str = "strict",
    max_word_bytes: int | None = None,
) -> _core.WordCounts:
    """The word counts of the lines of ``path`` that start in ``[start, end)`` (a task).

    Counted as :func:`subword.counting.count_words` counts files: words split as
    ``str.split()`` does, or for ``"bert"`` the chunks between spaces, tabs and line ends,
    BERT-normalized once per distinct chunk (:func:`subword.counting.bert_word_counts`).
    ``max_word_bytes`` refuses a longer run without whitespace as soon as it is read.

    Example:
        >>> count_range(__file__, 0, Path(__file__).stat().st_size).total() > 0
        True

    """
    counter = _core.WordCounter()
    breaks = "bert" if pre_tokenizer == "bert" else "unicode"
    for offset, block in read_lines(
        path, start, end, max_word_bytes=max_word_bytes, breaks=_counting.BREAK_BYTES[pre_tokenizer]
    ):
        # A block holds whole lines, or ends at a break: no word or chunk is cut.
        counter.add_texts([_decode(block, path, offset, errors)], breaks=breaks)
    if pre_tokenizer == "bert":
        return _counting.bert_word_counts(counter.counts(), lowercase, strip_accents)
    return counter.counts()


def count_texts(
    texts: Iterable[Any],
    pre_tokenizer: str = "whitespace",
    lowercase: bool = True,
    strip_accents: bool | None = None,
    max_word_bytes: int | None = None,
) -> _core.WordCounts:
    """The word counts of one partition of texts (a counting task).

    Example:
        >>> count_texts(["Hello, world!"], "bert").to_dict() == {"hello": 1, ",": 1,
        ...     "world": 1, "!": 1}
        True

    """
    # The local path of training from texts, unchanged: same batches, same checks.
    return _counting.count_words(
        texts=list(texts),
        pre_tokenizer=pre_tokenizer,
        lowercase=lowercase,
        strip_accents=strip_accents,
        max_word_bytes=max_word_bytes,
    )


def _line_start(stream: IO[bytes], position: int) -> int:
    """The offset of the first line of ``stream`` that starts at or after ``position``."""
    if position == 0:
        return 0
    stream.seek(position - 1)
    while chunk := stream.read(1 << 16):
        newline = chunk.find(b"\n")
        if newline >= 0:
            return stream.tell() - len(chunk) + newline + 1
    return stream.tell()


def read_lines(
    path: str,
    start: int,
    end: int,
    block_size: int = BLOCK_SIZE,
    *,
    max_word_bytes: int | None = None,
    breaks: bytes = _counting.BREAK_BYTES["whitespace"],
) -> Iterator[tuple[int, bytes]]:
    """``(offset, bytes)`` blocks of the lines of ``path`` that start in ``[start, end)``.

    Consecutive ranges of a file thus hand out each line exactly once. Blocks end at line
    ends, or, in a line longer than ``block_size``, after a space, tab or CR (what
    counting needs: no word is cut), so a long line is never held whole. ``max_word_bytes``
    refuses a run without ``breaks`` longer than that (an ``InvalidArgumentError``
    naming the file, byte offset and line) as soon as it is read.

    Example:
        >>> offset, block = next(read_lines(__file__, 0, 1))
        >>> offset, len(block.splitlines())
        (0, 1)

    """
    with open(path, "rb") as stream:
        begin = _line_start(stream, start)
        stop = _line_start(stream, end)
        stream.seek(begin)
        offset, remaining, carry = begin, stop - begin, bytearray()
        runs = None if max_word_bytes is None else _counting.WordRuns(max_word_bytes, breaks)
        while remaining > 0 and (data := stream.read(min(block_size, remaining))):
            remaining -= len(data)
            if runs is not None and (found := runs.scan(data)) is not None:
                at, line = found
                line += _newlines_before(path, begin)
                raise _counting.word_too_long(path, begin + at, line, runs.limit)
            # Only the bytes just read are searched (the carry holds no cut), and the
            # carry grows in place: linear however long a line is.
            cut = data.rfind(b"\n") + 1 if remaining > 0 else len(data)
            if not cut:
                cut = _counting.last_break(data, b" \t\r") + 1
            if not cut:
                carry += data
                continue
            block = bytes(carry + data[:cut]) if carry else data[:cut]
            carry = bytearray(data[cut:])
            yield offset, block
            offset += len(block)
        if carry:  # the file shrank while being read
            yield offset, bytes(carry)


def _decode(block: bytes, path: str, offset: int, errors: str) -> str:
    """``block`` as text; invalid UTF-8 raises the local error (file, byte offset, line)."""
    try:
        return block.decode("utf-8", errors)
    except UnicodeDecodeError as err:
        position = offset + err.start
        line = 1 + _newlines_before(path, position)
        raise ValueError(
            f"{path}: invalid UTF-8 at byte offset {position} (line {line}); "
            'pass errors="replace" to substitute U+FFFD'
        ) from None


def _newlines_before(path: str, position: int) -> int:
    # Only on the error path: the line number costs a read of the file's prefix.
    count = 0
    with open(path, "rb") as stream:
        while position > 0 and (data := stream.read(min(BLOCK_SIZE, position))):
            count += data.count(b"\n")
            position -= len(data)
    return count


# --- encoding --------------------------------------------------------------------------


def encode(
    dataframe: dask.dataframe.DataFrame,
    column: str,
    tokenizer: Any,
    *,
    arrow: bool = True,
    **call_kwargs: Any,
) -> dask.dataframe.DataFrame:
    """``dataframe`` with the encoding of its text ``column`` added, partition by partition.

    ``tokenizer`` is called on each partition's texts as a batch, with ``call_kwargs``
    (a :class:`subword.BertTokenizer` or any callable returning a dict of per-text lists,
    e.g. a transformers tokenizer); a model with only ``encode_batch`` (:class:`subword.BPE`,
    :class:`subword.WordPiece`) gives ``input_ids``. Each field becomes a column
    (``input_ids``, ``token_type_ids``, ``attention_mask``, and any extra one asked for):
    Arrow list columns, or object columns of lists with ``arrow=False``. With
    ``return_overflowing_tokens=True`` a text gives a row per window, under its own index.
    ``padding=True`` pads to the longest text of each partition; use ``"max_length"`` for
    one length everywhere.

    Example:
        >>> import dask.dataframe as dd, pandas as pd
        >>> from subword import BPE
        >>> bpe = BPE.train_from_iterator(["low lower lowest"] * 3, num_merges=4)
        >>> frame = dd.from_pandas(pd.DataFrame({"text": ["low", "lowest"]}), npartitions=2)
        >>> encode(frame, "text", bpe).compute()["input_ids"].tolist() == \
                bpe.encode_batch(["low", "lowest"])
        True

    """
    if column not in dataframe.columns:
        raise KeyError(f"no column {column!r} in the DataFrame (it has {list(dataframe.columns)})")
    if not callable(tokenizer) and call_kwargs:
        raise TypeError(f"{type(tokenizer).__name__} is not callable: no call arguments apply")
    sample = _fields(tokenizer, ["a"], call_kwargs)
    sample.pop("overflow_to_sample_mapping", None)  # becomes the rows' index
    types = {name: _narrow(_arrow().array(values).type) for name, values in sample.items()}
    meta = _with_fields(dataframe._meta, {name: [] for name in types}, types, arrow)
    # One graph key for the tokenizer: each worker unpickles it once, not once per partition.
    shared = delayed(tokenizer)
    encoded: dask.dataframe.DataFrame = dataframe.map_partitions(
        encode_partition, column, shared, call_kwargs, types, arrow, meta=meta
    )
    return encoded


def encode_partition(
    partition: pd.DataFrame,
    column: str,
    tokenizer: Any,
    call_kwargs: dict[str, Any],
    types: dict[str, pa.DataType],
    arrow: bool,
) -> pd.DataFrame:
    """One partition of :func:`encode` (a pandas DataFrame in, a pandas DataFrame out)."""
    texts = partition[column].tolist()
    fields = _fields(tokenizer, texts, call_kwargs) if texts else {name: [] for name in types}
    mapping = fields.pop("overflow_to_sample_mapping", None)
    rows = partition if mapping is None else partition.iloc[mapping]
    return _with_fields(rows, fields, types, arrow)


def _fields(tokenizer: Any, texts: list[str], call_kwargs: dict[str, Any]) -> dict[str, list[Any]]:
    """The per-text fields of encoding ``texts``, as plain lists."""
    if not callable(tokenizer):
        return {"input_ids": tokenizer.encode_batch(texts)}
    encoding = tokenizer(texts, **call_kwargs)
    return {name: list(values) for name, values in dict(encoding).items()}


def _with_fields(
    frame: pd.DataFrame,
    fields: dict[str, list[Any]],
    types: dict[str, pa.DataType],
    arrow: bool,
) -> pd.DataFrame:
    import pandas as pd

    frame = frame.copy()
    for name, values in fields.items():
        if arrow:
            array = _arrow().array(values, type=types[name])
            frame[name] = pd.Series(array, index=frame.index, dtype=pd.ArrowDtype(types[name]))
        else:
            frame[name] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _narrow(arrow_type: pa.DataType) -> pa.DataType:
    """``arrow_type`` with 64-bit integers made 32-bit: ids, masks and offsets fit."""
    pa = _arrow()
    if pa.types.is_list(arrow_type):
        return pa.list_(_narrow(arrow_type.value_type))
    return pa.int32() if pa.types.is_int64(arrow_type) else arrow_type


def _arrow() -> Any:  # pyarrow ships no type hints
    import pyarrow

    return pyarrow
