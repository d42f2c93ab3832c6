//! The Python extension `subword._core`: a thin layer that converts arguments, releases
//! the GIL around the core's work, and turns [`Error`] values into Python exceptions.
//! No algorithm lives here. The files mirror the core: `count`, `bpe/{train,encode}`,
//! `wordpiece/{train,encode}`, `formats`; `args` holds the argument types they share,
//! `flat` the numpy and list forms of batch results, and this file the error mapping,
//! thread pools and Ctrl-C handling.

mod answers;
mod args;
mod bpe;
mod count;
mod flat;
mod formats;
mod wordpiece;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pyo3::exceptions::{
    PyFileNotFoundError, PyIndexError, PyIsADirectoryError, PyKeyboardInterrupt, PyOSError,
    PyPermissionError, PyRuntimeError, PyValueError,
};
use pyo3::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::Error;
use crate::batch;
use crate::progress::{Phase, Progress};

/// Maps a core error to the Python exception a user of `tokenizers`/`transformers` expects.
///
/// The two errors a caller may want to phrase in its own terms carry their facts as data:
/// `Error::InvalidArgument` becomes `subword.errors.InvalidArgumentError(argument,
/// reason)` and `Error::InvalidUtf8` becomes `subword.errors.InvalidUtf8Error(message,
/// path, offset, line)`, both `ValueError`s.
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
        Error::InvalidArgument { argument, reason } => {
            python_error("InvalidArgumentError", (argument, reason), message)
        }
        Error::InvalidUtf8 { path, offset, line } => {
            let path = path.display().to_string();
            python_error(
                "InvalidUtf8Error",
                (message.clone(), path, offset, line),
                message,
            )
        }
        Error::Format { .. } | Error::InvalidInput(_) => PyValueError::new_err(message),
    }
}

/// An instance of the exception class `name` of `subword.errors`, made from `args`; a
/// plain `ValueError(message)` should that module be missing.
fn python_error<A>(name: &str, args: A, message: String) -> PyErr
where
    A: for<'py> pyo3::call::PyCallArgs<'py>,
{
    Python::attach(|py| {
        let error = py
            .import("subword.errors")
            .and_then(|module| module.getattr(name))
            .and_then(|class| class.call1(args));
        match error {
            Ok(error) => PyErr::from_value(error),
            Err(_) => PyValueError::new_err(message),
        }
    })
}

/// An id from Python, taken as a signed integer so that a negative one raises `IndexError`
/// (as indexing a list does) rather than an `OverflowError` from the conversion.
pub(crate) fn checked_id(id: i64, vocab_size: usize) -> PyResult<u64> {
    u64::try_from(id).map_err(|_| {
        PyIndexError::new_err(format!(
            "id {id} is out of range for a vocabulary of {vocab_size} tokens"
        ))
    })
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
    /// When the last report was made, and in which phase.
    last: Mutex<(Instant, Option<Phase>)>,
}

impl PyProgress {
    const INTERVAL: Duration = Duration::from_millis(100);

