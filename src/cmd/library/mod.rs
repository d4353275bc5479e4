//! `tapebackarr library …`: register tape libraries (medium changers) by changer string,
//! take their inventory into the catalog, and move cartridges between slots and drives. One
//! file per verb; what several share is here.
//!
//! Every element is named by its address as the changer numbers it (vlib and tgt: mail slots
//! 10…, drives 500…, storage slots 1000…). A catalog drive sits in a library at one drive
//! element (`library attach-drive`). One process at a time works a changer: a lock file per
//! changer, like the drive lock.
//!
//! The changer helpers other commands use (`drive add/eject/clean`, `tape label --barcodes`,
//! `catalog rebuild`, `restore`) are re-exported here from `engine::library`, with
//! [`open_changer`] and [`prepare_removal`] taking a command's [`Ctx`].

mod add;
mod attach;
mod export;
mod import;
mod inventory;
mod list;
mod load;
mod remove;
mod show;
mod status;
mod transfer;
mod unload;

use anyhow::Result;
use clap::Subcommand;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::Ctx;
use crate::catalog::drives::Drive;
use crate::catalog::libraries::{self, Library};
use crate::engine::library::{OpenChanger, open_changer as open_changer_in, prepare_removal as prepare_removal_in};
pub(crate) use crate::engine::library::{
    Pick, barcode_in, changer_error, drive_library, home_slot, observed, record_move, visit_in_place,
};
use crate::error::{Exit, Failure, Kind};
use crate::output::{or_dash, table};
use crate::tape::changer::{ElementAddress, ElementType, Inventory};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Register a tape library (its medium changer) under a name
    #[command(after_help = "Changer strings:
  vlib:DIR                     built-in virtual library (tapebackarr vlib create DIR)
  sg:/dev/sg3                  SCSI generic (SG_IO)
  iscsi://HOST:PORT/IQN/LUN    SCSI over iSCSI (libiscsi, loaded at run time)

Examples:
  tapebackarr library add vtl --device vlib:/var/lib/tapebackarr/vtl
  tapebackarr library add lib1 --device sg:/dev/sg3")]
    Add(add::Args),
    /// List libraries
    #[command(after_help = "Example:\n  tapebackarr library list --json")]
    List,
    /// Show a library and what its last inventory found in each element
    #[command(after_help = "Example:\n  tapebackarr library show vtl")]
    Show(show::Args),
    /// Forget a library (the changer is not touched; detach its drives first)
    #[command(after_help = "Example:\n  tapebackarr library remove old-lib")]
    Remove(remove::Args),
    /// Ask the changer what is in every element and record it in the catalog
    #[command(after_help = "Barcodes (volume tags) are matched to the catalog's tapes. With --read-labels,
every cartridge in a storage slot whose barcode the catalog does not know (or that has
none) is loaded into the drive (--drive, a drive of this library), its label read, and put
back in its slot: a TapeBackarr tape of this catalog recorded without a barcode learns it;
a barcode that disagrees with the label's is flagged and not recorded. Cleaning cartridges
(CLN…) are never loaded.

Examples:
  tapebackarr library inventory
  tapebackarr library inventory vtl --json
  tapebackarr --drive d0 library inventory --read-labels")]
    Inventory(inventory::Args),
    /// Ask the changer what is in its drives and mail slots now, beside the catalog's view
    #[command(after_help = "Nothing is recorded: `library inventory` does that. Elements whose contents differ
from the last inventory are listed as out of step.

Examples:
  tapebackarr library status
  tapebackarr library status vtl --json")]
    Status(status::Args),
    /// Move every cartridge in the import/export (mail) slots into free storage slots
    #[command(after_help = "Exported tapes that come back this way are marked back in service with the
status they had (as `tape import` does). Cartridges the catalog does not know are moved in
too and listed: label them with `tapebackarr tape label --barcodes --pool POOL`.

Examples:
  tapebackarr library import
  tapebackarr library import vtl --json")]
    Import(import::Args),
    /// Move tapes to the import/export (mail) slots for taking out, and mark them exported
    #[command(after_help = "Every tape is checked first (known, in this library, not exported already) and
the mail slots must have room for all of them: otherwise nothing moves. A tape in a drive is
taken out of it (its drive must not be in use).

Examples:
  tapebackarr library export W1 W2 --location 'bank vault 3'
  tapebackarr library export MONTH07 --library vtl --json")]
    Export(export::Args),
    /// Tie a catalog drive (--drive) to a drive element of a library
    #[command(after_help = "Example:\n  tapebackarr library attach-drive vtl --drive d0 --element 500")]
    AttachDrive(attach::Args),
    /// Untie a catalog drive (--drive) from its library
    #[command(after_help = "Example:\n  tapebackarr library detach-drive --drive d0")]
    DetachDrive,
    /// Move a cartridge from a slot, or wherever its barcode is, into a drive (--drive)
    #[command(after_help = "SOURCE is an element address (all digits), a barcode, or a tape's label (the
