"""BERT tokenizer benchmark: subword's BertTokenizer against transformers'.

``tokenizer(batch)`` on ``en-SIZE.txt`` in batches of lines with the real bert-base-uncased
vocab, for the calls a user makes: the defaults, ``truncation=True, max_length=512``, and
model inputs padded to 128 tokens as numpy arrays and as lists; subword ``BertTokenizer``
against transformers 5 ``BertTokenizer`` (``tokenizers``-backed) at each thread count,
with subword's scaling from one thread to all; against ``BertTokenizerLegacy`` (pure
Python) on ``en-LEGACY.txt`` with one thread. Then the peak memory of 10,000-line batches,
and where subword's time goes (text to ids, split into Python normalization and Rust;
output assembly; Python glue), for its flat route (the chunk cache and numpy) and for the
word-by-word route every call took before it (``before``). Checks first that subword and
transformers give identical input_ids on the first 10,000 lines for every call (asserted:
the benchmark stops if they differ).
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
    add_scaling_option,
    add_threads_option,
    all_cores,
    baseline,
    emit,
    header,
    int_list,
    log,
    markdown_table,
    measure,
    measure_interleaved,
    measure_rounds,
    mismatches,
    scaling_report,
)

OURS, HF, LEGACY = "subword", "transformers BertTokenizer", "transformers BertTokenizerLegacy"
VOCAB_FILE = "bert-base-uncased-vocab.txt"
#: The calls measured, by name: ``tokenizer(batch, **CALLS[name])``.
CALLS = {
    "defaults": {},
    "truncate to 512": {"truncation": True, "max_length": 512},
    "pad to 128, np": {
        "truncation": True, "max_length": 128, "padding": "max_length", "return_tensors": "np",
    },
    "pad to 128, lists": {"truncation": True, "max_length": 128, "padding": "max_length"},
}
MEMORY_CALL, MEMORY_BATCH = "truncate to 512", 10_000
CHECKED_LINES = 10_000
PHASES = ("text to ids: normalization (Python)", "text to ids: Rust and conversion",
          "output assembly", "Python glue")


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


def call(threads: int, tool: str, call: str, file: str, vocab: str, batch: int) -> dict:
    tokenizer, batches, options = _tokenizer(tool, vocab), _batches(file, batch), CALLS[call]
    start = time.perf_counter()  # threads: RAYON_NUM_THREADS, set by the harness
    for texts in batches:
        tokenizer(texts, **options)
    return {"seconds": time.perf_counter() - start}


def time_split(threads: int, route: str, call: str, file: str, vocab: str, batch: int) -> dict:
    """Seconds per phase of subword's calls, by timing the functions each phase is.

    ``route="rows"`` disables the flat route, so every call goes word by word as before.
    """
    import subword.model_inputs as model_inputs
    import subword.text_encoding as text_encoding

    tokenizer, batches, options = _tokenizer(OURS, vocab), _batches(file, batch), CALLS[call]
    spent = dict.fromkeys(["normalize", "encode", "call"], 0.0)
    depth = dict.fromkeys(spent, 0)  # a phase's function may call itself (counted once)

    def timed(key, function):
        def wrapper(*args, **kwargs):
            depth[key] += 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                depth[key] -= 1
                if not depth[key]:
                    spent[key] += time.perf_counter() - start
        return wrapper

    encoder = text_encoding.TextEncoder
    encoder.encode = timed("encode", encoder.encode)
    encoder.encode_flat = timed("encode", encoder.encode_flat)
    if route == "rows":
        encoder.encode_flat = lambda self, texts: None
    model_inputs.encode_call = timed("call", model_inputs.encode_call)
    import subword.bert

    subword.bert.encode_call = model_inputs.encode_call
    basic = tokenizer.basic_tokenizer
    basic.tokenize_batch = timed("normalize", basic.tokenize_batch)
    basic.tokenize = timed("normalize", basic.tokenize)
    start = time.perf_counter()
    for texts in batches:
        tokenizer(texts, **options)
    total = time.perf_counter() - start
    return {"seconds": total, "phases": [
        spent["normalize"], spent["encode"] - spent["normalize"],
        spent["call"] - spent["encode"], total - spent["call"],
    ]}


def check_ids(threads: int, file: str, vocab: str, lines: int) -> dict:
    texts = [line for batch in _batches(file, lines)[:1] for line in batch]
    ours, theirs = _tokenizer(OURS, vocab), _tokenizer(HF, vocab)
    found = {}
    for name, options in CALLS.items():
        mine, other = ours(texts, **options)["input_ids"], theirs(texts, **options)["input_ids"]
        if options.get("return_tensors"):
            mine, other = mine.tolist(), other.tolist()
        bad = mismatches(mine, other)
        found[name] = {"mismatches": len(bad), "first": bad[0] if bad else None}
    return {"lines": len(texts), "calls": found}


# --- driver ---------------------------------------------------------------------------------


def _check(args: argparse.Namespace, vocab: str) -> str:
    file = Path(args.corpora) / f"en-{args.size}.txt"
    value = measure("bert:check_ids", threads=1, repeat=1, file=str(file), vocab=vocab,
                    lines=CHECKED_LINES).value
    lines = []
    for name, found in value["calls"].items():
        assert not found["mismatches"], (
            f"`{name}`: subword and transformers' input_ids differ on {found['mismatches']} of "
            f"the first {value['lines']} lines of en-{args.size} (first: {found['first'] + 1})"
        )
        lines.append(f"- `{name}`: subword and transformers' input_ids are identical on "
                     f"the first {value['lines']:,} lines of en-{args.size}")
    text = "\n".join(lines)
    log(text)
    return text


def _calls(args: argparse.Namespace, vocab: str) -> tuple[list[Row], str]:
    """Every call at every thread count, and subword's scaling from 1 thread to all."""
    file = Path(args.corpora) / f"en-{args.size}.txt"
    nbytes = len(file.read_bytes())  # also warms the page cache
    rows = []
    for name in CALLS:
        # Both tools at every thread count in interleaved rounds, so their ratio is
        # measured in the same minutes, not minutes apart on a machine that drifts.
        runs = {(threads, tool): ("bert:call", threads,
                                  {"tool": tool, "call": name, "file": str(file),
                                   "vocab": vocab, "batch": args.batch_lines})
                for threads in int_list(args.threads) for tool in (OURS, HF)}
        for (threads, tool), m in measure_rounds(runs, repeat=args.repeat).items():
            group = {"call": name, "corpus": args.size, "threads": str(threads)}
            rows.append(Row(group, tool, m, nbytes=nbytes))
            log(f"{group} {tool}: {nbytes / 1e6 / m.time:.1f} MB/s")
    scaling = scaling_report({
        name: measure_interleaved("bert:call", thread_counts=int_list(args.threads),
                                  repeat=args.scaling_rounds, tool=OURS, call=name,
                                  file=str(file), vocab=vocab, batch=args.batch_lines)
        for name in CALLS
    }, "call")
    log(scaling)
    legacy_file = Path(args.corpora) / f"en-{args.legacy}.txt"
    group = {"call": "defaults", "corpus": args.legacy, "threads": "1"}
    for tool in (OURS, HF, LEGACY):
        m = measure("bert:call", threads=1, repeat=args.repeat, tool=tool, call="defaults",
                    file=str(legacy_file), vocab=vocab, batch=args.batch_lines)
        rows.append(Row(group, tool, m, nbytes=len(legacy_file.read_bytes())))
    return rows, scaling


