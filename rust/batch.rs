//! Mapping a batch in parallel, or in order on the calling thread when it is small.
//!
//! Handing work to a rayon pool and waking its threads costs tens of microseconds, more
//! than encoding a few texts takes: a one-text batch went three times slower through the
//! pool than on the caller's thread. So a batch below its threshold runs sequentially,
//! never touching a pool; the Python bindings use the same thresholds to skip installing
//! their pool for such batches.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::{Error, Result};

/// Batches of texts (sentences, lines) run in parallel from this many texts. A line
/// takes one to a few microseconds once its words are cached and a round trip through
/// the pool some 30: measured (`bench/growth.py`), 16 texts went at half the speed of
/// one text on the caller's thread, so the pool only pays from about a hundred.
pub const PARALLEL_TEXTS: usize = 128;

/// Batches of single words run in parallel from this many words (a word takes well
/// under a microsecond).
pub const PARALLEL_WORDS: usize = 512;

/// `work` applied to each item, in input order: in parallel on the current rayon pool
/// (or the global one) when there are at least `parallel_from` items, else on this thread.
/// Gives up with [`Error::Interrupted`] once `stop` is set; the flag is checked before
/// each item (one relaxed load).
pub fn map_until<T, R>(
    items: &[T],
    parallel_from: usize,
    stop: &AtomicBool,
    work: impl Fn(&T) -> Result<R> + Sync + Send,
) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
{
    let checked = |item: &T| {
        if stop.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        work(item)
    };
    if items.len() < parallel_from {
        return items.iter().map(checked).collect();
    }
    // Each thread takes runs of at least half the threshold: smaller runs would not repay
    // their hand-off, and a batch just over the threshold still splits in two.
    items
        .par_iter()
        .with_min_len((parallel_from / 2).max(1))
        .map(checked)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn double(x: &u32) -> Result<u32> {
        Ok(x * 2)
    }

    #[test]
    fn small_and_large_batches_give_the_same_results_in_order() {
        let items: Vec<u32> = (0..1000).collect();
        let never = AtomicBool::new(false);
        let sequential = map_until(&items, usize::MAX, &never, double).unwrap();
        let parallel = map_until(&items, 2, &never, double).unwrap();
        assert_eq!(sequential, parallel);
        assert_eq!(parallel[999], 1998);
    }

    #[test]
    fn a_small_batch_stays_on_the_calling_thread() {
        let caller = std::thread::current().id();
        let items = [1u32, 2, 3];
        let threads = map_until(&items, 16, &AtomicBool::new(false), |_| {
            Ok(std::thread::current().id())
        })
        .unwrap();
        assert!(threads.iter().all(|&id| id == caller));
    }

    #[test]
    fn a_set_flag_interrupts_either_way() {
        let stop = AtomicBool::new(true);
        for parallel_from in [1, usize::MAX] {
            let result = map_until(&[1u32, 2], parallel_from, &stop, double);
            assert!(matches!(result, Err(Error::Interrupted)));
        }
    }

    #[test]
    fn errors_from_work_are_returned() {
        let result = map_until(&[1u32, 2, 3], 1, &AtomicBool::new(false), |&x| {
            if x == 2 {
                Err(Error::Interrupted)
            } else {
                Ok(x)
            }
        });
        assert!(result.is_err());
    }
}
