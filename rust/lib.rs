//! `subword`: exact BPE and WordPiece training and fast encoding for BERT-style models.
//!
//! The crate is plain Rust: every algorithm lives in its own module and is tested with
//! `cargo test`. The Python extension `subword._core` is a thin layer over these modules,
//! compiled only with the `python` feature (see `python/`), with the same layout.
//!
//! | module | concept |
//! | --- | --- |
//! | [`count`] | pre-tokenizing and counting words from files, iterators or given counts |
//! | [`answers`] | the best answer span of each question-answering window, from its logits |
//! | [`bpe`] | byte-pair encoding: the shared word model and vocab type |
//! | [`bpe::train`] | the subword-nmt merge loop, incremental and exact |
//! | [`bpe::encode`] | applying merges to words (subword-nmt `apply_bpe` semantics) |
//! | [`wordpiece`] | WordPiece: the shared special tokens, prefix and defaults |
//! | [`wordpiece::train`] | WordPiece training by merging pairs of symbols |
//! | [`wordpiece::refine`] | tuning a trained WordPiece vocabulary for the greedy encoder |
//! | [`wordpiece::encode`] | greedy longest-match-first WordPiece encoding in linear time |
//! | [`formats`] | reading and writing vocab and merges files, atomically |
//! | [`batch`] | running a batch in parallel, or on the caller's thread when it is small |
//! | [`progress`] | progress reporting and cooperative cancellation |
//! | `reference` | the naive algorithms, written to be read; tests and fuzzers check the fast ones against them (with `cfg(test)` or the `reference` feature) |

pub mod answers;
pub mod batch;
pub mod bpe;
pub mod count;
pub mod error;
pub mod formats;
pub mod progress;
#[cfg(any(test, feature = "reference"))]
pub mod reference;
pub mod wordpiece;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Result};
