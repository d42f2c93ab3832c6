"""Build BERT pretraining data: NSP / SOP sentence pairs with masked-LM masking.

Input files hold one sentence per line; a blank line (or the end of a file) ends a
document. Documents are read as a stream, POOL documents at a time (the other documents
an NSP random B is drawn from). Output: JSON lines (one example a line; '-' is stdout) or,
with --format npz, a directory of .npz shards padded to --max-length, and, once the last
shard is written, shards.json naming them (SHARDS_MARKER: a directory without it holds the
shards of a run that was cut off). Every file is written through a temporary file and a
rename.

Examples:
  subword pretrain-data -m model corpus.txt --task nsp --seed 0 -o train.jsonl
  subword pretrain-data -m model a.txt b.txt --task sop --whole-word --format npz -o shards

"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from subword._atomic import open_atomic
from subword.bert import BertTokenizer
from subword.pretraining import TASKS, NoPairsError, _check_fractions, make_pairs, mask_tokens

DEFAULT_SHARD_SIZE = 10_000
POOL_DOCUMENTS = 1000


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Registers ``pretrain-data`` and its options.

    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["pretrain-data", "-m", "model", "a.txt", "-o", "out.jsonl"])
    >>> args.task, args.run is run
    ('nsp', True)
    """
    parser = commands.add_parser(
        "pretrain-data",
        help="build pretraining data (masked-LM examples) from text",
        description=(__doc__ or "").strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    parser.set_defaults(run=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``pretrain-data`` options to ``parser``.

    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> parser.parse_args(["-m", "model", "a.txt", "-o", "out.jsonl"]).task
    'nsp'
    """
    parser.add_argument(
        "-m",
        "--model",
        required=True,
        type=Path,
        metavar="DIR",
        help="BERT model directory (vocab.txt) or a vocab.txt",
    )
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="UTF-8 text: one sentence a line, blank line between documents",
    )
    parser.add_argument(
        "--task",
        choices=sorted(TASKS),
        default="nsp",
        help="next sentence prediction (BERT) or sentence order (ALBERT)",
    )
    parser.add_argument("--whole-word", action="store_true", help="mask whole words")
    parser.add_argument(
        "--mlm-probability",
        type=float,
        default=0.15,
        metavar="P",
        help="share of positions chosen for masked-LM (default 0.15)",
    )
    parser.add_argument(
        "--max-length",
        type=int,
        default=512,
        metavar="N",
        help="tokens per example, [CLS] and [SEP]s included (default 512)",
    )
    parser.add_argument(
        "--short-seq-prob",
        type=float,
        default=0.1,
        metavar="P",
        help="chance of a shorter target length per document (default 0.1)",
    )
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="random seed")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="JSON lines file ('-': stdout), or the shard directory for npz",
    )
    parser.add_argument("--format", choices=("jsonl", "npz"), default="jsonl")
    parser.add_argument(
        "--shard-size",
        type=int,
        default=None,
        metavar="N",
        help=f"examples per npz shard (default {DEFAULT_SHARD_SIZE})",
    )
    parser.add_argument(
        "--skip-short-documents",
        action="store_true",
        help="skip documents with one sentence (default: an error)",
    )
    parser.add_argument(
        "--pool",
        type=int,
        default=POOL_DOCUMENTS,
        metavar="N",
        help=f"documents held at once (default {POOL_DOCUMENTS})",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")


def run(args: argparse.Namespace) -> int:
    r"""Run ``pretrain-data`` with parsed arguments; return the exit status.

    User errors raise ``ValueError`` / ``OSError`` (the command prints them on one line).

    >>> import tempfile
    >>> from subword import WordPiece
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     model = WordPiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "."])
    ...     _ = model.save(tmp)
    ...     corpus = Path(tmp, "corpus.txt")
    ...     _ = corpus.write_text("a b.\nb c.\nc a.\n\nc b.\na a.\n")
    ...     options = ["-m", tmp, str(corpus), "-o", f"{tmp}/out.jsonl", "--seed", "0", "-q"]
    ...     run(parser.parse_args(options))
    ...     lines = Path(tmp, "out.jsonl").read_text().splitlines()
    0
    >>> len(lines) > 0 and sorted(json.loads(lines[0]))[:3]
    ['attention_mask', 'input_ids', 'labels']
    """
    _check_args(args)
    tokenizer = BertTokenizer.from_pretrained(args.model)
    if tokenizer.mask_token_id is None:
        raise ValueError(f"{args.model}: the vocabulary has no mask token {tokenizer.mask_token!r}")
    rng = np.random.default_rng(args.seed)
    stats = _Stats(time.perf_counter())
    total = sum(path.stat().st_size for path in args.files)
    with tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        desc="pretrain-data",
        file=sys.stderr,
        disable=args.quiet or not sys.stderr.isatty(),
        leave=False,
    ) as bar:
        pools = _pools(_documents(args.files, bar), args)
        examples = (ex for pool in pools for ex in _examples(pool, tokenizer, args, rng, stats))
        if args.format == "npz":
            _write_npz(examples, args, pad_id=_pad_id(tokenizer, args))
        else:
            _write_jsonl(examples, args)
    if not args.quiet:
        print(stats.summary(), file=sys.stderr)
    return 0


def _pad_id(tokenizer: BertTokenizer, args: argparse.Namespace) -> int:
    """The id npz shards are padded with: the vocabulary's pad token, which must exist."""
    if tokenizer.pad_token_id is None:
        raise ValueError(
            f"{args.model}: the vocabulary has no pad token {tokenizer.pad_token!r}, "
            "which --format npz pads with"
        )
    return tokenizer.pad_token_id


