//! Reading and writing the files models live in: BERT `vocab.txt`, Hugging Face
//! `vocab.json` + `merges.txt`, and subword-nmt codes files (the same format as
//! `merges.txt`). Readers report the 1-based physical line of any problem; writers go
//! through [`write_atomic`] so an interrupted save never leaves a half-written file.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::{Error, Result};

/// Reads a whole file as UTF-8, naming the file, byte offset and line of invalid bytes.
pub fn read_utf8(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        invalid_utf8(path, offset as u64, &bytes[..offset])
    })
}

/// Reads a whole file, refusing directories with a clear error.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if path.is_dir() {
        return Err(Error::io(path, is_a_directory()));
    }
    fs::read(path).map_err(|err| Error::io(path, err))
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

/// Writes `path` through a temporary file in the same directory, renamed into place only
/// once `write` has succeeded: readers see the old file or the new one, never half of it.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let temp = temp_path(path);
    let result = (|| {
        let file = File::create(&temp)?;
        let mut writer = BufWriter::new(file);
        write(&mut writer)?;
        let file = writer.into_inner().map_err(|err| err.into_error())?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    result.map_err(|err| {
        let _ = fs::remove_file(&temp);
        Error::io(path, err)
    })
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp{}", std::process::id()))
}

/// Reads a BERT `vocab.txt`: one token a line, the id is the 0-based line index. Blank
/// lines and duplicate tokens are errors, since transformers would silently shift or
/// shadow ids.
pub fn read_vocab_txt(path: &Path) -> Result<Vec<String>> {
    let text = read_utf8(path)?;
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    let mut tokens = Vec::new();
    for (line, token) in numbered_lines(&text) {
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
/// Ids must be exactly `0..n` with no gaps or repeats.
pub fn read_vocab_json(path: &Path) -> Result<Vec<String>> {
    let text = read_utf8(path)?;
    let map: FxHashMap<String, u64> = serde_json::from_str(&text).map_err(|err| {
        Error::format(
            path,
            err.line(),
            format!("not a JSON object of token -> id: {err}"),
        )
    })?;
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
pub fn read_merges(path: &Path) -> Result<Vec<(usize, (String, String))>> {
    let text = read_utf8(path)?;
    let mut merges = Vec::new();
    for (line, content) in numbered_lines(&text) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(read_vocab_txt(&path).unwrap(), tokens);

        fs::write(&path, "a\nb\na\n").unwrap();
        let err = read_vocab_txt(&path).unwrap_err().to_string();
        assert!(
            err.contains(":3: duplicate token \"a\" (first on line 1)"),
            "{err}"
        );

        fs::write(&path, "a\n\nb\n").unwrap();
        assert!(
            read_vocab_txt(&path)
                .unwrap_err()
                .to_string()
                .contains(":2: blank line")
        );

        fs::write(&path, b"a\nb\xff\n").unwrap();
        let err = read_vocab_txt(&path).unwrap_err().to_string();
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
        let read = read_merges(&path).unwrap();
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
            read_merges(&path)
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
        assert_eq!(read_vocab_json(&path).unwrap(), tokens);

        fs::write(&path, "{\"a\": 0, \"b\": 2}").unwrap();
        assert!(
            read_vocab_json(&path)
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
}
