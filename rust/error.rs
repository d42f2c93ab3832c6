//! The one error type of the core. Every failure a user can cause (a bad file, a bad
//! argument, an interrupt) is a value of [`Error`]; the Python layer maps each variant to
//! the matching Python exception, so no panic is ever needed to report one. Variants keep
//! their facts as fields (the file, byte offset and line; the argument's name), which the
//! Python exceptions carry as attributes.

use std::path::PathBuf;

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file holds bytes that are not UTF-8.
    #[error(
        "{}: invalid UTF-8 at byte offset {offset} (line {line}); pass errors=\"replace\" to substitute U+FFFD",
        path.display()
    )]
    InvalidUtf8 {
        path: PathBuf,
        offset: u64,
        line: u64,
    },
    /// A vocab, merges or codes file is corrupt; `line` is the 1-based physical line.
    #[error("{}:{line}: {message}", path.display())]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// An argument is out of its domain (sizes, frequencies, ids, empty corpora...).
    #[error("{0}")]
    InvalidInput(String),
    /// The value of the argument `argument` is out of its domain, for `reason`. The name is
    /// kept apart so that each front end can spell it its own way (`vocab_size` in Python,
    /// `--vocab-size` on the command line).
    #[error("{argument} {reason}")]
    InvalidArgument {
        argument: &'static str,
        reason: String,
    },
    /// An id is not in the vocabulary.
    #[error("id {id} is out of range for a vocabulary of {vocab_size} tokens")]
    IdOutOfRange { id: u64, vocab_size: usize },
    /// The caller asked to stop (Ctrl-C in Python).
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// An [`Error::InvalidArgument`]: the value of `argument` is out of its domain.
    pub fn argument(argument: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            argument,
            reason: reason.into(),
        }
    }

    /// An [`Error::Format`] at 1-based `line` of `path`.
    pub fn format(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Error::Format {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

/// The result type of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
