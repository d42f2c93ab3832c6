//! Python bindings for encoding whole texts through a chunk cache (`ChunkCache`).

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;

use crate::batch::PARALLEL_TEXTS;
use crate::python::args::U64Arg;
use crate::python::flat::{self, FlatArrays};
use crate::python::run_batch;
use crate::python::wordpiece::encode::PyWordPieceModel;
use crate::wordpiece::chunks::{self, ChunkCache};

/// A bounded cache from whitespace chunk to WordPiece ids, and the batch call that
/// encodes whole texts through it (see the core's `wordpiece::chunks` for the rule).
///
/// One belongs to one tokenizer: its vocabulary and normalization options fixed.
#[pyclass(name = "ChunkCache", module = "subword._core", frozen)]
pub(crate) struct PyChunkCache {
    inner: ChunkCache,
}

/// `encode_texts` watches for Ctrl-C (a thread of its own, some 100 µs a call) from this
/// many bytes of text: a thousand lines of English (40 kB) take about a millisecond, so
/// watching them would cost a tenth of the call, while a batch that takes long is large.
const WATCHED_BYTES: usize = 1 << 20;

#[pymethods]
impl PyChunkCache {
    /// An empty cache of at most `capacity` bytes (0 caches nothing).
    #[new]
    #[pyo3(signature = (capacity = U64Arg(Ok(chunks::DEFAULT_CAPACITY as u64))))]
    fn new(capacity: U64Arg) -> PyResult<Self> {
        let capacity = capacity.get_usize("capacity")?;
        Ok(PyChunkCache {
            inner: ChunkCache::new(capacity),
        })
    }

    /// The ids of each text, as numpy arrays `(ids, lengths)`: every text's ids end to
    /// end and each text's number of ids. Chunks the cache lacks are normalized here when
    /// printable ASCII (lowercased when `lowercase`), otherwise by
    /// `normalize(chunks) -> list of word lists` (called at most once, with the GIL),
    /// then encoded with `model`; the rest runs in parallel without the GIL.
    #[pyo3(signature = (model, texts, lowercase, normalize, threads = None))]
    fn encode_texts<'py>(
        &self,
        py: Python<'py>,
        model: &Bound<'py, PyWordPieceModel>,
        texts: Vec<PyBackedStr>,
        lowercase: bool,
        normalize: Py<PyAny>,
        threads: Option<U64Arg>,
    ) -> PyResult<FlatArrays<'py>> {
        let model = model.get().model();
        // The normalizer's exception, raised once the batch call has unwound.
        let raised: Mutex<Option<PyErr>> = Mutex::new(None);
        let call_normalizer = |chunks: &[&str]| -> crate::Result<Vec<Vec<String>>> {
            Python::attach(|py| {
                normalize
                    .bind(py)
                    .call1((chunks.to_vec(),))
                    .and_then(|words| words.extract::<Vec<Vec<String>>>())
            })
            .map_err(|error| {
                *raised.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
                crate::Error::Interrupted
            })
        };
        let bytes: usize = texts.iter().map(|text| text.len()).sum();
        let watched_from = if bytes < WATCHED_BYTES { usize::MAX } else { 0 };
        let flat = run_batch(
            py,
            texts.len(),
            (PARALLEL_TEXTS, watched_from),
            threads,
            |stop| {
                self.inner
                    .encode_texts(model, &texts, lowercase, Box::new(call_normalizer), stop)
            },
        );
        if let Some(error) = raised.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(error);
        }
        Ok(flat::arrays(py, flat?))
    }

    /// Forgets every chunk.
    fn clear(&self) {
        self.inner.clear();
    }

    /// The bound, in bytes.
    #[getter]
    fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// The bytes the cached chunks count for.
    #[getter]
    fn bytes(&self) -> usize {
        self.inner.bytes()
    }

    /// How many chunks are cached.
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "ChunkCache(capacity={}, chunks={}, bytes={})",
            self.inner.capacity(),
            self.inner.len(),
            self.inner.bytes()
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyChunkCache>()?;
    Ok(())
}
