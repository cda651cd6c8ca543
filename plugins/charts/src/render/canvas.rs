//! An RGB pixel buffer and the few drawing operations a chart needs.
//!
//! Rectangles and axis-aligned lines are drawn on whole pixels, so candles
//! stay crisp; only diagonal strokes (overlay lines) and marker triangles are
//! anti-aliased. Coverage is quantised to [`COVERAGE_LEVELS`] steps: an edge
//! then blends into a handful of colours, which keeps the palette (and the
//! PNG) small without visible banding on 1-2 px strokes.

use super::theme::Rgb;

/// Steps of anti-aliasing coverage. A 1-2 px stroke has only a pixel or
/// two of edge across, so eight shades are enough to look smooth, and one
/// stroke over one background adds at most eight colours.
const COVERAGE_LEVELS: u8 = 8;

/// Supersampling grid per axis for filled triangles (4 x 4 = 16 samples),
/// finer than [`COVERAGE_LEVELS`] so quantisation, not sampling, decides.
const TRIANGLE_SAMPLES: i32 = 4;

/// A rectangle of whole pixels: `x..x + w` by `y..y + h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    pub(crate) fn right(&self) -> i32 {
        self.x + self.w
    }

    pub(crate) fn bottom(&self) -> i32 {
        self.y + self.h
    }

    fn contains(&self, x: i32, y: i32) -> bool {
        x >= self.x && x < self.right() && y >= self.y && y < self.bottom()
    }

    /// The part of `self` inside `other` (possibly empty: `w` or `h` <= 0).
    fn intersect(&self, other: &Rect) -> Rect {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        Rect {
            x,
            y,
            w: self.right().min(other.right()) - x,
            h: self.bottom().min(other.bottom()) - y,
        }
    }
}

/// An opaque RGB image with a clip rectangle that every operation honours.
pub(crate) struct Canvas {
    width: i32,
    height: i32,
    pixels: Vec<Rgb>,
    clip: Rect,
}

impl Canvas {
    /// A `width` x `height` canvas filled with `background`. The caller
    /// bounds the size (see [`MAX_WIDTH`](super::MAX_WIDTH)), so the casts
    /// to `i32` cannot wrap.
    pub(crate) fn new(width: u32, height: u32, background: Rgb) -> Canvas {
        let (width, height) = (width as i32, height as i32);
        Canvas {
            width,
            height,
            pixels: vec![background; (width * height) as usize],
            clip: Rect {
                x: 0,
                y: 0,
                w: width,
                h: height,
            },
        }
    }

    pub(crate) fn width(&self) -> u32 {
        self.width as u32
    }

    pub(crate) fn height(&self) -> u32 {
        self.height as u32
    }

    /// Rows top to bottom, each left to right.
    pub(crate) fn pixels(&self) -> &[Rgb] {
        &self.pixels
    }

    /// The colour at (`x`, `y`), which must be inside the canvas.
    #[cfg(test)]
    pub(crate) fn get(&self, x: i32, y: i32) -> Rgb {
        self.pixels[(y * self.width + x) as usize]
    }

    /// Limits drawing to `clip` (within the canvas) until the next call;
    /// `None` restores the whole canvas.
    pub(crate) fn set_clip(&mut self, clip: Option<Rect>) {
        let all = Rect {
            x: 0,
            y: 0,
            w: self.width,
            h: self.height,
        };
        self.clip = clip.map_or(all, |c| c.intersect(&all));
    }

    pub(crate) fn put(&mut self, x: i32, y: i32, colour: Rgb) {
        if self.clip.contains(x, y) {
            self.pixels[(y * self.width + x) as usize] = colour;
        }
    }

    /// Draws `colour` at (`x`, `y`) with opacity `alpha` over what is there.
    pub(crate) fn blend(&mut self, x: i32, y: i32, colour: Rgb, alpha: u8) {
        if alpha == 0 || !self.clip.contains(x, y) {
            return;
        }
        let i = (y * self.width + x) as usize;
        self.pixels[i] = colour.over(self.pixels[i], alpha);
    }

    pub(crate) fn fill_rect(&mut self, rect: Rect, colour: Rgb) {
        self.blend_rect(rect, colour, 255);
    }

    pub(crate) fn blend_rect(&mut self, rect: Rect, colour: Rgb, alpha: u8) {
        let r = rect.intersect(&self.clip);
        for y in r.y..r.bottom() {
            for x in r.x..r.right() {
                self.blend(x, y, colour, alpha);
            }
        }
    }

