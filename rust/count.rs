//! Pre-tokenizing and counting words.

use rustc_hash::FxHashMap;

/// How often each distinct word occurs in a corpus.
pub type WordCounts = FxHashMap<String, u64>;
