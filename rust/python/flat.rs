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
//!
//! **The collector does not walk these lists.** Each row's list is untracked by the cyclic
//! garbage collector, as CPython untracks a tuple of atomic values: a list of ints (or of
//! `(start, end)` tuples) can be part of no reference cycle, yet every collection of its
//! generation would visit each of its items. Measured on en-10m in batches of 1,000
//! lines, one thread: `truncation=True, max_length=128, padding="max_length"` as lists
//! went from 1.70 s to 1.18 s, `max_length=512` unpadded from 0.73 s to 0.62 s. Freeing
//! is unchanged (reference counting). The one difference: a cycle made later through such
//! a list (a list appended to itself) is never collected. The `(start, end)` tuples are
//! untracked as they are made too (CPython would at their first collection): the first
//! collection after `chunk` of 1,000 long contexts walked 2.85 million of them, 0.51 s
//! against 0.31 s untracked.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyInt, PyList, PyTuple};

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
        lists_sharing(py, flat.rows(), ints)
    }
}

/// One list of ints per row, each value's int taken from `shared` (the int of value `i`
/// at index `i`) when it is there, else made; built with the collector paused.
fn lists_sharing<'a, 'py, T: Copy + Into<i64> + 'a>(
    py: Python<'py>,
    rows: impl ExactSizeIterator<Item = &'a [T]>,
    shared: &[Py<PyInt>],
) -> PyResult<Bound<'py, PyList>> {
    let _paused = GcPaused::new(py);
    let lists = rows
        .map(|row| {
            let ints = row
                .iter()
                .map(|&value| int_object(py, shared, value.into()));
            PyList::new(py, ints).map(untracked)
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, lists)
}

/// The int of `value`: the one in `shared` (at index `value`) when it is there, else new.
fn int_object<'py>(py: Python<'py>, shared: &[Py<PyInt>], value: i64) -> Bound<'py, PyInt> {
    match usize::try_from(value).ok().and_then(|i| shared.get(i)) {
        Some(int) => int.bind(py).clone(),
        None => PyInt::new(py, value),
    }
}

/// `container` (a new list or tuple of ints, or of such tuples), no longer walked by the
/// cycle collector (see the module's header).
fn untracked<T>(container: Bound<'_, T>) -> Bound<'_, T> {
    // SAFETY: the GIL is held (`container` is bound) and lists and tuples are collector
    // types, so untracking is allowed (a no-op if already untracked); it only takes the
    // object off the collector's lists, and the objects it holds stay as they are.
    unsafe { pyo3::ffi::PyObject_GC_UnTrack(container.as_ptr().cast()) };
    container
}

/// The cyclic garbage collector paused while a batch's lists are built, and resumed (if
/// it ran) when this drops. Every new list counts toward a collection of the youngest
/// generation (one per 700 allocations), which walks every young list and its items:
/// measured on en-10m's BPE lists, a third of the time of building them, though lists
/// of ints can hold no cycle. The GIL is held from pause to resume (the `Python` token),
/// so no other Python code runs meanwhile.
struct GcPaused<'py> {
    _gil: Python<'py>,
    was_enabled: bool,
}

impl<'py> GcPaused<'py> {
    fn new(py: Python<'py>) -> Self {
        // SAFETY: the GIL is held (`py`); PyGC_Disable only clears the collector's flag.
        let was_enabled = unsafe { pyo3::ffi::PyGC_Disable() } != 0;
        GcPaused {
            _gil: py,
            was_enabled,
        }
    }
}

impl Drop for GcPaused<'_> {
    fn drop(&mut self) {
        if self.was_enabled {
            // SAFETY: the GIL is still held (`_gil` lives as long as the guard).
            unsafe { pyo3::ffi::PyGC_Enable() };
        }
    }
}

