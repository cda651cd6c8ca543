//! What a chart shows ([`ChartSpec`] and its parts), its limits, and the
//! checks that run before any pixel is drawn.

use thiserror::Error;

/// Narrowest chart: room for a price axis and a few dozen candles.
pub const MIN_WIDTH: u32 = 320;
/// Lowest chart: room for a title, a price pane and a time axis.
pub const MIN_HEIGHT: u32 = 200;
/// Widest chart. With [`MAX_HEIGHT`] it bounds the canvas to 1.6 MP
/// (4.8 MB of RGB while drawing), well inside a plugin's memory, and
/// wider than a chat client shows an image anyway.
pub const MAX_WIDTH: u32 = 1600;
/// Highest chart (see [`MAX_WIDTH`]).
pub const MAX_HEIGHT: u32 = 1000;
/// Default width: 200 candles get ~4.6 px each, enough for a visible body
/// and a gap.
pub const DEFAULT_WIDTH: u32 = 1000;
/// Default height: a 5:3 image, which chat clients show without cropping.
pub const DEFAULT_HEIGHT: u32 = 600;
/// Most candles in one chart: Binance's largest kline page (USD-M futures,
/// 1500; spot's is 1000). Past ~1 candle per pixel, candles merge anyway.
pub const MAX_CANDLES: usize = 1500;
/// Most line overlays: one per palette colour, so no two lines look alike.
pub const MAX_LINES: usize = 8;
/// Most band overlays: more than three translucent fills stop being legible.
pub const MAX_BANDS: usize = 3;

/// One OHLCV candle. `f64` because these become pixels, not money.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candle {
    /// Open time, milliseconds since the Unix epoch (UTC), as Binance sends it.
    pub open_time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    /// Base-asset volume; only drawn in the volume pane.
    pub volume: f64,
}

/// A series drawn as a line over the candles (a moving average, VWAP, ...),
/// in a palette colour with a legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Legend text, e.g. `SMA(20)`.
    pub label: String,
    /// One value per candle; `None` where the series is undefined (the
    /// warm-up of an indicator), which breaks the line.
    pub points: Vec<Option<f64>>,
}

/// A channel drawn as a translucent fill between two outlines (Bollinger
/// bands, Keltner channels, ...), with a legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Legend text, e.g. `BB(20, 2)`.
    pub label: String,
    /// One value per candle, `None` where undefined.
    pub upper: Vec<Option<f64>>,
    /// One value per candle, `None` where undefined.
    pub lower: Vec<Option<f64>>,
}

/// A fill of the account: a green triangle below the candle for a buy, a red
/// one above it for a sell, pointing at the candle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker {
    /// Fill time, ms since the epoch. The marker goes on the candle whose
    /// interval contains it; a fill outside every candle is not drawn.
    pub time: i64,
    /// Fill price: the triangle's tip sits just beyond it or beyond the
    /// candle's extreme, whichever is further out.
    pub price: f64,
    pub buy: bool,
}

/// Everything one chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    /// Drawn top left, e.g. `BTCUSDT 1h`. ASCII; other characters show as `?`.
    pub title: String,
    /// Pixels, [`MIN_WIDTH`]..=[`MAX_WIDTH`].
    pub width: u32,
    /// Pixels, [`MIN_HEIGHT`]..=[`MAX_HEIGHT`].
    pub height: u32,
    /// Oldest first, open times strictly increasing; 1..=[`MAX_CANDLES`].
    pub candles: Vec<Candle>,
    /// At most [`MAX_LINES`], each aligned with `candles`.
    pub lines: Vec<Line>,
    /// At most [`MAX_BANDS`], each aligned with `candles`.
    pub bands: Vec<Band>,
    pub markers: Vec<Marker>,
    /// Whether to draw volume bars in a pane under the prices (the bottom
    /// fifth of the plot).
    pub volume_pane: bool,
}

impl ChartSpec {
    /// A chart of `candles` at the default size with a volume pane and no
    /// overlays.
    pub fn new(title: impl Into<String>, candles: Vec<Candle>) -> ChartSpec {
        ChartSpec {
            title: title.into(),
            width: DEFAULT_WIDTH,
            height: DEFAULT_HEIGHT,
            candles,
            lines: Vec::new(),
            bands: Vec::new(),
            markers: Vec::new(),
            volume_pane: true,
        }
    }
}

