//! The catalog's consistency with itself, for `catalog check`.
//!
//! SQLite's own checks (`integrity_check`, `foreign_key_check`, the search index's
//! `integrity-check`) and the promises the rest of the tool relies on: every completed set
//! has its parts and entries, no two parts claim the same stretch of a tape (which would mean
//! one overwrote the other), the parts of a set continue one another, and which sets are
//! left `running`. It only reads.

use anyhow::Result;
use rusqlite::Connection;

/// What [`check`] found.
pub struct Findings {
    /// How many checks ran.
    pub checks: u32,
    /// Every inconsistency, as a sentence.
    pub problems: Vec<String>,
    /// Sets marked `running`: a backup under way, or one cut off.
    pub running_sets: Vec<i64>,
}

/// Runs every check.
pub fn check(conn: &Connection) -> Result<Findings> {
    let mut problems: Vec<String> = Vec::new();
    let mut checks = 0u32;

    // SQLite's view of the file.
    checks += 1;
    let integrity: Vec<String> = column(conn, "PRAGMA integrity_check")?;
    if integrity != ["ok"] {
        problems.extend(integrity.into_iter().map(|m| format!("integrity_check: {m}")));
    }
    checks += 1;
    for (table, rowid, parent) in rows3::<String, Option<i64>, String>(conn, "PRAGMA foreign_key_check")? {
        problems.push(format!("{table} row {} points at a missing {parent} row", rowid.unwrap_or(-1)));
    }
    checks += 1;
    if let Err(e) = conn.execute("INSERT INTO catalog_entries_fts (catalog_entries_fts) VALUES ('integrity-check')", [])
    {
        problems.push(format!("the search index does not match the entries: {e}"));
    }

    // Completed sets: parts on tape, entries as counted.
    checks += 1;
    for id in column::<i64>(
        conn,
        "SELECT b.id FROM backup_sets b WHERE b.status = 'completed'
           AND NOT EXISTS (SELECT 1 FROM backup_set_parts p WHERE p.backup_set_id = b.id AND p.end_block IS NOT NULL)",
    )? {
        problems.push(format!("set {id} is completed but has no finished part on any tape"));
    }
    checks += 1;
    for (id, recorded, counted) in rows3::<i64, i64, i64>(
        conn,
        "SELECT b.id, b.file_count, (SELECT count(*) FROM catalog_entries e WHERE e.backup_set_id = b.id
                                        AND coalesce(e.kind, 'file') != 'deleted')
         FROM backup_sets b WHERE b.status = 'completed' AND b.expired_at IS NULL",
    )? {
        if recorded != counted {
            problems.push(format!("set {id} records {recorded} entries but the catalog holds {counted}"));
        }
    }
    // No two parts of live sets on one tape overlap: that would be an overwrite. (An expired
    // set's parts stay as history after its tape was reused, under the new sets' parts.)
    checks += 1;
    for (a, b, tape) in rows3::<i64, i64, String>(
        conn,
        "SELECT p.backup_set_id, q.backup_set_id, t.label FROM backup_set_parts p
         JOIN backup_set_parts q ON q.tape_id = p.tape_id AND q.id > p.id
         JOIN tapes t ON t.id = p.tape_id
         JOIN backup_sets pb ON pb.id = p.backup_set_id
         JOIN backup_sets qb ON qb.id = q.backup_set_id
         WHERE pb.expired_at IS NULL AND qb.expired_at IS NULL
           AND p.end_block IS NOT NULL AND q.end_block IS NOT NULL
           AND p.header_block < q.end_block AND q.header_block < p.end_block",
    )? {
        problems.push(format!("sets {a} and {b} claim the same blocks of tape '{tape}'"));
    }
    // Entries point into their set's frames.
    checks += 1;
    for id in column::<i64>(
        conn,
        "SELECT DISTINCT e.backup_set_id FROM catalog_entries e JOIN backup_set_parts p ON p.backup_set_id = e.backup_set_id
         WHERE coalesce(e.kind, 'file') != 'deleted' AND e.block_offset IS NOT NULL
           AND (e.block_offset <= p.header_block OR e.block_offset >= coalesce(p.index_block, p.end_block))
           AND (SELECT count(*) FROM backup_set_parts x WHERE x.backup_set_id = e.backup_set_id) = 1",
    )? {
        problems.push(format!("set {id} has entries whose block lies outside its data file"));
    }
    // A set's parts continue one another: numbered from 1, each starting in the stream and
    // in frame numbers where the one before ended, all but a completed set's last `continued`.
    checks += 1;
    problems.extend(part_chain_problems(conn)?);
    // Runs that never finished, and the tapes' own counters.
    let running: Vec<i64> = column(conn, "SELECT id FROM backup_sets WHERE status = 'running'")?;
    checks += 1;
    for id in column::<i64>(conn, "SELECT id FROM tapes WHERE used_bytes < 0 OR write_count < 0")? {
        problems.push(format!("tape {id} has negative usage counters"));
    }

    Ok(Findings { checks, problems, running_sets: running })
}

/// What is wrong with the chains of parts of the completed sets (a set still being written,
/// paused or rebuilt tape by tape may lack parts).
fn part_chain_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT p.backup_set_id, p.part, p.stream_offset, p.stream_bytes, p.first_frame, p.frame_count, p.status
         FROM backup_set_parts p JOIN backup_sets b ON b.id = p.backup_set_id
         WHERE b.status = 'completed' ORDER BY p.backup_set_id, p.part",
    )?;
    type Row = (i64, i64, i64, i64, i64, i64, String);
    let rows: Vec<Row> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut problems = Vec::new();
    for (i, (set, part, offset, _, frame, _, status)) in rows.iter().enumerate() {
        // Where the part before ends (the start of the set for the first).
        let (want_part, want_offset, want_frame) = match i.checked_sub(1).map(|j| &rows[j]).filter(|p| p.0 == *set) {
            Some(p) => (p.1 + 1, p.2 + p.3, p.4 + p.5),
            None => (1, 0, 0),
        };
        if *part != want_part {
            problems.push(format!("set {set}: part {part} is on record where part {want_part} belongs"));
        } else if (*offset, *frame) != (want_offset, want_frame) {
            problems.push(format!(
                "set {set}: part {part} starts at stream offset {offset}, frame {frame}; it belongs at {want_offset}, \
                 frame {want_frame}"
            ));
        }
        let last = rows.get(i + 1).is_none_or(|n| n.0 != *set);
        let want_status = if last { "complete" } else { "continued" };
        if status != want_status {
            problems.push(format!("set {set}: part {part} is '{status}' where '{want_status}' belongs"));
        }
    }
    Ok(problems)
}

fn column<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn rows3<A, B, C>(conn: &Connection, sql: &str) -> Result<Vec<(A, B, C)>>
where
    A: rusqlite::types::FromSql,
    B: rusqlite::types::FromSql,
    C: rusqlite::types::FromSql,
{
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
