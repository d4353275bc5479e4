//! `tapebackarr catalog …`: search the catalog without a tape. Find files by substring or
//! glob, browse a set like `ls`, work out which tapes a restore needs and where they are,
//! and count what the catalog holds.

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::Ctx;
use crate::catalog::entries::{self, FindFilter, Listed, Listing, Match};
use crate::catalog::sets::{self, Set};
use crate::catalog::{jobs, sources, tapes};
use crate::error::{Exit, Failure, Kind};
use crate::output::{fields, or_dash, table};
use crate::pathjson;
use crate::timefmt;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find files by substring or glob in every completed set, newest first
    #[command(after_help = "PATTERN is a glob when it contains '*', '?' or '[', else a substring:
  substring  matches anywhere in the path, ignoring case (report matches Q3-Report.pdf)
  glob       matches the whole path, relative to the source's root, case-sensitively;
             '*' and '?' match '/' too, so '*.pdf' finds PDFs at any depth and
             'home/ann/*' everything below home/ann
Patterns with 3 or more literal characters in a row are answered from the trigram index;
shorter ones read every entry (a note says so).

Examples:
  tapebackarr catalog find report
  tapebackarr catalog find '*.pdf' --job nightly --since 7d
  tapebackarr catalog find 'home/ann/*/budget-202?.ods' --json")]
    Find(FindArgs),
    /// List what a set holds directly below a directory, like ls
    #[command(after_help = "PATH is relative to the source's root, as `catalog find` prints it (a leading '/'
or './' is ignored); without it, the root. An incremental set holds only what changed: a
directory it holds entries below but no entry for is listed with mode '-' (in_set: false).

Examples:
  tapebackarr catalog ls 12
  tapebackarr catalog ls 12 home/ann -l
  tapebackarr catalog ls 12 home/ann --json")]
    Ls(LsArgs),
    /// Which tapes, in which order, a restore of PATHs needs, and where they are
    #[command(after_help = "Each PATH is a file or a directory (everything below it), relative to the source's
root; '.' is the whole source. Which sets are read:
  (default)           for each PATH, the newest completed set holding it (not as deleted),
                      with the sets of its incremental chain that hold the newest version
                      of something below PATH
  --set ID            that set only
  --job J [--as-of T] the job's state at T (default now): its newest completed set started
                      at or before T and its parents back to the full; an incremental's
                      entries supersede its parents', a deletion removes the path
Tapes are listed in the order a restore asks for them, each with where it is (drive,
library slot, shelf or offsite) and what is read from it, by position on the tape.

Examples:
  tapebackarr catalog tapes home/ann/thesis.tex
  tapebackarr catalog tapes home/ann home/bob --job nightly --as-of 2026-11-20
  tapebackarr catalog tapes . --set 12 --json")]
    Tapes(TapesArgs),
    /// Catalog statistics: sets, entries, paths, tapes, bytes per pool, the search index
    #[command(after_help = "Counting distinct paths reads a whole index: over ten million entries, about 2 s with
the catalog in the page cache, 10 s from disk.

Examples:
  tapebackarr catalog stats
  tapebackarr catalog stats --json")]
    Stats,
    /// Rebuild the catalog's record of the tape in the drive from the tape itself
    #[command(after_help = "Reads the tape's label and every set part's header block and index, spacing over the
data (never read), and records what the catalog lacks: the tape, its pool, the sources and
jobs by name, the sets (matched by UUID: one the catalog has is skipped), their parts and
entries. All in one transaction; running it again changes nothing. Parts cut off without an
index are reported, not recorded. What the tape does not hold is not invented: a recreated
source has the path / and is disabled, a recreated job is disabled and unscheduled, a set
whose key the catalog lacks is recorded without it (key import it, then rebuild again), and
the next backup of a rebuilt job is a full (snapshots are not on tape). The drive is chosen
with the global --drive.

Examples:
  tapebackarr init && tapebackarr drive add lto1 --device /dev/nst0
  tapebackarr catalog rebuild --drive lto1
  tapebackarr catalog rebuild --json | jq '.sets_added[] | {set, job, files}'")]
    Rebuild(super::rebuild::RebuildArgs),
    /// Check the catalog's consistency: SQLite integrity, the search index, sets, parts and
    /// their places on tape
    Check(super::check::CheckArgs),
}

