"""``subword encode`` and ``subword chunk``: tokenize text with a trained model directory.

Both stream: lines are read a block at a time and encoded in batches of
:data:`BATCH_LINES`, so a file larger than memory works. Each input line gives one
output line (``encode``) or one JSON line per window (``chunk``).

A WordPiece directory with BERT pre-tokenization loads as
:class:`subword.BertTokenizer` (``[CLS]``/``[SEP]``, pairs, truncation, offsets); a BPE
directory as :class:`subword.BPE` (plain ids or tokens).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeAlias

import subword
from subword.cli import _inputs
from subword.cli._args import add_errors_option, positive
from subword.cli._models import load_model

BATCH_LINES = 1000
#: Input lines: texts, or ``(text, pair)`` tuples with ``--pair`` (known only at run time).
Batch: TypeAlias = list[Any]
#: A batch to its output lines.
Encoder: TypeAlias = Callable[[Batch], list[str]]
TRUNCATIONS = ("longest_first", "only_first", "only_second")

ENCODE_EXAMPLES = """examples:
  subword encode -m model corpus.txt                     # tokens, one line per input line
  echo "Hello, world!" | subword encode -m model --format ids
  subword encode -m model questions.tsv --pair --max-length 128 --format jsonl --offsets
  subword encode -m bpe-model corpus.txt.gz --format ids > ids.txt

With --pair each line holds two texts separated by a tab. --max-length implies
--truncation longest_first.
"""

CHUNK_EXAMPLES = """examples:
  subword chunk -m model docs.txt --max-length 512 --stride 128   # overlapping windows
  subword chunk -m model docs.txt --strategy head_tail --head 128
  subword chunk -m model squad.tsv --pair --max-length 384 --stride 128
  subword chunk -m model squad.jsonl --jsonl --max-length 384 --doc-stride 128

Each input line is one document (with --pair: question TAB context, the question kept
whole in every window). Each window is one JSON line: line (1-based), window,
input_ids, token_type_ids, attention_mask, offset_mapping. With --jsonl each input line
is a JSON object: {"text": ..., "labels": [one per word]} (or "spans": [[start, end,
label], ...], as BIO), or {"question": ..., "context": ..., "answers": {"answer_start":
[...], "text": [...]}}; windows then also carry word_ids, sequence_ids and their labels
(labels, or start_positions and end_positions).
"""


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Registers ``encode`` and ``chunk``.

    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parsers(parser.add_subparsers())
    >>> args = parser.parse_args(["encode", "-m", "model", "--format", "ids"])
    >>> args.model, args.file, args.format, args.run is run_encode
    (PosixPath('model'), '-', 'ids', True)
    """
    encode = _common(
        commands, "encode", "encode text to tokens, ids or JSON lines", ENCODE_EXAMPLES
    )
    encode.add_argument(
        "--format", choices=("tokens", "ids", "jsonl"), default="tokens", help="output (tokens)"
    )
    encode.add_argument(
        "--max-length", type=positive, help="truncate to this many tokens, specials included"
    )
    encode.add_argument(
        "--truncation",
        nargs="?",
        const="longest_first",
        choices=TRUNCATIONS,
        help="truncate (default strategy longest_first) to --max-length (or 512)",
    )
    encode.add_argument(
        "--offsets", action="store_true", help="jsonl: add character offsets (offset_mapping)"
    )
    encode.add_argument(
        "--no-special-tokens",
        dest="special_tokens",
        action="store_false",
        help="no [CLS]/[SEP] around the text",
    )
    encode.set_defaults(run=run_encode)

    chunk = _common(commands, "chunk", "cut long texts into model-sized windows", CHUNK_EXAMPLES)
    chunk.add_argument(
        "--strategy",
        choices=("head", "tail", "head_tail", "sliding_window"),
        default="sliding_window",
        help="which tokens to keep (sliding_window)",
    )
    chunk.add_argument(
        "--max-length", type=positive, default=512, help="tokens per window, specials included"
    )
    chunk.add_argument(
        "--stride", type=int, help="sliding_window: overlap between windows in tokens (128)"
    )
    chunk.add_argument(
        "--doc-stride", type=positive, help="sliding_window: start a window every N tokens"
    )
    chunk.add_argument(
        "--head", type=int, default=128, help="head_tail: tokens kept from the start (128)"
    )
    chunk.add_argument(
        "--respect-words", action="store_true", help="sliding_window: never cut a word"
    )
    chunk.add_argument(
        "--jsonl", action="store_true", help="lines are JSON records with texts and labels"
    )
    chunk.set_defaults(run=run_chunk)


