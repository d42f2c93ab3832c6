//! The properties the fuzz targets check, kept apart from the `fuzz_target!` wrappers so
//! that `cargo test` in this crate replays the committed seed corpora without libFuzzer.
//!
//! Each `check_*` takes raw fuzzer bytes, decodes them into a small structured case (a
//! tiny alphabet makes matches, merges and collisions likely, which is where bugs live)
//! and panics when a property fails. None of them may panic for any other reason. The
//! naive algorithms they compare against are the crate's own (`subword::reference`, the
//! same ones its unit tests use).

use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use subword::bpe::encode::{BpeModel, BpeOptions};
use subword::bpe::train::{self as bpe_train, BpeSize, BpeTrainerConfig};
use subword::bpe::{END_OF_WORD, byte_token};
use subword::count::{WordCounts, split_words};
use subword::progress::{NEVER, Silent};
use subword::wordpiece::encode::WordPieceModel;
use subword::wordpiece::train::{self as wordpiece_train, Scoring, WordPieceTrainerConfig};
use subword::{formats, reference};

/// Reads fuzzer bytes as a stream of small decisions; past the end every read is 0, so
/// any input decodes to some case.
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data }
    }

    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.byte() as usize % n
    }

    /// True with probability about 1/n.
    pub fn one_in(&mut self, n: u8) -> bool {
        self.byte().is_multiple_of(n)
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// A string of up to `max_len` chars drawn from `alphabet`.
    pub fn string(&mut self, alphabet: &[char], max_len: usize) -> String {
        let len = self.below(max_len + 1);
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// WordPiece

const WP_ALPHABET: &[char] = &['a', 'b', 'c', '#', 'é', '字'];
const WP_PREFIXES: &[&str] = &["##", "", "#", "a"];

/// Encoder == naive greedy on every word (pieces and spans); ids in range; spans inside
/// the word, contiguous and ordered; word indices ordered; batch == one by one, whether
/// pre-tokenized or as a text.
pub fn check_wordpiece(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let prefix = WP_PREFIXES[bytes.below(WP_PREFIXES.len())];
    let max_chars = bytes.below(12);
    let unk = "[UNK]";
    let mut vocab = vec![unk.to_string()];
    let mut seen: HashSet<String> = vocab.iter().cloned().collect();
    for _ in 0..bytes.below(40) {
        let mut token = bytes.string(WP_ALPHABET, 4);
        if bytes.one_in(2) {
            token = format!("{prefix}{token}");
        }
        if !token.is_empty() && seen.insert(token.clone()) {
            vocab.push(token);
        }
    }
    let words: Vec<String> = (0..bytes.below(8))
        .map(|_| bytes.string(WP_ALPHABET, 14))
        .collect();
    let encoder = WordPieceModel::new(vocab.clone(), unk, prefix, max_chars)
        .expect("a vocab of distinct non-empty tokens holding the unk compiles");
    let mut want_spans = Vec::new();
    for word in &words {
        let ids = encoder.encode(word);
        assert!(
            ids.iter().all(|&id| (id as usize) < vocab.len()),
            "id out of range"
        );
        let got: Vec<&str> = ids.iter().map(|&id| vocab[id as usize].as_str()).collect();
        let (want, spans) = reference::wordpiece_encode_word(&vocab, unk, prefix, max_chars, word);
        want_spans.extend(spans);
        let want: Vec<&str> = want.iter().map(|&id| vocab[id as usize].as_str()).collect();
        assert_eq!(
            got, want,
            "word {word:?}, prefix {prefix:?}, vocab {vocab:?}"
        );
    }
    let batch = encoder.encode_pretokenized_with_offsets(std::slice::from_ref(&words));
    let encoding = &batch[0];
    let flat: Vec<u32> = words.iter().flat_map(|w| encoder.encode(w)).collect();
    assert_eq!(encoding.ids, flat, "batch differs from one-by-one");
    assert_eq!(
        encoding.spans, want_spans,
        "spans differ from the reference"
    );
    assert_eq!(encoding.ids.len(), encoding.word_indices.len());
    assert!(encoding.word_indices.windows(2).all(|w| w[0] <= w[1]));
    let mut previous: Option<(u32, usize)> = None;
    for (&index, &(start, end)) in encoding.word_indices.iter().zip(&encoding.spans) {
        let word_chars = words[index as usize].chars().count();
        assert!(
            start < end && end <= word_chars,
            "span {start}..{end} of {word_chars}"
        );
        match previous {
            Some((prev_index, prev_end)) if prev_index == index => {
                assert_eq!(start, prev_end, "spans within a word are contiguous")
            }
            _ => assert_eq!(start, 0, "a word's first span starts at 0"),
        }
        previous = Some((index, end));
    }
    assert_eq!(
        encoder.encode_pretokenized(std::slice::from_ref(&words))[0],
        flat,
        "encode_pretokenized differs"
    );
    assert_eq!(
        encoder.encode_batch(&[words.join(" ")])[0],
        flat,
        "encode_batch of the joined words differs"
    );
}

// ---------------------------------------------------------------------------------------
// BPE

const BPE_ALPHABET: &[char] = &['a', 'b', 'c', 'é'];
/// Text characters: the alphabet, one unseen letter, and whitespace `str.split()` knows.
const BPE_TEXT: &[char] = &['a', 'b', 'c', 'é', 'x', ' ', '\t', '\u{a0}', '\u{1f}'];

/// Builds a consistent model from fuzzer bytes: every merge's parts and result are in the
/// vocabulary, merges may repeat and may be useless (left part ending in the suffix).
fn bpe_case(bytes: &mut Bytes) -> (Vec<String>, Vec<(String, String)>, String, bool) {
    let suffix = if bytes.one_in(4) { "@" } else { "</w>" }.to_string();
    let byte_fallback = bytes.one_in(3);
    let mut symbols: Vec<String> = Vec::new();
    for &c in BPE_ALPHABET {
        if !bytes.one_in(5) {
            symbols.push(c.to_string());
        }
        if !bytes.one_in(5) {
            symbols.push(format!("{c}{suffix}"));
        }
    }
    let mut merges = Vec::new();
    if !symbols.is_empty() {
        for _ in 0..bytes.below(24) {
            let left = symbols[bytes.below(symbols.len())].clone();
            let right = symbols[bytes.below(symbols.len())].clone();
            let merged = format!("{left}{right}");
            if !symbols.contains(&merged) {
                symbols.push(merged);
            }
            merges.push((left, right));
        }
    }
    let mut vocab = vec!["<unk>".to_string()];
    if byte_fallback {
        vocab.extend((0..=255u8).map(byte_token));
        vocab.push(suffix.clone());
    }
    for symbol in symbols {
        if !vocab.contains(&symbol) {
            vocab.push(symbol);
        }
    }
    (vocab, merges, suffix, byte_fallback)
}

/// `tokenize` == the rescanning rule on every word; ids in range; known symbols encode to
/// their own ids; `decode(encode(text))` is the whitespace-normalized text when every
/// character is known or byte fallback is on; batch == one by one; and the model saved
/// as vocab.json + merges.txt loads back identical.
pub fn check_bpe(data: &[u8], scratch: &Path) {
    let mut bytes = Bytes::new(data);
    let (vocab, merges, suffix, byte_fallback) = bpe_case(&mut bytes);
    let texts: Vec<String> = (0..1 + bytes.below(4))
        .map(|_| bytes.string(BPE_TEXT, 24))
        .collect();
    let options = BpeOptions {
        unk_token: Some("<unk>".into()),
        byte_fallback,
        end_of_word_suffix: suffix.clone(),
    };
    let model = BpeModel::new(vocab.clone(), merges.clone(), options.clone())
        .expect("a consistent vocab and merges load");
    for text in &texts {
        let want: Vec<String> = split_words(text)
            .flat_map(|word| reference::bpe_encode_word(&merges, word, &suffix))
            .collect();
        assert_eq!(
            model.tokenize(text),
            want,
            "text {text:?}, merges {merges:?}"
        );
        let ids = model.encode(text).expect("an unk token exists");
        assert!(
            ids.iter().all(|&id| (id as usize) < vocab.len()),
            "id out of range"
        );
        let all_known = want.iter().all(|s| vocab.contains(s));
        if all_known {
            let expected: Vec<u32> = want.iter().map(|s| model.token_to_id(s).unwrap()).collect();
            assert_eq!(ids, expected, "known symbols encode to their ids");
        }
        if all_known || byte_fallback {
            let ids64: Vec<u64> = ids.iter().map(|&id| id as u64).collect();
            let normalized = split_words(text).collect::<Vec<_>>().join(" ");
            assert_eq!(model.decode(&ids64).unwrap(), normalized, "round trip");
        }
    }
    let batch = model.encode_batch(&texts).unwrap();
    for (text, ids) in texts.iter().zip(&batch) {
        assert_eq!(
            ids,
            &model.encode(text).unwrap(),
            "batch differs from one-by-one"
        );
    }
    model.save(scratch).expect("save");
    let loaded = BpeModel::from_files(
        &scratch.join("vocab.json"),
        &scratch.join("merges.txt"),
        options,
        &NEVER,
    )
    .expect("a saved model loads back");
    assert_eq!(loaded.tokens(), model.tokens());
    assert_eq!(loaded.merges(), model.merges());
}

// ---------------------------------------------------------------------------------------
// Trainers

const TRAIN_ALPHABET: &[char] = &['a', 'b', 'c', 'é', '#', '<'];

fn tiny_counts(bytes: &mut Bytes) -> WordCounts {
    let mut counts = WordCounts::default();
    for _ in 0..bytes.below(12) {
        let word = bytes.string(TRAIN_ALPHABET, 7);
        // Mostly small counts, sometimes one past 2^32 to exercise 64-bit counting.
        let count = match bytes.byte() {
            0 => 0,
            255 => (1u64 << 32) + bytes.byte() as u64,
            b => (b % 9) as u64,
        };
        *counts.entry(word).or_default() += count;
    }
    counts
}

/// Runs `work` on a pool of 1 or 2 threads, built once per process: building pools per
/// input would spend most of the fuzzing time starting threads.
fn on_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    static POOLS: LazyLock<[rayon::ThreadPool; 2]> = LazyLock::new(|| {
        [1, 2].map(|n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("a thread pool")
        })
    });
    POOLS[threads - 1].install(work)
}

