"""Naive WordPiece encoding: the rule ``subword._core.WordPieceModel`` must reproduce.

Greedy longest-match-first, as BERT's ``WordpieceTokenizer`` (Google's
``tokenization.py``, transformers' ``tokenization_bert_legacy.py``):

- a word with more than ``max_input_chars_per_word`` characters (code points) is the
  single unk token;
- otherwise, from the start of the word, take the longest vocab entry that is a prefix
  of the rest, with ``continuing_subword_prefix`` put in front of every piece but the
  first, and go on after it;
- if at some position no entry matches, the WHOLE word is the single unk token (not
  just the part that could not be matched);
- the empty word gives no pieces.

This takes quadratic time in the word length; it is the oracle, not the implementation.
"""

from __future__ import annotations

from collections.abc import Container


def wordpiece_spans(
    word: str,
    vocab: Container[str],
    unk_token: str = "[UNK]",
    continuing_subword_prefix: str = "##",
    max_input_chars_per_word: int = 100,
) -> list[tuple[str, int, int]]:
    """The pieces of ``word`` as ``(token, start_char, end_char)``; an unk spans the word."""
    if len(word) > max_input_chars_per_word:
        return [(unk_token, 0, len(word))]
    pieces = []
    start = 0
    while start < len(word):
        for end in range(len(word), start, -1):
            piece = word[start:end]
            if start > 0:
                piece = continuing_subword_prefix + piece
            if piece in vocab:
                pieces.append((piece, start, end))
                start = end
                break
        else:
            return [(unk_token, 0, len(word))]
    return pieces


def wordpiece_tokenize(
    word: str,
    vocab: Container[str],
    unk_token: str = "[UNK]",
    continuing_subword_prefix: str = "##",
    max_input_chars_per_word: int = 100,
) -> list[str]:
    """The pieces of ``word`` as tokens."""
    spans = wordpiece_spans(
        word, vocab, unk_token, continuing_subword_prefix, max_input_chars_per_word
    )
    return [token for token, _, _ in spans]
