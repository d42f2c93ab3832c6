//! WordPiece encoding: BERT's greedy longest-match-first, in time linear in the word.
//!
//! The rule (transformers' `WordpieceTokenizer`, Google's `tokenization.py`): from the
//! start of the word take the longest vocab entry that is a prefix of the rest, with the
//! continuing-subword prefix (`##`) put in front of every piece but the first; if at some
//! point no entry matches, or the word has more than `max_input_chars_per_word` chars, the
//! WHOLE word becomes the unk token.
//!
//! Done naively this re-scans the rest of the word for every piece (quadratic). Here it
//! is LinMaxMatch from "Fast WordPiece Tokenization" (Song et al., 2021): a trie over the
//! vocab whose nodes carry a failure link `f(v)` and failure pops `F(v)`. Walking the
//! word byte by byte, when the next byte has no edge from node `v`, the greedy algorithm
//! must emit the tokens `F(v)` (the longest-match pieces of the string spelt by `v`,
//! popped until what is left is again a trie node) and continue from `f(v)`, the node
//! spelling `##` + what is left. Every byte is read once and every token is emitted once,
//! so the work is linear in the word plus its pieces.
//!
//! Two tries share one array: trie A holds every vocab entry and is used only for the
//! first piece; trie B holds the entries that start with the prefix, with the prefix
//! stripped, and is where every failure link points. Keeping them apart is what makes a
//! word that itself starts with `##` (matched from the start, where `##` is plain text)
//! and an empty prefix (B is then the whole vocab again) come out right.
//!
//! The trie is byte-level: vocab entries are whole UTF-8 strings, so a match starting on
//! a char boundary also ends on one, and the byte-level longest match is the char-level
//! one. Transitions are a double array (`base[v] + byte`, checked by `check`), so a step
//! is two loads and a compare with no hashing and no per-word allocation.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use rustc_hash::FxHashMap;

use super::trie::{Failure, NONE, ROOT_A, ROOT_B, Trie, Unit};
use crate::count::split_words;
use crate::progress::NEVER;
use crate::{Error, Result, batch};

/// The ids, word indices and char spans of the pieces of a pre-tokenized text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextEncoding {
    /// The ids of the pieces of all words, in order.
    pub ids: Vec<u32>,
    /// For each piece, the index of its word in the text.
    pub word_indices: Vec<u32>,
    /// For each piece, its `(start_char, end_char)` span within its word (the whole word
    /// for an unk word).
    pub spans: Vec<(usize, usize)>,
}

/// A WordPiece vocabulary compiled for fast greedy longest-match-first encoding.
///
/// Immutable once built, so one encoder can be shared by any number of threads.
pub struct WordPieceModel {
    vocab: Vec<String>,
    unk_id: u32,
    prefix: String,
    max_input_chars_per_word: usize,
    units: Vec<Unit>,
    failures: Vec<Failure>,
    /// The failure pops of all nodes, concatenated.
    pops: Vec<u32>,
}

impl std::fmt::Debug for WordPieceModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordPieceModel")
            .field("vocab_size", &self.vocab.len())
            .field("unk_token", &self.unk_token())
            .field("prefix", &self.prefix)
            .field("max_input_chars_per_word", &self.max_input_chars_per_word)
            .field("slots", &self.units.len())
            .finish()
    }
}

impl WordPieceModel {
    /// Compiles `vocab` (the id of a token is its index). Fails with
    /// [`Error::InvalidInput`] on an empty vocab, an empty or duplicate token, a token
    /// `vocab.txt` cannot hold (a line break), or an `unk_token` that is not in the vocab.
    pub fn new(
        vocab: Vec<String>,
        unk_token: &str,
        continuing_subword_prefix: &str,
        max_input_chars_per_word: usize,
    ) -> Result<Self> {
        Self::new_until(
            vocab,
            unk_token,
            continuing_subword_prefix,
            max_input_chars_per_word,
            &NEVER,
        )
    }

