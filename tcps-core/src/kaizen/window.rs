//! Calendar dates and windows (kaizen.md 3.1).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::time::{self, DAY_MS, Timestamp};

/// The most days a window may span (kaizen.md 3.1).
pub const MAX_WINDOW_DAYS: i64 = 3660;

/// A UTC calendar date, shown and read as `YYYY-MM-DD`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(i64);

impl Date {
    /// The date of a day number (days since 1970-01-01).
    #[must_use]
    pub fn from_day(day: i64) -> Self {
        Self(day)
    }

    /// The UTC date holding `at`.
    #[must_use]
    pub fn of(at: Timestamp) -> Self {
        Self(time::day_of(at))
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self> {
        time::parse_date(text).map(Self)
    }

    /// Days since 1970-01-01.
    #[must_use]
    pub fn day(self) -> i64 {
        self.0
    }

    /// The date `n` days later (earlier when `n` is negative).
    #[must_use]
    pub fn add_days(self, n: i64) -> Self {
        Self(self.0.saturating_add(n))
    }

    /// 00:00:00.000 of this date, when it fits a timestamp.
    #[must_use]
    pub fn start_ms(self) -> Option<Timestamp> {
        self.0.checked_mul(DAY_MS)
    }

    /// 23:59:59.999 of this date, when it fits a timestamp.
    #[must_use]
    pub fn last_ms(self) -> Option<Timestamp> {
        self.0.checked_add(1)?.checked_mul(DAY_MS).map(|t| t - 1)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&time::format_date(self.0))
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Date {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse(text)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A half-open interval of milliseconds `[start, end)` that spans a whole
/// number of days, 1 to 3 660 (kaizen.md 3.1).
///
/// Its JSON form is `{start, end, days}`; reading it back checks that the
/// interval is such a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "WindowRepr")]
pub struct Window {
    start: Timestamp,
    end: Timestamp,
    days: u32,
}

#[derive(Deserialize)]
struct WindowRepr {
    start: Timestamp,
    end: Timestamp,
}

impl TryFrom<WindowRepr> for Window {
    type Error = Error;

    fn try_from(repr: WindowRepr) -> Result<Self> {
        let span = repr.end.checked_sub(repr.start).unwrap_or(-1);
        let days = span / DAY_MS;
        if span <= 0 || span % DAY_MS != 0 || days > MAX_WINDOW_DAYS {
            return Err(Error::InvalidWindow {
                from: None,
                to: None,
                days: None,
                reason: "start and end must span 1 to 3660 whole days".into(),
            });
        }
        Ok(Self {
            start: repr.start,
            end: repr.end,
            days: days as u32,
        })
    }
}

impl Window {
    /// The whole UTC days `from` to `to`, both included:
    /// `[from 00:00, to + 1 day 00:00)`.
    pub fn days(from: Date, to: Date) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidWindow {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            days: None,
            reason: reason.to_owned(),
        };
        if from > to {
            return Err(bad("from is after to"));
        }
        let days = to.day() - from.day() + 1;
        if days > MAX_WINDOW_DAYS {
            return Err(bad("more than 3660 days"));
        }
        let start = from.start_ms().ok_or_else(|| bad("out of range"))?;
        let end = to
            .add_days(1)
            .start_ms()
            .ok_or_else(|| bad("out of range"))?;
        Ok(Self {
            start,
            end,
            days: days as u32,
        })
    }

    /// The `n` days back from `now`: `now − n days < t <= now`.
    pub fn trailing(n: i64, now: Timestamp) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidWindow {
            from: None,
            to: None,
            days: Some(n),
            reason: reason.to_owned(),
        };
        if n < 1 {
            return Err(bad("must cover at least 1 day"));
        }
        if n > MAX_WINDOW_DAYS {
            return Err(bad("more than 3660 days"));
        }
        let end = now.checked_add(1).ok_or_else(|| bad("out of range"))?;
        let start = now
            .checked_sub(n * DAY_MS)
            .and_then(|t| t.checked_add(1))
            .ok_or_else(|| bad("out of range"))?;
        Ok(Self {
            start,
            end,
            days: n as u32,
        })
    }

    /// First millisecond inside.
    #[must_use]
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// First millisecond after (excluded).
    #[must_use]
    pub fn end(&self) -> Timestamp {
        self.end
    }

    /// Number of days the window spans.
    #[must_use]
    pub fn day_count(&self) -> u32 {
        self.days
    }

    /// Whether `t` is inside.
    #[must_use]
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }

    /// The day of the window's last millisecond: `to` of a day window,
    /// the day of `now` of a trailing one.
    #[must_use]
    pub fn last_day(&self) -> Date {
        Date::of(self.end - 1)
    }

    /// The first of the window's days in the series of kaizen.md 6.1:
    /// [`Window::last_day`] minus `days − 1`.
    #[must_use]
    pub fn first_day(&self) -> Date {
        self.last_day().add_days(1 - i64::from(self.days))
    }

    /// The series days of kaizen.md 6.1, oldest first.
    pub fn series_days(&self) -> impl Iterator<Item = Date> + use<> {
        let first = self.first_day().day();
        (first..first + i64::from(self.days)).map(Date::from_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap_or(Date(0))
    }

    const NOW: Timestamp = 1_769_385_600_000;

    #[test]
    fn k1_a_day_window_spans_whole_days() {
        let w = Window::days(date("2026-01-19"), date("2026-01-25"));

        let w = w.ok();
        assert_eq!(
            w.map(|w| (w.start(), w.end(), w.day_count())),
            Some((1_768_780_800_000, 1_769_385_600_000, 7))
        );
        let w = w.unwrap_or(Window {
            start: 0,
            end: 0,
            days: 0,
        });
        assert!(w.contains(crate::time::parse_rfc3339("2026-01-25T23:59:59.999Z").unwrap_or(0)));
        assert!(!w.contains(crate::time::parse_rfc3339("2026-01-26T00:00:00.000Z").unwrap_or(0)));
    }

    #[test]
    fn k2_a_trailing_window_holds_now_and_not_n_days_before() {
        let w = Window::trailing(7, NOW).ok();

        let w = w.unwrap_or(Window {
            start: 0,
            end: 0,
            days: 0,
        });
        assert!(w.contains(NOW));
        assert!(!w.contains(1_768_780_800_000));
        assert!(w.contains(1_768_780_800_001));
        assert_eq!(w.day_count(), 7);
    }

    #[test]
    fn k3_bad_windows_are_refused() {
        let reversed = Window::days(date("2026-01-25"), date("2026-01-19"));
        let zero = Window::trailing(0, NOW);
        let long = Window::trailing(3661, NOW);

        for result in [reversed, zero, long] {
            assert_eq!(result.err().map(|e| e.name()), Some("invalid_window"));
        }
    }

    #[test]
    fn series_days_end_with_the_day_of_now() {
        let w = Window::trailing(7, NOW).ok();

        let days: Vec<String> = w
            .iter()
            .flat_map(Window::series_days)
            .map(|d| d.to_string())
            .collect();

        assert_eq!(days.first().map(String::as_str), Some("2026-01-20"));
        assert_eq!(days.last().map(String::as_str), Some("2026-01-26"));
        assert_eq!(days.len(), 7);
    }

    #[test]
    fn a_window_reads_back_from_its_json_only_when_it_spans_whole_days() {
        let w = Window::trailing(3, NOW).ok();
        let json = serde_json::to_string(&w).unwrap_or_default();

        let back: Option<Window> = serde_json::from_str(&json).ok();
        let bad: std::result::Result<Window, _> =
            serde_json::from_str(r#"{"start":0,"end":5,"days":1}"#);

        assert_eq!(back, w);
        assert!(bad.is_err());
    }
}
