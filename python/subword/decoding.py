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

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from typing_extensions import TypeIs

__all__ = [
    "DecodingMixin",
    "clean_up_tokenization",
    "decode_tokens",
    "id_list",
    "is_single_id",
    "tokens_to_string",
]

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


class DecodingMixin:
    """A tokenizer's ids and tokens both ways, and ``decode``, under transformers' names.

    The tokenizer keeps its vocabulary in ``_vocab`` (id order), ``_token_ids`` (token
    -> id, added tokens included) and ``_added_texts`` (id -> text of an added token
    beyond the vocabulary), and says which ids ``skip_special_tokens`` skips.

    >>> from subword import BertTokenizer
    >>> isinstance(BertTokenizer(["[UNK]", "a"]), DecodingMixin)
    True
    """

    _vocab: Sequence[str]
    _token_ids: dict[str, int]
    _added_texts: dict[int, str]
    unk_token_id: int | None

    def __len__(self) -> int:
        raise NotImplementedError

    def _special_ids_to_skip(self) -> set[int]:
        raise NotImplementedError

    def convert_tokens_to_ids(self, tokens: str | Iterable[str]) -> int | None | list[int | None]:
        r"""Ids of tokens (the unk id for a token not in the vocab).

        >>> tokenizer.convert_tokens_to_ids(["hello", "there"])
        [5, 1]
        """
        unk = self.unk_token_id
        if isinstance(tokens, str):
            return self._token_ids.get(tokens, unk)
        return [self._token_ids.get(token, unk) for token in tokens]

    @overload
    def convert_ids_to_tokens(self, ids: int, skip_special_tokens: bool = False) -> str: ...
    @overload
    def convert_ids_to_tokens(
        self, ids: Iterable[int], skip_special_tokens: bool = False
    ) -> list[str]: ...
    def convert_ids_to_tokens(
        self, ids: int | Iterable[int], skip_special_tokens: bool = False
    ) -> str | list[str]:
        r"""Tokens of ids; ``IndexError`` for an id outside the vocab.

        (transformers returns ``None`` there; an error is clearer.)

        >>> tokenizer.convert_ids_to_tokens([5, 6, 8])
        ['hello', 'world', '##s']
        """
        if is_single_id(ids):
            return self._token_of(ids)
        skipped = self._special_ids_to_skip() if skip_special_tokens else set()
        return [self._token_of(i) for i in id_list(ids) if i not in skipped]

    def _token_of(self, index: int) -> str:
        index = int(index)
        if 0 <= index < len(self._vocab):
            return self._vocab[index]
        added = self._added_texts.get(index)
        if added is None:
            raise IndexError(f"token id {index} is out of range for a vocab of {len(self)} tokens")
        return added

    def convert_tokens_to_string(self, tokens: Iterable[str]) -> str:
        r"""Join tokens into text: pieces glued (``##`` removed), words apart by a space.

        This is ``BertTokenizerLegacy``'s rule (transformers 5's ``BertTokenizer`` also glues
        ``.,!?`` to the word before); so ``convert_tokens_to_string(tokenize(x))`` is the
        basic tokens joined by spaces whenever no unk occurs.

        >>> tokenizer.convert_tokens_to_string(["hello", "world", "##s", "!"])
        'hello worlds !'
        """
        return tokens_to_string(tokens)

    def decode(
        self,
        token_ids: int | Iterable[int],
        skip_special_tokens: bool = False,
        clean_up_tokenization_spaces: bool | None = None,
    ) -> str:
        r"""Text of ids, as transformers 5's ``BertTokenizer`` decodes it.

        Pieces are glued, words joined by spaces, and ``. , ! ?`` glued to the word before
        (the WordPiece decoder's clean-up); ``clean_up_tokenization_spaces=True`` adds
        transformers' clean-up (``it ' s`` -> ``it's``). An id outside the vocab raises
        ``IndexError`` (transformers skips it silently).

        >>> tokenizer.decode([2, 5, 6, 8, 7, 3])
        '[CLS] hello worlds! [SEP]'
        >>> tokenizer.decode([2, 5, 6, 8, 7, 3], skip_special_tokens=True)
        'hello worlds!'
        """
        tokens = self.convert_ids_to_tokens(
            [token_ids] if is_single_id(token_ids) else token_ids, skip_special_tokens
        )
        return decode_tokens(tokens, clean_up_tokenization_spaces)

    def batch_decode(self, sequences: Iterable[Iterable[int]], **kwargs: Any) -> list[str]:
        r"""``[decode(ids, **kwargs) for ids in sequences]``.

        >>> tokenizer.batch_decode([[5, 6], [6, 8, 7]])
        ['hello world', 'worlds!']
        """
        return [self.decode(ids, **kwargs) for ids in sequences]
