//! The naive algorithms, written to be read: each follows its rule as `docs/algorithms.md`
//! states it, with no index, heap, cache or trie, and is slow (quadratic or worse). The
//! fast modules are checked against these, by their unit tests and by the fuzz targets
//! (`fuzz/` turns on this crate's `reference` feature), so each rule is written once.
//!
//! | function | the rule of |
//! | --- | --- |
//! | [`bpe_train`] | [`crate::bpe::train`]: recount every pair before each merge |
//! | [`bpe_encode_word`] | [`crate::bpe::encode`]: rescan for the lowest-ranked pair |
//! | [`wordpiece_train`] | [`crate::wordpiece::train`]: recount every symbol and pair before each merge |
//! | [`wordpiece_refine`] | [`crate::wordpiece::refine`]: re-encode every word with the naive encoder for each pass |
//! | [`wordpiece_likelihood_gain`] | the likelihood gain of one merge, as the formula reads |
//! | [`wordpiece_encode_word`] | [`crate::wordpiece::encode`]: longest match, char by char |

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::count::WordCounts;
use crate::wordpiece::scoring::compare_fractions;
use crate::wordpiece::train::{Scoring, WordPieceTrainerConfig};

/// The subword-nmt `learn-bpe` loop, recounting every pair before each merge: words
/// (count above zero, not empty) split into characters with `suffix` fused onto the last;
/// up to `num_merges` times, the pair with the highest count (ties: the greatest
/// `(left, right)`) is merged left to right without overlap in every word, unless its
/// count is below `min_frequency`. Returns the merges in rank order.
pub fn bpe_train(
    counts: &WordCounts,
    suffix: &str,
    num_merges: usize,
    min_frequency: u64,
) -> Vec<(String, String)> {
    let mut words: Vec<(Vec<String>, u64)> = counts
        .iter()
        .filter(|(word, count)| **count > 0 && !word.is_empty())
        .map(|(word, &count)| {
            let mut symbols: Vec<String> = word.chars().map(String::from).collect();
            symbols.last_mut().expect("not empty").push_str(suffix);
            (symbols, count)
        })
        .collect();
    let mut merges = Vec::new();
    while merges.len() < num_merges {
        let mut stats: HashMap<(String, String), u128> = HashMap::new();
        for (symbols, count) in &words {
            for pair in symbols.windows(2) {
                *stats.entry((pair[0].clone(), pair[1].clone())).or_insert(0) += *count as u128;
            }
        }
        let Some((best, count)) = stats
            .into_iter()
            .max_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)))
        else {
            break;
        };
        if count < min_frequency as u128 {
            break;
        }
        let merged = format!("{}{}", best.0, best.1);
        for (symbols, _) in &mut words {
            *symbols = merge_pair(symbols, &best.0, &best.1, &merged);
        }
        merges.push(best);
    }
    merges
}

/// subword-nmt `apply_bpe.encode` on one word (no cache, no glossaries): the characters
/// with `suffix` fused onto the last; while some adjacent pair is a merge, the one of
/// lowest rank (its first position in `merges`) is merged left to right without overlap.
pub fn bpe_encode_word(merges: &[(String, String)], word: &str, suffix: &str) -> Vec<String> {
    let mut ranks: HashMap<(&str, &str), usize> = HashMap::new();
    for (rank, (left, right)) in merges.iter().enumerate() {
        ranks.entry((left, right)).or_insert(rank);
    }
    let mut symbols: Vec<String> = word.chars().map(String::from).collect();
    if let Some(last) = symbols.last_mut() {
        last.push_str(suffix);
    }
    loop {
        let best = symbols
            .windows(2)
            .filter_map(|pair| ranks.get(&(pair[0].as_str(), pair[1].as_str())))
            .min();
        let Some(&rank) = best else {
            return symbols;
        };
        let (left, right) = &merges[rank];
        symbols = merge_pair(&symbols, left, right, &format!("{left}{right}"));
    }
}