/// Why a chart could not be drawn. Every variant is a fault in the
/// [`ChartSpec`]; drawing and encoding a valid spec cannot fail.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RenderError {
    #[error("no candles to draw")]
    NoCandles,
    #[error("{count} candles is too many: at most {MAX_CANDLES}")]
    TooManyCandles { count: usize },
    #[error(
        "chart size {width}x{height} is out of bounds: width {MIN_WIDTH}..={MAX_WIDTH}, \
         height {MIN_HEIGHT}..={MAX_HEIGHT} pixels"
    )]
    Size { width: u32, height: u32 },
    #[error("{lines} lines and {bands} bands is too many: at most {MAX_LINES} lines and {MAX_BANDS} bands")]
    TooManyOverlays { lines: usize, bands: usize },
    #[error("{what} is {value}, not a finite number")]
    NotFinite { what: String, value: f64 },
    #[error("{what} has {len} values but there are {candles} candles")]
    Length {
        what: String,
        len: usize,
        candles: usize,
    },
    #[error("candle {index} opens at {open_time} ms, not after candle {} at {previous} ms", index - 1)]
    NotIncreasing {
        index: usize,
        open_time: i64,
        previous: i64,
    },
    #[error("candle {index} is inconsistent: {reason}")]
    BadCandle { index: usize, reason: String },
}

/// Checks `spec` against the limits and the invariants the drawing code
/// relies on (finite values, aligned series, increasing times, low <= open,
/// close <= high, volume >= 0).
pub(crate) fn validate(spec: &ChartSpec) -> Result<(), RenderError> {
    let n = spec.candles.len();
    if n == 0 {
        return Err(RenderError::NoCandles);
    }
    if n > MAX_CANDLES {
        return Err(RenderError::TooManyCandles { count: n });
    }
    if !(MIN_WIDTH..=MAX_WIDTH).contains(&spec.width)
        || !(MIN_HEIGHT..=MAX_HEIGHT).contains(&spec.height)
    {
        return Err(RenderError::Size {
            width: spec.width,
            height: spec.height,
        });
    }
    if spec.lines.len() > MAX_LINES || spec.bands.len() > MAX_BANDS {
        return Err(RenderError::TooManyOverlays {
            lines: spec.lines.len(),
            bands: spec.bands.len(),
        });
    }
    for (i, c) in spec.candles.iter().enumerate() {
        let fields = [
            ("open", c.open),
            ("high", c.high),
            ("low", c.low),
            ("close", c.close),
            ("volume", c.volume),
        ];
        for (name, value) in fields {
            finite(value, || format!("candle {i} {name}"))?;
        }
        let bad = |reason: String| Err(RenderError::BadCandle { index: i, reason });
        if c.low > c.open.min(c.close) {
            return bad(format!(
                "low {} is above open {} or close {}",
                c.low, c.open, c.close
            ));
        }
        if c.high < c.open.max(c.close) {
            return bad(format!(
                "high {} is below open {} or close {}",
                c.high, c.open, c.close
            ));
        }
        if c.volume < 0.0 {
            return bad(format!("volume {} is negative", c.volume));
        }
        if i > 0 && c.open_time <= spec.candles[i - 1].open_time {
            let previous = spec.candles[i - 1].open_time;
            return Err(RenderError::NotIncreasing {
                index: i,
                open_time: c.open_time,
                previous,
            });
        }
    }
    for line in &spec.lines {
        series(&line.points, n, || format!("line {:?}", line.label))?;
    }
    for band in &spec.bands {
        series(&band.upper, n, || format!("band {:?} upper", band.label))?;
        series(&band.lower, n, || format!("band {:?} lower", band.label))?;
    }
    for (i, m) in spec.markers.iter().enumerate() {
        finite(m.price, || format!("marker {i} price"))?;
    }
    Ok(())
}

fn finite(value: f64, what: impl FnOnce() -> String) -> Result<(), RenderError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(RenderError::NotFinite {
            what: what(),
            value,
        })
    }
}

