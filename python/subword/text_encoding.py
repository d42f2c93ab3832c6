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
[Segment(ids=[0, 3, 4, 1], offsets=[(0, 6), (7, 12), (12, 13), (13, 18)])]
"""

from __future__ import annotations

from collections.abc import Iterable

from subword._core import WordPieceModel
from subword.added_tokens import AddedTokenSplitter
from subword.normalization import AlignedToken, BasicTokenizer
from subword.processors import Offsets, Segment

__all__ = ["TextEncoder"]


class TextEncoder:
    """WordPiece ids (and offsets) of texts, before special tokens are added.

    >>> from subword._core import WordPieceModel
    >>> from subword.normalization import BasicTokenizer
    >>> encoder = WordPieceModel(["[UNK]", "hello", "world", "##s"], unk_token="[UNK]")
    >>> TextEncoder(encoder, BasicTokenizer(), []).encode(["Hello worlds"])
    [Segment(ids=[1, 2, 3], offsets=None)]

    Args:
        encoder: the Rust WordPiece encoder of the vocabulary.
        basic_tokenizer: BERT's normalization and pre-tokenization (its ``never_split``
            words are kept whole).
        special_tokens: tokens found whole in the raw text (those that are in the vocab).

    """

    def __init__(
        self,
        encoder: WordPieceModel,
        basic_tokenizer: BasicTokenizer,
        special_tokens: Iterable[str],
    ) -> None:
        self.encoder = encoder
        self.never_split = basic_tokenizer.never_split
        self.token_ids = {token: index for index, token in enumerate(encoder.vocab)}
        in_vocab = [token for token in special_tokens if token in self.token_ids]
        self.splitter = AddedTokenSplitter(in_vocab, basic_tokenizer)

    def tokens(self, texts: list[str]) -> list[list[str]]:
        """The WordPiece tokens of each text (a ``never_split`` word as it is written).

        >>> from subword._core import WordPieceModel
        >>> from subword.normalization import BasicTokenizer
        >>> encoder = WordPieceModel(["[UNK]", "hello", "world", "##s"], unk_token="[UNK]")
        >>> TextEncoder(encoder, BasicTokenizer(never_split=["Hi!"]), []).tokens(["Hi! worlds"])
        [['Hi!', 'world', '##s']]
        """
        vocab = self.encoder.vocab
        if not self.never_split:
            ids = self.encoder.encode_pretokenized(self.splitter.words_batch(texts))
            return [[vocab[i] for i in sequence] for sequence in ids]
        tokens = []
        for text in texts:
            sequence: list[str] = []
            for word in self.splitter.words(text):
                if word in self.never_split:
                    sequence.append(word)
                else:
                    sequence += self.encoder.tokenize_word(word)
            tokens.append(sequence)
        return tokens

    def encode(self, texts: list[str], with_offsets: bool = False) -> list[Segment]:
        """The ids (and, when asked, the original offsets) of each text, one Rust call.

        >>> from subword._core import WordPieceModel
        >>> from subword.normalization import BasicTokenizer
        >>> encoder = WordPieceModel(["[UNK]", "hello", "world", "##s"], unk_token="[UNK]")
        >>> TextEncoder(encoder, BasicTokenizer(), []).encode(["Hi worlds"], with_offsets=True)
        [Segment(ids=[0, 2, 3], offsets=[(0, 2), (3, 8), (8, 9)])]
        """
        if not with_offsets and not self.never_split:
            batch = self.encoder.encode_pretokenized(self.splitter.words_batch(texts))
            return [Segment(ids, None) for ids in batch]
        aligned = [self.splitter.aligned_words(text) for text in texts]
        to_encode = [
            [word for word in words if word.text not in self.never_split] for words in aligned
        ]
        results = self.encoder.encode_pretokenized_with_offsets(
            [[word.text for word in words] for words in to_encode]
        )
        segments = []
        for words, encoded_words, (ids, word_indices, spans) in zip(
            aligned, to_encode, results, strict=True
        ):
            if len(encoded_words) == len(words):  # no never_split word in this text
                offsets = None
                if with_offsets:
                    offsets = [
                        words[w].span_of(s, e)
                        for w, (s, e) in zip(word_indices, spans, strict=True)
                    ]
                segments.append(Segment(ids, offsets))
                continue
            pieces = self._with_kept_words(
                words,
                [
                    (piece_id, encoded_words[w], span)
                    for piece_id, w, span in zip(ids, word_indices, spans, strict=True)
                ],
            )
            offsets = [word.span_of(*span) for _, word, span in pieces] if with_offsets else None
            segments.append(Segment([piece_id for piece_id, _, _ in pieces], offsets))
        return segments

    def _with_kept_words(
        self, words: list[AlignedToken], pieces: list[tuple[int, AlignedToken, Offsets]]
    ) -> list[tuple[int, AlignedToken, Offsets]]:
        """The pieces of the encoded words with each ``never_split`` word in its place.

        A kept word is one token spanning the whole word: its id, or the unk id.
        """
        merged = []
        next_piece = 0
        for word in words:
            if word.text in self.never_split:
                piece_id = self.token_ids.get(word.text, self.encoder.unk_id)
                merged.append((piece_id, word, (0, len(word.text))))
                continue
            while next_piece < len(pieces) and pieces[next_piece][1] is word:
                merged.append(pieces[next_piece])
                next_piece += 1
        return merged
