//! Closing a part (its index and flushing filemark, then its entries in the catalog) and
//! committing the set once its last part is on the medium; or recording why a run failed.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Seek, Write};
use std::os::unix::ffi::OsStringExt;
use std::rc::Rc;
use std::time::Instant;

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde_json::json;

use super::span::{ClosedPart, Span, new_spool};
use super::{Plan, RunCounts, Summary};
use crate::catalog::entries::{EntryWriter, NewEntry};
use crate::catalog::runs::{self, RunState};
use crate::catalog::tapes::{self, TapeStatus};
use crate::catalog::{audit, drives, sets};
use crate::engine::health::{self, AfterPart};
use crate::engine::{Env, Event, device_error};
use crate::format::index::{EndStatus, FileKind, FileRecord, IndexWriter, PartRecord};
use crate::pipeline::archive;
use crate::pipeline::part_writer::PartResult;
use crate::tape::TapeDevice;

/// Index records are zstd-compressed at this level.
const INDEX_ZSTD_LEVEL: i32 = 3;

/// Adds part `p` to the set's `tape_spanning_members`.
pub(super) fn add_member(tx: &Connection, spanning: i64, set_id: i64, p: &ClosedPart) -> Result<()> {
    runs::add_spanning_member(
        tx,
        spanning,
        &runs::Member { tape_id: p.tape_id, set_id, part: p.part, bytes: p.tape_bytes, entries: p.entries },
    )
}

/// The tape's usage after a part: bytes, writes, and whether it is now full.
pub(super) fn tape_written(tx: &Connection, p: &ClosedPart, full: bool) -> Result<()> {
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
pub(super) fn close_part(
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
    env: &Env,
    catalog: &mut crate::catalog::Catalog,
    plan: &Plan,
    drive: &drives::Drive,
    span: &Rc<RefCell<Span>>,
    result: PartResult,
    s: &archive::Summary,
    started: Instant,
) -> Result<Summary> {
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
    let elapsed = started.elapsed().as_secs_f64();
    // Each tape once, in the order the set went on them (checkpoints put parts side by side).
    let mut tapes: Vec<String> = Vec::new();
    for p in parts {
        if !tapes.contains(&p.label) {
            tapes.push(p.label.clone());
        }
    }
    let summary = Summary {
        set: span.set_id,
        set_uuid: span.header.set_uuid.to_string(),
        job: plan.job.name.clone(),
        source: plan.source.name.clone(),
        backup_type: plan.backup_type.as_str(),
        parent_set: plan.parent.as_ref().map(|(p, _)| p.id),
        status: if s.unreadable > 0 { "partial" } else { "completed" },
        tape: first.label.clone(),
        tapes,
        parts: parts.len(),
        tape_full: early_warning,
        drive: drive.name.clone(),
        file: first.data_file,
        start_block: first.header_block,
        end_block,
        blocks: if parts.len() == 1 {
            end_block - first.header_block
        } else {
            parts.iter().map(|p| p.end_block - p.header_block).sum()
        },
        entries: counts.entries,
        files: counts.files,
        bytes: counts.file_bytes,
        stream_bytes,
        tape_bytes: on_tape,
        unchanged: s.unchanged,
        deleted: counts.deleted,
        warnings: s.warnings,
        unreadable: s.unreadable,
        compression: plan.framing.compression(),
        encrypted: plan.framing.is_encrypted(),
        duration_secs: (elapsed * 1000.0).round() / 1000.0,
        this_run: RunCounts { entries: s.entries, files: s.files, file_bytes: s.file_bytes },
    };
    audit::record(&tx, "backup.run", "backup_set", Some(span.set_id), super::summary_json(&summary))?;
    tx.commit()?;
    for f in &span.carried_files {
        let _ = std::fs::remove_file(f);
    }
    health::after_part(env, catalog.conn(), dev.as_mut(), drive, &span.tape, AfterPart::SetComplete)?;
    debug_assert!(span.resumed || entry_rows == s.entries + s.deleted);
    env.verbose(|| {
        format!(
            "index and catalog: {entry_rows} entries in {:.2} s (data took {:.2} s)",
            index_started.elapsed().as_secs_f64(),
            (started.elapsed() - index_started.elapsed()).as_secs_f64()
        )
    });
    env.event(Event::Summary(summary.clone()));
    Ok(summary)
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
    // A stream cannot be read again: its set is never left to be resumed.
    let stream = plan.input.is_stream();
    if s.stopped.is_some() && !stream {
        return e;
    }
    let message = format!("{e:#}");
    let (set_id, execution_id) = (s.set_id, s.execution_id);
    let recorded = (|| -> Result<()> {
        let tx = catalog.write()?;
        if s.checkpointed && !stream {
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
    if stream {
        for f in &s.carried_files {
            let _ = std::fs::remove_file(f);
        }
    }
    match recorded {
        Err(r) => e.context(format!("and recording the failure failed too: {r:#}")),
        Ok(()) if stream => e,
        Ok(()) if s.checkpointed => e.context(format!(
            "set {set_id} stopped; its parts up to the last checkpoint are on tape: continue it with \
             `tapebackarr backup resume {execution_id}` (on another tape if this one is bad)"
        )),
        Ok(()) => e,
    }
}
