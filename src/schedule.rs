//! Job schedules: standard 5-field cron expressions (`min hour dom month dow`, as in
//! crontab(5), names like `MON` and `JAN` allowed) and the nicknames `@hourly`, `@daily`,
//! `@weekly`, `@monthly`, `@yearly`/`@annually`. Evaluated in the machine's local time zone,
//! like cron itself, with cron's rules for clock changes ([`Schedule::next_after_in`]); the
//! next run is stored in UTC.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Local, LocalResult, TimeZone, Utc};
use croner::parser::{CronParser, Seconds, Year};
use croner::{Cron, JobType};

#[derive(Clone)]
pub struct Schedule {
    expr: String,
    cron: Cron,
}

impl Schedule {
    pub fn as_str(&self) -> &str {
        &self.expr
    }

    /// The first run strictly after `after`, computed in `after`'s zone.
    ///
    /// Clock changes, as cron does it: a fixed-time job (one minute of one hour) whose time the
    /// spring change skips runs right after the jump; in the hour the autumn change repeats it
    /// runs once, at the first of the two instants. Jobs with `*` or steps in the minute or hour
    /// run at every matching instant, both passes of a repeated hour included.
    pub fn next_after_in<Tz: TimeZone>(&self, after: DateTime<Tz>) -> Option<DateTime<Utc>> {
        let next = self.cron.find_next_occurrence(&after, false).ok()?;
        // croner 4 resolves a repeated wall-clock time to its second instant in chrono's
        // `Local` zone (its documentation says the first): take the first while it is ahead.
        // Once it has passed, croner already goes on to the next day, so it never runs twice.
        if self.cron.determine_job_type() == JobType::FixedTime
            && let LocalResult::Ambiguous(a, b) = after.timezone().from_local_datetime(&next.naive_local())
        {
            let (first, second) = if a < b { (a, b) } else { (b, a) };
            if next == second && first > after {
                return Some(first.with_timezone(&Utc));
            }
        }
        Some(next.with_timezone(&Utc))
    }

    /// The next run after now, in local time.
    pub fn next_run(&self) -> Option<DateTime<Utc>> {
        self.next_after_in(Local::now())
    }
}

impl FromStr for Schedule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let expr = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let fields = expr.split(' ').count();
        if !expr.starts_with('@') && fields != 5 {
            return Err(format!(
                "'{s}' has {fields} fields; a schedule is 5 cron fields (minute hour day-of-month month day-of-week) or @hourly/@daily/@weekly/@monthly/@yearly"
            ));
        }
        if expr.starts_with('@') && fields != 1 {
            return Err(format!("'{s}': a @nickname stands alone"));
        }
        let parser = CronParser::builder().seconds(Seconds::Disallowed).year(Year::Disallowed).build();
        match parser.parse(&expr) {
            Ok(cron) => Ok(Schedule { expr, cron }),
            Err(e) => Err(format!("'{s}' is not a valid cron schedule: {e}")),
        }
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({:?})", self.expr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(expr: &str, after: &str) -> String {
        let s: Schedule = expr.parse().unwrap();
        let after = chrono::NaiveDateTime::parse_from_str(after, "%Y-%m-%d %H:%M").unwrap().and_utc();
        s.next_after_in(after).unwrap().format("%Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn five_fields_and_nicknames() {
        assert_eq!(next("0 3 * * *", "2026-11-27 21:10"), "2026-11-28 03:00");
        assert_eq!(next("30 1 * * MON-FRI", "2026-11-27 21:10"), "2026-11-30 01:30");
        assert_eq!(next("@daily", "2026-11-27 21:10"), "2026-11-28 00:00");
        assert_eq!(next("@weekly", "2026-11-27 21:10"), "2026-11-29 00:00");
        assert_eq!(next("@monthly", "2026-11-27 21:10"), "2026-12-01 00:00");
        assert_eq!(next("*/15 * * * *", "2026-11-27 21:10"), "2026-11-27 21:15");
        // Strictly after: a run due this very minute is the next one, not this one.
        assert_eq!(next("10 21 * * *", "2026-11-27 21:10"), "2026-11-28 21:10");
    }

    #[test]
    fn rejects_bad_expressions() {
        for bad in ["", "* * * *", "0 0 0 * * *", "61 * * * *", "* 25 * * *", "@reboot", "@daily 3", "a b c d e"] {
            assert!(bad.parse::<Schedule>().is_err(), "{bad:?} was accepted");
        }
    }
}
