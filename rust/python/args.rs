//! Integer arguments whose errors name the argument.
//!
//! PyO3 converts a negative or huge int for a `u64`/`usize` parameter into an
//! `OverflowError` that does not say which argument was wrong. Every count the bindings
//! take (sizes, frequencies, thread counts, word counts) goes through [`U64Arg`] instead,
//! so that `train_bpe(counts, num_merges=-1)` raises
//! `InvalidArgumentError: num_merges must be an integer in [0, 2**64), got -1` (a
//! `ValueError` whose `argument` attribute is `"num_merges"`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyInt;

use super::to_py_err;
use crate::Error;

/// An integer argument that must fit in u64. Out-of-range ints are kept as their repr so
/// that the function can raise a `ValueError` naming the argument (PyO3 would raise an
/// `OverflowError` without the name); non-ints are a `TypeError` as usual.
pub(crate) struct U64Arg(pub(crate) Result<u64, String>);

impl<'a, 'py> FromPyObject<'a, 'py> for U64Arg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let int = obj.cast::<PyInt>()?;
        Ok(U64Arg(int.extract::<u64>().map_err(|_| int.to_string())))
    }
}

impl U64Arg {
    /// The value, or an `InvalidArgumentError` (a `ValueError`) naming the argument.
    pub(crate) fn get(self, name: &'static str) -> PyResult<u64> {
        self.0
            .map_err(|value| to_py_err(Error::argument(name, out_of_range(&value))))
    }

    /// The value as a `usize`; a value beyond `usize` becomes `usize::MAX` (a size or
    /// thread count that large cannot be reached anyway, and says so where it matters).
    pub(crate) fn get_usize(self, name: &'static str) -> PyResult<usize> {
        Ok(usize::try_from(self.get(name)?).unwrap_or(usize::MAX))
    }
}

/// An optional count, such as `threads=None`, as a `usize`.
pub(crate) fn optional_usize(arg: Option<U64Arg>, name: &'static str) -> PyResult<Option<usize>> {
    arg.map(|arg| arg.get_usize(name)).transpose()
}

/// A `threads=` argument: `None` (the default) or 1 to [`super::MAX_THREADS`], checked
/// before any work, so a typo never tries to start 100,000 threads.
pub(crate) fn threads(arg: Option<U64Arg>) -> PyResult<Option<usize>> {
    super::check_threads(optional_usize(arg, "threads")?)
}

/// A count held in a container (a value of a word-count mapping): anything but an int in
/// `[0, 2**64)`, a float included, is a `ValueError` naming it.
pub(crate) fn u64_item(value: &Bound<'_, PyAny>, name: &str) -> PyResult<u64> {
    let count = value.extract::<U64Arg>().ok().and_then(|arg| arg.0.ok());
    count.ok_or_else(|| {
        PyValueError::new_err(format!("{name} {}", out_of_range(&value.to_string())))
    })
}

/// Why an int is not a count.
fn out_of_range(value: &str) -> String {
    format!("must be an integer in [0, 2**64), got {value}")
}
