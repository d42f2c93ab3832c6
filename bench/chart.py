"""Draws bench/results.png from bench/RESULTS.md: per task, how many times faster subword is.

Every table in RESULTS.md with a ``tool`` and a ``time ratio`` column contributes one bar
per anchor row (ratio = anchor time / subword time, so a bar above 1 means subword is
faster). Usage: ``python bench/chart.py [RESULTS.md] [results.png]``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent


def _short(heading: str) -> str:
    """``## BPE: subword vs ...`` -> ``BPE``; ``### Training (word...)`` -> ``training``."""
    return re.split(r"[:(`]", heading.lstrip("#").strip())[0].strip()


def tables(markdown: str) -> list[tuple[str, list[dict[str, str]]]]:
    """Each Markdown table under its headings (``section subsection``), as rows."""
    found, section, subsection, lines = [], "", "", markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section, subsection = _short(line), ""
        elif line.startswith("### "):
            subsection = _short(line).lower()
        heading = f"{section} {subsection}".strip()
        if line.startswith("|") and i + 1 < len(lines) and re.match(r"^\|[-| :]+\|$", lines[i + 1]):
            header = [cell.strip() for cell in line.strip("|").split("|")]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = [cell.strip() for cell in lines[i].strip("|").split("|")]
                rows.append(dict(zip(header, cells, strict=False)))
                i += 1
            found.append((heading, rows))
            continue
        i += 1
    return found


def bars(markdown: str) -> list[tuple[str, float]]:
    """(label, anchor time / subword time) for every anchor row of every ratio table."""
    result = []
    for heading, rows in tables(markdown):
        for row in rows:
            tool, ratio = row.get("tool", ""), row.get("time ratio", "")
            if not tool or tool.startswith("subword") or not re.match(r"^[\d.]+$", ratio):
                continue
            setting = " ".join(
                f"{key}={row[key]}"
                for key in ("case", "corpus", "model", "vocab", "threads")
                if row.get(key)
            )
            result.append((f"{heading} · {tool} · {setting}", float(ratio)))
    return result


def main() -> None:
    """Reads RESULTS.md and writes the chart."""
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "RESULTS.md"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "results.png"
    data = bars(source.read_text(encoding="utf-8"))
    if not data:
        raise SystemExit(f"{source}: no table with 'tool' and 'time ratio' columns")
    labels, ratios = zip(*data, strict=True)
    figure, axes = plt.subplots(figsize=(11, 0.28 * len(data) + 1.5))
    colors = ["tab:green" if r >= 1 else "tab:red" for r in ratios]
    # Bars grow from 1 (parity) to the ratio, so a slower case points left.
    axes.barh(range(len(data)), [r - 1 for r in ratios], left=1, color=colors)
    axes.set_yticks(range(len(data)), labels, fontsize=7)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    axes.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.axvline(1, color="black", linewidth=0.8)
    axes.set_xlabel("anchor time / subword time (log scale; > 1: subword is faster)")
    axes.set_title("How many times faster subword is than each anchor")
    figure.tight_layout()
    figure.savefig(target, dpi=110)
    print(f"wrote {target} ({len(data)} bars)")


if __name__ == "__main__":
    main()