#[derive(Debug, Args)]
pub struct FindArgs {
    /// A substring, or a glob over the whole path when it contains '*', '?' or '['
    #[arg(value_parser = parse_pattern)]
    pattern: String,
    /// Only sets of this job
    #[arg(long, value_name = "JOB")]
    job: Option<String>,
    /// Only sets of this source
    #[arg(long, value_name = "SOURCE")]
    source: Option<String>,
    /// Only sets started at or after this time: YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (UTC),
    /// RFC 3339, or an age such as 12h, 7d, 2w
    #[arg(long, value_name = "WHEN", value_parser = timefmt::parse_since)]
    since: Option<chrono::DateTime<chrono::Utc>>,
    /// At most this many hits (the newest)
    #[arg(long, value_name = "N", default_value = "100")]
    limit: u32,
    /// Include deletions: entries an incremental recorded for paths that went away
    #[arg(long)]
    deleted: bool,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Set number (from backup list or catalog find)
    set: i64,
    /// Directory (or entry) in the set, relative to the source's root [default: the root]
    path: Option<PathBuf>,
    /// Long listing: mode, kind, size, modification time, link target
    #[arg(short, long)]
    long: bool,
}

#[derive(Debug, Args)]
pub struct TapesArgs {
    /// Files or directories to restore, relative to the source's root ('.' for all)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Restore from this set only
    #[arg(long, value_name = "ID", conflicts_with_all = ["job", "as_of"])]
    set: Option<i64>,
    /// Restore the state of this job's backups (its newest full set and the incrementals after it)
    #[arg(long, value_name = "JOB")]
    job: Option<String>,
    /// With --job: the state at this time instead of now. YYYY-MM-DD (the end of that day,
    /// UTC), 'YYYY-MM-DD HH:MM' (UTC), RFC 3339, or an age such as 12h, 7d
    #[arg(long, value_name = "WHEN", requires = "job", value_parser = timefmt::parse_as_of)]
    as_of: Option<chrono::DateTime<chrono::Utc>>,
}

fn parse_pattern(s: &str) -> Result<String, String> {
    if s.is_empty() { Err("the pattern is empty: give a substring or a glob".into()) } else { Ok(s.to_string()) }
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    match cmd {
        Command::Find(args) => find(ctx, args),
        Command::Ls(args) => ls(ctx, args),
        Command::Tapes(args) => restore_tapes(ctx, args),
        Command::Stats => stats(ctx),
        Command::Rebuild(args) => super::rebuild::exec(ctx, args),
        Command::Check(args) => super::check::exec(ctx, args),
    }
}

/// A glob as `catalog find` matches it (SQLite's GLOB: `*`, `?`, `[...]`, `[^...]`) must
/// close every character class: SQLite would otherwise match nothing, silently.
fn check_glob(pattern: &str) -> Result<(), String> {
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'[' {
            let mut j = i + 1;
            if bytes.get(j) == Some(&b'^') {
                j += 1;
            }
            // A `]` right after the opening is a member, not the end.
            if bytes.get(j) == Some(&b']') {
                j += 1;
            }
            match bytes[j.min(bytes.len())..].iter().position(|b| *b == b']') {
                Some(k) => i = j + k,
                None => return Err(format!("the '[' at position {} opens a character class that never closes", i + 1)),
            }
        }
        i += 1;
    }
    Ok(())
}

