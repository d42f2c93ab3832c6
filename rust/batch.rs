//! Mapping a batch in parallel, or in order on the calling thread when it is small.
//!
//! Handing work to a rayon pool and waking its threads costs tens of microseconds, more
//! than encoding a few texts takes: a one-text batch went three times slower through the
//! pool than on the caller's thread. So a batch below its threshold runs sequentially,
//! never touching a pool.
//!
//! A larger batch from a thread outside any pool can be shared between that thread and a
//! pool of helpers ([`with_helpers`], how the Python bindings run every batch call): the
//! caller takes runs of items itself, so a step costs one helper's wake-up rather than
//! the round trip of `install` or a `par_iter` from outside (the work handed over, the
//! caller put to sleep and woken at the end).
//! On a 2-vCPU VM a step of 1,000 items that takes 0.32 ms on one thread took 0.22 ms
//! this way and 0.48 ms as a `par_iter` from outside the pool.
//!
//! [`flat_map_until`] lays the outputs of a batch end to end in one vector ([`Flat`]):
//! each thread fills one vector for a run of items instead of allocating one per item,
//! and the caller receives (and later frees) a single allocation rather than one made on
//! each pool thread per item. That is the form handed to numpy, and the cheapest one to
//! turn into Python lists.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rayon::ThreadPool;
use rayon::prelude::*;

use crate::{Error, Result};

/// Batches of texts (sentences, lines) run in parallel from this many texts. A line
/// takes one to a few microseconds once its words are cached; a parallel step costs a
/// helper's wake-up, and two threads' runs each went 1.3-1.6x slower side by side than
/// one thread's (BERT chunk look-ups, 64-line runs). Measured on
/// 4 MB of en-10m on a 2-vCPU VM, warm, whole passes of 1 and 2 threads interleaved
/// (speed of 2 threads over 1, median of 6 pairs): the BERT call went 0.85x at
/// 128-line batches, 0.88-1.02x at 256, 1.04x at 512 and 1.07-1.17x at 1,024; BPE
/// `encode_batch` 0.91x at 128, 0.92x at 256 and 1.28x at 1,024.
pub const PARALLEL_TEXTS: usize = 512;

/// Batches of single words run in parallel from this many words (a word takes well
/// under a microsecond).
pub const PARALLEL_WORDS: usize = 512;

/// `work` applied to each item, in input order: in parallel on the current rayon pool
/// (or with the helpers of [`with_helpers`], or on the global pool) when there are at least
/// `parallel_from` items, else on this thread. Gives up with [`Error::Interrupted`] once
/// `stop` is set; the flag is checked before each item (one relaxed load).
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
    map_init_until(items, parallel_from, stop, || (), |(), item| work(item))
}

/// [`map_until`] with a state made by `init` for each run of items a thread takes and
/// passed to `work` for each of them (as rayon's `map_init`): what a look-up would
/// otherwise take per item, such as a lock guard held for a run of look-ups.
pub fn map_init_until<'a, T, S, R>(
    items: &'a [T],
    parallel_from: usize,
    stop: &AtomicBool,
    init: impl Fn() -> S + Sync + Send,
    work: impl Fn(&mut S, &'a T) -> Result<R> + Sync + Send,
) -> Result<Vec<R>>
where
    T: Sync,
    R: Send,
{
    let run = |run: &'a [T]| {
        let mut state = init();
        run.iter()
            .map(|item| {
                if stop.load(Ordering::Relaxed) {
                    return Err(Error::Interrupted);
                }
                work(&mut state, item)
            })
            .collect::<Result<Vec<R>>>()
    };
    let mut parts = map_runs(items, parallel_from, run)?;
    if parts.len() == 1 {
        return Ok(parts.pop().expect("one part"));
    }
    let mut outputs = Vec::with_capacity(items.len());
    for part in parts {
        outputs.extend(part);
    }
    Ok(outputs)
}

