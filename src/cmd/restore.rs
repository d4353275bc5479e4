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
use globset::{GlobBuilder, GlobMatcher};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::set_tapes::SetTapes;

mod stdout;
use super::{Ctx, device_error};
use crate::catalog::restore::{self as plan, Wanted};
use crate::catalog::sets::{self, Set};
use crate::catalog::{Catalog, audit, drives, jobs, keys, tapes};
use crate::error::{Exit, Failure, Kind};
use crate::format::frame::{DEFAULT_FRAME_SIZE, Framing};
use crate::format::label::{self, DEFAULT_BLOCK_SIZE, TapeContents};
use crate::pathjson;
use crate::pipeline::extract::{ExtractError, ExtractOptions, Extractor, FileOutcome, Overwrite, Partial};
use crate::pipeline::part_reader::{PartReader, ReadStats, SetLayout};
use crate::pipeline::untar::{EntryHeader, EntryKind, TarReader};
use crate::tape::TapeDevice;

/// Reading on is cheaper than a LOCATE (seconds on a real drive) up to this many bytes.
const SKIP_LIMIT: u64 = 64 << 20;

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

/// Which catalog paths the patterns select.
struct Matcher {
    literals: Vec<Vec<u8>>,
    globs: Vec<GlobMatcher>,
}

impl Matcher {
    fn new(patterns: &[OsString]) -> Result<Matcher> {
        let (mut literals, mut globs) = (Vec::new(), Vec::new());
        for p in patterns {
            let mut bytes = p.as_bytes();
            while let Some(rest) = bytes.strip_prefix(b"./") {
                bytes = rest;
            }
            while bytes.len() > 1
                && let Some(rest) = bytes.strip_suffix(b"/")
            {
                bytes = rest;
            }
            if bytes.is_empty() || bytes.starts_with(b"/") {
                return Err(Failure::usage(format!(
                    "'{}': patterns are paths inside the set, like etc/fstab (no leading /)",
                    p.to_string_lossy()
                ))
                .into());
            }
            if bytes.iter().any(|b| matches!(b, b'*' | b'?' | b'[')) {
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| Failure::usage("a glob must be UTF-8 (give odd names as plain paths)"))?;
                let glob = GlobBuilder::new(text)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                    .map_err(|e| Failure::usage(format!("'{text}': {e}")))?;
                globs.push(glob.compile_matcher());
            } else {
                literals.push(bytes.to_vec());
            }
        }
        Ok(Matcher { literals, globs })
    }

    fn everything(&self) -> bool {
        self.literals.is_empty() && self.globs.is_empty()
    }

    /// The path, or a directory above it, is selected.
    fn matches(&self, path: &[u8]) -> bool {
        if self.everything() {
            return true;
        }
        let under = |p: &[u8]| path == p || (path.starts_with(p) && path.get(p.len()) == Some(&b'/')) || p == b".";
        if self.literals.iter().any(|l| under(l)) {
            return true;
        }
        if self.globs.is_empty() {
            return false;
        }
        // The path itself and each directory above it.
        let mut end = path.len();
        loop {
            let prefix = Path::new(std::ffi::OsStr::from_bytes(&path[..end]));
            if self.globs.iter().any(|g| g.is_match(prefix)) {
                return true;
            }
            match path[..end].iter().rposition(|b| *b == b'/') {
                Some(slash) => end = slash,
                None => return false,
            }
        }
    }
}

