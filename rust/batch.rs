//! Mapping a batch in parallel, or in order on the calling thread when it is small.
//!
//! Handing work to a rayon pool and waking its threads costs tens of microseconds, more
//! than encoding a few texts takes: a one-text batch went three times slower through the
//! pool than on the caller's thread. So a batch below its threshold runs sequentially,
//! never touching a pool; the Python bindings use the same thresholds to skip installing
//! their pool for such batches.
//!
//! [`flat_map_until`] lays the outputs of a batch end to end in one vector ([`Flat`]):
//! each thread fills one vector for a run of items instead of allocating one per item,
//! and the caller receives (and later frees) a single allocation rather than one made on
//! each pool thread per item. That is the form handed to numpy, and the cheapest one to
//! turn into Python lists.

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
pub fn map_until<'a, T, R>(
    items: &'a [T],
    parallel_from: usize,
    stop: &AtomicBool,
    work: impl Fn(&'a T) -> Result<R> + Sync + Send,
) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
{
    let checked = |item: &'a T| {
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

/// The outputs of a batch laid end to end: item `i` produced the `lengths[i]` values that
/// follow those of items `0..i` in `values`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Flat<R> {
    /// Every item's values, in item order.
    pub values: Vec<R>,
    /// How many values each item produced.
    pub lengths: Vec<usize>,
}

impl<R> Flat<R> {
    /// The values of each item in turn.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[R]> {
        let mut start = 0;
        self.lengths.iter().map(move |&length| {
            let row = &self.values[start..start + length];
            start += length;
            row
        })
    }

    /// The items of `more` after those of `self`.
    fn append(&mut self, mut more: Flat<R>) {
        self.values.append(&mut more.values);
        self.lengths.append(&mut more.lengths);
    }
}

/// Items each thread takes at once in [`flat_map_until`], per thread of the pool: enough
/// runs for uneven items to balance, few enough that the runs' vectors cost nothing.
const RUNS_PER_THREAD: usize = 8;

/// `work` applied to each item, in input order, its outputs pushed onto one vector:
/// [`map_until`] without a vector per item. `work(item, values)` appends the item's
/// values to `values` (and nothing else). In parallel from `parallel_from` items, each
/// thread taking runs of consecutive items into a vector of its own, joined in order at
/// the end (one copy of the values); else on this thread. Gives up with
/// [`Error::Interrupted`] once `stop` is set, checked before each item.
pub fn flat_map_until<T, R>(
    items: &[T],
    parallel_from: usize,
    stop: &AtomicBool,
    work: impl Fn(&T, &mut Vec<R>) -> Result<()> + Sync + Send,
) -> Result<Flat<R>>
where
    T: Sync,
    R: Send,
{
    let run = |items: &[T]| -> Result<Flat<R>> {
        let mut flat = Flat {
            values: Vec::new(),
            lengths: Vec::with_capacity(items.len()),
        };
        for item in items {
            if stop.load(Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            let before = flat.values.len();
            work(item, &mut flat.values)?;
            flat.lengths.push(flat.values.len() - before);
        }
        Ok(flat)
    };
    if items.len() < parallel_from {
        return run(items);
    }
    let runs = (rayon::current_num_threads() * RUNS_PER_THREAD).max(1);
    let run_length = items.len().div_ceil(runs).max((parallel_from / 2).max(1));
    let parts = items
        .par_chunks(run_length)
        .map(run)
        .collect::<Result<Vec<_>>>()?;
    let mut flat = Flat {
        values: Vec::with_capacity(parts.iter().map(|part| part.values.len()).sum()),
        lengths: Vec::with_capacity(items.len()),
    };
    for part in parts {
        flat.append(part);
    }
    Ok(flat)
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

    /// `x` repeated `x % 4` times: items of zero to three values.
    fn repeat(x: &u32, values: &mut Vec<u32>) -> Result<()> {
        values.extend(std::iter::repeat_n(*x, (*x % 4) as usize));
        Ok(())
    }

    #[test]
    fn a_flat_batch_holds_the_rows_of_map_until_in_order() {
        let items: Vec<u32> = (0..1000).collect();
        let never = AtomicBool::new(false);
        let rows = map_until(&items, 2, &never, |x| {
            let mut values = Vec::new();
            repeat(x, &mut values).map(|()| values)
        })
        .unwrap();
        for parallel_from in [2, usize::MAX] {
            let flat = flat_map_until(&items, parallel_from, &never, repeat).unwrap();
            assert_eq!(flat.lengths.len(), items.len());
            assert_eq!(flat.rows().map(<[u32]>::to_vec).collect::<Vec<_>>(), rows);
        }
    }

    #[test]
    fn a_flat_batch_of_nothing_is_empty_and_a_set_flag_interrupts_it() {
        let never = AtomicBool::new(false);
        assert_eq!(
            flat_map_until(&[] as &[u32], 1, &never, repeat).unwrap(),
            Flat::default()
        );
        let stop = AtomicBool::new(true);
        for parallel_from in [1, usize::MAX] {
            let result = flat_map_until(&[1u32, 2], parallel_from, &stop, repeat);
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
