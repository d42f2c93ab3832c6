"""BERT tokenizer benchmark: subword's BertTokenizer against transformers'.

End-to-end ``tokenizer(batch)`` throughput (MB/s of the corpus file, default arguments:
special tokens added, no padding or truncation) with the real bert-base-uncased vocab:
subword ``BertTokenizer`` against transformers 5 ``BertTokenizer`` (``tokenizers``-backed)
on ``en-SIZE.txt`` at each thread count, and against ``BertTokenizerLegacy`` (pure Python)
on ``en-LEGACY.txt`` with one thread; plus the time of subword's normalization alone
(``BasicTokenizer.tokenize_batch`` on the same batches) as a share of the whole. Then model
inputs as a training loop asks for them (``truncation=True, max_length=128,
padding="max_length"``): subword's lists, subword's ``return_tensors="np"`` and
transformers' ``return_tensors="np"``. Checks first that subword and transformers give
identical input_ids on the first 1000 lines.
Every run is a fresh process (see ``_harness``).

    python bench/bert.py --corpora ../corpora --threads 1,all --repeat 3 --out /tmp/bert.md
"""

from __future__ import annotations

import argparse
import shlex
import sys
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

OURS, HF, LEGACY = "subword", "transformers BertTokenizer", "transformers BertTokenizerLegacy"
NORMALIZE = "subword: normalization only"
# The model-input table: padded to 128 tokens, as lists or numpy arrays.
OURS_NP, OURS_LISTS, HF_NP = "subword, np", "subword, lists", "transformers BertTokenizer, np"
MODEL_INPUT = dict(truncation=True, max_length=128, padding="max_length")
VOCAB_FILE = "bert-base-uncased-vocab.txt"


# --- workers: each runs in a fresh process ---------------------------------------------------


def _batches(file: str, size: int) -> list[list[str]]:
    lines = Path(file).read_text(encoding="utf-8").split("\n")
    return [lines[i:i + size] for i in range(0, len(lines), size)]


def _tokenizer(tool: str, vocab: str):
    if tool == OURS:
        from subword import BertTokenizer

        return BertTokenizer(vocab)
    import transformers

    # Positionally: transformers 5 ignores vocab_file= as a keyword.
    return (transformers.BertTokenizer if tool == HF else transformers.BertTokenizerLegacy)(vocab)


def call(threads: int, tool: str, file: str, vocab: str, batch: int) -> dict:
    options = {}
    if tool in (OURS_NP, OURS_LISTS, HF_NP):
        options = dict(MODEL_INPUT, return_tensors=None if tool == OURS_LISTS else "np")
    library = {OURS_NP: OURS, OURS_LISTS: OURS, HF_NP: HF}.get(tool, tool)
    tokenizer, batches = _tokenizer(library, vocab), _batches(file, batch)
    start = time.perf_counter()  # threads: RAYON_NUM_THREADS, set by the harness
    for texts in batches:
        tokenizer(texts, **options)
    return {"seconds": time.perf_counter() - start}


def normalize(threads: int, file: str, vocab: str, batch: int) -> dict:
    basic, batches = _tokenizer(OURS, vocab).basic_tokenizer, _batches(file, batch)
    start = time.perf_counter()
    for texts in batches:
        basic.tokenize_batch(texts)
    return {"seconds": time.perf_counter() - start}


def check_ids(threads: int, file: str, vocab: str, lines: int = 1000) -> dict:
    texts = _batches(file, lines)[0]
    ours = _tokenizer(OURS, vocab)(texts)["input_ids"]
    theirs = _tokenizer(HF, vocab)(texts)["input_ids"]
    bad = mismatches(ours, theirs)
    return {"lines": len(texts), "mismatches": len(bad), "first": bad[0] if bad else None}


# --- driver ---------------------------------------------------------------------------------




