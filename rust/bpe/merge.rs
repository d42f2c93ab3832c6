//! Merging one word's symbols by subword-nmt's rule (`apply_bpe.encode`): while some
//! adjacent pair is a merge, the pair of lowest rank is merged at every non-overlapping
//! position, left to right, and only then is the next pair chosen.
//!
//! Two implementations give the same symbols (a property test in `encode` holds them to
//! each other and to the reference): a scan per round, fastest for the short words that
//! make up text, and a heap for long ones, so that even a megabyte-long "word" merges in
//! O(n log n).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

/// One symbol of an encoded word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// A symbol in the vocabulary.
    Known(u32),
    /// A character the vocabulary lacks; `end_of_word` when it is the word's last.
    Unknown { ch: char, end_of_word: bool },
}

/// Words of at most this many characters are merged by rescanning (fast when short);
/// longer ones by a heap, so that even a megabyte-long "word" encodes in O(n log n).
const SHORT_WORD: usize = 48;

/// Buffers [`MergeTable::merge_in_place`] reuses from word to word, so that merging a
/// word allocates nothing once they have grown: a thread keeps one.
#[derive(Default)]
pub(crate) struct MergeScratch {
    /// (rank, merged id) of each adjacent pair.
    ranks: Vec<(u32, u32)>,
    /// Where a round's merges were written.
    merged_at: Vec<usize>,
}

/// A model's merges as ids: what a word's symbols are merged by.
pub(crate) struct MergeTable {
    /// (left id, right id) -> (rank, merged id); the first rank wins for repeated pairs.
    ranks: FxHashMap<(u32, u32), (u32, u32)>,
    /// (left id, right id, merged id) of each merge, by rank.
    merge_ids: Vec<(u32, u32, u32)>,
}

impl MergeTable {
    /// An empty table with room for `merges` merges.
    pub(crate) fn with_capacity(merges: usize) -> Self {
        MergeTable {
            ranks: FxHashMap::default(),
            merge_ids: Vec::with_capacity(merges),
        }
    }

    /// Adds the merge of `pair` into `merged`, ranked after those already added.
    pub(crate) fn push(&mut self, pair: (u32, u32), merged: u32) {
        let rank = self.merge_ids.len() as u32;
        self.ranks.entry(pair).or_insert((rank, merged));
        self.merge_ids.push((pair.0, pair.1, merged));
    }

    /// `pieces` (a word's symbols) after every merge that applies, by the rule above, in
    /// place; a short word is merged in `scratch`'s buffers.
    pub(crate) fn merge_in_place(&self, pieces: &mut Vec<Piece>, scratch: &mut MergeScratch) {
        if pieces.len() <= SHORT_WORD {
            self.merge_short(pieces, scratch);
        } else {
            *pieces = self.merge_long(std::mem::take(pieces));
        }
    }

    fn rank(&self, left: Piece, right: Piece) -> Option<(u32, u32)> {
        match (left, right) {
            (Piece::Known(a), Piece::Known(b)) => self.ranks.get(&(a, b)).copied(),
            _ => None,
        }
    }

