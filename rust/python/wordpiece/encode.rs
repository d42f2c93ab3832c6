//! Python bindings for WordPiece encoding (`WordPieceModel`).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyList, PyTuple, PyType};

use crate::batch::{self, Flat, PARALLEL_TEXTS};
use crate::python::args::U64Arg;
use crate::python::flat::{self, FlatArrays, IdObjects};
use crate::python::{IntoPyResult, WATCHED_TEXTS, checked_id, run_batch, run_watching_signals};
use crate::wordpiece::encode::WordPieceModel;
use crate::wordpiece::{DEFAULT_MAX_INPUT_CHARS_PER_WORD, DEFAULT_PREFIX, DEFAULT_UNK_TOKEN};

/// Greedy longest-match-first WordPiece encoding (BERT's `WordpieceTokenizer`) over a
/// vocab compiled into a trie with failure links: linear time in the word.
///
/// Words are encoded as given: normalization and pre-tokenization happen before.
#[pyclass(name = "WordPieceModel", module = "subword._core", frozen)]
pub(crate) struct PyWordPieceModel {
    inner: WordPieceModel,
    /// The int object of each id, shared by the lists the batch calls return.
    ids: IdObjects,
}

impl PyWordPieceModel {
    /// Every pre-tokenized text's ids laid end to end, in parallel without the GIL.
    fn pretokenized_flat(
        &self,
        py: Python<'_>,
        batch: &[Vec<PyBackedStr>],
        threads: Option<U64Arg>,
    ) -> PyResult<Flat<u32>> {
        run_batch(py, batch.len(), WATCHED_TEXTS, threads, |stop| {
            batch::flat_map_until(batch, PARALLEL_TEXTS, stop, |words, ids| {
                words
                    .iter()
                    .for_each(|word| self.inner.encode_word(word, ids));
                Ok(())
            })
        })
    }

    /// The core model, for the other bindings that encode with it (`ChunkCache`).
    pub(crate) fn model(&self) -> &WordPieceModel {
        &self.inner
    }

    /// One Python list of ids per text of `flat`, each id's int shared (see `flat`).
    pub(crate) fn id_lists<'py>(
        &self,
        py: Python<'py>,
        flat: &Flat<u32>,
    ) -> PyResult<Bound<'py, PyList>> {
        self.ids.lists(py, flat)
    }
}

/// `encode_words` is watched for Ctrl-C from this many words (see `run_batch`): a word is
/// far less work than a text.
const WATCHED_WORDS: usize = 16_384;

/// What `encode_pretokenized_with_offsets` returns per text: ids, word indices, char spans.
type TextOffsets = (Vec<u32>, Vec<u32>, Vec<(usize, usize)>);

/// An id from Python, which may be negative or huge: an `IndexError` unless in range.
fn id_to_token(encoder: &WordPieceModel, id: i64) -> PyResult<&str> {
    encoder.id_to_token(checked_id(id, encoder.len())?).py()
}