    pub(crate) fn new(callback: Option<Py<PyAny>>) -> Self {
        PyProgress {
            callback,
            last: Mutex::new((Instant::now(), None)),
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
            // The start and end of a phase are always shown, so even a short phase draws
            // its bar; in between, reports are rate-limited.
            let (at, last_phase) = *last;
            let new_phase = last_phase != Some(phase);
            let finished = total > 0 && done >= total;
            if !new_phase && !finished && at.elapsed() < Self::INTERVAL {
                return true;
            }
            *last = (Instant::now(), Some(phase));
        }
        Python::attach(|py| {
            if py.check_signals().is_err() {
                return false;
            }
            if let Some(callback) = &self.callback {
                let name = match phase {
                    Phase::Counting => "counting",
                    Phase::Merging => "merging",
                    Phase::Refining => "refining",
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

/// The thread pools of this process, by size. Rayon's global pool is never used: after
/// `os.fork()` (multiprocessing, DataLoader workers) a child inherits the parent's pool
/// without its threads, and the first parallel call would wait forever. Pools here are
/// keyed by process id, so a forked child builds its own on first use.
static POOLS: Mutex<Option<ProcessPools>> = Mutex::new(None);

/// The most threads a call may ask for: more than any machine's cores (beyond them a call
/// only slows down), and few enough that the OS starts them.
pub(crate) const MAX_THREADS: usize = 1024;

/// How many pools (of different sizes) a process keeps. A program that tries many
/// `threads=` values keeps the most recently used few, not a pool for each value: an
/// evicted pool's threads end once the calls still running on it return.
const KEPT_POOLS: usize = 4;

/// The pools one process made, the most recently used last.
struct ProcessPools {
    pid: u32,
    by_size: Vec<(usize, Arc<ThreadPool>)>,
}

/// The number of threads when the caller gives none: `RAYON_NUM_THREADS`, else all cores.
fn default_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(cores)
        .min(MAX_THREADS)
}

/// The cores this process may use, asked once: on Linux `available_parallelism` reads
/// the cgroup files on every call, about 19 µs measured here, more than a one-line
/// `BertTokenizer` call's whole encoding, and every batch call asks (rayon asks once too).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The number of threads a call uses when it is given none (`RAYON_NUM_THREADS`, else all
/// cores), so that Python can tell whether a second core will work alongside it.
#[pyfunction(name = "default_threads")]
fn py_default_threads() -> usize {
    default_threads()
}

/// The caller's `threads=`, checked: `None` (the default) or 1 to [`MAX_THREADS`].
pub(crate) fn check_threads(threads: Option<usize>) -> PyResult<Option<usize>> {
    match threads {
        Some(n) if !(1..=MAX_THREADS).contains(&n) => Err(to_py_err(crate::Error::argument(
            "threads",
            format!("must be at least 1 and at most {MAX_THREADS}, got {n}"),
        ))),
        _ => Ok(threads),
    }
}

fn pool(threads: usize) -> PyResult<Arc<ThreadPool>> {
    let pid = std::process::id();
    let mut pools = POOLS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if pools.as_ref().is_none_or(|pools| pools.pid != pid) {
        // A fresh process (or a forked child): the pools of the parent have no threads here.
        // Forgetting them leaks a little memory in the child instead of touching dead threads.
        if let Some(stale) = pools.take() {
            std::mem::forget(stale);
        }
        *pools = Some(ProcessPools {
            pid,
            by_size: Vec::new(),
        });
    }
    let by_size = &mut pools.as_mut().expect("set above").by_size;
    if let Some(index) = by_size.iter().position(|(size, _)| *size == threads) {
        let entry = by_size.remove(index);
        let pool = entry.1.clone();
        by_size.push(entry);
        return Ok(pool);
    }
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("subword-{i}"))
        .build()
        .map_err(|err| PyOSError::new_err(format!("cannot start {threads} threads: {err}")))?;
    let pool = Arc::new(pool);
    by_size.push((threads, pool.clone()));
    if by_size.len() > KEPT_POOLS {
        by_size.remove(0);
    }
    Ok(pool)
}

/// Runs `work` on this process's pool of `threads` threads (default: `RAYON_NUM_THREADS`,
/// else all cores). Call it with the GIL released.
pub(crate) fn in_pool<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> crate::Result<T> + Send,
) -> PyResult<T> {
    let threads = check_threads(threads)?.unwrap_or_else(default_threads);
    pool(threads)?.install(work).py()
}

/// Runs `work` on this thread, which takes part in each batch step of it with a pool of
/// `threads - 1` helpers ([`batch::with_helpers`]; `threads` as in [`in_pool`]): one
/// thread in all does everything here, and no step waits for the work to be handed over
/// and back, which on a 2-vCPU VM cost about as much as a 1,000-line batch step. For
/// work that only maps batches through [`crate::batch`]; call it with the GIL released.
pub(crate) fn with_pool_helping<T>(
    threads: Option<usize>,
    work: impl FnOnce() -> crate::Result<T>,
) -> PyResult<T> {
    let threads = check_threads(threads)?.unwrap_or_else(default_threads);
    let helpers = if threads > 1 {
        Some(pool(threads - 1)?)
    } else {
        None
    };
    batch::with_helpers(helpers, work).py()
}

/// Hands the memory that earlier calls freed back to the operating system, where the
/// allocator keeps it otherwise: glibc gives each thread that allocates its own arena and
/// keeps freed pages there, so the tables a parallel count built and dropped on pool
/// threads stay in the process while training, on other threads, allocates anew. Called
/// before training: measured on `subword train` of en-100m (WordPiece, 2 threads), the
/// peak fell from 350-360 MB to 274 MB (Hugging Face's: 299 MB) for about 4% more time
/// (8.6 s to 9.0 s, pages faulted in again). A no-op where glibc is not the allocator.
pub(crate) fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free pages to the OS; it touches no live memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Progress that also stops once `stop` is set.
pub(crate) struct Stoppable<'a> {
    pub(crate) inner: &'a PyProgress,
    pub(crate) stop: &'a AtomicBool,
}

impl Progress for Stoppable<'_> {
    fn update(&self, phase: Phase, done: u64, total: u64) -> bool {
        !self.stop.load(Ordering::Relaxed) && self.inner.update(phase, done, total)
    }

    fn keep_going(&self) -> bool {
        !self.stop.load(Ordering::Relaxed)
    }
}

/// Batches of at least this many texts run under [`run_watching_signals`], so that Ctrl-C
/// stops them; smaller ones finish in well under a second and skip the watcher thread's
/// start-up cost.
pub(crate) const WATCHED_TEXTS: usize = 256;

/// Runs a batch call of `size` items (texts, or words) without the GIL, on this thread
/// with the pool's helpers ([`with_pool_helping`]; the core maps a small batch in order
/// and never wakes them): under [`run_watching_signals`] when `size` reaches
/// `watched_from`, so Ctrl-C stops it, else directly. `work` checks the flag between
/// items and returns `Error::Interrupted` once it is set. `threads` is the caller's
/// `threads=` argument as Python gave it.
pub(crate) fn run_batch<T: Send>(
    py: Python<'_>,
    size: usize,
    watched_from: usize,
    threads: Option<args::U64Arg>,
    work: impl Fn(&AtomicBool) -> crate::Result<T> + Send + Sync,
) -> PyResult<T> {
    let threads = args::threads(threads)?;
    if size < watched_from {
        let never = AtomicBool::new(false);
        return py.detach(|| with_pool_helping(threads, || work(&never)));
    }
    run_watching_signals(py, |stop| with_pool_helping(threads, || work(stop)))
}

/// Runs `work` without the GIL on a new thread, while the calling thread checks for
/// signals every 20 ms and sets the flag given to `work` when a handler raises.
///
/// Python runs signal handlers only on the main thread, so `PyProgress` cannot notice
/// Ctrl-C from a rayon pool thread (where `in_pool` runs the work when `threads` is
/// given); the calling thread is the main thread when the user is at a prompt or script.
/// The exception the handler raised (`KeyboardInterrupt` for Ctrl-C) is the one returned.
/// A panic in `work` (a bug) becomes a `RuntimeError` rather than crossing into Python.
pub(crate) fn run_watching_signals<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> PyResult<T> + Send,
) -> PyResult<T> {
    const POLL: Duration = Duration::from_millis(20);
    let stop = AtomicBool::new(false);
    let done = AtomicBool::new(false);
    let mut signal_error = None;
    let outcome = py.detach(|| {
        let caller = std::thread::current();
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .name("subword-work".into())
                .spawn_scoped(scope, || {
                    let result = catch_unwind(AssertUnwindSafe(|| work(&stop)));
                    done.store(true, Ordering::Release);
                    caller.unpark();
                    result
                })
                .map_err(|err| PyOSError::new_err(format!("cannot start a thread: {err}")))?;
            while !done.load(Ordering::Acquire) {
                std::thread::park_timeout(POLL);
                if signal_error.is_none()
                    && let Err(err) = Python::attach(|py| py.check_signals())
                {
                    signal_error = Some(err);
                    stop.store(true, Ordering::Relaxed);
                }
            }
            // A panic is caught inside the worker or, should that fail, by `join`.
            PyResult::Ok(worker.join().and_then(|result| result))
        })
    })?;
    if let Some(err) = signal_error {
        return Err(err);
    }
    outcome.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(PyRuntimeError::new_err(format!(
            "internal error in subword (please report it): {message}"
        )))
    })
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    answers::register(m)?;
    count::register(m)?;
    bpe::register(m)?;
    wordpiece::register(m)?;
    flat::register(m)?;
    m.add_function(wrap_pyfunction!(py_default_threads, m)?)?;
    formats::register(m)
}
