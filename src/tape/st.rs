//! The Linux st driver: `/dev/nstN`, the no-rewind node of a SCSI tape drive.
//!
//! Blocks go through read(2) and write(2), tape motion through MTIOCTOP, st's own view of the
//! tape through MTIOCGET, READ POSITION through MTIOCPOS, and INQUIRY through SG_IO on the same
//! file descriptor. Sources for the st behaviour relied on below: st(4) (man-pages 6.03),
//! the kernel's Documentation/scsi/st.rst ("EOM Behaviour When Writing") and
//! drivers/scsi/st.c (function names are cited where a fact comes from the code).
//!
//! # Settings
//! At open the tape is put in variable-block mode (MTSETBLK 0), so one write(2) is one block
//! and one read(2) returns one block. With CAP_SYS_ADMIN the driver options are set too (see
//! `StDrive::configure_driver`); st keeps them for the drive after we close it.
//!
//! # End of medium (st.rst, st.c `st_write`)
//! The write that reaches the early-warning mark is written and returns its byte count; st then
//! refuses the next write with ENOSPC without sending it, lets the one after that through, and
//! alternates so until the physical end, where the drive itself refuses the data (ENOSPC again).
//! In variable-block mode st returns ENOSPC only when nothing of that write reached the tape
//! (with data written it returns the byte count). So [`TapeDevice::write_block`] asks MTIOCGET
//! after every write whether st is in its end-of-medium state (GMT_EOT: the block crossed the
//! warning), and on ENOSPC writes the same block once more: inside the warning zone that second
//! write goes through ([`WriteOutcome::EarlyWarning`]); at the physical end it fails again
//! ([`TapeError::EndOfMedium`]). ENOSPC guarantees the first attempt wrote nothing, so no block
//! is ever written twice.
//!
//! # Filemarks nobody asked for (st.c `st_flush`, `st_ioctl`)
//! If the last operation was a write, st writes a filemark by itself when the device is closed
//! and before MTREW, MTOFFL, MTSEEK, MTBSF and MTBSFM. No other backend does, and such a
//! filemark is an empty tape file the catalog knows nothing of (the Go TapeBackarr's tape layout
//! broke this way). This backend therefore tracks whether the last operation was a write and,
//! before any of those and on drop, sends MTWEOF with a count of 0: WRITE FILEMARKS(0) flushes
//! the drive's buffer and writes nothing, and any MTIOCTOP but a few settings makes st forget
//! that it was writing. Callers always end a file with [`TapeDevice::write_filemarks`]; a file
//! left open stays unterminated, as on every other backend. Only when the process dies without
//! unwinding does the kernel's close let st add its filemark.
//!
//! # Drives without READ POSITION
//! MTIOCPOS fails with EIO when the drive refuses READ POSITION or reports its position
//! unknown (tgt's stub; old drives), and MTSEEK (LOCATE) fails with it. Such a drive is found
//! when a tape is first seen (asked again at BOT), and from then on this backend counts, as
//! the SCSI backend does ([`crate::tape::scsi::ssc`]): from BOT, +1 per block or filemark
//! read, written or spaced over, with a map of filemarks and end of data (`Tracker`). LOCATE
//! becomes MTFSF over known filemarks and MTFSR over runs known to hold none (a drive stops
//! SPACE over blocks at a filemark, tgt does not: only such runs behave alike), and reads of
//! the drive's minimum block length beyond the map, each skipping one block (ENOMEM).
//! [`TapeDevice::capabilities`] then reports neither `locate` nor `read_position`. The QEMU
//! guest stage (docs/HARDWARE.md) runs this against tgt through the kernel's st driver.

use std::path::Path;

use super::{Result, TapeDevice, TapeError};

/// Opens a Linux st device such as /dev/nst0. With no tape it opens all the same (status()
/// says so); with a tape that is still loading it waits, as st does, up to two minutes.
#[cfg(target_os = "linux")]
pub fn open(path: &Path) -> Result<Box<dyn TapeDevice>> {
    Ok(Box::new(StDrive::open(path)?))
}

/// Opens a Linux st device such as /dev/nst0.
#[cfg(not(target_os = "linux"))]
pub fn open(_path: &Path) -> Result<Box<dyn TapeDevice>> {
    Err(TapeError::Unsupported("the st driver exists only on Linux"))
}

/// The kernel interface: `linux/mtio.h`, laid out as on x86_64 and aarch64 (SG_IO is
/// [`crate::tape::scsi::sg`]'s). The ioctl numbers encode the struct sizes, so a layout that
/// differs from the kernel's makes st refuse the call (EINVAL, st.c `st_ioctl` checks
/// `_IOC_SIZE`) rather than misread it.
#[cfg(target_os = "linux")]
mod sys {
    use nix::libc::{c_int, c_long, c_short};

    /// `struct mtop`, the argument of MTIOCTOP.
    #[repr(C)]
    #[derive(Debug, Clone, Copy, Default)]
    pub struct MtOp {
        pub mt_op: c_short,
        pub mt_count: c_int,
    }

    /// `struct mtget`, filled by MTIOCGET. `mt_fileno` and `mt_blkno` are `__kernel_daddr_t`,
    /// an `int` (asm-generic/posix_types.h).
    #[allow(dead_code)] // laid out for the kernel; not every field is read
    #[repr(C)]
    #[derive(Debug, Clone, Copy, Default)]
    pub struct MtGet {
        pub mt_type: c_long,
        /// st: the current partition.
        pub mt_resid: c_long,
        /// st: block size in bits 0-23, density code in bits 24-31.
        pub mt_dsreg: c_long,
        /// The GMT_* bits.
        pub mt_gstat: c_long,
        pub mt_erreg: c_long,
        /// Files (filemarks) since BOT as st counted them; -1 when unknown (after MTSEEK).
        pub mt_fileno: c_int,
        /// Blocks since the last filemark as st counted them; -1 when unknown.
        pub mt_blkno: c_int,
    }

    /// `struct mtpos`, filled by MTIOCPOS.
    #[repr(C)]
    #[derive(Debug, Clone, Copy, Default)]
    pub struct MtPos {
        pub mt_blkno: c_long,
    }

    // mt_op codes.
    pub const MTFSF: c_short = 1;
    pub const MTBSF: c_short = 2;
    pub const MTFSR: c_short = 3;
    pub const MTBSR: c_short = 4;
    pub const MTWEOF: c_short = 5;
    pub const MTREW: c_short = 6;
    pub const MTOFFL: c_short = 7;
    pub const MTNOP: c_short = 8;
    pub const MTBSFM: c_short = 10;
    pub const MTEOM: c_short = 12;
    pub const MTERASE: c_short = 13;
    pub const MTSETBLK: c_short = 20;
    pub const MTSETDENSITY: c_short = 21;
    pub const MTSEEK: c_short = 22;
    pub const MTSETDRVBUFFER: c_short = 24;
    pub const MTWSM: c_short = 27;
    pub const MTLOAD: c_short = 30;
    pub const MTCOMPRESSION: c_short = 32;
    pub const MTSETPART: c_short = 33;
    pub const MTWEOFI: c_short = 35;

    // mt_gstat bits (the GMT_* macros).
    pub const GMT_EOF: u32 = 0x8000_0000;
    pub const GMT_BOT: u32 = 0x4000_0000;
    pub const GMT_EOT: u32 = 0x2000_0000;
    pub const GMT_EOD: u32 = 0x0800_0000;
    pub const GMT_WR_PROT: u32 = 0x0400_0000;
    pub const GMT_ONLINE: u32 = 0x0100_0000;
    pub const GMT_DR_OPEN: u32 = 0x0004_0000;

    pub const MT_ST_BLKSIZE_MASK: u32 = 0x00ff_ffff;
    pub const MT_ST_DENSITY_SHIFT: u32 = 24;

    // MTSETDRVBUFFER: option groups and boolean options.
    pub const MT_ST_SETBOOLEANS: c_int = 0x3000_0000;
    pub const MT_ST_CLEARBOOLEANS: c_int = 0x4000_0000;
    pub const MT_ST_ASYNC_WRITES: c_int = 0x2;
    pub const MT_ST_TWO_FM: c_int = 0x10;
    pub const MT_ST_FAST_MTEOM: c_int = 0x20;
    pub const MT_ST_SCSI2LOGICAL: c_int = 0x800;
    pub const MT_ST_SYSV: c_int = 0x1000;
    pub const MT_ST_NOWAIT: c_int = 0x2000;
    pub const MT_ST_NOWAIT_EOF: c_int = 0x8000;

    nix::ioctl_write_ptr!(mtioctop, b'm', 1, MtOp);
    nix::ioctl_read!(mtiocget, b'm', 2, MtGet);
    nix::ioctl_read!(mtiocpos, b'm', 3, MtPos);
}

// ---------------------------------------------------------------------------------------------
// Pure decisions: what st's answers mean. No file descriptor, so the tests need no drive.
// ---------------------------------------------------------------------------------------------

#[cfg(target_os = "linux")]
use decide::*;

#[cfg(target_os = "linux")]
mod decide {
    use nix::errno::Errno;
    use nix::libc::{c_int, c_short};

    use super::sys::*;
    use crate::tape::scsi::params;
    use crate::tape::{ReadOutcome, TapeError, WriteOutcome};

    /// st's major device number (st(4)).
    pub const ST_MAJOR: u32 = 9;

    /// Largest block st can move: READ(6) and WRITE(6) carry a 24-bit length.
    pub const MAX_BLOCK: usize = 0x00ff_ffff;
    /// SPACE carries a signed 24-bit count and st copies `mt_count` straight into it (st.c
    /// `st_int_ioctl`), so longer moves go in steps of at most this many.
    pub const MAX_SPACE: u64 = 0x007f_ffff;
    /// WRITE FILEMARKS carries an unsigned 24-bit count.
    pub const MAX_FILEMARKS: u64 = 0x00ff_ffff;

    /// st(4): minors n + 128 are the no-rewind nodes (bit 7 of the minor, st.c `TAPE_MINOR`).
    pub fn is_no_rewind_minor(minor: u32) -> bool {
        minor & 0x80 != 0
    }

