//! The write side of a set part: stream bytes in, tape blocks out.
//!
//! The caller (the tar writer) writes the set's stream into a [`PartWriter`]. It cuts the
//! stream into frames of `frame_size` decoded bytes, hands them to encoder threads (zstd,
//! AES-GCM, in parallel), and a writer thread puts the encoded frames on the drive in order,
//! whole blocks only, asking the drive where each frame starts. Memory stays bounded: the
//! channels are small and frame buffers are recycled, whatever the size of the set.
//!
//! A file's position is known from the stream offset alone: frames are cut at fixed decoded
//! sizes, so [`PartWriter::cursor`] tells the frame and the offset inside it before a byte is
//! written.
//!
//! **Spanning.** When a write reports early warning, the part ends with the frame being
//! written: the writer thread puts nothing more on that tape (so at most one frame goes past
//! the mark, and where a part ends depends only on where the mark is) and keeps the frames
//! still in flight. The stream's thread then hands the ended part to a [`NextTape`] (which
//! closes it on tape, gets another tape and writes the next part's header) and goes on with
//! the same stream on the drive it gets back, the kept frames first. Parts end on frame
//! boundaries, so every frame but the set's last stays exactly `frame_size` decoded bytes.
//!
//! **The physical end.** A drive may reach the end of the medium in the middle of a frame:
//! the early-warning zone is smaller than a frame (small cartridges), or the drive gives no
//! early warning at all (tgt). The writer then spaces back over the blocks of that frame
//! already written, so the part's filemark (written next, at that spot) cuts them off, and
//! keeps the frame with the others in flight: no part ever ends in half a frame, and the
//! room the cut frame took is what the filemark and index need.
//!
//! **Stopping with frames in flight.** When no other tape can be had now (a standalone drive
//! with nobody at the terminal), the frames encoded but not on tape are handed over as
//! [`Carried`] frames: the caller saves them ([`Carried::save`]) and a resumed run writes
//! them first ([`PartWriter::spanning_after`]), so nothing goes past the early-warning mark
//! but the frame being written when it came.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use uuid::Uuid;

use crate::format::frame::{FrameEncoder, FrameError, Framing};
use crate::format::index::FrameRecord;
use crate::tape::{Space, TapeDevice, TapeError, WriteOutcome};

#[derive(Debug, Clone)]
pub struct PartConfig {
    pub framing: Framing,
    /// The data key, for the aead framing.
    pub key: Option<[u8; 32]>,
    pub set_uuid: Uuid,
    pub block_size: usize,
    /// Decoded bytes per frame: a multiple of `block_size`.
    pub frame_size: usize,
    /// Encoder threads.
    pub workers: usize,
    /// Sequence number of this part's first frame (frames count across the whole set).
    pub first_seq: u64,
    /// Stream offset of this part's first byte.
    pub stream_offset: u64,
    /// When spanning: close the part and open the next on the same tape after this many
    /// stream bytes (a checkpoint a crashed run can be resumed from); 0 = never.
    pub checkpoint_every: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("tape: {0}")]
    Tape(#[from] TapeError),
    #[error("{0}")]
    Frame(#[from] FrameError),
    #[error("the frame size {frame_size} is not a multiple of the block size {block_size}")]
    BadFrameSize { frame_size: usize, block_size: usize },
    #[error("an encoder thread died")]
    WorkerDied,
    /// Changing tapes failed; the [`NextTape`] keeps the details.
    #[error("the tape change failed: {0}")]
    TapeChange(String),
    /// The writer stopped at a frame boundary ([`Stop`]); the part is closed.
    #[error("the backup stopped at a frame boundary")]
    Stopped,
}

/// Where the next part's stream starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextPart {
    /// Sequence number of its first frame.
    pub seq: u64,
    /// Stream offset of its first byte.
    pub stream_offset: u64,
}

/// Why the writer stopped before the end of the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Asked to (Ctrl-C, SIGTERM) through [`PartWriter::stop_flag`].
    Interrupted,
    /// The tape is full and no other can be had now ([`NextTape::can_change`]).
    TapeFull,
}

