//! Pre-tokenizing and counting words.
//!
//! Training needs only the table of distinct words and their counts, so counting streams:
//! files are read in blocks cut at whitespace, blocks are counted in parallel into
//! per-thread tables, and the tables are merged. Memory grows with the number of distinct
//! words, never with the size of the corpus.
//!
//! Words are split at [`WordBreaks`]: by default exactly as Python's `str.split()` splits
//! (see [`is_whitespace`]), the `"whitespace"` pre-tokenizer. The `"bert"` pre-tokenizer
//! lives in Python; for files it counts the chunks between [`WordBreaks::Bert`] breaks
//! here, splits the printable-ASCII chunks (nearly all of an English corpus) into BERT's
//! basic tokens here too ([`split_bert_ascii`]), and leaves BERT's BasicTokenizer to run
//! once per other distinct chunk, weighted by its count.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::formats::is_a_directory;
use crate::progress::{Phase, Progress};
use crate::{Error, Result};

/// How often each distinct word occurs in a corpus.
pub type WordCounts = FxHashMap<String, u64>;

/// What to do with bytes that are not UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Utf8Errors {
    /// Fail, naming the file, byte offset and line.
    #[default]
    Strict,
    /// Substitute U+FFFD, as Python's `errors="replace"`.
    Replace,
}

/// Whether `c` separates words for Python's `str.split()`: Unicode White_Space plus the
/// information separators U+001C..U+001F, which Python also treats as whitespace.
#[inline]
pub fn is_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Where words end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WordBreaks {
    /// Every character Python's `str.split()` splits on.
    #[default]
    Unicode,
    /// Only space, tab, newline and carriage return: the characters at which BERT's
    /// BasicTokenizer always splits and which nothing in its normalization looks across.
    /// (It deletes other controls such as U+000B or U+0085 rather than splitting there,
    /// so those must stay inside chunks.)
    Bert,
}

impl WordBreaks {
    #[inline]
    fn is_break(self, c: char) -> bool {
        match self {
            WordBreaks::Unicode => is_whitespace(c),
            WordBreaks::Bert => matches!(c, ' ' | '\t' | '\n' | '\r'),
        }
    }

    /// Whether a block may be cut after byte `b` (an ASCII break).
    #[inline]
    fn is_break_byte(self, b: u8) -> bool {
        b.is_ascii() && self.is_break(b as char)
    }
}

/// The words of `text`, split exactly as Python's `text.split()`.
pub fn split_words(text: &str) -> impl Iterator<Item = &str> {
    split_at(text, WordBreaks::Unicode)
}

