//! WordPiece training by likelihood gain, exact and incremental.
//!
//! The rule:
//! - every word is split into characters, the first as is and the rest with the
//!   continuing-subword prefix (`hug` -> `h ##u ##g`); symbol counts `n(s)` and pair counts
//!   `k = n(a, b)` are weighted by word counts (pairs at every adjacent position);
//! - each step merges the adjacent pair `(a, b)` that scores best under the chosen
//!   [`Scoring`]:
//!   - [`Scoring::Likelihood`] (the default): the gain in corpus log-likelihood of a
//!     unigram model over the current symbols when `a` and `b` become one symbol (Schuster
//!     & Nakajima 2012). With `F(x) = x ln x`, `F(0) = 0`, in IEEE f64, and `N0` the total
//!     symbol count before any merge (a constant), the gain is, evaluated left to right,
//!     `F(k) + F(n_a - k) + F(n_b - k) - F(n_a) - F(n_b) + (F(N0) - F(N0 - k))` for
//!     `a != b`, and `F(k) + F(max(n_a - 2k, 0)) - F(n_a) + (F(N0) - F(N0 - k))` for
//!     `a == b`; equal gains go to the higher `k`, then to the smallest pair. The gain
//!     weighs how much a pair is over-represented by how often it occurs, so frequent
//!     words are assembled first;
//!   - [`Scoring::Pmi`]: `k / (n_a * n_b)`, the per-occurrence ratio of the Hugging Face
//!     course, compared exactly; ties go to the higher `k`, then to the smallest pair. It
//!     favours pairs of rare symbols, which makes vocabularies that split common words;
//!   - [`Scoring::Frequency`]: the highest `k` (Hugging Face's `WordPieceTrainer`, and
//!     BPE), ties to the smallest pair;
//!
//!   "smallest" is the lexicographic order of the `(a, b)` strings (code points); pairs
//!   seen fewer than `min_frequency` times are not merged under any rule, and the merging
//!   goes on while a pair qualifies, whatever the sign of its gain;
//! - the merged symbol is `a` followed by `b` without its prefix (`a + ##b -> ab`,
//!   `##a + ##b -> ##ab`); occurrences are replaced left to right without overlap;
//! - a merge adds its result to the vocabulary unless that string is already there (the
//!   same string reached by two merges is one token and one symbol);
//! - training stops at `vocab_size` tokens or when no pair qualifies.
//!
//! PMI scores are compared exactly (192-bit cross products) and likelihood gains are
//! computed in exactly the order written above, so every platform with IEEE f64 and a
//! correctly behaving `ln` gets the same ranking: the arithmetic lives in
//! [`super::scoring`].
//!
//! # The incremental algorithm
//! A score depends on at most three counts: count(ab), count(a) and count(b) (the
//! likelihood gain also on `N0`, which is constant). A merge of `(a, b)` into `c` changes
//! - the pair counts around each replaced occurrence, found through an index
//!   pair -> words in which it occurs (entries may be stale; a stale word is simply
//!   scanned without effect);
//! - the symbol counts of `a`, `b` and `c`, which changes the score of every pair that
//!   contains one of them (under `Pmi` and `Likelihood`), found through an index
//!   symbol -> pairs.
//!
//! Exactly those pairs are re-scored. Candidates sit in a binary heap with version stamps:
//! re-scoring a pair bumps its version and pushes a fresh entry, and a popped entry whose
//! version is stale is dropped (lazy invalidation; the heap is compacted when stale entries
//! outnumber live ones). Because the heap order is total (the pair strings break every
//! tie) and every count is an exact sum, the result does not depend on hash order, the
//! order words are visited in, or the number of threads.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

pub use super::scoring::Scoring;
use super::scoring::{Entropic, compare_fractions, likelihood_gain, x_ln_x};
use super::{DEFAULT_SPECIAL_TOKENS, refine};
use crate::count::WordCounts;
use crate::progress::{Phase, Progress};
use crate::{Error, Result, formats};

/// The settings of [`train`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordPieceTrainerConfig {
    /// The size of the vocabulary to reach, special tokens and alphabet included.
    pub vocab_size: usize,
    /// Pairs seen fewer times than this (weighted by word counts) are never merged.
    pub min_frequency: u64,
    /// Tokens put first in the vocab, in this order (duplicates are kept once).
    pub special_tokens: Vec<String>,
    /// The prefix that marks a symbol continuing a word (`##` in BERT).
    pub continuing_subword_prefix: String,
    /// How candidate pairs are ranked.
    pub scoring: Scoring,
    /// Whether to tune the merged vocabulary for the greedy encoder (seed to 1.2 times
    /// `vocab_size`, prune, refill, prune; see [`super::refine`]).
    pub refine: bool,
}

