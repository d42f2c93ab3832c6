"""subword against subword-nmt, the reference BPE, on the small corpus.

subword-nmt is pure Python, so it is measured on ``en-1m.txt`` only, with every run of
whitespace inside a line made one space (subword-nmt splits on spaces, subword as
``str.split()``; on such text the two must agree exactly, and this script checks that they
do: the same merges, and the same segmentation of every line).

- learning: ``subword.BPE.train(file, num_merges=N, min_frequency=2)`` against
  ``subword_nmt.learn_bpe.learn_bpe(..., num_symbols=N, min_frequency=2, num_workers=T)``;
- applying: every line of the file, subword ``encode_batch`` (ids) and, one line per call,
  ``tokenize`` (the symbols), against subword-nmt ``BPE(codes).process_lines(file, out,
  num_workers=T)`` (the ``apply_bpe`` command's loop).

Every run is a fresh process (see ``_harness``).

    python bench/nmt.py --corpora ../corpora --out /tmp/subword-nmt.md
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

from _harness import (
    Row,
    add_threads_option,
    baseline,
    emit,
    header,
    int_list,
    log,
    markdown_table,
    measure,
    mismatches,
)

OURS, PER_LINE, NMT = "subword", "subword: tokenize, one line per call", "subword-nmt"


# --- workers: each runs in a fresh process ---------------------------------------------------


def learn_ours(threads: int, file: str, merges: int, save: str) -> dict:
    from subword import BPE

    start = time.perf_counter()
    bpe = BPE.train(file, num_merges=merges, min_frequency=2, threads=threads)
    seconds = time.perf_counter() - start
    bpe.save(save)
    return {"seconds": seconds, "merges": len(bpe.merges)}


def learn_nmt(threads: int, file: str, merges: int, codes: str) -> dict:
    from subword_nmt.learn_bpe import learn_bpe

    start = time.perf_counter()
    with open(file, encoding="utf-8") as infile, open(codes, "w", encoding="utf-8") as out:
        learn_bpe(infile, out, merges, min_frequency=2, num_workers=threads)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "merges": len(_codes(codes))}


def _codes(path: str) -> list[tuple[str, str]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split(" ")) for line in lines if not line.startswith("#version")]


def apply_ours(threads: int, file: str, model: str) -> dict:
    from subword import BPE

    bpe = BPE.load(model)
    start = time.perf_counter()
    lines = Path(file).read_text(encoding="utf-8").split("\n")
    bpe.encode_batch(lines, threads=threads)
    return {"seconds": time.perf_counter() - start}


def apply_per_line(threads: int, file: str, model: str) -> dict:
    from subword import BPE

    bpe = BPE.load(model)
    start = time.perf_counter()
    for line in Path(file).read_text(encoding="utf-8").split("\n"):
        bpe.tokenize(line)
    return {"seconds": time.perf_counter() - start}


def apply_nmt(threads: int, file: str, codes: str, out: str) -> dict:
    from subword_nmt.apply_bpe import BPE

    with open(codes, encoding="utf-8") as codes_file:
        bpe = BPE(codes_file)
    start = time.perf_counter()
    bpe.process_lines(file, open(out, "w", encoding="utf-8"), num_workers=threads)
    return {"seconds": time.perf_counter() - start}


def _as_nmt(tokens: list[str]) -> str:
    """subword's symbols of a line in subword-nmt's notation (``@@`` inside a word)."""
    return " ".join(t[: -len("</w>")] if t.endswith("</w>") else t + "@@" for t in tokens)


def check(threads: int, file: str, model: str, codes: str) -> dict:
    """Compares the merges, then every line's segmentation."""
    from subword import BPE
    from subword_nmt.apply_bpe import BPE as NmtBPE

    ours = BPE.load(model)
    with open(codes, encoding="utf-8") as codes_file:
        theirs = NmtBPE(codes_file)
    lines = Path(file).read_text(encoding="utf-8").split("\n")
    bad = mismatches([_as_nmt(ours.tokenize(line)) for line in lines],
                     [theirs.process_line(line).strip() for line in lines])
    return {"same_merges": [list(m) for m in ours.merges] == [list(m) for m in _codes(codes)],
            "lines": len(lines), "mismatches": len(bad), "first": bad[0] if bad else None}


