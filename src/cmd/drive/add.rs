//! `drive add`: a drive registered under a name, asked who it is (an unreachable one is kept,
//! offline), a virtual drive created where none is, and tied to a library at once with --library.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::drives::{self, Drive};
use crate::catalog::libraries::{self, Library};
use crate::catalog::{Catalog, audit};
use crate::cmd::library::observed;
use crate::cmd::{Ctx, device_error};
use crate::error::{Exit, Failure, Kind};
use crate::tape::DeviceSpec;
use crate::tape::changer::Inventory;
use crate::tape::vtape::{self, VirtualDrive};
use crate::values::{parse_name, parse_size};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Drive name (letters, digits, '.', '_', '-')
    #[arg(value_parser = parse_name)]
    pub name: String,
    /// Device string (see below)
    #[arg(long, value_parser = parse_device)]
    pub device: DeviceSpec,
    /// Virtual drives: capacity of new cartridges, e.g. 500M, 20G, 1T (powers of 1024)
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub capacity: Option<u64>,
    /// Tie the drive to this library at once (as `library attach-drive` does)
    #[arg(long, value_name = "LIBRARY", requires = "element")]
    pub library: Option<String>,
    /// The drive's element address in that library (see `library show`)
    #[arg(long, value_name = "N", requires = "library")]
    pub element: Option<u16>,
}

fn parse_device(s: &str) -> Result<DeviceSpec, String> {
    DeviceSpec::parse(s)
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name, device, capacity, library, element } = args;
    if capacity.is_some() && !matches!(device, DeviceSpec::Virtual(_)) {
        return Err(Failure::usage("--capacity applies to virtual drives (vtape:DIR) only").into());
    }
    if drives::find(catalog.conn(), &name)?.is_some() {
        return Err(Failure::already_exists("drive", &name).into());
    }
    // The library and its element are checked before anything is created.
    let place = match (library, element) {
        (Some(library), Some(element)) => Some(check_drive_element(ctx, catalog, &library, element)?),
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
    match ctx.open_drive(&drive, "drive add").and_then(|mut d| d.dev.identity().map_err(|e| device_error(e, &drive))) {
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
    Ok(Exit::Ok)
}

/// `--library L --element N` of `drive add`: the library, and its inventory showing a drive
/// element at N (the checks of `library attach-drive`).
fn check_drive_element(ctx: &Ctx, catalog: &Catalog, library: &str, element: u16) -> Result<(Library, u16, Inventory)> {
    let lib = libraries::get(catalog.conn(), library)?;
    let inv = crate::cmd::library::drive_element(ctx, catalog.conn(), &lib, element, "drive add")?;
    Ok((lib, element, inv))
}
