//! The best answer span of each window of a question-answering batch, from a model's
//! start and end logits: the rule of transformers' `postprocess_qa_predictions`.
//!
//! A window's candidates are its `n_best` highest start logits and `n_best` highest end
//! logits (highest first; equal logits taken later position first, as the reference's
//! `np.argsort(logits)[-1 : -n_best - 1 : -1]` does with a stable sort), of which only
//! the positions inside the context count. A pair is a span when `end >= start` and it
//! holds at most `max_answer_length` tokens; its score is the sum of the two logits, and
//! the window's best is the highest score, the first pair found (starts in candidate
//! order, then ends) on a tie. A NaN logit sorts above every number, as numpy sorts it,
//! and a NaN score never beats the best so far (nor is beaten), as a `>` comparison.
//!
//! Windows are independent, so a batch runs in parallel; combining windows into one
//! answer per question (and the null answer) is the caller's.

use std::cmp::Ordering as CmpOrdering;
use std::sync::atomic::AtomicBool;

use crate::Result;
use crate::batch::{self, PARALLEL_TEXTS};

/// One window's logits and which of its positions belong to the context.
#[derive(Debug, Clone, Copy)]
pub struct WindowLogits<'a> {
    /// The start logit of each token.
    pub starts: &'a [f64],
    /// The end logit of each token.
    pub ends: &'a [f64],
    /// Whether each token is a context token (an answer may only lie there).
    pub inside: &'a [bool],
}

/// A window's best span: its score and its first and last token positions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// The start logit of `start` plus the end logit of `end`.
    pub score: f64,
    /// The position of the span's first token.
    pub start: usize,
    /// The position of the span's last token (inclusive).
    pub end: usize,
}

/// Compares two logits as numpy sorts them: NaN above every number.
fn numpy_order(a: f64, b: f64) -> CmpOrdering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => CmpOrdering::Equal,
        (true, false) => CmpOrdering::Greater,
        (false, true) => CmpOrdering::Less,
        (false, false) => a.partial_cmp(&b).expect("neither is NaN"),
    }
}

/// The positions of the `n_best` highest logits, highest first; of equal logits, the later
/// position first (a stable ascending sort, read from the end).
pub fn top_positions(logits: &[f64], n_best: usize) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..logits.len()).collect();
    // Descending by value, then by position: the ascending stable order reversed.
    let by_rank = |&a: &usize, &b: &usize| numpy_order(logits[b], logits[a]).then(b.cmp(&a));
    if n_best < positions.len() {
        positions.select_nth_unstable_by(n_best, by_rank);
        positions.truncate(n_best);
    }
    positions.sort_unstable_by(by_rank);
    positions
}

/// The best span of one window, or `None` when no candidate pair is a span.
pub fn best_span(
    window: WindowLogits<'_>,
    n_best: usize,
    max_answer_length: usize,
) -> Option<Span> {
    let inside = |&position: &usize| window.inside.get(position).copied().unwrap_or(false);
    let starts: Vec<usize> = top_positions(window.starts, n_best)
        .into_iter()
        .filter(inside)
        .collect();
    let ends: Vec<usize> = top_positions(window.ends, n_best)
        .into_iter()
        .filter(inside)
        .collect();
    let mut best: Option<Span> = None;
    for &start in &starts {
        for &end in &ends {
            if end < start || end - start + 1 > max_answer_length {
                continue;
            }
            let score = window.starts[start] + window.ends[end];
            if best.is_none_or(|best| score > best.score) {
                best = Some(Span { score, start, end });
            }
        }
    }
    best
}

/// [`best_span`] of every window, in parallel for a large batch; gives up with
/// [`crate::Error::Interrupted`] once `stop` is set.
pub fn best_spans(
    windows: &[WindowLogits<'_>],
    n_best: usize,
    max_answer_length: usize,
    stop: &AtomicBool,
) -> Result<Vec<Option<Span>>> {
    batch::map_until(windows, PARALLEL_TEXTS, stop, |window| {
        Ok(best_span(*window, n_best, max_answer_length))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule as `postprocess_qa_predictions` writes it, over every pair in order.
    fn reference(window: WindowLogits<'_>, n_best: usize, max_len: usize) -> Option<Span> {
        let order = |logits: &[f64]| {
            let mut positions: Vec<usize> = (0..logits.len()).collect();
            positions.sort_by(|&a, &b| numpy_order(logits[a], logits[b])); // stable
            positions.reverse();
            positions.truncate(n_best);
            positions
        };
        let mut best: Option<Span> = None;
        for start in order(window.starts) {
            for end in order(window.ends) {
                if !window.inside[start] || !window.inside[end] {
                    continue;
                }
                if end < start || end - start + 1 > max_len {
                    continue;
                }
                let score = window.starts[start] + window.ends[end];
                if best.is_none() || score > best.unwrap().score {
                    best = Some(Span { score, start, end });
                }
            }
        }
        best
    }

    #[test]
    fn the_best_pair_inside_the_context_wins() {
        let starts = [9.0, 1.0, 5.0, 2.0];
        let ends = [9.0, 0.0, 1.0, 6.0];
        let inside = [false, true, true, true];
        let window = WindowLogits {
            starts: &starts,
            ends: &ends,
            inside: &inside,
        };
        let best = best_span(window, 20, 30).unwrap();
        assert_eq!((best.start, best.end, best.score), (2, 3, 11.0));
        let one_token = best_span(window, 20, 1).unwrap();
        assert_eq!(
            (one_token.start, one_token.end),
            (3, 3),
            "2 + 6 beats 5 + 1"
        );
    }

    #[test]
    fn ties_take_the_later_position_first_as_numpy_reversed() {
        assert_eq!(top_positions(&[1.0, 3.0, 3.0, 2.0], 3), [2, 1, 3]);
        assert_eq!(top_positions(&[f64::NAN, 0.0, f64::NAN], 2), [2, 0]);
        assert!(top_positions(&[], 20).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn equals_the_reference(
            // Few distinct values, so that ties and the n_best boundary are exercised.
            values in proptest::collection::vec((0u8..6, 0u8..6, proptest::bool::ANY), 0..40),
            n_best in 1usize..8,
            max_len in 1usize..6,
        ) {
            let starts: Vec<f64> = values.iter().map(|v| f64::from(v.0)).collect();
            let ends: Vec<f64> = values.iter().map(|v| f64::from(v.1)).collect();
            let inside: Vec<bool> = values.iter().map(|v| v.2).collect();
            let window = WindowLogits { starts: &starts, ends: &ends, inside: &inside };
            proptest::prop_assert_eq!(
                best_span(window, n_best, max_len),
                reference(window, n_best, max_len)
            );
        }
    }
}
