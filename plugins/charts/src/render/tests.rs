//! End-to-end tests: render, decode the PNG with an independent decoder,
//! and check what a reader of the image would see.

use std::collections::HashSet;

use super::layout::Layout;
use super::theme::{self, Rgb};
use super::*;

const HOUR: i64 = 3_600_000;
/// 2025-01-01 00:00 UTC.
const START: i64 = 1_735_689_600_000;

/// A deterministic random walk (64-bit LCG) around `start`, hourly.
fn candles(n: usize, start: f64, seed: u64) -> Vec<Candle> {
    let mut state = seed;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut price = start;
    (0..n)
        .map(|i| {
            let open = price;
            let close = open * (1.0 + (next() - 0.5) * 0.02);
            let high = open.max(close) * (1.0 + next() * 0.006);
            let low = open.min(close) * (1.0 - next() * 0.006);
            price = close;
            Candle {
                open_time: START + i as i64 * HOUR,
                open,
                high,
                low,
                close,
                volume: 10.0 + next() * 90.0,
            }
        })
        .collect()
}

fn sma(candles: &[Candle], period: usize) -> Vec<Option<f64>> {
    (0..candles.len())
        .map(|i| {
            (i + 1 >= period).then(|| {
                candles[i + 1 - period..=i]
                    .iter()
                    .map(|c| c.close)
                    .sum::<f64>()
                    / period as f64
            })
        })
        .collect()
}

fn bollinger(candles: &[Candle], period: usize, width: f64) -> Band {
    let mid = sma(candles, period);
    let dev = |i: usize| {
        let m = mid[i]?;
        let var = candles[i + 1 - period..=i]
            .iter()
            .map(|c| (c.close - m).powi(2))
            .sum::<f64>()
            / period as f64;
        Some(var.sqrt() * width)
    };
    Band {
        label: format!("BB({period}, {width})"),
        upper: (0..candles.len())
            .map(|i| Some(mid[i]? + dev(i)?))
            .collect(),
        lower: (0..candles.len())
            .map(|i| Some(mid[i]? - dev(i)?))
            .collect(),
    }
}

/// A chart with every kind of overlay: `lines` SMAs, `bands` bands and a
/// buy and a sell every `marker_every` candles.
fn full(n: usize, lines: usize, bands: usize, marker_every: usize) -> ChartSpec {
    let c = candles(n, 104_000.0, 7);
    let mut spec = ChartSpec::new("BTCUSDT 1h", c.clone());
    spec.lines = (0..lines)
        .map(|k| Line {
            label: format!("SMA({})", 5 + 10 * k),
            points: sma(&c, 5 + 10 * k),
        })
        .collect();
    spec.bands = (0..bands)
        .map(|k| bollinger(&c, 20, 1.0 + k as f64))
        .collect();
    spec.markers = (0..n)
        .step_by(marker_every)
        .flat_map(|i| {
            let t = c[i].open_time + 1_000;
            [
                Marker {
                    time: t,
                    price: c[i].low,
                    buy: true,
                },
                Marker {
                    time: t + 1,
                    price: c[i].high,
                    buy: false,
                },
            ]
        })
        .collect();
    spec
}

struct Image {
    width: u32,
    height: u32,
    pixels: Vec<Rgb>,
}

impl Image {
    fn get(&self, x: i32, y: i32) -> Rgb {
        self.pixels[(y as u32 * self.width + x as u32) as usize]
    }

    fn colours(&self) -> HashSet<Rgb> {
        self.pixels.iter().copied().collect()
    }
}

fn decode(bytes: &[u8]) -> Image {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let pixels = buf[..info.buffer_size()]
        .chunks(3)
        .map(|p| Rgb(p[0], p[1], p[2]))
        .collect();
    Image {
        width: info.width,
        height: info.height,
        pixels,
    }
}

fn render(spec: &ChartSpec) -> Image {
    decode(&render_png(spec).expect("valid spec"))
}

/// Left edges of the runs of columns in the price pane holding `colours`,
/// scanning every row of the pane.
fn body_columns(image: &Image, layout: &Layout, colours: &[Rgb]) -> Vec<i32> {
    let p = layout.price;
    let lit = |x: i32| (p.y..p.bottom()).any(|y| colours.contains(&image.get(x, y)));
    let mut starts = Vec::new();
    let mut previous = false;
    for x in p.x..p.right() {
        let now = lit(x);
        if now && !previous {
            starts.push(x);
        }
        previous = now;
    }
    starts
}

#[test]
fn the_image_has_the_requested_size() {
    for (w, h) in [
        (DEFAULT_WIDTH, DEFAULT_HEIGHT),
        (MIN_WIDTH, MIN_HEIGHT),
        (MAX_WIDTH, MAX_HEIGHT),
        (777, 333),
    ] {
        let spec = ChartSpec {
            width: w,
            height: h,
            ..full(120, 3, 1, 10)
        };
        let image = render(&spec);
        assert_eq!((image.width, image.height), (w, h));
    }
}

