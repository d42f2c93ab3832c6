"""Distributed benchmark: counting and encoding on a local Dask cluster of 1 and 2 workers.

Per phase, as ``docs/distributed.md`` models them:

- **counting** ``CORPORA/en-SIZE.txt`` (whitespace and BERT pre-tokenization): the range
  tasks (read + pre-tokenize + count, ∝ bytes / workers) and the tree merge of their
  partial tables (∝ distinct words), timed apart, with a local single-process baseline,
  and the same runs with the code before #16 (``_before``: tables pickled as dicts, BERT
  normalization of every line instead of every distinct chunk);
- **training** from the counts on the client (the merge loop: ∝ distinct words and merges,
  independent of bytes), for a 10 MB and the SIZE corpus side by side;
- **encoding** a Dask DataFrame of the corpus lines with ``BertTokenizer``
  (``truncation=True, max_length=128``), results kept on the workers, with a local
  single-process baseline.

Median of ``--repeat`` runs; the cluster is started before the clock runs.

    python bench/distributed.py --corpora ../corpora --out /tmp/distributed.md
    python bench/distributed.py --corpora /tmp/c --size 1m --encode-mb 1 --repeat 1 \
        --out /tmp/smoke.md   # smoke test
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# This file's name shadows the `distributed` package while its folder leads sys.path: move
# the folder to the end (still found for `_harness`, also by the spawned worker processes).
HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p != HERE] + [HERE]

import _before  # noqa: E402
import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
from _harness import header  # noqa: E402
from dask import delayed  # noqa: E402
from distributed import Client, LocalCluster, wait  # noqa: E402
from subword import BPE, BertTokenizer, WordPiece  # noqa: E402
from subword import distributed as sd  # noqa: E402
from subword.counting import count_words as local_count  # noqa: E402

PACKAGES = ["subword", "dask", "distributed", "pandas", "pyarrow"]
ENCODE_OPTIONS = dict(truncation=True, max_length=128)


def median_time(run: Callable[[], object], repeat: int) -> float:
    """Median wall seconds of ``run()``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


#: How each counting run's tasks count a range and merge two tables: today's code, and
#: the code before #16 (``_before``: BERT pre-tokenization of every line, and tables that
#: pickle as dicts between workers; whitespace counting itself did not change).
VARIANTS = {
    "now": {"whitespace": sd.count_range, "bert": sd.count_range, "merge": sd.merge_counts},
    "before #16": {
        "whitespace": _before.count_range_dict_pickled,
        "bert": _before.count_range_per_line_dict_pickled,
        "merge": _before.merge_dict_pickled,
    },
}


def count_phases(
    client: Client, path: Path, pre_tokenizer: str, variant: str = "now"
) -> tuple[float, float]:
    """Seconds of the range tasks and of the tree merge of their tables, timed apart."""
    options = (pre_tokenizer, True, None, "strict")
    ranges = sd.byte_ranges([path], sd.auto_chunk_size([path]))
    # Tasks made with pure=False get fresh keys: a repeat must recompute, not reuse (or
    # collide with the cancellation of) the previous run's results.
    count, merge = VARIANTS[variant][pre_tokenizer], VARIANTS[variant]["merge"]
    parts = [delayed(count, pure=False)(*r, *options) for r in ranges]
    start = time.perf_counter()
    parts = client.persist(parts)
    wait(parts)
    counted = time.perf_counter()
    tree_merge(parts, merge).compute()
    merged = time.perf_counter()
    client.cancel(parts)
    return counted - start, merged - counted


def tree_merge(parts: list, merge: Callable) -> object:
    """``sd._tree_merge``'s tree (``SPLIT_EVERY`` tables a task) with the given merge."""
    task = delayed(merge, pure=False)
    while len(parts) > 1:
        parts = [task(*parts[i : i + sd.SPLIT_EVERY]) for i in range(0, len(parts), sd.SPLIT_EVERY)]
    return parts[0]


def counting_rows(path: Path, workers: list[int], repeat: int) -> list[str]:
    """Markdown rows: MB/s of local and distributed counting, per pre-tokenizer, now and
    before #16."""
    megabytes = path.stat().st_size / 1e6
    rows = []
    for pre in ("whitespace", "bert"):
        local = median_time(lambda p=pre: local_count(path, pre_tokenizer=p, threads=1), repeat)
        rows.append(f"| {pre} | local, 1 thread | {local:.2f} | | {megabytes / local:.1f} | |")
        for n in workers:
            with cluster(n) as client:
                for variant in VARIANTS:
                    runs = [count_phases(client, path, pre, variant) for _ in range(repeat)]
                    ranges = statistics.median(r for r, _ in runs)
                    merge = statistics.median(m for _, m in runs)
                    total = ranges + merge
                    run = f"{n} worker{'s' * (n > 1)}"
                    run += f", *{variant}*" if variant != "now" else ""
                    rows.append(
                        f"| {pre} | {run} | {ranges:.2f} | {merge:.2f} "
                        f"| {megabytes / total:.1f} | {megabytes / ranges / n:.1f} |"
                    )
    return rows