impl Default for WordPieceTrainerConfig {
    fn default() -> Self {
        WordPieceTrainerConfig {
            vocab_size: 30_000,
            min_frequency: 0,
            special_tokens: DEFAULT_SPECIAL_TOKENS.map(String::from).to_vec(),
            continuing_subword_prefix: "##".to_string(),
            scoring: Scoring::default(),
            refine: false,
        }
    }
}

/// Trains a WordPiece vocabulary on `counts` and returns it in id order: the special
/// tokens, then the alphabet sorted by code point (plain forms, then prefixed forms), then
/// the merged tokens in merge order. With `config.refine`, the merged tokens are those
/// [`super::refine`] keeps and adds, in the order they were added.
///
/// Words with a count of zero and empty words are ignored. Errors: an empty corpus, a
/// `vocab_size` smaller than the special tokens plus the alphabet, an empty special token,
/// a corpus holding 2^64 or more characters (counted with multiplicity, so that every
/// count fits in 64 bits), and [`Error::Interrupted`] when `progress` asks to stop.
pub fn train(
    counts: &WordCounts,
    config: &WordPieceTrainerConfig,
    progress: &dyn Progress,
) -> Result<Vec<String>> {
    // The order of `words` (hash order) only affects internal ids, never the result.
    let words = super::counted_words(counts, "train on")?;
    if let Some(empty) = config.special_tokens.iter().position(String::is_empty) {
        return Err(Error::InvalidInput(format!(
            "special token {empty} is empty; a vocab cannot hold an empty token"
        )));
    }
    for token in &config.special_tokens {
        formats::check_vocab_txt_token(token)?;
    }
    formats::check_training_words(words.iter().map(|(word, _)| *word))?;
    if !progress.update(Phase::Merging, 0, config.vocab_size as u64) {
        return Err(Error::Interrupted);
    }

    let vocab = {
        let mut trainer = Trainer::new(&words, config, progress)?;
        if config.refine {
            // Checked against `vocab_size` by `new`; the merges go on to the seed size.
            trainer.vocab_size = refine::seed_size(config.vocab_size);
        }
        trainer.run()?;
        trainer.vocab
    };
    if config.refine {
        return refine::refine(vocab, &words, config, progress);
    }
    Ok(vocab)
}

/// A pair's score at the time it was pushed; valid while `version` is the pair's version.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    /// count(ab).
    count: u64,
    /// count(a) * count(b) (`Scoring::Pmi`).
    denominator: u128,
    /// The likelihood gain (`Scoring::Likelihood`).
    gain: f64,
    pair: u32,
    version: u32,
}

/// The state of one adjacent pair of symbols.
#[derive(Debug)]
struct Pair {
    left: u32,
    right: u32,
    count: u64,
    /// Bumped whenever `count` or the count of `left` or `right` changes.
    version: u32,
    /// The merge step in which this pair was last re-scored or marked changed.
    stamp: u32,
    /// Whether the pair is listed in `symbol_pairs[left]` / `symbol_pairs[right]`.
    in_left: bool,
    in_right: bool,
    /// Words in which the pair occurs (or once occurred: entries may be stale).
    words: Vec<u32>,
}

/// The distinct words as symbol sequences, stored flat; merges shorten them in place.
struct Words {
    symbols: Vec<u32>,
    start: Vec<usize>,
    len: Vec<u32>,
    weight: Vec<u64>,
}

/// A binary max-heap of candidates whose order needs the symbol strings for ties, which
/// `std::collections::BinaryHeap` cannot reach through `Ord`.
#[derive(Default)]
struct Heap {
    items: Vec<Candidate>,
}

impl Heap {
    fn push(&mut self, item: Candidate, better: impl Fn(&Candidate, &Candidate) -> bool) {
        self.items.push(item);
        let mut child = self.items.len() - 1;
        while child > 0 {
            let parent = (child - 1) / 2;
            if !better(&self.items[child], &self.items[parent]) {
                break;
            }
            self.items.swap(child, parent);
            child = parent;
        }
    }

    fn pop(&mut self, better: impl Fn(&Candidate, &Candidate) -> bool) -> Option<Candidate> {
        let last = self.items.len().checked_sub(1)?;
        self.items.swap(0, last);
        let top = self.items.pop();
        self.sift_down(0, &better);
        top
    }