/// `run` applied to runs of consecutive items, the outputs in order: the whole batch as
/// one run on this thread below `parallel_from` items, else runs shared in parallel as in
/// [`map_until`]. For work that keeps state across a run's items and gives one output per
/// run (a buffer for all of them, say); checking a stop flag is `run`'s to do.
pub fn map_runs<'a, T, O>(
    items: &'a [T],
    parallel_from: usize,
    run: impl Fn(&'a [T]) -> Result<O> + Sync + Send,
) -> Result<Vec<O>>
where
    T: Sync,
    O: Send,
{
    if items.len() < parallel_from {
        return Ok(vec![run(items)?]);
    }
    // Runs at least a quarter of `parallel_from` long (a batch just large enough for the
    // pool is four runs, so a helper that wakes late still finds one), some
    // `RUNS_PER_THREAD` per thread.
    let team = match rayon::current_thread_index() {
        Some(_) => None, // on a pool's thread: that pool's step
        None => TEAM.with(|team| team.borrow().clone()),
    };
    let threads = team
        .as_ref()
        .map_or_else(rayon::current_num_threads, Team::threads);
    let runs = (threads * RUNS_PER_THREAD).max(1);
    let run_length = items.len().div_ceil(runs).max((parallel_from / 4).max(1));
    match team {
        Some(team) => shared_with(team.helpers.as_deref(), items.chunks(run_length), run),
        None => items.par_chunks(run_length).map(run).collect(),
    }
}

thread_local! {
    /// The helpers of this thread's batch steps, when [`with_helpers`] set them.
    static TEAM: RefCell<Option<Team>> = const { RefCell::new(None) };
}

/// A thread that maps its batches itself, with the threads of a pool (if any) helping.
#[derive(Clone)]
struct Team {
    helpers: Option<Arc<ThreadPool>>,
}

impl Team {
    /// The threads at work on a step: this one and its helpers.
    fn threads(&self) -> usize {
        1 + self
            .helpers
            .as_ref()
            .map_or(0, |pool| pool.current_num_threads())
    }
}

/// Runs `work` on this thread, which maps the batches of `work` itself with the threads
/// of `helpers` helping (`None`: alone): each parallel step of [`map_runs`] (and so of
/// [`map_until`] and [`flat_map_until`]) is shared by this thread and every thread of the
/// pool, whoever is free taking the next run of items. A step run from a pool's own
/// thread (nested) spreads on that pool as usual.
pub fn with_helpers<R>(helpers: Option<Arc<ThreadPool>>, work: impl FnOnce() -> R) -> R {
    /// Puts back the team that was set before, even when `work` panics.
    struct Restore(Option<Team>);
    impl Drop for Restore {
        fn drop(&mut self) {
            TEAM.with(|team| *team.borrow_mut() = self.0.take());
        }
    }
    let _restore = Restore(TEAM.with(|team| team.borrow_mut().replace(Team { helpers })));
    work()
}

