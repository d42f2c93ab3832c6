//! Python bindings for BPE encoding (`BpeModel`): loading, encoding, decoding, saving.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyList, PyTuple};

use super::Merges;
use crate::batch::Flat;
use crate::bpe::DEFAULT_UNK_TOKEN;
use crate::bpe::encode::{BpeModel, BpeOptions};
use crate::python::args::U64Arg;
use crate::python::flat::{self, FlatArrays, IdObjects};
use crate::python::{
    IntoPyResult, WATCHED_TEXTS, checked_id, run_batch, run_watching_signals, with_pool_helping,
};

/// Texts of at least this many bytes are encoded by `encode` / `tokenize` without the GIL,
/// in pieces, in parallel and interruptible (a text this long takes milliseconds; a
/// shorter one, microseconds, less than releasing the GIL and starting a watcher costs).
const LONG_TEXT: usize = 1 << 20;

/// What a pickled `BpeModel` holds: vocab, merges, unk token, byte fallback, suffix.
type BpeState = (Vec<String>, Merges, Option<String>, bool, String);

/// A BPE model: vocabulary, ranked merges, and how to encode.
#[pyclass(name = "BpeModel", module = "subword._core", frozen)]
struct PyBpeModel {
    inner: Arc<BpeModel>,
    ids: IdObjects,
}

impl PyBpeModel {
    fn wrap(inner: BpeModel) -> Self {
        let ids = IdObjects::new(inner.tokens().len());
        PyBpeModel {
            inner: Arc::new(inner),
            ids,
        }
    }

    /// The ids of a batch laid end to end, encoded without the GIL (see `encode_batch`).
    fn encode_flat(
        &self,
        py: Python<'_>,
        texts: &[PyBackedStr],
        threads: Option<U64Arg>,
    ) -> PyResult<Flat<u32>> {
        run_batch(py, texts.len(), WATCHED_TEXTS, threads, |stop| {
            self.inner.encode_batch_flat_until(texts, stop)
        })
    }
}

fn options(
    unk_token: Option<String>,
    byte_fallback: bool,
    end_of_word_suffix: String,
) -> BpeOptions {
    BpeOptions {
        unk_token,
        byte_fallback,
        end_of_word_suffix,
    }
}

#[pymethods]
impl PyBpeModel {
    #[new]
    #[pyo3(signature = (vocab, merges, *, unk_token = Some(DEFAULT_UNK_TOKEN.to_string()), byte_fallback = false, end_of_word_suffix = "</w>".to_string()))]
    fn new(
        py: Python<'_>,
        vocab: Vec<String>,
        merges: Vec<(String, String)>,
        unk_token: Option<String>,
        byte_fallback: bool,
        end_of_word_suffix: String,
    ) -> PyResult<Self> {
        let options = options(unk_token, byte_fallback, end_of_word_suffix);
        let inner = py.detach(|| BpeModel::new(vocab, merges, options)).py()?;
        Ok(PyBpeModel::wrap(inner))
    }

    /// Loads `vocab.json` + `merges.txt` without the GIL; Ctrl-C stops it.
    #[staticmethod]
    #[pyo3(signature = (vocab_path, merges_path, *, unk_token = Some(DEFAULT_UNK_TOKEN.to_string()), byte_fallback = false, end_of_word_suffix = "</w>".to_string()))]
    fn from_files(
        py: Python<'_>,
        vocab_path: PathBuf,
        merges_path: PathBuf,
        unk_token: Option<String>,
        byte_fallback: bool,
        end_of_word_suffix: String,
    ) -> PyResult<Self> {
        let options = options(unk_token, byte_fallback, end_of_word_suffix);
        let inner = run_watching_signals(py, |stop| {
            BpeModel::from_files(&vocab_path, &merges_path, options, stop).py()
        })?;
        Ok(PyBpeModel::wrap(inner))
    }

    /// Loads a subword-nmt codes file; the vocabulary is built from the merges. Without the
    /// GIL; Ctrl-C stops it.
    #[staticmethod]
    #[pyo3(signature = (path, *, special_tokens = vec![DEFAULT_UNK_TOKEN.to_string()], unk_token = Some(DEFAULT_UNK_TOKEN.to_string()), byte_fallback = false, end_of_word_suffix = "</w>".to_string()))]
    fn from_codes(
        py: Python<'_>,
        path: PathBuf,
        special_tokens: Vec<String>,
        unk_token: Option<String>,
        byte_fallback: bool,
        end_of_word_suffix: String,
    ) -> PyResult<Self> {
        let options = options(unk_token, byte_fallback, end_of_word_suffix);
        let inner = run_watching_signals(py, |stop| {
            BpeModel::from_codes(&path, &special_tokens, options, stop).py()
        })?;
        Ok(PyBpeModel::wrap(inner))
    }

