//! Python bindings for WordPiece, laid out as the core's [`crate::wordpiece`]: training
//! ([`train`]: `train_wordpiece`), adapting a vocab to a domain ([`adapt`]:
//! `adapt_wordpiece`), the model that encodes ([`encode`]: `WordPieceModel`) and the cache
//! of chunk encodings whole texts go through ([`chunks`]: `ChunkCache`).

mod adapt;
mod chunks;
mod encode;
mod train;

use pyo3::prelude::*;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    train::register(m)?;
    adapt::register(m)?;
    chunks::register(m)?;
    encode::register(m)
}
