//! Texts to WordPiece ids one distinct chunk at a time, with a bounded cache.
//!
//! BERT's normalization (BasicTokenizer) never looks across a space, tab or line end: it
//! splits there, and every other step works per character or per word (see
//! [`WordBreaks::Bert`](crate::count::WordBreaks::Bert)). So a text's ids are the
//! concatenation of the ids of its chunks (the runs between those characters), and a
//! chunk seen before need be neither normalized nor encoded again. A corpus holds far
//! fewer distinct chunks than chunks (en-10m: about a tenth), which is what makes this
//! fast.
//!
//! A chunk the cache lacks is normalized and encoded on the spot, by the thread that
//! looks it up, when it is printable ASCII ([`bert_ascii_tokens`]: nothing to clean,
//! compose or strip); any other is left to the caller's normalizer (BERT's
//! BasicTokenizer, in Python), called once per batch with every such chunk, and encoded
//! after it. So a batch of mostly ASCII text is one parallel step (each step costs a
//! helper's wake-up). The results go into the cache, a [`ChunkTable`] (its module states
//! the bound, the eviction rule and the locking). The cache never changes a result, only
//! how fast it comes.

use std::sync::atomic::{AtomicBool, Ordering};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::batch::{self, Flat, PARALLEL_WORDS};
use crate::count::{bert_ascii_tokens, bert_chunks};
use crate::wordpiece::chunk_table::{self, ChunkTable};
use crate::wordpiece::encode::WordPieceModel;
use crate::{Error, Result};

pub use crate::wordpiece::chunk_table::{DEFAULT_CAPACITY, ENTRY_OVERHEAD, MAX_CACHED_CHUNK_BYTES};

/// The words of each chunk given, BERT-normalized (one list of words per chunk, in order).
pub type Normalizer<'a> = dyn FnOnce(&[&str]) -> Result<Vec<Vec<String>>> + 'a;

/// A bounded table from chunk to ids, shared by every call of one tokenizer (its
/// vocabulary and normalization options fixed); safe to use from many threads.
pub type ChunkCache = ChunkTable<Box<[u32]>>;

impl ChunkCache {
    /// The WordPiece ids of each text: the ids of its chunks' BERT words, in order.
    ///
    /// `lowercase` says how printable-ASCII chunks are normalized here (BasicTokenizer's
    /// `do_lower_case`); `normalize` gives the words of the other chunks the cache lacks.
    /// Gives up with [`Error::Interrupted`] once `stop` is set (checked per text and per
    /// new chunk).
    pub fn encode_texts<S: AsRef<str> + Sync>(
        &self,
        model: &WordPieceModel,
        texts: &[S],
        lowercase: bool,
        normalize: Box<Normalizer<'_>>,
        stop: &AtomicBool,
    ) -> Result<Flat<u32>> {
        // One parallel step does nearly all the work, since each step costs a helper's
        // wake-up (on a VM, a sizeable part of a 1,000-line step): each thread looks up a
        // run of texts and encodes on the spot the printable-ASCII chunks the cache lacks.
        // No lock is held across a parallel step or the normalizer (see `chunk_table`).
        let mut runs = self.look_up_runs(texts, |texts, cached| {
            DraftRun::new(texts, cached, model, lowercase, stop)
        })?;
        let missing =
            chunk_table::distinct(runs.iter().flat_map(|run| &run.gaps).map(|gap| gap.chunk));
        let normalized = encode_normalized(model, &missing, normalize, stop)?;
        let new_ids: FxHashMap<&str, &[u32]> = normalized
            .iter()
            .map(|(chunk, ids)| (*chunk, &ids[..]))
            .collect();
        let encoded_here: Vec<_> = runs
            .iter_mut()
            .flat_map(|run| std::mem::take(&mut run.new_chunks))
            .collect();
        let encoded = laid_end_to_end(runs, &new_ids);
        // Runs may each have met the same new chunk: offered once, the batch's new bytes
        // (which decide whether the table is emptied first) are counted once.
        let mut seen = FxHashSet::default();
        self.store(
            encoded_here
                .into_iter()
                .filter(|(chunk, _)| seen.insert(*chunk))
                .chain(
                    normalized
                        .into_iter()
                        .map(|(chunk, ids)| (chunk, ids.into_boxed_slice())),
                ),
        );
        Ok(encoded)
    }
}

