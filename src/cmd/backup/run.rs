//! `backup run`: the whole backup, from picking the tape to the catalog commit.
//!
//! Order matters for "never lose data":
//! 1. Everything that can be refused without touching a tape is checked first: job, source
//!    path, key and passphrase.
//! 2. The tape in the drive is identified by its label and must be one the pool's allocation
//!    policy accepts; the tape is spaced to end of data and what precedes it is checked
//!    (`format::append`). Nothing is ever written anywhere else.
//! 3. The set is recorded as `running` (so a crash leaves a trace), then header, data and
//!    index are written, the index followed by a flushing filemark.
//! 4. Only then are the entries, the part, the snapshot and the `completed` status committed,
//!    in one transaction.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Seek, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use rusqlite::Connection;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::catalog::entries::{EntryWriter, NewEntry};
use crate::catalog::pools::{self, AllocationPolicy, Pool};
use crate::catalog::runs::{self, RunState};
use crate::catalog::sources::{self, Source};
use crate::catalog::tapes::{self, Tape, TapeStatus};
use crate::catalog::{audit, drives, jobs, keys, sets};
use crate::cmd::health::AfterPart;
use crate::cmd::library::MailSlot;
use crate::cmd::{Ctx, device_error};
use crate::error::{Exit, Failure, Kind};
use crate::format::append::{self, AppendError, LastFile};
use crate::format::frame::{DEFAULT_FRAME_SIZE, Framing};
use crate::format::index::{EndStatus, FileKind, FileRecord, IndexWriter, PartRecord};
use crate::format::label::{self, TapeContents};
use crate::format::part::{BackupType, PartHeader};
use crate::pathjson;
use crate::pipeline::archive::{self, Crossing, Event, Resume};
use crate::pipeline::compression::Compression;
use crate::pipeline::keywrap::DataKey;
use crate::pipeline::part_writer::{
    Carried, NextPart, NextTape, PartConfig, PartResult, PartWriter, PipelineError, Stop,
};
use crate::pipeline::select::Selector;
use crate::pipeline::snapshot::{Change, Differ, SnapEntry};
use crate::pipeline::tar::TarWriter;
use crate::pipeline::walk::{WalkOptions, Walker};
use crate::tape::{Space, TapeDevice};
use crate::values::{parse_checkpoint, parse_compression};

/// Index records are zstd-compressed at this level.
const INDEX_ZSTD_LEVEL: i32 = 3;
/// Catalog entries are inserted in batches of this many rows per statement cache use.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The job to run
    #[arg(required_unless_present = "source", conflicts_with_all = ["source", "pool"])]
    job: Option<String>,
    /// Back up everything, whatever the job's type
    #[arg(long, conflicts_with = "incremental")]
    full: bool,
    /// Back up what changed since the job's last completed set (a full when there is none)
    #[arg(long)]
    incremental: bool,
    /// Ad hoc: back up this source (with --pool), recorded under the job `adhoc-SOURCE-POOL`
    #[arg(long, requires = "pool")]
    source: Option<String>,
    /// Ad hoc: the pool to write to
    #[arg(long, requires = "source")]
    pool: Option<String>,
    /// Ad hoc: none, zstd or zstd:LEVEL [default: none]
    #[arg(long, requires = "source", value_parser = parse_compression)]
    compression: Option<Compression>,
    /// Ad hoc: encrypt with this key
    #[arg(long, requires = "source")]
    key: Option<String>,
    /// Descend into file systems mounted below the source
    #[arg(long)]
    cross_fs: bool,
    /// Say what would be written and which tapes would do, touching neither tape nor catalog
    #[arg(long)]
    dry_run: bool,
    /// Close the part and start the next on the same tape after this much stream (e.g. 64G,
    /// 500M; 0 = never): a checkpoint a crashed run can be resumed from, at the cost of two
    /// flushing filemarks and an index each time
    #[arg(long, value_name = "SIZE", default_value = "64G", value_parser = parse_checkpoint)]
    checkpoint: u64,
}

/// What this run does, resolved from the job and the flags.
pub(super) struct Plan {
    pub(super) job: jobs::Job,
    pub(super) source: Source,
    pub(super) pool: Pool,
    pub(super) backup_type: BackupType,
    /// The set an incremental is relative to, with its snapshot.
    pub(super) parent: Option<(sets::Set, Vec<u8>)>,
    pub(super) framing: Framing,
    pub(super) key: Option<(keys::KeyRecord, DataKey)>,
    pub(super) cross_fs: bool,
    /// Bytes a full run will likely write (the last snapshot's), for the progress bar's ETA.
    pub(super) estimate: Option<u64>,
    /// Stream bytes per part between checkpoints (0: none).
    pub(super) checkpoint: u64,
    /// Decoded bytes per frame: [`DEFAULT_FRAME_SIZE`] for a new set, a resumed set's own.
    pub(super) frame_size: usize,
}

pub fn exec(ctx: &Ctx, args: RunArgs) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    let plan = plan(ctx, &mut catalog, &args)?;
    if args.dry_run {
        return dry_run(ctx, catalog.conn(), &plan);
    }
    let drive = ctx.pick_drive(catalog.conn())?;
    let lock = ctx.lock_drive(&drive, "backup run")?;
    let (dev, ready) = acquire_tape(ctx, &mut catalog, &plan, &drive)?;
    let result = write_set(ctx, &mut catalog, &plan, &drive, dev, &ready);
    drop(lock);
    result
}

/// A tape taken for writing: the catalog's row, its label, and where the next part goes
/// (the drive stands there).
pub(super) struct Ready {
    pub tape: Tape,
    pub label: label::TapeLabel,
    pub at: append::AppendPoint,
}

/// Opens the drive with a tape the plan may write to, positioned where the next part goes:
/// the one in it, one the library fetches, or one the operator inserts (exit 4 without a
/// terminal).
pub(super) fn acquire_tape(
    ctx: &Ctx,
    catalog: &mut crate::catalog::Catalog,
    plan: &Plan,
    drive: &drives::Drive,
) -> Result<(Box<dyn TapeDevice>, Ready)> {
    let spec = crate::tape::DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let in_library = drive.library_id.is_some();
    // Tapes fetched from the library this round: each is tried once (a refused one may stay
    // wanted, a write-protected one say), then the operator is asked.
    let mut tried = Vec::new();
    loop {
        let mut dev = crate::tape::open(&spec).map_err(|e| device_error(e, drive))?;
        match usable_tape(ctx, catalog.conn(), dev.as_mut(), drive, plan, &[]) {
            Ok(ready) => return Ok((dev, ready)),
            Err(refusal) => {
                drop(dev);
                // A drive in a library fetches the tapes the policy prefers, in order.
                if in_library && refusal.fatal.is_none() && load_wanted(ctx, catalog, plan, drive, &mut tried)? {
                    continue;
                }
                ask_for_tape(ctx, catalog.conn(), plan, drive, refusal)?;
                // The operator may have put one in the library's mail slot.
                tried.clear();
            }
        }
    }
}

/// Resolves the job (or the ad-hoc source and pool), the backup type, the parent set and the
/// key, refusing before any tape is touched.
fn plan(ctx: &Ctx, catalog: &mut crate::catalog::Catalog, args: &RunArgs) -> Result<Plan> {
    let conn = catalog.conn();
    let (job, compression, key_name) = match &args.job {
        Some(name) => {
            let job = jobs::get(conn, name)?;
            let compression: Compression = job.compression.parse().map_err(anyhow::Error::msg)?;
            let key = if job.encryption_enabled {
                Some(job.encryption_key_name.clone().ok_or_else(|| {
                    Failure::new(Kind::InvalidState, format!("job '{name}' encrypts but names no key"))
                })?)
            } else {
                None
            };
            (job, compression, key)
        }
        None => {
            let (source, pool) = (args.source.as_deref().unwrap_or_default(), args.pool.as_deref().unwrap_or_default());
            let job = adhoc_job(catalog, source, pool)?;
            (job, args.compression.unwrap_or(Compression::None), args.key.clone())
        }
    };
    let conn = catalog.conn();
    let source = sources::get(conn, &job.source_name)?;
    let pool = pools::get(conn, &job.pool_name)?;
    match std::fs::metadata(&source.path) {
        Ok(md) if md.is_dir() => {}
        Ok(_) => {
            return Err(Failure::new(
                Kind::BadPath,
                format!("source '{}': {} is not a directory", source.name, pathjson::to_human(&source.path)),
            )
            .into());
        }
        Err(e) => {
            return Err(Failure::new(
                Kind::BadPath,
                format!("source '{}': cannot read {}: {e}", source.name, pathjson::to_human(&source.path)),
            )
            .into());
        }
    }
    let incremental = !args.full && (args.incremental || job.backup_type.as_str() == "incremental");
    let wanted = if incremental { BackupType::Incremental } else { BackupType::Full };
    let (backup_type, parent) = match wanted {
        BackupType::Full => (BackupType::Full, None),
        BackupType::Incremental => match sets::latest_with_snapshot(conn, job.id)? {
            Some((set, snapshot_id)) => {
                let data = sets::snapshot_data(conn, snapshot_id)?;
                (BackupType::Incremental, Some((set, data)))
            }
            None => {
                ctx.out.note(|| format!("job '{}' has no completed set yet: running a full backup", job.name));
                (BackupType::Full, None)
            }
        },
    };
    let key = match key_name {
        Some(name) => {
            let record = keys::get(conn, &name)?;
            let key = super::super::key::unlock(ctx, &record, "nothing was written")?;
            Some((record, key))
        }
        None => None,
    };
    let zstd = match compression {
        Compression::None => None,
        Compression::Zstd { level } => Some(level),
    };
    let framing = match (&key, zstd) {
        (Some(_), zstd) => Framing::Aead { zstd },
        (None, Some(level)) => Framing::Zstd { level },
        (None, None) => Framing::Raw,
    };
    let estimate = match backup_type {
        BackupType::Full => sets::last_snapshot_bytes(conn, job.id)?,
        BackupType::Incremental => None,
    };
    Ok(Plan {
        job,
        source,
        pool,
        backup_type,
        parent,
        framing,
        key,
        cross_fs: args.cross_fs,
        estimate,
        checkpoint: args.checkpoint,
        frame_size: DEFAULT_FRAME_SIZE,
    })
}

