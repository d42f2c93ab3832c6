//! Texts to WordPiece ids with each piece's span and word, one distinct chunk at a time.
//!
//! What [`chunks`](super::chunks) does for ids alone, for the calls that also want
//! offsets and word ids (question answering windows, token classification): a chunk's
//! pieces, their character spans within the chunk and the index of the basic token each
//! comes from are cached together, and a text's are its chunks' laid end to end, each
//! span moved by where its chunk starts (in characters) and each word index by the number
//! of basic tokens before the chunk. The cache is a [`ChunkTable`] with the same bound
//! and eviction rule.
//!
//! A printable-ASCII chunk's basic tokens are found here, one character per byte; the
//! others come from the caller's normalizer with their spans ([`AlignedWord`]: BERT's
//! BasicTokenizer in Python, whose spans follow Hugging Face `tokenizers`' alignment).

use std::sync::atomic::AtomicBool;

use rustc_hash::FxHashMap;

use crate::batch::{self, PARALLEL_WORDS};
use crate::count::{bert_ascii_tokens, bert_chunks};
use crate::wordpiece::chunk_table::{self, ChunkTable, Weighed};
use crate::wordpiece::chunks::{ascii_word, normalized_words};
use crate::wordpiece::encode::WordPieceModel;
use crate::{Error, Result};

/// A basic token of a chunk as the normalizer gives it: its text, its `start..end` in the
/// chunk (in characters), and, when its characters do not map one to one onto
/// `chunk[start..end]`, each character's own span in the chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlignedWord {
    /// The normalized token.
    pub text: String,
    /// Where it starts in the chunk, in characters.
    pub start: usize,
    /// Where it ends in the chunk, in characters.
    pub end: usize,
    /// Each character's span in the chunk, or `None`: character `i` came from `start + i`.
    pub char_spans: Option<Vec<(usize, usize)>>,
}

/// The basic tokens of each chunk given, with their spans (one list per chunk, in order).
pub type AlignedNormalizer<'a> = dyn FnOnce(&[&str]) -> Result<Vec<Vec<AlignedWord>>> + 'a;

/// A chunk's pieces: ids, spans within the chunk, and the basic token each comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlignedIds {
    ids: Vec<u32>,
    spans: Vec<(usize, usize)>,
    words: Vec<usize>,
    /// The chunk's number of basic tokens (the next chunk's word indices start there).
    n_words: usize,
}

impl Weighed for AlignedIds {
    fn weight(&self) -> usize {
        let each = std::mem::size_of::<u32>()
            + std::mem::size_of::<(usize, usize)>()
            + std::mem::size_of::<usize>();
        each * self.ids.len()
    }
}

/// A batch's pieces laid end to end: text `i` has the `lengths[i]` pieces that follow
/// those of texts `0..i`, each with its id, its character span in the text and the index
/// of its basic token among the text's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlignedFlat {
    /// Every piece's id.
    pub ids: Vec<u32>,
    /// Every piece's `(start, end)` in its text, in characters.
    pub spans: Vec<(usize, usize)>,
    /// Every piece's word: the index of its basic token in its text.
    pub words: Vec<usize>,
    /// Each text's number of pieces.
    pub lengths: Vec<usize>,
}

/// A bounded cache from chunk to [`AlignedIds`], shared by every call of one tokenizer;
/// safe to use from many threads.
pub type AlignedChunkCache = ChunkTable<AlignedIds>;

impl AlignedChunkCache {
    /// The pieces of each text with their spans and words (see the module).
    ///
    /// `lowercase` says how printable-ASCII chunks are normalized here; `normalize` gives
    /// the basic tokens of the other chunks the cache lacks. Gives up with
    /// [`Error::Interrupted`] once `stop` is set (checked per text and per new chunk).
    pub fn encode_texts<S: AsRef<str> + Sync>(
        &self,
        model: &WordPieceModel,
        texts: &[S],
        lowercase: bool,
        normalize: Box<AlignedNormalizer<'_>>,
        stop: &AtomicBool,
    ) -> Result<AlignedFlat> {
        // No lock is held across a parallel step or the normalizer (see `chunk_table`).
        let drafts = self.look_up_each(texts, stop, Draft::new)?;
        let missing =
            chunk_table::distinct(drafts.iter().flat_map(|d| &d.gaps).map(|gap| gap.chunk));
        let new_chunks = encode_chunks(model, &missing, lowercase, normalize, stop)?;
        let new_pieces: FxHashMap<&str, &AlignedIds> = new_chunks
            .iter()
            .map(|(chunk, ids)| (*chunk, ids))
            .collect();
        let mut flat = AlignedFlat::default();
        for draft in &drafts {
            let before = flat.ids.len();
            draft.fill_into(&new_pieces, &mut flat);
            flat.lengths.push(flat.ids.len() - before);
        }
        self.store(new_chunks);
        Ok(flat)
    }
}

