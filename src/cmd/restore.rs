//! `tapebackarr restore`: files back from tape, reading only what they need.
//!
//! The catalog says, for every entry, which frame holds its tar header and where; a restore
//! LOCATEs to the first entry it wants and reads on from there, skipping what lies between
//! wanted entries when that is cheaper than another LOCATE. Every tar header found is checked
//! against the catalog (a tape holding something else is not trusted), every file's BLAKE3
//! against the one recorded at backup time, and nothing is written outside `--to`
//! (`pipeline::extract`). A damaged frame fails the entries in it, named; the rest go on.

use std::collections::HashSet;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::Ctx;
use crate::catalog::restore as plan;
use crate::catalog::sets::{self, Set};
use crate::catalog::{Catalog, audit, jobs, keys, tapes};
use crate::engine::restore::{Matcher, Problem, Progress, SetWork, Stopped, Totals, dir_header, layout, restore_set};
use crate::engine::set_tapes::SetTapes;
use crate::error::{Exit, Failure, Kind};
use crate::pathjson;
use crate::pipeline::extract::{ExtractOptions, Extractor, Overwrite};

mod stdout;

#[derive(Debug, Args)]
#[command(after_help = "PATTERN: a path restores itself and everything below it (\"etc\", \"home/ann/notes.txt\");
a glob (*, ?, [..], ** for any depth) is matched against whole paths, and a directory it
matches comes with its contents (\"**/*.pdf\", \"home/*/Documents\"). No pattern: everything.

Examples:
  tapebackarr restore --set 12 --to /srv/restore
  tapebackarr restore --job nightly --as-of 2026-11-20 'home/ann/**/*.odt' --to /tmp/r
  tapebackarr restore --set 12 etc/fstab --to /tmp/r --overwrite --verify
  tapebackarr restore --job nightly --dry-run --json | jq .tapes
  tapebackarr restore --set 12 db/dump.sql --to - | psql mydb

Exit codes: 0 restored; 5 some data on tape did not match its checksum or could not be
decoded (named on stderr); 4 a tape must be inserted; 1 some entries could not be restored.")]
pub struct RestoreArgs {
    /// Restore from this set (its own entries only)
    #[arg(long, required_unless_present = "job", conflicts_with = "job")]
    set: Option<i64>,
    /// Restore the job's newest state: its last full set and the incrementals on top of it
    #[arg(long)]
    job: Option<String>,
    /// With --job: the state as of this time: YYYY-MM-DD (the end of that day, so that
    /// night's backup counts), YYYY-MM-DD HH:MM[:SS] UTC or RFC 3339
    #[arg(long, requires = "job", conflicts_with = "set", value_name = "DATE", value_parser = crate::timefmt::parse_as_of)]
    as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// Paths or globs to restore (default: everything)
    #[arg(value_name = "PATTERN")]
    patterns: Vec<OsString>,
    /// Destination directory (created if missing); nothing is written outside it. `-`: the
    /// content of the one file the patterns name, to stdout
    #[arg(long, value_name = "DIR", required_unless_present = "dry_run")]
    to: Option<PathBuf>,
    /// Replace files that exist in the destination
    #[arg(long, conflicts_with = "skip_existing")]
    overwrite: bool,
    /// Leave files that exist in the destination alone
    #[arg(long)]
    skip_existing: bool,
    /// Read every restored file back from the destination and compare its checksum
    #[arg(long)]
    verify: bool,
    /// Keep a file whose data fails its checksum as NAME.damaged beside where it belongs
    /// (default: remove it; the real name is never given to damaged data)
    #[arg(long)]
    keep_damaged: bool,
    /// List what would be restored and the tapes needed, reading no tape
    #[arg(long)]
    dry_run: bool,
}

pub fn exec(ctx: &Ctx, args: RestoreArgs) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    let matcher = Matcher::new(&args.patterns)?;
    let chain: Vec<Set> = match (&args.set, &args.job) {
        (Some(id), _) => {
            let set = sets::get(catalog.conn(), *id)?;
            if set.expired_at.is_some() {
                return Err(sets::expired_failure(catalog.conn(), &set)?);
            }
            if set.status != "completed" {
                return Err(Failure::new(
                    Kind::InvalidState,
                    format!("set {id} is {}: only completed sets are restored", set.status),
                )
                .into());
            }
            vec![set]
        }
        (None, Some(job)) => {
            let job = jobs::get(catalog.conn(), job)?;
            let as_of = args.as_of.map(crate::timefmt::to_sql);
            plan::chain(catalog.conn(), job.id, as_of.as_deref())?
        }
        (None, None) => unreachable!("clap requires --set or --job"),
    };
    let chain_ids: Vec<i64> = chain.iter().map(|s| s.id).collect();

    // What is wanted, per set, and on which tapes.
    let mut work = Vec::new();
    for set in &chain {
        let (mut entries, mut bytes) = (0u64, 0u64);
        plan::for_each_current(catalog.conn(), &chain_ids, set.id, &mut |w| {
            if w.kind != "deleted" && matcher.matches(w.path.as_os_str().as_bytes()) {
                entries += 1;
                bytes += if w.kind == "file" { w.size } else { 0 };
            }
            Ok(())
        })?;
        if entries == 0 {
            continue;
        }
        let mut parts = Vec::new();
        for part in sets::parts(catalog.conn(), set.id)? {
            let tape = tapes::get(catalog.conn(), &part.tape)?;
            parts.push((part, tape));
        }
        if parts.is_empty() {
            return Err(Failure::new(Kind::InvalidState, format!("set {} has no part on any tape", set.id)).into());
        }
        work.push(SetWork { set: set.clone(), entries, bytes, parts });
    }
    let requested: u64 = work.iter().map(|w| w.entries).sum();
    if requested == 0 {
        return Err(Failure::new(
            Kind::NotFound,
            if matcher.everything() {
                "nothing to restore: the sets hold no entries".to_string()
            } else {
                "no entry matches the patterns in the chosen set(s) (see `catalog find`)".to_string()
            },
        )
        .into());
    }
    let tape_list = tape_list(catalog.conn(), &work)?;
    if args.dry_run {
        let doc = json!({
            "dry_run": true,
            "sets": work.iter().map(|w| json!({"set": w.set.id, "backup_type": w.set.backup_type, "entries": w.entries, "bytes": w.bytes})).collect::<Vec<_>>(),
            "entries": requested,
            "bytes": work.iter().map(|w| w.bytes).sum::<u64>(),
            "tapes": tape_list,
        });
        ctx.out.data(&doc, || {
            let mut text = format!(
                "Would restore {requested} entries ({}) from {} set(s); tapes needed, in order:",
                crate::output::bytes(work.iter().map(|w| w.bytes).sum::<u64>() as i64),
                work.len()
            );
            for t in tape_list.as_array().into_iter().flatten() {
                text.push_str(&format!(
                    "\n  {} (barcode {}, {})",
                    t["label"].as_str().unwrap_or("?"),
                    t["barcode"].as_str().unwrap_or("-"),
                    t["location"].as_str().unwrap_or("?")
                ));
            }
            text
        });
        return Ok(Exit::Ok);
    }
    let dest = args.to.clone().expect("clap requires --to without --dry-run");
    let to_stdout = dest.as_os_str() == "-";
    if to_stdout && (args.overwrite || args.skip_existing || args.keep_damaged || args.verify) {
        return Err(Failure::usage(
            "--to - writes one file to stdout: --overwrite, --skip-existing, --keep-damaged and --verify do not apply",
        )
        .into());
    }

    // Keys first: a wrong passphrase must fail before any tape moves.
    let mut set_keys = std::collections::HashMap::new();
    for w in &work {
        if w.set.encrypted {
            let name = w.set.encryption_key.clone().ok_or_else(|| {
                Failure::new(
                    Kind::InvalidState,
                    format!("set {} is encrypted with a key the catalog no longer has", w.set.id),
                )
            })?;
            if !set_keys.contains_key(&name) {
                let record = keys::get(catalog.conn(), &name)?;
                let key = super::key::unlock(ctx, &record, "nothing was restored")?;
                set_keys.insert(name.clone(), *key.bytes());
            }
        }
    }

    if to_stdout {
        return stdout::restore(ctx, &mut catalog, &chain_ids, &work, &matcher, &set_keys, &tape_list);
    }

    let drive = ctx.pick_drive(catalog.conn())?;
    let lock = ctx.lock_drive(&drive, "restore")?;
    let spec = crate::tape::DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let overwrite = if args.overwrite {
        Overwrite::Replace
    } else if args.skip_existing {
        Overwrite::Skip
    } else {
        Overwrite::Never
    };
    let options = ExtractOptions {
        overwrite,
        read_back: args.verify,
        keep_damaged: args.keep_damaged,
        ..ExtractOptions::default()
    };
    let mut extractor =
        Extractor::new(&dest, options).with_context(|| format!("cannot use {} as the destination", dest.display()))?;
    let started = Instant::now();
    let newest = work.last().map(|w| w.set.id).unwrap_or_default();
    // The same request run again goes on where a run that waited for a tape stopped.
    let request = json!({
        "sets": work.iter().map(|w| w.set.id).collect::<Vec<_>>(),
        "patterns": args.patterns.iter().map(|p| pathjson::to_json(Path::new(p))).collect::<Vec<_>>(),
        "to": pathjson::to_json(&std::path::absolute(&dest).unwrap_or_else(|_| dest.clone())),
        "overwrite": args.overwrite, "skip_existing": args.skip_existing,
        "keep_damaged": args.keep_damaged, "verify": args.verify,
    })
    .to_string();
    let (op, mut progress) = {
        let tx = catalog.write()?;
        let found = match plan::waiting(&tx, &request)? {
            Some((id, state)) => {
                let progress: Progress = serde_json::from_str(&state)
                    .with_context(|| format!("restore {id}: its saved progress is damaged"))?;
                plan::resume(&tx, id)?;
                (id, progress)
            }
            None => (plan::start(&tx, newest, &dest, args.verify, &request)?, Progress::default()),
        };
        tx.commit()?;
        found
    };
    if progress.runs > 0 {
        ctx.out.note(|| {
            format!(
                "Continuing restore {op}: {} of {requested} entries restored so far ({} earlier run(s))",
                progress.totals.restored, progress.runs
            )
        });
    }
    progress.runs += 1;
    let bar = ctx.progress_bytes("restoring");
    let mut totals = Totals { requested, ..std::mem::take(&mut progress.totals) };
    let mut problems: Vec<(Vec<u8>, String)> =
        std::mem::take(&mut progress.problems).into_iter().map(|p| (p.path, p.message)).collect();
    // Sets before the one an earlier run stopped in are done; in that one, what came before
    // its cursor.
    let mut from = progress.at.take();
    let mut resume_set = from.as_ref().map(|at| at.set);
    let mut failed: HashSet<Vec<u8>> = std::mem::take(&mut progress.failed).into_iter().map(|p| p.path).collect();
    let mut result = Ok(());
    let mut waiting: Option<(Stopped, (String, Value))> = None;
    for w in &work {
        if let Some(id) = resume_set {
            if id != w.set.id {
                continue;
            }
            resume_set = None;
        } else {
            failed.clear();
        }
        let key = w.set.encryption_key.as_ref().and_then(|k| set_keys.get(k)).copied();
        let layout = layout(&w.set, key)?;
        let mut set_tapes = SetTapes::new(ctx.env(), spec.clone(), &drive, &w.set, w.parts.clone(), tape_list.clone())?;
        let r = restore_set(
            &catalog,
            &chain_ids,
            w,
            &layout,
            &mut set_tapes,
            &matcher,
            &mut extractor,
            &mut totals,
            &mut problems,
            &mut failed,
            from.take(),
            args.verify,
            &bar,
        );
        match r {
            Ok(None) => {}
            Ok(Some(stopped)) => {
                let waiting_for = set_tapes.waiting_for().expect("stopped for a tape");
                let tape = (waiting_for.message.clone(), waiting_for.details.clone());
                waiting = Some((stopped, tape));
                break;
            }
            Err(e) => {
                result = Err(e.context(format!("restoring set {}", w.set.id)));
                break;
            }
        }
    }
    bar.finish_and_clear();
    if let Some((stopped, tape)) = waiting {
        // Directories get their metadata when the restore ends, in the last run.
        drop(extractor);
        drop(lock);
        return wait_for_tape(
            &mut catalog,
            op,
            Progress {
                at: Some(stopped),
                totals,
                problems: problems.into_iter().map(|(path, message)| Problem { path, message }).collect(),
                failed: failed.into_iter().map(|path| Problem { path, message: String::new() }).collect(),
                runs: progress.runs,
            },
            tape,
        );
    }
    if progress.runs > 1 {
        // Directories restored by the earlier runs get their metadata now, with the others
        // (not those that failed: they are named already).
        let named: HashSet<&[u8]> = problems.iter().map(|(p, _)| p.as_slice()).collect();
        for w in &work {
            plan::for_each_current(catalog.conn(), &chain_ids, w.set.id, &mut |e| {
                let path = e.path.as_os_str().as_bytes();
                if e.kind == "dir" && matcher.matches(path) && !named.contains(path) {
                    let _ = extractor.dir_metadata(&dir_header(&e));
                }
                Ok(())
            })?;
        }
    }
    if let Err(errors) = extractor.finish() {
        for e in errors {
            totals.failed += 1;
            problems.push((e.path().to_vec(), e.to_string()));
        }
    }
    drop(lock);
    let elapsed = started.elapsed().as_secs_f64();
    let error = result.as_ref().err().map(|e| format!("{e:#}"));
    let failed_any = totals.failed > 0 || totals.damaged > 0;
    {
        let tx = catalog.write()?;
        plan::finish(
            &tx,
            op,
            &plan::Outcome {
                files_requested: totals.requested,
                files_restored: totals.restored,
                bytes_restored: totals.bytes,
                error: error.as_deref().or(failed_any.then_some("some entries were not restored")),
                verify_passed: args.verify.then_some(totals.damaged == 0 && totals.failed == 0),
            },
        )?;
        audit::record(
            &tx,
            "restore.run",
            "restore_operation",
            Some(op),
            json!({"sets": work.iter().map(|w| w.set.id).collect::<Vec<_>>(), "destination": pathjson::to_json(&dest),
                "restored": totals.restored, "failed": totals.failed, "damaged": totals.damaged, "runs": progress.runs}),
        )?;
        tx.commit()?;
    }
    result?;
    for (path, message) in &problems {
        if ctx.out.json {
            crate::output::write_stdout(
                format!("{}\n", json!({"type": "entry_error", "path": pathjson::to_json(Path::new(std::ffi::OsStr::from_bytes(path))), "message": message}))
                    .as_bytes(),
            );
        } else {
            eprintln!("error: {message}");
        }
    }
    let doc = json!({
        "type": "summary",
        "restore": op,
        "destination": pathjson::to_json(&dest),
        "sets": work.iter().map(|w| w.set.id).collect::<Vec<_>>(),
        "requested": totals.requested,
        "restored": totals.restored,
        "skipped": totals.skipped,
        "failed": totals.failed,
        "damaged": totals.damaged,
        "bytes": totals.bytes,
        "tape_blocks_read": totals.tape.blocks,
        "tape_bytes_read": totals.tape.bytes,
        "locates": totals.tape.locates,
        "verified": if args.verify { Some(totals.verified) } else { None },
        "duration_secs": (elapsed * 1000.0).round() / 1000.0,
    });
    if ctx.out.json {
        crate::output::write_stdout(format!("{doc}\n").as_bytes());
    } else if !ctx.out.quiet {
        let mut text = format!(
            "Restored {} of {} entries ({}) to {} in {:.1} s; read {} tape blocks ({})",
            totals.restored,
            totals.requested,
            crate::output::bytes(totals.bytes as i64),
            dest.display(),
            elapsed,
            totals.tape.blocks,
            crate::output::bytes(totals.tape.bytes as i64)
        );
        if totals.skipped > 0 {
            text.push_str(&format!("; {} skipped (existing)", totals.skipped));
        }
        if args.verify {
            text.push_str(&format!("; {} files read back and verified", totals.verified));
        }
        if failed_any {
            text.push_str(&format!("\n{} entries failed (named above)", totals.failed + totals.damaged));
        }
        crate::output::write_stdout(format!("{text}\n").as_bytes());
    }
    let not_restored = format!(
        "{} of {} entries were not restored (the entry_error lines on stdout name them)",
        totals.failed + totals.damaged,
        totals.requested
    );
    Ok(if totals.damaged > 0 {
        ctx.out.outcome_error("verify_mismatch", Exit::VerifyMismatch, &not_restored);
        Exit::VerifyMismatch
    } else if totals.failed > 0 {
        ctx.out.outcome_error("entries_failed", Exit::Error, &not_restored);
        Exit::Error
    } else {
        Exit::Ok
    })
}