def _memory(args: argparse.Namespace, vocab: str) -> list[Row]:
    file = Path(args.corpora) / f"en-{args.size}.txt"
    threads = all_cores()
    group = {"call": f"{MEMORY_CALL}, {MEMORY_BATCH:,}-line batches", "corpus": args.size,
             "threads": str(threads)}
    return [
        Row(group, tool, measure("bert:call", threads=threads, repeat=args.repeat, tool=tool,
                                 call=MEMORY_CALL, file=str(file), vocab=vocab,
                                 batch=MEMORY_BATCH))
        for tool in (OURS, HF)
    ]


def _split(args: argparse.Namespace, vocab: str) -> str:
    file = Path(args.corpora) / f"en-{args.size}.txt"
    lines = ["| call | route | threads | total s | " + " | ".join(PHASES) + " |",
             "|---|---|---|---|" + "---|" * len(PHASES)]
    for name in ("truncate to 512", "pad to 128, np"):
        for route in ("rows", "flat"):
            for threads in int_list(args.threads):
                m = measure("bert:time_split", threads=threads, repeat=1, route=route,
                            call=name, file=str(file), vocab=vocab, batch=args.batch_lines)
                label = "before: word by word" if route == "rows" else "flat (chunk cache)"
                cells = [f"{seconds:.2f}" for seconds in m.value["phases"]]
                lines.append(f"| {name} | {label} | {threads} | {m.time:.2f} | "
                             + " | ".join(cells) + " |")
                log(lines[-1])
    return "\n".join(lines)