/// A chunk the cache lacked: where its pieces go among the text's, where it starts in
/// the text (characters), and how many basic tokens of cached chunks come before it.
struct Gap<'t> {
    position: usize,
    chunk: &'t str,
    char_start: usize,
    words_before: usize,
}

/// A text's pieces as far as the cache knows them. Word indices after a gap are short by
/// the gap chunks' basic tokens; [`Draft::fill_into`] adds them.
#[derive(Default)]
struct Draft<'t> {
    pieces: AlignedIds,
    gaps: Vec<Gap<'t>>,
}

impl<'t> Draft<'t> {
    fn new(text: &'t str, cached: &FxHashMap<Box<str>, AlignedIds>) -> Self {
        let mut draft = Draft::default();
        let ascii = text.is_ascii();
        let (mut bytes_seen, mut chars_seen) = (0, 0);
        for chunk in bert_chunks(text) {
            let byte = chunk.as_ptr() as usize - text.as_ptr() as usize;
            let char_start = if ascii {
                byte
            } else {
                chars_seen += text[bytes_seen..byte].chars().count();
                bytes_seen = byte;
                chars_seen
            };
            let words_before = draft.pieces.n_words;
            match cached.get(chunk) {
                Some(known) => append_moved(&mut draft.pieces, known, char_start, words_before),
                None => draft.gaps.push(Gap {
                    position: draft.pieces.ids.len(),
                    chunk,
                    char_start,
                    words_before,
                }),
            }
        }
        draft
    }

    /// The text's pieces, the gaps filled from `new_pieces`, appended to `out`.
    fn fill_into(&self, new_pieces: &FxHashMap<&str, &AlignedIds>, out: &mut AlignedFlat) {
        let known = &self.pieces;
        let mut done = 0;
        let mut extra_words = 0; // basic tokens of the gaps filled so far
        let mut copy_known = |out: &mut AlignedFlat, until: usize, extra: usize| {
            out.ids.extend_from_slice(&known.ids[done..until]);
            out.spans.extend_from_slice(&known.spans[done..until]);
            out.words
                .extend(known.words[done..until].iter().map(|w| w + extra));
            done = until;
        };
        for gap in &self.gaps {
            copy_known(out, gap.position, extra_words);
            let new = new_pieces[gap.chunk];
            let word_base = gap.words_before + extra_words;
            out.ids.extend_from_slice(&new.ids);
            out.spans.extend(
                new.spans
                    .iter()
                    .map(|&(s, e)| (s + gap.char_start, e + gap.char_start)),
            );
            out.words.extend(new.words.iter().map(|w| w + word_base));
            extra_words += new.n_words;
        }
        copy_known(out, known.ids.len(), extra_words);
    }
}

/// Appends `chunk`'s pieces to `pieces`, spans moved by `char_start` and words by `word_base`.
fn append_moved(pieces: &mut AlignedIds, chunk: &AlignedIds, char_start: usize, word_base: usize) {
    pieces.ids.extend_from_slice(&chunk.ids);
    pieces.spans.extend(
        chunk
            .spans
            .iter()
            .map(|&(s, e)| (s + char_start, e + char_start)),
    );
    pieces
        .words
        .extend(chunk.words.iter().map(|w| w + word_base));
    pieces.n_words += chunk.n_words;
}

/// Each chunk's pieces: printable-ASCII chunks split here, the others by `normalize`.
fn encode_chunks<'t>(
    model: &WordPieceModel,
    chunks: &[&'t str],
    lowercase: bool,
    normalize: Box<AlignedNormalizer<'_>>,
    stop: &AtomicBool,
) -> Result<Vec<(&'t str, AlignedIds)>> {
    let words = chunk_words(chunks, normalize, stop)?;
    batch::map_until(&words, PARALLEL_WORDS, stop, |(chunk, words)| {
        let pieces = match words {
            Words::Ascii(tokens) => ascii_pieces(model, chunk, tokens, lowercase),
            Words::Normalized(words) => normalized_pieces(model, words)?,
        };
        Ok((*chunk, pieces))
    })
}

