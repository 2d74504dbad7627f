//! Time as the library sees it: milliseconds since the Unix epoch, UTC.
//!
//! The library never reads a clock; callers pass `now`. Text form is
//! RFC 3339 with milliseconds, `2026-01-26T10:00:00.000Z`.

use crate::error::{Error, Result};

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Timestamp = i64;

/// A duration in milliseconds.
pub type DurationMs = i64;

/// One minute in milliseconds.
pub const MINUTE_MS: DurationMs = 60_000;
/// One hour in milliseconds.
pub const HOUR_MS: DurationMs = 3_600_000;
/// One day in milliseconds.
pub const DAY_MS: DurationMs = 86_400_000;

/// Days since the epoch of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
#[must_use]
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day number since the epoch.
#[must_use]
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The UTC day number (days since the epoch) holding `at`.
#[must_use]
pub fn day_of(at: Timestamp) -> i64 {
    at.div_euclid(DAY_MS)
}

/// RFC 3339 text with milliseconds: `2026-01-26T10:00:00.000Z`.
#[must_use]
pub fn format_rfc3339(at: Timestamp) -> String {
    let days = at.div_euclid(DAY_MS);
    let ms_of_day = at.rem_euclid(DAY_MS);
    let (y, mo, d) = civil_from_days(days);
    let secs = ms_of_day / 1000;
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        ms_of_day % 1000
    )
}

/// A UTC date as `YYYY-MM-DD`.
#[must_use]
pub fn format_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses `YYYY-MM-DD` into a day number.
pub fn parse_date(text: &str) -> Result<i64> {
    let bad = || Error::InvalidField {
        field: "date".into(),
        reason: format!("`{text}` is not a YYYY-MM-DD date"),
    };
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |s: &str| s.parse::<u32>().map_err(|_| bad());
    let year = i64::from(num(&text[0..4])?);
    let (month, day) = (num(&text[5..7])?, num(&text[8..10])?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(bad());
    }
    Ok(days_from_civil(year, month, day))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses RFC 3339 (`2026-01-26T10:00:00Z`, with optional fraction and
/// a `Z` or `±hh:mm` offset) into milliseconds, truncating below 1 ms.
pub fn parse_rfc3339(text: &str) -> Result<Timestamp> {
    let bad = || Error::InvalidField {
        field: "time".into(),
        reason: format!("`{text}` is not an RFC 3339 date-time"),
    };
    let b = text.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let day = parse_date(&text[..10])?;
    let num = |s: &str| {
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse::<i64>().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let (h, mi, s) = (
        num(&text[11..13])?,
        num(&text[14..16])?,
        num(&text[17..19])?,
    );
    if h > 23 || mi > 59 || s > 60 {
        return Err(bad());
    }
    let mut rest = &text[19..];
    let mut ms = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let mut scaled = 0;
        for (i, c) in frac.bytes().take(3).enumerate().take(digits) {
            scaled += i64::from(c - b'0') * [100, 10, 1][i];
        }
        ms = scaled;
        rest = &frac[digits..];
    }
    let offset_ms = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            if &rest[3..4] != ":" {
                return Err(bad());
            }
            sign * (num(&rest[1..3])? * HOUR_MS + num(&rest[4..6])? * MINUTE_MS)
        }
        _ => return Err(bad()),
    };
    Ok(day * DAY_MS + h * HOUR_MS + mi * MINUTE_MS + s.min(59) * 1000 + ms - offset_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_epoch_formats_and_parses() {
        assert_eq!(
            format_rfc3339(1_769_421_600_000),
            "2026-01-26T10:00:00.000Z"
        );
        assert_eq!(
            parse_rfc3339("2026-01-26T10:00:00.000Z").ok(),
            Some(1_769_421_600_000)
        );
        assert_eq!(
            parse_rfc3339("2026-01-26T12:00:00+02:00").ok(),
            Some(1_769_421_600_000)
        );
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn civil_dates_round_trip_across_four_centuries() {
        for day in (-200_000..200_000).step_by(7) {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
    }

    #[test]
    fn bad_dates_are_refused() {
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-01-01",
            "2026-01-01T25:00:00Z",
            "x",
        ] {
            assert!(
                parse_rfc3339(bad).is_err() || parse_date(bad).is_err(),
                "{bad}"
            );
        }
    }
}