/// The job ad-hoc runs of SOURCE to POOL are recorded under, created on first use (disabled,
/// unscheduled: it only ever runs by hand).
fn adhoc_job(catalog: &mut crate::catalog::Catalog, source: &str, pool: &str) -> Result<jobs::Job> {
    let name = format!("adhoc-{source}-{pool}");
    if let Some(job) = jobs::find(catalog.conn(), &name)? {
        return Ok(job);
    }
    let s = sources::get(catalog.conn(), source)?;
    let p = pools::get(catalog.conn(), pool)?;
    let tx = catalog.write()?;
    let id = jobs::insert(
        &tx,
        &jobs::Job {
            id: 0,
            name: name.clone(),
            source_id: s.id,
            source_name: s.name.clone(),
            pool_id: p.id,
            pool_name: p.name.clone(),
            backup_type: jobs::BackupType::Full,
            schedule_cron: None,
            retention_days: p.retention_days,
            enabled: false,
            compression: "none".into(),
            encryption_enabled: false,
            encryption_key_id: None,
            encryption_key_name: None,
            last_run_at: None,
            next_run_at: None,
            created_at: None,
            updated_at: None,
        },
    )?;
    audit::record(&tx, "job.create", "job", Some(id), json!({"name": name, "adhoc": true}))?;
    tx.commit()?;
    jobs::get(catalog.conn(), &name)
}

fn selector(source: &Source) -> Result<Selector> {
    Selector::new(&source.include_patterns, &source.exclude_patterns)
        .map_err(|e| Failure::usage(format!("source '{}': {e}", source.name)).into())
}

/// Walks the source (reading no file) and reports what a run would write and which tapes it
/// would accept.
fn dry_run(ctx: &Ctx, conn: &Connection, plan: &Plan) -> Result<Exit> {
    let walker = Walker::new(&plan.source.path, selector(&plan.source)?, WalkOptions { cross_fs: plan.cross_fs })?;
    let mut differ = plan.parent.as_ref().map(|(_, data)| Differ::new(data)).transpose()?;
    let (mut entries, mut bytes, mut unchanged, mut deleted, mut warnings) = (0u64, 0u64, 0u64, 0u64, 0u64);
    // As `archive` counts: what lies below a path the walk could not see is not deleted.
    let mut unseen = archive::Unseen::default();
    for item in walker {
        let entry = match item {
            Ok(e) => e,
            Err(w) => {
                warnings += 1;
                unseen.add(&w.rel);
                ctx.out.note(|| format!("warning: {w}"));
                continue;
            }
        };
        let snap = SnapEntry::from_entry(&entry);
        if let Some(d) = differ.as_mut() {
            let change = d.classify(&snap, &mut |g| deleted += u64::from(!unseen.covers(&g.path)))?;
            if matches!(change, Change::Unchanged) {
                unchanged += 1;
                continue;
            }
        }
        entries += 1;
        if snap.kind_name() == "file" {
            bytes += entry.size;
        }
    }
    if let Some(d) = differ {
        d.finish(&mut |g| deleted += u64::from(!unseen.covers(&g.path)))?;
    }
    let wanted = wanted_tapes(conn, plan)?;
    let doc = json!({
        "dry_run": true,
        "job": plan.job.name,
        "source": plan.source.name,
        "backup_type": plan.backup_type.as_str(),
        "parent_set": plan.parent.as_ref().map(|(s, _)| s.id),
        "entries": entries,
        "bytes": bytes,
        "unchanged": unchanged,
        "deleted": deleted,
        "warnings": warnings,
        "compression": plan.framing.compression(),
        "encrypted": plan.framing.is_encrypted(),
        "wanted": wanted.iter().map(|(t, loc)| json!({"label": t.label, "barcode": t.barcode, "status": t.status.as_str(), "location": loc})).collect::<Vec<_>>(),
    });
    ctx.out.data(&doc, || {
        let mut text = format!(
            "Would write a {} backup of source '{}' ({}): {entries} entries, {}",
            plan.backup_type.as_str(),
            plan.source.name,
            pathjson::to_human(&plan.source.path),
            crate::output::bytes(bytes as i64)
        );
        if plan.parent.is_some() {
            text.push_str(&format!("; {unchanged} unchanged, {deleted} deleted"));
        }
        text.push_str(&format!("\n{}", describe_wanted(&plan.pool, &wanted)));
        text
    });
    Ok(Exit::Ok)
}

/// The tapes of the pool a run may write to, in the order the allocation policy prefers, with
/// where each is.
fn wanted_tapes(conn: &Connection, plan: &Plan) -> Result<Vec<(Tape, String)>> {
    let mut out = Vec::new();
    let all = tapes::list(conn, Some(plan.pool.id), None)?;
    let order = [TapeStatus::Active, TapeStatus::Blank, TapeStatus::Expired];
    for status in order {
        for t in all.iter().filter(|t| t.status == status) {
            if acceptable(conn, t, plan).is_ok() {
                out.push((t.clone(), tapes::location(conn, t)?));
            }
        }
    }
    Ok(out)
}

fn describe_wanted(pool: &Pool, wanted: &[(Tape, String)]) -> String {
    if wanted.is_empty() {
        return format!(
            "Pool '{}' has no usable tape: label one into it (tapebackarr tape label NAME --pool {})",
            pool.name, pool.name
        );
    }
    let list: Vec<String> =
        wanted.iter().map(|(t, loc)| format!("{} ({}, {loc})", t.label, t.status.as_str())).collect();
    format!("Usable tapes of pool '{}', preferred first: {}", pool.name, list.join(", "))
}

/// Why the pool's policy does not take tape `t`, if it does not.
fn acceptable(conn: &Connection, t: &Tape, plan: &Plan) -> Result<(), String> {
    if t.pool_id != Some(plan.pool.id) {
        return Err(format!(
            "tape '{}' belongs to pool '{}', job '{}' writes to pool '{}'",
            t.label,
            t.pool_name.as_deref().unwrap_or("(none)"),
            plan.job.name,
            plan.pool.name
        ));
    }
    match t.status {
        TapeStatus::Blank => Ok(()),
        TapeStatus::Active if plan.pool.allocation_policy == AllocationPolicy::Always => Err(format!(
            "tape '{}' already holds sets and pool '{}' starts a fresh tape every run (policy always)",
            t.label, plan.pool.name
        )),
        TapeStatus::Active if t.capacity_bytes > 0 && t.used_bytes >= t.capacity_bytes => {
            Err(format!("tape '{}' has no room left", t.label))
        }
        TapeStatus::Active => Ok(()),
        TapeStatus::Expired if !plan.pool.allow_reuse => {
            Err(format!("tape '{}' is expired but pool '{}' never reuses tapes", t.label, plan.pool.name))
        }
        TapeStatus::Expired => match tapes::set_count(conn, t.id) {
            Ok(0) => Ok(()),
            Ok(n) => Err(format!("tape '{}' is expired but the catalog still lists {n} set(s) on it", t.label)),
            Err(e) => Err(e.to_string()),
        },
        other => Err(format!("tape '{}' is {}", t.label, other.as_str())),
    }
}

