"""How cost grows with work: training against corpus size, encoding against batch size.

Training: wall time and peak RSS of training BPE (whitespace words, 32k) and WordPiece
(BERT normalization, 30,522) on 1, 10 and 100 MB of English and on a file of about 1 GB
made by repeating the 100 MB one (the same distinct words, ten times the bytes), for
subword and Hugging Face ``tokenizers``. A "subword: counting only" row gives the distinct
words at each size: memory should follow them, not the bytes, since counting streams.

Encoding: MB/s of ``BertTokenizer(batch)`` (subword against transformers, the real
bert-base-uncased vocab) and of BPE ``encode_batch`` (subword against HF, the same merges)
over the same lines, cut into batches of 1 to 4096 lines: what a call costs beyond its work.
Beside them, in the same interleaved rounds, subword as it was before #16 (``--before``,
built by ``bench/build_before``), so a change of a call's cost is measured, not remembered
from an earlier run on another day's machine.

Every run is a fresh process (see ``_harness``). Run it alone (it reads several GB and
keeps every core busy for about 20 minutes):

    python bench/growth.py --corpora ../corpora --out /tmp/growth.md

Smoke test: ``--sizes 1m --repeat-bytes 3000000 --repeat 1 --encode-rounds 1
--encode-bytes 100000``.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import (
    HERE,
    InPython,
    Row,
    add_threads_option,
    baseline,
    describe_ratios,
    emit,
    header,
    int_list,
    log,
    markdown_table,
    measure,
    measure_rounds,
    paired_ratios,
    thread_scaling_lines,
)

OURS, HF, COUNT = "subword", "HF tokenizers", "subword: counting only"
BERT_HF = "transformers BertTokenizer"
#: The parent of #16's first commit: subword before its batch-call work (``--before``).
BEFORE_16 = "8a6f95c"
VOCAB_FILE = "bert-base-uncased-vocab.txt"
# model -> (vocab size, pre-tokenizer, our training target, HF's training target)
MODELS = {
    "bpe": (32000, "whitespace", "bpe:train_ours", "bpe:train_hf"),
    "wordpiece": (30522, "bert", "wordpiece:train_ours", "wordpiece:train_hf"),
}


# --- workers: each runs in a fresh process ---------------------------------------------------


def count(threads: int, file: str, pre_tokenizer: str) -> dict:
    """Counts words as ``Model.train`` does before merging; reports the distinct words."""
    from subword.counting import count_words

    start = time.perf_counter()
    counts = count_words(file, pre_tokenizer=pre_tokenizer, lowercase=pre_tokenizer == "bert",
                         threads=threads)
    return {"seconds": time.perf_counter() - start, "words": len(counts)}


# --- driver ---------------------------------------------------------------------------------


def whole_lines(source: Path, target: Path, size: int, repeat: bool = False) -> int:
    """Writes whole lines of ``source`` to ``target`` until it holds about ``size`` bytes.

    With ``repeat``, the source is written again and again (for the 1 GB file); without,
    the first lines up to ``size`` bytes are taken.
    """
    data = source.read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    if not repeat:
        data = data[: data.rfind(b"\n", 0, size) + 1]
    written = 0
    with open(target, "wb") as out:
        while True:
            out.write(data)
            written += len(data)
            if not repeat or written >= size:
                return written


def corpora(args: argparse.Namespace, tmp: Path) -> list[tuple[str, Path]]:
    """(label, file) per training size: the ``en-SIZE.txt`` files, then the repeated file."""
    files = [(size, args.corpora / f"en-{size}.txt") for size in args.sizes.split(",")]
    for _, file in files:
        if not file.is_file():
            raise SystemExit(f"growth.py: {file}: no such file (run ../shared/corpora/fetch DIR)")
    if args.repeat_bytes:
        source = files[-1][1]
        repeated = tmp / f"{source.stem}-repeated.txt"
        size = whole_lines(source, repeated, args.repeat_bytes, repeat=True)
        label = f"{size / 1e9:.1f}g" if size >= 10**9 else f"{size / 1e6:.0f}m"
        files.append((f"{label} ({source.stem} repeated)", repeated))
    return files


def run_training(args: argparse.Namespace, tmp: Path) -> list[Row]:
    rows = []
    for label, file in corpora(args, tmp):
        nbytes = file.stat().st_size
        file.read_bytes()  # warm the page cache (the 1 GB file fits in RAM here)
        for model, (vocab, pre, ours, theirs) in MODELS.items():
            for threads in int_list(args.train_threads):
                mb = f"{nbytes / 1e6:.1f}" if nbytes < 10**7 else f"{nbytes / 1e6:.0f}"
                group = {"model": model, "corpus": label, "MB": mb, "threads": str(threads)}
                jobs = [(OURS, ours, {"save": str(tmp / "model")} if model == "bpe" else {}),
                        (HF, theirs, {})]
                for tool, target, extra in jobs:
                    m = measure(target, threads=threads, repeat=args.repeat, file=str(file),
                                vocab=vocab, **extra)
                    rows.append(Row(group, tool, m, note=f"vocab {m.value['vocab']}",
                                    nbytes=nbytes))
                    log(f"train {group} {tool}: {m.time:.2f} s, {m.peak / 2**20:.0f} MB")
                m = measure("growth:count", threads=threads, repeat=1, file=str(file),
                            pre_tokenizer=pre)
                rows.append(Row(group, COUNT, m, note=f"{m.value['words']:,} distinct words",
                                nbytes=nbytes))
                log(f"count {group}: {m.value['words']:,} words, {m.peak / 2**20:.0f} MB")
    return rows


def run_encoding(args: argparse.Namespace, tmp: Path) -> tuple[list[Row], list[Row]]:
    text = tmp / "encode.txt"
    nbytes = whole_lines(args.corpora / "en-10m.txt", text, args.encode_bytes)
    vocab = str(args.corpora / VOCAB_FILE)
    bpe_model = tmp / "bpe-10m"
    measure("bpe:train_ours", threads=max(int_list(args.threads)), repeat=1,
            file=str(args.corpora / "en-10m.txt"), vocab=32000, save=str(bpe_model))
    bert = {"tool": OURS, "vocab": vocab, "call": "defaults"}
    bpe = {"model": str(bpe_model)}
    jobs = [
        ("bert", OURS, "bert:call", bert),
        ("bert", BERT_HF, "bert:call", {**bert, "tool": BERT_HF}),
        ("bpe", OURS, "bpe:encode_ours", bpe),
        ("bpe", HF, "bpe:encode_hf", bpe),
    ]
    if args.before:
        python, before = built_before(args.before), before_tool(args.before)
        jobs += [("bert", before, InPython(python, "bert:call"), bert),
                 ("bpe", before, InPython(python, "bpe:encode_ours"), bpe)]
    found = {}
    for batch in int_list(args.batches):
        # Every thread count and tool at this batch size in interleaved rounds, so the
        # 2-thread against 1-thread comparison is paired, not two medians minutes apart.
        runs = {(threads, batch, model, tool): (target, threads,
                                                {"file": str(text), "batch": batch, **extra})
                for threads in int_list(args.threads) for model, tool, target, extra in jobs}
        found.update(measure_rounds(runs, repeat=args.encode_rounds))
    rows = {"bert": [], "bpe": []}
    for (threads, batch, model, tool), m in sorted(found.items(), key=lambda item: item[0][:2]):
        group = {"threads": str(threads), "batch": str(batch)}
        rows[model].append(Row(group, tool, m, nbytes=nbytes))
        log(f"encode {group} {model} {tool}: {nbytes / 1e6 / m.time:.2f} MB/s")
    return rows["bert"], rows["bpe"]


def built_before(commit: str) -> str:
    """The python of a virtualenv holding a release build of subword as of ``commit``."""
    built = subprocess.run([str(HERE / "build_before"), commit], stdout=subprocess.PIPE,
                           text=True, check=True)
    return built.stdout.strip()


def before_tool(commit: str) -> str:
    """The tool column of the rows of subword as of ``commit``."""
    return f"subword before #16 ({commit})" if commit == BEFORE_16 else f"subword {commit}"


def summary(rows: list[Row], tool: str, key: str) -> list[str]:
    """One line per model: how time, peak memory and distinct words grow from the
    smallest to the largest corpus, for ``tool`` at the most threads."""
    lines = []
    for model in MODELS:
        mine = [r for r in rows if r.group["model"] == model and r.tool == tool
                and r.group["threads"] == key]
        words = [r for r in rows if r.group["model"] == model and r.tool == COUNT
                 and r.group["threads"] == key]
        if len(mine) < 2:
            continue
        first, last = mine[0], mine[-1]
        lines.append(
            f"- {model}, {tool}: {last.nbytes / first.nbytes:,.0f}x the bytes "
            f"({first.group['corpus']} -> {last.group['corpus']}) took "
            f"{last.m.time / first.m.time:,.1f}x the time ({first.m.time:.2f} -> "
            f"{last.m.time:.2f} s) and {last.m.peak / first.m.peak:.2f}x the peak memory "
            f"({first.m.peak / 2**20:,.0f} -> {last.m.peak / 2**20:,.0f} MB); distinct words "
            f"{words[0].m.value['words']:,} -> {words[-1].m.value['words']:,}."
        )
    return lines


def report(args: argparse.Namespace, argv: list[str], train: list[Row], bert: list[Row],
           bpe: list[Row]) -> str:
    command = shlex.join(["python", "bench/growth.py", *argv])
    empty = baseline().peak / 2**20
    most = str(max(int_list(args.train_threads)))
    growth = "\n".join(summary(train, OURS, most) + summary(train, HF, most))
    return f"""## Growth: cost against corpus size and batch size

