//! The set's stream: its header block, then the source through tar and the frame pipeline
//! to tape, its entries' index records spooled until their part closes; and the ticker that
//! reports progress and passes a stop request on to the writer.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::Value;

use super::plan::selector;
use super::source::Stream;
use super::span::Span;
use super::spanner::Spanner;
use super::{Plan, Progress};
use crate::catalog::drives;
use crate::engine::{Env, Event, device_error};
use crate::error::{Failure, Kind};
use crate::format::frame::Framing;
use crate::format::index::{FileKind, FileRecord};
use crate::pipeline::archive::{self, Event as ArchiveEvent, Resume};
use crate::pipeline::part_writer::{Carried, PartConfig, PartResult, PartWriter, PipelineError, Stop};
use crate::pipeline::tar::TarWriter;
use crate::pipeline::walk::{WalkOptions, Walker};
use crate::tape::TapeDevice;

/// How often the ticker reports progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

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
    env: &Env,
    plan: &Plan,
    drive: &drives::Drive,
    mut dev: Box<dyn TapeDevice>,
    span: &Rc<RefCell<Span>>,
    from: Option<ResumeFrom>,
    input: Option<Stream>,
) -> Result<(PartResult, archive::Summary)> {
    let (set_uuid, block_size, tape_label) = {
        let s = span.borrow();
        let header_block = s.header.encode(Some(s.at.file))?;
        dev.write_block(&header_block).map_err(|e| device_error(e, drive))?;
        (s.header.set_uuid, s.header.block_size as usize, s.tape.label.clone())
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
    let spanner =
        Spanner { env: *env, plan, drive, catalog: env.catalog()?, span: span.clone(), tape_now: tape_now.clone() };
    let (replay, carried) = match from {
        Some(ResumeFrom { resume, carried, .. }) => {
            let (frames, records) = carried.unzip();
            (Some((resume, records.unwrap_or_default())), frames)
        }
        None => (None, None),
    };
    let writer = match carried {
        Some(frames) => PartWriter::spanning_after(dev, cfg, frames, Box::new(spanner))?,
        None => PartWriter::spanning(dev, cfg, Box::new(spanner))?,
    };
    // From here on a stop asked for closes the part cleanly.
    env.operator.stop_from_now();
    let ticker = Ticker::new(writer.tape_bytes(), writer.stop_flag(), tape_now);
    ticker.during(env, || write_archive(env, plan, span, writer, replay, &ticker, input))
}

/// The entries a resumed run's replay asks about: those in the set's committed parts (the
/// catalog) and those in the frames a stopped run carried over (their records).
struct Recorded {
    catalog: crate::catalog::Catalog,
    set_id: i64,
    carried: HashMap<Vec<u8>, (Option<u64>, i64)>,
}

impl Recorded {
    fn new(env: &Env, set_id: i64, carried: Vec<FileRecord>) -> Result<Recorded> {
        let carried = carried
            .into_iter()
            .filter(|r| r.kind != FileKind::Deleted)
            .map(|r| {
                let size = (r.kind == FileKind::File).then_some(r.size);
                let mtime = r.mtime.saturating_mul(1_000_000_000).saturating_add(r.mtime_nsec.into());
                (r.path, (size, mtime))
            })
            .collect();
        Ok(Recorded { catalog: env.catalog()?, set_id, carried })
    }

    /// The size (a file's) and mtime (ns) the set holds for `path`, if it holds it.
    fn lookup(&self, path: &[u8]) -> io::Result<Option<(Option<u64>, i64)>> {
        if let Some(r) = self.carried.get(path) {
            return Ok(Some(*r));
        }
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(path));
        let listed =
            crate::catalog::entries::entry(self.catalog.conn(), self.set_id, path).map_err(io::Error::other)?;
        Ok(listed.filter(|l| l.kind != "deleted").map(|l| {
            let size = (l.kind == "file").then(|| l.size.unwrap_or(0).max(0) as u64);
            (size, l.mtime_ns.unwrap_or(0))
        }))
    }
}

