"""Adapting a pretrained WordPiece vocabulary to a domain without breaking the checkpoint.

A published vocabulary splits a domain's common terms into many pieces. Adapting it
adds the tokens that save the most on the domain's words (counted with the base's own
normalization) under the greedy longest-match encoder that will use them
(``subword._core.adapt_wordpiece``, ``rust/wordpiece/adapt.rs``), and puts them where the
checkpoint still loads:

- ``slots="unused"`` writes them into the ``[unusedN]`` entries, in id order: every other
  token keeps its id and the vocab its size, so the model loads as it is;
- ``slots="append"`` appends them: the model's embeddings must be resized
  (``model.resize_token_embeddings(len(tokenizer))`` in transformers).

No token the base already has is ever added. :meth:`subword.WordPiece.adapt` is the entry
point; this module holds the rules it shares with ``subword adapt``: where new tokens
go (:func:`place_tokens`) and the report on held-out text (:func:`compare`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from subword.errors import InvalidArgumentError
from subword.evaluation import Evaluable, QualityReport, evaluate_texts, format_reports

#: Where the new tokens go.
Slots = Literal["unused", "append"]
SLOTS: tuple[Slots, ...] = get_args(Slots)
#: How they are chosen: by what they save under the greedy encoder (the default), or the
#: naive filling with the most-split frequent whole words (the baseline). There is no
#: ``"likelihood"``: continuing merges by likelihood gain (as training does) spends slots
#: on intermediate merges the greedy encoder stops using once a longer token exists
#: (issue #19 measured 1.05x the naive cut), so the tokens are chosen by what they save.
AdaptScoring = Literal["saving", "whole-words"]
ADAPT_SCORINGS: tuple[AdaptScoring, ...] = get_args(AdaptScoring)

_UNUSED = re.compile(r"\[unused\d+\]")


@dataclass(frozen=True)
class NewToken:
    """A token adaptation added: its id, and what it saved on the domain words.

    ``saving`` is the number of tokens it saved on the training words when it was chosen
    (counted with multiplicity), ``words`` the occurrences of the words it shortened.

    >>> NewToken("django", 1, 476, 476).as_dict()
    {'token': 'django', 'id': 1, 'saving': 476, 'words': 476}
    """

    token: str
    id: int
    saving: int
    words: int

    def as_dict(self) -> dict[str, Any]:
        """The token as plain JSON-ready data.

        >>> NewToken("##ing", 7, 24, 12).as_dict()["saving"]
        24
        """
        return {"token": self.token, "id": self.id, "saving": self.saving, "words": self.words}


def unused_slots(vocab: Sequence[str]) -> list[int]:
    """The ids of the ``[unusedN]`` tokens, in id order.

    >>> unused_slots(["[PAD]", "[unused0]", "[UNK]", "[unused1]", "unused"])
    [1, 3]
    """
    return [i for i, token in enumerate(vocab) if _UNUSED.fullmatch(token)]


def check_options(slots: str, scoring: str) -> None:
    """Raises :class:`~subword.errors.InvalidArgumentError` for an unknown slots or scoring.

    >>> check_options("unused", "saving")
    >>> check_options("end", "saving")
    Traceback (most recent call last):
    subword.errors.InvalidArgumentError: slots must be one of 'unused', 'append', got 'end'
    """
    for name, value, choices in (("slots", slots, SLOTS), ("scoring", scoring, ADAPT_SCORINGS)):
        if value not in choices:
            listed = ", ".join(repr(c) for c in choices)
            raise InvalidArgumentError(name, f"must be one of {listed}, got {value!r}")


def token_budget(vocab: Sequence[str], slots: str, max_new_tokens: int | None) -> int:
    """How many tokens may be added: the ``[unused]`` slots, or ``max_new_tokens``.

    With ``slots="unused"``, asking for more tokens than there are slots (or a base
    without any) is an error that gives the count; ``slots="append"`` needs
    ``max_new_tokens``.

    >>> token_budget(["[UNK]", "[unused0]", "[unused1]"], "unused", None)
    2
    >>> token_budget(["[UNK]", "[unused0]"], "unused", 5)
    Traceback (most recent call last):
    subword.errors.InvalidArgumentError: max_new_tokens is 5 but the base has only 1 \
