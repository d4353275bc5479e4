//! `tapebackarr drive …`: register drives by device string, see their state, and move the
//! tape in them (rewind, eject; load a cartridge into a virtual drive); read and record their
//! health (`stats`, `alerts`) and clean a library's drive with its cleaning cartridge
//! (`clean`).
//!
//! `drive add --library` and `drive clean` work a library's changer. The changer helpers of
//! `cmd::library` are its own, so the few this module needs (opening a changer under its
//! lock, recording an inventory) are kept here, taking the same lock file.

use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Subcommand;
use rusqlite::Connection;
use serde_json::json;

use super::library::{changer_error, home_slot, observed, open_changer, prepare_removal, record_move};
use super::{Ctx, changes, describe_update, device_error, health};
use crate::catalog::drive_health::{self, Alert};
use crate::catalog::drives::{self, Drive};
use crate::catalog::libraries::{self, Library, is_cleaning};
use crate::catalog::tapes::{self, Tape};
use crate::catalog::{Catalog, audit};
use crate::error::{Exit, Failure, Kind};
use crate::output::{fields, or_dash, table, when};
use crate::tape::changer::{ElementAddress, ElementType, Inventory};
use crate::tape::health::DriveHealth;
use crate::tape::vlib;
use crate::tape::vtape::{self, VirtualDrive};
use crate::tape::{DeviceSpec, TapeDevice, TapeError};
use crate::values::{parse_name, parse_size};

/// How long `drive clean` waits for the drive to finish cleaning and eject the cartridge
/// (an LTO cleaning takes a few minutes).
const CLEAN_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// How often it asks meanwhile.
const CLEAN_POLL: Duration = Duration::from_secs(5);

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
    Add {
        /// Drive name (letters, digits, '.', '_', '-')
        #[arg(value_parser = parse_name)]
        name: String,
        /// Device string (see below)
        #[arg(long, value_parser = parse_device)]
        device: DeviceSpec,
        /// Virtual drives: capacity of new cartridges, e.g. 500M, 20G, 1T (powers of 1024)
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        capacity: Option<u64>,
        /// Tie the drive to this library at once (as `library attach-drive` does)
        #[arg(long, value_name = "LIBRARY", requires = "element")]
        library: Option<String>,
        /// The drive's element address in that library (see `library show`)
        #[arg(long, value_name = "N", requires = "library")]
        element: Option<u16>,
    },
    /// List drives
    #[command(after_help = "Example:\n  tapebackarr drive list --json")]
    List,
    /// Show one drive as the catalog knows it
    #[command(after_help = "Example:\n  tapebackarr drive show lto1")]
    Show {
        /// Drive name
        name: String,
    },
    /// Ask the drive itself: loaded tape, position, flags, identity
    #[command(after_help = "Examples:\n  tapebackarr drive status\n  tapebackarr --drive lto1 drive status --json")]
    Status,
    /// Forget a drive (the device is not touched)
    #[command(after_help = "Example:\n  tapebackarr drive remove old-drive")]
    Remove {
        /// Drive name
        name: String,
    },
    /// Let commands use the drive again
    Enable {
        /// Drive name
        name: String,
    },
    /// Keep commands off the drive (for cleaning, repair)
    Disable {
        /// Drive name
        name: String,
    },
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
    Alerts {
        /// Resolved alerts too
        #[arg(long)]
        all: bool,
        /// Mark alert ID resolved
        #[arg(long, value_name = "ID", conflicts_with = "all")]
        resolve: Option<i64>,
    },
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
    Selftest {
        /// The most written while waiting for the early warning, e.g. 256M, 2G
        #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "256M")]
        max_size: u64,
        /// Overwrite a tape that holds a label or data
        #[arg(long)]
        force: bool,
    },
    /// Put a cartridge into a virtual drive (outside a library)
    #[command(after_help = "Cartridges live on the drive's shelf (DIR/cartridges); --create makes a blank one.

Examples:
  tapebackarr drive load --tape TAPE01 --create
  tapebackarr --drive demo drive load --tape TAPE02")]
    Load {
        /// Cartridge name (its barcode)
        #[arg(long, value_name = "NAME", value_parser = parse_name)]
        tape: String,
        /// Create a blank cartridge of that name if the shelf has none
        #[arg(long)]
        create: bool,
    },
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

