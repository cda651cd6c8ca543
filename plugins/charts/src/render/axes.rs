//! Grid, pane borders, price and time axes, and the title row.

use super::canvas::Canvas;
use super::font::{self, Face, GLYPH_HEIGHT, GLYPH_WIDTH};
use super::layout::Layout;
use super::spec::ChartSpec;
use super::theme;
use super::ticks;
use super::time::{self, TimeLabel};

/// Length of a tick mark outside the plot, in pixels.
const TICK: i32 = 3;

/// Time labels for `spec` as laid out.
pub(crate) fn time_labels(spec: &ChartSpec, layout: &Layout) -> Vec<TimeLabel> {
    let times: Vec<i64> = spec.candles.iter().map(|c| c.open_time).collect();
    time::labels(&times, layout.slot, layout.price.w, GLYPH_WIDTH)
}

/// Horizontal grid lines at the price ticks, vertical ones at the time
/// labels (through the volume pane too).
pub(crate) fn draw_grid(canvas: &mut Canvas, layout: &Layout, labels: &[TimeLabel]) {
    let p = layout.price;
    for &v in &layout.ticks.values {
        canvas.hline(p.x, p.right() - 1, layout.scale.row(v), theme::GRID);
    }
    for l in labels {
        canvas.vline(
            layout.wick_x(l.index),
            p.y,
            layout.footer_y() - 1,
            theme::GRID,
        );
    }
}

/// Borders, tick marks and labels of both axes, and the volume scale.
pub(crate) fn draw_axes(
    canvas: &mut Canvas,
    spec: &ChartSpec,
    layout: &Layout,
    labels: &[TimeLabel],
) {
    let p = layout.price;
    let (axis, footer) = (layout.axis_x(), layout.footer_y());
    canvas.vline(axis, p.y, footer, theme::AXIS);
    canvas.hline(p.x, axis, footer, theme::AXIS);
    // The last-price tag covers labels this close to it; skip them.
    let last = spec.candles[spec.candles.len() - 1].close;
    let tag_row = layout.scale.row(last);
    for &v in &layout.ticks.values {
        let row = layout.scale.row(v);
        canvas.hline(axis + 1, axis + TICK, row, theme::AXIS);
        if (row - tag_row).abs() <= GLYPH_HEIGHT + 1 {
            continue;
        }
        let text = ticks::format(v, layout.ticks.decimals);
        font::draw(
            canvas,
            axis + TICK + 3,
            font::top_for_centre(row),
            &text,
            Face::Regular,
            theme::TEXT,
        );
    }
    for l in labels {
        let x = layout.wick_x(l.index);
        canvas.vline(x, footer + 1, footer + TICK, theme::AXIS);
        let w = font::width(&l.text);
        let left = (x - w / 2).clamp(0, layout.width - w);
        font::draw(
            canvas,
            left,
            footer + TICK + 2,
            &l.text,
            Face::Regular,
            theme::TEXT,
        );
    }
    if let Some(v) = layout.volume {
        canvas.hline(v.x, axis, v.y, theme::AXIS);
        let max = spec.candles.iter().map(|c| c.volume).fold(0.0, f64::max);
        let row = v.y + 4;
        canvas.hline(axis + 1, axis + TICK, row, theme::AXIS);
        let text = ticks::compact(max);
        font::draw(
            canvas,
            axis + TICK + 3,
            font::top_for_centre(row).max(v.y + 1),
            &text,
            Face::Regular,
            theme::TEXT,
        );
    }
}

/// The title, then the last candle's open, high, low, close and change,
/// in its colour, when they fit beside it.
pub(crate) fn draw_header(canvas: &mut Canvas, spec: &ChartSpec, layout: &Layout) {
    let x = layout.price.x;
    let y = (layout.price.y - GLYPH_HEIGHT) / 2;
    let title = font::fit(&spec.title, layout.width - 2 * x);
    let end = font::draw(canvas, x, y, &title, Face::Bold, theme::TITLE);
    let last = spec.candles[spec.candles.len() - 1];
    let d = ticks::price_decimals(last.close, layout.ticks.decimals);
    let mut ohlc = format!(
        "O {}  H {}  L {}  C {}",
        ticks::format(last.open, d),
        ticks::format(last.high, d),
        ticks::format(last.low, d),
        ticks::format(last.close, d)
    );
    if last.open != 0.0 {
        let change = (last.close - last.open) / last.open * 100.0;
        let sign = if change >= 0.0 { "+" } else { "" };
        ohlc.push_str(&format!("  {sign}{}%", ticks::format(change, 2)));
    }
    let start = end + 3 * GLYPH_WIDTH;
    if start + font::width(&ohlc) <= layout.width - x {
        font::draw(
            canvas,
            start,
            y,
            &ohlc,
            Face::Regular,
            super::candles::colour(&last),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::spec::Candle;

    fn spec(title: &str) -> ChartSpec {
        let candles = (0..48)
            .map(|i| Candle {
                open_time: 1_735_689_600_000 + i * 3_600_000,
                open: 100.0,
                high: 103.0,
                low: 98.0,
                close: 101.0,
                volume: 5.0,
            })
            .collect();
        ChartSpec::new(title, candles)
    }

    #[test]
    fn grid_lines_sit_at_ticks_and_labels() {
        let s = spec("T");
        let l = Layout::new(&s);
        let labels = time_labels(&s, &l);
        assert!(!labels.is_empty());
        let mut canvas = Canvas::new(s.width, s.height, theme::BACKGROUND);
        draw_grid(&mut canvas, &l, &labels);
        let row = l.scale.row(l.ticks.values[0]);
        assert_eq!(canvas.get(l.price.x + 1, row), theme::GRID);
        assert_eq!(
            canvas.get(l.wick_x(labels[0].index), l.price.y + 1),
            theme::GRID
        );
    }

    #[test]
    fn labels_and_header_draw_text() {
        let s = spec("BTCUSDT 1h");
        let l = Layout::new(&s);
        let labels = time_labels(&s, &l);
        let mut canvas = Canvas::new(s.width, s.height, theme::BACKGROUND);
        draw_axes(&mut canvas, &s, &l, &labels);
        draw_header(&mut canvas, &s, &l);
        let count = |c| canvas.pixels().iter().filter(|&&p| p == c).count();
        assert!(count(theme::TEXT) > 200);
        assert!(count(theme::TITLE) > 50);
        assert!(count(theme::UP) > 100, "OHLC of an up candle");
    }
}
