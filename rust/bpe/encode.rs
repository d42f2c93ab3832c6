//! BPE encoding with subword-nmt `apply_bpe` semantics.
//!
//! A word starts as its characters with the end-of-word suffix fused onto the last one.
//! While some adjacent pair is a merge, the pair with the lowest rank is merged at every
//! non-overlapping position, left to right — exactly `apply_bpe.encode` (the `merge`
//! module applies the rule; this one splits text, caches words and maps symbols to
//! ids). Characters the model never saw stay single symbols; `encode` maps them to the
//! unk id or, with byte fallback, spells them as `<0xNN>` byte tokens followed by the bare
//! suffix token when they end a word, so that [`BpeModel::decode`] restores any text.
//!
//! Frequent words are cached: most of a corpus is a few thousand distinct words.

use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};

pub use super::merge::Piece;
use super::merge::{MergeScratch, MergeTable};
use super::{BpeVocab, DEFAULT_UNK_TOKEN, END_OF_WORD, byte_token};
use crate::batch::{self, Flat};
use crate::count::{split_words, whitespace_pieces};
use crate::{Error, Result, formats};

/// Options of a [`BpeModel`].
#[derive(Debug, Clone)]
pub struct BpeOptions {
    /// The token unknown characters encode to, unless `byte_fallback` is on.
    pub unk_token: Option<String>,
    /// Spell unknown characters as byte tokens instead of the unk token.
    pub byte_fallback: bool,
    /// The end-of-word suffix fused onto each word's last symbol.
    pub end_of_word_suffix: String,
}

impl Default for BpeOptions {
    fn default() -> Self {
        BpeOptions {
            unk_token: Some(DEFAULT_UNK_TOKEN.to_string()),
            byte_fallback: false,
            end_of_word_suffix: END_OF_WORD.to_string(),
        }
    }
}

/// Words cached at most; beyond this new words are encoded without being remembered.
const CACHE_CAPACITY: usize = 100_000;

/// Words longer than this (in bytes) are never cached: they are rare and large.
const CACHE_MAX_WORD: usize = 64;

/// A BPE model ready to encode: vocabulary, ranked merges and options.
pub struct BpeModel {
    tokens: Vec<String>,
    ids: FxHashMap<String, u32>,
    merges: Vec<(String, String)>,
    /// The merges as ids, ready to apply to a word's symbols.
    merges_by_rank: MergeTable,
    /// Ids of single characters as they start or continue a word...
    char_ids: FxHashMap<char, u32>,
    /// ... and as they end one (character + suffix).
    final_char_ids: FxHashMap<char, u32>,
    /// `char_ids` and `final_char_ids` of the ASCII characters, by code: the start of
    /// every word not yet cached, where hashing each character showed in profiles.
    ascii_ids: [Option<u32>; 128],
    final_ascii_ids: [Option<u32>; 128],
    options: BpeOptions,
    unk_id: Option<u32>,
    byte_ids: Option<([u32; 256], u32)>,
    byte_of_id: FxHashMap<u32, u8>,
    cache: RwLock<FxHashMap<Box<str>, Arc<[Piece]>>>,
    /// Set once the cache holds [`CACHE_CAPACITY`] words: a word the cache lacks is then
    /// merged in a thread's scratch buffers, with no allocation and no write lock tried.
    cache_full: AtomicBool,
}

thread_local! {
    /// The buffers each thread merges uncached words in: a word's symbols, and
    /// [`MergeScratch`]. Most words the cache lacks are rare (en-10m: 255,000 misses, 202,000
    /// distinct words) and merging them was the largest part of encoding.
    static SCRATCH: RefCell<(Vec<Piece>, MergeScratch)> = RefCell::default();
}

/// The size of the pieces [`BpeModel::encode_long_until`] cuts a long text into: large
/// enough that a piece costs far more than handing it to a thread, small enough that a
/// stop request is seen within milliseconds.
pub const LONG_TEXT_PIECE: usize = 64 * 1024;

