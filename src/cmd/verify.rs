//! `tapebackarr verify SET`: reads a set back and checks it against the catalog.
//!
//! Full: every entry's tar header is found where the catalog says and names the same path,
//! every frame on the way decodes (zstd checksum, AES-GCM tag), every file's content hashes
//! to the BLAKE3 recorded at backup time, and the part's index ends with a `complete` record
//! whose counts match. Quick: the label, the part's header block and its index only. The
//! outcome is recorded in `set_verifications`; a mismatch exits 5.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Ctx;
use super::set_tapes::SetTapes;
use crate::catalog::restore as plan;
use crate::catalog::{audit, keys, sets, tapes, verifications};
use crate::engine::restore::{check_header, human, layout};
use crate::error::{Exit, Failure, Kind};
use crate::format::index::{EndStatus, IndexReader, IndexRecord};
use crate::format::part::PartHeader;
use crate::pipeline::part_reader::{PartReader, ReadError, ReadStats, SetLayout};
use crate::pipeline::resumable_hash::ResumableHash;
use crate::pipeline::untar::{EntryKind, TarReader};
use crate::tape::{ReadOutcome, TapeDevice};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tapebackarr verify 12
  tapebackarr verify 12 --quick --json

Exit codes: 0 the set reads back as recorded; 5 something differs (named); 4 its tape must be
inserted; 1 the verify could not run.")]
pub struct VerifyArgs {
    /// Set number (from backup list)
    set: i64,
    /// Check the label, the header block and the index only (seconds, not hours)
    #[arg(long)]
    quick: bool,
}

/// The frames' hashes and lengths from the parts' indexes, which the frames read are
/// checked against.
type IndexFrames = Rc<RefCell<HashMap<u64, ([u8; 32], u64)>>>;

/// What a verify found so far; saved between runs while it waits for a tape
/// (`set_verifications.resume_state`).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Tally {
    errors: Vec<String>,
    /// Frames and entries the parts' indexes list.
    frames: u64,
    index_files: u64,
    frames_checked: u64,
    files: u64,
    stats: ReadStats,
    /// Parts whose header block and index were checked.
    parts_checked: Vec<bool>,
    /// Full mode: the stream position of the entry to go on with (those before it are done).
    cursor: Option<(u64, u64)>,
    /// A file whose content goes on on the next tape.
    partial: Option<PartialHash>,
    /// Runs so far.
    runs: u32,
}

/// The hash of a file read in pieces: what is left of it and where that starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PartialHash {
    hash: ResumableHash,
    remaining: u64,
    continue_at: u64,
}