    fn sift_down(&mut self, mut parent: usize, better: &impl Fn(&Candidate, &Candidate) -> bool) {
        let len = self.items.len();
        loop {
            let left = 2 * parent + 1;
            if left >= len {
                return;
            }
            let right = left + 1;
            let child = if right < len && better(&self.items[right], &self.items[left]) {
                right
            } else {
                left
            };
            if !better(&self.items[child], &self.items[parent]) {
                return;
            }
            self.items.swap(child, parent);
            parent = child;
        }
    }

    /// Drops the items `keep` rejects and restores the heap order in linear time.
    fn retain_and_heapify(
        &mut self,
        keep: impl Fn(&Candidate) -> bool,
        better: impl Fn(&Candidate, &Candidate) -> bool,
    ) {
        self.items.retain(keep);
        for parent in (0..self.items.len() / 2).rev() {
            self.sift_down(parent, &better);
        }
    }
}

/// What a ranking needs besides the candidates: the rule, and the pair and symbol tables
/// for the final tie-break on strings.
#[derive(Clone, Copy)]
struct Ranking<'t> {
    scoring: Scoring,
    pairs: &'t [Pair],
    symbols: &'t [String],
}

impl Ranking<'_> {
    /// Whether candidate `x` ranks above `y`: higher score, then higher count, then the
    /// smaller `(left, right)` string pair.
    fn better(&self, x: &Candidate, y: &Candidate) -> bool {
        use std::cmp::Ordering::Equal;
        let score = match self.scoring {
            Scoring::Likelihood => x.gain.partial_cmp(&y.gain).unwrap_or(Equal),
            Scoring::Pmi => compare_fractions(x.count, x.denominator, y.count, y.denominator),
            Scoring::Frequency => Equal,
        };
        score
            .then(x.count.cmp(&y.count))
            .then_with(|| self.key(y.pair).cmp(&self.key(x.pair)))
            .is_gt()
    }

    fn key(&self, pair: u32) -> (&str, &str) {
        let p = &self.pairs[pair as usize];
        (
            &self.symbols[p.left as usize],
            &self.symbols[p.right as usize],
        )
    }
}

/// How many words to process between two progress updates, so that Ctrl-C is noticed
/// within milliseconds even in a merge that touches a million words.
const WORDS_PER_UPDATE: usize = 4096;

#[inline]
fn pair_key(left: u32, right: u32) -> u64 {
    (u64::from(left) << 32) | u64::from(right)
}

struct Trainer<'a> {
    progress: &'a dyn Progress,
    vocab_size: usize,
    prefix: &'a str,
    /// Pairs need at least this count to be merged (min_frequency, and never zero).
    min_count: u64,
    scoring: Scoring,
    /// The number of symbols before any merge (`N0` of the likelihood gain).
    initial_symbols: Entropic,
    specials: FxHashSet<&'a str>,
    vocab: Vec<String>,

    symbols: Vec<String>,
    symbol_ids: FxHashMap<String, u32>,
    symbol_counts: Vec<u64>,
    /// `F(n)` of each symbol count (`Scoring::Likelihood` only).
    symbol_entropy: Vec<f64>,
    /// For each symbol, the pairs it is part of (entries of dead pairs are removed lazily).
    symbol_pairs: Vec<Vec<u32>>,

    words: Words,
    /// The merge step in which each word was last visited.
    word_stamp: Vec<u32>,

    pairs: Vec<Pair>,
    pair_ids: FxHashMap<u64, u32>,
    /// Pairs with a count above zero.
    alive: usize,
    heap: Heap,
    /// The current merge step (starts at 1, so that stamp 0 means "never").
    step: u32,
    /// Pairs whose count changed in the current step.
    changed: Vec<u32>,
}

