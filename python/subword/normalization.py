r"""BERT's normalization and pre-tokenization (the ``BasicTokenizer``), fast and exact.

The steps and their order are those of transformers' Python ``BasicTokenizer``:

1. drop NUL, U+FFFD and control characters (Unicode ``C*`` except tab, LF, CR) and map
   whitespace (``Zs`` plus tab, LF, CR) to a space;
2. put spaces around CJK ideographs (``tokenize_chinese_chars``);
3. NFC;
4. split on whitespace, then per word: lowercase (``do_lower_case``), NFD and drop
   nonspacing marks (``Mn``) when stripping accents, and split off every punctuation
   character (Unicode ``P*`` plus the ASCII symbols ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``).

Instead of looping over characters in Python, every step runs over the whole text at once:
``str.translate`` with tables filled lazily (one Python call per distinct character, ever),
``unicodedata2.normalize``, ``str.lower`` and ``str.split``, plus an ASCII fast path. Running
a step over the whole text gives the same result as running it word by word: NFC/NFD never
combine across a space, and ``str.lower``'s only context rule (Greek final sigma) never
looks across whitespace. Punctuation and CJK characters are split off by padding them with
spaces, so ``str.split`` yields the tokens.

Character properties come from ``unicodedata2`` (the newest Unicode); results equal
transformers' on every text whose characters have the same properties in Python's own
``unicodedata``.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

import regex

if TYPE_CHECKING:
    # unicodedata2 ships no type hints; it is the standard module's API on newer data.
    import unicodedata as unicodedata2
else:
    import unicodedata2

__all__ = ["AlignedToken", "BasicTokenizer", "pre_tokenize_for_training"]

# The "Chinese character" ranges of BERT's tokenization.py (CJK Unified Ideographs and
# their extensions A-E, plus the compatibility ideographs): exactly these, no others.
CJK_RANGES = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)

# BERT counts every non-alphanumeric printable ASCII character as punctuation.
ASCII_PUNCTUATION = "".join(
    chr(cp)
    for cp in range(0x80)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126
)

# After cleaning only these separate words: Zs, tab, LF, CR became spaces, C* was dropped.
_SEPARATORS = " \u2028\u2029"

# Joins the texts of a batch so that one pass normalizes them all. U+2029 survives every
# step unchanged and separates words, exactly like U+2028 (which replaces it in the input).
_BATCH_SEPARATOR = "\u2029"
# The ASCII fast path's separator: U+001E, a control character the batch table keeps.
_ASCII_BATCH_SEPARATOR = "\x1e"


class _RegexMatch(Protocol):
    """The part of a ``regex`` match object used here (``regex`` ships no type hints)."""

    def group(self) -> str: ...
    def start(self) -> int: ...
    def end(self) -> int: ...


class _RegexPattern(Protocol):
    """The part of a compiled ``regex`` pattern used here."""

    @property
    def pattern(self) -> str: ...
    def search(self, string: str, pos: int = ..., endpos: int = ...) -> _RegexMatch | None: ...
    def finditer(self, string: str) -> Iterator[_RegexMatch]: ...


# Marks, in the per-character map used for offsets, a character whose normalization is not
# one character or may depend on its neighbours.
_NOT_ONE_TO_ONE = "\x00"


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph in BERT's sense.

    >>> is_cjk("中"), is_cjk("の")
    (True, False)
    """
    cp = ord(char)
    return any(first <= cp <= last for first, last in CJK_RANGES)


def is_punctuation(char: str) -> bool:
    """Whether BERT splits ``char`` off as punctuation (Unicode ``P*`` or ASCII symbols).

    >>> is_punctuation("$"), is_punctuation("¿"), is_punctuation("a")
    (True, True, False)
    """
    return char in ASCII_PUNCTUATION or unicodedata2.category(char)[0] == "P"


def _clean_char(char: str) -> str:
    """Step 1 for one character: ``""`` (dropped), ``" "`` or the character itself."""
    category = unicodedata2.category(char)
    if char in "\t\n\r" or category == "Zs":
        return " "
    if category[0] == "C" or char == "\ufffd":
        return ""
    return char