fn find(ctx: &Ctx, a: FindArgs) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let conn = catalog.conn();
    if let Some(job) = &a.job {
        jobs::get(conn, job)?;
    }
    if let Some(source) = &a.source {
        sources::get(conn, source)?;
    }
    let how = if a.pattern.contains(['*', '?', '[']) { Match::Glob } else { Match::Substring };
    if how == Match::Glob {
        check_glob(&a.pattern).map_err(|why| Failure::usage(format!("'{}' is not a glob: {why}", a.pattern)))?;
    }
    let indexed = entries::uses_index(&a.pattern, how);
    if !indexed {
        ctx.out.note(|| {
            format!(
                "note: '{}' has fewer than 3 literal characters in a row, so the trigram index cannot narrow it: \
                 every entry is read",
                a.pattern
            )
        });
    }
    let filter = FindFilter {
        pattern: &a.pattern,
        how,
        job: a.job.as_deref(),
        source: a.source.as_deref(),
        since: a.since.map(timefmt::to_sql),
        deleted: a.deleted,
        limit: a.limit.saturating_add(1),
    };
    let mut hits = entries::find(conn, &filter)?;
    let truncated = hits.len() > a.limit as usize;
    hits.truncate(a.limit as usize);
    let docs: Vec<Value> = hits
        .iter()
        .map(|h| {
            json!({
                "path": pathjson::to_json(&h.path),
                "size": h.size,
                "kind": h.kind.as_deref().unwrap_or("file"),
                "mode": h.mode,
                "mtime": h.mtime_ns.and_then(mtime_rfc3339),
                "mtime_ns": h.mtime_ns,
                "set": h.set_id,
                "set_uuid": h.set_uuid,
                "backup_time": h.backup_time.as_deref().map(timefmt::sql_to_rfc3339),
                "backup_type": h.backup_type,
                "job": h.job,
                "source": h.source,
                "tapes": h.tapes,
            })
        })
        .collect();
    let how_name = if how == Match::Glob { "glob" } else { "substring" };
    let doc = json!({
        "pattern": a.pattern,
        "match": how_name,
        "indexed": indexed,
        "limit": a.limit,
        "truncated": truncated,
        "hits": docs,
    });
    if truncated {
        ctx.out.note(|| format!("note: showing the newest {} matches; raise --limit for more", a.limit));
    }
    ctx.out.data(&doc, || {
        if hits.is_empty() {
            return format!("No match for {how_name} '{}'.", a.pattern);
        }
        table(
            &["set", "backed up (utc)", "type", "job", "tapes", "kind", "size", "modified (utc)", "path"],
            hits.iter()
                .map(|h| {
                    vec![
                        h.set_id.to_string(),
                        or_dash(h.backup_time.as_ref()),
                        h.backup_type.clone(),
                        h.job.clone(),
                        or_dash(Some(h.tapes.join(","))),
                        h.kind.clone().unwrap_or_else(|| "file".into()),
                        crate::output::bytes(h.size),
                        or_dash(h.mtime_ns.and_then(mtime_human)),
                        pathjson::to_human(&h.path),
                    ]
                })
                .collect(),
        )
    });
    Ok(Exit::Ok)
}

fn ls(ctx: &Ctx, a: LsArgs) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let conn = catalog.conn();
    let set = sets::get(conn, a.set)?;
    let dir = relative(a.path.as_deref().unwrap_or(Path::new("")));
    let shown = Path::new(std::ffi::OsStr::from_bytes(if dir.is_empty() { b"." } else { &dir })).to_path_buf();
    let (list, is_dir) = match entries::children(conn, set.id, &dir)? {
        Some(Listing::Dir(list)) => (list, true),
        Some(Listing::Entry(e)) => (vec![e], false),
        None => {
            return Err(Failure::new(
                Kind::NotFound,
                format!("set {} has no entry '{}' (and nothing below it)", set.id, pathjson::to_human(&shown)),
            )
            .into());
        }
    };
    if set.status != "completed" {
        ctx.out
            .note(|| format!("note: set {} is {}: a set's entries are recorded when it completes", set.id, set.status));
    }
    let docs: Vec<Value> = list
        .iter()
        .map(|e| {
            json!({
                "name": pathjson::to_json(&e.name),
                "path": pathjson::to_json(&e.path),
                "kind": e.kind,
                "size": e.size,
                "mode": e.mode,
                "mtime": e.mtime_ns.and_then(mtime_rfc3339),
                "mtime_ns": e.mtime_ns,
                "uid": e.uid,
                "gid": e.gid,
                "link_target": e.link_target.as_deref().map(pathjson::to_json),
                "in_set": e.in_set,
            })
        })
        .collect();
    let doc = json!({"set": set.id, "path": pathjson::to_json(&shown), "is_dir": is_dir, "entries": docs});
    ctx.out.data(&doc, || {
        if list.is_empty() {
            return if dir.is_empty() {
                format!("Set {} holds no entries.", set.id)
            } else {
                format!("Set {} holds nothing below '{}'.", set.id, pathjson::to_human(&shown))
            };
        }
        let name = |e: &Listed| pathjson::to_human(if is_dir { &e.name } else { &e.path });
        if !a.long {
            return table(&["name"], list.iter().map(|e| vec![name(e)]).collect());
        }
        table(
            &["mode", "kind", "size", "modified (utc)", "name", "target"],
            list.iter()
                .map(|e| {
                    vec![
                        e.mode.map(|m| mode_string(&e.kind, m)).unwrap_or_else(|| "-".into()),
                        e.kind.clone(),
                        or_dash(e.size),
                        or_dash(e.mtime_ns.and_then(mtime_human)),
                        name(e),
                        or_dash(e.link_target.as_deref().map(pathjson::to_human)),
                    ]
                })
                .collect(),
        )
    });
    Ok(Exit::Ok)
}