fn parse_device(s: &str) -> Result<DeviceSpec, String> {
    DeviceSpec::parse(s)
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Add { name, device, capacity, library, element } => {
            if capacity.is_some() && !matches!(device, DeviceSpec::Virtual(_)) {
                return Err(Failure::usage("--capacity applies to virtual drives (vtape:DIR) only").into());
            }
            if drives::find(catalog.conn(), &name)?.is_some() {
                return Err(Failure::already_exists("drive", &name).into());
            }
            // The library and its element are checked before anything is created.
            let place = match (library, element) {
                (Some(library), Some(element)) => Some(check_drive_element(ctx, &catalog, &library, element)?),
                _ => None,
            };
            if let DeviceSpec::Virtual(dir) = &device {
                // A virtual drive comes into being when added, like plugging one in.
                let existing = dir.join("drive.json").exists();
                if !existing || capacity.is_some() {
                    VirtualDrive::create(dir, capacity.unwrap_or(vtape::DEFAULT_CAPACITY)).map_err(|e| {
                        Failure::new(Kind::BadPath, format!("cannot create virtual drive in {}: {e}", dir.display()))
                    })?;
                }
            }
            let device = match &device {
                // One directory, one device string, however it was written.
                DeviceSpec::Virtual(dir) => DeviceSpec::Virtual(std::fs::canonicalize(dir)?),
                other => other.clone(),
            };
            let mut drive = Drive::new(&name, &device.to_string());
            // Ask the drive who it is; an unreachable drive is still registered, offline.
            match ctx
                .open_drive(&drive, "drive add")
                .and_then(|mut d| d.dev.identity().map_err(|e| device_error(e, &drive)))
            {
                Ok(id) => {
                    drive.vendor = id.vendor;
                    drive.model = Some(id.model).filter(|m| !m.is_empty());
                    drive.serial_number = Some(id.serial).filter(|s| !s.is_empty());
                }
                Err(e) => {
                    ctx.out.note(|| format!("warning: the drive did not answer ({e:#}); it is registered as offline"));
                    drive.status = "offline".into();
                }
            }
            let tx = catalog.write()?;
            let id = drives::insert(&tx, &drive)?;
            if let Some((lib, element, inv)) = &place {
                if let Some(other) = libraries::drive_at(&tx, lib.id, (*element).into())? {
                    return Err(Failure::in_use(format!(
                        "element {element} of library '{}' is already drive '{other}'",
                        lib.name
                    ))
                    .into());
                }
                libraries::attach_drive(&tx, id, Some((lib.id, (*element).into())))?;
                // The drive learns what the changer says it holds.
                libraries::sync(&tx, lib.id, &observed(inv))?;
            }
            let doc = serde_json::to_value(drives::get(&tx, &name)?)?;
            audit::record(&tx, "drive.add", "drive", Some(id), json!({"drive": &doc}))?;
            tx.commit()?;
            ctx.out.done(&json!({"drive": doc}), || {
                let model = format!("{} {}", drive.vendor, drive.model.clone().unwrap_or_default());
                match model.trim() {
                    "" => format!("Added drive '{name}' (id {id}), offline"),
                    m => format!("Added drive '{name}' (id {id}): {m}"),
                }
            });
        }
        Command::List => {
            let list = drives::list(catalog.conn())?;
            let rows = list
                .iter()
                .map(|d| {
                    vec![
                        d.name.clone(),
                        d.device.clone(),
                        if d.enabled { "yes" } else { "no" }.into(),
                        d.status.clone(),
                        or_dash(d.current_tape.as_deref()),
                        format!("{} {}", d.vendor, d.model.clone().unwrap_or_default()).trim().to_string(),
                    ]
                })
                .collect::<Vec<_>>();
            ctx.out.data(&json!({"drives": list}), || {
                if rows.is_empty() {
                    "No drives. Add one with: tapebackarr drive add NAME --device DEV".into()
                } else {
                    table(&["name", "device", "enabled", "status", "tape", "model"], rows)
                }
            });
        }
        Command::Show { name } => {
            let d = drives::get(catalog.conn(), &name)?;
            ctx.out.data(&json!({"drive": d}), || show(&d));
        }
        Command::Status => {
            let d = ctx.pick_drive(catalog.conn())?;
            let mut open = ctx.open_drive(&d, "drive status")?;
            let dev = open.dev.as_mut();
            let status = dev.status().map_err(|e| device_error(e, &d))?;
            let identity = dev.identity().map_err(|e| device_error(e, &d))?;
            let caps = dev.capabilities();
            let doc = json!({
                "drive": d.name,
                "device": d.device,
                "tape": if status.loaded { d.current_tape.clone() } else { None },
                "status": status,
                "identity": identity,
                "capabilities": caps,
            });
            ctx.out.data(&doc, || {
                let position = status
                    .position
                    .map(|p| format!("block {} (file {})", p.block, or_dash(p.file)))
                    .unwrap_or_else(|| "-".into());
                let flags: Vec<&str> = [
                    (status.bot, "BOT"),
                    (status.eod, "EOD"),
                    (status.early_warning, "EARLY-WARNING"),
                    (status.write_protected, "WRITE-PROTECTED"),
                ]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, f)| *f)
                .collect();
                fields(&[
                    ("drive", d.name.clone()),
                    ("device", d.device.clone()),
                    (
                        "identity",
                        format!("{} {} (serial {})", identity.vendor, identity.model, or_dash(Some(&identity.serial))),
                    ),
                    ("loaded", if status.loaded { "yes".into() } else { "no tape".into() }),
                    ("cartridge", or_dash(status.cartridge.as_deref())),
                    ("tape (catalog)", or_dash(d.current_tape.as_deref())),
                    ("position", position),
                    (
                        "block size",
                        if status.block_size == 0 { "variable".into() } else { status.block_size.to_string() },
                    ),
                    ("flags", if flags.is_empty() { "-".into() } else { flags.join(" ") }),
                ])
            });
        }
        Command::Remove { name } => {
            let tx = catalog.write()?;
            let d = drives::get(&tx, &name)?;
            drives::delete(&tx, d.id)?;
            let doc = serde_json::to_value(&d)?;
            audit::record(&tx, "drive.remove", "drive", Some(d.id), json!({"drive": &doc}))?;
            tx.commit()?;
            ctx.out.done(&json!({"deleted": doc}), || format!("Removed drive '{name}'"));
        }
        Command::Enable { name } => set_enabled(ctx, &mut catalog, &name, true)?,
        Command::Disable { name } => set_enabled(ctx, &mut catalog, &name, false)?,
        Command::Rewind => {
            let d = ctx.pick_drive(catalog.conn())?;
            let mut open = ctx.open_drive(&d, "drive rewind")?;
            open.dev.rewind().map_err(|e| device_error(e, &d))?;
            ctx.out.done(&json!({"drive": d.name, "position": {"block": 0}}), || format!("Rewound drive '{}'", d.name));
        }
        Command::Eject => {
            let d = ctx.pick_drive(catalog.conn())?;
            let spec = DeviceSpec::parse(&d.device).map_err(Failure::usage)?;
            let _lock = ctx.lock_drive(&d, "drive eject")?;
            // A drive in a virtual library hands its cartridge back to a slot, as a changer would.
            let library = match &spec {
                DeviceSpec::Virtual(dir) => vlib::library_of_drive(dir),
                _ => None,
            };
            let returned_to = match library {
                // Tied to a catalog library: through its changer, so the catalog's slots follow.
                Some(_) if d.library_id.is_some() => Some(eject_to_home_slot(ctx, &mut catalog, &d)?.to_string()),
                Some((mut lib, n)) => Some(lib.unload_to_slot(n).map_err(|e| lib_error(e, &d))?.to_string()),
                None => {
                    let mut dev = crate::tape::open(&spec).map_err(|e| device_error(e, &d))?;
                    dev.rewind().map_err(|e| device_error(e, &d))?;
                    dev.unload().map_err(|e| device_error(e, &d))?;
                    None
                }
            };
            let tx = catalog.write()?;
            drives::set_current_tape(&tx, d.id, None)?;
            audit::record(
                &tx,
                "drive.eject",
                "drive",
                Some(d.id),
                json!({"name": d.name, "tape": d.current_tape, "returned_to": returned_to}),
            )?;
            tx.commit()?;
            ctx.out.done(&json!({"drive": d.name, "ejected": d.current_tape, "returned_to": returned_to}), || {
                match &returned_to {
                    Some(slot) => format!("Ejected the tape from drive '{}' into {slot}", d.name),
                    None => format!("Ejected the tape from drive '{}'", d.name),
                }
            });
        }
        Command::Stats => stats(ctx, &mut catalog)?,
        Command::Alerts { all, resolve } => alerts(ctx, &mut catalog, all, resolve)?,
        Command::Clean => clean(ctx, &mut catalog)?,
        Command::Selftest { max_size, force } => {
            let d = ctx.pick_drive(catalog.conn())?;
            let mut open = ctx.open_drive(&d, "drive selftest")?;
            return super::drive_selftest::run(ctx, &mut catalog, &d, open.dev.as_mut(), max_size, force);
        }
        Command::Load { tape, create } => {
            let d = ctx.pick_drive(catalog.conn())?;
            let DeviceSpec::Virtual(dir) = DeviceSpec::parse(&d.device).map_err(Failure::usage)? else {
                return Err(Failure::usage(format!(
                    "drive '{}' is not virtual: insert the cartridge by hand (or use a library)",
                    d.name
                ))
                .into());
            };
            // Only the lock: the virtual drive is opened below as what it is.
            let _lock = ctx.lock_drive(&d, "drive load")?;
            let mut vd = VirtualDrive::open(&dir).map_err(|e| device_error(e, &d))?;
            if vd.status().map_err(|e| device_error(e, &d))?.loaded {
                return Err(Failure::new(
                    Kind::InvalidState,
                    format!("drive '{}' already holds a cartridge: eject it first", d.name),
                )
                .into());
            }
            let shelf_path = vd.shelf().join(&tape);
            let created = if let Some((mut lib, n)) = vlib::library_of_drive(&dir) {
                if create {
                    return Err(Failure::usage(
                        "--create is for standalone virtual drives: put new cartridges into a library with `vlib add-tape`",
                    )
                    .into());
                }
                // The library's robot moves it, so slots and drives stay in step.
                drop(vd);
                lib.load_barcode(&tape, n).map_err(|e| lib_error(e, &d))?;
                vd = VirtualDrive::open(&dir).map_err(|e| device_error(e, &d))?;
                false
            } else if shelf_path.exists() {
                vd.insert(&shelf_path).map_err(|e| device_error(e, &d))?;
                false
            } else if create {
                vd.insert_named(&tape).map_err(|e| device_error(e, &d))?
            } else {
                return Err(Failure::new(
                    Kind::NotFound,
                    format!(
                        "no cartridge '{tape}' on the shelf of drive '{}' ({}); pass --create for a new blank one",
                        d.name,
                        vd.shelf().display()
                    ),
                )
                .into());
            };
            drop(vd);
            let tx = catalog.write()?;
            // The catalog learns which tape this is only from its label (tape identify);
            // a cartridge whose barcode is known is taken as that tape until then.
            let known = tapes::by_barcode(&tx, &tape)?;
            drives::set_current_tape(&tx, d.id, known.as_ref().map(|t| t.id))?;
            audit::record(
                &tx,
                "drive.load",
                "drive",
                Some(d.id),
                json!({"name": d.name, "cartridge": tape, "created": created}),
            )?;
            tx.commit()?;
            ctx.out.done(&json!({"drive": d.name, "cartridge": tape, "created": created}), || {
                format!("Loaded {}cartridge '{tape}' into drive '{}'", if created { "new blank " } else { "" }, d.name)
            });
        }
    }
    Ok(Exit::Ok)
}

