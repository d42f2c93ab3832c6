//! BPE training: the merge loop of Sennrich et al. / subword-nmt `learn-bpe`, exact and
//! incremental.
//!
//! Each word is split into characters with the end-of-word suffix fused onto the last
//! one (`low` -> `l o w</w>`). A pair's count is the number of adjacent positions where
//! it occurs, weighted by word frequency: the count a full recount would give. Each step
//! merges the pair with the highest count; ties go to the lexicographically greatest pair
//! `(left, right)` compared as strings (Python's tuple order, i.e. code points), which is
//! exactly what `max(stats, key=lambda x: (stats[x], x))` picks in subword-nmt.
//!
//! The loop is incremental: an index pair -> words says which words a merge touches, only
//! the pairs around each merge site change, and a max-heap with lazy invalidation finds
//! the next best pair. Pair counts are 128-bit sums of 64-bit word counts, so no count
//! can overflow or wrap (a known failure of trainers that count in 32 bits).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{BpeVocab, DEFAULT_UNK_TOKEN, END_OF_WORD, byte_token};
use crate::count::WordCounts;
use crate::progress::{Phase, Progress};
use crate::{Error, Result, formats};

/// How large the trained model should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BpeSize {
    /// Exactly this many merges (subword-nmt's `-s N`), unless no pair qualifies first.
    NumMerges(usize),
    /// This many vocabulary entries: special tokens + alphabet + distinct merged symbols,
    /// as Hugging Face `tokenizers` counts them.
    VocabSize(usize),
}

/// Options of [`train`].
#[derive(Debug, Clone)]
pub struct BpeTrainerConfig {
    pub size: BpeSize,
    /// Training stops when the best pair occurs fewer times than this.
    pub min_frequency: u64,
    /// Tokens placed first in the vocabulary, in this order.
    pub special_tokens: Vec<String>,
    /// Fused onto the last character of every word.
    pub end_of_word_suffix: String,
    /// Adds the 256 byte tokens `<0x00>`..`<0xFF>` and the bare suffix, so that encoding can
    /// spell any unseen character as bytes.
    pub byte_fallback: bool,
}

impl Default for BpeTrainerConfig {
    fn default() -> Self {
        BpeTrainerConfig {
            size: BpeSize::NumMerges(10_000),
            min_frequency: 2,
            special_tokens: vec![DEFAULT_UNK_TOKEN.to_string()],
            end_of_word_suffix: END_OF_WORD.to_string(),
            byte_fallback: false,
        }
    }
}

type SymbolId = u32;
type Pair = (SymbolId, SymbolId);

/// Interned symbol strings: equal strings are one symbol, however they were made.
#[derive(Default)]
struct Symbols {
    ids: FxHashMap<Arc<str>, SymbolId>,
    strings: Vec<Arc<str>>,
}

impl Symbols {
    fn intern(&mut self, symbol: &str) -> SymbolId {
        if let Some(&id) = self.ids.get(symbol) {
            return id;
        }
        let id = self.strings.len() as SymbolId;
        let symbol: Arc<str> = Arc::from(symbol);
        self.strings.push(symbol.clone());
        self.ids.insert(symbol, id);
        id
    }
}

/// A heap entry: a pair and the count it had when pushed. Ordered as subword-nmt's `max`.
struct Candidate {
    count: u128,
    left: Arc<str>,
    right: Arc<str>,
    pair: Pair,
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.count, &self.left, &self.right).cmp(&(other.count, &other.left, &other.right))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

/// A pair count change at one position of one word: the pair, the word, and `+1` when it
/// appeared or `-1` when it disappeared.
type Change = (Pair, u32, i8);

/// Buffers reused across words, so merging allocates nothing per word.
#[derive(Default)]
struct Scratch {
    changes: Vec<Change>,
    merged_at: Vec<usize>,
}

