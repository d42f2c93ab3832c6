"""Streaming readers: linear in the input however long a word or line, and interruptible.

A reader that carries the unfinished end of a block over to the next one must search only
the bytes it just read: input without whitespace (or without line ends) otherwise costs
the square of its length. These tests compare a small and a 16 times larger input of one
enormous word: linear reading takes about 16 times as long, quadratic reading about 256
times; the bound of 64 leaves room for a noisy machine on either side.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interrupt import interrupt
from subword import BPE, _core, counting
from subword.cli import _inputs
from subword.distributed import read_lines
from subword.errors import InvalidArgumentError

GROWTH = 16
#: Above linear (16) with room for noise, far below quadratic (256).
BOUND = 64


def _fastest(run, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def test_counting_a_file_without_whitespace_is_linear(tmp_path: Path) -> None:
    sizes = [4 << 20, (4 << 20) * GROWTH]  # 4 MB and 64 MB, read in 1 MiB blocks
    times = []
    for size in sizes:
        path = tmp_path / f"{size}.txt"
        path.write_bytes(b"a" * size)
        counts = _core.count_files([str(path)])
        assert counts.to_dict() == {"a" * size: 1}
        times.append(_fastest(lambda path=path: _core.count_files([str(path)])))
    assert times[1] / times[0] < BOUND, times


def test_the_command_reads_a_line_without_line_ends_in_linear_time(monkeypatch) -> None:
    monkeypatch.setattr(_inputs, "BLOCK_SIZE", 4096)
    source = _inputs.Source("stdin", None)  # read through the Python reader
    times = []
    for size in (256 << 10, (256 << 10) * GROWTH):
        data = b"word" * (size // 4)

        def read(data: bytes = data) -> list[list[str]]:
            return list(_inputs._blocks(source, io.BytesIO(data), "strict", _inputs.ReadStats()))

        assert read() == [[data.decode()]]
        times.append(_fastest(read))
    assert times[1] / times[0] < BOUND, times


def test_distributed_reading_of_a_line_without_line_ends_is_linear(tmp_path: Path) -> None:
    times = []
    for size in (256 << 10, (256 << 10) * GROWTH):
        path = tmp_path / f"{size}.txt"
        path.write_bytes(b"a" * size + b"\nb\n")

        def read(path: Path = path, end: int = size + 3) -> list[tuple[int, bytes]]:
            return list(read_lines(str(path), 0, end, block_size=4096))

        blocks = read()
        assert b"".join(block for _, block in blocks) == path.read_bytes()
        assert [offset for offset, _ in blocks][0] == 0
        times.append(_fastest(read))
    assert times[1] / times[0] < BOUND, times


def test_invalid_utf8_deep_in_a_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.txt"
    path.write_bytes(b"the cat sat\n" * 300_000 + b"on \xff mat\n")
    with pytest.raises(ValueError, match=r"byte offset 3600003 .*line 300001"):
        _core.count_files([str(path)])


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs a FIFO")
def test_ctrl_c_stops_counting_an_endless_word(tmp_path: Path) -> None:
    # A writer feeds a FIFO one word that never ends: the reader never finds a cut, so
    # only a stop check inside its read loop lets Ctrl-C through.
    setup = f"""
import os, threading
fifo = {str(tmp_path / "endless")!r}
os.mkfifo(fifo)
def feed():
    with open(fifo, "wb") as out:
        block = b"a" * (1 << 20)
        while True:
            out.write(block)
            time.sleep(0.01)
