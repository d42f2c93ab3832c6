//! Adapting a pretrained WordPiece vocabulary to a domain (`WordPiece.adapt`): the new
//! tokens that save the most tokens on the domain's words under the greedy
//! longest-match-first encoder ([`super::encode`]) that will use them.
//!
//! Why: the encoder, not a merge loop, decides which tokens a text costs. Continuing
//! merges on the base segmentation spends tokens on intermediate merges (`confi`, `debu`)
//! that the encoder stops using once the longer token exists, and filling the slots with
//! the most-split whole words misses the pieces that many words share (`##ization`,
//! `queryset` in `querysets`). So each new token is chosen for what it saves, counted
//! exactly on the domain words as the encoder would split them after adding it.
//!
//! The rule (`AdaptRule::Saving`), with the words = the distinct domain words of 1 to
//! `max_input_chars_per_word` chars that the base vocab can encode (the others are unk
//! whatever is added), `count(w)` their counts and `tokens_V(w)` the number of pieces
//! the greedy encoder makes of `w` with the vocab `V`:
//! - a candidate is a string `t` not in `V` that the encoder would use in some word if it
//!   were added: a piece of a word starting where the current encoding of the word has a
//!   piece boundary and ending beyond that piece's end; written as is at the start of a
//!   word (never when it starts with the prefix), after the prefix elsewhere;
//! - its saving is `sum_w count(w) * (tokens_V(w) - tokens_{V+t}(w))` (a word may also get
//!   longer: greedy matching is not optimal), its reach the sum of `count(w)` over the
//!   words it shortens;
//! - its score is its leave-one-out saving: the same sum with `count(w) - 1` for the word
//!   `w` that `t` is whole. Held-out text is what counts, and a whole-word token helps
//!   there only if its word comes back (a word seen once scores nothing for itself),
//!   while a piece also serves words never seen (measured: +1.5% of the cut on held-out
//!   Google API text; `leave_one_out = false` ranks by the saving);
//! - it qualifies when its saving and score are above zero, its reach at least
//!   `max(1, min_frequency)`, it turns no word into unk, and (with `pieces = false`) it is
//!   a whole domain word;
//! - each step adds the qualifying candidate with the highest score, ties to the
//!   smallest token as written (code points); stop at `max_new_tokens` or when none
//!   qualifies.
//!
//! `AdaptRule::WholeWords` is the naive filling it is measured against: the words the base
//! splits, that occur at least `min_frequency` times, ranked by `count(w) * (pieces - 1)`
//! (the tokens they cost beyond one each), ties to the smaller word.
//!
//! The total number of tokens on the words thus falls by each new token's saving, so it
//! never exceeds the base's. The order of the new tokens is the order they were chosen.
//!
//! # How
//! For each word the encoding is kept with the effect of every candidate on it (the
//! change in its token count, or "becomes unk"); a candidate's totals are sums of those
//! effects. Adding a token changes the encoding of exactly the words it is a candidate
//! of (index candidate -> words), so only those are encoded again and their effects
//! replaced. The effects of one word take one pass: the greedy count from every position
//! (right to left, one longest match each), then each candidate costs a lookup (its
//! rest is that count, unless a continuing candidate occurs again in the rest). The best
//! candidate comes from a heap whose stale entries (a saving that has changed) are
//! skipped. Words are encoded in parallel; every total is an exact integer sum and every
//! choice a total order, so the result depends neither on the number of threads nor on
//! hash order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::str::FromStr;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::count::WordCounts;
use crate::progress::{Phase, Progress};
use crate::{Error, Result};

/// How the new tokens are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdaptRule {
    /// The most saving token under the greedy encoder, step by step (the module's rule).
    #[default]
    Saving,
    /// The most-split frequent whole words (the naive filling).
    WholeWords,
}

impl FromStr for AdaptRule {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self> {
        match name {
            "saving" => Ok(AdaptRule::Saving),
            "whole-words" => Ok(AdaptRule::WholeWords),
            _ => Err(Error::argument(
                "scoring",
                format!("must be 'saving' or 'whole-words', got {name:?}"),
            )),
        }
    }
}