def _split_char(char: str, strip_marks: bool, isolate_cjk: bool) -> str:
    """After normalization: drop marks (when stripping), pad tokens-of-one with spaces."""
    if strip_marks and unicodedata2.category(char) == "Mn":
        return ""
    if is_punctuation(char) or isolate_cjk and is_cjk(char):
        return f" {char} "
    return char


class _LazyTable(dict[int, str]):
    """A ``str.translate`` table computed on first sight of each character, then cached."""

    def __init__(self, rule: Callable[[str], str], preset: dict[int, str] | None = None) -> None:
        super().__init__(preset or {})
        self.rule = rule

    def __missing__(self, cp: int) -> str:
        value = self.rule(chr(cp))
        self[cp] = value
        return value


@functools.cache
def _clean_table(keep: str = "") -> _LazyTable:
    """Step 1 (drop and map whitespace), keeping the characters in ``keep`` unchanged."""
    return _LazyTable(_clean_char, {ord(char): char for char in keep})


@functools.cache
def _split_table(strip_marks: bool, isolate_cjk: bool) -> _LazyTable:
    return _LazyTable(
        functools.partial(_split_char, strip_marks=strip_marks, isolate_cjk=isolate_cjk)
    )


@functools.cache
def _cjk_table() -> _LazyTable:
    return _LazyTable(lambda char: f" {char} " if is_cjk(char) else char)


@functools.cache
def _marks_table() -> _LazyTable:
    return _LazyTable(lambda char: "" if unicodedata2.category(char) == "Mn" else char)


def _ascii_table(keep: str = "") -> dict[int, str | None]:
    """ASCII fast path, steps 1 and 4 at once: drop controls, space tabs, pad punctuation."""
    table: dict[int, str | None] = {cp: None for cp in [*range(0x20), 0x7F]}
    table.update({ord(c): " " for c in "\t\n\r"})
    table.update({ord(c): f" {c} " for c in ASCII_PUNCTUATION})
    table.update({ord(c): c for c in keep})
    return table


_ASCII_TABLE = _ascii_table()
_ASCII_BATCH_TABLE = _ascii_table(keep=_ASCII_BATCH_SEPARATOR)
_ASCII_CLEAN = {cp: None for cp in [*range(0x20), 0x7F]} | {ord(c): " " for c in "\t\n\r"}


class AlignedToken(NamedTuple):
    """A basic token and where it came from in the original text.

    ``start``/``end`` are character offsets in the original text. ``char_spans`` gives, for
    each character of ``text``, its ``(start, end)`` in the original text; it is ``None``
    when the token's characters map one to one onto ``original[start:end]`` (the usual
    case), so that character ``i`` of the token came from ``start + i``.

    >>> token = BasicTokenizer().aligned_tokens("Hi Café")[1]
    >>> token.text, token.start, token.end
    ('cafe', 3, 7)
    """

    text: str
    start: int
    end: int
    char_spans: list[tuple[int, int]] | None = None

    def span_of(self, first: int, last: int) -> tuple[int, int]:
        """Original-text span of the token's characters ``first:last`` (``last`` exclusive).

        >>> AlignedToken("cafe", 10, 14).span_of(2, 4)
        (12, 14)
        """
        if self.char_spans is None:
            return self.start + first, self.start + last
        return self.char_spans[first][0], self.char_spans[last - 1][1]