fn set_enabled(ctx: &Ctx, catalog: &mut crate::catalog::Catalog, name: &str, enable: bool) -> Result<()> {
    let tx = catalog.write()?;
    let mut d = drives::get(&tx, name)?;
    let before = serde_json::to_value(&d)?;
    d.enabled = enable;
    let diff = changes(&before, &serde_json::to_value(&d)?);
    if diff.as_object().is_some_and(|m| !m.is_empty()) {
        drives::save(&tx, &d)?;
        let action = if enable { "drive.enable" } else { "drive.disable" };
        audit::record(&tx, action, "drive", Some(d.id), json!({"name": name, "changes": &diff}))?;
    }
    tx.commit()?;
    ctx.out.done(&json!({"drive": d, "changes": diff}), || describe_update("drive", name, &diff));
    Ok(())
}

fn lib_error(e: vlib::MoveError, d: &Drive) -> anyhow::Error {
    match e {
        vlib::MoveError::Tape(t) => device_error(t, d),
        other => Failure::new(Kind::InvalidState, format!("drive '{}': {other}", d.name)).into(),
    }
}

fn show(d: &Drive) -> String {
    fields(&[
        ("name", d.name.clone()),
        ("id", d.id.to_string()),
        ("device", d.device.clone()),
        ("vendor", or_dash(Some(&d.vendor))),
        ("model", or_dash(d.model.as_deref())),
        ("serial", or_dash(d.serial_number.as_deref())),
        ("enabled", if d.enabled { "yes" } else { "no" }.into()),
        ("status", d.status.clone()),
        ("tape", or_dash(d.current_tape.as_deref())),
        ("created", when(&d.created_at)),
        ("updated", when(&d.updated_at)),
    ])
}

