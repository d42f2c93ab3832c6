"""BPE benchmark: subword against Hugging Face tokenizers and sentencepiece.

Training: wall time and peak RSS of training on ``CORPORA/en-SIZE.txt`` (word counting
included) for subword, HF ``BpeTrainer`` and sentencepiece ``model_type=bpe``.
Encoding: MB/s of ``encode_batch`` over the corpus lines, subword against HF BPE loaded
from subword's saved vocab.json + merges.txt (same merges), after asserting that both give
identical ids on the first 10,000 lines; beside it subword's numpy form
(``encode_batch_flat``) and the core alone (``BpeModel._encode_batch_count``: the same
encoding in Rust, only the number of ids returned), so the cost of handing results to
Python is measured in the same run; the encoding tools run in interleaved rounds, so their
ratios pair each round's times. subword's scaling from one thread to all is measured
apart, in interleaved rounds too. Every run is a fresh process (see ``_harness``).

    python bench/bpe.py --corpora ../corpora --sizes 10m,100m --vocab 8000,32000 \
        --threads 1,2 --repeat 3 --out /tmp/bpe.md
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
    add_scaling_option,
    add_threads_option,
    baseline,
    describe_ratios,
    emit,
    header,
    int_list,
    log,
    markdown_table,
    measure,
    measure_interleaved,
    measure_rounds,
    mismatches,
    paired_ratios,
    scaling_report,
    thread_scaling_lines,
)

OURS, HF, HF_FAST, SPM = "subword", "HF tokenizers", "HF tokenizers (encode_batch_fast)", \
    "sentencepiece"
OURS_FLAT, CORE = "subword (encode_batch_flat, numpy)", "subword core alone (no results out)"
# sentencepiece: read every line (input_sentence_size=0: no sampling), keep long dictionary
# lines (the default max_sentence_length of 4192 bytes drops them), no NFKC (the others do
# not normalize), every character kept, and only <unk> as a special piece, like the others.
SPM_OPTIONS = dict(character_coverage=1.0, input_sentence_size=0, max_sentence_length=1 << 20,
                   normalization_rule_name="identity", hard_vocab_limit=False,
                   unk_id=0, bos_id=-1, eos_id=-1)


# --- workers: each runs in a fresh process and imports only the library it measures ------


def train_ours(threads: int, file: str, vocab: int, save: str) -> dict:
    from subword import BPE

    start = time.perf_counter()
    bpe = BPE.train(file, vocab_size=vocab, min_frequency=2, threads=threads)
    seconds = time.perf_counter() - start
    bpe.save(save)
    return {"seconds": seconds, "vocab": len(bpe)}


def train_hf(threads: int, file: str, vocab: int) -> dict:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    start = time.perf_counter()  # threads: RAYON_NUM_THREADS, set by the harness
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>", end_of_word_suffix="</w>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.BpeTrainer(vocab_size=vocab, min_frequency=2, special_tokens=["<unk>"],
                                  end_of_word_suffix="</w>", show_progress=False)
    tokenizer.train([file], trainer)
    return {"seconds": time.perf_counter() - start, "vocab": tokenizer.get_vocab_size()}


def train_spm(threads: int, file: str, vocab: int, out: str) -> dict:
    import sentencepiece as spm

    start = time.perf_counter()
    spm.SentencePieceTrainer.train(input=file, model_prefix=f"{out}/spm", model_type="bpe",
                                   vocab_size=vocab, num_threads=threads, **SPM_OPTIONS)
    seconds = time.perf_counter() - start
    size = spm.SentencePieceProcessor(model_file=f"{out}/spm.model").get_piece_size()
    return {"seconds": seconds, "vocab": size}


def _batches(file: str, size: int) -> list[list[str]]:
    lines = Path(file).read_text(encoding="utf-8").split("\n")
    return [lines[i:i + size] for i in range(0, len(lines), size)]


def _hf_tokenizer(model: str):
    from tokenizers import Tokenizer, models, pre_tokenizers

    tokenizer = Tokenizer(models.BPE.from_file(f"{model}/vocab.json", f"{model}/merges.txt",
                                               unk_token="<unk>", end_of_word_suffix="</w>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return tokenizer


def encode_ours(threads: int, file: str, model: str, batch: int, form: str = "lists") -> dict:
    from subword import BPE

    bpe, batches = BPE.load(model), _batches(file, batch)
    # Looked up by name, only the form asked for: a build from before #16 (growth.py's
    # "before" rows) has only encode_batch.
    owner, name = {
        "lists": (bpe, "encode_batch"),
        "flat": (bpe, "encode_batch_flat"),
        # The Rust encoding of the same batches, returning only the number of ids.
        "core": (bpe._inner, "_encode_batch_count"),
    }[form]
    encode = getattr(owner, name)
    if form == "flat":
        import numpy  # noqa: F401  (imported before the clock, as the numpy form's caller has)
    start = time.perf_counter()
    for texts in batches:
        encode(texts, threads=threads)
    return {"seconds": time.perf_counter() - start}


def encode_hf(threads: int, file: str, model: str, batch: int, fast: bool = False) -> dict:
    tokenizer, batches = _hf_tokenizer(model), _batches(file, batch)
    encode = tokenizer.encode_batch_fast if fast else tokenizer.encode_batch
    start = time.perf_counter()
    for texts in batches:
        [encoding.ids for encoding in encode(texts)]  # ids as Python lists, as ours returns
    return {"seconds": time.perf_counter() - start}


def check_ids(threads: int, file: str, model: str, lines: int = 10000) -> dict:
    import numpy as np
    from subword import BPE

    texts = _batches(file, lines)[0]
    bpe = BPE.load(model)
    ours = bpe.encode_batch(texts)
    ids, lengths = bpe.encode_batch_flat(texts)
    flat = [row.tolist() for row in np.split(ids, np.cumsum(lengths)[:-1])]
    theirs = [e.ids for e in _hf_tokenizer(model).encode_batch(texts)]
    bad = sorted(set(mismatches(ours, theirs)) | set(mismatches(flat, theirs)))
    assert not bad, f"subword and HF ids differ on line {bad[0] + 1} of {file}"
    return {"lines": len(texts), "mismatches": len(bad), "first": bad[0] if bad else None}


# --- driver ---------------------------------------------------------------------------------




def run(args: argparse.Namespace, tmp: Path) -> tuple[list[Row], list[Row], list[str], str]:
    train, encode, checks, scaling = [], [], [], {}
    for size in args.sizes.split(","):
        file = Path(args.corpora) / f"en-{size}.txt"
        nbytes = len(file.read_bytes())  # also warms the page cache
        for vocab in int_list(args.vocab):
            model, out = tmp / f"{size}-{vocab}", tmp / f"{size}-{vocab}-spm"
            out.mkdir()
            jobs = [(OURS, "bpe:train_ours", {"save": str(model)}), (HF, "bpe:train_hf", {}),
                    (SPM, "bpe:train_spm", {"out": str(out)})]
            runs = {(threads, tool): (target, threads, {"file": str(file), "vocab": vocab,
                                                         **extra})
                    for threads in int_list(args.threads) for tool, target, extra in jobs}
            for (threads, tool), m in measure_rounds(runs, repeat=args.repeat).items():
                group = {"corpus": size, "vocab": str(vocab), "threads": str(threads)}
                train.append(Row(group, tool, m, note=f"vocab {m.value['vocab']}"))
                log(f"train {group} {tool}: {m.time:.2f} s, {m.peak / 2**20:.0f} MB")
            check = measure("bpe:check_ids", threads=1, repeat=1, file=str(file), model=str(model))
            bad, lines = check.value["mismatches"], check.value["lines"]
            checks.append(f"- en-{size}, vocab {vocab}: subword and HF ids are identical on the "
                          f"first {lines} lines" if not bad else
                          f"- en-{size}, vocab {vocab}: subword and HF ids DIFFER on {bad} of the "
                          f"first {lines} lines (first: line {check.value['first'] + 1})")
            log(checks[-1])
            jobs = [(OURS, "bpe:encode_ours", {}), (OURS_FLAT, "bpe:encode_ours", {"form": "flat"}),
                    (CORE, "bpe:encode_ours", {"form": "core"}), (HF, "bpe:encode_hf", {}),
                    (HF_FAST, "bpe:encode_hf", {"fast": True})]
            for threads in int_list(args.threads):
                group = {"corpus": size, "vocab": str(vocab), "threads": str(threads)}
                kwargs = {"file": str(file), "model": str(model), "batch": args.batch_lines}
                runs = {tool: (target, threads, {**kwargs, **extra})
                        for tool, target, extra in jobs}
                for tool, m in measure_rounds(runs, repeat=args.repeat).items():
                    encode.append(Row(group, tool, m, nbytes=nbytes))
                    log(f"encode {group} {tool}: {nbytes / 1e6 / m.time:.1f} MB/s")
            for form, name in (("lists", "lists"), ("core", "core alone")):
                scaling[f"en-{size}, vocab {vocab}, {name}"] = measure_interleaved(
                    "bpe:encode_ours", thread_counts=int_list(args.threads),
                    repeat=args.scaling_rounds, file=str(file), model=str(model),
                    batch=args.batch_lines, form=form)
    scaling_text = scaling_report(scaling, "encoding")
    log(scaling_text)
    return train, encode, checks, scaling_text


def report(args: argparse.Namespace, argv: list[str], train, encode, checks, scaling) -> str:
    command = shlex.join(["python", "bench/bpe.py", *argv])
    empty = baseline().peak / 2**20
    options = ", ".join(f"{key}={value!r}" for key, value in SPM_OPTIONS.items())
    return f"""## BPE: subword vs Hugging Face tokenizers vs sentencepiece