impl<'a> Trainer<'a> {
    fn new(
        words: &[(&str, u64)],
        config: &'a WordPieceTrainerConfig,
        progress: &'a dyn Progress,
    ) -> Result<Self> {
        let prefix = config.continuing_subword_prefix.as_str();

        // Every symbol and pair count is at most the number of characters counted with
        // multiplicity; bounding it keeps every count, and every sum of counts, in u64.
        let (total, positions) = words
            .par_iter()
            .map(|(word, count)| {
                let chars = word.chars().count() as u128;
                (chars * u128::from(*count), chars)
            })
            .reduce(|| (0, 0), |x, y| (x.0 + y.0, x.1 + y.1));
        if total > u128::from(u64::MAX) {
            return Err(Error::InvalidInput(format!(
                "the corpus holds {total} characters counted with multiplicity; WordPiece \
                 training counts in 64 bits and supports at most 2**64 - 1"
            )));
        }
        if positions >= u128::from(u32::MAX) || words.len() >= u32::MAX as usize {
            return Err(Error::InvalidInput(format!(
                "the corpus has {} distinct words with {positions} characters in all; at most \
                 2**32 - 1 are supported",
                words.len()
            )));
        }

        // The alphabet: characters that start a word, and characters that continue one.
        let (first, rest) = words
            .par_iter()
            .fold(
                || (FxHashSet::default(), FxHashSet::default()),
                |(mut first, mut rest): (FxHashSet<char>, FxHashSet<char>), (word, _)| {
                    let mut chars = word.chars();
                    first.extend(chars.next());
                    rest.extend(chars);
                    (first, rest)
                },
            )
            .reduce(
                || (FxHashSet::default(), FxHashSet::default()),
                |(mut f1, mut r1), (f2, r2)| {
                    f1.extend(f2);
                    r1.extend(r2);
                    (f1, r1)
                },
            );
        let mut first: Vec<char> = first.into_iter().collect();
        let mut rest: Vec<char> = rest.into_iter().collect();
        first.sort_unstable();
        rest.sort_unstable();

        let mut trainer = Trainer {
            progress,
            vocab_size: config.vocab_size,
            prefix,
            min_count: config.min_frequency.max(1),
            scoring: config.scoring,
            // Checked above to fit in 64 bits.
            initial_symbols: Entropic::new(total as u64),
            specials: FxHashSet::default(),
            vocab: Vec::new(),
            symbols: Vec::new(),
            symbol_ids: FxHashMap::default(),
            symbol_counts: Vec::new(),
            symbol_entropy: Vec::new(),
            symbol_pairs: Vec::new(),
            words: Words {
                symbols: Vec::with_capacity(positions as usize),
                start: Vec::with_capacity(words.len()),
                len: Vec::with_capacity(words.len()),
                weight: Vec::with_capacity(words.len()),
            },
            word_stamp: vec![0; words.len()],
            pairs: Vec::new(),
            pair_ids: FxHashMap::default(),
            alive: 0,
            heap: Heap::default(),
            // Step 0 is the initial count: `mark_changed` then sees every pair as already
            // marked, so nothing is queued for re-scoring before the first merge.
            step: 0,
            changed: Vec::new(),
        };

        for token in &config.special_tokens {
            if trainer.specials.insert(token.as_str()) {
                trainer.vocab.push(token.clone());
            }
        }
        let special_count = trainer.vocab.len();
        // Plain forms first, then prefixed forms; with an empty prefix they coincide and
        // `intern` keeps one symbol.
        let mut first_ids = FxHashMap::default();
        for &c in &first {
            let (id, added) = trainer.intern(c.to_string());
            debug_assert!(added);
            first_ids.insert(c, id);
        }
        let mut rest_ids = FxHashMap::default();
        for &c in &rest {
            let (id, _) = trainer.intern(format!("{prefix}{c}"));
            rest_ids.insert(c, id);
        }
        let alphabet = trainer.symbols.len();
        if trainer.vocab.len() > config.vocab_size {
            let reason = format!(
                "{} is smaller than the {} tokens the vocab starts with ({} special \
                 tokens + {} alphabet symbols); use at least {}",
                config.vocab_size,
                trainer.vocab.len(),
                special_count,
                alphabet,
                trainer.vocab.len()
            );
            return Err(Error::argument("vocab_size", reason));
        }

        // Words as symbol ids.
        for (index, (word, count)) in words.iter().enumerate() {
            if index % WORDS_PER_UPDATE == 0 && !trainer.keep_going() {
                return Err(Error::Interrupted);
            }
            let w = &mut trainer.words;
            w.start.push(w.symbols.len());
            let mut chars = word.chars();
            let head = chars.next().expect("empty words are filtered out");
            w.symbols.push(first_ids[&head]);
            w.symbols.extend(chars.map(|c| rest_ids[&c]));
            w.len.push((w.symbols.len() - w.start[index]) as u32);
            w.weight.push(*count);
        }

        // Symbol and pair counts (the sums cannot overflow: see `total` above).
        let mut symbol_counts = vec![0u64; trainer.symbols.len()];
        for word in 0..words.len() {
            if word % WORDS_PER_UPDATE == 0 && !trainer.keep_going() {
                return Err(Error::Interrupted);
            }
            let weight = trainer.words.weight[word];
            let start = trainer.words.start[word];
            let len = trainer.words.len[word] as usize;
            for i in start..start + len {
                let symbol = trainer.words.symbols[i];
                symbol_counts[symbol as usize] += weight;
                if i + 1 < start + len {
                    let next = trainer.words.symbols[i + 1];
                    trainer.add_pair(symbol, next, weight, word as u32);
                }
            }
        }
        if config.scoring == Scoring::Likelihood {
            trainer.symbol_entropy = symbol_counts.iter().map(|&n| x_ln_x(n)).collect();
        }
        trainer.symbol_counts = symbol_counts;

        let candidates: Vec<Candidate> = (0..trainer.pairs.len())
            .filter_map(|pair| trainer.candidate(pair as u32))
            .collect();
        trainer.heap.items = candidates;
        let ranking = Ranking {
            scoring: trainer.scoring,
            pairs: &trainer.pairs,
            symbols: &trainer.symbols,
        };
        trainer
            .heap
            .retain_and_heapify(|_| true, |x, y| ranking.better(x, y));
        trainer.step = 1;
        Ok(trainer)
    }