    /// What MTIOCGET reported, decoded.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct StStatus {
        pub gstat: u32,
        pub fileno: i32,
        pub blkno: i32,
        pub dsreg: u32,
    }

    impl Default for StStatus {
        /// Nothing known: st's -1 for file and block.
        fn default() -> StStatus {
            StStatus { gstat: 0, fileno: -1, blkno: -1, dsreg: 0 }
        }
    }

    impl From<&MtGet> for StStatus {
        fn from(m: &MtGet) -> StStatus {
            StStatus {
                // The flags live in the low 32 bits of a long; truncation keeps them on 32- and
                // 64-bit alike.
                gstat: m.mt_gstat as u32,
                fileno: m.mt_fileno,
                blkno: m.mt_blkno,
                dsreg: m.mt_dsreg as u32,
            }
        }
    }

    impl StStatus {
        fn has(&self, bit: u32) -> bool {
            self.gstat & bit != 0
        }
        /// st found the drive ready with a tape (st.c: `STp->ready == ST_READY`).
        pub fn online(&self) -> bool {
            self.has(GMT_ONLINE)
        }
        /// st found no tape (`ST_NO_TAPE`). Neither this nor `online`: not ready.
        pub fn no_tape(&self) -> bool {
            self.has(GMT_DR_OPEN)
        }
        /// The cartridge's write-protect tab (st reports the drive's mode header, not how we opened).
        pub fn write_protected(&self) -> bool {
            self.has(GMT_WR_PROT)
        }
        /// st's block 0 of file 0.
        pub fn bot(&self) -> bool {
            self.has(GMT_BOT)
        }
        /// Block 0 of a file other than the first: just past a filemark.
        pub fn just_past_filemark(&self) -> bool {
            self.has(GMT_EOF)
        }
        /// st is in its end-of-medium state: a write crossed the early warning or met the
        /// physical end (`ST_EOM_OK`/`ST_EOM_ERROR`).
        pub fn eot(&self) -> bool {
            self.has(GMT_EOT)
        }
        /// st saw end of data (`ST_EOD_1`, `ST_EOD_2`, `ST_EOD`).
        pub fn eod(&self) -> bool {
            self.has(GMT_EOD)
        }
        pub fn block_size(&self) -> u32 {
            self.dsreg & MT_ST_BLKSIZE_MASK
        }
        pub fn density_code(&self) -> u8 {
            (self.dsreg >> MT_ST_DENSITY_SHIFT) as u8
        }
        pub fn file(&self) -> Option<u64> {
            u64::try_from(self.fileno).ok()
        }
    }

    /// The error an unready drive explains, if st says it is not ready.
    pub fn not_ready_error(s: &StStatus) -> Option<TapeError> {
        if s.no_tape() {
            Some(TapeError::NoTape)
        } else if !s.online() {
            Some(TapeError::NotReady("st reports the drive not ready".into()))
        } else {
            None
        }
    }

    /// An errno from st, when nothing more precise is known (st(4) RETURN VALUE).
    pub fn errno_error(what: &str, errno: Errno) -> TapeError {
        match errno {
            Errno::ENOMEDIUM => TapeError::NoTape,
            // EACCES: writing or erasing a write-protected tape; EROFS: opening one for writing.
            Errno::EACCES | Errno::EROFS => TapeError::WriteProtected,
            Errno::ENOSPC => TapeError::EndOfMedium,
            Errno::EBUSY => TapeError::NotReady(format!("{what}: the drive is busy")),
            Errno::ENXIO => TapeError::NotReady(format!("{what}: the device is offline or not set up in st")),
            Errno::EINVAL => TapeError::IllegalRequest(format!(
                "{what}: st refused the arguments (EINVAL; for a block: outside the drive's block limits)"
            )),
            Errno::EOVERFLOW => {
                TapeError::IllegalRequest(format!("{what}: the block is larger than st can buffer (EOVERFLOW)"))
            }
            Errno::ENOSYS | Errno::ENOTTY => TapeError::Unsupported("an operation this st driver does not implement"),
            Errno::EIO => TapeError::Medium(format!("{what}: I/O error (the kernel log has the sense data)")),
            other => TapeError::Io(std::io::Error::new(std::io::Error::from(other).kind(), format!("{what}: {other}"))),
        }
    }

    /// read(2) returned 0 bytes. st does that for a filemark, having moved past it (st(4)),
    /// and also at blank tape right after a filemark, or when the drive reports blank tape with
    /// the EOM bit (st.c `read_tape`: EOD states, or `ST_EOM_OK` without data). Only MTIOCGET
    /// tells them apart.
    pub fn zero_read_outcome(after: &StStatus) -> ReadOutcome {
        if after.eod() || after.eot() { ReadOutcome::EndOfData } else { ReadOutcome::Filemark }
    }

    /// read(2) returned `n` bytes into a buffer of `len`: a block, unless st is now in its
    /// end-of-medium or end-of-data state and the "block" fills the buffer exactly. tgt
    /// answers a READ at end of data with BLANK CHECK and the EOM bit but no residue (real
    /// drives: 00/05, no EOM), and st then takes the whole request as read (st.c `read_tape`,
    /// SENSE_EOM: `buffer_bytes = bytes - transfer`; its state becomes ST_EOM_OK, or ST_EOD_1
    /// right after a filemark), handing back its buffer's stale bytes. Found in the QEMU
    /// guest: a blank tape "held foreign data", and end of data was counted one block late. A real block of exactly the buffer's size
    /// read at the physical end of the medium is taken for end of data too; our readers ask
    /// for more than a block, so it cannot be one of ours.
    pub fn data_read_outcome(n: usize, len: usize, after: Option<&StStatus>) -> ReadOutcome {
        if n == len && after.is_some_and(|s| s.eot() || s.eod()) {
            ReadOutcome::EndOfData
        } else {
            ReadOutcome::Block(n)
        }
    }

    /// READ BLOCK LIMITS data: the maximum block length (bytes 1-3); None for 0 (no limit
    /// reported) or short data.
    pub fn max_block_from_limits(data: &[u8]) -> Option<usize> {
        let b = data.get(1..4)?;
        let max = usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2]);
        (max > 0).then_some(max)
    }

    /// READ BLOCK LIMITS data: the minimum block length (bytes 4-5), at least 1.
    pub fn min_block_from_limits(data: &[u8]) -> usize {
        data.get(4..6).map_or(1, |b| usize::from(u16::from_be_bytes([b[0], b[1]]))).max(1)
    }

    /// The next read length to try after st refused `len` with EINVAL (above the drive's block
    /// limit, which this backend could not ask for): half, at least 1.
    pub fn next_read_len(len: usize) -> usize {
        (len / 2).max(1)
    }

    /// What one write(2) did.
    #[derive(Debug)]
    pub enum WriteStep {
        /// The whole block is on its way to the tape.
        Done,
        /// ENOSPC: nothing of this write reached the tape (st.c `st_write`).
        NotWritten,
        Failed(TapeError),
    }

    pub fn write_step(res: Result<usize, Errno>, len: usize) -> WriteStep {
        match res {
            Ok(n) if n == len => WriteStep::Done,
            // Variable-block mode cannot write part of a block; st reports a residue only if
            // the drive claims one.
            Ok(n) => WriteStep::Failed(TapeError::Medium(format!("short write: the drive took {n} of {len} bytes"))),
            Err(Errno::ENOSPC) => WriteStep::NotWritten,
            Err(e) => WriteStep::Failed(errno_error("write", e)),
        }
    }

    /// After a write that went through, MTIOCGET says whether it crossed the early warning
    /// (GMT_EOT). When st could not hand the caller's buffer to the drive directly and wrote
    /// asynchronously, MTIOCGET first waits for that write and fails with its outcome (st.c
    /// `write_behind_check` via `flush_buffer`): ENOSPC when the block was written past the
    /// early warning, EIO when it was not written.
    pub fn written_outcome(after: Result<StStatus, Errno>) -> Result<WriteOutcome, TapeError> {
        match after {
            Ok(s) if s.eot() => Ok(WriteOutcome::EarlyWarning),
            Ok(_) => Ok(WriteOutcome::Written),
            Err(Errno::ENOSPC) => Ok(WriteOutcome::EarlyWarning),
            Err(Errno::EIO) => Err(TapeError::Medium("write: the drive failed the block (st write-behind)".into())),
            // No status, but the write itself went through.
            Err(_) => Ok(WriteOutcome::Written),
        }
    }

    /// The second attempt after ENOSPC. Past the early warning st lets it through; at the
    /// physical end the drive refuses it too.
    pub fn retry_outcome(res: Result<usize, Errno>, len: usize) -> Result<WriteOutcome, TapeError> {
        match write_step(res, len) {
            WriteStep::Done => Ok(WriteOutcome::EarlyWarning),
            WriteStep::NotWritten => Err(TapeError::EndOfMedium),
            WriteStep::Failed(e) => Err(e),
        }
    }

    /// A tape motion, for explaining a failed one.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Motion {
        BlocksForward,
        BlocksBackward,
        FilemarksForward,
        FilemarksBackward,
    }

    /// Forward over blocks, st met a filemark: it counts the file, sets block 0 and leaves the
    /// tape past the filemark (st.c `st_int_ioctl`, MTFSR with the FM sense bit).
    pub fn crossed_filemark_forward(before: &StStatus, after: &StStatus) -> bool {
        if before.fileno >= 0 {
            after.fileno == before.fileno + 1 && after.blkno == 0
        } else {
            after.just_past_filemark()
        }
    }

    /// Backward over blocks, st met a filemark: it decrements the file number even when that
    /// was unknown (-1 becomes -2) and leaves the tape on the BOT side of the filemark (st.c
    /// `st_int_ioctl`, MTBSR with the FM sense bit).
    pub fn crossed_filemark_backward(before: &StStatus, after: &StStatus) -> bool {
        after.fileno == before.fileno.wrapping_sub(1)
    }

    /// A space that st failed with EIO. `at_bot`: the tape is now at the beginning.
    pub fn space_failure(motion: Motion, before: &StStatus, after: &StStatus, at_bot: bool) -> TapeError {
        use Motion::*;
        match motion {
            // A BLANK CHECK during MTFSR/MTFSF sets st's EOD state (st.c `st_int_ioctl`).
            BlocksForward | FilemarksForward if after.eod() => TapeError::EndOfData,
            BlocksForward if crossed_filemark_forward(before, after) => TapeError::Filemark,
            BlocksBackward | FilemarksBackward if at_bot => TapeError::BeginningOfTape,
            BlocksBackward if crossed_filemark_backward(before, after) => TapeError::Filemark,
            _ => TapeError::Medium(format!("space ({motion:?}) failed with an I/O error")),
        }
    }

    /// st writes a filemark of its own before these when the last operation was a write
    /// (st.c `st_ioctl`).
    pub fn st_adds_filemark_before(op: c_short) -> bool {
        matches!(op, MTREW | MTOFFL | MTSEEK | MTBSF | MTBSFM)
    }

    /// Every MTIOCTOP but these makes st forget that it was writing, so that it adds no
    /// filemark at close (st.c `st_ioctl`: "Prevent automatic WEOF").
    pub fn resets_st_writing(op: c_short) -> bool {
        !matches!(op, MTNOP | MTSETBLK | MTSETDENSITY | MTWSM | MTSETDRVBUFFER | MTSETPART)
    }

    /// `total` in steps of at most `max`.
    pub fn steps(total: u64, max: u64) -> impl Iterator<Item = c_int> {
        let mut left = total;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            let n = left.min(max);
            left -= n;
            Some(n as c_int)
        })
    }

    /// The density code of the loaded medium, as the drive's mode block descriptor reports it:
    /// the LTO generation's name, else the code itself (st drives need not be LTO); None for
    /// 0, "default", i.e. not reported.
    pub fn density_label(code: u8) -> Option<String> {
        match code {
            0 => None,
            code => {
                Some(params::density_name(code).map_or_else(|| format!("density code 0x{code:02x}"), str::to_string))
            }
        }
    }

    /// Native capacity of an LTO medium of that density. Not for 0x40: DLT1 uses that code as
    /// well as LTO-1, and st serves any SCSI tape drive.
    pub fn native_capacity(code: u8) -> Option<u64> {
        params::density_capacity(code).filter(|_| code != 0x40)
    }

    /// CAP_SYS_RAWIO: st passes SG_IO on only with it (st.c `st_common_ioctl`).
    pub const CAP_SYS_RAWIO: u32 = 17;
    /// CAP_SYS_ADMIN: st takes MTSETDRVBUFFER only with it, and logs a warning otherwise
    /// (st.c `st_ioctl`).
    pub const CAP_SYS_ADMIN: u32 = 21;

    /// Whether the `CapEff:` line of /proc/self/status grants capability `bit`.
    pub fn cap_effective(proc_status: &str, bit: u32) -> bool {
        proc_status
            .lines()
            .find_map(|l| l.strip_prefix("CapEff:"))
            .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
            .is_some_and(|caps| caps & (1 << bit) != 0)
    }
}

