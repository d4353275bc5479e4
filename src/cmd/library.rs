//! `tapebackarr library …`: register tape libraries (medium changers) by changer string,
//! take their inventory into the catalog, and move cartridges between slots and drives.
//!
//! Every element is named by its address as the changer numbers it (vlib and tgt: mail slots
//! 10…, drives 500…, storage slots 1000…). A catalog drive sits in a library at one drive
//! element (`library attach-drive`). One process at a time works a changer: a lock file per
//! changer, like the drive lock.

use std::fs;

use anyhow::Result;
use clap::Subcommand;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::Ctx;
use crate::catalog::drives::{self, Drive};
use crate::catalog::libraries::{self, Library, is_cleaning};
use crate::catalog::tapes::{self, TapeStatus};
use crate::catalog::{Catalog, audit};
use crate::engine::library::{OpenChanger, open_changer as open_changer_in, prepare_removal as prepare_removal_in};
pub(crate) use crate::engine::library::{
    Pick, barcode_in, changer_error, drive_library, home_slot, observed, record_move, visit_in_place,
};
use crate::error::{Exit, Failure, Kind};
use crate::format::label::{self, TapeContents};
use crate::output::{fields, or_dash, table, when};
use crate::tape::changer::{ChangerSpec, ElementAddress, ElementType, Inventory};
use crate::values::parse_name;

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
    Add {
        /// Library name (letters, digits, '.', '_', '-')
        #[arg(value_parser = parse_name)]
        name: String,
        /// Changer string (see below)
        #[arg(long, value_parser = parse_changer)]
        device: ChangerSpec,
    },
    /// List libraries
    #[command(after_help = "Example:\n  tapebackarr library list --json")]
    List,
    /// Show a library and what its last inventory found in each element
    #[command(after_help = "Example:\n  tapebackarr library show vtl")]
    Show {
        /// Library name
        name: String,
    },
    /// Forget a library (the changer is not touched; detach its drives first)
    #[command(after_help = "Example:\n  tapebackarr library remove old-lib")]
    Remove {
        /// Library name
        name: String,
    },
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
    Inventory {
        /// Library name [default: the only library]
        name: Option<String>,
        /// Have the changer scan every element first (INITIALIZE ELEMENT STATUS; minutes on
        /// a large library)
        #[arg(long)]
        scan: bool,
        /// Load cartridges the catalog does not know and read their labels
        #[arg(long)]
        read_labels: bool,
    },
    /// Ask the changer what is in its drives and mail slots now, beside the catalog's view
    #[command(after_help = "Nothing is recorded: `library inventory` does that. Elements whose contents differ
from the last inventory are listed as out of step.

Examples:
  tapebackarr library status
  tapebackarr library status vtl --json")]
    Status {
        /// Library name [default: the only library]
        name: Option<String>,
    },
    /// Move every cartridge in the import/export (mail) slots into free storage slots
    #[command(after_help = "Exported tapes that come back this way are marked back in service with the
status they had (as `tape import` does). Cartridges the catalog does not know are moved in
too and listed: label them with `tapebackarr tape label --barcodes --pool POOL`.

Examples:
  tapebackarr library import
  tapebackarr library import vtl --json")]
    Import {
        /// Library name [default: the only library]
        name: Option<String>,
    },
    /// Move tapes to the import/export (mail) slots for taking out, and mark them exported
    #[command(after_help = "Every tape is checked first (known, in this library, not exported already) and
the mail slots must have room for all of them: otherwise nothing moves. A tape in a drive is
taken out of it (its drive must not be in use).

Examples:
  tapebackarr library export W1 W2 --location 'bank vault 3'
  tapebackarr library export MONTH07 --library vtl --json")]
    Export {
        /// Tape labels
        #[arg(required = true)]
        labels: Vec<String>,
        /// Where the tapes are going (recorded as their offsite location)
        #[arg(long, value_name = "TEXT")]
        location: Option<String>,
        /// Library name [default: the only library]
        #[arg(long, value_name = "NAME")]
        library: Option<String>,
    },
    /// Tie a catalog drive (--drive) to a drive element of a library
    #[command(after_help = "Example:\n  tapebackarr library attach-drive vtl --drive d0 --element 500")]
    AttachDrive {
        /// Library name
        library: String,
        /// The drive's element address in the changer (see `library show`)
        #[arg(long, value_name = "N")]
        element: u16,
    },
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
    Load {
        /// Element address, barcode or tape label
        source: String,
        /// Allow loading a cleaning cartridge
        #[arg(long)]
        cleaning: bool,
    },
    /// Move the cartridge in a drive (--drive) back to its storage slot
    #[command(after_help = "Examples:\n  tapebackarr library unload --drive d0\n  \
