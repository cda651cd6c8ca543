//! Price-axis ticks ("nice" 1-2-5 steps) and number formatting.

/// Evenly spaced tick values for one axis and the decimals that print them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub values: Vec<f64>,
    /// Fraction digits that tell every two adjacent ticks apart, and no more.
    pub decimals: usize,
}

/// The 1, 2 or 5 x 10^k step whose ticks within `lo..=hi` come closest to
/// `target` in number (ties go to the larger step: fewer, roomier labels),
/// and at least two when the range allows.
///
/// Steps of 1-2-5 are what people round to; any step whose ticks land on
/// such numbers can be read at a glance. `lo < hi`, both finite.
pub(crate) fn nice(lo: f64, hi: f64, target: usize) -> Ticks {
    let target = target.max(2) as f64;
    let raw = (hi - lo) / target;
    let base = raw.log10().floor() as i32;
    let mut best: Option<(f64, i32, f64, i64, i64)> = None;
    for exp in base - 1..=base + 1 {
        for mantissa in [1.0, 2.0, 5.0] {
            let step = scaled(mantissa, exp);
            let (first, last) = ((lo / step).ceil() as i64, (hi / step).floor() as i64);
            let count = last - first + 1;
            // One tick is no scale; take it only when nothing gives two.
            let miss = (count as f64 - target).abs() + if count < 2 { 100.0 } else { 0.0 };
            if best.as_ref().is_none_or(|b| miss <= b.0) {
                best = Some((miss, exp, mantissa, first, last));
            }
        }
    }
    let (_, exp, mantissa, first, last) = best.expect("nine candidates");
    Ticks {
        values: (first..=last)
            .map(|k| scaled(k as f64 * mantissa, exp))
            .collect(),
        decimals: (-exp).max(0) as usize,
    }
}

/// `value` x 10^`exp`, dividing for negative exponents: 3 x 10^-1 is then
/// the closest double to 0.3, not 0.30000000000000004.
fn scaled(value: f64, exp: i32) -> f64 {
    if exp >= 0 {
        value * 10f64.powi(exp)
    } else {
        value / 10f64.powi(-exp)
    }
}

/// Decimals for a single price (the last-price tag): five significant
/// digits, at least 2 and at most 8 decimals (Binance's finest tick), and
/// never fewer than the axis shows (2 for zero). 104250.37 -> 2, 3.4567 -> 4,
/// 0.00001234 -> 8.
pub(crate) fn price_decimals(price: f64, axis_decimals: usize) -> usize {
    if price == 0.0 {
        return axis_decimals.max(2);
    }
    let magnitude = price.abs().log10().floor() as i32;
    ((4 - magnitude).clamp(2, 8) as usize).max(axis_decimals)
}

/// `value` with `decimals` fraction digits; never prints `-0`.
pub(crate) fn format(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text[1..].to_owned()
    } else {
        text
    }
}

/// A volume in at most ~6 characters: 950, 12.3K, 4.56M, 1.2B.
pub(crate) fn compact(value: f64) -> String {
    let (scaled, suffix) = match value.abs() {
        v if v >= 1e9 => (value / 1e9, "B"),
        v if v >= 1e6 => (value / 1e6, "M"),
        v if v >= 1e3 => (value / 1e3, "K"),
        _ => (value, ""),
    };
    // Thresholds just under 100 and 10, so 99.98 prints as 100, not 100.0.
    let decimals = match scaled.abs() {
        v if v >= 99.95 => 0,
        v if v >= 9.995 => 1,
        _ => 2,
    };
    format!("{}{suffix}", format(scaled, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_use_one_two_five_steps() {
        let t = nice(101_234.0, 104_870.0, 6);
        assert_eq!(
            t.values,
            [101_500.0, 102_000.0, 102_500.0, 103_000.0, 103_500.0, 104_000.0, 104_500.0]
        );
        assert_eq!(t.decimals, 0);
        let t = nice(0.2311, 0.2389, 6);
        assert_eq!(t.decimals, 3);
        assert_eq!(format(t.values[0], t.decimals), "0.232");
        assert!(t.values.len() >= 5 && t.values.len() <= 8, "{:?}", t.values);
    }

    #[test]
    fn ticks_stay_within_range_and_near_the_target() {
        for (lo, hi) in [
            (1.0, 2.0),
            (0.000_012, 0.000_019),
            (25_000.0, 25_003.0),
            (-3.0, 7.0),
            (97.0, 1_234.5),
        ] {
            for target in [4, 6, 8] {
                let t = nice(lo, hi, target);
                assert!(
                    t.values.iter().all(|&v| v >= lo && v <= hi),
                    "{lo}..{hi}: {:?}",
                    t.values
                );
                let n = t.values.len() as i64;
                // 1-2-5 steps can only double or halve the count.
                assert!(
                    (n - target as i64).abs() <= 3,
                    "{lo}..{hi} target {target}: {n}"
                );
                let labels: Vec<String> = t.values.iter().map(|&v| format(v, t.decimals)).collect();
                assert!(
                    labels.windows(2).all(|w| w[0] != w[1]),
                    "distinct labels {labels:?}"
                );
            }
        }
    }

    #[test]
    fn a_smaller_target_never_gives_a_finer_step() {
        for (lo, hi) in [
            (1.0, 2.0),
            (0.000_012, 0.000_019),
            (97.0, 1_234.5),
            (104_000.0, 104_870.0),
        ] {
            for target in 3..=8 {
                let (a, b) = (nice(lo, hi, target), nice(lo, hi, target - 1));
                let step = |t: &Ticks| t.values[1] - t.values[0];
                assert!(
                    step(&b) >= step(&a) * 0.999 && b.decimals <= a.decimals,
                    "{lo}..{hi} {target}"
                );
            }
        }
    }

    #[test]
    fn price_precision_follows_magnitude() {
        assert_eq!(
            format(104_250.37, price_decimals(104_250.37, 0)),
            "104250.37"
        );
        assert_eq!(format(3.4567, price_decimals(3.4567, 1)), "3.4567");
        assert_eq!(
            format(0.000_012_34, price_decimals(0.000_012_34, 6)),
            "0.00001234"
        );
        assert_eq!(price_decimals(0.0, 0), 2);
        assert_eq!(price_decimals(2.0, 5), 5, "axis precision is a floor");
    }

    #[test]
    fn formatting_never_shows_negative_zero() {
        assert_eq!(format(-0.0, 2), "0.00");
        assert_eq!(format(-0.0001, 2), "0.00");
        assert_eq!(format(-1.5, 1), "-1.5");
    }

    #[test]
    fn compact_volumes() {
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(12_345.0), "12.3K");
        assert_eq!(compact(4_560_000.0), "4.56M");
        assert_eq!(compact(1_200_000_000.0), "1.20B");
        assert_eq!(compact(0.5), "0.50");
        assert_eq!(compact(99.98), "100");
        assert_eq!(compact(9.999), "10.0");
    }
}