/// `text` cut into pieces of about `size` bytes, each cut made at the first whitespace
/// (as [`split_words`] sees it) after the size is reached, so no word spans two pieces:
/// the words of the pieces, in order, are the words of `text`. Linear: each cut scans
/// forward from the last. A piece holding one enormous word runs to that word's end.
pub fn whitespace_pieces(text: &str, size: usize) -> Vec<&str> {
    let mut pieces = Vec::with_capacity(text.len() / size.max(1) + 1);
    let mut start = 0;
    while text.len() - start > size {
        let mut cut = start + size.max(1);
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        match text[cut..].find(is_whitespace) {
            Some(offset) => {
                pieces.push(&text[start..cut + offset]);
                start = cut + offset;
            }
            None => break,
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// The chunks of `text` between [`WordBreaks::Bert`] breaks: the units BERT's
/// normalization works within (see `wordpiece::chunks`).
///
/// The breaks are ASCII, so the text is scanned as bytes (no char decoding) and cut at
/// them, which are always char boundaries.
pub fn bert_chunks(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    (0..=bytes.len()).filter_map(move |i| {
        if i < bytes.len() && !WordBreaks::Bert.is_break_byte(bytes[i]) {
            return None;
        }
        let chunk = &text[start..i];
        start = i + 1;
        (!chunk.is_empty()).then_some(chunk)
    })
}

fn split_at(text: &str, breaks: WordBreaks) -> impl Iterator<Item = &str> {
    text.split(move |c| breaks.is_break(c))
        .filter(|word| !word.is_empty())
}

/// Adds the words of `text` to `counts`, allocating only for words not yet seen.
pub fn count_text(text: &str, counts: &mut WordCounts) {
    count_text_at(text, WordBreaks::Unicode, counts);
}

fn count_text_at(text: &str, breaks: WordBreaks, counts: &mut WordCounts) {
    match breaks {
        WordBreaks::Unicode => count_each(split_at(text, breaks), counts),
        WordBreaks::Bert => count_each(bert_chunks(text), counts),
    }
}

fn count_each<'t>(words: impl Iterator<Item = &'t str>, counts: &mut WordCounts) {
    for word in words {
        if let Some(count) = counts.get_mut(word) {
            *count += 1;
        } else {
            counts.insert(word.to_owned(), 1);
        }
    }
}

/// Adds every count of `from` to `into` (see [`add_count`]).
pub fn merge_counts(into: &mut WordCounts, from: WordCounts) {
    if into.len() < from.len() {
        let smaller = std::mem::replace(into, from);
        return merge_counts(into, smaller);
    }
    for (word, count) in from {
        add_count(into.entry(word).or_insert(0), count);
    }
}

/// Adds `count` to `total`, saturating at 2^64 - 1 rather than wrapping round to a small
/// count. Counting text cannot get there (it would take 2^64 words), so only counts a
/// caller gives (tables merged, weighted texts) can, and a count pinned at the maximum
/// still ranks first where a wrapped one would silently rank last.
pub fn add_count(total: &mut u64, count: u64) {
    *total = total.saturating_add(count);
}

/// BERT's basic tokens of `chunk` when it is printable ASCII (`!` to `~`), else `None`.
///
/// For such a chunk BERT's normalization has nothing to clean, compose, strip or space
/// apart, and every character that is not a letter or digit is BERT punctuation: the
/// tokens are the runs of letters and digits and each other character on its own
/// (lowercasing is left to the caller).
pub fn bert_ascii_tokens(chunk: &str) -> Option<Vec<&str>> {
    let bytes = chunk.as_bytes();
    if !bytes.iter().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let mut tokens = Vec::new();
    let mut start = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if !byte.is_ascii_alphanumeric() {
            if start < i {
                tokens.push(&chunk[start..i]);
            }
            tokens.push(&chunk[i..i + 1]);
            start = i + 1;
        }
    }
    if start < chunk.len() {
        tokens.push(&chunk[start..]);
    }
    Some(tokens)
}

/// Splits a table of BERT chunks (counted with [`WordBreaks::Bert`]) into the counted
/// basic tokens of its printable-ASCII chunks (lowercased when `lowercase`) and the table
/// of the other chunks, which need BERT's full normalization; in parallel.
pub fn split_bert_ascii(chunks: &WordCounts, lowercase: bool) -> (WordCounts, WordCounts) {
    chunks
        .par_iter()
        .fold(
            || (WordCounts::default(), WordCounts::default()),
            |(mut words, mut rest), (chunk, &count)| {
                match bert_ascii_tokens(chunk) {
                    Some(tokens) => {
                        for token in tokens {
                            let token = match lowercase {
                                true => token.to_ascii_lowercase(),
                                false => token.to_string(),
                            };
                            add_count(words.entry(token).or_insert(0), count);
                        }
                    }
                    None => {
                        rest.insert(chunk.clone(), count);
                    }
                }
                (words, rest)
            },
        )
        .reduce(
            || (WordCounts::default(), WordCounts::default()),
            |(mut words, mut rest), (more_words, more_rest)| {
                merge_counts(&mut words, more_words);
                merge_counts(&mut rest, more_rest);
                (words, rest)
            },
        )
}

/// Counts the words of many texts in parallel.
pub fn count_texts<S: AsRef<str> + Sync>(texts: &[S]) -> WordCounts {
    count_texts_at(texts, WordBreaks::Unicode)
}

/// Counts the words between `breaks` of many texts in parallel (with
/// [`WordBreaks::Bert`], the chunks [`split_bert_ascii`] takes, as from files).
pub fn count_texts_at<S: AsRef<str> + Sync>(texts: &[S], breaks: WordBreaks) -> WordCounts {
    texts
        .par_iter()
        .fold(WordCounts::default, |mut counts, text| {
            count_text_at(text.as_ref(), breaks, &mut counts);
            counts
        })
        .reduce(WordCounts::default, |mut a, b| {
            merge_counts(&mut a, b);
            a
        })
}

/// Size of the blocks files are read in; each is counted by one thread.
const BLOCK_SIZE: usize = 1 << 20;

/// A block of one file, cut after an ASCII whitespace byte so no word spans two blocks.
struct Block {
    file: usize,
    offset: u64,
    bytes: Vec<u8>,
}

/// Reads the files one after another as [`Block`]s.
struct BlockReader<'a> {
    paths: &'a [PathBuf],
    breaks: WordBreaks,
    /// The longest run without a break the carry may hold (`max_word_bytes`).
    max_word_bytes: Option<usize>,
    progress: &'a dyn Progress,
    file: usize,
    reader: Option<File>,
    offset: u64,
    carry: Vec<u8>,
}