/// A run of texts' ids as far as one thread can give them: each chunk's from the cache,
/// or encoded on the spot when it is printable ASCII, with a gap where each other chunk
/// the cache lacks goes (its words come from the normalizer).
struct DraftRun<'t> {
    ids: Flat<u32>,
    /// Where each chunk left for the normalizer goes, in text order.
    gaps: Vec<Gap<'t>>,
    /// The printable-ASCII chunks the cache lacked, each once, with their ids.
    new_chunks: Vec<(&'t str, Box<[u32]>)>,
}

/// A chunk left for the normalizer, and where its ids go.
struct Gap<'t> {
    /// The text's index in its run.
    text: usize,
    /// The position of its ids in the run's values.
    position: usize,
    chunk: &'t str,
}

impl<'t> DraftRun<'t> {
    fn new<S: AsRef<str>>(
        texts: &'t [S],
        cached: &FxHashMap<Box<str>, Box<[u32]>>,
        model: &WordPieceModel,
        lowercase: bool,
        stop: &AtomicBool,
    ) -> Result<Self> {
        let bytes: usize = texts.iter().map(|text| text.as_ref().len()).sum();
        let mut run = DraftRun {
            ids: Flat {
                values: Vec::with_capacity(bytes / 4),
                lengths: Vec::with_capacity(texts.len()),
            },
            gaps: Vec::new(),
            new_chunks: Vec::new(),
        };
        let mut encoded_here: FxHashMap<&str, usize> = FxHashMap::default();
        let mut word = String::new();
        for (index, text) in texts.iter().enumerate() {
            if stop.load(Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            let values = &mut run.ids.values;
            let start = values.len();
            for chunk in bert_chunks(text.as_ref()) {
                if let Some(ids) = cached.get(chunk) {
                    values.extend_from_slice(ids);
                } else if let Some(&new) = encoded_here.get(chunk) {
                    values.extend_from_slice(&run.new_chunks[new].1);
                } else if let Some(tokens) = bert_ascii_tokens(chunk) {
                    let from = values.len();
                    for token in tokens {
                        model.encode_word(ascii_word(token, lowercase, &mut word), values);
                    }
                    encoded_here.insert(chunk, run.new_chunks.len());
                    run.new_chunks.push((chunk, values[from..].into()));
                } else {
                    let position = values.len();
                    run.gaps.push(Gap {
                        text: index,
                        position,
                        chunk,
                    });
                }
            }
            run.ids.lengths.push(values.len() - start);
        }
        Ok(run)
    }
}

/// The ids of each of `chunks` (none of them printable ASCII: `encode_texts` encodes those
/// as it meets them), their words from one call of `normalize`.
fn encode_normalized<'t>(
    model: &WordPieceModel,
    chunks: &[&'t str],
    normalize: Box<Normalizer<'_>>,
    stop: &AtomicBool,
) -> Result<Vec<(&'t str, Vec<u32>)>> {
    let words = normalized_words(chunks, normalize)?;
    let chunks_with_words: Vec<_> = chunks.iter().zip(&words).collect();
    batch::map_until(
        &chunks_with_words,
        PARALLEL_WORDS,
        stop,
        |(chunk, words)| {
            let mut ids = Vec::new();
            words.iter().for_each(|w| model.encode_word(w, &mut ids));
            Ok((**chunk, ids))
        },
    )
}

/// The words `normalize` gives for `chunks` (not called when there are none), checked to
/// be one `W` per chunk.
pub(crate) fn normalized_words<W>(
    chunks: &[&str],
    normalize: impl FnOnce(&[&str]) -> Result<Vec<W>>,
) -> Result<Vec<W>> {
    if chunks.is_empty() {
        return Ok(Vec::new());
    }
    let normalized = normalize(chunks)?;
    if normalized.len() != chunks.len() {
        return Err(Error::InvalidInput(format!(
            "the normalizer gave {} word lists for {} chunks",
            normalized.len(),
            chunks.len()
        )));
    }
    Ok(normalized)
}

/// A printable-ASCII token as BERT normalizes it: lowercased into `buffer` when
/// `lowercase` (nothing else changes printable ASCII), else as it is.
pub(crate) fn ascii_word<'a>(token: &'a str, lowercase: bool, buffer: &'a mut String) -> &'a str {
    if !lowercase {
        return token;
    }
    buffer.clear();
    buffer.extend(token.chars().map(|c| c.to_ascii_lowercase()));
    buffer
}

/// Every text's ids, gaps filled from `new_ids`, laid end to end.
fn laid_end_to_end(runs: Vec<DraftRun<'_>>, new_ids: &FxHashMap<&str, &[u32]>) -> Flat<u32> {
    if let [run] = &runs[..]
        && run.gaps.is_empty()
    {
        return runs.into_iter().next().expect("one run").ids;
    }
    let values = runs.iter().map(|run| run.ids.values.len()).sum::<usize>();
    let mut flat = Flat {
        values: Vec::with_capacity(values + values / 8),
        lengths: Vec::with_capacity(runs.iter().map(|run| run.ids.lengths.len()).sum()),
    };
    for run in runs {
        let first_text = flat.lengths.len();
        flat.lengths.extend_from_slice(&run.ids.lengths);
        let mut done = 0;
        for gap in &run.gaps {
            let ids = new_ids[gap.chunk];
            flat.values
                .extend_from_slice(&run.ids.values[done..gap.position]);
            flat.values.extend_from_slice(ids);
            flat.lengths[first_text + gap.text] += ids.len();
            done = gap.position;
        }
        flat.values.extend_from_slice(&run.ids.values[done..]);
    }
    flat
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> WordPieceModel {
        let vocab = ["[UNK]", "hello", "world", "##s", ",", "caf", "##e", "x"];
        WordPieceModel::new(
            vocab.iter().map(|t| t.to_string()).collect(),
            "[UNK]",
            "##",
            100,
        )
        .unwrap()
    }

    /// A stand-in for BasicTokenizer on the non-ASCII chunks of these tests: lowercase,
    /// é to e, split before a comma.
    fn normalize(chunks: &[&str]) -> Result<Vec<Vec<String>>> {
        Ok(chunks
            .iter()
            .map(|chunk| {
                let text = chunk.to_lowercase().replace('é', "e").replace(',', " , ");
                text.split_whitespace().map(str::to_string).collect()
            })
            .collect())
    }

    fn encode(cache: &ChunkCache, texts: &[&str]) -> Flat<u32> {
        let never = AtomicBool::new(false);
        cache
            .encode_texts(&model(), texts, true, Box::new(normalize), &never)
            .unwrap()
    }

    #[test]
    fn a_text_is_the_concatenation_of_its_chunks_ids() {
        let cache = ChunkCache::new(DEFAULT_CAPACITY);
        let flat = encode(&cache, &["Hello worlds,\tCafé", "", "x  y"]);
        let rows: Vec<&[u32]> = flat.rows().collect();
        assert_eq!(rows, [&[1, 2, 3, 4, 5, 6][..], &[], &[7, 0]]);
    }

    #[test]
    fn the_cache_changes_no_result() {
        let texts = ["Hello hello worlds", "Café, café", "x\nHello"];
        let cold = encode(&ChunkCache::new(0), &texts);
        let cache = ChunkCache::new(DEFAULT_CAPACITY);
        let first = encode(&cache, &texts);
        assert!(!cache.is_empty());
        assert_eq!(encode(&cache, &texts), first);
        assert_eq!(first, cold);
        assert!(ChunkCache::new(0).is_empty());
    }

    #[test]
    fn the_normalizer_sees_each_missing_non_ascii_chunk_once() {
        let cache = ChunkCache::new(DEFAULT_CAPACITY);
        let seen = std::sync::Mutex::new(Vec::new());
        let texts = ["Café Café hello", "Café"];
        let never = AtomicBool::new(false);
        let normalizer = |chunks: &[&str]| {
            seen.lock()
                .unwrap()
                .push(chunks.iter().map(|c| c.to_string()).collect::<Vec<_>>());
            normalize(chunks)
        };
        let encode_once = || {
            cache
                .encode_texts(&model(), &texts, true, Box::new(normalizer), &never)
                .unwrap()
        };
        encode_once();
        encode_once();
        assert_eq!(*seen.lock().unwrap(), vec![vec!["Café".to_string()]]);
    }

    #[test]
    fn the_bound_holds_and_a_full_cache_is_emptied_before_refilling() {
        let one = chunk_table::entry_bytes("hello", &Box::from([1u32]));
        let cache = ChunkCache::new(2 * one);
        encode(&cache, &["hello"]);
        assert_eq!((cache.len(), cache.bytes()), (1, one));
        encode(&cache, &["world"]);
        assert_eq!(cache.len(), 2);
        encode(&cache, &["x"]);
        assert_eq!(cache.len(), 1, "emptied, then the new chunk stored");
        assert!(cache.bytes() <= cache.capacity());
    }

    #[test]
    fn long_chunks_are_encoded_but_not_cached() {
        let cache = ChunkCache::new(DEFAULT_CAPACITY);
        let long = "x".repeat(MAX_CACHED_CHUNK_BYTES + 1);
        let flat = encode(&cache, &[long.as_str()]);
        assert_eq!(flat.values, [0]);
        assert!(cache.is_empty());
    }

    #[test]
    fn ascii_chunks_keep_their_case_unless_lowercasing() {
        let vocab = ["[UNK]", "Hello", "hello"].map(String::from).to_vec();
        let model = WordPieceModel::new(vocab, "[UNK]", "##", 100).unwrap();
        let never = AtomicBool::new(false);
        let run = |lowercase| {
            ChunkCache::new(DEFAULT_CAPACITY)
                .encode_texts(&model, &["Hello"], lowercase, Box::new(normalize), &never)
                .unwrap()
                .values
        };
        assert_eq!((run(true), run(false)), (vec![2], vec![1]));
    }

    #[test]
    fn a_wrong_normalizer_is_an_error_not_a_panic() {
        let never = AtomicBool::new(false);
        let result = ChunkCache::new(0).encode_texts(
            &model(),
            &["Café"],
            true,
            Box::new(|_: &[&str]| Ok(Vec::new())),
            &never,
        );
        assert!(matches!(result, Err(Error::InvalidInput(_))));
    }

    #[test]
    fn concurrent_calls_on_one_pool_neither_block_nor_disagree() {
        // Writers empty a small cache while other calls read it, and rayon threads that
        // wait in a join run other calls' work: no lock may be held across either.
        let texts: Vec<String> = (0..600)
            .map(|i| format!("Café{} x{} hello", i % 50, i))
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let expected = encode(&ChunkCache::new(0), &texts);
        let cache = ChunkCache::new(4 * chunk_table::entry_bytes("Café00", &Box::from([0u32, 0])));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..20 {
                        assert_eq!(pool.install(|| encode(&cache, &texts)), expected);
                    }
                });
            }
        });
        assert!(cache.bytes() <= cache.capacity());
    }

    #[test]
    fn large_batches_run_in_parallel_with_the_same_results() {
        let texts: Vec<String> = (0..1000)
            .map(|i| format!("Hello{} café, worlds x{}", i % 7, i % 13))
            .collect();
        let small = ChunkCache::new(0);
        let sequential: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| encode(&small, &[t.as_str()]).values)
            .collect();
        let cache = ChunkCache::new(DEFAULT_CAPACITY);
        let parallel = encode(
            &cache,
            &texts.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert!(parallel.rows().eq(sequential.iter().map(Vec::as_slice)));
        // Every distinct chunk is stored and counted once, whichever runs met it.
        let chunks = chunk_table::distinct(texts.iter().flat_map(|t| t.split_whitespace()));
        assert_eq!(cache.len(), chunks.len());
        let bytes = chunks.iter().map(|&chunk| {
            let ids: Box<[u32]> = encode(&small, &[chunk]).values.into();
            chunk_table::entry_bytes(chunk, &ids)
        });
        assert_eq!(cache.bytes(), bytes.sum::<usize>());
    }
}
