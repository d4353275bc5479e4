//! The engine: backup, restore, verify and rebuild as library calls, below the front doors
//! (`cmd`, `schedule run-due`, and later `serve`, `pve`). It joins the catalog with the pipeline and
//! the tapes; it never prints and never reads a terminal. What it has to say goes to a
//! [`Report`], what it has to ask goes to an [`Operator`]: the command line renders the one
//! as bars, lines or NDJSON and answers the other at a terminal (or fails with exit 4 when
//! nobody is there); a server will do both over HTTP. A set is read back across its tapes
//! through [`set_tapes`], which restore and verify share.

pub mod backup;
pub mod catalog_backup;
pub mod health;
pub mod library;
pub mod notify;
pub mod rebuild;
pub mod restore;
pub mod retention;
pub mod schedule;
pub mod set_tapes;
pub mod verify;

use std::path::Path;

use anyhow::Result;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::catalog::drives::{self, Drive};
use crate::catalog::keys::KeyRecord;
use crate::error::{Failure, Kind};
use crate::pipeline::keywrap::DataKey;
use crate::pipeline::part_reader::ReadError;
use crate::tape::lock::{self, DriveLock, LockError};
use crate::tape::{DeviceSpec, TapeError};

/// What the engine needs from the front door that calls it.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// The home directory: the catalog, spool files, frames a stopped run carried.
    pub home: &'a Path,
    /// Wait for a drive or changer another process holds, rather than failing at once.
    pub wait: bool,
    pub report: &'a dyn Report,
    pub operator: &'a dyn Operator,
}

/// Where the engine says what it does. Called from the engine's threads (progress comes from
/// one of its own), hence `Sync`.
pub trait Report: Sync {
    /// A line for a person: what was done or found on the way (not part of `--json` output).
    fn note(&self, text: &str);
    /// Detail for `-v`.
    fn verbose(&self, _text: &str) {}
    /// An event of a long job (NDJSON with `--json`).
    fn event(&self, _event: &Event) {}
}

/// The events of a long job, in the order they happen. Serialized as the `--json` NDJSON
/// lines (`{"type": "start", …}`), so every front door shows the same shapes.
#[derive(Debug, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Start(backup::Start),
    Progress(backup::Progress),
    FileError {
        #[serde(serialize_with = "crate::pathjson::serialize")]
        path: std::path::PathBuf,
        message: String,
        unreadable: bool,
    },
    TapeChange {
        reason: &'static str,
        tape: String,
        request: i64,
        next_part: usize,
        stream_offset: u64,
    },
    TapeRefused {
        request: i64,
        reason: String,
    },
    Part {
        set: i64,
        part: u32,
        tape: String,
        file: u64,
        block: u64,
        stream_offset: u64,
    },
    Checkpoint {
        set: i64,
        part: Value,
        tape: Value,
        stream_offset: u64,
        execution: i64,
    },
    /// The run stopped and can be resumed: the execution's resume state.
    Paused(Value),
    Summary(backup::Summary),
}

/// Who the engine asks when it needs a person: a tape inserted, a key unlocked, whether to
/// stop.
pub trait Operator: Sync {
    /// Someone is there to answer (a terminal): a full tape can be changed by hand.
    fn present(&self) -> bool;
    /// Asks for a tape in `drive` (`action`, e.g. "insert one in drive 'lto1'") after saying
    /// why (`situation`); returns once it is there. Nobody to ask: fails with `no_tape`
    /// (exit 4) carrying `details`, so a script learns what is wanted.
    fn insert_tape(&self, drive: &Drive, situation: &str, action: &str, details: Value) -> Result<()>;
    /// The data key of `key`; `consequence` says what a refusal leaves ("nothing was written").
    fn unlock_key(&self, key: &KeyRecord, consequence: &str) -> Result<DataKey>;
    /// A stop was asked for (Ctrl-C, SIGTERM, a cancelled operation): a backup closes its
    /// part at the next frame and pauses.
    fn stop_requested(&self) -> bool {
        false
    }
    /// From now on a stop asked for ends the run cleanly (its part closed, resumable); before
    /// this, nothing is written yet and a front door may let Ctrl-C end the process.
    fn stop_from_now(&self) {}
}

impl Env<'_> {
    pub fn catalog(&self) -> Result<Catalog> {
        let catalog = Catalog::open(self.home)?;
        self.verbose(|| format!("catalog: {}", catalog.path().display()));
        Ok(catalog)
    }

    pub fn note(&self, text: impl FnOnce() -> String) {
        self.report.note(&text());
    }

    pub fn verbose(&self, text: impl FnOnce() -> String) {
        self.report.verbose(&text());
    }

    pub fn event(&self, event: Event) {
        self.report.event(&event);
    }

    /// Takes the drive's lock for this process (see `tape::lock`).
    pub fn lock_drive(&self, drive: &Drive, command: &str) -> Result<DriveLock> {
        let spec = DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
        lock::lock_drive(&spec, command, self.wait).map_err(|e| match e {
            LockError::Busy { .. } => Failure::new(Kind::DriveBusy, format!("drive '{}': {e}", drive.name)).into(),
            other => anyhow::Error::new(other),
        })
    }
}

/// The drive a job works with: the one `named`, else the only enabled drive.
pub fn pick_drive(conn: &rusqlite::Connection, named: Option<&str>) -> Result<Drive> {
    if let Some(name) = named {
        let drive = drives::get(conn, name)?;
        if !drive.enabled {
            return Err(
                Failure::new(Kind::InvalidState, format!("drive '{name}' is disabled (drive enable {name})")).into()
            );
        }
        return Ok(drive);
    }
    let enabled: Vec<Drive> = drives::list(conn)?.into_iter().filter(|d| d.enabled).collect();
    match enabled.len() {
        1 => Ok(enabled.into_iter().next().expect("one drive")),
        0 => Err(Failure::new(
            Kind::NotFound,
            "no enabled drive: add one with `tapebackarr drive add NAME --device DEV`",
        )
        .into()),
        _ => Err(Failure::usage(format!(
            "several drives are enabled ({}): choose one with --drive NAME",
            enabled.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
        ))
        .into()),
    }
}

/// A device error as the user should see it: which drive, and what to do.
pub fn device_error(e: TapeError, drive: &Drive) -> anyhow::Error {
    let name = &drive.name;
    match e {
        TapeError::NoTape => Failure::new(Kind::NoTape, format!("no tape in drive '{name}': insert one")).into(),
        TapeError::WriteProtected => {
            Failure::new(Kind::WrongTape, format!("the tape in drive '{name}' is write-protected")).into()
        }
        other => Failure::new(Kind::Device, format!("drive '{name}' ({}): {other}", drive.device)).into(),
    }
}

/// Whether `e` says a tape is needed that nobody can insert now (exit 4): a run that reads
/// in pieces stops there and goes on in the next.
pub fn needs_tape(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<Failure>().is_some_and(|f| f.kind == Kind::NoTape)
            || c.downcast_ref::<ReadError>()
                .is_some_and(|r| matches!(r, ReadError::TapeChange(inner) if needs_tape(inner)))
    })
}

/// Whether a read of a set's stream failed because its next tape is needed and nobody can
/// insert it.
pub fn waits_for_tape(e: &std::io::Error) -> bool {
    e.get_ref()
        .and_then(|i| i.downcast_ref::<ReadError>())
        .is_some_and(|r| matches!(r, ReadError::TapeChange(inner) if needs_tape(inner)))
}