impl<'a> BlockReader<'a> {
    fn new(
        paths: &'a [PathBuf],
        breaks: WordBreaks,
        max_word_bytes: Option<usize>,
        progress: &'a dyn Progress,
    ) -> Self {
        BlockReader {
            paths,
            breaks,
            max_word_bytes,
            progress,
            file: 0,
            reader: None,
            offset: 0,
            carry: Vec::new(),
        }
    }

    fn next_block(&mut self) -> Result<Option<Block>> {
        while self.file < self.paths.len() {
            let path = &self.paths[self.file];
            if self.reader.is_none() {
                self.reader = Some(open_file(path)?);
            }
            let reader = self.reader.as_mut().expect("opened above");
            let mut bytes = std::mem::take(&mut self.carry);
            let start = bytes.len();
            bytes.resize(start + BLOCK_SIZE, 0);
            let read = read_full(reader, &mut bytes[start..]).map_err(|e| Error::io(path, e))?;
            bytes.truncate(start + read);
            let at_end = read == 0 || start + read < start + BLOCK_SIZE;
            if !at_end {
                // Keep the incomplete last word for the next block; a block without any
                // whitespace (one enormous word) grows until whitespace, the end, or past
                // `max_word_bytes` (an error). The carried bytes hold no break (they
                // follow the last one), so only the bytes just read are searched: linear
                // however long the word.
                let breaks = self.breaks;
                match bytes[start..]
                    .iter()
                    .rposition(|&b| breaks.is_break_byte(b))
                {
                    Some(cut) => self.carry = bytes.split_off(start + cut + 1),
                    None => {
                        if let Some(limit) = self.max_word_bytes
                            && bytes.len() > limit
                        {
                            return Err(word_too_long(path, self.offset, limit));
                        }
                        self.carry = bytes;
                        if !self.progress.keep_going() {
                            return Err(Error::Interrupted);
                        }
                        continue;
                    }
                }
            }
            let block = Block {
                file: self.file,
                offset: self.offset,
                bytes,
            };
            self.offset += block.bytes.len() as u64;
            if at_end {
                self.file += 1;
                self.reader = None;
                self.offset = 0;
            }
            if !block.bytes.is_empty() {
                return Ok(Some(block));
            }
        }
        Ok(None)
    }
}

impl Iterator for BlockReader<'_> {
    type Item = Result<Block>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_block() {
            Ok(block) => block.map(Ok),
            Err(err) => {
                self.file = self.paths.len();
                Some(Err(err))
            }
        }
    }
}

fn read_full(reader: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn open_file(path: &Path) -> Result<File> {
    if path.is_dir() {
        return Err(Error::io(path, is_a_directory()));
    }
    File::open(path).map_err(|e| Error::io(path, e))
}

/// Checks up front that every file can be opened, so a typo in the last of many paths
/// fails at once rather than after the others were read. Returns their total size.
pub fn check_files(paths: &[PathBuf]) -> Result<u64> {
    let mut total = 0;
    for path in paths {
        let file = open_file(path)?;
        total += file
            .metadata()
            .map_err(|e| Error::io(path, e))
            .map(|m| m.len())?;
    }
    Ok(total)
}

/// The 1-based line of byte `offset` of `path`: the line ends before it are counted a
/// block at a time, not read into memory at once (only error paths ask).
fn line_at(path: &Path, offset: u64) -> u64 {
    let mut newlines = 0;
    if let Ok(file) = File::open(path) {
        let mut before = file.take(offset);
        let mut block = vec![0u8; 1 << 16];
        while let Ok(read) = before.read(&mut block) {
            if read == 0 {
                break;
            }
            newlines += block[..read].iter().filter(|&&b| b == b'\n').count() as u64;
        }
    }
    newlines + 1
}

/// The error for invalid UTF-8 at `offset` of `path`, with its line number.
fn utf8_error(path: &Path, offset: u64) -> Error {
    Error::InvalidUtf8 {
        path: path.to_path_buf(),
        offset,
        line: line_at(path, offset),
    }
}

/// The error for a word (a run without a break) longer than `limit` bytes starting at
/// byte `offset` of `path`: an [`Error::InvalidArgument`] of `max_word_bytes`, so each
/// front end names its own spelling of the option that raises the limit.
fn word_too_long(path: &Path, offset: u64, limit: usize) -> Error {
    Error::argument(
        "max_word_bytes",
        format!(
            "is {limit}, but {} holds a longer word (a run of bytes without whitespace) at \
             byte offset {offset} (line {}); raise the limit, or leave it unset for none",
            path.display(),
            line_at(path, offset)
        ),
    )
}

/// The start of the first run of `bytes` between `breaks` that is longer than `limit`.
fn long_run(bytes: &[u8], breaks: WordBreaks, limit: usize) -> Option<usize> {
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if breaks.is_break_byte(byte) {
            if i - start > limit {
                return Some(start);
            }
            start = i + 1;
        }
    }
    (bytes.len() - start > limit).then_some(start)
}