[unused] slots; ask for at most 1, or pass slots='append'
    """
    if max_new_tokens is not None and (
        isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int)
    ):
        raise TypeError(f"max_new_tokens must be an int, got {type(max_new_tokens).__name__}")
    if max_new_tokens is not None and max_new_tokens < 0:
        raise InvalidArgumentError("max_new_tokens", f"must be 0 or more, got {max_new_tokens}")
    if slots == "append":
        if max_new_tokens is None:
            raise InvalidArgumentError("max_new_tokens", "must be given with slots='append'")
        return max_new_tokens
    free = len(unused_slots(vocab))
    if free == 0:
        raise InvalidArgumentError(
            "slots",
            "is 'unused' but the base has 0 [unused] slots to fill; pass slots='append' "
            "and resize the model's embeddings",
        )
    if max_new_tokens is None:
        return free
    if max_new_tokens > free:
        raise InvalidArgumentError(
            "max_new_tokens",
            f"is {max_new_tokens} but the base has only {free} [unused] slots; ask for at "
            f"most {free}, or pass slots='append'",
        )
    return max_new_tokens


def place_tokens(
    vocab: Sequence[str], found: Sequence[tuple[str, int, int]], slots: str
) -> tuple[list[str], tuple[NewToken, ...]]:
    """The adapted vocab (in id order) and the new tokens with their ids.

    ``found`` is what ``_core.adapt_wordpiece`` returns, ``(token, saving, words)`` in the
    order chosen; with ``slots="unused"`` they fill the ``[unusedN]`` slots in id order.

    >>> base = ["[UNK]", "[unused0]", "a", "[unused1]"]
    >>> vocab, new = place_tokens(base, [("ab", 9, 9)], "unused")
    >>> vocab, new[0].id
    (['[UNK]', 'ab', 'a', '[unused1]'], 1)
    >>> place_tokens(["[UNK]", "a"], [("ab", 9, 9)], "append")[0]
    ['[UNK]', 'a', 'ab']
    """
    adapted = list(vocab)
    if slots == "append":
        ids = range(len(adapted), len(adapted) + len(found))
        adapted.extend(token for token, _, _ in found)
    else:
        ids = unused_slots(adapted)[: len(found)]  # type: ignore[assignment]
        for index, (token, _, _) in zip(ids, found, strict=True):
            adapted[index] = token
    new = tuple(
        NewToken(token, index, saving, words)
        for index, (token, saving, words) in zip(ids, found, strict=True)
    )
    return adapted, new


@dataclass(frozen=True)
class AdaptationReport:
    """What an adaptation bought on held-out text, and the tokens it added.

    >>> before = QualityReport("base", 5, 1, 4, 6, 0, 2, 0, 512)
    >>> after = QualityReport("adapted", 5, 1, 4, 5, 0, 3, 0, 512)
    >>> report = AdaptationReport(before, after, (NewToken("ab", 1, 9, 9),), "unused")
    >>> round(report.cut, 4)
    0.1667
    """

    before: QualityReport | None
    after: QualityReport | None
    new_tokens: tuple[NewToken, ...]
    slots: str

    @property
    def cut(self) -> float | None:
        """The relative cut in tokens per word on the held-out text (None without one).

        >>> AdaptationReport(None, None, (), "unused").cut is None
        True
        """
        if self.before is None or self.after is None or not self.before.tokens_per_word:
            return None
        return 1 - self.after.tokens_per_word / self.before.tokens_per_word

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data.

        >>> AdaptationReport(None, None, (NewToken("ab", 1, 9, 9),), "append").as_dict()
        {'slots': 'append', 'before': None, 'after': None, 'cut': None, \
'new_tokens': [{'token': 'ab', 'id': 1, 'saving': 9, 'words': 9}]}
        """
        return {
            "slots": self.slots,
            "before": None if self.before is None else self.before.as_dict(),
            "after": None if self.after is None else self.after.as_dict(),
            "cut": self.cut,
            "new_tokens": [t.as_dict() for t in self.new_tokens],
        }

    def format(self, most: int = 20) -> str:
        """The report as text: the figures before and after, then the first new tokens.

        >>> print(AdaptationReport(None, None, (NewToken("ab", 1, 9, 9),), "unused").format())
        1 new token in [unused] slots (ids unchanged, vocab size unchanged)
        new tokens (token, id, tokens saved, words shortened):
          ab  1  9  9
        """
        count = len(self.new_tokens)
        if self.slots == "append":
            where = "appended: resize the model's embeddings to the new vocab size"
        else:
            where = "in [unused] slots (ids unchanged, vocab size unchanged)"
        lines = [f"{count:,} new token{'s' if count != 1 else ''} {where}"]
        if self.before is not None and self.after is not None:
            lines += ["", format_reports([self.before, self.after])]
            lines.append(f"cut in tokens per word: {self.cut:.2%}")
        if self.new_tokens:
            lines += [""] if self.before is not None else []
            lines.append("new tokens (token, id, tokens saved, words shortened):")
            for t in self.new_tokens[:most]:
                lines.append(f"  {t.token}  {t.id}  {t.saving:,}  {t.words:,}")
            if count > most:
                lines.append(f"  ... and {count - most:,} more")
        return "\n".join(lines)


def compare(
    base: Evaluable,
    adapted: Evaluable,
    held_out: Iterable[str] | None,
    new_tokens: Sequence[NewToken],
    slots: str,
    *,
    max_length: int = 512,
) -> AdaptationReport:
    """The report of an adaptation on ``held_out`` lines (None: the tokens only).

    >>> from subword import WordPiece
    >>> base = WordPiece(["[UNK]", "[unused0]", "a", "##b"])
    >>> adapted = WordPiece(["[UNK]", "ab", "a", "##b"])
    >>> report = compare(base, adapted, ["ab ab a"], [NewToken("ab", 1, 4, 2)], "unused")
    >>> report.before.tokens_per_word, report.after.tokens_per_word
    (1.6666666666666667, 1.0)
    """
    if held_out is None:
        return AdaptationReport(None, None, tuple(new_tokens), slots)
    lines = list(held_out)
    before = evaluate_texts(base, lines, max_length=max_length, most_split=0, name="base")
    after = evaluate_texts(adapted, lines, max_length=max_length, most_split=0, name="adapted")
    return AdaptationReport(before, after, tuple(new_tokens), slots)
