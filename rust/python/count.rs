//! Python bindings for word counting (`WordCounts`, `count_files`, `WordCounter`).

use pyo3::prelude::*;

pub(crate) fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