/// `flat` as numpy arrays `(ids, lengths)` that own its vectors.
pub(crate) fn arrays(py: Python<'_>, flat: Flat<u32>) -> FlatArrays<'_> {
    let lengths: Vec<i64> = flat.lengths.iter().map(|&n| n as i64).collect();
    (flat.values.into_pyarray(py), lengths.into_pyarray(py))
}

/// Values below this get one int object per process, shared by every list [`int_rows`]
/// and [`int_runs`] build (token ids, type ids, masks); others get a fresh one each.
const SHARED_INTS: usize = 1 << 16;

/// The shared int objects of `0..SHARED_INTS`, made on first use (2 MB).
static SHARED: PyOnceLock<Vec<Py<PyInt>>> = PyOnceLock::new();

/// One list of ints per row, sharing the ints of `0..SHARED_INTS`.
fn int_lists<'a, 'py>(
    py: Python<'py>,
    rows: impl ExactSizeIterator<Item = &'a [i64]>,
) -> PyResult<Bound<'py, PyList>> {
    let shared = shared_ints(py);
    lists_sharing(py, rows, shared)
}

/// The shared int objects of `0..SHARED_INTS`.
fn shared_ints(py: Python<'_>) -> &[Py<PyInt>] {
    SHARED.get_or_init(py, || {
        (0..SHARED_INTS as i64)
            .map(|value| PyInt::new(py, value).unbind())
            .collect()
    })
}

/// One list per text of `values` (text `i` has the `lengths[i]` values after those of
/// the texts before it), made of what `object` makes of each value, with the collector
/// paused.
fn runs_of<'py, T>(
    py: Python<'py>,
    values: &[T],
    lengths: &[usize],
    object: impl Fn(&T) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let _paused = GcPaused::new(py);
    let mut start = 0;
    let lists = lengths
        .iter()
        .map(|&length| {
            let run = &values[start..start + length];
            start += length;
            let items = run.iter().map(&object).collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items).map(untracked)
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, lists)
}

/// The int of `value`, shared when below [`SHARED_INTS`].
fn shared_int<'py>(py: Python<'py>, value: usize) -> Bound<'py, PyAny> {
    match shared_ints(py).get(value) {
        Some(int) => int.bind(py).clone().into_any(),
        None => PyInt::new(py, value).into_any(),
    }
}

/// A list of `values`, their ints shared as [`int_rows`] shares them.
fn int_list<'py>(py: Python<'py>, values: &[i64]) -> PyResult<Bound<'py, PyList>> {
    let shared = shared_ints(py);
    PyList::new(
        py,
        values.iter().map(|&value| int_object(py, shared, value)),
    )
}

/// One list of ints per text (see [`runs_of`]), small ints shared as [`int_rows`] does.
pub(crate) fn index_lists<'py>(
    py: Python<'py>,
    values: &[usize],
    lengths: &[usize],
) -> PyResult<Bound<'py, PyList>> {
    runs_of(py, values, lengths, |&value| Ok(shared_int(py, value)))
}

/// One list of `(start, end)` tuples per text (see [`runs_of`]), their ints shared and
/// the tuples untracked (see the module's header).
pub(crate) fn span_lists<'py>(
    py: Python<'py>,
    spans: &[(usize, usize)],
    lengths: &[usize],
) -> PyResult<Bound<'py, PyList>> {
    runs_of(py, spans, lengths, |&(start, end)| {
        let span = PyTuple::new(py, [shared_int(py, start), shared_int(py, end)])?;
        Ok(untracked(span).into_any())
    })
}

/// `array.tolist()` for a 2-D int64 array, without an int object per element: each value
/// below 65,536 is one shared int (what makes `tolist()` slow is making an int for every
/// id above Python's cached small ints).
#[pyfunction]
fn int_rows<'py>(
    py: Python<'py>,
    array: PyReadonlyArray2<'py, i64>,
) -> PyResult<Bound<'py, PyList>> {
    let array = array.as_array();
    let width = array.ncols();
    match array.as_slice() {
        Some(values) if width > 0 => int_lists(py, values.chunks_exact(width)),
        _ => {
            let rows: Vec<Vec<i64>> = array.rows().into_iter().map(|r| r.to_vec()).collect();
            int_lists(py, rows.iter().map(Vec::as_slice))
        }
    }
}