/// What the writer calls when a tape fills up or it is told to stop (on the thread that
/// writes the stream). `next` is always where the stream stands (what a resumed run would
/// write next); frames encoded but not on tape are in `ended` ([`PartResult::take_carried`]).
pub trait NextTape {
    /// Whether another tape can be had now (a library, an operator at a terminal). When not,
    /// the writer stops at a full tape.
    fn can_change(&mut self) -> bool;
    /// `ended` is on tape up to its last frame: close it (filemark, index), get the next tape,
    /// write the next part's header, and return the drive positioned for its first frame,
    /// with the frames `ended` carried, which open that part.
    fn next_tape(&mut self, ended: PartResult, next: NextPart) -> Result<(Box<dyn TapeDevice>, Carried), String>;
    /// The writer stops: `ended` holds everything written; a resumed run writes the frames
    /// it carries first, then picks the stream up at `next`. Close the part; the stream's
    /// writes fail after this.
    fn stopped(&mut self, ended: PartResult, next: NextPart, why: Stop) -> Result<(), String>;
    /// A checkpoint: as [`NextTape::stopped`] (nothing carried), then the next part's header
    /// on the same tape; returns the drive positioned for its first frame.
    fn checkpoint(&mut self, ended: PartResult, next: NextPart) -> Result<Box<dyn TapeDevice>, String>;
}

/// What a finished part left on tape.
pub struct PartResult {
    /// The drive, handed back.
    pub dev: Box<dyn TapeDevice>,
    pub frames: Vec<FrameRecord>,
    /// Some block was written past the early-warning mark, or the end of the medium was
    /// reached: the tape is full.
    pub early_warning: bool,
    /// The end of the medium was reached in the middle of a frame (cut off again).
    pub end_of_medium: bool,
    /// Stream bytes in this part.
    pub stream_bytes: u64,
    /// Bytes written to tape (frames with their padding).
    pub tape_bytes: u64,
    /// Frames encoded but not written because the part ended first: they open the next part.
    unwritten: Vec<Encoded>,
}

struct Job {
    seq: u64,
    stream_offset: u64,
    decoded: Vec<u8>,
    last: bool,
}

struct Encoded {
    seq: u64,
    stream_offset: u64,
    decoded_len: usize,
    encoded: Vec<u8>,
    blake3: [u8; 32],
}

impl PartResult {
    /// The frames encoded but not on tape when the part ended, in sequence order: a
    /// stopped run keeps them for the next ([`Carried::save`]).
    pub fn take_carried(&mut self) -> Carried {
        let mut frames = std::mem::take(&mut self.unwritten);
        frames.sort_by_key(|e| e.seq);
        Carried { frames }
    }
}

/// Frames encoded (compressed, encrypted) but not yet on tape, kept across runs in a file of
/// the home directory: a stopped run's frames in flight, written first by the resumed run.
/// The file is ours alone (not part of the tape format): `TBCARRY1`, then per frame its
/// sequence number, stream offset, decoded length, BLAKE3 (as the index records it) and
/// encoded bytes, then the BLAKE3 of everything before, so a damaged file is refused.
#[derive(Default)]
pub struct Carried {
    frames: Vec<Encoded>,
}

const CARRY_MAGIC: &[u8; 8] = b"TBCARRY1";

impl Carried {
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Where the first carried frame starts: (sequence number, stream offset).
    pub fn first(&self) -> Option<NextPart> {
        self.frames.first().map(|e| NextPart { seq: e.seq, stream_offset: e.stream_offset })
    }

    /// Encoded bytes held.
    pub fn bytes(&self) -> u64 {
        self.frames.iter().map(|e| e.encoded.len() as u64).sum()
    }