/// The archive through the pipeline's writer: one stream, or the walk (or a replay of it up
/// to the point a stopped run reached, `replay`, with the records of the frames it carried);
/// then the end of the set's stream.
fn write_archive(
    env: &Env,
    plan: &Plan,
    span: &Rc<RefCell<Span>>,
    writer: PartWriter,
    replay: Option<(Resume, Vec<FileRecord>)>,
    ticker: &Ticker,
    input: Option<Stream>,
) -> Result<(PartResult, archive::Summary)> {
    let at = replay.as_ref().map_or(0, |(resume, _)| resume.at);
    let end_blocks = replay.as_ref().and_then(|(resume, _)| resume.end_blocks);
    let mut tar = TarWriter::with_offset(writer, at);
    let files = &ticker.files;
    let mut on = |event: ArchiveEvent<'_>| {
        match event {
            ArchiveEvent::Begin { header, size, start, frame, offset } => {
                let mut s = span.borrow_mut();
                s.current.header.assign(header);
                (s.current.size, s.current.start, s.current.frame, s.current.offset) = (size, start, frame, offset);
                s.in_entry = true;
            }
            ArchiveEvent::Entry(record) => {
                let mut s = span.borrow_mut();
                serde_json::to_writer(&mut s.spool, record).map_err(io::Error::other)?;
                s.spool.write_all(b"\n")?;
                s.in_entry = false;
                s.last_recorded.clone_from(&record.path);
                files.fetch_add(1, Ordering::Relaxed);
            }
            ArchiveEvent::Warning { path, message, unreadable } => {
                env.event(Event::FileError { path: path.to_path_buf(), message: message.to_string(), unreadable });
            }
        }
        Ok(())
    };
    let summary = match input {
        Some(stream) => archive::archive_stream(&stream.entry, stream.reader, &mut tar, &mut on),
        None => {
            let walker =
                Walker::new(&plan.source.path, selector(&plan.source)?, WalkOptions { cross_fs: plan.cross_fs })
                    .with_context(|| format!("cannot read source '{}'", plan.source.name))?;
            let previous = plan.parent.as_ref().map(|(_, d)| d.as_slice());
            match replay {
                Some((resume, carried)) => {
                    let recorded = Recorded::new(env, span.borrow().set_id, carried)?;
                    let mut lookup = |path: &[u8]| recorded.lookup(path);
                    archive::archive_from(walker, &mut tar, previous, &mut on, Some((&resume, &mut lookup)))
                }
                None => archive::archive_from(walker, &mut tar, previous, &mut on, None),
            }
        }
    };
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
    if let Some(start) = end_blocks
        && tar.offset() == at
    {
        // Cut in the end-of-archive blocks: only the rest of them.
        tar.resume_within(start, at);
    }
    let finished = tar.finish();
    let result = finished.map_err(anyhow::Error::new).and_then(|(w, _)| w.finish().map_err(anyhow::Error::new));
    match (result, why()) {
        (_, Some(e)) => Err(e),
        (Err(e), None) => Err(e.context("writing to tape")),
        (Ok(result), None) => Ok((result, summary)),
    }
}

/// The error a stopped run exits with: 130 after Ctrl-C, 4 when a tape must be changed.
pub(super) fn stopped_error(stop: Stop, state: &Value, plan: &Plan) -> anyhow::Error {
    let execution = state["execution"].as_i64().unwrap_or_default();
    let (set, part, tape) = (&state["set"], &state["part"], state["tape"].as_str().unwrap_or("?"));
    if plan.input.is_stream() {
        // Its bytes are gone: the set cannot be continued (the caller marks it failed).
        let why = match stop {
            Stop::Interrupted => (Kind::Interrupted, "stopped".to_string()),
            Stop::TapeFull => (Kind::NoTape, format!("tape '{tape}' is full and no other can be loaded here")),
        };
        return Failure::new(
            why.0,
            format!(
                "{}: set {set} was read from a stream, which cannot be read again: it is marked failed; run the \
                 backup again (with a library, or at a terminal, to change tapes)",
                why.1
            ),
        )
        .with_details(state.clone())
        .into();
    }
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

/// Progress from a thread of its own, sampling counters the pipeline keeps anyway; it also
/// passes a stop the operator asks for on to the writer, which stops at its next frame.
pub(super) struct Ticker {
    pub(super) files: AtomicU64,
    tape_bytes: Arc<AtomicU64>,
    stop_writer: Arc<AtomicBool>,
    tape: Arc<Mutex<String>>,
    done: AtomicBool,
}

impl Ticker {
    fn new(tape_bytes: Arc<AtomicU64>, stop_writer: Arc<AtomicBool>, tape: Arc<Mutex<String>>) -> Ticker {
        Ticker { files: AtomicU64::new(0), tape_bytes, stop_writer, tape, done: AtomicBool::new(false) }
    }

    /// Runs `work` with the ticker reporting beside it.
    fn during<T>(&self, env: &Env, work: impl FnOnce() -> T) -> T {
        std::thread::scope(|scope| {
            scope.spawn(|| self.tick(env));
            let out = work();
            self.done.store(true, Ordering::Relaxed);
            out
        })
    }

    fn tick(&self, env: &Env) {
        let start = Instant::now();
        let mut last = Instant::now();
        while !self.done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            if env.operator.stop_requested() {
                self.stop_writer.store(true, Ordering::Relaxed);
            }
            if last.elapsed() < PROGRESS_EVERY {
                continue;
            }
            last = Instant::now();
            let (bytes, entries) = (self.tape_bytes.load(Ordering::Relaxed), self.files.load(Ordering::Relaxed));
            let secs = start.elapsed().as_secs_f64().max(0.001);
            env.event(Event::Progress(Progress {
                tape_bytes: bytes,
                entries,
                bytes_per_sec: (bytes as f64 / secs) as u64,
                elapsed_secs: (secs * 10.0).round() / 10.0,
                tape: self.tape.lock().expect("tape name lock").clone(),
            }));
        }
    }
}
