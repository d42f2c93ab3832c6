"""Texts to WordPiece ids: the words of each text, then the WordPiece pieces of each word.

The stages before special tokens are added, for a whole batch at once: special tokens
kept whole (:mod:`subword.added_tokens`), the rest cut into basic tokens
(:class:`~subword.normalization.BasicTokenizer`), and every word WordPiece-encoded in Rust
in one call. ``never_split`` words are decided before that call, as
``BertTokenizerLegacy`` decides them: such a word is never sent to WordPiece and is one
token (its id, or the unk id when it is not in the vocab). With offsets, each piece
carries its ``(start, end)`` in the original text.

>>> from subword._core import WordPieceModel
>>> from subword.normalization import BasicTokenizer
>>> encoder = WordPieceModel(["[UNK]", "[SEP]", "hello", "world", "##s"], unk_token="[UNK]")
>>> texts = TextEncoder(encoder, BasicTokenizer(never_split=["Hello!"]), ["[SEP]"])
>>> texts.encode(["Hello! worlds[SEP]"], with_offsets=True)
[Segment(ids=[0, 3, 4, 1], offsets=[(0, 6), (7, 12), (12, 13), (13, 18)], words=None)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from subword._core import ChunkCache, WordPieceModel, int_runs
from subword.added_tokens import AddedToken, AddedTokenSplitter, WholeToken
from subword.normalization import AlignedToken, BasicTokenizer
from subword.processors import Offsets, Segment

__all__ = ["FlatBatch", "TextEncoder"]

_R = TypeVar("_R")  # a per-text result: a Segment, a list of ids, an array of ids


@dataclass(frozen=True)
class FlatBatch:
    """The ids of a batch of texts laid end to end, and each text's number of ids.

    The dataclass form of what Rust's batch calls return (``_core.FlatIds``).

    >>> FlatBatch(np.array([5, 6, 7], dtype=np.uint32), np.array([2, 0, 1])).lengths.tolist()
    [2, 0, 1]
    """

    ids: np.ndarray[Any, Any]
    lengths: np.ndarray[Any, Any]

    def starts(self) -> np.ndarray[Any, Any]:
        """Where each text's ids start in :attr:`ids`.

        >>> FlatBatch(np.array([5, 6, 7]), np.array([2, 0, 1])).starts().tolist()
        [0, 2, 2]
        """
        starts: np.ndarray[Any, Any] = np.cumsum(self.lengths) - self.lengths
        return starts

    def texts(self) -> list[np.ndarray[Any, Any]]:
        """Each text's ids.

        >>> [t.tolist() for t in FlatBatch(np.array([5, 6, 7]), np.array([2, 0, 1])).texts()]
        [[5, 6], [], [7]]
        """
        return np.split(self.ids, np.cumsum(self.lengths)[:-1]) if len(self.lengths) else []

    def lists(self) -> list[list[int]]:
        """Each text's ids as a list (each id's int shared: :func:`subword._core.int_runs`).

        >>> FlatBatch(np.array([5, 6, 7], dtype=np.uint32), np.array([2, 0, 1])).lists()
        [[5, 6], [], [7]]
        """
        offsets = np.zeros(len(self.lengths) + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=offsets[1:])
        return int_runs(self.ids.astype(np.int64), offsets)

    @classmethod
    def join(cls, parts: list[np.ndarray[Any, Any]]) -> FlatBatch:
        """The texts whose ids are ``parts``, in order.

        >>> FlatBatch.join([np.array([1, 2]), np.array([], dtype=int)]).lengths.tolist()
        [2, 0]
        """
        lengths = np.array([len(part) for part in parts], dtype=np.int64)
        ids = np.concatenate(parts) if parts else np.zeros(0)
        return cls(ids.astype(np.uint32, copy=False), lengths)


def _normalization_key(basic_tokenizer: BasicTokenizer) -> tuple[Any, ...]:
    """What a chunk's words depend on besides the chunk: the normalization's options."""
    return (
        type(basic_tokenizer),
        basic_tokenizer.do_lower_case,
        basic_tokenizer.strip_accents,
        basic_tokenizer.tokenize_chinese_chars,
        frozenset(basic_tokenizer.never_split),
    )


def _offsets(words: list[AlignedToken], pieces: list[int], spans: list[Offsets]) -> list[Offsets]:
    """Each piece's span in the original text.

    ``AlignedToken.span_of``, inlined for the usual word whose characters map one to one:
    this runs once per token.
    """
    offsets = []
    for w, (first, last) in zip(pieces, spans, strict=True):
        word = words[w]
        if word.char_spans is None:
            offsets.append((word.start + first, word.start + last))
        else:
            offsets.append(word.span_of(first, last))
    return offsets


def _matched_as_written(token: AddedToken) -> bool:
    return not (token.normalized or token.lstrip or token.rstrip or token.single_word)


class TextEncoder:
    """WordPiece ids (and offsets) of texts, before special tokens are added.

    >>> from subword._core import WordPieceModel
    >>> from subword.normalization import BasicTokenizer
    >>> encoder = WordPieceModel(["[UNK]", "hello", "world", "##s"], unk_token="[UNK]")
    >>> TextEncoder(encoder, BasicTokenizer(), []).encode(["Hello worlds"])
    [Segment(ids=[1, 2, 3], offsets=None, words=None)]

    Args:
        encoder: the Rust WordPiece encoder of the vocabulary.
        basic_tokenizer: BERT's normalization and pre-tokenization (its ``never_split``
            words are kept whole).
        special_tokens: tokens found whole in the raw text (those that are in the vocab).
        added: the added tokens (``add_tokens``) and their ids, found whole as their
            options say (:mod:`subword.added_tokens`); each is one token of that id.
        cache: where :meth:`encode_flat` keeps each whitespace chunk's ids (a new
            :class:`~subword._core.ChunkCache` of the default bound when not given).

    """

    def __init__(
        self,
        encoder: WordPieceModel,
        basic_tokenizer: BasicTokenizer,
        special_tokens: Iterable[str],
        added: Mapping[AddedToken, int] | None = None,
        cache: ChunkCache | None = None,
    ) -> None:
        self.encoder = encoder
        self.basic_tokenizer = basic_tokenizer
        #: each whitespace chunk's ids, as :meth:`encode_flat` found them
        self.cache = ChunkCache() if cache is None else cache
        self._cached_for = _normalization_key(basic_tokenizer)
        self.never_split = basic_tokenizer.never_split
        self.token_ids = {token: index for index, token in enumerate(encoder.vocab)}
        added = added or {}
        in_vocab = [token for token in special_tokens if token in self.token_ids]
        # an added record wins over the plain special token of the same content
        self.splitter = AddedTokenSplitter([*added, *in_vocab], basic_tokenizer)
        #: the id of each whole token, by its text as found (:class:`WholeToken` words)
        self.whole_ids = {token: self.token_ids[token] for token in in_vocab}
        for record, index in added.items():  # tokens found as one text: the first one's id
            text = self.splitter.token_texts.get(record.content)
            if text is not None:  # None: it normalizes to nothing, so it is never found
                self.whole_ids.setdefault(text, index)
        # Without never_split words, and with added tokens only of the kind special tokens
        # are (in the vocab, matched as written), every word can go to Rust as a string:
        # the quick path (WordPiece gives a word that is a token of the vocab its id).
        self._words_as_strings = not self.never_split and all(
            self.token_ids.get(record.content) == index and _matched_as_written(record)
            for record, index in added.items()
        )

    def tokens(self, texts: list[str]) -> list[list[str]]:
        """The WordPiece tokens of each text (a ``never_split`` word as it is written).

        >>> from subword._core import WordPieceModel
        >>> from subword.normalization import BasicTokenizer
        >>> encoder = WordPieceModel(["[UNK]", "hello", "world", "##s"], unk_token="[UNK]")
        >>> TextEncoder(encoder, BasicTokenizer(never_split=["Hi!"]), []).tokens(["Hi! worlds"])
        [['Hi!', 'world', '##s']]
        """
        vocab = self.encoder.vocab
        if self._words_as_strings:
            ids = self.encoder.encode_pretokenized(self.splitter.words_batch(texts))
            return [[vocab[i] for i in sequence] for sequence in ids]
        tokens = []
        for text in texts:
            sequence: list[str] = []
            for word in self.splitter.aligned_words(text):
                if self._kept_id(word) is not None:
                    sequence.append(word.text)
                else:
                    sequence += self.encoder.tokenize_word(word.text)
            tokens.append(sequence)
        return tokens

    def encode(
        self, texts: list[str], with_offsets: bool = False, with_words: bool = False
    ) -> list[Segment]:
        """The ids (and when asked, the original offsets and words) of each text, one Rust call.

        A token's word is the index of the word it is a piece of, among the text's words
        (a special token found whole is a word of its own), as transformers' ``word_ids``.

        >>> from subword._core import WordPieceModel
        >>> from subword.normalization import BasicTokenizer
        >>> encoder = WordPieceModel(["[UNK]", "hello", "world", "##s"], unk_token="[UNK]")
        >>> TextEncoder(encoder, BasicTokenizer(), []).encode(["Hi worlds"], with_offsets=True)
        [Segment(ids=[0, 2, 3], offsets=[(0, 2), (3, 8), (8, 9)], words=None)]
        """
        if not with_offsets and not with_words:
            if self._chunks_apply():
                return [Segment(ids) for ids in self._chunk_id_lists(texts)]
            if self._words_as_strings:
                return self._segments_by_words(texts)
        if not self._chunks_apply():
            return self._encode_words(texts, with_offsets, with_words)
        return self._spliced(
            texts,
            self.splitter.may_hold_tokens(texts),
            lambda plain: self._encode_aligned_chunks(plain, with_offsets, with_words),
            lambda held: self._encode_words(held, with_offsets, with_words),
        )

    def _chunk_id_lists(self, texts: list[str]) -> list[list[int]]:
        """Each text's ids as a list, through :attr:`cache` (no numpy: small batches)."""
        basic = self.basic_tokenizer
        return self._spliced(
            texts,
            self.splitter.may_hold_tokens(texts),
            lambda plain: self.cache.encode_lists(
                self.encoder, plain, basic.do_lower_case, basic.tokenize_batch
            ),
            lambda held: [segment.ids for segment in self._segments_by_words(held)],
        )

    @staticmethod
    def _spliced(
        texts: list[str],
        holds_tokens: list[bool],
        plain: Callable[[list[str]], list[_R]],
        with_tokens: Callable[[list[str]], list[_R]],
    ) -> list[_R]:
        """Each text's result, in order: ``plain``'s, or ``with_tokens``' for held texts.

        A text that may hold special tokens takes the word-by-word route (they are matched
        in the raw text first, as transformers does); the others take the chunk cache's.
        """
        if not any(holds_tokens):
            return plain(texts)
        pairs = list(zip(texts, holds_tokens, strict=True))
        plain_results = iter(plain([text for text, held in pairs if not held]))
        token_results = iter(with_tokens([text for text, held in pairs if held]))
        return [next(token_results) if held else next(plain_results) for held in holds_tokens]

    def _segments_by_words(self, texts: list[str]) -> list[Segment]:
        """The ids of texts whose words all go to Rust as strings, word by word."""
        batch = self.encoder.encode_pretokenized(self.splitter.words_batch(texts))
        return [Segment(ids) for ids in batch]

    def _encode_words(
        self, texts: list[str], with_offsets: bool, with_words: bool
    ) -> list[Segment]:
        """:meth:`encode` word by word: each text's basic tokens found in Python, then encoded."""
        aligned = [self.splitter.aligned_words(text) for text in texts]
        return self._encode_aligned(aligned, None, with_offsets, with_words)

    def _encode_aligned_chunks(
        self, texts: list[str], with_offsets: bool, with_words: bool
    ) -> list[Segment]:
        """:meth:`encode` through the chunk cache, with each piece's span and word."""
        basic = self.basic_tokenizer

        def chunk_tokens(chunks: list[str]) -> list[list[AlignedToken]]:
            return [basic.aligned_tokens(chunk) for chunk in chunks]

        ids, offsets, words = self.cache.encode_aligned(
            self.encoder, texts, basic.do_lower_case, chunk_tokens
        )
        return [
            Segment(row, spans if with_offsets else None, indices if with_words else None)
            for row, spans, indices in zip(ids, offsets, words, strict=True)
        ]

    def encode_flat(self, texts: list[str]) -> FlatBatch | None:
        """:meth:`encode`'s ids laid end to end, or ``None`` when the batch needs its path.

        Each distinct whitespace chunk (the text between spaces, tabs and line ends, which
        BERT's normalization never looks across) is normalized and encoded once and then
        found in :attr:`cache`; the work runs in Rust, in parallel, and only chunks that
        are not printable ASCII go through the Python normalizer. ``None`` when a
        ``never_split`` word or an added token that is not a plain vocab token could be
        in play: :meth:`encode` handles those.

        >>> from subword._core import WordPieceModel
        >>> from subword.normalization import BasicTokenizer
        >>> encoder = WordPieceModel(["[UNK]", "hello", "world", "##s"], unk_token="[UNK]")
        >>> flat = TextEncoder(encoder, BasicTokenizer(), []).encode_flat(["Hello worlds", "Hi"])
        >>> flat.ids.tolist(), flat.lengths.tolist()
        ([1, 2, 3, 0], [3, 1])
        """
        if not self._chunks_apply():
            return None
        holds_tokens = self.splitter.may_hold_tokens(texts)
        if not any(holds_tokens):
            return self._encode_chunks(texts)  # one flat batch, never cut into texts
        return FlatBatch.join(
            self._spliced(
                texts,
                holds_tokens,
                lambda plain: self._encode_chunks(plain).texts(),
                lambda held: [np.asarray(segment.ids) for segment in self._segments_by_words(held)],
            )
        )

    def _chunks_apply(self) -> bool:
        """Whether texts may go through :attr:`cache` (emptied if the options changed).

        Not when a ``never_split`` word or an added token that is not a plain vocab token
        could be in play: the chunks' words would depend on more than the chunk.
        """
        basic = self.basic_tokenizer
        key = _normalization_key(basic)
        if key != self._cached_for:  # the options changed since: the chunks' words too
            self.cache.clear()
            self._cached_for = key
        return self._words_as_strings and not basic.never_split

    def _encode_chunks(self, texts: list[str]) -> FlatBatch:
        basic = self.basic_tokenizer
        return FlatBatch(
            *self.cache.encode_texts(self.encoder, texts, basic.do_lower_case, basic.tokenize_batch)
        )

    def encode_split(
        self, texts: list[list[str]], with_offsets: bool = False, with_words: bool = False
    ) -> list[Segment]:
        """:meth:`encode` for texts given as lists of words (``is_split_into_words``).

        Each given word is still normalized and split (``"Hello,"`` is two basic tokens),
        and the pieces of both carry the given word's index; offsets are into the given
        word, as in transformers' fast tokenizers.

        >>> from subword._core import WordPieceModel
        >>> from subword.normalization import BasicTokenizer
        >>> encoder = WordPieceModel(["[UNK]", "hello", "world", "##s"], unk_token="[UNK]")
        >>> texts = TextEncoder(encoder, BasicTokenizer(), [])
        >>> texts.encode_split([["Hello!", "worlds"]], with_offsets=True, with_words=True)
        [Segment(ids=[1, 0, 2, 3], offsets=[(0, 5), (5, 6), (0, 5), (5, 6)], words=[0, 0, 1, 1])]
        """
        aligned, owners = [], []
        for words in texts:
            text_words: list[AlignedToken] = []
            text_owners: list[int] = []
            for index, word in enumerate(words):
                pieces = self.splitter.aligned_words(word)
                text_words += pieces
                text_owners += [index] * len(pieces)
            aligned.append(text_words)
            owners.append(text_owners)
        return self._encode_aligned(aligned, owners, with_offsets, with_words)

    def _encode_aligned(
        self,
        aligned: list[list[AlignedToken]],
        owners: list[list[int]] | None,
        with_offsets: bool,
        with_words: bool,
    ) -> list[Segment]:
        """Encode the basic tokens of each text; ``owners`` maps them to the user's words."""
        never_split = self.never_split
        to_encode = [  # _kept_id(word) is None, inlined: this runs once per word
            [
                index
                for index, word in enumerate(words)
                if type(word) is not WholeToken and word.text not in never_split
            ]
            for words in aligned
        ]
        results = self.encoder.encode_pretokenized_with_offsets(
            [
                [words[index].text for index in kept]
                for words, kept in zip(aligned, to_encode, strict=True)
            ]
        )
        segments = []
        for number, (words, kept, (ids, word_indices, spans)) in enumerate(
            zip(aligned, to_encode, results, strict=True)
        ):
            pieces = [kept[w] for w in word_indices]  # the index in ``words`` of each piece
            if len(kept) != len(words):  # a never_split word or added token is in this text
                ids, pieces, spans = self._with_kept_words(words, ids, pieces, spans)
            offsets = _offsets(words, pieces, spans) if with_offsets else None
            word_ids = None
            if with_words:
                word_ids = [owners[number][w] for w in pieces] if owners is not None else pieces
            segments.append(Segment(ids, offsets, word_ids))
        return segments

    def _with_kept_words(
        self,
        words: list[AlignedToken],
        ids: list[int],
        pieces: list[int],
        spans: list[Offsets],
    ) -> tuple[list[int], list[int], list[Offsets]]:
        """The encoded pieces with each kept word (:meth:`_kept_id`) in its place.

        A kept word is one token spanning the whole word.
        """
        merged_ids, merged_pieces, merged_spans = [], [], []
        next_piece = 0
        for index, word in enumerate(words):
            kept_id = self._kept_id(word)
            if kept_id is not None:
                merged_ids.append(kept_id)
                merged_pieces.append(index)
                merged_spans.append((0, len(word.text)))
                continue
            while next_piece < len(pieces) and pieces[next_piece] == index:
                merged_ids.append(ids[next_piece])
                merged_pieces.append(index)
                merged_spans.append(spans[next_piece])
                next_piece += 1
        return merged_ids, merged_pieces, merged_spans

    def _kept_id(self, word: AlignedToken) -> int | None:
        """The id of a word that is one token as it is, else ``None`` (WordPiece-encode it).

        An added or special token found whole is its token; a ``never_split`` word is its
        id, or the unk id when it is not in the vocab (as ``BertTokenizerLegacy``).
        """
        if isinstance(word, WholeToken):
            return self.whole_ids[word.text]
        if word.text in self.never_split:
            return self.token_ids.get(word.text, self.encoder.unk_id)
        return None