/// The pieces of a printable-ASCII chunk's `tokens` (slices of `chunk`): one character
/// per byte, so a token's span is where it lies in the chunk.
fn ascii_pieces(
    model: &WordPieceModel,
    chunk: &str,
    tokens: &[&str],
    lowercase: bool,
) -> AlignedIds {
    let mut pieces = AlignedIds::default();
    let mut spans = Vec::new();
    let mut buffer = String::new();
    for (index, token) in tokens.iter().enumerate() {
        let start = token.as_ptr() as usize - chunk.as_ptr() as usize;
        spans.clear();
        model.encode_word_with_spans(
            ascii_word(token, lowercase, &mut buffer),
            &mut pieces.ids,
            &mut spans,
        );
        pieces
            .spans
            .extend(spans.iter().map(|&(s, e)| (start + s, start + e)));
        pieces.words.extend(std::iter::repeat_n(index, spans.len()));
    }
    pieces.n_words = tokens.len();
    pieces
}

/// The pieces of a chunk's normalized `words`, each piece's span taken from its
/// characters' spans (from the first one's start to the last one's end).
fn normalized_pieces(model: &WordPieceModel, words: &[AlignedWord]) -> Result<AlignedIds> {
    let mut pieces = AlignedIds::default();
    let mut spans = Vec::new();
    for (index, word) in words.iter().enumerate() {
        spans.clear();
        model.encode_word_with_spans(&word.text, &mut pieces.ids, &mut spans);
        for &(first, last) in &spans {
            let span = match &word.char_spans {
                None => (word.start + first, word.start + last),
                Some(chars) => match (
                    chars.get(first),
                    last.checked_sub(1).and_then(|l| chars.get(l)),
                ) {
                    (Some(&(start, _)), Some(&(_, end))) => (start, end),
                    _ => {
                        return Err(Error::InvalidInput(format!(
                            "the normalizer gave {} character spans for the word {:?}",
                            chars.len(),
                            word.text
                        )));
                    }
                },
            };
            pieces.spans.push(span);
        }
        pieces.words.extend(std::iter::repeat_n(index, spans.len()));
    }
    pieces.n_words = words.len();
    Ok(pieces)
}

/// A chunk's BERT words: split here (printable ASCII, not yet lowercased) or what the
/// caller's normalizer gave (`W`: the words, with or without their spans).
enum Words<'t, W> {
    Ascii(Vec<&'t str>),
    Normalized(W),
}