    /// [`WordPieceModel::new`], stopping with [`Error::Interrupted`] once `stop` is set
    /// (compiling a large or contrived vocab takes seconds).
    pub fn new_until(
        vocab: Vec<String>,
        unk_token: &str,
        continuing_subword_prefix: &str,
        max_input_chars_per_word: usize,
        stop: &AtomicBool,
    ) -> Result<Self> {
        if vocab.is_empty() {
            return Err(Error::InvalidInput("the vocab is empty".into()));
        }
        // Ids are u32 and NONE is reserved.
        if vocab.len() >= NONE as usize {
            return Err(Error::InvalidInput(format!(
                "the vocab has {} tokens; at most {} are supported",
                vocab.len(),
                NONE - 1
            )));
        }
        let mut ids: FxHashMap<&str, usize> = FxHashMap::default();
        ids.reserve(vocab.len());
        for (id, token) in vocab.iter().enumerate() {
            if token.is_empty() {
                return Err(Error::InvalidInput(format!(
                    "the vocab holds an empty token at index {id}"
                )));
            }
            crate::formats::check_vocab_txt_token(token)?;
            if let Some(first) = ids.insert(token, id) {
                return Err(Error::InvalidInput(format!(
                    "the vocab holds the token {token:?} twice: at index {first} and {id}"
                )));
            }
        }
        let unk_id = *ids.get(unk_token).ok_or_else(|| {
            Error::InvalidInput(format!("the unk token {unk_token:?} is not in the vocab"))
        })? as u32;
        drop(ids);

        let trie = Trie::build(&vocab, continuing_subword_prefix, stop)?;
        let (units, failures, pops) = trie.compile(stop)?;
        Ok(WordPieceModel {
            vocab,
            unk_id,
            prefix: continuing_subword_prefix.to_owned(),
            max_input_chars_per_word,
            units,
            failures,
            pops,
        })
    }

    /// Reads a BERT `vocab.txt` (see [`crate::formats::read_vocab_txt`]) and compiles it;
    /// stops with [`Error::Interrupted`] once `stop` is set.
    pub fn from_file(
        path: &Path,
        unk_token: &str,
        continuing_subword_prefix: &str,
        max_input_chars_per_word: usize,
        stop: &AtomicBool,
    ) -> Result<Self> {
        let vocab = crate::formats::read_vocab_txt(path, stop)?;
        Self::new_until(
            vocab,
            unk_token,
            continuing_subword_prefix,
            max_input_chars_per_word,
            stop,
        )
    }

    /// The tokens, indexed by id.
    pub fn vocab(&self) -> &[String] {
        &self.vocab
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.vocab.len()
    }

    /// Always `false`: an encoder cannot be built from an empty vocab.
    pub fn is_empty(&self) -> bool {
        self.vocab.is_empty()
    }

    /// The unk token.
    pub fn unk_token(&self) -> &str {
        &self.vocab[self.unk_id as usize]
    }

    /// The id of the unk token.
    pub fn unk_id(&self) -> u32 {
        self.unk_id
    }

    /// The prefix of non-initial pieces (`##`).
    pub fn continuing_subword_prefix(&self) -> &str {
        &self.prefix
    }

    /// Words with more chars than this become the unk token.
    pub fn max_input_chars_per_word(&self) -> usize {
        self.max_input_chars_per_word
    }

