//! How the WordPiece trainer scores a candidate pair: the three rules and their exact
//! arithmetic.
//!
//! - [`Scoring::Likelihood`] (the default): the gain in corpus log-likelihood of a unigram
//!   model when the `k` occurrences of `(a, b)` become one symbol. With `F(x) = x ln x`
//!   (`F(0) = 0`) in IEEE f64 and `N0` the number of symbols before any merge, the gain is
//!   `F(k) + F(n_a - k) + F(n_b - k) - F(n_a) - F(n_b) + (F(N0) - F(N0 - k))` (for
//!   `a == b`: `F(k) + F(max(n_a - 2k, 0)) - F(n_a) + (F(N0) - F(N0 - k))`), summed in
//!   exactly that order by `likelihood_gain`, so every run and platform ranks alike.
//! - [`Scoring::Pmi`]: `k / (n_a * n_b)`, compared exactly by `compare_fractions`: the
//!   cross products need 192 bits, which `wide_mul` computes with two 128-bit
//!   multiplications (no crate is needed for one fixed-width product).
//! - [`Scoring::Frequency`]: `k` alone.
//!
//! Ties, the heap and the incremental re-scoring are the trainer's (`train.rs`).

use crate::{Error, Result};

/// How a candidate pair is scored; see the module documentation for the exact formulas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Scoring {
    /// The gain in corpus log-likelihood of a unigram model (the default).
    #[default]
    Likelihood,
    /// The per-occurrence ratio `count(ab) / (count(a) * count(b))`.
    Pmi,
    /// The pair count alone.
    Frequency,
}

impl Scoring {
    /// Every rule, in the order they are documented.
    pub const ALL: [Scoring; 3] = [Scoring::Likelihood, Scoring::Pmi, Scoring::Frequency];

    /// The rule's name as the Python API and the command line spell it.
    pub fn name(self) -> &'static str {
        match self {
            Scoring::Likelihood => "likelihood",
            Scoring::Pmi => "pmi",
            Scoring::Frequency => "frequency",
        }
    }

    /// Whether a pair's score changes when the count of one of its symbols changes.
    pub(crate) fn depends_on_symbol_counts(self) -> bool {
        self != Scoring::Frequency
    }
}

impl std::str::FromStr for Scoring {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self> {
        Scoring::ALL
            .into_iter()
            .find(|scoring| scoring.name() == name)
            .ok_or_else(|| {
                Error::argument(
                    "scoring",
                    format!("must be \"likelihood\", \"pmi\" or \"frequency\", got {name:?}"),
                )
            })
    }
}

/// `n * d` as a 192-bit number `(high 128 bits, low 64 bits)`, so that comparing the
/// tuples compares the products.
#[inline]
pub(crate) fn wide_mul(n: u64, d: u128) -> (u128, u64) {
    let low = u128::from(n) * (d as u64 as u128);
    let high = u128::from(n) * (d >> 64);
    // high <= (2^64 - 1)^2 and low >> 64 <= 2^64 - 2, so the sum stays below 2^128.
    (high + (low >> 64), low as u64)
}

/// Compares the fractions `n1 / d1` and `n2 / d2` exactly (denominators are positive).
#[inline]
pub(crate) fn compare_fractions(n1: u64, d1: u128, n2: u64, d2: u128) -> std::cmp::Ordering {
    wide_mul(n1, d2).cmp(&wide_mul(n2, d1))
}

/// `x ln x`, with `F(0) = 0`: the building block of a unigram model's log-likelihood.
#[inline]
pub(crate) fn x_ln_x(x: u64) -> f64 {
    if x == 0 {
        return 0.0;
    }
    let x = x as f64;
    x * x.ln()
}

/// A count with its `F(n) = n ln n`, which the trainer keeps beside each symbol count:
/// symbol counts change far less often than pairs are re-scored, so this saves three of
/// the seven logarithms of a gain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entropic {
    pub(crate) n: u64,
    pub(crate) f: f64,
}

impl Entropic {
    pub(crate) fn new(n: u64) -> Self {
        Entropic { n, f: x_ln_x(n) }
    }
}

/// The gain in corpus log-likelihood when the `k` adjacent occurrences of `(a, b)` become
/// one symbol, where `a` and `b` occur `a.n` and `b.n` times and the corpus started with
/// `n0.n` symbols; `same` tells that `a == b` (then `b` is ignored). Evaluated exactly as
/// the module documentation writes it, so that the ranking is reproducible.
#[inline]
pub(crate) fn likelihood_gain(k: u64, a: Entropic, b: Entropic, same: bool, n0: Entropic) -> f64 {
    let corpus = n0.f - x_ln_x(n0.n - k);
    if same {
        x_ln_x(k) + x_ln_x(a.n.saturating_sub(2 * k)) - a.f + corpus
    } else {
        x_ln_x(k) + x_ln_x(a.n - k) + x_ln_x(b.n - k) - a.f - b.f + corpus
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn wide_products_compare_exactly() {
        let max = u64::MAX;
        let big = u128::from(max) * u128::from(max);
        // (2^64 - 1)^3 = (2^128 - 3 * 2^64 + 2) * 2^64 + (2^64 - 1)
        assert_eq!(wide_mul(max, big), (u128::MAX - 3 * (1u128 << 64) + 3, max));
        assert_eq!(wide_mul(3, 1u128 << 127), (1u128 << 64 | 1u128 << 63, 0));
        assert_eq!(wide_mul(0, u128::MAX), (0, 0));
        // A difference in the lowest bit of a 192-bit product is seen.
        assert_eq!(compare_fractions(max, big, max, big - 1), Ordering::Less);
        assert_eq!(compare_fractions(max, big - 1, max, big), Ordering::Greater);
        assert_eq!(compare_fractions(max - 1, big, max, big), Ordering::Less);
        assert_eq!(compare_fractions(2, 4, 1, 2), Ordering::Equal);
        // 1/3 < 6148914691236517206 / (2^64 - 1): the second is just above one third.
        assert_eq!(
            compare_fractions(1, 3, max / 3 + 1, u128::from(max)),
            Ordering::Less
        );
    }

    #[test]
    fn scoring_names_round_trip() {
        for scoring in Scoring::ALL {
            assert_eq!(scoring.name().parse::<Scoring>().unwrap(), scoring);
        }
        let err = "gain".parse::<Scoring>().unwrap_err().to_string();
        assert!(
            err.starts_with("scoring must be") && err.ends_with("got \"gain\""),
            "{err}"
        );
    }
}
