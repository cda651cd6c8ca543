//! The time axis: UTC calendar arithmetic and which candles get a label.
//!
//! Dates are computed here (Howard Hinnant's days-from-civil algorithms)
//! rather than with a date crate: the axis needs only UTC day, month and
//! year boundaries, which is forty lines, not a dependency.

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Mean Gregorian month, for estimating how many labels a month step gives.
const MONTH_ESTIMATE: i64 = 2_629_746_000;

/// Horizontal room kept free between two labels, in pixels.
const LABEL_GAP: i32 = 24;
/// Least distance between two labels' centres: about one per 100 px, as
/// trading UIs space them; denser labels read as noise.
const LABEL_SPACING: i32 = 90;

/// A label under the candle at `index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TimeLabel {
    pub index: usize,
    pub text: String,
}

/// A UTC calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

impl DateTime {
    /// The UTC date and time of `ms` milliseconds since the Unix epoch.
    pub(crate) fn from_millis(ms: i64) -> DateTime {
        let days = ms.div_euclid(DAY);
        let of_day = ms.rem_euclid(DAY);
        // Days since 0000-03-01, so leap days fall at the end of a year.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        DateTime {
            year,
            month,
            day,
            hour: (of_day / HOUR) as u32,
            minute: (of_day % HOUR / MINUTE) as u32,
        }
    }
}

/// How far apart labels are: a fixed duration (aligned to the epoch, so to
/// UTC midnight) or a number of calendar months.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Millis(i64),
    Months(i64),
}

impl Step {
    fn approx_millis(self) -> i64 {
        match self {
            Step::Millis(ms) => ms,
            Step::Months(n) => n * MONTH_ESTIMATE,
        }
    }

    /// Which step-sized bucket `ms` falls in; a label goes where it changes.
    fn bucket(self, ms: i64) -> i64 {
        match self {
            Step::Millis(step) => ms.div_euclid(step),
            Step::Months(n) => {
                let t = DateTime::from_millis(ms);
                (t.year * 12 + i64::from(t.month) - 1).div_euclid(n)
            }
        }
    }
}

/// Candidate steps, finest first: the usual round clock and calendar units.
const STEPS: [Step; 21] = [
    Step::Millis(MINUTE),
    Step::Millis(5 * MINUTE),
    Step::Millis(15 * MINUTE),
    Step::Millis(30 * MINUTE),
    Step::Millis(HOUR),
    Step::Millis(2 * HOUR),
    Step::Millis(3 * HOUR),
    Step::Millis(4 * HOUR),
    Step::Millis(6 * HOUR),
    Step::Millis(12 * HOUR),
    Step::Millis(DAY),
    Step::Millis(2 * DAY),
    Step::Millis(7 * DAY),
    Step::Millis(14 * DAY),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
    Step::Months(12),
    Step::Months(24),
    Step::Months(60),
];

/// How a label is written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    /// `HH:MM`, but `MM-DD` on the first candle of a UTC day.
    Clock,
    /// `MM-DD`: a span under a year.
    MonthDay,
    /// `YYYY-MM-DD`: a year or more.
    Date,
}

impl Format {
    fn chars(self) -> i32 {
        match self {
            Format::Clock | Format::MonthDay => 5,
            Format::Date => 10,
        }
    }
}

/// Labels for candles opening at `times` (increasing), drawn `slot` pixels
/// apart on a plot `plot_width` pixels wide with `glyph_width`-pixel text.
///
/// The finest step whose labels fit is used; a label goes on the first
/// candle of each step-sized bucket (on the very first candle only when it
/// opens exactly on a boundary), and a label that would overlap the
/// previous one (closer than its text width plus a gap) is dropped.
pub(crate) fn labels(
    times: &[i64],
    slot: f64,
    plot_width: i32,
    glyph_width: i32,
) -> Vec<TimeLabel> {
    let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
        return Vec::new();
    };
    let span = last - first;
    let format_for = |step: Step| {
        if step.approx_millis() < DAY {
            Format::Clock
        } else if span < 365 * DAY {
            Format::MonthDay
        } else {
            Format::Date
        }
    };
    let room = |step: Step| (format_for(step).chars() * glyph_width + LABEL_GAP).max(LABEL_SPACING);
    let step = STEPS
        .iter()
        .copied()
        .find(|&s| (span / s.approx_millis() + 1) * i64::from(room(s)) <= i64::from(plot_width))
        .unwrap_or(STEPS[STEPS.len() - 1]);
    let format = format_for(step);
    // Pruning only prevents overlap (text plus gap): a short month or a
    // gap in the data must not cost a label that still fits.
    let min_distance = f64::from(format.chars() * glyph_width + LABEL_GAP);

    let mut out: Vec<TimeLabel> = Vec::new();
    for (i, &t) in times.iter().enumerate() {
        let previous = if i == 0 { t - 1 } else { times[i - 1] };
        if step.bucket(t) == step.bucket(previous) {
            continue;
        }
        if out
            .last()
            .is_some_and(|l| (i - l.index) as f64 * slot < min_distance)
        {
            continue;
        }
        let new_day = t.div_euclid(DAY) != previous.div_euclid(DAY);
        out.push(TimeLabel {
            index: i,
            text: text(t, format, new_day),
        });
    }
    out
}

