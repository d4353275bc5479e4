//! What a restore reads: the sets of a point in time and their entries in stream order, and
//! the `restore_operations` record of each run.
//!
//! Entries are streamed from SQLite, never collected: a restore of a 10-million-file set
//! holds one row at a time.

use std::path::PathBuf;

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::pathblob::{PathBytes, PathRef};
use super::sets::{self, Set};
use crate::error::{Failure, Kind};

/// The sets that make up a job's state at `as_of` (SQL datetime, UTC; none = now): the
/// newest completed set started at or before it, and its parents back to the full, oldest
/// first.
pub fn chain(conn: &Connection, job_id: i64, as_of: Option<&str>) -> Result<Vec<Set>> {
    match sets::newest_completed(conn, job_id, as_of)? {
        Some(newest) => sets::chain_to(conn, newest),
        None => Err(Failure::new(
            Kind::NotFound,
            match as_of {
                Some(t) => format!("the job has no completed backup set at or before {t} UTC"),
                None => "the job has no completed backup set".to_string(),
            },
        )
        .into()),
    }
}

/// One entry to restore, as the catalog recorded it.
#[derive(Debug, Clone)]
pub struct Wanted {
    pub set_id: i64,
    pub path: PathBuf,
    pub kind: String,
    pub size: u64,
    pub mode: u32,
    pub mtime_ns: i64,
    pub uid: u32,
    pub gid: u32,
    pub link_target: Option<Vec<u8>>,
    pub checksum: Option<String>,
    pub block: Option<u64>,
    pub frame_seq: u64,
    pub frame_offset: u64,
}

const COLUMNS: &str = "e.backup_set_id, e.file_path, coalesce(e.kind, 'file'), e.file_size, coalesce(e.file_mode, 0),
    coalesce(e.mtime_ns, 0), coalesce(e.uid, 0), coalesce(e.gid, 0), e.link_target, e.checksum, e.block_offset,
    coalesce(e.frame_seq, 0), coalesce(e.frame_offset, 0)";

fn from_row(r: &Row) -> rusqlite::Result<Wanted> {
    Ok(Wanted {
        set_id: r.get(0)?,
        path: r.get::<_, PathBytes>(1)?.0,
        kind: r.get(2)?,
        size: r.get::<_, i64>(3)?.max(0) as u64,
        mode: r.get(4)?,
        mtime_ns: r.get(5)?,
        uid: r.get(6)?,
        gid: r.get(7)?,
        link_target: r.get(8)?,
        checksum: r.get(9)?,
        block: r.get::<_, Option<i64>>(10)?.map(|b| b.max(0) as u64),
        frame_seq: r.get::<_, i64>(11)?.max(0) as u64,
        frame_offset: r.get::<_, i64>(12)?.max(0) as u64,
    })
}

/// Calls `f` for every entry of `set_id` that is the newest version of its path among
/// `chain` (set ids, oldest first, `set_id` among them), in stream order. Deletions are
/// included (the caller skips them); a path deleted by a later set of the chain is not.
pub fn for_each_current(
    conn: &Connection,
    chain: &[i64],
    set_id: i64,
    f: &mut dyn FnMut(Wanted) -> Result<()>,
) -> Result<()> {
    let later: Vec<i64> = chain.iter().skip_while(|s| **s != set_id).skip(1).copied().collect();
    let later_json = serde_json::to_string(&later)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM catalog_entries e
         WHERE e.backup_set_id = ?1
           AND NOT EXISTS (SELECT 1 FROM catalog_entries n, json_each(?2) j
                           WHERE n.backup_set_id = j.value AND n.file_path = e.file_path)
         ORDER BY e.frame_seq, e.frame_offset, e.id"
    ))?;
    let mut rows = stmt.query(params![set_id, later_json])?;
    while let Some(row) = rows.next()? {
        f(from_row(row)?)?;
    }
    Ok(())
}

/// The entry `path` of set `set_id`, if the set has one.
pub fn entry(conn: &Connection, set_id: i64, path: &std::path::Path) -> Result<Option<Wanted>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM catalog_entries e WHERE e.backup_set_id = ?1 AND e.file_path = ?2"),
            params![set_id, PathRef(path)],
            from_row,
        )
        .optional()?)
}

/// Records a restore as running; returns its id. `request` (JSON) says what was asked, so
/// the same command run again finds it while it waits for a tape ([`waiting`]).
pub fn start(
    conn: &Connection,
    set_id: i64,
    destination: &std::path::Path,
    verify: bool,
    request: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO restore_operations (backup_set_id, destination_type, destination_path, status, verify_enabled,
            started_at, request) VALUES (?1, 'local', ?2, 'running', ?3, datetime('now'), ?4)",
        params![set_id, PathRef(destination), verify, request],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The newest restore of exactly `request` that waits for a tape: its id and saved progress.
pub fn waiting(conn: &Connection, request: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, resume_state FROM restore_operations
             WHERE status = 'pending' AND resume_state IS NOT NULL AND request = ?1 ORDER BY id DESC LIMIT 1",
            [request],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The restore stops until a tape is inserted: its progress so far, and why it waits.
pub fn wait_for_tape(conn: &Connection, id: i64, o: &Outcome, state: &str) -> Result<()> {
    conn.execute(
        "UPDATE restore_operations SET files_requested = ?2, files_restored = ?3, bytes_restored = ?4,
            status = 'pending', error_message = ?5, resume_state = ?6 WHERE id = ?1",
        params![id, o.files_requested as i64, o.files_restored as i64, o.bytes_restored as i64, o.error, state],
    )?;
    Ok(())
}

/// The restore goes on (the same command was run again).
pub fn resume(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("UPDATE restore_operations SET status = 'running', error_message = NULL WHERE id = ?1", [id])?;
    Ok(())
}

/// How a restore ended.
pub struct Outcome<'a> {
    pub files_requested: u64,
    pub files_restored: u64,
    pub bytes_restored: u64,
    pub error: Option<&'a str>,
    pub verify_passed: Option<bool>,
}

pub fn finish(conn: &Connection, id: i64, o: &Outcome) -> Result<()> {
    conn.execute(
        "UPDATE restore_operations SET files_requested = ?2, files_restored = ?3, bytes_restored = ?4,
            status = ?5, error_message = ?6, verify_passed = ?7, completed_at = datetime('now'), resume_state = NULL
         WHERE id = ?1",
        params![
            id,
            o.files_requested as i64,
            o.files_restored as i64,
            o.bytes_restored as i64,
            if o.error.is_some() { "failed" } else { "completed" },
            o.error,
            o.verify_passed
        ],
    )?;
    Ok(())
}
