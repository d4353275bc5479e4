//! What the catalog remembers of a drive's health: its counters as last read
//! (`drive_statistics`, one row per drive) and the alerts it raised (`drive_alerts`) until
//! someone resolves them.
//!
//! This exists because a drive forgets its alerts once they are read (TapeAlert log page
//! 2Eh): the catalog is where they are kept, so that a later command still knows the drive
//! needs cleaning, and so that an operator can see and acknowledge them. It knows no device:
//! callers hand it what a drive reported. Every change writes an audit row in the caller's
//! transaction.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::json;

use super::audit;
use super::drives::Drive;

/// A drive's `drive_statistics` row.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Statistics {
    pub total_bytes_written: i64,
    pub total_bytes_read: i64,
    pub write_errors: i64,
    pub read_errors: i64,
    pub total_load_count: i64,
    pub cleaning_required: bool,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub last_cleaned_at: Option<String>,
    pub power_on_hours: i64,
    pub tape_motion_hours: f64,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub updated_at: Option<String>,
}

/// Counters a drive reported; `None` keeps what the row holds (the drive did not say).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Reading {
    pub bytes_written: Option<i64>,
    pub bytes_read: Option<i64>,
    pub write_errors: Option<i64>,
    pub read_errors: Option<i64>,
    pub loads: Option<i64>,
    pub power_on_hours: Option<i64>,
    pub tape_motion_hours: Option<f64>,
    pub cleaning_required: Option<bool>,
}

fn stats_from_row(r: &Row) -> rusqlite::Result<Statistics> {
    Ok(Statistics {
        total_bytes_written: r.get::<_, Option<i64>>(0)?.unwrap_or(0),
        total_bytes_read: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
        write_errors: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
        read_errors: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
        total_load_count: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
        cleaning_required: r.get::<_, Option<bool>>(5)?.unwrap_or(false),
        last_cleaned_at: r.get(6)?,
        power_on_hours: r.get::<_, Option<i64>>(7)?.unwrap_or(0),
        tape_motion_hours: r.get::<_, Option<f64>>(8)?.unwrap_or(0.0),
        updated_at: r.get(9)?,
    })
}

/// The drive's statistics row, if it has one yet.
pub fn statistics(conn: &Connection, drive_id: i64) -> Result<Option<Statistics>> {
    Ok(conn
        .query_row(
            "SELECT total_bytes_written, total_bytes_read, write_errors, read_errors, total_load_count,
                cleaning_required, last_cleaned_at, power_on_hours, tape_motion_hours, updated_at
             FROM drive_statistics WHERE drive_id = ?1",
            [drive_id],
            stats_from_row,
        )
        .optional()?)
}

/// Writes what the drive reported into its statistics row (made if missing); fields the
/// reading leaves out keep their value. Audited (`drive.statistics`) only when something
/// changed. Returns the row as it now is.
pub fn record_reading(conn: &Connection, drive: &Drive, r: &Reading) -> Result<Statistics> {
    let before = statistics(conn, drive.id)?;
    let old = before.clone().unwrap_or_default();
    let mut new = old.clone();
    new.total_bytes_written = r.bytes_written.unwrap_or(old.total_bytes_written);
    new.total_bytes_read = r.bytes_read.unwrap_or(old.total_bytes_read);
    new.write_errors = r.write_errors.unwrap_or(old.write_errors);
    new.read_errors = r.read_errors.unwrap_or(old.read_errors);
    new.total_load_count = r.loads.unwrap_or(old.total_load_count);
    new.power_on_hours = r.power_on_hours.unwrap_or(old.power_on_hours);
    new.tape_motion_hours = r.tape_motion_hours.unwrap_or(old.tape_motion_hours);
    new.cleaning_required = r.cleaning_required.unwrap_or(old.cleaning_required);
    if before.is_some() && new == old {
        return Ok(old);
    }
    write(conn, drive.id, &new)?;
    let diff = changes(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?);
    audit::record(conn, "drive.statistics", "drive", Some(drive.id), json!({"name": drive.name, "changes": diff}))?;
    Ok(statistics(conn, drive.id)?.expect("just written"))
}

