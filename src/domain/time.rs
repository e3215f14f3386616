//! Timestamps as stored: fixed-width RFC 3339 UTC text, so that text order is time order.

use chrono::{DateTime, Datelike, NaiveDateTime, SecondsFormat, Utc};

/// Formats a time the way the database stores it (microseconds, `Z`).
pub fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The current time truncated to microseconds (what survives a round-trip through the store).
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// RFC 822 date for RSS (`Sat, 28 Nov 2026 04:13:17 +0000`).
pub fn rfc822(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// RFC 3339 with seconds precision for Atom, JSON Feed and mf2.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A date and time as writers send it (Micropub `published`): RFC 3339, or the same
/// without seconds or without an offset (read as UTC). Years outside 1–9999 (after
/// conversion to UTC) are refused: they cannot be stored in order or made a slug.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let parsed = DateTime::parse_from_rfc3339(s)
        .ok()
        .or_else(|| {
            [
                "%Y-%m-%dT%H:%M%:z",
                "%Y-%m-%dT%H:%M:%S%z",
                "%Y-%m-%d %H:%M:%S%:z",
            ]
            .iter()
            .find_map(|f| DateTime::parse_from_str(s, f).ok())
        })
        .map(|t| t.to_utc())
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                .map(|t| t.and_utc())
        })?;
    (1..=9999).contains(&parsed.year()).then_some(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn db_format_sorts_as_time() {
        let a = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        let b = a + chrono::Duration::microseconds(1);
        assert!(to_db(a) < to_db(b));
        assert_eq!(to_db(a), "2024-01-02T03:04:05.000000Z");
    }

    #[test]
    fn rss_date() {
        let a = Utc.with_ymd_and_hms(2026, 11, 28, 4, 13, 17).unwrap();
        assert_eq!(rfc822(a), "Sat, 28 Nov 2026 04:13:17 +0000");
    }

    #[test]
    fn dates_as_writers_send_them() {
        for ok in [
            "2026-11-29T10:30:00Z",
            "2026-11-29T10:30:00+00:00",
            "2026-11-29T10:30+00:00",
            "2026-11-29T10:30:00",
            "2026-11-29T10:30",
        ] {
            assert!(parse_date(ok).is_some(), "{ok}");
        }
        for bad in [
            "yesterday",
            "0000-01-01T00:30:00+01:00",
            "9999-12-31T23:30:00-01:00",
            "",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