    fn keep_going(&self) -> bool {
        self.progress.update(
            Phase::Merging,
            self.vocab.len() as u64,
            self.vocab_size as u64,
        )
    }

    /// The id of symbol `string`, created if new (the flag), and added to the vocab if it
    /// is not there yet.
    fn intern(&mut self, string: String) -> (u32, bool) {
        if let Some(&id) = self.symbol_ids.get(&string) {
            return (id, false);
        }
        let id = self.symbols.len() as u32;
        if !self.specials.contains(string.as_str()) {
            self.vocab.push(string.clone());
        }
        self.symbols.push(string.clone());
        self.symbol_ids.insert(string, id);
        self.symbol_counts.push(0);
        if self.scoring == Scoring::Likelihood {
            self.symbol_entropy.push(0.0);
        }
        self.symbol_pairs.push(Vec::new());
        (id, true)
    }

    /// A heap entry for `pair` at its current version, if it may be merged.
    fn candidate(&self, pair: u32) -> Option<Candidate> {
        let p = &self.pairs[pair as usize];
        if p.count < self.min_count {
            return None;
        }
        let (left, right) = (p.left as usize, p.right as usize);
        let (n_a, n_b) = (self.symbol_counts[left], self.symbol_counts[right]);
        let (denominator, gain) = match self.scoring {
            Scoring::Pmi => (u128::from(n_a) * u128::from(n_b), 0.0),
            Scoring::Likelihood => {
                let a = Entropic {
                    n: n_a,
                    f: self.symbol_entropy[left],
                };
                let b = Entropic {
                    n: n_b,
                    f: self.symbol_entropy[right],
                };
                let same = left == right;
                let gain = likelihood_gain(p.count, a, b, same, self.initial_symbols);
                (0, gain)
            }
            Scoring::Frequency => (0, 0.0),
        };
        Some(Candidate {
            count: p.count,
            denominator,
            gain,
            pair,
            version: p.version,
        })
    }

    /// Records that `pair` has a new count or symbol counts: invalidates its heap entries
    /// and pushes a fresh one if it qualifies. Once per pair and step.
    fn rescore(&mut self, pair: u32) {
        let p = &mut self.pairs[pair as usize];
        if p.stamp == self.step {
            return;
        }
        p.stamp = self.step;
        p.version += 1;
        if let Some(candidate) = self.candidate(pair) {
            let ranking = Ranking {
                scoring: self.scoring,
                pairs: &self.pairs,
                symbols: &self.symbols,
            };
            self.heap.push(candidate, |x, y| ranking.better(x, y));
        }
    }

    /// Adds `weight` occurrences of `(left, right)` in `word`.
    fn add_pair(&mut self, left: u32, right: u32, weight: u64, word: u32) {
        let next_id = self.pairs.len() as u32;
        let id = *self
            .pair_ids
            .entry(pair_key(left, right))
            .or_insert(next_id);
        if id == next_id {
            self.pairs.push(Pair {
                left,
                right,
                count: 0,
                version: 0,
                stamp: 0,
                in_left: false,
                in_right: false,
                words: Vec::new(),
            });
        }
        let p = &mut self.pairs[id as usize];
        if p.count == 0 {
            self.alive += 1;
            // List the pair under both symbols, unless a lazy clean-up has not removed it
            // yet (then it is still listed).
            if !p.in_left {
                p.in_left = true;
                self.symbol_pairs[left as usize].push(id);
            }
            if left != right && !p.in_right {
                p.in_right = true;
                self.symbol_pairs[right as usize].push(id);
            }
        }
        p.count += weight;
        if p.words.last() != Some(&word) {
            p.words.push(word);
        }
        self.mark_changed(id);
    }

