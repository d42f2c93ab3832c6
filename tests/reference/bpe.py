"""A small, readable BPE: the rule our Rust trainer and encoder implement, used as an oracle.

Training (Sennrich et al., subword-nmt ``learn-bpe``): split each word into characters and
fuse ``</w>`` onto the last one; count every adjacent pair, weighted by word frequency (all
positions, so ``a a a`` holds ``a a`` twice); merge the most frequent pair, ties to the
greatest pair as a tuple of strings; replace non-overlapping occurrences left to right;
recount; repeat. Stop after ``num_merges`` or when the best count is below
``min_frequency``.

Encoding (subword-nmt ``apply_bpe``): starting from the characters, merge the lowest-ranked
pair present at every non-overlapping position, left to right, until no pair is a merge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

EOW = "</w>"


def split_word(word: str) -> tuple[str, ...]:
    """``low`` -> ``('l', 'o', 'w</w>')``."""
    return (*word[:-1], word[-1] + EOW)


def merge_symbols(symbols: tuple[str, ...], pair: tuple[str, str]) -> tuple[str, ...]:
    """Replaces non-overlapping occurrences of ``pair``, left to right."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def learn(
    counts: Mapping[str, int], num_merges: int, min_frequency: int = 2
) -> list[tuple[str, str]]:
    """The merges, by full recount before every merge."""
    words = Counter({split_word(w): c for w, c in counts.items() if w and c})
    merges: list[tuple[str, str]] = []
    while len(merges) < num_merges:
        stats: Counter[tuple[str, str]] = Counter()
        for symbols, count in words.items():
            for pair in zip(symbols, symbols[1:], strict=False):
                stats[pair] += count
        if not stats:
            break
        best = max(stats, key=lambda pair: (stats[pair], pair))
        if stats[best] < min_frequency:
            break
        merges.append(best)
        merged: Counter[tuple[str, ...]] = Counter()
        for symbols, count in words.items():
            merged[merge_symbols(symbols, best)] += count
        words = merged
    return merges


def apply(word: str, merges: list[tuple[str, str]]) -> list[str]:
    """The symbols of ``word`` after applying ``merges`` by rank."""
    ranks: dict[tuple[str, str], int] = {}
    for rank, pair in enumerate(merges):
        ranks.setdefault(pair, rank)
    symbols = split_word(word)
    while True:
        present = [pair for pair in zip(symbols, symbols[1:], strict=False) if pair in ranks]
        if not present:
            return list(symbols)
        symbols = merge_symbols(symbols, min(present, key=ranks.__getitem__))
