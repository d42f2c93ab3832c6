"""Atomic file writes for the Python side: readers see the old file or the new one.

The temporary file is created with ``open(..., "x")`` rather than ``tempfile.mkstemp`` so
it gets the usual permissions (0666 less the umask), not mkstemp's private 0600: a model
directory is meant to be shared.
"""

from __future__ import annotations

import os
import secrets


def write_text_atomic(target: str | os.PathLike[str], text: str) -> None:
    r"""Writes ``text`` (UTF-8, ``\n`` line ends) to ``target`` via a temporary file and a rename.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "hello.txt"
        >>> write_text_atomic(path, "hi\n")
        >>> path.read_text()
        'hi\n'

    """
    target = os.path.abspath(target)
    directory, name = os.path.split(target)
    temp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(temp, "x", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