// ---------------------------------------------------------------------------------------------
// The drive.
// ---------------------------------------------------------------------------------------------

#[cfg(target_os = "linux")]
use std::fs::File;
#[cfg(target_os = "linux")]
use std::path::PathBuf;

#[cfg(target_os = "linux")]
use nix::errno::Errno;
#[cfg(target_os = "linux")]
use nix::libc::{self, c_int, c_short};

#[cfg(target_os = "linux")]
use super::health::DriveHealth;
#[cfg(target_os = "linux")]
use super::scsi::track::{self, Counted, Probe, Tracker};
#[cfg(target_os = "linux")]
use super::scsi::{DataDir, cdb, logs, params, sense, sg, status};
#[cfg(target_os = "linux")]
use super::{Capabilities, DriveStatus, Identity, Position, ReadOutcome, Space, WriteOutcome};

const UNKNOWN_POSITION: &str = "tape position unknown (an error left it undefined): rewind or locate first";

/// A drive behind the Linux st driver.
#[cfg(target_os = "linux")]
pub struct StDrive {
    file: File,
    path: PathBuf,
    /// Opened O_RDONLY: the node or the tape refused O_RDWR.
    read_only: bool,
    /// The last thing st saw was a write(2), so it would add a filemark at close and before
    /// rewinding, locating, spacing back over filemarks or going offline. Set on every write
    /// attempt (a harmless overestimate: see `forget_writing`); cleared by every
    /// MTIOCTOP that resets st's state.
    pending_write: bool,
    /// Whether this backend counts positions itself (see "Drives without READ POSITION" in
    /// the module docs): `None` until a tape has been seen.
    counting: Option<bool>,
    /// The counted position and what is known of the tape, while `counting`.
    trk: Tracker,
    /// The longest read(2) st takes: in variable-block mode st refuses a read longer than the
    /// drive's maximum block length with EINVAL (st.c `rw_checks`), though no block can be
    /// longer. From READ BLOCK LIMITS where SG_IO is allowed, else learned from EINVAL.
    max_read: Option<usize>,
    /// The drive's minimum block length (READ BLOCK LIMITS), which st also enforces on reads:
    /// the length of the probing reads of the LOCATE emulation.
    min_read: usize,
    /// `TAPEBACKARR_ST_TRACE=1` (see `trace`).
    trace: bool,
    /// The node's device number, for the sysfs fallback of `identity`.
    rdev: u64,
}

/// Whether this process holds capability `bit` (see `cap_effective`).
#[cfg(target_os = "linux")]
fn has_capability(bit: u32) -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| cap_effective(&s, bit))
}

