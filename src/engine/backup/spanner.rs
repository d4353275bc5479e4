//! Tape changes in the middle of the stream: when the writer reaches a tape's end, a
//! checkpoint or a stop, the part on tape is closed and committed with the point the stream
//! goes on from, and (for a full tape) the next tape is fetched from the library or asked of
//! the operator, and the next part begun on it.

use std::cell::RefCell;
use std::io::{self, Seek, Write};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::Plan;
use super::commit::{add_member, close_part, tape_written};
use super::span::Span;
use super::tapes::{
    Ready, Refusal, describe_wanted, insert_action, note_interrupted, usable_tape, wanted_json, wanted_tapes,
};
use crate::catalog::runs;
use crate::catalog::{audit, drives};
use crate::engine::health::{self, AfterPart};
use crate::engine::library::{self, MailSlot};
use crate::engine::notify::{Notice, notify};
use crate::engine::{Env, Event, device_error};
use crate::error::Failure;
use crate::format::append::{self, LastFile};
use crate::format::index::EndStatus;
use crate::pipeline::archive::Resume;
use crate::pipeline::part_writer::{Carried, NextPart, NextTape, PartResult, Stop};
use crate::tape::TapeDevice;

/// Why a part is closed before the set ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Closing {
    /// The run stops: Ctrl-C, or a full tape nobody can change here.
    Stop(Stop),
    /// The tape is full; the next comes from the library or the operator.
    TapeChange,
    /// `--checkpoint`: the next part follows on the same tape.
    Checkpoint,
}

/// Changes tapes when one fills up: closes the part on it, finds the next tape (from the
/// drive's library, or from the operator), and starts the next part there.
pub(super) struct Spanner<'a> {
    pub(super) env: Env<'a>,
    pub(super) plan: &'a Plan,
    pub(super) drive: &'a drives::Drive,
    /// A connection of its own: the main one is not in use while the stream runs.
    pub(super) catalog: crate::catalog::Catalog,
    pub(super) span: Rc<RefCell<Span>>,
    /// The progress bar's idea of the tape being written.
    pub(super) tape_now: Arc<Mutex<String>>,
}

impl NextTape for Spanner<'_> {
    fn can_change(&mut self) -> bool {
        self.drive.library_id.is_some() || self.env.operator.present()
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
            health::after_part(&self.env, self.catalog.conn(), dev.as_mut(), drive, &tape, next)?;
        }
        Ok((dev, state))
    }

    /// The writer stopped at `next`: the part is closed and the run paused for `backup resume`.
    fn pause(&mut self, mut ended: PartResult, next: NextPart, why: Stop) -> Result<()> {
        let carried = ended.take_carried();
        let (dev, state) = self.close_and_record(ended, next, Closing::Stop(why), &carried)?;
        drop(dev);
        self.env.event(Event::Paused(state.clone()));
        if why == Stop::TapeFull {
            let tape = state["tape"].as_str().unwrap_or_default().to_string();
            self.tell_full(&tape, &state, "nobody could change it, so the run paused (backup resume)");
        }
        self.env.note(|| {
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

    /// Tells the notification targets that `tape` is full (`tape_full`); the payload is the
    /// execution's resume state, which names the set, part, tape and tape-change request.
    fn tell_full(&self, tape: &str, state: &Value, what_next: &str) {
        let job = self.plan.job.name.clone();
        let notice = Notice {
            kind: "tape_full",
            subject: format!("tape '{tape}' is full (job '{job}')"),
            body: format!("Tape '{tape}' is full while job '{job}' wrote set {}: {what_next}.", state["set"]),
            job: Some(job),
            payload: json!({"type": "tape_full", "tape": tape, "job": self.plan.job.name, "state": state}),
        };
        notify(&self.env, &notice);
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
        self.env.event(Event::Checkpoint {
            set: span.set_id,
            part: state["part"].clone(),
            tape: state["tape"].clone(),
            stream_offset: next.stream_offset,
            execution: span.execution_id,
        });
        span.at = at;
        Ok(dev)
    }

    /// The tape is full: the part is closed and recorded (the frames in flight saved with it,
    /// so a run that cannot get another tape stays resumable), the next tape taken, and its
    /// part begun; returns the drive and the frames in flight, which open that part.
    fn change(&mut self, mut ended: PartResult, next: NextPart) -> Result<(Box<dyn TapeDevice>, Carried)> {
        let (env, drive) = (self.env, self.drive);
        let carried = ended.take_carried();
        // The next part starts with the frames in flight.
        let part_start = carried.first().unwrap_or(next);
        let (dev, state) = self.close_and_record(ended, next, Closing::TapeChange, &carried)?;
        let request = state["tape_change_request"].as_i64().unwrap_or_default();
        let full = state["tape"].as_str().unwrap_or_default().to_string();
        let used: Vec<i64> = self.span.borrow().closed.iter().map(|c| c.tape_id).collect();
        env.event(Event::TapeChange {
            reason: "tape_full",
            tape: full.clone(),
            request,
            next_part: used.len() + 1,
            stream_offset: part_start.stream_offset,
        });
        env.note(|| format!("Tape '{full}' is full; the set goes on on another tape (part {})", used.len() + 1));
        self.tell_full(&full, &state, "the set goes on on another tape");

        let (mut dev, Ready { tape, at, .. }) = self.next_usable(dev, &used, request)?;
        let mut span = self.span.borrow_mut();
        span.header.part += 1;
        span.header.stream_offset = part_start.stream_offset;
        let header_block = span.header.encode(Some(at.file))?;
        dev.write_block(&header_block).map_err(|e| device_error(e, drive))?;
        let tx = self.catalog.write()?;
        note_interrupted(&env, &tx, &tape)?;
        runs::tape_request_met(&tx, request, tape.id)?;
        drives::set_current_tape(&tx, drive.id, Some(tape.id))?;
        tx.commit()?;
        env.event(Event::Part {
            set: span.set_id,
            part: span.header.part,
            tape: tape.label.clone(),
            file: at.file,
            block: at.block,
            stream_offset: part_start.stream_offset,
        });
        env.note(|| format!("Writing part {} to tape '{}', file {}", span.header.part, tape.label, at.file));
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
        let (env, plan, drive) = (self.env, self.plan, self.drive);
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
                for t in wanted_tapes(self.catalog.conn(), plan)? {
                    if tried_in_library.contains(&t.id) || not_in_library.contains(&t.id) {
                        continue;
                    }
                    if let Some(barcode) = &t.barcode
                        && library::load_for(&env, &mut self.catalog, drive, barcode)?
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
                let wanted: Vec<_> = wanted.into_iter().filter(|t| !used.contains(&t.id)).collect();
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
                env.operator.insert_tape(
                    drive,
                    &format!("the set needs another tape. {}", describe_wanted(&plan.pool, &wanted)),
                    &insert_action(mail.as_ref(), drive),
                    details,
                )?;
                not_in_library.clear();
            }
            let mut d = crate::tape::open(&spec).map_err(|e| device_error(e, drive))?;
            let refused = match usable_tape(&env, self.catalog.conn(), d.as_mut(), drive, plan, used) {
                Ok(ready) => return Ok((d, ready)),
                Err(Refusal { fatal: Some(e), .. }) => return Err(e),
                Err(Refusal { message, .. }) => message,
            };
            env.event(Event::TapeRefused { request, reason: refused.clone() });
            env.note(|| format!("{refused}: it is left untouched"));
            dev = Some(d);
        }
    }
}
