//! Reading and writing the files models live in: BERT `vocab.txt`, Hugging Face
//! `vocab.json` + `merges.txt`, and subword-nmt codes files (the same format as
//! `merges.txt`). Readers report the 1-based physical line of any problem; writers go
//! through [`write_atomic`] so an interrupted save never leaves a half-written file.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use rustc_hash::FxHashMap;

use crate::progress::{check, now_and_then};
use crate::{Error, Result};

/// Reads a whole file as UTF-8, naming the file, byte offset and line of invalid bytes.
/// Every reader here stops with [`Error::Interrupted`] once `stop` is set.
pub fn read_utf8(path: &Path, stop: &AtomicBool) -> Result<String> {
    let bytes = read_bytes(path, stop)?;
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        invalid_utf8(path, offset as u64, &bytes[..offset])
    })
}

/// The most bytes a model file (`vocab.txt`, `vocab.json`, `merges.txt`, a codes file)
/// may hold unless `SUBWORD_MAX_FILE_BYTES` says otherwise: 2 GiB, a hundred times the
/// largest published vocabularies, small enough that a folder from someone else cannot
/// make a load read until memory runs out.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 2 << 30;

/// The size limit of model files: `SUBWORD_MAX_FILE_BYTES` when set to a number, else
/// [`DEFAULT_MAX_FILE_BYTES`].
pub fn max_file_bytes() -> u64 {
    std::env::var("SUBWORD_MAX_FILE_BYTES")
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(DEFAULT_MAX_FILE_BYTES)
}

/// Reads a whole model file. Only a regular file is read (a directory, FIFO, socket or
/// device is refused before it is opened, so a FIFO cannot block the load forever and
/// `/dev/zero` cannot fill memory), and at most [`max_file_bytes`] of it, in blocks
/// between which `stop` is checked.
pub fn read_bytes(path: &Path, stop: &AtomicBool) -> Result<Vec<u8>> {
    let metadata = fs::metadata(path).map_err(|err| Error::io(path, err))?;
    if metadata.is_dir() {
        return Err(Error::io(path, is_a_directory()));
    }
    if !metadata.is_file() {
        return Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a regular file (a FIFO, socket or device); model files must be regular files",
            ),
        ));
    }
    let limit = max_file_bytes();
    let too_large = |size: u64| {
        Error::InvalidInput(format!(
            "{}: {size} bytes or more, over the {limit} a model file may hold \
             (set SUBWORD_MAX_FILE_BYTES to allow more)",
            path.display()
        ))
    };
    if metadata.len() > limit {
        return Err(too_large(metadata.len()));
    }
    let file = File::open(path).map_err(|err| Error::io(path, err))?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // The file may have grown since: read one byte past the limit to know.
    let mut file = file.take(limit.saturating_add(1));
    const BLOCK: u64 = 8 << 20;
    loop {
        check(stop)?;
        let read = (&mut file)
            .take(BLOCK)
            .read_to_end(&mut bytes)
            .map_err(|err| Error::io(path, err))?;
        if read == 0 {
            break;
        }
    }
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The error for a directory given where a file is expected.
pub fn is_a_directory() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::IsADirectory,
        "is a directory, not a file",
    )
}

/// An [`Error::InvalidUtf8`] at `offset`, where `before` holds the bytes preceding it (used
/// to find the 1-based line number).
pub fn invalid_utf8(path: &Path, offset: u64, before: &[u8]) -> Error {
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
    Error::InvalidUtf8 {
        path: path.to_path_buf(),
        offset,
        line,
    }
}

/// The lines of `text` with their 1-based numbers, without `\n` or `\r\n`; a final line
/// without a newline is kept, the empty string after a final newline is not.
pub fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_terminator('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .enumerate()
        .map(|(index, line)| (index + 1, line))
}

/// Checks that `token` can be a line of a `vocab.txt`: not empty, no `\n` or `\r` (a
/// token holding one would come back as two, shifting every later id).
pub fn check_vocab_txt_token(token: &str) -> Result<()> {
    if token.is_empty() || token.contains(['\n', '\r']) {
        return Err(Error::InvalidInput(format!(
            "the token {token:?} cannot be saved: vocab.txt holds one token a line, so a \
             token must be non-empty and hold no line break"
        )));
    }
    Ok(())
}

