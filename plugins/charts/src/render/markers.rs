//! Fill markers: which candle a fill belongs to, and its triangle.

use super::canvas::Canvas;
use super::layout::Layout;
use super::spec::{Candle, ChartSpec};
use super::theme;

/// Pixels between a candle's extreme (or the fill price) and the tip.
const TIP_GAP: f64 = 3.0;
/// Pixels between stacked markers on one candle.
const STACK_GAP: f64 = 2.0;

/// The candle whose interval holds `time`: from its open time up to the
/// next candle's. The last candle's interval is the shortest spacing in the
/// series (the gaps of a market halt are not an interval); with a single
/// candle any time from its open on belongs to it.
pub(crate) fn candle_of(candles: &[Candle], time: i64) -> Option<usize> {
    let after = candles.partition_point(|c| c.open_time <= time);
    let i = after.checked_sub(1)?;
    if i + 1 < candles.len() {
        return Some(i);
    }
    let interval = candles
        .windows(2)
        .map(|w| w[1].open_time - w[0].open_time)
        .min();
    match interval {
        Some(interval) if time - candles[i].open_time >= interval => None,
        _ => Some(i),
    }
}

/// Draws every marker that falls on a candle: a buy as an up-pointing
/// triangle under the candle, a sell as a down-pointing one over it. Several
/// fills on one candle and side stack outwards in input order.
pub(crate) fn draw(canvas: &mut Canvas, spec: &ChartSpec, layout: &Layout) {
    let h = f64::from(layout.marker);
    let half = h * 0.6;
    let mut stacked = vec![[0u32; 2]; spec.candles.len()];
    canvas.set_clip(Some(layout.price));
    for m in &spec.markers {
        let Some(i) = candle_of(&spec.candles, m.time) else {
            continue;
        };
        let c = &spec.candles[i];
        let depth = &mut stacked[i][usize::from(m.buy)];
        let offset = TIP_GAP + f64::from(*depth) * (h + STACK_GAP);
        *depth += 1;
        let x = layout.centre(i);
        let s = &layout.scale;
        if m.buy {
            let tip = f64::from(s.row(m.price.min(c.low)) + 1) + offset;
            canvas.triangle(
                [(x, tip), (x - half, tip + h), (x + half, tip + h)],
                theme::UP,
            );
        } else {
            let tip = f64::from(s.row(m.price.max(c.high))) - offset;
            canvas.triangle(
                [(x, tip), (x - half, tip - h), (x + half, tip - h)],
                theme::DOWN,
            );
        }
    }
    canvas.set_clip(None);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candles(times: &[i64]) -> Vec<Candle> {
        times
            .iter()
            .map(|&t| Candle {
                open_time: t,
                open: 1.0,
                high: 1.0,
                low: 1.0,
                close: 1.0,
                volume: 0.0,
            })
            .collect()
    }

    #[test]
    fn fills_land_in_the_candle_that_contains_them() {
        let c = candles(&[0, 60, 120, 300]);
        assert_eq!(candle_of(&c, -1), None);
        assert_eq!(candle_of(&c, 0), Some(0));
        assert_eq!(candle_of(&c, 59), Some(0));
        assert_eq!(candle_of(&c, 60), Some(1));
        assert_eq!(
            candle_of(&c, 299),
            Some(2),
            "a gap belongs to the candle before it"
        );
        assert_eq!(candle_of(&c, 359), Some(3));
        assert_eq!(candle_of(&c, 360), None, "past the last candle's interval");
    }

    #[test]
    fn a_single_candle_takes_every_later_fill() {
        let c = candles(&[1_000]);
        assert_eq!(candle_of(&c, 999), None);
        assert_eq!(candle_of(&c, 1_000_000), Some(0));
    }
}