pub fn exec(ctx: &Ctx, args: VerifyArgs) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    let set = sets::get(catalog.conn(), args.set)?;
    if set.status != "completed" {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("set {} is {}: only completed sets are verified", set.id, set.status),
        )
        .into());
    }
    let parts = sets::parts(catalog.conn(), set.id)?;
    if parts.is_empty() {
        return Err(Failure::new(Kind::InvalidState, format!("set {} has no part on any tape", set.id)).into());
    }
    let mut part_tapes = Vec::new();
    for part in &parts {
        part_tapes.push((part.clone(), tapes::get(catalog.conn(), &part.tape)?));
    }
    let tape = part_tapes[0].1.clone();
    let key = match (&set.encryption_key, set.encrypted, args.quick) {
        (Some(name), true, false) => {
            Some(*super::key::unlock(ctx, &keys::get(catalog.conn(), name)?, "nothing was verified")?.bytes())
        }
        (None, true, false) => {
            return Err(Failure::new(
                Kind::InvalidState,
                format!("set {} is encrypted with a key the catalog does not have (key import it)", set.id),
            )
            .into());
        }
        _ => None,
    };
    let drive = ctx.pick_drive(catalog.conn())?;
    let lock = ctx.lock_drive(&drive, "verify")?;
    let spec = crate::tape::DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let needed = json!(
        part_tapes
            .iter()
            .map(|(_, t)| json!({"label": t.label, "barcode": t.barcode, "sets": [set.id]}))
            .collect::<Vec<_>>()
    );
    let mode = if args.quick { "quick" } else { "full" };
    // A verify that waited for a tape goes on where it stopped.
    let (row, mut tally) = match verifications::waiting(catalog.conn(), set.id, mode)? {
        Some((id, state)) => {
            let tally: Tally = serde_json::from_str(&state)
                .with_context(|| format!("verification {id}: its saved progress is damaged"))?;
            ctx.out.note(|| {
                let done = tally.parts_checked.iter().filter(|c| **c).count();
                format!("Continuing the verify of set {}: {done} of {} parts checked so far", set.id, parts.len())
            });
            (Some(id), tally)
        }
        None => (None, Tally::default()),
    };
    tally.runs += 1;
    tally.parts_checked.resize(parts.len(), false);
    let started = Instant::now();
    let mut set_tapes =
        SetTapes::new(ctx, spec.clone(), &drive, &set, part_tapes.clone(), needed.clone())?.asking_as("the verify");
    let tally = Rc::new(RefCell::new(tally));
    // Each part's header block and index, checked when its tape is first in the drive.
    let index_frames: IndexFrames = Rc::default();
    {
        let (tally, index_frames, set, parts) = (tally.clone(), index_frames.clone(), set.clone(), parts.clone());
        let seen = tally.borrow().parts_checked.clone();
        set_tapes.on_each_part(
            seen,
            Box::new(move |k, dev| {
                let mut t = tally.borrow_mut();
                let t = &mut *t;
                let last = k + 1 == parts.len();
                let mut frames = index_frames.borrow_mut();
                check_part(
                    dev,
                    &set,
                    &parts[k],
                    last,
                    &mut t.stats,
                    &mut frames,
                    &mut t.errors,
                    &mut t.frames,
                    &mut t.index_files,
                )?;
                t.parts_checked[k] = true;
                Ok(())
            }),
        );
    }
    let waited = if args.quick {
        quick_pass(&mut set_tapes, parts.len())
    } else {
        let layout = layout(&set, key)?;
        full_pass(ctx, &catalog, &set, &layout, &mut set_tapes, &tally, &index_frames)
    };
    let waiting = match waited {
        Ok(()) => None,
        Err(e) => match set_tapes.waiting_for() {
            Some(w) => Some((w.message.clone(), w.details.clone())),
            None => return Err(e),
        },
    };
    drop(set_tapes);
    drop(lock);
    let mut tally =
        Rc::try_unwrap(tally).map_err(|_| anyhow::anyhow!("the part checks outlived the verify"))?.into_inner();
    let elapsed = started.elapsed().as_secs_f64();
    if let Some((told, details)) = waiting {
        let done = tally.parts_checked.iter().filter(|c| **c).count();
        let message = format!(
            "{told} (verify of set {}: {done} of {} parts checked so far; the same command goes on from there)",
            set.id,
            parts.len()
        );
        let outcome = verifications::Outcome {
            set_id: set.id,
            mode,
            passed: false,
            frames_checked: tally.frames_checked,
            files_checked: tally.files,
            tape_bytes_read: tally.stats.bytes,
            errors: (!tally.errors.is_empty()).then(|| serde_json::to_string(&tally.errors).unwrap_or_default()),
            seconds: elapsed.round() as i64,
        };
        let tx = catalog.write()?;
        verifications::wait(&tx, row, &outcome, &serde_json::to_string(&tally)?)?;
        tx.commit()?;
        let mut details = if details.is_object() { details } else { json!({}) };
        details["verify"] = json!({"set": set.id, "mode": mode, "parts_checked": done, "parts": parts.len()});
        return Err(Failure::new(Kind::NoTape, message).with_details(details).into());
    }
    let catalog_entries = verifications::entry_count(catalog.conn(), set.id)?;
    if tally.parts_checked.iter().all(|c| *c) && tally.index_files != catalog_entries {
        tally.errors.push(format!("the index lists {} entries, the catalog {catalog_entries}", tally.index_files));
    }
    let Tally { errors, frames, frames_checked, files, stats, .. } = tally;
    let passed = errors.is_empty();
    let tx = catalog.write()?;
    verifications::finish(
        &tx,
        row,
        &verifications::Outcome {
            set_id: set.id,
            mode,
            passed,
            frames_checked,
            files_checked: files,
            tape_bytes_read: stats.bytes,
            errors: (!passed).then(|| serde_json::to_string(&errors).unwrap_or_default()),
            seconds: elapsed.round() as i64,
        },
    )?;
    let doc = json!({
        "set": set.id, "mode": mode, "passed": passed, "tape": tape.label,
        "tapes": part_tapes.iter().map(|(_, t)| t.label.as_str()).collect::<Vec<_>>(), "frames": frames,
        "frames_checked": frames_checked, "files": files,
        "tape_blocks_read": stats.blocks, "tape_bytes_read": stats.bytes, "errors": errors,
        "duration_secs": (elapsed * 1000.0).round() / 1000.0,
    });
    audit::record(&tx, "verify.run", "backup_set", Some(set.id), doc.clone())?;
    tx.commit()?;
    ctx.out.data(&doc, || {
        let tapes: Vec<&str> = part_tapes.iter().map(|(_, t)| t.label.as_str()).collect();
        let on = if tapes.len() == 1 { format!("tape '{}'", tapes[0]) } else { format!("tapes {}", tapes.join(", ")) };
        let mut text = if passed {
            format!(
                "Set {} verified ({mode}): {files} files, {frames} frames, {} read from {on} in {elapsed:.1} s",
                set.id,
                crate::output::bytes(stats.bytes as i64),
            )
        } else {
            format!("Set {} FAILED verification ({mode}) on {on}:", set.id)
        };
        for e in &errors {
            text.push_str(&format!("\n  {e}"));
        }
        text
    });
    Ok(if passed { Exit::Ok } else { Exit::VerifyMismatch })
}

