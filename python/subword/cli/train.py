"""``subword train``: count the words of the inputs, train, write the model directory.

Plain files split on whitespace (BPE's default) are read and counted entirely in Rust;
everything else (BERT pre-tokenization, ``.gz``, stdin) streams through
:func:`subword.cli._inputs.read_lines` into the Rust counter in batches. Memory grows with
the number of distinct words, never with the corpus size.

The options become the model's trainer config (:class:`subword.models.BpeTrainerConfig`
or :class:`~subword.models.WordPieceTrainerConfig`), the same one the library's training
methods build, which decides both how words are counted and how the model is trained.

The model is written only once training has finished: into a fresh temporary sibling
directory renamed into place when the target does not exist yet (so Ctrl-C leaves no
partial directory), or file by file, each atomically, into an existing directory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import subword
from subword import _core, counting
from subword._atomic import atomic_directory
from subword._progress import ProgressBar
from subword.cli import _inputs
from subword.cli._args import add_errors_option, positive
from subword.models import BpeTrainerConfig, WordPieceTrainerConfig
from subword.models.wordpiece import SCORINGS
from subword.special_tokens import BERT_SPECIAL_TOKENS

TrainerConfig = BpeTrainerConfig | WordPieceTrainerConfig

WORDPIECE_VOCAB_SIZE = 30522
BPE_VOCAB_SIZE = 30000
BERT_SPECIALS = ",".join(BERT_SPECIAL_TOKENS)

EXAMPLES = """examples:
  subword train corpus.txt -o model                 # WordPiece, BERT normalization, 30,522 tokens
  subword train corpus.txt --model bpe --num-merges 32000 -o bpe-model   # as subword-nmt -s 32000
  subword train 'data/*.txt.gz' --vocab-size 8000 --no-lowercase --threads 2 -o cased
  zcat corpus.gz | subword train - -o model        # '-' reads standard input