{header(["subword", "tokenizers", "transformers"])}
- command: `{command}`
- each figure: median wall time of {args.repeat} runs ("counting only": 1 run; the
  batch-size series: {args.encode_rounds} interleaved rounds), largest peak RSS of those
  runs; every run is a fresh process (an empty worker process peaks at {empty:.0f} MB);
  ratios are anchor / subword.

### Training time and peak memory against corpus size

{markdown_table(train, OURS)}

Settings as in the BPE and WordPiece sections (`min_frequency=2`; BPE: whitespace words,
`</w>`, vocab 32,000; WordPiece: BERT normalization, lowercase, vocab 30,522). MB/s counts
the corpus file's bytes; the repeated file has the distinct words of the largest corpus.

{growth}

### Encoding against batch size: BertTokenizer, `tokenizer(batch)`

{markdown_table(bert, OURS)}

subword against its own 1-thread time, paired round by round (median and range):

{thread_scaling_lines(bert, OURS)}

### Encoding against batch size: BPE, `encode_batch`

{markdown_table(bpe, OURS)}

subword against its own 1-thread time, paired round by round (median and range):

{thread_scaling_lines(bpe, OURS)}

The same {bert[0].nbytes / 1e6:.1f} MB of whole lines of `en-10m.txt` in every row, cut into
batches of `batch` lines; BERT: default arguments (special tokens, no padding), real
bert-base-uncased vocab; BPE: the 32k model trained on `en-10m.txt`, HF loading its files.
At each batch size, the {args.encode_rounds} runs of every tool at every thread count are
interleaved: a round runs each once, back to back, in an order that alternates from round
to round. A batch below 512 lines runs on the calling thread at any thread count, so
there the two thread counts differ only by the machine's noise.{before_note(args, bert, bpe)}
"""


def before_note(args: argparse.Namespace, bert: list[Row], bpe: list[Row]) -> str:
    """The paragraph on the "before" rows, if any ran, with their paired ratios."""
    if not args.before:
        return ""
    tool = before_tool(args.before)
    lines = "\n".join(f"- {model}: {line}" for model, rows in (("BERT", bert), ("BPE", bpe))
                      for line in against_before(rows, tool))
    return f"""