cartridge with that tape's barcode). Cleaning cartridges (barcodes starting with CLN) are
loaded only with --cleaning.

Examples:
  tapebackarr library load TB0001L8 --drive d0
  tapebackarr library load 1003 --drive d0 --json
  tapebackarr library load WEEK01")]
    Load(load::Args),
    /// Move the cartridge in a drive (--drive) back to its storage slot
    #[command(after_help = "Examples:\n  tapebackarr library unload --drive d0\n  \
tapebackarr library unload --drive d0 --slot 1002")]
    Unload(unload::Args),
    /// Move a cartridge from one element to another
    #[command(after_help = "Example:\n  tapebackarr library transfer 1000 10 --library vtl")]
    Transfer(transfer::Args),
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Add(args) => add::exec(ctx, &mut catalog, args),
        Command::List => list::exec(ctx, &mut catalog),
        Command::Show(args) => show::exec(ctx, &mut catalog, args),
        Command::Remove(args) => remove::exec(ctx, &mut catalog, args),
        Command::Inventory(args) => inventory::exec(ctx, &mut catalog, args),
        Command::Status(args) => status::exec(ctx, &mut catalog, args),
        Command::Import(args) => import::exec(ctx, &mut catalog, args),
        Command::Export(args) => export::exec(ctx, &mut catalog, args),
        Command::AttachDrive(args) => attach::exec(ctx, &mut catalog, args),
        Command::DetachDrive => attach::detach(ctx, &mut catalog),
        Command::Load(args) => load::exec(ctx, &mut catalog, args),
        Command::Unload(args) => unload::exec(ctx, &mut catalog, args),
        Command::Transfer(args) => transfer::exec(ctx, &mut catalog, args),
    }
}

/// The named library, or the only one.
fn pick_library(conn: &Connection, name: Option<&str>) -> Result<Library> {
    if let Some(name) = name {
        return libraries::get(conn, name);
    }
    let mut all = libraries::list(conn)?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(Failure::new(
            Kind::NotFound,
            "no library: add one with `tapebackarr library add NAME --device CHANGER`",
        )
        .into()),
        _ => Err(Failure::usage(format!(
            "there are several libraries ({}): name one",
            all.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")
        ))
        .into()),
    }
}

/// The changer's inventory, once it has shown that `element` is one of its drives (for
/// tying a catalog drive to it).
pub(crate) fn drive_element(
    ctx: &Ctx,
    conn: &Connection,
    lib: &Library,
    element: u16,
    command: &str,
) -> Result<Inventory> {
    let inv = {
        let mut open = open_changer_in(&ctx.env(), lib, command)?;
        open.changer.inventory().map_err(|e| changer_error(e, lib, conn))?
    };
    let name = &lib.name;
    match inv.get(ElementAddress(element)) {
        Some(e) if e.kind == ElementType::Drive => Ok(inv),
        Some(e) => Err(Failure::new(
            Kind::InvalidState,
            format!("{} of library '{name}' is a {} element, not a drive", e.address, e.kind),
        )
        .into()),
        None => Err(Failure::new(
            Kind::NotFound,
            format!("library '{name}' has no element {element} (see `tapebackarr library show {name}`)"),
        )
        .into()),
    }
}

/// A library as `library show --json` and `library inventory --json` give it: the catalog's
/// row, its recorded slots and its attached drives.
fn library_doc(conn: &Connection, lib: &Library) -> Result<Value> {
    let drives: Vec<Value> = libraries::attached_drives(conn, lib.id)?
        .into_iter()
        .map(|(name, element)| json!({"name": name, "element": element}))
        .collect();
    Ok(json!({"library": lib, "slots": libraries::slots(conn, lib.id)?, "drives": drives}))
}

/// What the last inventory recorded in each element, as a table (`library show`, `library
/// inventory`).
fn slot_table(conn: &Connection, library_id: i64) -> Result<String> {
    let slots = libraries::slots(conn, library_id)?;
    if slots.is_empty() {
        return Ok("No inventory yet: run `tapebackarr library inventory`".into());
    }
    let rows = slots
        .iter()
        .map(|s| {
            vec![
                s.element.to_string(),
                s.kind.clone(),
                if s.full { or_dash(s.barcode.as_deref()) } else { "(empty)".into() },
                or_dash(s.tape.as_deref()),
                or_dash(s.drive.as_deref()),
                if s.cleaning { "cleaning".into() } else { String::new() },
            ]
        })
        .collect();
    Ok(table(&["element", "type", "barcode", "tape", "drive", "note"], rows))
}

/// [`crate::engine::library::open_changer`] for a command.
pub(crate) fn open_changer(ctx: &Ctx, lib: &Library, command: &str) -> Result<OpenChanger> {
    open_changer_in(&ctx.env(), lib, command)
}

/// [`crate::engine::library::prepare_removal`] for a command.
pub(crate) fn prepare_removal(ctx: &Ctx, d: &Drive) {
    prepare_removal_in(&ctx.env(), d)
}