    /// The id of `token`, if it is in the vocab (found by walking trie A, so no second
    /// copy of the vocab is kept in a hash map).
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        let mut v = ROOT_A;
        for &byte in token.as_bytes() {
            v = self.step(v, byte)?;
        }
        // A node of trie A spells a token iff its failure link is ROOT_B: popping a
        // token that is the whole string leaves nothing, and a node that is not a token
        // always stops popping at a non-empty remainder (see `Trie::failures`).
        let failure = self.failures[v as usize];
        (v != ROOT_A && failure.link == ROOT_B).then(|| self.pops[failure.start as usize])
    }

    /// The token of `id`, or [`Error::IdOutOfRange`].
    pub fn id_to_token(&self, id: u64) -> Result<&str> {
        usize::try_from(id)
            .ok()
            .and_then(|index| self.vocab.get(index))
            .map(String::as_str)
            .ok_or(Error::IdOutOfRange {
                id,
                vocab_size: self.vocab.len(),
            })
    }

    /// The edge from `v` by `byte`, if any.
    #[inline(always)]
    fn step(&self, v: u32, byte: u8) -> Option<u32> {
        // Every base is at most `units.len() - 256` (see `compile`), so `t` is in range.
        let t = self.units[v as usize].base + byte as u32;
        (self.units[t as usize].check == v).then_some(t)
    }

    /// Emits `F(v)` and returns `f(v)`, or `None` if the word cannot be covered.
    #[inline(always)]
    fn pop(&self, v: u32, ids: &mut Vec<u32>) -> Option<u32> {
        let failure = self.failures[v as usize];
        if failure.link == NONE {
            return None;
        }
        let start = failure.start as usize;
        ids.extend_from_slice(&self.pops[start..start + failure.len as usize]);
        Some(failure.link)
    }

    /// Appends the ids of the pieces of `word` to `ids`, or returns `false` (with `ids`
    /// possibly extended by some pieces) when the word cannot be covered.
    #[inline]
    fn match_word(&self, word: &[u8], ids: &mut Vec<u32>) -> bool {
        let mut v = ROOT_A;
        for &byte in word {
            loop {
                if let Some(t) = self.step(v, byte) {
                    v = t;
                    break;
                }
                match self.pop(v, ids) {
                    Some(link) => v = link,
                    None => return false,
                }
            }
        }
        // The word is over: what remains must be covered by longest matches alone.
        while v != ROOT_B && v != ROOT_A {
            match self.pop(v, ids) {
                Some(link) => v = link,
                None => return false,
            }
        }
        true
    }

    /// Whether `word` has more chars than allowed (counting chars only when it must).
    #[inline]
    fn too_long(&self, word: &str) -> bool {
        word.len() > self.max_input_chars_per_word
            && (word.is_ascii() || word.chars().count() > self.max_input_chars_per_word)
    }

    /// Appends the ids of the pieces of `word` to `ids` (one unk id for a word that is
    /// too long or cannot be covered; nothing for the empty word).
    #[inline]
    pub fn encode_word(&self, word: &str, ids: &mut Vec<u32>) {
        let start = ids.len();
        if self.too_long(word) || !self.match_word(word.as_bytes(), ids) {
            ids.truncate(start);
            ids.push(self.unk_id);
        }
    }

    /// [`Self::encode_word`], also appending each piece's `(start_char, end_char)` span
    /// within the word to `spans`; the span of an unk is the whole word.
    pub fn encode_word_with_spans(
        &self,
        word: &str,
        ids: &mut Vec<u32>,
        spans: &mut Vec<(usize, usize)>,
    ) {
        let start = ids.len();
        if self.too_long(word) || !self.match_word(word.as_bytes(), ids) {
            ids.truncate(start);
            ids.push(self.unk_id);
            spans.push((0, word.chars().count()));
            return;
        }
        let ascii = word.is_ascii();
        let (mut byte, mut char) = (0, 0);
        for (i, &id) in ids[start..].iter().enumerate() {
            // The first piece is the token as is; later ones lack the prefix.
            let len = self.vocab[id as usize].len() - if i == 0 { 0 } else { self.prefix.len() };
            let chars = if ascii {
                len
            } else {
                word[byte..byte + len].chars().count()
            };
            spans.push((char, char + chars));
            byte += len;
            char += chars;
        }
    }

    /// The ids of the pieces of `word`.
    pub fn encode(&self, word: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        self.encode_word(word, &mut ids);
        ids
    }

    /// The pieces of `word` as tokens.
    pub fn tokenize_word(&self, word: &str) -> Vec<&str> {
        self.encode(word)
            .into_iter()
            .map(|id| self.vocab[id as usize].as_str())
            .collect()
    }

    /// The ids of the pieces of each word, in parallel, in input order.
    pub fn encode_words<S: AsRef<str> + Sync>(&self, words: &[S]) -> Vec<Vec<u32>> {
        self.encode_words_until(words, &AtomicBool::new(false))
            .expect("never stopped")
    }

    /// [`Self::encode_words`] that gives up with [`Error::Interrupted`] once `stop` is set
    /// (checked before each word: a check is one relaxed load, cheap next to a word).
    pub fn encode_words_until<S: AsRef<str> + Sync>(
        &self,
        words: &[S],
        stop: &AtomicBool,
    ) -> Result<Vec<Vec<u32>>> {
        batch::map_until(words, batch::PARALLEL_WORDS, stop, |word| {
            Ok(self.encode(word.as_ref()))
        })
    }

    /// The ids of many texts, each split on whitespace as Python's `str.split()` (see
    /// [`split_words`]) and its words' pieces concatenated; in parallel over texts, in
    /// input order. The same input as [`crate::bpe::encode::BpeModel::encode_batch`].
    pub fn encode_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Vec<u32>> {
        self.encode_batch_until(texts, &AtomicBool::new(false))
            .expect("never stopped")
    }

    /// [`Self::encode_batch`] that gives up with [`Error::Interrupted`] once `stop` is set
    /// (checked before each text).
    pub fn encode_batch_until<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        stop: &AtomicBool,
    ) -> Result<Vec<Vec<u32>>> {
        batch::map_until(texts, batch::PARALLEL_TEXTS, stop, |text| {
            let mut ids = Vec::new();
            for word in split_words(text.as_ref()) {
                self.encode_word(word, &mut ids);
            }
            Ok(ids)
        })
    }

    /// For each pre-tokenized text (a list of words, each encoded as given), the ids of
    /// all its words' pieces concatenated; in parallel over texts, in input order.
    pub fn encode_pretokenized<T, S>(&self, texts: &[T]) -> Vec<Vec<u32>>
    where
        T: AsRef<[S]> + Sync,
        S: AsRef<str>,
    {
        self.encode_pretokenized_until(texts, &AtomicBool::new(false))
            .expect("never stopped")
    }

    /// [`Self::encode_pretokenized`] that gives up with [`Error::Interrupted`] once `stop`
    /// is set (checked before each text).
    pub fn encode_pretokenized_until<T, S>(
        &self,
        texts: &[T],
        stop: &AtomicBool,
    ) -> Result<Vec<Vec<u32>>>
    where
        T: AsRef<[S]> + Sync,
        S: AsRef<str>,
    {
        batch::map_until(texts, batch::PARALLEL_TEXTS, stop, |text| {
            let words = text.as_ref();
            let mut ids = Vec::with_capacity(words.len() + words.len() / 4);
            for word in words {
                self.encode_word(word.as_ref(), &mut ids);
            }
            Ok(ids)
        })
    }

    /// [`Self::encode_pretokenized`] with the word index and char span of every piece.
    pub fn encode_pretokenized_with_offsets<T, S>(&self, texts: &[T]) -> Vec<TextEncoding>
    where
        T: AsRef<[S]> + Sync,
        S: AsRef<str>,
    {
        self.encode_pretokenized_with_offsets_until(texts, &AtomicBool::new(false))
            .expect("never stopped")
    }

    /// [`Self::encode_pretokenized_with_offsets`] that gives up with [`Error::Interrupted`]
    /// once `stop` is set (checked before each text).
    pub fn encode_pretokenized_with_offsets_until<T, S>(
        &self,
        texts: &[T],
        stop: &AtomicBool,
    ) -> Result<Vec<TextEncoding>>
    where
        T: AsRef<[S]> + Sync,
        S: AsRef<str>,
    {
        batch::map_until(texts, batch::PARALLEL_TEXTS, stop, |text| {
            let mut encoding = TextEncoding::default();
            for (index, word) in text.as_ref().iter().enumerate() {
                let before = encoding.ids.len();
                self.encode_word_with_spans(word.as_ref(), &mut encoding.ids, &mut encoding.spans);
                let pieces = encoding.ids.len() - before;
                encoding
                    .word_indices
                    .extend(std::iter::repeat_n(index as u32, pieces));
            }
            Ok(encoding)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::reference;
    use proptest::prelude::*;

    #[test]
    fn a_set_stop_flag_interrupts_loading_and_compiling() {
        let vocab: Vec<String> = ["[UNK]", "a", "##a"].map(String::from).to_vec();
        let stop = AtomicBool::new(true);
        let compiled = WordPieceModel::new_until(vocab.clone(), "[UNK]", "##", 100, &stop);
        assert!(matches!(compiled, Err(Error::Interrupted)));
        let path = std::env::temp_dir().join(format!("subword-stop-{}.txt", std::process::id()));
        crate::formats::write_vocab_txt(&path, &vocab).unwrap();
        let loaded = WordPieceModel::from_file(&path, "[UNK]", "##", 100, &stop);
        assert!(matches!(loaded, Err(Error::Interrupted)));
        let loaded = WordPieceModel::from_file(&path, "[UNK]", "##", 100, &NEVER).unwrap();
        assert_eq!(loaded.vocab(), vocab);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_stop_during_the_failure_pops_ends_the_compile_at_once() {
        // Greedy on "a" * k pops "a", "##a", "##a", ...: k^2 / 2 ids, built one node at a
        // time (about 0.5 s for k = 11,000, within the default budget).
        let vocab: Vec<String> = ["[UNK]", "a", "##a", &"a".repeat(11_000)]
            .map(String::from)
            .to_vec();
        let stop = AtomicBool::new(false);
        let started = std::time::Instant::now();
        let compiled = std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                stop.store(true, Ordering::Relaxed);
            });
            WordPieceModel::new_until(vocab, "[UNK]", "##", 100, &stop)
        });
        assert!(matches!(compiled, Err(Error::Interrupted)));
        assert!(
            started.elapsed().as_millis() < 150,
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_set_stop_flag_interrupts_every_batch_function() {
        let vocab = ["[UNK]", "un", "##aff", "##able"]
            .map(String::from)
            .to_vec();
        let encoder = WordPieceModel::new(vocab, "[UNK]", "##", 100).unwrap();
        let words = vec!["unaffable"; 2000];
        let texts = vec![words.clone(); 4];
        let stop = AtomicBool::new(true);
        assert!(matches!(
            encoder.encode_words_until(&words, &stop),
            Err(Error::Interrupted)
        ));
        assert!(matches!(
            encoder.encode_pretokenized_until(&texts, &stop),
            Err(Error::Interrupted)
        ));
        assert!(matches!(
            encoder.encode_pretokenized_with_offsets_until(&texts, &stop),
            Err(Error::Interrupted)
        ));
        stop.store(false, Ordering::Relaxed);
        assert_eq!(
            encoder.encode_words_until(&words, &stop).unwrap()[0],
            [1, 2, 3]
        );
        assert_eq!(
            encoder
                .encode_pretokenized_until(&texts, &stop)
                .unwrap()
                .len(),
            4
        );
    }

    fn strings(tokens: &[&str]) -> Vec<String> {
        tokens.iter().map(|s| s.to_string()).collect()
    }

    fn bert_like() -> WordPieceModel {
        let vocab = strings(&[
            "[PAD]", "[UNK]", "un", "##aff", "##able", "a", "##a", "##b", "ab", "#", "##", "###",
            "##c", "é", "##é", "日本", "##語",
        ]);
        WordPieceModel::new(vocab, "[UNK]", "##", 100).unwrap()
    }

    fn tokens(encoder: &WordPieceModel, word: &str) -> Vec<String> {
        encoder
            .tokenize_word(word)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn greedy_longest_match_first() {
        let e = bert_like();
        assert_eq!(tokens(&e, "unaffable"), ["un", "##aff", "##able"]);
        assert_eq!(tokens(&e, "abab"), ["ab", "##a", "##b"]);
        assert_eq!(tokens(&e, "aaab"), ["a", "##a", "##a", "##b"]);
        // `##c` only continues; a word cannot start with it, nor can `c` be covered.
        assert_eq!(tokens(&e, "c"), ["[UNK]"]);
        assert_eq!(tokens(&e, "ac"), ["a", "##c"]);
        assert_eq!(tokens(&e, "acx"), ["[UNK]"]);
        // A word starting with `##` is plain text at the start.
        assert_eq!(tokens(&e, "##c"), ["##c"]);
        assert_eq!(tokens(&e, "###"), ["###"]);
        assert_eq!(tokens(&e, "##"), ["##"]);
        assert_eq!(tokens(&e, "#a"), ["#", "##a"]);
        assert_eq!(tokens(&e, "éé"), ["é", "##é"]);
        assert_eq!(tokens(&e, "日本語"), ["日本", "##語"]);
        assert_eq!(tokens(&e, "日本日"), ["[UNK]"]);
        assert!(tokens(&e, "").is_empty());
    }

    #[test]
    fn long_words_become_unk_by_chars_not_bytes() {
        let vocab = strings(&["[UNK]", "é", "##é", "a", "##a"]);
        let e = WordPieceModel::new(vocab, "[UNK]", "##", 3).unwrap();
        assert_eq!(e.encode("ééé").len(), 3);
        assert_eq!(e.encode("éééé"), [0]);
        assert_eq!(e.encode("aaa").len(), 3);
        assert_eq!(e.encode("aaaa"), [0]);
        let mut ids = Vec::new();
        let mut spans = Vec::new();
        e.encode_word_with_spans("éééé", &mut ids, &mut spans);
        assert_eq!(spans, [(0, 4)]);
    }

    #[test]
    fn spans_are_chars() {
        let e = bert_like();
        let (mut ids, mut spans) = (Vec::new(), Vec::new());
        e.encode_word_with_spans("日本語", &mut ids, &mut spans);
        assert_eq!(spans, [(0, 2), (2, 3)]);
        e.encode_word_with_spans("日本x", &mut ids, &mut spans);
        assert_eq!(spans, [(0, 2), (2, 3), (0, 3)]);
        assert_eq!(ids, [15, 16, 1]);
    }

    #[test]
    fn empty_prefix() {
        let vocab = strings(&["[UNK]", "ab", "a", "b", "bc"]);
        let e = WordPieceModel::new(vocab.clone(), "[UNK]", "", 100).unwrap();
        for word in ["abc", "abbc", "cab", "bcab", "a"] {
            assert_eq!(
                e.encode(word),
                reference::wordpiece_encode_word(&vocab, "[UNK]", "", 100, word).0
            );
        }
    }

    #[test]
    fn bad_vocabs_are_errors() {
        let err = |vocab: &[&str], unk: &str| {
            WordPieceModel::new(strings(vocab), unk, "##", 100)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(err(&[], "[UNK]"), "the vocab is empty");
        assert!(err(&["a", "b"], "[UNK]").contains("\"[UNK]\" is not in the vocab"));
        assert!(err(&["[UNK]", "a", "a"], "[UNK]").contains("\"a\" twice: at index 1 and 2"));
        assert!(err(&["[UNK]", ""], "[UNK]").contains("empty token at index 1"));
    }

    #[test]
    fn lookups() {
        let e = bert_like();
        assert_eq!(e.token_to_id("##aff"), Some(3));
        assert_eq!(e.token_to_id("##"), Some(10));
        assert_eq!(e.token_to_id("#"), Some(9));
        assert_eq!(e.token_to_id("##af"), None);
        assert_eq!(e.token_to_id(""), None);
        assert_eq!(e.token_to_id("zzz"), None);
        for (id, token) in e.vocab().iter().enumerate() {
            assert_eq!(e.token_to_id(token), Some(id as u32));
            assert_eq!(e.id_to_token(id as u64).unwrap(), token);
        }
        assert!(matches!(
            e.id_to_token(17),
            Err(Error::IdOutOfRange {
                id: 17,
                vocab_size: 17
            })
        ));
        assert_eq!(e.unk_token(), "[UNK]");
        assert_eq!(e.unk_id(), 1);
        assert_eq!(e.len(), 17);
    }

    #[test]
    fn batches_keep_order() {
        let e = bert_like();
        let words: Vec<String> = (0..5000)
            .map(|i| ["unaffable", "ab", "x", "aaab", "日本語"][i % 5].repeat(i % 3 + 1))
            .collect();
        let batch = e.encode_words(&words);
        for (word, ids) in words.iter().zip(&batch) {
            assert_eq!(*ids, e.encode(word));
        }
        let texts: Vec<Vec<&str>> = words
            .chunks(7)
            .map(|c| c.iter().map(|s| s.as_str()).collect())
            .collect();
        let encoded = e.encode_pretokenized(&texts);
        let joined: Vec<String> = texts.iter().map(|words| words.join(" \t")).collect();
        assert_eq!(e.encode_batch(&joined), encoded);
        let with_offsets = e.encode_pretokenized_with_offsets(&texts);
        for ((text, ids), full) in texts.iter().zip(&encoded).zip(&with_offsets) {
            let expected: Vec<u32> = text.iter().flat_map(|w| e.encode(w)).collect();
            assert_eq!(*ids, expected);
            assert_eq!(full.ids, expected);
            assert_eq!(full.word_indices.len(), expected.len());
            assert_eq!(full.spans.len(), expected.len());
        }
    }

    #[test]
    fn deep_failure_chains() {
        // Long runs where popping cascades several levels.
        let vocab = strings(&[
            "[UNK]", "a", "##a", "aaaa", "##aaaa", "aaaab", "##aaab", "##b", "##aab", "##ab",
        ]);
        let e = WordPieceModel::new(vocab.clone(), "[UNK]", "##", 1000).unwrap();
        for n in 0..40 {
            for tail in ["", "b", "bb", "ab", "c"] {
                let word = format!("{}{tail}", "a".repeat(n));
                assert_eq!(
                    e.encode(&word),
                    reference::wordpiece_encode_word(&vocab, "[UNK]", "##", 1000, &word).0,
                    "{word}"
                );
            }
        }
    }

    #[test]
    fn long_token_paths_share_pops() {
        // Every prefix `xa..a` of the long token pops the same `x` and continues in the
        // long `##a..a` path of trie B: one stored pop sequence, not 300.
        let vocab = strings(&[
            "[UNK]",
            "x",
            "##a",
            &format!("x{}y", "a".repeat(300)),
            &format!("##{}z", "a".repeat(300)),
        ]);
        let e = WordPieceModel::new(vocab.clone(), "[UNK]", "##", 5000).unwrap();
        assert!(e.pops.len() < 10, "{}", e.pops.len());
        for word in [
            format!("x{}", "a".repeat(251)),
            format!("x{}z", "a".repeat(300)),
            format!("x{}b", "a".repeat(9)),
            vocab[3].clone(),
        ] {
            assert_eq!(
                e.encode(&word),
                reference::wordpiece_encode_word(&vocab, "[UNK]", "##", 5000, &word).0
            );
        }
    }

    fn vocab_strategy() -> impl Strategy<Value = (Vec<String>, String)> {
        // Small alphabets (with a multi-byte char and `#`) so matches and near-misses are
        // frequent; prefixes that are empty, ASCII or multi-byte.
        let alphabet = prop::sample::select(vec!['a', 'b', 'c', '#', 'é', '日']);
        let token = prop::collection::vec(alphabet.clone(), 1..6)
            .prop_map(|chars| chars.into_iter().collect::<String>());
        let prefix = prop::sample::select(vec!["##", "", "#", "é"]);
        (prop::collection::vec((any::<bool>(), token), 0..40), prefix).prop_map(
            |(entries, prefix)| {
                let mut vocab = vec!["[UNK]".to_string()];
                for (continuing, token) in entries {
                    let token = if continuing {
                        format!("{prefix}{token}")
                    } else {
                        token
                    };
                    if !vocab.contains(&token) {
                        vocab.push(token);
                    }
                }
                (vocab, prefix.to_string())
            },
        )
    }

    fn word_strategy() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec!['a', 'b', 'c', '#', 'é', '日', 'z']),
            0..30,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn agrees_with_the_reference(
            (vocab, prefix) in vocab_strategy(),
            words in prop::collection::vec(word_strategy(), 1..20),
            max_chars in prop::sample::select(vec![0usize, 3, 8, 100]),
        ) {
            let e = WordPieceModel::new(vocab.clone(), "[UNK]", &prefix, max_chars).unwrap();
            for word in &words {
                let (ids, spans) = reference::wordpiece_encode_word(&vocab, "[UNK]", &prefix, max_chars, word);
                let (mut got_ids, mut got_spans) = (Vec::new(), Vec::new());
                e.encode_word_with_spans(word, &mut got_ids, &mut got_spans);
                prop_assert_eq!(&got_ids, &ids, "word {:?}", word);
                prop_assert_eq!(&got_spans, &spans, "word {:?}", word);
                prop_assert_eq!(e.encode(word), ids);
            }
            for (id, token) in vocab.iter().enumerate() {
                prop_assert_eq!(e.token_to_id(token), Some(id as u32));
            }
        }

        #[test]
        fn agrees_with_the_reference_on_vocab_words(
            (vocab, prefix) in vocab_strategy(),
            picks in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0usize..3), 1..20),
        ) {
            // Words glued from vocab entries cover mostly, so the long paths are exercised.
            let e = WordPieceModel::new(vocab.clone(), "[UNK]", &prefix, 100).unwrap();
            for (a, b, repeat) in picks {
                let word = format!("{}{}", vocab[a.index(vocab.len())], vocab[b.index(vocab.len())].repeat(repeat));
                prop_assert_eq!(e.encode(&word), reference::wordpiece_encode_word(&vocab, "[UNK]", &prefix, 100, &word).0, "word {:?}", word);
            }
        }
    }
}
