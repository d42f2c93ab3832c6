"""WordPiece training by likelihood gain: the rule ``subword._core.train_wordpiece`` must follow.

- Every word is split into characters, the first as is, the rest with the continuing
  prefix: ``hug`` -> ``h ##u ##g``. A symbol's count ``n(s)`` and a pair's count
  ``k = n(a, b)`` are the number of their occurrences in the split words, each word
  weighted by its count.
- Each step merges the adjacent pair ``(a, b)`` with the best score under ``scoring``:

  - ``"likelihood"`` (the default): the gain in corpus log-likelihood of a unigram model
    when ``a`` and ``b`` become one symbol. With ``F(x) = x ln x`` (``F(0) = 0``) in
    floats and ``N0`` the number of symbols before any merge, the gain is
    ``F(k) + F(n_a - k) + F(n_b - k) - F(n_a) - F(n_b) + (F(N0) - F(N0 - k))``, or for
    ``a == b`` ``F(k) + F(max(n_a - 2k, 0)) - F(n_a) + (F(N0) - F(N0 - k))``, summed in
    exactly that order;
  - ``"pmi"``: ``k / (n_a * n_b)``, compared exactly (integer cross-multiplication,
    never floats);
  - ``"frequency"``: ``k``.

  Ties go to the higher pair count, then to the smallest pair as a tuple of strings
  (code point order). Pairs with a count below ``min_frequency`` are never merged.
- The merged symbol is ``a`` followed by ``b`` without its prefix (``a + ##b -> ab``,
  ``##a + ##b -> ##ab``); occurrences are replaced left to right without overlap.
- The vocab is the special tokens (in the given order), then the alphabet sorted by code
  point (the plain first characters, then the prefixed ones), then each merged symbol in
  merge order - unless the string is already in the vocab: the same string reached by
  two merges is one token (it still merges, adding nothing).
- Training stops when the vocab has ``vocab_size`` tokens or no pair qualifies.

Two implementations: :func:`train_wordpiece_naive` recounts everything for every merge
(the definition, slow); :func:`train_wordpiece` keeps the counts up to date by
re-counting only the words a merge changes, and re-scores only the pairs whose counts
changed (a heap with stale entries skipped). The tests check the second against the
first, and the Rust trainer against both.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

Pair = tuple[str, str]

DEFAULT_SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def split_word(word: str, prefix: str = "##") -> tuple[str, ...]:
    """The initial symbols of ``word``: ``hug`` -> ``("h", "##u", "##g")``."""
    return tuple(c if i == 0 else prefix + c for i, c in enumerate(word))


def initial_vocab(words: Sequence[tuple[str, ...]], special_tokens: Sequence[str]) -> list[str]:
    """Special tokens, then the plain first symbols sorted, then the other symbols sorted."""
    first = sorted({w[0] for w in words})
    rest = sorted({s for w in words for s in w[1:]})
    vocab: list[str] = []
    for token in [*special_tokens, *first, *rest]:
        if token not in vocab:
            vocab.append(token)
    return vocab


def merge_word(word: tuple[str, ...], pair: Pair, merged: str) -> tuple[str, ...]:
    """``word`` with every occurrence of ``pair`` replaced, left to right, no overlap."""
    out = []
    i = 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(merged)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


SCORINGS = ("likelihood", "pmi", "frequency")


def x_ln_x(x: int) -> float:
    """``F(x) = x ln x`` with ``F(0) = 0``, in floats."""
    return x * math.log(x) if x else 0.0


def likelihood_gain(pair: Pair, k: int, symbol_counts: Mapping[str, int], n0: int) -> float:
    """The gain in corpus log-likelihood when the ``k`` occurrences of ``pair`` merge."""
    a, b = pair
    n_a, n_b = symbol_counts[a], symbol_counts[b]
    corpus = x_ln_x(n0) - x_ln_x(n0 - k)
    if a == b:
        return x_ln_x(k) + x_ln_x(max(n_a - 2 * k, 0)) - x_ln_x(n_a) + corpus
    return x_ln_x(k) + x_ln_x(n_a - k) + x_ln_x(n_b - k) - x_ln_x(n_a) - x_ln_x(n_b) + corpus


def _score(
    pair: Pair, k: int, symbol_counts: Mapping[str, int], scoring: str, n0: int
) -> float | Fraction | int:
    """``pair``'s score; higher is better. PMI as an exact fraction."""
    if scoring == "likelihood":
        return likelihood_gain(pair, k, symbol_counts, n0)
    if scoring == "pmi":
        return Fraction(k, symbol_counts[pair[0]] * symbol_counts[pair[1]])
    if scoring == "frequency":
        return k
    raise ValueError(f"unknown scoring {scoring!r}")


def best_pair(
    pair_counts: Mapping[Pair, int],
    symbol_counts: Mapping[str, int],
    min_count: int,
    scoring: str = "likelihood",
    n0: int = 0,
) -> Pair | None:
    """The pair to merge: highest score, then highest count, then smallest pair.

    ``n0`` is the number of symbols before any merge (used by ``"likelihood"``).
    """
    best: Pair | None = None
    best_key: tuple[float | Fraction | int, int] = (0, 0)
    for pair, count in pair_counts.items():
        if count < min_count:
            continue
        key = (_score(pair, count, symbol_counts, scoring, n0), count)
        if best is None or key > best_key or (key == best_key and pair < best):
            best, best_key = pair, key
    return best