/// A restore stops until a tape is inserted: saves where it stands and exits 4 naming the
/// tape; the same command run again goes on from there.
fn wait_for_tape(catalog: &mut Catalog, op: i64, progress: Progress, (told, details): (String, Value)) -> Result<Exit> {
    let (restored, requested) = (progress.totals.restored, progress.totals.requested);
    let message = format!(
        "{told} (restore {op}: {restored} of {requested} entries restored so far; the same command goes on from there)"
    );
    let state = serde_json::to_string(&progress)?;
    {
        let tx = catalog.write()?;
        plan::wait_for_tape(
            &tx,
            op,
            &plan::Outcome {
                files_requested: requested,
                files_restored: restored,
                bytes_restored: progress.totals.bytes,
                error: Some(&message),
                verify_passed: None,
            },
            &state,
        )?;
        audit::record(
            &tx,
            "restore.wait",
            "restore_operation",
            Some(op),
            json!({"wanted": details["wanted"], "restored": restored, "requested": requested, "runs": progress.runs}),
        )?;
        tx.commit()?;
    }
    let mut details = if details.is_object() { details } else { json!({}) };
    details["restore"] = json!(op);
    details["restored"] = json!(restored);
    details["requested"] = json!(requested);
    Err(Failure::new(Kind::NoTape, message).with_details(details).into())
}

/// The tapes a restore needs, in the order it reads them, with where each is.
fn tape_list(conn: &Connection, work: &[SetWork]) -> Result<Value> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for w in work {
        for (_, t) in &w.parts {
            if seen.insert(t.id) {
                out.push(json!({"label": t.label, "barcode": t.barcode, "location": tapes::location(conn, t)?, "sets": [w.set.id]}));
            } else if let Some(entry) = out.iter_mut().find(|e| e["label"] == t.label.as_str())
                && let Some(list) = entry["sets"].as_array_mut()
            {
                list.push(json!(w.set.id));
            }
        }
    }
    Ok(Value::Array(out))
}
