//! Refining a WordPiece vocabulary for the encoder that uses it: seed, prune, refill,
//! prune (`WordPieceTrainerConfig::refine`).
//!
//! Why: a WordPiece vocabulary is only ever used by the greedy longest-match-first
//! encoder ([`super::encode`]), never by the merges that built it. A merge loop leaves
//! tokens that encoder rarely or never picks (intermediate merges such as `shamefu` on the
//! way to `shameful`) and cannot add strings that would save it pieces. So the vocabulary
//! is tuned against what that encoder does on the training words. Measured on held-out
//! text, this makes 1.6-2.3% fewer tokens per word than Hugging Face's
//! `WordPieceTrainer` at 4k and 8k tokens in English, French, German and Spanish, 0.45%
//! fewer on en-10m at 30,522, and ties on Chinese (`docs/algorithms.md`, section 4).
//!
//! The rule, with `N` = `vocab_size`, the words = the distinct training words of 1 to
//! [`DEFAULT_MAX_INPUT_CHARS_PER_WORD`] chars (longer ones are unk for the encoder), and
//! `count(w)` their counts:
//! - protected: the special tokens and the alphabet (every token of one char, plain or
//!   after the prefix) are never dropped, so every word stays coverable;
//! - seed: the merge loop ([`super::train`]) with the chosen scoring, to
//!   `round(1.2 N)` tokens (fewer if it runs out of pairs);
//! - prune to `N`: while the vocab has more than `N` tokens, greedy-encode every word;
//!   `usage(t)` is the sum over words of `count(w)` times the occurrences of `t` in the
//!   encoding of `w`; with `E` the excess over `N`, drop the `k` unprotected tokens of
//!   lowest usage, where `k = E` if `E <= 10`, else `min(E, max(10, ceil(E / 5)))`; ties go
//!   to the later token (the higher id) first; the others keep their order;
//! - refill to `round(1.2 N)`: while below it, greedy-encode every word; each adjacent
//!   pair of pieces `(a, b)` of an encoding adds `count(w)` to the string `a` + `b`
//!   without its prefix; append the `k = min(missing, max(1, floor(|V| / 20)))` strings
//!   that are not in the vocab and reach `max(1, min_frequency)` with the highest sums,
//!   ties to the smaller string (code point order); stop early when none qualifies;
//! - prune to `N` again.
//!
//! The vocab is then the special tokens, the alphabet, and the surviving tokens in the
//! order they were added (seed merges first, then refills).
//!
//! # How
//! Encodings are kept between passes, by token *slot* (a token's index among every token
//! ever added, which never changes). Dropping tokens that a word's encoding does not use
//! leaves that encoding as it is (the longest match at each position is still in the
//! vocab), so a prune pass re-encodes only the words that used a dropped token, few
//! because the dropped tokens are the least used, by hash lookups of the candidate pieces
//! (compiling the vocab into the encoder's tables for each of the ~60 passes cost far
//! more than the encoding: refining en-10m at 30,522 took 2.4 s that way, 0.4 s this
//! way). A refill pass re-encodes
//! every word with the compiled encoder ([`WordPieceModel`]). Encoding and counting run in parallel over chunks of words, and every chunk asks
//! [`Progress`] whether to go on. Every count is an exact integer sum, at most the number
//! of characters of the corpus counted with multiplicity (which the trainer checks fits
//! in 64 bits), and every choice is a total order, so the result depends neither on the
//! number of threads nor on hash order.

use std::cmp::Reverse;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::DEFAULT_MAX_INPUT_CHARS_PER_WORD;
use super::encode::WordPieceModel;
use super::train::WordPieceTrainerConfig;
use crate::progress::{Phase, Progress};
use crate::{Error, Result};

/// The size the merge loop seeds the refinement with, and the refill target:
/// `round(1.2 * vocab_size)` (never a tie: `1.2 * n` is a multiple of 0.2).
pub fn seed_size(vocab_size: usize) -> usize {
    let fifth = vocab_size / 5 + usize::from(vocab_size % 5 >= 3);
    vocab_size.saturating_add(fifth)
}

/// How many tokens a prune pass drops when the vocab is `excess` tokens over its size.
fn prune_batch(excess: usize) -> usize {
    if excess <= 10 {
        excess
    } else {
        excess.min(excess.div_ceil(5).max(10))
    }
}

