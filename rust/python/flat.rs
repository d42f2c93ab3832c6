//! Batch results for Python without a vector per text: the core lays a batch's ids end to
//! end ([`Flat`]), and they cross into Python either as two numpy arrays that take over
//! the vectors (no copy, no object per id), or as lists built straight from the one
//! vector.
//!
//! Lists need an int object per id; building a fresh one for each id (what converting a
//! `Vec<Vec<u32>>` does) is most of their cost, so [`IdObjects`] makes each id's int once
//! per model and every list holds a reference to it, as Python's own small ints are
//! shared. Freeing the batch is then one vector on the calling thread, not one per text
//! allocated on each pool thread.

use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyInt, PyList};

use crate::batch::Flat;

/// Ids below this get a shared int object; rarer ones beyond it (a vocabulary over a
/// quarter million tokens) get a fresh one each time, so the table stays a few MB.
const SHARED_IDS: usize = 1 << 18;

/// The numpy form of a flat batch: every text's ids (`uint32`) and each text's number of
/// ids (`int64`).
pub(crate) type FlatArrays<'py> = (Bound<'py, PyArray1<u32>>, Bound<'py, PyArray1<i64>>);

/// The int object of each id of one vocabulary, made on first use and shared by the lists
/// of every later call.
pub(crate) struct IdObjects {
    vocab_size: usize,
    ints: PyOnceLock<Vec<Py<PyInt>>>,
}

impl IdObjects {
    pub(crate) fn new(vocab_size: usize) -> Self {
        IdObjects {
            vocab_size,
            ints: PyOnceLock::new(),
        }
    }

    /// One Python list of ids per text of `flat`.
    pub(crate) fn lists<'py>(
        &self,
        py: Python<'py>,
        flat: &Flat<u32>,
    ) -> PyResult<Bound<'py, PyList>> {
        let ints = self.ints.get_or_init(py, || {
            (0..self.vocab_size.min(SHARED_IDS) as u32)
                .map(|id| PyInt::new(py, id).unbind())
                .collect()
        });
        let row = |ids: &[u32]| {
            PyList::new(
                py,
                ids.iter().map(|&id| match ints.get(id as usize) {
                    Some(int) => int.bind(py).clone(),
                    None => PyInt::new(py, id),
                }),
            )
        };
        PyList::new(py, flat.rows().map(row).collect::<PyResult<Vec<_>>>()?)
    }
}

/// `flat` as numpy arrays `(ids, lengths)` that own its vectors.
pub(crate) fn arrays(py: Python<'_>, flat: Flat<u32>) -> FlatArrays<'_> {
    let lengths: Vec<i64> = flat.lengths.iter().map(|&n| n as i64).collect();
    (flat.values.into_pyarray(py), lengths.into_pyarray(py))
}
