"""The ``subword`` command: train a vocabulary from text files.

Errors print one line on stderr and exit with status 2 (``--debug`` shows the traceback);
Ctrl-C exits with 130 and leaves no partial output, since every file is written only once
training has finished, each through a temporary file and a rename.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import subword
from subword._progress import ProgressBar
from subword.models import _counting

EXAMPLES = """examples:
  subword train corpus.txt                      # WordPiece, BERT normalization, 30,522 tokens
  subword train corpus.txt --model bpe --num-merges 32000 -o bpe-model
  subword train a.txt b.txt --vocab-size 8000 --no-lowercase --threads 2
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="subword",
        description="Train BPE and WordPiece vocabularies for BERT-style models.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument("--version", action="version", version=f"subword {subword.__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train",
        help="train a vocabulary from text files",
        description="Train a WordPiece (default) or BPE vocabulary from UTF-8 text files.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    train.add_argument("files", nargs="+", type=Path, metavar="FILE", help="UTF-8 text files")
    train.add_argument("--model", choices=("wordpiece", "bpe"), default="wordpiece")
    size = train.add_mutually_exclusive_group()
    size.add_argument(
        "--vocab-size", type=int, help="vocabulary size (default 30522 for WordPiece)"
    )
    size.add_argument("--num-merges", type=int, help="BPE merges, as subword-nmt's -s")
    train.add_argument("--min-frequency", type=int, default=2, help="least count of a merged pair")
    train.add_argument(
        "--lowercase",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="lowercase with BERT normalization (WordPiece, or BPE with --pre-tokenizer bert)",
    )
    train.add_argument(
        "--pre-tokenizer",
        choices=_counting.PRE_TOKENIZERS,
        help="how text is split into words (default: bert for WordPiece, whitespace for BPE)",
    )
    train.add_argument("--special-tokens", help="comma-separated special tokens, first is unk")
    train.add_argument(
        "--byte-fallback", action="store_true", help="BPE: byte tokens for unseen characters"
    )
    train.add_argument(
        "--errors",
        choices=("strict", "replace"),
        default="strict",
        help="what to do with bytes that are not UTF-8",
    )
    train.add_argument("--threads", type=int, help="threads to use (default: all cores)")
    train.add_argument("-o", "--output", type=Path, default=Path("."), help="output directory")
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    return parser


def _peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _train(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    bar = ProgressBar(disable=args.quiet or not sys.stderr.isatty())
    is_bpe = args.model == "bpe"
    pre_tokenizer = args.pre_tokenizer or ("whitespace" if is_bpe else "bert")
    default_specials = "<unk>" if is_bpe else "[PAD],[UNK],[CLS],[SEP],[MASK]"
    specials = [t for t in (args.special_tokens or default_specials).split(",") if t]
    try:
        counts = _counting.count_words(
            args.files,
            pre_tokenizer=pre_tokenizer,
            lowercase=args.lowercase,
            errors=args.errors,
            threads=args.threads,
            progress=bar,
        )
        _counting.check_not_empty(counts)
        if is_bpe:
            size = (
                {"num_merges": args.num_merges}
                if args.num_merges
                else {"vocab_size": args.vocab_size or 30000}
            )
            model = subword.BPE.train_from_counts(
                counts,
                **size,
                min_frequency=args.min_frequency,
                special_tokens=specials,
                pre_tokenizer=pre_tokenizer,
                lowercase=args.lowercase,
                byte_fallback=args.byte_fallback,
                threads=args.threads,
                progress=bar,
            )
        else:
            if args.num_merges:
                raise ValueError("--num-merges is for --model bpe; use --vocab-size for WordPiece")
            model = subword.WordPiece.train_from_counts(
                counts,
                vocab_size=args.vocab_size or 30522,
                min_frequency=args.min_frequency,
                special_tokens=specials,
                lowercase=args.lowercase,
                threads=args.threads,
                progress=bar,
            )
    finally:
        bar.close()
    model.save(args.output)
    if not args.quiet:
        _summary(args, counts, model, time.perf_counter() - start)
    return 0


def _summary(args, counts, model, seconds: float) -> None:
    merges = len(model.merges) if hasattr(model, "merges") else None
    rows = [
        ("files", f"{len(args.files)}"),
        ("bytes", f"{sum(p.stat().st_size for p in args.files):,}"),
        ("words", f"{counts.total():,}"),
        ("distinct words", f"{len(counts):,}"),
        ("alphabet", f"{model.alphabet_size:,}" if hasattr(model, "alphabet_size") else "-"),
        ("merges", f"{merges:,}" if merges is not None else "-"),
        ("vocab size", f"{len(model):,}"),
        ("time", f"{seconds:.2f} s"),
        ("peak memory", f"{_peak_memory_mb():,.0f} MB"),
        ("output", f"{args.output}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args)
        raise AssertionError(args.command)
    except KeyboardInterrupt:
        print("subword: interrupted", file=sys.stderr)
        return 130
    except (OSError, ValueError, TypeError) as err:
        if args.debug:
            raise
        print(f"subword: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
