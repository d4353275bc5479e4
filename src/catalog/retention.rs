//! Retention in the catalog: the rows the expiry rules decide on, and the writes that carry
//! a decision out (expiring a set, a legal hold). The rules themselves are plain Rust in
//! `engine::retention`, so they are tested with chosen times and no database.
//!
//! Expiring a set deletes its entries (millions, for a big set) and its snapshot but keeps
//! its row, parts and spanning rows as history. It happens in one write transaction per set,
//! so a crash leaves each set either live with all its entries or expired, and the write
//! lock is taken set by set, never for a whole run.

use anyhow::Result;
use rusqlite::{Connection, params};
use serde_json::Value;

use super::audit;
use super::tapes::TapeStatus;

/// Entries deleted per statement: bounds the memory a DELETE and its search-index trigger
/// use, inside the set's one transaction.
const DELETE_BATCH: i64 = 20_000;

/// A backup set as the expiry rules see it.
#[derive(Debug, Clone)]
pub struct SetRow {
    pub id: i64,
    pub job: String,
    pub backup_type: String,
    /// How its run ended (or that it has not): pending, running, completed, failed, cancelled.
    pub status: String,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub parent_set_id: Option<i64>,
    pub hold: bool,
    pub expired_at: Option<String>,
    /// The job's retention (days; 0 = forever).
    pub job_retention_days: i64,
    /// The retention of the pool its first tape belongs to (the job's pool when the tape has
    /// none): the floor.
    pub pool_retention_days: i64,
}

