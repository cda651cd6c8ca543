//! Where everything goes: panes, the candle grid along x, and the price
//! scale along y. Computed once from the spec; the drawing passes only read it.

use super::canvas::Rect;
use super::font::{self, GLYPH_HEIGHT};
use super::legend::{self, Legend};
use super::spec::ChartSpec;
use super::ticks::{self, Ticks};

/// Margin between the canvas edge and the plot on the left, in pixels.
const LEFT: i32 = 8;
/// Title row: the text plus 6 px above and below.
const HEADER: i32 = 6 + GLYPH_HEIGHT + 6;
/// Time-axis row: a 4 px tick, the text, 5 px below.
const FOOTER: i32 = 4 + GLYPH_HEIGHT + 5;
/// Space around price-axis labels: 4 px tick plus 4 px on each side.
const AXIS_PADDING: i32 = 12;
/// Share of the plot height given to the volume pane.
const VOLUME_SHARE: f64 = 0.2;
/// Free space above the highest and below the lowest price, in pixels, so
/// extremes do not touch the pane border.
const PRICE_PADDING: i32 = 8;
/// Vertical pixels per price tick wanted: ~7 ticks on a 440 px pane.
const PIXELS_PER_TICK: i32 = 60;
/// A candle body fills this share of its slot, the rest is the gap.
const BODY_SHARE: f64 = 0.7;

/// Maps prices to rows: `hi` at `top`, `lo` at `bottom`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PriceScale {
    pub lo: f64,
    pub hi: f64,
    pub top: f64,
    pub bottom: f64,
}

impl PriceScale {
    /// The (fractional) y of `price`.
    pub(crate) fn y(&self, price: f64) -> f64 {
        self.top + (self.hi - price) / (self.hi - self.lo) * (self.bottom - self.top)
    }

    /// The pixel row of `price`.
    pub(crate) fn row(&self, price: f64) -> i32 {
        self.y(price).floor() as i32
    }
}

/// The geometry of one chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub width: i32,
    pub height: i32,
    /// The price pane (candles, overlays, markers).
    pub price: Rect,
    /// The volume pane under it, when drawn.
    pub volume: Option<Rect>,
    /// Pixels per candle along x (fractional: candles are spread evenly).
    pub slot: f64,
    /// Candle body width in pixels: odd, so the wick is centred, and at
    /// least one pixel narrower than the slot when the slot allows.
    pub body: i32,
    pub scale: PriceScale,
    pub ticks: Ticks,
    /// Height of a marker triangle (0 without markers).
    pub marker: i32,
    pub legend: Legend,
}

impl Layout {
    pub(crate) fn new(spec: &ChartSpec) -> Layout {
        let (width, height) = (spec.width as i32, spec.height as i32);
        let n = spec.candles.len();
        let plot_h = height - HEADER - FOOTER;
        let volume_h = if spec.volume_pane {
            (f64::from(plot_h) * VOLUME_SHARE).round() as i32
        } else {
            0
        };
        let price_h = plot_h - volume_h;

        let (lo, hi) = price_range(spec);
        let target = (price_h / PIXELS_PER_TICK).clamp(4, 8) as usize;
        let ticks = ticks::nice(lo, hi, target);

        let last = spec.candles[n - 1].close;
        let last_label = ticks::format(last, ticks::price_decimals(last, ticks.decimals));
        let widest = ticks
            .values
            .iter()
            .map(|&v| font::width(&ticks::format(v, ticks.decimals)))
            .max();
        let axis_w = widest.unwrap_or(0).max(font::width(&last_label)) + AXIS_PADDING;
        let plot_w = width - LEFT - axis_w;

        let price = Rect {
            x: LEFT,
            y: HEADER,
            w: plot_w,
            h: price_h,
        };
        let volume = spec.volume_pane.then_some(Rect {
            x: LEFT,
            y: HEADER + price_h,
            w: plot_w,
            h: volume_h,
        });

        let slot = f64::from(plot_w) / n as f64;
        let mut body = ((slot * BODY_SHARE).floor() as i32)
            .min(slot.floor() as i32 - 1)
            .max(1);
        if body % 2 == 0 {
            body -= 1;
        }

        let marker = if spec.markers.is_empty() {
            0
        } else {
            (slot * 0.8).round().clamp(7.0, 12.0) as i32
        };
        let legend = legend::layout(spec, plot_w - 12, price_h / 3);
        let margin = PRICE_PADDING + if marker > 0 { marker + 4 } else { 0 };
        let top = f64::from(price.y + margin + legend.height);
        let bottom = f64::from(price.bottom() - margin - 1).max(top + 1.0);
        let scale = PriceScale {
            lo,
            hi,
            top,
            bottom,
        };
        // Fewer ticks when the legend and markers leave less room: a smaller
        // target never gives a finer step, so the labels fit the axis sized
        // above.
        let fitted = (((bottom - top) as i32) / PIXELS_PER_TICK).clamp(2, target as i32) as usize;
        let ticks = if fitted < target {
            ticks::nice(lo, hi, fitted)
        } else {
            ticks
        };
        Layout {
            width,
            height,
            price,
            volume,
            slot,
            body,
            scale,
            ticks,
            marker,
            legend,
        }
    }