/// Loads the first tape the pool's policy would take that sits in the drive's library and
/// is not among `tried` (which it joins); false when none does.
fn load_wanted(
    ctx: &Ctx,
    catalog: &mut crate::catalog::Catalog,
    plan: &Plan,
    drive: &drives::Drive,
    tried: &mut Vec<i64>,
) -> Result<bool> {
    for (t, _) in wanted_tapes(catalog.conn(), plan)? {
        if tried.contains(&t.id) {
            continue;
        }
        tried.push(t.id);
        if let Some(barcode) = &t.barcode
            && super::super::library::load_for(ctx, catalog, drive, barcode)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Why the tape in the drive will not do.
struct Refusal {
    message: String,
    /// A device error is not something inserting another tape fixes.
    fatal: Option<anyhow::Error>,
}

impl Refusal {
    fn wrong(message: String) -> Refusal {
        Refusal { message, fatal: None }
    }
}

/// Identifies the tape in the drive and checks it against the catalog, the policy, the
/// tapes this set already uses (`taken`) and the drive's health (`cmd::health`: a medium
/// alert retires the tape, a drive alert stops); then readies it for appending
/// ([`prepare_tape`]). A tape whose data already reaches the early-warning mark is marked
/// full and refused.
fn usable_tape(
    ctx: &Ctx,
    conn: &Connection,
    dev: &mut dyn TapeDevice,
    drive: &drives::Drive,
    plan: &Plan,
    taken: &[i64],
) -> Result<Ready, Refusal> {
    let fatal = |e| Refusal { message: String::new(), fatal: Some(device_error(e, drive)) };
    let status = dev.status().map_err(fatal)?;
    if !status.loaded {
        return Err(Refusal::wrong(format!("no tape in drive '{}'", drive.name)));
    }
    let contents = label::read_label(dev).map_err(fatal)?;
    let l = match contents {
        TapeContents::Labeled(l) => l,
        TapeContents::Blank => {
            return Err(Refusal::wrong(format!(
                "the tape in drive '{}' has no label (tapebackarr tape label NAME --pool {})",
                drive.name, plan.pool.name
            )));
        }
        TapeContents::Foreign { reason, .. } => {
            return Err(Refusal::wrong(format!(
                "the tape in drive '{}' is not a TapeBackarr tape ({reason}); it is left untouched",
                drive.name
            )));
        }
    };
    let t = match tapes::by_uuid(conn, &l.uuid) {
        Ok(Some(t)) => t,
        Ok(None) => {
            return Err(Refusal::wrong(format!(
                "the tape in drive '{}' is labelled '{}' by another catalog (uuid {}); it is left untouched",
                drive.name, l.label, l.uuid
            )));
        }
        Err(e) => return Err(Refusal { message: String::new(), fatal: Some(e) }),
    };
    if status.write_protected {
        return Err(Refusal::wrong(format!("tape '{}' is write-protected", t.label)));
    }
    acceptable(conn, &t, plan).map_err(Refusal::wrong)?;
    if taken.contains(&t.id) {
        return Err(Refusal::wrong(format!("tape '{}' already holds a part of this set", t.label)));
    }
    match super::super::health::before_write(ctx, conn, dev, drive, &t) {
        Ok(None) => {}
        Ok(Some(retired)) => return Err(Refusal::wrong(retired)),
        Err(e) => return Err(Refusal { message: String::new(), fatal: Some(e) }),
    }
    let fatal_any = |e: anyhow::Error| Refusal { message: String::new(), fatal: Some(e) };
    let at = prepare_tape(ctx, conn, dev, &t, drive, l.block_size).map_err(fatal_any)?;
    if dev.status().map_err(fatal)?.early_warning {
        // What is on it (perhaps a run that failed before it could say so) reaches the
        // early-warning mark: no room for a part. Another tape is taken.
        let message = format!("tape '{}' is full: its data reaches the early-warning mark; marked full", t.label);
        mark_full(conn, &t, "end of data past the early-warning mark").map_err(fatal_any)?;
        return Err(Refusal::wrong(message));
    }
    Ok(Ready { tape: t, label: l, at })
}

/// Marks a tape full in the catalog (audit `tape.full`): no backup takes it again.
fn mark_full(conn: &Connection, t: &Tape, why: &str) -> Result<()> {
    let mut t = tapes::by_id(conn, t.id)?;
    t.status = TapeStatus::Full;
    let tx = conn.unchecked_transaction()?;
    tapes::save(&tx, &t)?;
    audit::record(&tx, "tape.full", "tape", Some(t.id), json!({"label": t.label, "reason": why}))?;
    tx.commit()?;
    Ok(())
}

/// Asks the operator for a usable tape and waits for Enter; without a terminal, fails with
/// exit 4 and the wanted tapes in the error's details.
fn ask_for_tape(ctx: &Ctx, conn: &Connection, plan: &Plan, drive: &drives::Drive, refusal: Refusal) -> Result<()> {
    if let Some(e) = refusal.fatal {
        return Err(e);
    }
    let wanted = wanted_tapes(conn, plan)?;
    let mail = MailSlot::for_drive(conn, drive)?;
    let details = json!({
        "request": "tape",
        "drive": drive.name,
        "pool": plan.pool.name,
        "reason": refusal.message,
        "wanted": wanted_json(&wanted),
        "import_export": mail.as_ref().map(MailSlot::json),
    });
    ctx.ask_for_tape_in(
        drive,
        &format!("{}. {}", refusal.message, describe_wanted(&plan.pool, &wanted)),
        &insert_action(mail.as_ref(), drive),
        details,
    )
}

/// What the operator is asked to do with one of the wanted tapes.
fn insert_action(mail: Option<&MailSlot>, drive: &drives::Drive) -> String {
    match mail {
        Some(m) => m.action("one"),
        None => format!("insert one in drive '{}'", drive.name),
    }
}

fn wanted_json(wanted: &[(Tape, String)]) -> Vec<Value> {
    wanted
        .iter()
        .map(|(t, loc)| json!({"label": t.label, "barcode": t.barcode, "status": t.status.as_str(), "location": loc}))
        .collect()
}

/// The set being written, shared between the main flow and the [`Spanner`] that changes
/// tapes in the middle of the stream.
pub(super) struct Span {
    set_id: i64,
    execution_id: i64,
    /// The tape the current part goes to, and where on it.
    tape: Tape,
    at: append::AppendPoint,
    header: PartHeader,
    /// Index records of the entries written since the last part closed, until they go into
    /// that part's index and the catalog.
    spool: BufWriter<File>,
    /// Where spool files go (the home directory).
    home: std::path::PathBuf,
    /// Logical block of every frame written so far: an entry that crossed tapes points at a
    /// frame of an earlier part.
    pub(super) frame_blocks: FrameBlocks,
    /// Parts closed so far, in order.
    closed: Vec<ClosedPart>,
    spanning_set_id: Option<i64>,
    /// BLAKE3 of the first part's index blocks: the set's checksum.
    checksum: Option<String>,
    /// Why a tape change failed, with its exit code (the pipeline only carries a message).
    change_error: Option<anyhow::Error>,
    /// The entry being written, as begun (`in_entry` until its record comes), and the path
    /// of the last entry recorded: a cut stream is picked up after whichever came later.
    current: Crossing,
    in_entry: bool,
    last_recorded: Vec<u8>,
    /// Where the end-of-archive blocks start, once the entries are all written.
    end_blocks: Option<u64>,
    /// The writer stopped (Ctrl-C, a full tape nobody can change): why, and the execution's
    /// resume state, already committed.
    stopped: Option<(Stop, Value)>,
    /// This run continues an earlier one (`backup resume`).
    resumed: bool,
    /// A checkpoint of this run is committed: a failure leaves the set resumable from it.
    checkpointed: bool,
    /// Files of frames and records a stopped run carried over, which this run writes first:
    /// removed once a part holding them is committed.
    pub(super) carried_files: Vec<std::path::PathBuf>,
}

impl Span {
    /// Puts records of entries into the spool, for the index of the part being written.
    pub(super) fn spool_records(&mut self, records: &[FileRecord]) -> Result<()> {
        for r in records {
            serde_json::to_writer(&mut self.spool, r)?;
            self.spool.write_all(b"\n")?;
        }
        Ok(())
    }

    /// A resumed set: the parts closed before, its spanning row and checksum, and the path
    /// of the last entry recorded; a failure leaves it resumable from where it started.
    pub(super) fn resumed(
        self,
        closed: Vec<ClosedPart>,
        spanning_set_id: Option<i64>,
        checksum: Option<String>,
        last_recorded: Vec<u8>,
    ) -> Span {
        Span { closed, spanning_set_id, checksum, last_recorded, resumed: true, checkpointed: true, ..self }
    }

    /// A set whose next part is about to be written at `at` of `tape`, from frame `first_seq`.
    pub(super) fn new(
        ctx: &Ctx,
        set_id: i64,
        execution_id: i64,
        tape: Tape,
        at: append::AppendPoint,
        header: PartHeader,
        first_seq: u64,
    ) -> Result<Span> {
        Ok(Span {
            set_id,
            execution_id,
            tape,
            at,
            header,
            spool: new_spool(&ctx.home)?,
            home: ctx.home.clone(),
            frame_blocks: FrameBlocks::from(first_seq),
            closed: Vec::new(),
            spanning_set_id: None,
            checksum: None,
            change_error: None,
            current: Crossing::default(),
            in_entry: false,
            last_recorded: Vec::new(),
            end_blocks: None,
            stopped: None,
            resumed: false,
            checkpointed: false,
            carried_files: Vec::new(),
        })
    }
}

/// Logical blocks of frames by sequence number: those this run wrote (from `first` on), and
/// the one earlier frame a resumed run's cut entry starts in.
pub(super) struct FrameBlocks {
    first: u64,
    blocks: Vec<u64>,
    earlier: Option<(u64, u64)>,
}

impl FrameBlocks {
    fn from(first: u64) -> FrameBlocks {
        FrameBlocks { first, blocks: Vec::new(), earlier: None }
    }

    /// The sequence number of the next frame.
    fn next(&self) -> u64 {
        self.first + self.blocks.len() as u64
    }

    fn push(&mut self, seq: u64, block: u64) {
        debug_assert_eq!(seq, self.next());
        self.blocks.push(block);
    }

    /// Where frame `seq` of an earlier part starts: the one a resumed run's cut entry starts in.
    pub(super) fn set_earlier(&mut self, seq: u64, block: u64) {
        self.earlier = Some((seq, block));
    }

    fn get(&self, seq: u64) -> Option<u64> {
        match seq.checked_sub(self.first) {
            Some(i) => self.blocks.get(i as usize).copied(),
            None => self.earlier.filter(|(s, _)| *s == seq).map(|(_, b)| b),
        }
    }
}

/// What a part left on tape.
pub(super) struct ClosedPart {
    pub(super) part: u32,
    pub(super) tape_id: i64,
    pub(super) label: String,
    pub(super) data_file: u64,
    pub(super) header_block: u64,
    pub(super) end_block: u64,
    pub(super) stream_bytes: u64,
    /// Header, frames and index.
    pub(super) tape_bytes: u64,
    pub(super) entries: u64,
    pub(super) early_warning: bool,
}

/// The header of a part of set `set_uuid` written by `plan` (the first part; a resumed run
/// sets the part number and stream offset).
pub(super) fn part_header(plan: &Plan, set_uuid: Uuid, block_size: u32) -> PartHeader {
    let mut header = PartHeader::new(
        set_uuid,
        plan.framing,
        plan.key.as_ref().map(|(k, _)| k.fingerprint.clone()),
        block_size,
        plan.frame_size as u32,
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    header.job = plan.job.name.clone();
    header.source = plan.source.name.clone();
    header.backup_type = plan.backup_type;
    header.parent_set_uuid = plan.parent.as_ref().and_then(|(s, _)| s.uuid.as_deref()).and_then(|u| u.parse().ok());
    header
}

pub(super) fn new_spool(home: &std::path::Path) -> Result<BufWriter<File>> {
    let f = tempfile::tempfile_in(home).context("cannot create a spool file in the home directory")?;
    Ok(BufWriter::with_capacity(1 << 20, f))
}

/// Writes the set to the tape in `dev` and records it.
fn write_set(
    ctx: &Ctx,
    catalog: &mut crate::catalog::Catalog,
    plan: &Plan,
    drive: &drives::Drive,
    dev: Box<dyn TapeDevice>,
    ready: &Ready,
) -> Result<Exit> {
    let started = Instant::now();
    let Ready { tape, label, at } = ready;
    let at = at.clone();

    let set_uuid = Uuid::new_v4();
    let header = part_header(plan, set_uuid, label.block_size);

    let (set_id, execution_id) = {
        let tx = catalog.write()?;
        note_interrupted(ctx, &tx, tape)?;
        let ids = sets::start(
            &tx,
            &sets::NewSet {
                uuid: &set_uuid.to_string(),
                job_id: plan.job.id,
                source_id: plan.source.id,
                tape_id: tape.id,
                backup_type: plan.backup_type.as_str(),
                start_block: at.block,
                framing: plan.framing.name(),
                compression: &plan.framing.compression(),
                encryption_key_id: plan.key.as_ref().map(|(k, _)| k.id),
                block_size: label.block_size,
                frame_size: plan.frame_size as u32,
                parent_set_id: plan.parent.as_ref().map(|(s, _)| s.id),
            },
        )?;
        drives::set_current_tape(&tx, drive.id, Some(tape.id))?;
        tx.commit()?;
        ids
    };
    let events = Events::new(ctx);
    events.emit(|| {
        json!({"type": "start", "set": set_id, "set_uuid": set_uuid.to_string(), "job": plan.job.name,
            "backup_type": plan.backup_type.as_str(), "tape": tape.label, "drive": drive.name,
            "file": at.file, "block": at.block})
    });
    ctx.out.note(|| {
        format!(
            "Writing set {set_id} ({} backup of '{}') to tape '{}', file {}",
            plan.backup_type.as_str(),
            plan.source.name,
            tape.label,
            at.file
        )
    });

    let span = Rc::new(RefCell::new(Span::new(ctx, set_id, execution_id, tape.clone(), at, header, 0)?));
    let outcome = stream(ctx, &events, plan, drive, dev, &span, None)
        .and_then(|(result, summary)| finish_set(ctx, catalog, plan, drive, &span, result, &summary, started));
    outcome.map_err(|e| record_failure(catalog, plan, &span, e))
}

/// A run that failed (not stopped on purpose): after a checkpoint, the set waits to be
/// resumed from it (its parts up to there are on tape and committed); otherwise it is
/// failed, and what it wrote stays on tape, unused. Returns the error to exit with.
pub(super) fn record_failure(
    catalog: &mut crate::catalog::Catalog,
    plan: &Plan,
    span: &Rc<RefCell<Span>>,
    e: anyhow::Error,
) -> anyhow::Error {
    let s = span.borrow();
    if s.stopped.is_some() {
        return e;
    }
    let message = format!("{e:#}");
    let (set_id, execution_id) = (s.set_id, s.execution_id);
    let recorded = (|| -> Result<()> {
        let tx = catalog.write()?;
        if s.checkpointed {
            runs::transition(&tx, set_id, execution_id, RunState::Paused, Some(&message))?;
            audit::record(
                &tx,
                "backup.pause",
                "backup_set",
                Some(set_id),
                json!({"job": plan.job.name, "error": message}),
            )?;
        } else {
            runs::transition(&tx, set_id, execution_id, RunState::Failed, Some(&message))?;
            if let Some(id) = s.spanning_set_id {
                runs::fail_spanning(&tx, id)?;
            }
            runs::cancel_tape_requests(&tx, execution_id)?;
            audit::record(
                &tx,
                "backup.fail",
                "backup_set",
                Some(set_id),
                json!({"job": plan.job.name, "error": message}),
            )?;
        }
        tx.commit()?;
        Ok(())
    })();
    match recorded {
        Err(r) => e.context(format!("and recording the failure failed too: {r:#}")),
        Ok(()) if s.checkpointed => e.context(format!(
            "set {set_id} stopped; its parts up to the last checkpoint are on tape: continue it with \
             `tapebackarr backup resume {execution_id}` (on another tape if this one is bad)"
        )),
        Ok(()) => e,
    }
}

/// A set still `running` on this tape was cut off (killed, power lost): nothing else can be
/// writing it while we hold its drive. Its data stays on tape, unused.
pub(super) fn note_interrupted(ctx: &Ctx, tx: &Connection, tape: &Tape) -> Result<()> {
    let stale = sets::fail_interrupted(tx, tape.id)?;
    for id in &stale {
        remove_carried(&ctx.home, *id);
    }
    if !stale.is_empty() {
        ctx.out.note(|| format!("set(s) {stale:?} on tape '{}' were interrupted earlier: marked failed", tape.label));
        audit::record(tx, "backup.interrupted", "tape", Some(tape.id), json!({"sets": stale}))?;
    }
    Ok(())
}

/// Removes the frames a stopped run of set `set_id` carried (`carried-set<ID>-…`), once the set
/// can no longer be resumed.
fn remove_carried(home: &std::path::Path, set_id: i64) {
    let prefix = format!("carried-set{set_id}-");
    if let Ok(dir) = std::fs::read_dir(home) {
        for entry in dir.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The first block after the label (block 0) and its filemark: where a blank tape's data goes.
const FIRST_DATA_BLOCK: u64 = 2;

/// Readies the tape in `dev` for appending: checks what its last file is, closes a file a
/// crash left open, and checks the catalog agrees on where its data ends. Returns where the
/// next part goes.
fn prepare_tape(
    ctx: &Ctx,
    conn: &Connection,
    dev: &mut dyn TapeDevice,
    tape: &Tape,
    drive: &drives::Drive,
    block_size: u32,
) -> Result<append::AppendPoint> {
    if tape.status == TapeStatus::Expired {
        // Its sets are gone from the catalog: start again right after the label.
        dev.rewind()
            .and_then(|_| dev.space(Space::Filemarks(1)))
            .and_then(|_| dev.erase(true))
            .map_err(|e| device_error(e, drive))?;
    }
    dev.set_block_size(0).map_err(|e| device_error(e, drive))?;
    let _ = dev.set_compression(false);
    let at = match append::find_append_point(dev) {
        Ok(at) => at,
        Err(AppendError::Unterminated { file, block }) => {
            // A backup was cut off while writing file `file`: close that file with a filemark
            // so it stays what it is (a cut part) and append after it.
            ctx.out.note(|| {
                format!(
                    "tape '{}': tape file {file} was cut off at block {block}; closing it and appending after it",
                    tape.label
                )
            });
            // At end of data, not wherever the check left the tape: a filemark written one block
            // early would replace that file's last block (found by tests/crash.rs).
            dev.locate(block).and_then(|_| dev.write_filemarks(1, true)).map_err(|e| device_error(e, drive))?;
            append::find_append_point(dev).map_err(|e| append_refused(e, tape))?
        }
        Err(e) => return Err(append_refused(e, tape)),
    };
    if let LastFile::CutIndex { set_uuid, .. } = &at.last {
        ctx.out.note(|| {
            format!(
                "tape '{}': the index of the last part on it (set {set_uuid}) was cut off; appending after it",
                tape.label
            )
        });
    }
    if let LastFile::CutData { set_uuid } = &at.last {
        ctx.out.note(|| {
            format!(
                "tape '{}': the last part on it (set {}) has no index: it was cut off; appending after it",
                tape.label,
                set_uuid.map(|u| u.to_string()).unwrap_or_else(|| "?".into())
            )
        });
    }
    let recorded_end = sets::tape_end_block(conn, tape.id)?;
    // Data the catalog does not know of before the append point (a run that failed before it
    // could record its part): it stays, and the tape's usage counts it from now on.
    let known_end = recorded_end.map_or(FIRST_DATA_BLOCK, |e| e as u64);
    if at.block > known_end {
        let blocks = at.block - known_end;
        ctx.out.note(|| {
            format!(
                "tape '{}': blocks {known_end} to {} hold data no set in the catalog accounts for (a run cut off); \
                 it is left as it is and counted as used",
                tape.label,
                at.block - 1
            )
        });
        let mut t = tapes::by_id(conn, tape.id)?;
        let block_size = i64::from(block_size.max(512));
        let at_least = at.block as i64 * block_size;
        if t.used_bytes < at_least {
            t.used_bytes = at_least;
            let tx = conn.unchecked_transaction()?;
            tapes::save(&tx, &t)?;
            audit::record(
                &tx,
                "tape.unaccounted_data",
                "tape",
                Some(t.id),
                json!({"label": t.label, "from_block": known_end, "to_block": at.block, "blocks": blocks,
                       "used_bytes": at_least}),
            )?;
            tx.commit()?;
        }
    }
    if let Some(end) = recorded_end
        && end as u64 > at.block
    {
        return Err(Failure::new(
            Kind::WrongTape,
            format!(
                "tape '{}' ends at block {} but the catalog has data on it up to block {end}: refusing to write \
                 (was it erased or overwritten elsewhere?)",
                tape.label, at.block
            ),
        )
        .into());
    }
    Ok(at)
}

fn append_refused(e: AppendError, tape: &Tape) -> anyhow::Error {
    match e {
        AppendError::Tape(e) => anyhow::Error::new(e).context(format!("tape '{}'", tape.label)),
        other => Failure::new(Kind::WrongTape, format!("tape '{}': {other}; nothing was written", tape.label)).into(),
    }
}

/// Where a resumed run starts (`backup resume`): the stream point and the first frame.
pub(super) struct ResumeFrom {
    pub resume: Resume,
    pub first_seq: u64,
    /// Frames the stopped run had encoded but not written, and the records of the entries
    /// whose headers are in them: they open the part.
    pub carried: Option<(Carried, Vec<FileRecord>)>,
}

/// Header block, then the archive through the frame pipeline, changing tapes as they fill.
/// Index records of the entries go to the span's spool until their part is closed.
pub(super) fn stream(
    ctx: &Ctx,
    events: &Events,
    plan: &Plan,
    drive: &drives::Drive,
    mut dev: Box<dyn TapeDevice>,
    span: &Rc<RefCell<Span>>,
    from: Option<ResumeFrom>,
) -> Result<(PartResult, archive::Summary)> {
    let (set_uuid, block_size, tape_label, set_id) = {
        let s = span.borrow();
        let header_block = s.header.encode(Some(s.at.file))?;
        dev.write_block(&header_block).map_err(|e| device_error(e, drive))?;
        (s.header.set_uuid, s.header.block_size as usize, s.tape.label.clone(), s.set_id)
    };
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 8);
    let at = from.as_ref().map_or(0, |f| f.resume.at);
    let cfg = PartConfig {
        framing: plan.framing,
        key: plan.key.as_ref().map(|(_, k)| *k.bytes()),
        set_uuid,
        block_size,
        frame_size: plan.frame_size,
        workers: if plan.framing == Framing::Raw { 1 } else { workers },
        first_seq: from.as_ref().map_or(0, |f| f.first_seq),
        stream_offset: at,
        checkpoint_every: plan.checkpoint,
    };
    // The tape being written, for the progress bar, which names it.
    let tape_now = Arc::new(Mutex::new(tape_label));
    let spanner = Spanner {
        ctx,
        plan,
        drive,
        events: *events,
        catalog: ctx.catalog()?,
        span: span.clone(),
        tape_now: tape_now.clone(),
    };
    let (from, carried) = match from {
        Some(ResumeFrom { resume, first_seq, carried }) => (Some((resume, first_seq)), carried),
        None => (None, None),
    };
    let (carried, carried_records) = carried.unzip();
    let writer = match carried {
        Some(frames) => PartWriter::spanning_after(dev, cfg, frames, Box::new(spanner))?,
        None => PartWriter::spanning(dev, cfg, Box::new(spanner))?,
    };
    super::super::signals::catch_interrupts();
    let progress = Progress::start(ctx, events, writer.tape_bytes(), writer.stop_flag(), plan, tape_now);
    let mut tar = TarWriter::with_offset(writer, at);
    let walker = Walker::new(&plan.source.path, selector(&plan.source)?, WalkOptions { cross_fs: plan.cross_fs })
        .with_context(|| format!("cannot read source '{}'", plan.source.name))?;
    let files = progress.files.clone();
    // A replay asks which entries the set already holds (the catalog has the closed parts).
    let recorded_conn = ctx.catalog()?;
    // Entries in frames carried over are not in the catalog yet: their records say.
    let carried_records: std::collections::HashMap<Vec<u8>, (Option<u64>, i64)> = carried_records
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.kind != FileKind::Deleted)
        .map(|r| {
            let size = (r.kind == FileKind::File).then_some(r.size);
            let mtime = r.mtime.saturating_mul(1_000_000_000).saturating_add(r.mtime_nsec.into());
            (r.path, (size, mtime))
        })
        .collect();
    let mut recorded = |path: &[u8]| -> io::Result<Option<(Option<u64>, i64)>> {
        if let Some(r) = carried_records.get(path) {
            return Ok(Some(*r));
        }
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(path));
        let listed = crate::catalog::entries::entry(recorded_conn.conn(), set_id, path).map_err(io::Error::other)?;
        Ok(listed.filter(|l| l.kind != "deleted").map(|l| {
            let size = (l.kind == "file").then(|| l.size.unwrap_or(0).max(0) as u64);
            (size, l.mtime_ns.unwrap_or(0))
        }))
    };
    let previous = plan.parent.as_ref().map(|(_, d)| d.as_slice());
    let summary = archive::archive_from(
        walker,
        &mut tar,
        previous,
        &mut |event| {
            match event {
                Event::Begin { header, size, start, frame, offset } => {
                    let mut s = span.borrow_mut();
                    s.current.header.assign(header);
                    (s.current.size, s.current.start, s.current.frame, s.current.offset) = (size, start, frame, offset);
                    s.in_entry = true;
                }
                Event::Entry(record) => {
                    let mut s = span.borrow_mut();
                    serde_json::to_writer(&mut s.spool, record).map_err(io::Error::other)?;
                    s.spool.write_all(b"\n")?;
                    s.in_entry = false;
                    s.last_recorded.clone_from(&record.path);
                    files.fetch_add(1, Ordering::Relaxed);
                }
                Event::Warning { path, message, unreadable } => {
                    events.emit(|| json!({"type": "file_error", "path": pathjson::to_json(path), "message": message, "unreadable": unreadable}));
                    if !ctx.out.json && !ctx.out.quiet {
                        progress.suspend(|| eprintln!("warning: {}: {message}", pathjson::to_human(path)));
                    }
                }
            }
            Ok(())
        },
        from.as_ref().map(|(resume, _)| (resume, &mut recorded as &mut archive::Recorded<'_>)),
    );
    // A stop or a failed tape change says best what happened (and may ask for the
    // operator: exit 4).
    let why = || -> Option<anyhow::Error> {
        let mut s = span.borrow_mut();
        if let Some((stop, state)) = &s.stopped {
            return Some(stopped_error(*stop, state, plan));
        }
        s.change_error.take()
    };
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            progress.stop();
            if let Some(e) = why() {
                return Err(e);
            }
            // When the tape failed, the pipeline's own error says more than the closed channel
            // (unless the stream's write already reported it).
            return Err(match tar.into_inner().finish() {
                Err(PipelineError::WorkerDied) => anyhow::Error::new(e).context("writing to tape"),
                Err(pe) => anyhow::Error::new(pe).context("writing to tape"),
                Ok(_) => anyhow::Error::new(e).context("backup stopped"),
            });
        }
    };
    span.borrow_mut().end_blocks = Some(tar.offset());
    if let Some(start) = from.as_ref().and_then(|(resume, _)| resume.end_blocks)
        && tar.offset() == at
    {
        // Cut in the end-of-archive blocks: only the rest of them.
        tar.resume_within(start, at);
    }
    let finished = tar.finish();
    let result = finished.map_err(anyhow::Error::new).and_then(|(w, _)| w.finish().map_err(anyhow::Error::new));
    progress.stop();
    match (result, why()) {
        (_, Some(e)) => Err(e),
        (Err(e), None) => Err(e.context("writing to tape")),
        (Ok(result), None) => Ok((result, summary)),
    }
}

/// The error a stopped run exits with: 130 after Ctrl-C, 4 when a tape must be changed.
fn stopped_error(stop: Stop, state: &Value, plan: &Plan) -> anyhow::Error {
    let execution = state["execution"].as_i64().unwrap_or_default();
    let (set, part, tape) = (&state["set"], &state["part"], state["tape"].as_str().unwrap_or("?"));
    match stop {
        Stop::Interrupted => Failure::new(
            Kind::Interrupted,
            format!(
                "stopped: set {set} is closed on tape '{tape}' after part {part}; continue it with \
                 `tapebackarr backup resume {execution}`"
            ),
        ),
        Stop::TapeFull => Failure::new(
            Kind::NoTape,
            format!(
                "tape '{tape}' is full and no other can be loaded here: set {set} is closed after part {part}; \
                 insert a blank or expired tape of pool '{}' (or one with room) and run \
                 `tapebackarr backup resume {execution}`",
                plan.pool.name
            ),
        ),
    }
    .with_details(state.clone())
    .into()
}

/// Why a part is closed before the set ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
    /// The run stops: Ctrl-C, or a full tape nobody can change here.
    Stop(Stop),
    /// The tape is full; the next comes from the library or the operator.
    TapeChange,
    /// `--checkpoint`: the next part follows on the same tape.
    Checkpoint,
}

/// Changes tapes when one fills up: closes the part on it, finds the next tape (from the
/// drive's library, or from the operator), and starts the next part there.
struct Spanner<'a> {
    ctx: &'a Ctx,
    plan: &'a Plan,
    drive: &'a drives::Drive,
    events: Events,
    /// A connection of its own: the main one is not in use while the stream runs.
    catalog: crate::catalog::Catalog,
    span: Rc<RefCell<Span>>,
    /// The progress bar's idea of the tape being written.
    tape_now: Arc<Mutex<String>>,
}