    /// Writes the frames to `path` (created, mode 0600, never over an existing file) and
    /// syncs it.
    pub fn save(&self, path: &std::path::Path) -> io::Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        let mut out = Vec::new();
        out.extend_from_slice(CARRY_MAGIC);
        out.extend_from_slice(&(self.frames.len() as u64).to_le_bytes());
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
        let mut hasher = blake3::Hasher::new();
        let mut put = |f: &mut std::fs::File, bytes: &[u8]| -> io::Result<()> {
            hasher.update(bytes);
            f.write_all(bytes)
        };
        put(&mut f, &out)?;
        for e in &self.frames {
            let mut head = Vec::with_capacity(64);
            for n in [e.seq, e.stream_offset, e.decoded_len as u64, e.encoded.len() as u64] {
                head.extend_from_slice(&n.to_le_bytes());
            }
            head.extend_from_slice(&e.blake3);
            put(&mut f, &head)?;
            put(&mut f, &e.encoded)?;
        }
        let sum = *hasher.finalize().as_bytes();
        f.write_all(&sum)?;
        f.sync_all()
    }

    /// Reads frames saved by [`Carried::save`], checking the file's checksum.
    pub fn load(path: &std::path::Path) -> io::Result<Carried> {
        let bytes = std::fs::read(path)?;
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {what}", path.display()));
        if bytes.len() < 48 || &bytes[..8] != CARRY_MAGIC {
            return Err(bad("not a file of carried frames"));
        }
        let (body, sum) = bytes.split_at(bytes.len() - 32);
        if blake3::hash(body).as_bytes() != sum {
            return Err(bad("damaged (its checksum does not match)"));
        }
        let u64_at = |at: usize| -> io::Result<u64> {
            body.get(at..at + 8)
                .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
                .ok_or_else(|| bad("cut short"))
        };
        let count = u64_at(8)?;
        let mut at = 16;
        let mut frames = Vec::new();
        for _ in 0..count {
            let (seq, stream_offset, decoded_len, len) =
                (u64_at(at)?, u64_at(at + 8)?, u64_at(at + 16)?, u64_at(at + 24)?);
            let blake3: [u8; 32] = body.get(at + 32..at + 64).ok_or_else(|| bad("cut short"))?.try_into().expect("32");
            at += 64;
            let end = at.checked_add(len as usize).filter(|e| *e <= body.len()).ok_or_else(|| bad("cut short"))?;
            frames.push(Encoded {
                seq,
                stream_offset,
                decoded_len: decoded_len as usize,
                encoded: body[at..end].to_vec(),
                blake3,
            });
            at = end;
        }
        if at != body.len() {
            return Err(bad("trailing bytes"));
        }
        Ok(Carried { frames })
    }
}

/// Frame-sized buffers, reused so the hot path neither allocates nor faults in pages.
#[derive(Clone, Default)]
struct Pool(Arc<Mutex<Vec<Vec<u8>>>>);

impl Pool {
    fn take(&self, capacity: usize) -> Vec<u8> {
        let mut v = self.0.lock().expect("pool lock").pop().unwrap_or_default();
        v.clear();
        v.reserve(capacity);
        v
    }

    /// A buffer of exactly `len` initialized bytes, for filling in place. Recycled frame
    /// buffers come back at that length already, so nothing is zeroed on the hot path.
    fn take_full(&self, len: usize) -> Vec<u8> {
        let mut v = self.0.lock().expect("pool lock").pop().unwrap_or_default();
        v.resize(len, 0);
        v
    }

    fn give(&self, v: Vec<u8>) {
        let mut pool = self.0.lock().expect("pool lock");
        if pool.len() < 16 {
            pool.push(v);
        }
    }
}

/// A raw frame must be whole blocks unless it is the set's last (the frame encoder's rule).
fn check_raw(job: &Job, block_size: usize) -> Result<(), FrameError> {
    if !job.last && !job.decoded.len().is_multiple_of(block_size) {
        return Err(FrameError::RawNotBlockAligned { seq: job.seq, len: job.decoded.len(), block_size });
    }
    Ok(())
}

/// The threads of one part: encoders and the tape writer.
struct Threads {
    jobs: SyncSender<Job>,
    workers: Vec<JoinHandle<()>>,
    writer: JoinHandle<Result<PartResult, PipelineError>>,
}

