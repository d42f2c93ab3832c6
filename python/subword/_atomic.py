"""Atomic writes for the Python side: readers see the old file or the new one.

Every file Python writes (``subword.json``, ``vocab.txt`` and the configs of
``BertTokenizer``, the output of ``subword pretrain-data``) goes through
:func:`open_atomic`, and a model directory the command creates through
:func:`atomic_directory`. (Rust has its own writer, ``formats::write_atomic``, for the
files it writes.)

Temporary files get a fresh random name and are created exclusively (``open(..., "x")``,
``O_EXCL``: two saves never share one, a planted symlink is never followed), and
directories with ``os.mkdir``, rather than with ``tempfile.mkstemp`` / ``mkdtemp``, so
they get the usual permissions (0666 / 0777 less the umask), not the private 0600 / 0700:
a model directory is meant to be shared. Each file is synced before its rename and the
folder after it, so a save that returned survives a power loss.

A model folder holds several files; :func:`locked_folder` makes saves of a whole model
(and loads) take turns, so two saves into one folder at once leave one complete model,
never the vocab of one and the merges of the other.

A crash (``kill -9``, a power loss) between the files of one save must not mix models
either: :func:`saving_model` writes every file of a save into a staging folder inside the
model folder, then a journal (:data:`JOURNAL`, written atomically) naming them, then
renames them into place and removes the journal. Whoever next takes the folder
(:func:`saving_model` or :func:`loading_model`) and finds a journal finishes those
renames first; a staging folder without a journal (a crash before the journal) is
removed. So a folder always holds the old set or the new one, and files users edit by
hand (filling ``[unusedN]`` slots of ``vocab.txt``) are never refused: nothing checks
their contents.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import signal
import sys
import threading
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
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
        sync_directory(directory)
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
        sync_directory(os.path.dirname(target))
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def sync_directory(directory: StrPath) -> None:
    """Makes the renames in ``directory`` durable (a no-op where folders cannot be synced)."""
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked_folder(directory: StrPath, *, shared: bool = False) -> Iterator[None]:
    r"""Holds a lock on ``directory`` itself: exclusive to save a model, ``shared`` to load.

    Every file of a model is written atomically, but a model is several files; saves
    holding the exclusive lock run one after the other, so the folder always holds one
    whole model, and a load holding the shared lock never reads half of one save and half
    of another. The lock is ``flock(2)`` on the folder (no lock file is left behind); it
    works between threads and processes, and is released when the block ends or the
    process dies. Waiting for it can be interrupted with Ctrl-C; once a save holds it, a
    Ctrl-C is raised only after the block (:func:`interrupts_deferred`), so an
    interrupted save still leaves a whole model. A path that cannot be
    opened as a folder, a file system without locks, or a system without ``flock``
    (Windows), runs the block unlocked.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp, locked_folder(tmp):
        ...     write_text_atomic(Path(tmp, "vocab.txt"), "hello\n")

    """
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # not a folder (or not ours to open): what follows says why
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        except OSError as err:
            # A file system without locks (some network and FUSE mounts) saves unlocked,
            # as before locking existed, rather than not at all.
            if err.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                raise
        with contextlib.nullcontext() if shared else interrupts_deferred():
            yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Holds back SIGINT (Ctrl-C) until the block ends, then delivers it as it would have been.

    A save of several files must not stop between them. On the main thread (the only one
    Python delivers signals to) the SIGINT handler is replaced for the block by one that
    only notes the signal; after the block the original handler is put back and the
    signal raised again, so the caller sees its usual ``KeyboardInterrupt``. Elsewhere, or
    when SIGINT is ignored, the block runs as it is.

    Example:
        >>> with interrupts_deferred():
        ...     pass

    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    original = signal.getsignal(signal.SIGINT)
    if original in (signal.SIG_IGN, None):
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, original)
        if received:
            signal.raise_signal(signal.SIGINT)


#: The journal of a save in progress: the staging folder and the files to move from it.
JOURNAL = ".subword-save.json"
#: The prefix of staging folders (``.subword-save-<random>``).
STAGING_PREFIX = ".subword-save-"


@contextlib.contextmanager
def saving_model(directory: StrPath) -> Iterator[Path]:
    r"""Saves a model's files into ``directory`` as one set: yields the folder to write them to.

    The folder is created when missing and locked (:func:`locked_folder`); an earlier
    save cut off by a crash is completed or discarded first (:func:`recover`). The files
    written into the yielded staging folder (each atomically, as every writer does) are
    moved into ``directory`` after the block through a journal, so a crash at any point
    leaves the old files or the new ones, never some of each. Files of ``directory`` the
    save does not write are left alone. On an exception nothing is moved.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     with saving_model(tmp) as staging:
        ...         write_text_atomic(staging / "vocab.txt", "hello\n")
        ...         write_text_atomic(staging / "subword.json", "{}\n")
        ...     sorted(path.name for path in Path(tmp).iterdir())
        ['subword.json', 'vocab.txt']

    """
    os.makedirs(directory, exist_ok=True)
    with locked_folder(directory):
        recover(directory)
        staging = Path(directory, STAGING_PREFIX + secrets.token_hex(6))
        os.mkdir(staging)
        try:
            yield staging
            names = sorted(os.listdir(staging))
            for name in names:  # what would stop the renames stops the save before them
                if os.path.isdir(os.path.join(directory, name)):
                    path = os.path.join(directory, name)
                    raise IsADirectoryError(errno.EISDIR, "a folder is in the way", path)
            sync_directory(staging)
            journal = {"staging": staging.name, "files": names}
            write_text_atomic(Path(directory, JOURNAL), json.dumps(journal) + "\n")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _move_staged(Path(directory), staging, names)


def _move_staged(directory: Path, staging: Path, names: list[str]) -> None:
    """Renames the staged files that are still there into place, then drops the journal."""
    for name in names:
        with contextlib.suppress(FileNotFoundError):  # moved before a crash
            os.replace(staging / name, directory / name)
    sync_directory(directory)
    os.unlink(directory / JOURNAL)
    shutil.rmtree(staging, ignore_errors=True)
    sync_directory(directory)


def recover(directory: StrPath) -> None:
    """Completes a save of ``directory`` that a crash cut off; call it holding the lock.

    With a journal, the save had written every file: the renames are finished. Staging
    folders without one (and a half-written journal) are the remains of saves that never
    got that far, and go.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     Path(tmp, STAGING_PREFIX + "cut").mkdir()
        ...     recover(tmp)
        ...     list(Path(tmp).iterdir())
        []

    """
    directory = Path(directory)
    journal_path = directory / JOURNAL
    if journal_path.exists():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
            staging, names = journal["staging"], journal["files"]
            ok = isinstance(staging, str) and staging.startswith(STAGING_PREFIX)
            ok = ok and isinstance(names, list) and all(isinstance(n, str) for n in names)
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok or any(os.sep in name or name.startswith(".") for name in names):
            raise ValueError(
                f"{journal_path}: not the journal of an interrupted save; "
                "remove it to use the folder"
            )
        _move_staged(directory, directory / staging, names)
    for leftover in directory.glob(STAGING_PREFIX + "*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    for journal_temp in directory.glob(f".{JOURNAL}.*.tmp"):  # killed while writing it
        journal_temp.unlink(missing_ok=True)


@contextlib.contextmanager
def loading_model(directory: StrPath) -> Iterator[None]:
    """Holds ``directory`` for a load: shared with other loads, never amid a save.

    A save cut off by a crash (its journal still there) is completed first, under the
    exclusive lock, so a load sees one whole model.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp, loading_model(tmp):
        ...     pass

    """
    while True:
        with locked_folder(directory, shared=True):
            if not os.path.exists(os.path.join(directory, JOURNAL)):
                yield
                return
        with locked_folder(directory):
            recover(directory)
