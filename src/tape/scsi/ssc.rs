//! [`ScsiTape`]: a [`TapeDevice`] speaking SSC over any [`Transport`].
//!
//! # Positions
//! Logical block numbers count filemarks, as READ POSITION does. Where the drive implements
//! READ POSITION (every LTO drive) the drive is asked. Where it does not (tgt answers with a
//! stub: short form `14 00 …` = BYCU|LOLU, long form `20 00 …` = block 0 without BOP; old
//! drives answer ILLEGAL REQUEST) the backend counts: from BOT (it rewinds when it meets a
//! medium, since it cannot know where the tape stands), +1 per block or filemark written,
//! read or spaced, and keeps a map of where filemarks and end of data are (`track::Tracker`).
//! LOCATE, where missing (tgt: ILLEGAL REQUEST 20/00), is emulated by SPACE over blocks from
//! the known position (or from BOT after a rewind, when nearer).
//!
//! What tgt 1.0.85 does when spacing, and how the emulation copes:
//! * SPACE over blocks counts a filemark as one block and never stops at one, with no
//!   FILEMARK sense: good for an emulated LOCATE (logical numbers count filemarks too) but
//!   useless for `Space::Blocks`, which must stop at a filemark. So `Space::Blocks` and
//!   `Space::Filemarks` go by the map where it covers the ground and otherwise read their way
//!   with 1-byte READs: each skips one block (ILI, nothing transferred) or reports the
//!   filemark or end of data. Backwards, each unknown object costs a SPACE and a READ.
//! * SPACE backwards past BOT stops at BOT and says GOOD (blocks) or NO SENSE 00/04 without
//!   INFORMATION (filemarks): since we know where we are, we never ask for that.
//! * SPACE over blocks into end of data says NO SENSE 00/05 without INFORMATION, and says it
//!   too when the move ends exactly on end of data: how far it went is unknown, and whether it
//!   went too far. Where the map does not tell, end of data is measured with SPACE alone: from
//!   end of data, back k then forward k − 1 ends before end of data with GOOD exactly when
//!   k ≤ its position (further back tgt stops silently at BOT, and the forward move then
//!   reaches end of data). Galloping, then bisection: O(log n) SPACE pairs. A drive that
//!   reports BOT or end of data with a residue answers at once.
//!
//! # Reads
//! A block longer than the buffer is [`TapeError::BlockTooLarge`], computed from the ILI
//! INFORMATION (requested − actual), with the tape past the block. tgt has a bug: a
//! variable-block READ asking for more than the block but less than twice it transfers only
//! (asked − block) bytes, so the block arrives truncated. Two defences:
//! * Where the drive has no READ POSITION (tgt, and the old drives that also lack it) we ask
//!   for twice the caller's buffer: the first half lands in the caller's buffer, the second
//!   in a scratch buffer kept for reuse (a two-element scatter list, so no copy). A block that
//!   fits the caller's buffer is then at most half the request, which tgt sends whole; a block
//!   between one and two buffers is reported as too large, as it must be. Drives that know
//!   their position (LTO) are asked for exactly the buffer, so the request never exceeds what
//!   the caller chose (HBAs limit transfer sizes).
//! * Whatever the drive, a transfer shorter than the block it reports is not returned: the
//!   backend steps back over the block and reads it again asking for exactly its length.

use std::io::IoSliceMut;
use std::time::Duration;

use super::cdb::{self, Cdb, LogPageControl, MAX_U24, PageControl, PositionForm, SPACE6_MAX, SpaceCode};
use super::exec::{self, AttentionAction, Reply, Retries, RunError, Support, benign};
use super::logs;
use super::params::{self, BlockDescriptor, DrivePosition, Inquiry, ModeData};
use super::sense::{Sense, key};
use super::track::{self, Counted, Probe, Tracker};
use super::{DataDir, Transport};
use crate::tape::health::DriveHealth;
use crate::tape::{
    Capabilities, DriveStatus, Identity, Position, ReadOutcome, Result, Space, TapeDevice, TapeError, WriteOutcome,
};

/// Timeouts by kind of command.
const T_SHORT: Duration = Duration::from_secs(60);
const T_IO: Duration = Duration::from_secs(15 * 60);
const T_LONG: Duration = Duration::from_secs(4 * 3600);
const T_ERASE_LONG: Duration = Duration::from_secs(48 * 3600);

pub use super::exec::RetryPolicy;

/// How a SPACE over blocks ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arrival {
    Done,
    EndOfData,
    Bot,
}

/// One SPACE(6)'s stop, with the residue where reported.
enum Stop {
    Done,
    Filemark(Option<i64>),
    EndOfData(Option<i64>),
    Bot(Option<i64>),
}

/// What one probe of the end-of-data search learned.
enum EodProbe {
    AtLeast,
    Below,
    Exact(u64),
}

const UNKNOWN_POSITION: &str = "tape position unknown (the drive was reset, the medium changed, or an error left it undefined): rewind or locate first";
const UNLOAD_IGNORED: &str = "UNLOAD (the drive accepts it but keeps the medium loaded, as tgt does)";

/// A SCSI tape drive.
pub struct ScsiTape {
    t: Box<dyn Transport>,
    retry: RetryPolicy,
    /// The loaded medium is set up: block mode selected, support probed, position known.
    ready: bool,
    read_position: Support,
    rp_form: PositionForm,
    locate: Support,
    erase: Support,
    compression: Support,
    load_unload: Support,
    /// LOG SENSE with the pages health needs; `No` once the drive refused it.
    log_sense: Support,
    /// 0 = variable-block mode.
    block_size: u32,
    trk: Tracker,
    /// Where a write first reported early warning.
    ew_at: Option<u64>,
    /// Fixed-block mode: a READ returned data and then met a filemark; the next read_block
    /// reports it.
    pending_filemark: bool,
    /// The second half of every variable-block READ (see the module docs).
    scratch: Vec<u8>,
    /// `TAPEBACKARR_SCSI_TRACE=1`: every command, its status and sense on stderr.
    trace: bool,
}

