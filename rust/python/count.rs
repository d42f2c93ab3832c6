//! Python bindings for word counting (`WordCounts`, `count_files`, `WordCounter`).

use std::sync::Arc;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::count::WordCounts;

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
            let word: String = word.extract()?;
            let count: u64 = count.extract().map_err(|_| {
                PyValueError::new_err(format!(
                    "the count of {word:?} must be an integer in [0, 2**64), got {count}"
                ))
            })?;
            if count > 0 {
                *counts.entry(word).or_insert(0) += count;
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

    /// The total number of word occurrences.
    fn total(&self) -> u128 {
        self.inner.values().map(|&c| c as u128).sum()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("WordCounts({} distinct words)", self.inner.len())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyWordCounts>()?;
    Ok(())
}
