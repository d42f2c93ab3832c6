//! Python bindings for word counting (`WordCounts`, `count_files`, `WordCounter`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyDict};

use super::args::{self, U64Arg, u64_item};
use super::{IntoPyResult, PyProgress, Stoppable, in_pool, run_watching_signals, to_py_err};
use crate::count::{self, Utf8Errors, WordBreaks, WordCounts};
use crate::formats;

/// A table of word counts held in Rust, so that millions of words never have to cross
/// into Python objects between counting and training.
#[pyclass(name = "WordCounts", module = "subword._core", frozen)]
pub(crate) struct PyWordCounts {
    pub(crate) inner: Arc<WordCounts>,
}

impl PyWordCounts {
    pub(crate) fn new(counts: WordCounts) -> Self {
        PyWordCounts {
            inner: Arc::new(counts),
        }
    }
}

#[pymethods]
impl PyWordCounts {
    /// Builds a table from a mapping of word -> count (counts must be non-negative ints
    /// below 2**64).
    #[staticmethod]
    fn from_dict(mapping: &Bound<'_, PyDict>) -> PyResult<Self> {
        let mut counts = WordCounts::default();
        counts.reserve(mapping.len());
        for (word, count) in mapping.iter() {
            let word: String = word.extract().map_err(|_| {
                PyValueError::new_err(format!("words must be str, got {}", word.get_type()))
            })?;
            let count = u64_item(&count, &format!("the count of {word:?}"))?;
            if count > 0 {
                let total = counts.entry(word).or_insert(0);
                *total = total.checked_add(count).ok_or_else(|| {
                    PyValueError::new_err("a word's total count exceeds 2**64 - 1")
                })?;
            }
        }
        Ok(PyWordCounts::new(counts))
    }

    /// The table as a plain dict of word -> count.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (word, count) in self.inner.iter() {
            dict.set_item(word, count)?;
        }
        Ok(dict)
    }

    /// Raises `InvalidArgumentError` (`max_word_bytes`) when a word is longer than
    /// `max_word_bytes` bytes (the limit of `train_from_counts`).
    fn check_word_bytes(&self, py: Python<'_>, max_word_bytes: U64Arg) -> PyResult<()> {
        let limit = word_limit(max_word_bytes)?;
        py.detach(|| {
            count::check_word_bytes(
                self.inner.keys().map(String::as_str),
                WordBreaks::Unicode,
                limit,
            )
        })
        .py()
    }

    /// The total number of word occurrences.
    fn total(&self) -> u128 {
        self.inner.values().map(|&c| c as u128).sum()
    }

    /// Splits a table of BERT chunks (`count_files(..., breaks="bert")`) into the counted
    /// basic tokens of its printable-ASCII chunks (lowercased when `lowercase`), made here,
    /// and the other chunks, left for BERT's BasicTokenizer; without the GIL.
    fn split_bert_ascii(&self, py: Python<'_>, lowercase: bool) -> (Self, Self) {
        let (words, rest) = py.detach(|| count::split_bert_ascii(&self.inner, lowercase));
        (PyWordCounts::new(words), PyWordCounts::new(rest))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("WordCounts({} distinct words)", self.inner.len())
    }

    /// The table as compact bytes (`formats::encode_word_counts`), made without the GIL.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let bytes = py.detach(|| formats::encode_word_counts(&self.inner));
        PyBytes::new(py, &bytes)
    }

    /// A table from `to_bytes()`' bytes; anything else is a `ValueError`.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let counts = py.detach(|| formats::decode_word_counts(data)).py()?;
        Ok(PyWordCounts::new(counts))
    }

    /// Pickles as `to_bytes()`: a few bytes a word, not a dict of Python objects.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let from_bytes = slf.get_type().getattr("from_bytes")?;
        Ok((from_bytes, (slf.get().to_bytes(slf.py()),)))
    }
}

fn parse_errors(errors: &str) -> PyResult<Utf8Errors> {
    match errors {
        "strict" => Ok(Utf8Errors::Strict),
        "replace" => Ok(Utf8Errors::Replace),
        other => Err(PyValueError::new_err(format!(
            "errors must be \"strict\" or \"replace\", got {other:?}"
        ))),
    }
}

fn parse_breaks(breaks: &str) -> PyResult<WordBreaks> {
    match breaks {
        "unicode" => Ok(WordBreaks::Unicode),
        "bert" => Ok(WordBreaks::Bert),
        other => Err(PyValueError::new_err(format!(
            "breaks must be \"unicode\" or \"bert\", got {other:?}"
        ))),
    }
}

/// A `max_word_bytes=` argument: at least 1.
fn word_limit(max_word_bytes: U64Arg) -> PyResult<usize> {
    match max_word_bytes.get_usize("max_word_bytes")? {
        0 => Err(to_py_err(crate::Error::argument(
            "max_word_bytes",
            "must be at least 1 (leave it unset for no limit), got 0",
        ))),
        limit => Ok(limit),
    }
}