/// One set to read, with what of it is wanted.
struct SetWork {
    set: Set,
    entries: u64,
    bytes: u64,
    /// Its parts with their tapes, in order.
    parts: Vec<(sets::Part, tapes::Tape)>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Totals {
    requested: u64,
    restored: u64,
    bytes: u64,
    skipped: u64,
    failed: u64,
    /// Checksum mismatches and undecodable data: exit 5.
    damaged: u64,
    tape: ReadStats,
    verified: u64,
}

pub fn exec(ctx: &Ctx, args: RestoreArgs) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    let matcher = Matcher::new(&args.patterns)?;
    let chain: Vec<Set> = match (&args.set, &args.job) {
        (Some(id), _) => {
            let set = sets::get(catalog.conn(), *id)?;
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
    let mut resume_set = progress.set.take();
    let mut from = resume_set.map(|_| Stopped {
        cursor: progress.cursor,
        partial: progress.partial.take(),
        head: progress.head.take(),
    });
    let mut failed: HashSet<Vec<u8>> = std::mem::take(&mut progress.failed).into_iter().map(|p| p.path).collect();
    let mut result = Ok(());
    let mut waiting: Option<(i64, Stopped, (String, Value))> = None;
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
        let mut set_tapes = SetTapes::new(
            ctx,
            spec.clone(),
            &drive,
            w.set.uuid.clone().unwrap_or_default(),
            w.parts.clone(),
            tape_list.clone(),
            layout.block_size,
        )?;
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
                waiting = Some((w.set.id, stopped, tape));
                break;
            }
            Err(e) => {
                result = Err(e.context(format!("restoring set {}", w.set.id)));
                break;
            }
        }
    }
    bar.finish_and_clear();
    if let Some((set_id, stopped, tape)) = waiting {
        // Directories get their metadata when the restore ends, in the last run.
        drop(extractor);
        drop(lock);
        return wait_for_tape(
            &mut catalog,
            op,
            Progress {
                set: Some(set_id),
                cursor: stopped.cursor,
                partial: stopped.partial,
                head: stopped.head,
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

/// A directory entry's header as the catalog recorded it, for its metadata.
fn dir_header(e: &Wanted) -> EntryHeader {
    EntryHeader {
        path: e.path.as_os_str().as_bytes().to_vec(),
        kind: EntryKind::Dir,
        size: 0,
        mode: e.mode,
        uid: e.uid.into(),
        gid: e.gid.into(),
        uname: Vec::new(),
        gname: Vec::new(),
        mtime_secs: e.mtime_ns.div_euclid(1_000_000_000),
        mtime_nanos: e.mtime_ns.rem_euclid(1_000_000_000) as u32,
        header_offset: 0,
    }
}

pub(super) fn layout(set: &Set, key: Option<[u8; 32]>) -> Result<SetLayout> {
    let framing = Framing::from_fields(set.framing.as_deref().unwrap_or("raw"), &set.compression)
        .map_err(|e| anyhow::anyhow!("set {}: {e}", set.id))?;
    Ok(SetLayout {
        framing,
        key,
        set_uuid: set
            .uuid
            .as_deref()
            .and_then(|u| Uuid::parse_str(u).ok())
            .ok_or_else(|| anyhow::anyhow!("set {} has no UUID", set.id))?,
        block_size: set.block_size.map_or(DEFAULT_BLOCK_SIZE as usize, |b| b as usize),
        frame_size: set.frame_size.map_or(DEFAULT_FRAME_SIZE, |f| f as usize),
    })
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

/// Opens the drive with `tape` in it: checks the label's UUID, and asks for the tape (or
/// exits 4 naming it and the others needed) until it is there.
pub(super) fn insert_tape(
    who: &str,
    ctx: &Ctx,
    catalog: &mut Catalog,
    spec: &crate::tape::DeviceSpec,
    drive: &drives::Drive,
    tape: &tapes::Tape,
    needed: &Value,
) -> Result<Box<dyn TapeDevice>> {
    let mut from_library = drive.library_id.is_some();
    loop {
        let mut dev = crate::tape::open(spec).map_err(|e| device_error(e, drive))?;
        let status = dev.status().map_err(|e| device_error(e, drive))?;
        let found = if status.loaded {
            match label::read_label(dev.as_mut()).map_err(|e| device_error(e, drive))? {
                TapeContents::Labeled(l) if Some(&l.uuid) == tape.uuid.as_ref() => return Ok(dev),
                TapeContents::Labeled(l) => format!("drive '{}' holds tape '{}'", drive.name, l.label),
                _ => format!("drive '{}' holds a tape without a TapeBackarr label", drive.name),
            }
        } else {
            format!("drive '{}' is empty", drive.name)
        };
        drop(dev);
        // A drive in a library fetches the tape itself, once.
        if from_library {
            from_library = false;
            if let Some(barcode) = &tape.barcode
                && super::library::load_for(ctx, catalog, drive, barcode)?
            {
                continue;
            }
        }
        let location = tapes::location(catalog.conn(), tape)?;
        let mail = super::library::MailSlot::for_drive(catalog.conn(), drive)?;
        let what = format!("tape '{}'", tape.label);
        let action = match &mail {
            Some(m) => m.action(&what),
            None => format!("insert {what} in drive '{}'", drive.name),
        };
        ctx.ask_for_tape_in(
            drive,
            &format!(
                "{who} needs tape '{}' (barcode {}, {location}); {found}",
                tape.label,
                tape.barcode.as_deref().unwrap_or("-")
            ),
            &action,
            json!({"request": "tape", "drive": drive.name, "wanted": [{"label": tape.label, "barcode": tape.barcode, "location": location}],
                   "tapes": needed, "import_export": mail.as_ref().map(|m| m.json())}),
        )?;
        // The operator may have put it in the library rather than the drive.
        from_library = drive.library_id.is_some();
    }
}

/// Where a restore that waits for a tape stands (`restore_operations.resume_state`): what
/// came before `cursor` in set `set` (and in the sets before it) is done; the entry at the
/// cursor goes on from `partial` or `head` when it was begun.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Progress {
    set: Option<i64>,
    cursor: (u64, u64),
    partial: Option<PartialFile>,
    /// The bytes of the entry at the cursor that the earlier tape held, when its tar header
    /// itself goes on on the next tape (base64).
    #[serde(default, with = "b64_opt")]
    head: Option<Vec<u8>>,
    totals: Totals,
    problems: Vec<Problem>,
    /// Files of `set` that failed: no hard link is made to them.
    failed: Vec<Problem>,
    /// Runs so far.
    runs: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Problem {
    #[serde(with = "crate::format::index::path_json")]
    path: Vec<u8>,
    message: String,
}

/// A file whose content goes on on the next tape: the piece written, where the rest starts
/// in the stream, and what the entry's header said.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PartialFile {
    piece: Partial,
    continue_at: u64,
    size: u64,
    mode: u32,
    uid: u64,
    gid: u64,
    mtime_secs: i64,
    mtime_nanos: u32,
    checksum: Option<String>,
}

impl PartialFile {
    fn header(&self) -> EntryHeader {
        EntryHeader {
            path: self.piece.path.clone(),
            kind: EntryKind::File,
            size: self.size,
            mode: self.mode,
            uid: self.uid,
            gid: self.gid,
            uname: Vec::new(),
            gname: Vec::new(),
            mtime_secs: self.mtime_secs,
            mtime_nanos: self.mtime_nanos,
            header_offset: 0,
        }
    }
}

mod b64_opt {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?.map(|t| STANDARD.decode(t).map_err(serde::de::Error::custom)).transpose()
    }
}

/// Where a set's reading stopped for a tape nobody could insert.
struct Stopped {
    cursor: (u64, u64),
    partial: Option<PartialFile>,
    head: Option<Vec<u8>>,
}

/// Whether a content read failed because the next tape is needed and nobody can insert it.
fn waits_for_tape(e: &std::io::Error) -> bool {
    use crate::pipeline::part_reader::ReadError;
    e.get_ref()
        .and_then(|i| i.downcast_ref::<ReadError>())
        .is_some_and(|r| matches!(r, ReadError::TapeChange(inner) if SetTapes::is_waiting(inner)))
}

/// Restores the wanted entries of one set from its tapes, the drive reading ahead on a
/// thread of its own meanwhile (`tape::read_ahead`). With `from`, the entries before its
/// cursor were restored by an earlier run. Returns where it stopped when a tape is needed
/// that nobody can insert.
#[allow(clippy::too_many_arguments)]
fn restore_set(
    catalog: &Catalog,
    chain: &[i64],
    w: &SetWork,
    layout: &SetLayout,
    tapes: &mut SetTapes,
    matcher: &Matcher,
    extractor: &mut Extractor,
    totals: &mut Totals,
    problems: &mut Vec<(Vec<u8>, String)>,
    failed: &mut HashSet<Vec<u8>>,
    from: Option<Stopped>,
    verify: bool,
    bar: &indicatif::ProgressBar,
) -> Result<Option<Stopped>> {
    let conn = catalog.conn();
    let later: Vec<i64> = chain.iter().skip_while(|s| **s != w.set.id).skip(1).copied().collect();
    let parts: Vec<sets::Part> = w.parts.iter().map(|(p, _)| p.clone()).collect();
    // One reader for the set, moved with LOCATE or by reading on. It starts nowhere, so the
    // first entry LOCATEs straight to its own block; so does the next entry after damage.
    let mut reader = PartReader::across(tapes, layout).map_err(|e| anyhow::anyhow!("set {}: {e}", w.set.id))?;
    let mut tape_error = None;
    let mut stopped = None;
    let (cursor, mut resume_here) = match from {
        Some(f) => (Some(f.cursor), Some((f.partial, f.head))),
        None => (None, None),
    };
    plan::for_each_current(conn, chain, w.set.id, &mut |entry| {
        let position = (entry.frame_seq, entry.frame_offset);
        if cursor.is_some_and(|c| position < c) {
            // Restored by an earlier run.
            return Ok(());
        }
        let path = entry.path.as_os_str().as_bytes().to_vec();
        if entry.kind == "deleted" || !matcher.matches(&path) {
            return Ok(());
        }
        // A hard link is made only to a target restored from this very set; otherwise it
        // gets the target's content as a file of its own.
        let mut source = entry.clone();
        let mut as_file = false;
        if entry.kind == "hardlink" {
            let target = entry.link_target.clone().unwrap_or_default();
            let superseded = later.iter().any(|s| {
                plan::entry(conn, *s, Path::new(std::ffi::OsStr::from_bytes(&target))).ok().flatten().is_some()
            });
            if !matcher.matches(&target) || superseded || failed.contains(&target) {
                match plan::entry(conn, w.set.id, Path::new(std::ffi::OsStr::from_bytes(&target)))? {
                    Some(t) if t.kind == "file" => {
                        source = t;
                        as_file = true;
                    }
                    _ => {
                        totals.failed += 1;
                        problems.push((path, "its hard-link target is not in the set".into()));
                        return Ok(());
                    }
                }
            }
        }
        let begun = if Some(position) == cursor { resume_here.take().unwrap_or_default() } else { (None, None) };
        let kept = begun.clone();
        match restore_entry(&mut reader, layout, &parts, &entry, &source, as_file, extractor, begun) {
            Ok(Done::Restored(bytes)) => {
                totals.restored += 1;
                totals.bytes += bytes;
                if verify && bytes > 0 {
                    totals.verified += 1;
                }
                bar.inc(bytes);
            }
            Ok(Done::Skipped) => totals.skipped += 1,
            Ok(Done::Waiting { partial, head }) => {
                stopped = Some(Stopped { cursor: position, partial, head });
                return Err(anyhow::anyhow!("waiting for a tape"));
            }
            Err(Trouble::Entry(message)) => {
                totals.failed += 1;
                failed.insert(path.clone());
                problems.push((path, message));
            }
            Err(Trouble::Data(message)) => {
                totals.damaged += 1;
                failed.insert(path.clone());
                problems.push((path, message));
                // The reader is somewhere in a damaged frame: start afresh at the next entry.
                reader.lose_position();
            }
            Err(Trouble::Tape(e)) if SetTapes::is_waiting(&e) => {
                // Not begun here: as it was (a piece written before stays as it is).
                stopped = Some(Stopped { cursor: position, partial: kept.0, head: kept.1 });
                return Err(anyhow::anyhow!("waiting for a tape"));
            }
            Err(Trouble::Tape(e)) => {
                tape_error = Some(e);
                return Err(anyhow::anyhow!("tape error"));
            }
        }
        Ok(())
    })
    .or_else(|e| if tape_error.is_some() || stopped.is_some() { Ok(()) } else { Err(e) })?;
    totals.tape += reader.stats();
    if let Some(e) = tape_error {
        return Err(e);
    }
    Ok(stopped)
}

enum Done {
    Restored(u64),
    Skipped,
    /// The entry goes on on a tape nobody could insert: what of it is kept.
    Waiting {
        partial: Option<PartialFile>,
        head: Option<Vec<u8>>,
    },
}

enum Trouble {
    /// This entry could not be restored (exists, unsafe path, …); the rest go on.
    Entry(String),
    /// The tape's data is damaged or not what the catalog says: exit 5.
    Data(String),
    /// The drive failed, or a tape is needed: the restore stops.
    Tape(anyhow::Error),
}

/// Tar headers (with their pax records) are read in one piece from a buffer when they start
/// this close to the end of a part: one that goes on on the next tape can then be kept for
/// the run that has that tape.
const HEADER_ROOM: u64 = 1 << 20;

/// Positions `reader` at `source`'s header (reading on when that is cheaper than a LOCATE),
/// checks the header against the catalog and writes the entry under `entry`'s path. `begun`
/// is what an earlier run kept of this entry: a piece of its file, or the start of its
/// header.
#[allow(clippy::too_many_arguments)]
fn restore_entry(
    reader: &mut PartReader,
    layout: &SetLayout,
    parts: &[sets::Part],
    entry: &Wanted,
    source: &Wanted,
    as_file: bool,
    extractor: &mut Extractor,
    begun: (Option<PartialFile>, Option<Vec<u8>>),
) -> Result<Done, Trouble> {
    let expected = source.checksum.as_deref().and_then(|c| blake3::Hash::from_hex(c).ok());
    if let (Some(p), _) = &begun {
        // The rest of a file begun on an earlier tape, from the start of the part holding it.
        let (seq, block) = part_start(parts, p.continue_at, &source.path)?;
        reader.seek(seq, block, 0, SKIP_LIMIT).map_err(|e| read_trouble(e, &source.path))?;
        let h = p.header();
        let mut content = std::io::Read::take(&mut *reader, p.size - p.piece.written);
        let outcome = extractor
            .file_in_pieces(&h, &mut content, expected, Some(&p.piece), &waits_for_tape)
            .map_err(extract_trouble)?;
        return Ok(file_done(outcome, p.continue_at - p.piece.written, p));
    }
    let block = source
        .block
        .ok_or_else(|| Trouble::Data(format!("'{}': the catalog has no tape position for it", human(&source.path))))?;
    let target = source.frame_seq * layout.frame_size as u64 + source.frame_offset;
    let head = match begun.1 {
        Some(head) => {
            // The header's start was on the earlier tape; the rest opens the next part.
            let at = target + head.len() as u64;
            let (seq, block) = part_start(parts, at, &source.path)?;
            reader.seek(seq, block, 0, SKIP_LIMIT).map_err(|e| read_trouble(e, &source.path))?;
            head
        }
        None => {
            reader
                .seek(source.frame_seq, block, source.frame_offset, SKIP_LIMIT)
                .map_err(|e| read_trouble(e, &source.path))?;
            // Near the end of its part, what the part holds of the entry is read first.
            let part_end = parts
                .iter()
                .map(|p| (p.stream_offset + p.stream_bytes) as u64)
                .find(|end| *end > target)
                .unwrap_or(u64::MAX);
            if part_end - target <= HEADER_ROOM
                && parts.last().is_some_and(|p| ((p.stream_offset + p.stream_bytes) as u64) != part_end)
            {
                let mut head = vec![0u8; (part_end - target) as usize];
                std::io::Read::read_exact(&mut *reader, &mut head).map_err(|e| io_trouble(e, &source.path))?;
                head
            } else {
                Vec::new()
            }
        }
    };
    let head_len = head.len();
    let mut stream = std::io::Read::chain(std::io::Cursor::new(head.clone()), &mut *reader);
    let mut tar = TarReader::with_offset(&mut stream, target);
    let mut h = match tar.next_entry() {
        Ok(Some(h)) => h,
        Ok(None) => {
            return Err(Trouble::Data(format!("'{}': the archive ends where it should be", human(&source.path))));
        }
        Err(e) if head_len > 0 && waits_for_tape(&e) => return Ok(Done::Waiting { partial: None, head: Some(head) }),
        Err(e) => return Err(io_trouble(e, &source.path)),
    };
    check_header(&h, source).map_err(Trouble::Data)?;
    if as_file {
        // A hard link restored with its target's content, under its own name.
        h.path = entry.path.as_os_str().as_bytes().to_vec();
        h.kind = EntryKind::File;
    }
    let content_start = tar.offset();
    let outcome = match &h.kind {
        EntryKind::File => {
            // The catalog's checksum is checked before the file takes its name: damaged data
            // never replaces (or poses as) a good file.
            let written = extractor
                .file_in_pieces(&h, &mut tar.content(), expected, None, &waits_for_tape)
                .map_err(extract_trouble)?;
            let p = PartialFile {
                piece: Partial { path: h.path.clone(), temp: Vec::new(), written: 0 },
                continue_at: 0,
                size: h.size,
                mode: h.mode,
                uid: h.uid,
                gid: h.gid,
                mtime_secs: h.mtime_secs,
                mtime_nanos: h.mtime_nanos,
                checksum: source.checksum.clone(),
            };
            return Ok(file_done(written, content_start, &p));
        }
        // An existing directory is merged into, whatever the overwrite mode: it counts as
        // restored (its metadata is set at the end), not skipped.
        EntryKind::Dir => extractor.dir(&h).map(|_| crate::pipeline::extract::Outcome::Restored),
        EntryKind::Symlink { .. } => extractor.symlink(&h),
        EntryKind::Hardlink { .. } => extractor.hardlink(&h),
        EntryKind::Fifo | EntryKind::Char { .. } | EntryKind::Block { .. } => extractor.special(&h),
        EntryKind::Unknown(flag) => {
            return Err(Trouble::Data(format!("'{}': unknown tar entry type {:?}", human(&entry.path), *flag as char)));
        }
    };
    match outcome.map_err(extract_trouble)? {
        crate::pipeline::extract::Outcome::Restored => Ok(Done::Restored(0)),
        crate::pipeline::extract::Outcome::Skipped => Ok(Done::Skipped),
    }
}

/// What writing a file came to; `content_start` is the stream offset of its first byte and
/// `p` what a piece of it kept for later says of it.
fn file_done(outcome: FileOutcome, content_start: u64, p: &PartialFile) -> Done {
    match outcome {
        FileOutcome::Skipped => Done::Skipped,
        FileOutcome::Written { size, .. } => Done::Restored(size),
        FileOutcome::Partial(piece) => {
            let continue_at = content_start + piece.written;
            Done::Waiting { partial: Some(PartialFile { piece, continue_at, ..p.clone() }), head: None }
        }
    }
}

/// The first frame (and its block) of the part that starts at stream offset `at`.
fn part_start(parts: &[sets::Part], at: u64, path: &Path) -> Result<(u64, u64), Trouble> {
    parts
        .iter()
        .find(|p| p.stream_offset as u64 == at)
        .map(|p| (p.first_frame as u64, p.header_block as u64 + 1))
        .ok_or_else(|| Trouble::Data(format!("'{}': no part of the set starts where its rest is ({at})", human(path))))
}

pub(super) fn human(path: &Path) -> String {
    pathjson::to_human(path)
}

/// A read failure: the drive itself failing stops the restore; damage fails this entry.
fn read_trouble(e: crate::pipeline::part_reader::ReadError, path: &Path) -> Trouble {
    use crate::pipeline::part_reader::ReadError;
    use crate::tape::TapeError;
    match e {
        ReadError::Tape(TapeError::Medium(m)) => {
            Trouble::Data(format!("'{}': unreadable tape block: {m}", human(path)))
        }
        ReadError::Tape(other) => Trouble::Tape(anyhow::Error::new(other)),
        ReadError::TapeChange(e) => Trouble::Tape(e),
        other => Trouble::Data(format!("'{}': {other}", human(path))),
    }
}

fn io_trouble(e: std::io::Error, path: &Path) -> Trouble {
    match e.into_inner() {
        Some(inner) => match inner.downcast::<crate::pipeline::part_reader::ReadError>() {
            Ok(read) => read_trouble(*read, path),
            Err(other) => Trouble::Data(format!("'{}': {other}", human(path))),
        },
        None => Trouble::Data(format!("'{}': damaged archive", human(path))),
    }
}

/// The catalog's idea of an entry and the tape's header must agree.
pub(super) fn check_header(h: &EntryHeader, source: &Wanted) -> Result<(), String> {
    let want = source.path.as_os_str().as_bytes();
    if h.path != want {
        return Err(format!(
            "the tape holds '{}' where the catalog expects '{}': not restored",
            pathjson::to_human(Path::new(std::ffi::OsStr::from_bytes(&h.path))),
            pathjson::to_human(&source.path)
        ));
    }
    let kind_ok = matches!(
        (&h.kind, source.kind.as_str()),
        (EntryKind::File, "file")
            | (EntryKind::Dir, "dir")
            | (EntryKind::Symlink { .. }, "symlink")
            | (EntryKind::Hardlink { .. }, "hardlink")
            | (EntryKind::Fifo, "fifo")
            | (EntryKind::Char { .. }, "char")
            | (EntryKind::Block { .. }, "block")
    );
    if !kind_ok || (source.kind == "file" && h.size != source.size) {
        return Err(format!(
            "'{}': the tape's entry ({:?}, {} bytes) is not what the catalog recorded ({}, {} bytes)",
            pathjson::to_human(&source.path),
            h.kind,
            h.size,
            source.kind,
            source.size
        ));
    }
    Ok(())
}

fn extract_trouble(e: ExtractError) -> Trouble {
    match e {
        e @ ExtractError::Damaged { .. } => Trouble::Data(e.to_string()),
        ExtractError::Content { path, source } => io_trouble(source, Path::new(std::ffi::OsStr::from_bytes(&path))),
        other => Trouble::Entry(other.to_string()),
    }
}