/// The settings of [`adapt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdaptConfig {
    /// The most tokens to add.
    pub max_new_tokens: usize,
    /// A new token must shorten words that occur at least this often in total.
    pub min_frequency: u64,
    pub rule: AdaptRule,
    /// With [`AdaptRule::Saving`]: whether pieces of words may be chosen, not only whole
    /// words (`false` measures what choosing pieces buys).
    pub pieces: bool,
    /// Rank by the leave-one-out saving (see the module documentation) rather than by the
    /// saving itself (`false` measures what it buys).
    pub leave_one_out: bool,
    /// The prefix of continuing pieces (`##`); it must not be empty.
    pub continuing_subword_prefix: String,
    /// Longer words are unk for the encoder, whatever the vocab.
    pub max_input_chars_per_word: usize,
}

impl Default for AdaptConfig {
    fn default() -> Self {
        AdaptConfig {
            max_new_tokens: 0,
            min_frequency: 2,
            rule: AdaptRule::Saving,
            pieces: true,
            leave_one_out: true,
            continuing_subword_prefix: super::DEFAULT_PREFIX.to_string(),
            max_input_chars_per_word: super::DEFAULT_MAX_INPUT_CHARS_PER_WORD,
        }
    }
}

/// A token [`adapt`] adds, with what it saved when it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// As written in the vocab (continuing pieces with the prefix).
    pub token: String,
    /// Tokens saved on the domain words (counted with multiplicity).
    pub saving: u64,
    /// The number of domain words (with multiplicity) it shortened.
    pub words: u64,
}

/// The new tokens for `base` on the domain word `counts`, in the order chosen (see the
/// module documentation). None is in `base`, and none repeats.
///
/// Errors: an empty prefix, a corpus without a word of a count above zero, and
/// [`Error::Interrupted`] when `progress` asks to stop.
pub fn adapt(
    base: &[String],
    counts: &WordCounts,
    config: &AdaptConfig,
    progress: &dyn Progress,
) -> Result<Vec<NewToken>> {
    let prefix = config.continuing_subword_prefix.as_str();
    if prefix.is_empty() {
        return Err(Error::argument(
            "continuing_subword_prefix",
            "must not be empty to adapt a vocabulary (a new token must say where it goes)",
        ));
    }
    let mut words = super::counted_words(counts, "adapt to")?;
    words.sort_unstable();
    let max_chars = config.max_input_chars_per_word;
    let words: Vec<Word> = words
        .into_iter()
        .filter(|(text, _)| text.len() <= max_chars || text.chars().count() <= max_chars)
        .map(|(text, count)| Word::new(text, count))
        .collect();
    let vocab = Vocab::new(base, prefix);
    let total = config.max_new_tokens as u64;
    if !progress.update(Phase::Merging, 0, total) {
        return Err(Error::Interrupted);
    }
    match config.rule {
        AdaptRule::WholeWords => Ok(whole_words(&words, &vocab, config)),
        AdaptRule::Saving => Adapter::new(&words, vocab, config, progress)?.run(),
    }
}

/// A domain word and the byte offsets of its char boundaries (`bounds[i]` starts char i).
struct Word<'a> {
    text: &'a str,
    count: u64,
    bounds: Vec<usize>,
}

impl<'a> Word<'a> {
    fn new(text: &'a str, count: u64) -> Self {
        let bounds = text.char_indices().map(|(i, _)| i).chain([text.len()]);
        Word {
            text,
            count,
            bounds: bounds.collect(),
        }
    }

    fn chars(&self) -> usize {
        self.bounds.len() - 1
    }

    /// Chars `i..j` of the word.
    fn piece(&self, i: usize, j: usize) -> &'a str {
        &self.text[self.bounds[i]..self.bounds[j]]
    }
}

/// A candidate token: `(first, text)`, where `first` means a word's first piece (written
/// as is) and otherwise `text` follows the prefix.
type Key<'a> = (bool, &'a str);

/// The vocab as the greedy encoder looks it up.
struct Vocab {
    /// Every token as written: the first piece of a word is looked up as is.
    written: FxHashSet<String>,
    /// The tokens that start with the prefix, without it: the later pieces.
    continuing: FxHashSet<String>,
    prefix: String,
    /// No token has more chars than this (written).
    max_chars: usize,
}

impl Vocab {
    fn new(base: &[String], prefix: &str) -> Self {
        let mut vocab = Vocab {
            written: FxHashSet::default(),
            continuing: FxHashSet::default(),
            prefix: prefix.to_owned(),
            max_chars: 0,
        };
        for token in base {
            vocab.insert(token.clone());
        }
        vocab
    }

    fn insert(&mut self, written: String) {
        self.max_chars = self.max_chars.max(written.chars().count());
        if let Some(rest) = written.strip_prefix(self.prefix.as_str()) {
            self.continuing.insert(rest.to_owned());
        }
        self.written.insert(written);
    }