def report(args: argparse.Namespace, argv: list[str], check: str, calls: list[Row],
           scaling: str, memory: list[Row], split: str) -> str:
    command = shlex.join(["python", "bench/bert.py", *argv])
    empty = baseline().peak / 2**20
    return f"""## BERT tokenizer: subword vs transformers

{header(["subword", "tokenizers", "transformers"])}
- command: `{command}`
- each figure: median wall time of {args.repeat} runs, largest peak RSS of those runs; every
  run is a fresh process (an empty worker process peaks at {empty:.0f} MB); ratios are
  anchor / subword, so > 1 means subword is faster or uses less memory; CPU/wall is the
  worker's CPU time over its lifetime, about the number of busy cores; per call, the runs
  of both tools at every thread count are interleaved (a round runs each once, back to
  back, in an order that alternates), so the machine's drift falls on all alike.

### `tokenizer(batch, **call)`, batches of {args.batch_lines} lines, real bert-base-uncased vocab

{markdown_table(calls, OURS)}

The calls: {"; ".join(f"`{name}` is `{options or 'no arguments'}`" for name, options in
CALLS.items())}. All load `{VOCAB_FILE}` (`BertTokenizer(vocab)`: lowercase, special
tokens added) and call the tokenizer on each batch of the corpus's lines; threads via
`RAYON_NUM_THREADS` (transformers' `BertTokenizer` runs `tokenizers` in Rust;
`BertTokenizerLegacy` is pure Python, so it is measured on en-{args.legacy} with one thread
only). MB/s counts the corpus file's bytes.

{scaling}

### Peak memory of {MEMORY_BATCH:,}-line batches

{markdown_table(memory, OURS)}

### Where subword's time goes

{split}

Each phase is the time spent in the functions that are it (timed in one run each):
"normalization" is `BasicTokenizer` (Python); "Rust and conversion" the rest of turning
texts into ids (the flat route: `ChunkCache.encode_texts`, whose chunk look-ups, ASCII
splitting and WordPiece run in Rust; before: `WordPieceModel.encode_pretokenized` and
its lists); "output assembly" the rest of `model_inputs.encode_call` (truncation,
`[CLS]`/`[SEP]`, padding, lists or arrays); "Python glue" everything else
(`__call__`'s arguments, `BatchEncoding`). "before: word by word" is the route every
call took before the chunk cache, still the route of pairs, overflow and offsets.

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
    add_scaling_option(parser)
    parser.add_argument("--batch-lines", type=int, default=1000,
                        help="lines per tokenizer call (default: 1000)")
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    vocab = str(Path(args.corpora) / VOCAB_FILE)
    check = _check(args, vocab)
    calls, scaling = _calls(args, vocab)
    section = report(args, argv, check, calls, scaling, _memory(args, vocab), _split(args, vocab))
    emit(section, args.out)


if __name__ == "__main__":
    main()
