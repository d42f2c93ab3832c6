"""WordPiece benchmark: subword against Hugging Face tokenizers.

Training: wall time and peak RSS of training on ``CORPORA/en-SIZE.txt`` with BERT's
normalization and pre-tokenization (lowercase), subword ``WordPiece.train`` (likelihood
gain) against HF ``WordPieceTrainer`` (BPE's frequency rule); a second subword row times
``train_from_counts`` alone on saved word counts, so counting = full - merging.
Encoding: words/s of the WordPiece model alone with the real bert-base-uncased vocab, on
the words of ``en-ENCODE.txt`` pre-tokenized once by subword's BasicTokenizer (untimed):
subword ``WordPieceModel.encode_pretokenized`` against HF ``models.WordPiece`` fed the same
pre-tokenized lines (both return the ids of each line), after asserting that both give
identical ids on the first 10,000 words.
Every run is a fresh process (see ``_harness``).

    python bench/wordpiece.py --corpora ../corpora --sizes 10m,100m --vocab 30000 \
        --threads 1,all --repeat 3 --out /tmp/wordpiece.md
"""

from __future__ import annotations

import argparse
import json
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
    measure_rounds,
    mismatches,
    thread_scaling_lines,
)

OURS, MERGE, HF = "subword", "subword: merging only", "HF tokenizers"
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
VOCAB_FILE = "bert-base-uncased-vocab.txt"


# --- workers: each runs in a fresh process ---------------------------------------------------


def train_ours(threads: int, file: str, vocab: int) -> dict:
    from subword import WordPiece

    start = time.perf_counter()
    model = WordPiece.train(file, vocab_size=vocab, min_frequency=2, threads=threads)
    return {"seconds": time.perf_counter() - start, "vocab": len(model)}


def count_ours(threads: int, file: str, save: str) -> dict:
    """Counts words as ``WordPiece.train`` does and saves them as JSON (untimed setup)."""
    from subword.counting import count_words

    counts = count_words(file, pre_tokenizer="bert", lowercase=True, threads=threads)
    Path(save).write_text(json.dumps(counts.to_dict()), encoding="utf-8")
    return {"words": len(counts)}


def merge_ours(threads: int, counts: str, vocab: int) -> dict:
    from subword import WordPiece
    from subword._core import WordCounts

    table = WordCounts.from_dict(json.loads(Path(counts).read_text(encoding="utf-8")))
    start = time.perf_counter()
    model = WordPiece.train_from_counts(table, vocab_size=vocab, min_frequency=2,
                                        threads=threads)
    return {"seconds": time.perf_counter() - start, "vocab": len(model)}


def train_hf(threads: int, file: str, vocab: int) -> dict:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    start = time.perf_counter()  # threads: RAYON_NUM_THREADS, set by the harness
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab, min_frequency=2,
                                        special_tokens=SPECIALS, show_progress=False)
    tokenizer.train([file], trainer)
    return {"seconds": time.perf_counter() - start, "vocab": tokenizer.get_vocab_size()}


def pretokenize(threads: int, file: str, save: str) -> dict:
    """The BasicTokenizer words of each non-empty line, one line of words per line."""
    from subword.normalization import BasicTokenizer

    lines = Path(file).read_text(encoding="utf-8").split("\n")
    texts = [" ".join(words) for words in BasicTokenizer().tokenize_batch(lines) if words]
    Path(save).write_text("\n".join(texts), encoding="utf-8")
    return {"words": sum(len(text.split()) for text in texts)}


def _word_batches(words: str, size: int) -> list[list[list[str]]]:
    """The lines of words, in batches of whole lines holding about ``size`` words each."""
    batches, batch, count = [], [], 0
    for line in Path(words).read_text(encoding="utf-8").split("\n"):
        batch.append(line.split())
        count += len(batch[-1])
        if count >= size:
            batches.append(batch)
            batch, count = [], 0
    return batches + [batch] if batch else batches