/// Checks that `symbol` can be one side of a `merges.txt` line (`left right`): not
/// empty, no space, `\n` or `\r`.
pub fn check_merge_symbol(symbol: &str) -> Result<()> {
    if symbol.is_empty() || symbol.contains([' ', '\n', '\r']) {
        return Err(Error::InvalidInput(format!(
            "the symbol {symbol:?} cannot be saved: merges.txt holds `left right` a line, so \
             a symbol must be non-empty and hold no space or line break"
        )));
    }
    Ok(())
}

/// Checks the words a trainer is given: no word holds a space or line break, the
/// separators of `merges.txt` and `vocab.txt` (no pre-tokenizer makes such a word, so it
/// comes from a wrongly split table of counts), and the error comes before training
/// rather than from the save after it.
pub fn check_training_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<()> {
    for word in words {
        if word.contains([' ', '\n', '\r']) {
            return Err(Error::InvalidInput(format!(
                "the word {word:?} holds a space or line break; words are what whitespace \
                 separates, and a trained model could not save it"
            )));
        }
    }
    Ok(())
}

/// Writes `path` through a temporary file in the same directory, renamed into place only
/// once `write` has succeeded: readers see the old file or the new one, never half of it.
///
/// The temporary file has a fresh random name and is created exclusively (`O_EXCL`), so
/// two saves running at once, in threads or processes, never write into the same one,
/// and a planted symlink is never followed. It gets the usual permissions (0666 less the
/// umask, not the private 0600 of most temp files: a model folder is meant to be shared).
/// The file is synced before the rename and the folder after it, so the new file
/// survives a power loss once this returns. On any error the temporary file is removed.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let result = (|| {
        let temp = temp_file_beside(path, directory)?;
        let mut writer = BufWriter::new(temp);
        write(&mut writer)?;
        let temp = writer.into_inner().map_err(|err| err.into_error())?;
        temp.as_file().sync_all()?;
        temp.persist(path).map_err(|err| err.error)?;
        sync_directory(directory)
    })();
    // Dropping the temporary file on an error path above deletes it.
    result.map_err(|err| Error::io(path, err))
}

/// An exclusively created temporary file named `.{name}.{random}.tmp` in `directory`.
fn temp_file_beside(path: &Path, directory: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode given to open(2), which the umask then narrows as for any new file.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(directory)
}

/// Makes a rename in `directory` durable (a no-op where folders cannot be synced).
fn sync_directory(directory: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(directory)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = directory;
    Ok(())
}

/// Reads a BERT `vocab.txt`: one token a line, the id is the 0-based line index. Blank
/// lines and duplicate tokens are errors, since transformers would silently shift or
/// shadow ids.
pub fn read_vocab_txt(path: &Path, stop: &AtomicBool) -> Result<Vec<String>> {
    let text = read_utf8(path, stop)?;
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    let mut tokens = Vec::new();
    for (line, token) in numbered_lines(&text) {
        if now_and_then(line) {
            check(stop)?;
        }
        if token.is_empty() {
            return Err(Error::format(
                path,
                line,
                "blank line in vocab (every line must hold one token)",
            ));
        }
        if let Some(first) = seen.insert(token, line) {
            return Err(Error::format(
                path,
                line,
                format!("duplicate token {token:?} (first on line {first})"),
            ));
        }
        tokens.push(token.to_owned());
    }
    if tokens.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{}: the vocab file is empty",
            path.display()
        )));
    }
    Ok(tokens)
}

/// Writes a BERT `vocab.txt` atomically, one token a line in id order.
pub fn write_vocab_txt(path: &Path, tokens: &[String]) -> Result<()> {
    write_atomic(path, |out| {
        for token in tokens {
            writeln!(out, "{token}")?;
        }
        Ok(())
    })
}

