"""WordPiece training by likelihood gain: the rule ``subword._core.train_wordpiece`` must follow.

- Every word is split into characters, the first as is, the rest with the continuing
  prefix: ``hug`` -> ``h ##u ##g``. A symbol's count and a pair's count are the number of
  their occurrences in the split words, each word weighted by its count.
- Each step merges the adjacent pair ``(a, b)`` with the highest
  ``score = count(ab) / (count(a) * count(b))``, compared exactly (integer
  cross-multiplication, never floats); ties go to the higher pair count, then to the
  smallest pair as a tuple of strings (code point order). Pairs with a count below
  ``min_frequency`` are never merged.
- The merged symbol is ``a`` followed by ``b`` without its prefix (``a + ##b -> ab``,
  ``##a + ##b -> ##ab``); occurrences are replaced left to right without overlap.
- The vocab is the special tokens (in the given order), then the alphabet sorted by code
  point (the plain first characters, then the prefixed ones), then each merged symbol in
  merge order - unless the string is already in the vocab: the same string reached by
  two merges is one token (it still merges, adding nothing).
- Training stops when the vocab has ``vocab_size`` tokens or no pair qualifies.

Two implementations: :func:`train_wordpiece_naive` recounts everything for every merge
(the definition, slow); :func:`train_wordpiece` keeps the counts up to date by
re-counting only the words a merge changes, and still finds the best pair by scanning
all of them. The tests check the second against the first, and the Rust trainer against
both.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

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


def best_pair(
    pair_counts: Mapping[Pair, int], symbol_counts: Mapping[str, int], min_count: int
) -> Pair | None:
    """The pair to merge: highest score, then highest count, then smallest pair."""
    best: Pair | None = None
    best_count = best_denominator = 0
    for pair, count in pair_counts.items():
        if count < min_count:
            continue
        denominator = symbol_counts[pair[0]] * symbol_counts[pair[1]]
        if best is None:
            better = True
        else:
            # count / denominator > best_count / best_denominator, exactly.
            left, right = count * best_denominator, best_count * denominator
            better = left > right or (
                left == right and (count > best_count or (count == best_count and pair < best))
            )
        if better:
            best, best_count, best_denominator = pair, count, denominator
    return best


def _prepare(
    counts: Mapping[str, int],
    vocab_size: int,
    special_tokens: Sequence[str],
    prefix: str,
) -> tuple[list[tuple[str, ...]], list[int], list[str]]:
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
) -> list[str]:
    """The rule itself: every count is recounted from the words for every merge."""
    prefix = continuing_subword_prefix
    words, weights, vocab = _prepare(counts, vocab_size, special_tokens, prefix)
    while len(vocab) < vocab_size:
        symbol_counts: Counter[str] = Counter()
        pair_counts: Counter[Pair] = Counter()
        for word, weight in zip(words, weights, strict=True):
            for symbol in word:
                symbol_counts[symbol] += weight
            for pair in zip(word, word[1:], strict=False):
                pair_counts[pair] += weight
        pair = best_pair(pair_counts, symbol_counts, max(min_frequency, 1))
        if pair is None:
            break
        merged = _merged(pair, prefix)
        words = [merge_word(w, pair, merged) for w in words]
        if merged not in vocab:
            vocab.append(merged)
    return vocab


def train_wordpiece(
    counts: Mapping[str, int],
    vocab_size: int,
    min_frequency: int = 0,
    special_tokens: Sequence[str] = DEFAULT_SPECIAL_TOKENS,
    continuing_subword_prefix: str = "##",
) -> list[str]:
    """The same rule, fast enough for a real corpus.

    The counts are sums over words; a merge changes only the words holding the pair, so
    those words' old contributions are subtracted and their new ones added. The best pair
    is still found by scanning every pair (no priority queue, no re-scoring logic).
    """
    prefix = continuing_subword_prefix
    words, weights, vocab = _prepare(counts, vocab_size, special_tokens, prefix)
    in_vocab = set(vocab)
    symbol_counts: Counter[str] = Counter()
    pair_counts: dict[Pair, int] = {}
    words_with: defaultdict[Pair, set[int]] = defaultdict(set)

    def add(index: int, sign: int) -> None:
        """Adds (sign +1) or removes (sign -1) the contribution of word ``index``."""
        word, weight = words[index], weights[index] * sign
        for symbol in word:
            symbol_counts[symbol] += weight
        for pair in zip(word, word[1:], strict=False):
            count = pair_counts.get(pair, 0) + weight
            if count:
                pair_counts[pair] = count
            else:
                del pair_counts[pair]
            if sign > 0:
                words_with[pair].add(index)
            else:
                words_with[pair].discard(index)

    for index in range(len(words)):
        add(index, +1)
    min_count = max(min_frequency, 1)
    while len(vocab) < vocab_size:
        pair = best_pair(pair_counts, symbol_counts, min_count)
        if pair is None:
            break
        merged = _merged(pair, prefix)
        for index in sorted(words_with.pop(pair)):
            add(index, -1)
            words[index] = merge_word(words[index], pair, merged)
            add(index, +1)
        if merged not in in_vocab:
            in_vocab.add(merged)
            vocab.append(merged)
    return vocab