def _check_args(args: argparse.Namespace) -> None:
    """Fail before reading anything (and before any output) on bad options."""
    _check_fractions(args.mlm_probability, 0.8, 0.1)
    if args.max_length < 5:
        raise ValueError(f"--max-length {args.max_length} leaves no room for two segments")
    for path in args.files:
        if path.is_dir():
            raise IsADirectoryError(f"{path}: is a directory, not a text file")
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
    if args.shard_size is not None and args.format != "npz":
        raise ValueError("--shard-size applies to --format npz only")
    if args.shard_size is not None and args.shard_size < 1:
        raise ValueError(f"--shard-size {args.shard_size} must be at least 1")
    if args.pool < 2:
        raise ValueError(f"--pool {args.pool} must be at least 2")
    if args.format == "npz" and args.output == "-":
        raise ValueError("--format npz writes a directory; '-' (stdout) works with jsonl only")


@dataclass
class _Document:
    sentences: list[str]
    path: Path
    line: int  # 1-based line of its first sentence


@dataclass
class _Stats:
    start: float
    documents: int = 0
    skipped: int = 0
    examples: int = 0
    positive: int = 0

    def summary(self) -> str:
        share = self.positive / self.examples if self.examples else 0.0
        return (
            f"{self.documents} documents ({self.skipped} skipped), {self.examples} examples "
            f"({share:.1%} label 0), {time.perf_counter() - self.start:.1f} s"
        )


def _documents(paths: list[Path], bar: tqdm) -> Iterator[_Document]:
    """Documents from the files: blank lines (and each file's end) separate them."""
    for path in paths:
        sentences: list[str] = []
        first_line, offset = 0, 0
        with open(path, "rb") as lines:
            for number, raw in enumerate(lines, start=1):
                try:
                    text = raw.decode("utf-8").strip()
                except UnicodeDecodeError as err:
                    raise ValueError(
                        f"{path}: not UTF-8 at byte {offset + err.start} (line {number})"
                    ) from None
                offset += len(raw)
                bar.update(len(raw))
                if text:
                    first_line = first_line or number
                    sentences.append(text)
                elif sentences:
                    yield _Document(sentences, path, first_line)
                    sentences, first_line = [], 0
        if sentences:
            yield _Document(sentences, path, first_line)


def _pools(documents: Iterator[_Document], args: argparse.Namespace) -> Iterator[list[_Document]]:
    """Groups of ``--pool`` documents; one-sentence documents are checked here (file:line).

    A last group of a single document joins the one before: NSP needs another document.
    """
    pool: list[_Document] = []
    held: list[_Document] | None = None
    for document in documents:
        if len(document.sentences) < 2 and not args.skip_short_documents:
            raise ValueError(
                f"{document.path}:{document.line}: a document of one sentence; --task "
                f"{args.task} needs at least 2 (blank lines separate documents; "
                "--skip-short-documents skips such documents)"
            )
        pool.append(document)
        if len(pool) == args.pool:
            if held is not None:
                yield held
            held, pool = pool, []
    if held is not None and len(pool) < 2:
        pool = held + pool
        held = None
    if held is not None:
        yield held
    if pool:
        yield pool


