//! Backup sets, their parts on tape, the job executions that wrote them and the source
//! snapshots incrementals compare against.
//!
//! A set row exists from the moment a backup starts writing (status `running`), so a crash
//! leaves a trace; it becomes `completed` in the same transaction that records its parts and
//! entries, and that transaction is only opened once the data and index are on tape.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::{Failure, Kind};

/// A set as listings show it.
#[derive(Debug, Clone, Serialize)]
pub struct Set {
    pub id: i64,
    pub uuid: Option<String>,
    #[serde(skip)]
    pub job_id: i64,
    pub job: String,
    #[serde(skip)]
    pub source_id: Option<i64>,
    pub source: Option<String>,
    pub backup_type: String,
    pub status: String,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub start_time: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub end_time: Option<String>,
    pub file_count: i64,
    pub total_bytes: i64,
    pub stream_bytes: Option<i64>,
    pub start_block: Option<i64>,
    pub end_block: Option<i64>,
    pub framing: Option<String>,
    pub compression: String,
    pub encrypted: bool,
    pub encryption_key: Option<String>,
    pub block_size: Option<i64>,
    pub frame_size: Option<i64>,
    pub parent_set: Option<i64>,
    /// The first tape's label.
    pub tape: String,
    /// When `expire` expired the set (its entries are gone from the catalog); none: live.
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub expired_at: Option<String>,
    /// Under legal hold (`backup hold`): it and its incremental chain never expire.
    pub hold: bool,
    pub hold_reason: Option<String>,
}

const SELECT: &str = "SELECT b.id, b.uuid, b.job_id, j.name, b.source_id, s.name, b.backup_type, b.status,
        b.start_time, b.end_time, b.file_count, b.total_bytes, b.stream_bytes, b.start_block, b.end_block,
        b.framing, b.compression_type, b.encrypted, k.name, b.block_size, b.frame_size, b.parent_set_id, t.label,
        b.expired_at, b.hold, b.hold_reason
    FROM backup_sets b
    JOIN backup_jobs j ON j.id = b.job_id
    JOIN tapes t ON t.id = b.tape_id
    LEFT JOIN backup_sources s ON s.id = b.source_id
    LEFT JOIN encryption_keys k ON k.id = b.encryption_key_id";