    /// Removes `weight` occurrences of `(left, right)`, which exist.
    fn remove_pair(&mut self, left: u32, right: u32, weight: u64) {
        let id = self.pair_ids[&pair_key(left, right)];
        let p = &mut self.pairs[id as usize];
        p.count -= weight;
        if p.count == 0 {
            self.alive -= 1;
        }
        self.mark_changed(id);
    }

    fn mark_changed(&mut self, pair: u32) {
        let p = &mut self.pairs[pair as usize];
        if p.stamp != self.step {
            p.stamp = self.step;
            self.changed.push(pair);
        }
    }

    fn run(&mut self) -> Result<()> {
        while self.vocab.len() < self.vocab_size {
            if !self.keep_going() {
                return Err(Error::Interrupted);
            }
            let Some(best) = self.pop_best() else {
                break;
            };
            self.merge(best)?;
            self.step += 1;
            if self.heap.items.len() > 2 * self.alive + 4096 {
                let ranking = Ranking {
                    scoring: self.scoring,
                    pairs: &self.pairs,
                    symbols: &self.symbols,
                };
                self.heap.retain_and_heapify(
                    |c| ranking.pairs[c.pair as usize].version == c.version,
                    |x, y| ranking.better(x, y),
                );
            }
        }
        Ok(())
    }

    /// The best pair that qualifies, dropping stale heap entries on the way.
    fn pop_best(&mut self) -> Option<u32> {
        loop {
            let ranking = Ranking {
                scoring: self.scoring,
                pairs: &self.pairs,
                symbols: &self.symbols,
            };
            let top = self.heap.pop(|x, y| ranking.better(x, y))?;
            if self.pairs[top.pair as usize].version == top.version {
                return Some(top.pair);
            }
        }
    }

    /// Merges every occurrence of `pair` and re-scores what changed.
    fn merge(&mut self, pair: u32) -> Result<()> {
        let (a, b) = {
            let p = &self.pairs[pair as usize];
            (p.left, p.right)
        };
        let right = &self.symbols[b as usize];
        let merged = format!(
            "{}{}",
            self.symbols[a as usize],
            right.strip_prefix(self.prefix).unwrap_or(right)
        );
        let (c, _) = self.intern(merged);

        let words = std::mem::take(&mut self.pairs[pair as usize].words);
        let mut merged_count = 0u64;
        for (index, &word) in words.iter().enumerate() {
            if index % WORDS_PER_UPDATE == WORDS_PER_UPDATE - 1 && !self.keep_going() {
                return Err(Error::Interrupted);
            }
            if self.word_stamp[word as usize] == self.step {
                continue;
            }
            self.word_stamp[word as usize] = self.step;
            merged_count += self.merge_in_word(word, a, b, c);
        }
        debug_assert_eq!(self.pairs[pair as usize].count, 0);

        // The symbol counts; sums stay below the corpus total checked in `new`.
        self.symbol_counts[a as usize] -= merged_count;
        self.symbol_counts[b as usize] -= merged_count;
        self.symbol_counts[c as usize] += merged_count;
        if self.scoring == Scoring::Likelihood {
            for symbol in [a, b, c] {
                self.symbol_entropy[symbol as usize] = x_ln_x(self.symbol_counts[symbol as usize]);
            }
        }

        // Re-score the pairs whose count changed and every pair of a changed symbol.
        for pair in std::mem::take(&mut self.changed) {
            // `mark_changed` set the stamp; clear it so that `rescore` runs once.
            self.pairs[pair as usize].stamp = 0;
            self.rescore(pair);
        }
        if !self.scoring.depends_on_symbol_counts() {
            return Ok(());
        }
        for symbol in [a, b, c] {
            let mut list = std::mem::take(&mut self.symbol_pairs[symbol as usize]);
            list.retain(|&q| {
                let p = &mut self.pairs[q as usize];
                if p.count > 0 {
                    return true;
                }
                if p.left == symbol {
                    p.in_left = false;
                } else {
                    p.in_right = false;
                }
                false
            });
            for &q in &list {
                self.rescore(q);
            }
            self.symbol_pairs[symbol as usize] = list;
        }
        Ok(())
    }

