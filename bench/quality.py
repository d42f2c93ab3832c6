"""Vocabulary quality: what each trainer's vocabulary makes of text it was not trained on.

For each corpus and size, every tool trains a vocabulary of the same size on the same
training text, in a fresh process (wall time and peak RSS reported, as in the other
benchmarks), and each vocabulary is then evaluated on held-out text, untimed:

- English: trained on ``en-SIZE.txt``, held out: the first ``--heldout-mb`` MB of
  ``en-126m.txt`` past its first 100,000,000 bytes (``en-100m.txt`` is a prefix of it,
  so none of this text is in any English training file);
- fr / de / es / zh: the first 80% of the lines of each file for training, the last 20%
  held out.

Tools: subword ``WordPiece.train`` under each ``scoring`` rule (likelihood, the default;
pmi; frequency) and with ``refine=True`` (what ``subword train`` does by default), Hugging
Face ``WordPieceTrainer`` with the same normalization (``BertNormalizer(lowercase=True)``
+ ``BertPreTokenizer``), sentencepiece unigram and BPE
(trained on the same text after BERT's BasicTokenizer, so lowercased and split the same
way) and, for English at 30,522, the published bert-base-uncased vocab. All figures are
counted on the same words: BERT BasicTokenizer words of the held-out text; a WordPiece
vocabulary encodes each word greedily (longest match first, ``[UNK]`` for words it cannot
cover), sentencepiece encodes each word on its own (its pieces, a lone ``▁`` included).

    python bench/quality.py --corpora ../corpora --out /tmp/quality.md
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _harness import Measurement, emit, header, log, measure

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BERT_VOCAB = "bert-base-uncased-vocab.txt"
# (label, scoring, refine): each rule, and `subword train`'s default (likelihood, refined).
OURS = [("subword likelihood", "likelihood", False), ("subword pmi", "pmi", False),
        ("subword frequency", "frequency", False),
        ("subword train (likelihood + refine)", "likelihood", True)]
HF, BERT = "HF WordPieceTrainer", "bert-base-uncased"
SP_UNIGRAM, SP_BPE = "sentencepiece unigram", "sentencepiece BPE"


# --- workers: each runs in a fresh process ------------------------------------------------


def train_ours(threads: int, file: str, vocab: int, scoring: str, refine: bool,
               save: str) -> dict:
    from subword import WordPiece

    start = time.perf_counter()
    model = WordPiece.train(file, vocab_size=vocab, scoring=scoring, refine=refine,
                            threads=threads)
    seconds = time.perf_counter() - start
    Path(save).write_text("\n".join(model.vocab) + "\n", encoding="utf-8")
    return {"seconds": seconds, "vocab": len(model)}


def train_hf(threads: int, file: str, vocab: int, save: str) -> dict:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    start = time.perf_counter()  # threads: RAYON_NUM_THREADS, set by the harness
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab, min_frequency=2,
                                        special_tokens=SPECIALS, show_progress=False)
    tokenizer.train([file], trainer)
    seconds = time.perf_counter() - start
    ordered = sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
    Path(save).write_text("\n".join(t for t, _ in ordered) + "\n", encoding="utf-8")
    return {"seconds": seconds, "vocab": len(ordered)}


def train_sentencepiece(threads: int, file: str, vocab: int, model_type: str,
                        save: str) -> dict:
    import sentencepiece as spm

    start = time.perf_counter()
    spm.SentencePieceTrainer.train(
        input=file, model_prefix=save, vocab_size=vocab, model_type=model_type,
        character_coverage=1.0, num_threads=threads, minloglevel=2,
        train_extremely_large_corpus=False,
    )
    return {"seconds": time.perf_counter() - start, "vocab": vocab}


def normalize(threads: int, file: str, save: str) -> dict:
    """The BasicTokenizer words of each line, joined by spaces (sentencepiece's input)."""
    from subword.normalization import BasicTokenizer

    lines = Path(file).read_text(encoding="utf-8").split("\n")
    words = BasicTokenizer().tokenize_batch(lines)
    Path(save).write_text("\n".join(" ".join(w) for w in words if w) + "\n", encoding="utf-8")
    return {"lines": len(lines)}


# --- evaluation (in this process, untimed) -------------------------------------------------


def heldout_words(file: Path) -> Counter[str]:
    from subword.normalization import BasicTokenizer

    lines = file.read_text(encoding="utf-8").split("\n")
    return Counter(w for words in BasicTokenizer().tokenize_batch(lines) for w in words)


def figures(words: Counter[str], pieces: list[list[int]], unk: int) -> dict:
    """Tokens per word, share of words kept whole, unk rate; ``pieces`` in ``words`` order."""
    total = sum(words.values())
    counted = list(zip(words.values(), pieces, strict=True))
    tokens = sum(count * len(p) for count, p in counted)
    whole = sum(count for count, p in counted if len(p) == 1 and p[0] != unk)
    unks = sum(count * p.count(unk) for count, p in counted)
    return {"tpw": tokens / total, "whole": whole / total, "unk": unks / tokens}


def wordpiece_figures(vocab_file: Path, words: Counter[str]) -> dict:
    from subword._core import WordPieceModel

    encoder = WordPieceModel.from_file(str(vocab_file))
    return figures(words, encoder.encode_words(list(words)), encoder.unk_id)


def sentencepiece_figures(model_file: Path, words: Counter[str]) -> dict:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model_file))
    return figures(words, sp.encode(list(words)), sp.unk_id())


# --- driver ---------------------------------------------------------------------------------