#[cfg(target_os = "linux")]
fn retry_eintr<T>(mut f: impl FnMut() -> nix::Result<T>) -> nix::Result<T> {
    // st takes its lock interruptibly before doing anything (st.c `mutex_lock_interruptible`),
    // and waits for the drive uninterruptibly: EINTR means nothing happened, so try again.
    loop {
        match f() {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

#[cfg(target_os = "linux")]
fn open_node(path: &Path, nonblock: bool) -> std::io::Result<(File, bool)> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = if nonblock { libc::O_NONBLOCK } else { 0 };
    let rw = std::fs::OpenOptions::new().read(true).write(true).custom_flags(flags).open(path);
    match rw {
        Ok(f) => Ok((f, false)),
        // EROFS: st refuses O_RDWR on a write-protected tape (st.c `check_tape`, blocking
        // opens only); EACCES: the node's permissions allow reading only.
        Err(e) if matches!(e.raw_os_error(), Some(libc::EROFS) | Some(libc::EACCES)) => {
            let f = std::fs::OpenOptions::new().read(true).custom_flags(flags).open(path)?;
            Ok((f, true))
        }
        Err(e) => Err(e),
    }
}

#[cfg(target_os = "linux")]
fn mtget_fd(file: &File) -> nix::Result<StStatus> {
    use std::os::fd::AsRawFd;
    let mut m = sys::MtGet::default();
    // SAFETY: `m` is a live, correctly laid out `struct mtget` the kernel writes into.
    retry_eintr(|| unsafe { sys::mtiocget(file.as_raw_fd(), &mut m) })?;
    Ok(StStatus::from(&m))
}

#[cfg(target_os = "linux")]
impl StDrive {
    /// Opens the no-rewind node, with no tape if need be, and applies our settings.
    pub fn open(path: &Path) -> Result<StDrive> {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};

        let io_err =
            |e: std::io::Error| TapeError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display())));
        let meta = std::fs::metadata(path).map_err(io_err)?;
        let rdev = meta.rdev();
        if !meta.file_type().is_char_device() || libc::major(rdev) != ST_MAJOR {
            return Err(TapeError::Other(format!(
                "{}: not an st tape device (expected a node such as /dev/nst0)",
                path.display()
            )));
        }
        if !is_no_rewind_minor(libc::minor(rdev)) {
            return Err(TapeError::Other(format!(
                "{}: this node rewinds the tape whenever it is closed; use the no-rewind node (/dev/nstN)",
                path.display()
            )));
        }

        // O_NONBLOCK: st then opens a drive without a tape (or not ready) instead of failing
        // with ENOMEDIUM/EIO, so status() can say so (st.c `st_open`).
        let busy = |e: std::io::Error| match e.raw_os_error() {
            // st lets one process open a drive at a time (st.c `st_open`).
            Some(libc::EBUSY) => TapeError::NotReady(format!("{}: in use by another process", path.display())),
            _ => io_err(e),
        };
        let (mut file, mut read_only) = open_node(path, true).map_err(busy)?;
        let status = mtget_fd(&file).map_err(|e| errno_error("MTIOCGET", e))?;
        if !status.online() && !status.no_tape() {
            // A tape is there but not ready (still loading, say). A non-blocking open does not
            // wait for it; a blocking one waits up to two minutes (st.c `test_ready`,
            // ST_BLOCK_SECONDS). st allows one open file, so close ours first.
            drop(file);
            (file, read_only) = match open_node(path, false) {
                Ok(opened) => opened,
                Err(_) => open_node(path, true).map_err(busy)?,
            };
        }

        // O_NONBLOCK was only for opening: clear it for I/O (st also passes it on to the SCSI
        // error handling, which would then answer EAGAIN instead of waiting).
        use nix::fcntl::{FcntlArg, OFlag, fcntl};
        let flags = fcntl(&file, FcntlArg::F_GETFL).map_err(|e| errno_error("F_GETFL", e))?;
        let mut flags = OFlag::from_bits_truncate(flags);
        flags.remove(OFlag::O_NONBLOCK);
        fcntl(&file, FcntlArg::F_SETFL(flags)).map_err(|e| errno_error("F_SETFL", e))?;

        let mut drive = StDrive {
            file,
            path: path.to_path_buf(),
            read_only,
            pending_write: false,
            counting: None,
            trk: Tracker::default(),
            max_read: None,
            min_read: 1,
            trace: std::env::var_os("TAPEBACKARR_ST_TRACE").is_some_and(|v| v == "1"),
            rdev,
        };
        drive.configure_driver();
        drive.configure_tape()?;
        Ok(drive)
    }

    fn fd(&self) -> c_int {
        use std::os::fd::AsRawFd;
        self.file.as_raw_fd()
    }

    /// Driver options for this drive (st(4) MTSETDRVBUFFER; they outlive this handle and apply
    /// to every user of the drive). Only CAP_SYS_ADMIN may set them; without it st keeps what
    /// the administrator configured and this backend still works, with the caveats below.
    fn configure_driver(&mut self) {
        if !has_capability(CAP_SYS_ADMIN) {
            return;
        }
        // Off: asynchronous writes (an error would surface on the next write, st(4): "must be set
        // false to write reliable multivolume archives"; st uses them only when it cannot map
        // the caller's buffer directly), two filemarks at close, fast MTEOM (which loses the
        // file number), System V close semantics (spacing to the next filemark when closing
        // after a read), and immediate mode for rewind/locate/erase/load (MT_ST_NOWAIT) and for
        // filemarks (MT_ST_NOWAIT_EOF, which would make a flushing MTWEOF return before the
        // data is on tape).
        let clear = sys::MT_ST_CLEARBOOLEANS
            | sys::MT_ST_ASYNC_WRITES
            | sys::MT_ST_TWO_FM
            | sys::MT_ST_FAST_MTEOM
            | sys::MT_ST_SYSV
            | sys::MT_ST_NOWAIT
            | sys::MT_ST_NOWAIT_EOF;
        // On: SCSI-2 logical block addresses for MTIOCPOS and MTSEEK, which count filemarks
        // as READ POSITION does (st(4): "highly advisable"). Without it st asks for the
        // drive's device-specific address (READ POSITION with BT=1); it still round-trips
        // through locate(), but may not match what other backends report.
        let set = sys::MT_ST_SETBOOLEANS | sys::MT_ST_SCSI2LOGICAL;
        let _ = self.mtop(sys::MTSETDRVBUFFER, clear);
        let _ = self.mtop(sys::MTSETDRVBUFFER, set);
    }

    /// Settings st keeps per tape, applied whenever st has one: variable-block mode, and the
    /// drive's buffered mode 1 (GOOD status once the data is in the drive's buffer, what
    /// streaming needs; the commit point is a flushing write_filemarks). The second needs
    /// CAP_SYS_ADMIN and is skipped without it.
    fn configure_tape(&mut self) -> Result<()> {
        let limits = self.block_limits();
        self.max_read = limits.and_then(|l| l.0);
        self.min_read = limits.map_or(1, |l| l.1);
        // A new tape: whether the drive reports positions is decided afresh.
        self.counting = None;
        self.trk.forget();
        match self.mtop(sys::MTSETBLK, 0) {
            Ok(()) => {}
            // No tape, or not ready: st sends MODE SELECT only with a tape (st.c `st_int_ioctl`).
            Err(Errno::ENOMEDIUM) => return Ok(()),
            Err(Errno::EIO) if self.st_status().is_ok_and(|s| !s.online()) => return Ok(()),
            Err(e) => {
                return Err(match e {
                    Errno::EINVAL => {
                        TapeError::IllegalRequest("the drive refuses variable-block mode (MTSETBLK 0)".into())
                    }
                    e => self.refine("MTSETBLK 0 (variable-block mode)", e),
                });
            }
        }
        if has_capability(CAP_SYS_ADMIN) {
            let _ = self.mtop(sys::MTSETDRVBUFFER, 1);
        }
        // Undecided (no tape, say) is decided on first use.
        let _ = self.decide_counting();
        Ok(())
    }

    /// Whether positions are counted here; decided the first time a tape is online. st's
    /// MTIOCPOS fails with EIO when the drive refuses READ POSITION or answers "position
    /// unknown" (st.c `get_location` checks the BPU bit; tgt's stub sets it). Asked again at
    /// BOT before concluding, as a drive may only have lost its position; a drive that does not
    /// know it even there gets counted, from BOT. Errors (no tape) leave it undecided.
    fn decide_counting(&mut self) -> Result<bool> {
        if let Some(c) = self.counting {
            return Ok(c);
        }
        match self.raw_position() {
            Ok(_) => {}
            Err(Errno::EIO) if self.st_status().is_ok_and(|s| s.online()) => {
                self.mtop(sys::MTREW, 1).map_err(|e| self.refine("rewind", e))?;
                if self.raw_position().is_err() {
                    self.trk.loaded();
                    self.counting = Some(true);
                    return Ok(true);
                }
            }
            Err(e) => return Err(self.refine("read position", e)),
        }
        self.counting = Some(false);
        Ok(false)
    }

    /// Counting positions (decided now if it was not).
    fn counts(&mut self) -> bool {
        self.decide_counting().unwrap_or(false)
    }

    /// MTREW, the count following.
    fn rewind_counted(&mut self) -> Result<()> {
        self.mtop(sys::MTREW, 1).map_err(|e| {
            self.trk.pos = None;
            self.refine("rewind", e)
        })?;
        self.trk.at_bot();
        Ok(())
    }

    /// A tape motion of the LOCATE emulation; on failure the position is unknown.
    fn counted_space(&mut self, op: c_short, motion: Motion, count: u64) -> Result<()> {
        self.space_by(op, motion, count).inspect_err(|_| self.trk.pos = None)
    }

    /// Goes to `target` with the tracker's map: MTFSF over each known filemark, MTFSR over
    /// runs of blocks known to hold none (a drive stops SPACE over blocks at a filemark, tgt
    /// passes it: only filemark-free runs behave the same on both), 1-byte reads beyond the
    /// map. Backwards: rewind, then forwards (MTBSR would meet the same difference).
    fn goto_counted(&mut self, target: u64) -> Result<()> {
        let mut cur = match self.trk.pos {
            Some(p) if p <= target => p,
            _ => {
                self.rewind_counted()?;
                0
            }
        };
        while cur < target {
            let frontier = self.trk.mapped_to();
            if cur < frontier {
                let end = target.min(frontier);
                match self.trk.next_mapped_filemark(cur) {
                    Some(f) if f < end => {
                        self.counted_space(sys::MTFSF, Motion::FilemarksForward, 1)?;
                        cur = f + 1;
                        self.trk.pos = Some(cur);
                    }
                    _ => {
                        // Where the map ends, end of data may begin, and tgt reports a SPACE
                        // ending exactly there as one that ran into it: read the last object.
                        let stop = if end == frontier { end - 1 } else { end };
                        if stop > cur {
                            self.counted_space(sys::MTFSR, Motion::BlocksForward, stop - cur)?;
                            cur = stop;
                            self.trk.pos = Some(cur);
                        } else {
                            match Counted::probe(self)? {
                                Probe::Block | Probe::Filemark => cur += 1,
                                Probe::EndOfData => return Err(TapeError::EndOfData),
                            }
                        }
                    }
                }
            } else {
                match Counted::probe(self)? {
                    Probe::Block | Probe::Filemark => cur += 1,
                    Probe::EndOfData => return Err(TapeError::EndOfData),
                }
            }
        }
        Ok(())
    }

    /// Emulated space to end of data: through what is known, then 1-byte reads until blank
    /// tape. Then MTEOM, which moves nothing from there but leaves st in its end-of-data
    /// state: a READ that met tgt's BLANK CHECK with the EOM bit leaves st in its end-of-medium
    /// state instead, where it would refuse the next write with ENOSPC.
    fn space_eod_counted(&mut self) -> Result<()> {
        let e = match self.trk.eod() {
            Some(e) => {
                Counted::goto(self, e)?;
                e
            }
            None => {
                let frontier = self.trk.mapped_to();
                let from = self.trk.pos.filter(|&p| p >= frontier).unwrap_or(frontier);
                self.goto_counted(from)?;
                loop {
                    if let Probe::EndOfData = Counted::probe(self)? {
                        break;
                    }
                }
                self.trk.pos.ok_or_else(|| TapeError::Other("end of data found at an unknown position".into()))?
            }
        };
        self.mtop(sys::MTEOM, 1).map_err(|err| {
            self.trk.pos = None;
            self.refine("space to end of data", err)
        })?;
        self.trk.pos = Some(e);
        Ok(())
    }

    /// MTIOCGET.
    fn st_status(&self) -> nix::Result<StStatus> {
        mtget_fd(&self.file)
    }

    /// MTIOCPOS: READ POSITION, the logical block from BOT with filemarks counted (see
    /// `configure_driver` for the address type).
    fn raw_position(&self) -> nix::Result<u64> {
        let mut p = sys::MtPos::default();
        let fd = self.fd();
        // SAFETY: `p` is a live `struct mtpos` the kernel writes into.
        retry_eintr(|| unsafe { sys::mtiocpos(fd, &mut p) })?;
        // st reports an unsigned 32-bit block in a long (st.c `get_location`).
        u64::try_from(p.mt_blkno).map_err(|_| Errno::EIO)
    }

    /// One MTIOCTOP, keeping `pending_write` in step with st.
    fn mtop(&mut self, op: c_short, count: c_int) -> nix::Result<()> {
        if self.pending_write && st_adds_filemark_before(op) {
            self.forget_writing();
        }
        let arg = sys::MtOp { mt_op: op, mt_count: count };
        let fd = self.fd();
        // SAFETY: `arg` is a live `struct mtop` the kernel only reads.
        let res = retry_eintr(|| unsafe { sys::mtioctop(fd, &arg) }).map(drop);
        self.trace(&format!("MTIOCTOP op {op} count {count}: {res:?}"));
        if resets_st_writing(op) {
            // st resets its state before running the command, so even on failure.
            self.pending_write = false;
        }
        res
    }

    /// `TAPEBACKARR_ST_TRACE=1`: every st call, its result, st's status and our count on
    /// stderr (as TAPEBACKARR_SCSI_TRACE does for SCSI), for trying a drive.
    fn trace(&self, what: &str) {
        if self.trace {
            let s = self.st_status();
            eprintln!("st: {what}; status {s:?}; counted {:?} eod {:?}", self.trk.pos, self.trk.eod());
        }
    }

    /// Make st forget that it was writing, so that it adds no filemark of its own: MTWEOF
    /// with a count of 0 is WRITE FILEMARKS(0), which flushes the drive's buffer and writes
    /// nothing (SSC-3), and like every MTIOCTOP it sets st's state to idle first (st.c
    /// `st_ioctl`). Harmless when st was not writing after all. Its error is dropped: a caller
    /// who needed the data on tape committed it with a flushing write_filemarks.
    fn forget_writing(&mut self) {
        let arg = sys::MtOp { mt_op: sys::MTWEOF, mt_count: 0 };
        let fd = self.fd();
        // SAFETY: as in `mtop`.
        let _ = retry_eintr(|| unsafe { sys::mtioctop(fd, &arg) });
        self.pending_write = false;
    }

    /// An errno, explained by st's state when it is EIO: st answers EIO for "not ready" too
    /// (st.c `rw_checks`, `get_location`, `st_compression`).
    fn refine(&self, what: &str, errno: Errno) -> TapeError {
        if errno == Errno::EIO
            && let Ok(s) = self.st_status()
            && let Some(e) = not_ready_error(&s)
        {
            return e;
        }
        errno_error(what, errno)
    }

    /// After an EIO that st did not explain: is the tape at end of data? st records a BLANK
    /// CHECK only for its own motion commands (st.c `st_int_ioctl` sets its EOD state, which
    /// MTIOCGET shows as GMT_EOD), not for a read right after a rewind or locate, nor for
    /// MTSEEK. So space one block forward: at end of data the drive refuses with BLANK CHECK
    /// and does not move (SSC-3 SPACE); anywhere else the tape moves, and we move it back.
    fn probe_end_of_data(&mut self) -> bool {
        let before = self.st_status().unwrap_or_default();
        match self.mtop(sys::MTFSR, 1) {
            Ok(()) => {
                let _ = self.mtop(sys::MTBSR, 1);
                false
            }
            Err(Errno::EIO) => match self.st_status() {
                Ok(after) if after.eod() => true,
                Ok(after) if crossed_filemark_forward(&before, &after) => {
                    // Past a filemark now: MTBSF ends on its BOT side, where we were.
                    let _ = self.mtop(sys::MTBSF, 1);
                    false
                }
                _ => false,
            },
            Err(_) => false,
        }
    }

    /// st skipped a block that did not fit (ENOMEM; st.c `read_tape` counts it as passed) but
    /// does not say how long it was. Measure it: space back over it and read it again into a
    /// buffer twice as large, until it fits. Every path ends past the block, as the first
    /// attempt did. None when st does not let us.
    fn measure_skipped_block(&mut self, buffer_len: usize) -> Option<usize> {
        let mut len = buffer_len;
        while len < MAX_BLOCK {
            len = len.saturating_mul(2).min(MAX_BLOCK);
            self.mtop(sys::MTBSR, 1).ok()?;
            let mut scratch = vec![0u8; len];
            match retry_eintr(|| nix::unistd::read(&self.file, &mut scratch)) {
                Ok(n) if n > buffer_len => return Some(n),
                // Not the block we skipped: we are past something; stop here.
                Ok(_) => return None,
                // Still too small, and skipped again.
                Err(Errno::ENOMEM) => continue,
                // Refused before any tape motion (above the drive's block limit, or no buffer
                // for it): step over the block as the caller expects.
                Err(Errno::EINVAL | Errno::EOVERFLOW | Errno::EBUSY) => {
                    let _ = self.mtop(sys::MTFSR, 1);
                    return None;
                }
                Err(_) => return None,
            }
        }
        None
    }

    /// Spaces in steps st can carry, explaining a failure.
    fn space_by(&mut self, op: c_short, motion: Motion, count: u64) -> Result<()> {
        for step in steps(count, MAX_SPACE) {
            let before = self.st_status().unwrap_or_default();
            if let Err(errno) = self.mtop(op, step) {
                if errno != Errno::EIO {
                    return Err(self.refine("space", errno));
                }
                let after = match self.st_status() {
                    Ok(s) => s,
                    Err(_) => return Err(errno_error("space", errno)),
                };
                if let Some(e) = not_ready_error(&after) {
                    return Err(e);
                }
                let backward = matches!(motion, Motion::BlocksBackward | Motion::FilemarksBackward);
                // st's BOT flag needs a known file number; READ POSITION does not.
                let at_bot = backward && (after.bot() || self.raw_position() == Ok(0));
                return Err(space_failure(motion, &before, &after, at_bot));
            }
        }
        Ok(())
    }

    fn writable(&self) -> Result<()> {
        if self.read_only {
            return Err(TapeError::WriteProtected);
        }
        Ok(())
    }

    /// INQUIRY, of standard data or of VPD page `vpd_page`, through SG_IO on the st node. st
    /// passes SG_IO to the SCSI midlayer only for callers with CAP_SYS_RAWIO (st.c
    /// `st_common_ioctl`); None otherwise, and when the drive does not answer GOOD.
    fn sg_inquiry(&self, vpd_page: Option<u8>, alloc: u16) -> Option<Vec<u8>> {
        let cdb = match vpd_page {
            None => cdb::inquiry(alloc),
            Some(page) => cdb::inquiry_vpd(page, alloc),
        };
        self.sg_data_in(&cdb, alloc)
    }

    /// READ BLOCK LIMITS (maximum, minimum), through SG_IO (so with CAP_SYS_RAWIO only).
    fn block_limits(&self) -> Option<(Option<usize>, usize)> {
        let data = self.sg_data_in(&cdb::read_block_limits(), 6)?;
        Some((max_block_from_limits(&data), min_block_from_limits(&data)))
    }

    /// A command with data in, through SG_IO on the st node (see `sg_inquiry`).
    fn sg_data_in(&self, cdb: &[u8], alloc: u16) -> Option<Vec<u8>> {
        use std::io::IoSliceMut;
        use std::os::fd::AsFd;
        if !has_capability(CAP_SYS_RAWIO) {
            return None;
        }
        let mut data = vec![0u8; usize::from(alloc)];
        let done = loop {
            let mut bufs = [IoSliceMut::new(&mut data)];
            match sg::sg_io(self.file.as_fd(), cdb, DataDir::In(&mut bufs), std::time::Duration::from_secs(30)) {
                // As for every st ioctl (see `retry_eintr`).
                Err(TapeError::Io(e)) if e.raw_os_error() == Some(libc::EINTR) => continue,
                other => break other.ok()?,
            }
        };
        if done.status != status::GOOD {
            return None;
        }
        data.truncate(done.transferred.unwrap_or(0));
        Some(data)
    }

    /// LOG SENSE of one page through SG_IO on the st node (CAP_SYS_RAWIO checked by the
    /// caller). A unit attention (a reset, a new cartridge) is absorbed: LOG SENSE moves no
    /// tape, so repeating it is harmless.
    fn sg_log_sense(&self, page: u8) -> Result<Vec<u8>> {
        use std::io::IoSliceMut;
        use std::os::fd::AsFd;
        let c = cdb::log_sense(page, cdb::LogPageControl::Cumulative, logs::LOG_ALLOC);
        let mut data = vec![0u8; usize::from(logs::LOG_ALLOC)];
        let mut attentions = 0;
        loop {
            let mut bufs = [IoSliceMut::new(&mut data)];
            let done =
                match sg::sg_io(self.file.as_fd(), &c, DataDir::In(&mut bufs), std::time::Duration::from_secs(60)) {
                    Err(TapeError::Io(e)) if e.raw_os_error() == Some(libc::EINTR) => continue,
                    other => other?,
                };
            match done.status {
                status::GOOD => {}
                status::CHECK_CONDITION => match sense::Sense::parse(&done.sense) {
                    Some(s) if s.key == sense::key::UNIT_ATTENTION && attentions < 4 => {
                        attentions += 1;
                        continue;
                    }
                    Some(s) if s.key == sense::key::RECOVERED_ERROR => {}
                    Some(s) => return Err(s.to_error("LOG SENSE")),
                    None => return Err(TapeError::Other("LOG SENSE: CHECK CONDITION without sense data".into())),
                },
                other => return Err(TapeError::Other(format!("LOG SENSE: SCSI status 0x{other:02x}"))),
            }
            let n = done.transferred.unwrap_or(data.len()).min(data.len());
            data.truncate(n);
            return Ok(data);
        }
    }

    /// The SCSI midlayer publishes the same INQUIRY strings, and VPD page 0x80 as `vpd_pg80`,
    /// to every user under /sys/dev/char/MAJ:MIN/device/ (the st node's SCSI device).
    fn sysfs_identity(&self) -> (Option<(String, String, String)>, Option<String>) {
        let dir = PathBuf::from(format!("/sys/dev/char/{}:{}/device", libc::major(self.rdev), libc::minor(self.rdev)));
        let text = |name: &str| std::fs::read_to_string(dir.join(name)).ok().map(|s| s.trim().to_string());
        let strings = match (text("vendor"), text("model"), text("rev")) {
            (Some(v), Some(m), Some(r)) => Some((v, m, r)),
            _ => None,
        };
        let serial = std::fs::read(dir.join("vpd_pg80")).ok().and_then(|b| params::parse_unit_serial(&b).ok());
        (strings, serial)
    }
}

