//! Python bindings for BPE, laid out as the core's [`crate::bpe`]: training
//! ([`train`]: `train_bpe`) and the model that encodes ([`encode`]: `BpeModel`).

mod encode;
mod train;

use pyo3::prelude::*;

/// Merges as Python sees them: `(left, right)` pairs in rank order.
type Merges = Vec<(String, String)>;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    train::register(m)?;
    encode::register(m)
}
