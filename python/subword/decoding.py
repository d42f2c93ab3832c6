"""Decoding: WordPiece tokens back to text, with transformers' clean-ups.

Two rules, both transformers': :func:`decode_tokens` is what ``decode`` gives (the
WordPiece decoder of ``tokenizers``: ``##`` pieces glued, words spaced, and ``. , ! ?``
and a few contractions glued to the word before, then transformers'
``clean_up_tokenization`` when asked); :func:`tokens_to_string` is what
``convert_tokens_to_string`` gives (``BertTokenizerLegacy``'s rule: pieces glued, nothing
else). The inputs may be a single id or ids as a list, a NumPy array or a tensor
(:func:`is_single_id`, :func:`id_list`).

>>> decode_tokens(["[CLS]", "hello", "world", "##s", "!", "[SEP]"])
'[CLS] hello worlds! [SEP]'
>>> tokens_to_string(["hello", "world", "##s", "!"])
'hello worlds !'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import TypeIs

__all__ = ["clean_up_tokenization", "decode_tokens", "id_list", "is_single_id", "tokens_to_string"]

# transformers' clean_up_tokenization (decode(..., clean_up_tokenization_spaces=True)).
_CLEAN_UP_TOKENIZATION = (
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
)
# The per-token clean-up of tokenizers' WordPiece decoder: the same, plus " do not" ->
# " don't" (in this place of the order). It is applied to each token with the space in
# front of it, so " ." joins its word but " ' s" stays apart.
_DECODER_CLEANUP = (
    *_CLEAN_UP_TOKENIZATION[:7],
    (" do not", " don't"),
    *_CLEAN_UP_TOKENIZATION[7:],
)


def decode_tokens(tokens: list[str], clean_up_tokenization_spaces: bool | None = None) -> str:
    """Text of tokens, as transformers 5's ``BertTokenizer.decode`` makes it.

    >>> decode_tokens(["it", "'", "s", "ok", "."])
    "it ' s ok."
    >>> decode_tokens(["it", "'", "s", "ok", "."], clean_up_tokenization_spaces=True)
    "it's ok."
    """
    text = "".join(_decoded_pieces(tokens))
    if clean_up_tokenization_spaces:
        text = clean_up_tokenization(text)
    return text


def clean_up_tokenization(text: str) -> str:
    """Transformers' ``clean_up_tokenization``: spaces before punctuation and contractions go.

    >>> clean_up_tokenization("do n't stop , it ' s fine .")
    "don't stop, it's fine."
    """
    for dirty, clean in _CLEAN_UP_TOKENIZATION:
        text = text.replace(dirty, clean)
    return text


def tokens_to_string(tokens: Iterable[str]) -> str:
    """Join tokens into text: pieces glued (``##`` removed), words apart by a space.

    >>> tokens_to_string(["un", "##aff", "##able", "!"])
    'unaffable !'
    """
    return " ".join(tokens).replace(" ##", "").strip()


def is_single_id(value: object) -> TypeIs[int]:
    """An id rather than ids: an int, or an int-like scalar (NumPy, PyTorch).

    >>> import numpy as np
    >>> is_single_id(5), is_single_id(np.int64(5)), is_single_id([5]), is_single_id(np.array([5]))
    (True, True, False, False)
    """
    return isinstance(value, int) or (hasattr(value, "__index__") and not hasattr(value, "__len__"))


def id_list(ids: Any) -> list[int]:
    """Ids as a list of ints, from any iterable of them (NumPy arrays, tensors too).

    >>> import numpy as np
    >>> id_list(np.array([5, 6]))
    [5, 6]
    """
    if hasattr(ids, "tolist"):  # numpy arrays, torch tensors
        ids = ids.tolist()
    return [int(i) for i in ids]


def _decoded_pieces(tokens: list[str]) -> list[str]:
    """``tokenizers``' WordPiece decoder: glue ``##`` pieces, space words, clean each."""
    pieces = []
    for index, token in enumerate(tokens):
        if index:
            token = token[2:] if token.startswith("##") else " " + token
        for dirty, clean in _DECODER_CLEANUP:
            token = token.replace(dirty, clean)
        pieces.append(token)
    return pieces