The output directory holds vocab.txt (WordPiece) or vocab.json + merges.txt (BPE), and
subword.json naming the model and its options: `subword encode -m DIR` and
subword.BertTokenizer.from_pretrained(DIR) need nothing else.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Registers ``train`` and its options.

    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["train", "corpus.txt", "--model", "bpe", "-o", "model"])
    >>> args.files, args.model, args.output, args.run is run
    (['corpus.txt'], 'bpe', PosixPath('model'), True)
    """
    train = commands.add_parser(
        "train",
        help="train a WordPiece or BPE vocabulary from text files",
        description="Train a WordPiece (default) or BPE vocabulary from UTF-8 text.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    train.add_argument(
        "files", nargs="+", metavar="FILE", help="text files, glob patterns, '-' for stdin; .gz ok"
    )
    train.add_argument("--model", choices=("wordpiece", "bpe"), default="wordpiece")
    size = train.add_mutually_exclusive_group()
    size.add_argument(
        "--vocab-size",
        type=positive,
        help="tokens in the vocab: specials + alphabet + merges "
        f"(default {WORDPIECE_VOCAB_SIZE} WordPiece, {BPE_VOCAB_SIZE} BPE)",
    )
    size.add_argument("--num-merges", type=positive, help="BPE merges, as subword-nmt's -s")
    train.add_argument(
        "--min-frequency", type=positive, default=2, help="least count of a merged pair (2)"
    )
    train.add_argument(
        "--scoring",
        choices=SCORINGS,
        help="WordPiece: how the next merge is chosen (default likelihood: the gain in "
        "corpus likelihood; pmi: count(ab)/(count(a)count(b)); frequency: count(ab))",
    )
    train.add_argument(
        "--refine",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="WordPiece: tune the vocab for the greedy encoder after merging (merge to 1.2x "
        "the size, prune the least used tokens, refill, prune; fewer tokens per word); "
        "default on",
    )
    train.add_argument(
        "--lowercase",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="lowercase with BERT normalization (WordPiece, or BPE with --pre-tokenizer bert)",
    )
    train.add_argument(
        "--strip-accents",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="drop accents (default: when lowercasing, as BERT); WordPiece only",
    )
    train.add_argument(
        "--pre-tokenizer",
        choices=counting.PRE_TOKENIZERS,
        help="how text splits into words (default: bert for WordPiece, whitespace for BPE)",
    )
    train.add_argument(
        "--special-tokens",
        help=f"comma-separated special tokens (default {BERT_SPECIALS} for WordPiece, "
        "<unk> for BPE; the first is BPE's unk)",
    )
    train.add_argument(
        "--byte-fallback", action="store_true", help="BPE: byte tokens for unseen characters"
    )
    add_errors_option(train)
    train.add_argument(
        "--max-word-bytes",
        type=positive,
        metavar="N",
        help="stop with an error at a word (a run without whitespace) of more than N bytes, "
        "as soon as it is read (default: no limit)",
    )
    train.add_argument("--threads", type=positive, help="threads to use (default: all cores)")
    train.add_argument(
        "--dask", metavar="ADDRESS", help="count words on a Dask cluster (scheduler address)"
    )
    train.add_argument(
        "--workers", type=positive, metavar="N", help="count words with N local worker processes"
    )
    train.add_argument("-o", "--output", type=Path, default=Path("."), help="output directory (.)")
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    train.set_defaults(run=run)


@dataclass
class Corpus:
    """The counted inputs and what the summary reports about them.

    >>> corpus = Corpus(_core.WordCounts.from_dict({"hello": 2, "world": 1}), files=1, bytes=18)
    >>> corpus.counts.total(), len(corpus.counts), corpus.files
    (3, 2, 1)
    """

    counts: _core.WordCounts
    files: int
    bytes: int


def run(args: argparse.Namespace) -> int:
    r"""Trains and saves; prints the summary unless ``--quiet``.

    >>> import tempfile
    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parser(parser.add_subparsers())
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     corpus = Path(tmp, "corpus.txt")
    ...     _ = corpus.write_text("Hello, world!\n" * 3)
    ...     options = ["--model", "bpe", "--num-merges", "3", "-q", "-o", f"{tmp}/bpe"]
    ...     run(parser.parse_args(["train", str(corpus), *options]))
    ...     subword.BPE.load(f"{tmp}/bpe").merges
    0
    [('w', 'o'), ('wo', 'r'), ('wor', 'l')]
    """
    start = time.perf_counter()
    _check_options(args)
    config = trainer_config(args)
    sources = _inputs.expand(args.files)
    _check_output(args.output)
    bar = ProgressBar(disable=args.quiet or not sys.stderr.isatty())
    try:
        corpus = _count(args, config, sources, bar)
        if len(corpus.counts) == 0:
            raise ValueError(f"{_names(sources)}: the corpus is empty: no words to train on")
        model_class = subword.BPE if isinstance(config, BpeTrainerConfig) else subword.WordPiece
        model = model_class.train_from_counts(
            corpus.counts, **config.keywords(), threads=args.threads, progress=bar
        )
    finally:
        bar.close()
    save(model, args.output)
    if not args.quiet:
        _summary(args, corpus, model, time.perf_counter() - start)
    return 0


def _check_options(args: argparse.Namespace) -> None:
    """Rejects option combinations before any work is done."""
    args.pre_tokenizer = args.pre_tokenizer or ("whitespace" if args.model == "bpe" else "bert")
    if args.model == "wordpiece" and args.num_merges:
        raise ValueError("--num-merges is for --model bpe; use --vocab-size for WordPiece")
    if args.model == "wordpiece" and args.byte_fallback:
        raise ValueError("--byte-fallback is for --model bpe; WordPiece gives [UNK]")
    if args.model == "bpe" and args.scoring is not None:
        raise ValueError("--scoring is for --model wordpiece; BPE merges the most frequent pair")
    if args.model == "bpe" and args.refine is not None:
        raise ValueError("--refine is for --model wordpiece; BPE keeps its merges")
    if args.model == "bpe" and args.strip_accents is not None:
        raise ValueError("--strip-accents is for --model wordpiece")
    if "-" in args.files and (args.dask or args.workers):
        raise ValueError("-: standard input cannot be counted with --dask/--workers")


def trainer_config(args: argparse.Namespace) -> TrainerConfig:
    """The trainer config the options ask for (after :func:`_check_options`).

    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["train", "c.txt", "--model", "bpe", "--num-merges", "10"])
    >>> args.pre_tokenizer = "whitespace"
    >>> trainer_config(args)
    BpeTrainerConfig(vocab_size=None, num_merges=10, min_frequency=2, \
special_tokens=('<unk>',), pre_tokenizer='whitespace', lowercase=True, byte_fallback=False)
    """
    common = {
        "min_frequency": args.min_frequency,
        "special_tokens": _specials(args),
        "pre_tokenizer": args.pre_tokenizer,
        "lowercase": args.lowercase,
    }
    if args.model == "bpe":
        if args.num_merges:
            size = {"num_merges": args.num_merges}
        else:
            size = {"vocab_size": args.vocab_size or BPE_VOCAB_SIZE}
        return BpeTrainerConfig(**size, **common, byte_fallback=args.byte_fallback)
    return WordPieceTrainerConfig(
        vocab_size=args.vocab_size or WORDPIECE_VOCAB_SIZE,
        **common,
        strip_accents=args.strip_accents,
        scoring=args.scoring or SCORINGS[0],
        # On by default here, unlike the library: the command's job is a good vocabulary.
        refine=args.refine is not False,
    )


def _check_output(output: Path) -> None:
    """Fails now, not after an hour of training, when the output cannot be written."""
    if output.exists() and not output.is_dir():
        raise NotADirectoryError(f"{output}: exists and is not a directory")
    existing = output
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"{existing}: cannot write the model here")


def _names(sources: list[_inputs.Source]) -> str:
    return sources[0].name if len(sources) == 1 else f"{len(sources)} inputs"


def _count(
    args: argparse.Namespace,
    config: TrainerConfig,
    sources: list[_inputs.Source],
    bar: ProgressBar,
) -> Corpus:
    """Word counts of every source, on the fastest path that can read them."""
    options = config.counting_options()
    size = sum(s.size for s in sources)
    if args.dask or args.workers:
        counts = _count_distributed(args, sources, options)
        return Corpus(counts, len(sources), size)
    if _inputs.all_plain_files(sources):
        # Plain files take the fast paths: Rust reads and splits them itself, and the BERT
        # pre-tokenizer normalizes each distinct chunk once instead of every line.
        paths = [s.path for s in sources if s.path is not None]
        counts = counting.count_words(
            paths,
            **options,
            errors=args.errors,
            max_word_bytes=args.max_word_bytes,
            threads=args.threads,
            progress=bar,
        )
        return Corpus(counts, len(sources), size)
    stats = _inputs.ReadStats()
    lines = _inputs.read_lines(
        sources,
        errors=args.errors,
        progress=bar,
        stats=stats,
        whole_lines=False,
        max_word_bytes=args.max_word_bytes,
        pre_tokenizer=options["pre_tokenizer"],
    )
    counts = counting.count_words(
        texts=lines, **options, max_word_bytes=args.max_word_bytes, threads=args.threads
    )
    return Corpus(counts, len(sources), stats.bytes)


def _count_distributed(
    args: argparse.Namespace, sources: list[_inputs.Source], options: dict[str, Any]
) -> _core.WordCounts:
    """Counts through ``subword.distributed`` (imported only when asked for)."""
    try:
        from subword import distributed
    except ModuleNotFoundError as err:
        if err.name in ("subword.distributed", "subword"):
            raise ValueError(
                "--dask/--workers: subword.distributed is not part of this installation"
            ) from None
        raise ValueError(f"--dask/--workers need the {err.name!r} package: {err}") from None
    return distributed.count_words_distributed(
        [str(s.path) for s in sources],
        address=args.dask,
        workers=args.workers,
        **options,
        errors=args.errors,
        max_word_bytes=args.max_word_bytes,
    )


def _specials(args: argparse.Namespace) -> list[str]:
    default = "<unk>" if args.model == "bpe" else BERT_SPECIALS
    text = default if args.special_tokens is None else args.special_tokens
    return [token.strip() for token in text.split(",") if token.strip()]


def save(model: subword.BPE | subword.WordPiece | subword.BertTokenizer, output: Path) -> None:
    """Writes ``model`` to ``output`` so that an interruption leaves nothing half-done.

    A ``BertTokenizer`` writes its ``save_pretrained`` folder, a model its ``save``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save(subword.WordPiece(["[UNK]", "hello"]), Path(tmp, "model"))
    ...     sorted(path.name for path in Path(tmp, "model").iterdir())
    ['subword.json', 'tokenizer.json', 'vocab.txt']
    """
    write = model.save_pretrained if isinstance(model, subword.BertTokenizer) else model.save
    if output.is_dir():
        write(output)  # each file through a temp file and a rename
        return
    with atomic_directory(output) as temp:
        write(temp)


def _summary(
    args: argparse.Namespace, corpus: Corpus, model: subword.BPE | subword.WordPiece, seconds: float
) -> None:
    """The table printed on stderr at the end."""
    specials = sum(1 for t in _specials(args) if model.token_to_id(t) is not None)
    if isinstance(model, subword.BPE):
        merges = len(model.merges)
    else:  # WordPiece: every token that is neither special nor a single character
        merges = len(model) - model.alphabet_size - specials
    rows = [
        ("model", _model_name(model)),
        ("files", f"{corpus.files:,}"),
        ("bytes", f"{corpus.bytes:,}"),
        ("words", f"{corpus.counts.total():,}"),
        ("distinct words", f"{len(corpus.counts):,}"),
        ("alphabet", f"{model.alphabet_size:,}"),
        ("merges", f"{merges:,}"),
        ("vocab size", f"{len(model):,}"),
        ("time", f"{seconds:.2f} s"),
        ("peak memory", f"{_peak_memory_mb():,.0f} MB"),
        ("output", f"{args.output}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}", file=sys.stderr)


def _model_name(model: subword.BPE | subword.WordPiece) -> str:
    """The model and how it was trained, for the summary.

    >>> _model_name(subword.WordPiece.train_from_counts({"hug": 3}, vocab_size=9, refine=True))
    'wordpiece (likelihood, refined)'
    """
    if isinstance(model, subword.BPE):
        return "bpe"
    return f"wordpiece ({model.scoring}{', refined' if model.refine else ''})"


def _peak_memory_mb() -> float:
    """The peak resident memory (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024