#[test]
fn a_mixed_series_shows_both_candle_colours_and_text() {
    let image = render(&ChartSpec::new("BTCUSDT 1h", candles(60, 104_000.0, 1)));
    let colours = image.colours();
    for c in [
        theme::BACKGROUND,
        theme::GRID,
        theme::TEXT,
        theme::TITLE,
        theme::UP,
        theme::DOWN,
    ] {
        assert!(colours.contains(&c), "{c:?} missing");
    }
    assert!(colours.len() >= 8, "{} colours", colours.len());
}

#[test]
fn every_candle_is_a_separate_body_at_its_slot() {
    for n in [20, 200] {
        let spec = ChartSpec::new("BTCUSDT 1h", candles(n, 104_000.0, 3));
        let layout = Layout::new(&spec);
        let image = render(&spec);
        let all = body_columns(&image, &layout, &[theme::UP, theme::DOWN]);
        assert_eq!(all.len(), n, "{n} candles");
        let expected: Vec<i32> = (0..n).map(|i| layout.body_left(i)).collect();
        assert_eq!(all, expected, "bodies where the layout puts them");
        let ups = spec.candles.iter().filter(|c| c.close >= c.open).count();
        assert!(ups > 0 && ups < n, "a mixed series");
        assert_eq!(body_columns(&image, &layout, &[theme::UP]).len(), ups);
        assert_eq!(body_columns(&image, &layout, &[theme::DOWN]).len(), n - ups);
    }
}

#[test]
fn spacing_is_even() {
    let spec = ChartSpec::new("T", candles(200, 50.0, 5));
    let layout = Layout::new(&spec);
    let steps: HashSet<i32> = (1..200)
        .map(|i| layout.body_left(i) - layout.body_left(i - 1))
        .collect();
    let (lo, hi) = (steps.iter().min().unwrap(), steps.iter().max().unwrap());
    assert!(hi - lo <= 1, "steps {steps:?}");
}

#[test]
fn overlays_change_pixels_in_their_colours() {
    let plain = ChartSpec::new("BTCUSDT 1h", candles(200, 104_000.0, 7));
    let with = full(200, 2, 1, 1_000);
    let (a, b) = (
        render(&plain),
        render(&ChartSpec {
            markers: Vec::new(),
            ..with
        }),
    );
    let changed = a
        .pixels
        .iter()
        .zip(&b.pixels)
        .filter(|(x, y)| x != y)
        .count();
    assert!(changed > 2_000, "{changed} pixels changed");
    let colours = b.colours();
    assert!(colours.contains(&theme::LINE_COLOURS[0]) && colours.contains(&theme::LINE_COLOURS[1]));
    assert!(colours.contains(&theme::BAND_COLOURS[0]));
    assert!(
        colours.contains(&theme::BAND_COLOURS[0].over(theme::BACKGROUND, theme::BAND_FILL_ALPHA))
    );
}

#[test]
fn markers_appear_below_buys_and_above_sells() {
    let c = candles(40, 2_500.0, 11);
    let mut spec = ChartSpec::new("ETHUSDT 1h", c.clone());
    let without = render(&spec);
    spec.markers = vec![
        Marker {
            time: c[10].open_time + 5 * 60_000,
            price: c[10].low,
            buy: true,
        },
        Marker {
            time: c[30].open_time,
            price: c[30].high,
            buy: false,
        },
        Marker {
            time: START - HOUR,
            price: 1.0,
            buy: true,
        }, // before the chart: ignored
    ];
    let layout = Layout::new(&spec);
    let with = render(&spec);
    let x10 = layout.wick_x(10);
    let below = layout.scale.row(c[10].low) + 4..layout.price.bottom();
    assert!(below
        .clone()
        .any(|y| with.get(x10, y) == theme::UP && without.get(x10, y) != theme::UP));
    let x30 = layout.wick_x(30);
    let above = layout.price.y..layout.scale.row(c[30].high) - 3;
    assert!(above
        .clone()
        .any(|y| with.get(x30, y) == theme::DOWN && without.get(x30, y) != theme::DOWN));
    assert_eq!(
        layout.scale,
        Layout::new(&ChartSpec {
            markers: spec.markers[..2].to_vec(),
            ..spec.clone()
        })
        .scale
    );
}

#[test]
fn invalid_specs_are_errors() {
    assert_eq!(
        render_png(&ChartSpec::new("T", Vec::new())),
        Err(RenderError::NoCandles)
    );
    let bad_size = ChartSpec {
        width: 100,
        height: 5_000,
        ..ChartSpec::new("T", candles(5, 1.0, 1))
    };
    assert_eq!(
        render_png(&bad_size),
        Err(RenderError::Size {
            width: 100,
            height: 5_000
        })
    );
    let mut nan = ChartSpec::new("T", candles(5, 1.0, 1));
    nan.candles[3].high = f64::NAN;
    let e = render_png(&nan).unwrap_err();
    assert!(
        matches!(&e, RenderError::NotFinite { what, .. } if what == "candle 3 high"),
        "{e}"
    );
    let mut short = full(30, 1, 0, 100);
    short.lines[0].points.pop();
    assert!(matches!(
        render_png(&short),
        Err(RenderError::Length {
            len: 29,
            candles: 30,
            ..
        })
    ));
}