#[pymethods]
impl PyWordPieceModel {
    /// Compiles `vocab` (token ids are list indices) without the GIL; Ctrl-C stops it.
    /// Raises `ValueError` on an empty vocab, an empty or duplicate token, or an
    /// `unk_token` not in the vocab.
    #[new]
    #[pyo3(signature = (
        vocab,
        unk_token = DEFAULT_UNK_TOKEN.to_owned(),
        continuing_subword_prefix = DEFAULT_PREFIX.to_owned(),
        max_input_chars_per_word = U64Arg(Ok(DEFAULT_MAX_INPUT_CHARS_PER_WORD as u64)),
    ))]
    fn new(
        py: Python<'_>,
        vocab: Vec<String>,
        unk_token: String,
        continuing_subword_prefix: String,
        max_input_chars_per_word: U64Arg,
    ) -> PyResult<Self> {
        let max_input_chars_per_word =
            max_input_chars_per_word.get_usize("max_input_chars_per_word")?;
        let inner = run_watching_signals(py, |stop| {
            WordPieceModel::new_until(
                vocab,
                &unk_token,
                &continuing_subword_prefix,
                max_input_chars_per_word,
                stop,
            )
            .py()
        })?;
        let ids = IdObjects::new(inner.len());
        Ok(PyWordPieceModel { inner, ids })
    }

    /// Reads a BERT `vocab.txt` (one token a line, id = 0-based line index) without the
    /// GIL; Ctrl-C stops it.
    #[staticmethod]
    #[pyo3(signature = (
        path,
        unk_token = DEFAULT_UNK_TOKEN.to_owned(),
        continuing_subword_prefix = DEFAULT_PREFIX.to_owned(),
        max_input_chars_per_word = U64Arg(Ok(DEFAULT_MAX_INPUT_CHARS_PER_WORD as u64)),
    ))]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        unk_token: String,
        continuing_subword_prefix: String,
        max_input_chars_per_word: U64Arg,
    ) -> PyResult<Self> {
        let vocab =
            run_watching_signals(py, |stop| crate::formats::read_vocab_txt(&path, stop).py())?;
        Self::new(
            py,
            vocab,
            unk_token,
            continuing_subword_prefix,
            max_input_chars_per_word,
        )
    }

    /// The ids of the pieces of one word (`[unk_id]` if it cannot be covered or is too
    /// long, `[]` for the empty word).
    fn encode_word(&self, word: &str) -> Vec<u32> {
        self.inner.encode(word)
    }

    /// The pieces of one word as tokens.
    fn tokenize_word(&self, word: &str) -> Vec<&str> {
        self.inner.tokenize_word(word)
    }

    /// The ids of the pieces of each word, encoded in parallel without the GIL.
    #[pyo3(signature = (words, threads = None))]
    fn encode_words(
        &self,
        py: Python<'_>,
        words: Vec<PyBackedStr>,
        threads: Option<U64Arg>,
    ) -> PyResult<Vec<Vec<u32>>> {
        run_batch(py, words.len(), WATCHED_WORDS, threads, |stop| {
            self.inner.encode_words_until(&words, stop)
        })
    }

    /// The ids of many texts (each split on whitespace as `str.split()`, its words'
    /// pieces concatenated), in parallel without the GIL: the input of
    /// `BpeModel.encode_batch`.
    #[pyo3(signature = (texts, threads = None))]
    fn encode_batch(
        &self,
        py: Python<'_>,
        texts: Vec<PyBackedStr>,
        threads: Option<U64Arg>,
    ) -> PyResult<Vec<Vec<u32>>> {
        run_batch(py, texts.len(), WATCHED_TEXTS, threads, |stop| {
            self.inner.encode_batch_until(&texts, stop)
        })
    }

    /// For each pre-tokenized text (a list of words, each encoded as given), the ids of
    /// all its words' pieces concatenated; in parallel over texts, without the GIL. The
    /// lists are built from one vector, each id's int shared (see `flat`).
    #[pyo3(signature = (batch, threads = None))]
    fn encode_pretokenized<'py>(
        &self,
        py: Python<'py>,
        batch: Vec<Vec<PyBackedStr>>,
        threads: Option<U64Arg>,
    ) -> PyResult<Bound<'py, PyList>> {
        let flat = self.pretokenized_flat(py, &batch, threads)?;
        self.ids.lists(py, &flat)
    }

    /// `encode_pretokenized` as two numpy arrays: every text's ids end to end (`uint32`)
    /// and each text's number of ids (`int64`), handed over without a copy.
    #[pyo3(signature = (batch, threads = None))]
    fn encode_pretokenized_flat<'py>(
        &self,
        py: Python<'py>,
        batch: Vec<Vec<PyBackedStr>>,
        threads: Option<U64Arg>,
    ) -> PyResult<FlatArrays<'py>> {
        let flat = self.pretokenized_flat(py, &batch, threads)?;
        Ok(flat::arrays(py, flat))
    }

    /// Like `encode_pretokenized`, with, per text, `(ids, word_indices, spans)`: the word
    /// index of each piece and its `(start_char, end_char)` span within that word (the
    /// whole word for an unk).
    #[pyo3(signature = (batch, threads = None))]
    fn encode_pretokenized_with_offsets(
        &self,
        py: Python<'_>,
        batch: Vec<Vec<PyBackedStr>>,
        threads: Option<U64Arg>,
    ) -> PyResult<Vec<TextOffsets>> {
        let encodings = run_batch(py, batch.len(), WATCHED_TEXTS, threads, |stop| {
            self.inner
                .encode_pretokenized_with_offsets_until(&batch, stop)
        })?;
        Ok(encodings
            .into_iter()
            .map(|e| (e.ids, e.word_indices, e.spans))
            .collect())
    }

    /// The id of `token`, or `None` if it is not in the vocab.
    fn token_to_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    /// The token of `id`; `IndexError` if out of range.
    fn id_to_token(&self, id: i64) -> PyResult<&str> {
        id_to_token(&self.inner, id)
    }

    /// The tokens of `ids`; `IndexError` if any is out of range.
    fn convert_ids_to_tokens(&self, ids: Vec<i64>) -> PyResult<Vec<&str>> {
        ids.into_iter()
            .map(|id| id_to_token(&self.inner, id))
            .collect()
    }

    /// The tokens, indexed by id.
    #[getter]
    fn vocab(&self) -> Vec<&str> {
        self.inner.vocab().iter().map(String::as_str).collect()
    }

    /// The unk token.
    #[getter]
    fn unk_token(&self) -> &str {
        self.inner.unk_token()
    }

    /// The id of the unk token.
    #[getter]
    fn unk_id(&self) -> u32 {
        self.inner.unk_id()
    }

    /// The prefix of non-initial pieces.
    #[getter]
    fn continuing_subword_prefix(&self) -> &str {
        self.inner.continuing_subword_prefix()
    }

    /// Words with more chars than this become the unk token.
    #[getter]
    fn max_input_chars_per_word(&self) -> usize {
        self.inner.max_input_chars_per_word()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "WordPieceModel(vocab_size={}, unk_token={:?}, continuing_subword_prefix={:?}, \
             max_input_chars_per_word={})",
            self.inner.len(),
            self.inner.unk_token(),
            self.inner.continuing_subword_prefix(),
            self.inner.max_input_chars_per_word()
        )
    }

    /// Pickles as the vocab and options (never a file path), recompiled on load.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let this = slf.get();
        let args = (
            this.vocab(),
            this.unk_token(),
            this.continuing_subword_prefix(),
            this.max_input_chars_per_word(),
        )
            .into_pyobject(py)?;
        Ok((slf.get_type(), args))
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyWordPieceModel>()?;
    Ok(())
}