tapebackarr library unload --drive d0 --slot 1002")]
    Unload {
        /// Element address to put it in [default: the slot it came from when the changer
        /// remembers it and it is empty, else the first empty storage slot]
        #[arg(long, value_name = "N")]
        slot: Option<u16>,
    },
    /// Move a cartridge from one element to another
    #[command(after_help = "Example:\n  tapebackarr library transfer 1000 10 --library vtl")]
    Transfer {
        /// Element address to take the cartridge from
        from: u16,
        /// Element address to put it in
        to: u16,
        /// Library name [default: the only library]
        #[arg(long, value_name = "NAME")]
        library: Option<String>,
    },
}

fn parse_changer(s: &str) -> Result<ChangerSpec, String> {
    ChangerSpec::parse(s)
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Add { name, device } => add(ctx, &mut catalog, name, device)?,
        Command::List => {
            let list = libraries::list(catalog.conn())?;
            let rows = list
                .iter()
                .map(|l| {
                    vec![
                        l.name.clone(),
                        l.device.clone(),
                        l.num_slots.to_string(),
                        l.num_drives.to_string(),
                        l.num_import_export.to_string(),
                        format!("{} {}", l.vendor, l.model).trim().to_string(),
                        when(&l.last_inventory_at),
                    ]
                })
                .collect::<Vec<_>>();
            ctx.out.data(&json!({"libraries": list}), || {
                if rows.is_empty() {
                    "No libraries. Add one with: tapebackarr library add NAME --device CHANGER".into()
                } else {
                    table(&["name", "device", "slots", "drives", "mail", "model", "inventory"], rows)
                }
            });
        }
        Command::Show { name } => {
            let conn = catalog.conn();
            let lib = libraries::get(conn, &name)?;
            let doc = library_doc(conn, &lib)?;
            ctx.out.data(&doc, || show(conn, &lib).unwrap_or_default());
        }
        Command::Remove { name } => {
            let tx = catalog.write()?;
            let lib = libraries::get(&tx, &name)?;
            let attached = libraries::attached_drives(&tx, lib.id)?;
            if !attached.is_empty() {
                let names: Vec<&str> = attached.iter().map(|(n, _)| n.as_str()).collect();
                return Err(Failure::in_use(format!(
                    "library '{name}' has drives attached ({}): detach them first with `tapebackarr library detach-drive --drive NAME`",
                    names.join(", ")
                ))
                .into());
            }
            let doc = serde_json::to_value(&lib)?;
            libraries::delete(&tx, lib.id)?;
            audit::record(&tx, "library.remove", "library", Some(lib.id), json!({"library": &doc}))?;
            tx.commit()?;
            ctx.out.done(&json!({"deleted": doc}), || format!("Removed library '{name}'"));
        }
        Command::Status { name } => status(ctx, &catalog, name.as_deref())?,
        Command::Import { name } => import(ctx, &mut catalog, name.as_deref())?,
        Command::Export { labels, location, library } => {
            export(ctx, &mut catalog, &labels, location.as_deref(), library.as_deref())?
        }
        Command::Inventory { name, scan, read_labels } => {
            let lib = pick_library(catalog.conn(), name.as_deref())?;
            let mut open = open_changer_in(&ctx.env(), &lib, "library inventory")?;
            if scan {
                open.changer.initialize_element_status().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
            }
            let identity = open.changer.identity().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
            let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
            let tx = catalog.write()?;
            if (identity.vendor.as_str(), identity.model.as_str(), identity.serial.as_str())
                != (lib.vendor.as_str(), lib.model.as_str(), lib.serial_number.as_str())
            {
                libraries::set_identity(&tx, lib.id, &identity.vendor, &identity.model, &identity.serial)?;
            }
            let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
            audit::record(
                &tx,
                "library.inventory",
                "library",
                Some(lib.id),
                json!({"name": lib.name, "changes": &changes}),
            )?;
            tx.commit()?;
            drop(open);
            let labels = if read_labels { read_labels_in(ctx, &mut catalog, &lib)? } else { Vec::new() };
            let conn = catalog.conn();
            let mut doc = library_doc(conn, &libraries::by_id(conn, lib.id)?)?;
            doc["changes"] = serde_json::to_value(&changes)?;
            if read_labels {
                doc["labels"] = Value::Array(labels.iter().map(LabelSeen::json).collect());
            }
            ctx.out.data(&doc, || {
                let head = format!(
                    "Inventory of library '{}': {} element(s) changed since the last one",
                    lib.name,
                    changes.len()
                );
                let mut text = format!("{head}\n\n{}", slot_table(conn, lib.id).unwrap_or_default());
                if read_labels {
                    text.push_str(&format!("\n\nLabels read: {}", labels.len()));
                    for l in &labels {
                        text.push_str(&format!("\n  {}", l.describe()));
                    }
                }
                text
            });
        }
        Command::AttachDrive { library, element } => {
            let d = ctx.pick_drive(catalog.conn())?;
            let lib = libraries::get(catalog.conn(), &library)?;
            let inv = drive_element(ctx, catalog.conn(), &lib, element, "library attach-drive")?;
            let tx = catalog.write()?;
            if let Some(other) = libraries::drive_at(&tx, lib.id, element.into())?
                && other != d.name
            {
                return Err(Failure::in_use(format!(
                    "element {element} of library '{library}' is already drive '{other}'"
                ))
                .into());
            }
            let before = json!({"library": lib_name(&tx, d.library_id)?, "element": d.library_drive_number});
            libraries::attach_drive(&tx, d.id, Some((lib.id, element.into())))?;
            let after = json!({"library": library, "element": element});
            // The drive learns what the changer says it holds.
            let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
            audit::record(
                &tx,
                "library.attach_drive",
                "drive",
                Some(d.id),
                json!({"name": d.name, "from": before, "to": after, "inventory_changes": changes}),
            )?;
            let doc = serde_json::to_value(drives::get(&tx, &d.name)?)?;
            tx.commit()?;
            ctx.out.done(&json!({"drive": doc, "library": library, "element": element}), || {
                format!("Attached drive '{}' to library '{library}' at element {element}", d.name)
            });
        }
        Command::DetachDrive => {
            let tx = catalog.write()?;
            let d = ctx.pick_drive(&tx)?;
            let Some(library) = lib_name(&tx, d.library_id)? else {
                return Err(Failure::new(Kind::InvalidState, format!("drive '{}' is not in a library", d.name)).into());
            };
            libraries::attach_drive(&tx, d.id, None)?;
            audit::record(
                &tx,
                "library.detach_drive",
                "drive",
                Some(d.id),
                json!({"name": d.name, "library": library, "element": d.library_drive_number}),
            )?;
            let doc = serde_json::to_value(drives::get(&tx, &d.name)?)?;
            tx.commit()?;
            ctx.out.done(&json!({"drive": doc, "library": library}), || {
                format!("Detached drive '{}' from library '{library}'", d.name)
            });
        }
        Command::Load { source, cleaning } => load(ctx, &mut catalog, &source, cleaning)?,
        Command::Unload { slot } => unload(ctx, &mut catalog, slot)?,
        Command::Transfer { from, to, library } => {
            let lib = pick_library(catalog.conn(), library.as_deref())?;
            let mut open = open_changer_in(&ctx.env(), &lib, "library transfer")?;
            let (from, to) = (ElementAddress(from), ElementAddress(to));
            let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
            // A drive at either end is locked, so no command is using the tape we move.
            let mut held = Vec::new();
            for a in [from, to] {
                if let Some(name) = libraries::drive_at(catalog.conn(), lib.id, a.0.into())? {
                    let d = drives::get(catalog.conn(), &name)?;
                    held.push(ctx.lock_drive(&d, "library transfer")?);
                    if a == from && inv.get(a).is_some_and(|e| e.full) {
                        prepare_removal_in(&ctx.env(), &d);
                    }
                }
            }
            let barcode = inv.get(from).and_then(|e| e.barcode.clone());
            open.changer.move_medium(from, to).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
            let details = json!({"name": lib.name, "from": from, "to": to, "barcode": barcode});
            let changes = record_move(&mut catalog, &lib, open.changer.as_mut(), "library.transfer", details)?;
            drop(held);
            ctx.out.done(
                &json!({"library": lib.name, "from": from, "to": to, "barcode": barcode, "changes": changes}),
                || format!("Moved {} from {from} to {to} in library '{}'", or_dash(barcode.as_deref()), lib.name),
            );
        }
    }
    Ok(Exit::Ok)
}