def corpora(args: argparse.Namespace, tmp: Path) -> list[tuple[str, Path, Path, list[int]]]:
    """(name, training file, held-out file, vocab sizes) for every corpus measured."""
    root = Path(args.corpora)
    heldout = tmp / "en-heldout.txt"
    with (root / "en-126m.txt").open("rb") as source:
        source.seek(100_000_000)
        source.readline()  # start at a line boundary
        data = source.read(int(args.heldout_mb * 1e6))
    heldout.write_bytes(data[: data.rfind(b"\n") + 1])
    sizes = [int(v) for v in args.vocab.split(",")]
    found = [(f"en-{size}", root / f"en-{size}.txt", heldout, sizes)
             for size in args.sizes.split(",")]
    for name in args.languages.split(","):
        if not name:
            continue
        file = next(root.glob(f"{name}-*.txt"))
        lines = file.read_text(encoding="utf-8").split("\n")
        cut = len(lines) * 8 // 10
        train, test = tmp / f"{name}.train.txt", tmp / f"{name}.test.txt"
        train.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
        test.write_text("\n".join(lines[cut:]), encoding="utf-8")
        found.append((file.stem, train, test, [args.other_vocab]))
    return found


def run(args: argparse.Namespace, tmp: Path) -> list[list[str]]:
    rows = []
    for name, train, test, sizes in corpora(args, tmp):
        words = heldout_words(test)
        log(f"{name}: {sum(words.values())} held-out words ({len(words)} distinct)")
        normalized = tmp / f"{name}.normalized.txt"
        measure("quality:normalize", threads=1, repeat=1, file=str(train), save=str(normalized))
        for vocab in sizes:
            results: list[tuple[str, dict, Measurement | None]] = []
            for tool, scoring, refine in OURS:
                save = tmp / f"{name}-{vocab}-{scoring}-{refine}.txt"
                m = measure("quality:train_ours", threads=args.threads, repeat=1,
                            file=str(train), vocab=vocab, scoring=scoring, refine=refine,
                            save=str(save))
                results.append((tool, wordpiece_figures(save, words), m))
            save = tmp / f"{name}-{vocab}-hf.txt"
            m = measure("quality:train_hf", threads=args.threads, repeat=1, file=str(train),
                        vocab=vocab, save=str(save))
            results.append((HF, wordpiece_figures(save, words), m))
            for tool, kind in [(SP_UNIGRAM, "unigram"), (SP_BPE, "bpe")]:
                prefix = tmp / f"{name}-{vocab}-sp-{kind}"
                try:
                    m = measure("quality:train_sentencepiece", threads=args.threads, repeat=1,
                                file=str(normalized), vocab=vocab, model_type=kind,
                                save=str(prefix))
                except RuntimeError as err:  # e.g. a vocab too large for a small corpus
                    log(f"{tool} failed on {name} at {vocab}: {str(err)[-200:]}")
                    continue
                results.append((tool, sentencepiece_figures(Path(f"{prefix}.model"), words), m))
            if name.startswith("en-") and vocab == 30522:
                bert = Path(args.corpora) / BERT_VOCAB
                results.append((BERT, wordpiece_figures(bert, words), None))
            hf = next(figures["tpw"] for tool, figures, _ in results if tool == HF)
            for tool, figures, m in results:
                log(f"{name} {vocab} {tool}: {figures['tpw']:.4f} tokens/word")
                rows.append([
                    name, str(vocab), tool, f"{figures['tpw']:.4f}", f"{figures['tpw'] / hf:.3f}",
                    f"{figures['whole']:.2%}", f"{figures['unk']:.3%}",
                    f"{m.time:.2f}" if m else "-", f"{m.peak / 2**20:.0f}" if m else "-",
                ])
    return rows


def report(args: argparse.Namespace, argv: list[str], rows: list[list[str]]) -> str:
    command = shlex.join(["python", "bench/quality.py", *argv])
    head = ["corpus", "vocab", "tool", "tokens/word", "vs HF", "words whole", "[UNK]",
            "train s", "peak RSS MB"]
    table = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    table_text = "\n".join(table)
    return f"""## Vocabulary quality: tokens per word on held-out text

{header(["subword", "tokenizers", "sentencepiece"])}
- command: `{command}`
- training: one fresh process per vocabulary, {args.threads} thread(s), wall time and peak
  RSS; evaluation untimed. "vs HF" is tokens per word over Hugging Face's at the same
  size: below 1 means shorter sequences than Hugging Face's vocabulary gives.

{table_text}

Held out: English, {args.heldout_mb} MB of `en-126m.txt` past its first 100,000,000 bytes
(outside every `en-*.txt` training file); other languages, the last 20% of the lines of
each file (trained on the first 80%). Words are BERT BasicTokenizer words (lowercase,
accents stripped, punctuation split); WordPiece vocabularies encode each word greedily,
longest match first; sentencepiece models (trained on the same normalized text, character
coverage 1.0) encode each word on its own.
"""


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", required=True, help="directory of the fetched corpora")
    parser.add_argument("--sizes", default="10m,100m",
                        help="English training sizes (default: 10m,100m)")
    parser.add_argument("--vocab", default="8000,30522",
                        help="English vocab sizes (default: 8000,30522)")
    parser.add_argument("--languages", default="fr,de,es,zh",
                        help="other corpora, trained at --other-vocab (default: fr,de,es,zh)")
    parser.add_argument("--other-vocab", type=int, default=8000,
                        help="vocab size for the other languages (default: 8000)")
    parser.add_argument("--heldout-mb", type=float, default=4.0,
                        help="MB of held-out English (default: 4)")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads for every trainer (default: 2)")
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        rows = run(args, Path(tmp))
    emit(report(args, argv, rows), args.out)


if __name__ == "__main__":
    main()
