//! `tapebackarr drive …`: register drives by device string, see their state, and move the
//! tape in them (rewind, eject; load a cartridge into a virtual drive); read and record their
//! health (`stats`, `alerts`) and clean a library's drive with its cleaning cartridge
//! (`clean`). One file per verb; what several share is here.
//!
//! `drive add --library`, `drive eject` and `drive clean` work a library's changer through
//! the same helpers as the `library` commands (`engine::library`: the changer opened under
//! its lock, each move recorded with the inventory after it).

mod add;
mod alerts;
mod clean;
mod eject;
mod enable;
mod list;
mod load;
mod remove;
mod rewind;
mod selftest;
mod show;
mod stats;
mod status;

use anyhow::Result;
use clap::Subcommand;

use super::{Ctx, device_error};
use crate::catalog::drive_health::Alert;
use crate::catalog::drives::{self, Drive};
use crate::error::{Exit, Failure, Kind};
use crate::output::{table, when};
use crate::tape::vlib;
use crate::tape::vtape::VirtualDrive;
use crate::tape::{DeviceSpec, TapeDevice};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Register a drive under a name
    #[command(after_help = "Device strings:
  vtape:DIR                    built-in virtual drive (created if DIR has none)
  /dev/nst0                    Linux st driver (no-rewind node)
  sg:/dev/sg3                  SCSI generic (SG_IO)
  iscsi://HOST:PORT/IQN/LUN    SCSI over iSCSI (libiscsi, loaded at run time)

Examples:
  tapebackarr drive add lto1 --device /dev/nst0
  tapebackarr drive add demo --device vtape:/var/lib/tapebackarr/vtape0 --capacity 20G
  tapebackarr drive add tgt --device iscsi://127.0.0.1:3260/iqn.2024-01.lab.vtl:3260/4
  tapebackarr drive add d0 --device vtape:/srv/vtl/drives/0 --library vtl --element 500")]
    Add(add::Args),
    /// List drives
    #[command(after_help = "Example:\n  tapebackarr drive list --json")]
    List,
    /// Show one drive as the catalog knows it
    #[command(after_help = "Example:\n  tapebackarr drive show lto1")]
    Show(show::Args),
    /// Ask the drive itself: loaded tape, position, flags, identity
    #[command(after_help = "Examples:\n  tapebackarr drive status\n  tapebackarr --drive lto1 drive status --json")]
    Status,
    /// Forget a drive (the device is not touched)
    #[command(after_help = "Example:\n  tapebackarr drive remove old-drive")]
    Remove(remove::Args),
    /// Let commands use the drive again
    Enable(enable::Args),
    /// Keep commands off the drive (for cleaning, repair)
    Disable(enable::Args),
    /// Rewind the tape in the drive
    #[command(after_help = "Example:\n  tapebackarr --drive lto1 drive rewind")]
    Rewind,
    /// Rewind and eject the tape
    #[command(after_help = "Example:\n  tapebackarr --drive lto1 drive eject")]
    Eject,
    /// Read the drive's health (TapeAlert flags, error and usage counters) and record it
    #[command(after_help = "The drive is asked with LOG SENSE (SCSI drives) or keeps its own counters (virtual
drives). Reading TapeAlert flags clears them on the drive: they are recorded as alerts (see
`drive alerts`). A drive that cannot report its health is an error (not_supported, exit 1).

Examples:
  tapebackarr drive stats
  tapebackarr --drive lto1 drive stats --json")]
    Stats,
    /// List the alerts drives raised, from the catalog, or resolve one
    #[command(after_help = "Without --drive (or TAPEBACKARR_DRIVE), the alerts of every drive. Critical alerts
about a drive or its cleaning keep backups off it until resolved: `drive clean` resolves the
cleaning ones, --resolve any one after dealing with it.

Examples:
  tapebackarr drive alerts
  tapebackarr --drive lto1 drive alerts --all --json
  tapebackarr drive alerts --resolve 7")]
    Alerts(alerts::Args),
    /// Clean a library's drive with a cleaning cartridge (barcode CLN...)
    #[command(after_help = "The library moves a cleaning cartridge (barcode starting with CLN) into the drive,
waits for the drive to clean itself and eject it, and puts it back in its slot. The drive's
cleaning alerts are resolved and its last cleaning recorded. A cartridge in the drive is
moved to a free storage slot first.

Examples:
  tapebackarr drive clean
  tapebackarr --drive d0 drive clean --json")]
    Clean,
    /// Test a drive before trusting it with backups (overwrites the tape in it)
    #[command(after_help = "Like Bacula's `btape test`: on a scratch tape, writes known blocks and files and
