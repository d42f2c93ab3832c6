"""Peak memory and wall time of `subword train` against Hugging Face tokenizers.

    python bench/cli_memory.py --corpora ../corpora --out /tmp/cli-memory.md
    python bench/cli_memory.py --corpora /tmp/c --size 1m --models wordpiece   # smoke test

Each side is a whole process run through `_harness.measure` (fresh process, peak RSS from
`getrusage(RUSAGE_CHILDREN)` in a small wrapper, wall time of the whole process, imports
included), so the figures are comparable:

- subword: the installed command, `subword train en-SIZE.txt -o DIR` (WordPiece, 30,522
  tokens, BERT normalization) and `--model bpe --vocab-size 30000`;
- HF tokenizers: this file with `--hf`, i.e. `BertNormalizer` + `BertPreTokenizer` +
  `WordPieceTrainer(vocab_size=30522, min_frequency=2)` with BERT's special tokens (what
  `BertWordPieceTokenizer.train` builds), and for BPE `WhitespaceSplit` +
  `BpeTrainer(vocab_size=30000, min_frequency=2, end_of_word_suffix="</w>")`.

Both use every core unless `--threads` says otherwise (RAYON_NUM_THREADS is set for both).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402

BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
VOCAB = {"wordpiece": 30522, "bpe": 30000}


def train_hf(model: str, corpus: str, out: str) -> None:
    """Hugging Face tokenizers' training, as a user of `BertWordPieceTokenizer` runs it."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    if model == "wordpiece":
        tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        trainer = trainers.WordPieceTrainer(
            vocab_size=VOCAB[model], min_frequency=2, special_tokens=BERT_SPECIALS
        )
    else:
        tokenizer = Tokenizer(models.BPE(unk_token="<unk>", end_of_word_suffix="</w>"))
        tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        trainer = trainers.BpeTrainer(
            vocab_size=VOCAB[model],
            min_frequency=2,
            special_tokens=["<unk>"],
            end_of_word_suffix="</w>",
        )
    tokenizer.train([corpus], trainer)
    tokenizer.save(out)


def ours_command(model: str, corpus: Path, out: Path) -> list[str]:
    """The `subword train` command line measured."""
    subword = shutil.which("subword")
    if subword is None:
        sys.exit("the subword command is not on PATH (pip install . first)")
    command = [subword, "train", str(corpus), "-o", str(out)]
    if model == "bpe":
        command += ["--model", "bpe", "--vocab-size", str(VOCAB[model])]
    return command


def vocab_size(model: str, out: Path, tool: str) -> int:
    """The vocabulary size a run produced (read back from what it wrote)."""
    if tool == "HF tokenizers":
        return len(json.loads(out.read_text(encoding="utf-8"))["model"]["vocab"])
    if model == "wordpiece":
        return len((out / "vocab.txt").read_text(encoding="utf-8").splitlines())
    return len(json.loads((out / "vocab.json").read_text(encoding="utf-8")))


def measure_model(model: str, corpus: Path, threads: int, repeat: int, tmp: Path) -> list:
    """Both tools on one model; returns harness rows."""
    rows = []
    group = {"corpus": corpus.name, "model": model, "vocab": str(VOCAB[model])}
    size = corpus.stat().st_size
    ours_out, hf_out = tmp / f"subword-{model}", tmp / f"hf-{model}.json"
    runs = [
        ("subword", ours_command(model, corpus, ours_out), ours_out),
        (
            "HF tokenizers",
            [sys.executable, __file__, "--hf", model, str(corpus), str(hf_out)],
            hf_out,
        ),
    ]
    for tool, command, out in runs:
        print(f"measuring {tool} {model} on {corpus.name} ...", file=sys.stderr)
        m = _harness.measure(command, threads=threads, repeat=repeat)
        note = f"vocab {vocab_size(model, out, tool)}"
        rows.append(_harness.Row(group, tool, m, note=note, nbytes=size))
    return rows


def main() -> None:
    """Runs the comparison and prints (and writes) a Markdown section."""
    if len(sys.argv) == 5 and sys.argv[1] == "--hf":
        train_hf(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, required=True, help="folder with en-SIZE.txt")
    parser.add_argument("--size", default="100m", help="corpus en-SIZE.txt (100m)")
    parser.add_argument("--models", default="wordpiece,bpe", help="wordpiece, bpe or both")
    parser.add_argument("--threads", type=int, default=_harness.all_cores())
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, help="also write the section to this file")
    args = parser.parse_args()
    corpus = args.corpora / f"en-{args.size}.txt"
    if not corpus.is_file():
        sys.exit(f"{corpus}: no such corpus (../shared/corpora/fetch DIR downloads it)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="cli-memory-") as tmp:
        for model in args.models.split(","):
            rows += measure_model(model, corpus, args.threads, args.repeat, Path(tmp))
    section = "\n\n".join(
        [
            "## `subword train` vs Hugging Face tokenizers: peak memory and time",
            _harness.header(["subword", "tokenizers"]),
            f"- command: `python bench/cli_memory.py {' '.join(sys.argv[1:])}`; "
            f"threads {args.threads}; whole processes (imports included); "
            f"an empty worker peaks at {_harness.baseline().peak / 2**20:.0f} MB",
            _harness.markdown_table(rows, ours="subword"),
        ]
    )
    _harness.emit(section, args.out)


if __name__ == "__main__":
    main()