fn series(
    values: &[Option<f64>],
    candles: usize,
    what: impl Fn() -> String,
) -> Result<(), RenderError> {
    if values.len() != candles {
        return Err(RenderError::Length {
            what: what(),
            len: values.len(),
            candles,
        });
    }
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = *v {
            finite(v, || format!("{} point {i}", what()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candle(t: i64, close: f64) -> Candle {
        Candle {
            open_time: t,
            open: 10.0,
            high: 12.0,
            low: 9.0,
            close,
            volume: 1.0,
        }
    }

    fn spec(n: usize) -> ChartSpec {
        ChartSpec::new(
            "T",
            (0..n as i64).map(|i| candle(i * 60_000, 11.0)).collect(),
        )
    }

    #[test]
    fn a_plain_spec_is_valid() {
        assert_eq!(validate(&spec(5)), Ok(()));
    }

    #[test]
    fn limits_are_enforced() {
        assert_eq!(validate(&spec(0)), Err(RenderError::NoCandles));
        assert_eq!(
            validate(&spec(MAX_CANDLES + 1)),
            Err(RenderError::TooManyCandles {
                count: MAX_CANDLES + 1
            })
        );
        for (w, h) in [
            (MIN_WIDTH - 1, 600),
            (1000, MAX_HEIGHT + 1),
            (0, 0),
            (MAX_WIDTH + 1, MIN_HEIGHT),
        ] {
            let s = ChartSpec {
                width: w,
                height: h,
                ..spec(3)
            };
            assert_eq!(
                validate(&s),
                Err(RenderError::Size {
                    width: w,
                    height: h
                })
            );
        }
        assert_eq!(
            RenderError::Size {
                width: 100,
                height: 5_000
            }
            .to_string(),
            "chart size 100x5000 is out of bounds: width 320..=1600, height 200..=1000 pixels"
        );
        let line = Line {
            label: "L".into(),
            points: vec![None; 3],
        };
        let s = ChartSpec {
            lines: vec![line; MAX_LINES + 1],
            ..spec(3)
        };
        assert!(matches!(
            validate(&s),
            Err(RenderError::TooManyOverlays { .. })
        ));
    }

    #[test]
    fn bad_values_are_reported_with_their_place() {
        let mut s = spec(3);
        s.candles[1].close = f64::NAN;
        let e = validate(&s).unwrap_err();
        assert_eq!(e.to_string(), "candle 1 close is NaN, not a finite number");

        let mut s = spec(3);
        s.lines.push(Line {
            label: "SMA(2)".into(),
            points: vec![None, Some(f64::INFINITY), None],
        });
        assert_eq!(
            validate(&s).unwrap_err().to_string(),
            "line \"SMA(2)\" point 1 is inf, not a finite number"
        );

        let mut s = spec(3);
        s.markers.push(Marker {
            time: 0,
            price: f64::NAN,
            buy: true,
        });
        assert!(matches!(validate(&s), Err(RenderError::NotFinite { .. })));
    }

    #[test]
    fn misaligned_series_are_rejected() {
        let mut s = spec(3);
        s.bands.push(Band {
            label: "BB".into(),
            upper: vec![None; 3],
            lower: vec![None; 2],
        });
        assert_eq!(
            validate(&s).unwrap_err().to_string(),
            "band \"BB\" lower has 2 values but there are 3 candles"
        );
    }

    #[test]
    fn candles_must_be_ordered_and_consistent() {
        let mut s = spec(3);
        s.candles[2].open_time = s.candles[1].open_time;
        assert_eq!(
            validate(&s).unwrap_err().to_string(),
            "candle 2 opens at 60000 ms, not after candle 1 at 60000 ms"
        );
        let mut s = spec(3);
        s.candles[0].high = 10.5;
        assert!(matches!(
            validate(&s),
            Err(RenderError::BadCandle { index: 0, .. })
        ));
        let mut s = spec(3);
        s.candles[0].volume = -1.0;
        assert!(matches!(
            validate(&s),
            Err(RenderError::BadCandle { index: 0, .. })
        ));
    }
}
