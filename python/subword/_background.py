"""A batch's parts encoded on a background thread while the calling thread uses them.

The Rust half of a batch call runs without the GIL; the Python half (building lists,
windows, labels) holds it. One after the other, a second core can only speed up the
first. Cut into parts, the next part's Rust work runs on a background thread while this
thread makes the Python objects of the part before, so both cores work at once. The
results are the same as encoding the whole batch at once and cutting it afterwards.

Only worth it when the process's pool has more than one thread
(:func:`subword._core.default_threads`): with one, a call must stay on one core.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from queue import SimpleQueue
from typing import TypeVar

__all__ = ["in_background", "part_bounds"]

T = TypeVar("T")
R = TypeVar("R")


def part_bounds(n_items: int, parts: int, max_part: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each of ``parts`` near-equal parts, none over ``max_part`` items.

    >>> part_bounds(1000, 4, 4096)
    [(0, 250), (250, 500), (500, 750), (750, 1000)]
    >>> part_bounds(10, 4, 2)
    [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
    """
    size = max(1, min(-(-n_items // parts), max_part))
    return [(start, min(start + size, n_items)) for start in range(0, n_items, size)]


@contextmanager
def in_background(function: Callable[[T], R], parts: Sequence[T]) -> Iterator[Iterator[R]]:
    """``function(part)`` of each part, in order, computed on a background thread.

    The thread works through the parts while the caller takes their results; an
    exception of ``function`` is raised to the caller when it reaches that part. Leaving
    the block (done, or on an exception such as ``KeyboardInterrupt``) stops the thread
    after its current part and waits for it: no thread outlives the block.

    >>> with in_background(len, ["ab", "c", ""]) as lengths:
    ...     list(lengths)
    [2, 1, 0]
    """
    results: SimpleQueue[tuple[bool, R | BaseException]] = SimpleQueue()
    stopped = threading.Event()

    def work() -> None:
        for part in parts:
            if stopped.is_set():
                return
            try:
                results.put((True, function(part)))
            except BaseException as error:  # raised again on the calling thread
                results.put((False, error))
                return

    def taken() -> Iterator[R]:
        for _ in parts:
            done, result = results.get()
            if not done:
                assert isinstance(result, BaseException)
                raise result
            yield result  # type: ignore[misc]  # done: a result of function

    worker = threading.Thread(target=work, name="subword-background", daemon=True)
    worker.start()
    try:
        yield taken()
    finally:
        stopped.set()
        worker.join()
