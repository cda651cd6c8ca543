//! The synthetic price path every market follows: a pure function of
//! `(seed, symbol, time)`.
//!
//! The path is value noise: at several time scales (1 s up to 30 days) a
//! hashed offset is drawn at every grid point and linearly interpolated in
//! between, and the offsets are summed. Because it depends on time alone,
//! candles over any range are reproducible, a candle's close equals the next
//! candle's open, and the trade tape (which follows the same path) agrees
//! with the candles around it. All arithmetic is on integers (tick counts
//! and parts per million), so no float ever becomes a price.

use crate::rng::{hash_parts, signed_unit};

/// Fixed-point unit of the price offsets: parts per million.
pub const PPM: i128 = 1_000_000;

/// (grid length in ms, amplitude in ppm) of each noise layer. The sum of
/// amplitudes (~18 %) bounds how far the path strays from the anchor.
const LAYERS: [(i64, i64); 7] = [
    (1_000, 100),
    (60_000, 500),
    (900_000, 2_000),
    (14_400_000, 10_000),
    (86_400_000, 30_000),
    (604_800_000, 60_000),
    (2_592_000_000, 80_000),
];

/// A market's price path, in ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricePath {
    /// Hash key: derived from the seed and the symbol.
    pub key: u64,
    /// The level the path oscillates around, in ticks.
    pub anchor_ticks: i64,
}

impl PricePath {
    /// The price at instant `t` (ms), in ticks, never below one tick.
    pub fn ticks_at(&self, t: i64) -> i64 {
        let mut offset_ppm: i128 = 0;
        for (layer, (len, amp)) in LAYERS.iter().enumerate() {
            let k = t.div_euclid(*len);
            let frac = i128::from(t.rem_euclid(*len)) * PPM / i128::from(*len);
            let node = |k: i64| {
                let bits = hash_parts(self.key, &[b"walk", &[layer as u8], &k.to_le_bytes()]);
                i128::from(signed_unit(bits, 1_000_000))
            };
            let (a, b) = (node(k), node(k + 1));
            let value = a + (b - a) * frac / PPM;
            offset_ppm += i128::from(*amp) * value / PPM;
        }
        let ticks = i128::from(self.anchor_ticks) * (PPM + offset_ppm) / PPM;
        (ticks as i64).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_is_deterministic_and_bounded() {
        let p = PricePath {
            key: 99,
            anchor_ticks: 6_500_000,
        };
        for t in (0..50).map(|i| 1_700_000_000_000 + i * 7_777_777) {
            let v = p.ticks_at(t);
            assert_eq!(v, p.ticks_at(t));
            assert!(v > 6_500_000 * 80 / 100 && v < 6_500_000 * 120 / 100, "{v}");
        }
    }

    #[test]
    fn path_is_continuous_at_the_second_scale() {
        let p = PricePath {
            key: 1,
            anchor_ticks: 6_500_000,
        };
        let t = 1_700_000_000_000;
        // One millisecond moves the price by far less than 0.1 %.
        assert!((p.ticks_at(t) - p.ticks_at(t + 1)).abs() < 6_500);
    }
}
