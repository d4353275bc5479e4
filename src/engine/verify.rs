//! Verifying a set as a library call: [`verify`] a [`VerifyRequest`] and get a
//! [`VerifyOutcome`]. It reads the set back and checks it against the catalog.
//!
//! Full: every entry's tar header is found where the catalog says and names the same path,
//! every frame on the way decodes (zstd checksum, AES-GCM tag), every file's content hashes
//! to the BLAKE3 recorded at backup time, and the part's index ends with a `complete` record
//! whose counts match. Quick: the label, the part's header block and its index only. The
//! outcome is recorded in `set_verifications` (and the audit log); a set spanning tapes whose
//! next tape nobody can insert fails with `no_tape` (exit 4) and saves where it stands
//! (`set_verifications.resume_state`), so the same request goes on from there.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Env;
use super::restore::{check_header, human, layout};
use super::set_tapes::SetTapes;
use crate::catalog::restore as plan;
use crate::catalog::{audit, keys, sets, tapes, verifications};
use crate::error::{Failure, Kind};
use crate::format::index::{EndStatus, IndexReader, IndexRecord};
use crate::format::part::PartHeader;
use crate::pipeline::part_reader::{PartReader, ReadError, ReadStats, SetLayout};
use crate::pipeline::resumable_hash::ResumableHash;
use crate::pipeline::untar::{EntryKind, TarReader};
use crate::tape::{ReadOutcome, TapeDevice};

/// Which set to verify, and how.
#[derive(Debug, Clone)]
pub struct VerifyRequest {
    pub set: i64,
    /// Check the label, the header block and the index only.
    pub quick: bool,
    /// The drive to read with; `None` takes the only enabled drive.
    pub drive: Option<String>,
}

/// How a verify ended, as the audit log records it and `verify --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyOutcome {
    pub set: i64,
    /// `full` or `quick`.
    pub mode: &'static str,
    /// Nothing differs (`errors` is empty).
    pub passed: bool,
    /// The label of the tape holding the set's first part.
    pub tape: String,
    /// The labels of the tapes holding its parts, in order.
    pub tapes: Vec<String>,
    /// Frames the parts' indexes list.
    pub frames: u64,
    pub frames_checked: u64,
    pub files: u64,
    pub tape_blocks_read: u64,
    pub tape_bytes_read: u64,
    /// What differs, one message each.
    pub errors: Vec<String>,
    /// This run's time, to the millisecond.
    pub duration_secs: f64,
    /// This run's time, unrounded.
    #[serde(skip)]
    pub elapsed_secs: f64,
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

impl Tally {
    /// The progress verification `id` saved while it waited for a tape.
    fn saved(id: i64, state: &str) -> Result<Tally> {
        serde_json::from_str(state).with_context(|| format!("verification {id}: its saved progress is damaged"))
    }

    /// Starts a run over a set of `parts` parts.
    fn begin_run(&mut self, parts: usize) {
        self.runs += 1;
        self.parts_checked.resize(parts, false);
    }

    /// Parts whose header block and index were checked.
    fn parts_done(&self) -> usize {
        self.parts_checked.iter().filter(|c| **c).count()
    }

    /// Once every part's index was read, the entries it lists must be those the catalog holds.
    fn check_entry_count(&mut self, catalog_entries: u64) {
        if self.parts_checked.iter().all(|c| *c) && self.index_files != catalog_entries {
            self.errors.push(format!("the index lists {} entries, the catalog {catalog_entries}", self.index_files));
        }
    }

    /// The row `set_verifications` records for this tally.
    fn record<'a>(
        &self,
        set_id: i64,
        mode: &'a str,
        passed: bool,
        errors: bool,
        seconds: f64,
    ) -> verifications::Outcome<'a> {
        verifications::Outcome {
            set_id,
            mode,
            passed,
            frames_checked: self.frames_checked,
            files_checked: self.files,
            tape_bytes_read: self.stats.bytes,
            errors: errors.then(|| serde_json::to_string(&self.errors).unwrap_or_default()),
            seconds: seconds.round() as i64,
        }
    }
}

/// The hash of a file read in pieces: what is left of it and where that starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PartialHash {
    hash: ResumableHash,
    remaining: u64,
    continue_at: u64,
}

