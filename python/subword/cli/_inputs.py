"""Command-line inputs: glob patterns, ``-`` for stdin, gzip read transparently.

:func:`expand` turns the user's arguments into :class:`Source` objects and fails early (a
missing file, a directory, a pattern matching nothing) before any work starts;
:func:`read_lines` streams their lines in blocks, so memory stays flat whatever the input
size, and reports bad UTF-8 with the file, the byte offset and the line.

A line is held whole (it is one document for ``encode``, ``chunk`` and ``pretrain-data``),
so a line of gigabytes takes gigabytes; for counting (``whole_lines=False``) a line longer
than a block is handed out in pieces cut at whitespace instead, and ``max_word_bytes``
refuses a run without whitespace past the limit as soon as it is read (a gzip bomb
without whitespace stops there rather than filling memory).
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeAlias

from subword import counting

STDIN = "-"
GZIP_MAGIC = b"\x1f\x8b"
#: Bytes read at a time: large enough that decoding and splitting run at C speed.
BLOCK_SIZE = 1 << 20

Progress = Callable[[str, int, int], None]
#: A stream of text bytes: a file or stdin as it is, or read through gzip.
ByteStream: TypeAlias = BinaryIO | gzip.GzipFile


@dataclass(frozen=True)
class Source:
    """One input: a file (plain or ``.gz``) or standard input (``path`` is ``None``)."""

    name: str
    path: Path | None

    @property
    def is_stdin(self) -> bool:
        """Whether this is standard input."""
        return self.path is None

    @property
    def compressed(self) -> bool:
        """Whether the file is gzip-compressed (stdin is sniffed while reading)."""
        return self.path is not None and self.path.suffix == ".gz"

    @property
    def size(self) -> int:
        """The size on disk (0 for stdin)."""
        return self.path.stat().st_size if self.path is not None else 0


def expand(arguments: Sequence[str]) -> list[Source]:
    """The sources named by ``arguments``, in order; raises for anything unreadable.

    A glob pattern (``data/*.txt``, ``**/*.gz``) expands to its files in sorted order,
    skipping directories; a pattern matching no file is an error, as is a literal path
    that is missing or a directory. ``-`` is standard input, allowed once.
    """
    sources: list[Source] = []
    for argument in arguments:
        if argument == STDIN:
            if any(s.is_stdin for s in sources):
                raise ValueError("-: standard input can be given only once")
            sources.append(Source("<stdin>", None))
        elif glob.has_magic(argument) and not os.path.lexists(argument):
            sources += _glob(argument)
        else:
            sources.append(_checked(Path(argument)))
    return sources


def _glob(pattern: str) -> list[Source]:
    matches = sorted(p for p in glob.glob(pattern, recursive=True) if not os.path.isdir(p))
    if not matches:
        raise FileNotFoundError(f"{pattern}: no file matches this pattern")
    return [_checked(Path(match)) for match in matches]


def _checked(path: Path) -> Source:
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a directory, not a file")
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise PermissionError(f"{path}: permission denied")
    return Source(str(path), path)


def all_plain_files(sources: Sequence[Source]) -> bool:
    """Whether every source is an uncompressed file (what the Rust counter reads)."""
    return all(not s.is_stdin and not s.compressed for s in sources)


def open_source(source: Source) -> tuple[ByteStream, BinaryIO]:
    """``(text bytes, raw bytes)`` streams of ``source``; they differ when it is gzip.

    The raw stream's position is the progress through the file on disk.
    """
    if source.path is None:
        raw = sys.stdin.buffer
        # Sniff stdin too, so `subword train - < corpus.txt.gz` works.
        if isinstance(raw, io.BufferedReader) and raw.peek(2)[:2] == GZIP_MAGIC:
            return gzip.GzipFile(fileobj=raw, mode="rb"), raw
        return raw, raw
    raw = open(source.path, "rb")  # noqa: SIM115 - closed by read_lines
    if source.compressed:
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    return raw, raw


@dataclass
class ReadStats:
    """What :func:`read_lines` has read so far: text bytes (after decompression), lines."""

    bytes: int = 0
    lines: int = 0


def read_lines(
    sources: Sequence[Source],
    *,
    errors: str = "strict",
    progress: Progress | None = None,
    stats: ReadStats | None = None,
    whole_lines: bool = True,
    max_word_bytes: int | None = None,
    pre_tokenizer: str = "whitespace",
) -> Iterator[str]:
    """The lines of every source in turn, without their line ends (LF or CR LF).

    Invalid UTF-8 raises ``ValueError`` naming the source, the byte offset (in the
    decompressed text for gzip) and the 1-based line, unless ``errors="replace"``.
    ``progress("counting", done, total)`` gets the bytes read from disk after each block.
    With ``whole_lines=False`` a line longer than a block comes in pieces cut at a space,
    tab or CR (what counting words needs: no word is cut). ``max_word_bytes`` refuses a
    longer run without a break (:data:`subword.counting.BREAK_BYTES` of ``pre_tokenizer``)
    with an ``InvalidArgumentError`` naming the source, byte offset and line.
    """
    stats = stats if stats is not None else ReadStats()
    total = sum(s.size for s in sources)
    finished = 0  # bytes on disk of the sources already read
    for source in sources:
        text, raw = open_source(source)
        try:
            runs = None
            if max_word_bytes is not None:
                runs = counting.WordRuns(max_word_bytes, counting.BREAK_BYTES[pre_tokenizer])
            for lines in _blocks(source, text, errors, stats, whole_lines, runs):
                yield from lines
                if progress is not None:
                    here = raw.tell() if source.path is not None else stats.bytes
                    progress("counting", finished + here, total)
            finished += source.size
        finally:
            if source.path is not None:
                text.close()
                raw.close()


def _blocks(
    source: Source,
    stream: ByteStream,
    errors: str,
    stats: ReadStats,
    whole_lines: bool = True,
    runs: counting.WordRuns | None = None,
) -> Iterator[list[str]]:
    """The lines of one stream, a block at a time (long lines in pieces, see :func:`read_lines`).

    Only the block just read is searched for the last cut (the carried bytes, which
    follow the previous one, hold none), and the carry grows in place: linear in the
    input however long its lines.
    """
    carry = bytearray()
    while block := _read_block(source, stream):
        if runs is not None and (found := runs.scan(block)) is not None:
            offset, line = found
            where = f"{source.name} (decompressed)" if source.compressed else source.name
            raise counting.word_too_long(where, offset, line, runs.limit)
        cut = block.rfind(b"\n") + 1
        if cut == 0 and not whole_lines:
            cut = counting.last_break(block, b" \t\r") + 1
        if cut == 0:  # no line end yet: a very long line, keep reading
            carry += block
            continue
        carry += block[:cut]
        lines = _decode(source, carry, errors, stats).split("\n")
        yield lines if lines[-1] else lines[:-1]
        carry = bytearray(block[cut:])
    if carry:
        yield [_decode(source, carry, errors, stats)]


def _read_block(source: Source, stream: ByteStream) -> bytes:
    try:
        return stream.read(BLOCK_SIZE)
    except (OSError, EOFError, zlib.error) as err:
        if isinstance(err, gzip.BadGzipFile | EOFError | zlib.error):
            raise ValueError(f"{source.name}: not a valid gzip file ({err})") from None
        raise


def _decode(source: Source, data: bytes | bytearray, errors: str, stats: ReadStats) -> str:
    try:
        text = data.decode("utf-8", errors=errors)
    except UnicodeDecodeError as err:
        line = stats.lines + data.count(b"\n", 0, err.start) + 1
        where = " of the decompressed text" if source.compressed else ""
        raise invalid_utf8(source.name, stats.bytes + err.start, line, where) from None
    stats.bytes += len(data)
    stats.lines += data.count(b"\n")
    return text.replace("\r\n", "\n") if "\r" in text else text


def invalid_utf8(name: str, offset: int, line: int, where: str = "") -> ValueError:
    """The command's error for invalid UTF-8 at byte ``offset`` (``line``) of ``name``.

    The same sentence whether Python read the input (here) or Rust did (a
    ``_core.InvalidUtf8Error``, which carries the file, offset and line as data), with the
    remedy spelled as the command's option.

    >>> print(invalid_utf8("bad.txt", 14, 2))
    bad.txt: invalid UTF-8 at byte offset 14 (line 2); pass --errors replace to substitute U+FFFD
    """
    return ValueError(
        f"{name}: invalid UTF-8 at byte offset {offset}{where} (line {line}); "
        "pass --errors replace to substitute U+FFFD"
    )
