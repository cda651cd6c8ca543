//! The colours of a chart: one dark theme.
//!
//! Dark because the chart is meant to be read next to exchange UIs, which are
//! dark by default; the values follow Binance's dark palette so the up/down
//! colours mean what a trader expects. Every colour here is opaque; the
//! translucent effects (band fill, volume bars, anti-aliased edges) are
//! blends of these onto the background, so an image holds few distinct
//! colours and encodes as a small palette PNG.

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `self` drawn over `under` with opacity `alpha` (0 = `under`, 255 = `self`).
    ///
    /// Integer arithmetic, rounded: the same inputs give the same bytes on
    /// every target, which keeps the output deterministic.
    pub(crate) fn over(self, under: Rgb, alpha: u8) -> Rgb {
        let mix = |top: u8, bottom: u8| {
            let a = u32::from(alpha);
            ((u32::from(top) * a + u32::from(bottom) * (255 - a) + 127) / 255) as u8
        };
        Rgb(
            mix(self.0, under.0),
            mix(self.1, under.1),
            mix(self.2, under.2),
        )
    }
}

/// Canvas background (plot and margins alike).
pub(crate) const BACKGROUND: Rgb = Rgb(0x16, 0x1A, 0x1E);
/// Grid lines: just above the background, so they guide without competing.
pub(crate) const GRID: Rgb = Rgb(0x26, 0x2B, 0x32);
/// Pane borders and axis ticks.
pub(crate) const AXIS: Rgb = Rgb(0x3A, 0x41, 0x4B);
/// Axis labels and legend text.
pub(crate) const TEXT: Rgb = Rgb(0xA8, 0xAF, 0xB8);
/// The title.
pub(crate) const TITLE: Rgb = Rgb(0xEA, 0xEC, 0xEF);
/// Text drawn on a filled up/down tag.
pub(crate) const TAG_TEXT: Rgb = Rgb(0xFF, 0xFF, 0xFF);
/// Up candles (close >= open) and buy markers.
pub(crate) const UP: Rgb = Rgb(0x0E, 0xCB, 0x81);
/// Down candles (close < open) and sell markers.
pub(crate) const DOWN: Rgb = Rgb(0xF6, 0x46, 0x5D);
/// Opacity of volume bars over the background: dim enough that the volume
/// pane reads as secondary, and not the exact candle colour, so a pixel
/// scan can tell candles from volume.
pub(crate) const VOLUME_ALPHA: u8 = 100;
/// Opacity of the dashed last-price line.
pub(crate) const LAST_PRICE_ALPHA: u8 = 150;

/// Line overlays, in order: chosen to differ from each other and from the
/// up/down colours. There are exactly [`MAX_LINES`](super::MAX_LINES) of
/// them, so no two lines of one chart share a colour.
pub(crate) const LINE_COLOURS: [Rgb; 8] = [
    Rgb(0xF0, 0xB9, 0x0B), // Binance yellow
    Rgb(0x3D, 0x9B, 0xFF), // blue
    Rgb(0xC2, 0x7C, 0xFF), // violet
    Rgb(0xFF, 0x8A, 0x3D), // orange
    Rgb(0x2E, 0xD3, 0xD3), // cyan
    Rgb(0xFF, 0x6F, 0xB5), // pink
    Rgb(0xA8, 0xE0, 0x5F), // lime
    Rgb(0xE8, 0xE8, 0xE8), // white
];

/// Band overlays, in order ([`MAX_BANDS`](super::MAX_BANDS) of them).
pub(crate) const BAND_COLOURS: [Rgb; 3] = [
    Rgb(0x5B, 0x8D, 0xEF), // steel blue
    Rgb(0xB5, 0x8C, 0xFF), // lavender
    Rgb(0xE0, 0xA4, 0x58), // sand
];
/// Opacity of a band's fill: faint, so candles inside it stay legible.
pub(crate) const BAND_FILL_ALPHA: u8 = 30;

/// The solid colours, which the encoder keeps exact however many blends a
/// chart makes (text, candles and legend swatches must not shift).
pub(crate) fn solid() -> Vec<Rgb> {
    let fixed = [BACKGROUND, GRID, AXIS, TEXT, TITLE, TAG_TEXT, UP, DOWN];
    fixed
        .into_iter()
        .chain(LINE_COLOURS)
        .chain(BAND_COLOURS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_is_exact_at_the_ends_and_rounds_between() {
        assert_eq!(UP.over(BACKGROUND, 255), UP);
        assert_eq!(UP.over(BACKGROUND, 0), BACKGROUND);
        assert_eq!(
            Rgb(255, 255, 255).over(Rgb(0, 0, 0), 128),
            Rgb(128, 128, 128)
        );
    }

    #[test]
    fn palettes_fit_the_overlay_limits() {
        assert_eq!(LINE_COLOURS.len(), super::super::MAX_LINES);
        assert_eq!(BAND_COLOURS.len(), super::super::MAX_BANDS);
        assert!(!LINE_COLOURS.contains(&UP) && !LINE_COLOURS.contains(&DOWN));
    }
}