/// How many tokens a refill pass adds to a vocab of `size` tokens on its way to `target`.
fn refill_batch(size: usize, target: usize) -> usize {
    (target - size).min((size / 20).max(1))
}

/// The number of passes a refinement of `seed` tokens to `vocab_size` makes (fewer when
/// the refill runs out of candidates): the total of its progress bar.
fn planned_passes(seed: usize, vocab_size: usize) -> u64 {
    let target = seed_size(vocab_size);
    let mut size = seed;
    let mut passes = 0;
    let mut prune = |size: &mut usize| {
        while *size > vocab_size {
            *size -= prune_batch(*size - vocab_size);
            passes += 1;
        }
    };
    prune(&mut size);
    let mut refills = 0;
    while size < target {
        size += refill_batch(size, target);
        refills += 1;
    }
    prune(&mut size);
    passes + refills
}

/// How many words are encoded or counted between two progress updates, so that Ctrl-C
/// is noticed within milliseconds.
const WORDS_PER_UPDATE: usize = 4096;

/// Refines `seed`, the vocab the merge loop made with `vocab_size = seed_size(N)`, on
/// the training `words` (distinct, with counts above zero). See the module documentation.
pub(crate) fn refine(
    seed: Vec<String>,
    words: &[(&str, u64)],
    config: &WordPieceTrainerConfig,
    progress: &dyn Progress,
) -> Result<Vec<String>> {
    let mut refiner = Refiner::new(seed, words, config, progress);
    if !refiner.keep_going() {
        return Err(Error::Interrupted);
    }
    let vocab_size = config.vocab_size;
    refiner.prune(vocab_size)?;
    refiner.refill(seed_size(vocab_size))?;
    refiner.prune(vocab_size)?;
    // The refill may have stopped early: show the bar full. The work is done, so a
    // request to stop now changes nothing.
    refiner.passes_done = refiner.passes_planned;
    refiner.keep_going();
    Ok(refiner.vocab())
}

/// What the encodings lack since the vocab last changed.
enum Stale {
    /// Nothing: they are the current vocab's.
    Nothing,
    /// The dropped tokens (flags by slot): only words using one need encoding again.
    Dropped(Vec<bool>),
    /// Every word, the vocab having gained tokens (or no encoding having been made yet).
    Everything,
}

struct Refiner<'a> {
    progress: &'a dyn Progress,
    prefix: &'a str,
    /// Candidates of a refill need at least this sum (min_frequency, and never zero).
    min_count: u64,
    /// The training words that the encoder does not turn into unk for their length.
    words: Vec<(&'a str, u64)>,
    /// Every token ever in the vocab, in the order added; its index is its slot.
    tokens: Vec<String>,
    alive: Vec<bool>,
    protected: Vec<bool>,
    /// The number of alive tokens.
    size: usize,
    /// The slot of every alive token.
    slots: FxHashMap<String, u32>,
    /// No token ever added has more chars than this.
    max_token_chars: usize,
    /// The greedy encoding of each word, by slot.
    encodings: Vec<Vec<u32>>,
    stale: Stale,
    passes_done: u64,
    passes_planned: u64,
}