/// `{"field": {"from": old, "to": new}}` for the fields that differ (the time of the update
/// is no change of its own).
fn changes(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
        for (k, new) in a {
            let old = b.get(k).unwrap_or(&serde_json::Value::Null);
            if old != new && k != "updated_at" {
                out.insert(k.clone(), json!({"from": old, "to": new}));
            }
        }
    }
    serde_json::Value::Object(out)
}

/// Records a cleaning at `at` (catalog time): `last_cleaned_at`, and no cleaning required.
pub fn record_cleaning(conn: &Connection, drive: &Drive, at: &str, details: serde_json::Value) -> Result<Statistics> {
    let mut s = statistics(conn, drive.id)?.unwrap_or_default();
    s.last_cleaned_at = Some(at.to_string());
    s.cleaning_required = false;
    write(conn, drive.id, &s)?;
    let mut details = details;
    details["name"] = json!(drive.name);
    details["last_cleaned_at"] = json!(at);
    audit::record(conn, "drive.clean", "drive", Some(drive.id), details)?;
    Ok(statistics(conn, drive.id)?.expect("just written"))
}

fn write(conn: &Connection, drive_id: i64, s: &Statistics) -> Result<()> {
    conn.execute(
        "INSERT INTO drive_statistics (drive_id, total_bytes_written, total_bytes_read, write_errors, read_errors,
            total_load_count, cleaning_required, last_cleaned_at, power_on_hours, tape_motion_hours, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (drive_id) DO UPDATE SET total_bytes_written = excluded.total_bytes_written,
            total_bytes_read = excluded.total_bytes_read, write_errors = excluded.write_errors,
            read_errors = excluded.read_errors, total_load_count = excluded.total_load_count,
            cleaning_required = excluded.cleaning_required, last_cleaned_at = excluded.last_cleaned_at,
            power_on_hours = excluded.power_on_hours, tape_motion_hours = excluded.tape_motion_hours,
            updated_at = excluded.updated_at",
        params![
            drive_id,
            s.total_bytes_written,
            s.total_bytes_read,
            s.write_errors,
            s.read_errors,
            s.total_load_count,
            s.cleaning_required,
            s.last_cleaned_at,
            s.power_on_hours,
            s.tape_motion_hours,
            crate::timefmt::now_sql()
        ],
    )?;
    Ok(())
}

/// One `drive_alerts` row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub id: i64,
    /// The drive's name.
    pub drive: String,
    #[serde(skip)]
    pub drive_id: i64,
    /// info, warning or critical (the seed's CHECK).
    pub severity: String,
    /// What raised it: `tapealert:N` for TapeAlert flag N, `cleaning` for a drive that says
    /// it needs cleaning without a flag.
    pub category: String,
    pub message: String,
    pub resolved: bool,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub resolved_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub created_at: Option<String>,
}

const ALERT_SELECT: &str = "SELECT a.id, coalesce(d.display_name, ''), a.drive_id, a.severity, a.category, a.message,
        a.resolved, a.resolved_at, a.created_at
    FROM drive_alerts a JOIN tape_drives d ON d.id = a.drive_id";

fn alert_from_row(r: &Row) -> rusqlite::Result<Alert> {
    Ok(Alert {
        id: r.get(0)?,
        drive: r.get(1)?,
        drive_id: r.get(2)?,
        severity: r.get(3)?,
        category: r.get(4)?,
        message: r.get(5)?,
        resolved: r.get::<_, Option<bool>>(6)?.unwrap_or(false),
        resolved_at: r.get(7)?,
        created_at: r.get(8)?,
    })
}

pub fn alert(conn: &Connection, id: i64) -> Result<Option<Alert>> {
    Ok(conn.query_row(&format!("{ALERT_SELECT} WHERE a.id = ?1"), [id], alert_from_row).optional()?)
}

