//! The naive algorithms, written to be read: each follows its rule as `docs/algorithms.md`
//! states it, with no index, heap, cache or trie, and is slow (quadratic or worse). The
//! fast modules are checked against these, by their unit tests and by the fuzz targets
//! (`fuzz/` turns on this crate's `reference` feature), so each rule is written once.
//!
//! | function | the rule of |
//! | --- | --- |
//! | [`bpe_train`] | [`crate::bpe::train`]: recount every pair before each merge |
//! | [`bpe_encode_word`] | [`crate::bpe::encode`]: rescan for the lowest-ranked pair |
//! | [`wordpiece_encode_word`] | [`crate::wordpiece::encode`]: longest match, char by char |

use std::collections::HashMap;

use crate::count::WordCounts;

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
        for (symbols, _) in &mut words {
            *symbols = merge_pair(symbols, &best.0, &best.1);
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
        symbols = merge_pair(&symbols, left, right);
    }
}

/// `symbols` with every non-overlapping `left right`, left to right, joined into one.
fn merge_pair(symbols: &[String], left: &str, right: &str) -> Vec<String> {
    let mut merged = Vec::with_capacity(symbols.len());
    let mut i = 0;
    while i < symbols.len() {
        if i + 1 < symbols.len() && symbols[i] == left && symbols[i + 1] == right {
            merged.push(format!("{left}{right}"));
            i += 2;
        } else {
            merged.push(symbols[i].clone());
            i += 1;
        }
    }
    merged
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