/// Quick: every part's tape in turn, for its header block and index (checked by the hook).
fn quick_pass(set_tapes: &mut SetTapes, parts: usize) -> Result<()> {
    for k in 0..parts {
        if !set_tapes.seen().get(k).copied().unwrap_or(false) {
            set_tapes.visit(k).map_err(read_error)?;
        }
    }
    Ok(())
}

fn read_error(e: ReadError) -> anyhow::Error {
    match e {
        ReadError::TapeChange(e) => e,
        other => anyhow::Error::new(other),
    }
}

/// Full: every entry from the catalog found on tape where it says, every file's content
/// hashed, every frame read compared with its part's index; parts are checked as their tapes
/// come. A file going on on a tape nobody can insert keeps its hash for the next run.
fn full_pass(
    ctx: &Ctx,
    catalog: &crate::catalog::Catalog,
    set: &sets::Set,
    layout: &SetLayout,
    set_tapes: &mut SetTapes,
    tally: &Rc<RefCell<Tally>>,
    index_frames: &IndexFrames,
) -> Result<()> {
    let parts: Vec<sets::Part> = set_tapes.parts().iter().map(|(p, _)| p.clone()).collect();
    let bar = ctx.progress_bytes(&format!("verifying set {}", set.id));
    let mut reader = PartReader::across(set_tapes, layout)?;
    let (cursor, mut partial) = {
        let mut t = tally.borrow_mut();
        (t.cursor.take(), t.partial.take())
    };
    let mut waiting: Option<anyhow::Error> = None;
    let mut buf = vec![0u8; 1 << 20];
    let walked = plan::for_each_current(catalog.conn(), &[set.id], set.id, &mut |entry| {
        let position = (entry.frame_seq, entry.frame_offset);
        if entry.kind == "deleted" || cursor.is_some_and(|c| position < c) {
            return Ok(());
        }
        let begun = if Some(position) == cursor { partial.take() } else { None };
        let checked = verify_entry(&mut reader, layout, &parts, &entry, begun.clone(), &mut buf, &bar);
        let mut t = tally.borrow_mut();
        let t = &mut *t;
        match checked {
            Ok(Checked::Done { file }) => t.files += u64::from(file),
            Ok(Checked::Waiting(p)) => {
                t.cursor = Some(position);
                t.partial = p;
                waiting = Some(anyhow::anyhow!("waiting"));
            }
            Err(EntryError::Waiting(e)) => {
                t.cursor = Some(position);
                t.partial = begun;
                waiting = Some(e);
            }
            Err(EntryError::Message(message)) => {
                t.errors.push(format!("'{}': {message}", human(&entry.path)));
                reader.lose_position();
            }
        }
        check_frames(&mut reader, &index_frames.borrow(), &mut t.errors, &mut t.frames_checked);
        if waiting.is_some() { Err(anyhow::anyhow!("waiting for a tape")) } else { Ok(()) }
    });
    bar.finish_and_clear();
    if let Some(e) = waiting {
        tally.borrow_mut().stats += reader.stats();
        return Err(e);
    }
    walked?;
    // The rest of the stream after the last entry (the archive's end blocks).
    if reader.is_positioned() && std::io::copy(&mut reader, &mut std::io::sink()).is_ok() {
        let mut t = tally.borrow_mut();
        let t = &mut *t;
        check_frames(&mut reader, &index_frames.borrow(), &mut t.errors, &mut t.frames_checked);
    }
    tally.borrow_mut().stats += reader.stats();
    drop(reader);
    // Parts the entries never led to (none, in a set written by us) are checked too.
    for k in 0..parts.len() {
        if !set_tapes.seen().get(k).copied().unwrap_or(false) {
            set_tapes.visit(k).map_err(read_error)?;
        }
    }
    Ok(())
}