class BasicTokenizer:
    """BERT's normalization and pre-tokenization, equal to transformers' ``BasicTokenizer``.

    >>> BasicTokenizer().tokenize("Héllo, WORLD!  中文")
    ['hello', ',', 'world', '!', '中', '文']
    >>> BasicTokenizer(do_lower_case=False).tokenize("Héllo, WORLD!")
    ['Héllo', ',', 'WORLD', '!']

    Args:
        do_lower_case: lowercase every word (and strip accents unless
            ``strip_accents=False``).
        never_split: words (after cleaning and NFC) left exactly as they are.
        tokenize_chinese_chars: make every CJK ideograph a token of its own.
        strip_accents: strip accents (NFD, then drop ``Mn`` marks); ``None`` follows
            ``do_lower_case``.

    """

    def __init__(
        self,
        do_lower_case: bool = True,
        never_split: Iterable[str] | None = None,
        tokenize_chinese_chars: bool = True,
        strip_accents: bool | None = None,
    ):
        self.do_lower_case = do_lower_case
        self.never_split = set(never_split or ())
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.strip_accents = strip_accents
        # transformers: with lowercasing, accents go unless strip_accents is False;
        # without, only when strip_accents is truthy.
        self._strip = strip_accents is not False if do_lower_case else bool(strip_accents)

    def __repr__(self) -> str:
        return (
            f"BasicTokenizer(do_lower_case={self.do_lower_case!r}, "
            f"never_split={sorted(self.never_split)!r}, "
            f"tokenize_chinese_chars={self.tokenize_chinese_chars!r}, "
            f"strip_accents={self.strip_accents!r})"
        )

    # ------------------------------------------------------------------ normalization

    def normalize(self, text: str) -> str:
        r"""Return the text after cleaning, NFC, lowercasing and accent stripping.

        CJK ideographs and punctuation are not surrounded by spaces here; ``tokenize``
        splits them off.

        >>> BasicTokenizer().normalize("Ça\tva\x00?")
        'ca va?'
        """
        if text.isascii():
            text = text.translate(_ASCII_CLEAN)
            return text.lower() if self.do_lower_case else text
        text = self._normalize_unicode(text.translate(_clean_table()))
        return text.translate(_marks_table()) if self._strip else text

    def normalize_aligned(self, text: str) -> tuple[str, list[int]]:
        r"""The text normalized character by character, with where each output came from.

        Per character, as ``tokenizers``' ``BertNormalizer`` (CJK spaced); ``origins[i]``
        is the index in ``text`` of output character ``i``. For added tokens.

        >>> BasicTokenizer().normalize_aligned("Ça\x00 Va")
        ('ca va', [0, 1, 3, 4, 5])
        """
        output, origins = [], []
        for index, char in enumerate(text):
            normalized = _normalize_char(char, self.do_lower_case, self._strip)
            if self.tokenize_chinese_chars and is_cjk(char):
                normalized = f" {normalized} "
            output.append(normalized)
            origins += [index] * len(normalized)
        return "".join(output), origins

    def _normalize_unicode(self, cleaned: str) -> str:
        """NFC, lowercase, and NFD when stripping accents (the marks stay for the caller)."""
        text = unicodedata2.normalize("NFC", cleaned)
        if self.do_lower_case:
            text = text.lower()
        return unicodedata2.normalize("NFD", text) if self._strip else text

    def _spaced(self, text: str, keep: str = "") -> str:
        """The normalized text with every token-of-one padded: ``split()`` gives the tokens.

        Characters in ``keep`` (batch separators) pass through unchanged.
        """
        if text.isascii():
            text = text.translate(_ASCII_BATCH_TABLE if keep else _ASCII_TABLE)
            return text.lower() if self.do_lower_case else text
        text = self._normalize_unicode(text.translate(_clean_table(keep)))
        return text.translate(_split_table(self._strip, self.tokenize_chinese_chars))

    # ------------------------------------------------------------------ tokenization

    def tokenize(self, text: str, never_split: Iterable[str] | None = None) -> list[str]:
        """Split ``text`` into basic tokens (words and single punctuation characters).

        >>> BasicTokenizer().tokenize("Don't stop")
        ['don', "'", 't', 'stop']

        ``never_split`` adds words to the instance's own ``never_split`` for this call.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        keep = self.never_split.union(never_split) if never_split else self.never_split
        if keep and self._has_never_split_word(text, keep):
            return self._tokenize_keeping(text, keep)
        return self._spaced(text).split()

    def tokenize_batch(self, texts: Sequence[str]) -> list[list[str]]:
        """``[tokenize(t) for t in texts]``, normalizing the whole batch in one pass.

        >>> BasicTokenizer().tokenize_batch(["Hello!", "", "Ünïcode"])
        [['hello', '!'], [], ['unicode']]
        """
        if self.never_split:
            # Rare: words kept whole need the word-by-word path.
            return [self.tokenize(text) for text in texts]
        return [part.split() for part in self._spaced_batch(texts)]

    def _spaced_batch(self, texts: Sequence[str]) -> list[str]:
        """``[_spaced(t) for t in texts]`` in one pass over the joined texts."""
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"every text must be a str, not {type(text).__name__}")
        if not texts:
            return []
        ascii_at = [i for i, text in enumerate(texts) if text.isascii()]
        if 0 < len(ascii_at) < len(texts):
            # A mixed batch: the ASCII texts (most of them, in most corpora) keep their
            # fast path instead of following the few others through Unicode normalization.
            spaced = texts[:]
            other_at = [i for i, text in enumerate(texts) if not text.isascii()]
            for part in (ascii_at, other_at):
                for i, text in zip(part, self._spaced_batch([texts[i] for i in part]), strict=True):
                    spaced[i] = text
            return spaced
        joined = _ASCII_BATCH_SEPARATOR.join(texts)
        if joined.isascii() and joined.count(_ASCII_BATCH_SEPARATOR) == len(texts) - 1:
            return self._spaced(joined, keep=_ASCII_BATCH_SEPARATOR).split(_ASCII_BATCH_SEPARATOR)
        if any(_BATCH_SEPARATOR in text for text in texts):
            texts = [text.replace(_BATCH_SEPARATOR, "\u2028") for text in texts]
        joined = _BATCH_SEPARATOR.join(texts)
        if joined.isascii():  # every text ASCII, some holding U+001E themselves
            return [self._spaced(text) for text in texts]
        return self._spaced(joined, keep=_BATCH_SEPARATOR).split(_BATCH_SEPARATOR)

    def _has_never_split_word(self, text: str, keep: set[str]) -> bool:
        """Whether some word of ``text`` (after cleaning and NFC) is in ``keep``."""
        return not keep.isdisjoint(self._whitespace_words(text))

    def _whitespace_words(self, text: str) -> list[str]:
        """Words as transformers sees them before lowercasing: clean, space CJK, NFC, split."""
        text = text.translate(_clean_table())
        if self.tokenize_chinese_chars:
            text = text.translate(_cjk_table())
        return unicodedata2.normalize("NFC", text).split()

    def _tokenize_keeping(self, text: str, keep: set[str]) -> list[str]:
        """Tokenize word by word, passing the words in ``keep`` through untouched."""
        tokens: list[str] = []
        pending: list[str] = []  # consecutive ordinary words, normalized together
        for word in self._whitespace_words(text):
            if word in keep:
                tokens += self._spaced(" ".join(pending)).split()
                pending = []
                tokens.append(word)
            else:
                pending.append(word)
        tokens += self._spaced(" ".join(pending)).split()
        return tokens

    # ------------------------------------------------------------------ offsets

    def tokenize_with_offsets(self, text: str) -> list[tuple[str, tuple[int, int]]]:
        """Return the basic tokens with their ``(start, end)`` character span in ``text``.

        Spans follow Hugging Face ``tokenizers``' alignment: a token covers the original
        characters its characters came from (a dropped control character inside a word is
        covered, one at its edge is not; a stripped accent after the last letter is not).

        >>> BasicTokenizer().tokenize_with_offsets("Héllo, wörld")
        [('hello', (0, 5)), (',', (5, 6)), ('world', (7, 12))]
        """
        return [(token.text, (token.start, token.end)) for token in self.aligned_tokens(text)]

    def aligned_tokens(self, text: str, offset: int = 0) -> list[AlignedToken]:
        r"""Return the basic tokens of ``text`` with their spans (shifted by ``offset``).

        The tokens are exactly ``tokenize(text)``; see :class:`AlignedToken`.

        >>> BasicTokenizer().aligned_tokens("A\x00b c")[0]
        AlignedToken(text='ab', start=0, end=3, char_spans=[(0, 1), (2, 3)])
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        if self.never_split and self._has_never_split_word(text, self.never_split):
            return self._aligned_by_chunks(text, offset)
        if text.isascii():
            normalized = self.normalize(text)
            if len(normalized) == len(text):  # nothing dropped: one to one
                return _identity_tokens(_ASCII_TOKENS, normalized, 0, len(text), offset)
        return self._aligned_mapped(text, offset)

    @property
    def _token_pattern(self) -> re.Pattern[str]:
        tables = _offset_tables()
        return tables.tokens_cjk if self.tokenize_chinese_chars else tables.tokens_plain

    def _aligned_mapped(self, text: str, offset: int) -> list[AlignedToken]:
        """Spans from a per-character map, taking the slow path only around odd characters."""
        # Same length as ``text``: each character's own normalization when that is one
        # character and independent of its neighbours, else the marker.
        mapped = text.translate(_one_to_one_table(self.do_lower_case, self._strip))
        pattern = self._token_pattern
        tokens: list[AlignedToken] = []
        position = 0
        for start, end in _dirty_regions(mapped, self.tokenize_chinese_chars):
            tokens += _identity_tokens(pattern, mapped, position, start, offset)
            tokens += self._aligned_piece(text[start:end], start + offset)
            position = end
        tokens += _identity_tokens(pattern, mapped, position, len(mapped), offset)
        if [token.text for token in tokens] == self.tokenize(text):
            return tokens
        # A context rule the per-character map missed: redo every chunk carefully.
        return self._aligned_by_chunks(text, offset)

    def _aligned_by_chunks(self, text: str, offset: int) -> list[AlignedToken]:
        """Slow path: align each whitespace-separated chunk of the original on its own."""
        tokens: list[AlignedToken] = []
        for chunk in _offset_tables().chunks.finditer(text):
            tokens += self._aligned_chunk(chunk.group(), chunk.start() + offset)
        return tokens

    def _aligned_chunk(self, chunk: str, offset: int) -> list[AlignedToken]:
        """Tokens of one chunk (no whitespace inside), honouring ``never_split``."""
        if not self.never_split:
            return self._aligned_piece(chunk, offset)
        tokens: list[AlignedToken] = []
        for piece, start in self._split_at_cjk(chunk):
            word = unicodedata2.normalize("NFC", piece.translate(_clean_table()))
            if word in self.never_split:
                tokens.append(AlignedToken(word, offset + start, offset + start + len(piece)))
            else:
                tokens += self._aligned_piece(piece, offset + start)
        return tokens

    def _split_at_cjk(self, chunk: str) -> list[tuple[str, int]]:
        """``chunk`` cut before and after every CJK ideograph, with start positions."""
        if not self.tokenize_chinese_chars:
            return [(chunk, 0)]
        pieces, position = [], 0
        for match in _offset_tables().cjk.finditer(chunk):
            if match.start() > position:
                pieces.append((chunk[position : match.start()], position))
            pieces.append((match.group(), match.start()))
            position = match.end()
        if position < len(chunk):
            pieces.append((chunk[position:], position))
        return pieces

    def _aligned_piece(self, piece: str, offset: int) -> list[AlignedToken]:
        """Tokens of a whitespace-free piece, with a per-character alignment."""
        normalized = self.normalize(piece)
        spans = self._char_spans(piece, normalized, offset)
        tokens = []
        for match in self._token_pattern.finditer(normalized):
            first, last = match.span()
            token_spans = spans[first:last]
            tokens.append(
                AlignedToken(match.group(), token_spans[0][0], token_spans[-1][1], token_spans)
            )
        return tokens

    def _char_spans(self, piece: str, normalized: str, offset: int) -> list[tuple[int, int]]:
        """For each character of ``normalized``, the span of ``piece`` it came from.

        Per grapheme cluster: when the cluster's characters normalize one by one to the
        cluster's normalization (accents, dropped controls, lowercase expansions), each
        output character points at its own source character (as ``tokenizers`` does);
        otherwise (NFC composition) every output character covers the whole cluster.
        """
        # Clusters are those of the text after dropping controls, as NFC sees it: in
        # "a\x00\u0300" the accent composes with the "a" once the NUL is gone.
        kept = [(index, clean) for index, char in enumerate(piece) if (clean := _clean_char(char))]
        cleaned = "".join(clean for _, clean in kept)
        spans: list[tuple[int, int]] = []
        for cluster in _GRAPHEME.finditer(cleaned):
            sources = [index + offset for index, _ in kept[cluster.start() : cluster.end()]]
            text = cluster.group()
            one_by_one = [_normalize_char(char, self.do_lower_case, self._strip) for char in text]
            whole = self.normalize(text)
            if "".join(one_by_one) == whole:
                for source, output in zip(sources, one_by_one, strict=True):
                    spans += [(source, source + 1)] * len(output)
            else:
                spans += [(sources[0], sources[-1] + 1)] * len(whole)
        if len(spans) != len(normalized):
            # Context changed the length (never seen in practice): cover the whole piece.
            return [(offset, offset + len(piece))] * len(normalized)
        return spans


