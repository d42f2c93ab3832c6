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

use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use rustc_hash::FxHashMap;

use crate::count::split_words;
use crate::{Error, Result, batch};

/// "No node": a missing failure link, or the `check` of a free or root slot.
const NONE: u32 = u32::MAX;
/// Slot of the root of trie A (the first piece of a word starts here).
const ROOT_A: u32 = 0;
/// Slot of the root of trie B (every later piece starts here).
const ROOT_B: u32 = 1;

/// One double-array slot: the edge `v --byte--> t` exists iff
/// `t = units[v].base + byte` and `units[t].check == v`.
#[derive(Clone, Copy)]
struct Unit {
    base: u32,
    check: u32,
}

/// What the matcher needs only when a byte has no edge (kept apart from [`Unit`] so the
/// hot array stays small).
#[derive(Clone, Copy)]
struct Failure {
    /// `f(v)`, a node of trie B, or [`NONE`] when the greedy match gets stuck (unk).
    link: u32,
    /// `F(v)` as a range of [`WordPieceModel::pops`].
    start: u32,
    len: u32,
}

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
    /// [`Error::InvalidInput`] on an empty vocab, an empty or duplicate token, or an
    /// `unk_token` that is not in the vocab.
    pub fn new(
        vocab: Vec<String>,
        unk_token: &str,
        continuing_subword_prefix: &str,
        max_input_chars_per_word: usize,
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

        let trie = Trie::build(&vocab, continuing_subword_prefix);
        let (units, failures, pops) = trie.compile()?;
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

    /// Reads a BERT `vocab.txt` (see [`crate::formats::read_vocab_txt`]) and compiles it.
    pub fn from_file(
        path: &Path,
        unk_token: &str,
        continuing_subword_prefix: &str,
        max_input_chars_per_word: usize,
    ) -> Result<Self> {
        let vocab = crate::formats::read_vocab_txt(path)?;
        Self::new(
            vocab,
            unk_token,
            continuing_subword_prefix,
            max_input_chars_per_word,
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

/// A pointer-based trie: the build-time form, compiled into the double array.
struct Trie {
    /// Children sorted by byte.
    children: Vec<Vec<(u8, u32)>>,
    /// The token id a node spells, or [`NONE`].
    token: Vec<u32>,
}

impl Trie {
    /// Tries A (rooted at node [`ROOT_A`]) and B (rooted at [`ROOT_B`]) for `vocab`.
    fn build(vocab: &[String], prefix: &str) -> Self {
        let mut trie = Trie {
            children: vec![Vec::new(), Vec::new()],
            token: vec![NONE, NONE],
        };
        let mut all: Vec<(&[u8], u32)> = vocab
            .iter()
            .enumerate()
            .map(|(id, token)| (token.as_bytes(), id as u32))
            .collect();
        // The bare prefix is never a later piece (a piece is at least one char).
        let mut suffixes: Vec<(&[u8], u32)> = vocab
            .iter()
            .enumerate()
            .filter_map(|(id, token)| {
                let rest = token.strip_prefix(prefix)?;
                (!rest.is_empty()).then_some((rest.as_bytes(), id as u32))
            })
            .collect();
        trie.insert_sorted(ROOT_A, &mut all);
        trie.insert_sorted(ROOT_B, &mut suffixes);
        trie
    }

    /// Inserts distinct keys under `root`. Sorted keys share their path with the key
    /// before them up to the common prefix, and a new child is always the greatest so far,
    /// so insertion is linear and leaves children sorted without any search.
    fn insert_sorted(&mut self, root: u32, keys: &mut [(&[u8], u32)]) {
        keys.sort_unstable();
        let mut path = vec![root];
        let mut previous: &[u8] = &[];
        for &(key, id) in keys.iter() {
            let common = key.iter().zip(previous).take_while(|(a, b)| a == b).count();
            path.truncate(common + 1);
            for &byte in &key[common..] {
                let node = self.children.len() as u32;
                self.children.push(Vec::new());
                self.token.push(NONE);
                let parent = *path.last().expect("the root is never popped");
                self.children[parent as usize].push((byte, node));
                path.push(node);
            }
            self.token[*path.last().expect("non-empty") as usize] = id;
            previous = key;
        }
    }

    fn child(&self, node: u32, byte: u8) -> Option<u32> {
        let children = &self.children[node as usize];
        children
            .binary_search_by_key(&byte, |&(b, _)| b)
            .ok()
            .map(|i| children[i].1)
    }

    /// Nodes of `root`'s trie, parents before children, with their parent and edge byte.
    fn breadth_first(&self, root: u32) -> Vec<(u32, u32, u8)> {
        let mut order = Vec::new();
        let mut queue = VecDeque::from([root]);
        while let Some(parent) = queue.pop_front() {
            for &(byte, child) in &self.children[parent as usize] {
                order.push((child, parent, byte));
                queue.push_back(child);
            }
        }
        order
    }

    /// The failure link and pops of every node (pops as ranges of the returned pool).
    ///
    /// For a node `v` reached from `u` by byte `c`:
    /// - if `v` spells a token, `F(v) = [token]` and `f(v) = ROOT_B` (nothing is left);
    /// - otherwise the longest token prefix of `v`'s string is that of `u`'s, so popping
    ///   starts as for `u`: `F(v) = F(u)` and we stand at `z = f(u)` with `c` still to
    ///   read; while `z` has no edge by `c`, the rest `str(z) + c` is no trie node, so no
    ///   token extends past `str(z)` and greedy must pop `F(z)` and move to `f(z)`. When
    ///   `z` has the edge, `f(v)` is its target; when the chain ends (`f = NONE`), no
    ///   token can start at some position: the word is unk.
    ///
    /// Links of trie B point into trie B at shallower nodes, and links of trie A point
    /// into trie B, so doing B breadth-first and then A sees every link it follows already
    /// computed.
    ///
    /// Storage: a node whose pops equal its parent's shares them; for the real BERT vocab
    /// (73k slots) the pool holds 47k ids. A contrived vocab of long tokens whose every
    /// prefix pops a little more can make the pool grow with the square of the token
    /// length; ranges are u32, so an overflow fails with an error rather than wrapping.
    fn failures(&self) -> Result<(Vec<Failure>, Vec<u32>)> {
        let none = Failure {
            link: NONE,
            start: 0,
            len: 0,
        };
        let mut failures = vec![none; self.children.len()];
        let mut pool: Vec<u32> = Vec::new();
        let mut pops: Vec<u32> = Vec::new();
        for root in [ROOT_B, ROOT_A] {
            for (v, u, byte) in self.breadth_first(root) {
                let token = self.token[v as usize];
                let parent = failures[u as usize];
                let failure = if token != NONE {
                    pops.clear();
                    pops.push(token);
                    Some(ROOT_B)
                } else if parent.link == NONE {
                    None
                } else if let Some(link) = self.child(parent.link, byte) {
                    // The usual case: `F(v) = F(u)`, so share its storage. Along a long
                    // path of non-token nodes this keeps the pool from growing with the
                    // square of the path length.
                    failures[v as usize] = Failure { link, ..parent };
                    continue;
                } else {
                    pops.clear();
                    let mut failure = parent;
                    let mut link = None;
                    while failure.link != NONE {
                        let range = failure.start as usize..(failure.start + failure.len) as usize;
                        pops.extend_from_slice(&pool[range]);
                        if let Some(next) = self.child(failure.link, byte) {
                            link = Some(next);
                            break;
                        }
                        failure = failures[failure.link as usize];
                    }
                    link
                };
                if let Some(link) = failure {
                    failures[v as usize] = Failure {
                        link,
                        start: pool.len() as u32,
                        len: pops.len() as u32,
                    };
                    pool.extend_from_slice(&pops);
                    // Ranges are u32; only an absurd vocab (long tokens whose prefixes
                    // pop many pieces) gets near this, and it must fail, not wrap.
                    if pool.len() >= NONE as usize {
                        return Err(Error::InvalidInput(
                            "the vocab is too large to compile (failure pops overflow)".into(),
                        ));
                    }
                }
            }
        }
        Ok((failures, pool))
    }

    /// Lays the tries out as a double array; returns the units, the failures indexed by
    /// slot and the pops pool.
    fn compile(&self) -> Result<(Vec<Unit>, Vec<Failure>, Vec<u32>)> {
        let (node_failures, pool) = self.failures()?;
        let mut slot_of = vec![NONE; self.children.len()];
        slot_of[ROOT_A as usize] = ROOT_A;
        slot_of[ROOT_B as usize] = ROOT_B;
        let mut free = FreeSlots::default();
        free.take(ROOT_A as usize);
        free.take(ROOT_B as usize);
        let mut bases = vec![0u32; self.children.len()];
        let mut queue = VecDeque::from([ROOT_A, ROOT_B]);
        while let Some(node) = queue.pop_front() {
            let children = &self.children[node as usize];
            let Some(&(first, _)) = children.first() else {
                continue;
            };
            // The lowest base at which every child lands on a free slot.
            let mut slot = free.find(first as usize);
            let base = loop {
                let base = slot - first as usize;
                if children[1..]
                    .iter()
                    .all(|&(byte, _)| free.is_free(base + byte as usize))
                {
                    break base;
                }
                slot = free.find(slot + 1);
            };
            if base + 256 >= NONE as usize {
                return Err(Error::InvalidInput(
                    "the vocab is too large to compile (more than 2**32 trie slots)".into(),
                ));
            }
            bases[node as usize] = base as u32;
            for &(byte, child) in children {
                free.take(base + byte as usize);
                slot_of[child as usize] = (base + byte as usize) as u32;
                queue.push_back(child);
            }
        }
        let max_base = bases.iter().copied().max().unwrap_or(0) as usize;
        let max_slot = slot_of.iter().copied().max().unwrap_or(ROOT_B) as usize;
        // Room for `base + 255` from any base, so a step never indexes out of range.
        let size = (max_base + 256).max(max_slot + 1);
        let mut units = vec![
            Unit {
                base: 0,
                check: NONE,
            };
            size
        ];
        let mut failures = vec![
            Failure {
                link: NONE,
                start: 0,
                len: 0,
            };
            size
        ];
        for (node, children) in self.children.iter().enumerate() {
            let slot = slot_of[node] as usize;
            units[slot].base = bases[node];
            for &(_, child) in children {
                units[slot_of[child as usize] as usize].check = slot as u32;
            }
            let mut failure = node_failures[node];
            if failure.link != NONE {
                failure.link = slot_of[failure.link as usize];
            }
            failures[slot] = failure;
        }
        Ok((units, failures, pool))
    }
}

/// The free slots of the double array under construction: `next[p] == p` iff `p` is
/// free; otherwise `next[p]` points towards the next free slot (union-find with path
/// compression), so finding a free slot skips runs of taken ones in near-constant time.
#[derive(Default)]
struct FreeSlots {
    next: Vec<u32>,
}

impl FreeSlots {
    fn grow(&mut self, p: usize) {
        while self.next.len() <= p {
            self.next.push(self.next.len() as u32);
        }
    }

    fn is_free(&mut self, p: usize) -> bool {
        self.grow(p);
        self.next[p] as usize == p
    }

    /// The first free slot at or after `p`.
    fn find(&mut self, p: usize) -> usize {
        let mut root = p;
        loop {
            self.grow(root);
            let next = self.next[root] as usize;
            if next == root {
                break;
            }
            root = next;
        }
        let mut p = p;
        while p != root {
            let next = self.next[p] as usize;
            self.next[p] = root as u32;
            p = next;
        }
        root
    }

    fn take(&mut self, p: usize) {
        self.grow(p + 1);
        self.next[p] = (p + 1) as u32;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::reference;
    use proptest::prelude::*;

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