def run(args: argparse.Namespace) -> tuple[list[Row], list[Row], str]:
    vocab = str(Path(args.corpora) / VOCAB_FILE)
    file = Path(args.corpora) / f"en-{args.size}.txt"
    check = measure("bert:check_ids", threads=1, repeat=1, file=str(file), vocab=vocab).value
    check = (f"- subword and transformers' BertTokenizer input_ids are identical on the first "
             f"{check['lines']} lines of en-{args.size}" if not check["mismatches"] else
             f"- subword and transformers' BertTokenizer input_ids DIFFER on "
             f"{check['mismatches']} of the first {check['lines']} lines of en-{args.size} "
             f"(first: line {check['first'] + 1})")
    log(check)
    plan = [(args.size, threads, [OURS, HF, NORMALIZE]) for threads in int_list(args.threads)]
    plan.append((args.legacy, 1, [OURS, HF, LEGACY]))
    inputs_plan = [(args.size, threads, [OURS_NP, OURS_LISTS, HF_NP])
                   for threads in int_list(args.threads)]
    return _measure_plan(args, plan, vocab), _measure_plan(args, inputs_plan, vocab), check


def _measure_plan(args: argparse.Namespace, plan: list, vocab: str) -> list[Row]:
    rows = []
    for size, threads, tools in plan:
        file = Path(args.corpora) / f"en-{size}.txt"
        nbytes = len(file.read_bytes())  # also warms the page cache
        group = {"corpus": size, "threads": str(threads)}
        found = {}
        for tool in tools:
            kwargs = dict(threads=threads, repeat=args.repeat, file=str(file), vocab=vocab,
                          batch=args.batch_lines)
            m = (measure("bert:normalize", **kwargs) if tool == NORMALIZE else
                 measure("bert:call", tool=tool, **kwargs))
            found[tool] = m
            note = f"{m.time / found[OURS].time:.0%} of subword's time" if tool == NORMALIZE \
                else ""
            rows.append(Row(group, tool, m, note=note, nbytes=nbytes))
            log(f"{group} {tool}: {nbytes / 1e6 / m.time:.1f} MB/s {note}")
    return rows


def report(args: argparse.Namespace, argv: list[str], rows: list[Row], inputs: list[Row],
           check: str) -> str:
    command = shlex.join(["python", "bench/bert.py", *argv])
    empty = baseline().peak / 2**20
    return f"""## BERT tokenizer: subword vs transformers

{header(["subword", "tokenizers", "transformers"])}
- command: `{command}`
- each figure: median wall time of {args.repeat} runs, largest peak RSS of those runs; every
  run is a fresh process (an empty worker process peaks at {empty:.0f} MB); ratios are
  anchor / subword, so > 1 means subword is faster or uses less memory; CPU/wall is the
  worker's CPU time over its lifetime, about the number of busy cores.

### `tokenizer(batch)`, batches of {args.batch_lines} lines, real bert-base-uncased vocab

{markdown_table(rows, OURS)}

All load `{VOCAB_FILE}` (`BertTokenizer(vocab)`, defaults: lowercase, special tokens
added, no padding or truncation) and call `tokenizer(lines)` on each batch of the corpus's lines,
returning Python lists; threads via `RAYON_NUM_THREADS` (transformers' `BertTokenizer`
runs `tokenizers` in Rust; `BertTokenizerLegacy` is pure Python, so it is measured on
en-{args.legacy} with one thread only).
"{NORMALIZE}" times subword's `BasicTokenizer.tokenize_batch` (Python: cleaning,
lowercasing, accent stripping, punctuation and CJK splitting) on the same batches; its note
and time ratio give its share of subword's end-to-end time. MB/s counts the corpus file's
bytes.

### Model inputs: `tokenizer(batch, truncation=True, max_length=128, padding="max_length")`

{markdown_table(inputs, OURS_NP)}

The same batches made into what a training loop feeds a model: "np" is
`return_tensors="np"` (int64 arrays; subword fills them from flat buffers), "lists" the
same call returning Python lists. Ratios are against subword's "np".

{check}
"""


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", required=True,
                        help=f"directory with en-SIZE.txt files and {VOCAB_FILE}")
    parser.add_argument("--size", default="10m", help="corpus size (default: 10m)")
    parser.add_argument("--legacy", default="1m",
                        help="corpus size for BertTokenizerLegacy (default: 1m)")
    add_threads_option(parser)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default: 3)")
    parser.add_argument("--batch-lines", type=int, default=1000,
                        help="lines per tokenizer call (default: 1000)")
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    section = report(args, argv, *run(args))
    emit(section, args.out)


if __name__ == "__main__":
    main()