pub struct PartWriter<'a> {
    cfg: PartConfig,
    /// The frame being filled: always `frame_size` initialized bytes, of which `filled` are
    /// stream data.
    buf: Vec<u8>,
    filled: usize,
    next_seq: u64,
    /// Stream offset of `buf[0]`.
    frame_offset: u64,
    threads: Option<Threads>,
    /// Decoded frame buffers, apart from encoded ones so their lengths stay `frame_size`.
    frames: Pool,
    /// Encoded frame buffers.
    encoded: Pool,
    /// Bytes on tape so far (all parts), for progress reports from another thread.
    written: Arc<AtomicU64>,
    /// Set by the writer thread when a block went past the early-warning mark.
    early_warning: Arc<AtomicBool>,
    /// Set from outside (a signal handler) to stop at the next frame boundary.
    stop_requested: Arc<AtomicBool>,
    /// Stopped: every later write fails.
    stopped: bool,
    /// Stream offset where the current part started, for checkpoints.
    part_start: u64,
    next_tape: Option<Box<dyn NextTape + 'a>>,
}

impl<'a> PartWriter<'a> {
    /// A writer that writes on past early warning until the tape is physically full.
    pub fn start(dev: Box<dyn TapeDevice>, cfg: PartConfig) -> Result<PartWriter<'a>, PipelineError> {
        PartWriter::with_next_tape(dev, cfg, None)
    }

    /// A writer that goes on to another tape at early warning, as `next_tape` provides.
    pub fn spanning(
        dev: Box<dyn TapeDevice>,
        cfg: PartConfig,
        next_tape: Box<dyn NextTape + 'a>,
    ) -> Result<PartWriter<'a>, PipelineError> {
        PartWriter::with_next_tape(dev, cfg, Some(next_tape))
    }

    /// A spanning writer whose part begins with frames a stopped run carried
    /// ([`PartResult::take_carried`]); `cfg.first_seq` and `cfg.stream_offset` say where the
    /// stream goes on after them.
    pub fn spanning_after(
        dev: Box<dyn TapeDevice>,
        cfg: PartConfig,
        carried: Carried,
        next_tape: Box<dyn NextTape + 'a>,
    ) -> Result<PartWriter<'a>, PipelineError> {
        PartWriter::with_carried(dev, cfg, carried, Some(next_tape))
    }

    fn with_next_tape(
        dev: Box<dyn TapeDevice>,
        cfg: PartConfig,
        next_tape: Option<Box<dyn NextTape + 'a>>,
    ) -> Result<PartWriter<'a>, PipelineError> {
        PartWriter::with_carried(dev, cfg, Carried::default(), next_tape)
    }

    fn with_carried(
        dev: Box<dyn TapeDevice>,
        cfg: PartConfig,
        carried: Carried,
        next_tape: Option<Box<dyn NextTape + 'a>>,
    ) -> Result<PartWriter<'a>, PipelineError> {
        if cfg.block_size == 0 || cfg.frame_size == 0 || !cfg.frame_size.is_multiple_of(cfg.block_size) {
            return Err(PipelineError::BadFrameSize { frame_size: cfg.frame_size, block_size: cfg.block_size });
        }
        let frames = Pool::default();
        let cfg_stream_offset = cfg.stream_offset;
        let mut w = PartWriter {
            buf: frames.take_full(cfg.frame_size),
            filled: 0,
            next_seq: cfg.first_seq,
            frame_offset: cfg.stream_offset,
            cfg,
            threads: None,
            frames,
            encoded: Pool::default(),
            written: Arc::new(AtomicU64::new(0)),
            early_warning: Arc::new(AtomicBool::new(false)),
            stop_requested: Arc::new(AtomicBool::new(false)),
            stopped: false,
            part_start: carried.first().map_or(cfg_stream_offset, |f| f.stream_offset),
            next_tape,
        };
        let first_seq = carried.first().map_or(w.next_seq, |f| f.seq);
        w.spawn_with(dev, first_seq, carried.frames)?;
        Ok(w)
    }

    /// Starts the encoder threads and the tape writer for a part whose first frame is
    /// `first_seq`; `carried` are frames already encoded for it.
    fn spawn_with(
        &mut self,
        dev: Box<dyn TapeDevice>,
        first_seq: u64,
        carried: Vec<Encoded>,
    ) -> Result<(), PipelineError> {
        let cfg = &self.cfg;
        let workers = cfg.workers.max(1);
        let (pool, frames) = (self.encoded.clone(), self.frames.clone());
        // Frames in flight: one filling, one queued per worker, one in each worker, `workers`
        // done and waiting for the writer, one being written. Enough to keep every thread
        // busy; more would only cost memory (frames are megabytes).
        let (job_tx, job_rx) = sync_channel::<Job>(workers);
        let (done_tx, done_rx) = sync_channel::<Result<Encoded, PipelineError>>(workers);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let mut handles = Vec::new();
        for _ in 0..workers {
            let mut encoder = FrameEncoder::new(cfg.framing, cfg.key.as_ref(), &cfg.set_uuid, cfg.block_size)?;
            let (jobs, done, pool, frames) = (job_rx.clone(), done_tx.clone(), pool.clone(), frames.clone());
            let (max, block_size, raw) = (cfg.frame_size, cfg.block_size, cfg.framing == Framing::Raw);
            handles.push(std::thread::spawn(move || {
                loop {
                    // Holding the lock only to receive: frames are big, contention is nil.
                    let job = match jobs.lock().expect("job lock").recv() {
                        Ok(job) => job,
                        Err(_) => return,
                    };
                    let result = if raw {
                        // A raw frame is its decoded bytes: hand the buffer on, no copy.
                        check_raw(&job, block_size).map(|()| Encoded {
                            seq: job.seq,
                            stream_offset: job.stream_offset,
                            decoded_len: job.decoded.len(),
                            blake3: *blake3::hash(&job.decoded).as_bytes(),
                            encoded: job.decoded,
                        })
                    } else {
                        let mut encoded = pool.take(max + max / 64 + 4096);
                        let result = encoder.encode(job.seq, &job.decoded, job.last, &mut encoded).map(|e| Encoded {
                            seq: job.seq,
                            stream_offset: job.stream_offset,
                            decoded_len: job.decoded.len(),
                            encoded,
                            blake3: e.blake3,
                        });
                        frames.give(job.decoded);
                        result
                    };
                    if done.send(result.map_err(PipelineError::from)).is_err() {
                        return;
                    }
                }
            }));
        }
        drop(done_tx);
        let raw = cfg.framing == Framing::Raw;
        // The writer hands each buffer back where it came from: raw frames are decoded buffers.
        let to = FrameSink {
            first_seq,
            carried,
            span: self.next_tape.is_some(),
            block_size: cfg.block_size,
            pool: if raw { frames } else { pool },
            written: self.written.clone(),
            early_warning: self.early_warning.clone(),
        };
        let writer = std::thread::spawn(move || write_frames(dev, done_rx, to));
        self.threads = Some(Threads { jobs: job_tx, workers: handles, writer });
        Ok(())
    }

    /// A counter of the bytes written to tape so far (frames with their padding), to read
    /// from a progress thread: sampling it costs the pipeline nothing.
    pub fn tape_bytes(&self) -> Arc<AtomicU64> {
        self.written.clone()
    }

    /// A flag that, once set, stops the writer at the next frame boundary: the part is
    /// closed there through [`NextTape::stopped`] (only when spanning).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop_requested.clone()
    }

    /// Where the next byte goes: (frame sequence number, offset in that frame's decoded bytes,
    /// stream offset).
    pub fn cursor(&self) -> (u64, usize, u64) {
        (self.next_seq, self.filled, self.frame_offset + self.filled as u64)
    }

    fn dispatch(&mut self, last: bool) -> io::Result<()> {
        let mut decoded = std::mem::replace(&mut self.buf, self.frames.take_full(self.cfg.frame_size));
        decoded.truncate(self.filled);
        self.filled = 0;
        let job = Job { seq: self.next_seq, stream_offset: self.frame_offset, decoded, last };
        self.frame_offset += job.decoded.len() as u64;
        self.next_seq += 1;
        let sent = self.threads.as_ref().map(|t| t.jobs.send(job).is_ok()).unwrap_or(false);
        if !sent {
            // The writer stopped (a tape error): say why.
            return Err(io::Error::other(
                self.stop().err().map(|e| e.to_string()).unwrap_or_else(|| "pipeline stopped".into()),
            ));
        }
        if !last && self.next_tape.is_some() {
            if self.stop_requested.load(Ordering::Relaxed) {
                return Err(io::Error::other(self.stop_here(Stop::Interrupted)));
            }
            if self.early_warning.load(Ordering::Relaxed) {
                self.change_tape().map_err(io::Error::other)?;
            } else if self.cfg.checkpoint_every > 0 && self.frame_offset - self.part_start >= self.cfg.checkpoint_every
            {
                self.checkpoint().map_err(io::Error::other)?;
            }
        }
        Ok(())
    }

    /// Ends the part and hands it to [`NextTape::stopped`], the stream standing where it is:
    /// interrupted, the frames dispatched go on this tape (as far as it has room); when the
    /// tape is full, nothing more goes past the mark. Frames not on tape stay in the part
    /// result for the caller to carry over ([`PartResult::take_carried`]).
    fn stop_here(&mut self, why: Stop) -> PipelineError {
        let ended = match self.stop() {
            Ok(ended) if why == Stop::Interrupted && !ended.early_warning => self.write_through(ended),
            other => other,
        };
        match ended {
            Ok(ended) => self.stopped_with(ended, why),
            Err(e) => e,
        }
    }

    fn stopped_with(&mut self, ended: PartResult, why: Stop) -> PipelineError {
        self.stopped = true;
        let next = NextPart { seq: self.next_seq, stream_offset: self.frame_offset };
        let next_tape = self.next_tape.as_mut().expect("only when spanning");
        match next_tape.stopped(ended, next, why) {
            Ok(()) => PipelineError::Stopped,
            Err(e) => PipelineError::TapeChange(e),
        }
    }

    /// Writes frames the writer kept back at early warning on the same tape after all, as far
    /// as the medium has room (the rest stay unwritten).
    fn write_through(&mut self, ended: PartResult) -> Result<PartResult, PipelineError> {
        let PartResult { dev, mut frames, early_warning, end_of_medium, stream_bytes, tape_bytes, mut unwritten } =
            ended;
        unwritten.sort_by_key(|e| e.seq);
        let Some(first) = unwritten.first().map(|e| e.seq).filter(|_| !end_of_medium) else {
            return Ok(PartResult { dev, frames, early_warning, end_of_medium, stream_bytes, tape_bytes, unwritten });
        };
        // Without a next tape the writer thread writes on past the mark.
        let spanning = self.next_tape.take();
        let spawned = self.spawn_with(dev, first, unwritten);
        self.next_tape = spanning;
        spawned?;
        let rest = self.stop()?;
        frames.extend(rest.frames);
        Ok(PartResult {
            dev: rest.dev,
            frames,
            early_warning: true,
            end_of_medium: rest.end_of_medium,
            stream_bytes: stream_bytes + rest.stream_bytes,
            tape_bytes: tape_bytes + rest.tape_bytes,
            unwritten: rest.unwritten,
        })
    }

    /// Ends the part where the stream stands and goes on in the next on the same tape.
    fn checkpoint(&mut self) -> Result<(), PipelineError> {
        let ended = self.stop().and_then(|ended| self.write_through(ended))?;
        if !ended.unwritten.is_empty() {
            // The medium ended on the way: not a checkpoint but a full tape.
            return self.change_tape_after(ended);
        }
        let next = NextPart { seq: self.next_seq, stream_offset: self.frame_offset };
        let next_tape = self.next_tape.as_mut().expect("only when spanning");
        let dev = next_tape.checkpoint(ended, next).map_err(PipelineError::TapeChange)?;
        self.part_start = next.stream_offset;
        self.spawn_with(dev, next.seq, Vec::new())
    }

    /// The part ended at early warning: goes on with the next on the tape the [`NextTape`]
    /// provides, the frames still in flight first.
    fn change_tape(&mut self) -> Result<(), PipelineError> {
        if !self.next_tape.as_mut().is_some_and(|n| n.can_change()) {
            return Err(self.stop_here(Stop::TapeFull));
        }
        let ended = self.stop()?;
        self.continue_after(ended)
    }

    /// As [`PartWriter::change_tape`], the part already ended.
    fn change_tape_after(&mut self, ended: PartResult) -> Result<(), PipelineError> {
        if !self.next_tape.as_mut().is_some_and(|n| n.can_change()) {
            return Err(self.stopped_with(ended, Stop::TapeFull));
        }
        self.continue_after(ended)
    }

    fn continue_after(&mut self, ended: PartResult) -> Result<(), PipelineError> {
        self.early_warning.store(false, Ordering::Relaxed);
        let next = NextPart { seq: self.next_seq, stream_offset: self.frame_offset };
        let next_tape = self.next_tape.as_mut().expect("parts end early only when spanning");
        let (dev, carried) = next_tape.next_tape(ended, next).map_err(PipelineError::TapeChange)?;
        let first = carried.first().unwrap_or(next);
        self.part_start = first.stream_offset;
        self.spawn_with(dev, first.seq, carried.frames)
    }

    /// Flushes the last frame and waits for everything to be on tape (changing tapes once
    /// more if the last frames met early warning).
    pub fn finish(mut self) -> Result<PartResult, PipelineError> {
        if self.filled > 0 {
            self.dispatch(true).map_err(|e| PipelineError::Tape(TapeError::Other(e.to_string())))?;
        }
        loop {
            let result = self.stop()?;
            if result.unwritten.is_empty() {
                return Ok(result);
            }
            if self.next_tape.is_none() {
                // Not spanning: the rest goes on this tape, as far as it has room.
                let result = self.write_through(result)?;
                if result.unwritten.is_empty() {
                    return Ok(result);
                }
                return Err(PipelineError::Tape(TapeError::EndOfMedium));
            }
            if !self.next_tape.as_mut().is_some_and(|n| n.can_change()) {
                // Even at the set's end nothing more goes past the mark: the frames left are
                // carried to the next tape by a resumed run.
                return Err(self.stopped_with(result, Stop::TapeFull));
            }
            self.continue_after(result)?;
        }
    }

    fn stop(&mut self) -> Result<PartResult, PipelineError> {
        let Some(Threads { jobs, workers, writer }) = self.threads.take() else {
            return Err(PipelineError::WorkerDied);
        };
        drop(jobs);
        for h in workers {
            h.join().map_err(|_| PipelineError::WorkerDied)?;
        }
        writer.join().map_err(|_| PipelineError::WorkerDied)?
    }
}