# ---------------------------------------------------------------------- offset machinery


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    """Write inclusive code point ranges as the body of a regex character class."""
    return "".join(
        f"\\U{first:08x}" if first == last else f"\\U{first:08x}-\\U{last:08x}"
        for first, last in ranges
    )


def _merge_ranges(code_points: Iterable[int]) -> list[tuple[int, int]]:
    """Group code points into sorted inclusive ranges."""
    ranges: list[tuple[int, int]] = []
    for cp in sorted(code_points):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


class _OffsetTables(NamedTuple):
    """Compiled patterns for offsets, built once from ``unicodedata2``."""

    tokens_cjk: re.Pattern[str]  # a punctuation char | a CJK char | a run of other chars
    tokens_plain: re.Pattern[str]  # a punctuation char | a run of other chars
    chunks: re.Pattern[str]  # a run of characters between original whitespace
    cjk: re.Pattern[str]
    composing: frozenset[str]  # characters NFC may fuse with (or reorder after) the previous


# Planes 4-13 hold no assigned character, 15-16 only private use: the scan skips them
# (tests/test_basic_tokenizer.py checks this holds for the installed unicodedata2).
SCANNED_PLANES = (range(0x40000), range(0xE0000, 0xF0000))


@functools.cache
def _offset_tables() -> _OffsetTables:
    """Scan the code points once (a quarter second) and compile the patterns."""
    punct, spaces, composing = [], [], set()
    for cp in itertools.chain(*SCANNED_PLANES):
        char = chr(cp)
        category = unicodedata2.category(char)
        if category[0] == "P" or char in ASCII_PUNCTUATION:
            punct.append(cp)
        elif category == "Zs":
            spaces.append(cp)
        if unicodedata2.combining(char):
            composing.add(char)
        decomposition = unicodedata2.decomposition(char)
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                composing.add(chr(int(parts[1], 16)))
    composing.update(chr(cp) for cp in range(0x1161, 0x1176))  # Hangul vowel jamo
    composing.update(chr(cp) for cp in range(0x11A8, 0x11C3))  # Hangul trailing jamo
    punct_class = _char_class(_merge_ranges(punct))
    cjk_class = _char_class(CJK_RANGES)
    separators = re.escape(_SEPARATORS)
    original_space = _char_class(_merge_ranges(spaces)) + "\\t\\n\\r\\u2028\\u2029"
    return _OffsetTables(
        tokens_cjk=re.compile(
            f"[{punct_class}]|[{cjk_class}]|[^{punct_class}{cjk_class}{separators}]+"
        ),
        tokens_plain=re.compile(f"[{punct_class}]|[^{punct_class}{separators}]+"),
        chunks=re.compile(f"[^{original_space}]+"),
        cjk=re.compile(f"[{cjk_class}]"),
        composing=frozenset(composing),
    )