impl NextTape for Spanner<'_> {
    fn can_change(&mut self) -> bool {
        self.drive.library_id.is_some() || self.ctx.interactive()
    }

    fn next_tape(&mut self, ended: PartResult, next: NextPart) -> Result<(Box<dyn TapeDevice>, Carried), String> {
        self.change(ended, next).map_err(|e| self.keep_error(e))
    }

    fn stopped(&mut self, ended: PartResult, next: NextPart, why: Stop) -> Result<(), String> {
        self.pause(ended, next, why).map_err(|e| self.keep_error(e))
    }

    fn checkpoint(&mut self, ended: PartResult, next: NextPart) -> Result<Box<dyn TapeDevice>, String> {
        self.checkpoint_here(ended, next).map_err(|e| self.keep_error(e))
    }
}

impl Spanner<'_> {
    fn keep_error(&mut self, e: anyhow::Error) -> String {
        let message = format!("{e:#}");
        self.span.borrow_mut().change_error = Some(e);
        message
    }

    /// Closes the part at `next` and records the resume point in the execution's
    /// `resume_state`, in the transaction that commits the part (once its index is flushed).
    /// A run that stops here leaves the set `pending` and the execution `paused`; a tape
    /// change opens a `tape_change_requests` row.
    fn close_and_record(
        &mut self,
        ended: PartResult,
        next: NextPart,
        closing: Closing,
        carried: &Carried,
    ) -> Result<(Box<dyn TapeDevice>, Value)> {
        let why = match closing {
            Closing::Stop(stop) => Some(stop),
            Closing::Checkpoint | Closing::TapeChange => None,
        };
        let (plan, drive) = (self.plan, self.drive);
        let mut span = self.span.borrow_mut();
        let crossing = span.in_entry.then(|| span.current.clone());
        // Entries and their records come in walk order: the entry begun and not recorded yet
        // is the latest; otherwise the last record is.
        let after = crossing.as_ref().map_or_else(|| span.last_recorded.clone(), |c| c.header.path.clone());
        let end_blocks = span.end_blocks.filter(|e| *e <= next.stream_offset);
        let resume = Resume { at: next.stream_offset, after, crossing, end_blocks };
        let tx = self.catalog.write()?;
        let (mut dev, closed) = close_part(&tx, &mut span, ended, EndStatus::Continued, drive)?;
        tape_written(&tx, &closed, closed.early_warning)?;
        // Frames in flight when the run stopped, and the records of the entries in them (the
        // spool's rest): saved before the state that names them is committed.
        let mut carried_files = Vec::new();
        let carried_json = if carried.is_empty() {
            Value::Null
        } else {
            let first = carried.first().expect("not empty");
            let base = span.home.join(format!("carried-set{}-part{}", span.set_id, closed.part + 1));
            let (frames, records) = (base.with_extension("frames"), base.with_extension("records"));
            for old in [&frames, &records] {
                // Left by an earlier stop of this set that a resume already wrote out.
                let _ = std::fs::remove_file(old);
            }
            carried
                .save(&frames)
                .with_context(|| format!("cannot save the frames in flight to {}", frames.display()))?;
            span.spool.flush()?;
            let spool = span.spool.get_mut();
            spool.rewind()?;
            let mut out = std::fs::OpenOptions::new();
            std::os::unix::fs::OpenOptionsExt::mode(out.write(true).create_new(true), 0o600);
            let mut out = out.open(&records).with_context(|| format!("cannot create {}", records.display()))?;
            io::copy(spool, &mut out)?;
            out.sync_all()?;
            spool.seek(io::SeekFrom::End(0))?;
            carried_files = vec![frames.clone(), records.clone()];
            json!({"frames": frames.to_string_lossy(), "records": records.to_string_lossy(), "count": carried.len(),
                   "bytes": carried.bytes(), "first_seq": first.seq, "stream_offset": first.stream_offset})
        };
        let spanning = match span.spanning_set_id {
            Some(id) => id,
            None => runs::start_spanning(&tx, plan.job.id)?,
        };
        span.spanning_set_id = Some(spanning);
        add_member(&tx, spanning, span.set_id, &closed)?;
        let request = if matches!(closing, Closing::TapeChange | Closing::Stop(Stop::TapeFull)) {
            Some(runs::request_tape(&tx, span.execution_id, spanning, closed.tape_id)?)
        } else {
            None
        };
        let crossing_block = resume.crossing.as_ref().and_then(|c| span.frame_blocks.get(c.frame));
        let before: (u64, u64) = span.closed.iter().fold((0, 0), |(b, e), p| (b + p.tape_bytes, e + p.entries));
        let state = json!({
            "version": 1,
            "reason": match closing {
                Closing::Stop(Stop::Interrupted) => "interrupted",
                Closing::Stop(Stop::TapeFull) | Closing::TapeChange => "tape_full",
                Closing::Checkpoint => "checkpoint",
            },
            "execution": span.execution_id,
            "set": span.set_id,
            "part": closed.part,
            "tape": closed.label,
            "tape_full": closed.early_warning,
            "drive": drive.name,
            "next_seq": next.seq,
            "resume": resume,
            "crossing_block": crossing_block,
            "checksum": span.checksum,
            "tape_bytes": before.0 + closed.tape_bytes,
            "entries": before.1 + closed.entries,
            "tape_change_request": request,
            "cross_fs": plan.cross_fs,
            "checkpoint_every": plan.checkpoint,
            "carried": carried_json,
        });
        runs::record_resume_point(&tx, span.set_id, span.execution_id, &state.to_string(), why.is_some())?;
        match closing {
            Closing::Stop(_) => {
                audit::record(&tx, "backup.pause", "backup_set", Some(span.set_id), state.clone())?;
            }
            Closing::TapeChange => {
                audit::record(&tx, "backup.tape_full", "backup_set", Some(span.set_id), state.clone())?;
            }
            Closing::Checkpoint => {}
        }
        tx.commit()?;
        span.closed.push(closed);
        // From here on a failure leaves the set resumable from this point.
        span.checkpointed = true;
        // What an earlier stop carried is in a committed part now.
        for f in std::mem::replace(&mut span.carried_files, carried_files) {
            let _ = std::fs::remove_file(f);
        }
        if let Some(next) = match closing {
            Closing::TapeChange => Some(AfterPart::TapeChange),
            Closing::Checkpoint => Some(AfterPart::Checkpoint),
            Closing::Stop(_) => None,
        } {
            let tape = span.tape.clone();
            drop(span);
            super::super::health::after_part(self.ctx, self.catalog.conn(), dev.as_mut(), drive, &tape, next)?;
        }
        Ok((dev, state))
    }

    /// The writer stopped at `next`: the part is closed and the run paused for `backup resume`.
    fn pause(&mut self, mut ended: PartResult, next: NextPart, why: Stop) -> Result<()> {
        let carried = ended.take_carried();
        let (dev, state) = self.close_and_record(ended, next, Closing::Stop(why), &carried)?;
        drop(dev);
        self.events.emit(|| {
            let mut e = state.clone();
            e["type"] = json!("paused");
            e
        });
        self.ctx.out.note(|| {
            format!(
                "Stopped at stream offset {}: part {} of set {} is closed on tape '{}'",
                next.stream_offset,
                state["part"],
                state["set"],
                state["tape"].as_str().unwrap_or("?")
            )
        });
        self.span.borrow_mut().stopped = Some((why, state));
        Ok(())
    }

    /// A checkpoint: the part is closed and recorded, and the next starts right after it.
    fn checkpoint_here(&mut self, ended: PartResult, next: NextPart) -> Result<Box<dyn TapeDevice>> {
        let (mut dev, state) = self.close_and_record(ended, next, Closing::Checkpoint, &Carried::default())?;
        let mut span = self.span.borrow_mut();
        let closed = span.closed.last().expect("a part was just closed");
        let at = append::AppendPoint {
            file: closed.data_file + 2,
            block: closed.end_block,
            last: LastFile::Index { set_uuid: span.header.set_uuid, part: closed.part, status: EndStatus::Continued },
        };
        span.header.part += 1;
        span.header.stream_offset = next.stream_offset;
        let header_block = span.header.encode(Some(at.file))?;
        dev.write_block(&header_block).map_err(|e| device_error(e, self.drive))?;
        self.events.emit(|| {
            json!({"type": "checkpoint", "set": span.set_id, "part": state["part"], "tape": state["tape"],
                "stream_offset": next.stream_offset, "execution": span.execution_id})
        });
        span.at = at;
        Ok(dev)
    }

    /// The tape is full: the part is closed and recorded (the frames in flight saved with it,
    /// so a run that cannot get another tape stays resumable), the next tape taken, and its
    /// part begun; returns the drive and the frames in flight, which open that part.
    fn change(&mut self, mut ended: PartResult, next: NextPart) -> Result<(Box<dyn TapeDevice>, Carried)> {
        let (ctx, drive) = (self.ctx, self.drive);
        let carried = ended.take_carried();
        // The next part starts with the frames in flight.
        let part_start = carried.first().unwrap_or(next);
        let (dev, state) = self.close_and_record(ended, next, Closing::TapeChange, &carried)?;
        let request = state["tape_change_request"].as_i64().unwrap_or_default();
        let full = state["tape"].as_str().unwrap_or_default().to_string();
        let used: Vec<i64> = self.span.borrow().closed.iter().map(|c| c.tape_id).collect();
        self.events.emit(|| {
            json!({"type": "tape_change", "reason": "tape_full", "tape": full, "request": request,
                "next_part": used.len() + 1, "stream_offset": part_start.stream_offset})
        });
        ctx.out.note(|| format!("Tape '{full}' is full; the set goes on on another tape (part {})", used.len() + 1));

        let (mut dev, Ready { tape, at, .. }) = self.next_usable(dev, &used, request)?;
        let mut span = self.span.borrow_mut();
        span.header.part += 1;
        span.header.stream_offset = part_start.stream_offset;
        let header_block = span.header.encode(Some(at.file))?;
        dev.write_block(&header_block).map_err(|e| device_error(e, drive))?;
        let tx = self.catalog.write()?;
        note_interrupted(ctx, &tx, &tape)?;
        runs::tape_request_met(&tx, request, tape.id)?;
        drives::set_current_tape(&tx, drive.id, Some(tape.id))?;
        tx.commit()?;
        self.events.emit(|| {
            json!({"type": "part", "set": span.set_id, "part": span.header.part, "tape": tape.label,
                "file": at.file, "block": at.block, "stream_offset": part_start.stream_offset})
        });
        ctx.out.note(|| format!("Writing part {} to tape '{}', file {}", span.header.part, tape.label, at.file));
        tape.label.clone_into(&mut self.tape_now.lock().expect("tape name lock"));
        span.tape = tape;
        span.at = at;
        Ok((dev, carried))
    }

    /// The next tape to write: fetched from the library when the drive is in one, else asked
    /// of the operator. A tape that will not do (foreign, full, wrong pool, write-protected,
    /// one this set already uses) is refused untouched, and another asked for.
    fn next_usable(
        &mut self,
        dev: Box<dyn TapeDevice>,
        used: &[i64],
        request: i64,
    ) -> Result<(Box<dyn TapeDevice>, Ready)> {
        let (ctx, plan, drive) = (self.ctx, self.plan, self.drive);
        let spec = crate::tape::DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
        // Tapes loaded from the library and refused, and tapes the library does not hold
        // (asked of the operator, who may put one in a mail slot: looked for again then).
        let mut tried_in_library: Vec<i64> = used.to_vec();
        let mut not_in_library: Vec<i64> = Vec::new();
        let in_library = drive.library_id.is_some();
        let mut dev = Some(dev);
        if !in_library && let Some(d) = dev.as_mut() {
            // Out of the operator's way; a drive that cannot eject leaves it to them.
            let _ = d.unload();
        }
        loop {
            drop(dev.take());
            let mut fetched = None;
            if in_library {
                for (t, _) in wanted_tapes(self.catalog.conn(), plan)? {
                    if tried_in_library.contains(&t.id) || not_in_library.contains(&t.id) {
                        continue;
                    }
                    if let Some(barcode) = &t.barcode
                        && super::super::library::load_for(ctx, &mut self.catalog, drive, barcode)?
                    {
                        tried_in_library.push(t.id);
                        fetched = Some(t);
                        break;
                    }
                    not_in_library.push(t.id);
                }
            }
            if fetched.is_none() {
                let wanted = wanted_tapes(self.catalog.conn(), plan)?;
                let wanted: Vec<_> = wanted.into_iter().filter(|(t, _)| !used.contains(&t.id)).collect();
                let mail = MailSlot::for_drive(self.catalog.conn(), drive)?;
                let details = json!({
                    "request": "tape",
                    "tape_change_request": request,
                    "drive": drive.name,
                    "pool": plan.pool.name,
                    "reason": "tape_full",
                    "wanted": wanted_json(&wanted),
                    "import_export": mail.as_ref().map(MailSlot::json),
                });
                ctx.ask_for_tape_in(
                    drive,
                    &format!("the set needs another tape. {}", describe_wanted(&plan.pool, &wanted)),
                    &insert_action(mail.as_ref(), drive),
                    details,
                )?;
                not_in_library.clear();
            }
            let mut d = crate::tape::open(&spec).map_err(|e| device_error(e, drive))?;
            let refused = match usable_tape(ctx, self.catalog.conn(), d.as_mut(), drive, plan, used) {
                Ok(ready) => return Ok((d, ready)),
                Err(Refusal { fatal: Some(e), .. }) => return Err(e),
                Err(Refusal { message, .. }) => message,
            };
            self.events.emit(|| json!({"type": "tape_refused", "request": request, "reason": refused}));
            ctx.out.note(|| format!("{refused}: it is left untouched"));
            dev = Some(d);
        }
    }
}