def _prepare(
    counts: Mapping[str, int],
    vocab_size: int,
    special_tokens: Sequence[str],
    prefix: str,
) -> tuple[list[tuple[str, ...]], list[int], list[str]]:
    """The split words, their weights and the initial vocab; errors as the trainer's."""
    items = [(w, c) for w, c in counts.items() if c > 0 and w]
    if not items:
        raise ValueError("empty corpus")
    words = [split_word(w, prefix) for w, _ in items]
    weights = [c for _, c in items]
    vocab = initial_vocab(words, special_tokens)
    if vocab_size < len(vocab):
        raise ValueError(f"vocab_size {vocab_size} is smaller than {len(vocab)}")
    return words, weights, vocab


def _merged(pair: Pair, prefix: str) -> str:
    a, b = pair
    return a + (b[len(prefix) :] if b.startswith(prefix) else b)


def train_wordpiece_naive(
    counts: Mapping[str, int],
    vocab_size: int,
    min_frequency: int = 0,
    special_tokens: Sequence[str] = DEFAULT_SPECIAL_TOKENS,
    continuing_subword_prefix: str = "##",
    scoring: str = "likelihood",
) -> list[str]:
    """The rule itself: every count is recounted from the words for every merge."""
    prefix = continuing_subword_prefix
    words, weights, vocab = _prepare(counts, vocab_size, special_tokens, prefix)
    n0 = sum(len(w) * c for w, c in zip(words, weights, strict=True))
    while len(vocab) < vocab_size:
        symbol_counts: Counter[str] = Counter()
        pair_counts: Counter[Pair] = Counter()
        for word, weight in zip(words, weights, strict=True):
            for symbol in word:
                symbol_counts[symbol] += weight
            for pair in zip(word, word[1:], strict=False):
                pair_counts[pair] += weight
        pair = best_pair(pair_counts, symbol_counts, max(min_frequency, 1), scoring, n0)
        if pair is None:
            break
        merged = _merged(pair, prefix)
        words = [merge_word(w, pair, merged) for w in words]
        if merged not in vocab:
            vocab.append(merged)
    return vocab


def _heap_key(
    pair: Pair, k: int, symbol_counts: Mapping[str, int], scoring: str, n0: int
) -> tuple[float | Fraction | int, int, Pair]:
    """Smaller is better: highest score, then highest count, then smallest pair."""
    return (-_score(pair, k, symbol_counts, scoring, n0), -k, pair)


def train_wordpiece(
    counts: Mapping[str, int],
    vocab_size: int,
    min_frequency: int = 0,
    special_tokens: Sequence[str] = DEFAULT_SPECIAL_TOKENS,
    continuing_subword_prefix: str = "##",
    scoring: str = "likelihood",
) -> list[str]:
    """The same rule, fast enough for a real corpus.

    The counts are sums over words; a merge changes only the words holding the pair, so
    those words' old contributions are subtracted and their new ones added. A pair's
    score changes only with its count or the count of one of its symbols, so after a
    merge just those pairs are pushed onto a heap with their new score; an entry whose
    score is no longer the pair's current one is skipped when it comes up.
    """
    prefix = continuing_subword_prefix
    words, weights, vocab = _prepare(counts, vocab_size, special_tokens, prefix)
    n0 = sum(len(w) * c for w, c in zip(words, weights, strict=True))
    in_vocab = set(vocab)
    symbol_counts: Counter[str] = Counter()
    pair_counts: dict[Pair, int] = {}
    words_with: defaultdict[Pair, set[int]] = defaultdict(set)
    pairs_of: defaultdict[str, set[Pair]] = defaultdict(set)
    touched: set[Pair] = set()

    def add(index: int, sign: int) -> None:
        """Adds (sign +1) or removes (sign -1) the contribution of word ``index``."""
        word, weight = words[index], weights[index] * sign
        for symbol in word:
            symbol_counts[symbol] += weight
        for pair in zip(word, word[1:], strict=False):
            touched.add(pair)
            count = pair_counts.get(pair, 0) + weight
            if count:
                pair_counts[pair] = count
                pairs_of[pair[0]].add(pair)
                pairs_of[pair[1]].add(pair)
            else:
                del pair_counts[pair]
                pairs_of[pair[0]].discard(pair)
                pairs_of[pair[1]].discard(pair)
            if sign > 0:
                words_with[pair].add(index)
            else:
                words_with[pair].discard(index)

    min_count = max(min_frequency, 1)
    heap: list[tuple[float | Fraction | int, int, Pair]] = []

    def push(pairs: Iterable[Pair]) -> None:
        for pair in pairs:
            k = pair_counts.get(pair, 0)
            if k >= min_count:
                heapq.heappush(heap, _heap_key(pair, k, symbol_counts, scoring, n0))

    def pop_best() -> Pair | None:
        while heap:
            key = heapq.heappop(heap)
            pair = key[2]
            k = pair_counts.get(pair, 0)
            if k >= min_count and key == _heap_key(pair, k, symbol_counts, scoring, n0):
                return pair
        return None

    for index in range(len(words)):
        add(index, +1)
    push(pair_counts)
    while len(vocab) < vocab_size:
        pair = pop_best()
        if pair is None:
            break
        merged = _merged(pair, prefix)
        touched.clear()
        for index in sorted(words_with.pop(pair)):
            add(index, -1)
            words[index] = merge_word(words[index], pair, merged)
            add(index, +1)
        push(touched)
        if scoring != "frequency":
            for symbol in {*pair, merged}:
                push(list(pairs_of[symbol]))
        if merged not in in_vocab:
            in_vocab.add(merged)
            vocab.append(merged)
    return vocab
