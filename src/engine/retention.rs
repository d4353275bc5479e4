//! Retention: when backup sets expire, which tapes that frees for reuse, and `expire`, the
//! library call that carries it out (for the `expire` command and the scheduler).
//!
//! The rules (docs/CLI.md, "Retention and expiry") are plain functions over catalog rows and
//! a `now` the caller chooses, so they are tested without a database or a clock:
//!
//! - a completed set is kept for max(job, pool) retention days after it completed (the pool's
//!   retention is the floor), forever when either is 0;
//! - a failed or cancelled set holds nothing restorable: it is due at once;
//! - a set still pending or running (a paused, resumable run included) is never due;
//! - a held set is never due;
//! - an incremental chain (a full and every set whose parent chain leads to it) expires only
//!   as a whole, once every member is due, so no incremental is left without its full.
//!
//! A tape expires when it holds at least one set and none of them is live any more; an
//! exported one stays exported and is flagged for recall instead.

use std::collections::HashMap;

use anyhow::Result;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

use crate::catalog::retention::{self, SetRow, TapeHolding};
use crate::catalog::tapes::{self, TapeStatus};
use crate::catalog::{audit, write_on};
use crate::timefmt;

/// Until when a set (or its chain, or a tape) is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Until {
    /// Due once this time has passed.
    At(DateTime<Utc>),
    /// Kept forever: retention 0, a legal hold, or a run not finished.
    Never,
}

impl Until {
    pub fn at(self) -> Option<DateTime<Utc>> {
        match self {
            Until::At(t) => Some(t),
            Until::Never => None,
        }
    }

    fn due(self, now: DateTime<Utc>) -> bool {
        matches!(self, Until::At(t) if t <= now)
    }
}

/// Days a set of a job is kept: the pool's retention is the floor, 0 in either is forever.
pub fn retention_days(job_days: i64, pool_days: i64) -> Option<i64> {
    (job_days > 0 && pool_days > 0).then(|| job_days.max(pool_days))
}

fn parse_sql(t: Option<&str>) -> Option<DateTime<Utc>> {
    t.and_then(|t| NaiveDateTime::parse_from_str(t, timefmt::SQL_FORMAT).ok()).map(|t| t.and_utc())
}

/// Until when set `s` itself is kept, ignoring its chain; none when it has expired already.
pub fn own_until(s: &SetRow, now: DateTime<Utc>) -> Option<Until> {
    if s.expired_at.is_some() {
        return None;
    }
    if s.hold {
        return Some(Until::Never);
    }
    let ended = parse_sql(s.end_time.as_deref().or(s.start_time.as_deref()));
    Some(match s.status.as_str() {
        // Nothing restorable: due at the next expire, whenever the run ended.
        "failed" | "cancelled" => Until::At(ended.map_or(now, |t| t.min(now))),
        "completed" => match (retention_days(s.job_retention_days, s.pool_retention_days), ended) {
            (Some(days), Some(t)) => Until::At(t + Duration::days(days)),
            // A completed set with no time is kept rather than guessed about.
            _ => Until::Never,
        },
        // pending or running: a run not finished (or paused, to be resumed).
        _ => Until::Never,
    })
}

/// What the rules decide at one moment.
#[derive(Debug, Default)]
pub struct Decision {
    /// Until when each live set is kept: its chain's verdict, since no set goes before its
    /// chain does.
    pub until: HashMap<i64, Until>,
    /// The live sets due now, deepest in their chain first (an incremental before its parent),
    /// so an expire cut short never leaves an incremental without its full.
    pub due: Vec<i64>,
}