def _common(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    examples: str,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples,
    )
    parser.add_argument(
        "-m", "--model", required=True, type=Path, metavar="DIR", help="model directory"
    )
    parser.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="input file (.gz ok); '-' is stdin"
    )
    parser.add_argument("--pair", action="store_true", help="lines are two texts split by a tab")
    add_errors_option(parser)
    return parser


# --- loading ----------------------------------------------------------------------------


# --- input ------------------------------------------------------------------------------


def _batches(args: argparse.Namespace) -> Iterator[tuple[int, Batch]]:
    """``(first line number, items)`` per batch; an item is a text or a (text, pair)."""
    (source,) = _inputs.expand([args.file])
    lines = _inputs.read_lines([source], errors=args.errors)
    number = 1
    batch: Batch
    while batch := list(itertools.islice(lines, BATCH_LINES)):
        if args.pair:
            batch = [_split_pair(source, number + i, line) for i, line in enumerate(batch)]
        yield number, batch
        number += len(batch)


def _split_pair(source: _inputs.Source, number: int, line: str) -> tuple[str, str]:
    first, tab, second = line.partition("\t")
    if not tab:
        raise ValueError(f"{source.name}: line {number}: --pair needs two texts split by a tab")
    return first, second


def _write(lines: list[str]) -> None:
    sys.stdout.write("\n".join(lines) + "\n" if lines else "")


# --- encode -----------------------------------------------------------------------------


def run_encode(args: argparse.Namespace) -> int:
    r"""Encodes every line of the input.

    >>> import tempfile
    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parsers(parser.add_subparsers())
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     model = subword.WordPiece.train_from_iterator(["Hello, world!"] * 3, vocab_size=30)
    ...     _ = model.save(tmp)
    ...     text = Path(tmp, "text.txt")
    ...     _ = text.write_text("Hello, world!\n")
    ...     run_encode(parser.parse_args(["encode", "-m", tmp, str(text), "--format", "ids"]))
    2 21 6 18 5 3
    0
    """
    model = load_model(args.model)
    if args.offsets and args.format != "jsonl":
        raise ValueError("--offsets needs --format jsonl")
    if args.max_length is not None and args.truncation is None:
        args.truncation = "longest_first"
    if isinstance(model, subword.BertTokenizer):
        encode = _bert_encoder(model, args)
    else:
        encode = _plain_encoder(model, args)
    for first, batch in _batches(args):
        try:
            out = encode(batch)
        except ValueError as err:
            raise _where(args, first + _failing(encode, batch), err) from None
        _write(out)
    return 0


def _failing(encode: Encoder, batch: Batch) -> int:
    """The index of the first item of ``batch`` that ``encode`` rejects (rare path)."""
    for index, item in enumerate(batch):
        try:
            encode([item])
        except ValueError:
            return index
    return 0


def _where(args: argparse.Namespace, number: int, err: Exception) -> ValueError:
    name = "<stdin>" if args.file == _inputs.STDIN else args.file
    return ValueError(f"{name}: line {number}: {err}")


def _bert_encoder(tokenizer: subword.BertTokenizer, args: argparse.Namespace) -> Encoder:
    """Batch -> output lines, through ``tokenizer(...)`` as transformers would."""

    def encode(batch: Batch) -> list[str]:
        texts = [item[0] for item in batch] if args.pair else batch
        pairs = [item[1] for item in batch] if args.pair else None
        encoding = tokenizer(
            texts,
            pairs,
            add_special_tokens=args.special_tokens,
            truncation=args.truncation or False,
            max_length=args.max_length,
            return_offsets_mapping=args.offsets,
        )
        return _format(encoding, tokenizer.convert_ids_to_tokens, args.format)

    return encode