/// Adds part `p` to the set's `tape_spanning_members`.
fn add_member(tx: &Connection, spanning: i64, set_id: i64, p: &ClosedPart) -> Result<()> {
    runs::add_spanning_member(
        tx,
        spanning,
        &runs::Member { tape_id: p.tape_id, set_id, part: p.part, bytes: p.tape_bytes, entries: p.entries },
    )
}

/// The tape's usage after a part: bytes, writes, and whether it is now full.
fn tape_written(tx: &Connection, p: &ClosedPart, full: bool) -> Result<()> {
    let mut t = tapes::by_id(tx, p.tape_id)?;
    if t.status == TapeStatus::Expired {
        t.used_bytes = 0;
    }
    t.used_bytes += p.tape_bytes as i64;
    t.write_count += 1;
    t.last_written_at = Some(crate::timefmt::now_sql());
    t.status = if full { TapeStatus::Full } else { TapeStatus::Active };
    tapes::save(tx, &t)?;
    Ok(())
}

/// Closes the current part on tape: filemark, index (the part, its frames, the entries
/// spooled since the last part, the end record), and a flushing filemark; records the part and
/// its entries in `tx`, which the caller commits (the data and index are on the medium by then).
fn close_part(
    tx: &Connection,
    span: &mut Span,
    result: PartResult,
    status: EndStatus,
    drive: &drives::Drive,
) -> Result<(Box<dyn TapeDevice>, ClosedPart)> {
    let PartResult { mut dev, frames, early_warning, stream_bytes, tape_bytes, .. } = result;
    let dev_err = |e| device_error(e, drive);
    dev.write_filemarks(1, false).map_err(dev_err)?;
    let index_block = dev.position().map_err(dev_err)?.block;
    let header = span.header.clone();
    let mut index = IndexWriter::new(header.block_size as usize, INDEX_ZSTD_LEVEL)?;
    index.write_part(&PartRecord { header: header.clone(), data_file: span.at.file, first_block: span.at.block })?;
    let mut index_out = IndexOut { hasher: blake3::Hasher::new(), bytes: 0 };
    let first_seq = frames.first().map_or(span.frame_blocks.next(), |f| f.seq);
    for f in &frames {
        span.frame_blocks.push(f.seq, f.block);
        index.write_frame(f)?;
        index_out.drain(&mut index, dev.as_mut()).map_err(dev_err)?;
    }

    // Entries whose header is in a frame still to be written (kept for the next tape) wait
    // for the next part's index; the spool is in stream order, so they are its tail.
    let next_seq = span.frame_blocks.next();
    let fresh = new_spool(&span.home)?;
    let spool = std::mem::replace(&mut span.spool, fresh);
    let mut spool = spool.into_inner().map_err(|e| e.into_error())?;
    spool.rewind()?;
    let mut entry_rows = 0u64;
    {
        let mut entries = EntryWriter::new(tx, span.set_id)?;
        for line in BufReader::with_capacity(1 << 20, spool).split(b'\n') {
            let line = line?;
            let mut record: FileRecord = serde_json::from_slice(&line).context("the spool file is damaged")?;
            if status == EndStatus::Continued && record.frame >= next_seq {
                span.spool.write_all(&line)?;
                span.spool.write_all(b"\n")?;
                continue;
            }
            let block = span.frame_blocks.get(record.frame);
            if record.frame < first_seq && record.kind != FileKind::Deleted {
                // The entry starts on an earlier tape: its index record says where.
                record.frame_block = block;
            }
            index.write_file(&record)?;
            index_out.drain(&mut index, dev.as_mut()).map_err(dev_err)?;
            entries.add(&NewEntry {
                path: std::ffi::OsString::from_vec(record.path.clone()).into(),
                size: record.size,
                mode: record.mode,
                mtime_ns: record.mtime.saturating_mul(1_000_000_000).saturating_add(record.mtime_nsec.into()),
                uid: record.uid,
                gid: record.gid,
                kind: record.kind.as_str(),
                link_target: record.link.clone(),
                checksum: record.blake3.map(|h| blake3::Hash::from_bytes(h).to_hex().to_string()),
                block: if record.kind == FileKind::Deleted { None } else { block },
                frame_seq: record.frame,
                frame_offset: record.offset,
            })?;
            entry_rows += 1;
        }
        entries.finish()?;
    }
    for block in index.finish(status, stream_bytes)? {
        index_out.put(dev.as_mut(), &block).map_err(dev_err)?;
    }
    // The point of no return: once this returns, data and index are on the medium.
    dev.write_filemarks(1, true).map_err(dev_err)?;
    let end_block = dev.position().map_err(dev_err)?.block;
    sets::add_part(
        tx,
        span.set_id,
        &sets::NewPart {
            part: header.part,
            tape_id: span.tape.id,
            data_file: span.at.file,
            header_block: span.at.block,
            index_block,
            end_block,
            first_frame: first_seq,
            frame_count: frames.len() as u64,
            stream_offset: header.stream_offset,
            stream_bytes,
            status: match status {
                EndStatus::Complete => "complete",
                EndStatus::Continued => "continued",
            },
        },
    )?;
    if span.checksum.is_none() {
        span.checksum = Some(index_out.hasher.finalize().to_hex().to_string());
    }
    let closed = ClosedPart {
        part: header.part,
        tape_id: span.tape.id,
        label: span.tape.label.clone(),
        data_file: span.at.file,
        header_block: span.at.block,
        end_block,
        stream_bytes,
        tape_bytes: header.block_size as u64 + tape_bytes + index_out.bytes,
        entries: entry_rows,
        early_warning,
    };
    Ok((dev, closed))
}