/// Applies the rules to every set at `now`.
pub fn decide(rows: &[SetRow], now: DateTime<Utc>) -> Decision {
    let by_id: HashMap<i64, &SetRow> = rows.iter().map(|r| (r.id, r)).collect();
    // The chain of a set is named by its root: the oldest ancestor the catalog has.
    let root_and_depth = |mut id: i64| {
        let mut depth = 0usize;
        while let Some(parent) = by_id.get(&id).and_then(|r| r.parent_set_id)
            && by_id.contains_key(&parent)
            && depth < rows.len()
        {
            id = parent;
            depth += 1;
        }
        (id, depth)
    };
    let mut chains: HashMap<i64, Until> = HashMap::new();
    let mut live: Vec<(i64, i64, usize)> = Vec::new();
    for r in rows {
        let Some(own) = own_until(r, now) else { continue };
        let (root, depth) = root_and_depth(r.id);
        chains.entry(root).and_modify(|u| *u = (*u).max(own)).or_insert(own);
        live.push((r.id, root, depth));
    }
    let mut d = Decision::default();
    for &(id, root, _) in &live {
        d.until.insert(id, chains[&root]);
    }
    live.retain(|(_, root, _)| chains[root].due(now));
    live.sort_by(|a, b| b.2.cmp(&a.2).then(b.0.cmp(&a.0)));
    d.due = live.into_iter().map(|(id, _, _)| id).collect();
    d
}

/// What becomes of a tape once the sets in `expired` are gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TapeFate {
    /// Still holds live backups (or none ever): unchanged.
    Kept,
    /// Every set on it expired: free for reuse.
    Expires,
    /// Exported, and every set on it expired: bring it back (`tape import`) to reuse it.
    Recall,
}

/// A tape's fate, given which sets are expired (`is_expired`).
pub fn tape_fate(t: &TapeHolding, is_expired: &dyn Fn(i64) -> bool) -> TapeFate {
    if t.sets.is_empty() || t.other_backups > 0 || !t.sets.iter().all(|s| is_expired(*s)) {
        return TapeFate::Kept;
    }
    match t.status {
        TapeStatus::Active | TapeStatus::Full => TapeFate::Expires,
        TapeStatus::Exported => TapeFate::Recall,
        TapeStatus::Blank | TapeStatus::Expired | TapeStatus::Retired => TapeFate::Kept,
    }
}

/// A set `expire` expired (or, with `dry_run`, would expire).
#[derive(Debug, Clone, Serialize)]
pub struct ExpiredSet {
    pub id: i64,
    pub job: String,
    pub backup_type: String,
    /// How its run ended: `completed`, `failed` or `cancelled`.
    pub status: String,
    /// When its run ended (RFC 3339).
    pub completed: Option<String>,
    pub expired_at: String,
    /// The retention that applied (days; none for a failed or cancelled set).
    pub retention_days: Option<i64>,
    pub entries_deleted: u64,
}

/// A tape `expire` freed or flagged.
#[derive(Debug, Clone, Serialize)]
pub struct ExpiredTape {
    pub label: String,
    pub pool: Option<String>,
    /// Its status before: `active` or `full` (`exported` for one to recall).
    pub from: TapeStatus,
    pub offsite_location: Option<String>,
}