/// Each chunk with its words, in order: printable-ASCII chunks split here (in parallel
/// from [`PARALLEL_WORDS`] chunks), the others by one call of `normalize`, which must give
/// one `W` per chunk it is given.
fn chunk_words<'t, W>(
    chunks: &[&'t str],
    normalize: impl FnOnce(&[&str]) -> Result<Vec<W>>,
    stop: &AtomicBool,
) -> Result<Vec<(&'t str, Words<'t, W>)>> {
    let ascii = batch::map_until(chunks, PARALLEL_WORDS, stop, |c| Ok(bert_ascii_tokens(c)))?;
    let others: Vec<&str> = chunks
        .iter()
        .zip(&ascii)
        .filter(|(_, tokens)| tokens.is_none())
        .map(|(chunk, _)| *chunk)
        .collect();
    let mut normalized = normalized_words(&others, normalize)?.into_iter();
    Ok(chunks
        .iter()
        .zip(ascii)
        .map(|(chunk, tokens)| {
            let words = match tokens {
                Some(tokens) => Words::Ascii(tokens),
                None => Words::Normalized(normalized.next().expect("one list per other chunk")),
            };
            (*chunk, words)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> WordPieceModel {
        let vocab = ["[UNK]", "hello", "world", "##s", ",", "cafe", "x"];
        WordPieceModel::new(
            vocab.iter().map(|t| t.to_string()).collect(),
            "[UNK]",
            "##",
            100,
        )
        .unwrap()
    }

    /// A stand-in for BasicTokenizer on the non-ASCII chunks of these tests: lowercase,
    /// "é" to "e" (one to one), a comma its own token, "ﬁ" (one character) to "fi".
    fn normalize(chunks: &[&str]) -> Result<Vec<Vec<AlignedWord>>> {
        Ok(chunks
            .iter()
            .map(|chunk| {
                let mut words = Vec::new();
                let mut current: Option<AlignedWord> = None;
                for (i, c) in chunk.chars().enumerate() {
                    if c == ',' {
                        words.extend(current.take());
                        words.push(AlignedWord {
                            text: ",".into(),
                            start: i,
                            end: i + 1,
                            char_spans: None,
                        });
                        continue;
                    }
                    let word = current.get_or_insert_with(|| AlignedWord {
                        text: String::new(),
                        start: i,
                        end: i,
                        char_spans: Some(Vec::new()),
                    });
                    let mapped = match c {
                        'é' => "e".to_string(),
                        'ﬁ' => "fi".to_string(),
                        c => c.to_lowercase().collect(),
                    };
                    for m in mapped.chars() {
                        word.text.push(m);
                        word.char_spans.as_mut().unwrap().push((i, i + 1));
                    }
                    word.end = i + 1;
                }
                words.extend(current);
                words
            })
            .collect())
    }

    fn encode(cache: &AlignedChunkCache, texts: &[&str]) -> AlignedFlat {
        let never = AtomicBool::new(false);
        cache
            .encode_texts(&model(), texts, true, Box::new(normalize), &never)
            .unwrap()
    }

    #[test]
    fn spans_are_in_characters_of_the_text_and_words_count_every_basic_token() {
        let flat = encode(&AlignedChunkCache::new(0), &["Café, worlds\tHello"]);
        assert_eq!(flat.ids, [5, 4, 2, 3, 1]);
        assert_eq!(flat.spans, [(0, 4), (4, 5), (6, 11), (11, 12), (13, 18)]);
        assert_eq!(flat.words, [0, 1, 2, 2, 3]);
        assert_eq!(flat.lengths, [5]);
    }

    #[test]
    fn a_character_that_became_two_spans_both_pieces_it_begins() {
        // "ﬁx" normalizes to "fix", not in the vocab: one unk spanning the whole word.
        let flat = encode(&AlignedChunkCache::new(0), &["é ﬁx hello"]);
        assert_eq!(flat.spans, [(0, 1), (2, 4), (5, 10)]);
        assert_eq!(flat.words, [0, 1, 2]);
    }

    #[test]
    fn the_cache_changes_no_result_and_gaps_shift_later_words() {
        let texts = [
            "hello Café, hello x",
            "x café hello",
            "é\u{e9}\u{e9} hello,hello",
        ];
        let cold = encode(&AlignedChunkCache::new(0), &texts);
        let cache = AlignedChunkCache::new(chunk_table::DEFAULT_CAPACITY);
        // Some chunks known, others not: the gaps come between known chunks.
        encode(&cache, &["hello x"]);
        assert_eq!(encode(&cache, &texts), cold);
        assert_eq!(encode(&cache, &texts), cold);
        assert!(!cache.is_empty());
    }

    #[test]
    fn a_normalizer_with_wrong_spans_is_an_error_not_a_panic() {
        let never = AtomicBool::new(false);
        let wrong = |chunks: &[&str]| {
            Ok(chunks
                .iter()
                .map(|_| {
                    vec![AlignedWord {
                        text: "hello".into(),
                        start: 0,
                        end: 1,
                        char_spans: Some(vec![(0, 1)]),
                    }]
                })
                .collect())
        };
        let result =
            AlignedChunkCache::new(0).encode_texts(&model(), &["é"], true, Box::new(wrong), &never);
        assert!(matches!(result, Err(Error::InvalidInput(_))));
    }

    #[test]
    fn large_batches_run_in_parallel_with_the_same_results() {
        let texts: Vec<String> = (0..1000)
            .map(|i| format!("Hello{} café, worlds x{}", i % 7, i % 13))
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let one_by_one: Vec<AlignedFlat> = texts
            .iter()
            .map(|t| encode(&AlignedChunkCache::new(0), &[t]))
            .collect();
        let batch = encode(
            &AlignedChunkCache::new(chunk_table::DEFAULT_CAPACITY),
            &texts,
        );
        assert_eq!(
            batch.ids,
            one_by_one
                .iter()
                .flat_map(|f| f.ids.clone())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            batch.spans,
            one_by_one
                .iter()
                .flat_map(|f| f.spans.clone())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            batch.words,
            one_by_one
                .iter()
                .flat_map(|f| f.words.clone())
                .collect::<Vec<_>>()
        );
    }
}
