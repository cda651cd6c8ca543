//! Candles, volume bars and the last-price line and tag.

use super::canvas::{Canvas, Rect};
use super::font::{self, Face, GLYPH_HEIGHT};
use super::layout::Layout;
use super::spec::{Candle, ChartSpec};
use super::theme::{self, Rgb};
use super::ticks;

/// Up (close >= open, so a doji counts as up) or down colour.
pub(crate) fn colour(c: &Candle) -> Rgb {
    if c.close >= c.open {
        theme::UP
    } else {
        theme::DOWN
    }
}

/// Wick from high to low, body from open to close; a body whose open and
/// close share a row (a doji) is still a 1 px line across the body width.
pub(crate) fn draw(canvas: &mut Canvas, spec: &ChartSpec, layout: &Layout) {
    let s = &layout.scale;
    canvas.set_clip(Some(layout.price));
    for (i, c) in spec.candles.iter().enumerate() {
        let colour = colour(c);
        canvas.vline(layout.wick_x(i), s.row(c.high), s.row(c.low), colour);
        let (top, bottom) = (s.row(c.open.max(c.close)), s.row(c.open.min(c.close)));
        let body = Rect {
            x: layout.body_left(i),
            y: top,
            w: layout.body,
            h: bottom - top + 1,
        };
        canvas.fill_rect(body, colour);
    }
    canvas.set_clip(None);
}

/// Volume bars in the volume pane (if any), scaled to the largest volume,
/// in dimmed candle colours.
pub(crate) fn draw_volume(canvas: &mut Canvas, spec: &ChartSpec, layout: &Layout) {
    let Some(pane) = layout.volume else { return };
    let max = spec.candles.iter().map(|c| c.volume).fold(0.0, f64::max);
    if max <= 0.0 {
        return;
    }
    // 4 px of headroom under the separator line.
    let room = f64::from(pane.h - 4);
    canvas.set_clip(Some(pane));
    for (i, c) in spec.candles.iter().enumerate() {
        let h = (c.volume / max * room).round() as i32;
        let colour = colour(c).over(theme::BACKGROUND, theme::VOLUME_ALPHA);
        canvas.fill_rect(
            Rect {
                x: layout.body_left(i),
                y: pane.bottom() - h,
                w: layout.body,
                h,
            },
            colour,
        );
    }
    canvas.set_clip(None);
}

/// The dashed line across the price pane at the last close.
pub(crate) fn draw_last_price_line(canvas: &mut Canvas, spec: &ChartSpec, layout: &Layout) {
    let last = spec.candles[spec.candles.len() - 1];
    let row = layout.scale.row(last.close);
    canvas.set_clip(Some(layout.price));
    canvas.dashed_hline(
        layout.price.x,
        layout.price.right() - 1,
        row,
        colour(&last),
        theme::LAST_PRICE_ALPHA,
    );
    canvas.set_clip(None);
}

/// The last close on the price axis, white on the candle's colour, with
/// more precision than the ticks (see [`ticks::price_decimals`]).
pub(crate) fn draw_last_price_tag(canvas: &mut Canvas, spec: &ChartSpec, layout: &Layout) {
    let last = spec.candles[spec.candles.len() - 1];
    let row = layout.scale.row(last.close);
    let text = ticks::format(
        last.close,
        ticks::price_decimals(last.close, layout.ticks.decimals),
    );
    let x = layout.axis_x() + 1;
    let tag = Rect {
        x,
        y: row - GLYPH_HEIGHT / 2 - 1,
        w: layout.width - x,
        h: GLYPH_HEIGHT + 2,
    };
    canvas.fill_rect(tag, colour(&last));
    font::draw(
        canvas,
        x + 4,
        font::top_for_centre(row),
        &text,
        Face::Bold,
        theme::TAG_TEXT,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(candles: Vec<Candle>) -> ChartSpec {
        ChartSpec {
            volume_pane: true,
            ..ChartSpec::new("T", candles)
        }
    }

    fn c(open: f64, close: f64, volume: f64) -> Candle {
        Candle {
            open_time: 0,
            open,
            high: open.max(close) + 1.0,
            low: open.min(close) - 1.0,
            close,
            volume,
        }
    }

    #[test]
    fn colour_follows_direction_and_a_doji_is_up() {
        assert_eq!(colour(&c(1.0, 2.0, 0.0)), theme::UP);
        assert_eq!(colour(&c(2.0, 1.0, 0.0)), theme::DOWN);
        assert_eq!(colour(&c(2.0, 2.0, 0.0)), theme::UP);
    }

    #[test]
    fn a_doji_draws_a_full_width_body_row() {
        let mut candles = vec![c(10.0, 20.0, 1.0), c(15.0, 15.0, 1.0)];
        candles[1].open_time = 60_000;
        let s = spec(candles);
        let l = Layout::new(&s);
        let mut canvas = Canvas::new(s.width, s.height, theme::BACKGROUND);
        draw(&mut canvas, &s, &l);
        let row = l.scale.row(15.0);
        let lit = (0..l.body)
            .filter(|dx| canvas.get(l.body_left(1) + dx, row) == theme::UP)
            .count();
        assert_eq!(lit as i32, l.body);
        assert_eq!(
            canvas.get(l.body_left(1), row - 2),
            theme::BACKGROUND,
            "only the wick above"
        );
        assert_eq!(canvas.get(l.wick_x(1), row - 2), theme::UP);
    }

    #[test]
    fn volume_bars_scale_to_the_largest() {
        let mut candles = vec![c(10.0, 20.0, 100.0), c(20.0, 10.0, 50.0)];
        candles[1].open_time = 60_000;
        let s = spec(candles);
        let l = Layout::new(&s);
        let mut canvas = Canvas::new(s.width, s.height, theme::BACKGROUND);
        draw_volume(&mut canvas, &s, &l);
        let pane = l.volume.unwrap();
        let height = |i: usize| {
            (pane.y..pane.bottom())
                .filter(|&y| canvas.get(l.wick_x(i), y) != theme::BACKGROUND)
                .count()
        };
        assert_eq!(height(0) as i32, pane.h - 4);
        assert_eq!(height(1) as i32, (pane.h - 4 + 1) / 2);
    }
}