/// Merges every non-overlapping occurrence of `pair` in word `index` (`word`), left to
/// right, into `merged`, in place, and records the pair positions that disappeared and
/// appeared. Only positions next to a merge site change, so the work is proportional to
/// the word, not the corpus.
fn merge_word(
    word: &mut Vec<SymbolId>,
    index: u32,
    pair: Pair,
    merged: SymbolId,
    scratch: &mut Scratch,
) {
    let (left, right) = pair;
    let n = word.len();
    let changes = &mut scratch.changes;
    scratch.merged_at.clear();
    // The pairs at positions i-1, i and i+1 of the old word disappear at a site i; each
    // position is recorded once even where sites are adjacent (`a b a b`).
    let mut last_removed: isize = -1;
    let mut i = 0;
    while i + 1 < n {
        if word[i] == left && word[i + 1] == right {
            for j in (i as isize - 1)..=(i as isize + 1) {
                if j > last_removed && j >= 0 && (j as usize) + 1 < n {
                    changes.push(((word[j as usize], word[j as usize + 1]), index, -1));
                    last_removed = j;
                }
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    // Compact in place: the write position never passes the read position.
    let (mut read, mut write) = (0, 0);
    while read < n {
        if read + 1 < n && word[read] == left && word[read + 1] == right {
            scratch.merged_at.push(write);
            word[write] = merged;
            read += 2;
        } else {
            word[write] = word[read];
            read += 1;
        }
        write += 1;
    }
    word.truncate(write);
    // The pairs on either side of each merged symbol appear.
    let mut last_added: isize = -1;
    for &k in &scratch.merged_at {
        for j in (k as isize - 1)..=(k as isize) {
            if j > last_added && j >= 0 && (j as usize) + 1 < write {
                changes.push(((word[j as usize], word[j as usize + 1]), index, 1));
                last_added = j;
            }
        }
    }
}

/// Merges touching at least this many words are done in parallel.
const PARALLEL_WORDS: usize = 256;

/// The state of the merge loop.
struct Trainer {
    symbols: Symbols,
    words: Vec<Vec<SymbolId>>,
    counts: Vec<u64>,
    pair_counts: FxHashMap<Pair, u128>,
    pair_words: FxHashMap<Pair, Vec<u32>>,
    heap: BinaryHeap<Candidate>,
    /// Pairs whose count grew during the current merge, to push on the heap.
    grown: FxHashSet<Pair>,
    scratch: Scratch,
}

impl Trainer {
    fn new(word_counts: &WordCounts, suffix: &str, progress: &dyn Progress) -> Result<Self> {
        let mut symbols = Symbols::default();
        let mut words = Vec::with_capacity(word_counts.len());
        let mut counts = Vec::with_capacity(word_counts.len());
        let mut buffer = String::new();
        for (index, (word, &count)) in word_counts.iter().enumerate() {
            if index % 4096 == 0 && !progress.update(Phase::Merging, 0, 0) {
                return Err(Error::Interrupted);
            }
            if count == 0 || word.is_empty() {
                continue;
            }
            let mut chars = word.chars().peekable();
            let mut symbol_ids = Vec::with_capacity(word.len());
            while let Some(c) = chars.next() {
                buffer.clear();
                buffer.push(c);
                if chars.peek().is_none() {
                    buffer.push_str(suffix);
                }
                symbol_ids.push(symbols.intern(&buffer));
            }
            words.push(symbol_ids);
            counts.push(count);
        }
        let mut trainer = Trainer {
            symbols,
            words,
            counts,
            pair_counts: FxHashMap::default(),
            pair_words: FxHashMap::default(),
            heap: BinaryHeap::new(),
            grown: FxHashSet::default(),
            scratch: Scratch::default(),
        };
        trainer.count_pairs(progress)?;
        Ok(trainer)
    }

    /// The initial full count, in parallel over chunks of words.
    fn count_pairs(&mut self, progress: &dyn Progress) -> Result<()> {
        type Tables = (FxHashMap<Pair, u128>, FxHashMap<Pair, Vec<u32>>);
        let chunk = 16_384;
        let (pair_counts, pair_words) = self
            .words
            .par_chunks(chunk)
            .enumerate()
            .map(|(chunk_index, words)| {
                if !progress.update(Phase::Merging, 0, 0) {
                    return Err(Error::Interrupted);
                }
                let mut tables: Tables = Default::default();
                for (offset, word) in words.iter().enumerate() {
                    let index = (chunk_index * chunk + offset) as u32;
                    let count = self.counts[index as usize] as u128;
                    for pair in word.windows(2) {
                        let pair = (pair[0], pair[1]);
                        *tables.0.entry(pair).or_insert(0) += count;
                        let list = tables.1.entry(pair).or_default();
                        if list.last() != Some(&index) {
                            list.push(index);
                        }
                    }
                }
                Ok(tables)
            })
            .try_reduce(Tables::default, |mut a, b| {
                for (pair, count) in b.0 {
                    *a.0.entry(pair).or_insert(0) += count;
                }
                for (pair, list) in b.1 {
                    a.1.entry(pair).or_default().extend(list);
                }
                Ok(a)
            })?;
        self.heap = pair_counts
            .iter()
            .map(|(&pair, &count)| self.candidate(pair, count))
            .collect();
        self.pair_counts = pair_counts;
        self.pair_words = pair_words;
        Ok(())
    }

    fn candidate(&self, pair: Pair, count: u128) -> Candidate {
        Candidate {
            count,
            left: self.symbols.strings[pair.0 as usize].clone(),
            right: self.symbols.strings[pair.1 as usize].clone(),
            pair,
        }
    }

    /// Pops the best pair with its current count, discarding stale heap entries.
    fn pop_best(&mut self) -> Option<Candidate> {
        while let Some(top) = self.heap.pop() {
            let current = self.pair_counts.get(&top.pair).copied().unwrap_or(0);
            if current == top.count {
                return Some(top);
            }
            // A count that grew has a fresher entry already; one that shrank goes back in.
            if current > 0 && current < top.count {
                self.heap.push(Candidate {
                    count: current,
                    ..top
                });
            }
        }
        None
    }

    /// Merges `pair` into the symbol `merged` in every word that holds it.
    fn merge(&mut self, pair: Pair, merged: SymbolId) {
        let mut word_indices = self.pair_words.remove(&pair).unwrap_or_default();
        word_indices.sort_unstable();
        word_indices.dedup();

        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.changes.clear();
        if word_indices.len() >= PARALLEL_WORDS {
            let mut taken: Vec<(u32, Vec<SymbolId>)> = word_indices
                .iter()
                .map(|&w| (w, std::mem::take(&mut self.words[w as usize])))
                .collect();
            let parts: Vec<Vec<Change>> = taken
                .par_chunks_mut(PARALLEL_WORDS / 4)
                .map(|chunk| {
                    let mut local = Scratch::default();
                    for (w, word) in chunk.iter_mut() {
                        merge_word(word, *w, pair, merged, &mut local);
                    }
                    local.changes
                })
                .collect();
            for (w, word) in taken {
                self.words[w as usize] = word;
            }
            scratch.changes.extend(parts.into_iter().flatten());
        } else {
            for &w in &word_indices {
                merge_word(&mut self.words[w as usize], w, pair, merged, &mut scratch);
            }
        }

        self.grown.clear();
        for &(changed, w, sign) in &scratch.changes {
            let count = self.counts[w as usize] as u128;
            if sign > 0 {
                *self.pair_counts.entry(changed).or_insert(0) += count;
                let list = self.pair_words.entry(changed).or_default();
                if list.last() != Some(&w) {
                    list.push(w);
                }
                self.grown.insert(changed);
            } else {
                let entry = self
                    .pair_counts
                    .get_mut(&changed)
                    .expect("a pair that disappears was counted");
                *entry -= count;
                if *entry == 0 {
                    self.pair_counts.remove(&changed);
                }
            }
        }
        self.scratch = scratch;
        let grown = std::mem::take(&mut self.grown);
        for &changed in &grown {
            if let Some(&count) = self.pair_counts.get(&changed) {
                let candidate = self.candidate(changed, count);
                self.heap.push(candidate);
            }
        }
        self.grown = grown;
    }
}

/// Trains BPE on `counts`; see the module documentation for the rule.
pub fn train(
    counts: &WordCounts,
    config: &BpeTrainerConfig,
    progress: &dyn Progress,
) -> Result<BpeVocab> {
    if counts.values().all(|&count| count == 0) {
        return Err(Error::InvalidInput(
            "the corpus is empty: there are no words to learn merges from".to_string(),
        ));
    }
    formats::check_training_words(
        counts
            .iter()
            .filter(|(_, count)| **count > 0)
            .map(|(word, _)| word.as_str()),
    )?;
    let suffix = config.end_of_word_suffix.as_str();
    let mut trainer = Trainer::new(counts, suffix, progress)?;

    let mut alphabet: Vec<&str> = trainer.symbols.strings.iter().map(|s| &**s).collect();
    alphabet.sort_unstable();
    let mut vocab: Vec<String> = config.special_tokens.clone();
    if config.byte_fallback {
        vocab.extend((0..=255).map(byte_token));
        vocab.push(suffix.to_string());
    }
    vocab.extend(alphabet.iter().map(|s| s.to_string()));
    let mut in_vocab: FxHashSet<String> = FxHashSet::default();
    vocab.retain(|token| in_vocab.insert(token.clone()));

    let (start, target) = match config.size {
        BpeSize::NumMerges(n) => (0, n),
        BpeSize::VocabSize(size) => {
            if size < vocab.len() {
                let reason = format!(
                    "{size} is smaller than the {} symbols of the alphabet plus {} special tokens{}; \
                     use at least {}",
                    alphabet.len(),
                    config.special_tokens.len(),
                    if config.byte_fallback {
                        " and 257 byte-fallback tokens"
                    } else {
                        ""
                    },
                    vocab.len()
                );
                return Err(Error::argument("vocab_size", reason));
            }
            (vocab.len(), size)
        }
    };
    let mut merges = Vec::new();
    loop {
        let done = match config.size {
            BpeSize::NumMerges(_) => merges.len(),
            BpeSize::VocabSize(_) => vocab.len(),
        };
        if done >= target {
            break;
        }
        if !progress.update(
            Phase::Merging,
            (done - start) as u64,
            (target - start) as u64,
        ) {
            return Err(Error::Interrupted);
        }
        let Some(best) = trainer.pop_best() else {
            break;
        };
        if best.count < config.min_frequency as u128 {
            break;
        }
        let merged_string = format!("{}{}", best.left, best.right);
        let merged = trainer.symbols.intern(&merged_string);
        trainer.merge(best.pair, merged);
        merges.push((best.left.to_string(), best.right.to_string()));
        if in_vocab.insert(merged_string.clone()) {
            vocab.push(merged_string);
        }
    }
    Ok(BpeVocab { vocab, merges })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;
    use crate::reference;
    use proptest::prelude::*;

    fn counts_of(words: &[(&str, u64)]) -> WordCounts {
        words.iter().map(|&(w, c)| (w.to_string(), c)).collect()
    }

    fn merges_of(counts: &WordCounts, size: BpeSize, min_frequency: u64) -> Vec<(String, String)> {
        let config = BpeTrainerConfig {
            size,
            min_frequency,
            ..Default::default()
        };
        train(counts, &config, &Silent).unwrap().merges
    }

    #[test]
    fn learns_the_classic_example() {
        // Checked against `subword-nmt learn-bpe -s 4` on the same words.
        let counts = counts_of(&[("low", 5), ("lower", 2), ("newest", 6), ("widest", 3)]);
        let merges = merges_of(&counts, BpeSize::NumMerges(4), 2);
        let expected = [
            ("s", "t</w>"),
            ("e", "st</w>"),
            ("l", "o"),
            ("w", "est</w>"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(merges, expected);
    }

    #[test]
    fn counts_overlapping_pairs_and_merges_left_to_right() {
        // "a a a a</w>" holds (a, a) twice and (a, a</w>) once; merging (a, a) left to right
        // gives "aa a a</w>".
        let counts = counts_of(&[("aaaa", 1)]);
        assert_eq!(
            merges_of(&counts, BpeSize::NumMerges(3), 1),
            reference::bpe_train(&counts, END_OF_WORD, 3, 1)
        );
    }

    #[test]
    fn counts_beyond_32_bits_pick_the_right_pair() {
        let big = (1u64 << 32) + 7;
        let counts = counts_of(&[("ab", big), ("cd", 1 << 32), ("cd ", 0)]);
        assert_eq!(
            merges_of(&counts, BpeSize::NumMerges(1), 2),
            vec![("a".to_string(), "b</w>".to_string())]
        );
        let counts = counts_of(&[("ab", u64::MAX), ("xab", u64::MAX), ("cd", u64::MAX)]);
        assert_eq!(
            merges_of(&counts, BpeSize::NumMerges(1), 2),
            vec![("a".to_string(), "b</w>".to_string())]
        );
    }

    #[test]
    fn vocab_size_counts_specials_alphabet_and_merges() {
        let counts = counts_of(&[("hello", 10), ("help", 4)]);
        let config = BpeTrainerConfig {
            size: BpeSize::VocabSize(8),
            min_frequency: 1,
            ..Default::default()
        };
        let trained = train(&counts, &config, &Silent).unwrap();
        // <unk>, the alphabet e h l o</w> p</w>, then 2 merges.
        assert_eq!(trained.vocab.len(), 8);
        assert_eq!(
            &trained.vocab[..6],
            ["<unk>", "e", "h", "l", "o</w>", "p</w>"]
        );
        let small = BpeTrainerConfig {
            size: BpeSize::VocabSize(5),
            ..config
        };
        let err = train(&counts, &small, &Silent).unwrap_err().to_string();
        assert!(err.contains("vocab_size 5 is smaller"), "{err}");
    }

    #[test]
    fn empty_corpus_is_an_error() {
        let err = train(
            &WordCounts::default(),
            &BpeTrainerConfig::default(),
            &Silent,
        )
        .unwrap_err();
        assert!(err.to_string().contains("empty"));
    }

    #[test]
    fn stops_below_min_frequency_and_honours_interrupts() {
        let counts = counts_of(&[("abc", 3), ("xyz", 1)]);
        assert_eq!(merges_of(&counts, BpeSize::NumMerges(10), 2).len(), 2);
        struct Stop;
        impl Progress for Stop {
            fn update(&self, _: Phase, _: u64, _: u64) -> bool {
                false
            }
        }
        let config = BpeTrainerConfig::default();
        assert!(matches!(
            train(&counts, &config, &Stop),
            Err(Error::Interrupted)
        ));
    }

    fn word_counts_strategy() -> impl Strategy<Value = WordCounts> {
        let word =
            prop::collection::vec(prop::sample::select(vec!['a', 'b', 'c', 'é', '語']), 1..9)
                .prop_map(|chars| chars.into_iter().collect::<String>());
        prop::collection::hash_map(word, 1u64..20, 1..30).prop_map(|m| m.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn incremental_equals_full_recount(counts in word_counts_strategy(), min_frequency in 1u64..4) {
            prop_assert_eq!(
                merges_of(&counts, BpeSize::NumMerges(40), min_frequency),
                reference::bpe_train(&counts, END_OF_WORD, 40, min_frequency)
            );
        }
    }
}
