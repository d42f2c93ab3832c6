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

from subword.processors import Segment, assemble, special_tokens_to_add, with_special_tokens

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

    unk_token: str | None
    sep_token: str | None
    pad_token: str | None
    cls_token: str | None
    mask_token: str | None
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

    def _set_special_id(self, name: str, index: int | None) -> None:
        """``tokenizer.cls_token_id = i``: the special token becomes the token of id ``i``.

        ``None`` unsets it (as transformers allows; the template and padding then refuse
        to run without it).
        """
        setattr(self, name, None if index is None else self._token_of(index))
        self._vocabulary_changed()

    @property
    def extra_special_tokens_ids(self) -> list[int]:
        r"""The ids of the extra special tokens (``add_special_tokens``).

        >>> tokenizer.extra_special_tokens_ids
        []
        """
        tokens = getattr(self, "extra_special_tokens", [])
        return [self._token_ids[token] for token in tokens if token in self._token_ids]

    @extra_special_tokens_ids.setter
    def extra_special_tokens_ids(self, ids: list[int]) -> None:
        self.extra_special_tokens = [self._token_of(index) for index in ids]
        self._vocabulary_changed()

    def _token_of(self, index: int) -> str:
        raise NotImplementedError

    def _vocabulary_changed(self) -> None:
        raise NotImplementedError

    @property
    def bos_token_id(self) -> int | None:
        r"""The id of the beginning-of-sequence token (BERT has none: ``None``).

        >>> tokenizer.bos_token_id is None
        True
        """
        return self._special_id(self.bos_token)

    @bos_token_id.setter
    def bos_token_id(self, index: int | None) -> None:
        self._set_special_id("bos_token", index)

    @property
    def eos_token_id(self) -> int | None:
        r"""The id of the end-of-sequence token (BERT has none: ``None``).

        >>> tokenizer.eos_token_id is None
        True
        """
        return self._special_id(self.eos_token)

    @eos_token_id.setter
    def eos_token_id(self, index: int | None) -> None:
        self._set_special_id("eos_token", index)

    @property
    def unk_token_id(self) -> int | None:
        r"""The id of the unk token (the vocab always has it, unless unset by hand).

        >>> tokenizer.unk_token_id
        1
        """
        return self._special_id(self.unk_token)

    @unk_token_id.setter
    def unk_token_id(self, index: int | None) -> None:
        self._set_special_id("unk_token", index)

    @property
    def sep_token_id(self) -> int | None:
        r"""The id of the separator token.

        >>> tokenizer.sep_token_id
        3
        """
        return self._special_id(self.sep_token)

    @sep_token_id.setter
    def sep_token_id(self, index: int | None) -> None:
        self._set_special_id("sep_token", index)

    @property
    def pad_token_id(self) -> int | None:
        r"""The id of the padding token.

        >>> tokenizer.pad_token_id
        0
        """
        return self._special_id(self.pad_token)

    @pad_token_id.setter
    def pad_token_id(self, index: int | None) -> None:
        self._set_special_id("pad_token", index)

    @property
    def cls_token_id(self) -> int | None:
        r"""The id of the classifier token.

        >>> tokenizer.cls_token_id
        2
        """
        return self._special_id(self.cls_token)

    @cls_token_id.setter
    def cls_token_id(self, index: int | None) -> None:
        self._set_special_id("cls_token", index)

    @property
    def mask_token_id(self) -> int | None:
        r"""The id of the mask token.

        >>> tokenizer.mask_token_id
        4
        """
        return self._special_id(self.mask_token)

    @mask_token_id.setter
    def mask_token_id(self, index: int | None) -> None:
        self._set_special_id("mask_token", index)

    def _cls_sep_ids(self) -> tuple[int, int]:
        """``(cls_id, sep_id)`` for the ``[CLS] A [SEP] B [SEP]`` template, or a ``ValueError``."""
        cls_id, sep_id = self.cls_token_id, self.sep_token_id
        if cls_id is None or sep_id is None:
            missing = self.cls_token if cls_id is None else self.sep_token
            raise ValueError(f"cannot add special tokens: {missing!r} is not in the vocab")
        return cls_id, sep_id

    def num_special_tokens_to_add(self, pair: bool = False) -> int:
        r"""How many special tokens ``__call__`` adds: 2 (``[CLS] A [SEP]``) or 3 for a pair.

        >>> tokenizer.num_special_tokens_to_add(), tokenizer.num_special_tokens_to_add(pair=True)
        (2, 3)
        """
        return special_tokens_to_add(pair)

    def build_inputs_with_special_tokens(
        self, token_ids_0: list[int], token_ids_1: list[int] | None = None
    ) -> list[int]:
        r"""``[CLS] A [SEP]`` or ``[CLS] A [SEP] B [SEP]`` as ids.

        >>> tokenizer.build_inputs_with_special_tokens([5], [6])
        [2, 5, 3, 6, 3]
        """
        return with_special_tokens(token_ids_0, token_ids_1, *self._cls_sep_ids())

    def get_special_tokens_mask(
        self,
        token_ids_0: list[int],
        token_ids_1: list[int] | None = None,
        already_has_special_tokens: bool = False,
    ) -> list[int]:
        r"""1 where ``build_inputs_with_special_tokens`` puts a special token, else 0.

        With ``already_has_special_tokens=True``, ``token_ids_0`` is a whole model input
        and the mask marks the ids of special tokens in it (what
        ``DataCollatorForLanguageModeling`` asks, so that it never masks them).

        >>> tokenizer.get_special_tokens_mask([5], [6])
        [1, 0, 1, 0, 1]
        >>> tokenizer.get_special_tokens_mask([2, 5, 3, 0], already_has_special_tokens=True)
        [1, 0, 1, 1]
        """
        if already_has_special_tokens:
            if token_ids_1 is not None:
                raise ValueError(
                    "You should not supply a second sequence if the provided sequence of ids is "
                    "already formatted with special tokens for the model."
                )
            special = set(self.all_special_ids)
            return [1 if int(token) in special else 0 for token in token_ids_0]
        second = None if token_ids_1 is None else Segment(token_ids_1)
        return assemble(Segment(token_ids_0), second, (-1, -1)).special
