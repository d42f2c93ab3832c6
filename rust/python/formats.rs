//! Python bindings for the file formats that Python writes itself (`write_vocab_txt`),
//! and the size limit Python's config readers share with the Rust loaders.

use std::path::PathBuf;

use pyo3::prelude::*;

use super::IntoPyResult;

/// Writes a BERT `vocab.txt` (one token a line, in id order) atomically.
#[pyfunction]
fn write_vocab_txt(py: Python<'_>, path: PathBuf, tokens: Vec<String>) -> PyResult<()> {
    py.detach(|| crate::formats::write_vocab_txt(&path, &tokens))
        .py()
}

/// The most bytes a model or config file may hold (`SUBWORD_MAX_FILE_BYTES`, default 2 GiB).
#[pyfunction]
fn max_file_bytes() -> u64 {
    crate::formats::max_file_bytes()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(write_vocab_txt, m)?)?;
    m.add_function(wrap_pyfunction!(max_file_bytes, m)?)?;
    Ok(())
}
