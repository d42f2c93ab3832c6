"""The ``subword`` command line, one module per command.

The commands: ``train``, ``encode``, ``chunk``, ``evaluate``, ``adapt``, ``pretrain-data``.

Each command is a module of this package with ``add_parser`` (its options) and ``run``;
``cli/`` is the only part of ``subword`` that knows about the command line.

Errors print one line on stderr and exit with status 2 (``--debug`` shows the traceback);
an error about one of the library's keyword arguments names the command's option instead
(it carries the argument as data, see :func:`_message`). Ctrl-C exits with 130 and leaves
no partial output; a closed stdout pipe (``subword encode ... | head -1``) ends the
command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import subword
from subword.cli import _args, _inputs, adapt, encode, evaluate, pretrain_data, train
from subword.errors import InvalidArgumentError, InvalidUtf8Error

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

EXAMPLES = """examples:
  subword train corpus.txt -o model              # WordPiece, BERT normalization, 30,522 tokens
  subword train 'data/*.txt.gz' --model bpe --num-merges 32000 -o bpe-model
  subword encode -m model corpus.txt --format ids | head
  echo "A long document." | subword chunk -m model --max-length 128 --stride 32
  subword evaluate model held-out.txt --compare other-model  # tokens per word, words whole
  subword adapt --vocab bert-base-uncased docs.txt -o bert-docs  # domain tokens, ids kept
  subword pretrain-data -m model corpus.txt --task nsp --seed 0 -o train.jsonl

Run `subword COMMAND --help` for the options of each command.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="subword",
        description="Train BPE and WordPiece vocabularies and tokenize text for BERT-style models.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument("--version", action="version", version=f"subword {subword.__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train.add_parser(commands)
    encode.add_parsers(commands)
    evaluate.add_parser(commands)
    adapt.add_parser(commands)
    pretrain_data.add_parser(commands)
    return parser


def _message(err: BaseException) -> str:
    """One line for the user: ``FILE: problem`` whenever a file is involved.

    Errors from the core that a library user fixes with a keyword argument carry it as
    data, and are phrased here with the command's option.

    >>> _message(InvalidArgumentError("vocab_size", "3 is too small"))
    '--vocab-size 3 is too small'
    """
    if isinstance(err, OSError) and err.filename is not None and err.strerror:
        return f"{err.filename}: {err.strerror}"
    if isinstance(err, InvalidArgumentError):
        return f"{_args.option(err.argument)} {err.reason}"
    if isinstance(err, InvalidUtf8Error):
        return str(_inputs.invalid_utf8(err.path, err.offset, err.line))
    text = str(err) or type(err).__name__
    return " ".join(text.split())  # one line, whatever the source


def _quiet_stdout() -> None:
    """Points stdout at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    r"""Runs the command line; returns the exit status.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     corpus = pathlib.Path(tmp, "corpus.txt")
    ...     _ = corpus.write_text("Hello, world!\n" * 3)
    ...     main(["train", str(corpus), "--vocab-size", "30", "-q", "-o", f"{tmp}/model"])
    ...     main(["encode", "-m", f"{tmp}/model", str(corpus)])
    0
    [CLS] hello , world ! [SEP]
    [CLS] hello , world ! [SEP]
    [CLS] hello , world ! [SEP]
    0
    >>> main(["encode", "-m", "no-such-model"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        print("subword: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except (OSError, ValueError, TypeError, IndexError, UnicodeError) as err:
        if args.debug:
            raise
        print(f"subword: error: {_message(err)}", file=sys.stderr)
        return EXIT_ERROR