/// Every backup set, expired ones included (a chain's members may have expired before).
pub fn set_rows(conn: &Connection) -> Result<Vec<SetRow>> {
    let mut stmt = conn.prepare(
        "SELECT b.id, j.name, b.backup_type, b.status, b.start_time, b.end_time, b.parent_set_id, b.hold,
            b.expired_at, coalesce(j.retention_days, 30), coalesce(tp.retention_days, jp.retention_days, 0)
         FROM backup_sets b
         JOIN backup_jobs j ON j.id = b.job_id
         LEFT JOIN tape_pools jp ON jp.id = j.pool_id
         LEFT JOIN tapes t ON t.id = b.tape_id
         LEFT JOIN tape_pools tp ON tp.id = t.pool_id
         ORDER BY b.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SetRow {
            id: r.get(0)?,
            job: r.get(1)?,
            backup_type: r.get(2)?,
            status: r.get(3)?,
            start_time: r.get(4)?,
            end_time: r.get(5)?,
            parent_set_id: r.get(6)?,
            hold: r.get(7)?,
            expired_at: r.get(8)?,
            job_retention_days: r.get(9)?,
            pool_retention_days: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A tape and what it holds, for deciding whether it expires.
#[derive(Debug, Clone)]
pub struct TapeHolding {
    pub id: i64,
    pub label: String,
    pub pool: Option<String>,
    pub status: TapeStatus,
    pub offsite_location: Option<String>,
    /// Backup sets whose first tape it is or that have a part on it, expired or not.
    pub sets: Vec<i64>,
    /// Backups on it that keep it: the newest catalog backup (or one being written) and
    /// Proxmox backups.
    pub other_backups: i64,
}

/// Every tape with the sets on it.
pub fn tape_holdings(conn: &Connection) -> Result<Vec<TapeHolding>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT t.id, t.label, p.name, t.status, t.offsite_location,
            (SELECT json_group_array(id) FROM (SELECT id FROM backup_sets WHERE tape_id = t.id
                UNION SELECT backup_set_id FROM backup_set_parts WHERE tape_id = t.id)),
            (SELECT count(*) FROM database_backups WHERE tape_id = t.id AND {keeps})
              + (SELECT count(*) FROM proxmox_backups WHERE tape_id = t.id)
         FROM tapes t LEFT JOIN tape_pools p ON p.id = t.pool_id ORDER BY t.label",
        keeps = super::db_backups::KEEPS_TAPE
    ))?;
    let rows = stmt.query_map([], |r| {
        let status: String = r.get(3)?;
        let sets: String = r.get(5)?;
        Ok(TapeHolding {
            id: r.get(0)?,
            label: r.get(1)?,
            pool: r.get(2)?,
            status: status.parse().unwrap_or(TapeStatus::Blank),
            offsite_location: r.get(4)?,
            sets: serde_json::from_str(&sets).unwrap_or_default(),
            other_backups: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many catalog entries set `set_id` has: what expiring it deletes.
pub fn entry_count(conn: &Connection, set_id: i64) -> Result<u64> {
    let n: i64 =
        conn.query_row("SELECT count(*) FROM catalog_entries WHERE backup_set_id = ?1", [set_id], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// Expires set `set_id` at `expired_at` (catalog timestamp) in one write transaction on
/// `conn` (which must have none open): its entries (and so their search-index rows, through
/// the delete trigger of migration 004) and snapshot are deleted in batches, `expired_at` is
/// set, and `audit` (the details of a `set.expire` row) is recorded. Returns the entries
/// deleted, or none when, under the write lock, the set is no longer to go: expired already
/// (another process got there first), held meanwhile, or with a live set built on it (an
/// incremental that started after the rules were applied; a chain's own incrementals are
/// expired before their parent).
pub fn expire_set(conn: &Connection, set_id: i64, expired_at: &str, audit_details: Value) -> Result<Option<u64>> {
    let tx = super::write_on(conn)?;
    let still_due: bool = tx.query_row(
        "SELECT b.expired_at IS NULL AND b.hold = 0
            AND NOT EXISTS (SELECT 1 FROM backup_sets c WHERE c.parent_set_id = b.id AND c.expired_at IS NULL)
         FROM backup_sets b WHERE b.id = ?1",
        [set_id],
        |r| r.get(0),
    )?;
    if !still_due {
        return Ok(None);
    }
    let mut deleted = 0u64;
    {
        let mut batch = tx.prepare(
            "DELETE FROM catalog_entries WHERE id IN
                (SELECT id FROM catalog_entries WHERE backup_set_id = ?1 LIMIT ?2)",
        )?;
        loop {
            let n = batch.execute(params![set_id, DELETE_BATCH])?;
            deleted += n as u64;
            if (n as i64) < DELETE_BATCH {
                break;
            }
        }
    }
    tx.execute("DELETE FROM snapshots WHERE backup_set_id = ?1", [set_id])?;
    tx.execute("UPDATE backup_sets SET expired_at = ?2, updated_at = ?2 WHERE id = ?1", params![set_id, expired_at])?;
    let mut details = audit_details;
    details["entries_deleted"] = deleted.into();
    audit::record(&tx, "set.expire", "backup_set", Some(set_id), details)?;
    tx.commit()?;
    Ok(Some(deleted))
}

/// Puts set `set_id` under legal hold with `reason` (none: keeps the reason it had, if any).
/// Returns whether anything changed.
pub fn hold(conn: &Connection, set_id: i64, reason: Option<&str>) -> Result<bool> {
    let n = conn.execute(
        "UPDATE backup_sets SET hold = 1, hold_reason = coalesce(?2, hold_reason), updated_at = datetime('now')
         WHERE id = ?1 AND expired_at IS NULL AND (hold = 0 OR (?2 IS NOT NULL AND hold_reason IS NOT ?2))",
        params![set_id, reason],
    )?;
    Ok(n > 0)
}

/// Lifts the legal hold of set `set_id`. Returns whether it was held.
pub fn release(conn: &Connection, set_id: i64) -> Result<bool> {
    let n = conn.execute(
        "UPDATE backup_sets SET hold = 0, hold_reason = NULL, updated_at = datetime('now') WHERE id = ?1 AND hold = 1",
        [set_id],
    )?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::entries::{EntryWriter, NewEntry};

    /// A catalog with full set 1 (three entries and a snapshot) and its incremental 2.
    fn catalog() -> (tempfile::TempDir, crate::catalog::Catalog) {
        let dir = tempfile::tempdir().unwrap();
        let (cat, _) = crate::catalog::Catalog::init(dir.path()).unwrap();
        cat.conn()
            .execute_batch(
                "INSERT INTO tape_pools (name, retention_days) VALUES ('p', 7);
                 INSERT INTO backup_sources (name, source_type, path) VALUES ('s', 'local', '/srv');
                 INSERT INTO backup_jobs (name, source_id, pool_id, backup_type) VALUES ('j', 1, 1, 'full');
                 INSERT INTO tapes (label, pool_id, status) VALUES ('T1', 1, 'full');
                 INSERT INTO backup_sets (id, job_id, tape_id, backup_type, start_time, status)
                     VALUES (1, 1, 1, 'full', '2027-01-01 00:00:00', 'completed');
                 INSERT INTO backup_sets (id, job_id, tape_id, backup_type, start_time, status, parent_set_id)
                     VALUES (2, 1, 1, 'incremental', '2027-01-02 00:00:00', 'completed', 1);
                 INSERT INTO snapshots (source_id, backup_set_id) VALUES (1, 1);",
            )
            .unwrap();
        let mut w = EntryWriter::new(cat.conn(), 1).unwrap();
        for name in ["a", "b", "c"] {
            w.add(&NewEntry {
                path: name.into(),
                size: 1,
                mode: 0o644,
                mtime_ns: 0,
                uid: 0,
                gid: 0,
                kind: "file",
                link_target: None,
                checksum: None,
                block: Some(3),
                frame_seq: 0,
                frame_offset: 0,
            })
            .unwrap();
        }
        w.finish().unwrap();
        (dir, cat)
    }

    fn count(cat: &crate::catalog::Catalog, sql: &str) -> i64 {
        cat.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_set_goes_with_its_entries_index_and_snapshot_and_only_when_still_due() {
        let (_dir, cat) = catalog();
        let at = "2027-02-01 00:00:00";
        assert_eq!(expire_set(cat.conn(), 1, at, serde_json::json!({})).unwrap(), None, "set 2 still builds on it");
        hold_and_reword(&cat, 2);
        assert_eq!(expire_set(cat.conn(), 2, at, serde_json::json!({})).unwrap(), None, "held meanwhile");
        assert!(release(cat.conn(), 2).unwrap());
        assert_eq!(expire_set(cat.conn(), 2, at, serde_json::json!({})).unwrap(), Some(0));
        assert_eq!(expire_set(cat.conn(), 1, at, serde_json::json!({"job": "j"})).unwrap(), Some(3));
        assert_eq!(expire_set(cat.conn(), 1, at, serde_json::json!({})).unwrap(), None, "expired already");
        assert_eq!(count(&cat, "SELECT count(*) FROM catalog_entries"), 0);
        assert_eq!(count(&cat, "SELECT count(*) FROM catalog_entries_fts_docsize"), 0, "the index follows");
        assert_eq!(count(&cat, "SELECT count(*) FROM snapshots"), 0);
        assert_eq!(count(&cat, "SELECT count(*) FROM backup_sets WHERE expired_at = '2027-02-01 00:00:00'"), 2);
        assert_eq!(count(&cat, "SELECT count(*) FROM audit_logs WHERE action = 'set.expire'"), 2);
        // An expired set is never held.
        assert!(!hold(cat.conn(), 1, Some("late")).unwrap());
        // No incremental starts on an expired parent.
        let err = crate::catalog::sets::start(
            cat.conn(),
            &crate::catalog::sets::NewSet {
                uuid: "u",
                job_id: 1,
                source_id: 1,
                tape_id: 1,
                backup_type: "incremental",
                start_block: 2,
                framing: "raw",
                compression: "none",
                encryption_key_id: None,
                block_size: 262144,
                frame_size: 8388608,
                parent_set_id: Some(1),
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("parent set 1 of this incremental expired"), "{err}");
    }

    fn hold_and_reword(cat: &crate::catalog::Catalog, id: i64) {
        assert!(hold(cat.conn(), id, Some("case 1")).unwrap());
        assert!(!hold(cat.conn(), id, None).unwrap(), "held already, same reason: nothing changes");
        assert!(hold(cat.conn(), id, Some("case 2")).unwrap(), "a new reason replaces the old");
    }
}