/// Reads a Hugging Face `vocab.json` (`{"token": id, ...}`) into tokens indexed by id.
/// Ids must be exactly `0..n` with no gaps or repeats. (`stop` is checked while reading
/// and after parsing, which runs at hundreds of MB/s.)
pub fn read_vocab_json(path: &Path, stop: &AtomicBool) -> Result<Vec<String>> {
    let text = read_utf8(path, stop)?;
    let map: FxHashMap<String, u64> = serde_json::from_str(&text).map_err(|err| {
        Error::format(
            path,
            err.line(),
            format!("not a JSON object of token -> id: {err}"),
        )
    })?;
    check(stop)?;
    let size = map.len();
    let mut tokens: Vec<Option<String>> = vec![None; size];
    for (token, id) in map {
        let slot = tokens.get_mut(id as usize).ok_or_else(|| {
            Error::InvalidInput(format!(
                "{}: id {id} of {token:?} is out of range: ids must be 0..{size}",
                path.display()
            ))
        })?;
        if slot.is_some() {
            return Err(Error::InvalidInput(format!(
                "{}: id {id} is given twice",
                path.display()
            )));
        }
        *slot = Some(token);
    }
    Ok(tokens
        .into_iter()
        .map(|t| t.expect("ids 0..n are all filled"))
        .collect())
}

/// Writes a Hugging Face `vocab.json` atomically, keys in id order.
pub fn write_vocab_json(path: &Path, tokens: &[String]) -> Result<()> {
    write_atomic(path, |out| {
        out.write_all(b"{")?;
        for (id, token) in tokens.iter().enumerate() {
            let sep = if id == 0 { "" } else { "," };
            let key = serde_json::to_string(token).map_err(std::io::Error::other)?;
            write!(out, "{sep}{key}:{id}")?;
        }
        out.write_all(b"}\n")
    })
}

/// The header line of subword-nmt codes files and Hugging Face `merges.txt`.
pub const MERGES_HEADER: &str = "#version: 0.2";

/// Reads merges from a `merges.txt` or a subword-nmt codes file: an optional `#version`
/// header, then one `left right` pair a line, separated by one space. Each merge comes
/// with its 1-based line number, for errors found later.
pub fn read_merges(path: &Path, stop: &AtomicBool) -> Result<Vec<(usize, (String, String))>> {
    let text = read_utf8(path, stop)?;
    let mut merges = Vec::new();
    for (line, content) in numbered_lines(&text) {
        if now_and_then(line) {
            check(stop)?;
        }
        if line == 1 && content.starts_with("#version") {
            continue;
        }
        let mut parts = content.split(' ');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(left), Some(right), None) if !left.is_empty() && !right.is_empty() => {
                merges.push((line, (left.to_owned(), right.to_owned())));
            }
            _ => {
                return Err(Error::format(
                    path,
                    line,
                    format!("expected two symbols separated by one space, found {content:?}"),
                ));
            }
        }
    }
    Ok(merges)
}

/// Writes merges atomically in the format both subword-nmt and Hugging Face read.
pub fn write_merges(path: &Path, merges: &[(String, String)]) -> Result<()> {
    write_atomic(path, |out| {
        writeln!(out, "{MERGES_HEADER}")?;
        for (left, right) in merges {
            writeln!(out, "{left} {right}")?;
        }
        Ok(())
    })
}

/// The first bytes of [`encode_word_counts`]' format, with its version.
const WORD_COUNTS_MAGIC: &[u8; 4] = b"SWC1";