    /// Replaces the occurrences of `(a, b)` in `word` by `c`, left to right without
    /// overlap, updating pair counts; returns the number of replacements times the weight.
    fn merge_in_word(&mut self, word: u32, a: u32, b: u32, c: u32) -> u64 {
        let w = word as usize;
        let weight = self.words.weight[w];
        let start = self.words.start[w];
        let len = self.words.len[w] as usize;
        let mut read = 0;
        let mut write = 0;
        let mut merges = 0u64;
        while read < len {
            let symbol = self.words.symbols[start + read];
            if symbol == a && read + 1 < len && self.words.symbols[start + read + 1] == b {
                // `... prev a b next ...` becomes `... prev c next ...`; `prev` is already
                // rewritten (it may be a `c` from the previous replacement).
                if write > 0 {
                    let prev = self.words.symbols[start + write - 1];
                    self.remove_pair(prev, a, weight);
                    self.add_pair(prev, c, weight, word);
                }
                self.remove_pair(a, b, weight);
                if read + 2 < len {
                    let next = self.words.symbols[start + read + 2];
                    self.remove_pair(b, next, weight);
                    self.add_pair(c, next, weight, word);
                }
                self.words.symbols[start + write] = c;
                read += 2;
                merges += 1;
            } else {
                self.words.symbols[start + write] = symbol;
                read += 1;
            }
            write += 1;
        }
        self.words.len[w] = write as u32;
        merges * weight
    }
}