/// Checks that no text holds a run without a break (a word, for the `"whitespace"`
/// pre-tokenizer; a chunk between spaces, tabs and line ends for `"bert"`) longer than
/// `limit` bytes: the `max_word_bytes` of texts and of given counts, as [`count_files_at`]
/// applies it to files.
pub fn check_word_bytes<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    breaks: WordBreaks,
    limit: usize,
) -> Result<()> {
    for text in texts {
        if let Some(start) = long_run(text.as_bytes(), breaks, limit) {
            let word = &text[start..];
            let end = word
                .bytes()
                .position(|b| breaks.is_break_byte(b))
                .unwrap_or(word.len());
            let mut preview: String = word[..end].chars().take(20).collect();
            if preview.len() < end {
                preview.push_str("...");
            }
            return Err(Error::argument(
                "max_word_bytes",
                format!(
                    "is {limit}, but the word {preview:?} holds {end} bytes; raise the limit, \
                     or leave it unset for none"
                ),
            ));
        }
    }
    Ok(())
}

/// Counts the whitespace-separated words of `paths`, in parallel, streaming.
pub fn count_files(
    paths: &[PathBuf],
    errors: Utf8Errors,
    progress: &dyn Progress,
) -> Result<WordCounts> {
    count_files_at(paths, WordBreaks::Unicode, errors, None, progress)
}

