//! The Python extension `subword._core`: a thin layer that converts arguments, releases
//! the GIL around the core's work, and turns [`Error`] values into Python exceptions.
//! No algorithm lives here.

mod bpe;
mod count;
mod wordpiece;
mod wordpiece_train;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use pyo3::exceptions::{
    PyFileNotFoundError, PyIndexError, PyIsADirectoryError, PyKeyboardInterrupt, PyOSError,
    PyPermissionError, PyValueError,
};
use pyo3::prelude::*;

use crate::Error;
use crate::progress::{Phase, Progress};

/// Maps a core error to the Python exception a user of `tokenizers`/`transformers` expects.
pub(crate) fn to_py_err(error: Error) -> PyErr {
    let message = error.to_string();
    match error {
        Error::Io { source, .. } => match source.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
            std::io::ErrorKind::IsADirectory => PyIsADirectoryError::new_err(message),
            std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(message),
            _ => PyOSError::new_err(message),
        },
        Error::IdOutOfRange { .. } => PyIndexError::new_err(message),
        Error::Interrupted => PyKeyboardInterrupt::new_err(message),
        Error::InvalidUtf8 { .. } | Error::Format { .. } | Error::InvalidInput(_) => {
            PyValueError::new_err(message)
        }
    }
}

/// Extension trait: `result.py()?` converts a core result into a `PyResult`.
pub(crate) trait IntoPyResult<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for crate::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py_err)
    }
}

/// Progress that checks for Ctrl-C and forwards updates to an optional Python callable
/// `callback(phase: str, done: int, total: int)`, at most every 100 ms so that neither
/// the GIL nor the callback slows the work down.
pub(crate) struct PyProgress {
    callback: Option<Py<PyAny>>,
    last: Mutex<Instant>,
}

impl PyProgress {
    const INTERVAL: Duration = Duration::from_millis(100);

    pub(crate) fn new(callback: Option<Py<PyAny>>) -> Self {
        PyProgress {
            callback,
            last: Mutex::new(Instant::now()),
        }
    }
}

impl Progress for PyProgress {
    fn update(&self, phase: Phase, done: u64, total: u64) -> bool {
        {
            // Only one thread reports at a time; the others go on working.
            let Ok(mut last) = self.last.try_lock() else {
                return true;
            };
            if last.elapsed() < Self::INTERVAL {
                return true;
            }
            *last = Instant::now();
        }
        Python::attach(|py| {
            if py.check_signals().is_err() {
                return false;
            }
            if let Some(callback) = &self.callback {
                let name = match phase {
                    Phase::Counting => "counting",
                    Phase::Merging => "merging",
                };
                if let Err(err) = callback.call1(py, (name, done, total)) {
                    // A failing progress callback must not lose the user's work: report it
                    // once as unraisable and carry on.
                    err.write_unraisable(py, None);
                }
            }
            true
        })
    }
}

/// Runs `work` on a rayon pool of `threads` threads, or on the global pool (sized by
/// `RAYON_NUM_THREADS`, else all cores) when `threads` is `None`.
pub(crate) fn in_pool<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> crate::Result<T> + Send,
) -> PyResult<T> {
    match threads {
        None => work().py(),
        Some(0) => Err(PyValueError::new_err("threads must be at least 1")),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|err| PyOSError::new_err(format!("cannot start {n} threads: {err}")))?;
            pool.install(work).py()
        }
    }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    count::register(m)?;
    bpe::register(m)?;
    wordpiece::register(m)?;
    wordpiece_train::register(m)?;
    Ok(())
}
