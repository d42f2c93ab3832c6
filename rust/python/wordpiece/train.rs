//! Python bindings for WordPiece training (`train_wordpiece`).

use pyo3::prelude::*;

use crate::python::args::{self, U64Arg};
use crate::python::count::PyWordCounts;
use crate::python::{
    PyProgress, Stoppable, in_pool, release_freed_memory, run_watching_signals, to_py_err,
};
use crate::wordpiece::DEFAULT_SPECIAL_TOKENS;
use crate::wordpiece::train::{self as wordpiece_train, Scoring, WordPieceTrainerConfig};

/// Trains a WordPiece vocabulary on `counts` and returns it in id order: special tokens,
/// the alphabet (plain forms, then prefixed forms, each sorted by code point), then merged
/// tokens in merge order.
///
/// Each step merges the pair that scores best under `scoring`: `"likelihood"` (the gain
/// in corpus log-likelihood of a unigram model, the default), `"pmi"`
/// (`count(ab) / (count(a) * count(b))`, compared exactly) or `"frequency"` (the pair
/// count); ties go to the higher pair count, then the smallest pair. Pairs seen fewer
/// than `min_frequency` times are not merged. With `refine=True` the merges go on to
/// 1.2 times `vocab_size`, then the vocab is tuned for the greedy encoder on the training
/// words: the least used tokens are pruned to `vocab_size`, the most frequent joins of
/// adjacent pieces refill it, and it is pruned again (special tokens and the alphabet are
/// never dropped). Runs without the GIL, on `threads`
/// threads (default: all cores); `progress(phase, done, total)` is called at most every
/// 100 ms, and Ctrl-C raises `KeyboardInterrupt` within a fraction of a second.
#[pyfunction]
#[pyo3(signature = (
    counts, vocab_size, min_frequency = U64Arg(Ok(0)),
    special_tokens = DEFAULT_SPECIAL_TOKENS.map(String::from).to_vec(),
    continuing_subword_prefix = "##".to_string(), scoring = "likelihood", refine = false,
    threads = None, progress = None
), text_signature = "(counts, vocab_size, min_frequency=0, \
    special_tokens=['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'], \
    continuing_subword_prefix='##', scoring='likelihood', refine=False, threads=None, \
    progress=None)")]
#[allow(clippy::too_many_arguments)]
fn train_wordpiece(
    py: Python<'_>,
    counts: &PyWordCounts,
    vocab_size: U64Arg,
    min_frequency: U64Arg,
    special_tokens: Vec<String>,
    continuing_subword_prefix: String,
    scoring: &str,
    refine: bool,
    threads: Option<U64Arg>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<String>> {
    let vocab_size = vocab_size.get("vocab_size")?;
    let threads = args::threads(threads)?;
    let min_frequency = min_frequency.get("min_frequency")?;
    let scoring: Scoring = scoring.parse().map_err(to_py_err)?;
    let config = WordPieceTrainerConfig {
        // A vocab_size beyond usize is unreachable anyway: training stops when no pair is
        // left.
        vocab_size: usize::try_from(vocab_size).unwrap_or(usize::MAX),
        min_frequency,
        special_tokens,
        continuing_subword_prefix,
        scoring,
        refine,
    };
    let counts = counts.inner.clone();
    let progress = PyProgress::new(progress);
    py.detach(release_freed_memory);
    run_watching_signals(py, |stop| {
        let progress = Stoppable {
            inner: &progress,
            stop,
        };
        in_pool(threads, || {
            wordpiece_train::train(&counts, &config, &progress)
        })
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(train_wordpiece, m)?)?;
    Ok(())
}
