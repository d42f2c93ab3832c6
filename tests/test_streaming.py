"""Streaming readers: linear in the input however long a word or line, and interruptible.

A reader that carries the unfinished end of a block over to the next one must search only
the bytes it just read: input without whitespace (or without line ends) otherwise costs
the square of its length. These tests compare a small and a 16 times larger input of one
enormous word: linear reading takes about 16 times as long, quadratic reading about 256
times; the bound of 64 leaves room for a noisy machine on either side.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from interrupt import interrupt
from subword import _core
from subword.cli import _inputs
from subword.distributed import read_lines

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