def _plain_encoder(model: subword.WordPiece | subword.BPE, args: argparse.Namespace) -> Encoder:
    """Batch -> output lines for a BPE (or non-BERT WordPiece) model: ids only."""
    if args.pair or args.offsets or (args.truncation and args.truncation != "longest_first"):
        kind = type(model).__name__
        raise ValueError(
            f"{args.model}: --pair, --offsets and --truncation STRATEGY need a "
            f"BERT WordPiece model; this directory holds a {kind} model"
        )
    limit = (args.max_length or 512) if args.truncation else None

    def encode(batch: Batch) -> list[str]:
        ids = [row[:limit] for row in model.encode_batch(batch)]
        encoding = {"input_ids": ids, "attention_mask": [[1] * len(row) for row in ids]}
        return _format(encoding, lambda row: [model.id_to_token(i) for i in row], args.format)

    return encode


def _format(
    encoding: Mapping[str, Any], to_tokens: Callable[[list[int]], list[str]], form: str
) -> list[str]:
    ids = encoding["input_ids"]
    if form == "ids":
        return [" ".join(map(str, row)) for row in ids]
    if form == "tokens":
        return [" ".join(to_tokens(row)) for row in ids]
    names = list(encoding)
    rows = []
    for i in range(len(ids)):
        record = {"tokens": to_tokens(ids[i])} | {name: encoding[name][i] for name in names}
        rows.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    return rows


# --- chunk ------------------------------------------------------------------------------


def run_chunk(args: argparse.Namespace) -> int:
    r"""Cuts every line of the input into windows, one JSON line each.

    >>> import tempfile
    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parsers(parser.add_subparsers())
    >>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +ELLIPSIS
    ...     model = subword.WordPiece.train_from_iterator(["Hello, world!"] * 3, vocab_size=30)
    ...     _ = model.save(tmp)
    ...     text = Path(tmp, "text.txt")
    ...     _ = text.write_text("Hello, world!\n")
    ...     options = ["--max-length", "4", "--stride", "0"]
    ...     run_chunk(parser.parse_args(["chunk", "-m", tmp, str(text), *options]))
    {"line":1,"window":0,"input_ids":[2,21,6,3],...,"offset_mapping":[[0,0],[0,5],[5,6],[0,0]]}
    {"line":1,"window":1,"input_ids":[2,18,5,3],...,"offset_mapping":[[0,0],[7,12],[12,13],[0,0]]}
    0
    """
    tokenizer = load_model(args.model)
    if not isinstance(tokenizer, subword.BertTokenizer):
        raise ValueError(
            f"{args.model}: chunk needs a BERT WordPiece model; this directory holds a "
            f"{type(tokenizer).__name__} model"
        )
    if args.jsonl and args.pair:
        raise ValueError("--jsonl and --pair: give one (a JSON record names its question)")
    options: dict[str, Any] = {"strategy": args.strategy, "max_length": args.max_length}
    options |= {"head": args.head, "respect_words": args.respect_words}
    for name in ("stride", "doc_stride"):
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    for first, batch in _batches(args):
        out = []
        for number, item in enumerate(batch, start=first):
            try:
                text, pair, labels = _chunk_item(item, args)
                chunks = tokenizer.chunk(text, pair, **options, **labels)
            except ValueError as err:
                raise _where(args, number, err) from None
            for window, chunk in enumerate(chunks):
                record = {"line": number, "window": window} | dict(chunk)
                if args.jsonl:
                    record |= {"word_ids": chunk.word_ids(), "sequence_ids": chunk.sequence_ids()}
                out.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        _write(out)
    return 0


def _chunk_item(item: Any, args: argparse.Namespace) -> tuple[str, str | None, dict[str, Any]]:
    """``(text, pair, label options)`` of one input line of ``subword chunk``."""
    if args.pair:
        return item[0], item[1], {}
    if not args.jsonl:
        return item, None, {}
    try:
        record = json.loads(item)
    except json.JSONDecodeError as err:
        raise ValueError(f"not a JSON record ({err.msg})") from None
    if not isinstance(record, dict):
        raise ValueError("a JSON record must be an object")
    if "text" in record:
        labels = {"word_labels": record.get("labels"), "spans": record.get("spans")}
        return record["text"], None, {key: value for key, value in labels.items() if value}
    if "question" in record and "context" in record:
        answers = {"answers": record["answers"]} if "answers" in record else {}
        return record["question"], record["context"], answers
    raise ValueError('a JSON record needs "text", or "question" and "context"')