def training_rows(paths: list[Path], repeat: int) -> list[str]:
    """Markdown rows: merge-loop seconds from counts, against bytes and distinct words."""
    rows = []
    for path in paths:
        words = local_count(path)
        bert_words = local_count(path, pre_tokenizer="bert")
        bpe = median_time(lambda w=words: BPE.train_from_counts(w, vocab_size=32000), repeat)
        wp = median_time(
            lambda w=bert_words: WordPiece.train_from_counts(w, vocab_size=30522), repeat
        )
        rows.append(
            f"| {path.name} | {path.stat().st_size / 1e6:.0f} | {len(words):,} | {bpe:.2f} "
            f"| {len(bert_words):,} | {wp:.2f} |"
        )
    return rows


def encoding_rows(lines: list[str], vocab: Path, workers: list[int], repeat: int) -> list[str]:
    """Markdown rows: MB/s of local batch encoding and of distributed.encode."""
    tokenizer = BertTokenizer(vocab)
    megabytes = sum(len(line.encode()) + 1 for line in lines) / 1e6
    local = median_time(lambda: tokenizer(lines, **ENCODE_OPTIONS), repeat)
    rows = [f"| local, 1 process | {local:.2f} | {megabytes / local:.1f} | |"]
    for n in workers:
        with cluster(n) as client:
            frame = dd.from_pandas(pd.DataFrame({"text": lines}), npartitions=8 * n)
            frame = client.persist(frame)  # the text is on the workers before the clock runs
            wait(frame)
            seconds = median_time(lambda f=frame: encode_on_workers(client, f, tokenizer), repeat)
        rows.append(
            f"| {n} worker{'s' * (n > 1)} | {seconds:.2f} | {megabytes / seconds:.1f} "
            f"| {megabytes / seconds / n:.1f} |"
        )
    return rows


def encode_on_workers(client: Client, frame, tokenizer) -> None:
    encoded = client.persist(sd.encode(frame, "text", tokenizer, **ENCODE_OPTIONS))
    wait(encoded)
    client.cancel(encoded)


class cluster:
    """A local cluster of ``n`` single-threaded worker processes and its client."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __enter__(self) -> Client:
        self.local = LocalCluster(
            n_workers=self.n, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        self.client = Client(self.local)
        return self.client

    def __exit__(self, *exc) -> None:
        self.client.close()
        self.local.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", default="100m", help="count CORPORA/en-SIZE.txt")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--encode-mb", type=float, default=10, help="MB of lines to encode")
    parser.add_argument("--sections", default="counting,training,encoding",
                        help="which sections to run (default: all three)")
    args = parser.parse_args()
    workers = [int(n) for n in args.workers.split(",")]
    wanted = args.sections.split(",")
    corpus = args.corpora / f"en-{args.size}.txt"
    small = args.corpora / "en-10m.txt"
    train_paths = [small, corpus] if small.exists() and small != corpus else [corpus]
    dask.config.set({"distributed.worker.daemon": True})
    sections = [
        "## Distributed counting and encoding (`bench/distributed.py`)",
        header(PACKAGES),
        f"- command: `python bench/distributed.py {shlex.join(sys.argv[1:])}`",
    ]
    if "counting" in wanted:
        sections += [
            f'\n### Counting `{corpus.name}` (`chunk_size="auto"`: 4 tasks per worker, '
            f"{sd.MIN_CHUNK_SIZE >> 20}-{sd.CHUNK_SIZE >> 20} MiB each)\n",
            "Rows marked *before #16* run the code this issue replaced, in the same run "
            "(`bench/_before.py`): partial tables pickled between workers as dicts (now as "
            "compact bytes, `WordCounts.to_bytes`), and for BERT, BasicTokenizer on every "
            "line of a range (now once per distinct chunk between spaces, tabs and line "
            "ends, as local counting does).\n",
            "| pre-tokenizer | run | range tasks s | tree merge s | MB/s "
            "| MB/s per worker (ranges) |",
            "|---|---|---|---|---|---|",
            *counting_rows(corpus, workers, args.repeat),
        ]
    if "training" in wanted:
        sections += [
            "\n### Training from counts on the client (the merge loop)\n",
            "| corpus | MB | distinct words | BPE 32k s | distinct BERT words "
            "| WordPiece 30522 s |",
            "|---|---|---|---|---|---|",
            *training_rows(train_paths, args.repeat),
        ]
    if "encoding" in wanted:
        vocab = args.corpora / "bert-base-uncased-vocab.txt"
        sections += [
            f"\n### Encoding {args.encode_mb:g} MB of lines with BertTokenizer "
            f"(`{ENCODE_OPTIONS}`)\n",
            "| run | s | MB/s | MB/s per worker |",
            "|---|---|---|---|",
            *encoding_rows(read_lines(corpus, args.encode_mb), vocab, workers, args.repeat),
        ]
    report = "\n".join(sections) + "\n"
    args.out.write_text(report, encoding="utf-8")
    print(report)


def read_lines(path: Path, megabytes: float) -> list[str]:
    """The first ``megabytes`` of whole lines of ``path``."""
    with open(path, encoding="utf-8") as stream:
        text = stream.read(int(megabytes * 1e6))
    return text.split("\n")[:-1]


if __name__ == "__main__":
    main()