impl Write for PartWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.stopped {
            return Err(io::Error::other(PipelineError::Stopped));
        }
        let room = self.cfg.frame_size - self.filled;
        let n = room.min(data.len());
        self.buf[self.filled..self.filled + n].copy_from_slice(&data[..n]);
        self.filled += n;
        if self.filled == self.cfg.frame_size {
            self.dispatch(false)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl crate::pipeline::tar::Sink for PartWriter<'_> {
    /// File content is read straight into the frame being filled.
    fn fill(
        &mut self,
        _scratch: &mut [u8],
        max: usize,
        read: &mut dyn FnMut(&mut [u8]) -> io::Result<usize>,
    ) -> io::Result<usize> {
        if self.stopped {
            return Err(io::Error::other(PipelineError::Stopped));
        }
        let end = self.cfg.frame_size.min(self.filled + max);
        let n = read(&mut self.buf[self.filled..end])?;
        self.filled += n.min(end - self.filled);
        if self.filled == self.cfg.frame_size {
            self.dispatch(false)?;
        }
        Ok(n)
    }
}

impl Drop for PartWriter<'_> {
    fn drop(&mut self) {
        if self.threads.is_some() {
            let _ = self.stop();
        }
    }
}

/// Where the writer thread puts frames and what it reports.
struct FrameSink {
    first_seq: u64,
    carried: Vec<Encoded>,
    /// Stop writing at early warning (a [`NextTape`] continues); otherwise write on to the end.
    span: bool,
    block_size: usize,
    /// Where written buffers go back.
    pool: Pool,
    written: Arc<AtomicU64>,
    early_warning: Arc<AtomicBool>,
}

