//! Timestamps: the catalog stores UTC as SQLite's `CURRENT_TIMESTAMP` does
//! (`YYYY-MM-DD HH:MM:SS`); JSON shows RFC 3339 (`…T…Z`); people see the stored form + "UTC".

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

pub const SQL_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Now, in the catalog's format.
pub fn now_sql() -> String {
    to_sql(Utc::now())
}

pub fn to_sql(t: DateTime<Utc>) -> String {
    t.format(SQL_FORMAT).to_string()
}

/// A catalog timestamp as RFC 3339, for JSON. Unparsable text is passed through unchanged.
pub fn sql_to_rfc3339(s: &str) -> String {
    match NaiveDateTime::parse_from_str(s, SQL_FORMAT) {
        Ok(t) => t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => s.to_string(),
    }
}

/// For `#[serde(serialize_with = "crate::timefmt::serialize")]` on catalog timestamps.
pub fn serialize<S: serde::Serializer>(t: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&sql_to_rfc3339(t)),
        None => s.serialize_none(),
    }
}

/// Parses a user-given point in time: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (UTC), RFC 3339,
/// or an age such as `30m`, `12h`, `7d`, `2w` meaning that long before now.
pub fn parse_since(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Some(age) = parse_age(s) {
        return Ok(Utc::now() - age);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in [SQL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc());
    }
    Err(format!(
        "'{s}' is not a date: use YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' (UTC), RFC 3339, or an age like 12h, 7d, 2w"
    ))
}

fn parse_age(s: &str) -> Option<chrono::Duration> {
    let unit = s.chars().last()?;
    let n: i64 = s[..s.len() - unit.len_utf8()].parse().ok().filter(|n| *n >= 0)?;
    match unit {
        's' => chrono::Duration::try_seconds(n),
        'm' => chrono::Duration::try_minutes(n),
        'h' => chrono::Duration::try_hours(n),
        'd' => chrono::Duration::try_days(n),
        'w' => chrono::Duration::try_weeks(n),
        _ => None,
    }
}

/// Like `--since`, but a bare date means the end of that day: "as of Tuesday" includes
/// Tuesday night's backup.
pub fn parse_as_of(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    match chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(d) => Ok(d.and_hms_opt(23, 59, 59).expect("a valid time").and_utc()),
        Err(_) => parse_since(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_forms() {
        assert_eq!(to_sql(parse_since("2026-01-02").unwrap()), "2026-01-02 00:00:00");
        assert_eq!(to_sql(parse_since("2026-01-02 03:04").unwrap()), "2026-01-02 03:04:00");
        assert_eq!(to_sql(parse_since("2026-01-02T03:04:05+01:00").unwrap()), "2026-01-02 02:04:05");
        let age = Utc::now() - parse_since("7d").unwrap();
        assert!((age.num_seconds() - 7 * 86400).abs() < 5);
        assert!(parse_since("yesterday").is_err());
        assert!(parse_since("-3d").is_err());
    }

    #[test]
    fn rfc3339_from_sql() {
        assert_eq!(sql_to_rfc3339("2026-11-27 21:10:57"), "2026-11-27T21:10:57Z");
    }
}