    /// The symbols of `text` (vocabulary tokens; unseen characters as themselves). A long
    /// text is encoded without the GIL, in parallel, and Ctrl-C stops it.
    fn tokenize(&self, py: Python<'_>, text: &str) -> PyResult<Vec<String>> {
        if text.len() < LONG_TEXT {
            return Ok(self.inner.tokenize(text));
        }
        run_watching_signals(py, |stop| {
            with_pool_helping(None, || self.inner.tokenize_long_until(text, stop))
        })
    }

    /// The ids of `text`. A long text is encoded without the GIL, in parallel, and Ctrl-C
    /// stops it.
    fn encode(&self, py: Python<'_>, text: &str) -> PyResult<Vec<u32>> {
        if text.len() < LONG_TEXT {
            return self.inner.encode(text).py();
        }
        run_watching_signals(py, |stop| {
            with_pool_helping(None, || self.inner.encode_long_until(text, stop))
        })
    }

    /// The ids of many texts (each split on whitespace as `str.split()`), in parallel
    /// without the GIL, as one list per text. The texts are borrowed from Python
    /// (`PyBackedStr`), not copied: a large batch starts encoding at once, and a Ctrl-C is
    /// not held up by a long conversion under the GIL. The lists are built from the
    /// batch's one vector of ids, with one shared int object per id (see `flat`).
    #[pyo3(signature = (texts, threads = None))]
    fn encode_batch<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<PyBackedStr>,
        threads: Option<U64Arg>,
    ) -> PyResult<Bound<'py, PyList>> {
        let flat = self.encode_flat(py, &texts, threads)?;
        self.ids.lists(py, &flat)
    }

    /// `encode_batch` as two numpy arrays: every text's ids end to end (`uint32`) and
    /// each text's number of ids (`int64`), handed over without a copy.
    #[pyo3(signature = (texts, threads = None))]
    fn encode_batch_flat<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<PyBackedStr>,
        threads: Option<U64Arg>,
    ) -> PyResult<FlatArrays<'py>> {
        let flat = self.encode_flat(py, &texts, threads)?;
        Ok(flat::arrays(py, flat))
    }

    /// The number of ids of `encode_batch(texts)`, with nothing returned to Python: the
    /// core's own speed, which the benchmark holds the other forms against.
    #[pyo3(signature = (texts, threads = None))]
    fn _encode_batch_count(
        &self,
        py: Python<'_>,
        texts: Vec<PyBackedStr>,
        threads: Option<U64Arg>,
    ) -> PyResult<usize> {
        Ok(self.encode_flat(py, &texts, threads)?.values.len())
    }

    /// The text of `ids`.
    fn decode(&self, ids: Vec<i64>) -> PyResult<String> {
        let size = self.inner.tokens().len();
        let ids = ids
            .into_iter()
            .map(|id| checked_id(id, size))
            .collect::<PyResult<Vec<u64>>>()?;
        self.inner.decode(&ids).py()
    }

    /// The id of `token`, or `None`.
    fn token_to_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    /// The token of `id` (IndexError when out of range).
    fn id_to_token(&self, id: i64) -> PyResult<String> {
        let id = checked_id(id, self.inner.tokens().len())?;
        self.inner.id_to_token(id).map(str::to_owned).py()
    }

    /// Writes `vocab.json` and `merges.txt` into `directory`, atomically.
    fn save(&self, py: Python<'_>, directory: PathBuf) -> PyResult<()> {
        py.detach(|| self.inner.save(&directory)).py()
    }

    #[getter]
    fn vocab(&self) -> Vec<String> {
        self.inner.tokens().to_vec()
    }

    #[getter]
    fn merges(&self) -> Vec<(String, String)> {
        self.inner.merges().to_vec()
    }

    #[getter]
    fn unk_token(&self) -> Option<String> {
        self.inner.options().unk_token.clone()
    }

    #[getter]
    fn byte_fallback(&self) -> bool {
        self.inner.options().byte_fallback
    }

    #[getter]
    fn end_of_word_suffix(&self) -> String {
        self.inner.options().end_of_word_suffix.clone()
    }

    fn __len__(&self) -> usize {
        self.inner.tokens().len()
    }

    /// Pickles as the vocabulary, merges and options, never a file path.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let model = &slf.get().inner;
        let rebuild = py
            .import("subword._core")?
            .getattr("_bpe_model_from_state")?;
        let state = (
            model.tokens().to_vec(),
            model.merges().to_vec(),
            model.options().unk_token.clone(),
            model.options().byte_fallback,
            model.options().end_of_word_suffix.clone(),
        );
        Ok((rebuild, PyTuple::new(py, [state.into_pyobject(py)?])?))
    }
}

/// Rebuilds a pickled `BpeModel`.
#[pyfunction]
fn _bpe_model_from_state(py: Python<'_>, state: BpeState) -> PyResult<PyBpeModel> {
    let (vocab, merges, unk_token, byte_fallback, suffix) = state;
    PyBpeModel::new(py, vocab, merges, unk_token, byte_fallback, suffix)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBpeModel>()?;
    m.add_function(wrap_pyfunction!(_bpe_model_from_state, m)?)?;
    Ok(())
}