/// What one `expire` did, or with `dry_run` would do.
#[derive(Debug, Clone, Serialize)]
pub struct Expiry {
    pub dry_run: bool,
    /// The moment the rules were applied at (RFC 3339).
    pub now: String,
    pub sets: Vec<ExpiredSet>,
    /// Tapes whose sets all expired: `expired` now, reused by the next backup of their pool.
    pub tapes: Vec<ExpiredTape>,
    /// Exported tapes whose sets all expired: they stay exported until `tape import`.
    pub recall: Vec<ExpiredTape>,
    pub entries_deleted: u64,
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Expires what is due at `now`: each due set in a write transaction of its own (entries and
/// snapshot deleted, audit `set.expire`), then every tape left with no live set (`expired`,
/// audit `tape.expire`), then one `expire.run` audit row when anything changed. With
/// `dry_run` nothing is written. `conn` must have no transaction open.
pub fn expire(conn: &Connection, now: DateTime<Utc>, dry_run: bool) -> Result<Expiry> {
    let rows = retention::set_rows(conn)?;
    let decision = decide(&rows, now);
    let by_id: HashMap<i64, &SetRow> = rows.iter().map(|r| (r.id, r)).collect();
    let now_sql = timefmt::to_sql(now);
    let mut out = Expiry {
        dry_run,
        now: rfc3339(now),
        sets: Vec::new(),
        tapes: Vec::new(),
        recall: Vec::new(),
        entries_deleted: 0,
    };
    for id in &decision.due {
        let r = by_id[id];
        let retention_days =
            (r.status == "completed").then(|| retention_days(r.job_retention_days, r.pool_retention_days)).flatten();
        let entries = if dry_run {
            retention::entry_count(conn, *id)?
        } else {
            let details = json!({
                "job": r.job, "backup_type": r.backup_type, "status": r.status,
                "retention_days": retention_days, "job_retention_days": r.job_retention_days,
                "pool_retention_days": r.pool_retention_days,
            });
            match retention::expire_set(conn, *id, &now_sql, details)? {
                Some(n) => n,
                None => continue,
            }
        };
        out.entries_deleted += entries;
        out.sets.push(ExpiredSet {
            id: *id,
            job: r.job.clone(),
            backup_type: r.backup_type.clone(),
            status: r.status.clone(),
            completed: r.end_time.as_deref().or(r.start_time.as_deref()).map(timefmt::sql_to_rfc3339),
            expired_at: rfc3339(now),
            retention_days,
            entries_deleted: entries,
        });
    }

    let expired_now: std::collections::HashSet<i64> = out.sets.iter().map(|s| s.id).collect();
    let is_expired = |id: i64| expired_now.contains(&id) || by_id.get(&id).is_some_and(|r| r.expired_at.is_some());
    for t in retention::tape_holdings(conn)? {
        let what = ExpiredTape {
            label: t.label.clone(),
            pool: t.pool.clone(),
            from: t.status,
            offsite_location: t.offsite_location.clone(),
        };
        match tape_fate(&t, &is_expired) {
            TapeFate::Kept => {}
            TapeFate::Recall => out.recall.push(what),
            TapeFate::Expires => {
                if !dry_run {
                    mark_tape_expired(conn, t.id, t.sets.len())?;
                }
                out.tapes.push(what);
            }
        }
    }

    let changed = !out.sets.is_empty() || !out.tapes.is_empty();
    if !dry_run && changed {
        let tx = write_on(conn)?;
        audit::record(
            &tx,
            "expire.run",
            "catalog",
            None,
            json!({
                "sets": out.sets.iter().map(|s| s.id).collect::<Vec<_>>(),
                "tapes": out.tapes.iter().map(|t| &t.label).collect::<Vec<_>>(),
                "recall": out.recall.iter().map(|t| &t.label).collect::<Vec<_>>(),
                "entries_deleted": out.entries_deleted,
            }),
        )?;
        tx.commit()?;
    }
    Ok(out)
}

/// Marks tape `id` expired (audit `tape.expire`), checking again under the write lock that
/// no live set appeared on it meanwhile.
fn mark_tape_expired(conn: &Connection, id: i64, expired_sets: usize) -> Result<()> {
    let tx = write_on(conn)?;
    let mut t = tapes::by_id(&tx, id)?;
    if tapes::set_count(&tx, id)? > 0 || !t.status.can_become(TapeStatus::Expired) || t.status == TapeStatus::Expired {
        return Ok(());
    }
    let from = t.status;
    t.status = TapeStatus::Expired;
    tapes::save(&tx, &t)?;
    audit::record(
        &tx,
        "tape.expire",
        "tape",
        Some(id),
        json!({"label": t.label, "from": from, "to": t.status, "expired_sets": expired_sets}),
    )?;
    tx.commit()?;
    Ok(())
}

/// Until when each set and tape is kept, as listings show it.
pub struct Outlook {
    decision: Decision,
    tapes: HashMap<i64, TapeOutlook>,
}

/// A tape's retention as `tape list` and `tape show` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TapeOutlook {
    /// Until when its live sets are kept (the latest of their chains); none when it holds
    /// no live set.
    pub until: Option<Until>,
    /// Exported, and every set on it expired.
    pub recall: bool,
}

impl Outlook {
    /// The rules applied to the catalog at `now`.
    pub fn at(conn: &Connection, now: DateTime<Utc>) -> Result<Outlook> {
        let rows = retention::set_rows(conn)?;
        let decision = decide(&rows, now);
        let expired: std::collections::HashSet<i64> =
            rows.iter().filter(|r| r.expired_at.is_some()).map(|r| r.id).collect();
        let mut tapes = HashMap::new();
        for t in retention::tape_holdings(conn)? {
            let until = t.sets.iter().filter_map(|s| decision.until.get(s)).copied().max();
            let until = if t.other_backups > 0 { Some(Until::Never) } else { until };
            let recall = tape_fate(&t, &|s| expired.contains(&s)) == TapeFate::Recall;
            tapes.insert(t.id, TapeOutlook { until, recall });
        }
        Ok(Outlook { decision, tapes })
    }

