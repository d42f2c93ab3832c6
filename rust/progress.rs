//! Progress reporting and cooperative cancellation for long-running calls.
//!
//! Trainers and counters call [`Progress::update`] every so often; an implementation can
//! draw a progress bar and, by returning `false`, ask the work to stop (the Python
//! binding does this when Ctrl-C arrives). The work then returns
//! [`crate::Error::Interrupted`] and leaves every input untouched.
//!
//! Calls without progress to report (loading a model, compiling a vocab) take a stop
//! flag instead, checked with [`check`]; [`NEVER`] is the flag of a call nobody stops.

use std::sync::atomic::{AtomicBool, Ordering};

/// A stop flag that is never set.
pub static NEVER: AtomicBool = AtomicBool::new(false);

/// [`crate::Error::Interrupted`] once `stop` is set: `check(stop)?` in a loop makes it
/// stoppable.
#[inline]
pub fn check(stop: &AtomicBool) -> crate::Result<()> {
    match stop.load(Ordering::Relaxed) {
        true => Err(crate::Error::Interrupted),
        false => Ok(()),
    }
}

/// Whether a loop at `step` should look at its stop flag: every 4096th step, so that the
/// check costs nothing beside the work.
#[inline]
pub fn now_and_then(step: usize) -> bool {
    step.is_multiple_of(4096)
}

/// The phase a long call is in, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading input; units are bytes.
    Counting,
    /// Merging pairs; units are merges (or vocabulary entries).
    Merging,
    /// Refining a trained vocabulary for its encoder; units are passes over the words.
    Refining,
}

/// A sink for progress updates that may ask the work to stop.
pub trait Progress: Sync {
    /// Reports that `done` of `total` units of `phase` are finished (`total` may be 0 when
    /// unknown). Returns `false` to ask the caller to stop as soon as it can.
    fn update(&self, phase: Phase, done: u64, total: u64) -> bool;

    /// Whether the work may go on, asked where there is no progress to report (a read
    /// that has not yet found the end of an enormous word). The default never stops.
    fn keep_going(&self) -> bool {
        true
    }
}

/// Progress that is never shown and never stops the work.
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _phase: Phase, _done: u64, _total: u64) -> bool {
        true
    }
}