/// st's own view of each operation; the trait's methods add the counting where the drive
/// cannot report positions.
#[cfg(target_os = "linux")]
impl StDrive {
    /// read(2) of one block. 0 bytes is a filemark or, when st says so, end of data; ENOMEM a
    /// block larger than `buf`, which st has skipped (st(4)).
    fn read_block_st(&mut self, buf: &mut [u8]) -> Result<ReadOutcome> {
        if buf.is_empty() {
            // st answers a 0-byte read with 0 without touching the tape.
            return Err(TapeError::IllegalRequest("read_block needs a non-empty buffer".into()));
        }
        let mut len = buf.len().min(self.max_read.unwrap_or(usize::MAX)).max(1);
        let res = loop {
            match retry_eintr(|| nix::unistd::read(&self.file, &mut buf[..len])) {
                // Refused before any tape motion: longer than the drive's largest block (found in
                // the QEMU guest: tgt's limit is under the 4 MiB the append check reads with).
                // No block is longer than the drive allows, so a shorter read loses nothing.
                Err(Errno::EINVAL) if len > 1 && self.max_read.is_none_or(|m| len <= m) => {
                    len = next_read_len(len);
                    self.max_read = Some(len);
                }
                other => break other,
            }
        };
        let buf = &mut buf[..len];
        self.trace(&format!("read({len}): {res:?}"));
        match res {
            Ok(0) => match self.st_status() {
                Ok(s) => Ok(zero_read_outcome(&s)),
                Err(e) => Err(errno_error("MTIOCGET after a 0-byte read", e)),
            },
            // The status matters only for a read that filled the buffer (see data_read_outcome).
            Ok(n) if n == buf.len() => Ok(data_read_outcome(n, buf.len(), self.st_status().ok().as_ref())),
            Ok(n) => Ok(ReadOutcome::Block(n)),
            Err(Errno::ENOMEM) => {
                let buffer_len = buf.len();
                // Unmeasured: the least it can be.
                let block_len = self.measure_skipped_block(buffer_len).unwrap_or(buffer_len.saturating_add(1));
                Err(TapeError::BlockTooLarge { block_len, buffer_len })
            }
            Err(Errno::EIO) => {
                if let Ok(s) = self.st_status() {
                    // A read in st's EOD state (st(4): the third read at end of data fails).
                    if s.eod() {
                        return Ok(ReadOutcome::EndOfData);
                    }
                    if let Some(e) = not_ready_error(&s) {
                        return Err(e);
                    }
                }
                if self.probe_end_of_data() { Ok(ReadOutcome::EndOfData) } else { Err(errno_error("read", Errno::EIO)) }
            }
            Err(e) => Err(self.refine("read", e)),
        }
    }

