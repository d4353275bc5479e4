//! Catalog entries: one row per file of a backup set, with where its tar header sits on tape.
//! Built for tens of millions of rows: inserted in batches through one prepared statement,
//! searched through a trigram index (`catalog_entries_fts`, migration 004).

use std::path::PathBuf;

use anyhow::Result;
use rusqlite::{Connection, Statement, params};
use serde::Serialize;

use super::pathblob::{PathBytes, PathRef};

/// One entry to record.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub path: PathBuf,
    pub size: u64,
    pub mode: u32,
    pub mtime_ns: i64,
    pub uid: u32,
    pub gid: u32,
    /// file, dir, symlink, hardlink, char, block, fifo or deleted.
    pub kind: &'static str,
    pub link_target: Option<Vec<u8>>,
    /// Hex BLAKE3 of the content as written.
    pub checksum: Option<String>,
    /// Logical block where the frame holding the entry's header starts (none for a deletion).
    pub block: Option<u64>,
    pub frame_seq: u64,
    pub frame_offset: u64,
}

/// Inserts entries of one set through a single prepared statement; use inside a transaction
/// (one per batch of, say, 10 000 rows) so millions of rows go in at disk speed.
pub struct EntryWriter<'c> {
    stmt: Statement<'c>,
    set_id: i64,
}

impl<'c> EntryWriter<'c> {
    pub fn new(conn: &'c Connection, set_id: i64) -> Result<Self> {
        let stmt = conn.prepare(
            "INSERT INTO catalog_entries (backup_set_id, file_path, file_size, file_mode, mod_time, checksum,
                block_offset, frame_seq, frame_offset, kind, mtime_ns, uid, gid, link_target)
             VALUES (?1, ?2, ?3, ?4, datetime(?5 / 1000000000, 'unixepoch'), ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        Ok(EntryWriter { stmt, set_id })
    }

    pub fn add(&mut self, e: &NewEntry) -> Result<()> {
        self.stmt.execute(params![
            self.set_id,
            PathRef(&e.path),
            e.size as i64,
            e.mode,
            e.mtime_ns,
            e.checksum,
            e.block.map(|b| b as i64),
            e.frame_seq as i64,
            e.frame_offset as i64,
            e.kind,
            e.mtime_ns,
            e.uid,
            e.gid,
            e.link_target
        ])?;
        Ok(())
    }
}

/// A search hit with what a person needs to choose a restore.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    #[serde(serialize_with = "crate::pathjson::serialize")]
    pub path: PathBuf,
    pub size: i64,
    pub kind: Option<String>,
    pub mtime_ns: Option<i64>,
    pub set_id: i64,
    pub set_uuid: Option<String>,
    pub job: String,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub backup_time: Option<String>,
    pub tapes: Vec<String>,
}

/// How `find` matches: a glob (`*`, `?`, `[…]` — SQLite GLOB over the whole path) or a plain
/// substring. Both use the trigram index when the pattern has 3 or more literal characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Substring,
    Glob,
}

pub struct FindFilter<'a> {
    pub pattern: &'a str,
    pub how: Match,
    pub job: Option<&'a str>,
    pub source: Option<&'a str>,
    /// Catalog timestamp: only sets started at or after it.
    pub since: Option<String>,
    pub limit: u32,
}