    /// The rule as subword-nmt writes it: each round merges every occurrence, left to
    /// right, of the pair of lowest rank, found by a scan. Quadratic in the word length,
    /// fastest for the short words that make up text. Each adjacent pair's rank is kept
    /// beside it and looked up again only where a merge changed a neighbour, so a word
    /// costs one look-up per pair plus two per merge, not one per pair every round.
    pub(super) fn merge_short(&self, pieces: &mut Vec<Piece>, scratch: &mut MergeScratch) {
        const NO_MERGE: (u32, u32) = (u32::MAX, u32::MAX);
        let rank_of =
            |pieces: &[Piece], at: usize| self.rank(pieces[at], pieces[at + 1]).unwrap_or(NO_MERGE);
        // `ranks[i]`: (rank, merged id) of the pair starting at `i`.
        let MergeScratch { ranks, merged_at } = scratch;
        ranks.clear();
        ranks.extend((0..pieces.len().saturating_sub(1)).map(|i| rank_of(pieces, i)));
        loop {
            // The first occurrence of the best pair: none of it comes before.
            let Some((first, &(_, merged))) = ranks
                .iter()
                .enumerate()
                .min_by_key(|&(_, &(rank, _))| rank)
                .filter(|&(_, &best)| best != NO_MERGE)
            else {
                return;
            };
            let (left, right) = (pieces[first], pieces[first + 1]);
            // Merge in place: `read` walks the old pieces, `write` the new ones.
            merged_at.clear();
            let (mut read, mut write) = (first, first);
            while read < pieces.len() {
                if read + 1 < pieces.len() && pieces[read] == left && pieces[read + 1] == right {
                    pieces[write] = Piece::Known(merged);
                    merged_at.push(write);
                    read += 2;
                } else {
                    pieces[write] = pieces[read];
                    if read < ranks.len() {
                        ranks[write] = ranks[read];
                    }
                    read += 1;
                }
                write += 1;
            }
            pieces.truncate(write);
            ranks.truncate(write.saturating_sub(1));
            for &at in merged_at.iter() {
                if at > 0 {
                    ranks[at - 1] = rank_of(pieces, at - 1);
                }
                if at + 1 < pieces.len() {
                    ranks[at] = rank_of(pieces, at);
                }
            }
        }
    }

    /// The same rule in O(n log n) for long words: a linked list of symbols and a heap of
    /// (rank, position) entries. Each round takes every entry of the lowest rank (all
    /// occurrences of one pair, as subword-nmt collects them before merging), merges them
    /// left to right skipping the invalidated ones, and only then adds the pairs the round
    /// created — so a new pair can never jump ahead of the round, exactly as in `apply_bpe`.
    pub(super) fn merge_long(&self, mut pieces: Vec<Piece>) -> Vec<Piece> {
        const NONE: usize = usize::MAX;
        let n = pieces.len();
        let mut next: Vec<usize> = (1..=n).map(|i| if i < n { i } else { NONE }).collect();
        let mut prev: Vec<usize> = (0..n).map(|i| if i > 0 { i - 1 } else { NONE }).collect();
        let mut alive = vec![true; n];
        let mut heap = BinaryHeap::new();
        let push = |heap: &mut BinaryHeap<Reverse<(u32, usize)>>,
                    pieces: &[Piece],
                    at: usize,
                    next: usize| {
            if at != NONE
                && next != NONE
                && let Some((rank, _)) = self.rank(pieces[at], pieces[next])
            {
                heap.push(Reverse((rank, at)));
            }
        };
        for i in 0..n.saturating_sub(1) {
            push(&mut heap, &pieces, i, i + 1);
        }
        let mut merged_at = Vec::new();
        while let Some(&Reverse((rank, _))) = heap.peek() {
            let (left, right, merged) = self.merge_ids[rank as usize];
            let (left, right, merged) = (
                Piece::Known(left),
                Piece::Known(right),
                Piece::Known(merged),
            );
            merged_at.clear();
            while let Some(&Reverse((r, at))) = heap.peek() {
                if r != rank {
                    break;
                }
                heap.pop();
                let after = next[at];
                if alive[at] && after != NONE && pieces[at] == left && pieces[after] == right {
                    pieces[at] = merged;
                    alive[after] = false;
                    next[at] = next[after];
                    if next[after] != NONE {
                        prev[next[after]] = at;
                    }
                    merged_at.push(at);
                }
            }
            for &at in &merged_at {
                push(&mut heap, &pieces, prev[at], at);
                push(&mut heap, &pieces, at, next[at]);
            }
        }
        let mut result = Vec::new();
        let mut at = 0;
        while at != NONE {
            result.push(pieces[at]);
            at = next[at];
        }
        result
    }
}