/// `drive eject` of a virtual drive in a catalog library: the changer moves the cartridge to
/// its home slot and the inventory is recorded, as `library unload` does.
fn eject_to_home_slot(ctx: &Ctx, catalog: &mut Catalog, d: &Drive) -> Result<ElementAddress> {
    let (lib, element) = super::library::drive_library(catalog.conn(), d)?;
    let mut open = open_changer(ctx, &lib, "drive eject")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    if !inv.get(element).is_some_and(|e| e.full) {
        return Err(device_error(TapeError::NoTape, d));
    }
    let to = home_slot(&inv, element).ok_or_else(|| {
        Failure::new(Kind::InvalidState, format!("every storage slot of library '{}' is full", lib.name))
    })?;
    let barcode = inv.get(element).and_then(|e| e.barcode.clone());
    open.changer.move_medium(element, to).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let details = json!({"name": lib.name, "drive": d.name, "from": element, "to": to, "barcode": barcode});
    record_move(catalog, &lib, open.changer.as_mut(), "library.unload", details)?;
    Ok(to)
}

/// `--library L --element N` of `drive add`: the library, and its inventory showing a drive
/// element at N (the checks of `library attach-drive`).
fn check_drive_element(ctx: &Ctx, catalog: &Catalog, library: &str, element: u16) -> Result<(Library, u16, Inventory)> {
    let lib = libraries::get(catalog.conn(), library)?;
    let inv = super::library::drive_element(ctx, catalog.conn(), &lib, element, "drive add")?;
    Ok((lib, element, inv))
}

