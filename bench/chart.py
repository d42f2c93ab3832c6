"""Draws bench/results.png from bench/RESULTS.md: how many times faster subword is, and how
cost grows.

Top: every table with a ``tool`` and a ``time ratio`` column, outside the growth section,
gives one bar per anchor row (ratio = anchor time / subword time, so a bar above 1 means
subword is faster). Bottom, from the "Growth" section: training time and peak memory
against corpus size, and encoding throughput against batch size, subword and each anchor.
Usage: ``python bench/chart.py [RESULTS.md] [results.png]``.
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
GROWTH = "Growth"


def _short(heading: str) -> str:
    """``## BPE: subword vs ...`` -> ``BPE``; ``### Training (word...)`` -> ``Training``;
    ``## `subword train` vs HF ...`` -> ``subword train``."""
    text = heading.lstrip("#").replace("`", "").strip()
    return re.split(r"[:(]| vs ", text)[0].strip()


def tables(markdown: str) -> list[tuple[str, list[dict[str, str]]]]:
    """Each Markdown table under its headings (``section subsection``), as rows; the
    subsection keeps its text after a colon (``Encoding against batch size: BPE``)."""
    found, section, subsection, lines = [], "", "", markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section, subsection = _short(line), ""
        elif line.startswith("### "):
            subsection = line[4:].replace("`", "").lower()
            subsection = subsection if section == GROWTH else _short(line).lower()
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
        if heading.startswith(GROWTH):
            continue
        for row in rows:
            tool, ratio = row.get("tool", ""), row.get("time ratio", "")
            ours = tool == "subword" or tool.startswith("subword:")  # ours, or a part of it
            if not tool or ours or not re.match(r"^[\d.]+$", ratio):
                continue
            setting = " ".join(
                f"{key}={row[key]}"
                for key in ("case", "corpus", "model", "vocab", "threads")
                if row.get(key)
            )
            result.append((f"{heading} · {tool} · {setting}", float(ratio)))
    return result


def growth(markdown: str) -> dict[str, list[dict[str, str]]]:
    """The growth section's tables by subsection: ``training ...`` and ``encoding ...: X``."""
    return {heading[len(GROWTH):].strip(): rows for heading, rows in tables(markdown)
            if heading.startswith(GROWTH)}


def _series(rows: list[dict[str, str]], key: str, x: str, y: str) -> dict[str, tuple]:
    """``{label: (xs, ys)}``: one line per distinct ``key`` cells (e.g. model + tool)."""
    lines: dict[str, tuple[list[float], list[float]]] = {}
    for row in rows:
        if row["tool"].startswith("subword:"):  # "counting only" and similar helper rows
            continue
        label = " · ".join(row[k] for k in key.split("+"))
        xs, ys = lines.setdefault(label, ([], []))
        xs.append(float(row[x].replace(",", "")))
        ys.append(float(row[y].replace(",", "")))
    return lines


def _plot(axes, lines: dict[str, tuple], title: str, xlabel: str, ylabel: str) -> None:
    for label, (xs, ys) in lines.items():
        tool = label.split(" · ")[-1]
        style = "-" if tool == "subword" or tool.startswith("subword:") else "--"
        axes.plot(xs, ys, style, marker="o", markersize=3, label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        axis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.set_title(title, fontsize=9)
    axes.set_xlabel(xlabel, fontsize=8)
    axes.set_ylabel(ylabel, fontsize=8)
    axes.tick_params(labelsize=7)
    axes.legend(fontsize=6)
    axes.grid(True, which="major", linewidth=0.3)


def draw_growth(panels: list, found: dict[str, list[dict[str, str]]]) -> None:
    """Training time and memory against MB; encoding MB/s against batch size."""
    training = next((rows for name, rows in found.items() if name.startswith("training")), [])
    _plot(panels[0], _series(training, "model+tool", "MB", "time s"),
          "Training time against corpus size", "corpus MB", "seconds")
    _plot(panels[1], _series(training, "model+tool", "MB", "peak RSS MB"),
          "Training peak memory against corpus size", "corpus MB", "peak RSS MB")
    encoding = [dict(row, task=name.split(":")[1].split(",")[0].strip())
                for name, rows in found.items() if name.startswith("encoding") for row in rows]
    most = max((int(row["threads"]) for row in encoding), default=1)
    encoding = [row for row in encoding if int(row["threads"]) == most]
    _plot(panels[2], _series(encoding, "task+tool", "batch", "MB/s"),
          f"Encoding throughput against batch size ({most} threads)", "lines per call", "MB/s")


def main() -> None:
    """Reads RESULTS.md and writes the chart."""
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "RESULTS.md"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "results.png"
    markdown = source.read_text(encoding="utf-8")
    data, found = bars(markdown), growth(markdown)
    if not data:
        raise SystemExit(f"{source}: no table with 'tool' and 'time ratio' columns")
    labels, ratios = zip(*data, strict=True)
    bar_height = 0.28 * len(data) + 1.5
    figure = plt.figure(figsize=(12, bar_height + (4 if found else 0)), layout="constrained")
    # Subfigures: the bar labels' width must not squeeze the growth panels.
    top, bottom = figure.subfigures(2, 1, height_ratios=[bar_height, 4]) if found else (figure,
                                                                                       None)
    axes = top.subplots()
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
    if bottom is not None:
        draw_growth(list(bottom.subplots(1, 3)), found)
    figure.savefig(target, dpi=110)
    print(f"wrote {target} ({len(data)} bars{', growth panels' if found else ''})")


if __name__ == "__main__":
    main()
