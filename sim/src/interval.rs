//! Kline intervals and how their candles align to UTC time.
//!
//! Fixed-length intervals are aligned to the Unix epoch, except `1w`, whose
//! candles open on Monday 00:00 UTC as on Binance (the epoch was a
//! Thursday). `1M` candles are calendar months in UTC, so their length
//! varies from 28 to 31 days.

use std::fmt;
use std::str::FromStr;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// 1970-01-05, the first Monday after the epoch.
const FIRST_MONDAY: i64 = 4 * DAY;

/// A Binance kline interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    /// `1s`
    S1,
    /// `1m`
    M1,
    /// `3m`
    M3,
    /// `5m`
    M5,
    /// `15m`
    M15,
    /// `30m`
    M30,
    /// `1h`
    H1,
    /// `2h`
    H2,
    /// `4h`
    H4,
    /// `6h`
    H6,
    /// `8h`
    H8,
    /// `12h`
    H12,
    /// `1d`
    D1,
    /// `3d`
    D3,
    /// `1w`
    W1,
    /// `1M` (calendar month)
    Mo1,
}

/// The error for a string that is not a Binance interval (case matters:
/// `1m` is a minute, `1M` a month).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid interval")]
pub struct InvalidInterval;

impl Interval {
    /// Every interval, shortest first.
    pub const ALL: [Interval; 16] = [
        Interval::S1,
        Interval::M1,
        Interval::M3,
        Interval::M5,
        Interval::M15,
        Interval::M30,
        Interval::H1,
        Interval::H2,
        Interval::H4,
        Interval::H6,
        Interval::H8,
        Interval::H12,
        Interval::D1,
        Interval::D3,
        Interval::W1,
        Interval::Mo1,
    ];

    /// The wire name, e.g. "15m".
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::S1 => "1s",
            Interval::M1 => "1m",
            Interval::M3 => "3m",
            Interval::M5 => "5m",
            Interval::M15 => "15m",
            Interval::M30 => "30m",
            Interval::H1 => "1h",
            Interval::H2 => "2h",
            Interval::H4 => "4h",
            Interval::H6 => "6h",
            Interval::H8 => "8h",
            Interval::H12 => "12h",
            Interval::D1 => "1d",
            Interval::D3 => "3d",
            Interval::W1 => "1w",
            Interval::Mo1 => "1M",
        }
    }

    /// Length in ms for fixed-length intervals; `None` for `1M`.
    pub fn fixed_ms(self) -> Option<i64> {
        Some(match self {
            Interval::S1 => SECOND,
            Interval::M1 => MINUTE,
            Interval::M3 => 3 * MINUTE,
            Interval::M5 => 5 * MINUTE,
            Interval::M15 => 15 * MINUTE,
            Interval::M30 => 30 * MINUTE,
            Interval::H1 => HOUR,
            Interval::H2 => 2 * HOUR,
            Interval::H4 => 4 * HOUR,
            Interval::H6 => 6 * HOUR,
            Interval::H8 => 8 * HOUR,
            Interval::H12 => 12 * HOUR,
            Interval::D1 => DAY,
            Interval::D3 => 3 * DAY,
            Interval::W1 => 7 * DAY,
            Interval::Mo1 => return None,
        })
    }

    /// Open time of the candle containing `t`.
    pub fn floor(self, t: i64) -> i64 {
        match (self, self.fixed_ms()) {
            (Interval::W1, Some(len)) => (t - FIRST_MONDAY).div_euclid(len) * len + FIRST_MONDAY,
            (_, Some(len)) => t.div_euclid(len) * len,
            (_, None) => month_start(month_index(t)),
        }
    }

    /// Open time of the candle after the one opening at `open`.
    pub fn next(self, open: i64) -> i64 {
        match self.fixed_ms() {
            Some(len) => open + len,
            None => month_start(month_index(open) + 1),
        }
    }

    /// Open time of the candle before the one opening at `open`.
    pub fn prev(self, open: i64) -> i64 {
        match self.fixed_ms() {
            Some(len) => open - len,
            None => month_start(month_index(open) - 1),
        }
    }

    /// Open time of the first candle opening at or after `t`.
    pub fn ceil(self, t: i64) -> i64 {
        let f = self.floor(t);
        if f == t {
            t
        } else {
            self.next(f)
        }
    }
}

impl FromStr for Interval {
    type Err = InvalidInterval;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Interval::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or(InvalidInterval)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Months since 1970-01 (0 = January 1970) of the UTC instant `t`.
fn month_index(t: i64) -> i64 {
    let (y, m, _) = civil_from_days(t.div_euclid(DAY));
    (y - 1970) * 12 + (m as i64 - 1)
}

/// 00:00 UTC on the first day of month `index` (see [`month_index`]).
fn month_start(index: i64) -> i64 {
    let y = 1970 + index.div_euclid(12);
    let m = index.rem_euclid(12) as u32 + 1;
    days_from_civil(y, m, 1) * DAY
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm, exact for any year).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date (year, month, day) of a day count since
/// 1970-01-01; the inverse of [`days_from_civil`].
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_interval_round_trip() {
        for i in Interval::ALL {
            assert_eq!(i.as_str().parse::<Interval>(), Ok(i));
        }
        assert!("1H".parse::<Interval>().is_err());
        assert!("2m".parse::<Interval>().is_err());
        assert_eq!("1m".parse::<Interval>(), Ok(Interval::M1));
        assert_eq!("1M".parse::<Interval>(), Ok(Interval::Mo1));
    }

    #[test]
    fn civil_round_trip() {
        for z in [-800_000, -1, 0, 59, 60, 11_016, 19_782, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn weeks_open_on_monday() {
        // 2024-01-01 was a Monday.
        let monday = days_from_civil(2024, 1, 1) * DAY;
        assert_eq!(Interval::W1.floor(monday + 3 * DAY + 5), monday);
        assert_eq!(Interval::W1.floor(monday), monday);
        assert_eq!(Interval::W1.floor(monday - 1), monday - 7 * DAY);
    }

    #[test]
    fn months_are_calendar_months() {
        let feb = days_from_civil(2024, 2, 1) * DAY;
        let mar = days_from_civil(2024, 3, 1) * DAY;
        let jan = days_from_civil(2024, 1, 1) * DAY;
        assert_eq!(Interval::Mo1.floor(feb + 10 * DAY), feb);
        assert_eq!(Interval::Mo1.next(feb), mar);
        assert_eq!(mar - feb, 29 * DAY); // leap year
        assert_eq!(Interval::Mo1.prev(feb), jan);
        assert_eq!(Interval::Mo1.ceil(feb + 1), mar);
        assert_eq!(Interval::Mo1.ceil(feb), feb);
        let dec = days_from_civil(2023, 12, 1) * DAY;
        assert_eq!(Interval::Mo1.prev(jan), dec);
    }

    #[test]
    fn fixed_intervals_align_to_epoch() {
        let t = 1_700_000_123_456;
        assert_eq!(Interval::M1.floor(t), 1_700_000_100_000);
        assert_eq!(Interval::H1.floor(t) % HOUR, 0);
        assert_eq!(Interval::D3.floor(t) % (3 * DAY), 0);
        assert_eq!(Interval::M1.ceil(t), 1_700_000_160_000);
    }
}
