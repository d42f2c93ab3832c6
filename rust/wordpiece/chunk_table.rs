//! The bounded, thread-safe table behind the chunk caches: whitespace chunk to what its
//! encoding gave ([`chunks`](super::chunks) keeps ids, [`aligned_chunks`](super::aligned_chunks)
//! ids with their spans and words).
//!
//! **The bound and the eviction rule.** A table holds at most `capacity` bytes, counted as
//! each chunk's UTF-8 length plus its value's [`Weighed::weight`] plus a fixed
//! [`ENTRY_OVERHEAD`] per entry. A chunk longer than [`MAX_CACHED_CHUNK_BYTES`] is never
//! stored (such chunks rarely repeat). When storing a batch's new chunks would pass the
//! bound, the table is emptied first and refilled from that batch: no bookkeeping on the
//! hot path, and a cache that follows the text when its vocabulary of chunks drifts.
//!
//! **Locking.** Readers take the read lock for the look-ups of one run of texts (a
//! thread's share of a batch step, [`ChunkTable::look_up_each`] and
//! [`ChunkTable::look_up_runs`]) at a time, and a batch's new chunks are stored under the
//! write lock once the batch is encoded. No lock may be held across a parallel step or a
//! call into Python: a rayon thread that waits in a join may run another call's work,
//! which may want to write.

use std::sync::atomic::AtomicBool;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::Result;
use crate::batch::{self, PARALLEL_TEXTS};

/// A chunk longer than this (in UTF-8 bytes) is encoded but never cached.
pub const MAX_CACHED_CHUNK_BYTES: usize = 256;

/// The bytes an entry costs beyond its chunk and value: the table's slot and the boxes'
/// lengths and allocation headers (an estimate, the same on every platform).
pub const ENTRY_OVERHEAD: usize = 64;

/// The default bound of a table: 32 MiB, some 300,000 chunks of English.
pub const DEFAULT_CAPACITY: usize = 32 << 20;

/// A cached value's size in bytes, for the bound.
pub trait Weighed {
    /// The bytes the value's contents take (its heap data, not counting the entry).
    fn weight(&self) -> usize;
}

impl Weighed for Box<[u32]> {
    fn weight(&self) -> usize {
        4 * self.len()
    }
}

/// The bytes an entry of `chunk` and `value` counts for.
pub fn entry_bytes<V: Weighed>(chunk: &str, value: &V) -> usize {
    chunk.len() + value.weight() + ENTRY_OVERHEAD
}

/// The entries and the bytes they count for.
pub struct Entries<V> {
    /// Each cached chunk's value.
    pub values: FxHashMap<Box<str>, V>,
    bytes: usize,
}

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries {
            values: FxHashMap::default(),
            bytes: 0,
        }
    }
}

/// A bounded table from chunk to value, safe to share between threads.
pub struct ChunkTable<V> {
    entries: RwLock<Entries<V>>,
    capacity: usize,
}

impl<V: Weighed> ChunkTable<V> {
    /// An empty table that will hold at most `capacity` bytes (0: hold nothing).
    pub fn new(capacity: usize) -> Self {
        ChunkTable {
            entries: RwLock::new(Entries::default()),
            capacity,
        }
    }

    /// The bound, in bytes.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many chunks are held.
    pub fn len(&self) -> usize {
        self.read().values.len()
    }

    /// Whether no chunk is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the held chunks count for (see the module's rule).
    pub fn bytes(&self) -> usize {
        self.read().bytes
    }

    /// Forgets every chunk.
    pub fn clear(&self) {
        *self.write() = Entries::default();
    }

