"""transformers' BERT tokenizers built from a local vocab, and text that both Unicode
versions agree on.

transformers 5 has two BERT tokenizers: ``BertTokenizer`` (backed by Hugging Face
``tokenizers``) and ``BertTokenizerLegacy`` (pure Python, with the Python
``BasicTokenizer``). Both are built here from a vocab file, never from the network.
``BertTokenizer(vocab_file=...)`` silently ignores the keyword in transformers 5, so the
path is passed positionally.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import unicodedata2
from hypothesis import strategies as st
from transformers import BertTokenizer as TransformersBertTokenizer
from transformers import BertTokenizerLegacy
from transformers.models.bert.tokenization_bert_legacy import BasicTokenizer

__all__ = [
    "BasicTokenizer",
    "bert_texts",
    "is_stable",
    "transformers_fast",
    "transformers_legacy",
]


def transformers_fast(vocab_file: Path, **options) -> TransformersBertTokenizer:
    """transformers 5's ``BertTokenizer`` over ``vocab_file`` (model_max_length 512, ours)."""
    options.setdefault("model_max_length", 512)
    return TransformersBertTokenizer(str(vocab_file), **options)


def transformers_legacy(vocab_file: Path, **options) -> BertTokenizerLegacy:
    """transformers 5's pure-Python ``BertTokenizerLegacy`` over ``vocab_file``."""
    options.setdefault("model_max_length", 512)
    return BertTokenizerLegacy(str(vocab_file), **options)


def is_stable(char: str) -> bool:
    """Whether ``char`` has the same properties in Python's Unicode 14 and unicodedata2."""
    return (
        unicodedata.category(char) == unicodedata2.category(char)
        and unicodedata.decomposition(char) == unicodedata2.decomposition(char)
        and unicodedata.combining(char) == unicodedata2.combining(char)
    )


# Characters from every corner BERT's normalization treats specially.
_SPECIAL_CHARACTERS = (
    "\x00\ufffd\x01\x07\x0b\x0c\x1c\x1f\x7f\x85\xad\u200b\u200d\u2060\ufeff"  # NUL, controls
    " \t\n\r\xa0\u1680\u2000\u2009\u202f\u3000\u2028\u2029"  # whitespace
    "\u0300\u0301\u0308\u0327\u0345\u05b0\u093c\u0e31\u20dd"  # combining marks
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\xa1\xbf\u2014\u2019\u201c\u3001\u3002\uff01\u037e\u0387\u1fef"
    "ÉéÅåØøßẞİıΣσςǅﬁŉÇçÑñÆæ"  # case and accent oddities
    "中文字漢\u3400\uf900\uf9dc\U00020000\U0002f800ぁアカナ한국어"  # CJK and neighbours
    "😀👍🏽👨‍👩‍👧\u2764\ufe0f"  # emoji, ZWJ sequences, variation selectors
    "אבגدهو\u0627\u0644\u0639"  # RTL scripts
)


def bert_texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Hypothesis text mixing scripts, marks, controls, emoji, NUL, U+FFFD, long words."""
    alphabet = st.one_of(
        st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789   "),
        st.sampled_from(_SPECIAL_CHARACTERS),
        st.characters(codec="utf-8"),
    ).filter(is_stable)
    pieces = st.one_of(
        st.text(alphabet, max_size=max_size),
        st.sampled_from(["", " ", "   \t\n ", "\x00", "\ufffd"]),
        st.builds(lambda letter, n: letter * n, st.sampled_from("aé中"), st.integers(90, 130)),
    )
    return st.lists(pieces, max_size=4).map("".join)