threading.Thread(target=feed, daemon=True).start()
"""
    elapsed = interrupt(
        setup,
        "BPE.train([fifo], num_merges=10)",
        "assert BPE.train_from_counts({'low': 5, 'lower': 2}, num_merges=3).merges",
        delay=0.5,
    )
    assert elapsed < 1.0


# --- max_word_bytes: a run without whitespace is refused once the limit is read ---------


class Endless(io.RawIOBase):
    """A stream of ``pattern`` for ever, failing the test once ``budget`` bytes are read:
    a reader that holds a whole line (or word) would otherwise read until memory runs out.
    """

    def __init__(self, pattern: bytes, budget: int) -> None:
        self.pattern = pattern
        self.budget = budget
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        assert self.served < self.budget, f"read {self.served} bytes: the reader holds it all"
        size = len(buffer)
        start = self.served % len(self.pattern)
        data = (self.pattern * (size // len(self.pattern) + 2))[start : start + size]
        buffer[:size] = data
        self.served += size
        return size


def _endless_source(monkeypatch, pattern: bytes, budget: int) -> list[_inputs.Source]:
    stream = io.BufferedReader(Endless(pattern, budget))
    monkeypatch.setattr(_inputs, "open_source", lambda source: (stream, stream))
    return [_inputs.Source("<stdin>", None)]


def test_the_command_refuses_an_endless_word_past_max_word_bytes(monkeypatch) -> None:
    sources = _endless_source(monkeypatch, b"a", budget=16 << 20)
    lines = _inputs.read_lines(sources, whole_lines=False, max_word_bytes=1 << 20)
    with pytest.raises(InvalidArgumentError, match=r"<stdin> .*byte offset 0 \(line 1\)") as info:
        next(lines)
    assert info.value.argument == "max_word_bytes"


def test_counting_reads_an_endless_line_in_pieces_cut_at_whitespace(monkeypatch) -> None:
    # One line that never ends, of short words: counting needs no line end to go on.
    sources = _endless_source(monkeypatch, b"the cat sat ", budget=16 << 20)
    pieces = list(itertools.islice(_inputs.read_lines(sources, whole_lines=False), 3))
    for piece in pieces:
        assert piece.split()[0] in ("the", "cat", "sat") and piece.endswith(" ")
        assert set(piece.split()) <= {"the", "cat", "sat"}


def test_distributed_reading_refuses_a_word_past_max_word_bytes(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"ok\nfine \n" + b"a" * 100_000 + b"\n")
    with pytest.raises(InvalidArgumentError, match=r"long\.txt .*byte offset 9 \(line 3\)"):
        list(read_lines(str(path), 0, path.stat().st_size, 4096, max_word_bytes=10_000))
    # A range starting further on names the same place.
    with pytest.raises(InvalidArgumentError, match=r"byte offset 9 \(line 3\)"):
        list(read_lines(str(path), 4, path.stat().st_size, 4096, max_word_bytes=10_000))
    blocks = list(read_lines(str(path), 0, path.stat().st_size, 4096, max_word_bytes=100_000))
    assert b"".join(block for _, block in blocks) == path.read_bytes()


def test_distributed_reading_cuts_a_long_line_at_whitespace(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    path.write_bytes(b"word " * 100_000)
    blocks = list(read_lines(str(path), 0, path.stat().st_size, 4096))
    # A block is what was read plus the carried start of its first word.
    assert len(blocks) > 100 and all(len(block) <= 4096 + 4 for _, block in blocks)
    assert all(block.endswith(b" ") for _, block in blocks)
    offsets = [offset for offset, _ in blocks]
    assert offsets == [sum(len(b) for _, b in blocks[:i]) for i in range(len(blocks))]


def _first_long_run(data: bytes, limit: int) -> tuple[int, int] | None:
    """The naive answer: every run, from the start, split at the break bytes."""
    for match in re.finditer(rb"[^ \t\n\r\x0b\x0c\x1c-\x1f]+", data):
        if len(match.group()) > limit:
            return match.start(), data.count(b"\n", 0, match.start()) + 1
    return None


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=200).map(lambda b: b.translate(bytes(b" a\nb\tc" * 43)[:256])),
    cuts=st.lists(st.integers(0, 200), max_size=6),
    limit=st.integers(1, 12),
)
def test_word_runs_across_blocks_match_the_naive_scan(data: bytes, cuts, limit: int) -> None:
    runs = counting.WordRuns(limit, counting.BREAK_BYTES["whitespace"])
    found = None
    bounds = [0, *sorted(c for c in cuts if c <= len(data)), len(data)]
    for start, end in itertools.pairwise(bounds):
        found = runs.scan(data[start:end])
        if found is not None:
            break
    assert found == _first_long_run(data, limit)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs a FIFO")
def test_max_word_bytes_stops_counting_an_endless_word(tmp_path: Path) -> None:
    # Without the limit this read goes on until memory runs out (see the Ctrl-C test).
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as out:
            while True:
                out.write(b"a" * (1 << 20))

    threading.Thread(target=feed, daemon=True).start()
    start = time.perf_counter()
    with pytest.raises(InvalidArgumentError, match=r"endless .*byte offset 0 \(line 1\)"):
        BPE.train([fifo], num_merges=10, max_word_bytes=4 << 20)
    assert time.perf_counter() - start < 10