fn text(ms: i64, format: Format, new_day: bool) -> String {
    let t = DateTime::from_millis(ms);
    match format {
        Format::Clock if !new_day => format!("{:02}:{:02}", t.hour, t.minute),
        Format::Clock | Format::MonthDay => format!("{:02}-{:02}", t.month, t.day),
        Format::Date => format!("{:04}-{:02}-{:02}", t.year, t.month, t.day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(ms: i64) -> (i64, u32, u32, u32, u32) {
        let t = DateTime::from_millis(ms);
        (t.year, t.month, t.day, t.hour, t.minute)
    }

    #[test]
    fn civil_dates_match_known_instants() {
        assert_eq!(dt(0), (1970, 1, 1, 0, 0));
        assert_eq!(
            dt(951_782_400_000),
            (2000, 2, 29, 0, 0),
            "leap day in a /400 year"
        );
        assert_eq!(
            dt(1_709_164_800_000 + 13 * HOUR + 37 * MINUTE),
            (2024, 2, 29, 13, 37)
        );
        assert_eq!(dt(1_735_689_599_999), (2024, 12, 31, 23, 59));
        assert_eq!(dt(1_735_689_600_000), (2025, 1, 1, 0, 0));
        assert_eq!(dt(-1), (1969, 12, 31, 23, 59), "before the epoch");
        assert_eq!(
            dt(4_107_542_400_000),
            (2100, 3, 1, 0, 0),
            "2100 is not a leap year"
        );
    }

    fn series(start: i64, interval: i64, n: usize) -> Vec<i64> {
        (0..n as i64).map(|i| start + i * interval).collect()
    }

    #[test]
    fn hourly_candles_get_clock_labels_and_dates_at_midnight() {
        // 2025-01-01 00:00 UTC, 60 hourly candles, 15.3 px apart.
        let times = series(1_735_689_600_000, HOUR, 60);
        let l = labels(&times, 15.3, 920, 6);
        assert!((4..=10).contains(&l.len()), "{l:?}");
        assert_eq!(
            l[0],
            TimeLabel {
                index: 0,
                text: "01-01".into()
            }
        );
        assert_eq!(
            l[1],
            TimeLabel {
                index: 6,
                text: "06:00".into()
            }
        );
        assert!(l.iter().any(|x| x.text == "01-02"), "{l:?}");
        let gaps: Vec<usize> = l.windows(2).map(|w| w[1].index - w[0].index).collect();
        assert!(
            gaps.windows(2).all(|g| g[0] == g[1]),
            "evenly spaced {gaps:?}"
        );
        // 200 of them at 4.6 px: one label a day, each a date.
        let l = labels(&series(1_735_689_600_000, HOUR, 200), 4.6, 920, 6);
        assert_eq!(l.len(), 9, "{l:?}");
        assert!(
            l.iter()
                .all(|x| x.index % 24 == 0 && x.text.starts_with("01-")),
            "{l:?}"
        );
    }

    #[test]
    fn daily_candles_get_month_day_and_years_get_full_dates() {
        let times = series(1_735_689_600_000, DAY, 120);
        let l = labels(&times, 7.6, 920, 6);
        assert!(
            l.iter().all(|x| x.text.len() == 5 && x.text.contains('-')),
            "{l:?}"
        );
        let weekly = series(1_600_000_000_000, 7 * DAY, 300);
        let l = labels(&weekly, 3.0, 920, 6);
        assert!(
            !l.is_empty() && l.iter().all(|x| x.text.len() == 10),
            "{l:?}"
        );
        // Yearly labels, on the first weekly candle of each year.
        assert!(
            l.iter()
                .all(|x| &x.text[5..7] == "01" && x.text[8..] <= *"07"),
            "{l:?}"
        );
    }

    #[test]
    fn labels_never_crowd() {
        let times = series(1_735_689_600_000, MINUTE, 1_000);
        let slot = 0.92;
        let l = labels(&times, slot, 920, 6);
        assert!(!l.is_empty());
        for w in l.windows(2) {
            assert!((w[1].index - w[0].index) as f64 * slot >= f64::from(5 * 6 + LABEL_GAP));
        }
        assert!(labels(&[], 1.0, 100, 6).is_empty());
        assert_eq!(
            labels(&[0], 10.0, 100, 6).len(),
            1,
            "one candle at midnight"
        );
    }
}