/// `run` applied to each of `runs`, taken in turn by this thread and the threads of
/// `helpers`: whoever is free takes the next run, so uneven runs balance. This thread
/// never waits for a helper to start: it waits only for runs a helper has taken, and a
/// helper that wakes after the last run was taken finds nothing to do (on a VM, waking a
/// sleeping thread can take longer than a whole step).
fn shared_with<'a, T, O>(
    helpers: Option<&ThreadPool>,
    runs: std::slice::Chunks<'a, T>,
    run: impl Fn(&'a [T]) -> Result<O> + Sync + Send,
) -> Result<Vec<O>>
where
    T: Sync,
    O: Send,
{
    let runs: Vec<&'a [T]> = runs.collect();
    let outputs: Vec<Mutex<Option<std::thread::Result<Result<O>>>>> =
        runs.iter().map(|_| Mutex::new(None)).collect();
    let task = |index: usize| {
        let output = catch_unwind(AssertUnwindSafe(|| run(runs[index])));
        *lock(&outputs[index]) = Some(output);
    };
    let step = Arc::new(Step {
        next: AtomicUsize::new(0),
        runs: runs.len(),
        done: AtomicUsize::new(0),
        asleep: Mutex::new(()),
        all_done: Condvar::new(),
    });
    let task: &(dyn Fn(usize) + Sync + '_) = &task;
    // SAFETY: the pointer outlives `task` only inside helpers that find no run left, and
    // those never dereference it (`Step::take_runs`); this function returns only once
    // every run taken is done (`Step::wait`), so every call of `task` ends before it does.
    let task = TaskPointer(unsafe {
        std::mem::transmute::<*const (dyn Fn(usize) + Sync + '_), *const (dyn Fn(usize) + Sync)>(
            task,
        )
    });
    if let Some(pool) = helpers {
        for _ in 0..pool.current_num_threads().min(runs.len().saturating_sub(1)) {
            let (step, task) = (Arc::clone(&step), task.clone());
            pool.spawn(move || step.take_runs(&task));
        }
    }
    step.take_runs(&task);
    step.wait();
    outputs
        .into_iter()
        .map(|output| {
            let output = output
                .into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match output.expect("every run is done before the step ends") {
                Ok(output) => output,
                Err(panic) => resume_unwind(panic),
            }
        })
        .collect()
}

/// One step's runs as [`shared_with`]'s threads share them: the next run to take, and how
/// many are done.
struct Step {
    next: AtomicUsize,
    runs: usize,
    done: AtomicUsize,
    /// Held to announce the last run done, so that a waiter cannot miss it.
    asleep: Mutex<()>,
    all_done: Condvar,
}

/// How long the caller spins for the runs its helpers still hold before it sleeps. A run
/// takes tens of microseconds, and on a VM a thread put to sleep on a condition variable
/// takes about as long again to wake. Measured as for [`PARALLEL_TEXTS`], the BERT call's
/// 2-thread speed over 1 thread went from 0.66x to 0.85x at 128-line batches, 0.94x to
/// 1.02x at 256 and 1.07x to 1.17x at 1,024 with this spin.
const SPIN_BEFORE_SLEEP: Duration = Duration::from_micros(200);

impl Step {
    /// Takes runs until none is left, calling `task` with each run's index; `task` is
    /// dereferenced only for a run taken, while the step waits for it.
    fn take_runs(&self, task: &TaskPointer) {
        loop {
            let index = self.next.fetch_add(1, Ordering::Relaxed);
            if index >= self.runs {
                return;
            }
            // SAFETY: run `index` is taken and not done, so `shared_with` is still waiting
            // and the task it points to is alive (see there).
            unsafe { (*task.0)(index) };
            if self.done.fetch_add(1, Ordering::AcqRel) + 1 == self.runs {
                let _asleep = lock(&self.asleep);
                self.all_done.notify_all();
            }
        }
    }

    /// Whether every run is done (what a run wrote is then visible to this thread).
    fn all_done(&self) -> bool {
        self.done.load(Ordering::Acquire) == self.runs
    }

    /// Waits until every run is done: spinning a little first, then asleep.
    fn wait(&self) {
        let start = Instant::now();
        while !self.all_done() && start.elapsed() <= SPIN_BEFORE_SLEEP {
            std::hint::spin_loop();
        }
        let mut asleep = lock(&self.asleep);
        while !self.all_done() {
            asleep = self
                .all_done
                .wait(asleep)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

/// A step's task as helpers carry it: a pointer, since a helper may outlive the task.
#[derive(Clone)]
struct TaskPointer(*const (dyn Fn(usize) + Sync));

// SAFETY: the task is `Sync`, so calling it from any thread is safe, and `Step::take_runs`
// only calls it while it is alive.
unsafe impl Send for TaskPointer {}

/// The lock of `mutex`: a panic while it was held cannot leave a count or an output half
/// written, so a poisoned lock is used as it is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
    let mut parts = map_runs(items, parallel_from, run)?;
    if parts.len() == 1 {
        return Ok(parts.pop().expect("one part"));
    }
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

    fn pool(threads: usize) -> Arc<ThreadPool> {
        Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap(),
        )
    }

    #[test]
    fn with_helpers_gives_every_item_once_in_order_and_the_helpers_take_part() {
        let items: Vec<u32> = (0..64).collect();
        let never = AtomicBool::new(false);
        let caller = std::thread::current().id();
        let mapped = with_helpers(Some(pool(1)), || {
            map_until(&items, 2, &never, |&x| {
                // Slow enough that the helper wakes while runs are left.
                std::thread::sleep(std::time::Duration::from_millis(2));
                Ok((x, std::thread::current().id()))
            })
        })
        .unwrap();
        assert!(mapped.iter().map(|(x, _)| *x).eq(items.iter().copied()));
        assert!(mapped.iter().any(|(_, id)| *id == caller));
        assert!(mapped.iter().any(|(_, id)| *id != caller));
        let flat = with_helpers(Some(pool(1)), || flat_map_until(&items, 2, &never, repeat));
        assert_eq!(
            flat.unwrap(),
            flat_map_until(&items, usize::MAX, &never, repeat).unwrap()
        );
    }

    #[test]
    fn with_no_helpers_every_item_is_mapped_on_the_calling_thread() {
        let caller = std::thread::current().id();
        let items: Vec<u32> = (0..1000).collect();
        let threads = with_helpers(None, || {
            map_until(&items, 2, &AtomicBool::new(false), |_| {
                Ok(std::thread::current().id())
            })
        })
        .unwrap();
        assert!(threads.iter().all(|&id| id == caller));
    }

    #[test]
    fn a_step_never_waits_for_a_helper_that_has_not_started() {
        // The helpers' only thread is kept busy until the step is over: had the step
        // waited for its helper to start, it would never end.
        let helpers = pool(1);
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        helpers.spawn(move || blocked.recv().unwrap());
        let items: Vec<u32> = (0..100).collect();
        let mapped = with_helpers(Some(helpers.clone()), || {
            map_until(&items, 2, &AtomicBool::new(false), double)
        });
        release.send(()).unwrap();
        assert_eq!(mapped.unwrap()[99], 198);
    }

    #[test]
    fn a_step_sleeps_past_its_spin_until_a_slow_helper_run_is_done() {
        // The caller's run ends once the helper has taken the other run, which then
        // outlasts the caller's spin: the caller must sleep and be woken, not miss it.
        let caller = std::thread::current().id();
        let helper_started = AtomicBool::new(false);
        let slow = SPIN_BEFORE_SLEEP * 100;
        let start = Instant::now();
        let mapped = with_helpers(Some(pool(1)), || {
            map_until(&[1u32, 2], 2, &AtomicBool::new(false), |&x| {
                if std::thread::current().id() == caller {
                    while !helper_started.load(Ordering::Acquire) {
                        std::thread::yield_now();
                    }
                } else {
                    helper_started.store(true, Ordering::Release);
                    std::thread::sleep(slow);
                }
                Ok(x * 10)
            })
        })
        .unwrap();
        assert_eq!(mapped, [10, 20]);
        assert!(start.elapsed() >= slow);
    }

    #[test]
    fn a_panic_in_a_run_reaches_the_caller_and_the_helpers_are_unset_after() {
        let items: Vec<u32> = (0..100).collect();
        let panicked = std::panic::catch_unwind(|| {
            with_helpers(Some(pool(1)), || {
                map_until(&items, 2, &AtomicBool::new(false), |&x| {
                    assert_ne!(x, 77, "a bug in the work");
                    Ok(x)
                })
            })
        });
        assert!(panicked.is_err());
        assert!(TEAM.with(|team| team.borrow().is_none()));
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