_ASCII_PUNCT_CLASS = re.escape(ASCII_PUNCTUATION)
_ASCII_TOKENS = re.compile(f"[{_ASCII_PUNCT_CLASS}]|[^{_ASCII_PUNCT_CLASS} ]+")
_GRAPHEME: _RegexPattern = regex.compile(r"\X")
_MARKERS = re.compile(re.escape(_NOT_ONE_TO_ONE) + "+")
# Tokens never cross a separator, nor a CJK character when those are isolated. The
# backward versions ((?r), a ``regex`` feature) find the last boundary before a position.
_BOUNDARY: dict[bool, _RegexPattern] = {
    True: regex.compile(f"[{re.escape(_SEPARATORS)}{_char_class(CJK_RANGES)}]"),
    False: regex.compile(f"[{re.escape(_SEPARATORS)}]"),
}
_BOUNDARY_BEFORE: dict[bool, _RegexPattern] = {
    isolate: regex.compile("(?r)" + pattern.pattern) for isolate, pattern in _BOUNDARY.items()
}


def _identity_tokens(
    pattern: re.Pattern[str], normalized: str, start: int, end: int, offset: int
) -> list[AlignedToken]:
    """Tokens of ``normalized[start:end]`` whose characters map one to one."""
    new = tuple.__new__  # not the named tuple's Python-level __new__: once per token
    return [
        new(AlignedToken, (match.group(), match.start() + offset, match.end() + offset, None))
        for match in pattern.finditer(normalized, start, end)
    ]


