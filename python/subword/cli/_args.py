"""What the commands share about arguments: types, common options, option names.

Errors from the library that concern a keyword argument carry its name as data
(:class:`subword.errors.InvalidArgumentError`); :func:`option` spells it as the command's
option (``vocab_size`` is ``--vocab-size``), so no message is ever rewritten.
"""

from __future__ import annotations

import argparse

ERRORS = ("strict", "replace")


def positive(text: str) -> int:
    """An argparse type: an integer >= 1.

    >>> positive("3")
    3
    >>> positive("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: must be at least 1, got 0
    """
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def option(argument: str) -> str:
    """The command-line option of the library's keyword ``argument``.

    >>> option("vocab_size")
    '--vocab-size'
    """
    return "--" + argument.replace("_", "-")


def add_errors_option(parser: argparse.ArgumentParser) -> None:
    """Adds ``--errors strict|replace``: what to do with bytes that are not UTF-8.

    >>> parser = argparse.ArgumentParser()
    >>> add_errors_option(parser)
    >>> parser.parse_args([]).errors, parser.parse_args(["--errors", "replace"]).errors
    ('strict', 'replace')
    """
    parser.add_argument(
        "--errors",
        choices=ERRORS,
        default="strict",
        help="bytes that are not UTF-8: stop with an error (strict) or use U+FFFD",
    )
