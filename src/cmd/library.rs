//! `tapebackarr library …`: register tape libraries (medium changers) by changer string,
//! take their inventory into the catalog, and move cartridges between slots and drives.
//!
//! Every element is named by its address as the changer numbers it (vlib and tgt: mail slots
//! 10…, drives 500…, storage slots 1000…). A catalog drive sits in a library at one drive
//! element (`library attach-drive`). One process at a time works a changer: a lock file per
//! changer, like the drive lock.

use std::fs;
use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::Ctx;
use crate::catalog::drives::{self, Drive};
use crate::catalog::libraries::{self, Change, Library, Observed, is_cleaning};
use crate::catalog::{Catalog, audit};
use crate::cli::parse_name;
use crate::error::{Exit, Failure, Kind};
use crate::output::{fields, or_dash, table, when};
use crate::tape::DeviceSpec;
use crate::tape::changer::{self, Changer, ChangerError, ChangerSpec, ElementAddress, ElementType, Inventory};
use crate::tape::lock::{self, DriveLock, LockError};

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
    #[command(after_help = "Examples:\n  tapebackarr library inventory\n  tapebackarr library inventory vtl --json")]
    Inventory {
        /// Library name [default: the only library]
        name: Option<String>,
        /// Have the changer scan every element first (INITIALIZE ELEMENT STATUS; minutes on
        /// a large library)
        #[arg(long)]
        scan: bool,
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
    #[command(after_help = "SOURCE is an element address (all digits) or a barcode. Cleaning cartridges \
(barcodes starting with CLN) are loaded only with --cleaning.

Examples:
  tapebackarr library load TB0001L8 --drive d0
  tapebackarr library load 1003 --drive d0 --json")]
    Load {
        /// Element address or barcode of the cartridge
        source: String,
        /// Allow loading a cleaning cartridge
        #[arg(long)]
        cleaning: bool,
    },
    /// Move the cartridge in a drive (--drive) back to a storage slot
    #[command(after_help = "Examples:\n  tapebackarr library unload --drive d0\n  \
tapebackarr library unload --drive d0 --slot 1002")]
    Unload {
        /// Element address to put it in [default: the first empty storage slot]
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
        Command::Inventory { name, scan } => {
            let lib = pick_library(catalog.conn(), name.as_deref())?;
            let mut open = open_changer(ctx, &lib, "library inventory")?;
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
            let mut doc = library_doc(&tx, &libraries::by_id(&tx, lib.id)?)?;
            tx.commit()?;
            doc["changes"] = serde_json::to_value(&changes)?;
            let conn = catalog.conn();
            ctx.out.data(&doc, || {
                let head = format!(
                    "Inventory of library '{}': {} element(s) changed since the last one",
                    lib.name,
                    changes.len()
                );
                format!("{head}\n\n{}", slot_table(conn, lib.id).unwrap_or_default())
            });
        }
        Command::AttachDrive { library, element } => {
            let d = ctx.pick_drive(catalog.conn())?;
            let lib = libraries::get(catalog.conn(), &library)?;
            // The element must be a drive of this changer.
            let inv = {
                let mut open = open_changer(ctx, &lib, "library attach-drive")?;
                open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?
            };
            match inv.get(ElementAddress(element)) {
                Some(e) if e.kind == ElementType::Drive => {}
                Some(e) => {
                    return Err(Failure::new(
                        Kind::InvalidState,
                        format!("{} of library '{library}' is a {} element, not a drive", e.address, e.kind),
                    )
                    .into());
                }
                None => {
                    return Err(Failure::new(
                        Kind::NotFound,
                        format!(
                            "library '{library}' has no element {element} (see `tapebackarr library show {library}`)"
                        ),
                    )
                    .into());
                }
            }
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
            let mut open = open_changer(ctx, &lib, "library transfer")?;
            let (from, to) = (ElementAddress(from), ElementAddress(to));
            let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
            // A drive at either end is locked, so no command is using the tape we move.
            let mut held = Vec::new();
            for a in [from, to] {
                if let Some(name) = libraries::drive_at(catalog.conn(), lib.id, a.0.into())? {
                    let d = drives::get(catalog.conn(), &name)?;
                    held.push(ctx.lock_drive(&d, "library transfer")?);
                    if a == from && inv.get(a).is_some_and(|e| e.full) {
                        prepare_removal(ctx, &d);
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
                .map_err(|e| Failure::new(Kind::BadPath, format!("{} is not a virtual library: {e}", dir.display())))?,
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
        let mut open = open_changer(ctx, &lib, "library add")?;
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
    let mut open = open_changer(ctx, &lib, "library load")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let from = if !source.is_empty() && source.bytes().all(|b| b.is_ascii_digit()) {
        let n: u16 =
            source.parse().map_err(|_| Failure::usage(format!("'{source}' is not an element address (0-65535)")))?;
        ElementAddress(n)
    } else {
        inv.find_barcode(source).map(|e| e.address).ok_or_else(|| {
            Failure::new(Kind::NotFound, format!("no cartridge with barcode '{source}' in library '{}'", lib.name))
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
    let mut open = open_changer(ctx, &lib, "library unload")?;
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
        None => inv.first_empty(ElementType::Storage).ok_or_else(|| {
            Failure::new(Kind::InvalidState, format!("every storage slot of library '{}' is full", lib.name))
        })?,
    };
    let barcode = inv.get(element).and_then(|e| e.barcode.clone());
    let tape = d.current_tape.clone();
    let _drive_lock = ctx.lock_drive(&d, "library unload")?;
    prepare_removal(ctx, &d);
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

/// After a move: reads the inventory again and records it and the move, in one transaction.
fn record_move(
    catalog: &mut Catalog,
    lib: &Library,
    changer: &mut dyn Changer,
    action: &str,
    mut details: Value,
) -> Result<Vec<Change>> {
    let inv = changer.inventory().map_err(|e| changer_error(e, lib, catalog.conn()))?;
    let tx = catalog.write()?;
    let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
    details["changes"] = serde_json::to_value(&changes)?;
    audit::record(&tx, action, "library", Some(lib.id), details)?;
    tx.commit()?;
    Ok(changes)
}

/// Real drives are asked to unload (rewind and release the cartridge) before the changer
/// takes it out; a virtual library does that itself. Best effort: if the drive cannot, the
/// changer says so.
fn prepare_removal(ctx: &Ctx, d: &Drive) {
    let Ok(spec) = DeviceSpec::parse(&d.device) else { return };
    if matches!(spec, DeviceSpec::Virtual(_)) {
        return;
    }
    let result = crate::tape::open(&spec).and_then(|mut dev| dev.unload());
    if let Err(e) = result {
        ctx.out.verbose(|| format!("drive '{}' did not unload ({e}); asking the changer anyway", d.name));
    }
}

/// The library a drive sits in, and its element.
fn drive_library(conn: &Connection, d: &Drive) -> Result<(Library, ElementAddress)> {
    match (d.library_id, d.library_drive_number) {
        (Some(id), Some(n)) => {
            let n = u16::try_from(n)
                .map_err(|_| Failure::new(Kind::InvalidState, format!("drive '{}' has a bad element {n}", d.name)))?;
            Ok((libraries::by_id(conn, id)?, ElementAddress(n)))
        }
        _ => Err(Failure::new(
            Kind::InvalidState,
            format!(
                "drive '{}' is not in a library: attach it with `tapebackarr library attach-drive LIBRARY --drive {} --element N`",
                d.name, d.name
            ),
        )
        .into()),
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

fn lib_name(conn: &Connection, id: Option<i64>) -> Result<Option<String>> {
    Ok(match id {
        Some(id) => Some(libraries::by_id(conn, id)?.name),
        None => None,
    })
}

fn describe_source(inv: &Inventory, a: ElementAddress) -> String {
    match inv.get(a).and_then(|e| e.barcode.clone()) {
        Some(b) => format!("{b} ({a})"),
        None => a.to_string(),
    }
}

/// The elements the catalog keeps (the robot is not one of them).
fn observed(inv: &Inventory) -> Vec<Observed> {
    inv.elements
        .iter()
        .filter_map(|e| {
            let kind = match e.kind {
                ElementType::Storage => "storage",
                ElementType::ImportExport => "import_export",
                ElementType::Drive => "drive",
                ElementType::Transport => return None,
            };
            Some(Observed {
                element: e.address.0.into(),
                kind,
                full: e.full,
                barcode: e.barcode.clone().filter(|b| !b.is_empty()),
            })
        })
        .collect()
}

/// A changer's refusal as the user should see it: which library, which element.
fn changer_error(e: ChangerError, lib: &Library, conn: &Connection) -> anyhow::Error {
    let name = |a: ElementAddress| match libraries::drive_at(conn, lib.id, a.0.into()) {
        Ok(Some(d)) => format!("{a} (drive '{d}')"),
        _ => a.to_string(),
    };
    let l = &lib.name;
    match e {
        ChangerError::SourceEmpty(a) => {
            Failure::new(Kind::InvalidState, format!("library '{l}': {} is empty", name(a)))
        }
        ChangerError::DestinationFull(a) => {
            Failure::new(Kind::InvalidState, format!("library '{l}': {} is full", name(a)))
        }
        ChangerError::RemovalPrevented(a) => Failure::in_use(format!(
            "library '{l}': the cartridge in {} is locked in by whoever is using the drive",
            name(a)
        )),
        ChangerError::NoSuchElement(a) => Failure::new(Kind::NotFound, format!("library '{l}' has no {a}")),
        ChangerError::InvalidSpec(s) => Failure::usage(s),
        other => Failure::new(Kind::Device, format!("library '{l}' ({}): {other}", lib.device)),
    }
    .into()
}

/// A changer, held under its lock for as long as this lives.
struct OpenChanger {
    changer: Box<dyn Changer>,
    _lock: DriveLock,
}

fn open_changer(ctx: &Ctx, lib: &Library, command: &str) -> Result<OpenChanger> {
    let spec = ChangerSpec::parse(&lib.device).map_err(Failure::usage)?;
    let lock = lock_changer(&spec, lib, command, ctx.global.wait)?;
    let changer = changer::open(&spec).map_err(|e| -> anyhow::Error {
        match e {
            ChangerError::InvalidSpec(s) => Failure::usage(s),
            other => Failure::new(Kind::Device, format!("library '{}': cannot open {}: {other}", lib.name, lib.device)),
        }
        .into()
    })?;
    Ok(OpenChanger { changer, _lock: lock })
}

/// Where a changer's lock file lives: in a virtual library's own directory, else beside the
/// drive locks.
fn lock_path(spec: &ChangerSpec) -> PathBuf {
    match spec {
        ChangerSpec::Virtual(dir) => dir.join("changer.lock"),
        other => lock::runtime_lock_path(&format!("changer-{other}")),
    }
}

fn lock_changer(spec: &ChangerSpec, lib: &Library, command: &str, wait: bool) -> Result<DriveLock> {
    lock::lock_file(lock_path(spec), command, wait).map_err(|e| match e {
        LockError::Busy { pid, command } => Failure::new(
            Kind::DriveBusy,
            format!("library '{}' busy: held by pid {pid} ({command}); pass --wait to wait for it", lib.name),
        )
        .into(),
        other => Failure::new(Kind::Device, format!("library '{}': {other}", lib.name)).into(),
    })
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

/// For `tape label`: the barcode the changer reads on the cartridge in `d`, a drive of a
/// library (`None` when the drive is in no library or the changer reads none there). The
/// caller holds the drive's lock, as for [`load_for`].
pub(crate) fn barcode_in(ctx: &Ctx, catalog: &Catalog, d: &Drive) -> Result<Option<String>> {
    if d.library_id.is_none() {
        return Ok(None);
    }
    let (lib, element) = drive_library(catalog.conn(), d)?;
    let mut open = open_changer(ctx, &lib, "tape label")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    Ok(inv.get(element).filter(|e| e.full).and_then(|e| e.barcode.clone()))
}

/// For backup, restore and verify: puts the cartridge with `barcode` into `d`, a drive of a
/// library, returning the drive's cartridge to the first empty storage slot first. The
/// caller holds the drive's lock and has closed its device. `Ok(false)` when the drive is
/// not in a library or the cartridge is not in it (the operator must bring it); errors are
/// the changer's.
pub(crate) fn load_for(ctx: &Ctx, catalog: &mut Catalog, d: &Drive, barcode: &str) -> Result<bool> {
    if d.library_id.is_none() {
        return Ok(false);
    }
    let (lib, element) = drive_library(catalog.conn(), d)?;
    let mut open = open_changer(ctx, &lib, "automatic load")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let Some(from) = inv.find_barcode(barcode).map(|e| e.address) else { return Ok(false) };
    if from == element {
        return Ok(true);
    }
    if inv.get(element).is_some_and(|e| e.full) {
        let to = inv.first_empty(ElementType::Storage).ok_or_else(|| {
            Failure::new(Kind::InvalidState, format!("every storage slot of library '{}' is full", lib.name))
        })?;
        let out = inv.get(element).and_then(|e| e.barcode.clone());
        prepare_removal(ctx, d);
        open.changer.move_medium(element, to).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
        ctx.out.note(|| format!("Unloaded {} from drive '{}' into {to}", or_dash(out.as_deref()), d.name));
        let details =
            json!({"name": lib.name, "drive": d.name, "from": element, "to": to, "barcode": out, "automatic": true});
        record_move(catalog, &lib, open.changer.as_mut(), "library.unload", details)?;
    }
    open.changer.move_medium(from, element).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    ctx.out.note(|| format!("Loaded {barcode} from {from} into drive '{}' ({element})", d.name));
    let details =
        json!({"name": lib.name, "drive": d.name, "from": from, "to": element, "barcode": barcode, "automatic": true});
    record_move(catalog, &lib, open.changer.as_mut(), "library.load", details)?;
    Ok(true)
}
