"""Atomic writes for the Python side: readers see the old file or the new one.

Every file Python writes (``subword.json``, ``vocab.txt`` and the configs of
``BertTokenizer``, the output of ``subword pretrain-data``) goes through
:func:`open_atomic`, and a model directory the command creates through
:func:`atomic_directory`. (Rust has its own writer, ``formats::write_atomic``, for the
files it writes.)

Temporary files are created with ``open(..., "x")`` and directories with ``os.mkdir``
rather than ``tempfile.mkstemp`` / ``mkdtemp``, so they get the usual permissions (0666 /
0777 less the umask), not the private 0600 / 0700: a model directory is meant to be
shared.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

StrPath = str | os.PathLike[str]


def _temp_sibling(target: str) -> str:
    directory, name = os.path.split(target)
    return os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")


@contextlib.contextmanager
def open_atomic(target: StrPath, binary: bool = False) -> Iterator[IO[Any]]:
    r"""A file to write ``target`` through: a temporary sibling renamed onto it on success.

    Text is UTF-8 with ``\n`` line ends. On an exception (Ctrl-C included) the temporary
    file is removed and ``target`` is left as it was.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.txt"
        >>> with open_atomic(path) as out:
        ...     _ = out.write("hi\n")
        >>> path.read_text()
        'hi\n'

    """
    target = os.path.abspath(target)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"{target}: no such directory {directory}")
    temp = _temp_sibling(target)
    try:
        if binary:
            file: IO[Any] = open(temp, "xb")  # noqa: SIM115 - closed below
        else:
            file = open(temp, "x", encoding="utf-8", newline="\n")  # noqa: SIM115
        with file:
            yield file
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def write_text_atomic(target: StrPath, text: str) -> None:
    r"""Writes ``text`` (UTF-8, ``\n`` line ends) to ``target`` via a temporary file and a rename.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.txt"
        >>> write_text_atomic(path, "hi\n")
        >>> path.read_text()
        'hi\n'

    """
    with open_atomic(target) as out:
        out.write(text)


@contextlib.contextmanager
def atomic_directory(target: StrPath) -> Iterator[Path]:
    r"""A fresh temporary sibling directory, renamed to ``target`` once the block succeeds.

    ``target`` must not exist yet. On an exception (Ctrl-C included) the temporary
    directory and everything in it are removed, so no partial ``target`` ever appears.

    Example:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "model"
        >>> with atomic_directory(target) as temp:
        ...     write_text_atomic(temp / "vocab.txt", "hello\n")
        >>> sorted(path.name for path in target.iterdir())
        ['vocab.txt']

    """
    target = os.path.abspath(target)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temp = _temp_sibling(target)
    os.mkdir(temp)
    try:
        yield Path(temp)
        os.rename(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