fn add(ctx: &Ctx, catalog: &mut Catalog, name: String, device: ChangerSpec) -> Result<()> {
    if libraries::find(catalog.conn(), &name)?.is_some() {
        return Err(Failure::already_exists("library", &name).into());
    }
    let device = match device {
        // One directory, one changer string, however it was written.
        ChangerSpec::Virtual(dir) => ChangerSpec::Virtual(
            fs::canonicalize(&dir)
                .map_err(|e| Failure::new(Kind::Device, format!("{} is not a virtual library: {e}", dir.display())))?,
        ),
        other => other,
    };
    let mut lib = Library {
        id: 0,
        name: name.clone(),
        device: device.to_string(),
        vendor: String::new(),
        model: String::new(),
        serial_number: String::new(),
        num_slots: 0,
        num_drives: 0,
        num_import_export: 0,
        barcode_reader: false,
        enabled: true,
        last_inventory_at: None,
        created_at: None,
        updated_at: None,
    };
    {
        let mut open = open_changer_in(&ctx.env(), &lib, "library add")?;
        let id = open.changer.identity().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
        (lib.vendor, lib.model, lib.serial_number) = (id.vendor, id.model, id.serial);
    }
    let tx = catalog.write()?;
    let id = libraries::insert(&tx, &lib)?;
    let doc = serde_json::to_value(libraries::by_id(&tx, id)?)?;
    audit::record(&tx, "library.add", "library", Some(id), json!({"library": &doc}))?;
    tx.commit()?;
    ctx.out.done(&json!({"library": doc}), || {
        format!(
            "Added library '{name}' (id {id}): {} {} — take its inventory with: tapebackarr library inventory {name}",
            lib.vendor, lib.model
        )
    });
    Ok(())
}

