"""BERT's special tokens: the one place that spells them, and a tokenizer's view of them.

``[PAD] [UNK] [CLS] [SEP] [MASK]`` are the first five tokens of a vocabulary that
WordPiece training makes (ids 0 to 4, as in Google's and transformers' vocab files), the
defaults of :class:`~subword.bert.BertTokenizer`, and the tokens that the
``[CLS] A [SEP] B [SEP]`` template (:mod:`subword.processors`) and masked-LM data
(:mod:`subword.pretraining`) insert. :class:`SpecialTokensMixin` gives a tokenizer
transformers' names for its special tokens and their ids.

>>> BERT_SPECIAL_TOKENS
('[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]')
>>> BERT_SPECIAL_TOKENS.index(CLS_TOKEN), BERT_SPECIAL_TOKENS.index(SEP_TOKEN)
(2, 3)
"""

from __future__ import annotations

__all__ = [
    "BERT_SPECIAL_TOKENS",
    "SpecialTokensMixin",
    "CLS_TOKEN",
    "MASK_TOKEN",
    "PAD_TOKEN",
    "SEP_TOKEN",
    "UNK_TOKEN",
]

PAD_TOKEN = "[PAD]"
UNK_TOKEN = "[UNK]"
CLS_TOKEN = "[CLS]"
SEP_TOKEN = "[SEP]"
MASK_TOKEN = "[MASK]"

#: In vocabulary order: the ids 0..4 of a vocab that WordPiece training writes.
BERT_SPECIAL_TOKENS = (PAD_TOKEN, UNK_TOKEN, CLS_TOKEN, SEP_TOKEN, MASK_TOKEN)


class SpecialTokensMixin:
    """A tokenizer's special tokens and their ids, under transformers' names.

    The tokenizer sets the five ``*_token`` attributes and ``_token_ids`` (token -> id);
    an id is ``None`` for a special token that is not in the vocab (the unk token always
    is).

    >>> tokenizer.cls_token, tokenizer.cls_token_id
    ('[CLS]', 2)
    """

    unk_token: str
    sep_token: str
    pad_token: str
    cls_token: str
    mask_token: str
    bos_token: str | None = None  # BERT has none; a tokenizer may be given them
    eos_token: str | None = None
    extra_special_tokens: list[str]
    _token_ids: dict[str, int]

    @property
    def all_special_tokens(self) -> list[str]:
        r"""The special tokens, in transformers' order (then the extra special tokens).

        >>> tokenizer.all_special_tokens
        ['[UNK]', '[SEP]', '[PAD]', '[CLS]', '[MASK]']
        """
        tokens = [self.bos_token, self.eos_token, self.unk_token, self.sep_token]
        tokens += [self.pad_token, self.cls_token, self.mask_token]
        tokens += getattr(self, "extra_special_tokens", [])
        return list(dict.fromkeys(token for token in tokens if token is not None))

    @property
    def all_special_ids(self) -> list[int]:
        r"""The ids of the special tokens that are in the vocab.

        >>> tokenizer.all_special_ids
        [1, 3, 0, 2, 4]
        """
        return [self._token_ids[t] for t in self.all_special_tokens if t in self._token_ids]

    def _special_id(self, token: str | None) -> int | None:
        return None if token is None else self._token_ids.get(token)

    @property
    def bos_token_id(self) -> int | None:
        r"""The id of the beginning-of-sequence token (BERT has none: ``None``).

        >>> tokenizer.bos_token_id is None
        True
        """
        return self._special_id(self.bos_token)

    @property
    def eos_token_id(self) -> int | None:
        r"""The id of the end-of-sequence token (BERT has none: ``None``).

        >>> tokenizer.eos_token_id is None
        True
        """
        return self._special_id(self.eos_token)

    @property
    def unk_token_id(self) -> int:
        r"""The id of the unk token.

        >>> tokenizer.unk_token_id
        1
        """
        return self._token_ids[self.unk_token]

    @property
    def sep_token_id(self) -> int | None:
        r"""The id of the separator token.

        >>> tokenizer.sep_token_id
        3
        """
        return self._special_id(self.sep_token)

    @property
    def pad_token_id(self) -> int | None:
        r"""The id of the padding token.

        >>> tokenizer.pad_token_id
        0
        """
        return self._special_id(self.pad_token)

    @property
    def cls_token_id(self) -> int | None:
        r"""The id of the classifier token.

        >>> tokenizer.cls_token_id
        2
        """
        return self._special_id(self.cls_token)

    @property
    def mask_token_id(self) -> int | None:
        r"""The id of the mask token.

        >>> tokenizer.mask_token_id
        4
        """
        return self._special_id(self.mask_token)

    def _cls_sep_ids(self) -> tuple[int, int]:
        """``(cls_id, sep_id)`` for the ``[CLS] A [SEP] B [SEP]`` template, or a ``ValueError``."""
        cls_id, sep_id = self.cls_token_id, self.sep_token_id
        if cls_id is None or sep_id is None:
            missing = self.cls_token if cls_id is None else self.sep_token
            raise ValueError(f"cannot add special tokens: {missing!r} is not in the vocab")
        return cls_id, sep_id
