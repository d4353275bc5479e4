//! `tapebackarr drive …`: register drives by device string, see their state, and move the
//! tape in them (rewind, eject; load a cartridge into a virtual drive).

use anyhow::Result;
use clap::Subcommand;
use serde_json::json;

use super::{Ctx, changes, describe_update, device_error};
use crate::catalog::drives::{self, Drive};
use crate::catalog::{audit, tapes};
use crate::cli::parse_name;
use crate::error::{Exit, Failure, Kind};
use crate::output::{fields, or_dash, table, when};
use crate::tape::vlib;
use crate::tape::vtape::{self, VirtualDrive};
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
  tapebackarr drive add tgt --device iscsi://127.0.0.1:3260/iqn.2024-01.lab.vtl:3260/4")]
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

fn parse_device(s: &str) -> Result<DeviceSpec, String> {
    DeviceSpec::parse(s)
}

/// `500M`, `20G`, `1T`, `1048576`: bytes, with binary suffixes K, M, G, T.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let bad = || format!("'{s}' is not a size: write a number with K, M, G or T, e.g. 500M or 2T");
    let (digits, shift) = match s.chars().last() {
        Some('K' | 'k') => (&s[..s.len() - 1], 10),
        Some('M' | 'm') => (&s[..s.len() - 1], 20),
        Some('G' | 'g') => (&s[..s.len() - 1], 30),
        Some('T' | 't') => (&s[..s.len() - 1], 40),
        _ => (s, 0),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let bytes = n.checked_shl(shift).filter(|b| b >> shift == n).ok_or_else(bad)?;
    if bytes < (4 << 20) {
        return Err(format!("'{s}' is too small for a tape: at least 4M"));
    }
    Ok(bytes)
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Add { name, device, capacity } => {
            if capacity.is_some() && !matches!(device, DeviceSpec::Virtual(_)) {
                return Err(Failure::usage("--capacity applies to virtual drives (vtape:DIR) only").into());
            }
            if drives::find(catalog.conn(), &name)?.is_some() {
                return Err(Failure::already_exists("drive", &name).into());
            }
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
            let mut drive = Drive {
                id: 0,
                name: name.clone(),
                device: device.to_string(),
                vendor: String::new(),
                model: None,
                serial_number: None,
                enabled: true,
                status: "ready".into(),
                current_tape_id: None,
                current_tape: None,
                library_id: None,
                library_drive_number: None,
                created_at: None,
                updated_at: None,
            };
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