/// The drive `--drive` / `TAPEBACKARR_DRIVE` names, enabled or not; `None` when none is named.
fn named_drive(ctx: &Ctx, conn: &Connection) -> Result<Option<Drive>> {
    let named = ctx.global.drive.clone().or_else(|| std::env::var("TAPEBACKARR_DRIVE").ok()).filter(|d| !d.is_empty());
    named.map(|n| drives::get(conn, &n)).transpose()
}

/// The catalog tape in the drive: the one with the cartridge's barcode where the drive reports
/// it, else the drive's current tape while a cartridge is loaded.
fn tape_in_drive(conn: &Connection, dev: &mut dyn TapeDevice, d: &Drive) -> Result<Option<Tape>> {
    let status = dev.status().map_err(|e| device_error(e, d))?;
    if !status.loaded {
        return Ok(None);
    }
    if let Some(barcode) = &status.cartridge
        && let Some(t) = tapes::by_barcode(conn, barcode)?
    {
        return Ok(Some(t));
    }
    d.current_tape_id.map(|id| tapes::by_id(conn, id)).transpose()
}

/// `drive stats`: reads the drive's health and records it before anything else can fail
/// (the flags read are gone from the drive).
fn stats(ctx: &Ctx, catalog: &mut Catalog) -> Result<()> {
    let d = ctx.pick_drive(catalog.conn())?;
    let mut open = ctx.open_drive(&d, "drive stats")?;
    let tape = tape_in_drive(catalog.conn(), open.dev.as_mut(), &d)?;
    let h = match open.dev.health() {
        Ok(h) => h,
        Err(TapeError::Unsupported(why)) => {
            return Err(Failure::new(
                Kind::Unsupported,
                format!("drive '{}' ({}): not supported by this drive: {why}", d.name, d.device),
            )
            .into());
        }
        Err(e) => return Err(device_error(e, &d)),
    };
    let tx = catalog.write()?;
    let recorded = health::record(&tx, &d, &h, tape.as_ref())?;
    let open_alerts = drive_health::alerts(&tx, Some(d.id), false)?;
    tx.commit()?;
    drop(open);
    let retired = recorded.retired.as_ref().map(|(t, _)| t.label.clone());
    let doc = json!({
        "drive": d.name,
        "device": d.device,
        "tape": tape.as_ref().map(|t| &t.label),
        "health": h,
        "statistics": recorded.statistics,
        "new_alerts": recorded.new_alerts,
        "alerts": open_alerts,
        "retired": retired,
    });
    ctx.out.data(&doc, || {
        let mut text = stats_text(&d, tape.as_ref(), &h, &recorded.statistics);
        if let Some(label) = &retired {
            text.push_str(&format!("\n\nTape '{label}' is now retired: the drive raised a critical alert about it."));
        }
        if !open_alerts.is_empty() {
            text.push_str(&format!("\n\nUnresolved alerts:\n{}", alert_table(&open_alerts, false)));
        }
        text
    });
    Ok(())
}