/// The last part's index, then the catalog commit of the completed set once the index's
/// filemark is flushed.
#[allow(clippy::too_many_arguments)]
pub(super) fn finish_set(
    ctx: &Ctx,
    catalog: &mut crate::catalog::Catalog,
    plan: &Plan,
    drive: &drives::Drive,
    span: &Rc<RefCell<Span>>,
    result: PartResult,
    s: &archive::Summary,
    started: Instant,
) -> Result<Exit> {
    let mut span = span.borrow_mut();
    let tx = catalog.write()?;
    let index_started = Instant::now();
    let (mut dev, last) = close_part(&tx, &mut span, result, EndStatus::Complete, drive)?;
    let early_warning = last.early_warning;
    tape_written(&tx, &last, early_warning)?;
    if let Some(spanning) = span.spanning_set_id {
        add_member(&tx, spanning, span.set_id, &last)?;
    }
    span.closed.push(last);
    let parts = &span.closed;
    let first = &parts[0];
    let end_block = parts.last().map_or(0, |p| p.end_block);
    let stream_bytes: u64 = parts.iter().map(|p| p.stream_bytes).sum();
    let on_tape: u64 = parts.iter().map(|p| p.tape_bytes).sum();
    let entry_rows: u64 = parts.iter().map(|p| p.entries).sum();
    if let Some(spanning) = span.spanning_set_id {
        runs::complete_spanning(&tx, spanning, parts.len() as u64, s.file_bytes, s.entries)?;
    }
    let warning = (s.unreadable > 0).then(|| format!("{} file(s) could not be read", s.unreadable));
    // A resumed run saw only its own part of the stream: the catalog has all of it.
    let counts = if span.resumed {
        sets::entry_counts(&tx, span.set_id)?
    } else {
        sets::EntryCounts { entries: s.entries, files: s.files, file_bytes: s.file_bytes, deleted: s.deleted }
    };
    let (file_count, total_bytes) = (counts.entries, counts.file_bytes);
    sets::complete(
        &tx,
        span.set_id,
        span.execution_id,
        &sets::Completion {
            end_block,
            file_count,
            total_bytes,
            stream_bytes,
            checksum: span.checksum.clone().unwrap_or_default(),
            files_processed: s.entries,
            bytes_processed: s.file_bytes,
            warning: warning.clone(),
        },
    )?;
    sets::add_snapshot(&tx, plan.source.id, span.set_id, s.snapshot_entries, s.snapshot_bytes, &s.snapshot)?;
    let mut job = jobs::get(&tx, &plan.job.name)?;
    job.last_run_at = Some(crate::timefmt::now_sql());
    job.next_run_at = crate::cmd::job::next_run(&job)?;
    jobs::save(&tx, &job)?;
    let elapsed = started.elapsed().as_secs_f64();
    // Each tape once, in the order the set went on them (checkpoints put parts side by side).
    let mut tape_labels: Vec<&str> = Vec::new();
    for p in parts {
        if !tape_labels.contains(&p.label.as_str()) {
            tape_labels.push(&p.label);
        }
    }
    let doc = json!({
        "type": "summary",
        "set": span.set_id,
        "set_uuid": span.header.set_uuid.to_string(),
        "job": plan.job.name,
        "source": plan.source.name,
        "backup_type": plan.backup_type.as_str(),
        "parent_set": plan.parent.as_ref().map(|(p, _)| p.id),
        "status": if s.unreadable > 0 { "partial" } else { "completed" },
        "tape": first.label,
        "tapes": tape_labels,
        "parts": parts.len(),
        "tape_full": early_warning,
        "drive": drive.name,
        "file": first.data_file,
        "start_block": first.header_block,
        "end_block": end_block,
        "blocks": if parts.len() == 1 { end_block - first.header_block } else { parts.iter().map(|p| p.end_block - p.header_block).sum() },
        "entries": counts.entries,
        "files": counts.files,
        "bytes": counts.file_bytes,
        "stream_bytes": stream_bytes,
        "tape_bytes": on_tape,
        "unchanged": s.unchanged,
        "deleted": counts.deleted,
        "warnings": s.warnings,
        "unreadable": s.unreadable,
        "compression": plan.framing.compression(),
        "encrypted": plan.framing.is_encrypted(),
        "duration_secs": (elapsed * 1000.0).round() / 1000.0,
    });
    audit::record(&tx, "backup.run", "backup_set", Some(span.set_id), doc.clone())?;
    tx.commit()?;
    for f in &span.carried_files {
        let _ = std::fs::remove_file(f);
    }
    super::super::health::after_part(ctx, catalog.conn(), dev.as_mut(), drive, &span.tape, AfterPart::SetComplete)?;
    debug_assert!(span.resumed || entry_rows == s.entries + s.deleted);
    ctx.out.verbose(|| {
        format!(
            "index and catalog: {entry_rows} entries in {:.2} s (data took {:.2} s)",
            index_started.elapsed().as_secs_f64(),
            (started.elapsed() - index_started.elapsed()).as_secs_f64()
        )
    });

    if ctx.out.json {
        crate::output::write_stdout(format!("{doc}\n").as_bytes());
    } else if !ctx.out.quiet {
        let rate = if elapsed > 0.0 { stream_bytes as f64 / elapsed / 1e6 } else { 0.0 };
        let place = if parts.len() == 1 {
            format!("on tape '{}', file {}, blocks {}-{end_block}", first.label, first.data_file, first.header_block)
        } else {
            format!("on {} tapes: {}", parts.len(), tape_labels.join(", "))
        };
        let mut text = format!(
            "Set {} completed: {} entries ({} files, {}) {place}, in {:.1} s ({rate:.0} MB/s)",
            span.set_id,
            s.entries,
            s.files,
            crate::output::bytes(s.file_bytes as i64),
            elapsed
        );
        if plan.parent.is_some() {
            text.push_str(&format!("; {} unchanged, {} deleted", s.unchanged, s.deleted));
        }
        if early_warning {
            text.push_str(&format!(
                "\nTape '{}' reached its early-warning mark and is now full",
                tape_labels.last().unwrap_or(&"?")
            ));
        }
        if let Some(w) = &warning {
            text.push_str(&format!("\nwarning: {w} (named above): exit 3"));
        }
        crate::output::write_stdout(format!("{text}\n").as_bytes());
    }
    Ok(if s.unreadable > 0 { Exit::Partial } else { Exit::Ok })
}