/// One (set, part) a restore reads.
struct Read {
    set: Set,
    part: sets::Part,
    entries: u64,
    bytes: u64,
}

fn restore_tapes(ctx: &Ctx, a: TapesArgs) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let conn = catalog.conn();
    let mut paths: Vec<Vec<u8>> = Vec::new();
    for p in &a.paths {
        let rel = relative(p);
        if !paths.contains(&rel) {
            paths.push(rel);
        }
    }
    let human =
        |p: &[u8]| pathjson::to_human(Path::new(std::ffi::OsStr::from_bytes(if p.is_empty() { b"." } else { p })));
    // Which chain (sets, oldest first) each path is restored from.
    let mut groups: Vec<(Vec<Set>, Vec<Vec<u8>>)> = Vec::new();
    let (mode, job_name) = if let Some(id) = a.set {
        let set = sets::get(conn, id)?;
        if set.status != "completed" {
            return Err(Failure::new(Kind::InvalidState, format!("set {id} is {}, not completed", set.status)).into());
        }
        groups.push((vec![set], paths.clone()));
        ("set", None)
    } else if let Some(job) = &a.job {
        let job = jobs::get(conn, job)?;
        let as_of = a.as_of.map(timefmt::to_sql);
        let Some(newest) = sets::newest_completed(conn, job.id, as_of.as_deref())? else {
            return Err(Failure::new(
                Kind::NotFound,
                match &as_of {
                    Some(t) => format!("job '{}' has no completed backup set started at or before {t} UTC", job.name),
                    None => format!("job '{}' has no completed backup set", job.name),
                },
            )
            .into());
        };
        groups.push((sets::chain_to(conn, newest)?, paths.clone()));
        ("job", Some(job.name))
    } else {
        for p in &paths {
            let Some(newest) = entries::newest_set_holding(conn, std::slice::from_ref(p))? else {
                return Err(
                    Failure::new(Kind::NotFound, format!("no completed backup set holds '{}'", human(p))).into()
                );
            };
            match groups.iter_mut().find(|(chain, _)| chain.last().is_some_and(|s| s.id == newest)) {
                Some((_, ps)) => ps.push(p.clone()),
                None => groups.push((sets::chain_to(conn, newest)?, vec![p.clone()])),
            }
        }
        ("newest", None)
    };

    // What each path takes from which set; a path with nothing to restore is not found.
    let mut path_docs = Vec::new();
    let mut needs: BTreeMap<i64, (Set, u64, u64)> = BTreeMap::new();
    for (chain, ps) in &groups {
        let ids: Vec<i64> = chain.iter().map(|s| s.id).collect();
        for p in ps {
            let got = entries::restore_needs(conn, &ids, std::slice::from_ref(p))?;
            if got.is_empty() {
                let last = ids[ids.len() - 1];
                let message = match &job_name {
                    Some(job) => format!(
                        "job '{job}' as of set {last} holds nothing at or below '{}': {}",
                        human(p),
                        "never backed up, or deleted by then"
                    ),
                    None => format!("set {last} holds nothing at or below '{}' (or only its deletion)", human(p)),
                };
                return Err(Failure::new(Kind::NotFound, message).into());
            }
            path_docs.push(json!({
                "path": pathjson::to_json(Path::new(std::ffi::OsStr::from_bytes(if p.is_empty() { b"." } else { p }))),
                "restore_point": ids[ids.len() - 1],
                "sets": got.iter().map(|(s, _, _)| s).collect::<Vec<_>>(),
                "entries": got.iter().map(|(_, n, _)| n).sum::<u64>(),
                "bytes": got.iter().map(|(_, _, b)| b).sum::<u64>(),
            }));
        }
        for (set_id, n, bytes) in entries::restore_needs(conn, &ids, ps)? {
            let set = chain.iter().find(|s| s.id == set_id).expect("a chain set").clone();
            let e = needs.entry(set_id).or_insert((set, 0, 0));
            e.1 += n;
            e.2 += bytes;
        }
    }

    // Reads in restore order (oldest set first, parts in order); tapes in the order first
    // needed, and on each tape by position.
    let mut ordered: Vec<&(Set, u64, u64)> = needs.values().collect();
    ordered.sort_by(|x, y| (&x.0.start_time, x.0.id).cmp(&(&y.0.start_time, y.0.id)));
    let mut by_tape: Vec<(String, Vec<Read>)> = Vec::new();
    for (set, n, bytes) in ordered {
        for part in sets::parts(conn, set.id)? {
            let read = Read { set: set.clone(), part, entries: *n, bytes: *bytes };
            match by_tape.iter_mut().find(|(label, _)| *label == read.part.tape) {
                Some((_, reads)) => reads.push(read),
                None => by_tape.push((read.part.tape.clone(), vec![read])),
            }
        }
    }
    for (_, reads) in &mut by_tape {
        reads.sort_by_key(|r| (r.part.data_file, r.part.part));
    }
    let mut tape_docs = Vec::new();
    let mut rows = Vec::new();
    for (i, (label, reads)) in by_tape.iter().enumerate() {
        let tape = tapes::get(conn, label)?;
        let location = tapes::location(conn, &tape)?;
        let read_docs: Vec<Value> = reads
            .iter()
            .map(|r| {
                json!({
                    "set": r.set.id,
                    "job": r.set.job,
                    "backup_type": r.set.backup_type,
                    "backup_time": r.set.start_time.as_deref().map(timefmt::sql_to_rfc3339),
                    "part": r.part.part,
                    "data_file": r.part.data_file,
                    "header_block": r.part.header_block,
                    "end_block": r.part.end_block,
                    "entries": r.entries,
                    "bytes": r.bytes,
                })
            })
            .collect();
        for r in reads {
            rows.push(vec![
                (i + 1).to_string(),
                tape.label.clone(),
                or_dash(tape.barcode.as_ref()),
                location.clone(),
                r.set.id.to_string(),
                r.set.backup_type.clone(),
                or_dash(r.set.start_time.as_ref()),
                r.part.part.to_string(),
                r.part.data_file.to_string(),
                r.entries.to_string(),
                crate::output::bytes(r.bytes as i64),
            ]);
        }
        tape_docs.push(json!({
            "order": i + 1,
            "label": tape.label,
            "barcode": tape.barcode,
            "pool": tape.pool_name,
            "status": tape.status,
            "location": location,
            "reads": read_docs,
        }));
    }
    let set_docs: Vec<Value> = needs
        .values()
        .map(|(s, n, b)| {
            json!({
                "set": s.id,
                "job": s.job,
                "backup_type": s.backup_type,
                "backup_time": s.start_time.as_deref().map(timefmt::sql_to_rfc3339),
                "entries": n,
                "bytes": b,
            })
        })
        .collect();
    let doc = json!({
        "mode": mode,
        "job": job_name,
        "as_of": a.as_of.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        "paths": path_docs,
        "sets": set_docs,
        "tapes": tape_docs,
    });
    ctx.out.data(&doc, || {
        let n = paths.len();
        let labels: Vec<&str> = by_tape.iter().map(|(l, _)| l.as_str()).collect();
        let mut text = format!(
            "Restoring {n} path{} reads {} set{} from {} tape{}, in this order: {}\n",
            if n == 1 { "" } else { "s" },
            needs.len(),
            if needs.len() == 1 { "" } else { "s" },
            labels.len(),
            if labels.len() == 1 { "" } else { "s" },
            labels.join(", ")
        );
        text.push_str(&table(
            &[
                "order",
                "tape",
                "barcode",
                "location",
                "set",
                "type",
                "backed up (utc)",
                "part",
                "file",
                "entries",
                "size",
            ],
            rows,
        ));
        text
    });
    Ok(Exit::Ok)
}