# --- driver ---------------------------------------------------------------------------------


def spaced(source: Path, target: Path) -> int:
    """``source`` with each run of whitespace inside a line made one space."""
    lines = source.read_text(encoding="utf-8").split("\n")
    text = "\n".join(" ".join(line.split()) for line in lines)
    target.write_text(text, encoding="utf-8")
    return len(text.encode())


def run(args: argparse.Namespace, tmp: Path) -> tuple[list[Row], list[Row], str]:
    file = tmp / "en-1m-spaced.txt"
    nbytes = spaced(args.corpora / args.corpus, file)
    model, codes = tmp / "model", tmp / "codes.txt"
    learn, apply = [], []
    for threads in int_list(args.threads):
        group = {"merges": str(args.merges), "threads": str(threads)}
        for tool, target, extra in ((OURS, "nmt:learn_ours", {"save": str(model)}),
                                    (NMT, "nmt:learn_nmt", {"codes": str(codes)})):
            m = measure(target, threads=threads, repeat=args.repeat, file=str(file),
                        merges=args.merges, **extra)
            learn.append(Row(group, tool, m, note=f"{m.value['merges']} merges", nbytes=nbytes))
            log(f"learn {group} {tool}: {m.time:.2f} s")
    result = measure("nmt:check", threads=1, repeat=1, file=str(file), model=str(model),
                     codes=str(codes)).value
    verdict = (f"- merges: {'identical' if result['same_merges'] else 'DIFFERENT'}; "
               f"segmentations: " + ("identical on all" if not result["mismatches"] else
                                     f"DIFFERENT on {result['mismatches']} of the")
               + f" {result['lines']:,} lines")
    log(verdict)
    for threads in int_list(args.threads):
        group = {"merges": str(args.merges), "threads": str(threads)}
        jobs = [(OURS, "nmt:apply_ours", {"model": str(model)}),
                (NMT, "nmt:apply_nmt", {"codes": str(codes), "out": str(tmp / "out")})]
        if threads == 1:
            jobs.insert(1, (PER_LINE, "nmt:apply_per_line", {"model": str(model)}))
        for tool, target, extra in jobs:
            m = measure(target, threads=threads, repeat=args.repeat, file=str(file), **extra)
            apply.append(Row(group, tool, m, nbytes=nbytes))
            log(f"apply {group} {tool}: {nbytes / 1e6 / m.time:.2f} MB/s")
    return learn, apply, verdict


def report(args: argparse.Namespace, argv: list[str], learn: list[Row], apply: list[Row],
           verdict: str) -> str:
    command = shlex.join(["python", "bench/nmt.py", *argv])
    empty = baseline().peak / 2**20
    return f"""## subword-nmt: the reference BPE, on the small corpus

{header(["subword", "subword-nmt"])}
- command: `{command}`
- corpus: `{args.corpus}` with whitespace runs made single spaces; each figure: median
  wall time of {args.repeat} runs, largest peak RSS; every run a fresh process (an empty
  worker peaks at {empty:.0f} MB); ratios are subword-nmt / subword.

### Learning {args.merges} merges (`min_frequency=2`)

{markdown_table(learn, OURS)}

### Applying the merges to every line

{markdown_table(apply, OURS)}

subword `encode_batch` returns ids; subword-nmt `process_lines` writes `@@`-joined text
(with `num_workers` processes); "one line per call" is subword's `tokenize` in a Python loop.

{verdict}
"""


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, required=True, help="directory of the corpora")
    parser.add_argument("--corpus", default="en-1m.txt", help="file in --corpora")
    parser.add_argument("--merges", type=int, default=10000, help="merges to learn")
    add_threads_option(parser)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default: 3)")
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-subword-nmt-") as tmp:
        section = report(args, argv, *run(args, Path(tmp)))
    emit(section, args.out)


if __name__ == "__main__":
    main()
