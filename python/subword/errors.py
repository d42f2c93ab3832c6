"""The exceptions of ``subword`` that carry their facts as data beside the message.

Both are ``ValueError`` subclasses, so ``except ValueError`` keeps working. The Rust core
raises them (``rust/python/mod.rs`` maps the core's ``Error::InvalidArgument`` and
``Error::InvalidUtf8`` to them), and a front end that spells things its own way phrases
them from the data instead of rewriting the message: the command line says
``--vocab-size`` where Python says ``vocab_size``, and ``--errors replace`` where Python
says ``errors="replace"``.
"""

from __future__ import annotations

__all__ = ["InvalidArgumentError", "InvalidUtf8Error"]


class InvalidArgumentError(ValueError):
    """The value of the keyword argument ``argument`` is out of its domain, for ``reason``.

    The message is ``f"{argument} {reason}"``.

    Example:
        >>> from subword import BPE
        >>> try:
        ...     BPE.train_from_counts({"low": 5}, vocab_size=2)
        ... except InvalidArgumentError as err:
        ...     print(err.argument, "|", err.reason.split(";")[1])
        vocab_size |  use at least 4

    """

    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(f"{argument} {reason}")
        self.argument = argument
        self.reason = reason

    def __reduce__(self) -> tuple[type[InvalidArgumentError], tuple[str, str]]:
        return type(self), (self.argument, self.reason)


class InvalidUtf8Error(ValueError):
    r"""``path`` holds bytes that are not UTF-8 at byte ``offset`` (on 1-based ``line``).

    Example:
        >>> import pathlib, tempfile
        >>> from subword import WordPiece
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     bad = pathlib.Path(tmp, "bad.txt")
        ...     _ = bad.write_bytes(b"fine\nno \xff good\n")
        ...     try:
        ...         WordPiece.train(bad)
        ...     except InvalidUtf8Error as err:
        ...         print(err.offset, err.line)
        8 2

    """

    def __init__(self, message: str, path: str, offset: int, line: int) -> None:
        super().__init__(message)
        self.path = path
        self.offset = offset
        self.line = line

    def __reduce__(self) -> tuple[type[InvalidUtf8Error], tuple[str, str, int, int]]:
        return type(self), (str(self), self.path, self.offset, self.line)