impl<'a> Refiner<'a> {
    fn new(
        seed: Vec<String>,
        words: &[(&'a str, u64)],
        config: &'a WordPieceTrainerConfig,
        progress: &'a dyn Progress,
    ) -> Self {
        let prefix = config.continuing_subword_prefix.as_str();
        let specials: FxHashSet<&str> = config.special_tokens.iter().map(String::as_str).collect();
        let protected = seed
            .iter()
            .map(|token| specials.contains(token.as_str()) || is_alphabet(token, prefix))
            .collect();
        let max_chars = DEFAULT_MAX_INPUT_CHARS_PER_WORD;
        let words: Vec<(&str, u64)> = words
            .iter()
            .filter(|(word, _)| word.len() <= max_chars || word.chars().count() <= max_chars)
            .copied()
            .collect();
        let passes_planned = planned_passes(seed.len(), config.vocab_size);
        let slots = seed.iter().cloned().zip(0..).collect();
        let max_token_chars = seed.iter().map(|t| t.chars().count()).max().unwrap_or(0);
        Refiner {
            progress,
            prefix,
            min_count: config.min_frequency.max(1),
            encodings: vec![Vec::new(); words.len()],
            words,
            size: seed.len(),
            slots,
            max_token_chars,
            alive: vec![true; seed.len()],
            protected,
            tokens: seed,
            stale: Stale::Everything,
            passes_done: 0,
            passes_planned,
        }
    }

    fn keep_going(&self) -> bool {
        self.progress
            .update(Phase::Refining, self.passes_done, self.passes_planned)
    }

    /// The current vocab, in order.
    fn vocab(&self) -> Vec<String> {
        (0..self.tokens.len())
            .filter(|&slot| self.alive[slot])
            .map(|slot| self.tokens[slot].clone())
            .collect()
    }

    /// Drops the least used tokens until `vocab_size` are left.
    fn prune(&mut self, vocab_size: usize) -> Result<()> {
        while self.size > vocab_size {
            let usage = self.usage()?;
            let k = prune_batch(self.size - vocab_size);
            let mut candidates: Vec<u32> = (0..self.tokens.len() as u32)
                .filter(|&slot| self.alive[slot as usize] && !self.protected[slot as usize])
                .collect();
            // Least used first; ties: the later token first.
            let order = |&slot: &u32| (usage[slot as usize], Reverse(slot));
            if candidates.len() > k {
                candidates.select_nth_unstable_by_key(k, order);
                candidates.truncate(k);
            }
            if candidates.is_empty() {
                // Only protected tokens are left (never the case for a trained vocab,
                // whose protected tokens were checked to fit in `vocab_size`).
                break;
            }
            // `usage` brought the encodings up to date: they lack only these drops.
            let mut dropped = vec![false; self.tokens.len()];
            for &slot in &candidates {
                self.alive[slot as usize] = false;
                dropped[slot as usize] = true;
                self.slots.remove(&self.tokens[slot as usize]);
            }
            self.size -= candidates.len();
            self.stale = Stale::Dropped(dropped);
            self.passes_done += 1;
        }
        Ok(())
    }

    /// Appends the most frequent joins of adjacent pieces until the vocab has `target`
    /// tokens or no join qualifies.
    fn refill(&mut self, target: usize) -> Result<()> {
        while self.size < target {
            let joins = self.joins()?;
            let mut candidates: Vec<(Reverse<u64>, String)> = joins
                .into_iter()
                .filter(|(string, sum)| *sum >= self.min_count && !self.slots.contains_key(string))
                .map(|(string, sum)| (Reverse(sum), string))
                .collect();
            if candidates.is_empty() {
                break;
            }
            // Highest sum first; ties: the smaller string first (`String`'s order is the
            // order of code points).
            let k = refill_batch(self.size, target);
            if candidates.len() > k {
                candidates.select_nth_unstable(k);
                candidates.truncate(k);
            }
            candidates.sort_unstable();
            for (_, token) in candidates {
                self.protected.push(is_alphabet(&token, self.prefix));
                self.max_token_chars = self.max_token_chars.max(token.chars().count());
                self.slots.insert(token.clone(), self.tokens.len() as u32);
                self.tokens.push(token);
                self.alive.push(true);
                self.size += 1;
            }
            self.stale = Stale::Everything;
            self.passes_done += 1;
        }
        Ok(())
    }

    /// `usage(t)` of every slot (zero for dropped tokens), from current encodings.
    fn usage(&mut self) -> Result<Vec<u64>> {
        self.refresh()?;
        let slots = self.tokens.len();
        let this = &*self;
        this.encodings
            .par_chunks(WORDS_PER_UPDATE)
            .zip(this.words.par_chunks(WORDS_PER_UPDATE))
            .try_fold(
                || vec![0u64; slots],
                |mut usage, (encodings, words)| {
                    if !this.keep_going() {
                        return Err(Error::Interrupted);
                    }
                    for (encoding, &(_, count)) in encodings.iter().zip(words) {
                        for &slot in encoding {
                            usage[slot as usize] += count;
                        }
                    }
                    Ok(usage)
                },
            )
            .try_reduce(
                || vec![0u64; slots],
                |mut total, part| {
                    total.iter_mut().zip(part).for_each(|(t, p)| *t += p);
                    Ok(total)
                },
            )
    }

    /// The sum of `count(w)` over adjacent piece pairs, by joined string, from current
    /// encodings.
    fn joins(&mut self) -> Result<FxHashMap<String, u64>> {
        self.refresh()?;
        let this = &*self;
        let pairs = this
            .encodings
            .par_chunks(WORDS_PER_UPDATE)
            .zip(this.words.par_chunks(WORDS_PER_UPDATE))
            .try_fold(
                FxHashMap::<(u32, u32), u64>::default,
                |mut pairs, (encodings, words)| {
                    if !this.keep_going() {
                        return Err(Error::Interrupted);
                    }
                    for (encoding, &(_, count)) in encodings.iter().zip(words) {
                        for pair in encoding.windows(2) {
                            *pairs.entry((pair[0], pair[1])).or_default() += count;
                        }
                    }
                    Ok(pairs)
                },
            )
            .try_reduce(FxHashMap::default, |a, b| {
                let (mut large, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                for (pair, count) in small {
                    *large.entry(pair).or_default() += count;
                }
                Ok(large)
            })?;
        // Different pairs can spell the same string (`ab ##c`, `a ##bc`): sum them.
        let mut joins: FxHashMap<String, u64> = FxHashMap::default();
        joins.reserve(pairs.len());
        for ((left, right), count) in pairs {
            let left = &self.tokens[left as usize];
            let right = &self.tokens[right as usize];
            let right = right.strip_prefix(self.prefix).unwrap_or(right);
            let mut joined = String::with_capacity(left.len() + right.len());
            joined.push_str(left);
            joined.push_str(right);
            *joins.entry(joined).or_default() += count;
        }
        Ok(joins)
    }

    /// Brings the encodings up to date with the vocab.
    fn refresh(&mut self) -> Result<()> {
        let words = &self.words[..];
        let (progress, done, planned) = (self.progress, self.passes_done, self.passes_planned);
        let keep_going = || progress.update(Phase::Refining, done, planned);
        match std::mem::replace(&mut self.stale, Stale::Nothing) {
            Stale::Nothing => Ok(()),
            Stale::Dropped(dropped) => {
                // Few words are affected: look their pieces up one by one rather than
                // compile the whole vocab.
                let lookup = Lookup {
                    slots: &self.slots,
                    prefix: self.prefix,
                    max_chars: self.max_token_chars,
                };
                reencode(
                    &mut self.encodings,
                    words,
                    keep_going,
                    |encoding| encoding.iter().any(|&slot| dropped[slot as usize]),
                    |word, encoding| lookup.encode(word, encoding),
                )
            }
            Stale::Everything => {
                // The compiled encoder over the current vocab, and the slot of each of its
                // ids. Its unk token (slot 0, a protected token) is never produced: the
                // alphabet covers every word.
                let slots: Vec<u32> = (0..self.tokens.len() as u32)
                    .filter(|&slot| self.alive[slot as usize])
                    .collect();
                let vocab: Vec<String> = slots
                    .iter()
                    .map(|&slot| self.tokens[slot as usize].clone())
                    .collect();
                let unk = vocab[0].clone();
                let encoder = WordPieceModel::new(
                    vocab,
                    &unk,
                    self.prefix,
                    DEFAULT_MAX_INPUT_CHARS_PER_WORD,
                )?;
                reencode(
                    &mut self.encodings,
                    words,
                    keep_going,
                    |_| true,
                    |word, encoding| {
                        encoder.encode_word(word, encoding);
                        for id in encoding.iter_mut() {
                            *id = slots[*id as usize];
                        }
                    },
                )
            }
        }
    }
}

/// Replaces, in parallel, the encoding of every word that `affected` selects by what
/// `encode` appends to an empty one; asks `keep_going` between chunks of words.
fn reencode(
    encodings: &mut [Vec<u32>],
    words: &[(&str, u64)],
    keep_going: impl Fn() -> bool + Sync,
    affected: impl Fn(&[u32]) -> bool + Sync,
    encode: impl Fn(&str, &mut Vec<u32>) + Sync,
) -> Result<()> {
    encodings
        .par_chunks_mut(WORDS_PER_UPDATE)
        .zip(words.par_chunks(WORDS_PER_UPDATE))
        .try_for_each(|(encodings, words)| {
            if !keep_going() {
                return Err(Error::Interrupted);
            }
            for (encoding, (word, _)) in encodings.iter_mut().zip(words) {
                if affected(encoding) {
                    encoding.clear();
                    encode(word, encoding);
                }
            }
            Ok(())
        })
}

/// Greedy longest-match-first by hash lookups of the candidate pieces, longest first: the
/// encoder's rule without its compiled tables, for re-encoding a few words.
struct Lookup<'t> {
    /// The slot of every token in the vocab.
    slots: &'t FxHashMap<String, u32>,
    prefix: &'t str,
    /// No token has more chars than this (prefix included).
    max_chars: usize,
}

impl Lookup<'_> {
    /// Appends the slots of the pieces of `word` (slot 0, as the unk token of the compiled
    /// encoder, if it cannot be covered, which the alphabet rules out).
    fn encode(&self, word: &str, encoding: &mut Vec<u32>) {
        let bounds: Vec<usize> = word
            .char_indices()
            .map(|(i, _)| i)
            .chain([word.len()])
            .collect();
        let chars = bounds.len() - 1;
        let mut piece = String::new();
        let mut start = 0;
        while start < chars {
            let mut end = chars.min(start + self.max_chars);
            let slot = loop {
                if end == start {
                    encoding.clear();
                    encoding.push(0);
                    return;
                }
                piece.clear();
                if start > 0 {
                    piece.push_str(self.prefix);
                }
                piece.push_str(&word[bounds[start]..bounds[end]]);
                if let Some(&slot) = self.slots.get(piece.as_str()) {
                    break slot;
                }
                end -= 1;
            };
            encoding.push(slot);
            start = end;
        }
    }
}

/// Whether `token` is a letter of the alphabet: one char, plain or after `prefix`.
fn is_alphabet(token: &str, prefix: &str) -> bool {
    let one_char = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some() && chars.next().is_none()
    };
    one_char(token) || token.strip_prefix(prefix).is_some_and(one_char)
}