enum Checked {
    Done {
        file: bool,
    },
    /// The file goes on on a tape nobody could insert: its hash so far.
    Waiting(Option<PartialHash>),
}

enum EntryError {
    /// A tape is needed that nobody can insert.
    Waiting(anyhow::Error),
    Message(String),
}

fn entry_error(e: ReadError) -> EntryError {
    match e {
        ReadError::TapeChange(inner) if crate::engine::needs_tape(&inner) => EntryError::Waiting(inner),
        other => EntryError::Message(other.to_string()),
    }
}

fn io_entry_error(e: std::io::Error) -> EntryError {
    if crate::engine::waits_for_tape(&e) {
        match e.into_inner().map(|i| i.downcast::<ReadError>()) {
            Some(Ok(read)) => entry_error(*read),
            _ => EntryError::Message("a tape is needed".into()),
        }
    } else {
        EntryError::Message(e.to_string())
    }
}

/// Checks one entry: its header where the catalog says, its content's hash.
fn verify_entry(
    reader: &mut PartReader,
    layout: &SetLayout,
    parts: &[sets::Part],
    entry: &crate::catalog::restore::Wanted,
    begun: Option<PartialHash>,
    buf: &mut [u8],
    bar: &indicatif::ProgressBar,
) -> Result<Checked, EntryError> {
    let (mut hash, mut remaining, mut at) = match begun {
        Some(p) => {
            // The rest of a file begun on an earlier tape, from the start of the part holding it.
            let part = parts
                .iter()
                .find(|x| x.stream_offset as u64 == p.continue_at)
                .ok_or_else(|| EntryError::Message(format!("no part starts where its rest is ({})", p.continue_at)))?;
            reader.seek(part.first_frame as u64, part.header_block as u64 + 1, 0, 64 << 20).map_err(entry_error)?;
            (p.hash, p.remaining, p.continue_at)
        }
        None => {
            let Some(block) = entry.block else {
                return Err(EntryError::Message("no tape position in the catalog".into()));
            };
            let target = entry.frame_seq * layout.frame_size as u64 + entry.frame_offset;
            reader.seek(entry.frame_seq, block, entry.frame_offset, 64 << 20).map_err(entry_error)?;
            let mut tar = TarReader::with_offset(&mut *reader, target);
            let h = tar
                .next_entry()
                .map_err(io_entry_error)?
                .ok_or(EntryError::Message("the archive ends early".into()))?;
            check_header(&h, entry).map_err(EntryError::Message)?;
            if h.kind != EntryKind::File {
                return Ok(Checked::Done { file: false });
            }
            (ResumableHash::new(), h.size, tar.offset())
        }
    };
    while remaining > 0 {
        let want = buf.len().min(remaining as usize);
        let n = match std::io::Read::read(reader, &mut buf[..want]) {
            Ok(0) => return Err(EntryError::Message("the archive ends inside its content".into())),
            Ok(n) => n,
            Err(e) if crate::engine::waits_for_tape(&e) => {
                return Ok(Checked::Waiting(Some(PartialHash { hash, remaining, continue_at: at })));
            }
            Err(e) => return Err(EntryError::Message(e.to_string())),
        };
        hash.update(&buf[..n]);
        remaining -= n as u64;
        at += n as u64;
        bar.inc(n as u64);
    }
    let got = hash.finalize().to_hex().to_string();
    if entry.checksum.as_deref().is_some_and(|want| want != got) {
        return Err(EntryError::Message("checksum mismatch".into()));
    }
    Ok(Checked::Done { file: true })
}

