"""WordPiece refining: the rule ``train_wordpiece(..., refine=True)`` must follow.

A WordPiece vocabulary is only used by the greedy longest-match-first encoder, so after
the merge loop it is tuned against what that encoder does on the training words. With
``N`` = ``vocab_size``, the words = the distinct training words of 1 to 100 characters
(longer ones are unk for the encoder), and ``count(w)`` their counts:

- Protected: the special tokens and the alphabet (every one-character token, plain or
  after the prefix) are never dropped.
- Seed: the merge loop with the chosen ``scoring`` to ``round(1.2 N)`` tokens (fewer if
  it runs out of pairs).
- Prune to ``N``: while the vocab has more than ``N`` tokens, greedy-encode every word;
  ``usage(t)`` = the sum over words of ``count(w)`` times the occurrences of ``t`` in the
  encoding; with ``E`` the excess, drop the ``k`` unprotected tokens of lowest usage,
  ``k = E`` if ``E <= 10`` else ``min(E, max(10, ceil(E / 5)))``; ties drop the later
  token (higher id) first; the others keep their order.
- Refill to ``round(1.2 N)``: while below it, greedy-encode every word; each adjacent
  pair of pieces ``(a, b)`` adds ``count(w)`` to the string ``a + b`` without its prefix;
  append the ``min(missing, max(1, floor(|V| / 20)))`` strings not in the vocab with the
  highest sums of at least ``max(1, min_frequency)``, ties to the smaller string (code
  point order); stop early if none qualifies.
- Prune to ``N`` again.

Derived from the research prototype (``prune.py``, its "usage" rule); every pass
re-encodes every word with the naive encoder of ``wordpiece_encode.py``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise

from reference.wordpiece_encode import wordpiece_tokenize
from reference.wordpiece_train import DEFAULT_SPECIAL_TOKENS, train_wordpiece

MAX_INPUT_CHARS_PER_WORD = 100


def seed_size(vocab_size: int) -> int:
    """``round(1.2 * vocab_size)``, in integers (``1.2 n`` is never halfway)."""
    return (6 * vocab_size + 2) // 5


def refine_vocab(
    seed: Sequence[str],
    counts: Mapping[str, int],
    vocab_size: int,
    *,
    min_frequency: int = 0,
    special_tokens: Sequence[str] = DEFAULT_SPECIAL_TOKENS,
    continuing_subword_prefix: str = "##",
) -> list[str]:
    """Prune ``seed`` to ``vocab_size``, refill to ``seed_size(vocab_size)``, prune again."""
    prefix = continuing_subword_prefix
    protected = set(special_tokens) | {
        t for t in seed if len(t) == 1 or (t.startswith(prefix) and len(t) == len(prefix) + 1)
    }
    words = [(w, c) for w, c in counts.items() if c > 0 and 0 < len(w) <= MAX_INPUT_CHARS_PER_WORD]

    def encodings(vocab: list[str]) -> list[tuple[list[str], int]]:
        # The alphabet covers every word, so the unk token never shows up.
        in_vocab = set(vocab)
        return [(wordpiece_tokenize(w, in_vocab, vocab[0], prefix), c) for w, c in words]

    def prune(vocab: list[str]) -> list[str]:
        while len(vocab) > vocab_size:
            usage: Counter[str] = Counter()
            for pieces, c in encodings(vocab):
                for piece in pieces:
                    usage[piece] += c
            excess = len(vocab) - vocab_size
            k = excess if excess <= 10 else min(excess, max(10, math.ceil(excess / 5)))
            # Least used first; ties: the later token (higher id) first.
            ranked = sorted((usage[t], -i) for i, t in enumerate(vocab) if t not in protected)
            dropped = {-neg_i for _, neg_i in ranked[:k]}
            vocab = [t for i, t in enumerate(vocab) if i not in dropped]
        return vocab

    def refill(vocab: list[str], target: int) -> list[str]:
        while len(vocab) < target:
            joined: Counter[str] = Counter()
            for pieces, c in encodings(vocab):
                for a, b in pairwise(pieces):
                    joined[a + b[len(prefix) :]] += c
            present = set(vocab)
            # Highest sum first; ties: the smaller string first.
            best = sorted(
                (-n, t)
                for t, n in joined.items()
                if t not in present and n >= max(1, min_frequency)
            )
            if not best:
                break
            k = min(target - len(vocab), max(1, len(vocab) // 20))
            vocab = vocab + [t for _, t in best[:k]]
        return vocab

    return prune(refill(prune(list(seed)), seed_size(vocab_size)))


def train_wordpiece_refined(
    counts: Mapping[str, int],
    vocab_size: int,
    *,
    min_frequency: int = 0,
    special_tokens: Sequence[str] = DEFAULT_SPECIAL_TOKENS,
    continuing_subword_prefix: str = "##",
    scoring: str = "likelihood",
    seed_trainer: Callable[..., list[str]] = train_wordpiece,
) -> list[str]:
    """The seed (the merge loop to ``seed_size(vocab_size)``, by ``seed_trainer``, which
    takes the arguments of ``train_wordpiece``) refined by :func:`refine_vocab`."""
    options = {
        "min_frequency": min_frequency,
        "special_tokens": special_tokens,
        "continuing_subword_prefix": continuing_subword_prefix,
    }
    seed = seed_trainer(counts, seed_size(vocab_size), scoring=scoring, **options)
    return refine_vocab(seed, counts, vocab_size, **options)
