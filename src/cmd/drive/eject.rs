//! `drive eject`: rewind and unload; a drive in a virtual library hands its cartridge back to
//! a slot, through the catalog library's changer when it has one.

use anyhow::Result;
use serde_json::json;

use super::lib_error;
use crate::catalog::drives::{self, Drive};
use crate::catalog::{Catalog, audit};
use crate::cmd::library::{changer_error, home_slot, open_changer, record_move};
use crate::cmd::{Ctx, device_error};
use crate::error::{Exit, Failure, Kind};
use crate::tape::changer::ElementAddress;
use crate::tape::vlib;
use crate::tape::{DeviceSpec, TapeError};

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
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
        Some(_) if d.library_id.is_some() => Some(eject_to_home_slot(ctx, catalog, &d)?.to_string()),
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
    ctx.out.done(
        &json!({"drive": d.name, "ejected": d.current_tape, "returned_to": returned_to}),
        || match &returned_to {
            Some(slot) => format!("Ejected the tape from drive '{}' into {slot}", d.name),
            None => format!("Ejected the tape from drive '{}'", d.name),
        },
    );
    Ok(Exit::Ok)
}

/// `drive eject` of a virtual drive in a catalog library: the changer moves the cartridge to
/// its home slot and the inventory is recorded, as `library unload` does.
fn eject_to_home_slot(ctx: &Ctx, catalog: &mut Catalog, d: &Drive) -> Result<ElementAddress> {
    let (lib, element) = crate::cmd::library::drive_library(catalog.conn(), d)?;
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
