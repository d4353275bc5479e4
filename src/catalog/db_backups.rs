//! Backups of the catalog itself (`database_backups`, migration 011): the consistent snapshot
//! taken for one, and the row that says where it went. A row is `pending` while its data goes
//! to tape and `completed` only once data and trailer are behind a flushed filemark.

use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::tapes::{self, Tape};

/// A consistent copy of the open catalog at `to` (which must be a new, empty file): SQLite's
/// `VACUUM INTO` reads the whole database inside one read transaction, so writers in other
/// processes neither block it nor tear it, and the copy is compact. Never a copy of the file
/// being written (which may be mid-transaction, its WAL not yet checkpointed).
pub fn snapshot_into(conn: &Connection, to: &Path) -> Result<()> {
    let to_text = to.to_str().with_context(|| format!("{} is not a UTF-8 path", to.display()))?;
    conn.execute("VACUUM INTO ?1", [to_text])
        .with_context(|| format!("cannot snapshot the catalog into {}", to.display()))?;
    Ok(())
}

/// One catalog backup as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct DbBackup {
    pub id: i64,
    pub tape_id: i64,
    pub tape: String,
    pub backup_time: String,
    /// Bytes of the database file.
    pub file_size: i64,
    /// BLAKE3 of the database file, hex.
    pub checksum: Option<String>,
    /// Logical block of its header block.
    pub block_offset: Option<i64>,
    pub tape_file: Option<i64>,
    pub backup_uuid: Option<String>,
    pub schema_version: Option<i64>,
    pub compression: Option<String>,
    pub key_fingerprint: Option<String>,
    pub tape_bytes: Option<i64>,
    pub status: String,
    pub error_message: Option<String>,
}

/// What is known of a catalog backup before it goes to tape.
pub struct NewDbBackup<'a> {
    pub tape_id: i64,
    pub backup_time: &'a str,
    pub file_size: u64,
    pub checksum: &'a str,
    pub block_offset: u64,
    pub tape_file: u64,
    pub backup_uuid: &'a str,
    pub schema_version: u32,
    pub compression: &'a str,
    pub key_fingerprint: Option<&'a str>,
}

const SELECT: &str = "SELECT d.id, d.tape_id, t.label, d.backup_time, d.file_size, d.checksum, d.block_offset,
        d.tape_file, d.backup_uuid, d.schema_version, d.compression, d.key_fingerprint, d.tape_bytes, d.status,
        d.error_message
    FROM database_backups d JOIN tapes t ON t.id = d.tape_id";

fn from_row(r: &Row) -> rusqlite::Result<DbBackup> {
    Ok(DbBackup {
        id: r.get(0)?,
        tape_id: r.get(1)?,
        tape: r.get(2)?,
        backup_time: r.get(3)?,
        file_size: r.get(4)?,
        checksum: r.get(5)?,
        block_offset: r.get(6)?,
        tape_file: r.get(7)?,
        backup_uuid: r.get(8)?,
        schema_version: r.get(9)?,
        compression: r.get(10)?,
        key_fingerprint: r.get(11)?,
        tape_bytes: r.get(12)?,
        status: r.get(13)?,
        error_message: r.get(14)?,
    })
}

/// Records a backup about to be written (`pending`), or, with `on_tape` (its `tape_bytes` and
/// `end_block`), one found complete on tape by `catalog restore-db`; returns its id.
pub fn insert(conn: &Connection, b: &NewDbBackup, on_tape: Option<(u64, u64)>) -> Result<i64> {
    let status = if on_tape.is_some() { "completed" } else { "pending" };
    conn.execute(
        "INSERT INTO database_backups (tape_id, backup_time, file_size, checksum, block_offset, tape_file,
             backup_uuid, schema_version, compression, key_fingerprint, tape_bytes, end_block, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            b.tape_id,
            b.backup_time,
            b.file_size as i64,
            b.checksum,
            b.block_offset as i64,
            b.tape_file as i64,
            b.backup_uuid,
            b.schema_version,
            b.compression,
            b.key_fingerprint,
            on_tape.map(|(n, _)| n as i64),
            on_tape.map(|(_, e)| e as i64),
            status
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The backup's data and trailer are on the medium.
pub fn complete(conn: &Connection, id: i64, tape_bytes: u64, end_block: u64) -> Result<()> {
    conn.execute(
        "UPDATE database_backups SET status = 'completed', tape_bytes = ?2, end_block = ?3, error_message = NULL
         WHERE id = ?1",
        params![id, tape_bytes as i64, end_block as i64],
    )?;
    Ok(())
}

/// Marks the `pending` backups of tape `tape_id` failed: runs that died before they could say
/// so (the caller holds the tape's drive, so none of them is still running). Returns their ids.
pub fn fail_interrupted(conn: &Connection, tape_id: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "UPDATE database_backups SET status = 'failed', error_message = 'interrupted: the run ended before it completed'
         WHERE tape_id = ?1 AND status = 'pending' RETURNING id",
    )?;
    let ids = stmt.query_map([tape_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Which catalog backups keep their tape from being expired, erased or reused (an SQL
/// condition on `database_backups`): one being written, and the newest completed one, the
/// last copy of the catalog. Older copies do not: a tape whose sets have all expired is
/// reused over them, and they are marked failed then ([`erased_with_tape`]).
pub const KEEPS_TAPE: &str =
    "(status = 'pending' OR id = (SELECT max(id) FROM database_backups WHERE status = 'completed'))";

/// The completed catalog backups of tape `tape_id` are gone: the tape was erased (after its
/// label) to be reused. Marked failed with `why`, so restore-db and the append check stop
/// counting on them. Returns how many.
pub fn erased_with_tape(conn: &Connection, tape_id: i64, why: &str) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE database_backups SET status = 'failed', error_message = ?2 WHERE tape_id = ?1 AND status = 'completed'",
        params![tape_id, why],
    )?)
}

pub fn fail(conn: &Connection, id: i64, why: &str) -> Result<()> {
    conn.execute("UPDATE database_backups SET status = 'failed', error_message = ?2 WHERE id = ?1", params![id, why])?;
    Ok(())
}

pub fn get(conn: &Connection, id: i64) -> Result<DbBackup> {
    Ok(conn.query_row(&format!("{SELECT} WHERE d.id = ?1"), [id], from_row)?)
}

pub fn by_uuid(conn: &Connection, backup_uuid: &str) -> Result<Option<DbBackup>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE d.backup_uuid = ?1"), [backup_uuid], from_row).optional()?)
}

/// Every catalog backup, newest first.
pub fn list(conn: &Connection) -> Result<Vec<DbBackup>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY d.backup_time DESC, d.id DESC"))?;
    let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Tapes written after `time` (SQL UTC text): what a catalog restored from a backup taken then
/// does not know the latest contents of.
pub fn tapes_written_after(conn: &Connection, time: &str) -> Result<Vec<Tape>> {
    let all = tapes::list(conn, None, None)?;
    Ok(all.into_iter().filter(|t| t.last_written_at.as_deref().is_some_and(|w| w > time)).collect())
}

/// Schema version of the SQLite file at `path` (`PRAGMA user_version`), opened read-only;
/// an error when it is not an SQLite database.
pub fn file_schema_version(path: &Path) -> Result<u32> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let ok: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if ok != "ok" {
        anyhow::bail!("{} fails SQLite's quick_check: {ok}", path.display());
    }
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}
