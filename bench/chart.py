"""Draws bench/results.png from bench/RESULTS.md: how many times faster subword is, and how
cost grows.

Top: every table with a ``tool`` and a ``time ratio`` column, outside the growth section,
gives one bar per anchor row (ratio = anchor time / subword time, so a bar above 1 means
subword is faster). Middle, from the "Growth" section: training time and peak memory
against corpus size, and encoding throughput against batch size, subword and each anchor.
Bottom, from the "Vocabulary quality" section: each tool's held-out tokens per word over
Hugging Face's at the same size (below 1: shorter sequences than Hugging Face's).
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
QUALITY = "Vocabulary quality"
HF_TRAINER = "HF WordPieceTrainer"
TOP = 1.06  # the quality panel's upper limit: the differences that matter are a few %


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
            ours = tool.startswith("subword")  # ours, a part or another form of it
            if not tool or ours or not re.match(r"^[\d.]+$", ratio):
                continue
            setting = " ".join(
                f"{key}={row[key]}"
                for key in ("case", "call", "corpus", "model", "vocab", "threads")
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


def quality(markdown: str) -> list[dict[str, str]]:
    """The rows of the vocabulary-quality table (empty when the section is missing)."""
    return next((rows for heading, rows in tables(markdown) if heading.startswith(QUALITY)), [])


def draw_quality(axes, rows: list[dict[str, str]]) -> None:
    """Grouped bars: tokens per word / Hugging Face's, per corpus and size, per tool."""
    settings = list(dict.fromkeys(f"{row['corpus']} {row['vocab']}" for row in rows))
    # PMI (about 2x) would flatten every other bar; the table has it.
    tools = [t for t in dict.fromkeys(row["tool"] for row in rows)
             if t != HF_TRAINER and not t.endswith(" pmi")]
    width = 0.8 / max(len(tools), 1)
    for i, tool in enumerate(tools):
        values = {f"{r['corpus']} {r['vocab']}": float(r["vs HF"]) for r in rows
                  if r["tool"] == tool}
        shown = [j for j, setting in enumerate(settings) if setting in values]
        xs = [j + (i - (len(tools) - 1) / 2) * width for j in shown]
        axes.bar(xs, [values[settings[j]] - 1 for j in shown], width, bottom=1, label=tool)
        for x, j in zip(xs, shown, strict=True):  # bars cut by the axis keep their value
            if values[settings[j]] > TOP:
                axes.text(x, TOP, f"{values[settings[j]]:.2f}", fontsize=6, ha="center",
                          va="top", rotation=90)
    axes.set_ylim(min(0.97, *(float(r["vs HF"]) for r in rows)) - 0.005, TOP)
    axes.axhline(1, color="black", linewidth=0.8)
    axes.set_xticks(range(len(settings)), settings, fontsize=7)
    axes.set_ylabel("tokens per word / HF's", fontsize=8)
    axes.set_title("Held-out tokens per word against Hugging Face's WordPieceTrainer at the "
                   "same size (below 1: shorter sequences; subword pmi, about 2, in the table)",
                   fontsize=9)
    axes.tick_params(labelsize=7)
    axes.legend(fontsize=6, ncol=3)
    axes.grid(True, axis="y", linewidth=0.3)


def main() -> None:
    """Reads RESULTS.md and writes the chart."""
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "RESULTS.md"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "results.png"
    markdown = source.read_text(encoding="utf-8")
    data, found, rated = bars(markdown), growth(markdown), quality(markdown)
    if not data:
        raise SystemExit(f"{source}: no table with 'tool' and 'time ratio' columns")
    labels, ratios = zip(*data, strict=True)
    bar_height = 0.28 * len(data) + 1.5
    heights = [bar_height, *([4] if found else []), *([3.5] if rated else [])]
    figure = plt.figure(figsize=(12, sum(heights)), layout="constrained")
    # Subfigures: the bar labels' width must not squeeze the panels below.
    parts = list(figure.subfigures(len(heights), 1, height_ratios=heights)) if len(heights) > 1 \
        else [figure]
    top = parts.pop(0)
    bottom = parts.pop(0) if found else None
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
    if rated:
        draw_quality(parts.pop(0).subplots(), rated)
    figure.savefig(target, dpi=110)
    extras = (", growth panels" if found else "") + (", quality panel" if rated else "")
    print(f"wrote {target} ({len(data)} bars{extras})")


if __name__ == "__main__":
    main()