/// `symbols` with every non-overlapping `left right`, left to right, replaced by `merged`.
fn merge_pair(symbols: &[String], left: &str, right: &str, merged: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(symbols.len());
    let mut i = 0;
    while i < symbols.len() {
        if i + 1 < symbols.len() && symbols[i] == left && symbols[i + 1] == right {
            out.push(merged.to_string());
            i += 2;
        } else {
            out.push(symbols[i].clone());
            i += 1;
        }
    }
    out
}

/// The words of `counts` (count above zero, not empty) split into their initial
/// WordPiece symbols: the first character as is, the others after `prefix`.
fn wordpiece_split(counts: &WordCounts, prefix: &str) -> Vec<(Vec<String>, u64)> {
    counts
        .iter()
        .filter(|(word, count)| **count > 0 && !word.is_empty())
        .map(|(word, count)| {
            let symbols = word
                .chars()
                .enumerate()
                .map(|(i, ch)| match i {
                    0 => ch.to_string(),
                    _ => format!("{prefix}{ch}"),
                })
                .collect();
            (symbols, *count)
        })
        .collect()
}

/// The vocab WordPiece training starts from: the special tokens, then the alphabet (plain
/// forms sorted, then prefixed forms sorted), each string once.
pub fn wordpiece_initial_vocab(
    counts: &WordCounts,
    config: &WordPieceTrainerConfig,
) -> Vec<String> {
    let words = wordpiece_split(counts, &config.continuing_subword_prefix);
    let mut first: Vec<String> = words.iter().map(|(w, _)| w[0].clone()).collect();
    let mut rest: Vec<String> = words.iter().flat_map(|(w, _)| w[1..].to_vec()).collect();
    first.sort();
    rest.sort();
    let mut vocab: Vec<String> = Vec::new();
    for token in config
        .special_tokens
        .iter()
        .cloned()
        .chain(first)
        .chain(rest)
    {
        if !vocab.contains(&token) {
            vocab.push(token);
        }
    }
    vocab
}

/// WordPiece training with every symbol and pair count recounted before each merge: the
/// pair with at least `min_frequency` (and one) occurrences that scores best under
/// `config.scoring` (ties: the higher pair count, then the smallest `(a, b)`) becomes
/// `a` + `b` without its prefix, left to right without overlap; a result already in the
/// vocab adds nothing; stop at `vocab_size` or when no pair qualifies. The likelihood gain
/// is [`wordpiece_likelihood_gain`]; PMI scores are compared with the trainer's exact
/// 192-bit [`compare_fractions`], which its unit tests check on their own. With
/// `config.refine`, this is [`wordpiece_refine`].
pub fn wordpiece_train(counts: &WordCounts, config: &WordPieceTrainerConfig) -> Vec<String> {
    if config.refine {
        return wordpiece_refine(counts, config);
    }
    let prefix = config.continuing_subword_prefix.as_str();
    let mut words = wordpiece_split(counts, prefix);
    let n0: u64 = words.iter().map(|(w, c)| w.len() as u64 * c).sum();
    let mut vocab = wordpiece_initial_vocab(counts, config);
    while vocab.len() < config.vocab_size {
        let mut symbol_counts: HashMap<&str, u64> = HashMap::new();
        let mut pair_counts: HashMap<(&str, &str), u64> = HashMap::new();
        for (w, c) in &words {
            for s in w {
                *symbol_counts.entry(s).or_default() += c;
            }
            for p in w.windows(2) {
                *pair_counts.entry((&p[0], &p[1])).or_default() += c;
            }
        }
        let denominator =
            |p: &(&str, &str)| u128::from(symbol_counts[p.0]) * u128::from(symbol_counts[p.1]);
        let gain = |p: &(&str, &str), k: u64| {
            let (n_a, n_b) = (symbol_counts[p.0], symbol_counts[p.1]);
            wordpiece_likelihood_gain(k, n_a, n_b, p.0 == p.1, n0)
        };
        let best = pair_counts
            .iter()
            .filter(|&(_, &n)| n >= config.min_frequency.max(1))
            .max_by(|(p1, n1), (p2, n2)| {
                let score = match config.scoring {
                    Scoring::Pmi => compare_fractions(**n1, denominator(p1), **n2, denominator(p2)),
                    Scoring::Likelihood => gain(p1, **n1)
                        .partial_cmp(&gain(p2, **n2))
                        .expect("a gain is never NaN"),
                    Scoring::Frequency => Ordering::Equal,
                };
                score.then(n1.cmp(n2)).then(p2.cmp(p1))
            });
        let Some(((a, b), _)) = best else { break };
        let (a, b) = (a.to_string(), b.to_string());
        let merged = format!("{a}{}", b.strip_prefix(prefix).unwrap_or(&b));
        for (w, _) in &mut words {
            *w = merge_pair(w, &a, &b, &merged);
        }
        if !vocab.contains(&merged) {
            vocab.push(merged);
        }
    }
    vocab
}