/// Newest entries first (entry ids grow with every backup), so the search walks the trigram
/// index backwards and stops at `limit` instead of sorting every match.
pub fn find(conn: &Connection, f: &FindFilter) -> Result<Vec<Hit>> {
    // The FTS table answers the path condition; the joins filter and describe the hits.
    let (condition, value) = match f.how {
        Match::Glob => ("fts.file_path GLOB ?1", f.pattern.to_string()),
        Match::Substring if f.pattern.chars().count() >= 3 => {
            ("fts.catalog_entries_fts MATCH ?1", format!("\"{}\"", f.pattern.replace('"', "\"\"")))
        }
        // Too short for trigrams: LIKE over the index still beats a table scan of the rows.
        Match::Substring => ("fts.file_path LIKE ?1 ESCAPE '\\'", format!("%{}%", escape_like(f.pattern))),
    };
    let sql = format!(
        "SELECT e.file_path, e.file_size, e.kind, e.mtime_ns, s.id, s.uuid, j.name, s.start_time,
            (SELECT group_concat(t.label, ',') FROM (
                SELECT DISTINCT tp.label FROM backup_set_parts p JOIN tapes tp ON tp.id = p.tape_id
                WHERE p.backup_set_id = s.id ORDER BY p.part) t)
         FROM catalog_entries_fts fts
         JOIN catalog_entries e ON e.id = fts.rowid
         JOIN backup_sets s ON s.id = e.backup_set_id
         JOIN backup_jobs j ON j.id = s.job_id
         LEFT JOIN backup_sources src ON src.id = j.source_id
         WHERE {condition}
           AND (?2 IS NULL OR j.name = ?2)
           AND (?3 IS NULL OR src.name = ?3)
           AND (?4 IS NULL OR s.start_time >= ?4)
           AND s.status = 'completed'
         ORDER BY fts.rowid DESC
         LIMIT ?5"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![value, f.job, f.source, f.since, f.limit], |r| {
        let tapes: Option<String> = r.get(8)?;
        Ok(Hit {
            path: r.get::<_, PathBytes>(0)?.0,
            size: r.get(1)?,
            kind: r.get(2)?,
            mtime_ns: r.get(3)?,
            set_id: r.get(4)?,
            set_uuid: r.get(5)?,
            job: r.get(6)?,
            backup_time: r.get(7)?,
            tapes: tapes.map(|t| t.split(',').map(String::from).collect()).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> (tempfile::TempDir, super::super::Catalog) {
        let dir = tempfile::tempdir().unwrap();
        let (cat, _) = super::super::Catalog::init(dir.path()).unwrap();
        cat.conn()
            .execute_batch(
                "INSERT INTO tape_pools (name) VALUES ('p');
                 INSERT INTO backup_sources (name, source_type, path) VALUES ('src', 'local', '/data');
                 INSERT INTO backup_jobs (name, source_id, pool_id, backup_type) VALUES ('nightly', 1, 1, 'full');
                 INSERT INTO tapes (label, pool_id, status) VALUES ('T1', 1, 'active');
                 INSERT INTO backup_sets (job_id, tape_id, backup_type, start_time, status, uuid)
                     VALUES (1, 1, 'full', '2026-11-01 02:00:00', 'completed', 'u1');
                 INSERT INTO backup_set_parts (backup_set_id, part, tape_id, data_file, header_block, first_frame, stream_offset, status)
                     VALUES (1, 1, 1, 1, 2, 0, 0, 'complete');",
            )
            .unwrap();
        (dir, cat)
    }

    fn entry(path: &[u8]) -> NewEntry {
        use std::os::unix::ffi::OsStrExt;
        NewEntry {
            path: std::path::Path::new(std::ffi::OsStr::from_bytes(path)).to_path_buf(),
            size: 10,
            mode: 0o644,
            mtime_ns: 1_700_000_000_000_000_000,
            uid: 0,
            gid: 0,
            kind: "file",
            link_target: None,
            checksum: None,
            block: Some(2),
            frame_seq: 0,
            frame_offset: 512,
        }
    }

    fn search(cat: &super::super::Catalog, pattern: &str, how: Match) -> Vec<String> {
        let f = FindFilter { pattern, how, job: None, source: None, since: None, limit: 100 };
        find(cat.conn(), &f).unwrap().iter().map(|h| crate::pathjson::to_human(&h.path)).collect()
    }

    #[test]
    fn substring_glob_and_short_patterns_use_the_index() {
        let (_d, mut cat) = catalog();
        let tx = cat.write().unwrap();
        {
            let mut w = EntryWriter::new(&tx, 1).unwrap();
            for p in [&b"home/ann/photo-2026.jpg"[..], b"home/ann/notes.txt", b"home/bob/x.jpg", b"etc/caf\xe9.conf"] {
                w.add(&entry(p)).unwrap();
            }
        }
        tx.commit().unwrap();
        assert_eq!(search(&cat, "photo", Match::Substring), ["home/ann/photo-2026.jpg"]);
        assert_eq!(search(&cat, "*.jpg", Match::Glob), ["home/bob/x.jpg", "home/ann/photo-2026.jpg"]);
        assert_eq!(search(&cat, "x.", Match::Substring), ["home/bob/x.jpg"]);
        assert_eq!(search(&cat, "ann/*.txt", Match::Glob), Vec::<String>::new(), "GLOB matches whole paths");
        assert_eq!(search(&cat, "*ann/*.txt", Match::Glob), ["home/ann/notes.txt"]);
        assert_eq!(search(&cat, "100%", Match::Substring), Vec::<String>::new());
        let hits = find(
            cat.conn(),
            &FindFilter {
                pattern: "notes",
                how: Match::Substring,
                job: Some("nightly"),
                source: Some("src"),
                since: None,
                limit: 10,
            },
        )
        .unwrap();
        assert_eq!(hits[0].tapes, ["T1"]);
        assert_eq!(hits[0].set_uuid.as_deref(), Some("u1"));
        // The plan uses the FTS index, not a scan of catalog_entries.
        let plan: Vec<String> = cat
            .conn()
            .prepare(
                "EXPLAIN QUERY PLAN SELECT rowid FROM catalog_entries_fts WHERE catalog_entries_fts MATCH '\"photo\"'",
            )
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(plan.iter().any(|p| p.contains("VIRTUAL TABLE INDEX")), "{plan:?}");
    }

    #[test]
    fn deleting_entries_keeps_the_index_in_step() {
        let (_d, cat) = catalog();
        {
            let mut w = EntryWriter::new(cat.conn(), 1).unwrap();
            w.add(&entry(b"a/gone.txt")).unwrap();
        }
        assert_eq!(search(&cat, "gone", Match::Substring).len(), 1);
        cat.conn().execute("DELETE FROM catalog_entries", []).unwrap();
        assert!(search(&cat, "gone", Match::Substring).is_empty());
        let n: i64 = cat
            .conn()
            .query_row("SELECT count(*) FROM catalog_entries_fts WHERE catalog_entries_fts MATCH '\"gone\"'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 0);
    }
}