fn from_row(r: &Row) -> rusqlite::Result<Set> {
    Ok(Set {
        id: r.get(0)?,
        uuid: r.get(1)?,
        job_id: r.get(2)?,
        job: r.get(3)?,
        source_id: r.get(4)?,
        source: r.get(5)?,
        backup_type: r.get(6)?,
        status: r.get(7)?,
        start_time: r.get(8)?,
        end_time: r.get(9)?,
        file_count: r.get::<_, Option<i64>>(10)?.unwrap_or(0),
        total_bytes: r.get::<_, Option<i64>>(11)?.unwrap_or(0),
        stream_bytes: r.get(12)?,
        start_block: r.get(13)?,
        end_block: r.get(14)?,
        framing: r.get(15)?,
        compression: r.get::<_, Option<String>>(16)?.unwrap_or_else(|| "none".into()),
        encrypted: r.get::<_, Option<bool>>(17)?.unwrap_or(false),
        encryption_key: r.get(18)?,
        block_size: r.get(19)?,
        frame_size: r.get(20)?,
        parent_set: r.get(21)?,
        tape: r.get(22)?,
        expired_at: r.get(23)?,
        hold: r.get(24)?,
        hold_reason: r.get(25)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Set> {
    conn.query_row(&format!("{SELECT} WHERE b.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Failure::new(Kind::NotFound, format!("no backup set {id}")).into())
}

/// Sets, newest first, optionally of one job.
pub fn list(conn: &Connection, job_id: Option<i64>, limit: i64) -> Result<Vec<Set>> {
    let mut stmt =
        conn.prepare(&format!("{SELECT} WHERE (?1 IS NULL OR b.job_id = ?1) ORDER BY b.id DESC LIMIT ?2"))?;
    let rows = stmt.query_map(params![job_id, limit], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The newest completed, live set of `job` that has a snapshot: the parent of its next
/// incremental (an expired set's snapshot is gone, and no incremental may build on it).
pub fn latest_with_snapshot(conn: &Connection, job_id: i64) -> Result<Option<(Set, i64)>> {
    let found: Option<(i64, i64)> = conn
        .query_row(
            "SELECT b.id, sn.id FROM backup_sets b JOIN snapshots sn ON sn.backup_set_id = b.id
             WHERE b.job_id = ?1 AND b.status = 'completed' AND b.expired_at IS NULL ORDER BY b.id DESC LIMIT 1",
            [job_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        Some((set, snapshot)) => Ok(Some((get(conn, set)?, snapshot))),
        None => Ok(None),
    }
}

/// What a starting backup knows of its set.
pub struct NewSet<'a> {
    pub uuid: &'a str,
    pub job_id: i64,
    pub source_id: i64,
    pub tape_id: i64,
    pub backup_type: &'a str,
    pub start_block: u64,
    pub framing: &'a str,
    pub compression: &'a str,
    pub encryption_key_id: Option<i64>,
    pub block_size: u32,
    pub frame_size: u32,
    pub parent_set_id: Option<i64>,
}

/// Records a set as `running`, with the execution that writes it; returns (set id, execution id).
/// An incremental whose parent expired since the run chose it (`expire` ran in between) is
/// refused (`invalid_state`): it would be a chain without its full.
pub fn start(conn: &Connection, s: &NewSet) -> Result<(i64, i64)> {
    if let Some(parent) = s.parent_set_id
        && let Some(when) = conn
            .query_row("SELECT expired_at FROM backup_sets WHERE id = ?1", [parent], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten()
    {
        return Err(Failure::new(
            Kind::InvalidState,
            format!(
                "the parent set {parent} of this incremental expired on {when} UTC as the run started: \
                 run it again (it will be a full)"
            ),
        )
        .into());
    }
    conn.execute(
        "INSERT INTO backup_sets (uuid, job_id, source_id, tape_id, backup_type, start_time, status, start_block,
            framing, compressed, compression_type, encrypted, encryption_key_id, block_size, frame_size, parent_set_id)
         VALUES (?1, ?2, ?3, ?4, ?5, datetime('now'), 'running', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            s.uuid,
            s.job_id,
            s.source_id,
            s.tape_id,
            s.backup_type,
            s.start_block as i64,
            s.framing,
            s.compression != "none",
            s.compression,
            s.encryption_key_id.is_some(),
            s.encryption_key_id,
            s.block_size,
            s.frame_size,
            s.parent_set_id
        ],
    )?;
    let set_id = conn.last_insert_rowid();
    // However the job was started (by hand or by its schedule), this is its last run.
    conn.execute(
        "UPDATE backup_jobs SET last_run_at = datetime('now') WHERE id = ?1 AND (last_run_at IS NULL OR last_run_at < datetime('now'))",
        [s.job_id],
    )?;
    conn.execute(
        "INSERT INTO job_executions (job_id, backup_set_id, status, start_time) VALUES (?1, ?2, 'running', datetime('now'))",
        params![s.job_id, set_id],
    )?;
    Ok((set_id, conn.last_insert_rowid()))
}

/// Marks the sets on `tape_id` still `running` (and their executions) failed: a run that
/// died without saying so. Returns their ids. Only call this holding the tape's drive.
pub fn fail_interrupted(conn: &Connection, tape_id: i64) -> Result<Vec<i64>> {
    let runs: Vec<(i64, Option<i64>)> = {
        let mut stmt = conn.prepare(
            "SELECT b.id, (SELECT e.id FROM job_executions e WHERE e.backup_set_id = b.id)
             FROM backup_sets b WHERE b.tape_id = ?1 AND b.status = 'running'",
        )?;
        stmt.query_map([tape_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
    };
    for (set_id, execution) in &runs {
        match execution {
            Some(e) => super::runs::transition(
                conn,
                *set_id,
                *e,
                super::runs::RunState::Failed,
                Some("interrupted: the process ended without finishing the set"),
            )?,
            // A set without an execution row (not written by a run of ours): the set alone.
            None => {
                conn.execute(
                    "UPDATE backup_sets SET status = 'failed', end_time = datetime('now'), updated_at = datetime('now')
                     WHERE id = ?1",
                    [set_id],
                )?;
            }
        }
    }
    Ok(runs.into_iter().map(|(id, _)| id).collect())
}

/// A part as it was written.
pub struct NewPart {
    pub part: u32,
    pub tape_id: i64,
    pub data_file: u64,
    pub header_block: u64,
    pub index_block: u64,
    pub end_block: u64,
    pub first_frame: u64,
    pub frame_count: u64,
    pub stream_offset: u64,
    pub stream_bytes: u64,
    /// `complete` (the set ends here) or `continued`.
    pub status: &'static str,
}

pub fn add_part(conn: &Connection, set_id: i64, p: &NewPart) -> Result<()> {
    conn.execute(
        "INSERT INTO backup_set_parts (backup_set_id, part, tape_id, data_file, header_block, index_block, end_block,
            first_frame, frame_count, stream_offset, stream_bytes, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            set_id,
            p.part,
            p.tape_id,
            p.data_file as i64,
            p.header_block as i64,
            p.index_block as i64,
            p.end_block as i64,
            p.first_frame as i64,
            p.frame_count as i64,
            p.stream_offset as i64,
            p.stream_bytes as i64,
            p.status
        ],
    )?;
    Ok(())
}

/// A part row, for `backup show` and restores.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub part: i64,
    pub tape: String,
    pub data_file: i64,
    pub header_block: i64,
    pub index_block: Option<i64>,
    pub end_block: Option<i64>,
    pub first_frame: i64,
    pub frame_count: i64,
    pub stream_offset: i64,
    pub stream_bytes: i64,
    pub status: String,
}

/// Bytes of the newest snapshot of any set of job `job_id`: what a full run will likely
/// write, for a progress bar's estimate.
pub fn last_snapshot_bytes(conn: &Connection, job_id: i64) -> Result<Option<u64>> {
    Ok(conn
        .query_row(
            "SELECT sn.total_bytes FROM snapshots sn JOIN backup_sets b ON b.id = sn.backup_set_id
             WHERE b.job_id = ?1 ORDER BY sn.id DESC LIMIT 1",
            [job_id],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .map(|b| b.max(0) as u64))
}

/// The newest snapshot recorded with set `set_id`.
pub fn snapshot_of(conn: &Connection, set_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT id FROM snapshots WHERE backup_set_id = ?1 ORDER BY id DESC LIMIT 1", [set_id], |r| r.get(0))
        .optional()?)
}

/// Where the data the catalog knows of ends on tape `tape_id`: the last block of the parts
/// written in the tape's present life, that is from its oldest live set's first part on.
/// Parts of expired sets before that were erased when the tape was reused (or will be, when
/// a backup takes the expired tape), so they must not make the append check expect data
/// the tape no longer has. Parts after it (a set that failed and expired since) are still
/// there, and count.
pub fn tape_end_block(conn: &Connection, tape_id: i64) -> Result<Option<i64>> {
    Ok(conn.query_row(
        "SELECT max(e) FROM (
           SELECT max(end_block) AS e FROM backup_set_parts WHERE tape_id = ?1
             AND id >= (SELECT min(p.id) FROM backup_set_parts p JOIN backup_sets b ON b.id = p.backup_set_id
                        WHERE p.tape_id = ?1 AND b.expired_at IS NULL)
           -- A catalog backup's trailer ends the tape's data as a part's index does.
           UNION ALL SELECT max(end_block) FROM database_backups WHERE tape_id = ?1 AND status = 'completed')",
        [tape_id],
        |r| r.get(0),
    )?)
}

/// What a set holds, by kind of entry.
pub struct EntryCounts {
    /// Entries other than recorded deletions.
    pub entries: u64,
    pub files: u64,
    pub file_bytes: u64,
    pub deleted: u64,
}

/// The set's entries as the catalog has them (all its parts, whichever run wrote them).
pub fn entry_counts(conn: &Connection, set_id: i64) -> Result<EntryCounts> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(kind IS NOT 'deleted'), 0), coalesce(sum(coalesce(kind, 'file') = 'file'), 0),
            coalesce(sum(CASE WHEN coalesce(kind, 'file') = 'file' THEN file_size END), 0),
            coalesce(sum(kind = 'deleted'), 0)
         FROM catalog_entries WHERE backup_set_id = ?1",
        [set_id],
        |r| {
            Ok(EntryCounts {
                entries: r.get::<_, i64>(0)? as u64,
                files: r.get::<_, i64>(1)? as u64,
                file_bytes: r.get::<_, i64>(2)? as u64,
                deleted: r.get::<_, i64>(3)? as u64,
            })
        },
    )?)
}

pub fn parts(conn: &Connection, set_id: i64) -> Result<Vec<Part>> {
    let mut stmt = conn.prepare(
        "SELECT p.part, t.label, p.data_file, p.header_block, p.index_block, p.end_block, p.first_frame,
            p.frame_count, p.stream_offset, p.stream_bytes, p.status
         FROM backup_set_parts p JOIN tapes t ON t.id = p.tape_id WHERE p.backup_set_id = ?1 ORDER BY p.part",
    )?;
    let rows = stmt.query_map([set_id], |r| {
        Ok(Part {
            part: r.get(0)?,
            tape: r.get(1)?,
            data_file: r.get(2)?,
            header_block: r.get(3)?,
            index_block: r.get(4)?,
            end_block: r.get(5)?,
            first_frame: r.get(6)?,
            frame_count: r.get(7)?,
            stream_offset: r.get(8)?,
            stream_bytes: r.get(9)?,
            status: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How a completed set ends up.
pub struct Completion {
    pub end_block: u64,
    pub file_count: u64,
    pub total_bytes: u64,
    pub stream_bytes: u64,
    /// Hex BLAKE3 of the index: one checksum that covers every frame and file record.
    pub checksum: String,
    pub files_processed: u64,
    pub bytes_processed: u64,
    /// Why the execution is not a clean success (unreadable files), if it is not.
    pub warning: Option<String>,
}

/// Marks the set and its execution completed.
pub fn complete(conn: &Connection, set_id: i64, execution_id: i64, c: &Completion) -> Result<()> {
    super::runs::transition(conn, set_id, execution_id, super::runs::RunState::Completed, None)?;
    conn.execute(
        "UPDATE backup_sets SET end_block = ?2, file_count = ?3,
            total_bytes = ?4, stream_bytes = ?5, checksum = ?6, updated_at = datetime('now') WHERE id = ?1",
        params![
            set_id,
            c.end_block as i64,
            c.file_count as i64,
            c.total_bytes as i64,
            c.stream_bytes as i64,
            c.checksum
        ],
    )?;
    conn.execute(
        "UPDATE job_executions SET files_processed = ?2,
            bytes_processed = ?3, error_message = ?4, updated_at = datetime('now') WHERE id = ?1",
        params![execution_id, c.files_processed as i64, c.bytes_processed as i64, c.warning],
    )?;
    Ok(())
}

/// Stores the source's full state after a run (see `pipeline::snapshot`).
pub fn add_snapshot(
    conn: &Connection,
    source_id: i64,
    set_id: i64,
    file_count: u64,
    total_bytes: u64,
    data: &[u8],
) -> Result<()> {
    conn.execute(
        "INSERT INTO snapshots (source_id, backup_set_id, file_count, total_bytes, snapshot_data)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![source_id, set_id, file_count as i64, total_bytes as i64, data],
    )?;
    Ok(())
}

pub fn snapshot_data(conn: &Connection, snapshot_id: i64) -> Result<Vec<u8>> {
    Ok(conn.query_row("SELECT snapshot_data FROM snapshots WHERE id = ?1", [snapshot_id], |r| r.get(0))?)
}

/// Entry counts of a set by kind.
pub fn entry_kinds(conn: &Connection, set_id: i64) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT coalesce(kind, 'file'), count(*) FROM catalog_entries WHERE backup_set_id = ?1 GROUP BY 1 ORDER BY 1",
    )?;
    let rows = stmt.query_map([set_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The newest completed set of `job_id` started at or before `as_of` (catalog timestamp; none:
/// any time): the job's state then. It may have expired, and [`chain_to`] then says so: an
/// older set still kept (held, say) is not that state, and is never taken in its place.
pub fn newest_completed(conn: &Connection, job_id: i64, as_of: Option<&str>) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM backup_sets WHERE job_id = ?1 AND status = 'completed'
               AND (?2 IS NULL OR start_time <= ?2) ORDER BY start_time DESC, id DESC LIMIT 1",
            params![job_id, as_of],
            |r| r.get(0),
        )
        .optional()?)
}

/// Why an expired set cannot be read through the catalog (restore, verify): `invalid_state`,
/// saying when it expired and where its data still is.
pub fn expired_failure(conn: &Connection, set: &Set) -> Result<anyhow::Error> {
    let when = set.expired_at.as_deref().unwrap_or("?");
    let mut tapes: Vec<String> = Vec::new();
    for p in parts(conn, set.id)? {
        if !tapes.contains(&p.tape) {
            tapes.push(p.tape);
        }
    }
    if tapes.is_empty() {
        tapes.push(set.tape.clone());
    }
    let on = tapes.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    let tape_word = if tapes.len() == 1 { "tape" } else { "tapes" };
    Ok(Failure::new(
        Kind::InvalidState,
        format!(
            "set {} expired on {when} UTC: its entries were removed from the catalog; its data stays on {tape_word} \
             {on} until the tape is reused (`catalog rebuild` with the tape in the drive reads it back)",
            set.id
        ),
    )
    .into())
}

/// The sets a restore as of set `set_id` reads: the set and its parents back to the full,
/// oldest first. A parent that is not completed, or an incremental without a parent, breaks
/// the chain (`invalid_state`).
pub fn chain_to(conn: &Connection, set_id: i64) -> Result<Vec<Set>> {
    let mut out: Vec<Set> = Vec::new();
    let mut id = set_id;
    loop {
        let set = get(conn, id)?;
        if set.expired_at.is_some() {
            return Err(expired_failure(conn, &set)?);
        }
        if set.status != "completed" {
            let what = if out.is_empty() { "" } else { " in the incremental chain" };
            return Err(Failure::new(
                Kind::InvalidState,
                format!("set {}{what} is {}, not completed", set.id, set.status),
            )
            .into());
        }
        let next = (set.backup_type != "full").then_some(set.parent_set);
        out.push(set);
        match next {
            None => break,
            Some(Some(parent)) if out.iter().all(|s| s.id != parent) => id = parent,
            Some(_) => {
                return Err(Failure::new(
                    Kind::InvalidState,
                    format!("incremental set {id} has no usable parent: the chain is broken"),
                )
                .into());
            }
        }
    }
    out.reverse();
    Ok(out)
}

/// Counts for `catalog stats`.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub sets_by_status: Vec<(String, i64)>,
    pub entries: i64,
    pub distinct_paths: i64,
    pub tapes_by_status: Vec<(String, i64)>,
    pub pools: Vec<PoolStats>,
    /// The trigram index table exists, and so do the three triggers that keep it in step.
    pub fts_present: bool,
    pub fts_triggers: bool,
    /// How many entries the index holds.
    pub fts_rows: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolStats {
    pub pool: String,
    pub tapes: i64,
    pub sets: i64,
    /// File content of the completed sets whose first tape is in the pool.
    pub backup_bytes: i64,
    /// What the pool's tapes hold, as the catalog counts it.
    pub used_bytes: i64,
    pub capacity_bytes: i64,
}

/// Catalog-wide counts. Counting distinct paths reads a whole index: over ten million
/// entries, about 2 s with the catalog in the page cache, 10 s from disk.
pub fn stats(conn: &Connection) -> Result<Stats> {
    let pairs = |sql: &str| -> Result<Vec<(String, i64)>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let mut stmt = conn.prepare(
        "SELECT p.name,
            (SELECT count(*) FROM tapes t WHERE t.pool_id = p.id),
            (SELECT count(*) FROM backup_sets b JOIN tapes t ON t.id = b.tape_id
                WHERE t.pool_id = p.id AND b.status = 'completed'),
            (SELECT coalesce(sum(b.total_bytes), 0) FROM backup_sets b JOIN tapes t ON t.id = b.tape_id
                WHERE t.pool_id = p.id AND b.status = 'completed'),
            (SELECT coalesce(sum(t.used_bytes), 0) FROM tapes t WHERE t.pool_id = p.id),
            (SELECT coalesce(sum(t.capacity_bytes), 0) FROM tapes t WHERE t.pool_id = p.id)
         FROM tape_pools p ORDER BY p.name",
    )?;
    let pools = stmt
        .query_map([], |r| {
            Ok(PoolStats {
                pool: r.get(0)?,
                tapes: r.get(1)?,
                sets: r.get(2)?,
                backup_bytes: r.get(3)?,
                used_bytes: r.get(4)?,
                capacity_bytes: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let fts_present =
        count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'catalog_entries_fts'")? == 1;
    // Inserts are indexed in bulk by `EntryWriter::finish` (migration 006); deletes and
    // updates go through these two triggers.
    let fts_triggers = count(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN
            ('catalog_entries_fts_delete', 'catalog_entries_fts_update')",
    )? == 2;
    // The index's own row count (one docsize row per indexed entry) shows whether it is
    // complete: entries written without their bulk insert are not in it.
    let fts_rows = if fts_present { Some(count("SELECT count(*) FROM catalog_entries_fts_docsize")?) } else { None };
    Ok(Stats {
        sets_by_status: pairs("SELECT status, count(*) FROM backup_sets GROUP BY status ORDER BY status")?,
        entries: count("SELECT count(*) FROM catalog_entries")?,
        // Faster than count(DISTINCT …) over the same index.
        distinct_paths: count("SELECT count(*) FROM (SELECT 1 FROM catalog_entries GROUP BY file_path)")?,
        tapes_by_status: pairs("SELECT status, count(*) FROM tapes GROUP BY status ORDER BY status")?,
        pools,
        fts_present,
        fts_triggers,
        fts_rows,
    })
}