    /// write(2) of one block; see the module documentation for end of medium.
    fn write_block_st(&mut self, data: &[u8]) -> Result<WriteOutcome> {
        self.writable()?;
        if data.is_empty() {
            // st answers a 0-byte write with 0 and writes nothing.
            return Err(TapeError::IllegalRequest("an empty block cannot be written".into()));
        }
        self.pending_write = true;
        let len = data.len();
        let write = |file: &File| retry_eintr(|| nix::unistd::write(file, data));
        match write(&self.file) {
            Err(Errno::EIO) => Err(self.refine("write", Errno::EIO)),
            first => match write_step(first, len) {
                WriteStep::Done => written_outcome(self.st_status()),
                WriteStep::NotWritten => match write(&self.file) {
                    Err(Errno::EIO) => Err(self.refine("write", Errno::EIO)),
                    second => retry_outcome(second, len),
                },
                WriteStep::Failed(e) => Err(e),
            },
        }
    }

    fn write_filemarks_st(&mut self, count: u32, flush: bool) -> Result<()> {
        self.writable()?;
        let fail = |this: &Self, e: Errno| this.refine("write filemarks", e);
        if count == 0 {
            if !flush {
                return Ok(());
            }
            // WRITE FILEMARKS(0): flush the drive's buffer (SSC-3).
            return self.mtop(sys::MTWEOF, 0).map_err(|e| fail(self, e));
        }
        let op = if flush { sys::MTWEOF } else { sys::MTWEOFI };
        for step in steps(u64::from(count), MAX_FILEMARKS) {
            match self.mtop(op, step) {
                Ok(()) => {}
                // Kernels without MTWEOFI answer ENOSYS before writing anything.
                Err(Errno::ENOSYS) if op == sys::MTWEOFI => {
                    self.mtop(sys::MTWEOF, step).map_err(|e| fail(self, e))?;
                }
                Err(e) => return Err(fail(self, e)),
            }
        }
        Ok(())
    }

    fn space_st(&mut self, how: Space) -> Result<()> {
        match how {
            Space::Blocks(0) | Space::Filemarks(0) => Ok(()),
            Space::Blocks(n) if n > 0 => self.space_by(sys::MTFSR, Motion::BlocksForward, n.unsigned_abs()),
            Space::Blocks(n) => self.space_by(sys::MTBSR, Motion::BlocksBackward, n.unsigned_abs()),
            Space::Filemarks(n) if n > 0 => self.space_by(sys::MTFSF, Motion::FilemarksForward, n.unsigned_abs()),
            // MTBSF ends on the BOT side of the last filemark crossed (linux/mtio.h).
            Space::Filemarks(n) => self.space_by(sys::MTBSF, Motion::FilemarksBackward, n.unsigned_abs()),
            // MTEOM: to end of data, counting files on the way (st(4), MT_ST_FAST_MTEOM off).
            Space::EndOfData => self.mtop(sys::MTEOM, 1).map_err(|e| self.refine("space to end of data", e)),
        }
    }

    fn position_st(&mut self) -> Result<Position> {
        let block = self.raw_position().map_err(|e| match self.refine("read position", e) {
            TapeError::Medium(_) => TapeError::IllegalRequest(
                "the drive did not report its position (READ POSITION through MTIOCPOS)".into(),
            ),
            other => other,
        })?;
        let file = self.st_status().ok().and_then(|s| s.file());
        Ok(Position { block, file })
    }

    fn locate_st(&mut self, block: u64) -> Result<()> {
        let Ok(target) = u32::try_from(block) else {
            return Err(TapeError::IllegalRequest(format!("block {block} is beyond the 32 bits st's MTSEEK carries")));
        };
        // st hands mt_count to its LOCATE as an unsigned int (st.c `set_location`).
        match self.mtop(sys::MTSEEK, target as c_int) {
            Ok(()) => Ok(()),
            Err(Errno::EIO) if self.probe_end_of_data() => Err(TapeError::EndOfData),
            Err(e) => Err(self.refine(&format!("locate to block {block}"), e)),
        }
    }

    /// st(4): MTERASE with 0 is a short erase (end of data written here), otherwise long.
    fn erase_st(&mut self, quick: bool) -> Result<()> {
        self.writable()?;
        self.mtop(sys::MTERASE, if quick { 0 } else { 1 }).map_err(|e| self.refine("erase", e))
    }
}

/// The LOCATE emulation and 1-byte reads under [`track`]'s spacing, for drives without READ
/// POSITION.
#[cfg(target_os = "linux")]
impl Counted for StDrive {
    fn tracker(&mut self) -> &mut Tracker {
        &mut self.trk
    }

    /// End of data, where known, is reached by reading the object before it (see
    /// `goto_counted`); past it: there, and `Err(EndOfData)`.
    fn goto(&mut self, target: u64) -> Result<()> {
        if let Some(e) = self.trk.eod()
            && target >= e
        {
            if self.trk.pos != Some(e) {
                if e == 0 {
                    self.rewind_counted()?;
                } else {
                    self.goto_counted(e - 1)?;
                    Counted::probe(self)?;
                }
            }
            return if self.trk.pos == Some(target) { Ok(()) } else { Err(TapeError::EndOfData) };
        }
        self.goto_counted(target)
    }

    /// A 1-byte read: st skips a longer block (ENOMEM, st(4)), returns 0 for a filemark, and
    /// reports blank tape as for any read (see `read_block`).
    fn probe(&mut self) -> Result<Probe> {
        // One byte, or st's minimum (it refuses shorter reads with EINVAL): shorter than any
        // block we write, so st skips the block (ENOMEM).
        let mut one = vec![0u8; self.min_read];
        let res = retry_eintr(|| nix::unistd::read(&self.file, &mut one));
        self.trace(&format!("probe read({}): {res:?}", one.len()));
        let found = match res {
            Ok(0) => match self.st_status() {
                Ok(s) if zero_read_outcome(&s) == ReadOutcome::Filemark => Probe::Filemark,
                Ok(_) => Probe::EndOfData,
                Err(e) => {
                    self.trk.pos = None;
                    return Err(errno_error("MTIOCGET after a 0-byte read", e));
                }
            },
            Ok(n) => match data_read_outcome(n, one.len(), self.st_status().ok().as_ref()) {
                ReadOutcome::Block(_) => Probe::Block,
                _ => Probe::EndOfData,
            },
            Err(Errno::ENOMEM) => Probe::Block,
            Err(Errno::EIO) => {
                let st = self.st_status();
                if let Some(e) = st.as_ref().ok().and_then(not_ready_error) {
                    self.trk.pos = None;
                    return Err(e);
                }
                if st.is_ok_and(|s| s.eod()) || self.probe_end_of_data() {
                    Probe::EndOfData
                } else {
                    self.trk.pos = None;
                    return Err(errno_error("read", Errno::EIO));
                }
            }
            Err(e) => {
                self.trk.pos = None;
                return Err(self.refine("read", e));
            }
        };
        match found {
            Probe::Block => self.trk.passed_block(),
            Probe::Filemark => self.trk.passed_filemark(),
            Probe::EndOfData => self.trk.hit_eod(),
        }
        Ok(found)
    }
}

#[cfg(target_os = "linux")]
impl TapeDevice for StDrive {
    fn capabilities(&self) -> Capabilities {
        // st has an ioctl for each; whether the drive implements the SCSI command behind it
        // shows only when it is used (READ POSITION and LOCATE are optional in SSC).
        // Counting: the drive has neither (see the module docs).
        let native = self.counting != Some(true);
        Capabilities {
            locate: native,
            read_position: native,
            erase: true,
            compression_control: true,
            load_unload: true,
        }
    }

    /// INQUIRY (96 bytes) and VPD page 0x80 through SG_IO, else the same data from sysfs, else
    /// empty strings.
    fn identity(&mut self) -> Result<Identity> {
        let sg_strings = self.sg_inquiry(None, 0x60);
        let sg_serial = self.sg_inquiry(Some(0x80), 0xff);
        let mut strings = sg_strings
            .as_deref()
            .and_then(|b| params::Inquiry::parse(b).ok())
            .map(|i| (i.vendor, i.product, i.revision));
        let mut serial = sg_serial.as_deref().and_then(|b| params::parse_unit_serial(b).ok());
        if strings.is_none() || serial.is_none() {
            let (sys_strings, sys_serial) = self.sysfs_identity();
            strings = strings.or(sys_strings);
            serial = serial.or(sys_serial);
        }
        let (vendor, model, revision) = strings.unwrap_or_default();
        let density = self.st_status().ok().filter(StStatus::online).and_then(|s| density_label(s.density_code()));
        Ok(Identity { vendor, model, revision, serial: serial.unwrap_or_default(), density })
    }

    /// st learns of a newly inserted cartridge only at open or MTLOAD (st.c `check_tape`):
    /// after inserting one, call [`TapeDevice::load`] or open the drive again.
    fn status(&mut self) -> Result<DriveStatus> {
        let s = self.st_status().map_err(|e| errno_error("MTIOCGET", e))?;
        if !s.online() {
            return Ok(DriveStatus { write_protected: self.read_only, ..DriveStatus::default() });
        }
        let position = if self.counts() {
            self.trk.pos.map(|block| Position { block, file: self.trk.file_at(block) })
        } else {
            self.raw_position().ok().map(|block| Position { block, file: s.file() })
        };
        Ok(DriveStatus {
            loaded: true,
            write_protected: s.write_protected() || self.read_only,
            // READ POSITION knows; st's flag needs a known file number.
            bot: position.map_or(s.bot(), |p| p.block == 0),
            eod: s.eod() || (position.is_some() && position.map(|p| p.block) == self.trk.eod()),
            early_warning: s.eot(),
            block_size: s.block_size(),
            position,
            // st knows no barcode; the capacity follows from the LTO generation.
            capacity_bytes: native_capacity(s.density_code()),
            ..DriveStatus::default()
        })
    }

    fn rewind(&mut self) -> Result<()> {
        if self.counts() {
            return self.rewind_counted();
        }
        self.mtop(sys::MTREW, 1).map_err(|e| self.refine("rewind", e))
    }

