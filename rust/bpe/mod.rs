//! Byte-pair encoding, the subword-nmt family: [`train`] learns ranked merges from word
//! counts, [`encode`] applies them to text.
//!
//! Both halves share the word model: a word is its characters with the end-of-word
//! suffix ([`END_OF_WORD`]) fused onto the last one (`low` -> `l o w</w>`), and with byte
//! fallback an unseen character is spelled as [`byte_token`]s. The vocabulary a trainer
//! produces ([`BpeVocab`]) is what a model is built from. `docs/algorithms.md` has the
//! full rules, tie-breaking included; each submodule's header states its own.

pub mod encode;
mod merge;
pub mod train;

/// The end-of-word suffix of subword-nmt codes version 0.2.
pub const END_OF_WORD: &str = "</w>";

/// The unk token of a BPE model unless another is given.
pub const DEFAULT_UNK_TOKEN: &str = "<unk>";

/// A trained BPE model: the vocabulary in id order and the merges in rank order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BpeVocab {
    pub vocab: Vec<String>,
    pub merges: Vec<(String, String)>,
}

/// The name of byte token `byte`, as sentencepiece and Hugging Face spell it.
pub fn byte_token(byte: u8) -> String {
    format!("<0x{byte:02X}>")
}
