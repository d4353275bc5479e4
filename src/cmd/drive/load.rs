//! `drive load`: a cartridge from the shelf into a virtual drive (through its virtual library's
//! robot when it is in one); --create makes a blank one.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::lib_error;
use crate::catalog::drives;
use crate::catalog::tapes;
use crate::catalog::{Catalog, audit};
use crate::cmd::{Ctx, device_error};
use crate::error::{Exit, Failure, Kind};
use crate::tape::vlib;
use crate::tape::vtape::VirtualDrive;
use crate::tape::{DeviceSpec, TapeDevice};
use crate::values::parse_name;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Cartridge name (its barcode)
    #[arg(long, value_name = "NAME", value_parser = parse_name)]
    pub tape: String,
    /// Create a blank cartridge of that name if the shelf has none
    #[arg(long)]
    pub create: bool,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { tape, create } = args;
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
    Ok(Exit::Ok)
}