/// A table of word counts as compact bytes: what `WordCounts` pickles to, so that tables
/// cross processes (a Dask cluster's tree merge) without a Python dict of millions of
/// objects. The layout is `SWC1`, then the number of words, then for each word its length
/// in bytes, its UTF-8 bytes and its count; numbers are unsigned LEB128 (`leb128`), so a
/// short word with a small count takes a few bytes more than its text.
pub fn encode_word_counts(counts: &FxHashMap<String, u64>) -> Vec<u8> {
    let size: usize = counts.keys().map(|word| word.len() + 3).sum();
    let mut bytes = Vec::with_capacity(WORD_COUNTS_MAGIC.len() + 10 + size);
    bytes.extend_from_slice(WORD_COUNTS_MAGIC);
    let write = |bytes: &mut Vec<u8>, value: u64| {
        leb128::write::unsigned(bytes, value).expect("writing to a Vec cannot fail");
    };
    write(&mut bytes, counts.len() as u64);
    for (word, &count) in counts {
        write(&mut bytes, word.len() as u64);
        bytes.extend_from_slice(word.as_bytes());
        write(&mut bytes, count);
    }
    bytes
}

/// Reads [`encode_word_counts`]' bytes back; anything else (another format, cut short,
/// bytes left over, a word that is not UTF-8 or comes twice) is an error, never a panic.
pub fn decode_word_counts(bytes: &[u8]) -> Result<FxHashMap<String, u64>> {
    let bad = |why: &str| Error::InvalidInput(format!("not a WordCounts pickle: {why}"));
    let mut rest = bytes
        .strip_prefix(WORD_COUNTS_MAGIC)
        .ok_or_else(|| bad("it does not start with SWC1"))?;
    let number = |rest: &mut &[u8]| {
        leb128::read::unsigned(rest).map_err(|error| match error {
            leb128::read::Error::IoError(_) => bad("it is cut short"),
            leb128::read::Error::Overflow => bad("a number is over 2**64"),
        })
    };
    let words = number(&mut rest)?;
    // Each word takes at least 2 bytes, so a bad count cannot make us reserve much.
    let mut counts = FxHashMap::default();
    counts.reserve((words as usize).min(bytes.len() / 2));
    for _ in 0..words {
        let length = usize::try_from(number(&mut rest)?).map_err(|_| bad("a word is too long"))?;
        if rest.len() < length {
            return Err(bad("it is cut short"));
        }
        let (word, tail) = rest.split_at(length);
        rest = tail;
        let word = std::str::from_utf8(word).map_err(|_| bad("a word is not UTF-8"))?;
        let count = number(&mut rest)?;
        if counts.insert(word.to_owned(), count).is_some() {
            return Err(bad("a word comes twice"));
        }
    }
    if !rest.is_empty() {
        return Err(bad("bytes are left over after the last word"));
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NEVER;
    use std::path::PathBuf;

    #[test]
    fn word_counts_round_trip_through_bytes() {
        let mut counts = FxHashMap::default();
        counts.insert("hello".to_owned(), 3);
        counts.insert("wörld 中".to_owned(), u64::MAX);
        counts.insert(String::new(), 1);
        assert_eq!(
            decode_word_counts(&encode_word_counts(&counts)).unwrap(),
            counts
        );
        let empty = FxHashMap::default();
        assert_eq!(
            decode_word_counts(&encode_word_counts(&empty)).unwrap(),
            empty
        );
    }

    #[test]
    fn bad_word_counts_bytes_are_errors() {
        let mut counts = FxHashMap::default();
        counts.insert("hello".to_owned(), 3);
        let bytes = encode_word_counts(&counts);
        for cut in 0..bytes.len() {
            assert!(decode_word_counts(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_word_counts(&longer).is_err());
        let mut not_utf8 = bytes.clone();
        not_utf8[6] = 0xff; // the first byte of "hello" (after SWC1, 1 and 5)
        let message = decode_word_counts(&not_utf8).unwrap_err().to_string();
        assert!(message.contains("not UTF-8"), "{message}");
        let mut twice = encode_word_counts(&counts);
        twice[4] = 2; // two words, the same one twice
        twice.extend_from_slice(&bytes[5..]);
        assert!(
            decode_word_counts(&twice)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        let mut huge = b"SWC1".to_vec();
        leb128::write::unsigned(&mut huge, u64::MAX).unwrap();
        huge.extend_from_slice(&bytes[5..]);
        assert!(decode_word_counts(&huge).is_err()); // no huge reservation, no panic
        let mut overflow = b"SWC1".to_vec();
        overflow.extend_from_slice(&[0xff; 11]);
        assert!(decode_word_counts(&overflow).is_err());
    }

    fn temp_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "subword-formats-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn vocab_txt_round_trips_and_reports_lines() {
        let dir = temp_dir();
        let path = dir.join("vocab.txt");
        let tokens: Vec<String> = ["[PAD]", "[UNK]", "a", "##b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        write_vocab_txt(&path, &tokens).unwrap();
        assert_eq!(read_vocab_txt(&path, &NEVER).unwrap(), tokens);

        fs::write(&path, "a\nb\na\n").unwrap();
        let err = read_vocab_txt(&path, &NEVER).unwrap_err().to_string();
        assert!(
            err.contains(":3: duplicate token \"a\" (first on line 1)"),
            "{err}"
        );

        fs::write(&path, "a\n\nb\n").unwrap();
        assert!(
            read_vocab_txt(&path, &NEVER)
                .unwrap_err()
                .to_string()
                .contains(":2: blank line")
        );

        fs::write(&path, b"a\nb\xff\n").unwrap();
        let err = read_vocab_txt(&path, &NEVER).unwrap_err().to_string();
        assert!(err.contains("byte offset 3 (line 2)"), "{err}");
    }

    #[test]
    fn merges_and_vocab_json_round_trip() {
        let dir = temp_dir();
        let merges = vec![
            ("a".to_string(), "b</w>".to_string()),
            ("\"q".to_string(), "é".to_string()),
        ];
        let path = dir.join("merges.txt");
        write_merges(&path, &merges).unwrap();
        let read = read_merges(&path, &NEVER).unwrap();
        assert_eq!(
            read.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            [2, 3]
        );
        assert_eq!(
            read.into_iter().map(|(_, merge)| merge).collect::<Vec<_>>(),
            merges
        );

        fs::write(&path, "#version: 0.2\na b\nab\n").unwrap();
        assert!(
            read_merges(&path, &NEVER)
                .unwrap_err()
                .to_string()
                .contains(":3: expected two symbols")
        );

        let tokens: Vec<String> = ["<unk>", "\"", "a\\b", "é"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let path = dir.join("vocab.json");
        write_vocab_json(&path, &tokens).unwrap();
        assert_eq!(read_vocab_json(&path, &NEVER).unwrap(), tokens);

        fs::write(&path, "{\"a\": 0, \"b\": 2}").unwrap();
        assert!(
            read_vocab_json(&path, &NEVER)
                .unwrap_err()
                .to_string()
                .contains("out of range")
        );
    }

    #[test]
    fn failed_atomic_write_leaves_no_file() {
        let dir = temp_dir();
        let path = dir.join("out.txt");
        let result = write_atomic(&path, |out| {
            out.write_all(b"partial")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(result.is_err());
        assert!(!path.exists());
        assert_eq!(
            fs::read_dir(&dir)
                .unwrap()
                .filter(|e| e
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".tmp"))
                .count(),
            0
        );
    }

    #[test]
    fn concurrent_atomic_writes_of_one_path_never_mix() {
        let dir = temp_dir();
        let path = dir.join("vocab.txt");
        let texts = ["a\n".repeat(20_000), "b\n".repeat(30_000)];
        std::thread::scope(|scope| {
            for text in &texts {
                let path = &path;
                scope.spawn(move || {
                    for _ in 0..50 {
                        write_atomic(path, |out| out.write_all(text.as_bytes())).unwrap();
                    }
                });
            }
        });
        let written = fs::read_to_string(&path).unwrap();
        assert!(texts.contains(&written), "a mix of both writes");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "a temporary file was left"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn atomic_writes_get_the_usual_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let status = fs::read_to_string("/proc/self/status").unwrap();
        let umask = status
            .lines()
            .find_map(|line| line.strip_prefix("Umask:"))
            .map(|value| u32::from_str_radix(value.trim(), 8).unwrap())
            .unwrap();
        let path = temp_dir().join("vocab.txt");
        write_atomic(&path, |out| out.write_all(b"a\n")).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask);
    }
}