impl ScsiTape {
    /// Opens the drive behind `t`: checks it is a tape drive and, if a medium is loaded, sets
    /// variable-block mode and finds out what the drive can do.
    pub fn open(t: Box<dyn Transport>) -> Result<ScsiTape> {
        Self::open_with(t, RetryPolicy::default())
    }

    pub fn open_with(t: Box<dyn Transport>, retry: RetryPolicy) -> Result<ScsiTape> {
        let mut s = ScsiTape {
            t,
            retry,
            ready: false,
            read_position: Support::Unknown,
            rp_form: PositionForm::Long,
            locate: Support::Unknown,
            erase: Support::Unknown,
            compression: Support::Unknown,
            load_unload: Support::Unknown,
            log_sense: Support::Unknown,
            block_size: 0,
            trk: Tracker::default(),
            ew_at: None,
            pending_filemark: false,
            scratch: Vec::new(),
            trace: std::env::var_os("TAPEBACKARR_SCSI_TRACE").is_some_and(|v| v == "1"),
        };
        let inq = s.inquiry()?;
        if inq.qualifier != 0 || inq.device_type != params::TYPE_TAPE {
            return Err(TapeError::Other(format!(
                "{} is not a tape drive (peripheral qualifier {}, device type 0x{:02x}{})",
                s.t.describe(),
                inq.qualifier,
                inq.device_type,
                if inq.device_type == 0x08 { ": a medium changer" } else { "" }
            )));
        }
        match s.ensure_ready() {
            Ok(()) | Err(TapeError::NoTape) | Err(TapeError::NotReady(_)) => Ok(s),
            Err(e) => Err(e),
        }
    }

    // ---- executing commands ----

    /// Runs one command, absorbing unit attentions and waiting out "becoming ready" and BUSY.
    /// `positional` commands (READ, WRITE, SPACE, …) are not retried after a unit attention
    /// that says the drive was reset or the medium changed: they would run somewhere else.
    fn run(&mut self, c: &Cdb, data: DataDir<'_, '_>, timeout: Duration, positional: bool) -> Result<Reply> {
        let how = Retries { policy: &self.retry, trace: self.trace, wait_for: Sense::is_becoming_ready };
        let mut gone = false;
        let r = exec::run_with_retries(&mut *self.t, c, c.name(), data, timeout, &how, &mut |s| {
            if s.is_reset_or_medium_change() {
                gone = true;
                if positional {
                    return AttentionAction::Stop;
                }
            }
            AttentionAction::Repeat
        });
        // No medium (3A), or it may have changed (a reset or medium change unit attention, even
        // one absorbed): forgotten once the command is over, since the loop needs none of it.
        if gone || matches!(&r, Ok(Reply { sense: Some(s), .. }) if s.is_no_medium()) {
            self.medium_gone();
        }
        r.map_err(|e| match e {
            RunError::Failed(e) => e,
            RunError::NotRepeated(s) => TapeError::NotReady(format!(
                "{}: {}; {}",
                c.name(),
                s.describe(),
                "the tape may have been changed or rewound, so the command was not repeated"
            )),
            RunError::Attentions(s, _) => s.to_error(c.name()),
            RunError::StillNotReady(w) => TapeError::NotReady(format!(
                "{}: still not ready after {} s",
                w.describe(c.name(), "drive"),
                self.retry.ready_timeout.as_secs()
            )),
            RunError::ReservationConflict => TapeError::NotReady(format!(
                "{}: reservation conflict: another initiator has reserved the drive",
                c.name()
            )),
        })
    }

    /// Runs a command that has nothing to report but success.
    fn run_ok(&mut self, c: &Cdb, data: DataDir<'_, '_>, timeout: Duration, positional: bool) -> Result<Option<usize>> {
        let r = self.run(c, data, timeout, positional)?;
        match r.sense {
            None => Ok(r.transferred),
            Some(s) if benign(&s) => Ok(r.transferred),
            Some(s) => Err(s.to_error(c.name())),
        }
    }

    /// Runs a command returning data into `buf`; the length the drive sent, where known.
    fn run_in(&mut self, c: &Cdb, buf: &mut [u8]) -> Result<usize> {
        let len = buf.len();
        let mut bufs = [IoSliceMut::new(buf)];
        Ok(self.run_ok(c, DataDir::In(&mut bufs), T_SHORT, false)?.unwrap_or(len).min(len))
    }

    /// The medium went away or may have changed: nothing we knew about it holds.
    fn medium_gone(&mut self) {
        self.ready = false;
        self.trk.forget();
        self.ew_at = None;
        self.pending_filemark = false;
    }

    fn emulated(&self) -> bool {
        self.read_position != Support::Yes
    }

    // ---- information ----

    fn inquiry(&mut self) -> Result<Inquiry> {
        let mut buf = [0u8; 96];
        self.run_in(&cdb::inquiry(96), &mut buf)?;
        Inquiry::parse(&buf)
    }