#[test]
fn the_same_spec_gives_the_same_bytes() {
    let spec = full(200, 3, 1, 17);
    assert_eq!(render_png(&spec), render_png(&spec.clone()));
}

#[test]
fn odd_inputs_still_render() {
    let one = ChartSpec::new("ONE", candles(1, 0.000_012_34, 2));
    assert_eq!(render(&one).width, DEFAULT_WIDTH);
    let flat = Candle {
        open_time: 0,
        open: 5.0,
        high: 5.0,
        low: 5.0,
        close: 5.0,
        volume: 0.0,
    };
    let flat = ChartSpec::new(
        "FLAT",
        vec![flat; 1]
            .into_iter()
            .chain([Candle {
                open_time: 1,
                ..flat
            }])
            .collect(),
    );
    assert!(render(&flat).colours().contains(&theme::UP));
    let long_title = ChartSpec {
        title: "€".repeat(500),
        width: MIN_WIDTH,
        height: MIN_HEIGHT,
        ..full(300, 8, 3, 7)
    };
    assert_eq!(render(&long_title).width, MIN_WIDTH);
    let max = ChartSpec {
        width: MAX_WIDTH,
        height: MAX_HEIGHT,
        ..full(MAX_CANDLES, 8, 3, 15)
    };
    assert_eq!(render(&max).height, MAX_HEIGHT);
}

/// The worst case behind [`MAX_PNG_BYTES`], and the usual case well under it.
#[test]
fn png_size_stays_within_the_documented_bound() {
    let worst = render_png(&full(MAX_CANDLES, MAX_LINES, MAX_BANDS, 15)).unwrap();
    assert!(worst.len() <= MAX_PNG_BYTES, "{} bytes", worst.len());
    let busy = render_png(&full(200, MAX_LINES, MAX_BANDS, 10)).unwrap();
    assert!(busy.len() <= 60 * 1024, "{} bytes", busy.len());
    let usual = render_png(&full(200, 3, 1, 10)).unwrap();
    assert!(usual.len() <= 30 * 1024, "{} bytes", usual.len());
    assert_eq!(usual[25], 3, "a palette PNG");
}

/// Sizes and native render times; not an assertion on time.
/// `cargo test -p charts --release -- --ignored --nocapture timing`
#[test]
#[ignore = "a measurement, run by hand"]
fn timing_report() {
    let cases = [
        (DEFAULT_WIDTH, DEFAULT_HEIGHT, 20, 0, 0, 1_000),
        (DEFAULT_WIDTH, DEFAULT_HEIGHT, 200, 0, 0, 1_000),
        (DEFAULT_WIDTH, DEFAULT_HEIGHT, 1_000, 0, 0, 1_000),
        (DEFAULT_WIDTH, DEFAULT_HEIGHT, 20, 3, 1, 5),
        (DEFAULT_WIDTH, DEFAULT_HEIGHT, 200, 3, 1, 10),
        (DEFAULT_WIDTH, DEFAULT_HEIGHT, 1_000, 3, 1, 50),
        (DEFAULT_WIDTH, DEFAULT_HEIGHT, 200, 8, 3, 10),
        (DEFAULT_WIDTH, DEFAULT_HEIGHT, 1_500, 8, 3, 15),
        (MAX_WIDTH, MAX_HEIGHT, 1_500, 8, 3, 15),
        (MIN_WIDTH, MIN_HEIGHT, 100, 3, 1, 10),
    ];
    for (width, height, n, lines, bands, every) in cases {
        let spec = ChartSpec {
            width,
            height,
            ..full(n, lines, bands, every)
        };
        let spec = if lines == 0 {
            ChartSpec {
                markers: Vec::new(),
                ..spec
            }
        } else {
            spec
        };
        let runs = 10;
        let started = std::time::Instant::now();
        let mut bytes = Vec::new();
        for _ in 0..runs {
            bytes = render_png(&spec).unwrap();
        }
        let per = started.elapsed() / runs;
        let t = std::time::Instant::now();
        let canvas = super::draw(&spec);
        let draw = t.elapsed();
        let colours = canvas.pixels().iter().collect::<HashSet<_>>().len();
        println!(
            "{width}x{height} {n:>5} candles, {lines} lines, {bands} bands, {:>3} markers: {:>6} bytes, {colours:>4} colours, {per:>9.2?} (draw {draw:.2?})",
            spec.markers.len(),
            bytes.len()
        );
        if let Ok(dir) = std::env::var("CHARTS_PNG_DIR") {
            std::fs::write(
                format!("{dir}/chart-{width}x{height}-{n}-{lines}-{bands}.png"),
                &bytes,
            )
            .unwrap();
        }
    }
}
