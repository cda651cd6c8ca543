//! Millisecond timestamps as ISO-8601 UTC text, for outputs a model reads,
//! and ISO-8601 text back to milliseconds, for the times a model writes.
//! (No clock here: a plugin has none; it formats the exchange's times.)

/// `1700000000000` → `"2023-11-14T22:13:20.000Z"`.
pub fn iso8601_ms(ms: i64) -> String {
    let mut out = String::with_capacity(24);
    iso8601_into(ms, &mut out);
    out
}

/// [`iso8601_ms`] appended to `out`, digit by digit (no formatter: rows of
/// times are written this way, hundreds per answer).
pub fn iso8601_into(ms: i64, out: &mut String) {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut put = |n: i64, width: usize, sep: Option<char>| {
        let mut digits = [b'0'; 4];
        let mut v = n.rem_euclid(10_i64.pow(width as u32));
        for slot in digits[..width].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.extend(digits[..width].iter().map(|c| *c as char));
        if let Some(c) = sep {
            out.push(c);
        }
    };
    if y < 0 {
        // Not a Binance time; kept readable rather than wrong.
        put(0, 4, Some('-'));
    } else {
        put(y.min(9999), 4, Some('-'));
    }
    put(m as i64, 2, Some('-'));
    put(d as i64, 2, Some('T'));
    put(sod / 3600, 2, Some(':'));
    put((sod / 60) % 60, 2, Some(':'));
    put(sod % 60, 2, Some('.'));
    put(millis, 3, Some('Z'));
}

/// Whether a date-only input means the first or the last millisecond of
/// its day (`endTime: "2026-01-31"` includes the 31st).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayEdge {
    Start,
    End,
}

/// Parse ISO-8601 / RFC 3339 text into UNIX milliseconds: a date
/// (`2026-01-31`), or a date and time (`2026-01-31T12:00`, `…:05`,
/// `…:05.123`) with `Z`, an offset (`+02:00`, `-0530`) or no zone (read as
/// UTC); a space may stand for the `T`. Fractions beyond milliseconds are
/// cut. Returns what is wrong when the text is not such a time.
pub fn parse_iso8601(text: &str, edge: DayEdge) -> Result<i64, String> {
    let s = text.trim();
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Result<i64, String> {
        let part = s
            .get(from..from + len)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
            .ok_or_else(|| format!("'{s}' is not an ISO-8601 date or time"))?;
        Ok(part.parse::<i64>().unwrap_or(0))
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(format!(
            "'{s}' is not an ISO-8601 date or time (expected YYYY-MM-DD…)"
        ));
    }
    let (y, m, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return Err(format!("'{s}' is not a calendar date"));
    }
    let day_ms = days_from_civil(y, m, d) * 86_400_000;
    if b.len() == 10 {
        return Ok(match edge {
            DayEdge::Start => day_ms,
            DayEdge::End => day_ms + 86_399_999,
        });
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
        return Err(format!(
            "'{s}' is not an ISO-8601 date-time (expected YYYY-MM-DDTHH:MM…)"
        ));
    }
    let (hh, mm) = (num(11, 2)?, num(14, 2)?);
    let mut i = 16;
    let mut ss = 0;
    let mut millis = 0;
    if b.get(i) == Some(&b':') {
        ss = num(17, 2)?;
        i = 19;
        if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
            let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return Err(format!("'{s}' has an empty fraction of a second"));
            }
            let frac = &s[i + 1..i + 1 + digits];
            millis = format!("{frac:0<3}")[..3].parse::<i64>().unwrap_or(0);
            i += 1 + digits;
        }
    }
    if hh > 23 || mm > 59 || ss > 59 {
        return Err(format!("'{s}' is not a time of day"));
    }
    let offset_min = match &s[i..] {
        "" | "Z" | "z" => 0,
        zone => parse_offset(zone)
            .ok_or_else(|| format!("'{s}' has an unreadable zone '{zone}' (use Z or +HH:MM)"))?,
    };
    Ok(day_ms + ((hh * 60 + mm - offset_min) * 60 + ss) * 1000 + millis)
}

/// `+HH:MM`, `+HHMM` or `+HH` (or `-`), in minutes east of UTC.
fn parse_offset(zone: &str) -> Option<i64> {
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if !matches!(digits.len(), 2 | 4) || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    (h <= 23 && m <= 59).then_some(sign * (h * 60 + m))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days-from-civil: (y, m, d) → days since 1970-01-01.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-from-civil inverse: days since 1970-01-01 → (y, m, d).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(iso8601_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601_ms(1_798_761_599_999), "2026-12-31T23:59:59.999Z");
    }

    #[test]
    fn parses_what_it_formats_and_common_variants() {
        let p = |s: &str| parse_iso8601(s, DayEdge::Start);
        for ms in [0, 1_700_000_000_123, 951_782_400_000, 1_798_761_599_999] {
            assert_eq!(p(&iso8601_ms(ms)), Ok(ms));
        }
        assert_eq!(p("2023-11-14"), Ok(1_699_920_000_000));
        assert_eq!(
            parse_iso8601("2023-11-14", DayEdge::End),
            Ok(1_700_006_399_999)
        );
        assert_eq!(p("2023-11-14T22:13"), Ok(1_700_000_000_000 - 20_000));
        assert_eq!(p("2023-11-14 22:13:20"), Ok(1_700_000_000_000));
        assert_eq!(p("2023-11-14T22:13:20.1Z"), Ok(1_700_000_000_100));
        assert_eq!(p("2023-11-14T22:13:20.123456Z"), Ok(1_700_000_000_123));
        assert_eq!(p("2023-11-15T00:13:20+02:00"), Ok(1_700_000_000_000));
        assert_eq!(p("2023-11-14T17:13:20-0500"), Ok(1_700_000_000_000));
        assert_eq!(p("2024-02-29"), Ok(1_709_164_800_000));
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        let p = |s: &str| parse_iso8601(s, DayEdge::Start);
        for bad in [
            "",
            "yesterday",
            "2023-13-01",
            "2023-02-29",
            "2023-11-14T25:00",
            "2023-11-14T22",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20+2",
            "2023-11-14T22:13:20 UTC",
            "2023/11/14",
            "１２３４-11-14",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