    /// read(2) of one block. 0 bytes is a filemark or, when st says so, end of data; ENOMEM a
    /// block larger than `buf`, which st has skipped (st(4)).
    fn read_block(&mut self, buf: &mut [u8]) -> Result<ReadOutcome> {
        if !self.counts() {
            return self.read_block_st(buf);
        }
        let r = self.read_block_st(buf);
        match &r {
            Ok(ReadOutcome::Block(_)) | Err(TapeError::BlockTooLarge { .. }) => self.trk.passed_block(),
            Ok(ReadOutcome::Filemark) => self.trk.passed_filemark(),
            Ok(ReadOutcome::EndOfData) => self.trk.hit_eod(),
            Err(_) => self.trk.pos = None,
        }
        r
    }

    /// write(2) of one block; see the module documentation for end of medium.
    fn write_block(&mut self, data: &[u8]) -> Result<WriteOutcome> {
        if !self.counts() {
            return self.write_block_st(data);
        }
        let r = self.write_block_st(data);
        match &r {
            Ok(_) => self.trk.wrote_blocks(1),
            // Nothing was written.
            Err(TapeError::EndOfMedium | TapeError::WriteProtected | TapeError::IllegalRequest(_)) => {}
            Err(_) => self.trk.pos = None,
        }
        r
    }

    /// MTWEOF (flush) or MTWEOFI (immediate: returns once the filemarks are in the drive's
    /// buffer). Both end st's writing state, so st adds none at close.
    fn write_filemarks(&mut self, count: u32, flush: bool) -> Result<()> {
        if !self.counts() {
            return self.write_filemarks_st(count, flush);
        }
        let r = self.write_filemarks_st(count, flush);
        match &r {
            Ok(()) => self.trk.wrote_filemarks(u64::from(count)),
            Err(TapeError::WriteProtected) => {}
            Err(_) => self.trk.pos = None,
        }
        r
    }

    fn space(&mut self, how: Space) -> Result<()> {
        if !self.counts() {
            return self.space_st(how);
        }
        if let Space::EndOfData = how {
            return self.space_eod_counted();
        }
        let Some(p) = self.trk.pos else {
            return Err(TapeError::Other(UNKNOWN_POSITION.into()));
        };
        track::space_from(self, p, how)
    }

    /// MTIOCPOS for the block; st's own count (MTIOCGET) for the file, unknown after locate.
    /// Counting: ours.
    fn position(&mut self) -> Result<Position> {
        if self.counts() {
            let block = self.trk.pos.ok_or_else(|| TapeError::Other(UNKNOWN_POSITION.into()))?;
            return Ok(Position { block, file: self.trk.file_at(block) });
        }
        self.position_st()
    }

    /// MTSEEK: LOCATE to a block MTIOCPOS reported. Counting: emulated with MTFSF, MTFSR and
    /// reads (`goto_counted`).
    fn locate(&mut self, block: u64) -> Result<()> {
        if self.counts() {
            return Counted::goto(self, block);
        }
        self.locate_st(block)
    }

    fn erase(&mut self, quick: bool) -> Result<()> {
        if !self.counts() {
            return self.erase_st(quick);
        }
        self.erase_st(quick).inspect_err(|_| self.trk.pos = None)?;
        self.trk.erased();
        if !quick {
            // Where a long erase leaves the tape is up to the drive.
            self.rewind_counted()?;
        }
        Ok(())
    }

    /// MTSETBLK; 0 is variable-block mode, which the read and write semantics above assume.
    /// In fixed-block mode st packs a write into several blocks and a read may return several.
    fn set_block_size(&mut self, size: u32) -> Result<()> {
        if size > sys::MT_ST_BLKSIZE_MASK {
            return Err(TapeError::IllegalRequest(format!("block size {size} does not fit st's 24 bits")));
        }
        self.mtop(sys::MTSETBLK, size as c_int).map_err(|e| self.refine(&format!("set block size {size}"), e))
    }

    /// MTCOMPRESSION: st sets DCE in mode page 0Fh, and answers EIO when the drive does not
    /// have the page or does not let it be changed (st.c `st_compression`).
    fn set_compression(&mut self, on: bool) -> Result<()> {
        self.mtop(sys::MTCOMPRESSION, c_int::from(on)).map_err(|e| match self.refine("compression", e) {
            TapeError::Medium(_) => {
                TapeError::IllegalRequest("the drive does not let st change data compression (mode page 0Fh)".into())
            }
            other => other,
        })
    }

    /// MTLOAD, then our settings for the new tape (st re-reads the tape's state on MTLOAD).
    fn load(&mut self) -> Result<()> {
        self.mtop(sys::MTLOAD, 1).map_err(|e| self.refine("load", e))?;
        self.configure_tape()
    }

    /// MTOFFL: rewind and unload, and unlock the door if st locked it.
    fn unload(&mut self) -> Result<()> {
        self.mtop(sys::MTOFFL, 1).map_err(|e| self.refine("unload", e))
    }

    /// st has no ioctl for log pages: LOG SENSE goes through SG_IO on the same node, which st
    /// passes on only to callers with CAP_SYS_RAWIO (st.c `st_common_ioctl`).
    fn health(&mut self) -> Result<DriveHealth> {
        if !has_capability(CAP_SYS_RAWIO) {
            return Err(TapeError::Unsupported(
                "drive health through st without CAP_SYS_RAWIO (st passes LOG SENSE on only with it; use sg:/dev/sgN)",
            ));
        }
        logs::read_health(|page| self.sg_log_sense(page))
    }
}

#[cfg(target_os = "linux")]
impl Drop for StDrive {
    /// Writes nothing: if the last operation was a write, st would add a filemark when the file
    /// is closed, so make it forget first (see the module documentation). Callers end every
    /// file with write_filemarks; after that there is nothing to forget.
    fn drop(&mut self) {
        if self.pending_write {
            self.forget_writing();
        }
    }
}

