//! `backup resume`: the rest of a set whose run stopped (a stop asked for, a full tape nobody
//! could change, a failure after a checkpoint, a crash after one), written as the next part of
//! the same stream.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use uuid::Uuid;

use super::commit::{finish_set, record_failure};
use super::span::{ClosedPart, Span, part_header};
use super::stream::{ResumeFrom, stream};
use super::tapes::{Ready, acquire_tape, note_interrupted};
use super::{Input, Plan, Start, Summary};
use crate::catalog::runs::{self, RunState};
use crate::catalog::{audit, drives, jobs, keys, pools, sets, sources, tapes};
use crate::engine::{Env, Event};
use crate::error::{Failure, Kind};
use crate::format::frame::{DEFAULT_FRAME_SIZE, Framing};
use crate::format::index::FileRecord;
use crate::format::part::BackupType;
use crate::pipeline::archive::Resume;
use crate::pipeline::part_writer::Carried;
use std::path::{Path, PathBuf};

/// `backup resume`: continues a paused run (Ctrl-C, or a full tape nobody could change) in a
/// new part, on the same tape when it has room or on another the pool's policy takes.
pub fn resume(env: &Env, execution: Option<i64>, drive: Option<&str>) -> Result<Summary> {
    let mut catalog = env.catalog()?;
    // Paused (stopped cleanly), or still `running` with a checkpoint: a run that crashed.
    let Some(runs::Resumable { execution_id, state, status }) = runs::resumable(catalog.conn(), execution)? else {
        return Err(Failure::new(
            Kind::NotFound,
            match execution {
                Some(id) => format!("execution {id} is not a paused backup that can be resumed"),
                None => "no paused backup to resume".to_string(),
            },
        )
        .into());
    };
    let state: Value = serde_json::from_str(&state).context("the execution's resume state is damaged")?;
    let point: Resume = serde_json::from_value(state["resume"].clone()).context("the resume state has no point")?;
    let field = |name: &str| state[name].as_u64().ok_or_else(|| anyhow::anyhow!("the resume state has no {name}"));
    let (set_id, part, next_seq) = (field("set")? as i64, field("part")? as u32, field("next_seq")?);
    let set = sets::get(catalog.conn(), set_id)?;
    let crashed = status == "running";
    if set.status != if crashed { "running" } else { "pending" } {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("set {set_id} is {}: it can no longer be resumed (run the job again)", set.status),
        )
        .into());
    }
    if crashed && set.encrypted {
        // Frames written after the checkpoint may be on tape under the numbers the rest would
        // take: with the same key, AES-GCM nonces would repeat.
        return Err(Failure::new(
            Kind::InvalidState,
            format!("set {set_id} is encrypted and its run did not stop cleanly: it cannot be resumed safely; run the job again"),
        )
        .into());
    }
    let plan = plan_for_set(
        env,
        &catalog,
        &set,
        state["cross_fs"].as_bool().unwrap_or(false),
        state["checkpoint_every"].as_u64().unwrap_or(0),
    )?;
    let drive = &crate::engine::pick_drive(catalog.conn(), drive)?;
    let lock = env.lock_drive(drive, "backup resume")?;
    if crashed && state["drive"].as_str() != Some(drive.name.as_str()) {
        // Only holding the drive it ran on proves that run is gone.
        return Err(Failure::new(
            Kind::InUse,
            format!(
                "execution {execution_id} ran on drive '{}' and is not marked stopped: resume it with --drive {} \
                 (if it is still running, it holds that drive)",
                state["drive"].as_str().unwrap_or("?"),
                state["drive"].as_str().unwrap_or("?")
            ),
        )
        .into());
    }
    let (dev, Ready { tape, label, at }) = acquire_tape(env, &mut catalog, &plan, drive)?;
    let started = Instant::now();
    let block_size = set.block_size.unwrap_or(0) as u32;
    if label.block_size != block_size {
        return Err(Failure::new(
            Kind::WrongTape,
            format!(
                "tape '{}' uses {}-byte blocks, set {set_id} {block_size}-byte ones: use a tape labelled with \
                 --block-size {block_size}",
                tape.label, label.block_size
            ),
        )
        .into());
    }
    let carried = load_carried(&state["carried"])?;
    let set_uuid: Uuid = set.uuid.as_deref().unwrap_or_default().parse().context("the set has no UUID")?;
    let mut header = part_header(&plan, set_uuid, block_size);
    header.part = part + 1;
    // The part opens with the frames the stopped run carried, if any; the stream goes on
    // at `point.at` after them.
    let first = carried.as_ref().and_then(|(c, _, _)| c.first());
    header.stream_offset = first.map_or(point.at, |f| f.stream_offset);

    // The parts on tape already, for the summary and the spanning rows.
    let mut closed = Vec::new();
    for p in sets::parts(catalog.conn(), set_id)? {
        let t = tapes::get(catalog.conn(), &p.tape)?;
        closed.push(ClosedPart {
            part: p.part as u32,
            tape_id: t.id,
            label: t.label,
            data_file: p.data_file as u64,
            header_block: p.header_block as u64,
            end_block: p.end_block.unwrap_or(0) as u64,
            stream_bytes: p.stream_bytes as u64,
            tape_bytes: 0,
            entries: 0,
            early_warning: p.status == "continued",
        });
    }
    if let Some(first) = closed.first_mut() {
        (first.tape_bytes, first.entries) = (field("tape_bytes").unwrap_or(0), field("entries").unwrap_or(0));
    }
    let spanning_set_id = runs::spanning_of(catalog.conn(), set_id)?;
    {
        let tx = catalog.write()?;
        // Other runs cut off on this tape are marked failed; this one goes on (a crashed one
        // is paused first, so it is not among them).
        if runs::state(&tx, set_id, execution_id)? == RunState::Running {
            runs::transition(&tx, set_id, execution_id, RunState::Paused, None)?;
        }
        note_interrupted(env, &tx, &tape)?;
        runs::transition(&tx, set_id, execution_id, RunState::Running, None)?;
        runs::pending_requests_met(&tx, execution_id, tape.id)?;
        drives::set_current_tape(&tx, drive.id, Some(tape.id))?;
        audit::record(
            &tx,
            "backup.resume",
            "backup_set",
            Some(set_id),
            json!({"execution": execution_id, "part": part + 1, "tape": tape.label}),
        )?;
        tx.commit()?;
    }
    env.event(Event::Start(Start {
        resumed: Some(true),
        part: Some(part + 1),
        stream_offset: Some(point.at),
        ..Start::of(&plan, set_id, set_uuid, &tape, drive, &at)
    }));
    env.note(|| {
        format!(
            "Resuming set {set_id} at stream offset {}: part {} on tape '{}', file {}",
            point.at,
            part + 1,
            tape.label,
            at.file
        )
    });
    let mut span = Span::new(env, set_id, execution_id, tape.clone(), at, header, first.map_or(next_seq, |f| f.seq))?;
    let carried = carried.map(|(frames, records, files)| {
        span.carried_files = files;
        (frames, records)
    });
    if let Some((_, records)) = &carried {
        span.spool_records(records)?;
    }
    if let (Some(c), Some(block)) = (&point.crossing, state["crossing_block"].as_u64()) {
        // The cut entry's record names a frame of an earlier part.
        span.frame_blocks.set_earlier(c.frame, block);
    }
    let checksum = state["checksum"].as_str().map(str::to_string);
    let span = Rc::new(RefCell::new(span.resumed(closed, spanning_set_id, checksum, point.after.clone())));
    let from = ResumeFrom { resume: point, first_seq: next_seq, carried };
    let outcome = stream(env, &plan, drive, dev, &span, Some(from), None)
        .and_then(|(result, summary)| finish_set(env, &mut catalog, &plan, drive, &span, result, &summary, started));
    let outcome = outcome.map_err(|e| record_failure(&mut catalog, &plan, &span, e));
    drop(lock);
    outcome
}

