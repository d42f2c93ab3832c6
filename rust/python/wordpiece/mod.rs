//! Python bindings for WordPiece, laid out as the core's [`crate::wordpiece`]: training
//! ([`train`]: `train_wordpiece`) and the model that encodes ([`encode`]:
//! `WordPieceModel`).

mod encode;
mod train;

use pyo3::prelude::*;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    train::register(m)?;
    encode::register(m)
}