checks that they read back as written, positions and LOCATE find blocks by number, SPACE
moves over blocks and filemarks and to end of data, appending at end of data leaves what is
before intact, blocks of 4 bytes to 500 kB survive, and the early warning comes before end of
medium (writing at most --max-size for that; a real cartridge is larger, so that step says
it was not reached). Drives without READ POSITION or LOCATE pass with the backend's counted
positioning, which the output names.

The tape is overwritten: a blank tape is asked for confirmation (--yes), a tape holding a
label or data also needs --force, a catalog tape must be retired first, and one with backup
sets is never used. Exit 0 when every step passed, else 1 (error code device_error) with
the failed steps in the table (and in --json).

Examples:
  tapebackarr --drive lto1 drive selftest --yes
  tapebackarr --drive lto1 drive selftest --max-size 2G --force --yes --json")]
    Selftest(selftest::Args),
    /// Put a cartridge into a virtual drive (outside a library)
    #[command(after_help = "Cartridges live on the drive's shelf (DIR/cartridges); --create makes a blank one.

Examples:
  tapebackarr drive load --tape TAPE01 --create
  tapebackarr --drive demo drive load --tape TAPE02")]
    Load(load::Args),
}

/// The directory of `drive` when it is a built-in virtual drive outside any library (its
/// cartridges are on its own shelf).
pub(super) fn standalone_virtual(drive: &drives::Drive) -> Option<std::path::PathBuf> {
    match DeviceSpec::parse(&drive.device) {
        Ok(DeviceSpec::Virtual(dir)) if drive.library_id.is_none() && vlib::library_of_drive(&dir).is_none() => {
            Some(dir)
        }
        _ => None,
    }
}

/// Puts cartridge `name` from the shelf into the standalone virtual drive in `dir`, taking
/// out the one in it (the operator's hands, for a run that holds the drive and asks).
pub(super) fn put_in_virtual(dir: &std::path::Path, name: &str) -> Result<()> {
    if name.contains('/') || name.starts_with('.') {
        anyhow::bail!("'{name}' is not a cartridge name");
    }
    let mut vd = VirtualDrive::open(dir)?;
    let shelf_path = vd.shelf().join(name);
    if !shelf_path.exists() {
        anyhow::bail!("no cartridge '{name}' on the shelf of the virtual drive ({})", vd.shelf().display());
    }
    if vd.status()?.loaded {
        vd.unload()?;
    }
    vd.insert(&shelf_path)?;
    Ok(())
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Add(args) => add::exec(ctx, &mut catalog, args),
        Command::List => list::exec(ctx, &mut catalog),
        Command::Show(args) => show::exec(ctx, &mut catalog, args),
        Command::Status => status::exec(ctx, &mut catalog),
        Command::Remove(args) => remove::exec(ctx, &mut catalog, args),
        Command::Enable(args) => enable::exec(ctx, &mut catalog, args, true),
        Command::Disable(args) => enable::exec(ctx, &mut catalog, args, false),
        Command::Rewind => rewind::exec(ctx, &mut catalog),
        Command::Eject => eject::exec(ctx, &mut catalog),
        Command::Stats => stats::exec(ctx, &mut catalog),
        Command::Alerts(args) => alerts::exec(ctx, &mut catalog, args),
        Command::Clean => clean::exec(ctx, &mut catalog),
        Command::Selftest(args) => selftest::exec(ctx, &mut catalog, args),
        Command::Load(args) => load::exec(ctx, &mut catalog, args),
    }
}

fn lib_error(e: vlib::MoveError, d: &Drive) -> anyhow::Error {
    match e {
        vlib::MoveError::Tape(t) => device_error(t, d),
        other => Failure::new(Kind::InvalidState, format!("drive '{}': {other}", d.name)).into(),
    }
}

fn alert_table(list: &[Alert], with_drive: bool) -> String {
    let rows = list
        .iter()
        .map(|a| {
            let mut row = vec![a.id.to_string()];
            if with_drive {
                row.push(a.drive.clone());
            }
            row.extend([
                a.severity.clone(),
                a.category.clone(),
                a.message.clone(),
                when(&a.created_at),
                if a.resolved { when(&a.resolved_at) } else { "-".into() },
            ]);
            row
        })
        .collect();
    let mut headers = vec!["id"];
    if with_drive {
        headers.push("drive");
    }
    headers.extend(["severity", "category", "message", "raised", "resolved"]);
    table(&headers, rows)
}