/// Checks one part's header block (this set, this part, where the stream is) and its index
/// (it ends `continued`, or `complete` for the set's last part, with the catalog's frame
/// count), adding the index's frames to `index_frames`.
#[allow(clippy::too_many_arguments)]
fn check_part(
    dev: &mut dyn TapeDevice,
    set: &sets::Set,
    part: &sets::Part,
    last: bool,
    stats: &mut ReadStats,
    index_frames: &mut HashMap<u64, ([u8; 32], u64)>,
    errors: &mut Vec<String>,
    frames: &mut u64,
    index_files: &mut u64,
) -> Result<(), crate::tape::TapeError> {
    let n = part.part;
    dev.locate(part.header_block as u64)?;
    let mut block = vec![0u8; 4 << 20];
    match dev.read_block(&mut block)? {
        ReadOutcome::Block(len) => {
            stats.blocks += 1;
            stats.bytes += len as u64;
            match PartHeader::decode(&block[..len]) {
                Ok(h) if Some(h.set_uuid.to_string()) != set.uuid => errors.push(format!(
                    "part {n}: the header block names set {}, not {}",
                    h.set_uuid,
                    set.uuid.as_deref().unwrap_or("?")
                )),
                Ok(h) if i64::from(h.part) != n || h.stream_offset as i64 != part.stream_offset => {
                    errors.push(format!(
                        "part {n}: the header block says part {} at stream offset {}, the catalog part {n} at {}",
                        h.part, h.stream_offset, part.stream_offset
                    ))
                }
                Ok(_) => {}
                Err(e) => errors.push(format!("part {n}: the header block: {e}")),
            }
        }
        other => errors.push(format!("part {n}: no header block at block {}: {other:?}", part.header_block)),
    }
    let Some(index_block) = part.index_block else {
        errors.push(format!("part {n}: the catalog has no index position"));
        return Ok(());
    };
    match read_index(dev, index_block as u64, stats, index_frames) {
        Ok((status, frame_count, files)) => {
            *frames += frame_count;
            *index_files += files;
            match (status, last) {
                (EndStatus::Continued, true) => {
                    errors.push(format!("part {n}: the index says the set continues on another tape"))
                }
                (EndStatus::Complete, false) => {
                    errors.push(format!("part {n}: the index says the set ends here, the catalog has more parts"))
                }
                _ => {}
            }
            if frame_count != part.frame_count as u64 {
                errors
                    .push(format!("part {n}: the index lists {frame_count} frames, the catalog {}", part.frame_count));
            }
        }
        Err(e) => errors.push(format!("part {n}: the index: {e}")),
    }
    Ok(())
}

/// Compares the frames `reader` read whole with the index's records of them.
fn check_frames(
    reader: &mut PartReader,
    index: &HashMap<u64, ([u8; 32], u64)>,
    errors: &mut Vec<String>,
    checked: &mut u64,
) {
    for (seq, hash, len) in reader.take_frame_hashes() {
        *checked += 1;
        match index.get(&seq) {
            Some((want, want_len)) if *want == hash && *want_len == len => {}
            Some(_) => errors.push(format!("frame {seq}: its bytes on tape differ from the index's BLAKE3")),
            None => errors.push(format!("frame {seq}: not in the index")),
        }
    }
}

/// Reads the index file at `block` to its end record: (status, frames, entries), and the
/// frames' hashes and lengths into `frames`.
fn read_index(
    dev: &mut dyn TapeDevice,
    block: u64,
    stats: &mut ReadStats,
    hashes: &mut HashMap<u64, ([u8; 32], u64)>,
) -> Result<(EndStatus, u64, u64)> {
    dev.locate(block)?;
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 4 << 20];
    while let ReadOutcome::Block(n) = dev.read_block(&mut buf)? {
        stats.blocks += 1;
        stats.bytes += n as u64;
        bytes.extend_from_slice(&buf[..n]);
    }
    let mut reader = IndexReader::from_bytes(&bytes)?;
    let (mut frames, mut files) = (0u64, 0u64);
    for record in reader.by_ref() {
        match record? {
            IndexRecord::Frame(f) => {
                frames += 1;
                hashes.insert(f.seq, (f.blake3, f.encoded_len));
            }
            IndexRecord::File(_) => files += 1,
            IndexRecord::End(end) => return Ok((end.status, frames, files)),
            IndexRecord::Part(_) => {}
        }
    }
    anyhow::bail!("no end record")
}