/// Alerts, newest first: of one drive or all, unresolved only or all.
pub fn alerts(conn: &Connection, drive_id: Option<i64>, include_resolved: bool) -> Result<Vec<Alert>> {
    let mut stmt = conn.prepare(&format!(
        "{ALERT_SELECT} WHERE (?1 IS NULL OR a.drive_id = ?1) AND (?2 OR NOT coalesce(a.resolved, 0))
         ORDER BY a.id DESC"
    ))?;
    let rows = stmt.query_map(params![drive_id, include_resolved], alert_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records an alert, unless the drive has an unresolved one of the same category already
/// (a drive that keeps saying "clean now" is one alert until it is cleaned). Returns the new
/// row, or `None` for a repeat. Audited as `drive.alert`.
pub fn raise(conn: &Connection, drive: &Drive, severity: &str, category: &str, message: &str) -> Result<Option<Alert>> {
    let open: Option<i64> = conn
        .query_row(
            "SELECT id FROM drive_alerts WHERE drive_id = ?1 AND category = ?2 AND NOT coalesce(resolved, 0)",
            params![drive.id, category],
            |r| r.get(0),
        )
        .optional()?;
    if open.is_some() {
        return Ok(None);
    }
    conn.execute(
        "INSERT INTO drive_alerts (drive_id, severity, category, message, resolved, created_at)
         VALUES (?1, ?2, ?3, ?4, 0, ?5)",
        params![drive.id, severity, category, message, crate::timefmt::now_sql()],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(
        conn,
        "drive.alert",
        "drive",
        Some(drive.id),
        json!({"name": drive.name, "alert": id, "severity": severity, "category": category, "message": message}),
    )?;
    alert(conn, id)
}

/// Marks alert `id` resolved. `Ok(None)` when there is no such alert; the alert unchanged
/// when it was resolved already. Audited as `drive.alert_resolve` when it changes.
pub fn resolve(conn: &Connection, id: i64, why: &str) -> Result<Option<(Alert, bool)>> {
    let Some(a) = alert(conn, id)? else { return Ok(None) };
    if a.resolved {
        return Ok(Some((a, false)));
    }
    conn.execute(
        "UPDATE drive_alerts SET resolved = 1, resolved_at = ?2 WHERE id = ?1",
        params![id, crate::timefmt::now_sql()],
    )?;
    audit::record(
        conn,
        "drive.alert_resolve",
        "drive",
        Some(a.drive_id),
        json!({"name": a.drive, "alert": id, "category": a.category, "reason": why}),
    )?;
    Ok(Some((alert(conn, id)?.expect("just updated"), true)))
}

/// Resolves the drive's unresolved alerts of these categories; returns them, resolved.
pub fn resolve_categories(conn: &Connection, drive_id: i64, categories: &[&str], why: &str) -> Result<Vec<Alert>> {
    let mut done = Vec::new();
    for a in alerts(conn, Some(drive_id), false)? {
        if categories.contains(&a.category.as_str())
            && let Some((a, true)) = resolve(conn, a.id, why)?
        {
            done.push(a);
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, drives};

    fn catalog_with_drive() -> (tempfile::TempDir, Catalog, Drive) {
        let tmp = tempfile::tempdir().unwrap();
        let (mut cat, _) = Catalog::init(tmp.path()).unwrap();
        let d = Drive::new("d0", "vtape:/nowhere");
        let tx = cat.write().unwrap();
        drives::insert(&tx, &d).unwrap();
        tx.commit().unwrap();
        let d = drives::get(cat.conn(), "d0").unwrap();
        (tmp, cat, d)
    }

    fn audit_count(conn: &Connection, action: &str) -> i64 {
        conn.query_row("SELECT count(*) FROM audit_logs WHERE action = ?1", [action], |r| r.get(0)).unwrap()
    }

    #[test]
    fn statistics_are_upserted_and_audited_when_they_change() {
        let (_tmp, mut cat, d) = catalog_with_drive();
        let tx = cat.write().unwrap();
        assert_eq!(statistics(&tx, d.id).unwrap(), None);
        let r =
            Reading { bytes_written: Some(1000), loads: Some(2), cleaning_required: Some(true), ..Reading::default() };
        let s = record_reading(&tx, &d, &r).unwrap();
        assert_eq!((s.total_bytes_written, s.total_load_count, s.cleaning_required), (1000, 2, true));
        assert!(s.updated_at.is_some());
        // The same reading changes nothing and writes no audit row.
        record_reading(&tx, &d, &r).unwrap();
        assert_eq!(audit_count(&tx, "drive.statistics"), 1);
        // Fields left out keep their value.
        let s = record_reading(&tx, &d, &Reading { bytes_read: Some(5), ..Reading::default() }).unwrap();
        assert_eq!((s.total_bytes_written, s.total_bytes_read, s.cleaning_required), (1000, 5, true));
        let details: String = tx
            .query_row("SELECT details FROM audit_logs WHERE action = 'drive.statistics' ORDER BY id DESC", [], |r| {
                r.get(0)
            })
            .unwrap();
        let details: serde_json::Value = serde_json::from_str(&details).unwrap();
        assert_eq!(details["changes"]["total_bytes_read"], json!({"from": 0, "to": 5}), "{details}");
        let s = record_cleaning(&tx, &d, "2026-01-02 03:04:05", json!({"cartridge": "CLN001L1"})).unwrap();
        assert_eq!(s.last_cleaned_at.as_deref(), Some("2026-01-02 03:04:05"));
        assert!(!s.cleaning_required);
        assert_eq!(s.total_bytes_written, 1000);
        assert_eq!(audit_count(&tx, "drive.clean"), 1);
        // One row per drive.
        let rows: i64 = tx.query_row("SELECT count(*) FROM drive_statistics", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn alerts_are_not_repeated_while_unresolved() {
        let (_tmp, mut cat, d) = catalog_with_drive();
        let tx = cat.write().unwrap();
        let a = raise(&tx, &d, "critical", "tapealert:20", "Clean now").unwrap().unwrap();
        assert_eq!((a.drive.as_str(), a.severity.as_str(), a.resolved), ("d0", "critical", false));
        assert_eq!(raise(&tx, &d, "critical", "tapealert:20", "Clean now").unwrap(), None);
        let w = raise(&tx, &d, "warning", "tapealert:21", "Clean periodic").unwrap().unwrap();
        raise(&tx, &d, "critical", "tapealert:4", "Media").unwrap().unwrap();
        assert_eq!(alerts(&tx, Some(d.id), false).unwrap().len(), 3);
        assert_eq!(audit_count(&tx, "drive.alert"), 3);

        let done = resolve_categories(&tx, d.id, &["tapealert:20", "tapealert:21", "cleaning"], "cleaned").unwrap();
        assert_eq!(done.iter().map(|a| a.id).collect::<Vec<_>>(), [w.id, a.id], "newest first");
        assert!(done.iter().all(|a| a.resolved && a.resolved_at.is_some()));
        let open = alerts(&tx, Some(d.id), false).unwrap();
        assert_eq!(open.iter().map(|a| a.category.as_str()).collect::<Vec<_>>(), ["tapealert:4"]);
        assert_eq!(alerts(&tx, None, true).unwrap().len(), 3);
        // Once resolved, the same condition is a new alert.
        assert!(raise(&tx, &d, "critical", "tapealert:20", "Clean now").unwrap().is_some());
        // Resolving twice changes nothing; an unknown id is None.
        let (_, changed) = resolve(&tx, a.id, "again").unwrap().unwrap();
        assert!(!changed);
        assert!(resolve(&tx, 9999, "none").unwrap().is_none());
        assert_eq!(audit_count(&tx, "drive.alert_resolve"), 2);
    }
}