Rows *{tool}* are a release build of that commit (`bench/build_before {args.before}`), run
by the same worker code in the same rounds; their time ratio is that build's time over
today's. The same, paired round by round (median and range; above 1, today's is faster):

{lines}"""


def against_before(rows: list[Row], tool: str) -> list[str]:
    """Per thread count and batch size: ``tool``'s time over subword's, paired by round."""
    before = {tuple(r.group.items()): r.m for r in rows if r.tool == tool}
    return [f"{r.group['threads']} thread(s), batch {r.group['batch']}: "
            f"{describe_ratios(paired_ratios(before[tuple(r.group.items())], r.m))}"
            for r in rows if r.tool == OURS]


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, required=True,
                        help="directory with en-SIZE.txt and bert-base-uncased-vocab.txt")
    parser.add_argument("--sizes", default="1m,10m,100m", help="training corpus sizes")
    parser.add_argument("--repeat-bytes", type=int, default=10**9,
                        help="size of the file repeating the largest corpus (0: none)")
    parser.add_argument("--before", default=BEFORE_16,
                        help="also encode with subword as of this commit, built by "
                             f"bench/build_before (default: {BEFORE_16}, before #16; '' for none)")
    parser.add_argument("--batches", default="1,16,64,256,4096", help="lines per encode call")
    parser.add_argument("--encode-bytes", type=int, default=4 * 10**6,
                        help="bytes of en-10m.txt lines to encode (default: 4 MB)")
    add_threads_option(parser)  # for the encoding series
    parser.add_argument("--train-threads", default="all",
                        help="thread counts for the training series (default: all; the BPE and "
                             "WordPiece sections compare 1 thread)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per figure of the training series (default: 3)")
    parser.add_argument("--encode-rounds", type=int, default=7,
                        help="interleaved rounds of the batch-size series (default: 7: its "
                             "paired ratios judge differences of 10-20%%, which 3 rounds "
                             "on this machine's drift do not)")
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()),
                        help="where the repeated file is written (and removed)")
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-growth-", dir=args.tmp) as tmp:
        train = run_training(args, Path(tmp))
        section = report(args, argv, train, *run_encoding(args, Path(tmp)))
    emit(section, args.out)


if __name__ == "__main__":
    main()
