"""``subword evaluate``: what a vocabulary makes of text it was not trained on.

Reports tokens per word, the share of words kept whole, the ``[UNK]`` rate, the share of
lines longer than ``--max-length`` and the words that cost the most extra tokens (see
:mod:`subword.evaluation`), for one model or, with ``--compare``, two side by side. A
table on stdout, or JSON with ``--json``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import subword
from subword.cli._args import add_errors_option, positive
from subword.cli._models import Model, load_model
from subword.evaluation import evaluate, format_reports, reports_to_json

EXAMPLES = """examples:
  subword evaluate model held-out.txt                        # the figures of one model
  subword evaluate model held-out.txt --compare bert-vocab.txt --max-length 128
  subword evaluate model 'test/*.txt' --json > quality.json

MODEL and OTHER are model directories (as `subword train` writes them, or a BERT folder
with vocab.txt) or a vocab.txt file. Evaluate on text the vocabulary was not trained on.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Registers ``evaluate`` and its options.

    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["evaluate", "model", "a.txt", "--compare", "other"])
    >>> args.model, args.files, args.compare, args.max_length
    (PosixPath('model'), ['a.txt'], PosixPath('other'), 512)
    """
    command = commands.add_parser(
        "evaluate",
        help="measure a vocabulary on held-out text (tokens per word, words kept whole)",
        description="Measure what a vocabulary makes of text it was not trained on.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    command.add_argument("model", type=Path, metavar="MODEL", help="model directory or vocab.txt")
    command.add_argument(
        "files", nargs="+", metavar="FILE", help="UTF-8 text files, one text a line"
    )
    command.add_argument(
        "--compare", type=Path, metavar="OTHER", help="a second model, reported side by side"
    )
    command.add_argument(
        "--max-length",
        type=positive,
        default=512,
        help="report the share of lines longer than this many tokens (512)",
    )
    command.add_argument(
        "--most-split",
        type=int,
        default=10,
        metavar="N",
        help="list the N words that cost the most extra tokens (10)",
    )
    command.add_argument("--json", action="store_true", help="JSON on stdout instead of a table")
    add_errors_option(command)
    command.set_defaults(run=run)


def load(path: Path) -> Model:
    r"""A model directory as :func:`load_model` reads it, or a ``vocab.txt`` file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     vocab = Path(tmp, "vocab.txt")
    ...     _ = vocab.write_text("[UNK]\nhug\n##s\n")
    ...     load(vocab).tokenize("hugs")
    ['hug', '##s']
    """
    if path.is_file():
        return subword.BertTokenizer(str(path))
    return load_model(path)


def run(args: argparse.Namespace) -> int:
    r"""Evaluates the model (and the one to compare) and prints the report.

    >>> import tempfile
    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parser(parser.add_subparsers())
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     vocab, text = Path(tmp, "vocab.txt"), Path(tmp, "held-out.txt")
    ...     _ = vocab.write_text("[UNK]\nhug\n##s\npun\n")
    ...     _ = text.write_text("hugs pun\n")
    ...     args = parser.parse_args(["evaluate", str(vocab), str(text), "--json"])
    ...     run(args)  # doctest: +ELLIPSIS
    [{"name": "...vocab.txt", "vocab_size": 4, "lines": 1, "words": 2, "tokens": 3, ...}]
    0
    """
    if args.most_split < 0:
        raise ValueError(f"--most-split must be 0 or more, got {args.most_split}")
    paths = [args.model, *([args.compare] if args.compare else [])]
    models = [load(path) for path in paths]  # both load before the (longer) evaluation
    reports = [
        evaluate(
            model,
            args.files,
            max_length=args.max_length,
            most_split=args.most_split,
            name=str(path),
            errors=args.errors,
        )
        for path, model in zip(paths, models, strict=True)
    ]
    print(reports_to_json(reports) if args.json else format_reports(reports))
    return 0