/// The frames a stopped run carried over and the records of the entries in them, as the
/// resume state's `carried` names them (with the files, to remove once they are on tape).
#[allow(clippy::type_complexity)]
fn load_carried(carried: &Value) -> Result<Option<(Carried, Vec<FileRecord>, Vec<PathBuf>)>> {
    if carried.is_null() {
        return Ok(None);
    }
    let path = |name: &str| -> Result<PathBuf> {
        carried[name]
            .as_str()
            .map(PathBuf::from)
            .ok_or_else(|| anyhow::anyhow!("the resume state names no file of carried {name}"))
    };
    let (frames_path, records_path) = (path("frames")?, path("records")?);
    let lost = |e: std::io::Error, what: &Path| {
        Failure::new(
            Kind::InvalidState,
            format!(
                "the frames the stopped run had in flight were kept in {}, which cannot be read ({e}):                  the set cannot be resumed; run the job again",
                what.display()
            ),
        )
    };
    let frames = Carried::load(&frames_path).map_err(|e| lost(e, &frames_path))?;
    let text = std::fs::read(&records_path).map_err(|e| lost(e, &records_path))?;
    let mut records = Vec::new();
    for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        records.push(serde_json::from_slice(line).with_context(|| format!("{} is damaged", records_path.display()))?);
    }
    Ok(Some((frames, records, vec![frames_path, records_path])))
}

