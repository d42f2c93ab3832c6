"""Tokens found whole in the text before normalization cuts it into words.

As transformers does (``tokenizers``' added vocabulary), the special tokens (``[CLS]``,
``[SEP]``, ...) and the tokens a user adds (``add_tokens``) are matched in the text
first, longest first; the text between them goes through the
:class:`~subword.normalization.BasicTokenizer`, and each match is one word of its own.

An :class:`AddedToken` says how it is matched: ``normalized=False`` (special tokens) in
the raw text, as written; ``normalized=True`` (the default for added tokens that are not
special) in the normalized text, so that with lowercasing ``COVID-19`` also matches
``covid-19``; ``single_word`` only between non-word characters; ``lstrip`` / ``rstrip``
taking the whitespace on its left / right into the match.

>>> from subword.normalization import BasicTokenizer
>>> splitter = AddedTokenSplitter(["[CLS]", "[SEP]"], BasicTokenizer())
>>> splitter.words("[CLS] Hello, World![SEP]")
['[CLS]', 'hello', ',', 'world', '!', '[SEP]']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from subword.normalization import AlignedToken, BasicTokenizer

__all__ = ["AddedToken", "AddedTokenSplitter", "WholeToken", "as_added_token", "token_content"]


@dataclass(frozen=True)
class AddedToken:
    """A token matched whole in the text, with transformers' ``AddedToken`` options.

    ``normalized=None`` means ``not special``, as in ``tokenizers``.

    >>> AddedToken("[E1]").normalized, AddedToken("<ent>", special=True).normalized
    (True, False)
    """

    content: str
    single_word: bool = False
    lstrip: bool = False
    rstrip: bool = False
    normalized: bool | None = None
    special: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.content, str) or not self.content:
            raise ValueError(f"an added token must be a non-empty string, not {self.content!r}")
        if self.normalized is None:
            object.__setattr__(self, "normalized", not self.special)

    def __str__(self) -> str:
        """The token itself, as ``str()`` of a ``tokenizers.AddedToken`` gives."""
        return self.content

    def as_dict(self) -> dict[str, Any]:
        """The fields as ``tokenizer_config.json``'s ``added_tokens_decoder`` writes them.

        >>> AddedToken("x").as_dict()["normalized"]
        True
        """
        return {
            "content": self.content,
            "single_word": self.single_word,
            "lstrip": self.lstrip,
            "rstrip": self.rstrip,
            "normalized": self.normalized,
            "special": self.special,
        }


def as_added_token(token: Any, special: bool = False) -> AddedToken:
    """An :class:`AddedToken` from a string or an ``AddedToken`` (ours or ``tokenizers``').

    A string gets transformers' defaults: ``normalized`` unless ``special``.

    >>> as_added_token("[E1]", special=True)  # doctest: +NORMALIZE_WHITESPACE
    AddedToken(content='[E1]', single_word=False, lstrip=False, rstrip=False,
               normalized=False, special=True)
    """
    if isinstance(token, AddedToken):
        return token if not special or token.special else _with_special(token)
    if isinstance(token, str):
        return AddedToken(token, special=special)
    if hasattr(token, "content"):  # tokenizers.AddedToken
        return AddedToken(
            token.content,
            single_word=token.single_word,
            lstrip=token.lstrip,
            rstrip=token.rstrip,
            normalized=token.normalized,
            special=special or token.special,
        )
    raise TypeError(f"an added token must be a str or an AddedToken, not {type(token).__name__}")


def token_content(token: Any) -> str | None:
    """A special token's string: itself, or an ``AddedToken``'s content (``None`` stays).

    >>> token_content(AddedToken("[X]")), token_content("[Y]"), token_content(None)
    ('[X]', '[Y]', None)
    """
    return None if token is None else as_added_token(token).content


def _with_special(token: AddedToken) -> AddedToken:
    fields = token.as_dict()
    fields["special"] = True
    return AddedToken(**fields)


class WholeToken(AlignedToken):
    """A word that is an added or special token found whole (never WordPiece-encoded).

    >>> from subword.normalization import BasicTokenizer
    >>> words = AddedTokenSplitter(["[SEP]"], BasicTokenizer()).aligned_words("a[SEP]")
    >>> [isinstance(word, WholeToken) for word in words]
    [False, True]
    """


class _Matcher:
    """One regular expression over some added tokens; the token each match is.

    ``surface`` maps the text a token is matched as to the token: its content, or for a
    normalized token its normalized content (of tokens that normalize alike, the first).
    """

    def __init__(self, surface: dict[str, AddedToken]) -> None:
        self.surface = {text: token.content for text, token in surface.items()}
        longest_first = sorted(surface.items(), key=lambda item: (-len(item[1].content), item[0]))
        alternatives = [self._alternative(text, token) for text, token in longest_first]
        self.pattern = re.compile("|".join(alternatives)) if alternatives else None
        self.strips = any(token.lstrip or token.rstrip for token in surface.values())

    @staticmethod
    def _alternative(text: str, token: AddedToken) -> str:
        core = re.escape(text)
        if token.single_word:
            core = rf"(?<!\w){core}(?!\w)"
        return (r"\s*" if token.lstrip else "") + core + (r"\s*" if token.rstrip else "")

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, matched text)`` of each match, left to right."""
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            key = match.group()
            if key not in self.surface and self.strips:  # whitespace taken by lstrip/rstrip
                key = key.strip()
            if match.end() > match.start():
                found.append((match.start(), match.end(), key))
        return found


class AddedTokenSplitter:
    """Cuts texts around whole tokens, then into basic tokens (words).

    >>> from subword.normalization import BasicTokenizer
    >>> splitter = AddedTokenSplitter(["[MASK]"], BasicTokenizer())
    >>> splitter.words_batch(["a [MASK] b", "no special"])
    [['a', '[MASK]', 'b'], ['no', 'special']]

    Args:
        tokens: the tokens to keep whole: strings (matched as written) or
            :class:`AddedToken` records.
        basic_tokenizer: cuts the rest of the text into words, and normalizes the text
            that ``normalized`` tokens are matched in.

    """

    def __init__(self, tokens: Iterable[str | AddedToken], basic_tokenizer: BasicTokenizer) -> None:
        self.basic_tokenizer = basic_tokenizer
        records: dict[str, AddedToken] = {}
        for token in tokens:
            record = token if isinstance(token, AddedToken) else AddedToken(token, special=True)
            records.setdefault(record.content, record)
        raw = {record.content: record for record in records.values() if not record.normalized}
        #: the text of a whole token: its content, or for a normalized one, the content
        #: normalized (``[E1]`` is found and shown as ``[e1]`` when lowercasing)
        self.token_texts = {content: content for content in raw}
        normalized: dict[str, AddedToken] = {}
        for record in records.values():
            if record.normalized:
                surface, _ = basic_tokenizer.normalize_aligned(record.content)
                if surface.strip():  # a token that normalizes to nothing is never found
                    normalized.setdefault(surface, record)
                    self.token_texts[record.content] = surface
        self._raw = _Matcher(raw)
        self._normalized = _Matcher(normalized)

    @property
    def has_normalized_tokens(self) -> bool:
        """Whether some tokens are matched in the normalized text.

        >>> from subword.normalization import BasicTokenizer
        >>> AddedTokenSplitter([AddedToken("x")], BasicTokenizer()).has_normalized_tokens
        True
        """
        return self._normalized.pattern is not None

    def segments(self, text: str) -> list[tuple[str, int, bool]]:
        """``text`` cut around the whole tokens: ``(piece, start, is_whole_token)``.

        A whole token's piece is the token's text (for a normalized token, its
        normalized content), and its span in ``text`` ends where the match ends.

        >>> from subword.normalization import BasicTokenizer
        >>> AddedTokenSplitter(["[SEP]"], BasicTokenizer()).segments("a[SEP]b")
        [('a', 0, False), ('[SEP]', 1, True), ('b', 6, False)]
        """
        return [(piece, start, whole) for piece, start, _, whole in self._spans(text)]

    def _spans(self, text: str) -> list[tuple[str, int, int, bool]]:
        """``(piece, start, end, whole)`` of each segment of ``text``."""
        spans = []
        for start, end, piece, whole in self._cut(text, self._raw.matches(text), self._raw):
            if whole or self._normalized.pattern is None:
                spans.append((piece, start, end, whole))
                continue
            normalized, origins = self.basic_tokenizer.normalize_aligned(piece)
            matches = [
                (start + origins[first], start + origins[last - 1] + 1, key)
                for first, last, key in self._normalized.matches(normalized)
            ]
            spans += [
                (piece, first, last, whole)
                for first, last, piece, whole in self._cut(
                    text, matches, self._normalized, start, end
                )
            ]
        return spans

    def _cut(
        self,
        text: str,
        matches: list[tuple[int, int, str]],
        matcher: _Matcher,
        start: int = 0,
        end: int | None = None,
    ) -> list[tuple[int, int, str, bool]]:
        """``text[start:end]`` cut at the matches: ``(start, end, piece, whole)``."""
        end = len(text) if end is None else end
        pieces = []
        position = start
        for match_start, match_end, key in matches:
            if match_start < position:  # overlaps the previous match
                continue
            if match_start > position:
                pieces.append((position, match_start, text[position:match_start], False))
            content = matcher.surface[key]
            pieces.append((match_start, match_end, self.token_texts[content], True))
            position = match_end
        if position < end:
            pieces.append((position, end, text[position:end], False))
        return pieces

    def words(self, text: str) -> list[str]:
        """The words of one text: whole tokens kept, the rest basic-tokenized.

        >>> from subword.normalization import BasicTokenizer
        >>> AddedTokenSplitter(["[SEP]"], BasicTokenizer()).words("A.[SEP]B")
        ['a', '.', '[SEP]', 'b']
        """
        words: list[str] = []
        for piece, _, whole in self.segments(text):
            words += [piece] if whole else self.basic_tokenizer.tokenize(piece)
        return words

    def words_batch(self, texts: list[str]) -> list[list[str]]:
        """:meth:`words` of each text; texts without a whole token go in one batch call.

        >>> from subword.normalization import BasicTokenizer
        >>> AddedTokenSplitter([], BasicTokenizer()).words_batch(["Hi there", "Bye"])
        [['hi', 'there'], ['bye']]
        """
        has_token = self.may_hold_tokens(texts)
        if not any(has_token):
            return self.basic_tokenizer.tokenize_batch(texts)
        plain = iter(
            self.basic_tokenizer.tokenize_batch(
                [text for text, found in zip(texts, has_token, strict=True) if not found]
            )
        )
        return [
            self.words(text) if found else next(plain)
            for text, found in zip(texts, has_token, strict=True)
        ]

    def may_hold_tokens(self, texts: list[str]) -> list[bool]:
        """Whether each text may hold a whole token (``False``: it is plain text).

        A token matched as written is searched for; with tokens matched in the normalized
        text, every text may hold one.

        >>> from subword.normalization import BasicTokenizer
        >>> AddedTokenSplitter(["[SEP]"], BasicTokenizer()).may_hold_tokens(["a[SEP]", "b"])
        [True, False]
        """
        if self.has_normalized_tokens:
            return [True] * len(texts)
        raw = self._raw.pattern
        # One search of the joined batch usually settles it: a token found in a text is
        # found in the joined texts too (a line end is not a word character, so
        # ``single_word``'s borders hold across it).
        if raw is None or raw.search("\n".join(texts)) is None:
            return [False] * len(texts)
        return [raw.search(text) is not None for text in texts]

    def aligned_words(self, text: str) -> list[AlignedToken]:
        """:meth:`words` with where each came from; whole tokens are :class:`WholeToken`.

        >>> from subword.normalization import BasicTokenizer
        >>> words = AddedTokenSplitter(["[SEP]"], BasicTokenizer()).aligned_words("Hi[SEP]")
        >>> [(word.text, word.start, word.end) for word in words]
        [('hi', 0, 2), ('[SEP]', 2, 7)]
        """
        words: list[AlignedToken] = []
        for piece, start, end, whole in self._spans(text):
            if whole:
                words.append(WholeToken(piece, start, end, [(start, end)] * len(piece)))
            else:
                words += self.basic_tokenizer.aligned_tokens(piece, start)
        return words