    fn contains(&self, (first, text): Key<'_>) -> bool {
        if first {
            self.written.contains(text)
        } else {
            self.continuing.contains(text)
        }
    }

    /// Whether two keys are one token as written: a word that starts with the prefix
    /// starts with a continuing token (its first piece is looked up as written).
    fn same(&self, a: Key<'_>, b: Key<'_>) -> bool {
        a == b || (a.0 != b.0 && self.unprefixed(a) == self.unprefixed(b))
    }

    /// The text of a key as a continuing token (None: a first piece without the prefix).
    fn unprefixed<'k>(&self, (first, text): Key<'k>) -> Option<&'k str> {
        if first {
            text.strip_prefix(self.prefix.as_str())
        } else {
            Some(text)
        }
    }

    fn written(&self, (first, text): Key<'_>) -> String {
        if first {
            text.to_owned()
        } else {
            format!("{}{text}", self.prefix)
        }
    }

    /// The end of the longest piece at char `start` of `word` in the vocab plus `extra`.
    fn longest(&self, word: &Word<'_>, start: usize, extra: Option<Key<'_>>) -> Option<usize> {
        let first = start == 0;
        let extra_chars = extra.map_or(0, |(_, text)| text.chars().count());
        let last = word.chars().min(start + self.max_chars.max(extra_chars));
        (start + 1..=last).rev().find(|&end| {
            let key = (first, word.piece(start, end));
            self.contains(key) || extra.is_some_and(|extra| self.same(key, extra))
        })
    }

    /// The number of pieces of `word` from char `start` on (None: it cannot be covered).
    fn count_from(&self, word: &Word<'_>, start: usize, extra: Option<Key<'_>>) -> Option<u32> {
        let (mut at, mut pieces) = (start, 0);
        while at < word.chars() {
            at = self.longest(word, at, extra)?;
            pieces += 1;
        }
        Some(pieces)
    }
}

/// Marks a candidate that would turn the word into unk.
const UNK: i32 = i32::MIN;

/// What each candidate would change in one word's encoding: `(candidate, change in its
/// token count or UNK, whether it is the whole word)`.
type Effects<'a> = Vec<(Key<'a>, i32, bool)>;

/// The encoding of `word` with `vocab`, and what each candidate would change in it; None
/// when the vocab cannot cover the word.
fn effects<'a>(word: &Word<'a>, vocab: &Vocab) -> Option<Effects<'a>> {
    let n = word.chars();
    // rest[j]: the pieces of the word from char j on (a continuing position), by the
    // greedy encoder, computed right to left.
    let mut rest: Vec<Option<u32>> = vec![None; n + 1];
    rest[n] = Some(0);
    for j in (1..n).rev() {
        rest[j] = vocab
            .longest(word, j, None)
            .and_then(|end| rest[end].map(|r| r + 1));
    }
    let mut path = Vec::new();
    let mut at = 0;
    while at < n {
        let end = vocab.longest(word, at, None)?;
        path.push((at, end));
        at = end;
    }
    let tokens = path.len() as u32;
    let mut changes = Vec::new();
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for (k, &(start, end)) in path.iter().enumerate() {
        for (stop, &rest_after) in rest.iter().enumerate().skip(end + 1) {
            let text = word.piece(start, stop);
            // A first piece that starts with the prefix is written as a continuing token.
            let key = match text.strip_prefix(vocab.prefix.as_str()) {
                _ if k > 0 => (false, text),
                Some("") => continue, // the bare prefix: not a token vocab.txt can hold
                Some(rest) => (false, rest),
                None => (true, text),
            };
            let first = key.0;
            // A continuing candidate met again is used at its first boundary already.
            if !first && !seen.insert(key.1) {
                continue;
            }
            let after = if !first && word.text[word.bounds[stop]..].contains(key.1) {
                vocab.count_from(word, stop, Some(key))
            } else {
                rest_after
            };
            let change = match after {
                Some(after) => tokens as i32 - (k as i32 + 1 + after as i32),
                None => UNK,
            };
            changes.push((key, change, first && stop == n));
        }
    }
    Some(changes)
}