/// The plan of a set's first run, from the set: its job, source, pool, type, parent and key.
fn plan_for_set(
    env: &Env,
    catalog: &crate::catalog::Catalog,
    set: &sets::Set,
    cross_fs: bool,
    checkpoint: u64,
) -> Result<Plan> {
    let conn = catalog.conn();
    let job = jobs::get(conn, &set.job)?;
    let source = sources::get(conn, set.source.as_deref().unwrap_or(&job.source_name))?;
    if source.is_stream() {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("set {} was read from a stream, which cannot be read again: run the backup again", set.id),
        )
        .into());
    }
    let pool = pools::get(conn, &job.pool_name)?;
    let backup_type = if set.backup_type == "incremental" { BackupType::Incremental } else { BackupType::Full };
    let parent = match set.parent_set {
        Some(id) => {
            let parent = sets::get(conn, id)?;
            let snapshot =
                sets::snapshot_of(conn, id)?.with_context(|| format!("the parent set {id} has no snapshot"))?;
            Some((parent, sets::snapshot_data(conn, snapshot)?))
        }
        None => None,
    };
    let framing = Framing::from_fields(set.framing.as_deref().unwrap_or("raw"), &set.compression)
        .map_err(|e| anyhow::anyhow!("set {}: {e}", set.id))?;
    let key = match &set.encryption_key {
        Some(name) => {
            let record = keys::get(conn, name)?;
            let key = env.operator.unlock_key(&record, "nothing was written")?;
            Some((record, key))
        }
        None if set.encrypted => {
            return Err(Failure::new(
                Kind::InvalidState,
                format!("set {} is encrypted with a key the catalog no longer has", set.id),
            )
            .into());
        }
        None => None,
    };
    let frame_size = set.frame_size.map_or(DEFAULT_FRAME_SIZE, |f| f as usize);
    Ok(Plan {
        job,
        source,
        pool,
        backup_type,
        parent,
        framing,
        key,
        cross_fs,
        estimate: None,
        checkpoint,
        frame_size,
        input: Input::Tree,
        drive: None,
    })
}

/// Gives up paused execution `execution`, which `resume` refused (`why`): set and execution
/// `failed` (audit `backup.abandon`), the frames it carried removed. Its parts stay on tape,
/// unused, as a failed run's do; the job's next run starts a new set.
pub fn abandon(env: &Env, execution: i64, why: &str) -> Result<()> {
    let catalog = env.catalog()?;
    let tx = crate::catalog::write_on(catalog.conn())?;
    let set_id = runs::give_up(&tx, execution, why)?;
    audit::record(&tx, "backup.abandon", "backup_set", Some(set_id), json!({"execution": execution, "reason": why}))?;
    tx.commit()?;
    super::tapes::remove_carried(env.home, set_id);
    Ok(())
}