{header(["subword", "tokenizers", "sentencepiece"])}
- command: `{command}`
- each figure: median wall time of {args.repeat} runs, largest peak RSS of those runs; every
  run is a fresh process (an empty worker process peaks at {empty:.0f} MB); ratios are
  anchor / subword, so > 1 means subword is faster or uses less memory; CPU/wall is the
  worker's CPU time over its lifetime, about the number of busy cores.

### Training (word counting included)

{markdown_table(train, OURS)}

Settings: subword `BPE.train(file, vocab_size=V, min_frequency=2, threads=T)`; HF
`models.BPE(unk_token="<unk>", end_of_word_suffix="</w>")` + `WhitespaceSplit` +
`BpeTrainer(vocab_size=V, min_frequency=2, special_tokens=["<unk>"],
end_of_word_suffix="</w>")`, threads via `RAYON_NUM_THREADS`; sentencepiece
`model_type="bpe", vocab_size=V, num_threads=T, {options}`. The note gives the
vocabulary obtained: subword and HF count specials + alphabet + merges; sentencepiece
counts its own way (`▁`-prefixed pieces, pieces split at script and digit boundaries, at
most 16 characters long), so its vocabulary is not the same object.

The {args.repeat} runs of each tool and thread count are interleaved per corpus and
vocabulary: a round trains with every tool at every thread count once, back to back, in
an order that alternates from round to round. subword's training against its own 1-thread
time, paired round by round (median and range):

