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
use serde_json::{Value, json};
use uuid::Uuid;

use super::set_tapes::SetTapes;
use super::{Ctx, device_error};
use crate::catalog::restore::{self as plan, Wanted};
use crate::catalog::sets::{self, Set};
use crate::catalog::{Catalog, audit, drives, jobs, keys, tapes};
use crate::error::{Exit, Failure, Kind};
use crate::format::frame::Framing;
use crate::format::label::{self, TapeContents};
use crate::pathjson;
use crate::pipeline::extract::{ExtractError, ExtractOptions, Extractor, FileOutcome, Overwrite};
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
    #[arg(long, requires = "job", value_name = "DATE", value_parser = crate::timefmt::parse_as_of)]
    as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// Paths or globs to restore (default: everything)
    #[arg(value_name = "PATTERN")]
    patterns: Vec<OsString>,
    /// Destination directory (created if missing); nothing is written outside it
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

#[derive(Default)]
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
                super::tape::bytes(work.iter().map(|w| w.bytes).sum::<u64>() as i64),
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
    let op = {
        let tx = catalog.write()?;
        let id = plan::start(&tx, newest, &dest, args.verify)?;
        tx.commit()?;
        id
    };
    let bar = ctx.progress_bytes("restoring");
    let mut totals = Totals { requested, ..Totals::default() };
    let mut problems: Vec<(Vec<u8>, String)> = Vec::new();
    let mut result = Ok(());
    for w in &work {
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
            args.verify,
            &bar,
        );
        if let Err(e) = r {
            result = Err(e.context(format!("restoring set {}", w.set.id)));
            break;
        }
    }
    bar.finish_and_clear();
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
                "restored": totals.restored, "failed": totals.failed, "damaged": totals.damaged}),
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
            super::tape::bytes(totals.bytes as i64),
            dest.display(),
            elapsed,
            totals.tape.blocks,
            super::tape::bytes(totals.tape.bytes as i64)
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
    Ok(if totals.damaged > 0 {
        Exit::VerifyMismatch
    } else if totals.failed > 0 {
        Exit::Error
    } else {
        Exit::Ok
    })
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
        block_size: set.block_size.unwrap_or(256 << 10) as usize,
        frame_size: set.frame_size.unwrap_or(8 << 20) as usize,
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
        ctx.ask_operator(
            &format!(
                "the restore needs tape '{}' (barcode {}, {location}); {found}",
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

/// Restores the wanted entries of one set from its tapes, the drive reading ahead on a
/// thread of its own meanwhile (`tape::read_ahead`).
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
    verify: bool,
    bar: &indicatif::ProgressBar,
) -> Result<()> {
    let conn = catalog.conn();
    let later: Vec<i64> = chain.iter().skip_while(|s| **s != w.set.id).skip(1).copied().collect();
    // One reader for the set, moved with LOCATE or by reading on. It starts nowhere, so the
    // first entry LOCATEs straight to its own block; so does the next entry after damage.
    {
        let mut reader = PartReader::across(tapes, layout).map_err(|e| anyhow::anyhow!("set {}: {e}", w.set.id))?;
        // Files that failed here: a hard link to one must not be made.
        let mut failed: HashSet<Vec<u8>> = HashSet::new();
        let mut tape_error = None;
        plan::for_each_current(conn, chain, w.set.id, &mut |entry| {
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
            match restore_entry(&mut reader, layout, &entry, &source, as_file, extractor) {
                Ok(Done::Restored(bytes)) => {
                    totals.restored += 1;
                    totals.bytes += bytes;
                    if verify && bytes > 0 {
                        totals.verified += 1;
                    }
                    bar.inc(bytes);
                }
                Ok(Done::Skipped) => totals.skipped += 1,
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
                Err(Trouble::Tape(e)) => {
                    tape_error = Some(e);
                    return Err(anyhow::anyhow!("tape error"));
                }
            }
            Ok(())
        })
        .or_else(|e| if tape_error.is_some() { Ok(()) } else { Err(e) })?;
        totals.tape += reader.stats();
        if let Some(e) = tape_error {
            return Err(e);
        }
        Ok(())
    }
}

enum Done {
    Restored(u64),
    Skipped,
}

enum Trouble {
    /// This entry could not be restored (exists, unsafe path, …); the rest go on.
    Entry(String),
    /// The tape's data is damaged or not what the catalog says: exit 5.
    Data(String),
    /// The drive failed: the restore stops.
    Tape(anyhow::Error),
}

/// Positions `reader` at `source`'s header (reading on when that is cheaper than a LOCATE),
/// checks the header against the catalog and writes the entry under `entry`'s path.
#[allow(clippy::too_many_arguments)]
fn restore_entry(
    reader: &mut PartReader,
    layout: &SetLayout,
    entry: &Wanted,
    source: &Wanted,
    as_file: bool,
    extractor: &mut Extractor,
) -> Result<Done, Trouble> {
    let block = source
        .block
        .ok_or_else(|| Trouble::Data(format!("'{}': the catalog has no tape position for it", human(&source.path))))?;
    let target = source.frame_seq * layout.frame_size as u64 + source.frame_offset;
    reader.seek(source.frame_seq, block, source.frame_offset, SKIP_LIMIT).map_err(|e| read_trouble(e, &source.path))?;
    let mut tar = TarReader::with_offset(&mut *reader, target);
    let mut h = match tar.next_entry() {
        Ok(Some(h)) => h,
        Ok(None) => {
            return Err(Trouble::Data(format!("'{}': the archive ends where it should be", human(&source.path))));
        }
        Err(e) => return Err(io_trouble(e, &source.path)),
    };
    check_header(&h, source).map_err(Trouble::Data)?;
    if as_file {
        // A hard link restored with its target's content, under its own name.
        h.path = entry.path.as_os_str().as_bytes().to_vec();
        h.kind = EntryKind::File;
    }
    let outcome = match &h.kind {
        EntryKind::File => {
            // The catalog's checksum is checked before the file takes its name: damaged data
            // never replaces (or poses as) a good file.
            let expected = source.checksum.as_deref().and_then(|c| blake3::Hash::from_hex(c).ok());
            let written = extractor.file(&h, &mut tar.content(), expected).map_err(extract_trouble)?;
            return match written {
                FileOutcome::Skipped => Ok(Done::Skipped),
                FileOutcome::Written { size, .. } => Ok(Done::Restored(size)),
            };
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