/// Index blocks on their way to tape, hashed for the set's checksum.
struct IndexOut {
    hasher: blake3::Hasher,
    bytes: u64,
}

impl IndexOut {
    fn put(&mut self, dev: &mut dyn TapeDevice, block: &[u8]) -> crate::tape::Result<()> {
        self.hasher.update(block);
        self.bytes += block.len() as u64;
        dev.write_block(block).map(|_| ())
    }

    fn drain(&mut self, index: &mut IndexWriter, dev: &mut dyn TapeDevice) -> crate::tape::Result<()> {
        while let Some(block) = index.pop_block() {
            self.put(dev, &block)?;
        }
        Ok(())
    }
}

/// NDJSON events on stdout with `--json`; nothing otherwise.
#[derive(Clone, Copy)]
pub(super) struct Events {
    json: bool,
}

impl Events {
    pub(super) fn new(ctx: &Ctx) -> Events {
        Events { json: ctx.out.json }
    }

    pub(super) fn emit(&self, event: impl FnOnce() -> Value) {
        if self.json {
            crate::output::write_stdout(format!("{}\n", event()).as_bytes());
        }
    }
}

/// Progress from a thread of its own, sampling counters the pipeline keeps anyway: a bar on
/// a terminal, a line every 10 s on a plain stderr, `progress` events with `--json`.
struct Progress {
    files: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    bar: indicatif::ProgressBar,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(
        ctx: &Ctx,
        events: &Events,
        tape_bytes: Arc<AtomicU64>,
        stop_writer: Arc<AtomicBool>,
        plan: &Plan,
        tape: Arc<Mutex<String>>,
    ) -> Progress {
        let files = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let terminal = io::stderr().is_terminal() && !ctx.out.json && !ctx.out.quiet && !ctx.global.no_progress;
        let plain = !terminal && !ctx.out.json && !ctx.out.quiet && !ctx.global.no_progress;
        let bar = if terminal {
            let bar = match plan.estimate {
                Some(total) if total > 0 => indicatif::ProgressBar::new(total),
                _ => indicatif::ProgressBar::new_spinner(),
            };
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
                )
                .expect("template is valid")
                .progress_chars("=> "),
            );
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let (events, files_t, stop_t, bar_t) = (*events, files.clone(), stop.clone(), bar.clone());
        let thread = std::thread::spawn(move || {
            let start = Instant::now();
            let (mut last_event, mut last_line) = (Instant::now(), Instant::now());
            while !stop_t.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                // A caught Ctrl-C or SIGTERM: the writer stops at its next frame boundary.
                if super::super::signals::interrupted() {
                    stop_writer.store(true, Ordering::Relaxed);
                }
                let (bytes, files) = (tape_bytes.load(Ordering::Relaxed), files_t.load(Ordering::Relaxed));
                let secs = start.elapsed().as_secs_f64().max(0.001);
                if last_event.elapsed() >= PROGRESS_EVERY {
                    last_event = Instant::now();
                    events.emit(|| {
                        json!({"type": "progress", "tape_bytes": bytes, "entries": files,
                            "bytes_per_sec": (bytes as f64 / secs) as u64, "elapsed_secs": (secs * 10.0).round() / 10.0})
                    });
                    bar_t.set_position(bytes);
                    let tape = tape.lock().expect("tape name lock").clone();
                    bar_t.set_message(format!("{files} entries to tape {tape}"));
                }
                if plain && last_line.elapsed() >= PLAIN_PROGRESS_EVERY {
                    last_line = Instant::now();
                    eprintln!(
                        "progress: {files} entries, {} on tape, {:.0} MB/s, {:.0} s",
                        crate::output::bytes(bytes as i64),
                        bytes as f64 / secs / 1e6,
                        secs
                    );
                }
            }
        });
        Progress { files, stop, bar, thread: Some(thread) }
    }

    fn suspend(&self, f: impl FnOnce()) {
        self.bar.suspend(f)
    }

    fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
