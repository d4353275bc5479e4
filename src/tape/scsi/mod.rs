//! SCSI tape (SSC) over a transport: the CDBs ([`cdb`]), parameter data ([`params`]), log
//! pages ([`logs`]), sense decoding ([`sense`]) and the drive logic ([`ssc`]) are shared;
//! SG_IO ([`sg`]) and iSCSI ([`iscsi`]) only move bytes.

pub mod cdb;
mod exec;
pub mod iscsi;
pub mod logs;
pub mod params;
pub mod sense;
pub mod sg;
pub mod smc;
pub mod ssc;
pub(crate) mod track;

#[cfg(test)]
mod mock;

use std::io::IoSliceMut;
use std::path::Path;
use std::time::Duration;

use super::{Result, TapeDevice};

/// SCSI status codes (SAM-5).
pub mod status {
    pub const GOOD: u8 = 0x00;
    pub const CHECK_CONDITION: u8 = 0x02;
    pub const CONDITION_MET: u8 = 0x04;
    pub const BUSY: u8 = 0x08;
    pub const RESERVATION_CONFLICT: u8 = 0x18;
    pub const TASK_SET_FULL: u8 = 0x28;
    pub const ACA_ACTIVE: u8 = 0x30;
    pub const TASK_ABORTED: u8 = 0x40;
}

/// The data phase of one command.
pub enum DataDir<'a, 'b> {
    None,
    /// Device to host, filling these buffers in order (a scatter list).
    In(&'a mut [IoSliceMut<'b>]),
    /// Host to device.
    Out(&'a [u8]),
}

impl DataDir<'_, '_> {
    /// Bytes the command may move.
    pub fn len(&self) -> usize {
        match self {
            DataDir::None => 0,
            DataDir::In(bufs) => bufs.iter().map(|b| b.len()).sum(),
            DataDir::Out(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'b> DataDir<'_, 'b> {
    /// The same data phase, borrowed again (to retry a command).
    pub fn reborrow(&mut self) -> DataDir<'_, 'b> {
        match self {
            DataDir::None => DataDir::None,
            DataDir::In(bufs) => DataDir::In(bufs),
            DataDir::Out(buf) => DataDir::Out(buf),
        }
    }
}

/// How one command ended, as far as the transport knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The SCSI status byte ([`status`]).
    pub status: u8,
    /// Sense bytes (with CHECK CONDITION), as returned; empty otherwise.
    pub sense: Vec<u8>,
    /// Bytes moved, where the transport reports a residual; `None` if it cannot tell. Over
    /// tgt this is what the target sent, which for ILI reads is not the block length: the
    /// block length is in the sense INFORMATION field, which is what [`ssc`] trusts.
    pub transferred: Option<usize>,
}

/// Executes single CDBs. Implementations move bytes and report status; they never interpret
/// sense data (retries, unit attentions and tape semantics are [`ssc::ScsiTape`]'s business).
///
/// An `Err` means the command's outcome is unknown (the connection or the driver failed), not
/// that the device said no: a device's refusal is a [`Completion`] with CHECK CONDITION.
pub trait Transport: Send {
    fn execute(&mut self, cdb: &[u8], data: DataDir<'_, '_>, timeout: Duration) -> Result<Completion>;
    /// "sg:/dev/sg3" or "iscsi://…", for messages.
    fn describe(&self) -> String;
    /// The most bytes one command may move, where the transport has a limit (the sg driver:
    /// its scatter list and the HBA's; a larger request fails with ENOMEM or EINVAL before
    /// reaching the drive). `None`: no limit known.
    fn max_transfer(&self) -> Option<usize> {
        None
    }
}

/// A drive reached through the Linux SCSI generic driver.
pub fn open_sg(path: &Path) -> Result<Box<dyn TapeDevice>> {
    let transport = sg::SgTransport::open(path)?;
    Ok(Box::new(ssc::ScsiTape::open(Box::new(transport))?))
}

/// A drive reached over iSCSI.
pub fn open_iscsi(url: &iscsi::IscsiUrl) -> Result<Box<dyn TapeDevice>> {
    let transport = iscsi::IscsiTransport::connect(url)?;
    Ok(Box::new(ssc::ScsiTape::open(Box::new(transport))?))
}
