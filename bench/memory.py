"""Peak memory of training: does it grow with distinct words, not with bytes?

Trains WordPiece (BERT pre-tokenizer) and BPE (whitespace) on ``en-100m.txt`` and on a
file of about 1 GB made by repeating it: the same distinct words, ten times the bytes.
Counting streams, so the two peaks should be close; a peak that grew tenfold would mean
something holds the corpus in memory. Every run is a fresh process; its peak RSS is the
kernel's ``ru_maxrss`` from ``wait4``, so nothing is sampled and nothing is missed.

Run it alone on the machine (it reads 2.2 GB and keeps two cores busy for minutes):

    python bench/memory.py --corpora DIR --out FILE

``--corpus NAME`` picks another corpus of DIR and ``--repeat-bytes N`` the size of the
repeated file (a tiny corpus and a few MB make a smoke run). The repeated file is
written to ``--tmp`` (default: the system temp dir) and removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, sys, time
from subword import BPE, WordPiece
from subword.models import _counting
path, model, size, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
threads = None if threads == "all" else int(threads)
pre = "bert" if model == "wordpiece" else "whitespace"
start = time.perf_counter()
# What Model.train(files) does, split so that the distinct words can be reported.
counts = _counting.count_words([path], pre_tokenizer=pre, threads=threads)
counted = time.perf_counter()
if model == "wordpiece":
    trained = WordPiece.train_from_counts(counts, vocab_size=size, threads=threads)
else:
    trained = BPE.train_from_counts(counts, vocab_size=size, threads=threads)
done = time.perf_counter()
print(json.dumps({"distinct_words": len(counts), "vocab": trained.vocab_size,
                  "count_s": counted - start, "train_s": done - counted}))
"""

BASELINE = "import subword, subword.models._counting"


def run_child(args: list[str]) -> tuple[dict, float, float]:
    """Runs a fresh interpreter; returns its JSON line, peak RSS in MB and wall seconds."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    # wait4 reports this child's own peak RSS (KiB on Linux), unlike RUSAGE_CHILDREN,
    # which is the largest of all children so far.
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    out = process.stdout.read().decode()
    err = process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"memory.py: child failed:\n{err}")
    result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    return result, usage.ru_maxrss / 1024, wall


def repeat_file(source: Path, target: Path, size: int) -> int:
    """Writes `source` again and again into `target` until it holds at least `size` bytes."""
    data = source.read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    written = 0
    with open(target, "wb") as out:
        while written < size:
            out.write(data)
            written += len(data)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, required=True, help="folder of the corpora")
    parser.add_argument("--out", type=Path, required=True, help="markdown file to write")
    parser.add_argument("--corpus", default="en-100m.txt", help="corpus file in --corpora")
    parser.add_argument("--repeat-bytes", type=int, default=10**9, help="size of the repeated file")
    parser.add_argument("--models", default="wordpiece,bpe")
    parser.add_argument("--vocab-size", type=int, default=30522)
    parser.add_argument("--threads", default="all", help="'all' or a number")
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()

    source = args.corpora / args.corpus
    if not source.is_file():
        raise SystemExit(f"memory.py: {source}: no such file (run ../shared/corpora/fetch DIR)")
    _, baseline_mb, _ = run_child([BASELINE])
    repeated = args.tmp / f"subword-memory-{os.getpid()}-{args.corpus}"
    rows = []
    try:
        size = repeat_file(source, repeated, args.repeat_bytes)
        for path, nbytes in ((source, source.stat().st_size), (repeated, size)):
            for model in args.models.split(","):
                result, peak, wall = run_child(
                    [CHILD, str(path), model, str(args.vocab_size), args.threads]
                )
                rows.append((path, nbytes, model, result, peak, wall))
                print(
                    f"{path.name} ({nbytes / 1e6:,.0f} MB) {model}: peak {peak:,.0f} MB, "
                    f"{result['distinct_words']:,} distinct words, {wall:.1f} s",
                    file=sys.stderr,
                )
    finally:
        repeated.unlink(missing_ok=True)

    lines = [
        "## Peak memory of training (counting streams)",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- machine: {os.cpu_count()} cores, {platform.platform()}, "
        f"Python {platform.python_version()}",
        f"- command: `python bench/memory.py --corpora {args.corpora} --out {args.out}"
        f"{'' if args.corpus == 'en-100m.txt' else ' --corpus ' + args.corpus}"
        f"{'' if args.repeat_bytes == 10**9 else f' --repeat-bytes {args.repeat_bytes}'}`",
        f"- vocab size {args.vocab_size}, threads {args.threads}; each row a fresh process; "
        f"peak RSS from wait4 (an interpreter that only imports subword peaks at "
        f"{baseline_mb:,.0f} MB). The repeated file has the same distinct words as "
        f"{args.corpus} and about {args.repeat_bytes / source.stat().st_size:.0f}x its bytes.",
        "",
        "| corpus | MB | model | distinct words | peak RSS MB | count s | train s | wall s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path, nbytes, model, result, peak, wall in rows:
        name = args.corpus if path == source else f"{args.corpus} repeated"
        lines.append(
            f"| {name} | {nbytes / 1e6:,.0f} | {model} | {result['distinct_words']:,} | "
            f"{peak:,.0f} | {result['count_s']:.1f} | {result['train_s']:.1f} | {wall:.1f} |"
        )
    models = args.models.split(",")
    lines.append("")
    for model in models:
        small = next(r for r in rows if r[2] == model and r[0] == source)
        big = next(r for r in rows if r[2] == model and r[0] != source)
        lines.append(
            f"- {model}: {big[1] / small[1]:.1f}x the bytes -> {big[4] / small[4]:.2f}x the peak "
            f"memory ({small[4]:,.0f} -> {big[4]:,.0f} MB)."
        )
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
