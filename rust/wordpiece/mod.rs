//! WordPiece, BERT's subword model: [`train`] builds a vocabulary from word counts by
//! merging pairs of symbols (and, on request, [`refine`] tunes it for the encoder),
//! [`adapt`] adds to a pretrained vocab the tokens that save the most on a domain,
//! [`encode`] splits words greedily, longest match first (over tables that the private
//! `trie` module compiles from the vocabulary), and [`chunks`] encodes whole texts one
//! distinct whitespace chunk at a time through a bounded cache ([`chunk_table`]), as
//! [`aligned_chunks`] does with each piece's span and word.
//!
//! Both halves share the word model: the first piece of a word is written as is, every
//! later piece with the continuing-subword prefix ([`DEFAULT_PREFIX`], `##`), and a word
//! that cannot be covered becomes the unk token. `docs/algorithms.md` has the full rules,
//! tie-breaking included; each submodule's header states its own.

pub mod adapt;
pub mod aligned_chunks;
pub mod chunk_table;
pub mod chunks;
pub mod encode;
pub mod refine;
pub mod scoring;
pub mod train;
mod trie;

/// The special tokens of BERT, in the order they are put first in a trained vocab.
pub const DEFAULT_SPECIAL_TOKENS: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

/// The default unk token, as BERT's.
pub const DEFAULT_UNK_TOKEN: &str = "[UNK]";

/// The default continuing-subword prefix, as BERT's.
pub const DEFAULT_PREFIX: &str = "##";

/// The default longest word (in chars) that is not unk, as transformers'.
pub const DEFAULT_MAX_INPUT_CHARS_PER_WORD: usize = 100;

/// The words of `counts` that take part, as `(word, count)`: a count above zero and not
/// empty; an empty corpus is an error saying what the words were for (`purpose`, e.g.
/// "train on"). The order is the table's (hash) order.
pub(crate) fn counted_words<'a>(
    counts: &'a crate::count::WordCounts,
    purpose: &str,
) -> crate::Result<Vec<(&'a str, u64)>> {
    let words: Vec<(&str, u64)> = counts
        .iter()
        .filter(|(word, count)| **count > 0 && !word.is_empty())
        .map(|(word, count)| (word.as_str(), *count))
        .collect();
    if words.is_empty() {
        return Err(crate::Error::InvalidInput(format!(
            "empty corpus: there are no words (with a count above zero) to {purpose}"
        )));
    }
    Ok(words)
}