/// `[values[offsets[i]:offsets[i + 1]].tolist() for i ...]` as [`int_rows`] makes lists;
/// `ValueError` unless the offsets rise from 0 to `len(values)`.
#[pyfunction]
fn int_runs<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, i64>,
    offsets: PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, PyList>> {
    let values = values.as_array().to_vec();
    let offsets = offsets.as_array().to_vec();
    let rises = offsets.windows(2).all(|pair| pair[0] <= pair[1]);
    if offsets.first() != Some(&0) || !rises || offsets.last() != Some(&(values.len() as i64)) {
        return Err(PyValueError::new_err(
            "offsets must rise from 0 to the number of values",
        ));
    }
    let runs = offsets
        .windows(2)
        .map(|pair| &values[pair[0] as usize..pair[1] as usize]);
    int_lists(py, runs)
}

/// `[[value] * n for n in lengths]` as [`int_rows`] makes lists (the int shared, the
/// lists untracked), cut from one template ([`sliced_rows`]): the type ids of a batch,
/// and the attention masks of unpadded rows.
#[pyfunction]
fn repeated_rows<'py>(
    py: Python<'py>,
    value: i64,
    lengths: PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, PyList>> {
    let widths = row_lengths(&lengths, MAX_ROW)?;
    let longest = widths.iter().copied().max().unwrap_or(0);
    let template = int_list(py, &vec![value; longest])?;
    sliced_rows(py, &template, widths.iter().map(|&n| (0, n)))
}

/// The attention masks of rows of `lengths` padded to `width`: `[1] * n + [0] * (width - n)`,
/// or the padding first when `left`; cut from one template ([`sliced_rows`]).
#[pyfunction]
fn mask_rows<'py>(
    py: Python<'py>,
    lengths: PyReadonlyArray1<'py, i64>,
    width: usize,
    left: bool,
) -> PyResult<Bound<'py, PyList>> {
    let lengths = row_lengths(&lengths, width.min(MAX_ROW as usize) as i64)?;
    let (first, then) = if left { (0, 1) } else { (1, 0) };
    let halves = [vec![first; width], vec![then; width]].concat();
    let template = int_list(py, &halves)?;
    // Left: (width - n) zeros then n ones; right: n ones then (width - n) zeros.
    let bounds = lengths.iter().map(|&n| {
        if left {
            (n, width + n)
        } else {
            (width - n, 2 * width - n)
        }
    });
    sliced_rows(py, &template, bounds)
}

/// The longest row [`repeated_rows`] and [`mask_rows`] make: a longer one is a caller's
/// bug, refused before anything is allocated for it.
const MAX_ROW: i64 = 1 << 28;

/// `lengths` as row lengths, each in `0..=most`, or `ValueError`.
fn row_lengths(lengths: &PyReadonlyArray1<'_, i64>, most: i64) -> PyResult<Vec<usize>> {
    let lengths = lengths.as_array();
    match lengths.iter().find(|&&n| !(0..=most).contains(&n)) {
        Some(&bad) => Err(PyValueError::new_err(format!(
            "a row of {bad} values (at most {most} here)"
        ))),
        None => Ok(lengths.iter().map(|&n| n as usize).collect()),
    }
}

/// `template[start:stop]` for each `(start, stop)`, untracked, with the collector paused.
/// CPython's own slicing takes a reference to each item inline; building each row item by
/// item from Rust (through the stable ABI, a call per item) takes about three times as long.
fn sliced_rows<'py>(
    py: Python<'py>,
    template: &Bound<'py, PyList>,
    bounds: impl ExactSizeIterator<Item = (usize, usize)>,
) -> PyResult<Bound<'py, PyList>> {
    let _paused = GcPaused::new(py);
    let rows: Vec<_> = bounds
        .map(|(start, stop)| untracked(template.get_slice(start, stop)))
        .collect();
    PyList::new(py, rows)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(int_rows, m)?)?;
    m.add_function(wrap_pyfunction!(int_runs, m)?)?;
    m.add_function(wrap_pyfunction!(repeated_rows, m)?)?;
    m.add_function(wrap_pyfunction!(mask_rows, m)?)?;
    Ok(())
}