/// WordPiece training with `refine`: the merge loop to `round(1.2 N)` tokens (`N` =
/// `vocab_size`), then prune to `N`, refill to `round(1.2 N)`, prune to `N`, where every
/// pass greedy-encodes every training word of 1 to 100 chars ([`wordpiece_encode_word`]):
/// - prune: while over `N` by `E`, drop the `k = E` (if `E <= 10`, else `min(E, max(10,
///   ceil(E / 5)))`) tokens of lowest usage (the sum of `count(w)` over their occurrences
///   in the encodings), ties to the later token, never a special token or a token of one
///   char, plain or after the prefix;
/// - refill: while under the target, sum `count(w)` by the string `a` + `b` without its
///   prefix over adjacent pieces `(a, b)`, and append the `min(missing, max(1, floor(|V| /
///   20)))` strings not in the vocab with the highest sums of at least `max(1,
///   min_frequency)`, ties to the smaller string; stop when none qualifies.
pub fn wordpiece_refine(counts: &WordCounts, config: &WordPieceTrainerConfig) -> Vec<String> {
    let n = config.vocab_size;
    let target = (6 * n + 2) / 5;
    let seed_config = WordPieceTrainerConfig {
        vocab_size: target,
        refine: false,
        ..config.clone()
    };
    let mut vocab = wordpiece_train(counts, &seed_config);
    let prefix = config.continuing_subword_prefix.as_str();
    let is_protected = |token: &str| {
        config.special_tokens.iter().any(|s| s == token)
            || token.chars().count() == 1
            || token
                .strip_prefix(prefix)
                .is_some_and(|t| t.chars().count() == 1)
    };
    let words: Vec<(&str, u64)> = counts
        .iter()
        .filter(|(word, count)| **count > 0 && (1..=100).contains(&word.chars().count()))
        .map(|(word, count)| (word.as_str(), *count))
        .collect();
    // The encodings as token ids; every word is covered by the alphabet, so the unk token
    // passed (any token) never shows up.
    let encode = |vocab: &[String]| -> Vec<(Vec<u32>, u64)> {
        words
            .iter()
            .map(|&(word, count)| {
                (
                    wordpiece_encode_word(vocab, &vocab[0], prefix, 100, word).0,
                    count,
                )
            })
            .collect()
    };
    let prune = |mut vocab: Vec<String>| {
        while vocab.len() > n {
            let mut usage = vec![0u64; vocab.len()];
            for (ids, count) in encode(&vocab) {
                for id in ids {
                    usage[id as usize] += count;
                }
            }
            let excess = vocab.len() - n;
            let k = if excess <= 10 {
                excess
            } else {
                excess.min(10.max(excess.div_ceil(5)))
            };
            let mut candidates: Vec<usize> = (0..vocab.len())
                .filter(|&i| !is_protected(&vocab[i]))
                .collect();
            candidates.sort_by_key(|&i| (usage[i], std::cmp::Reverse(i)));
            candidates.truncate(k);
            vocab = (0..vocab.len())
                .filter(|i| !candidates.contains(i))
                .map(|i| vocab[i].clone())
                .collect();
        }
        vocab
    };
    vocab = prune(vocab);
    while vocab.len() < target {
        let mut joined: HashMap<String, u64> = HashMap::new();
        for (ids, count) in encode(&vocab) {
            for pair in ids.windows(2) {
                let (a, b) = (&vocab[pair[0] as usize], &vocab[pair[1] as usize]);
                *joined
                    .entry(format!("{a}{}", &b[prefix.len()..]))
                    .or_default() += count;
            }
        }
        let mut best: Vec<(u64, String)> = joined
            .into_iter()
            .filter(|(t, sum)| *sum >= config.min_frequency.max(1) && !vocab.contains(t))
            .map(|(t, sum)| (sum, t))
            .collect();
        if best.is_empty() {
            break;
        }
        best.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        let k = (target - vocab.len()).min((vocab.len() / 20).max(1));
        vocab.extend(best.into_iter().take(k).map(|(_, t)| t));
    }
    prune(vocab)
}

