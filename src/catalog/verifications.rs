//! `set_verifications`: the outcome of every `verify`, and the progress of one that waits for
//! a tape between runs (a set spanning tapes on a standalone drive).

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// What a verify found (so far).
pub struct Outcome<'a> {
    pub set_id: i64,
    pub mode: &'a str,
    pub passed: bool,
    pub frames_checked: u64,
    pub files_checked: u64,
    pub tape_bytes_read: u64,
    /// JSON array of messages, when it failed (or, waiting, when something failed so far).
    pub errors: Option<String>,
    /// Seconds it took, for `started_at`.
    pub seconds: i64,
}

/// The verify of `set_id` in `mode` that waits for a tape: its row and saved progress.
pub fn waiting(conn: &Connection, set_id: i64, mode: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, resume_state FROM set_verifications
             WHERE backup_set_id = ?1 AND mode = ?2 AND status = 'running' AND resume_state IS NOT NULL
             ORDER BY id DESC LIMIT 1",
            params![set_id, mode],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Records a verify that waits for a tape (`id` when an earlier run of it has a row).
pub fn wait(conn: &Connection, id: Option<i64>, o: &Outcome, state: &str) -> Result<i64> {
    match id {
        Some(id) => {
            conn.execute(
                "UPDATE set_verifications SET frames_checked = ?2, files_checked = ?3, tape_bytes_read = ?4,
                    errors = ?5, resume_state = ?6 WHERE id = ?1",
                params![id, o.frames_checked as i64, o.files_checked as i64, o.tape_bytes_read as i64, o.errors, state],
            )?;
            Ok(id)
        }
        None => {
            conn.execute(
                "INSERT INTO set_verifications (backup_set_id, mode, status, frames_checked, files_checked,
                    tape_bytes_read, errors, started_at, resume_state)
                 VALUES (?1, ?2, 'running', ?3, ?4, ?5, ?6, datetime('now', ?7), ?8)",
                params![
                    o.set_id,
                    o.mode,
                    o.frames_checked as i64,
                    o.files_checked as i64,
                    o.tape_bytes_read as i64,
                    o.errors,
                    format!("-{} seconds", o.seconds),
                    state
                ],
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}

/// Records how a verify ended (`id` when an earlier run of it has a row).
pub fn finish(conn: &Connection, id: Option<i64>, o: &Outcome) -> Result<()> {
    let status = if o.passed { "passed" } else { "failed" };
    match id {
        Some(id) => {
            conn.execute(
                "UPDATE set_verifications SET status = ?2, frames_checked = ?3, files_checked = ?4,
                    tape_bytes_read = ?5, errors = ?6, completed_at = datetime('now'), resume_state = NULL
                 WHERE id = ?1",
                params![
                    id,
                    status,
                    o.frames_checked as i64,
                    o.files_checked as i64,
                    o.tape_bytes_read as i64,
                    o.errors
                ],
            )?;
        }
        None => {
            conn.execute(
                "INSERT INTO set_verifications (backup_set_id, mode, status, frames_checked, files_checked,
                    tape_bytes_read, errors, started_at, completed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, datetime('now', ?8), datetime('now'))",
                params![
                    o.set_id,
                    o.mode,
                    status,
                    o.frames_checked as i64,
                    o.files_checked as i64,
                    o.tape_bytes_read as i64,
                    o.errors,
                    format!("-{} seconds", o.seconds)
                ],
            )?;
        }
    }
    Ok(())
}

/// Entries the catalog holds for a set.
pub fn entry_count(conn: &Connection, set_id: i64) -> Result<u64> {
    let n: i64 =
        conn.query_row("SELECT count(*) FROM catalog_entries WHERE backup_set_id = ?1", [set_id], |r| r.get(0))?;
    Ok(n as u64)
}
