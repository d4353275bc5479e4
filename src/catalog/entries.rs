//! Catalog entries: one row per file of a backup set, with where its tar header sits on tape.
//! Built for tens of millions of rows: inserted in batches through one prepared statement,
//! searched through a trigram index (`catalog_entries_fts`, migration 004).

use std::path::PathBuf;

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Statement, params};
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

/// Inserts entries of one set through a single prepared statement, inside the caller's
/// transaction; [`EntryWriter::finish`] then adds them to the search index in one statement
/// (migration 006: far faster than a trigger per row). Entries written without `finish` are
/// not found by `catalog find` (`catalog check` reports it).
pub struct EntryWriter<'c> {
    conn: &'c Connection,
    stmt: Statement<'c>,
    set_id: i64,
    /// The first row this writer inserted.
    first_id: Option<i64>,
}

impl<'c> EntryWriter<'c> {
    pub fn new(conn: &'c Connection, set_id: i64) -> Result<Self> {
        let stmt = conn.prepare(
            "INSERT INTO catalog_entries (backup_set_id, file_path, file_size, file_mode, mod_time, checksum,
                block_offset, frame_seq, frame_offset, kind, mtime_ns, uid, gid, link_target)
             VALUES (?1, ?2, ?3, ?4, datetime(?5 / 1000000000, 'unixepoch'), ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        Ok(EntryWriter { conn, stmt, set_id, first_id: None })
    }

    /// Adds the rows written to the search index.
    pub fn finish(self) -> Result<()> {
        if let Some(first) = self.first_id {
            self.conn.execute(
                "INSERT INTO catalog_entries_fts (rowid, file_path)
                 SELECT id, file_path FROM catalog_entries WHERE backup_set_id = ?1 AND id >= ?2",
                params![self.set_id, first],
            )?;
        }
        Ok(())
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
        if self.first_id.is_none() {
            self.first_id = Some(self.conn.last_insert_rowid());
        }
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
    pub mode: Option<u32>,
    pub mtime_ns: Option<i64>,
    pub set_id: i64,
    pub set_uuid: Option<String>,
    pub backup_type: String,
    pub job: String,
    pub source: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub backup_time: Option<String>,
    /// Labels of the tapes holding the set, in part order.
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
    /// Include `deleted` entries (an incremental's record that a path went away).
    pub deleted: bool,
    pub limit: u32,
}

/// Whether `find` can narrow `pattern` through the trigram index: it needs a run of at
/// least 3 literal characters (for a glob, outside `*`, `?` and `[…]`). Shorter patterns
/// are answered by reading every entry.
pub fn uses_index(pattern: &str, how: Match) -> bool {
    longest_literal_run(pattern, how) >= 3
}

fn longest_literal_run(pattern: &str, how: Match) -> usize {
    if how == Match::Substring {
        return pattern.chars().count();
    }
    let (mut best, mut run) = (0, 0);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' => run = 0,
            '[' => {
                run = 0;
                // A class is one wildcard character; `]` right after `[` or `[^` belongs to it.
                let mut first = true;
                for c in chars.by_ref() {
                    if c == ']' && !first {
                        break;
                    }
                    first = c == '^' && first;
                }
            }
            _ => {
                run += 1;
                best = best.max(run);
            }
        }
    }
    best
}

