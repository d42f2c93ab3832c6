//! `subword`: exact BPE and WordPiece training and fast encoding for BERT-style models.
//!
//! The crate is plain Rust: every algorithm lives in its own module and is tested with
//! `cargo test`. The Python extension `subword._core` is a thin layer over these modules,
//! compiled only with the `python` feature (see [`python`]).
//!
//! | module | concept |
//! | --- | --- |
//! | [`batch`] | running a batch in parallel, or on the caller's thread when it is small |
//! | [`count`] | pre-tokenizing and counting words from files, iterators or given counts |
//! | [`bpe_train`] | the subword-nmt merge loop, incremental and exact |
//! | [`bpe_encode`] | applying merges to words (subword-nmt `apply_bpe` semantics) |
//! | [`wordpiece_train`] | WordPiece training by likelihood gain |
//! | [`wordpiece_encode`] | greedy longest-match-first WordPiece encoding in linear time |
//! | [`formats`] | reading and writing vocab and merges files, atomically |
//! | [`progress`] | progress reporting and cooperative cancellation |

pub mod batch;
#[path = "bpe/encode.rs"]
pub mod bpe_encode;
#[path = "bpe/train.rs"]
pub mod bpe_train;
pub mod count;
pub mod error;
pub mod formats;
pub mod progress;
#[path = "wordpiece/encode.rs"]
pub mod wordpiece_encode;
#[path = "wordpiece/train.rs"]
pub mod wordpiece_train;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Result};