    /// The entries, for look-ups; hold the guard for one run of texts' look-ups only.
    // A panic while the lock was held (a bug) leaves the table as it was between
    // statements: whole entries only, so it is still safe to read.
    pub fn read(&self) -> RwLockReadGuard<'_, Entries<V>> {
        self.entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Entries<V>> {
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `look_up(text, values)` for each text, in order and in parallel from
    /// [`PARALLEL_TEXTS`] texts, under one read lock per run of texts a thread takes
    /// rather than one per text (the lock's count is shared by every thread).
    pub fn look_up_each<'t, S, D>(
        &self,
        texts: &'t [S],
        stop: &AtomicBool,
        look_up: impl Fn(&'t str, &FxHashMap<Box<str>, V>) -> D + Sync + Send,
    ) -> Result<Vec<D>>
    where
        S: AsRef<str> + Sync,
        V: Sync + Send,
        D: Send,
    {
        batch::map_init_until(
            texts,
            PARALLEL_TEXTS,
            stop,
            || self.read(),
            |entries, text| Ok(look_up(text.as_ref(), &entries.values)),
        )
    }

    /// `look_up(run, values)` for runs of consecutive texts, the outputs in order: the
    /// batch as one run below [`PARALLEL_TEXTS`] texts, else runs in parallel
    /// ([`batch::map_runs`]), each under one read lock. For look-ups that gather a
    /// run's results in one buffer, or do more than look up (encode what is missing) while
    /// the lock is held: nothing that waits on another thread or calls into Python.
    pub fn look_up_runs<'t, S, D>(
        &self,
        texts: &'t [S],
        look_up: impl Fn(&'t [S], &FxHashMap<Box<str>, V>) -> Result<D> + Sync + Send,
    ) -> Result<Vec<D>>
    where
        S: Sync,
        V: Sync + Send,
        D: Send,
    {
        batch::map_runs(texts, PARALLEL_TEXTS, |run| {
            look_up(run, &self.read().values)
        })
    }

    /// Stores a batch's new chunks, emptying the table first if they would pass the bound.
    pub fn store<'t>(&self, new_chunks: impl IntoIterator<Item = (&'t str, V)>) {
        let storable: Vec<_> = new_chunks
            .into_iter()
            .filter(|(chunk, _)| chunk.len() <= MAX_CACHED_CHUNK_BYTES)
            .collect();
        if storable.is_empty() {
            return;
        }
        let added: usize = storable.iter().map(|(c, v)| entry_bytes(c, v)).sum();
        let mut entries = self.write();
        if entries.bytes + added > self.capacity {
            *entries = Entries::default();
        }
        for (chunk, value) in storable {
            let size = entry_bytes(chunk, &value);
            if entries.bytes + size > self.capacity {
                break; // one batch's new chunks alone pass the bound
            }
            // Another thread may have stored the same chunk meanwhile: the same value.
            if entries.values.insert(chunk.into(), value).is_none() {
                entries.bytes += size;
            }
        }
    }
}

/// The distinct chunks among `chunks`, in order of first appearance (so a normalizer sees
/// the same batch whatever the thread count).
pub fn distinct<'t>(chunks: impl Iterator<Item = &'t str>) -> Vec<&'t str> {
    let mut seen = FxHashSet::default();
    chunks.filter(|chunk| seen.insert(*chunk)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(values: &[u32]) -> Box<[u32]> {
        values.into()
    }

    #[test]
    fn the_bound_holds_and_a_full_table_is_emptied_before_refilling() {
        let one = entry_bytes("hello", &ids(&[1]));
        let table = ChunkTable::new(2 * one);
        table.store([("hello", ids(&[1]))]);
        assert_eq!((table.len(), table.bytes()), (1, one));
        table.store([("world", ids(&[2]))]);
        assert_eq!(table.len(), 2);
        table.store([("xxxxx", ids(&[3]))]);
        assert_eq!(table.len(), 1, "emptied, then the new chunk stored");
        assert!(table.bytes() <= table.capacity());
    }

    #[test]
    fn long_chunks_and_a_zero_bound_hold_nothing() {
        let table = ChunkTable::new(DEFAULT_CAPACITY);
        let long = "x".repeat(MAX_CACHED_CHUNK_BYTES + 1);
        table.store([(long.as_str(), ids(&[0]))]);
        assert!(table.is_empty());
        let none = ChunkTable::new(0);
        none.store([("a", ids(&[0]))]);
        assert!(none.is_empty());
    }

    #[test]
    fn distinct_keeps_first_appearances_in_order() {
        assert_eq!(
            distinct(["b", "a", "b", "c", "a"].into_iter()),
            ["b", "a", "c"]
        );
    }
}