/// Verifies a set: takes the drive (waiting for it with `env.wait`), has each part's tape
/// put in it (from the library, else asked of the operator), checks what it reads, and
/// records the outcome. A mismatch is an outcome (`passed: false`), not an error; a tape
/// nobody can insert fails with `no_tape` (exit 4) after saving where the verify stands.
/// `progress` makes the byte counter of a full verify's read (`indicatif`'s hidden one
/// draws nothing).
pub fn verify(
    env: &Env,
    request: &VerifyRequest,
    progress: &dyn Fn(&str) -> indicatif::ProgressBar,
) -> Result<VerifyOutcome> {
    let mut catalog = env.catalog()?;
    let set = sets::get(catalog.conn(), request.set)?;
    if set.expired_at.is_some() {
        return Err(sets::expired_failure(catalog.conn(), &set)?);
    }
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
    let key = match (&set.encryption_key, set.encrypted, request.quick) {
        (Some(name), true, false) => {
            Some(*env.operator.unlock_key(&keys::get(catalog.conn(), name)?, "nothing was verified")?.bytes())
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
    let drive = super::pick_drive(catalog.conn(), request.drive.as_deref())?;
    let lock = env.lock_drive(&drive, "verify")?;
    let spec = crate::tape::DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let needed = json!(
        part_tapes
            .iter()
            .map(|(_, t)| json!({"label": t.label, "barcode": t.barcode, "sets": [set.id]}))
            .collect::<Vec<_>>()
    );
    let mode = if request.quick { "quick" } else { "full" };
    // A verify that waited for a tape goes on where it stopped.
    let (row, mut tally) = match verifications::waiting(catalog.conn(), set.id, mode)? {
        Some((id, state)) => {
            let tally = Tally::saved(id, &state)?;
            env.note(|| {
                format!(
                    "Continuing the verify of set {}: {} of {} parts checked so far",
                    set.id,
                    tally.parts_done(),
                    parts.len()
                )
            });
            (Some(id), tally)
        }
        None => (None, Tally::default()),
    };
    tally.begin_run(parts.len());
    let started = Instant::now();
    let mut set_tapes =
        SetTapes::new(*env, spec.clone(), &drive, &set, part_tapes.clone(), needed.clone())?.asking_as("the verify");
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
    let waited = if request.quick {
        quick_pass(&mut set_tapes, parts.len())
    } else {
        let layout = layout(&set, key)?;
        full_pass(progress, &catalog, &set, &layout, &mut set_tapes, &tally, &index_frames)
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
        let outcome = tally.record(set.id, mode, false, !tally.errors.is_empty(), elapsed);
        let tx = catalog.write()?;
        verifications::wait(&tx, row, &outcome, &serde_json::to_string(&tally)?)?;
        tx.commit()?;
        return Err(waiting_failure(set.id, mode, tally.parts_done(), parts.len(), &told, details).into());
    }
    tally.check_entry_count(verifications::entry_count(catalog.conn(), set.id)?);
    let passed = tally.errors.is_empty();
    let tx = catalog.write()?;
    verifications::finish(&tx, row, &tally.record(set.id, mode, passed, !passed, elapsed))?;
    let Tally { errors, frames, frames_checked, files, stats, .. } = tally;
    let outcome = VerifyOutcome {
        set: set.id,
        mode,
        passed,
        tape: tape.label,
        tapes: part_tapes.into_iter().map(|(_, t)| t.label).collect(),
        frames,
        frames_checked,
        files,
        tape_blocks_read: stats.blocks,
        tape_bytes_read: stats.bytes,
        errors,
        duration_secs: (elapsed * 1000.0).round() / 1000.0,
        elapsed_secs: elapsed,
    };
    audit::record(&tx, "verify.run", "backup_set", Some(set.id), serde_json::to_value(&outcome)?)?;
    tx.commit()?;
    if !outcome.passed {
        tell_mismatch(env, &outcome);
    }
    Ok(outcome)
}

/// Tells the notification targets that a set does not read back as written
/// (`verify_mismatch`); the payload is the outcome as `verify --json` prints it.
fn tell_mismatch(env: &Env, outcome: &VerifyOutcome) {
    let first: Vec<&str> = outcome.errors.iter().take(5).map(String::as_str).collect();
    let more = outcome.errors.len().saturating_sub(first.len());
    let notice = super::notify::Notice {
        kind: "verify_mismatch",
        subject: format!("verify of set {} found {} problem(s)", outcome.set, outcome.errors.len()),
        body: format!(
            "Set {} ({} verify, tapes {}) does not match the catalog:\n{}{}",
            outcome.set,
            outcome.mode,
            outcome.tapes.join(", "),
            first.join("\n"),
            if more > 0 { format!("\n…and {more} more") } else { String::new() }
        ),
        job: None,
        payload: serde_json::to_value(outcome).unwrap_or(Value::Null),
    };
    super::notify::notify(env, &notice);
}

/// The `no_tape` failure of a verify that stopped for a tape nobody could insert: what the
/// operator was told (`told`, `details`), with how far the verify got.
fn waiting_failure(set: i64, mode: &str, done: usize, parts: usize, told: &str, details: Value) -> Failure {
    let message = format!(
        "{told} (verify of set {set}: {done} of {parts} parts checked so far; the same command goes on from there)"
    );
    let mut details = if details.is_object() { details } else { json!({}) };
    details["verify"] = json!({"set": set, "mode": mode, "parts_checked": done, "parts": parts});
    Failure::new(Kind::NoTape, message).with_details(details)
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
    progress: &dyn Fn(&str) -> indicatif::ProgressBar,
    catalog: &crate::catalog::Catalog,
    set: &sets::Set,
    layout: &SetLayout,
    set_tapes: &mut SetTapes,
    tally: &Rc<RefCell<Tally>>,
    index_frames: &IndexFrames,
) -> Result<()> {
    let parts: Vec<sets::Part> = set_tapes.parts().iter().map(|(p, _)| p.clone()).collect();
    let bar = progress(&format!("verifying set {}", set.id));
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
        ReadError::TapeChange(inner) if super::needs_tape(&inner) => EntryError::Waiting(inner),
        other => EntryError::Message(other.to_string()),
    }
}

fn io_entry_error(e: std::io::Error) -> EntryError {
    if super::waits_for_tape(&e) {
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
            Err(e) if super::waits_for_tape(&e) => {
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
            check_index_end(n, status, last, frame_count, part.frame_count, errors);
        }
        Err(e) => errors.push(format!("part {n}: the index: {e}")),
    }
    Ok(())
}

/// Checks how part `n`'s index ends: `continued` unless the part is the set's `last`
/// (`complete`), listing the frames the catalog counts for the part.
fn check_index_end(
    n: i64,
    status: EndStatus,
    last: bool,
    frame_count: u64,
    catalog_frames: i64,
    errors: &mut Vec<String>,
) {
    match (status, last) {
        (EndStatus::Continued, true) => {
            errors.push(format!("part {n}: the index says the set continues on another tape"))
        }
        (EndStatus::Complete, false) => {
            errors.push(format!("part {n}: the index says the set ends here, the catalog has more parts"))
        }
        _ => {}
    }
    if frame_count != catalog_frames as u64 {
        errors.push(format!("part {n}: the index lists {frame_count} frames, the catalog {catalog_frames}"));
    }
}

/// Compares the frames `reader` read whole with the index's records of them.
fn check_frames(
    reader: &mut PartReader,
    index: &HashMap<u64, ([u8; 32], u64)>,
    errors: &mut Vec<String>,
    checked: &mut u64,
) {
    compare_frames(reader.take_frame_hashes(), index, errors, checked);
}

/// Compares frames read whole (sequence number, BLAKE3 of the bytes on tape, length) with
/// the index's records of them.
fn compare_frames(
    read: Vec<(u64, [u8; 32], u64)>,
    index: &HashMap<u64, ([u8; 32], u64)>,
    errors: &mut Vec<String>,
    checked: &mut u64,
) {
    for (seq, hash, len) in read {
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
    parse_index(&bytes, hashes)
}

/// An index file's records up to its end record: (status, frames, entries), and the frames'
/// hashes and lengths into `hashes`.
fn parse_index(bytes: &[u8], hashes: &mut HashMap<u64, ([u8; 32], u64)>) -> Result<(EndStatus, u64, u64)> {
    let mut reader = IndexReader::from_bytes(bytes)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::frame::Framing;
    use crate::format::index::{FileKind, FileRecord, FrameRecord, IndexWriter, PartRecord};

    fn frame(seq: u64) -> FrameRecord {
        FrameRecord {
            seq,
            block: 3 + seq * 4,
            stream_offset: seq << 20,
            encoded_len: 16384 + seq,
            decoded_len: 1 << 20,
            blake3: *blake3::hash(&seq.to_le_bytes()).as_bytes(),
        }
    }

    fn file(path: &[u8]) -> FileRecord {
        FileRecord {
            path: path.to_vec(),
            size: 10,
            mode: 0o644,
            mtime: 1_790_000_000,
            mtime_nsec: 0,
            uid: 1000,
            gid: 100,
            kind: FileKind::File,
            link: None,
            blake3: Some(*blake3::hash(path).as_bytes()),
            frame: 0,
            offset: 0,
            frame_block: None,
        }
    }

    /// An index file: a part record, `frames` frames, `files` files, the end record.
    fn index(frames: u64, files: usize, status: EndStatus) -> Vec<u8> {
        let header = PartHeader::new(
            uuid::Uuid::from_bytes([7; 16]),
            Framing::Zstd { level: 3 },
            None,
            4096,
            1 << 20,
            "2026-11-27T00:00:00Z".into(),
        );
        let mut w = IndexWriter::new(512, 3).unwrap();
        let mut blocks = Vec::new();
        w.write_part(&PartRecord { header, data_file: 1, first_block: 2 }).unwrap();
        for seq in 0..frames {
            w.write_frame(&frame(seq)).unwrap();
        }
        for i in 0..files {
            w.write_file(&file(format!("f{i}").as_bytes())).unwrap();
        }
        while let Some(b) = w.pop_block() {
            blocks.push(b);
        }
        blocks.extend(w.finish(status, 3 << 20).unwrap());
        blocks.concat()
    }

    #[test]
    fn a_saved_tally_goes_on_where_it_stopped() {
        let mut hash = ResumableHash::new();
        hash.update(b"the first half");
        let mut tally = Tally {
            errors: vec!["frame 3: not in the index".into()],
            frames: 12,
            index_files: 40,
            frames_checked: 5,
            files: 17,
            stats: ReadStats { blocks: 9, bytes: 4096, locates: 2 },
            parts_checked: vec![true, false],
            cursor: Some((4, 512)),
            partial: Some(PartialHash { hash: hash.clone(), remaining: 100, continue_at: 5 << 20 }),
            runs: 1,
        };
        let state = serde_json::to_string(&tally).unwrap();
        let mut saved = Tally::saved(3, &state).unwrap();
        assert_eq!(saved.errors, tally.errors);
        assert_eq!((saved.frames, saved.index_files, saved.frames_checked, saved.files), (12, 40, 5, 17));
        assert_eq!((saved.stats.blocks, saved.stats.bytes, saved.stats.locates), (9, 4096, 2));
        assert_eq!(saved.cursor, Some((4, 512)));
        let partial = saved.partial.clone().unwrap();
        assert_eq!((partial.remaining, partial.continue_at), (100, 5 << 20));
        // The hash goes on as if it had never stopped.
        let (mut went_on, mut whole) = (partial.hash, ResumableHash::new());
        went_on.update(b" and the rest");
        whole.update(b"the first half and the rest");
        assert_eq!(went_on.finalize(), whole.finalize());
        assert_eq!(saved.parts_done(), 1);
        saved.begin_run(2);
        assert_eq!((saved.runs, saved.parts_checked.clone()), (2, vec![true, false]));
        // A first run starts with no part checked.
        tally = Tally::default();
        tally.begin_run(3);
        assert_eq!((tally.runs, tally.parts_checked.clone(), tally.parts_done()), (1, vec![false; 3], 0));
    }

    #[test]
    fn damaged_saved_progress_names_its_verification() {
        let e = Tally::saved(42, "{not json").unwrap_err();
        assert_eq!(e.to_string(), "verification 42: its saved progress is damaged");
    }

    #[test]
    fn entry_counts_are_compared_once_every_part_was_read() {
        let mut tally = Tally { index_files: 9, parts_checked: vec![true, false], ..Tally::default() };
        tally.check_entry_count(10);
        assert!(tally.errors.is_empty(), "a part not read yet: its entries are missing from the count");
        tally.parts_checked[1] = true;
        tally.check_entry_count(9);
        assert!(tally.errors.is_empty());
        tally.check_entry_count(10);
        assert_eq!(tally.errors, ["the index lists 9 entries, the catalog 10"]);
    }

    #[test]
    fn the_recorded_row_carries_the_errors_only_when_asked() {
        let tally = Tally {
            errors: vec!["a".into(), "b".into()],
            frames_checked: 3,
            files: 2,
            stats: ReadStats { blocks: 1, bytes: 77, locates: 0 },
            ..Tally::default()
        };
        let row = tally.record(8, "full", false, true, 2.6);
        assert_eq!((row.set_id, row.mode, row.passed), (8, "full", false));
        assert_eq!((row.frames_checked, row.files_checked, row.tape_bytes_read, row.seconds), (3, 2, 77, 3));
        assert_eq!(row.errors.as_deref(), Some(r#"["a","b"]"#));
        assert_eq!(tally.record(8, "quick", true, false, 0.2).errors, None);
    }

    #[test]
    fn frames_read_are_compared_with_the_index() {
        let index: HashMap<u64, ([u8; 32], u64)> =
            [(0, ([1; 32], 100)), (1, ([2; 32], 200)), (2, ([3; 32], 300))].into();
        let (mut errors, mut checked) = (Vec::new(), 0);
        compare_frames(
            vec![(0, [1; 32], 100), (1, [9; 32], 200), (2, [3; 32], 301), (7, [0; 32], 1)],
            &index,
            &mut errors,
            &mut checked,
        );
        assert_eq!(checked, 4);
        assert_eq!(
            errors,
            [
                "frame 1: its bytes on tape differ from the index's BLAKE3",
                "frame 2: its bytes on tape differ from the index's BLAKE3",
                "frame 7: not in the index",
            ]
        );
        compare_frames(Vec::new(), &index, &mut errors, &mut checked);
        assert_eq!((checked, errors.len()), (4, 3));
    }

    #[test]
    fn an_index_ends_as_the_catalog_says() {
        let mut errors = Vec::new();
        check_index_end(1, EndStatus::Continued, false, 4, 4, &mut errors);
        check_index_end(2, EndStatus::Complete, true, 4, 4, &mut errors);
        assert!(errors.is_empty());
        check_index_end(2, EndStatus::Continued, true, 4, 4, &mut errors);
        check_index_end(1, EndStatus::Complete, false, 3, 4, &mut errors);
        assert_eq!(
            errors,
            [
                "part 2: the index says the set continues on another tape",
                "part 1: the index says the set ends here, the catalog has more parts",
                "part 1: the index lists 3 frames, the catalog 4",
            ]
        );
    }

    #[test]
    fn an_index_gives_its_counts_and_frame_hashes() {
        let mut hashes = HashMap::new();
        let (status, frames, files) = parse_index(&index(3, 5, EndStatus::Continued), &mut hashes).unwrap();
        assert_eq!((status, frames, files), (EndStatus::Continued, 3, 5));
        assert_eq!(hashes.len(), 3);
        assert_eq!(hashes[&2], (*blake3::hash(&2u64.to_le_bytes()).as_bytes(), 16386));
        // A second part's index adds its frames.
        let (status, ..) = parse_index(&index(1, 0, EndStatus::Complete), &mut hashes).unwrap();
        assert_eq!((status, hashes.len()), (EndStatus::Complete, 3));
    }

    #[test]
    fn a_cut_index_is_an_error() {
        let whole = index(2, 2, EndStatus::Complete);
        assert!(parse_index(&whole[..whole.len() / 2], &mut HashMap::new()).is_err());
        assert!(parse_index(b"", &mut HashMap::new()).is_err());
    }

    #[test]
    fn waiting_for_a_tape_says_how_far_the_verify_got() {
        let told = "the verify needs tape 'B' (barcode -, on the shelf); drive 'lto1' is empty; insert tape 'B' in drive 'lto1' and run again";
        let f = waiting_failure(7, "full", 1, 2, told, json!({"request": "tape", "drive": "lto1"}));
        assert_eq!(f.kind, Kind::NoTape);
        assert_eq!(
            f.message,
            format!("{told} (verify of set 7: 1 of 2 parts checked so far; the same command goes on from there)")
        );
        assert_eq!(
            f.details,
            Some(
                json!({"request": "tape", "drive": "lto1", "verify": {"set": 7, "mode": "full", "parts_checked": 1, "parts": 2}})
            )
        );
        // Details that are not an object give way to the verify's own.
        let f = waiting_failure(7, "quick", 0, 2, "x", Value::Null);
        assert_eq!(f.details, Some(json!({"verify": {"set": 7, "mode": "quick", "parts_checked": 0, "parts": 2}})));
    }

    #[test]
    fn the_outcome_serializes_as_verify_json_prints_it() {
        let outcome = VerifyOutcome {
            set: 12,
            mode: "quick",
            passed: true,
            tape: "A".into(),
            tapes: vec!["A".into(), "B".into()],
            frames: 4,
            frames_checked: 0,
            files: 0,
            tape_blocks_read: 6,
            tape_bytes_read: 9000,
            errors: Vec::new(),
            duration_secs: 1.235,
            elapsed_secs: 1.23456,
        };
        assert_eq!(
            serde_json::to_value(&outcome).unwrap(),
            json!({
                "set": 12, "mode": "quick", "passed": true, "tape": "A", "tapes": ["A", "B"], "frames": 4,
                "frames_checked": 0, "files": 0, "tape_blocks_read": 6, "tape_bytes_read": 9000, "errors": [],
                "duration_secs": 1.235,
            })
        );
    }
}
