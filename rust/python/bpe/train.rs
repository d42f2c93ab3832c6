//! Python bindings for BPE training (`train_bpe`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::Merges;
use crate::bpe::train::{self, BpeSize, BpeTrainerConfig};
use crate::bpe::{DEFAULT_UNK_TOKEN, END_OF_WORD};
use crate::python::args::{self, U64Arg};
use crate::python::count::PyWordCounts;
use crate::python::{PyProgress, Stoppable, in_pool, release_freed_memory, run_watching_signals};

/// Trains BPE on word counts; returns `(vocab, merges)`.
#[pyfunction]
#[pyo3(signature = (
    counts, *, num_merges = None, vocab_size = None, min_frequency = U64Arg(Ok(2)),
    special_tokens = vec![DEFAULT_UNK_TOKEN.to_string()], end_of_word_suffix = END_OF_WORD.to_string(),
    byte_fallback = false, threads = None, progress = None
), text_signature = "(counts, *, num_merges=None, vocab_size=None, min_frequency=2, \
    special_tokens=['<unk>'], end_of_word_suffix='</w>', byte_fallback=False, threads=None, \
    progress=None)")]
#[allow(clippy::too_many_arguments)]
fn train_bpe(
    py: Python<'_>,
    counts: &PyWordCounts,
    num_merges: Option<U64Arg>,
    vocab_size: Option<U64Arg>,
    min_frequency: U64Arg,
    special_tokens: Vec<String>,
    end_of_word_suffix: String,
    byte_fallback: bool,
    threads: Option<U64Arg>,
    progress: Option<Py<PyAny>>,
) -> PyResult<(Vec<String>, Merges)> {
    let size = match (num_merges, vocab_size) {
        (Some(n), None) => BpeSize::NumMerges(n.get_usize("num_merges")?),
        (None, Some(v)) => BpeSize::VocabSize(v.get_usize("vocab_size")?),
        _ => {
            return Err(PyValueError::new_err(
                "give exactly one of num_merges and vocab_size",
            ));
        }
    };
    let threads = args::threads(threads)?;
    let config = BpeTrainerConfig {
        size,
        min_frequency: min_frequency.get("min_frequency")?,
        special_tokens,
        end_of_word_suffix,
        byte_fallback,
    };
    let counts = counts.inner.clone();
    let progress = PyProgress::new(progress);
    py.detach(release_freed_memory);
    let trained = run_watching_signals(py, |stop| {
        let progress = Stoppable {
            inner: &progress,
            stop,
        };
        in_pool(threads, || train::train(&counts, &config, &progress))
    })?;
    Ok((trained.vocab, trained.merges))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(train_bpe, m)?)?;
    Ok(())
}