// `pub(super)` so that `refine`'s tests build their counts and configs with the same
// helpers.
#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::progress::Silent;
    // The naive recount is the oracle: every count recounted for every merge.
    use crate::reference::{wordpiece_initial_vocab as initial_vocab, wordpiece_train as naive};
    use proptest::prelude::*;

    pub(in crate::wordpiece) fn counts(words: &[(&str, u64)]) -> WordCounts {
        words.iter().map(|&(w, c)| (w.to_string(), c)).collect()
    }

    pub(in crate::wordpiece) fn config(
        vocab_size: usize,
        specials: &[&str],
    ) -> WordPieceTrainerConfig {
        WordPieceTrainerConfig {
            vocab_size,
            special_tokens: specials.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn hug_example() {
        let c = counts(&[
            ("hug", 10),
            ("pug", 5),
            ("pun", 12),
            ("bun", 4),
            ("hugs", 5),
        ]);
        let config = WordPieceTrainerConfig {
            scoring: Scoring::Pmi,
            ..config(20, &["[UNK]"])
        };
        let vocab = train(&c, &config, &Silent).unwrap();
        assert_eq!(vocab, naive(&c, &config));
        // ##g ##s scores 5 / (20 * 5) = 1/20, every other pair 1/36. After it, all pairs
        // score 1/36 and p ##u has the highest count, 17.
        let start = [
            "[UNK]", "b", "h", "p", "##g", "##n", "##s", "##u", "##gs", "pu",
        ];
        assert_eq!(vocab[..10], start.map(String::from));
    }

    #[test]
    fn same_string_from_two_merges_is_one_token() {
        // "abc" can be built as (a ##b) ##c or a (##b ##c).
        let c = counts(&[("abc", 3), ("ab", 1), ("xbc", 1)]);
        let vocab = train(&c, &config(100, &[]), &Silent).unwrap();
        assert_eq!(vocab, naive(&c, &config(100, &[])));
        let mut unique = vocab.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), vocab.len());
    }

    #[test]
    fn a_merge_onto_an_existing_string_adds_nothing() {
        // With prefix "#", merging "#" + "#x" gives "#x" again.
        let c = counts(&[("#x", 2), ("yx", 1)]);
        let config = WordPieceTrainerConfig {
            continuing_subword_prefix: "#".into(),
            ..config(10, &[])
        };
        let vocab = train(&c, &config, &Silent).unwrap();
        assert_eq!(vocab, naive(&c, &config));
        assert_eq!(vocab, ["#", "y", "#x", "yx"]);
    }

    #[test]
    fn errors_are_clear() {
        let err = train(&WordCounts::default(), &config(10, &[]), &Silent).unwrap_err();
        assert!(err.to_string().starts_with("empty corpus"), "{err}");
        let err = train(&counts(&[("ab", 0), ("", 3)]), &config(10, &[]), &Silent).unwrap_err();
        assert!(err.to_string().starts_with("empty corpus"), "{err}");
        let err = train(
            &counts(&[("abc", 1)]),
            &config(4, &["[UNK]", "[PAD]"]),
            &Silent,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("vocab_size 4")
                && err.contains("2 special tokens + 3 alphabet")
                && err.contains("at least 5"),
            "{err}"
        );
        let err = train(
            &counts(&[("a", u64::MAX), ("b", 1)]),
            &config(10, &[]),
            &Silent,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("2**64 - 1"), "{err}");
        let err = train(&counts(&[("a", 1)]), &config(10, &["[X]", ""]), &Silent).unwrap_err();
        assert!(
            err.to_string().contains("special token 1 is empty"),
            "{err}"
        );
        // Exactly at the limit is fine.
        let vocab = train(&counts(&[("ab", u64::MAX / 2)]), &config(10, &[]), &Silent).unwrap();
        assert_eq!(vocab, ["a", "##b", "ab"]);
    }

    #[test]
    fn vocab_size_equal_to_the_start_gives_no_merges() {
        let vocab = train(&counts(&[("ba", 2)]), &config(3, &["[X]"]), &Silent).unwrap();
        assert_eq!(vocab, ["[X]", "b", "##a"]);
    }

    #[test]
    fn interruption_stops_training() {
        struct StopAfter(std::sync::atomic::AtomicU32);
        impl Progress for StopAfter {
            fn update(&self, _: Phase, _: u64, _: u64) -> bool {
                self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed) > 0
            }
        }
        let c = counts(&[("abcdefgh", 3), ("bcdefgha", 2)]);
        let stop = StopAfter(std::sync::atomic::AtomicU32::new(3));
        let result = train(&c, &config(100, &[]), &stop);
        assert!(matches!(result, Err(Error::Interrupted)));
    }

    fn word_counts(alphabet: &'static str, max_count: u64) -> impl Strategy<Value = WordCounts> {
        let chars: Vec<char> = alphabet.chars().collect();
        prop::collection::vec(
            (
                prop::collection::vec(prop::sample::select(chars), 1..8),
                1..=max_count,
            ),
            1..12,
        )
        .prop_map(|words| {
            let mut counts = WordCounts::default();
            for (chars, count) in words {
                *counts.entry(chars.into_iter().collect()).or_insert(0) += count;
            }
            counts
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn matches_the_naive_recount(
            counts in word_counts("aab#é", 6),
            extra in 0usize..40,
            min_frequency in 0u64..4,
            prefix in prop::sample::select(vec!["##", "", "#", "a"]),
            scoring in prop::sample::select(Scoring::ALL.to_vec()),
            refine in any::<bool>(),
        ) {
            let config = WordPieceTrainerConfig {
                vocab_size: 0,
                min_frequency,
                special_tokens: vec!["[UNK]".into(), "##a".into(), "ab".into()],
                continuing_subword_prefix: prefix.to_string(),
                scoring,
                refine,
            };
            let config = WordPieceTrainerConfig {
                vocab_size: initial_vocab(&counts, &config).len() + extra,
                ..config
            };
            prop_assert_eq!(train(&counts, &config, &Silent).unwrap(), naive(&counts, &config));
        }

        #[test]
        fn large_counts(
            counts in word_counts("xyz", 1 << 56),
            scoring in prop::sample::select(Scoring::ALL.to_vec()),
            refine in any::<bool>(),
        ) {
            let config = WordPieceTrainerConfig { scoring, refine, ..config(60, &[]) };
            prop_assert_eq!(train(&counts, &config, &Silent).unwrap(), naive(&counts, &config));
        }
    }

    #[test]
    fn deterministic_across_thread_counts() {
        let mut c = WordCounts::default();
        let mut x = 12345u64;
        for _ in 0..3000 {
            let mut word = String::new();
            for _ in 0..(x % 9 + 1) {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                word.push((b'a' + ((x >> 33) % 7) as u8) as char);
            }
            *c.entry(word).or_insert(0) += x >> 60;
        }
        for scoring in Scoring::ALL {
            let config = WordPieceTrainerConfig {
                scoring,
                ..config(300, &["[UNK]"])
            };
            let one = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap();
            let two = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            let a = one.install(|| train(&c, &config, &Silent).unwrap());
            let b = two.install(|| train(&c, &config, &Silent).unwrap());
            assert_eq!(a, b);
            assert_eq!(a, naive(&c, &config));
        }
    }

    #[test]
    fn the_three_rules_pick_differently() {
        // `x ##y` is rare but its symbols occur nowhere else (PMI's favourite); `t ##h` is
        // frequent but `t` and `##h` are everywhere (frequency's favourite); the likelihood
        // gain weighs both and picks `##e ##r`.
        let c = counts(&[("xy", 2), ("th", 30), ("ta", 20), ("bh", 20), ("er", 25)]);
        let first_merge = |scoring| {
            let config = WordPieceTrainerConfig {
                scoring,
                ..config(100, &[])
            };
            let vocab = train(&c, &config, &Silent).unwrap();
            assert_eq!(vocab, naive(&c, &config));
            let alphabet = initial_vocab(&c, &config).len();
            vocab[alphabet].clone()
        };
        assert_eq!(first_merge(Scoring::Pmi), "xy");
        assert_eq!(first_merge(Scoring::Frequency), "th");
        assert_eq!(first_merge(Scoring::Likelihood), "er");
    }
}