/// Counts the words of files, in parallel, streaming: split as `str.split()` does
/// (`breaks="unicode"`) or only at space, tab, newline and CR (`breaks="bert"`). With
/// `max_word_bytes`, a longer run without a break is an `InvalidArgumentError` naming the
/// file and byte offset, raised before more of it is read.
#[pyfunction]
#[pyo3(signature = (paths, errors = "strict", threads = None, progress = None, breaks = "unicode", max_word_bytes = None))]
fn count_files(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    errors: &str,
    threads: Option<U64Arg>,
    progress: Option<Py<PyAny>>,
    breaks: &str,
    max_word_bytes: Option<U64Arg>,
) -> PyResult<PyWordCounts> {
    let threads = args::threads(threads)?;
    let errors = parse_errors(errors)?;
    let breaks = parse_breaks(breaks)?;
    let max_word_bytes = max_word_bytes.map(word_limit).transpose()?;
    let progress = PyProgress::new(progress);
    let counts = run_watching_signals(py, |stop| {
        let progress = Stoppable {
            inner: &progress,
            stop,
        };
        in_pool(threads, || {
            count::count_files_at(&paths, breaks, errors, max_word_bytes, &progress)
        })
    })?;
    Ok(PyWordCounts::new(counts))
}

/// Raises `InvalidArgumentError` (`max_word_bytes`) when a text holds a run without a
/// break longer than `max_word_bytes` bytes (the limit `count_files` applies to files).
#[pyfunction]
#[pyo3(signature = (texts, max_word_bytes, breaks = "unicode"))]
fn check_word_bytes(
    py: Python<'_>,
    texts: Vec<PyBackedStr>,
    max_word_bytes: U64Arg,
    breaks: &str,
) -> PyResult<()> {
    let limit = word_limit(max_word_bytes)?;
    let breaks = parse_breaks(breaks)?;
    py.detach(|| count::check_word_bytes(texts.iter().map(|text| &**text), breaks, limit))
        .py()
}

/// Accumulates word counts from batches of texts (the iterator path of training).
#[pyclass(name = "WordCounter", module = "subword._core", frozen)]
struct PyWordCounter {
    counts: Mutex<WordCounts>,
    threads: Option<usize>,
}

#[pymethods]
impl PyWordCounter {
    #[new]
    #[pyo3(signature = (threads = None))]
    fn new(threads: Option<U64Arg>) -> PyResult<Self> {
        Ok(PyWordCounter {
            counts: Mutex::new(WordCounts::default()),
            threads: args::threads(threads)?,
        })
    }

    /// Counts the words of each text, in parallel: split as `str.split()` does
    /// (`breaks="unicode"`) or only at space, tab, newline and CR (`breaks="bert"`, the
    /// chunks `count_files(..., breaks="bert")` counts).
    #[pyo3(signature = (texts, breaks = "unicode"))]
    fn add_texts(&self, py: Python<'_>, texts: Vec<String>, breaks: &str) -> PyResult<()> {
        let breaks = parse_breaks(breaks)?;
        let batch =
            py.detach(|| in_pool(self.threads, || Ok(count::count_texts_at(&texts, breaks))))?;
        let mut counts = self.counts.lock().expect("counter lock poisoned");
        count::merge_counts(&mut counts, batch);
        Ok(())
    }

    /// Counts the whitespace-separated words of each text `weights[i]` times: the words of
    /// a text that stands for many identical ones.
    fn add_weighted_texts(&self, texts: Vec<String>, weights: Vec<U64Arg>) -> PyResult<()> {
        if texts.len() != weights.len() {
            return Err(PyValueError::new_err(format!(
                "{} texts but {} weights",
                texts.len(),
                weights.len()
            )));
        }
        let weights = weights
            .into_iter()
            .map(|weight| weight.get("weights"))
            .collect::<PyResult<Vec<u64>>>()?;
        let mut counts = self.counts.lock().expect("counter lock poisoned");
        for (text, weight) in texts.iter().zip(weights) {
            for word in count::split_words(text) {
                match counts.get_mut(word) {
                    Some(count) => count::add_count(count, weight),
                    None => {
                        counts.insert(word.to_owned(), weight);
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds a table of counts.
    fn add_counts(&self, counts: &PyWordCounts) {
        let mut total = self.counts.lock().expect("counter lock poisoned");
        count::merge_counts(&mut total, (*counts.inner).clone());
    }

    /// The counts so far (the counter can keep counting).
    fn counts(&self) -> PyWordCounts {
        PyWordCounts::new(self.counts.lock().expect("counter lock poisoned").clone())
    }

    fn __len__(&self) -> usize {
        self.counts.lock().expect("counter lock poisoned").len()
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyWordCounts>()?;
    m.add_class::<PyWordCounter>()?;
    m.add_function(wrap_pyfunction!(count_files, m)?)?;
    m.add_function(wrap_pyfunction!(check_word_bytes, m)?)?;
    Ok(())
}
