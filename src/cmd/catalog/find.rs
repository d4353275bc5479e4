//! `catalog find`: entries by substring or glob, newest first, with the tapes that hold them.

use anyhow::Result;
use clap::Args;
use serde_json::{Value, json};

use crate::catalog::entries::{self, FindFilter, Match};
use crate::catalog::{jobs, sources};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure};
use crate::output::{or_dash, table};
use crate::pathjson;
use crate::timefmt;

use super::{mtime_human, mtime_rfc3339};

#[derive(Debug, Args)]
pub struct FindArgs {
    /// A substring, or a glob over the whole path when it contains '*', '?' or '['
    #[arg(value_parser = parse_pattern)]
    pub pattern: String,
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

fn parse_pattern(s: &str) -> Result<String, String> {
    if s.is_empty() { Err("the pattern is empty: give a substring or a glob".into()) } else { Ok(s.to_string()) }
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

pub(super) fn find(ctx: &Ctx, a: FindArgs) -> Result<Exit> {
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