{thread_scaling_lines(train, OURS)}

### Encoding (`encode_batch` to ids, batches of {args.batch_lines} lines)

{markdown_table(encode, OURS)}

Both load the subword model trained above on the same corpus (HF through
`models.BPE.from_file(vocab.json, merges.txt, unk_token="<unk>", end_of_word_suffix="</w>")`
+ `WhitespaceSplit`); HF time includes `[e.ids for e in encodings]`, so both return ids
as Python lists. `{OURS_FLAT}` returns each batch as two numpy arrays (all ids, and each
line's number of ids); `{CORE}` is the same Rust encoding returning only the number of
ids, the core's own speed. MB/s counts the corpus file's bytes. The {args.repeat} runs of
each tool at a thread count are interleaved: a round runs every tool once, back to back,
in an order that alternates from round to round, so the ratios below pair each round's
times (the median and range of those) and this machine's drift between minutes falls on
every tool alike.

{core_ratios(encode)}

{scaling}

{chr(10).join(checks)}
"""


def core_ratios(rows: list[Row]) -> str:
    """Per comparison, round by round: subword's two forms against the core alone, and HF
    against our lists."""
    runs = {(tuple(r.group.values()), r.tool): r.m for r in rows}
    lines = []
    for group in dict.fromkeys(tuple(r.group.values()) for r in rows):
        core, lists = runs[group, CORE], runs[group, OURS]
        lines.append(f"- en-{group[0]}, vocab {group[1]}, {group[2]} thread(s): lists "
                     f"{describe_ratios(paired_ratios(lists, core))} the core's time, numpy "
                     f"{describe_ratios(paired_ratios(runs[group, OURS_FLAT], core))}; "
                     f"HF encode_batch {describe_ratios(paired_ratios(runs[group, HF], lists))}"
                     " our lists' time")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", required=True, help="directory with en-SIZE.txt files")
    parser.add_argument("--sizes", default="10m,100m", help="corpus sizes (default: 10m,100m)")
    parser.add_argument("--vocab", default="8000,32000", help="vocab sizes (default: 8000,32000)")
    add_threads_option(parser)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default: 3)")
    add_scaling_option(parser)
    parser.add_argument("--batch-lines", type=int, default=10000,
                        help="lines per encode_batch call (default: 10000)")
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-bpe-") as tmp:
        section = report(args, argv, *run(args, Path(tmp)))
    emit(section, args.out)


if __name__ == "__main__":
    main()
