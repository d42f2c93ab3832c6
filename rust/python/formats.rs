//! Python bindings for the file formats that Python writes itself (`write_vocab_txt`).

use std::path::PathBuf;

use pyo3::prelude::*;

use super::IntoPyResult;

/// Writes a BERT `vocab.txt` (one token a line, in id order) atomically.
#[pyfunction]
fn write_vocab_txt(py: Python<'_>, path: PathBuf, tokens: Vec<String>) -> PyResult<()> {
    py.detach(|| crate::formats::write_vocab_txt(&path, &tokens))
        .py()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(write_vocab_txt, m)?)?;
    Ok(())
}