/// Newest entries first (entry ids grow with every backup), so the search walks the trigram
/// index backwards and stops at `limit` instead of sorting every match.
///
/// The trigram index knows nothing of sets, so with a filter on job, source or time the
/// search is first bounded to the entry ids of the sets that pass it: a filter that leaves
/// out most matches then costs a walk over the matches in that range, not over all of them.
pub fn find(conn: &Connection, f: &FindFilter) -> Result<Vec<Hit>> {
    let (mut low, mut high) = (i64::MIN, i64::MAX);
    if f.job.is_some() || f.source.is_some() || f.since.is_some() {
        let bounds: (Option<i64>, Option<i64>) = conn.query_row(
            "SELECT min((SELECT min(id) FROM catalog_entries WHERE backup_set_id = s.id)),
                max((SELECT max(id) FROM catalog_entries WHERE backup_set_id = s.id))
             FROM backup_sets s
             JOIN backup_jobs j ON j.id = s.job_id
             LEFT JOIN backup_sources src ON src.id = coalesce(s.source_id, j.source_id)
             WHERE s.status = 'completed'
               AND (?1 IS NULL OR j.name = ?1)
               AND (?2 IS NULL OR src.name = ?2)
               AND (?3 IS NULL OR s.start_time >= ?3)",
            params![f.job, f.source, f.since],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        match bounds {
            (Some(l), Some(h)) => (low, high) = (l, h),
            _ => return Ok(Vec::new()),
        }
    }
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
        "SELECT e.file_path, e.file_size, e.kind, e.file_mode, e.mtime_ns, s.id, s.uuid, s.backup_type, j.name,
            src.name, s.start_time,
            (SELECT group_concat(label, ',') FROM (
                SELECT tp.label FROM backup_set_parts p JOIN tapes tp ON tp.id = p.tape_id
                WHERE p.backup_set_id = s.id GROUP BY tp.id ORDER BY min(p.part)))
         FROM catalog_entries_fts fts
         JOIN catalog_entries e ON e.id = fts.rowid
         JOIN backup_sets s ON s.id = e.backup_set_id
         JOIN backup_jobs j ON j.id = s.job_id
         LEFT JOIN backup_sources src ON src.id = coalesce(s.source_id, j.source_id)
         WHERE {condition}
           AND (?2 IS NULL OR j.name = ?2)
           AND (?3 IS NULL OR src.name = ?3)
           AND (?4 IS NULL OR s.start_time >= ?4)
           AND (?6 OR e.kind IS NOT 'deleted')
           AND s.status = 'completed'
           AND fts.rowid BETWEEN ?7 AND ?8
         ORDER BY fts.rowid DESC
         LIMIT ?5"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![value, f.job, f.source, f.since, f.limit, f.deleted, low, high], |r| {
        let tapes: Option<String> = r.get(11)?;
        Ok(Hit {
            path: r.get::<_, PathBytes>(0)?.0,
            size: r.get(1)?,
            kind: r.get(2)?,
            mode: r.get(3)?,
            mtime_ns: r.get(4)?,
            set_id: r.get(5)?,
            set_uuid: r.get(6)?,
            backup_type: r.get(7)?,
            job: r.get(8)?,
            source: r.get(9)?,
            backup_time: r.get(10)?,
            tapes: tapes.map(|t| t.split(',').map(String::from).collect()).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// One entry of a set as `catalog ls` shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The last component, relative to the listed directory.
    pub name: PathBuf,
    /// The whole path as recorded.
    pub path: PathBuf,
    pub kind: String,
    pub size: Option<i64>,
    pub mode: Option<u32>,
    pub mtime_ns: Option<i64>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub link_target: Option<PathBuf>,
    /// False for a directory the set holds entries below but holds no entry for itself (an
    /// incremental records a changed file, not its unchanged parents).
    pub in_set: bool,
}

/// What `children` found at a path.
#[derive(Debug, Clone)]
pub enum Listing {
    /// The path is the root, or has entries below it: its children, sorted by name bytes.
    Dir(Vec<Listed>),
    /// The path is an entry with nothing below it.
    Entry(Listed),
}

const LISTED: &str = "file_path, coalesce(kind, 'file'), file_size, file_mode, mtime_ns, uid, gid, link_target,
    typeof(file_path)";

fn listed(r: &rusqlite::Row, prefix_len: usize) -> rusqlite::Result<(Listed, bool)> {
    use std::os::unix::ffi::OsStringExt;
    let path = r.get::<_, PathBytes>(0)?.0;
    let name = path.as_os_str().as_encoded_bytes().get(prefix_len..).unwrap_or_default().to_vec();
    let blob = r.get::<_, String>(8)? == "blob";
    let listed = Listed {
        name: std::ffi::OsString::from_vec(name).into(),
        path,
        kind: r.get(1)?,
        size: r.get(2)?,
        mode: r.get(3)?,
        mtime_ns: r.get(4)?,
        uid: r.get(5)?,
        gid: r.get(6)?,
        link_target: r.get::<_, Option<Vec<u8>>>(7)?.map(|t| std::ffi::OsString::from_vec(t).into()),
        in_set: true,
    };
    Ok((listed, blob))
}

/// The entry `path` of set `set_id`, if it has one.
pub fn entry(conn: &Connection, set_id: i64, path: &std::path::Path) -> Result<Option<Listed>> {
    let parent_len = path.as_os_str().as_encoded_bytes().iter().rposition(|b| *b == b'/').map_or(0, |i| i + 1);
    Ok(conn
        .query_row(
            &format!("SELECT {LISTED} FROM catalog_entries WHERE backup_set_id = ?1 AND file_path = ?2"),
            params![set_id, PathRef(path)],
            |r| listed(r, parent_len).map(|(l, _)| l),
        )
        .optional()?)
}

/// What set `set_id` holds directly below `dir` (bytes relative to the source root, no
/// leading or trailing `/`; empty for the root), like `ls`. `None` when the set has neither
/// an entry `dir` nor anything below it.
///
/// The set's entries are never all read: a skip scan over the (set, path) index seeks the
/// first entry after each child's subtree, so listing a directory costs a few index seeks
/// per child however large the set is. Paths that are not UTF-8 are stored as BLOBs, which
/// SQLite sorts after all TEXT, so each storage class is scanned on its own.
pub fn children(conn: &Connection, set_id: i64, dir: &[u8]) -> Result<Option<Listing>> {
    use rusqlite::types::Value;
    let prefix: Vec<u8> = if dir.is_empty() { Vec::new() } else { [dir, b"/"].concat() };
    let mut ge = conn.prepare(&format!(
        "SELECT {LISTED} FROM catalog_entries WHERE backup_set_id = ?1 AND file_path >= ?2 ORDER BY file_path LIMIT 1"
    ))?;
    let mut gt = conn.prepare(&format!(
        "SELECT {LISTED} FROM catalog_entries WHERE backup_set_id = ?1 AND file_path > ?2 ORDER BY file_path LIMIT 1"
    ))?;
    let mut found: std::collections::BTreeMap<Vec<u8>, Listed> = Default::default();
    // TEXT paths first (only when the prefix itself is UTF-8), then BLOB paths.
    let text_prefix = std::str::from_utf8(&prefix).ok().map(str::to_string);
    for blob in [false, true] {
        if !blob && text_prefix.is_none() {
            continue;
        }
        let bound = |bytes: Vec<u8>| -> Value {
            if blob { Value::Blob(bytes) } else { Value::Text(String::from_utf8(bytes).expect("text paths are UTF-8")) }
        };
        let (mut at, mut inclusive) = (bound(prefix.clone()), true);
        loop {
            let stmt = if inclusive { &mut ge } else { &mut gt };
            let row = stmt.query_row(params![set_id, at], |r| listed(r, prefix.len())).optional()?;
            let Some((entry, is_blob)) = row else { break };
            let path = entry.path.as_os_str().as_encoded_bytes().to_vec();
            if is_blob != blob || !path.starts_with(&prefix) {
                break;
            }
            let rest = &path[prefix.len()..];
            match rest.iter().position(|b| *b == b'/') {
                // The root's own entry, or a name without a subtree below it (yet).
                None => {
                    if !(prefix.is_empty() && rest == b".") {
                        found.insert(rest.to_vec(), entry);
                    }
                    (at, inclusive) = (bound(path), false);
                }
                Some(0) => (at, inclusive) = (bound(path), false),
                // Something below child `rest[..i]`: note the child, then skip its subtree
                // ('0' is the byte after '/').
                Some(i) => {
                    let child = rest[..i].to_vec();
                    let next = [&prefix[..], &child, b"0"].concat();
                    found.entry(child.clone()).or_insert_with(|| implied_dir(&prefix, &child));
                    (at, inclusive) = (bound(next), true);
                }
            }
        }
    }
    if !found.is_empty() || dir.is_empty() {
        return Ok(Some(Listing::Dir(found.into_values().collect())));
    }
    use std::os::unix::ffi::OsStrExt;
    Ok(entry(conn, set_id, std::path::Path::new(std::ffi::OsStr::from_bytes(dir)))?.map(Listing::Entry))
}

fn implied_dir(prefix: &[u8], name: &[u8]) -> Listed {
    use std::os::unix::ffi::OsStringExt;
    Listed {
        name: std::ffi::OsString::from_vec(name.to_vec()).into(),
        path: std::ffi::OsString::from_vec([prefix, name].concat()).into(),
        kind: "dir".into(),
        size: None,
        mode: None,
        mtime_ns: None,
        uid: None,
        gid: None,
        link_target: None,
        in_set: false,
    }
}

/// SQL conditions on `e.file_path` whose union is "`path` or below it" for each of `paths`
/// (bytes relative to the source root; empty is the root, which is everything), with their
/// parameters, numbered from `first_param`. Both storage classes are covered: UTF-8 paths
/// are TEXT, others BLOB. Each condition is one equality or one range, so each can be a
/// search of an index on file_path.
fn subtree_terms(paths: &[Vec<u8>], first_param: usize) -> (Vec<String>, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    if paths.iter().any(|p| p.is_empty()) {
        return (vec!["1".into()], Vec::new());
    }
    let mut terms = Vec::new();
    let mut values = Vec::new();
    for p in paths {
        let below = [&p[..], b"/"].concat();
        let after = [&p[..], b"0"].concat(); // '0' is the byte after '/'
        let mut forms = vec![(Value::Blob(p.clone()), Value::Blob(below.clone()), Value::Blob(after.clone()))];
        if let (Ok(p), Ok(below), Ok(after)) =
            (String::from_utf8(p.clone()), String::from_utf8(below), String::from_utf8(after))
        {
            forms.push((Value::Text(p), Value::Text(below), Value::Text(after)));
        }
        for (exact, lo, hi) in forms {
            let n = first_param + values.len();
            terms.push(format!("e.file_path = ?{n}"));
            terms.push(format!("e.file_path >= ?{} AND e.file_path < ?{}", n + 1, n + 2));
            values.extend([exact, lo, hi]);
        }
    }
    (terms, values)
}

/// The newest completed set with an entry, not a deletion, at or below any of `paths`.
pub fn newest_set_holding(conn: &Connection, paths: &[Vec<u8>]) -> Result<Option<i64>> {
    let (terms, values) = subtree_terms(paths, 1);
    let sql = format!(
        "SELECT s.id FROM catalog_entries e JOIN backup_sets s ON s.id = e.backup_set_id
         WHERE ({}) AND e.kind IS NOT 'deleted' AND s.status = 'completed'
         ORDER BY s.start_time DESC, s.id DESC LIMIT 1",
        terms.iter().map(|t| format!("({t})")).collect::<Vec<_>>().join(" OR ")
    );
    Ok(conn.query_row(&sql, rusqlite::params_from_iter(values), |r| r.get(0)).optional()?)
}

/// What a restore of `paths` from `chain` (set ids, oldest first) takes from each set: the
/// newest version of every path at or below them, a deletion removing the path. Returns
/// (set id, entries, bytes of file content) for each set that contributes, in chain order.
///
/// The candidates are a UNION ALL of one index search per set and condition: the planner
/// turns an OR of several ranges into a scan of the whole set.
pub fn restore_needs(conn: &Connection, chain: &[i64], paths: &[Vec<u8>]) -> Result<Vec<(i64, u64, u64)>> {
    let (terms, mut values) = subtree_terms(paths, 2);
    values.insert(0, rusqlite::types::Value::Text(serde_json::to_string(chain)?));
    let candidates = terms
        .iter()
        .map(|t| {
            format!(
                "SELECT e.file_path, e.kind, e.file_size, c.set_id, c.ord
                 FROM chain c JOIN catalog_entries e ON e.backup_set_id = c.set_id AND {t}"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let sql = format!(
        "WITH chain(set_id, ord) AS (SELECT value, key FROM json_each(?1)),
         candidates AS ({candidates}),
         newest AS (
            SELECT kind, file_size, set_id, ord,
                row_number() OVER (PARTITION BY file_path ORDER BY ord DESC) AS rn
            FROM candidates)
         SELECT set_id, count(*), coalesce(sum(CASE WHEN kind IS 'file' OR kind IS NULL THEN file_size END), 0)
         FROM newest WHERE rn = 1 AND kind IS NOT 'deleted'
         GROUP BY set_id ORDER BY min(ord)"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
        Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)?.max(0) as u64))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
        let f = FindFilter { pattern, how, job: None, source: None, since: None, deleted: false, limit: 100 };
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
            w.finish().unwrap();
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
                deleted: false,
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
            w.finish().unwrap();
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

    fn add(cat: &mut super::super::Catalog, set: i64, entries: &[(&[u8], &'static str)]) {
        let tx = cat.write().unwrap();
        {
            let mut w = EntryWriter::new(&tx, set).unwrap();
            for (p, kind) in entries {
                w.add(&NewEntry { kind, ..entry(p) }).unwrap();
            }
            w.finish().unwrap();
        }
        tx.commit().unwrap();
    }

    fn names(listing: Option<Listing>) -> Vec<(String, bool)> {
        match listing {
            Some(Listing::Dir(list)) => list.iter().map(|l| (crate::pathjson::to_human(&l.name), l.in_set)).collect(),
            Some(Listing::Entry(l)) => vec![(format!("entry {}", crate::pathjson::to_human(&l.path)), l.in_set)],
            None => vec![("none".into(), false)],
        }
    }

    #[test]
    fn children_skip_subtrees_and_cover_text_and_blob_paths() {
        let (_d, mut cat) = catalog();
        add(
            &mut cat,
            1,
            &[
                (b".", "dir"),
                (b"a", "dir"),
                (b"a!b", "file"),
                (b"a/x", "file"),
                (b"a/y/z", "file"),
                (b"a/caf\xe9", "file"),
                (b"a/caf\xe9/deep", "file"),
                (b"a0", "file"),
                (b"b/only/below", "file"),
                (b"\xff", "dir"),
                (b"\xff/inner", "file"),
            ],
        );
        let c = cat.conn();
        let t = |v: &[(&str, bool)]| v.iter().map(|(n, i)| (n.to_string(), *i)).collect::<Vec<_>>();
        assert_eq!(
            names(children(c, 1, b"").unwrap()),
            t(&[("a", true), ("a!b", true), ("a0", true), ("b", false), ("\\xff", true)])
        );
        assert_eq!(names(children(c, 1, b"a").unwrap()), t(&[("caf\\xe9", true), ("x", true), ("y", false)]));
        assert_eq!(names(children(c, 1, b"a/caf\xe9").unwrap()), t(&[("deep", true)]));
        assert_eq!(names(children(c, 1, b"\xff").unwrap()), t(&[("inner", true)]));
        assert_eq!(names(children(c, 1, b"b").unwrap()), t(&[("only", false)]));
        assert_eq!(names(children(c, 1, b"a/x").unwrap()), t(&[("entry a/x", true)]));
        assert_eq!(names(children(c, 1, b"nope").unwrap()), t(&[("none", false)]));
        assert_eq!(names(children(c, 1, b"a/").unwrap()), t(&[("none", false)]), "callers strip slashes");
        // Each seek is a range over the (set, path) index, not a scan.
        let plan: Vec<String> = c
            .prepare(
                "EXPLAIN QUERY PLAN SELECT file_path FROM catalog_entries WHERE backup_set_id = 1 AND file_path >= 'a'
                 ORDER BY file_path LIMIT 1",
            )
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(plan.iter().any(|p| p.contains("backup_set_id=? AND file_path>?")), "{plan:?}");
    }

    #[test]
    fn restore_needs_take_the_newest_version_and_honour_deletions() {
        let (_d, mut cat) = catalog();
        cat.conn()
            .execute_batch(
                "INSERT INTO backup_sets (job_id, tape_id, backup_type, start_time, status, uuid, parent_set_id)
                     VALUES (1, 1, 'incremental', '2026-11-02 02:00:00', 'completed', 'u2', 1);",
            )
            .unwrap();
        add(&mut cat, 1, &[(b".", "dir"), (b"d", "dir"), (b"d/keep", "file"), (b"d/old", "file"), (b"d/gone", "file")]);
        add(&mut cat, 2, &[(b"d/old", "file"), (b"d/gone", "deleted"), (b"d/new\xff", "file")]);
        let c = cat.conn();
        let p = |s: &[u8]| vec![s.to_vec()];
        assert_eq!(restore_needs(c, &[1, 2], &p(b"d")).unwrap(), [(1, 2, 10), (2, 2, 20)]);
        assert_eq!(restore_needs(c, &[1, 2], &p(b"")).unwrap(), [(1, 3, 10), (2, 2, 20)]);
        assert_eq!(restore_needs(c, &[1, 2], &p(b"d/gone")).unwrap(), []);
        assert_eq!(restore_needs(c, &[1], &p(b"d/gone")).unwrap(), [(1, 1, 10)]);
        assert_eq!(
            restore_needs(c, &[1, 2], &[b"d/keep".to_vec(), b"d/new\xff".to_vec()]).unwrap(),
            [(1, 1, 10), (2, 1, 10)]
        );
        assert_eq!(newest_set_holding(c, &p(b"d/keep")).unwrap(), Some(1));
        assert_eq!(newest_set_holding(c, &p(b"d")).unwrap(), Some(2));
        assert_eq!(newest_set_holding(c, &p(b"d/gone")).unwrap(), Some(1), "the newest set that still had it");
        assert_eq!(newest_set_holding(c, &p(b"x")).unwrap(), None);
    }

    #[test]
    fn literal_runs_decide_index_use() {
        assert!(uses_index("abc", Match::Substring));
        assert!(!uses_index("ab", Match::Substring));
        assert!(uses_index("*.pdf", Match::Glob));
        assert!(!uses_index("*.c", Match::Glob));
        assert!(!uses_index("a?b*cd[xyz]", Match::Glob));
        assert!(!uses_index("[]abc]*", Match::Glob), "']' first in a class is part of it");
        assert!(uses_index("[!a]*abc", Match::Glob));
    }

    #[test]
    fn find_hides_deletions_unless_asked() {
        let (_d, mut cat) = catalog();
        add(&mut cat, 1, &[(b"x/removed.txt", "deleted"), (b"x/kept.txt", "file")]);
        let f = |deleted| FindFilter {
            pattern: ".txt",
            how: Match::Substring,
            job: None,
            source: None,
            since: None,
            deleted,
            limit: 10,
        };
        assert_eq!(find(cat.conn(), &f(false)).unwrap().len(), 1);
        let all = find(cat.conn(), &f(true)).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].kind.as_deref(), Some("deleted"), "newest first");
        assert_eq!(all[0].backup_type, "full");
        assert_eq!(all[0].source.as_deref(), Some("src"));
    }
}
