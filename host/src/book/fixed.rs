//! Fixed-point prices and quantities for the local order books.
//!
//! Binance states every price and quantity with at most 8 decimals, so a
//! book level is two `u64`s in units of 10⁻⁸: exact (no `f64` for money),
//! eight bytes instead of a 16-byte `Decimal`, and compared with one
//! instruction. The largest representable value is 184,467,440,737.09551615
//! — above any price or quantity Binance lists; a larger one is refused, not
//! wrapped.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Decimals of the fixed-point unit: 10⁻⁸, Binance's finest step.
pub const SCALE: u32 = 8;
/// One whole unit in fixed-point.
pub const ONE: u64 = 100_000_000;

/// Why a decimal string is not a book price or quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FixedError {
    /// Not digits with at most one point.
    #[error("not a decimal number")]
    Syntax,
    /// More than 8 significant decimals.
    #[error("more than 8 decimals")]
    Precision,
    /// Above 184,467,440,737.
    #[error("too large for the book")]
    Overflow,
}

/// Parses `"12.3400"` into 10⁻⁸ units without allocating. Trailing zeros
/// beyond the 8th decimal are accepted (`"1.000000000"`); a non-zero digit
/// there is refused, so a value is never silently rounded.
#[inline]
pub fn parse(s: &[u8]) -> Result<u64, FixedError> {
    if s.is_empty() {
        return Err(FixedError::Syntax);
    }
    let mut int: u64 = 0;
    let mut i = 0;
    let mut digits = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        int = int
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(s[i] - b'0')))
            .ok_or(FixedError::Overflow)?;
        i += 1;
        digits += 1;
    }
    let mut frac: u64 = 0;
    let mut places = 0u32;
    if i < s.len() {
        if s[i] != b'.' {
            return Err(FixedError::Syntax);
        }
        i += 1;
        while i < s.len() {
            let c = s[i];
            if !c.is_ascii_digit() {
                return Err(FixedError::Syntax);
            }
            if places < SCALE {
                frac = frac * 10 + u64::from(c - b'0');
                places += 1;
            } else if c != b'0' {
                return Err(FixedError::Precision);
            }
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return Err(FixedError::Syntax);
    }
    frac *= 10u64.pow(SCALE - places);
    int.checked_mul(ONE)
        .and_then(|v| v.checked_add(frac))
        .ok_or(FixedError::Overflow)
}

/// The exact decimal of a fixed-point value, trailing zeros removed.
pub fn to_decimal(v: u64) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(v), SCALE).normalize()
}

/// A decimal as fixed-point, when it fits exactly (used for snapshots that
/// arrive as `Decimal`s and for tests).
pub fn from_decimal(d: Decimal) -> Result<u64, FixedError> {
    if d.is_sign_negative() && !d.is_zero() {
        return Err(FixedError::Syntax);
    }
    let scaled = d
        .checked_mul(Decimal::from(ONE))
        .ok_or(FixedError::Overflow)?;
    if scaled.fract() != Decimal::ZERO {
        return Err(FixedError::Precision);
    }
    scaled.to_u64().ok_or(FixedError::Overflow)
}

/// The number of decimals a value needs (0..=8): `1.25` → 2.
#[inline]
pub fn decimals(v: u64) -> u32 {
    if v == 0 {
        return 0;
    }
    let mut places = SCALE;
    let mut v = v;
    while places > 0 && v.is_multiple_of(10) {
        v /= 10;
        places -= 1;
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_binance_strings_exactly() {
        assert_eq!(parse(b"0.00000001"), Ok(1));
        assert_eq!(parse(b"1"), Ok(ONE));
        assert_eq!(parse(b"12.3400"), Ok(1_234_000_000));
        assert_eq!(parse(b"65000.10000000"), Ok(6_500_010_000_000));
        assert_eq!(parse(b"0.000000000"), Ok(0));
        assert_eq!(parse(b".5"), Ok(50_000_000));
        assert_eq!(parse(b"5."), Ok(5 * ONE));
    }

    #[test]
    fn refuses_what_it_cannot_hold_exactly() {
        assert_eq!(parse(b""), Err(FixedError::Syntax));
        assert_eq!(parse(b"."), Err(FixedError::Syntax));
        assert_eq!(parse(b"-1"), Err(FixedError::Syntax));
        assert_eq!(parse(b"1e5"), Err(FixedError::Syntax));
        assert_eq!(parse(b"1.2.3"), Err(FixedError::Syntax));
        assert_eq!(parse(b"0.000000001"), Err(FixedError::Precision));
        assert_eq!(parse(b"184467440738"), Err(FixedError::Overflow));
        assert_eq!(parse(b"99999999999999999999"), Err(FixedError::Overflow));
    }

    #[test]
    fn round_trips_through_decimal() {
        for s in [
            "0.00000001",
            "1",
            "12.34",
            "65000.1",
            "184467440737.09551615",
        ] {
            let v = parse(s.as_bytes()).unwrap();
            assert_eq!(to_decimal(v).to_string(), s);
            assert_eq!(from_decimal(s.parse().unwrap()), Ok(v));
        }
        assert_eq!(
            from_decimal("0.000000001".parse().unwrap()),
            Err(FixedError::Precision)
        );
        assert_eq!(from_decimal("-1".parse().unwrap()), Err(FixedError::Syntax));
    }

    #[test]
    fn counts_decimals() {
        assert_eq!(decimals(0), 0);
        assert_eq!(decimals(ONE), 0);
        assert_eq!(decimals(parse(b"1.25").unwrap()), 2);
        assert_eq!(decimals(1), 8);
    }
}
