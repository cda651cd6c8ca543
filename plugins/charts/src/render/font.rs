//! Text: the embedded 6x13 misc-fixed bitmap fonts (see `fonts/README.md`).
//!
//! A bitmap font rather than a vector one: at the one size a chart needs it
//! is crisp without anti-aliasing (so it adds no colours to the palette),
//! costs 2.5 KB of tables instead of a TTF plus a rasteriser, and draws the
//! same pixels on every target.

use super::canvas::Canvas;
use super::glyphs::{BOLD, REGULAR};
use super::theme::Rgb;

/// Advance of every glyph, in pixels (the font is monospaced).
pub(crate) const GLYPH_WIDTH: i32 = 6;
/// Height of a line of text, in pixels: 11 above the baseline, 2 below.
pub(crate) const GLYPH_HEIGHT: i32 = 13;
/// Rows of a glyph cell above the baseline.
const ASCENT: i32 = 11;
/// Top of the capitals within a cell (cap height 9): used to centre a
/// label on a line, so digits sit symmetrically around it.
const CAP_TOP: i32 = ASCENT - 9;

/// Regular for labels, bold for the title and the last-price tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// Width of `text` in pixels, as [`draw`] draws it.
pub(crate) fn width(text: &str) -> i32 {
    text.chars().count() as i32 * GLYPH_WIDTH
}

/// Draws `text` with the top of its cell at `y`; returns the x after it.
/// Characters outside printable ASCII are drawn as `?`.
pub(crate) fn draw(
    canvas: &mut Canvas,
    x: i32,
    y: i32,
    text: &str,
    face: Face,
    colour: Rgb,
) -> i32 {
    let table = match face {
        Face::Regular => &REGULAR,
        Face::Bold => &BOLD,
    };
    let mut pen = x;
    for ch in text.chars() {
        let code = if (' '..='~').contains(&ch) {
            ch as usize
        } else {
            '?' as usize
        };
        for (row, bits) in table[code - 32].iter().enumerate() {
            for col in 0..GLYPH_WIDTH {
                if bits & (0x80 >> col) != 0 {
                    canvas.put(pen + col, y + row as i32, colour);
                }
            }
        }
        pen += GLYPH_WIDTH;
    }
    pen
}

/// The `y` for [`draw`] that centres capitals and digits on row `centre`.
pub(crate) fn top_for_centre(centre: i32) -> i32 {
    centre - CAP_TOP - 9 / 2
}

/// `text` shortened to at most `max_width` pixels, ending in `...` when cut.
pub(crate) fn fit(text: &str, max_width: i32) -> String {
    let max_chars = (max_width / GLYPH_WIDTH).max(0) as usize;
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    if max_chars <= 3 {
        return text.chars().take(max_chars).collect();
    }
    let mut cut: String = text.chars().take(max_chars - 3).collect();
    cut.push_str("...");
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    const BG: Rgb = Rgb(0, 0, 0);
    const FG: Rgb = Rgb(255, 255, 255);

    fn lit(c: &Canvas) -> usize {
        c.pixels().iter().filter(|&&p| p == FG).count()
    }

    #[test]
    fn draws_glyphs_and_advances_by_the_cell_width() {
        let mut c = Canvas::new(40, 20, BG);
        assert_eq!(draw(&mut c, 1, 1, "12", Face::Regular, FG), 13);
        assert!(lit(&c) > 10);
        // Nothing outside the two cells.
        assert!((0..20).all(|y| c.get(0, y) == BG && c.get(13, y) == BG));
    }

    #[test]
    fn bold_is_heavier_and_space_is_blank() {
        let mut regular = Canvas::new(10, 14, BG);
        let mut bold = Canvas::new(10, 14, BG);
        draw(&mut regular, 0, 0, "B", Face::Regular, FG);
        draw(&mut bold, 0, 0, "B", Face::Bold, FG);
        assert!(lit(&bold) > lit(&regular));
        let mut blank = Canvas::new(10, 14, BG);
        draw(&mut blank, 0, 0, " ", Face::Regular, FG);
        assert_eq!(lit(&blank), 0);
    }

    #[test]
    fn non_ascii_is_a_question_mark() {
        let mut a = Canvas::new(10, 14, BG);
        let mut b = Canvas::new(10, 14, BG);
        draw(&mut a, 0, 0, "€", Face::Regular, FG);
        draw(&mut b, 0, 0, "?", Face::Regular, FG);
        assert_eq!(a.pixels(), b.pixels());
        assert_eq!(width("€a"), 12);
    }

    #[test]
    fn fit_truncates_with_an_ellipsis() {
        assert_eq!(fit("BTCUSDT", 60), "BTCUSDT");
        assert_eq!(fit("BTCUSDT 1h", 42), "BTCU...");
        assert_eq!(fit("BTCUSDT", 12), "BT");
        assert_eq!(fit("BTCUSDT", 0), "");
    }
}