    /// A horizontal line from `x0` to `x1` inclusive.
    pub(crate) fn hline(&mut self, x0: i32, x1: i32, y: i32, colour: Rgb) {
        let (a, b) = (x0.min(x1), x0.max(x1));
        self.fill_rect(
            Rect {
                x: a,
                y,
                w: b - a + 1,
                h: 1,
            },
            colour,
        );
    }

    /// A vertical line from `y0` to `y1` inclusive.
    pub(crate) fn vline(&mut self, x: i32, y0: i32, y1: i32, colour: Rgb) {
        let (a, b) = (y0.min(y1), y0.max(y1));
        self.fill_rect(
            Rect {
                x,
                y: a,
                w: 1,
                h: b - a + 1,
            },
            colour,
        );
    }

    /// A horizontal dashed line: `dash` pixels drawn, `gap` skipped, from `x0`.
    pub(crate) fn dashed_hline(&mut self, x0: i32, x1: i32, y: i32, colour: Rgb, alpha: u8) {
        let (dash, gap) = (4, 3);
        for x in x0..=x1 {
            if (x - x0) % (dash + gap) < dash {
                self.blend(x, y, colour, alpha);
            }
        }
    }

    /// An anti-aliased stroke through `points` (pixel coordinates, pixel
    /// centres at +0.5) with round joins and caps; a single point is a dot.
    ///
    /// Coverage is the maximum over the segments, not their sum, so the
    /// joins are not darker than the rest of the line.
    pub(crate) fn polyline(&mut self, points: &[(f64, f64)], width: f64, colour: Rgb) {
        let Some(&first) = points.first() else { return };
        let half = width / 2.0;
        let reach = half + 1.0;
        let (mut x0, mut y0, mut x1, mut y1) = (first.0, first.1, first.0, first.1);
        for &(x, y) in points {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let bounds = Rect {
            x: (x0 - reach).floor() as i32,
            y: (y0 - reach).floor() as i32,
            w: ((x1 - x0) + 2.0 * reach).ceil() as i32 + 1,
            h: ((y1 - y0) + 2.0 * reach).ceil() as i32 + 1,
        }
        .intersect(&self.clip);
        if bounds.w <= 0 || bounds.h <= 0 {
            return;
        }
        // Coverage levels (0..=COVERAGE_LEVELS), kept as the maximum over
        // segments; most of the box stays 0 and is skipped when compositing.
        let mut mask = vec![0u8; (bounds.w * bounds.h) as usize];
        let segments = points.windows(2).map(|w| (w[0], w[1]));
        let dots = (points.len() == 1).then_some((first, first));
        for (a, b) in segments.chain(dots) {
            let seg = Rect {
                x: (a.0.min(b.0) - reach).floor() as i32,
                y: (a.1.min(b.1) - reach).floor() as i32,
                w: ((a.0 - b.0).abs() + 2.0 * reach).ceil() as i32 + 1,
                h: ((a.1 - b.1).abs() + 2.0 * reach).ceil() as i32 + 1,
            }
            .intersect(&bounds);
            for py in seg.y..seg.bottom() {
                for px in seg.x..seg.right() {
                    let d = distance_to_segment((f64::from(px) + 0.5, f64::from(py) + 0.5), a, b);
                    let step = level((half + 0.5 - d).clamp(0.0, 1.0));
                    let m = &mut mask[((py - bounds.y) * bounds.w + (px - bounds.x)) as usize];
                    *m = (*m).max(step);
                }
            }
        }
        for py in bounds.y..bounds.bottom() {
            for px in bounds.x..bounds.right() {
                let step = mask[((py - bounds.y) * bounds.w + (px - bounds.x)) as usize];
                if step > 0 {
                    self.blend(px, py, colour, alpha(step));
                }
            }
        }
    }

    /// An anti-aliased filled triangle (pixel coordinates, any winding).
    pub(crate) fn triangle(&mut self, p: [(f64, f64); 3], colour: Rgb) {
        let xs = p.map(|q| q.0);
        let ys = p.map(|q| q.1);
        let min = |v: [f64; 3]| v[0].min(v[1]).min(v[2]);
        let max = |v: [f64; 3]| v[0].max(v[1]).max(v[2]);
        let (left, top) = (min(xs).floor() as i32, min(ys).floor() as i32);
        let bounds = Rect {
            x: left,
            y: top,
            w: max(xs).ceil() as i32 - left + 1,
            h: max(ys).ceil() as i32 - top + 1,
        }
        .intersect(&self.clip);
        let edge = |a: (f64, f64), b: (f64, f64), q: (f64, f64)| {
            (b.0 - a.0) * (q.1 - a.1) - (b.1 - a.1) * (q.0 - a.0)
        };
        let area = edge(p[0], p[1], p[2]);
        if area == 0.0 {
            return;
        }
        let n = TRIANGLE_SAMPLES;
        for py in bounds.y..bounds.bottom() {
            for px in bounds.x..bounds.right() {
                let mut inside = 0;
                for sy in 0..n {
                    for sx in 0..n {
                        let q = (
                            f64::from(px) + (f64::from(sx) + 0.5) / f64::from(n),
                            f64::from(py) + (f64::from(sy) + 0.5) / f64::from(n),
                        );
                        let w = [
                            edge(p[1], p[2], q),
                            edge(p[2], p[0], q),
                            edge(p[0], p[1], q),
                        ];
                        if w.iter().all(|&e| e * area >= 0.0) {
                            inside += 1;
                        }
                    }
                }
                self.blend(
                    px,
                    py,
                    colour,
                    alpha(level(f64::from(inside) / f64::from(n * n))),
                );
            }
        }
    }
}

/// Coverage in 0..=1 to the nearest of the [`COVERAGE_LEVELS`] steps.
fn level(cover: f64) -> u8 {
    (cover * f64::from(COVERAGE_LEVELS)).round() as u8
}

/// The opacity of a coverage step.
fn alpha(level: u8) -> u8 {
    (u32::from(level) * 255 / u32::from(COVERAGE_LEVELS)) as u8
}

fn distance_to_segment(q: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((q.0 - a.0) * dx + (q.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (ex, ey) = (a.0 + t * dx - q.0, a.1 + t * dy - q.1);
    (ex * ex + ey * ey).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BG: Rgb = Rgb(0, 0, 0);
    const FG: Rgb = Rgb(255, 255, 255);

    fn count(c: &Canvas, colour: Rgb) -> usize {
        c.pixels().iter().filter(|&&p| p == colour).count()
    }

    #[test]
    fn rects_and_lines_are_clipped() {
        let mut c = Canvas::new(10, 10, BG);
        c.set_clip(Some(Rect {
            x: 2,
            y: 2,
            w: 4,
            h: 4,
        }));
        c.fill_rect(
            Rect {
                x: 0,
                y: 0,
                w: 10,
                h: 10,
            },
            FG,
        );
        assert_eq!(count(&c, FG), 16);
        c.set_clip(None);
        c.hline(-5, 20, 9, FG);
        c.vline(0, 0, 0, FG);
        assert_eq!(count(&c, FG), 16 + 10 + 1);
    }

    #[test]
    fn horizontal_polyline_is_solid_in_the_middle_with_soft_edges() {
        let mut c = Canvas::new(20, 10, BG);
        c.polyline(&[(2.0, 5.0), (18.0, 5.0)], 2.0, FG);
        // A 2 px stroke centred on the boundary y = 5 covers rows 4 and 5.
        assert_eq!(c.get(10, 4), FG);
        assert_eq!(c.get(10, 5), FG);
        assert_eq!(c.get(10, 2), BG);
        assert!(
            c.pixels().iter().any(|&p| p != FG && p != BG),
            "anti-aliased caps"
        );
    }

    #[test]
    fn a_single_point_is_a_dot() {
        let mut c = Canvas::new(10, 10, BG);
        c.polyline(&[(5.0, 5.0)], 2.0, FG);
        assert!(count(&c, BG) < 100);
    }

    #[test]
    fn triangle_fills_its_inside_only() {
        let mut c = Canvas::new(20, 20, BG);
        c.triangle([(2.0, 18.0), (18.0, 18.0), (10.0, 2.0)], FG);
        assert_eq!(c.get(10, 14), FG);
        assert_eq!(c.get(1, 1), BG);
        assert_eq!(c.get(18, 4), BG);
        assert!(count(&c, FG) > 80);
    }

    #[test]
    fn coverage_uses_few_levels() {
        let levels: std::collections::BTreeSet<u8> = (0..=100)
            .map(|i| alpha(level(f64::from(i) / 100.0)))
            .collect();
        assert_eq!(levels.len(), 9);
        assert_eq!(alpha(level(0.0)), 0);
        assert_eq!(alpha(level(1.0)), 255);
    }
}
