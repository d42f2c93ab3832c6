//! Python bindings for encoding whole texts through a chunk cache (`ChunkCache`).

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;

use pyo3::types::PyList;

use crate::batch::Flat;
use crate::python::args::U64Arg;
use crate::python::flat::{self, FlatArrays};
use crate::python::run_batch;
use crate::python::wordpiece::encode::PyWordPieceModel;
use crate::wordpiece::aligned_chunks::{AlignedChunkCache, AlignedWord};
use crate::wordpiece::chunks::{self, ChunkCache};

/// A basic token as Python's `AlignedToken` holds it: text, start, end, character spans.
type AlignedTokenTuple = (String, usize, usize, Option<Vec<(usize, usize)>>);

/// What `encode_aligned` returns: each text's ids, `(start, end)` spans and word indices.
type AlignedLists<'py> = (Bound<'py, PyList>, Bound<'py, PyList>, Bound<'py, PyList>);

/// A bounded cache from whitespace chunk to WordPiece ids, and the batch calls that
/// encode whole texts through it (see the core's `wordpiece::chunks` for the rule): ids
/// alone, or with spans and words (`wordpiece::aligned_chunks`, a table of its own under
/// the same bound).
///
/// One belongs to one tokenizer: its vocabulary and normalization options fixed.
#[pyclass(name = "ChunkCache", module = "subword._core", frozen)]
pub(crate) struct PyChunkCache {
    inner: ChunkCache,
    aligned: AlignedChunkCache,
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
            aligned: AlignedChunkCache::new(capacity),
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
        let flat = self.flat_ids(py, model.get(), &texts, lowercase, normalize, threads)?;
        Ok(flat::arrays(py, flat))
    }

    /// `encode_texts` as one list of ids per text (each id's int shared): for a small
    /// batch, where numpy's per-call cost would outweigh the arrays' saving.
    #[pyo3(signature = (model, texts, lowercase, normalize, threads = None))]
    fn encode_lists<'py>(
        &self,
        py: Python<'py>,
        model: &Bound<'py, PyWordPieceModel>,
        texts: Vec<PyBackedStr>,
        lowercase: bool,
        normalize: Py<PyAny>,
        threads: Option<U64Arg>,
    ) -> PyResult<Bound<'py, PyList>> {
        let encoder = model.get();
        let flat = self.flat_ids(py, encoder, &texts, lowercase, normalize, threads)?;
        encoder.id_lists(py, &flat)
    }

    /// The ids of each text with each id's `(start, end)` character span in its text and
    /// the index of its basic token among the text's, as lists: `(ids, offsets, words)`.
    /// `normalize(chunks)` gives each chunk's basic tokens as
    /// `(text, start, end, char_spans or None)` (`AlignedToken`), spans in the chunk.
    #[pyo3(signature = (model, texts, lowercase, normalize, threads = None))]
    fn encode_aligned<'py>(
        &self,
        py: Python<'py>,
        model: &Bound<'py, PyWordPieceModel>,
        texts: Vec<PyBackedStr>,
        lowercase: bool,
        normalize: Py<PyAny>,
        threads: Option<U64Arg>,
    ) -> PyResult<AlignedLists<'py>> {
        let encoder = model.get();
        let normalizer = PyNormalizer::new(normalize);
        let flat = run_batch(py, texts.len(), watching(&texts), threads, |stop| {
            let normalize = |chunks: &[&str]| {
                let tokens = normalizer.call::<Vec<AlignedTokenTuple>>(chunks)?;
                Ok(tokens.into_iter().map(aligned_words).collect())
            };
            self.aligned.encode_texts(
                encoder.model(),
                &texts,
                lowercase,
                Box::new(normalize),
                stop,
            )
        });
        normalizer.raise()?;
        let flat = flat?;
        let ids = Flat {
            values: flat.ids,
            lengths: flat.lengths,
        };
        Ok((
            encoder.id_lists(py, &ids)?,
            flat::span_lists(py, &flat.spans, &ids.lengths)?,
            flat::index_lists(py, &flat.words, &ids.lengths)?,
        ))
    }

    /// Forgets every chunk.
    fn clear(&self) {
        self.inner.clear();
        self.aligned.clear();
    }

    /// The bound, in bytes.
    #[getter]
    fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// The bytes the cached chunks count for (both tables).
    #[getter]
    fn bytes(&self) -> usize {
        self.inner.bytes() + self.aligned.bytes()
    }

    /// How many chunks are cached (both tables).
    fn __len__(&self) -> usize {
        self.inner.len() + self.aligned.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "ChunkCache(capacity={}, chunks={}, bytes={})",
            self.inner.capacity(),
            self.__len__(),
            self.bytes()
        )
    }
}

impl PyChunkCache {
    /// The ids of `texts` through the cache, laid end to end (see `encode_texts`).
    fn flat_ids(
        &self,
        py: Python<'_>,
        encoder: &PyWordPieceModel,
        texts: &[PyBackedStr],
        lowercase: bool,
        normalize: Py<PyAny>,
        threads: Option<U64Arg>,
    ) -> PyResult<Flat<u32>> {
        let model = encoder.model();
        let normalizer = PyNormalizer::new(normalize);
        let flat = run_batch(py, texts.len(), watching(texts), threads, |stop| {
            let normalize = |chunks: &[&str]| normalizer.call::<Vec<String>>(chunks);
            self.inner
                .encode_texts(model, texts, lowercase, Box::new(normalize), stop)
        });
        normalizer.raise()?;
        flat
    }
}

/// `watched_from` for `run_batch`: Ctrl-C is watched from [`WATCHED_BYTES`] of text.
fn watching(texts: &[PyBackedStr]) -> usize {
    let bytes: usize = texts.iter().map(|text| text.len()).sum();
    if bytes < WATCHED_BYTES { usize::MAX } else { 0 }
}

/// The caller's Python normalizer, called from the batch's work with the GIL taken; its
/// exception is kept and raised once the batch call has unwound.
struct PyNormalizer {
    function: Py<PyAny>,
    raised: Mutex<Option<PyErr>>,
}

impl PyNormalizer {
    fn new(function: Py<PyAny>) -> Self {
        PyNormalizer {
            function,
            raised: Mutex::new(None),
        }
    }

    /// `function(chunks)`, each chunk's result extracted as a `T`.
    fn call<T: for<'a, 'py> FromPyObject<'a, 'py>>(
        &self,
        chunks: &[&str],
    ) -> crate::Result<Vec<T>> {
        Python::attach(|py| {
            self.function
                .bind(py)
                .call1((chunks.to_vec(),))
                .and_then(|result| result.extract::<Vec<T>>())
        })
        .map_err(|error| {
            *self.raised.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
            crate::Error::Interrupted
        })
    }

    /// The normalizer's exception, if it raised one.
    fn raise(self) -> PyResult<()> {
        match self.raised.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// A chunk's basic tokens as the core takes them.
fn aligned_words(tokens: Vec<AlignedTokenTuple>) -> Vec<AlignedWord> {
    tokens
        .into_iter()
        .map(|(text, start, end, char_spans)| AlignedWord {
            text,
            start,
            end,
            char_spans,
        })
        .collect()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyChunkCache>()?;
    Ok(())
}