/// transformers' `WordpieceTokenizer.tokenize` on one word, char by char: from the start,
/// take the longest vocab entry (with `prefix` in front of every piece but the first);
/// when none matches, or the word has more than `max_input_chars_per_word` chars, the
/// whole word is `unk_token`. Returns the ids (indices in `vocab`) and the
/// `(start_char, end_char)` span of each piece (the whole word for the unk).
pub fn wordpiece_encode_word(
    vocab: &[String],
    unk_token: &str,
    prefix: &str,
    max_input_chars_per_word: usize,
    word: &str,
) -> (Vec<u32>, Vec<(usize, usize)>) {
    let ids: HashMap<&str, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32))
        .collect();
    let chars: Vec<char> = word.chars().collect();
    let unk = (vec![ids[unk_token]], vec![(0, chars.len())]);
    if chars.len() > max_input_chars_per_word {
        return unk;
    }
    let (mut out, mut spans) = (Vec::new(), Vec::new());
    let mut start = 0;
    while start < chars.len() {
        let mut end = chars.len();
        let mut found = None;
        while start < end {
            let mut piece: String = chars[start..end].iter().collect();
            if start > 0 {
                piece.insert_str(0, prefix);
            }
            if let Some(&id) = ids.get(piece.as_str()) {
                found = Some(id);
                break;
            }
            end -= 1;
        }
        match found {
            Some(id) => {
                out.push(id);
                spans.push((start, end));
                start = end;
            }
            None => return unk,
        }
    }
    (out, spans)
}

/// `x ln x`, with `F(0) = 0`.
fn x_ln_x(x: u64) -> f64 {
    if x == 0 {
        return 0.0;
    }
    let x = x as f64;
    x * x.ln()
}

/// The likelihood gain of merging the `k` adjacent occurrences of `(a, b)`, symbols that
/// occur `n_a` and `n_b` times, in a corpus that started with `n0` symbols, evaluated
/// left to right as `docs/algorithms.md` writes it (so the f64 result is the trainer's):
/// `F(k) + F(n_a - k) + F(n_b - k) - F(n_a) - F(n_b) + (F(N0) - F(N0 - k))`, or for
/// `a == b`, `F(k) + F(max(n_a - 2k, 0)) - F(n_a) + (F(N0) - F(N0 - k))`.
pub fn wordpiece_likelihood_gain(k: u64, n_a: u64, n_b: u64, same: bool, n0: u64) -> f64 {
    let corpus = x_ln_x(n0) - x_ln_x(n0 - k);
    if same {
        x_ln_x(k) + x_ln_x(n_a.saturating_sub(2 * k)) - x_ln_x(n_a) + corpus
    } else {
        x_ln_x(k) + x_ln_x(n_a - k) + x_ln_x(n_b - k) - x_ln_x(n_a) - x_ln_x(n_b) + corpus
    }
}
