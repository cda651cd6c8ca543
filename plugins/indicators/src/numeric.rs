//! Decimal arithmetic the indicators share: constants, the mean, and a square root that cannot
//! panic.
//!
//! Rounding: `Decimal` keeps 28–29 significant digits; a sum of exact inputs (prices with a few
//! decimals) is exact, and each division or multiplication by a non-terminating constant (1/3,
//! 2/(n+1)) rounds at the last digit. Results therefore carry far more precision than any price
//! and callers round them for display.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

/// 50: the documented value of an oscillator whose denominator is zero (a flat window), the
/// midpoint of its 0–100 scale, meaning neither overbought nor oversold.
pub(crate) const FIFTY: Decimal = Decimal::from_parts(50, 0, 0, false, 0);

/// The arithmetic mean of a non-empty window. An empty one gives 0 (no caller passes one).
pub(crate) fn mean(window: &[Decimal]) -> Decimal {
    if window.is_empty() {
        return Decimal::ZERO;
    }
    window.iter().sum::<Decimal>() / Decimal::from(window.len())
}

/// Newton steps after the seed: an f64 seed has ~16 correct digits and each step doubles them,
/// so 3 reach Decimal's 28; the rest is headroom for the (unused) fallback seed.
const MAX_STEPS: usize = 100;

/// The square root of `x` to Decimal precision; 0 for `x <= 0` (a variance is never negative,
/// so callers only pass 0 or more).
///
/// Not rust_decimal's `MathematicalOps::sqrt`: in 1.43 its Newton loop can oscillate between two
/// adjacent values at the 28th digit and then panics on an `assert!` ("geo mean circuit
/// breaker", e.g. for `400.00000000000000000000000003`, rust-decimal issue #721), and a
/// population variance is exactly such a 28-digit quotient. This one seeds Newton's iteration
/// with the f64 root (only a starting point: every digit of the result comes from Decimal
/// steps), stops when an estimate repeats, and on a two-value cycle returns the estimate whose
/// square is nearer `x`.
pub(crate) fn sqrt(x: Decimal) -> Decimal {
    if x <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let seed = x
        .to_f64()
        .map(f64::sqrt)
        .and_then(Decimal::from_f64)
        .filter(|s| *s > Decimal::ZERO)
        .unwrap_or_else(|| x.max(Decimal::ONE));
    let (mut previous, mut current) = (Decimal::ZERO, seed);
    for _ in 0..MAX_STEPS {
        let next = (current + x / current) / Decimal::TWO;
        if next == current {
            return current;
        }
        if next == previous {
            return nearer(x, current, next);
        }
        (previous, current) = (current, next);
    }
    current
}

/// Whichever of `a` and `b` has the square nearer `x` (`a` on a tie or an overflow).
fn nearer(x: Decimal, a: Decimal, b: Decimal) -> Decimal {
    let error = |r: Decimal| {
        r.checked_mul(r)
            .and_then(|sq| sq.checked_sub(x))
            .map(|e| e.abs())
    };
    match (error(a), error(b)) {
        (Some(ea), Some(eb)) if eb < ea => b,
        _ => a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn exact_squares_have_exact_roots() {
        assert_eq!(sqrt(d("4")), d("2"));
        assert_eq!(sqrt(d("0.0001")), d("0.01"));
        assert_eq!(sqrt(d("152399025")), d("12345"));
    }

    #[test]
    fn zero_and_negatives_give_zero() {
        assert_eq!(sqrt(Decimal::ZERO), Decimal::ZERO);
        assert_eq!(sqrt(d("-1")), Decimal::ZERO);
    }

    #[test]
    fn inputs_that_make_rust_decimals_sqrt_panic_do_not_panic_here() {
        // rust-decimal #721 and its neighbours: a few units in the 28th digit above a square.
        for s in [
            "400.00000000000000000000000003",
            "4.0000000000000000000000000003",
        ] {
            let r = sqrt(d(s));
            assert!((r * r - d(s)).abs() < d("1e-25"), "{s}: {r}");
        }
    }

    #[test]
    fn roots_agree_with_f64_and_square_back_to_28_digits() {
        for s in [
            "2",
            "0.5",
            "1e-20",
            "123456.789",
            "1e24",
            "0.0000000000000000000000000001",
        ] {
            let x = d(s);
            let r = sqrt(x);
            let f = x.to_f64().unwrap().sqrt();
            assert!(
                (r.to_f64().unwrap() - f).abs() <= f * 1e-15,
                "{s}: {r} vs {f}"
            );
            let back = r * r;
            assert!(
                (back - x).abs() <= x * d("1e-26") + d("1e-28"),
                "{s}: {back}"
            );
        }
    }

    #[test]
    fn mean_of_a_window() {
        assert_eq!(mean(&[d("1"), d("2"), d("4")]), d("7") / d("3"));
        assert_eq!(mean(&[]), Decimal::ZERO);
    }
}
