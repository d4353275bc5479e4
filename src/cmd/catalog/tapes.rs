//! `catalog tapes`: which tapes a restore of some paths needs, and where they are.

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use serde_json::{Value, json};

use crate::catalog::entries::{self};
use crate::catalog::sets::{self, Set};
use crate::catalog::{jobs, tapes};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::output::{or_dash, table};
use crate::pathjson;
use crate::timefmt;

use super::relative;

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

/// One (set, part) a restore reads.
struct Read {
    set: Set,
    part: sets::Part,
    entries: u64,
    bytes: u64,
}

pub(super) fn restore_tapes(ctx: &Ctx, a: TapesArgs) -> Result<Exit> {
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
        if set.expired_at.is_some() {
            return Err(sets::expired_failure(conn, &set)?);
        }
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
