"""Special tokens found whole in the raw text, before normalization cuts it into words.

As transformers does (and ``tokenizers``' added vocabulary), ``[CLS]``, ``[SEP]`` and the
other special tokens of the vocabulary are matched in the text first, longest first, as
written (never lowercased); the text between them goes through the
:class:`~subword.normalization.BasicTokenizer`, and each match is one word of its own.
A special token that is not in the vocabulary is not matched.

>>> from subword.normalization import BasicTokenizer
>>> splitter = AddedTokenSplitter(["[CLS]", "[SEP]"], BasicTokenizer())
>>> splitter.words("[CLS] Hello, World![SEP]")
['[CLS]', 'hello', ',', 'world', '!', '[SEP]']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from subword.normalization import AlignedToken, BasicTokenizer

__all__ = ["AddedTokenSplitter"]


class AddedTokenSplitter:
    """Cuts texts around whole tokens, then into basic tokens (words).

    >>> from subword.normalization import BasicTokenizer
    >>> splitter = AddedTokenSplitter(["[MASK]"], BasicTokenizer())
    >>> splitter.words_batch(["a [MASK] b", "no special"])
    [['a', '[MASK]', 'b'], ['no', 'special']]

    Args:
        tokens: the tokens to keep whole (the special tokens that are in the vocabulary).
        basic_tokenizer: cuts the rest of the text into words.

    """

    def __init__(self, tokens: Iterable[str], basic_tokenizer: BasicTokenizer) -> None:
        self.basic_tokenizer = basic_tokenizer
        longest_first = sorted(set(tokens), key=lambda token: (-len(token), token))
        self._pattern = (
            re.compile("|".join(map(re.escape, longest_first))) if longest_first else None
        )

    def segments(self, text: str) -> list[tuple[str, int, bool]]:
        """``text`` cut around the whole tokens: ``(piece, start, is_whole_token)``.

        >>> from subword.normalization import BasicTokenizer
        >>> AddedTokenSplitter(["[SEP]"], BasicTokenizer()).segments("a[SEP]b")
        [('a', 0, False), ('[SEP]', 1, True), ('b', 6, False)]
        """
        if self._pattern is None:
            return [(text, 0, False)]
        segments, position = [], 0
        for match in self._pattern.finditer(text):
            if match.start() > position:
                segments.append((text[position : match.start()], position, False))
            segments.append((match.group(), match.start(), True))
            position = match.end()
        if position < len(text):
            segments.append((text[position:], position, False))
        return segments

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
        if self._pattern is None:
            return self.basic_tokenizer.tokenize_batch(texts)
        has_token = [self._pattern.search(text) is not None for text in texts]
        plain = iter(
            self.basic_tokenizer.tokenize_batch(
                [text for text, found in zip(texts, has_token, strict=True) if not found]
            )
        )
        return [
            self.words(text) if found else next(plain)
            for text, found in zip(texts, has_token, strict=True)
        ]

    def aligned_words(self, text: str) -> list[AlignedToken]:
        """:meth:`words` with where each came from in ``text``.

        >>> from subword.normalization import BasicTokenizer
        >>> words = AddedTokenSplitter(["[SEP]"], BasicTokenizer()).aligned_words("Hi[SEP]")
        >>> [(word.text, word.start, word.end) for word in words]
        [('hi', 0, 2), ('[SEP]', 2, 7)]
        """
        words: list[AlignedToken] = []
        for piece, start, whole in self.segments(text):
            if whole:
                words.append(AlignedToken(piece, start, start + len(piece)))
            else:
                words += self.basic_tokenizer.aligned_tokens(piece, start)
        return words