/// [`AdaptRule::WholeWords`]: the most-split frequent whole words.
fn whole_words(words: &[Word<'_>], vocab: &Vocab, config: &AdaptConfig) -> Vec<NewToken> {
    let prefix = vocab.prefix.as_str();
    let mut ranked: Vec<(u64, &str, u64)> = words
        .par_iter()
        .filter(|word| word.count >= config.min_frequency && !word.text.starts_with(prefix))
        .filter_map(|word| {
            let pieces = vocab.count_from(word, 0, None)?;
            let extra = u64::from(pieces.checked_sub(1)?);
            (extra > 0).then(|| (word.count.saturating_mul(extra), word.text, word.count))
        })
        .collect();
    ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    ranked
        .into_iter()
        .take(config.max_new_tokens)
        .map(|(saving, text, count)| NewToken {
            token: text.to_owned(),
            saving,
            words: count,
        })
        .collect()
}

/// A candidate's totals over the words.
#[derive(Default)]
struct Totals {
    saving: i128,
    /// What ranks it: the saving, or the leave-one-out saving.
    score: i128,
    /// The counts of the words it shortens.
    reach: u64,
    /// The number of words it would turn into unk.
    unk_words: u64,
    /// Whether it is a whole domain word.
    whole: bool,
    added: bool,
    /// The words it is (or was) a candidate of; may hold stale and repeated entries.
    words: Vec<u32>,
}

/// A heap entry: the best score first, then the smallest token as written.
struct Entry<'a> {
    score: i128,
    key: Key<'a>,
    id: u32,
    prefix: &'a str,
}

impl Entry<'_> {
    fn written(&self) -> impl Iterator<Item = u8> + '_ {
        let (first, text) = self.key;
        let prefix = if first { "" } else { self.prefix };
        prefix.bytes().chain(text.bytes())
    }
}

impl Ord for Entry<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        let written = || other.written().cmp(self.written());
        self.score.cmp(&other.score).then_with(written)
    }
}

impl PartialOrd for Entry<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry<'_> {}

/// How many words are encoded between two checks for a request to stop.
const WORDS_PER_CHECK: usize = 4096;

struct Adapter<'a, 'p> {
    words: &'a [Word<'a>],
    vocab: Vocab,
    config: &'a AdaptConfig,
    progress: &'p dyn Progress,
    /// The candidates of each word (by id, with their change and whether they are the
    /// whole word); words the base cannot cover have none and never change.
    encodings: Vec<Vec<(u32, i32, bool)>>,
    ids: FxHashMap<Key<'a>, u32>,
    keys: Vec<Key<'a>>,
    totals: Vec<Totals>,
    heap: BinaryHeap<Entry<'a>>,
}