/// Counts the words of `paths` between `breaks`, in parallel, streaming.
///
/// With `max_word_bytes`, a run of more bytes than that without a break (a word for
/// [`WordBreaks::Unicode`] as far as ASCII whitespace goes, a chunk for
/// [`WordBreaks::Bert`]) is an error naming the file and byte offset, raised as soon as
/// the reader has read past the limit: the memory a file without whitespace can take is
/// bounded by the limit. Without it, such a run is one word however long.
pub fn count_files_at(
    paths: &[PathBuf],
    breaks: WordBreaks,
    errors: Utf8Errors,
    max_word_bytes: Option<usize>,
    progress: &dyn Progress,
) -> Result<WordCounts> {
    let total = check_files(paths)?;
    let done = AtomicU64::new(0);
    let count_block = |mut counts: WordCounts, block: Result<Block>| -> Result<WordCounts> {
        let block = block?;
        let size = block.bytes.len() as u64;
        if let Some(limit) = max_word_bytes
            && let Some(start) = long_run(&block.bytes, breaks, limit)
        {
            let path = &paths[block.file];
            return Err(word_too_long(path, block.offset + start as u64, limit));
        }
        match errors {
            Utf8Errors::Strict => {
                let text = std::str::from_utf8(&block.bytes).map_err(|err| {
                    utf8_error(&paths[block.file], block.offset + err.valid_up_to() as u64)
                })?;
                count_text_at(text, breaks, &mut counts);
            }
            Utf8Errors::Replace => {
                count_text_at(&String::from_utf8_lossy(&block.bytes), breaks, &mut counts)
            }
        }
        let done = done.fetch_add(size, Ordering::Relaxed) + size;
        if !progress.update(Phase::Counting, done, total) {
            return Err(Error::Interrupted);
        }
        Ok(counts)
    };
    BlockReader::new(paths, breaks, max_word_bytes, progress)
        .par_bridge()
        .try_fold(WordCounts::default, count_block)
        .try_reduce(WordCounts::default, |mut a, b| {
            merge_counts(&mut a, b);
            Ok(a)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;
    use std::fs;

    #[test]
    fn whitespace_pieces_keep_every_word_whole() {
        let text = "héllo wörld\u{1c}a bb\u{3000}ccc  dddd eeeee ffffff";
        for size in 1..text.len() + 2 {
            let pieces = whitespace_pieces(text, size);
            assert_eq!(pieces.concat(), text, "size {size}");
            let words: Vec<&str> = pieces.iter().flat_map(|p| split_words(p)).collect();
            assert_eq!(words, split_words(text).collect::<Vec<_>>(), "size {size}");
        }
        assert_eq!(whitespace_pieces("", 4), vec![""]);
        assert_eq!(whitespace_pieces("abcdefgh", 2), vec!["abcdefgh"]);
    }

    #[test]
    fn merged_counts_saturate_instead_of_wrapping() {
        let mut total: WordCounts = [("a".to_string(), u64::MAX)].into_iter().collect();
        let more: WordCounts = [("a".to_string(), 5), ("b".to_string(), 1)]
            .into_iter()
            .collect();
        merge_counts(&mut total, more);
        assert_eq!((total["a"], total["b"]), (u64::MAX, 1));
    }

    #[test]
    fn bert_chunks_cut_at_spaces_tabs_and_line_ends_only() {
        let text = " a\tb\u{3000}c\r\n\x0bd\u{85}é  ";
        let expected: Vec<&str> = split_at(text, WordBreaks::Bert).collect();
        assert_eq!(bert_chunks(text).collect::<Vec<_>>(), expected);
        assert_eq!(expected, ["a", "b\u{3000}c", "\x0bd\u{85}é"]);
        assert_eq!(bert_chunks("").count(), 0);
    }

    proptest::proptest! {
        #[test]
        fn bert_chunks_equal_the_char_by_char_split(
            text in "[ \t\n\r\x0b\u{85}\u{3000}aé中]{0,40}",
        ) {
            let expected: Vec<&str> = split_at(&text, WordBreaks::Bert).collect();
            proptest::prop_assert_eq!(bert_chunks(&text).collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn printable_ascii_chunks_split_as_bert_does() {
        assert_eq!(
            bert_ascii_tokens("(Hello,world!)x1"),
            Some(vec!["(", "Hello", ",", "world", "!", ")", "x1"])
        );
        assert_eq!(bert_ascii_tokens("--"), Some(vec!["-", "-"]));
        assert_eq!(bert_ascii_tokens("caf\u{e9}"), None);
        assert_eq!(bert_ascii_tokens("a\x01b"), None);
        let chunks: WordCounts = [("The,", 2), ("the", 3), ("\u{e9}t\u{e9}", 4)]
            .into_iter()
            .map(|(w, c)| (w.to_string(), c))
            .collect();
        let (words, rest) = split_bert_ascii(&chunks, true);
        let table = |items: &[(&str, u64)]| -> WordCounts {
            items.iter().map(|&(w, c)| (w.to_string(), c)).collect()
        };
        assert_eq!(words, table(&[("the", 5), (",", 2)]));
        assert_eq!(rest, table(&[("\u{e9}t\u{e9}", 4)]));
        let (cased, _) = split_bert_ascii(&chunks, false);
        assert_eq!(cased["The"], 2);
    }

    fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("subword-count-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, contents).unwrap();
        path
    }

    fn naive_counts(text: &str) -> WordCounts {
        let mut counts = WordCounts::default();
        for word in text.split(is_whitespace).filter(|w| !w.is_empty()) {
            *counts.entry(word.to_string()).or_default() += 1;
        }
        counts
    }

    #[test]
    fn splits_like_python_str_split() {
        let text = "a\u{1c}b\u{a0}c\td\u{3000}e  f\u{200b}g\n";
        let words: Vec<&str> = split_words(text).collect();
        // U+200B ZERO WIDTH SPACE is not whitespace for Python.
        assert_eq!(words, ["a", "b", "c", "d", "e", "f\u{200b}g"]);
    }

    #[test]
    fn counts_files_across_block_boundaries() {
        // Several blocks, words of every length, a final line without newline.
        let mut text = String::new();
        for i in 0..300_000 {
            text.push_str(&"wörd".repeat(i % 7 + 1));
            text.push(if i % 11 == 0 { '\n' } else { ' ' });
        }
        text.push_str("last");
        let path = temp_file("blocks.txt", text.as_bytes());
        let counts = count_files(&[path.clone(), path], Utf8Errors::Strict, &Silent).unwrap();
        let mut expected = naive_counts(&text);
        expected.values_mut().for_each(|c| *c *= 2);
        assert_eq!(counts, expected);
    }

    #[test]
    fn one_huge_word_is_one_word() {
        let text = "x".repeat(3 * BLOCK_SIZE + 5);
        let path = temp_file("huge.txt", text.as_bytes());
        let counts = count_files(&[path], Utf8Errors::Strict, &Silent).unwrap();
        assert_eq!(counts.len(), 1);
        assert_eq!(counts[&text], 1);
    }

    #[test]
    fn a_run_past_max_word_bytes_names_file_offset_and_line() {
        let count = |path: &PathBuf, breaks, limit| {
            count_files_at(
                std::slice::from_ref(path),
                breaks,
                Utf8Errors::Strict,
                Some(limit),
                &Silent,
            )
        };
        // Carried across blocks: refused by the reader, before the end is read.
        let mut text = b"ok fine\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 3 * BLOCK_SIZE));
        text.extend(b" tail\n");
        let path = temp_file("long-run.txt", &text);
        let err = count(&path, WordBreaks::Unicode, 1000).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidArgument {
                argument: "max_word_bytes",
                ..
            }
        ));
        let message = err.to_string();
        assert!(
            message.starts_with("max_word_bytes is 1000, but"),
            "{message}"
        );
        assert!(message.contains("long-run.txt"), "{message}");
        assert!(message.contains("byte offset 8 (line 2)"), "{message}");
        // Inside one block; a run of exactly the limit is fine.
        let path = temp_file("short-runs.txt", b"a bb\tccc\ndd");
        assert!(count(&path, WordBreaks::Unicode, 3).is_ok());
        let err = count(&path, WordBreaks::Unicode, 2)
            .unwrap_err()
            .to_string();
        assert!(err.contains("byte offset 5 (line 1)"), "{err}");
        // BERT chunks run up to a space, tab or line end: U+000B stays inside.
        let path = temp_file("bert-run.txt", b"ab\x0bcd ef");
        assert!(count(&path, WordBreaks::Unicode, 2).is_ok());
        assert!(count(&path, WordBreaks::Bert, 2).is_err());
    }

    #[test]
    fn texts_past_max_word_bytes_name_the_word() {
        assert!(check_word_bytes(["a bb", "ccc"], WordBreaks::Unicode, 3).is_ok());
        let err = check_word_bytes(["a bb", "x ccccc y"], WordBreaks::Unicode, 3).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("\"ccccc\" holds 5 bytes"), "{message}");
        let long = format!("{} b", "é".repeat(30));
        let err = check_word_bytes([long.as_str()], WordBreaks::Bert, 10).unwrap_err();
        let expected = format!("\"{}...\" holds 60 bytes", "é".repeat(20));
        assert!(err.to_string().contains(&expected), "{err}");
    }

    #[test]
    fn invalid_utf8_names_offset_and_line_or_is_replaced() {
        let path = temp_file("bad.txt", b"ok fine\nbad \xff here\n");
        let err =
            count_files(std::slice::from_ref(&path), Utf8Errors::Strict, &Silent).unwrap_err();
        assert!(err.to_string().contains("byte offset 12 (line 2)"), "{err}");
        let counts = count_files(&[path], Utf8Errors::Replace, &Silent).unwrap();
        assert_eq!(counts["\u{fffd}"], 1);
    }

    #[test]
    fn missing_files_and_directories_fail_before_reading() {
        let good = temp_file("good.txt", b"a b");
        let missing = good.with_file_name("missing.txt");
        let err = count_files(&[good.clone(), missing], Utf8Errors::Strict, &Silent).unwrap_err();
        assert!(matches!(err, Error::Io { .. }) && err.to_string().contains("missing.txt"));
        let dir = good.parent().unwrap().to_path_buf();
        let err = count_files(&[dir], Utf8Errors::Strict, &Silent).unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
    }

    #[test]
    fn bert_breaks_keep_controls_inside_chunks() {
        let text = "a\u{b}b c\u{85}d\te\u{a0}f\r\ng\u{1c}h";
        let path = temp_file("bert.txt", text.as_bytes());
        let counts =
            count_files_at(&[path], WordBreaks::Bert, Utf8Errors::Strict, None, &Silent).unwrap();
        let mut words: Vec<&str> = counts.keys().map(String::as_str).collect();
        words.sort_unstable();
        assert_eq!(words, ["a\u{b}b", "c\u{85}d", "e\u{a0}f", "g\u{1c}h"]);
    }

    #[test]
    fn texts_count_like_files() {
        let texts = ["a b a", "", "  c\u{85}a  "];
        let counts = count_texts(&texts);
        assert_eq!(counts, naive_counts(&texts.join(" ")));
    }
}
