"""The ``[CLS] A [SEP] B [SEP]`` template: special tokens, segment ids and masks.

BERT's post-processor (``tokenizers``' ``processors/bert.rs``): a single text becomes
``[CLS] A [SEP]``, a pair ``[CLS] A [SEP] B [SEP]``. Around the ids the template also
lays out the ``token_type_ids`` (0 up to and including the first ``[SEP]``, then 1), the
``special_tokens_mask`` (1 on the inserted tokens) and the character offsets (``(0, 0)``
on the inserted tokens). This module is the template's only home:
:class:`~subword.bert.BertTokenizer` (``__call__``, ``chunk``, ``tokenize``,
``build_inputs_with_special_tokens``) and :func:`subword.pretraining.make_pairs` build
their inputs with it.

>>> with_special_tokens(["a"], ["b", "c"], "[CLS]", "[SEP]")
['[CLS]', 'a', '[SEP]', 'b', 'c', '[SEP]']
>>> assemble(Segment([7]), Segment([8, 9]), (101, 102))  # doctest: +NORMALIZE_WHITESPACE
Row(ids=[101, 7, 102, 8, 9, 102], type_ids=[0, 0, 0, 1, 1, 1],
    special=[1, 0, 1, 0, 0, 1], offsets=None, words=None, sequence_ids=None)
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeVar

__all__ = [
    "Row",
    "Segment",
    "assemble",
    "segment_ids",
    "special_tokens_to_add",
    "template_processing",
    "with_special_tokens",
]

Offsets = tuple[int, int]
_T = TypeVar("_T")

#: The offsets of an inserted special token (and of padding): no characters.
NO_OFFSETS: Offsets = (0, 0)


class Segment(NamedTuple):
    """One encoded text (or a window of it) before special tokens.

    Its ids, and when asked for, each token's character offsets and the index of the word
    it belongs to (the ``word_ids`` of transformers' fast tokenizers).

    >>> Segment([5, 6], [(0, 5), (6, 11)]).ids
    [5, 6]
    """

    ids: list[int]
    offsets: list[Offsets] | None = None
    words: list[int] | None = None

    def window(self, start: int, stop: int) -> Segment:
        """The tokens ``[start, stop)`` of the segment (ids, offsets and words).

        >>> Segment([5, 6, 7], [(0, 1), (2, 3), (4, 5)]).window(1, 3)
        Segment(ids=[6, 7], offsets=[(2, 3), (4, 5)], words=None)
        """
        offsets = self.offsets[start:stop] if self.offsets is not None else None
        words = self.words[start:stop] if self.words is not None else None
        return Segment(self.ids[start:stop], offsets, words)


class Row(NamedTuple):
    """One model input: parallel lists of equal length.

    ``offsets`` only when asked for; ``words`` and ``sequence_ids`` (the word and the
    sequence, 0 or 1, of each token; ``None`` on special tokens and padding) only when
    the segments carry their words.

    >>> Row(ids=[101, 102], type_ids=[0, 0], special=[1, 1], offsets=None).special
    [1, 1]
    """

    ids: list[int]
    type_ids: list[int]
    special: list[int]
    offsets: list[Offsets] | None
    words: list[int | None] | None = None
    sequence_ids: list[int | None] | None = None


def special_tokens_to_add(pair: bool) -> int:
    """How many tokens the template inserts: 2 (``[CLS] A [SEP]``) or 3 for a pair.

    >>> special_tokens_to_add(pair=False), special_tokens_to_add(pair=True)
    (2, 3)
    """
    return 3 if pair else 2


def with_special_tokens(first: list[_T], second: list[_T] | None, cls: _T, sep: _T) -> list[_T]:
    """``[CLS] A [SEP]`` or ``[CLS] A [SEP] B [SEP]`` over any items: ids, tokens, masks, offsets.

    >>> with_special_tokens([5], [6], 101, 102)
    [101, 5, 102, 6, 102]
    >>> with_special_tokens([0, 0], None, 1, 1)  # the special-tokens mask
    [1, 0, 0, 1]
    """
    if second is None:
        return [cls, *first, sep]
    return [cls, *first, sep, *second, sep]


def segment_ids(first: int, second: int | None, add_special_tokens: bool = True) -> list[int]:
    """The ``token_type_ids`` of sequences of ``first`` and ``second`` tokens.

    0 for ``[CLS] A [SEP]``, 1 for ``B [SEP]``; without special tokens, 0 for A and 1 for B.

    >>> segment_ids(2, 1), segment_ids(2, 1, add_special_tokens=False)
    ([0, 0, 0, 0, 1, 1], [0, 0, 1])
    """
    extra_first, extra_second = (2, 1) if add_special_tokens else (0, 0)
    ids = [0] * (first + extra_first)
    if second is not None:
        ids += [1] * (second + extra_second)
    return ids


def template_processing(cls: str, cls_id: int, sep: str, sep_id: int) -> dict[str, Any]:
    """The template as ``tokenizers``' ``TemplateProcessing`` (its ``tokenizer.json`` form).

    What transformers 5's ``BertTokenizer`` writes: ``[CLS]:0 $A:0 [SEP]:0`` and
    ``[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1``, laid out here by :func:`with_special_tokens`
    and :func:`segment_ids`, so the exported template is the one ``__call__`` uses.

    >>> template = template_processing("[CLS]", 2, "[SEP]", 3)
    >>> [(kind, value["id"], value["type_id"])
    ...  for piece in template["pair"] for kind, value in piece.items()]  # doctest: +ELLIPSIS
    [('SpecialToken', '[CLS]', 0), ('Sequence', 'A', 0), ..., ('SpecialToken', '[SEP]', 1)]
    >>> template["special_tokens"]["[SEP]"]
    {'id': '[SEP]', 'ids': [3], 'tokens': ['[SEP]']}
    """

    def pieces(pair: bool) -> list[dict[str, dict[str, Any]]]:
        second = [("Sequence", "B")] if pair else None
        layout = with_special_tokens(
            [("Sequence", "A")], second, ("SpecialToken", cls), ("SpecialToken", sep)
        )
        type_ids = segment_ids(1, 1 if pair else None)  # one token stands for each text
        return [
            {kind: {"id": name, "type_id": type_id}}
            for (kind, name), type_id in zip(layout, type_ids, strict=True)
        ]

    return {
        "type": "TemplateProcessing",
        "single": pieces(pair=False),
        "pair": pieces(pair=True),
        "special_tokens": {
            token: {"id": token, "ids": [token_id], "tokens": [token]}
            for token, token_id in ((cls, cls_id), (sep, sep_id))
        },
    }


def assemble(first: Segment, second: Segment | None, cls_sep: tuple[int, int] | None) -> Row:
    """One model input from one or two segments: the template when ``cls_sep`` is given.

    ``cls_sep`` is ``(cls_id, sep_id)``, or ``None`` to join the segments without special
    tokens. Offsets come through when the segments carry them.

    >>> assemble(Segment([5], [(0, 5)]), None, (2, 3))  # doctest: +NORMALIZE_WHITESPACE
    Row(ids=[2, 5, 3], type_ids=[0, 0, 0], special=[1, 0, 1], offsets=[(0, 0), (0, 5), (0, 0)],
        words=None, sequence_ids=None)
    >>> row = assemble(Segment([5], None, [0]), Segment([6, 7], None, [0, 0]), (2, 3))
    >>> row.words, row.sequence_ids
    ([None, 0, None, 0, 0, None], [None, 0, None, 1, 1, None])
    """
    second_ids = second.ids if second is not None else None
    second_length = len(second.ids) if second is not None else None
    type_ids = segment_ids(len(first.ids), second_length, cls_sep is not None)
    offsets = None
    if first.offsets is not None:
        second_offsets = second.offsets if second is not None else None
        assert second is None or second_offsets is not None  # all segments have offsets or none
        if cls_sep is None:
            offsets = first.offsets + (second_offsets or [])
        else:
            offsets = with_special_tokens(first.offsets, second_offsets, NO_OFFSETS, NO_OFFSETS)
    words, sequence_ids = _words_and_sequences(first, second, cls_sep is not None)
    if cls_sep is None:
        ids = first.ids + (second_ids or [])
        return Row(ids, type_ids, [0] * len(ids), offsets, words, sequence_ids)
    cls_id, sep_id = cls_sep
    ids = with_special_tokens(first.ids, second_ids, cls_id, sep_id)
    zeros = [0] * second_length if second_length is not None else None
    special = with_special_tokens([0] * len(first.ids), zeros, 1, 1)
    return Row(ids, type_ids, special, offsets, words, sequence_ids)


def _words_and_sequences(
    first: Segment, second: Segment | None, template: bool
) -> tuple[list[int | None] | None, list[int | None] | None]:
    """The word and sequence of each token of ``assemble``'s row, when segments carry words."""
    if first.words is None:
        return None, None
    words: list[int | None] = list(first.words)
    sequences: list[int | None] = [0] * len(first.ids)
    second_words: list[int | None] | None = None
    second_sequences: list[int | None] | None = None
    if second is not None:
        assert second.words is not None  # all segments carry words or none
        second_words, second_sequences = list(second.words), [1] * len(second.ids)
    if not template:
        return words + (second_words or []), sequences + (second_sequences or [])
    return (
        with_special_tokens(words, second_words, None, None),
        with_special_tokens(sequences, second_sequences, None, None),
    )