fn stats(ctx: &Ctx) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let s = sets::stats(catalog.conn())?;
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let file_bytes = size(catalog.path());
    let mut wal = catalog.path().as_os_str().to_owned();
    wal.push("-wal");
    let wal_bytes = size(Path::new(&wal));
    let counts = |pairs: &[(String, i64)]| -> Value {
        pairs.iter().map(|(k, n)| (k.clone(), json!(n))).collect::<serde_json::Map<_, _>>().into()
    };
    let listed = |pairs: &[(String, i64)]| -> String {
        if pairs.is_empty() {
            return "0".into();
        }
        let total: i64 = pairs.iter().map(|(_, n)| n).sum();
        let each: Vec<String> = pairs.iter().map(|(k, n)| format!("{n} {k}")).collect();
        format!("{total} ({})", each.join(", "))
    };
    let doc = json!({"stats": {
        "sets": counts(&s.sets_by_status),
        "entries": s.entries,
        "distinct_paths": s.distinct_paths,
        "tapes": counts(&s.tapes_by_status),
        "pools": s.pools,
        "catalog": {"path": pathjson::to_json(catalog.path()), "bytes": file_bytes, "wal_bytes": wal_bytes},
        "search_index": {"present": s.fts_present, "triggers": s.fts_triggers, "entries": s.fts_rows},
    }});
    ctx.out.data(&doc, || {
        let index = match (s.fts_present, s.fts_triggers, s.fts_rows) {
            (false, _, _) => "missing: find reads every entry".to_string(),
            (true, triggers, rows) => {
                let rows = rows.unwrap_or(0);
                let mut text = if rows == s.entries {
                    format!("trigram (catalog_entries_fts), all {rows} entries")
                } else {
                    format!(
                        "trigram (catalog_entries_fts), {rows} of {} entries: rebuild it with \
                         INSERT INTO catalog_entries_fts(catalog_entries_fts) VALUES('rebuild')",
                        s.entries
                    )
                };
                if !triggers {
                    text.push_str("; its triggers are missing, so new entries are not indexed");
                }
                text
            }
        };
        let mut text = fields(&[
            ("sets", listed(&s.sets_by_status)),
            ("entries", s.entries.to_string()),
            ("distinct paths", s.distinct_paths.to_string()),
            ("tapes", listed(&s.tapes_by_status)),
            (
                "catalog",
                format!(
                    "{} ({} + {} WAL)",
                    pathjson::to_human(catalog.path()),
                    crate::output::bytes(file_bytes as i64),
                    crate::output::bytes(wal_bytes as i64)
                ),
            ),
            ("search index", index),
        ]);
        if !s.pools.is_empty() {
            text.push_str("\n\n");
            text.push_str(&table(
                &["pool", "tapes", "sets", "backed up", "on tape", "capacity"],
                s.pools
                    .iter()
                    .map(|p| {
                        vec![
                            p.pool.clone(),
                            p.tapes.to_string(),
                            p.sets.to_string(),
                            crate::output::bytes(p.backup_bytes),
                            crate::output::bytes(p.used_bytes),
                            crate::output::bytes(p.capacity_bytes),
                        ]
                    })
                    .collect(),
            ));
        }
        text
    });
    Ok(Exit::Ok)
}

