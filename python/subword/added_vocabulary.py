"""Tokens added to a tokenizer's vocabulary: ``add_tokens`` and ``add_special_tokens``.

As in transformers, an added token gets the next id after the vocabulary (or keeps its id
when the vocabulary already has it), is found whole in the text before normalization
(:mod:`subword.added_tokens` says how), and is never cut into WordPiece pieces. Special
ones are skipped by ``decode(..., skip_special_tokens=True)``; those named in
``add_special_tokens`` (``cls_token``, ``extra_special_tokens``, ...) also become the
tokenizer's special tokens. ``save_pretrained`` writes them into
``tokenizer_config.json`` (``added_tokens_decoder``, ``extra_special_tokens``) and
``from_pretrained`` reads them back.

>>> from subword import BertTokenizer
>>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] [MASK] hello world".split())
>>> tok.add_tokens(["[E1]", "[/E1]"]), len(tok)
(2, 9)
>>> tok.tokenize("[E1]Hello[/E1] world")
['[e1]', 'hello', '[/e1]', 'world']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from subword.added_tokens import AddedToken, as_added_token

__all__ = ["SPECIAL_TOKEN_KEYS", "AddedVocabularyMixin", "added_tokens_from_config"]

#: The keys of ``add_special_tokens`` that name one special token each.
SPECIAL_TOKEN_KEYS = (
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
)
# transformers 5 calls the list "extra_special_tokens"; 4 called it this.
_OLD_EXTRA_KEY = "additional_special_tokens"


class AddedVocabularyMixin:
    """``add_tokens``, ``add_special_tokens`` and the added vocabulary's views.

    The tokenizer keeps its base vocabulary in ``_vocab`` (id order) and
    ``_base_ids`` (token -> id), sets ``_added`` (content -> (token, id)) and
    ``extra_special_tokens``, and rebuilds its text encoder in
    ``_vocabulary_changed()``.

    >>> from subword import BertTokenizer
    >>> isinstance(BertTokenizer(["[UNK]", "a"]), AddedVocabularyMixin)
    True
    """

    _vocab: Sequence[str]
    _base_ids: dict[str, int]
    _added: dict[str, tuple[AddedToken, int]]
    extra_special_tokens: list[str]

    def _vocabulary_changed(self) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        """The size of the vocabulary with the added tokens."""
        return len(self._vocab) + sum(
            index >= len(self._vocab) for _, index in self._added.values()
        )

    def add_tokens(
        self,
        new_tokens: str | AddedToken | Iterable[str | AddedToken],
        special_tokens: bool = False,
    ) -> int:
        r"""Add tokens found whole in the text; return how many were not there before.

        Strings get transformers' defaults (matched in the normalized text unless
        ``special_tokens``); pass :class:`~subword.added_tokens.AddedToken` (or
        ``tokenizers.AddedToken``) for other options.

        >>> from subword import BertTokenizer
        >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] [MASK] hello".split())
        >>> tok.add_tokens("[E9]"), tok.add_tokens(["[E9]"]), len(tok)
        (1, 0, 7)
        """
        if isinstance(new_tokens, (str, AddedToken)) or hasattr(new_tokens, "content"):
            new_tokens = [new_tokens]  # type: ignore[list-item]
        tokens = [as_added_token(token, special_tokens) for token in new_tokens]
        added = sum(self._register(token) for token in tokens)
        if added:
            self._vocabulary_changed()
        return added

    def add_special_tokens(
        self,
        special_tokens_dict: Mapping[str, Any],
        replace_extra_special_tokens: bool = True,
    ) -> int:
        r"""Set special tokens (``cls_token``, ..., ``extra_special_tokens``); the number added.

        ``extra_special_tokens`` (or transformers 4's ``additional_special_tokens``)
        replaces the extra special tokens unless ``replace_extra_special_tokens=False``.

        >>> from subword import BertTokenizer
        >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] [MASK] hello".split())
        >>> tok.add_special_tokens({"extra_special_tokens": ["<ent>"]})
        1
        >>> tok.all_special_tokens[-1], tok.tokenize("hello<ent>world")
        ('<ent>', ['hello', '<ent>', '[UNK]'])
        """
        added = 0
        for key, value in special_tokens_dict.items():
            if key in SPECIAL_TOKEN_KEYS:
                token = as_added_token(value, special=True)
                added += self._register(token)
                setattr(self, key, token.content)
            elif key in ("extra_special_tokens", _OLD_EXTRA_KEY):
                tokens = [as_added_token(token, special=True) for token in value]
                added += sum(self._register(token) for token in tokens)
                contents = [token.content for token in tokens]
                kept = [] if replace_extra_special_tokens else self.extra_special_tokens
                self.extra_special_tokens = list(dict.fromkeys([*kept, *contents]))
            else:
                raise ValueError(
                    f"add_special_tokens: unknown key {key!r}; use one of "
                    f"{', '.join(SPECIAL_TOKEN_KEYS)} or extra_special_tokens"
                )
        self._vocabulary_changed()
        return added

    def _register(self, token: AddedToken) -> int:
        """Give ``token`` an id (its vocabulary id, or the next one); 1 if it is new."""
        if token.content in self._added:
            return 0
        index = self._base_ids.get(token.content, len(self))
        self._added[token.content] = (token, index)
        return 1

    @property
    def added_tokens_decoder(self) -> dict[int, AddedToken]:
        r"""Id -> :class:`~subword.added_tokens.AddedToken`: the special and added tokens.

        >>> from subword import BertTokenizer
        >>> tok = BertTokenizer("[PAD] [UNK] [CLS] [SEP] [MASK] hello".split())
        >>> _ = tok.add_tokens("[E9]")
        >>> tok.added_tokens_decoder[6].content, tok.added_tokens_decoder[2].content
        ('[E9]', '[CLS]')
        """
        decoder = {
            self._base_ids[token]: AddedToken(token, special=True)
            for token in self._base_special_tokens()
            if token in self._base_ids
        }
        decoder.update({index: token for token, index in self._added.values()})
        return dict(sorted(decoder.items()))

    @property
    def added_tokens_encoder(self) -> dict[str, int]:
        r"""Content -> id of the special and added tokens (transformers' view).

        >>> tokenizer.added_tokens_encoder["[SEP]"]
        3
        """
        return {token.content: index for index, token in self.added_tokens_decoder.items()}

    def get_added_vocab(self) -> dict[str, int]:
        r"""The special and added tokens and their ids (as transformers' ``get_added_vocab``).

        >>> tokenizer.get_added_vocab()["[CLS]"]
        2
        """
        return self.added_tokens_encoder

    @property
    def additional_special_tokens(self) -> list[str]:
        r"""The extra special tokens, under transformers 4's name.

        >>> tokenizer.additional_special_tokens
        []
        """
        return self.extra_special_tokens

    def _base_special_tokens(self) -> list[str]:
        names = ("unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
        return [getattr(self, name) for name in names]

    def _added_config(self) -> dict[str, Any]:
        """The added tokens as ``tokenizer_config.json`` keeps them."""
        config: dict[str, Any] = {}
        if self._added:
            config["added_tokens_decoder"] = {
                str(index): token.as_dict() for token, index in self._added.values()
            }
        if self.extra_special_tokens:
            config["extra_special_tokens"] = list(self.extra_special_tokens)
        return config


def added_tokens_from_config(
    decoder: Mapping[str, Any] | None, vocab: Sequence[str]
) -> list[tuple[AddedToken, int]]:
    """The added tokens of an ``added_tokens_decoder`` (id -> token), by id.

    As ``tokenizer_config.json`` writes it (string ids, dicts) or as transformers passes it
    (int ids, ``AddedToken`` objects).

    Entries for tokens of the vocabulary must name the token at that id; the others
    must continue the vocabulary's ids (``len(vocab)``, ``len(vocab) + 1``, ...), or
    the ids of a saved model would change on loading.

    >>> added_tokens_from_config({"2": {"content": "[E1]"}}, ["[UNK]", "a"])[0][1]
    2
    """
    if not decoder:
        return []
    records = []
    for key, fields in decoder.items():
        try:
            index = int(key)
            # a dict (tokenizer_config.json), or an AddedToken object (transformers' objects)
            token = AddedToken(**fields) if isinstance(fields, Mapping) else as_added_token(fields)
        except (TypeError, ValueError) as error:
            raise ValueError(f"added_tokens_decoder: bad entry {key!r}: {error}") from None
        records.append((token, index))
    records.sort(key=lambda record: record[1])
    next_id = len(vocab)
    result = []
    for token, index in records:
        if index < len(vocab):
            if vocab[index] != token.content:
                raise ValueError(
                    f"added_tokens_decoder: id {index} is {token.content!r} but the vocab has "
                    f"{vocab[index]!r} there"
                )
        elif index != next_id:
            raise ValueError(
                f"added_tokens_decoder: id {index} for {token.content!r} does not continue the "
                f"vocab (expected {next_id}); ids must follow the vocab's {len(vocab)} tokens"
            )
        else:
            next_id += 1
        result.append((token, index))
    return result
