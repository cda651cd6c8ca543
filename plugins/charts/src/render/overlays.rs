//! Line and band overlays (moving averages, Bollinger bands, ...).

use super::canvas::Canvas;
use super::layout::Layout;
use super::spec::ChartSpec;
use super::theme;

/// Stroke width of a line overlay: thick enough to follow over candles,
/// thin enough not to hide them.
const LINE_WIDTH: f64 = 1.6;
/// Stroke width of a band's outlines: lighter than a line, a band is context.
const BAND_WIDTH: f64 = 1.0;

/// Each line in its palette colour; `None` values break it.
pub(crate) fn draw_lines(canvas: &mut Canvas, spec: &ChartSpec, layout: &Layout) {
    canvas.set_clip(Some(layout.price));
    for (line, colour) in spec.lines.iter().zip(theme::LINE_COLOURS) {
        for run in runs(&line.points, layout) {
            canvas.polyline(&run, LINE_WIDTH, colour);
        }
    }
    canvas.set_clip(None);
}

/// Each band as a translucent fill between its outlines, filled column by
/// column where both bounds are known at two neighbouring candles.
pub(crate) fn draw_bands(canvas: &mut Canvas, spec: &ChartSpec, layout: &Layout) {
    canvas.set_clip(Some(layout.price));
    for (band, colour) in spec.bands.iter().zip(theme::BAND_COLOURS) {
        let both = |i: usize| {
            band.upper
                .get(i)
                .copied()
                .flatten()
                .zip(band.lower.get(i).copied().flatten())
        };
        let s = &layout.scale;
        for i in 0..spec.candles.len() {
            let Some((u0, l0)) = both(i) else { continue };
            let next = both(i + 1);
            // Columns from this candle up to the next; the last candle of a
            // run also fills its own column.
            let (x0, x1) = match next {
                Some(_) => (layout.wick_x(i), layout.wick_x(i + 1) - 1),
                None => (layout.wick_x(i), layout.wick_x(i)),
            };
            let (u1, l1) = next.unwrap_or((u0, l0));
            let span = f64::from((x1 - x0 + 1).max(1));
            for x in x0..=x1 {
                let t = f64::from(x - x0) / span;
                let upper = s.y(u0 + (u1 - u0) * t);
                let lower = s.y(l0 + (l1 - l0) * t);
                let (top, bottom) = (
                    upper.min(lower).floor() as i32,
                    upper.max(lower).floor() as i32,
                );
                for y in top..=bottom {
                    canvas.blend(x, y, colour, theme::BAND_FILL_ALPHA);
                }
            }
        }
        for outline in [&band.upper, &band.lower] {
            for run in runs(outline, layout) {
                canvas.polyline(&run, BAND_WIDTH, colour);
            }
        }
    }
    canvas.set_clip(None);
}

/// The maximal runs of defined values, as pixel points at candle centres.
fn runs(values: &[Option<f64>], layout: &Layout) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => current.push((layout.centre(i), layout.scale.y(*v))),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::spec::{Band, Candle};

    fn spec() -> ChartSpec {
        let candles = (0..10)
            .map(|i| Candle {
                open_time: i * 60_000,
                open: 10.0,
                high: 12.0,
                low: 8.0,
                close: 11.0,
                volume: 1.0,
            })
            .collect();
        ChartSpec::new("T", candles)
    }

    #[test]
    fn runs_split_at_gaps() {
        let s = spec();
        let l = Layout::new(&s);
        let values = [
            None,
            Some(9.0),
            Some(10.0),
            None,
            Some(11.0),
            None,
            None,
            Some(9.5),
            Some(9.6),
            Some(9.7),
        ];
        let r = runs(&values, &l);
        assert_eq!(r.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1, 3]);
        assert_eq!(r[0][0], (l.centre(1), l.scale.y(9.0)));
    }

    #[test]
    fn a_band_fills_between_its_bounds_only() {
        let mut s = spec();
        s.bands.push(Band {
            label: "B".into(),
            upper: vec![Some(11.5); 10],
            lower: vec![Some(9.0); 10],
        });
        let l = Layout::new(&s);
        let mut canvas = Canvas::new(s.width, s.height, theme::BACKGROUND);
        draw_bands(&mut canvas, &s, &l);
        let fill = theme::BAND_COLOURS[0].over(theme::BACKGROUND, theme::BAND_FILL_ALPHA);
        let x = l.wick_x(4) + 1;
        assert_eq!(canvas.get(x, l.scale.row(10.0)), fill);
        assert_eq!(canvas.get(x, l.scale.row(11.9)), theme::BACKGROUND);
        assert_eq!(canvas.get(x, l.scale.row(8.2)), theme::BACKGROUND);
    }
}
