//! `tapebackarr tape …`: label and identify tapes, list them, move them through their
//! lifecycle (assign, update, retire, export, import, erase) and dump raw tape files. One
//! file per verb; what several share is here.

mod assign;
mod dump;
mod erase;
mod export;
mod identify;
mod import;
mod label;
mod list;
mod retire;
mod show;
mod update;

use anyhow::Result;
use clap::Subcommand;
use serde_json::json;

use super::{Ctx, OpenDrive, device_error};
use crate::catalog::audit;
use crate::catalog::drives::{self, Drive};
use crate::catalog::tapes::{self, Tape, TapeStatus};
use crate::engine::retention::{TapeOutlook, Until, expires_at_json};
use crate::error::{Exit, Failure, Kind};
use crate::format::label::{TapeContents, read_label};
use crate::tape::TapeError;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a label to the tape in the drive and add it to a pool
    #[command(after_help = "A tape that holds a label or any data is refused unless --force (which asks for
confirmation unless --yes). A tape with backup sets in the catalog is never relabelled.

With --barcodes, the drive (a drive of a library) labels every cartridge in the library's
storage slots whose barcode the catalog does not know, each named by its barcode: loaded,
labelled if blank, put back in its slot. Cartridges that hold a label or data are skipped
and listed (never overwritten); cleaning cartridges (CLN…) are never loaded.

Examples:
  tapebackarr tape label WEEK01 --pool weekly
  tapebackarr --drive lto1 tape label WEEK02 --pool weekly --barcode TB0002L8 --lto-type LTO-8
  tapebackarr tape label SCRATCH --pool weekly --force --yes
  tapebackarr --drive d0 tape label --barcodes --pool weekly --lto-type LTO-8
  tapebackarr tape label BIG01 --pool weekly --block-size 1M")]
    Label(label::Args),
    /// Read the label of the tape in the drive and say which tape it is
    #[command(after_help = "Examples:\n  tapebackarr tape identify\n  tapebackarr --drive lto1 tape identify --json")]
    Identify,
    /// List tapes
    #[command(
        after_help = "Examples:\n  tapebackarr tape list --pool weekly\n  tapebackarr tape list --status full --json"
    )]
    List(list::Args),
    /// Show one tape
    #[command(after_help = "Example:\n  tapebackarr tape show WEEK01")]
    Show(show::Args),
    /// Move a blank or expired tape to another pool
    #[command(after_help = "Example:\n  tapebackarr tape assign WEEK01 --pool monthly")]
    Assign(assign::Args),
    /// Mark a tape full by hand (no backup appends to it), or active again
    #[command(after_help = "full: backups take another tape from now on (a tape a failed run filled with data the
catalog does not know of, say; backups also notice this by themselves when the data on a
tape reaches its early-warning mark). active: undoes a mark made by hand; a full tape that
holds no set becomes blank.

Examples:
  tapebackarr tape update WEEK01 --status full
  tapebackarr tape update WEEK01 --status active")]
    Update(update::Args),
    /// Take a tape out of service for good
    #[command(after_help = "Example:\n  tapebackarr tape retire WEEK01")]
    Retire(retire::Args),
    /// Record that a tape went offsite
    #[command(after_help = "Example:\n  tapebackarr tape export WEEK01 --location 'bank vault 3'")]
    Export(export::Args),
    /// Record that an exported tape is back
    #[command(after_help = "Example:\n  tapebackarr tape import WEEK01")]
    Import(import::Args),
    /// Quick-erase the tape in the drive, keeping its label (asks first)
    #[command(after_help = "Everything after the label is erased and the tape becomes blank in the catalog. A tape
with backup sets in the catalog is refused. A tape this catalog does not know is erased from
the start (label included) only with --force.

Examples:
  tapebackarr tape erase
  tapebackarr --drive lto1 tape erase --yes")]
    Erase(erase::Args),
    /// Write the raw bytes of tape file N to stdout or a file, like `mt fsf N; dd`
    #[command(after_help = "File 0 is the label; backup sets start at file 1.

Examples:
  tapebackarr tape dump --file 0 | head -c 300
  tapebackarr tape dump --file 1 --output set.bin")]
    Dump(dump::Args),
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Label(args) => label::exec(ctx, &mut catalog, args),
        Command::Identify => identify::exec(ctx, &mut catalog),
        Command::List(args) => list::exec(ctx, &mut catalog, args),
        Command::Show(args) => show::exec(ctx, &mut catalog, args),
        Command::Assign(args) => assign::exec(ctx, &mut catalog, args),
        Command::Update(args) => update::exec(ctx, &mut catalog, args),
        Command::Retire(args) => retire::exec(ctx, &mut catalog, args),
        Command::Export(args) => export::exec(ctx, &mut catalog, args),
        Command::Import(args) => import::exec(ctx, &mut catalog, args),
        Command::Erase(args) => erase::exec(ctx, &mut catalog, args),
        Command::Dump(args) => dump::exec(ctx, &mut catalog, args),
    }
}

fn read_contents(open: &mut OpenDrive, drive: &Drive) -> Result<TapeContents> {
    let status = open.dev.status().map_err(|e| device_error(e, drive))?;
    if !status.loaded {
        return Err(device_error(TapeError::NoTape, drive));
    }
    read_label(open.dev.as_mut()).map_err(|e| device_error(e, drive))
}

/// Moves a tape to `to` after `edit`, if its lifecycle allows; audits it as `action`.
fn transition(
    ctx: &Ctx,
    catalog: &mut crate::catalog::Catalog,
    label: &str,
    to: TapeStatus,
    action: &str,
    edit: impl FnOnce(&mut Tape) -> Result<()>,
) -> Result<()> {
    let tx = catalog.write()?;
    let mut t = tapes::get(&tx, label)?;
    if !t.status.can_become(to) || t.status == to {
        return Err(invalid(format!("tape '{label}' is {}: it cannot become {}", t.status.as_str(), to.as_str())));
    }
    let from = t.status;
    edit(&mut t)?;
    t.status = to;
    tapes::save(&tx, &t)?;
    if to == TapeStatus::Exported {
        drives::forget_tape(&tx, t.id)?;
    }
    audit::record(
        &tx,
        action,
        "tape",
        Some(t.id),
        json!({"label": label, "from": from, "to": to, "location": t.offsite_location}),
    )?;
    let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
    tx.commit()?;
    ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}': {} → {}", from.as_str(), to.as_str()));
    Ok(())
}

fn wrong_tape(message: String) -> anyhow::Error {
    Failure::new(Kind::WrongTape, message).into()
}

fn invalid(message: String) -> anyhow::Error {
    Failure::new(Kind::InvalidState, message).into()
}

/// A tape's JSON with its retention: `expires_at` (when its live sets' chains have all
/// expired; null when one is kept forever, or it holds none), `never_expires` (a live set on
/// it is kept forever, held, or its run is not finished) and `recall` (exported, and every
/// set on it expired: bring it back to reuse it).
fn with_retention(mut doc: serde_json::Value, r: TapeOutlook) -> serde_json::Value {
    doc["expires_at"] = expires_at_json(r.until);
    doc["never_expires"] = json!(r.until == Some(Until::Never));
    doc["recall"] = json!(r.recall);
    doc
}

/// A tape's retention for people: when it expires, `never`, `recall`, or `-` (nothing on it).
fn expires_text(r: TapeOutlook) -> String {
    if r.recall { "recall: all sets expired".into() } else { crate::engine::retention::expires_text(r.until) }
}
