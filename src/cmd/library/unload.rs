//! `library unload`: the cartridge in the drive (--drive) back to its storage slot (or --slot).
//! The changer lock is held throughout, and the drive's lock for the move; the drive is asked
//! to release the cartridge first.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{changer_error, drive_library, home_slot, open_changer, prepare_removal, record_move};
use crate::catalog::Catalog;
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::output::or_dash;
use crate::tape::changer::ElementAddress;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Element address to put it in [default: the slot it came from when the changer
    /// remembers it and it is empty, else the first empty storage slot]
    #[arg(long, value_name = "N")]
    pub slot: Option<u16>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { slot } = args;
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
        None => home_slot(&inv, element).ok_or_else(|| {
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
    Ok(Exit::Ok)
}