def _hf_model(vocab: str):
    from tokenizers import Tokenizer, models

    # No normalizer, pre-tokenizer or post-processor: with is_pretokenized=True only the
    # WordPiece model runs on each given word.
    return Tokenizer(models.WordPiece.from_file(vocab, unk_token="[UNK]"))


def encode_ours(threads: int, words: str, vocab: str, batch: int) -> dict:
    from subword._core import WordPieceModel

    encoder = WordPieceModel.from_file(vocab)
    batches = _word_batches(words, batch)
    start = time.perf_counter()
    for lines in batches:
        encoder.encode_pretokenized(lines)
    return {"seconds": time.perf_counter() - start}


def encode_hf(threads: int, words: str, vocab: str, batch: int) -> dict:
    tokenizer, batches = _hf_model(vocab), _word_batches(words, batch)
    start = time.perf_counter()
    for lines in batches:
        encodings = tokenizer.encode_batch(lines, is_pretokenized=True, add_special_tokens=False)
        [encoding.ids for encoding in encodings]  # ids as Python lists, as ours returns
    return {"seconds": time.perf_counter() - start}


def check_ids(threads: int, words: str, vocab: str, count: int = 10000) -> dict:
    from subword._core import WordPieceModel

    first = [w for line in _word_batches(words, count)[0] for w in line][:count]
    ours = WordPieceModel.from_file(vocab).encode_words(first)
    theirs = _hf_model(vocab).encode_batch([[w] for w in first], is_pretokenized=True,
                                           add_special_tokens=False)
    bad = mismatches(ours, [encoding.ids for encoding in theirs])
    return {"words": len(first), "mismatches": len(bad),
            "first": first[bad[0]] if bad else None}


# --- driver ---------------------------------------------------------------------------------




def run_training(args: argparse.Namespace, tmp: Path) -> list[Row]:
    rows = []
    for size in args.sizes.split(","):
        file = Path(args.corpora) / f"en-{size}.txt"
        file.read_bytes()  # warms the page cache
        counts = tmp / f"counts-{size}.json"
        measure("wordpiece:count_ours", threads=max(int_list(args.threads)), repeat=1,
                file=str(file), save=str(counts))
        jobs = [(OURS, "wordpiece:train_ours", {"file": str(file)}),
                (MERGE, "wordpiece:merge_ours", {"counts": str(counts)}),
                (HF, "wordpiece:train_hf", {"file": str(file)})]
        for vocab in int_list(args.vocab):
            runs = {(threads, tool): (target, threads, {"vocab": vocab, **extra})
                    for threads in int_list(args.threads) for tool, target, extra in jobs}
            found = measure_rounds(runs, repeat=args.repeat)
            for (threads, tool), m in found.items():
                group = {"corpus": size, "vocab": str(vocab), "threads": str(threads)}
                note = f"vocab {m.value['vocab']}"
                if tool == MERGE:
                    full = found[threads, OURS].time
                    note += f"; counting = full - merging = {full - m.time:.2f} s"
                rows.append(Row(group, tool, m, note=note))
                log(f"train {group} {tool}: {m.time:.2f} s, {m.peak / 2**20:.0f} MB")
    return rows


def run_encoding(args: argparse.Namespace, tmp: Path) -> tuple[list[Row], str]:
    file, vocab = Path(args.corpora) / f"en-{args.encode}.txt", Path(args.corpora) / VOCAB_FILE
    words = tmp / f"words-{args.encode}.txt"
    total = measure("wordpiece:pretokenize", threads=1, repeat=1, file=str(file),
                    save=str(words)).value["words"]
    kwargs = {"words": str(words), "vocab": str(vocab)}
    check = measure("wordpiece:check_ids", threads=1, repeat=1, **kwargs).value
    assert not check["mismatches"], (
        f"subword and HF ids differ on {check['mismatches']} of the first {check['words']} "
        f"words (first: {check['first']!r})")
    check = f"subword and HF ids are identical on the first {check['words']} words"
    log(check)
    rows = []
    tools = [(OURS, "wordpiece:encode_ours"), (HF, "wordpiece:encode_hf")]
    runs = {(threads, tool): (target, threads, {"batch": args.batch_words, **kwargs})
            for threads in int_list(args.threads) for tool, target in tools}
    for (threads, tool), m in measure_rounds(runs, repeat=args.repeat).items():
        group = {"corpus": args.encode, "threads": str(threads)}
        rows.append(Row(group, tool, m, note=f"{total / m.time / 1e6:.2f} M words/s"))
        log(f"encode {group} {tool}: {total / m.time / 1e6:.2f} M words/s")
    return rows, f"- {total} words; {check}"


