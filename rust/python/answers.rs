//! Python bindings for the best answer span of each QA window (`answers`).

use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::answers::{self, WindowLogits};
use crate::python::args::U64Arg;
use crate::python::{WATCHED_TEXTS, run_batch};

/// Each window's best span as `(score, start, end)` (`end` inclusive), or `None` when no
/// candidate pair is a span: the rule of `postprocess_qa_predictions` (see the core's
/// `answers`). `starts[i]`, `ends[i]` and `inside[i]` (context tokens) are window `i`'s,
/// of one length each; in parallel without the GIL.
#[pyfunction]
#[pyo3(signature = (starts, ends, inside, n_best, max_answer_length, threads = None))]
fn best_spans(
    py: Python<'_>,
    starts: Vec<PyReadonlyArray1<'_, f64>>,
    ends: Vec<PyReadonlyArray1<'_, f64>>,
    inside: Vec<PyReadonlyArray1<'_, bool>>,
    n_best: usize,
    max_answer_length: usize,
    threads: Option<U64Arg>,
) -> PyResult<Vec<Option<(f64, usize, usize)>>> {
    if starts.len() != ends.len() || starts.len() != inside.len() {
        return Err(PyValueError::new_err(
            "give one array of start logits, end logits and context flags per window",
        ));
    }
    let mut windows = Vec::with_capacity(starts.len());
    for (index, ((starts, ends), inside)) in starts.iter().zip(&ends).zip(&inside).enumerate() {
        let (Ok(starts), Ok(ends), Ok(inside)) =
            (starts.as_slice(), ends.as_slice(), inside.as_slice())
        else {
            return Err(PyValueError::new_err(format!(
                "window {index}: the arrays must be contiguous"
            )));
        };
        if starts.len() != ends.len() || starts.len() != inside.len() {
            return Err(PyValueError::new_err(format!(
                "window {index}: {} start logits, {} end logits, {} context flags",
                starts.len(),
                ends.len(),
                inside.len()
            )));
        }
        windows.push(WindowLogits {
            starts,
            ends,
            inside,
        });
    }
    let spans = run_batch(py, windows.len(), WATCHED_TEXTS, threads, |stop| {
        answers::best_spans(&windows, n_best, max_answer_length, stop)
    })?;
    Ok(spans
        .into_iter()
        .map(|span| span.map(|s| (s.score, s.start, s.end)))
        .collect())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(best_spans, m)?)?;
    Ok(())
}
