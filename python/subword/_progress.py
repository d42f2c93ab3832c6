"""Progress bars for long calls, drawn with tqdm on stderr.

The Rust core reports ``(phase, done, total)`` every 100 ms at most; :class:`ProgressBar`
turns those reports into one bar per phase (bytes while counting, merges while merging,
passes over the words while refining a WordPiece vocabulary).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from tqdm import tqdm

ProgressCallback = Callable[[str, int, int], None]

_UNITS = {
    "counting": ("reading", "B", True),
    "merging": ("merging", " merges", False),
    "refining": ("refining", " passes", False),
}


class ProgressBar:
    """A callable for the core's ``progress=`` argument that draws tqdm bars on stderr.

    Example:
        >>> bar = ProgressBar(disable=True)
        >>> bar("merging", 5, 10)
        >>> bar.close()

    """

    def __init__(self, disable: bool = False) -> None:
        self.disable = disable
        self._bars: dict[str, tqdm] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        """Moves the bar of ``phase`` to ``done`` of ``total``."""
        bar = self._bars.get(phase)
        if bar is None:
            for other in self._bars.values():
                other.close()
            desc, unit, scale = _UNITS.get(phase, (phase, "", False))
            bar = tqdm(
                total=total or None,
                desc=desc,
                unit=unit,
                unit_scale=scale,
                disable=self.disable,
                file=sys.stderr,
                leave=False,
            )
            self._bars[phase] = bar
        if total and bar.total != total:  # the total may be known only once work starts
            bar.total = total
        bar.update(done - bar.n)

    def close(self) -> None:
        """Closes every bar."""
        for bar in self._bars.values():
            bar.close()


def resolve(progress: bool | ProgressCallback | None) -> ProgressCallback | None:
    """Turns the public ``progress=`` argument into a callback for the core (or ``None``)."""
    if progress is None or progress is False:
        return None
    if progress is True:
        return ProgressBar(disable=not sys.stderr.isatty())
    if callable(progress):
        return progress
    raise TypeError(f"progress must be a bool or a callable, got {type(progress).__name__}")