impl<'a, 'p> Adapter<'a, 'p> {
    fn new(
        words: &'a [Word<'a>],
        vocab: Vocab,
        config: &'a AdaptConfig,
        progress: &'p dyn Progress,
    ) -> Result<Self> {
        let mut adapter = Adapter {
            words,
            vocab,
            config,
            progress,
            encodings: vec![Vec::new(); words.len()],
            ids: FxHashMap::default(),
            keys: Vec::new(),
            totals: Vec::new(),
            heap: BinaryHeap::new(),
        };
        let all: Vec<u32> = (0..words.len() as u32).collect();
        adapter.encode(&all)?;
        Ok(adapter)
    }

    /// Encodes `which` words again with the current vocab and updates the totals.
    fn encode(&mut self, which: &[u32]) -> Result<()> {
        let mut touched = Vec::new();
        for chunk in which.chunks(WORDS_PER_CHECK) {
            if !self.progress.keep_going() {
                return Err(Error::Interrupted);
            }
            let (words, vocab) = (self.words, &self.vocab);
            let found: Vec<Option<Effects<'a>>> = chunk
                .par_iter()
                .map(|&w| effects(&words[w as usize], vocab))
                .collect();
            for (&w, found) in chunk.iter().zip(found) {
                // A word the vocab cannot cover was never encoded (adding a token never
                // makes one unk: such candidates do not qualify), so it stays as it is.
                let Some(found) = found else { continue };
                let count = words[w as usize].count;
                let old = std::mem::take(&mut self.encodings[w as usize]);
                for (id, change, whole) in old {
                    self.account(id, change, whole, count, -1);
                    touched.push(id);
                }
                let mut new = Vec::with_capacity(found.len());
                for (key, change, whole) in found {
                    let id = self.intern(key);
                    let totals = &mut self.totals[id as usize];
                    totals.whole |= whole;
                    totals.words.push(w);
                    self.account(id, change, whole, count, 1);
                    touched.push(id);
                    new.push((id, change, whole));
                }
                self.encodings[w as usize] = new;
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for id in touched {
            let totals = &self.totals[id as usize];
            if !totals.added && totals.score > 0 {
                self.heap.push(Entry {
                    score: totals.score,
                    key: self.keys[id as usize],
                    id,
                    prefix: &self.config.continuing_subword_prefix,
                });
            }
        }
        Ok(())
    }

    fn intern(&mut self, key: Key<'a>) -> u32 {
        *self.ids.entry(key).or_insert_with(|| {
            self.keys.push(key);
            self.totals.push(Totals::default());
            (self.keys.len() - 1) as u32
        })
    }

    /// Adds (`sign` 1) or removes (-1) the effect `change` on a word of `count`, of which
    /// the candidate is the `whole` word or not.
    fn account(&mut self, id: u32, change: i32, whole: bool, count: u64, sign: i128) {
        // Leave one out: the occurrence a word's own token is judged on does not count
        // towards learning it; a piece is learned from the other words that hold it.
        let weight = if whole && self.config.leave_one_out {
            count - 1
        } else {
            count
        };
        let totals = &mut self.totals[id as usize];
        let add = |total: u64, amount: u64| {
            if sign > 0 {
                total + amount
            } else {
                total - amount
            }
        };
        if change == UNK {
            totals.unk_words = add(totals.unk_words, 1);
            return;
        }
        totals.saving += sign * i128::from(change) * i128::from(count);
        totals.score += sign * i128::from(change) * i128::from(weight);
        if change > 0 {
            totals.reach = add(totals.reach, count);
        }
    }

    fn qualifies(&self, id: u32) -> bool {
        let totals = &self.totals[id as usize];
        !totals.added
            && totals.saving > 0
            && totals.score > 0
            && totals.reach >= self.config.min_frequency.max(1)
            && totals.unk_words == 0
            && (self.config.pieces || totals.whole)
    }

    fn run(mut self) -> Result<Vec<NewToken>> {
        let mut chosen = Vec::new();
        let total = self.config.max_new_tokens as u64;
        while chosen.len() < self.config.max_new_tokens {
            let Some(entry) = self.heap.pop() else { break };
            let id = entry.id;
            if entry.score != self.totals[id as usize].score || !self.qualifies(id) {
                continue; // stale, or pushed again once its totals change
            }
            let key = self.keys[id as usize];
            let token = self.vocab.written(key);
            let totals = &mut self.totals[id as usize];
            chosen.push(NewToken {
                token: token.clone(),
                saving: u64::try_from(totals.saving).unwrap_or(u64::MAX),
                words: totals.reach,
            });
            totals.added = true;
            let mut affected = std::mem::take(&mut totals.words);
            affected.sort_unstable();
            affected.dedup();
            self.vocab.insert(token);
            self.encode(&affected)?;
            if !self
                .progress
                .update(Phase::Merging, chosen.len() as u64, total)
            {
                return Err(Error::Interrupted);
            }
        }
        Ok(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;
    use crate::wordpiece::encode::WordPieceModel;

    fn counts(pairs: &[(&str, u64)]) -> WordCounts {
        pairs.iter().map(|&(w, c)| (w.to_string(), c)).collect()
    }

    fn vocab(tokens: &[&str]) -> Vec<String> {
        tokens.iter().map(|t| t.to_string()).collect()
    }

    fn alphabet(extra: &[&str]) -> Vec<String> {
        let mut tokens = vec!["[UNK]".to_string()];
        for c in 'a'..='z' {
            tokens.push(c.to_string());
            tokens.push(format!("##{c}"));
        }
        tokens.extend(extra.iter().map(|t| t.to_string()));
        tokens
    }

    fn config(max_new_tokens: usize) -> AdaptConfig {
        AdaptConfig {
            max_new_tokens,
            ..AdaptConfig::default()
        }
    }

    /// The tokens the real encoder makes of the words, with count.
    fn total_tokens(vocab: &[String], counts: &WordCounts) -> u64 {
        let model = WordPieceModel::new(vocab.to_vec(), "[UNK]", "##", 100).unwrap();
        counts
            .iter()
            .map(|(w, c)| c * model.encode(w).len() as u64)
            .sum()
    }

    #[test]
    fn a_shared_suffix_beats_the_whole_words_that_hold_it() {
        let base = alphabet(&["nation", "station", "relation"]);
        let words = counts(&[("nations", 5), ("stations", 5), ("relations", 5)]);
        let found = adapt(&base, &words, &config(1), &Silent).unwrap();
        // Each word is `X ##s`; `##s` is in the vocab, so the first choice is a whole word,
        // the smallest of three equal savings.
        assert_eq!(found[0].token, "nations");
        assert_eq!((found[0].saving, found[0].words), (5, 5));

        let base = alphabet(&["hug", "pun", "run"]);
        let words = counts(&[("hugging", 4), ("punning", 4), ("running", 4)]);
        let found = adapt(&base, &words, &config(1), &Silent).unwrap();
        // Each word is `X ##g ##i ##n ##g`: the whole word saves 4 per occurrence (16),
        // `##ging` 3 (12), `##ing` 2 but in all three words (24).
        assert_eq!(found[0].token, "##ing");
        assert_eq!((found[0].saving, found[0].words), (24, 12));
    }

    #[test]
    fn the_savings_are_what_the_real_encoder_saves() {
        let base = alphabet(&["the", "##re", "un", "##able"]);
        let words = counts(&[
            ("there", 7),
            ("unthinkable", 3),
            ("theorem", 4),
            ("theorems", 2),
            ("unable", 5),
            ("thereby", 2),
        ]);
        let found = adapt(&base, &words, &config(20), &Silent).unwrap();
        let mut vocab = base.clone();
        let mut total = total_tokens(&vocab, &words);
        for token in &found {
            assert!(
                !vocab.contains(&token.token),
                "{} is already there",
                token.token
            );
            vocab.push(token.token.clone());
            let after = total_tokens(&vocab, &words);
            assert_eq!(total - after, token.saving, "adding {}", token.token);
            total = after;
        }
    }

    #[test]
    fn a_token_that_would_make_a_word_unk_is_never_added() {
        // `##x` is missing: `ab` + `##x` would need it, so `a ##bx` must stay.
        let base = vocab(&["[UNK]", "a", "##b", "##x", "##bx", "c"]);
        let words = counts(&[("abx", 9)]);
        let found = adapt(&base, &words, &config(5), &Silent).unwrap();
        assert_eq!(found[0].token, "abx");
        let base = vocab(&["[UNK]", "a", "##b", "##bx"]);
        let found = adapt(&base, &words, &config(5), &Silent).unwrap();
        assert!(found.iter().all(|t| t.token != "ab"), "{found:?}");
    }

    #[test]
    fn min_frequency_and_whole_words_only_restrict_the_choice() {
        let base = alphabet(&[]);
        let words = counts(&[("xyz", 1), ("ab", 3)]);
        let found = adapt(&base, &words, &config(5), &Silent).unwrap();
        assert_eq!(
            found.iter().map(|t| t.token.as_str()).collect::<Vec<_>>(),
            ["ab"]
        );
        let only_words = AdaptConfig {
            pieces: false,
            ..config(5)
        };
        let words = counts(&[("hugging", 4), ("punning", 4)]);
        let found = adapt(&alphabet(&["hug", "pun"]), &words, &only_words, &Silent).unwrap();
        let tokens: Vec<&str> = found.iter().map(|t| t.token.as_str()).collect();
        assert_eq!(tokens, ["hugging", "punning"]);
    }

    #[test]
    fn whole_words_rank_by_the_tokens_they_cost() {
        let base = alphabet(&["hug"]);
        let words = counts(&[("hugging", 2), ("ab", 5), ("hug", 100), ("q", 9)]);
        let rule = AdaptConfig {
            rule: AdaptRule::WholeWords,
            ..config(5)
        };
        let found = adapt(&base, &words, &rule, &Silent).unwrap();
        let ranked: Vec<(&str, u64)> = found.iter().map(|t| (t.token.as_str(), t.saving)).collect();
        assert_eq!(ranked, [("hugging", 8), ("ab", 5)]);
    }

    #[test]
    fn bad_input_is_an_error() {
        let empty = adapt(&alphabet(&[]), &counts(&[]), &config(3), &Silent);
        assert!(matches!(empty, Err(Error::InvalidInput(_))));
        let no_prefix = AdaptConfig {
            continuing_subword_prefix: String::new(),
            ..config(3)
        };
        let result = adapt(&alphabet(&[]), &counts(&[("ab", 3)]), &no_prefix, &Silent);
        assert!(matches!(result, Err(Error::InvalidArgument { .. })));
        assert!("likelihood".parse::<AdaptRule>().is_err());
    }
}
