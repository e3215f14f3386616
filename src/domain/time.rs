//! Timestamps as stored: fixed-width RFC 3339 UTC text, so that text order is time order.

use chrono::{DateTime, SecondsFormat, Utc};

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
}