/// A long text's pieces run in parallel from this many: each takes about a millisecond,
/// far more than a parallel step costs.
const PARALLEL_PIECES: usize = 2;

impl BpeModel {
    /// Builds a model from a vocabulary (id order) and merges (rank order). Every merge's
    /// two symbols and their concatenation must be in the vocabulary; the error names the
    /// 0-based index of the first merge that is not (file loaders turn it into a line).
    pub fn new(
        tokens: Vec<String>,
        merges: Vec<(String, String)>,
        options: BpeOptions,
    ) -> Result<Self> {
        let mut ids = FxHashMap::default();
        for (id, token) in tokens.iter().enumerate() {
            if ids.insert(token.clone(), id as u32).is_some() {
                return Err(Error::InvalidInput(format!(
                    "the vocabulary holds {token:?} twice"
                )));
            }
        }
        let mut merges_by_rank = MergeTable::with_capacity(merges.len());
        for (rank, (left, right)) in merges.iter().enumerate() {
            formats::check_merge_symbol(left)?;
            formats::check_merge_symbol(right)?;
            let lookup = |symbol: &str| {
                ids.get(symbol).copied().ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "merge {rank} ({left:?} {right:?}): {symbol:?} is not in the vocabulary"
                    ))
                })
            };
            let pair = (lookup(left)?, lookup(right)?);
            let merged = lookup(&format!("{left}{right}"))?;
            merges_by_rank.push(pair, merged);
        }
        let suffix = options.end_of_word_suffix.as_str();
        let mut char_ids = FxHashMap::default();
        let mut final_char_ids = FxHashMap::default();
        for (token, &id) in &ids {
            let mut chars = token.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                char_ids.insert(c, id);
            }
            if let Some(stem) = token.strip_suffix(suffix) {
                let mut chars = stem.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    final_char_ids.insert(c, id);
                }
            }
        }
        let ascii_table = |ids: &FxHashMap<char, u32>| {
            std::array::from_fn(|code| ids.get(&char::from(code as u8)).copied())
        };
        let (ascii_ids, final_ascii_ids) = (ascii_table(&char_ids), ascii_table(&final_char_ids));
        let unk_id = match &options.unk_token {
            Some(unk) => Some(*ids.get(unk).ok_or_else(|| {
                Error::InvalidInput(format!("the unk token {unk:?} is not in the vocabulary"))
            })?),
            None => None,
        };
        let (byte_ids, byte_of_id) = if options.byte_fallback {
            let missing = |token: &str| {
                Error::InvalidInput(format!(
                    "byte_fallback needs the token {token:?} in the vocabulary (train with byte_fallback=True)"
                ))
            };
            let mut table = [0u32; 256];
            let mut byte_of_id = FxHashMap::default();
            for byte in 0..=255u8 {
                let token = byte_token(byte);
                table[byte as usize] = *ids.get(&token).ok_or_else(|| missing(&token))?;
                byte_of_id.insert(table[byte as usize], byte);
            }
            let suffix_id = *ids.get(suffix).ok_or_else(|| missing(suffix))?;
            (Some((table, suffix_id)), byte_of_id)
        } else {
            (None, FxHashMap::default())
        };
        Ok(BpeModel {
            tokens,
            ids,
            merges,
            merges_by_rank,
            char_ids,
            final_char_ids,
            ascii_ids,
            final_ascii_ids,
            options,
            unk_id,
            byte_ids,
            byte_of_id,
            cache: RwLock::new(FxHashMap::default()),
            cache_full: AtomicBool::new(false),
        })
    }

    /// Builds a model from subword-nmt codes alone: the vocabulary is the special tokens,
    /// then the symbols merges start from (sorted by code point), then each merge result.
    pub fn from_merges(
        merges: Vec<(String, String)>,
        special_tokens: &[String],
        options: BpeOptions,
    ) -> Result<Self> {
        let merged: FxHashSet<String> = merges.iter().map(|(l, r)| format!("{l}{r}")).collect();
        let mut alphabet: Vec<&String> = merges
            .iter()
            .flat_map(|(l, r)| [l, r])
            .filter(|symbol| !merged.contains(*symbol))
            .collect();
        alphabet.sort_unstable();
        alphabet.dedup();
        let mut vocab: Vec<String> = special_tokens.to_vec();
        if options.byte_fallback {
            vocab.extend((0..=255).map(byte_token));
            vocab.push(options.end_of_word_suffix.clone());
        }
        vocab.extend(alphabet.into_iter().cloned());
        vocab.extend(merges.iter().map(|(l, r)| format!("{l}{r}")));
        let mut seen = FxHashSet::default();
        vocab.retain(|token| seen.insert(token.clone()));
        BpeModel::new(vocab, merges, options)
    }

    /// Loads a Hugging Face `vocab.json` + `merges.txt` pair; a merge whose symbols are not
    /// in the vocabulary is reported with its line in `merges.txt`.
    /// Stops with [`Error::Interrupted`] once `stop` is set.
    pub fn from_files(
        vocab_path: &Path,
        merges_path: &Path,
        options: BpeOptions,
        stop: &AtomicBool,
    ) -> Result<Self> {
        let tokens = formats::read_vocab_json(vocab_path, stop)?;
        let numbered = formats::read_merges(merges_path, stop)?;
        let known: FxHashSet<&str> = tokens.iter().map(String::as_str).collect();
        for (line, (left, right)) in &numbered {
            let merged = format!("{left}{right}");
            for symbol in [left.as_str(), right.as_str(), merged.as_str()] {
                if !known.contains(symbol) {
                    return Err(Error::format(
                        merges_path,
                        *line,
                        format!("{symbol:?} is not in {}", vocab_path.display()),
                    ));
                }
            }
        }
        let merges = numbered.into_iter().map(|(_, merge)| merge).collect();
        BpeModel::new(tokens, merges, options)
    }

    /// Loads a subword-nmt codes file (or a `merges.txt` alone); see [`BpeModel::from_merges`].
    /// Stops with [`Error::Interrupted`] once `stop` is set.
    pub fn from_codes(
        path: &Path,
        special_tokens: &[String],
        options: BpeOptions,
        stop: &AtomicBool,
    ) -> Result<Self> {
        let merges = formats::read_merges(path, stop)?
            .into_iter()
            .map(|(_, merge)| merge)
            .collect();
        BpeModel::from_merges(merges, special_tokens, options)
    }

    /// Writes `vocab.json` and `merges.txt` into `directory`, each atomically.
    pub fn save(&self, directory: &Path) -> Result<()> {
        formats::write_vocab_json(&directory.join("vocab.json"), &self.tokens)?;
        formats::write_merges(&directory.join("merges.txt"), &self.merges)
    }

    /// The vocabulary and merges of a trained model.
    pub fn from_trained(trained: BpeVocab, options: BpeOptions) -> Result<Self> {
        BpeModel::new(trained.vocab, trained.merges, options)
    }

    /// The vocabulary in id order.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// The merges in rank order.
    pub fn merges(&self) -> &[(String, String)] {
        &self.merges
    }

    /// The options the model encodes with.
    pub fn options(&self) -> &BpeOptions {
        &self.options
    }

    /// The id of `token`, if it is in the vocabulary.
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    /// The token of `id`.
    pub fn id_to_token(&self, id: u64) -> Result<&str> {
        self.tokens
            .get(id as usize)
            .map(String::as_str)
            .ok_or(Error::IdOutOfRange {
                id,
                vocab_size: self.tokens.len(),
            })
    }

    /// The symbols of one word after all merges, cached for frequent words.
    pub fn word_pieces(&self, word: &str) -> Arc<[Piece]> {
        let cacheable = word.len() <= CACHE_MAX_WORD;
        if cacheable
            && let Ok(cache) = self.cache.try_read()
            && let Some(pieces) = cache.get(word)
        {
            return pieces.clone();
        }
        self.merge_and_remember(word)
    }

    /// The symbols of a word the cache lacks, stored as [`Self::remember`] allows.
    fn merge_and_remember(&self, word: &str) -> Arc<[Piece]> {
        self.with_merged(word, |pieces| {
            let pieces: Arc<[Piece]> = pieces.into();
            self.remember(word, || pieces.clone());
            pieces
        })
    }

    /// Stores the symbols `pieces()` gives for `word` when it is cacheable and the cache
    /// has room (and is not locked by another thread at that moment).
    fn remember(&self, word: &str, pieces: impl FnOnce() -> Arc<[Piece]>) {
        if word.len() > CACHE_MAX_WORD || self.cache_full.load(Ordering::Relaxed) {
            return;
        }
        if let Ok(mut cache) = self.cache.try_write() {
            if cache.len() < CACHE_CAPACITY {
                cache.insert(word.into(), pieces());
            } else {
                self.cache_full.store(true, Ordering::Relaxed);
            }
        }
    }

    /// `use_pieces` of the symbols of `word` after all merges, made in this thread's
    /// scratch buffers.
    fn with_merged<R>(&self, word: &str, use_pieces: impl FnOnce(&[Piece]) -> R) -> R {
        SCRATCH.with_borrow_mut(|(pieces, scratch)| {
            self.initial_pieces_into(word, pieces);
            self.merges_by_rank.merge_in_place(pieces, scratch);
            use_pieces(pieces)
        })
    }

    #[cfg(test)]
    fn initial_pieces(&self, word: &str) -> Vec<Piece> {
        let mut pieces = Vec::with_capacity(word.len());
        self.initial_pieces_into(word, &mut pieces);
        pieces
    }

    /// A word's symbols before merging, in `pieces` (emptied first): its characters, the
    /// suffix fused onto the last.
    fn initial_pieces_into(&self, word: &str, pieces: &mut Vec<Piece>) {
        pieces.clear();
        let mut chars = word.chars().peekable();
        while let Some(ch) = chars.next() {
            let end_of_word = chars.peek().is_none();
            let id = match (ch.is_ascii(), end_of_word) {
                (true, false) => self.ascii_ids[ch as usize],
                (true, true) => self.final_ascii_ids[ch as usize],
                (false, false) => self.char_ids.get(&ch).copied(),
                (false, true) => self.final_char_ids.get(&ch).copied(),
            };
            pieces.push(match id {
                Some(id) => Piece::Known(id),
                None => Piece::Unknown { ch, end_of_word },
            });
        }
    }

    /// The symbols of `text`, split on whitespace as Python's `str.split()`, as strings:
    /// vocabulary tokens, and unknown characters as themselves (+ suffix at a word's end).
    pub fn tokenize(&self, text: &str) -> Vec<String> {
        let suffix = &self.options.end_of_word_suffix;
        let mut symbols = Vec::new();
        for word in split_words(text) {
            for piece in self.word_pieces(word).iter() {
                symbols.push(match *piece {
                    Piece::Known(id) => self.tokens[id as usize].clone(),
                    Piece::Unknown { ch, end_of_word } => {
                        let mut symbol = ch.to_string();
                        if end_of_word {
                            symbol.push_str(suffix);
                        }
                        symbol
                    }
                });
            }
        }
        symbols
    }

    /// The ids of `text`.
    ///
    /// The cache's read lock is taken once per text, not once per word, and cached pieces
    /// are read in place rather than cloned out: with several threads encoding, every
    /// lock acquisition and reference-count change is an atomic write to a cache line
    /// that all cores share, and per word those made a parallel batch slower than one
    /// thread. The lock is let go only to merge a word the cache lacks.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let mut ids = Vec::with_capacity(text.len() / 3);
        self.encode_into(text, &mut ids)?;
        Ok(ids)
    }

    /// [`Self::encode`] appending the ids of `text` to `ids`: a batch fills one vector.
    pub fn encode_into(&self, text: &str, ids: &mut Vec<u32>) -> Result<()> {
        let mut cache = self.cache.try_read().ok();
        for word in split_words(text) {
            if let Some(pieces) = cache.as_ref().and_then(|cache| cache.get(word)) {
                for piece in pieces.iter() {
                    self.push_ids(*piece, ids)?;
                }
                continue;
            }
            // A miss (or no read lock): merge without looking the word up again, after
            // letting go of the read lock so that the word can be written in.
            drop(cache.take());
            self.with_merged(word, |pieces| {
                self.remember(word, || pieces.into());
                pieces
                    .iter()
                    .try_for_each(|&piece| self.push_ids(piece, ids))
            })?;
            cache = self.cache.try_read().ok();
        }
        Ok(())
    }

    fn push_ids(&self, piece: Piece, ids: &mut Vec<u32>) -> Result<()> {
        match piece {
            Piece::Known(id) => ids.push(id),
            Piece::Unknown { ch, end_of_word } => {
                if let Some((table, suffix_id)) = &self.byte_ids {
                    let mut utf8 = [0u8; 4];
                    ids.extend(ch.encode_utf8(&mut utf8).bytes().map(|b| table[b as usize]));
                    if end_of_word {
                        ids.push(*suffix_id);
                    }
                } else if let Some(unk) = self.unk_id {
                    ids.push(unk);
                } else {
                    return Err(Error::InvalidInput(format!(
                        "the character {ch:?} is not in the vocabulary and the model has no unk_token"
                    )));
                }
            }
        }
        Ok(())
    }

    /// The ids of many texts, in parallel.
    pub fn encode_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<Vec<u32>>> {
        self.encode_batch_until(texts, &AtomicBool::new(false))
    }

    /// [`Self::encode_batch`] that gives up with [`Error::Interrupted`] once `stop` is set:
    /// the flag is checked before each text, so a Ctrl-C in Python waits for at most one
    /// text per thread.
    pub fn encode_batch_until<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        stop: &AtomicBool,
    ) -> Result<Vec<Vec<u32>>> {
        batch::map_until(texts, batch::PARALLEL_TEXTS, stop, |text| {
            self.encode(text.as_ref())
        })
    }

    /// The ids of many texts laid end to end ([`Flat`]), in parallel, giving up with
    /// [`Error::Interrupted`] once `stop` is set: [`Self::encode_batch_until`] without a
    /// vector per text (see [`batch::flat_map_until`]).
    pub fn encode_batch_flat_until<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        stop: &AtomicBool,
    ) -> Result<Flat<u32>> {
        self.encode_flat_from(texts, batch::PARALLEL_TEXTS, stop)
    }

    /// [`Self::encode_batch_flat_until`], in parallel from `parallel_from` texts.
    fn encode_flat_from<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        parallel_from: usize,
        stop: &AtomicBool,
    ) -> Result<Flat<u32>> {
        batch::flat_map_until(texts, parallel_from, stop, |text, ids| {
            self.encode_into(text.as_ref(), ids)
        })
    }

    /// [`Self::encode`] of a long text, cut at whitespace into pieces of about
    /// [`LONG_TEXT_PIECE`] bytes (see [`whitespace_pieces`]) that are encoded as a batch:
    /// in parallel, and giving up with [`Error::Interrupted`] once `stop` is set. The ids
    /// are those of [`Self::encode`], since no word spans two pieces.
    pub fn encode_long_until(&self, text: &str, stop: &AtomicBool) -> Result<Vec<u32>> {
        let pieces = whitespace_pieces(text, LONG_TEXT_PIECE);
        Ok(self
            .encode_flat_from(&pieces, PARALLEL_PIECES, stop)?
            .values)
    }

    /// [`Self::tokenize`] of a long text, as [`Self::encode_long_until`] encodes it.
    pub fn tokenize_long_until(&self, text: &str, stop: &AtomicBool) -> Result<Vec<String>> {
        let pieces = whitespace_pieces(text, LONG_TEXT_PIECE);
        let symbols = batch::map_until(&pieces, PARALLEL_PIECES, stop, |piece| {
            Ok(self.tokenize(piece))
        })?;
        Ok(symbols.concat())
    }

    /// The text of `ids`: each suffix becomes a space between words, byte tokens are
    /// reassembled into characters (invalid sequences become U+FFFD).
    pub fn decode(&self, ids: &[u64]) -> Result<String> {
        let suffix = self.options.end_of_word_suffix.as_str();
        let mut text = String::new();
        let mut bytes: Vec<u8> = Vec::new();
        for &id in ids {
            let token = self.id_to_token(id)?;
            if let Some(&byte) = self.byte_of_id.get(&(id as u32)) {
                bytes.push(byte);
                continue;
            }
            if !bytes.is_empty() {
                text.push_str(&String::from_utf8_lossy(&bytes));
                bytes.clear();
            }
            match token.strip_suffix(suffix) {
                Some(stem) => {
                    text.push_str(stem);
                    text.push(' ');
                }
                None => text.push_str(token),
            }
        }
        text.push_str(&String::from_utf8_lossy(&bytes));
        if text.ends_with(' ') {
            text.pop();
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::bpe::train::{BpeSize, BpeTrainerConfig, train};
    use crate::count::count_texts;
    use crate::progress::Silent;
    use crate::reference;
    use proptest::prelude::*;

    #[test]
    fn a_set_stop_flag_interrupts_a_batch_and_leaves_the_model_usable() {
        let model = trained(&["low lower lowest"], false);
        let texts = vec!["low lower"; 1000];
        let stop = AtomicBool::new(true);
        assert!(matches!(
            model.encode_batch_until(&texts, &stop),
            Err(Error::Interrupted)
        ));
        stop.store(false, Ordering::Relaxed);
        assert_eq!(
            model.encode_batch_until(&texts, &stop).unwrap(),
            model.encode_batch(&texts).unwrap()
        );
    }

    #[test]
    fn a_flat_batch_holds_each_texts_ids_in_order_empty_texts_included() {
        let model = trained(&["low lower lowest newest widest"], true);
        let texts: Vec<String> = (0..1000)
            .map(|i| ["", "low lower", "wïdest  zz", " ", "newest low"][i % 5].repeat(i % 3))
            .collect();
        let never = AtomicBool::new(false);
        let flat = model.encode_batch_flat_until(&texts, &never).unwrap();
        let rows: Vec<Vec<u32>> = flat.rows().map(<[u32]>::to_vec).collect();
        assert_eq!(rows, model.encode_batch(&texts).unwrap());
        assert!(flat.lengths.contains(&0));
        let none: &[&str] = &[];
        assert_eq!(
            model.encode_batch_flat_until(none, &never).unwrap(),
            Flat::default()
        );
    }

    fn trained(corpus: &[&str], byte_fallback: bool) -> BpeModel {
        let config = BpeTrainerConfig {
            size: BpeSize::NumMerges(50),
            min_frequency: 1,
            byte_fallback,
            ..Default::default()
        };
        let vocab = train(&count_texts(corpus), &config, &Silent).unwrap();
        let options = BpeOptions {
            byte_fallback,
            ..Default::default()
        };
        BpeModel::from_trained(vocab, options).unwrap()
    }

    #[test]
    fn tokenizes_with_suffix_on_the_last_piece() {
        let model = trained(&["low low low lower newest newest widest"], false);
        let tokens = model.tokenize("lowest zzz");
        assert_eq!(tokens.last().unwrap(), "z</w>");
        assert!(tokens.iter().filter(|t| t.ends_with("</w>")).count() == 2);
        let ids = model.encode("lowest zzz").unwrap();
        assert_eq!(
            ids.iter().filter(|&&id| id == 0).count(),
            3,
            "z is unknown three times"
        );
    }

    #[test]
    fn merges_lowest_rank_first_everywhere() {
        // Ranks: (a, a) first, then (aa, a</w>). "aaaaa" -> aa aa a</w> -> aa aaa</w>.
        let merges = vec![
            ("a".to_string(), "a".to_string()),
            ("aa".to_string(), "a</w>".to_string()),
        ];
        let model =
            BpeModel::from_merges(merges, &["<unk>".to_string()], BpeOptions::default()).unwrap();
        assert_eq!(model.tokenize("aaaaa"), ["aa", "aaa</w>"]);
    }

    #[test]
    fn a_megabyte_word_encodes() {
        // Rescanning after every round would need ~10^12 steps here; the heap needs ~10^7.
        let model = trained(&["abab abba baba aabb"], false);
        let word = "ab".repeat(500_000);
        let tokens = model.tokenize(&word);
        assert_eq!(tokens.concat().replace("</w>", ""), word);
    }

    #[test]
    fn decode_reverses_encode_with_byte_fallback() {
        let model = trained(&["hello world hello"], true);
        let text = "hello wörld 語 x";
        let ids: Vec<u64> = model
            .encode(text)
            .unwrap()
            .into_iter()
            .map(u64::from)
            .collect();
        assert_eq!(model.decode(&ids).unwrap(), text);
        assert!(matches!(
            model.decode(&[u64::MAX]),
            Err(Error::IdOutOfRange { .. })
        ));
    }

    #[test]
    fn rejects_merges_outside_the_vocabulary_and_missing_unk() {
        let tokens = vec!["<unk>".to_string(), "a".to_string()];
        let merges = vec![("a".into(), "b".into())];
        let result = BpeModel::new(tokens.clone(), merges, BpeOptions::default());
        assert!(result.is_err_and(|e| e.to_string().contains("merge 0")));
        let options = BpeOptions {
            unk_token: Some("[UNK]".into()),
            ..Default::default()
        };
        assert!(
            BpeModel::new(tokens, vec![], options)
                .is_err_and(|e| e.to_string().contains("unk token"))
        );
    }

    /// A random but consistent merge table over a small alphabet: each merge joins two
    /// symbols that exist by then, so the same string can arise from several merges and
    /// merges can come in any order — harsher than anything training produces.
    fn random_merges(choices: Vec<(usize, usize)>) -> Vec<(String, String)> {
        let mut symbols: Vec<String> = ["a", "b", "a</w>", "b</w>"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut merges = Vec::new();
        for (left, right) in choices {
            let left = symbols[left % symbols.len()].clone();
            let right = symbols[right % symbols.len()].clone();
            if left.ends_with("</w>") {
                continue;
            }
            symbols.push(format!("{left}{right}"));
            merges.push((left, right));
        }
        merges
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn long_and_short_merging_agree_with_the_reference(
            choices in prop::collection::vec((0usize..64, 0usize..64), 0..40),
            word in "[ab]{1,120}",
        ) {
            let merges = random_merges(choices);
            let model = BpeModel::from_merges(merges.clone(), &["<unk>".to_string()], BpeOptions::default()).unwrap();
            let pieces = model.initial_pieces(&word);
            let mut short = pieces.clone();
            model.merges_by_rank.merge_short(&mut short, &mut MergeScratch::default());
            prop_assert_eq!(model.merges_by_rank.merge_long(pieces), short);
            prop_assert_eq!(model.tokenize(&word), reference::bpe_encode_word(&merges, &word, END_OF_WORD));
        }
    }

    proptest! {
        #[test]
        fn byte_fallback_round_trips_any_text(text in "\\PC{0,40}", corpus in "[a-c ]{0,40}") {
            let model = trained(&[corpus.as_str(), "abc"], true);
            let ids: Vec<u64> = model.encode(&text).unwrap().into_iter().map(u64::from).collect();
            let expected: Vec<&str> = split_words(&text).collect();
            prop_assert_eq!(model.decode(&ids).unwrap(), expected.join(" "));
        }
    }
}