    /// Until when live set `id` is kept; none for an expired (or unknown) set.
    pub fn set(&self, id: i64) -> Option<Until> {
        self.decision.until.get(&id).copied()
    }

    pub fn tape(&self, id: i64) -> TapeOutlook {
        self.tapes.get(&id).copied().unwrap_or(TapeOutlook { until: None, recall: false })
    }
}

/// `expires_at` for JSON: RFC 3339, or null for never (and for nothing to keep).
pub fn expires_at_json(until: Option<Until>) -> serde_json::Value {
    until.and_then(Until::at).map(rfc3339).map_or(serde_json::Value::Null, Into::into)
}

/// `expires` for people: a UTC time, `never`, or `-` for nothing to keep.
pub fn expires_text(until: Option<Until>) -> String {
    match until {
        Some(Until::At(t)) => format!("{} UTC", timefmt::to_sql(t)),
        Some(Until::Never) => "never".into(),
        None => "-".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        parse_sql(Some(s)).unwrap()
    }

    fn set(id: i64, parent: Option<i64>, ended: &str, job_days: i64, pool_days: i64) -> SetRow {
        SetRow {
            id,
            job: "nightly".into(),
            backup_type: if parent.is_some() { "incremental" } else { "full" }.into(),
            status: "completed".into(),
            start_time: Some(ended.into()),
            end_time: Some(ended.into()),
            parent_set_id: parent,
            hold: false,
            expired_at: None,
            job_retention_days: job_days,
            pool_retention_days: pool_days,
        }
    }

    #[test]
    fn the_pool_is_the_floor_and_zero_is_forever() {
        assert_eq!(retention_days(7, 28), Some(28));
        assert_eq!(retention_days(90, 28), Some(90));
        assert_eq!(retention_days(0, 28), None);
        assert_eq!(retention_days(30, 0), None);
        let s = set(1, None, "2027-01-01 00:00:00", 7, 28);
        assert_eq!(own_until(&s, t("2027-01-02 00:00:00")), Some(Until::At(t("2027-01-29 00:00:00"))));
        let rows = [s];
        assert!(decide(&rows, t("2027-01-28 23:59:59")).due.is_empty());
        assert_eq!(decide(&rows, t("2027-01-29 00:00:00")).due, vec![1]);
        let forever = [set(1, None, "2020-01-01 00:00:00", 0, 28), set(2, None, "2020-01-01 00:00:00", 7, 0)];
        let d = decide(&forever, t("2099-01-01 00:00:00"));
        assert!(d.due.is_empty());
        assert_eq!(d.until[&1], Until::Never);
        assert_eq!(d.until[&2], Until::Never);
    }

    #[test]
    fn a_chain_expires_only_as_a_whole_incrementals_first() {
        // Full 1, incrementals 2 and 3 on it, 4 on 3; a later full 5.
        let rows = [
            set(1, None, "2027-01-01 00:00:00", 7, 7),
            set(2, Some(1), "2027-01-02 00:00:00", 7, 7),
            set(3, Some(2), "2027-01-03 00:00:00", 7, 7),
            set(4, Some(3), "2027-01-10 00:00:00", 7, 7),
            set(5, None, "2027-01-11 00:00:00", 7, 7),
        ];
        // Sets 1-3 are past their own retention, but 4 is not: the chain stays.
        let d = decide(&rows, t("2027-01-12 00:00:00"));
        assert!(d.due.is_empty(), "{:?}", d.due);
        assert_eq!(d.until[&1], Until::At(t("2027-01-17 00:00:00")), "the chain's last member decides");
        let d = decide(&rows, t("2027-01-17 00:00:00"));
        assert_eq!(d.due, vec![4, 3, 2, 1], "deepest first, the full last");
        let d = decide(&rows, t("2027-01-18 00:00:00"));
        assert_eq!(d.due, vec![4, 3, 2, 5, 1]);
    }

    #[test]
    fn a_chain_with_expired_members_goes_on_with_the_rest() {
        // An expire cut short: the incremental went, the full stayed.
        let mut rows = [set(1, None, "2027-01-01 00:00:00", 7, 7), set(2, Some(1), "2027-01-02 00:00:00", 7, 7)];
        rows[1].expired_at = Some("2027-01-09 00:00:00".into());
        let d = decide(&rows, t("2027-01-09 00:00:01"));
        assert_eq!(d.due, vec![1]);
        assert_eq!(d.until.get(&2), None, "an expired set has no expiry left");
    }

    #[test]
    fn a_held_set_keeps_its_whole_chain() {
        let mut rows = [
            set(1, None, "2027-01-01 00:00:00", 7, 7),
            set(2, Some(1), "2027-01-02 00:00:00", 7, 7),
            set(3, None, "2027-01-03 00:00:00", 7, 7),
        ];
        rows[1].hold = true;
        let d = decide(&rows, t("2028-01-01 00:00:00"));
        assert_eq!(d.due, vec![3]);
        assert_eq!(d.until[&1], Until::Never);
        assert_eq!(d.until[&2], Until::Never);
        // A hold on the full keeps its incrementals too.
        rows[1].hold = false;
        rows[0].hold = true;
        assert_eq!(decide(&rows, t("2028-01-01 00:00:00")).due, vec![3]);
    }

    #[test]
    fn failed_sets_go_at_once_unfinished_runs_never() {
        let mut rows = [
            set(1, None, "2027-01-01 00:00:00", 0, 0),
            set(2, None, "2027-01-01 00:00:00", 30, 30),
            set(3, None, "2027-01-01 00:00:00", 1, 1),
            set(4, None, "2027-01-01 00:00:00", 1, 1),
        ];
        rows[0].status = "failed".into();
        rows[1].status = "cancelled".into();
        rows[1].end_time = None;
        rows[2].status = "running".into();
        rows[3].status = "pending".into();
        let now = t("2027-01-01 00:00:01");
        let mut due = decide(&rows, now).due;
        due.sort();
        assert_eq!(due, vec![1, 2], "failed and cancelled sets hold nothing restorable, whatever the retention");
        let d = decide(&rows, t("2099-01-01 00:00:00"));
        assert!(!d.due.contains(&3) && !d.due.contains(&4), "a run not finished is never expired");
        // A held failed set stays.
        rows[0].hold = true;
        assert!(!decide(&rows, now).due.contains(&1));
    }

    #[test]
    fn a_running_incremental_keeps_its_chain() {
        let mut rows = [set(1, None, "2027-01-01 00:00:00", 1, 1), set(2, Some(1), "2027-01-01 00:00:00", 1, 1)];
        rows[1].status = "pending".into();
        assert!(decide(&rows, t("2030-01-01 00:00:00")).due.is_empty());
    }

    fn holding(status: TapeStatus, sets: Vec<i64>) -> TapeHolding {
        TapeHolding {
            id: 1,
            label: "W1".into(),
            pool: Some("weekly".into()),
            status,
            offsite_location: None,
            sets,
            other_backups: 0,
        }
    }

    #[test]
    fn tapes_expire_when_no_set_on_them_is_live() {
        let gone = |s: i64| s != 3;
        assert_eq!(tape_fate(&holding(TapeStatus::Full, vec![1, 2]), &gone), TapeFate::Expires);
        assert_eq!(tape_fate(&holding(TapeStatus::Active, vec![1]), &gone), TapeFate::Expires);
        assert_eq!(tape_fate(&holding(TapeStatus::Full, vec![1, 3]), &gone), TapeFate::Kept);
        assert_eq!(tape_fate(&holding(TapeStatus::Active, vec![]), &gone), TapeFate::Kept, "a tape with no set");
        assert_eq!(tape_fate(&holding(TapeStatus::Exported, vec![1]), &gone), TapeFate::Recall);
        assert_eq!(tape_fate(&holding(TapeStatus::Retired, vec![1]), &gone), TapeFate::Kept);
        assert_eq!(tape_fate(&holding(TapeStatus::Expired, vec![1]), &gone), TapeFate::Kept, "already");
        let mut db = holding(TapeStatus::Full, vec![1]);
        db.other_backups = 1;
        assert_eq!(tape_fate(&db, &gone), TapeFate::Kept, "a database backup never expires");
    }
}