fn load(ctx: &Ctx, catalog: &mut Catalog, source: &str, cleaning: bool) -> Result<()> {
    let d = ctx.pick_drive(catalog.conn())?;
    let (lib, element) = drive_library(catalog.conn(), &d)?;
    let mut open = open_changer_in(&ctx.env(), &lib, "library load")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let from = if !source.is_empty() && source.bytes().all(|b| b.is_ascii_digit()) {
        let n: u16 =
            source.parse().map_err(|_| Failure::usage(format!("'{source}' is not an element address (0-65535)")))?;
        ElementAddress(n)
    } else {
        // A barcode, else a catalog tape's label (by its barcode).
        let tape = tapes::find(catalog.conn(), source)?;
        let barcode = match &tape {
            Some(t) if inv.find_barcode(source).is_none() => t.barcode.as_deref().unwrap_or(source),
            _ => source,
        };
        inv.find_barcode(barcode).map(|e| e.address).ok_or_else(|| {
            let msg = match &tape {
                Some(t) => format!(
                    "tape '{}' (barcode {}) is not in library '{}' ({})",
                    t.label,
                    or_dash(t.barcode.as_deref()),
                    lib.name,
                    tapes::location(catalog.conn(), t).unwrap_or_default()
                ),
                None => format!("no cartridge with barcode or tape label '{source}' in library '{}'", lib.name),
            };
            Failure::new(Kind::NotFound, msg)
        })?
    };
    if from == element {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("{} is already in drive '{}' ({element})", describe_source(&inv, from), d.name),
        )
        .into());
    }
    let barcode = inv.get(from).and_then(|e| e.barcode.clone());
    if let Some(b) = &barcode
        && is_cleaning(b)
        && !cleaning
    {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("{b} in {from} is a cleaning cartridge: pass --cleaning to load it into drive '{}'", d.name),
        )
        .into());
    }
    let _drive_lock = ctx.lock_drive(&d, "library load")?;
    open.changer.move_medium(from, element).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let details = json!({"name": lib.name, "drive": d.name, "from": from, "to": element, "barcode": barcode});
    let changes = record_move(catalog, &lib, open.changer.as_mut(), "library.load", details)?;
    let tape = drives::get(catalog.conn(), &d.name)?.current_tape;
    ctx.out.done(
        &json!({"library": lib.name, "drive": d.name, "from": from, "to": element, "barcode": barcode,
                "tape": tape, "changes": changes}),
        || {
            let what = match &tape {
                Some(t) => format!("{} (tape '{t}')", or_dash(barcode.as_deref())),
                None => or_dash(barcode.as_deref()),
            };
            format!("Loaded {what} from {from} into drive '{}' ({element})", d.name)
        },
    );
    Ok(())
}

fn unload(ctx: &Ctx, catalog: &mut Catalog, slot: Option<u16>) -> Result<()> {
    let d = ctx.pick_drive(catalog.conn())?;
    let (lib, element) = drive_library(catalog.conn(), &d)?;
    let mut open = open_changer_in(&ctx.env(), &lib, "library unload")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    if !inv.get(element).is_some_and(|e| e.full) {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("drive '{}' ({element} of library '{}') is empty", d.name, lib.name),
        )
        .into());
    }
    let to = match slot {
        Some(n) => ElementAddress(n),
        None => home_slot(&inv, element).ok_or_else(|| {
            Failure::new(Kind::InvalidState, format!("every storage slot of library '{}' is full", lib.name))
        })?,
    };
    let barcode = inv.get(element).and_then(|e| e.barcode.clone());
    let tape = d.current_tape.clone();
    let _drive_lock = ctx.lock_drive(&d, "library unload")?;
    prepare_removal_in(&ctx.env(), &d);
    open.changer.move_medium(element, to).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let details = json!({"name": lib.name, "drive": d.name, "from": element, "to": to, "barcode": barcode});
    let changes = record_move(catalog, &lib, open.changer.as_mut(), "library.unload", details)?;
    ctx.out.done(
        &json!({"library": lib.name, "drive": d.name, "from": element, "to": to, "barcode": barcode,
                "tape": tape, "changes": changes}),
        || format!("Unloaded {} from drive '{}' into {to}", or_dash(barcode.as_deref()), d.name),
    );
    Ok(())
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

