//! The legend: one entry per line and band, flowed into rows at the top left
//! of the price pane. The price scale starts below it, so it never covers a
//! candle.

use super::canvas::{Canvas, Rect};
use super::font::{self, Face, GLYPH_HEIGHT};
use super::layout::Layout;
use super::spec::ChartSpec;
use super::theme::{self, Rgb};

/// Offset of the legend from the pane's top-left corner.
const INSET: i32 = 6;
/// Height of one row of entries.
const ROW: i32 = GLYPH_HEIGHT + 3;
/// Swatch width plus the space between swatch and text.
const SWATCH: i32 = 14;
const SWATCH_GAP: i32 = 4;
/// Space between two entries in a row.
const SPACING: i32 = 14;

/// How an entry's swatch is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Line,
    Band,
}

/// One entry, at (`x`, `y`) relative to the legend's origin.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub x: i32,
    pub y: i32,
    pub label: String,
    pub colour: Rgb,
    pub kind: Kind,
}

/// The placed entries and the pane height they take (0 without entries).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Legend {
    pub items: Vec<Item>,
    pub height: i32,
}

/// Flows the entries of `spec` (lines, then bands, in palette order) into
/// rows at most `max_width` wide, using at most `max_height` pixels; entries
/// that do not fit are left out rather than squeezing the prices.
pub(crate) fn layout(spec: &ChartSpec, max_width: i32, max_height: i32) -> Legend {
    let lines = spec
        .lines
        .iter()
        .zip(theme::LINE_COLOURS)
        .map(|(l, c)| (&l.label, c, Kind::Line));
    let bands = spec
        .bands
        .iter()
        .zip(theme::BAND_COLOURS)
        .map(|(b, c)| (&b.label, c, Kind::Band));
    let max_rows = (max_height - INSET) / ROW;
    let mut items = Vec::new();
    let (mut x, mut row) = (0, 0);
    for (label, colour, kind) in lines.chain(bands) {
        let label = font::fit(label, max_width - SWATCH - SWATCH_GAP);
        let w = SWATCH + SWATCH_GAP + font::width(&label);
        if x > 0 && x + w > max_width {
            (x, row) = (0, row + 1);
        }
        if row >= max_rows {
            break;
        }
        items.push(Item {
            x,
            y: row * ROW,
            label,
            colour,
            kind,
        });
        x += w + SPACING;
    }
    let rows = items.last().map_or(0, |i: &Item| i.y / ROW + 1);
    let height = if rows == 0 { 0 } else { INSET + rows * ROW };
    Legend { items, height }
}

/// Draws the legend over a cleared backdrop (grid lines stop at its edge).
pub(crate) fn draw(canvas: &mut Canvas, layout: &Layout) {
    let legend = &layout.legend;
    if legend.items.is_empty() {
        return;
    }
    let (ox, oy) = (layout.price.x + INSET, layout.price.y + INSET);
    let right = legend
        .items
        .iter()
        .map(|i| i.x + SWATCH + SWATCH_GAP + font::width(&i.label))
        .max()
        .unwrap_or(0);
    canvas.set_clip(Some(layout.price));
    canvas.fill_rect(
        Rect {
            x: ox - 3,
            y: oy - 2,
            w: right + 6,
            h: legend.height - INSET + 1,
        },
        theme::BACKGROUND,
    );
    for item in &legend.items {
        let (x, y) = (ox + item.x, oy + item.y);
        let mid = y + GLYPH_HEIGHT / 2;
        match item.kind {
            Kind::Line => canvas.fill_rect(
                Rect {
                    x,
                    y: mid - 1,
                    w: SWATCH,
                    h: 2,
                },
                item.colour,
            ),
            Kind::Band => {
                let r = Rect {
                    x,
                    y: mid - 4,
                    w: SWATCH,
                    h: 9,
                };
                canvas.blend_rect(r, item.colour, theme::BAND_FILL_ALPHA * 3);
                canvas.hline(r.x, r.right() - 1, r.y, item.colour);
                canvas.hline(r.x, r.right() - 1, r.bottom() - 1, item.colour);
            }
        }
        font::draw(
            canvas,
            x + SWATCH + SWATCH_GAP,
            y,
            &item.label,
            Face::Regular,
            theme::TEXT,
        );
    }
    canvas.set_clip(None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::spec::{Band, Candle, Line};

    fn spec(lines: usize, bands: usize) -> ChartSpec {
        let c = Candle {
            open_time: 0,
            open: 1.0,
            high: 1.0,
            low: 1.0,
            close: 1.0,
            volume: 0.0,
        };
        let mut s = ChartSpec::new("T", vec![c]);
        s.lines = (0..lines)
            .map(|i| Line {
                label: format!("SMA({i})"),
                points: vec![None],
            })
            .collect();
        s.bands = (0..bands)
            .map(|i| Band {
                label: format!("BB{i}"),
                upper: vec![None],
                lower: vec![None],
            })
            .collect();
        s
    }

    #[test]
    fn no_overlays_no_legend() {
        assert_eq!(layout(&spec(0, 0), 900, 100), Legend::default());
    }

    #[test]
    fn entries_flow_into_rows_in_palette_order() {
        let l = layout(&spec(8, 3), 300, 200);
        assert_eq!(l.items.len(), 11);
        assert_eq!(l.items[0].colour, theme::LINE_COLOURS[0]);
        assert_eq!(l.items[8].kind, Kind::Band);
        assert!(l
            .items
            .iter()
            .all(|i| i.x + SWATCH + SWATCH_GAP + font::width(&i.label) <= 300));
        let rows = l.items.iter().map(|i| i.y).max().unwrap() / ROW + 1;
        assert!(rows >= 3);
        assert_eq!(l.height, INSET + rows * ROW);
    }

    #[test]
    fn entries_that_do_not_fit_are_dropped() {
        let l = layout(&spec(8, 3), 150, INSET + 2 * ROW);
        assert!(!l.items.is_empty() && l.items.len() < 11);
        assert_eq!(l.height, INSET + 2 * ROW);
    }
}