    /// One log page (cumulative values), as many bytes as the drive sent. No medium is
    /// needed: a drive keeps its logs without one.
    fn log_page(&mut self, page: u8) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; usize::from(logs::LOG_ALLOC)];
        let n = self.run_in(&cdb::log_sense(page, LogPageControl::Cumulative, logs::LOG_ALLOC), &mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    fn unit_serial(&mut self) -> Result<String> {
        let mut buf = [0u8; 255];
        let n = self.run_in(&cdb::inquiry_vpd(0x80, 255), &mut buf)?;
        params::parse_unit_serial(&buf[..n.max(4)])
    }

    fn mode_sense(&mut self, page: u8) -> Result<ModeData> {
        let mut buf = [0u8; 255];
        let n = self.run_in(&cdb::mode_sense6(page, PageControl::Current, false, 255), &mut buf)?;
        ModeData::parse(&buf[..n.max(4)])
    }

    /// Header, block descriptor and (where the drive has it) the data compression page.
    fn mode(&mut self) -> Result<ModeData> {
        match self.mode_sense(params::PAGE_COMPRESSION) {
            Err(TapeError::IllegalRequest(_)) => self.mode_sense(0x3F),
            other => other,
        }
    }

    fn mode_select(&mut self, list: &[u8]) -> Result<()> {
        let len = u8::try_from(list.len()).map_err(|_| TapeError::Other("mode parameter list too long".into()))?;
        self.run_ok(&cdb::mode_select6(len), DataDir::Out(list), T_SHORT, false)?;
        Ok(())
    }

    fn query_position(&mut self, form: PositionForm) -> Result<Option<DrivePosition>> {
        let mut buf = [0u8; 32];
        let len = if form == PositionForm::Long { 32 } else { 20 };
        self.run_in(&cdb::read_position(form), &mut buf[..len])?;
        match form {
            PositionForm::Long => params::parse_position_long(&buf),
            PositionForm::Short => params::parse_position_short(&buf[..20]),
        }
    }

    /// Asks the drive where it is (READ POSITION must be supported).
    fn sync_position(&mut self) -> Result<Option<DrivePosition>> {
        let p = self.query_position(self.rp_form)?;
        self.trk.pos = p.map(|p| p.block);
        Ok(p)
    }

    // ---- medium setup ----

    /// Makes sure a medium is loaded and set up; the first time, probes what the drive can do.
    fn ensure_ready(&mut self) -> Result<()> {
        if self.ready {
            return Ok(());
        }
        self.run_ok(&cdb::test_unit_ready(), DataDir::None, T_SHORT, false)?;
        self.setup_medium()?;
        self.ready = true;
        Ok(())
    }

    fn setup_medium(&mut self) -> Result<()> {
        self.medium_gone();
        let md = self.mode()?;
        self.compression = match md.page(params::PAGE_COMPRESSION) {
            Some(p) if params::compression_capable(p) => Support::Yes,
            _ => Support::No,
        };
        let density = md.block_descriptor.map_or(0, |b| b.density);
        self.mode_select(&params::select_block_length(density, self.block_size, md.buffered_mode()))?;

        if self.read_position == Support::Unknown {
            self.probe_read_position()?;
        }
        if self.read_position == Support::Yes {
            if self.sync_position()?.is_none() {
                // The drive does not know where it is: BOT it will know.
                self.rewind_raw()?;
                self.sync_position()?;
            }
        } else {
            // Nothing tells us where the tape stands: start counting from BOT.
            self.rewind_raw()?;
            self.trk.loaded();
        }
        if self.locate == Support::Unknown {
            // LOCATE to where we are moves nothing and tells whether LOCATE exists.
            if let Some(here) = self.trk.pos {
                let r = self.run(&cdb::locate(here), DataDir::None, T_LONG, true)?;
                self.locate = match r.sense {
                    Some(s) if s.key == key::ILLEGAL_REQUEST => Support::No,
                    _ => Support::Yes,
                };
            }
        }
        Ok(())
    }

    /// READ POSITION, long form then short: supported only if an answer makes sense. An
    /// answer of "position unknown" is asked again at BOT before concluding.
    fn probe_read_position(&mut self) -> Result<()> {
        for attempt in 0..2 {
            for form in [PositionForm::Long, PositionForm::Short] {
                match self.query_position(form) {
                    Ok(Some(_)) => {
                        self.read_position = Support::Yes;
                        self.rp_form = form;
                        return Ok(());
                    }
                    Ok(None) | Err(TapeError::IllegalRequest(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            if attempt == 0 {
                self.rewind_raw()?;
            }
        }
        self.read_position = Support::No;
        Ok(())
    }

    fn rewind_raw(&mut self) -> Result<()> {
        self.pending_filemark = false;
        self.run_ok(&cdb::rewind(false), DataDir::None, T_LONG, false)?;
        self.trk.at_bot();
        Ok(())
    }

    fn note_early_warning(&mut self, pos_before: Option<u64>) {
        let p = pos_before.unwrap_or(0);
        self.ew_at = Some(self.ew_at.map_or(p, |e| e.min(p)));
    }

    // ---- reading and writing ----

    fn read_variable(&mut self, buf: &mut [u8]) -> Result<ReadOutcome> {
        let len = buf.len();
        // Twice the buffer where the drive may be tgt, exactly the buffer on a drive that
        // knows its position (module docs); within READ(6)'s 24-bit length.
        // Never more than the transport can move in one command (sg: ENOMEM otherwise); a
        // block that arrives cut short by that is read again at its length (`reread`).
        let cap = self.t.max_transfer().unwrap_or(usize::MAX).min(MAX_U24 as usize);
        let want = if self.emulated() { len.saturating_mul(2) } else { len }.min(cap);
        let head = len.min(want);
        let extra = want - head;
        let mut scratch = std::mem::take(&mut self.scratch);
        if scratch.len() < extra {
            scratch.resize(extra, 0);
        }
        let c = cdb::read6_variable(want as u32, false)?;
        let r = {
            let mut bufs = [IoSliceMut::new(&mut buf[..head]), IoSliceMut::new(&mut scratch[..extra])];
            let n = if extra > 0 { 2 } else { 1 };
            self.run(&c, DataDir::In(&mut bufs[..n]), T_IO, true)
        };
        self.scratch = scratch;
        let r = r?;
        let block_len = match &r.sense {
            None => want,
            Some(s) if s.is_filemark() => {
                self.trk.passed_filemark();
                return Ok(ReadOutcome::Filemark);
            }
            Some(s) if s.is_end_of_data() => {
                self.trk.hit_eod();
                return Ok(ReadOutcome::EndOfData);
            }
            Some(s) if s.ili => {
                let Some(info) = s.info else {
                    self.trk.pos = None;
                    return Err(TapeError::Other(format!("READ(6): {} without the block length", s.describe())));
                };
                let n = want as i64 - info;
                if n <= 0 {
                    self.trk.pos = None;
                    return Err(TapeError::Other(format!("READ(6): {} gives no sensible block length", s.describe())));
                }
                n as usize
            }
            Some(s) if matches!(s.key, key::NO_SENSE | key::RECOVERED_ERROR) => {
                // Read fine (early warning met while reading, or a recovered error).
                want - s.info.unwrap_or(0).clamp(0, want as i64) as usize
            }
            Some(s) => {
                if matches!(s.key, key::MEDIUM_ERROR | key::HARDWARE_ERROR) {
                    self.trk.pos = None;
                }
                return Err(s.to_error("READ(6)"));
            }
        };
        self.trk.passed_block();
        if block_len > len {
            return Err(TapeError::BlockTooLarge { block_len, buffer_len: len });
        }
        match r.transferred {
            Some(sent) if sent < block_len => self.reread(buf, block_len, sent),
            _ => Ok(ReadOutcome::Block(block_len)),
        }
    }

    /// The drive passed a block but sent only `sent` of its `block_len` bytes (tgt's
    /// variable-read bug): back over it and read it again, asking for exactly its length.
    fn reread(&mut self, buf: &mut [u8], block_len: usize, sent: usize) -> Result<ReadOutcome> {
        let failed = |s: &mut Self, why: String| {
            s.trk.pos = None;
            TapeError::Other(format!(
                "READ(6): the drive sent {sent} bytes of a {block_len}-byte block, and {why}; the data was not used"
            ))
        };
        if !matches!(self.space6_raw(SpaceCode::Blocks, -1)?, Stop::Done) {
            return Err(failed(self, "stepping back over it failed".into()));
        }
        self.trk.pos = self.trk.pos.map(|p| p - 1);
        let c = cdb::read6_variable(block_len as u32, false)?;
        let r = {
            let mut bufs = [IoSliceMut::new(&mut buf[..block_len])];
            self.run(&c, DataDir::In(&mut bufs), T_IO, true)?
        };
        let whole = r.sense.as_ref().is_none_or(benign) && r.transferred.is_none_or(|t| t >= block_len);
        if !whole {
            let why = match &r.sense {
                Some(s) if !benign(s) => format!("reading it again gave {}", s.describe()),
                _ => "again when asked for exactly the block".into(),
            };
            return Err(failed(self, why));
        }
        self.trk.passed_block();
        Ok(ReadOutcome::Block(block_len))
    }

    fn read_fixed(&mut self, buf: &mut [u8]) -> Result<ReadOutcome> {
        if std::mem::take(&mut self.pending_filemark) {
            return Ok(ReadOutcome::Filemark);
        }
        let size = self.block_size as usize;
        let cap = self.t.max_transfer().unwrap_or(usize::MAX);
        let count = (buf.len().min(cap) / size).min(MAX_U24 as usize);
        if count == 0 {
            return Err(TapeError::BlockTooLarge { block_len: size, buffer_len: buf.len() });
        }
        let c = cdb::read6_fixed(count as u32)?;
        let r = {
            let mut bufs = [IoSliceMut::new(&mut buf[..count * size])];
            self.run(&c, DataDir::In(&mut bufs), T_IO, true)?
        };
        let residue = |s: &Sense| s.info.unwrap_or(count as i64).clamp(0, count as i64) as usize;
        let (read, then) = match &r.sense {
            None => (count, None),
            Some(s) if s.is_filemark() => (count - residue(s), Some(ReadOutcome::Filemark)),
            Some(s) if s.is_end_of_data() => (count - residue(s), Some(ReadOutcome::EndOfData)),
            Some(s) if s.ili => {
                self.trk.pos = None;
                return Err(TapeError::Other(format!(
                    "READ(6) fixed: a block of another length than {size} bytes ({}); read it in variable-block mode",
                    s.describe()
                )));
            }
            Some(s) if benign(s) || s.eom => (count - s.info.unwrap_or(0).clamp(0, count as i64) as usize, None),
            Some(s) => {
                self.trk.pos = None;
                return Err(s.to_error("READ(6)"));
            }
        };
        for _ in 0..read {
            self.trk.passed_block();
        }
        match then {
            Some(ReadOutcome::Filemark) => {
                self.trk.passed_filemark();
                if read == 0 {
                    return Ok(ReadOutcome::Filemark);
                }
                self.pending_filemark = true;
            }
            Some(other) => {
                self.trk.hit_eod();
                if read == 0 {
                    return Ok(other);
                }
            }
            None => {}
        }
        Ok(ReadOutcome::Block(read * size))
    }

    /// Interprets the reply to WRITE or WRITE FILEMARKS: `unwritten` is how the residue
    /// says nothing was written.
    fn after_write(&mut self, what: &str, r: Reply, objects: u64, filemarks: bool) -> Result<WriteOutcome> {
        let before = self.trk.pos;
        let record = |s: &mut Self| {
            if filemarks {
                s.trk.wrote_filemarks(objects);
            } else {
                s.trk.wrote_blocks(objects);
            }
        };
        match r.sense {
            None => {
                record(self);
                Ok(WriteOutcome::Written)
            }
            Some(s) if s.is_early_warning() => {
                // Early warning: done, unless the residue says otherwise (nothing written).
                if s.info.is_some_and(|i| i != 0) {
                    return Err(TapeError::EndOfMedium);
                }
                record(self);
                self.note_early_warning(before);
                Ok(WriteOutcome::EarlyWarning)
            }
            Some(s) if s.key == key::VOLUME_OVERFLOW => Err(TapeError::EndOfMedium),
            Some(s) if benign(&s) => {
                record(self);
                Ok(WriteOutcome::Written)
            }
            Some(s) => {
                if matches!(s.key, key::MEDIUM_ERROR | key::HARDWARE_ERROR) || s.deferred() {
                    self.trk.pos = None;
                }
                Err(s.to_error(what))
            }
        }
    }

    // ---- moving ----

    /// One SPACE(6) (the count must fit 24 bits), its stop decoded.
    fn space6_raw(&mut self, code: SpaceCode, count: i64) -> Result<Stop> {
        let r = self.run(&cdb::space6(code, count)?, DataDir::None, T_LONG, true)?;
        let Some(s) = r.sense else { return Ok(Stop::Done) };
        if s.is_end_of_data() {
            Ok(Stop::EndOfData(s.info))
        } else if s.is_beginning_of_tape() || (s.eom && count < 0 && s.key == key::NO_SENSE) {
            Ok(Stop::Bot(s.info))
        } else if s.is_filemark() {
            Ok(Stop::Filemark(s.info))
        } else if benign(&s) {
            Ok(Stop::Done)
        } else {
            Err(s.to_error("SPACE(6)"))
        }
    }

    fn space_eod_raw(&mut self) -> Result<()> {
        match self.space6_raw(SpaceCode::EndOfData, 0)? {
            Stop::Done | Stop::EndOfData(_) => Ok(()),
            Stop::Filemark(_) | Stop::Bot(_) => Err(TapeError::Other("SPACE to end of data stopped early".into())),
        }
    }

    /// Spaces over `delta` logical objects (blocks and filemarks alike, as LOCATE counts) with
    /// SPACE(6) over blocks. A drive that stops at filemarks reports where (FILEMARK + residue)
    /// and we carry on; tgt passes them silently. Returns how far it went, where known, and
    /// how it ended. `start` (where known) lets filemarks met on the way be remembered.
    fn space_objects(&mut self, start: Option<u64>, delta: i64) -> Result<(Option<u64>, Arrival)> {
        let forward = delta > 0;
        let mut left = delta.unsigned_abs();
        let mut moved = 0u64;
        while left > 0 {
            let step = left.min(SPACE6_MAX as u64);
            let count = if forward { step as i64 } else { -(step as i64) };
            match self.space6_raw(SpaceCode::Blocks, count)? {
                Stop::Done => {
                    moved += step;
                    left -= step;
                }
                Stop::Filemark(Some(res)) => {
                    let blocks = step.saturating_sub(res.unsigned_abs());
                    if let Some(s) = start {
                        let fm = if forward { s + moved + blocks } else { s - moved - blocks - 1 };
                        self.trk.learn_filemark(fm);
                    }
                    moved += blocks + 1;
                    left = left.saturating_sub(blocks + 1);
                }
                Stop::Filemark(None) => {
                    self.trk.pos = None;
                    return Err(TapeError::Other("the drive stopped SPACE at a filemark without saying where".into()));
                }
                Stop::EndOfData(res) => {
                    return Ok((res.map(|r| moved + step.saturating_sub(r.unsigned_abs())), Arrival::EndOfData));
                }
                Stop::Bot(res) => {
                    return Ok((res.map(|r| moved + step.saturating_sub(r.unsigned_abs())), Arrival::Bot));
                }
            }
        }
        Ok((Some(moved), Arrival::Done))
    }

    /// Moves to logical object `target` (emulated LOCATE). Past end of data: positioned at
    /// end of data, `Err(EndOfData)`.
    fn goto(&mut self, target: u64) -> Result<()> {
        for _ in 0..4 {
            let mut cur = match self.trk.pos {
                Some(p) => p,
                None => {
                    self.rewind_raw()?;
                    0
                }
            };
            if target < cur && target < cur - target {
                self.rewind_raw()?;
                cur = 0;
            }
            if target == cur {
                return Ok(());
            }
            let delta = if target > cur { (target - cur) as i64 } else { -((cur - target) as i64) };
            match self.space_objects(Some(cur), delta)? {
                (_, Arrival::Done) => {
                    self.trk.pos = Some(target);
                    return Ok(());
                }
                (moved, Arrival::EndOfData) => {
                    if delta < 0 {
                        self.trk.pos = None;
                        return Err(TapeError::Other("end of data met while spacing backwards".into()));
                    }
                    // At end of data, somewhere in (cur, target]. tgt says so even when the
                    // move ends exactly there, so this may be success.
                    let e = match moved {
                        Some(m) => self.at_eod(cur + m),
                        None => match self.trk.eod() {
                            Some(e) if (cur..=target).contains(&e) => self.at_eod(e),
                            _ => self.measure_eod(cur, Some(target))?,
                        },
                    };
                    return if e == target { Ok(()) } else { Err(TapeError::EndOfData) };
                }
                // BOT where we did not expect it: we know where we are now; go again.
                (_, Arrival::Bot) => self.trk.pos = Some(0),
            }
        }
        self.trk.pos = None;
        Err(TapeError::Other(format!("could not position the tape at block {target}")))
    }

    /// We are at end of data and only know it is at or after `lo` (and, if given, at or
    /// before `hi`): find where (see the module docs). Leaves the tape there, counted.
    fn measure_eod(&mut self, lo: u64, hi: Option<u64>) -> Result<u64> {
        self.trk.pos = None;
        let mut lo = lo;
        // Exclusive upper bound, once known.
        let mut above = None;
        if let Some(h) = hi.filter(|&h| h > lo) {
            match self.eod_probe(h)? {
                EodProbe::Exact(e) => return Ok(self.at_eod(e)),
                EodProbe::AtLeast => return Ok(self.at_eod(h)),
                EodProbe::Below => above = Some(h),
            }
        }
        let mut above = match above {
            Some(a) => a,
            None => {
                let mut step = 1u64;
                loop {
                    let k = lo.saturating_add(step);
                    match self.eod_probe(k)? {
                        EodProbe::Exact(e) => return Ok(self.at_eod(e)),
                        EodProbe::AtLeast => {
                            lo = k;
                            step = step.saturating_mul(2);
                        }
                        EodProbe::Below => break k,
                    }
                }
            }
        };
        while above - lo > 1 {
            let mid = lo + (above - lo) / 2;
            match self.eod_probe(mid)? {
                EodProbe::Exact(e) => return Ok(self.at_eod(e)),
                EodProbe::AtLeast => lo = mid,
                EodProbe::Below => above = mid,
            }
        }
        Ok(self.at_eod(lo))
    }

    fn at_eod(&mut self, e: u64) -> u64 {
        self.trk.pos = Some(e);
        self.trk.learn_eod(e);
        e
    }

    /// From end of data (position unknown): is end of data at or after object `k` (k ≥ 1)?
    /// Back k, then forward k - 1: that ends before end of data, with GOOD, exactly when
    /// k ≤ eod; further back tgt stops silently at BOT, and the forward move then reaches end
    /// of data (tgt reports 00/05 even when a SPACE ends exactly there, so we never rely on
    /// landing on it). For k = 1 a 1-byte READ tells a block from end of data. Leaves the
    /// tape at end of data.
    fn eod_probe(&mut self, k: u64) -> Result<EodProbe> {
        let k = i64::try_from(k).map_err(|_| TapeError::Other("tape position out of range".into()))?;
        match self.space_objects(None, -k)? {
            (_, Arrival::Done) => {}
            (moved, Arrival::Bot) => {
                // A drive that reports BOT with a residue tells us at once.
                self.space_eod_raw()?;
                return Ok(moved.map_or(EodProbe::Below, EodProbe::Exact));
            }
            (_, Arrival::EndOfData) => {
                return Err(TapeError::Other("end of data met while spacing backwards from it".into()));
            }
        }
        if k == 1 {
            return Ok(match self.probe()? {
                Probe::EndOfData => EodProbe::Below,
                Probe::Block | Probe::Filemark => EodProbe::AtLeast,
            });
        }
        match self.space_objects(None, k - 1)? {
            (_, Arrival::Done) => {
                self.space_eod_raw()?;
                Ok(EodProbe::AtLeast)
            }
            (moved, Arrival::EndOfData) => Ok(moved.map_or(EodProbe::Below, EodProbe::Exact)),
            (_, Arrival::Bot) => Err(TapeError::Other("BOT met while spacing forwards".into())),
        }
    }

    /// Reads one object with a 1-byte READ: skips a block (ILI, nothing transferred on tgt)
    /// or reports a filemark or end of data. The tracker follows.
    fn probe(&mut self) -> Result<Probe> {
        let len = if self.block_size == 0 { 1 } else { self.block_size as usize };
        let c = if self.block_size == 0 { cdb::read6_variable(1, false)? } else { cdb::read6_fixed(1)? };
        let mut tmp = vec![0u8; len];
        let r = {
            let mut bufs = [IoSliceMut::new(&mut tmp)];
            self.run(&c, DataDir::In(&mut bufs), T_IO, true)?
        };
        match r.sense {
            None => {
                self.trk.passed_block();
                Ok(Probe::Block)
            }
            Some(s) if s.is_filemark() => {
                self.trk.passed_filemark();
                Ok(Probe::Filemark)
            }
            Some(s) if s.is_end_of_data() => {
                self.trk.hit_eod();
                Ok(Probe::EndOfData)
            }
            Some(s) if s.ili || benign(&s) || s.eom => {
                self.trk.passed_block();
                Ok(Probe::Block)
            }
            Some(s) => {
                self.trk.pos = None;
                Err(s.to_error("READ(6)"))
            }
        }
    }

    fn space_emulated(&mut self, how: Space) -> Result<()> {
        if let Space::EndOfData = how {
            if let Some(e) = self.trk.eod() {
                self.space_eod_raw()?;
                self.trk.pos = Some(e);
                return Ok(());
            }
            let lo = self.trk.pos.unwrap_or(0).max(self.trk.mapped_to());
            self.space_eod_raw()?;
            self.measure_eod(lo, None)?;
            return Ok(());
        }
        let Some(p) = self.trk.pos else {
            return Err(TapeError::Other(UNKNOWN_POSITION.into()));
        };
        track::space_from(self, p, how)
    }

    /// SPACE on a drive that reports its position: the drive's semantics are the trait's.
    fn space_native(&mut self, how: Space) -> Result<()> {
        let (code, count) = match how {
            Space::Blocks(0) | Space::Filemarks(0) => return Ok(()),
            Space::Blocks(n) => (SpaceCode::Blocks, n),
            Space::Filemarks(n) => (SpaceCode::Filemarks, n),
            Space::EndOfData => (SpaceCode::EndOfData, 0),
        };
        let outcome = self.space_command(code, count);
        let p = self.sync_position()?;
        if code == SpaceCode::EndOfData
            && outcome.is_ok()
            && let Some(p) = p
        {
            self.trk.learn_eod(p.block);
        }
        outcome
    }

    /// SPACE(6), or SPACE(16) for counts past 24 bits (in SPACE(6) steps if the drive lacks
    /// SPACE(16)); stops turned into the trait's errors.
    fn space_command(&mut self, code: SpaceCode, count: i64) -> Result<()> {
        let mut left = count;
        loop {
            let c = cdb::space(code, left);
            let r = self.run(&c, DataDir::None, T_LONG, true)?;
            let done = match r.sense {
                None => left,
                Some(s) if s.is_invalid_opcode() && c.len() == 16 => {
                    // No SPACE(16): go in SPACE(6) steps.
                    let chunk = left.clamp(-SPACE6_MAX, SPACE6_MAX);
                    let r = self.run(&cdb::space6(code, chunk)?, DataDir::None, T_LONG, true)?;
                    if let Some(s) = r.sense
                        && !benign(&s)
                    {
                        return Err(Self::space_stop(&s, count));
                    }
                    chunk
                }
                Some(s) if benign(&s) => left,
                Some(s) if code == SpaceCode::EndOfData && s.is_end_of_data() => left,
                Some(s) => return Err(Self::space_stop(&s, count)),
            };
            left -= done;
            if left == 0 || code == SpaceCode::EndOfData {
                return Ok(());
            }
        }
    }

    fn space_stop(s: &Sense, count: i64) -> TapeError {
        if s.is_end_of_data() {
            TapeError::EndOfData
        } else if s.is_beginning_of_tape() || (s.eom && count < 0) {
            TapeError::BeginningOfTape
        } else if s.is_filemark() {
            TapeError::Filemark
        } else {
            s.to_error("SPACE")
        }
    }
}

/// The emulated spacing of [`track`] goes by our LOCATE emulation and 1-byte READs.
impl Counted for ScsiTape {
    fn tracker(&mut self) -> &mut Tracker {
        &mut self.trk
    }

    fn goto(&mut self, target: u64) -> Result<()> {
        ScsiTape::goto(self, target)
    }

    fn probe(&mut self) -> Result<Probe> {
        ScsiTape::probe(self)
    }
}

impl TapeDevice for ScsiTape {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            locate: self.locate == Support::Yes,
            read_position: self.read_position == Support::Yes,
            erase: self.erase != Support::No,
            compression_control: self.compression == Support::Yes,
            load_unload: self.load_unload != Support::No,
        }
    }

    fn identity(&mut self) -> Result<Identity> {
        let inq = self.inquiry()?;
        let serial = match self.unit_serial() {
            Ok(s) => s,
            Err(TapeError::IllegalRequest(_)) => String::new(),
            Err(e) => return Err(e),
        };
        // The density code describes the loaded medium; no medium, no density.
        let density = match self.mode() {
            Ok(md) => md.block_descriptor.and_then(|b| params::density_name(b.density)).map(str::to_string),
            Err(_) => None,
        };
        Ok(Identity { vendor: inq.vendor, model: inq.product, revision: inq.revision, serial, density })
    }

    fn status(&mut self) -> Result<DriveStatus> {
        match self.run_ok(&cdb::test_unit_ready(), DataDir::None, T_SHORT, false) {
            Ok(_) => {}
            Err(TapeError::NoTape) => return Ok(DriveStatus::default()),
            Err(e) => return Err(e),
        }
        self.ensure_ready()?;
        let md = self.mode()?;
        let rp = if self.emulated() { None } else { self.sync_position()? };
        let pos = self.trk.pos;
        let position =
            pos.map(|b| Position { block: b, file: rp.and_then(|r| r.file).or_else(|| self.trk.file_at(b)) });
        Ok(DriveStatus {
            loaded: true,
            write_protected: md.write_protected(),
            bot: pos == Some(0),
            eod: pos.is_some() && pos == self.trk.eod(),
            early_warning: rp.is_some_and(|r| r.past_early_warning || r.eop)
                || self.ew_at.is_some_and(|e| pos.is_none_or(|p| p >= e)),
            block_size: md.block_descriptor.map_or(self.block_size, |b: BlockDescriptor| b.block_len),
            position,
            capacity_bytes: md.block_descriptor.and_then(|b| params::density_capacity(b.density)),
            ..DriveStatus::default()
        })
    }

    fn rewind(&mut self) -> Result<()> {
        self.ensure_ready()?;
        self.rewind_raw()
    }

    fn read_block(&mut self, buf: &mut [u8]) -> Result<ReadOutcome> {
        if buf.is_empty() {
            return Err(TapeError::Other("read_block needs a buffer of at least one byte".into()));
        }
        self.ensure_ready()?;
        if self.block_size == 0 { self.read_variable(buf) } else { self.read_fixed(buf) }
    }

    fn write_block(&mut self, data: &[u8]) -> Result<WriteOutcome> {
        self.ensure_ready()?;
        self.pending_filemark = false;
        let (c, objects) = if self.block_size == 0 {
            if data.is_empty() {
                return Err(TapeError::Other("write_block needs data: a zero-length WRITE writes nothing".into()));
            }
            (cdb::write6_variable(u32::try_from(data.len()).unwrap_or(u32::MAX))?, 1)
        } else {
            let size = self.block_size as usize;
            if data.is_empty() || !data.len().is_multiple_of(size) {
                return Err(TapeError::Other(format!(
                    "fixed-block mode: {} bytes is not a multiple of the {size}-byte block",
                    data.len()
                )));
            }
            let blocks = data.len() / size;
            (cdb::write6_fixed(u32::try_from(blocks).unwrap_or(u32::MAX))?, blocks as u64)
        };
        let r = self.run(&c, DataDir::Out(data), T_IO, true)?;
        self.after_write("WRITE(6)", r, objects, false)
    }

    fn write_filemarks(&mut self, count: u32, flush: bool) -> Result<()> {
        self.ensure_ready()?;
        self.pending_filemark = false;
        let c = cdb::write_filemarks6(count, !flush)?;
        let r = self.run(&c, DataDir::None, T_IO, true)?;
        self.after_write("WRITE FILEMARKS(6)", r, count as u64, true).map(|_| ())
    }

    fn space(&mut self, how: Space) -> Result<()> {
        self.ensure_ready()?;
        self.pending_filemark = false;
        if self.emulated() { self.space_emulated(how) } else { self.space_native(how) }
    }

    fn position(&mut self) -> Result<Position> {
        self.ensure_ready()?;
        if !self.emulated() {
            let Some(p) = self.sync_position()? else {
                return Err(TapeError::Other("the drive does not know its position".into()));
            };
            return Ok(Position { block: p.block, file: p.file.or_else(|| self.trk.file_at(p.block)) });
        }
        let block = self.trk.pos.ok_or_else(|| TapeError::Other(UNKNOWN_POSITION.into()))?;
        Ok(Position { block, file: self.trk.file_at(block) })
    }

    fn locate(&mut self, block: u64) -> Result<()> {
        self.ensure_ready()?;
        self.pending_filemark = false;
        if self.locate == Support::Yes {
            let r = self.run(&cdb::locate(block), DataDir::None, T_LONG, true)?;
            let outcome = match r.sense {
                None => Ok(()),
                Some(s) if benign(&s) => Ok(()),
                Some(s) if s.is_end_of_data() => Err(TapeError::EndOfData),
                Some(s) => Err(s.to_error("LOCATE")),
            };
            if self.emulated() {
                match &outcome {
                    Ok(()) => self.trk.pos = Some(block),
                    Err(TapeError::EndOfData) => {
                        self.measure_eod(0, Some(block))?;
                    }
                    Err(_) => self.trk.pos = None,
                }
            } else if let Some(p) = self.sync_position()?
                && matches!(outcome, Err(TapeError::EndOfData))
            {
                self.trk.learn_eod(p.block);
            }
            return outcome;
        }
        if let Some(e) = self.trk.eod()
            && block > e
        {
            self.goto(e)?;
            return Err(TapeError::EndOfData);
        }
        let r = self.goto(block);
        if !self.emulated() {
            self.sync_position()?;
        }
        r
    }

    fn erase(&mut self, quick: bool) -> Result<()> {
        self.ensure_ready()?;
        if self.erase == Support::No {
            return Err(TapeError::Unsupported("ERASE (the drive does not implement it)"));
        }
        self.pending_filemark = false;
        let timeout = if quick { T_LONG } else { T_ERASE_LONG };
        let r = self.run(&cdb::erase6(!quick, false), DataDir::None, timeout, true)?;
        match r.sense {
            Some(s) if s.is_invalid_opcode() => {
                self.erase = Support::No;
                return Err(TapeError::Unsupported("ERASE (the drive does not implement it)"));
            }
            Some(s) if !benign(&s) => return Err(s.to_error("ERASE(6)")),
            _ => {}
        }
        self.erase = Support::Yes;
        self.trk.erased();
        if !quick {
            // Where a long erase leaves the tape is up to the drive.
            if self.emulated() {
                self.rewind_raw()?;
            } else {
                self.sync_position()?;
            }
        }
        Ok(())
    }

    fn set_block_size(&mut self, size: u32) -> Result<()> {
        if size > MAX_U24 {
            return Err(TapeError::IllegalRequest(format!("block size {size} does not fit the 24-bit field")));
        }
        self.ensure_ready()?;
        let md = self.mode()?;
        let density = md.block_descriptor.map_or(0, |b| b.density);
        self.mode_select(&params::select_block_length(density, size, md.buffered_mode()))?;
        self.block_size = size;
        self.pending_filemark = false;
        Ok(())
    }

    fn set_compression(&mut self, on: bool) -> Result<()> {
        self.ensure_ready()?;
        let md = self.mode()?;
        let page = match md.page(params::PAGE_COMPRESSION) {
            Some(p) if params::compression_capable(p) => p.to_vec(),
            _ => {
                self.compression = Support::No;
                return Err(TapeError::Unsupported("data compression control (the drive reports no compression)"));
            }
        };
        let list = params::select_compression(&page, md.buffered_mode(), on)?;
        self.mode_select(&list)
    }

    fn load(&mut self) -> Result<()> {
        let r = self.run(&cdb::load_unload(true, false), DataDir::None, T_LONG, false)?;
        match r.sense {
            Some(s) if s.is_invalid_opcode() => {
                self.load_unload = Support::No;
                return Err(TapeError::Unsupported("LOAD UNLOAD (the drive does not implement it)"));
            }
            Some(s) if !benign(&s) => return Err(s.to_error("LOAD UNLOAD")),
            _ => {}
        }
        // SSC puts a loaded tape at BOP; tgt does not move it: rewind to be sure.
        self.ready = false;
        self.ensure_ready()?;
        self.rewind_raw()
    }

    /// LOG SENSE: pages 00h, 02h, 03h, 0Ch, 14h, 17h, then TapeAlert (2Eh, else 12h); see
    /// [`logs::read_health`]. A drive without LOG SENSE (tgt) is unsupported from then on.
    fn health(&mut self) -> Result<DriveHealth> {
        if self.log_sense == Support::No {
            return Err(TapeError::Unsupported(
                "LOG SENSE (the drive has no log pages: no TapeAlert flags or counters)",
            ));
        }
        let h = logs::read_health(|page| self.log_page(page));
        match &h {
            Err(TapeError::Unsupported(_)) => self.log_sense = Support::No,
            Ok(_) => self.log_sense = Support::Yes,
            Err(_) => {}
        }
        h
    }

    fn unload(&mut self) -> Result<()> {
        if self.load_unload == Support::No {
            return Err(TapeError::Unsupported(UNLOAD_IGNORED));
        }
        // A PREVENT from anyone would make the unload fail; we never set one.
        let _ = self.run(&cdb::prevent_allow(false), DataDir::None, T_SHORT, false);
        let r = self.run(&cdb::load_unload(false, false), DataDir::None, T_LONG, false)?;
        match r.sense {
            Some(s) if s.is_invalid_opcode() => {
                self.load_unload = Support::No;
                return Err(TapeError::Unsupported("LOAD UNLOAD (the drive does not implement it)"));
            }
            Some(s) if !benign(&s) => return Err(s.to_error("LOAD UNLOAD")),
            _ => {}
        }
        match self.run_ok(&cdb::test_unit_ready(), DataDir::None, T_SHORT, false) {
            Ok(_) => {
                self.load_unload = Support::No;
                Err(TapeError::Unsupported(UNLOAD_IGNORED))
            }
            Err(_) => {
                self.medium_gone();
                self.load_unload = Support::Yes;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests;
