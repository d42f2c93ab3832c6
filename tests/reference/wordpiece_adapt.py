"""Adapting a WordPiece vocabulary to a domain: the rule ``_core.adapt_wordpiece`` follows.

With the words = the distinct domain words of 1 to ``max_input_chars_per_word``
characters that the BASE vocab can encode (the others are unk whatever is added),
``count(w)`` their counts and ``tokens(V, w)`` the pieces the greedy encoder
(``wordpiece_encode.py``) makes of ``w`` with the vocab ``V``, each step:

- tries every string ``t`` not in ``V``: a substring of a word, written as is when it
  starts the word (never when it then starts with the prefix), after the prefix otherwise;
- ``saving(t) = sum_w count(w) * (tokens(V, w) - tokens(V + t, w))``; ``score(t)`` the
  same sum with ``count(w) - 1`` for the word ``w`` that ``t`` is whole (leave one out;
  ``leave_one_out=False``: the saving); ``reach(t)`` the sum of ``count(w)`` over the
  words it shortens;
- ``t`` qualifies when saving and score are above zero, reach >= ``max(1,
  min_frequency)``, no word becomes unk, and (``pieces=False``) ``t`` is a whole word;
- adds the qualifying ``t`` of the highest score, ties to the smallest token as written
  (code points); stops at ``max_new_tokens`` or when none qualifies.

``scoring="whole-words"`` (the naive filling): the words of count >= ``min_frequency``
that do not start with the prefix and that the base splits, ranked by ``count(w) *
(pieces - 1)``, ties to the smaller word.

Every step re-encodes every word for every candidate: it is the oracle, not the
implementation.
"""

from __future__ import annotations

from reference.wordpiece_encode import wordpiece_tokenize


def _pieces(word: str, vocab: set[str], prefix: str, max_chars: int) -> int | None:
    tokens = wordpiece_tokenize(word, vocab, "\0unk", prefix, max_chars)
    return None if tokens == ["\0unk"] else len(tokens)


def adapt_wordpiece(
    counts: dict[str, int],
    vocab: list[str],
    max_new_tokens: int,
    min_frequency: int = 2,
    scoring: str = "saving",
    pieces: bool = True,
    leave_one_out: bool = True,
    continuing_subword_prefix: str = "##",
    max_input_chars_per_word: int = 100,
) -> list[tuple[str, int, int]]:
    """The new tokens as ``(token, saving, reach)``, in the order chosen."""
    prefix, max_chars = continuing_subword_prefix, max_input_chars_per_word
    current = set(vocab)
    words = {
        w: c
        for w, c in counts.items()
        if c > 0 and w and _pieces(w, current, prefix, max_chars) is not None
    }
    if scoring == "whole-words":
        ranked = []
        for w, c in words.items():
            n = _pieces(w, current, prefix, max_chars)
            assert n is not None
            if c >= min_frequency and n > 1 and not w.startswith(prefix):
                ranked.append((-c * (n - 1), w, c))
        ranked.sort()
        return [(w, -saving, c) for saving, w, c in ranked[:max_new_tokens]]

    chosen: list[tuple[str, int, int]] = []
    while len(chosen) < max_new_tokens:
        before = {w: _pieces(w, current, prefix, max_chars) for w in words}
        candidates = set()
        for w in words:
            for i in range(len(w)):
                for j in range(i + 1, len(w) + 1):
                    text = w[i:j]
                    if i == 0 and not text.startswith(prefix):
                        candidates.add(text)
                    elif i > 0:
                        candidates.add(prefix + text)
        best = None
        for t in sorted(candidates - current):
            vocab_t = current | {t}
            saving = score = reach = 0
            unk = False
            for w, c in words.items():
                after = _pieces(w, vocab_t, prefix, max_chars)
                if after is None:
                    unk = True
                    break
                old = before[w]
                assert old is not None
                saving += c * (old - after)
                own = leave_one_out and t == w and not t.startswith(prefix)
                score += (c - 1 if own else c) * (old - after)
                reach += c if after < old else 0
            whole = t in words and not t.startswith(prefix)
            if unk or saving <= 0 or score <= 0 or reach < max(1, min_frequency):
                continue
            if not pieces and not whole:
                continue
            if best is None or score > best[0]:  # sorted: the first of a tie is smallest
                best = (score, t, saving, reach)
        if best is None:
            break
        _, t, saving, reach = best
        chosen.append((t, saving, reach))
        current.add(t)
    return chosen