/// Both trainers on tiny corpora: an error value or a result; the same result on 1 and 2
/// threads, and as the full recount of `subword::reference` (BPE merges, the WordPiece
/// vocab under every scoring); BPE's vocab + merges build a model and survive save/load;
/// WordPiece's vocab has distinct tokens, compiles into an encoder and survives vocab.txt
/// write/read.
pub fn check_train(data: &[u8], scratch: &Path) {
    let mut bytes = Bytes::new(data);
    let counts = tiny_counts(&mut bytes);
    let min_frequency = bytes.below(4) as u64;

    let bpe_config = BpeTrainerConfig {
        size: if bytes.one_in(2) {
            BpeSize::NumMerges(bytes.below(30))
        } else {
            BpeSize::VocabSize(bytes.below(40))
        },
        min_frequency,
        special_tokens: vec!["<unk>".into()],
        end_of_word_suffix: END_OF_WORD.into(),
        byte_fallback: bytes.one_in(4),
    };
    let one = on_threads(1, || bpe_train::train(&counts, &bpe_config, &Silent));
    let two = on_threads(2, || bpe_train::train(&counts, &bpe_config, &Silent));
    match (one, two) {
        (Ok(one), Ok(two)) => {
            assert_eq!(one, two, "BPE training depends on the number of threads");
            if let BpeSize::NumMerges(n) = bpe_config.size {
                let recount = reference::bpe_train(&counts, END_OF_WORD, n, min_frequency);
                assert_eq!(
                    one.merges, recount,
                    "BPE merges differ from the full recount"
                );
            }
            let options = BpeOptions {
                byte_fallback: bpe_config.byte_fallback,
                ..BpeOptions::default()
            };
            let model = BpeModel::from_trained(one.clone(), options.clone())
                .expect("a trained vocab builds a model");
            model.save(scratch).expect("save");
            let loaded = BpeModel::from_files(
                &scratch.join("vocab.json"),
                &scratch.join("merges.txt"),
                options,
                &NEVER,
            )
            .expect("a trained, saved model loads back");
            assert_eq!(loaded.tokens(), &one.vocab[..]);
            assert_eq!(loaded.merges(), &one.merges[..]);
        }
        (Err(one), Err(two)) => assert_eq!(one.to_string(), two.to_string()),
        (one, two) => panic!("1 thread gave {one:?}, 2 threads gave {two:?}"),
    }

    let prefixes = ["##", "#", ""];
    let wp_config = WordPieceTrainerConfig {
        vocab_size: bytes.below(48),
        min_frequency,
        special_tokens: vec!["[PAD]".into(), "[UNK]".into()],
        continuing_subword_prefix: prefixes[bytes.below(prefixes.len())].into(),
        scoring: Scoring::ALL[bytes.below(Scoring::ALL.len())],
        refine: bytes.one_in(2),
    };
    let one = on_threads(1, || wordpiece_train::train(&counts, &wp_config, &Silent));
    let two = on_threads(2, || wordpiece_train::train(&counts, &wp_config, &Silent));
    match (one, two) {
        (Ok(one), Ok(two)) => {
            assert_eq!(
                one, two,
                "WordPiece training depends on the number of threads"
            );
            assert_eq!(
                one,
                reference::wordpiece_train(&counts, &wp_config),
                "WordPiece vocab differs from the full recount"
            );
            assert!(one.len() <= wp_config.vocab_size.max(2), "vocab over size");
            let distinct: HashSet<&String> = one.iter().collect();
            assert_eq!(distinct.len(), one.len(), "duplicate token in {one:?}");
            WordPieceModel::new(
                one.clone(),
                "[UNK]",
                &wp_config.continuing_subword_prefix,
                100,
            )
            .expect("a trained vocab compiles");
            let path = scratch.join("vocab.txt");
            formats::write_vocab_txt(&path, &one).expect("write vocab.txt");
            // Tokens with a newline cannot round-trip through vocab.txt; the corpus
            // alphabet here has none, so every trained vocab must.
            assert_eq!(formats::read_vocab_txt(&path, &NEVER).expect("read back"), one);
        }
        (Err(one), Err(two)) => assert_eq!(one.to_string(), two.to_string()),
        (one, two) => panic!("1 thread gave {one:?}, 2 threads gave {two:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// File loaders

/// Every loader on arbitrary bytes: a value or an `Error`, never a panic; what loads is
/// consistent (vocab.txt: one token per line, distinct; vocab.json: ids 0..n; merges:
/// two non-empty symbols without spaces).
pub fn check_loaders(data: &[u8], scratch: &Path) {
    // The first byte picks how the rest is split between two files (vocab, merges).
    let (split, rest) = match data.split_first() {
        Some((&b, rest)) => ((b as usize * rest.len()) / 255, rest),
        None => (0, data),
    };
    let (first, second) = rest.split_at(split.min(rest.len()));
    let a = scratch.join("a");
    let b = scratch.join("b");
    std::fs::write(&a, first).unwrap();
    std::fs::write(&b, second).unwrap();
    for path in [&a, &b] {
        if let Ok(tokens) = formats::read_vocab_txt(path, &NEVER) {
            assert!(!tokens.is_empty());
            let distinct: HashSet<&String> = tokens.iter().collect();
            assert_eq!(distinct.len(), tokens.len());
            assert!(tokens.iter().all(|t| !t.is_empty() && !t.contains('\n')));
        }
        if let Ok(tokens) = formats::read_vocab_json(path, &NEVER) {
            let distinct: HashSet<&String> = tokens.iter().collect();
            assert_eq!(distinct.len(), tokens.len());
        }
        if let Ok(merges) = formats::read_merges(path, &NEVER) {
            for (line, (left, right)) in &merges {
                assert!(*line >= 1);
                assert!(!left.is_empty() && !right.is_empty());
                assert!(!left.contains(' ') && !right.contains(' '));
            }
        }
        if let Ok(model) = WordPieceModel::from_file(path, "[UNK]", "##", 100, &NEVER) {
            // Whatever loads saves through the atomic writer and loads back the same.
            let saved = scratch.join("saved-vocab.txt");
            formats::write_vocab_txt(&saved, model.vocab()).unwrap();
            assert_eq!(formats::read_vocab_txt(&saved, &NEVER).unwrap(), model.vocab());
        }
        let _ = BpeModel::from_codes(path, &["<unk>".to_string()], BpeOptions::default(), &NEVER);
    }
    let options = || BpeOptions {
        unk_token: None,
        ..BpeOptions::default()
    };
    if let Ok(model) = BpeModel::from_files(&a, &b, options(), &NEVER) {
        // Whatever loads must encode any text without panicking, ids in range.
        let text = String::from_utf8_lossy(second);
        if let Ok(ids) = model.encode(&text) {
            assert!(ids.iter().all(|&id| (id as usize) < model.tokens().len()));
        }
        // ... and save, then load back the same vocabulary and merges.
        let saved = scratch.join("saved-bpe");
        std::fs::create_dir_all(&saved).unwrap();
        model.save(&saved).unwrap();
        let (vocab, merges) = (saved.join("vocab.json"), saved.join("merges.txt"));
        let again = BpeModel::from_files(&vocab, &merges, options(), &NEVER).unwrap();
        assert_eq!(again.tokens(), model.tokens());
        assert_eq!(again.merges(), model.merges());
    }
}

/// A scratch directory private to this process (fuzzers run one process per job).
pub fn scratch_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("subword-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}