/// A path as the catalog records it: relative to the source's root, without a leading `/`
/// or `./`, or trailing `/`; the root itself is empty.
fn relative(p: &Path) -> Vec<u8> {
    let mut b = p.as_os_str().as_bytes();
    loop {
        if let Some(rest) = b.strip_prefix(b"/") {
            b = rest;
        } else if let Some(rest) = b.strip_prefix(b"./") {
            b = rest;
        } else {
            break;
        }
    }
    while let Some(rest) = b.strip_suffix(b"/") {
        b = rest;
    }
    if b == b"." { Vec::new() } else { b.to_vec() }
}

fn mtime(ns: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000) as u32)
}

fn mtime_rfc3339(ns: i64) -> Option<String> {
    mtime(ns).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

fn mtime_human(ns: i64) -> Option<String> {
    mtime(ns).map(timefmt::to_sql)
}

/// `drwxr-xr-x`, as `ls -l` prints it.
fn mode_string(kind: &str, mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(match kind {
        "dir" => 'd',
        "symlink" => 'l',
        "char" => 'c',
        "block" => 'b',
        "fifo" => 'p',
        "deleted" => '?',
        _ => '-',
    });
    let special = [(0o4000, 's', 'S'), (0o2000, 's', 'S'), (0o1000, 't', 'T')];
    for (i, (bit, set_x, set_no_x)) in special.iter().enumerate() {
        let shift = 6 - 3 * i;
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(match (bits & 1 != 0, mode & bit != 0) {
            (true, true) => *set_x,
            (false, true) => *set_no_x,
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_and_modes() {
        assert_eq!(relative(Path::new("/home/ann/")), b"home/ann");
        assert_eq!(relative(Path::new("./a")), b"a");
        assert!(relative(Path::new(".")).is_empty());
        assert!(relative(Path::new("/")).is_empty());
        assert!(relative(Path::new("")).is_empty());
        assert_eq!(mode_string("dir", 0o755), "drwxr-xr-x");
        assert_eq!(mode_string("file", 0o4754), "-rwsr-xr--");
        assert_eq!(mode_string("dir", 0o1777), "drwxrwxrwt");
        assert_eq!(mode_string("symlink", 0o2644), "lrw-r-Sr--");
        assert_eq!(timefmt::parse_as_of("2026-11-20").map(timefmt::to_sql).as_deref(), Ok("2026-11-20 23:59:59"));
    }
}
