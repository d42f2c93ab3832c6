"""The cyclic garbage collector paused while a call builds many objects.

Each new container counts toward a collection of the youngest generation, and, as the
containers survive, of the older ones, which walk every object the process holds: a
call that builds a million lists (the windows of a thousand long documents) spends
more time in those walks than in its own work. Measured on ``bench/long_documents.py``'s
preprocessing (1,000 contexts, one thread): 4.0 s with the collector running, 2.2 s
with it paused. The objects these calls build hold no reference cycles, so nothing is
left uncollected; whatever cycle other code makes meanwhile is collected once the
collector runs again. Rust's list building pauses it the same way (``rust/python/flat.rs``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the collector for the block, and resume it after if it was running.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