#[cfg(target_os = "linux")]
impl std::fmt::Debug for StDrive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StDrive")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .field("pending_write", &self.pending_write)
            .finish()
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::mem::{offset_of, size_of};

    use nix::errno::Errno;

    use super::decide::*;
    use super::sys::*;
    use crate::tape::{ReadOutcome, TapeError, WriteOutcome};

    fn status(gstat: u32, fileno: i32, blkno: i32) -> StStatus {
        StStatus { gstat, fileno, blkno, dsreg: 0 }
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn struct_layouts_match_linux_headers() {
        assert_eq!(size_of::<MtOp>(), 8);
        assert_eq!(offset_of!(MtOp, mt_count), 4);
        assert_eq!(size_of::<MtGet>(), 48);
        assert_eq!(offset_of!(MtGet, mt_gstat), 24);
        assert_eq!(offset_of!(MtGet, mt_fileno), 40);
        assert_eq!(offset_of!(MtGet, mt_blkno), 44);
        assert_eq!(size_of::<MtPos>(), 8);
    }

    #[test]
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    fn ioctl_request_numbers_match_linux_headers() {
        assert_eq!(nix::request_code_write!(b'm', 1, size_of::<MtOp>()) as u64, 0x4008_6d01);
        assert_eq!(nix::request_code_read!(b'm', 2, size_of::<MtGet>()) as u64, 0x8030_6d02);
        assert_eq!(nix::request_code_read!(b'm', 3, size_of::<MtPos>()) as u64, 0x8008_6d03);
    }

    #[test]
    fn mtget_decodes_flags_block_size_and_density() {
        let m = MtGet {
            mt_gstat: (GMT_ONLINE | GMT_BOT | GMT_WR_PROT) as _,
            mt_dsreg: 0x5e00_0000,
            mt_fileno: 0,
            mt_blkno: 0,
            ..MtGet::default()
        };
        let s = StStatus::from(&m);
        assert!(s.online() && s.bot() && s.write_protected());
        assert!(!s.eod() && !s.eot() && !s.no_tape());
        assert_eq!(s.block_size(), 0);
        assert_eq!(s.density_code(), 0x5e);
        assert_eq!(s.file(), Some(0));
        let unknown = StStatus::from(&MtGet { mt_fileno: -1, mt_dsreg: 0x40_000, ..m });
        assert_eq!(unknown.file(), None);
        assert_eq!(unknown.block_size(), 0x40_000);
    }

    #[test]
    fn not_ready_states() {
        assert!(matches!(not_ready_error(&status(GMT_DR_OPEN, -1, -1)), Some(TapeError::NoTape)));
        assert!(matches!(not_ready_error(&status(0, -1, -1)), Some(TapeError::NotReady(_))));
        assert!(not_ready_error(&status(GMT_ONLINE, 0, 0)).is_none());
    }

    #[test]
    fn zero_byte_read_is_filemark_unless_st_is_at_end_of_data() {
        assert_eq!(zero_read_outcome(&status(GMT_ONLINE | GMT_EOF, 3, 0)), ReadOutcome::Filemark);
        assert_eq!(zero_read_outcome(&status(GMT_ONLINE | GMT_EOD, 3, 0)), ReadOutcome::EndOfData);
        // Blank check with the EOM bit (tgt) leaves st in its EOM state, with no data.
        assert_eq!(zero_read_outcome(&status(GMT_ONLINE | GMT_EOT, -1, -1)), ReadOutcome::EndOfData);
    }

    #[test]
    fn a_full_buffer_in_st_end_of_medium_state_is_end_of_data() {
        let eom = status(GMT_ONLINE | GMT_EOT, -1, -1);
        let fine = status(GMT_ONLINE, 0, 1);
        // tgt's BLANK CHECK with EOM: st returned the whole 128 KiB request.
        assert_eq!(data_read_outcome(131_072, 131_072, Some(&eom)), ReadOutcome::EndOfData);
        assert_eq!(data_read_outcome(1, 1, Some(&eom)), ReadOutcome::EndOfData);
        // The same right after a filemark: st's ST_EOD_1 (GMT_EOD), 4 bytes of a 4-byte probe.
        let eod = status(GMT_ONLINE | GMT_EOD, 1, 1);
        assert_eq!(data_read_outcome(4, 4, Some(&eod)), ReadOutcome::EndOfData);
        // A block shorter than the buffer is a block, whatever the state.
        assert_eq!(data_read_outcome(4096, 131_072, Some(&eom)), ReadOutcome::Block(4096));
        assert_eq!(data_read_outcome(131_072, 131_072, Some(&fine)), ReadOutcome::Block(131_072));
        assert_eq!(data_read_outcome(131_072, 131_072, None), ReadOutcome::Block(131_072));
    }

    #[test]
    fn read_lengths_within_the_drive_block_limit() {
        assert_eq!(max_block_from_limits(&[0, 0x04, 0x00, 0x00, 0, 1]), Some(0x40000));
        assert_eq!(max_block_from_limits(&[0, 0xff, 0xff, 0xff, 0, 1]), Some(0xff_ffff));
        assert_eq!(max_block_from_limits(&[0, 0, 0, 0, 0, 0]), None);
        assert_eq!(max_block_from_limits(&[0, 1]), None);
        assert_eq!(min_block_from_limits(&[0, 0x04, 0x00, 0x00, 0, 4]), 4);
        assert_eq!(min_block_from_limits(&[0, 0x04, 0x00, 0x00, 0, 0]), 1);
        assert_eq!(min_block_from_limits(&[0, 0x04]), 1);
        assert_eq!(next_read_len(4 << 20), 2 << 20);
        assert_eq!(next_read_len(1), 1);
    }

    #[test]
    fn write_results() {
        assert!(matches!(write_step(Ok(512), 512), WriteStep::Done));
        assert!(matches!(write_step(Err(Errno::ENOSPC), 512), WriteStep::NotWritten));
        assert!(matches!(write_step(Ok(100), 512), WriteStep::Failed(TapeError::Medium(_))));
        for (errno, want) in [
            (Errno::EACCES, "WriteProtected"),
            (Errno::EROFS, "WriteProtected"),
            (Errno::ENOMEDIUM, "NoTape"),
            (Errno::EINVAL, "IllegalRequest"),
            (Errno::EOVERFLOW, "IllegalRequest"),
            (Errno::EIO, "Medium"),
            (Errno::EBUSY, "NotReady"),
        ] {
            let WriteStep::Failed(e) = write_step(Err(errno), 512) else {
                panic!("{errno} must fail the write");
            };
            assert!(format!("{e:?}").starts_with(want), "{errno} -> {e:?}");
        }
    }

    #[test]
    fn early_warning_is_reported_on_the_block_that_crossed_it() {
        assert!(matches!(written_outcome(Ok(status(GMT_ONLINE, 1, 7))), Ok(WriteOutcome::Written)));
        assert!(matches!(written_outcome(Ok(status(GMT_ONLINE | GMT_EOT, 1, 8))), Ok(WriteOutcome::EarlyWarning)));
        // An asynchronous write st finished inside MTIOCGET.
        assert!(matches!(written_outcome(Err(Errno::ENOSPC)), Ok(WriteOutcome::EarlyWarning)));
        assert!(matches!(written_outcome(Err(Errno::EIO)), Err(TapeError::Medium(_))));
        assert!(matches!(written_outcome(Err(Errno::EBADF)), Ok(WriteOutcome::Written)));
    }

    #[test]
    fn enospc_then_retry_is_early_warning_or_end_of_medium() {
        // st refused the write after the one that crossed the warning; the retry goes through.
        assert!(matches!(retry_outcome(Ok(4096), 4096), Ok(WriteOutcome::EarlyWarning)));
        // At the physical end the drive refuses the retry as well.
        assert!(matches!(retry_outcome(Err(Errno::ENOSPC), 4096), Err(TapeError::EndOfMedium)));
        assert!(matches!(retry_outcome(Err(Errno::EIO), 4096), Err(TapeError::Medium(_))));
    }

    #[test]
    fn forward_space_stops() {
        let before = status(GMT_ONLINE, 2, 5);
        let at_eod = status(GMT_ONLINE | GMT_EOD, 2, -1);
        assert!(matches!(space_failure(Motion::BlocksForward, &before, &at_eod, false), TapeError::EndOfData));
        assert!(matches!(space_failure(Motion::FilemarksForward, &before, &at_eod, false), TapeError::EndOfData));
        let past_fm = status(GMT_ONLINE | GMT_EOF, 3, 0);
        assert!(matches!(space_failure(Motion::BlocksForward, &before, &past_fm, false), TapeError::Filemark));
        // File number unknown (after a locate): st's block 0 of a file other than 0.
        let unknown = status(GMT_ONLINE, -1, -1);
        let past_fm_unknown = status(GMT_ONLINE | GMT_EOF, -1, 0);
        assert!(matches!(space_failure(Motion::BlocksForward, &unknown, &past_fm_unknown, false), TapeError::Filemark));
        let medium = status(GMT_ONLINE, 2, -1);
        assert!(matches!(space_failure(Motion::BlocksForward, &before, &medium, false), TapeError::Medium(_)));
        // Filemark spacing cannot stop at a filemark.
        assert!(matches!(space_failure(Motion::FilemarksForward, &before, &past_fm, false), TapeError::Medium(_)));
    }

    #[test]
    fn backward_space_stops() {
        let before = status(GMT_ONLINE, 2, 5);
        let at_bot = status(GMT_ONLINE | GMT_BOT, 0, 0);
        assert!(matches!(space_failure(Motion::BlocksBackward, &before, &at_bot, true), TapeError::BeginningOfTape));
        assert!(matches!(space_failure(Motion::FilemarksBackward, &before, &at_bot, true), TapeError::BeginningOfTape));
        let before_fm = status(GMT_ONLINE, 1, -1);
        assert!(matches!(space_failure(Motion::BlocksBackward, &before, &before_fm, false), TapeError::Filemark));
        // st decrements an unknown file number too.
        let unknown = status(GMT_ONLINE, -1, -1);
        assert!(matches!(
            space_failure(Motion::BlocksBackward, &unknown, &status(GMT_ONLINE, -2, -1), false),
            TapeError::Filemark
        ));
        assert!(matches!(
            space_failure(Motion::BlocksBackward, &before, &status(GMT_ONLINE, 2, 3), false),
            TapeError::Medium(_)
        ));
    }

    #[test]
    fn filemarks_st_would_add_and_ops_that_prevent_them() {
        for op in [MTREW, MTOFFL, MTSEEK, MTBSF, MTBSFM] {
            assert!(st_adds_filemark_before(op));
            assert!(resets_st_writing(op));
        }
        for op in [MTFSF, MTFSR, MTBSR, MTEOM, MTWEOF, MTWEOFI, MTERASE, MTLOAD, MTCOMPRESSION] {
            assert!(!st_adds_filemark_before(op));
            assert!(resets_st_writing(op));
        }
        for op in [MTNOP, MTSETBLK, MTSETDENSITY, MTWSM, MTSETDRVBUFFER, MTSETPART] {
            assert!(!resets_st_writing(op));
        }
    }

    #[test]
    fn counts_go_in_steps_st_can_carry() {
        assert_eq!(steps(0, MAX_SPACE).count(), 0);
        assert_eq!(steps(5, MAX_SPACE).collect::<Vec<_>>(), [5]);
        assert_eq!(steps(MAX_SPACE, MAX_SPACE).collect::<Vec<_>>(), [0x7f_ffff]);
        assert_eq!(steps(MAX_SPACE + 1, MAX_SPACE).collect::<Vec<_>>(), [0x7f_ffff, 1]);
        assert_eq!(steps(u64::from(u32::MAX), MAX_FILEMARKS).count(), 257);
        assert!(steps(u64::MAX, MAX_SPACE).take(3).all(|n| n == 0x7f_ffff));
    }

    #[test]
    fn errno_mapping() {
        assert!(matches!(errno_error("x", Errno::ENOMEDIUM), TapeError::NoTape));
        assert!(matches!(errno_error("x", Errno::ENOSPC), TapeError::EndOfMedium));
        assert!(matches!(errno_error("x", Errno::ENXIO), TapeError::NotReady(_)));
        assert!(matches!(errno_error("x", Errno::ENOSYS), TapeError::Unsupported(_)));
        let TapeError::Io(e) = errno_error("rewind", Errno::EPERM) else { panic!() };
        assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(e.to_string().starts_with("rewind: EPERM"));
    }

    #[test]
    fn no_rewind_minors() {
        assert!(is_no_rewind_minor(128)); // nst0
        assert!(is_no_rewind_minor(129)); // nst1
        assert!(is_no_rewind_minor(160)); // nst0l
        assert!(!is_no_rewind_minor(0)); // st0
        assert!(!is_no_rewind_minor(96)); // st0a
        assert!(is_no_rewind_minor(256 + 128)); // nst32 (2.6 minor numbering)
    }

    #[test]
    fn density_labels() {
        assert_eq!(density_label(0), None);
        assert_eq!(density_label(0x5e).as_deref(), Some("LTO-8"));
        assert_eq!(density_label(0x60).as_deref(), Some("LTO-9"));
        assert_eq!(density_label(0x13).as_deref(), Some("density code 0x13"));
    }

    #[test]
    fn capabilities_from_proc_status() {
        let root = "Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n";
        assert!(cap_effective(root, CAP_SYS_ADMIN) && cap_effective(root, CAP_SYS_RAWIO));
        let user = "Name:\tx\nCapEff:\t0000000000000000\n";
        assert!(!cap_effective(user, CAP_SYS_ADMIN));
        let rawio_only = "CapEff:\t0000000000020000\n";
        assert!(cap_effective(rawio_only, CAP_SYS_RAWIO) && !cap_effective(rawio_only, CAP_SYS_ADMIN));
        assert!(!cap_effective("", CAP_SYS_ADMIN));
    }

    #[test]
    fn lto_capacities() {
        assert_eq!(native_capacity(0x5e), Some(12_000_000_000_000));
        assert_eq!(native_capacity(0x60), Some(18_000_000_000_000));
        assert_eq!(native_capacity(0x40), None);
        assert_eq!(native_capacity(0), None);
    }

    #[test]
    fn open_refuses_what_is_not_an_st_no_rewind_node() {
        let Err(e) = super::open(std::path::Path::new("/dev/null")) else {
            panic!("/dev/null opened as a tape");
        };
        assert!(e.to_string().contains("not an st tape device"), "{e}");

        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("nst0");
        std::fs::write(&plain, b"").unwrap();
        let Err(e) = super::open(&plain) else { panic!("a plain file opened as a tape") };
        assert!(e.to_string().contains("not an st tape device"), "{e}");

        let Err(TapeError::Io(e)) = super::open(&dir.path().join("missing")) else {
            panic!("a missing node must be an I/O error");
        };
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    }
}