def _dirty_regions(mapped: str, isolate_cjk: bool) -> list[tuple[int, int]]:
    """Maximal runs between token boundaries that hold a character not mapped one to one.

    Found from the markers outwards (never by scanning every chunk), so that a long text
    without spaces (Chinese) stays linear.
    """
    regions: list[tuple[int, int]] = []
    for marker in _MARKERS.finditer(mapped):
        if regions and marker.start() < regions[-1][1]:
            continue
        before = _BOUNDARY_BEFORE[isolate_cjk].search(mapped, 0, marker.start())
        after = _BOUNDARY[isolate_cjk].search(mapped, marker.end())
        start = before.end() if before else 0
        regions.append((start, after.start() if after else len(mapped)))
    return regions


@functools.lru_cache(maxsize=1 << 16)
def _normalize_char(char: str, lower: bool, strip: bool) -> str:
    """One character through the whole pipeline, on its own."""
    char = _clean_char(char)
    if not char or char == " ":
        return char
    char = unicodedata2.normalize("NFC", char)
    if lower:
        char = char.lower()
    if strip:
        char = unicodedata2.normalize("NFD", char).translate(_marks_table())
    return char


def _one_to_one_value(char: str, lower: bool, strip: bool) -> str:
    """``char``'s normalization if one character and context free, else the marker."""
    output = _normalize_char(char, lower, strip)
    context_free = char not in _offset_tables().composing and not (lower and char == "\u03a3")
    return output if len(output) == 1 and context_free else _NOT_ONE_TO_ONE