def report(args: argparse.Namespace, argv: list[str], train, encode, check) -> str:
    command = shlex.join(["python", "bench/wordpiece.py", *argv])
    empty = baseline().peak / 2**20
    return f"""## WordPiece: subword vs Hugging Face tokenizers

{header(["subword", "tokenizers"])}
- command: `{command}`
- each figure: median wall time of {args.repeat} runs, largest peak RSS of those runs; every
  run is a fresh process (an empty worker process peaks at {empty:.0f} MB); ratios are
  anchor / subword, so > 1 means subword is faster or uses less memory; CPU/wall is the
  worker's CPU time over its lifetime, about the number of busy cores.

### Training (BERT normalization and pre-tokenization, word counting included)

{markdown_table(train, OURS)}

Settings: subword `WordPiece.train(file, vocab_size=V, min_frequency=2, threads=T)`
(BasicTokenizer, lowercase; the default rule, the corpus likelihood gain, `refine=False`);
HF `models.WordPiece(unk_token="[UNK]")` + `BertNormalizer(lowercase=True)` +
`BertPreTokenizer` + `WordPieceTrainer(vocab_size=V, min_frequency=2,
special_tokens=[PAD, UNK, CLS, SEP, MASK])` (BPE's frequency rule with a `##` prefix),
threads via `RAYON_NUM_THREADS`.
"{MERGE}" is `WordPiece.train_from_counts` on the same corpus's word counts loaded from
a file (loading untimed), so its time ratio is merging's share of subword's training
time; its memory is that of merging alone.

The {args.repeat} runs of each tool and thread count are interleaved per corpus and
vocabulary (the encoding's too): a round runs every tool at every thread count once, back
to back, in an order that alternates from round to round. subword's training against its
own 1-thread time, paired round by round (median and range):

{thread_scaling_lines(train, OURS)}

### Encoding: the WordPiece model alone, real bert-base-uncased vocab

{markdown_table(encode, OURS)}

Input: the BasicTokenizer words of every line of `en-{args.encode}.txt`, made once before the
runs (untimed), in batches of whole lines holding about {args.batch_words} words. subword:
`WordPieceModel.from_file(vocab).encode_pretokenized(lines_of_words)` on each batch (ids per
line); HF:
`Tokenizer(models.WordPiece.from_file(vocab, unk_token="[UNK]"))` with no normalizer,
pre-tokenizer or post-processor, `encode_batch(lines_of_words, is_pretokenized=True,
add_special_tokens=False)` and `[e.ids for e in encodings]` (ids per line). Words/s counts
every word once. subword's encoding against its own 1-thread time, paired round by
round:

{thread_scaling_lines(encode, OURS)}

{check}
"""


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", required=True,
                        help=f"directory with en-SIZE.txt files and {VOCAB_FILE}")
    parser.add_argument("--sizes", default="10m,100m",
                        help="training corpus sizes (default: 10m,100m)")
    parser.add_argument("--encode", default="10m", help="encoding corpus size (default: 10m)")
    parser.add_argument("--vocab", default="30000", help="vocab sizes (default: 30000)")
    add_threads_option(parser)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default: 3)")
    parser.add_argument("--batch-words", type=int, default=100000,
                        help="words per encoding call (default: 100000)")
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-wordpiece-") as tmp:
        train = run_training(args, Path(tmp))
        encode, check = run_encoding(args, Path(tmp))
        section = report(args, argv, train, encode, check)
    emit(section, args.out)


if __name__ == "__main__":
    main()