    /// Left column of candle `i`'s body.
    pub(crate) fn body_left(&self, i: usize) -> i32 {
        let left = f64::from(self.price.x)
            + i as f64 * self.slot
            + (self.slot - f64::from(self.body)) / 2.0;
        left.floor() as i32
    }

    /// Column of candle `i`'s wick, the middle of its body.
    pub(crate) fn wick_x(&self, i: usize) -> i32 {
        self.body_left(i) + self.body / 2
    }

    /// The x (pixel centre) where overlays put candle `i`'s value.
    pub(crate) fn centre(&self, i: usize) -> f64 {
        f64::from(self.wick_x(i)) + 0.5
    }

    /// Left edge of the price-axis area.
    pub(crate) fn axis_x(&self) -> i32 {
        self.price.right()
    }

    /// Top of the time-axis area.
    pub(crate) fn footer_y(&self) -> i32 {
        self.height - FOOTER
    }
}

/// Lowest and highest value to fit on the price pane: candle extremes,
/// overlay values and marker prices (of markers that will be drawn), widened
/// around a flat series so the scale never divides by zero.
fn price_range(spec: &ChartSpec) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut add = |v: f64| {
        lo = lo.min(v);
        hi = hi.max(v);
    };
    for c in &spec.candles {
        add(c.low);
        add(c.high);
    }
    let overlays = spec.lines.iter().flat_map(|l| &l.points);
    let bands = spec
        .bands
        .iter()
        .flat_map(|b| b.upper.iter().chain(&b.lower));
    overlays.chain(bands).flatten().for_each(|&v| add(v));
    for m in &spec.markers {
        if super::markers::candle_of(&spec.candles, m.time).is_some() {
            add(m.price);
        }
    }
    if hi - lo <= hi.abs().max(lo.abs()) * 1e-9 {
        let pad = hi.abs().max(1.0) * 0.01;
        (lo - pad, hi + pad)
    } else {
        (lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::spec::Candle;

    fn spec(n: usize, width: u32) -> ChartSpec {
        let candles = (0..n)
            .map(|i| {
                let p = 100.0 + i as f64;
                Candle {
                    open_time: i as i64 * 60_000,
                    open: p,
                    high: p + 2.0,
                    low: p - 2.0,
                    close: p + 1.0,
                    volume: 1.0,
                }
            })
            .collect();
        ChartSpec {
            width,
            ..ChartSpec::new("T", candles)
        }
    }

    #[test]
    fn bodies_are_evenly_spaced_with_gaps() {
        for n in [1, 20, 200, 450] {
            let l = Layout::new(&spec(n, 1000));
            assert_eq!(l.body % 2, 1);
            for i in 1..n {
                let gap = l.body_left(i) - (l.body_left(i - 1) + l.body);
                assert!(gap >= 1, "{n} candles: gap {gap} before {i}");
            }
            assert!(l.body_left(0) >= l.price.x);
            assert!(l.body_left(n - 1) + l.body <= l.price.right());
        }
    }

    #[test]
    fn panes_tile_the_plot() {
        let l = Layout::new(&spec(50, 1000));
        let v = l.volume.expect("volume pane");
        assert_eq!(v.y, l.price.bottom());
        assert_eq!(v.bottom(), l.footer_y());
        assert!((f64::from(v.h) / f64::from(v.h + l.price.h) - VOLUME_SHARE).abs() < 0.01);
        let no_volume = Layout::new(&ChartSpec {
            volume_pane: false,
            ..spec(50, 1000)
        });
        assert_eq!(no_volume.volume, None);
        assert_eq!(no_volume.price.bottom(), no_volume.footer_y());
    }

    #[test]
    fn scale_maps_the_range_inside_the_pane() {
        let l = Layout::new(&spec(50, 1000));
        let s = l.scale;
        assert!(s.top > f64::from(l.price.y) && s.bottom < f64::from(l.price.bottom()));
        assert_eq!(s.y(s.hi), s.top);
        assert_eq!(s.y(s.lo), s.bottom);
        assert!(l.ticks.values.iter().all(|&v| v >= s.lo && v <= s.hi));
    }

    #[test]
    fn a_flat_series_still_has_a_range() {
        let mut s = spec(3, 1000);
        for c in &mut s.candles {
            (c.open, c.high, c.low, c.close) = (5.0, 5.0, 5.0, 5.0);
        }
        let (lo, hi) = price_range(&s);
        assert!(lo < 5.0 && hi > 5.0);
        assert!(!Layout::new(&s).ticks.values.is_empty());
    }
}
