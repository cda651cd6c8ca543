//! Candlestick charts as PNG images, drawn from plain data in pure Rust.
//!
//! Built to run inside the WebAssembly sandbox: no system fonts (the text
//! is a bitmap font compiled in), no native code, no files, no clock, no
//! randomness. The same [`ChartSpec`] gives the same bytes on every run of
//! one build.
//!
//! The picture, top to bottom: a title row with the last candle's OHLC; the
//! price pane with a grid, bands, candles, line overlays, fill markers, a
//! legend and a dashed last-price line; an optional volume pane; the time
//! axis. The price axis with the last-price tag runs down the right side.
//! Candles sit at even spacing by index (gaps in time are not widened), so
//! a chart of N candles has N evenly spaced bodies.
//!
//! ```
//! use charts::render::{render_png, Candle, ChartSpec};
//!
//! let candles = (0..50)
//!     .map(|i| {
//!         let p = 100.0 + (i as f64 * 0.3).sin() * 5.0;
//!         Candle { open_time: i * 3_600_000, open: p, high: p + 1.5, low: p - 1.5, close: p + 0.5, volume: 10.0 }
//!     })
//!     .collect();
//! let png = render_png(&ChartSpec::new("BTCUSDT 1h", candles)).unwrap();
//! assert_eq!(&png[1..4], b"PNG");
//! ```

mod axes;
mod candles;
mod canvas;
mod encode;
mod font;
mod glyphs;
mod layout;
mod legend;
mod markers;
mod overlays;
mod spec;
mod theme;
mod ticks;
mod time;

#[cfg(test)]
mod tests;

pub use spec::{
    Band, Candle, ChartSpec, Line, Marker, RenderError, DEFAULT_HEIGHT, DEFAULT_WIDTH, MAX_BANDS,
    MAX_CANDLES, MAX_HEIGHT, MAX_LINES, MAX_WIDTH, MIN_HEIGHT, MIN_WIDTH,
};

/// Bound on the PNG of a chart at the default size ([`DEFAULT_WIDTH`] x
/// [`DEFAULT_HEIGHT`]), asserted by the tests. Measured (hourly random walk,
/// noisy volumes):
///
/// | candles | overlays | bytes |
/// | --- | --- | --- |
/// | 20 / 200 / 1000 | none | 3,859 / 6,210 / 10,050 |
/// | 200 | 3 lines, 1 band, 40 markers | 25,809 |
/// | 200 | 8 lines, 3 bands, 40 markers | 39,483 |
/// | 1500 | 8 lines, 3 bands, 200 markers (worst case) | 68,228 |
///
/// The worst case is [`MAX_CANDLES`] at under a pixel each, every overlay
/// and random volumes: column-by-column noise that deflate cannot shrink.
/// 72 KiB leaves ~8% headroom. Size grows with the canvas area: the same
/// worst case at [`MAX_WIDTH`] x [`MAX_HEIGHT`] is ~157 KB.
pub const MAX_PNG_BYTES: usize = 72 * 1024;

/// Draws `spec` as a PNG image of exactly `spec.width` x `spec.height`
/// pixels.
///
/// # Errors
/// [`RenderError`] when the spec is out of bounds or inconsistent (see
/// [`ChartSpec`] for the rules); nothing else can fail.
pub fn render_png(spec: &ChartSpec) -> Result<Vec<u8>, RenderError> {
    spec::validate(spec)?;
    Ok(encode::png(&draw(spec), &theme::solid()))
}

/// The candle colours (RGB): up (close ≥ open) and down. Public so that a
/// reader of the image — the host's tests through the binary — can find
/// the candles.
pub const CANDLE_COLOURS: [[u8; 3]; 2] = [
    [theme::UP.0, theme::UP.1, theme::UP.2],
    [theme::DOWN.0, theme::DOWN.1, theme::DOWN.2],
];

/// Where `spec`'s candles are drawn: (x, y, width, height) of the price
/// pane, in pixels. Only candle bodies and wicks use [`CANDLE_COLOURS`]
/// there when no overlay or marker is drawn.
pub fn price_pane(spec: &ChartSpec) -> (i32, i32, i32, i32) {
    let p = layout::Layout::new(spec).price;
    (p.x, p.y, p.w, p.h)
}

/// Draws a validated spec, back to front.
fn draw(spec: &ChartSpec) -> canvas::Canvas {
    let layout = layout::Layout::new(spec);
    let labels = axes::time_labels(spec, &layout);
    let mut canvas = canvas::Canvas::new(spec.width, spec.height, theme::BACKGROUND);
    axes::draw_grid(&mut canvas, &layout, &labels);
    overlays::draw_bands(&mut canvas, spec, &layout);
    candles::draw_volume(&mut canvas, spec, &layout);
    candles::draw(&mut canvas, spec, &layout);
    overlays::draw_lines(&mut canvas, spec, &layout);
    candles::draw_last_price_line(&mut canvas, spec, &layout);
    markers::draw(&mut canvas, spec, &layout);
    legend::draw(&mut canvas, &layout);
    axes::draw_axes(&mut canvas, spec, &layout, &labels);
    candles::draw_last_price_tag(&mut canvas, spec, &layout);
    axes::draw_header(&mut canvas, spec, &layout);
    canvas
}