// The property tests of `super::train` (`matches_the_naive_recount`, `large_counts`) run
// with `refine` on and off against `crate::reference::wordpiece_train`, which refines
// naively (every word re-encoded by the naive encoder for every pass).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::WordCounts;
    use crate::progress::Silent;
    use crate::reference;
    use crate::wordpiece::train::tests::{config as plain_config, counts};
    use crate::wordpiece::train::{Scoring, train};

    fn config(vocab_size: usize, specials: &[&str]) -> WordPieceTrainerConfig {
        WordPieceTrainerConfig {
            refine: true,
            ..plain_config(vocab_size, specials)
        }
    }

    /// Words of one to eight letters of `alphabet`, with counts; about 3000 of them.
    fn random_corpus(seed: u64, letters: u8) -> WordCounts {
        let mut counts = WordCounts::default();
        let mut x = seed;
        for _ in 0..3000 {
            let mut word = String::new();
            for _ in 0..(x % 8 + 1) {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                word.push((b'a' + ((x >> 33) % u64::from(letters)) as u8) as char);
            }
            *counts.entry(word).or_insert(0) += x >> 58;
        }
        counts
    }

    #[test]
    fn batch_sizes_follow_the_rule() {
        assert_eq!(
            [0, 1, 2, 3, 4, 5, 10, 30_522].map(seed_size),
            [0, 1, 2, 4, 5, 6, 12, 36_626]
        );
        assert_eq!(seed_size(usize::MAX), usize::MAX);
        // All of a small excess; a fifth of a large one, but at least ten.
        assert_eq!(
            [1, 10, 11, 50, 51, 6104].map(prune_batch),
            [1, 10, 10, 10, 11, 1221]
        );
        // A twentieth of the vocab, at least one, at most what is missing.
        assert_eq!(refill_batch(10, 12), 1);
        assert_eq!(refill_batch(4000, 4800), 200);
        assert_eq!(refill_batch(4790, 4800), 10);
        assert_eq!(planned_passes(6, 5), 3);
    }

    #[test]
    fn a_word_ends_up_as_one_token_and_its_intermediate_merges_go() {
        // The frequency rule merges `##b ##c` then `##bc ##d` (smallest pairs first) to
        // the seed size 6. The encoder uses `a ##bcd`, so `##bc` is pruned; the refill
        // joins `a ##bcd` into `abcd`, after which `##bcd` is unused and pruned.
        let config = WordPieceTrainerConfig {
            scoring: Scoring::Frequency,
            ..config(5, &[])
        };
        let c = counts(&[("abcd", 10)]);
        let vocab = train(&c, &config, &Silent).unwrap();
        assert_eq!(vocab, ["a", "##b", "##c", "##d", "abcd"]);
        assert_eq!(vocab, reference::wordpiece_train(&c, &config));
    }

    #[test]
    fn protected_tokens_survive_and_the_size_is_reached() {
        let c = random_corpus(7, 6);
        let specials = ["[UNK]", "[PAD]", "zzz"];
        let alphabet = reference::wordpiece_initial_vocab(&c, &config(0, &specials));
        for vocab_size in [alphabet.len(), alphabet.len() + 1, 60, 200] {
            let vocab = train(&c, &config(vocab_size, &specials), &Silent).unwrap();
            assert_eq!(vocab.len(), vocab_size);
            assert_eq!(vocab[..alphabet.len()], alphabet[..]);
        }
    }

    #[test]
    fn the_same_vocab_on_one_and_two_threads() {
        for scoring in Scoring::ALL {
            let c = random_corpus(12345, 7);
            let config = WordPieceTrainerConfig {
                scoring,
                ..config(300, &["[UNK]"])
            };
            let on = |threads| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| train(&c, &config, &Silent).unwrap())
            };
            let one = on(1);
            assert_eq!(one, on(2));
            assert_eq!(one.len(), 300);
            let unrefined = WordPieceTrainerConfig {
                refine: false,
                ..config.clone()
            };
            assert_ne!(one, train(&c, &unrefined, &Silent).unwrap());
        }
    }

    #[test]
    fn bad_input_is_reported_as_without_refine() {
        let c = counts(&[("abc", 1)]);
        // Below the special tokens plus the alphabet, although the seed size is not.
        let err = train(&c, &config(4, &["[UNK]", "[PAD]"]), &Silent).unwrap_err();
        assert!(err.to_string().contains("at least 5"), "{err}");
        let err = train(&WordCounts::default(), &config(10, &[]), &Silent).unwrap_err();
        assert!(err.to_string().starts_with("empty corpus"), "{err}");
    }

    #[test]
    fn words_over_the_encoder_limit_are_left_out() {
        // The 101-char word is unk for the encoder, so it adds no usage and no joins:
        // only the short word's merges are kept.
        let long = "x".repeat(101);
        let c = counts(&[(long.as_str(), 1000), ("ab", 1)]);
        let config = config(5, &[]);
        let vocab = train(&c, &config, &Silent).unwrap();
        assert_eq!(vocab, reference::wordpiece_train(&c, &config));
        assert_eq!(vocab, ["a", "x", "##b", "##x", "ab"]);
    }

    #[test]
    fn interruption_stops_refining() {
        struct StopWhenRefining;
        impl Progress for StopWhenRefining {
            fn update(&self, phase: Phase, _: u64, _: u64) -> bool {
                phase != Phase::Refining
            }
        }
        let c = random_corpus(3, 5);
        let result = train(&c, &config(100, &[]), &StopWhenRefining);
        assert!(matches!(result, Err(Error::Interrupted)));
    }

    #[test]
    fn progress_counts_passes_up_to_the_plan() {
        struct Record(std::sync::Mutex<Vec<(u64, u64)>>);
        impl Progress for Record {
            fn update(&self, phase: Phase, done: u64, total: u64) -> bool {
                if phase == Phase::Refining {
                    self.0.lock().unwrap().push((done, total));
                }
                true
            }
        }
        let record = Record(Default::default());
        train(&random_corpus(5, 6), &config(200, &[]), &record).unwrap();
        let updates = record.0.into_inner().unwrap();
        let total = updates[0].1;
        assert!(total > 10);
        assert!(updates.iter().all(|&(done, t)| t == total && done <= total));
        assert_eq!(updates.last(), Some(&(total, total)));
        assert!(updates.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
