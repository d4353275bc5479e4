//! Tape devices: one trait, [`TapeDevice`], and its backends, chosen by a device string.
//!
//! | string | backend |
//! | --- | --- |
//! | `vtape:DIR` | the built-in file-backed virtual drive ([`vtape`]) |
//! | `/dev/nstN` | the Linux st driver ([`st`]) |
//! | `sg:/dev/sgN` | SCSI over SG_IO ([`scsi`]) |
//! | `iscsi://HOST:PORT/IQN/LUN` | SCSI over iSCSI through libiscsi, loaded at run time ([`scsi`]) |
//!
//! This layer knows nothing of pools, catalogs or jobs. Its semantics are those of a real
//! drive in variable-block mode: one write is one block; filemarks and end of data are read
//! as outcomes, not errors; logical block numbers count filemarks, as READ POSITION does.

pub mod changer;
pub mod health;
pub mod lock;
pub mod read_ahead;
pub mod scsi;
pub mod st;
pub mod vlib;
pub mod vtape;

use std::fmt;

use serde::Serialize;

/// Errors a caller branches on: a full tape, a missing tape, a bad block, a protected tape…
#[derive(Debug, thiserror::Error)]
pub enum TapeError {
    #[error("no tape loaded")]
    NoTape,
    #[error("drive not ready: {0}")]
    NotReady(String),
    #[error("tape is write-protected")]
    WriteProtected,
    /// The physical end of the medium: the write did not happen.
    #[error("end of medium: the tape is full")]
    EndOfMedium,
    /// A space or locate ran into end of data.
    #[error("end of data reached")]
    EndOfData,
    /// Spacing over blocks stopped at a filemark (positioned just past it).
    #[error("filemark encountered")]
    Filemark,
    /// Beginning of the tape reached while spacing backwards.
    #[error("beginning of tape reached")]
    BeginningOfTape,
    /// The block on tape is larger than the read buffer (st: ENOMEM; SCSI: ILI).
    #[error("block of {block_len} bytes does not fit a {buffer_len}-byte read buffer")]
    BlockTooLarge { block_len: usize, buffer_len: usize },
    /// An unrecoverable read or write error on the medium.
    #[error("medium error: {0}")]
    Medium(String),
    /// The drive refused the command (for example an opcode it does not implement).
    #[error("illegal request: {0}")]
    IllegalRequest(String),
    /// The drive reported a hardware failure.
    #[error("hardware error: {0}")]
    Hardware(String),
    /// This backend cannot do that at all.
    #[error("not supported by this drive: {0}")]
    Unsupported(&'static str),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = TapeError> = std::result::Result<T, E>;

/// What reading one block found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOutcome {
    /// A block of this many bytes is in the buffer.
    Block(usize),
    /// A filemark; the tape is now positioned just past it.
    Filemark,
    /// Blank tape: nothing was ever written here. The position does not change.
    EndOfData,
}

/// What writing one block did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Written,
    /// Written, but past the early-warning mark: finish up and change tapes.
    EarlyWarning,
}

/// A relative move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// Over this many blocks (negative: backwards). Stops just past a filemark in the way.
    Blocks(i64),
    /// Over this many filemarks (negative: backwards, ending on the BOT side of the last one).
    Filemarks(i64),
    /// To end of data, where the next write appends.
    EndOfData,
}

/// A position as READ POSITION reports it: logical blocks from BOT, filemarks included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub block: u64,
    /// Filemarks between BOT and here, where the drive or backend knows it.
    pub file: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DriveStatus {
    pub loaded: bool,
    pub write_protected: bool,
    pub bot: bool,
    pub eod: bool,
    pub early_warning: bool,
    /// 0 = variable-block mode.
    pub block_size: u32,
    pub position: Option<Position>,
    /// The cartridge's barcode or name, where the backend knows it (virtual drives).
    pub cartridge: Option<String>,
    /// Native capacity of the loaded medium in bytes, where the backend knows it.
    pub capacity_bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Identity {
    pub vendor: String,
    pub model: String,
    pub revision: String,
    pub serial: String,
    /// Density or generation of the loaded medium, where reported (e.g. "LTO-8").
    pub density: Option<String>,
}

/// What a backend can do natively; the rest it emulates or refuses.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Capabilities {
    /// LOCATE to a block (otherwise: rewind and space, counting blocks).
    pub locate: bool,
    /// READ POSITION (otherwise: positions counted by the backend).
    pub read_position: bool,
    pub erase: bool,
    pub compression_control: bool,
    pub load_unload: bool,
}

