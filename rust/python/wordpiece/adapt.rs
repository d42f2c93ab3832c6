//! Python bindings for adapting a WordPiece vocabulary to a domain (`adapt_wordpiece`).

use pyo3::prelude::*;

use crate::python::args::{self, U64Arg};
use crate::python::count::PyWordCounts;
use crate::python::{PyProgress, Stoppable, in_pool, run_watching_signals, to_py_err};
use crate::wordpiece::adapt::{self as wordpiece_adapt, AdaptConfig, AdaptRule};

/// The tokens to add to `vocab` (the base, in id order) for the domain word `counts`, in
/// the order chosen, as `(token, saving, words)`: the tokens it saved on the domain words
/// and the occurrences of the words it shortened, when it was chosen.
///
/// `scoring="saving"` adds, step by step, the token that saves the most tokens under the
/// greedy longest-match encoder (a whole word or a piece of words, re-encoding the words
/// it changes, ranked by the leave-one-out saving unless `leave_one_out=False`; with
/// `pieces=False` whole words only); `"whole-words"` the words that cost
/// the most tokens beyond one (count times extra pieces). A token must shorten words
/// occurring `min_frequency` times in all and never turns a word into unk; none is in
/// `vocab`. Runs without the GIL on `threads` threads; Ctrl-C raises `KeyboardInterrupt`.
#[pyfunction]
#[pyo3(signature = (
    counts, vocab, max_new_tokens, min_frequency = U64Arg(Ok(2)), scoring = "saving",
    pieces = true, leave_one_out = true, continuing_subword_prefix = "##".to_string(),
    max_input_chars_per_word = 100, threads = None, progress = None
), text_signature = "(counts, vocab, max_new_tokens, min_frequency=2, scoring='saving', \
    pieces=True, leave_one_out=True, continuing_subword_prefix='##', max_input_chars_per_word=100, \
    threads=None, progress=None)")]
#[allow(clippy::too_many_arguments)]
fn adapt_wordpiece(
    py: Python<'_>,
    counts: &PyWordCounts,
    vocab: Vec<String>,
    max_new_tokens: U64Arg,
    min_frequency: U64Arg,
    scoring: &str,
    pieces: bool,
    leave_one_out: bool,
    continuing_subword_prefix: String,
    max_input_chars_per_word: usize,
    threads: Option<U64Arg>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<(String, u64, u64)>> {
    let max_new_tokens = max_new_tokens.get("max_new_tokens")?;
    let rule: AdaptRule = scoring.parse().map_err(to_py_err)?;
    let config = AdaptConfig {
        // More than usize can hold is more than any corpus offers.
        max_new_tokens: usize::try_from(max_new_tokens).unwrap_or(usize::MAX),
        min_frequency: min_frequency.get("min_frequency")?,
        rule,
        pieces,
        leave_one_out,
        continuing_subword_prefix,
        max_input_chars_per_word,
    };
    let threads = args::threads(threads)?;
    let counts = counts.inner.clone();
    let progress = PyProgress::new(progress);
    let found = run_watching_signals(py, |stop| {
        let progress = Stoppable {
            inner: &progress,
            stop,
        };
        in_pool(threads, || {
            wordpiece_adapt::adapt(&vocab, &counts, &config, &progress)
        })
    })?;
    Ok(found
        .into_iter()
        .map(|t| (t.token, t.saving, t.words))
        .collect())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(adapt_wordpiece, m)?)?;
    Ok(())
}
