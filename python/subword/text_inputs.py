"""The texts of a call: a text, a pair, or a batch of them, checked as transformers does.

``tokenizer(text, text_pair)`` takes a string, a string and its pair, a list of strings,
a list of ``(text, text_pair)`` tuples, or two lists of the same length. Every call is
read as a list of ``(text, text_pair or None)`` plus whether it was a batch; anything
else raises transformers' errors (the same types and messages, so that code matching on
them keeps working). With ``is_split_into_words=True`` each text is a list of words
instead (:func:`as_word_batch`).

>>> as_batch(["a", "b"], ["x", "y"])
([('a', 'x'), ('b', 'y')], True)
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

__all__ = [
    "INVALID_TEXT_MESSAGE",
    "as_batch",
    "as_word_batch",
    "check_keywords",
    "check_text",
    "check_unsupported",
]

Words = list[str]

# transformers' messages, so that code matching on them keeps working.
INVALID_TEXT_MESSAGE = (
    "text input must be of type `str` (single example), `list[str]` (batch or single "
    "pretokenized example) or `list[list[str]]` (batch of pretokenized examples) or "
    "`list[tuple[list[str], list[str]]]` (batch of pretokenized sequence pairs)."
)


def check_text(text: Any) -> str:
    """``text`` when it is a string; transformers' ``ValueError`` otherwise.

    >>> check_text("hello")
    'hello'
    """
    if not isinstance(text, str):
        raise ValueError(INVALID_TEXT_MESSAGE)
    return text


def as_batch(text: Any, text_pair: Any) -> tuple[list[tuple[str, str | None]], bool]:
    """``(pairs, batched)`` from ``__call__``'s arguments, checked as transformers does.

    >>> as_batch("a question", "a context")
    ([('a question', 'a context')], False)
    >>> as_batch(["one", ("two", "pair")], None)
    ([('one', None), ('two', 'pair')], True)
    """
    if text is None:
        raise ValueError("You need to specify either `text` or `text_target`.")
    if isinstance(text, str):
        if text_pair is not None and not isinstance(text_pair, str):
            raise ValueError(INVALID_TEXT_MESSAGE)
        # transformers: an empty text_pair ("") is no pair at all.
        return [(text, text_pair if text_pair else None)], False
    if not isinstance(text, (list, tuple)):
        raise ValueError(INVALID_TEXT_MESSAGE)
    if isinstance(text_pair, str):
        raise TypeError(
            "when tokenizing batches of text, `text_pair` must be a list or tuple with the same "
            "length as `text`."
        )
    if text_pair is not None:
        if not isinstance(text_pair, (list, tuple)):
            raise ValueError(INVALID_TEXT_MESSAGE)
        if len(text) != len(text_pair):
            raise ValueError(
                f"batch length of `text`: {len(text)} does not match batch length of "
                f"`text_pair`: {len(text_pair)}."
            )
        pairs = list(zip(text, text_pair, strict=True))
    elif all(map(isinstance, text, repeat(str))):  # the usual batch: nothing to check
        return list(zip(text, repeat(None))), True
    else:
        pairs = [_as_pair(item) for item in text]
    for first, second in pairs:
        if not isinstance(first, str) or (second is not None and not isinstance(second, str)):
            raise ValueError(INVALID_TEXT_MESSAGE)
    return pairs, True


def _as_pair(item: Any) -> tuple[Any, Any]:
    """A batch item: a text, or a ``(text, text_pair)`` tuple/list."""
    if isinstance(item, (tuple, list)):
        if len(item) != 2:
            raise TypeError(
                "a batch item that is a list/tuple must be a (text, text_pair) pair, got "
                f"{len(item)} elements (pre-tokenized input is not supported)"
            )
        return item[0], item[1]
    return item, None


def as_word_batch(text: Any, text_pair: Any) -> tuple[list[tuple[Words, Words | None]], bool]:
    """``(pairs, batched)`` for ``is_split_into_words=True``: each text is a list of words.

    One text is a list of strings; a batch is a list of them (or of ``(words, pair_words)``
    tuples), and ``text_pair`` matches ``text``'s shape.

    >>> as_word_batch(["Hello", "world"], None)
    ([(['Hello', 'world'], None)], False)
    >>> as_word_batch([["a"], ["b", "c"]], [["x"], ["y"]])
    ([(['a'], ['x']), (['b', 'c'], ['y'])], True)
    """
    if text is None:
        raise ValueError("You need to specify either `text` or `text_target`.")
    if not isinstance(text, (list, tuple)):
        raise ValueError(INVALID_TEXT_MESSAGE)
    batched = bool(text) and isinstance(text[0], (list, tuple))
    if not batched:
        if text_pair is not None and not _is_words(text_pair):
            raise ValueError(INVALID_TEXT_MESSAGE)
        pairs = [(text, text_pair or None)]
    elif text_pair is not None:
        if not isinstance(text_pair, (list, tuple)) or len(text_pair) != len(text):
            raise ValueError(
                "with is_split_into_words=True and a batch, `text_pair` must be a list of word "
                "lists with the same length as `text`"
            )
        pairs = list(zip(text, text_pair, strict=True))
    else:
        pairs = [
            (item[0], item[1]) if item and isinstance(item[0], (list, tuple)) else (item, None)
            for item in text
        ]
    for first, second in pairs:
        if not _is_words(first) or (second is not None and not _is_words(second)):
            raise ValueError(INVALID_TEXT_MESSAGE)
    words = [(list(first), list(second) if second is not None else None) for first, second in pairs]
    return words, batched


def _is_words(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(word, str) for word in value)


def check_unsupported(method: str, arguments: dict[str, Any]) -> None:
    """A ``TypeError`` naming transformers' arguments that subword does not support.

    Raised rather than ignored, so that a call never silently means something else.

    >>> check_unsupported("__call__", {"text_target": "x"})
    Traceback (most recent call last):
    ...
    TypeError: BertTokenizer.__call__() got text_target, which subword does not support
    """
    if arguments:
        names = ", ".join(sorted(arguments))
        raise TypeError(f"BertTokenizer.{method}() got {names}, which subword does not support")


def check_keywords(cls: type, arguments: dict[str, Any]) -> None:
    """The constructor's unknown keywords: ``AttributeError`` for a method's name, as transformers.

    >>> class Tokenizer:
    ...     def get_vocab(self): ...
    >>> check_keywords(Tokenizer, {"get_vocab": True})
    Traceback (most recent call last):
    ...
    AttributeError: get_vocab conflicts with the method get_vocab in Tokenizer
    """
    for name in arguments:
        if hasattr(cls, name):
            raise AttributeError(f"{name} conflicts with the method {name} in {cls.__name__}")
    check_unsupported("__init__", arguments)
