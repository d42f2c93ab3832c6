//! Python bindings for WordPiece encoding (`WordPieceEncoder`).

use pyo3::prelude::*;

pub(crate) fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