def _examples(
    pool: list[_Document],
    tokenizer: BertTokenizer,
    args: argparse.Namespace,
    rng: np.random.Generator,
    stats: _Stats,
) -> list[dict[str, Any]]:
    """The masked examples of one pool, as dicts of lists."""
    stats.documents += len(pool)
    stats.skipped += sum(len(d.sentences) < 2 for d in pool)
    try:
        pairs = make_pairs(
            [d.sentences for d in pool],
            tokenizer,
            task=args.task,
            max_length=args.max_length,
            short_seq_prob=args.short_seq_prob,
            seed=rng,
            skip_short=True,
        )
    except NoPairsError:
        return []  # a pool of short documents only (they were skipped on request)
    batch = mask_tokens(
        pairs, tokenizer, mlm_probability=args.mlm_probability, whole_word=args.whole_word, seed=rng
    )
    label = TASKS[args.task]
    stats.examples += len(batch[label])
    stats.positive += batch[label].count(0)
    keys = ["input_ids", "token_type_ids", "attention_mask", "labels", label]
    return [
        dict(zip(keys, row, strict=True)) for row in zip(*(batch[k] for k in keys), strict=True)
    ]


def _write_jsonl(examples: Iterator[dict[str, Any]], args: argparse.Namespace) -> None:
    """One JSON object a line, through a temp file renamed at the end (or to stdout)."""
    if args.output == "-":
        for example in examples:
            sys.stdout.write(json.dumps(example, separators=(",", ":")) + "\n")
        return
    with open_atomic(args.output) as out:
        for example in examples:
            out.write(json.dumps(example, separators=(",", ":")) + "\n")


#: Written last into a shard directory: the shards of the finished set and their examples.
SHARDS_MARKER = "shards.json"


def _write_npz(examples: Iterator[dict[str, Any]], args: argparse.Namespace, pad_id: int) -> None:
    """Shards ``shard-00000.npz``...: arrays padded to ``--max-length``, each atomic.

    :data:`SHARDS_MARKER` comes last, after every shard is synced to disk, so a reader
    (or a crash) can tell a finished set from a cut-off one by it alone.
    """
    directory = Path(args.output)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise FileExistsError(f"{directory}: exists and is not an empty directory")
    directory.mkdir(parents=True, exist_ok=True)
    size = args.shard_size or DEFAULT_SHARD_SIZE
    shard: list[dict[str, Any]] = []
    written: dict[str, int] = {}

    def save() -> None:
        name = f"shard-{len(written):05d}.npz"
        _save_shard(directory / name, shard, args, pad_id)
        written[name] = len(shard)

    for example in examples:
        shard.append(example)
        if len(shard) == size:
            save()
            shard = []
    if shard:
        save()
    marker = {"shards": written, "examples": sum(written.values()), "max_length": args.max_length}
    with open_atomic(directory / SHARDS_MARKER) as out:
        out.write(json.dumps(marker, indent=2) + "\n")


def _save_shard(
    path: Path, shard: list[dict[str, Any]], args: argparse.Namespace, pad_id: int
) -> None:
    """Write one shard of int32 ids and labels, int8 masks and task labels.

    Ids are padded with ``pad_id`` (the vocab's ``[PAD]``), labels with -100.
    """
    length = args.max_length
    label = TASKS[args.task]
    arrays = {
        "input_ids": np.full((len(shard), length), pad_id, dtype=np.int32),
        "token_type_ids": np.zeros((len(shard), length), dtype=np.int8),
        "attention_mask": np.zeros((len(shard), length), dtype=np.int8),
        "labels": np.full((len(shard), length), -100, dtype=np.int32),
    }
    for row, example in enumerate(shard):
        for key, array in arrays.items():
            array[row, : len(example[key])] = example[key]
    arrays[label] = np.array([example[label] for example in shard], dtype=np.int8)
    with open_atomic(path, binary=True) as out:
        # numpy's stub types **kwds like allow_pickle (a bool): arrays are what it takes.
        np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
