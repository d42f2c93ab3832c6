"""The ``subword`` command: ``train``, ``encode``, ``chunk`` (and ``pretrain-data``).

Errors print one line on stderr and exit with status 2 (``--debug`` shows the traceback);
Ctrl-C exits with 130 and leaves no partial output; a closed stdout pipe
(``subword encode ... | head -1``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence

import subword
from subword.cli import encode, train

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

EXAMPLES = """examples:
  subword train corpus.txt -o model              # WordPiece, BERT normalization, 30,522 tokens
  subword train 'data/*.txt.gz' --model bpe --num-merges 32000 -o bpe-model
  subword encode -m model corpus.txt --format ids | head
  echo "A long document." | subword chunk -m model --max-length 128 --stride 32

Run `subword COMMAND --help` for the options of each command.
"""

PRETRAINING_MODULE = "subword.pretraining_cli"


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
    _add_pretraining(commands)
    return parser


def _add_pretraining(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Registers ``pretrain-data`` when its module is part of this installation."""
    if importlib.util.find_spec(PRETRAINING_MODULE) is None:
        return
    try:
        module = importlib.import_module(PRETRAINING_MODULE)
    except ImportError as err:
        # Present but missing a dependency: keep the command visible and say why on use.
        sub = commands.add_parser("pretrain-data", help=f"(unavailable: {err})")
        sub.set_defaults(run=_unavailable(err))
        return
    sub = commands.add_parser(
        "pretrain-data",
        help="build pretraining data (masked-LM examples) from text",
        description=(module.__doc__ or "").strip() or None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    module.add_arguments(sub)
    sub.set_defaults(run=module.run)


def _unavailable(err: ImportError) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        raise ValueError(f"pretrain-data is unavailable: {err}")

    return run


def _message(err: BaseException) -> str:
    """One line for the user: ``FILE: problem`` whenever a file is involved."""
    if isinstance(err, OSError) and err.filename is not None and err.strerror:
        return f"{err.filename}: {err.strerror}"
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