fn stats_text(d: &Drive, tape: Option<&Tape>, h: &DriveHealth, s: &drive_health::Statistics) -> String {
    let c = &h.counters;
    let n = |v: Option<u64>| or_dash(v);
    let size = |v: Option<u64>| v.map(|b| crate::output::bytes(b as i64)).unwrap_or_else(|| "-".into());
    let raised: Vec<String> =
        h.alerts.iter().map(|a| format!("{} {} ({})", a.flag, a.name, a.severity.as_str())).collect();
    fields(&[
        ("drive", d.name.clone()),
        ("tape", or_dash(tape.map(|t| t.label.as_str()))),
        ("tapealert", if raised.is_empty() { "-".into() } else { raised.join(", ") }),
        ("cleaning required", if h.cleaning_required { "yes".into() } else { "no".into() }),
        ("last cleaned", when(&s.last_cleaned_at)),
        ("bytes written", size(c.bytes_written)),
        ("bytes read", size(c.bytes_read)),
        ("write errors", format!("{} uncorrected, {} corrected", n(c.write_errors), n(c.corrected_write_errors))),
        ("read errors", format!("{} uncorrected, {} corrected", n(c.read_errors), n(c.corrected_read_errors))),
        ("loads", n(c.loads)),
        ("cleanings", n(c.cleanings)),
        ("power-on hours", n(c.power_on_hours)),
        ("tape motion hours", n(c.tape_motion_hours)),
        ("source", h.sources.join(" ")),
    ])
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

/// `drive alerts`: a list from the catalog, or `--resolve ID`.
fn alerts(ctx: &Ctx, catalog: &mut Catalog, all: bool, resolve: Option<i64>) -> Result<()> {
    let named = named_drive(ctx, catalog.conn())?;
    let Some(id) = resolve else {
        let list = drive_health::alerts(catalog.conn(), named.as_ref().map(|d| d.id), all)?;
        ctx.out.data(&json!({"alerts": list}), || {
            if list.is_empty() {
                let which = if all { "No alerts" } else { "No unresolved alerts" };
                match &named {
                    Some(d) => format!("{which} for drive '{}'.", d.name),
                    None => format!("{which}."),
                }
            } else {
                alert_table(&list, named.is_none())
            }
        });
        return Ok(());
    };
    let tx = catalog.write()?;
    let not_found = || Failure::new(Kind::NotFound, format!("no alert with id {id}"));
    let found = drive_health::alert(&tx, id)?.ok_or_else(not_found)?;
    if let Some(d) = &named
        && found.drive_id != d.id
    {
        return Err(Failure::new(Kind::NotFound, format!("drive '{}' has no alert with id {id}", d.name)).into());
    }
    let (a, changed) = drive_health::resolve(&tx, id, "resolved by hand")?.ok_or_else(not_found)?;
    tx.commit()?;
    let diff = if changed { json!({"resolved": {"from": false, "to": true}}) } else { json!({}) };
    ctx.out.done(&json!({"alert": a, "changes": diff}), || {
        if changed {
            format!("Resolved alert {id} of drive '{}': {}", a.drive, a.message)
        } else {
            format!("alert {id} was resolved already")
        }
    });
    Ok(())
}

/// `drive clean`: cleaning cartridge in, wait for the drive to clean and eject it, cartridge
/// back, then the catalog: last cleaning, cleaning alerts resolved.
fn clean(ctx: &Ctx, catalog: &mut Catalog) -> Result<()> {
    let d = ctx.pick_drive(catalog.conn())?;
    let (Some(lib_id), Some(element)) = (d.library_id, d.library_drive_number) else {
        return Err(Failure::new(
            Kind::InvalidState,
            format!(
                "drive '{}' is not in a library: load a cleaning cartridge into it by hand, let it eject it, then \
                 resolve its cleaning alerts with `tapebackarr drive alerts --resolve ID` (or attach the drive to \
                 its library with `tapebackarr library attach-drive LIBRARY --drive {} --element N`)",
                d.name, d.name
            ),
        )
        .into());
    };
    let element =
        ElementAddress(u16::try_from(element).map_err(|_| {
            Failure::new(Kind::InvalidState, format!("drive '{}' has a bad element {element}", d.name))
        })?);
    let lib = libraries::by_id(catalog.conn(), lib_id)?;
    let _drive_lock = ctx.lock_drive(&d, "drive clean")?;
    let mut open = open_changer(ctx, &lib, "drive clean")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let cleaning = inv
        .of_type(ElementType::Storage)
        .chain(inv.of_type(ElementType::ImportExport))
        .find(|e| e.full && e.barcode.as_deref().is_some_and(is_cleaning))
        .map(|e| (e.address, e.barcode.clone().unwrap_or_default()));
    let Some((home, cartridge)) = cleaning else {
        return Err(Failure::new(
            Kind::NotFound,
            format!(
                "library '{}' holds no cleaning cartridge (barcode starting with CLN): put one in through its mail \
                 slot (virtual library: `tapebackarr vlib add-tape DIR CLN001L1`), then run \
                 `tapebackarr library inventory {}` and `tapebackarr drive clean` again",
                lib.name, lib.name
            ),
        )
        .into());
    };
    let mut moves = Vec::new();
    // A cartridge in the drive makes room first.
    if let Some(inside) = inv.get(element).filter(|e| e.full) {
        let barcode = inside.barcode.clone();
        let to = home_slot(&inv, element).ok_or_else(|| {
            Failure::new(Kind::InvalidState, format!("every storage slot of library '{}' is full", lib.name))
        })?;
        prepare_removal(ctx, &d);
        open.changer.move_medium(element, to).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
        let details = json!({"name": lib.name, "drive": d.name, "from": element, "to": to, "barcode": barcode});
        record_move(catalog, &lib, open.changer.as_mut(), "library.unload", details)?;
        moves.push(json!({"barcode": barcode, "from": element, "to": to}));
    }
    open.changer.move_medium(home, element).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let details =
        json!({"name": lib.name, "drive": d.name, "from": home, "to": element, "barcode": cartridge, "cleaning": true});
    record_move(catalog, &lib, open.changer.as_mut(), "library.load", details)?;
    moves.push(json!({"barcode": cartridge, "from": home, "to": element}));
    ctx.out.note(|| format!("Loaded cleaning cartridge {cartridge} from {home} into drive '{}'", d.name));

    // The drive cleans itself and ejects the cartridge into its element.
    let after = wait_until_ejected(ctx, &d)?;
    // Put the cartridge back where it came from (or in the first free slot).
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let back = if inv.get(home).is_some_and(|e| !e.full) { Some(home) } else { inv.first_empty(ElementType::Storage) };
    let back = back.ok_or_else(|| {
        Failure::new(
            Kind::InvalidState,
            format!(
                "the cleaning cartridge stays in drive '{}': every storage slot of library '{}' is full",
                d.name, lib.name
            ),
        )
    })?;
    prepare_removal(ctx, &d);
    open.changer.move_medium(element, back).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let details =
        json!({"name": lib.name, "drive": d.name, "from": element, "to": back, "barcode": cartridge, "cleaning": true});
    record_move(catalog, &lib, open.changer.as_mut(), "library.unload", details)?;
    moves.push(json!({"barcode": cartridge, "from": element, "to": back}));
    drop(open);

    let tx = catalog.write()?;
    if let Some(h) = &after {
        health::record(&tx, &d, h, None)?;
    }
    // A worn-out or wrong cleaning cartridge (TapeAlert 22, 23) did not clean the drive.
    let failed: Vec<String> = after
        .iter()
        .flat_map(|h| &h.alerts)
        .filter(|a| a.flag == 22 || a.flag == 23)
        .map(|a| format!("TapeAlert {} ({})", a.flag, a.name))
        .collect();
    if !failed.is_empty() {
        tx.commit()?;
        return Err(Failure::new(
            Kind::DriveAlert,
            format!(
                "drive '{}' was not cleaned: {} with cleaning cartridge {cartridge} (back in {back}); replace it",
                d.name,
                failed.join(", ")
            ),
        )
        .into());
    }
    let now = crate::timefmt::now_sql();
    let statistics = drive_health::record_cleaning(
        &tx,
        &d,
        &now,
        json!({"cartridge": cartridge, "library": lib.name, "element": element, "returned_to": back}),
    )?;
    let resolved = drive_health::resolve_categories(
        &tx,
        d.id,
        &health::CLEANING_CATEGORIES,
        &format!("cleaned with {cartridge}"),
    )?;
    tx.commit()?;
    let doc = json!({
        "drive": d.name,
        "library": lib.name,
        "cartridge": cartridge,
        "from": home,
        "returned_to": back,
        "moves": moves,
        "resolved": resolved,
        "statistics": statistics,
        "health": after,
    });
    ctx.out.done(&doc, || {
        let mut text = format!("Cleaned drive '{}' with {cartridge} (from {home}, put back in {back})", d.name);
        if !resolved.is_empty() {
            let ids: Vec<String> = resolved.iter().map(|a| a.id.to_string()).collect();
            text.push_str(&format!("; resolved alert(s) {}", ids.join(", ")));
        }
        text
    });
    Ok(())
}

/// Polls the drive until it no longer holds a threaded cartridge (it ejects the cleaning
/// cartridge when done), then reads its health: `None` where it cannot report one. While
/// cleaning, drives answer NOT READY or that a cleaning cartridge is in (30/03): every error
/// is asked again until the time is up, and the last one reported then.
fn wait_until_ejected(ctx: &Ctx, d: &Drive) -> Result<Option<DriveHealth>> {
    let spec = DeviceSpec::parse(&d.device).map_err(Failure::usage)?;
    let started = Instant::now();
    loop {
        let last = match crate::tape::open(&spec) {
            Ok(mut dev) => match dev.status() {
                Ok(s) if !s.loaded => {
                    return match dev.health() {
                        Ok(h) => Ok(Some(h)),
                        Err(TapeError::Unsupported(_)) => Ok(None),
                        Err(e) => {
                            ctx.out.note(|| format!("warning: drive '{}': could not read its health: {e}", d.name));
                            Ok(None)
                        }
                    };
                }
                Ok(_) => None,
                Err(e) => Some(e),
            },
            Err(e) => Some(e),
        };
        if started.elapsed() >= CLEAN_TIMEOUT {
            let why = last.map(|e| format!(" (last: {e})")).unwrap_or_default();
            return Err(Failure::new(
                Kind::Device,
                format!(
                    "drive '{}' still holds the cleaning cartridge after {} minutes{why}: check the drive",
                    d.name,
                    CLEAN_TIMEOUT.as_secs() / 60
                ),
            )
            .into());
        }
        ctx.out.verbose(|| format!("drive '{}' is cleaning…", d.name));
        std::thread::sleep(CLEAN_POLL);
    }
}