/// A tape drive. One instance owns the device while it lives.
pub trait TapeDevice: Send {
    fn capabilities(&self) -> Capabilities;
    fn identity(&mut self) -> Result<Identity>;
    fn status(&mut self) -> Result<DriveStatus>;
    fn rewind(&mut self) -> Result<()>;
    /// Reads the next block into `buf`. A block larger than `buf` is an error
    /// ([`TapeError::BlockTooLarge`]) after which the tape is positioned past that block.
    fn read_block(&mut self, buf: &mut [u8]) -> Result<ReadOutcome>;
    /// Writes `data` as one block at the current position; everything after it is lost.
    fn write_block(&mut self, data: &[u8]) -> Result<WriteOutcome>;
    /// Writes `count` filemarks. With `flush`, returns only when everything before them is
    /// on the medium (the point where catalog rows may be committed).
    fn write_filemarks(&mut self, count: u32, flush: bool) -> Result<()>;
    fn space(&mut self, how: Space) -> Result<()>;
    fn position(&mut self) -> Result<Position>;
    fn locate(&mut self, block: u64) -> Result<()>;
    /// Erases from the current position to the end of the tape (quick: writes end of data).
    fn erase(&mut self, quick: bool) -> Result<()>;
    /// 0 selects variable-block mode (the default and what TapeBackarr writes).
    fn set_block_size(&mut self, size: u32) -> Result<()>;
    fn set_compression(&mut self, on: bool) -> Result<()>;
    fn load(&mut self) -> Result<()>;
    fn unload(&mut self) -> Result<()>;
    /// Reads the drive's TapeAlert flags and counters ([`health::DriveHealth`]). Flags read
    /// are cleared on the drive (SCSI log page 2Eh does that), so call it once per check and
    /// keep what it returns. A backend or drive that cannot report health says so with
    /// [`TapeError::Unsupported`], which callers branch on.
    fn health(&mut self) -> Result<health::DriveHealth> {
        Err(TapeError::Unsupported("drive health (this backend reads no TapeAlert flags or counters)"))
    }
}

/// A parsed device string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceSpec {
    Virtual(std::path::PathBuf),
    St(std::path::PathBuf),
    Sg(std::path::PathBuf),
    Iscsi(scsi::iscsi::IscsiUrl),
}

impl DeviceSpec {
    pub fn parse(s: &str) -> std::result::Result<DeviceSpec, String> {
        if let Some(dir) = s.strip_prefix("vtape:") {
            if dir.is_empty() {
                return Err("vtape: needs a directory, as in vtape:/var/lib/vtl/drive0".into());
            }
            Ok(DeviceSpec::Virtual(dir.into()))
        } else if let Some(dev) = s.strip_prefix("sg:") {
            if !dev.starts_with('/') {
                return Err(format!("'{s}': write sg:/dev/sgN"));
            }
            Ok(DeviceSpec::Sg(dev.into()))
        } else if s.starts_with("iscsi://") {
            Ok(DeviceSpec::Iscsi(s.parse()?))
        } else if s.starts_with("/dev/") {
            Ok(DeviceSpec::St(s.into()))
        } else {
            Err(format!("'{s}' is not a device: use vtape:DIR, /dev/nstN, sg:/dev/sgN or iscsi://HOST:PORT/IQN/LUN"))
        }
    }
}

impl fmt::Display for DeviceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceSpec::Virtual(d) => write!(f, "vtape:{}", d.display()),
            DeviceSpec::St(d) => write!(f, "{}", d.display()),
            DeviceSpec::Sg(d) => write!(f, "sg:{}", d.display()),
            DeviceSpec::Iscsi(u) => write!(f, "{u}"),
        }
    }
}

/// Opens the drive a device string names.
pub fn open(spec: &DeviceSpec) -> Result<Box<dyn TapeDevice>> {
    Ok(match spec {
        DeviceSpec::Virtual(dir) => Box::new(vtape::VirtualDrive::open(dir)?),
        DeviceSpec::St(path) => st::open(path)?,
        DeviceSpec::Sg(path) => scsi::open_sg(path)?,
        DeviceSpec::Iscsi(url) => scsi::open_iscsi(url)?,
    })
}
