//! Decimal helpers: the wire formatting Binance uses and tick/step arithmetic.
//!
//! Prices and quantities are `rust_decimal::Decimal` end to end; floats never
//! touch them. Spot market endpoints print every price and quantity with
//! exactly eight decimals ("65000.01000000"), so [`fmt8`] is the one place
//! that decides that format.

use rust_decimal::Decimal;

/// The number of decimals Binance spot pads prices and quantities to.
pub const WIRE_DECIMALS: u32 = 8;

/// Formats `value` with exactly `dp` decimals, rounding half away from zero
/// if it carries more.
pub fn fmt_dp(value: Decimal, dp: u32) -> String {
    let mut v = value.round_dp(dp);
    v.rescale(dp);
    v.to_string()
}

/// Formats `value` the way spot market endpoints do: eight decimals.
pub fn fmt8(value: Decimal) -> String {
    fmt_dp(value, WIRE_DECIMALS)
}

/// `count` whole increments of `unit` (e.g. 650001 ticks of 0.01).
pub fn units(count: i64, unit: Decimal) -> Decimal {
    Decimal::from(count) * unit
}

/// How many whole `unit`s fit in `value` (truncating toward zero).
pub fn to_units(value: Decimal, unit: Decimal) -> i64 {
    (value / unit).trunc().try_into().unwrap_or(i64::MAX)
}

/// `true` if `value` is a whole multiple of `unit` (a zero `unit` disables
/// the rule, as in Binance filters).
pub fn on_grid(value: Decimal, unit: Decimal) -> bool {
    unit.is_zero() || (value % unit).is_zero()
}

/// The number of decimals needed to print `unit` without trailing zeros
/// (0.01000 -> 2), used for futures' unpadded formatting.
pub fn precision_of(unit: Decimal) -> u32 {
    unit.normalize().scale()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn pads_to_eight_decimals() {
        assert_eq!(fmt8(d("65000.01")), "65000.01000000");
        assert_eq!(fmt8(d("0")), "0.00000000");
        assert_eq!(fmt8(d("0.123456789")), "0.12345679");
        assert_eq!(fmt8(d("-94.999998")), "-94.99999800");
    }

    #[test]
    fn grid_arithmetic() {
        assert_eq!(units(650_001, d("0.01")), d("6500.01"));
        assert_eq!(to_units(d("6500.019"), d("0.01")), 650_001);
        assert!(on_grid(d("55.32"), d("0.01")));
        assert!(!on_grid(d("55.324"), d("0.01")));
        assert!(on_grid(d("55.324"), Decimal::ZERO));
        assert_eq!(precision_of(d("0.01000000")), 2);
        assert_eq!(precision_of(d("1")), 0);
    }
}