@functools.cache
def _one_to_one_table(lower: bool, strip: bool) -> _LazyTable:
    return _LazyTable(functools.partial(_one_to_one_value, lower=lower, strip=strip))


def pre_tokenize_for_training(
    texts: Sequence[str],
    do_lower_case: bool = True,
    tokenize_chinese_chars: bool = True,
    strip_accents: bool | None = None,
    never_split: Iterable[str] | None = None,
) -> list[str]:
    """Each text's basic tokens joined by single spaces, ready for a whitespace word counter.

    Tokens never contain whitespace, so splitting the result on whitespace gives back
    exactly ``BasicTokenizer(...).tokenize(text)``.

    >>> pre_tokenize_for_training(["Hello, World!", "Ça  va"])
    ['hello , world !', 'ca va']
    """
    basic = BasicTokenizer(
        do_lower_case=do_lower_case,
        never_split=never_split,
        tokenize_chinese_chars=tokenize_chinese_chars,
        strip_accents=strip_accents,
    )
    if basic.never_split:
        return [" ".join(tokens) for tokens in basic.tokenize_batch(texts)]
    texts = list(texts)
    # An ASCII word of letters and digits is its own basic token, lowercased when asked
    # (no control character, accent, CJK or punctuation to act on): the most frequent
    # distinct chunks of a corpus are such words, and they skip the normalizer.
    result = texts[:]
    todo = [
        i
        for i, text in enumerate(texts)
        if not (
            isinstance(text, str)
            and text.isascii()
            and text.isalnum()
            and (not do_lower_case or text.lower() == text)
        )
    ]
    for i, part in zip(todo, basic._spaced_batch([texts[i] for i in todo]), strict=True):
        result[i] = " ".join(part.split())
    return result