/// The writer thread: frames in sequence order onto the drive, block by block.
fn write_frames(
    mut dev: Box<dyn TapeDevice>,
    done: Receiver<Result<Encoded, PipelineError>>,
    to: FrameSink,
) -> Result<PartResult, PipelineError> {
    let FrameSink { first_seq, carried, span, block_size, pool, written, early_warning: early_flag } = to;
    let mut pending: BTreeMap<u64, Encoded> = carried.into_iter().map(|e| (e.seq, e)).collect();
    let mut next = first_seq;
    let (mut frames, mut early_warning, mut stream_bytes, mut tape_bytes) = (Vec::new(), false, 0u64, 0u64);
    let mut end_of_medium = false;
    let mut write_ready = |pending: &mut BTreeMap<u64, Encoded>, dev: &mut Box<dyn TapeDevice>, ew: &mut bool| {
        // After early warning nothing more goes on this tape: the rest waits for the next.
        // At the end of the medium nothing more goes on it at all.
        while !(end_of_medium || span && *ew)
            && let Some(e) = pending.remove(&next)
        {
            // Where the frame starts, as the drive reports it.
            let block = dev.position()?.block;
            let mut blocks_written = 0i64;
            for chunk in e.encoded.chunks(block_size) {
                match dev.write_block(chunk) {
                    Ok(WriteOutcome::Written) => {}
                    Ok(WriteOutcome::EarlyWarning) => *ew = true,
                    Err(TapeError::EndOfMedium) => {
                        end_of_medium = true;
                        break;
                    }
                    Err(other) => return Err(other.into()),
                }
                blocks_written += 1;
            }
            if end_of_medium {
                // Half a frame is no frame: back to where it began, so the part's filemark
                // cuts it off there; the frame waits for the next tape.
                if blocks_written > 0 {
                    dev.space(Space::Blocks(-blocks_written))?;
                }
                let at = dev.position()?.block;
                if at != block {
                    return Err(PipelineError::Tape(TapeError::Other(format!(
                        "at the end of the medium the drive went back to block {at}, not to the frame's start {block}"
                    ))));
                }
                pending.insert(e.seq, e);
                *ew = true;
                early_flag.store(true, Ordering::Relaxed);
                break;
            }
            frames.push(FrameRecord {
                seq: e.seq,
                block,
                stream_offset: e.stream_offset,
                encoded_len: e.encoded.len() as u64,
                decoded_len: e.decoded_len as u64,
                blake3: e.blake3,
            });
            stream_bytes += e.decoded_len as u64;
            tape_bytes += e.encoded.len() as u64;
            written.fetch_add(e.encoded.len() as u64, Ordering::Relaxed);
            pool.give(e.encoded);
            next += 1;
            if span && *ew {
                early_flag.store(true, Ordering::Relaxed);
            }
        }
        Ok::<(), PipelineError>(())
    };
    write_ready(&mut pending, &mut dev, &mut early_warning)?;
    // Frames keep being taken in after early warning, so the encoders never block; the
    // stream's thread notices at its next frame and ends the part, which bounds them.
    for result in done {
        let e = result?;
        pending.insert(e.seq, e);
        write_ready(&mut pending, &mut dev, &mut early_warning)?;
    }
    let unwritten = pending.into_values().collect();
    Ok(PartResult { dev, frames, early_warning, end_of_medium, stream_bytes, tape_bytes, unwritten })
}