fn lib_name(conn: &Connection, id: Option<i64>) -> Result<Option<String>> {
    Ok(match id {
        Some(id) => Some(libraries::by_id(conn, id)?.name),
        None => None,
    })
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

fn describe_source(inv: &Inventory, a: ElementAddress) -> String {
    match inv.get(a).and_then(|e| e.barcode.clone()) {
        Some(b) => format!("{b} ({a})"),
        None => a.to_string(),
    }
}

fn library_doc(conn: &Connection, lib: &Library) -> Result<Value> {
    let drives: Vec<Value> = libraries::attached_drives(conn, lib.id)?
        .into_iter()
        .map(|(name, element)| json!({"name": name, "element": element}))
        .collect();
    Ok(json!({"library": lib, "slots": libraries::slots(conn, lib.id)?, "drives": drives}))
}

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

fn show(conn: &Connection, l: &Library) -> Result<String> {
    let drives = libraries::attached_drives(conn, l.id)?
        .into_iter()
        .map(|(n, e)| format!("{n} (element {})", or_dash(e)))
        .collect::<Vec<_>>();
    let head = fields(&[
        ("name", l.name.clone()),
        ("id", l.id.to_string()),
        ("device", l.device.clone()),
        ("vendor", or_dash(Some(&l.vendor))),
        ("model", or_dash(Some(&l.model))),
        ("serial", or_dash(Some(&l.serial_number))),
        ("slots", l.num_slots.to_string()),
        ("drives", l.num_drives.to_string()),
        ("import/export", l.num_import_export.to_string()),
        ("barcode reader", if l.barcode_reader { "yes" } else { "no" }.into()),
        ("attached drives", if drives.is_empty() { "-".into() } else { drives.join(", ") }),
        ("last inventory", when(&l.last_inventory_at)),
        ("created", when(&l.created_at)),
    ]);
    Ok(format!("{head}\n\n{}", slot_table(conn, l.id)?))
}

/// `library status`: the changer's view of drives and mail slots now, beside the catalog's.
fn status(ctx: &Ctx, catalog: &Catalog, name: Option<&str>) -> Result<()> {
    let conn = catalog.conn();
    let lib = pick_library(conn, name)?;
    let inv = {
        let mut open = open_changer_in(&ctx.env(), &lib, "library status")?;
        open.changer.inventory().map_err(|e| changer_error(e, &lib, conn))?
    };
    let known = libraries::slots(conn, lib.id)?;
    let tape_of = |b: &Option<String>| -> Result<Option<String>> {
        Ok(match b {
            Some(b) => tapes::by_barcode(conn, b)?.map(|t| t.label),
            None => None,
        })
    };
    let mut drives_doc = Vec::new();
    let mut mail_doc = Vec::new();
    let (mut full, mut empty, mut cleaning, mut unknown) = (0, 0, 0, 0);
    for e in &inv.elements {
        let doc = || -> Result<Value> {
            Ok(json!({"element": e.address, "full": e.full, "barcode": e.barcode, "tape": tape_of(&e.barcode)?}))
        };
        match e.kind {
            ElementType::Drive => {
                let mut d = doc()?;
                d["drive"] = json!(libraries::drive_at(conn, lib.id, e.address.0.into())?);
                d["source"] = json!(e.source);
                drives_doc.push(d);
            }
            ElementType::ImportExport => mail_doc.push(doc()?),
            ElementType::Storage if !e.full => empty += 1,
            ElementType::Storage => {
                full += 1;
                match &e.barcode {
                    Some(b) if is_cleaning(b) => cleaning += 1,
                    Some(b) if tapes::by_barcode(conn, b)?.is_some() => {}
                    _ => unknown += 1,
                }
            }
            ElementType::Transport => {}
        }
    }
    // Elements whose contents differ from what the last inventory recorded.
    let mut out_of_step = Vec::new();
    for o in observed(&inv) {
        let before = known.iter().find(|s| s.element == o.element);
        let (was_full, was) = before.map(|s| (s.full, s.barcode.clone())).unwrap_or((false, None));
        if before.is_none() || was_full != o.full || (o.full && was != o.barcode) {
            out_of_step.push(
                json!({"element": o.element, "catalog": before.map(|_| json!({"full": was_full, "barcode": was})),
                                    "changer": {"full": o.full, "barcode": o.barcode}}),
            );
        }
    }
    let doc = json!({
        "library": lib.name,
        "device": lib.device,
        "drives": drives_doc,
        "import_export": mail_doc,
        "storage": {"full": full, "empty": empty, "cleaning": cleaning, "unknown": unknown},
        "out_of_step": out_of_step,
        "last_inventory_at": lib.last_inventory_at,
    });
    ctx.out.data(&doc, || {
        let cell = |d: &Value| match d["barcode"].as_str() {
            Some(b) if d["full"] == true => match d["tape"].as_str() {
                Some(t) => format!("{b} (tape '{t}')"),
                None => b.to_string(),
            },
            _ if d["full"] == true => "(no barcode)".into(),
            _ => "(empty)".into(),
        };
        let mut rows = Vec::new();
        for d in &drives_doc {
            rows.push(vec![d["element"].to_string(), "drive".into(), cell(d), or_dash(d["drive"].as_str())]);
        }
        for d in &mail_doc {
            rows.push(vec![d["element"].to_string(), "import_export".into(), cell(d), String::new()]);
        }
        let mut text = format!(
            "Library '{}': storage {full} full ({cleaning} cleaning, {unknown} not in the catalog), {empty} empty\n\n{}",
            lib.name,
            table(&["element", "type", "holds", "drive"], rows)
        );
        if !out_of_step.is_empty() {
            text.push_str(&format!(
                "\n\n{} element(s) differ from the last inventory: run `tapebackarr library inventory {}`",
                out_of_step.len(),
                lib.name
            ));
        }
        text
    });
    Ok(())
}

/// `library import`: every cartridge in a mail slot into a free storage slot.
fn import(ctx: &Ctx, catalog: &mut Catalog, name: Option<&str>) -> Result<()> {
    let lib = pick_library(catalog.conn(), name)?;
    let mut open = open_changer_in(&ctx.env(), &lib, "library import")?;
    let mut moved = Vec::new();
    let mut left = Vec::new();
    // A move the changer refused: what moved before it is still recorded.
    let mut failed = None;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let mut free: Vec<ElementAddress> = inv.slots().filter(|e| !e.full).map(|e| e.address).collect();
    free.reverse();
    for e in inv.import_export().filter(|e| e.full) {
        let Some(to) = free.pop() else {
            left.push(json!({"element": e.address, "barcode": e.barcode}));
            continue;
        };
        if let Err(err) = open.changer.move_medium(e.address, to) {
            failed = Some(changer_error(err, &lib, catalog.conn()));
            break;
        }
        moved.push((e.address, to, e.barcode.clone()));
    }
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let tx = catalog.write()?;
    let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
    let mut docs = Vec::new();
    for (from, to, barcode) in &moved {
        let mut tape = match barcode {
            Some(b) => tapes::by_barcode(&tx, b)?,
            None => None,
        };
        let mut back_from = None;
        if let Some(t) = tape.as_mut().filter(|t| t.status == TapeStatus::Exported) {
            back_from = Some(tapes::mark_imported(&tx, t)?);
        }
        docs.push(json!({"from": from, "to": to, "barcode": barcode,
            "tape": tape.as_ref().map(|t| &t.label), "status": tape.as_ref().map(|t| t.status),
            "back_from": back_from.flatten(), "known": tape.is_some(),
            "cleaning": barcode.as_deref().is_some_and(is_cleaning)}));
    }
    audit::record(
        &tx,
        "library.import",
        "library",
        Some(lib.id),
        json!({"name": lib.name, "moved": docs, "left": left, "changes": changes}),
    )?;
    tx.commit()?;
    if let Some(e) = failed {
        return Err(e);
    }
    if !left.is_empty() {
        return Err(Failure::new(
            Kind::InvalidState,
            format!(
                "library '{}': every storage slot is full; {} cartridge(s) moved in, {} left in the mail slots",
                lib.name,
                moved.len(),
                left.len()
            ),
        )
        .with_details(json!({"moved": docs, "left": left}))
        .into());
    }
    ctx.out.done(&json!({"library": lib.name, "moved": docs}), || {
        if docs.is_empty() {
            return format!("No cartridges in the mail slots of library '{}'", lib.name);
        }
        let mut text = format!("Moved {} cartridge(s) into library '{}':", docs.len(), lib.name);
        for d in &docs {
            let what = match (d["tape"].as_str(), d["cleaning"] == true) {
                (Some(t), _) => format!("tape '{t}' ({})", d["status"].as_str().unwrap_or("-")),
                (None, true) => "cleaning cartridge".into(),
                (None, false) => {
                    "not in the catalog: label it with `tapebackarr tape label --barcodes --pool POOL`".into()
                }
            };
            text.push_str(&format!(
                "\n  {} element {} → {}: {what}",
                or_dash(d["barcode"].as_str()),
                d["from"],
                d["to"]
            ));
        }
        text
    });
    Ok(())
}

/// `library export`: tapes to the mail slots, marked exported. Checks everything first.
fn export(
    ctx: &Ctx,
    catalog: &mut Catalog,
    labels: &[String],
    location: Option<&str>,
    name: Option<&str>,
) -> Result<()> {
    let lib = pick_library(catalog.conn(), name)?;
    let mut open = open_changer_in(&ctx.env(), &lib, "library export")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let conn = catalog.conn();
    let mut plan = Vec::new();
    for label in labels {
        let t = tapes::get(conn, label)?;
        if !t.status.can_become(TapeStatus::Exported) || t.status == TapeStatus::Exported {
            return Err(Failure::new(
                Kind::InvalidState,
                format!("tape '{label}' is {}: it cannot be exported", t.status.as_str()),
            )
            .into());
        }
        let at = t.barcode.as_deref().and_then(|b| inv.find_barcode(b)).ok_or_else(|| {
            Failure::new(
                Kind::NotFound,
                format!(
                    "tape '{label}' (barcode {}) is not in library '{}' ({})",
                    or_dash(t.barcode.as_deref()),
                    lib.name,
                    tapes::location(conn, &t).unwrap_or_default()
                ),
            )
        })?;
        if plan.iter().any(|(p, _): &(tapes::Tape, _)| p.id == t.id) {
            continue;
        }
        plan.push((t, at.clone()));
    }
    // Already in a mail slot (an export cut short): only the catalog is left to do.
    let to_move = plan.iter().filter(|(_, e)| e.kind != ElementType::ImportExport).count();
    let mut free: Vec<ElementAddress> = inv.import_export().filter(|e| !e.full).map(|e| e.address).collect();
    if free.len() < to_move {
        let full: Vec<String> = inv.import_export().filter(|e| e.full).map(|e| e.address.0.to_string()).collect();
        return Err(Failure::new(
            Kind::InvalidState,
            format!(
                "library '{}' has {} free import/export slot(s) for {to_move} tape(s): nothing was moved; \
                 export fewer at a time{}",
                lib.name,
                free.len(),
                if full.is_empty() {
                    String::new()
                } else {
                    format!(", or empty the mail slots ({})", full.join(", "))
                }
            ),
        )
        .into());
    }
    free.reverse();
    let mut done = Vec::new();
    for (t, e) in &plan {
        let mut to = e.address;
        if e.kind != ElementType::ImportExport {
            to = free.pop().expect("room checked above");
            let mut held = None;
            if e.kind == ElementType::Drive
                && let Some(name) = libraries::drive_at(catalog.conn(), lib.id, e.address.0.into())?
            {
                let d = drives::get(catalog.conn(), &name)?;
                held = Some(ctx.lock_drive(&d, "library export")?);
                prepare_removal_in(&ctx.env(), &d);
            }
            open.changer.move_medium(e.address, to).map_err(|err| changer_error(err, &lib, catalog.conn()))?;
            drop(held);
        }
        // One transaction per tape: a tape in a mail slot is marked exported at once.
        let inv = open.changer.inventory().map_err(|err| changer_error(err, &lib, catalog.conn()))?;
        let tx = catalog.write()?;
        let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
        let mut t = tapes::by_id(&tx, t.id)?;
        let was = tapes::mark_exported(&tx, &mut t, location)?;
        let doc = json!({"tape": t.label, "barcode": t.barcode, "from": e.address, "to": to, "was": was});
        let mut details = doc.clone();
        details["library"] = json!(lib.name);
        details["location"] = json!(location);
        details["changes"] = serde_json::to_value(&changes)?;
        audit::record(&tx, "library.export", "tape", Some(t.id), details)?;
        tx.commit()?;
        done.push(doc);
    }
    ctx.out.done(&json!({"library": lib.name, "exported": done, "location": location}), || {
        let mut text = format!("Exported {} tape(s) from library '{}':", done.len(), lib.name);
        for d in &done {
            text.push_str(&format!(
                "\n  tape '{}' ({}) element {} → mail slot {}",
                d["tape"].as_str().unwrap_or("-"),
                or_dash(d["barcode"].as_str()),
                d["from"],
                d["to"]
            ));
        }
        text.push_str("\nTake them out of the mail slots.");
        text
    });
    Ok(())
}

/// What `library inventory --read-labels` found on one cartridge.
struct LabelSeen {
    element: ElementAddress,
    barcode: Option<String>,
    contents: TapeContents,
    /// The catalog tape the label belongs to.
    tape: Option<String>,
    /// The barcode was recorded for that tape.
    learned: bool,
    /// Why the barcode and the label disagree.
    flag: Option<String>,
}

impl LabelSeen {
    fn json(&self) -> Value {
        let (state, label) = match &self.contents {
            TapeContents::Blank => ("blank", Value::Null),
            TapeContents::Labeled(l) => ("labeled", serde_json::to_value(l).unwrap_or(Value::Null)),
            TapeContents::Foreign { .. } => ("foreign", Value::Null),
        };
        json!({"element": self.element, "barcode": self.barcode, "state": state, "label": label,
               "tape": self.tape, "learned": self.learned, "mismatch": self.flag})
    }

    fn describe(&self) -> String {
        let what = match (&self.contents, &self.tape) {
            (TapeContents::Blank, _) => "blank: label it with `tapebackarr tape label --barcodes --pool POOL`".into(),
            (TapeContents::Foreign { reason, .. }, _) => format!("foreign data ({reason})"),
            (TapeContents::Labeled(_), Some(t)) if self.learned => format!("tape '{t}': barcode recorded"),
            (TapeContents::Labeled(_), Some(t)) => format!("tape '{t}'"),
            (TapeContents::Labeled(l), None) => {
                format!("label '{}' of pool {} from another catalog", l.label, l.pool)
            }
        };
        let flag = self.flag.as_ref().map(|f| format!(" — MISMATCH: {f}")).unwrap_or_default();
        format!("{} {}: {what}{flag}", or_dash(self.barcode.as_deref()), self.element)
    }
}

/// Reads the labels of the storage cartridges the catalog cannot name by barcode.
fn read_labels_in(ctx: &Ctx, catalog: &mut Catalog, lib: &Library) -> Result<Vec<LabelSeen>> {
    let d = ctx.pick_drive(catalog.conn())?;
    if d.library_id != Some(lib.id) {
        return Err(Failure::usage(format!(
            "--read-labels loads cartridges into a drive of library '{}': drive '{}' is not one (pass --drive NAME)",
            lib.name, d.name
        ))
        .into());
    }
    let seen = visit_in_place(&ctx.env(), catalog, &d, Pick::Unknown, |catalog, e, dev| {
        let contents = label::read_label(dev).map_err(|err| super::device_error(err, &d))?;
        let mut seen = LabelSeen {
            element: e.address,
            barcode: e.barcode.clone(),
            contents,
            tape: None,
            learned: false,
            flag: None,
        };
        if let TapeContents::Labeled(l) = &seen.contents {
            let tag = e.barcode.as_deref();
            if let (Some(written), Some(tag)) = (l.barcode.as_deref(), tag)
                && written != tag
            {
                seen.flag = Some(format!("the label was written for barcode {written}"));
            }
            let tx = catalog.write()?;
            if let Some(mut t) = tapes::by_uuid(&tx, &l.uuid)? {
                seen.tape = Some(t.label.clone());
                match (t.barcode.as_deref(), tag) {
                    (Some(recorded), Some(tag)) if recorded != tag => {
                        seen.flag = Some(format!("the catalog records tape '{}' with barcode {recorded}", t.label));
                    }
                    (None, Some(tag)) if seen.flag.is_none() => {
                        t.barcode = Some(tag.to_string());
                        tapes::save(&tx, &t)?;
                        audit::record(
                            &tx,
                            "tape.barcode",
                            "tape",
                            Some(t.id),
                            json!({"label": t.label, "barcode": tag, "library": lib.name, "element": e.address}),
                        )?;
                        seen.learned = true;
                    }
                    _ => {}
                }
            }
            tx.commit()?;
        }
        Ok(seen)
    })?;
    let tx = catalog.write()?;
    let docs: Vec<Value> = seen.iter().map(LabelSeen::json).collect();
    audit::record(&tx, "library.read_labels", "library", Some(lib.id), json!({"name": lib.name, "labels": docs}))?;
    tx.commit()?;
    Ok(seen)
}

/// [`crate::engine::library::open_changer`] for a command.
pub(crate) fn open_changer(ctx: &Ctx, lib: &Library, command: &str) -> Result<OpenChanger> {
    open_changer_in(&ctx.env(), lib, command)
}

/// [`crate::engine::library::prepare_removal`] for a command.
pub(crate) fn prepare_removal(ctx: &Ctx, d: &Drive) {
    prepare_removal_in(&ctx.env(), d)
}
