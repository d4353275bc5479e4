//! `library transfer`: a cartridge from one element to another, under the changer lock. A
//! drive at either end is locked too, so no command is using the tape that moves.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{changer_error, open_changer, pick_library, prepare_removal, record_move};
use crate::catalog::Catalog;
use crate::catalog::drives;
use crate::catalog::libraries;
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::or_dash;
use crate::tape::changer::ElementAddress;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Element address to take the cartridge from
    pub from: u16,
    /// Element address to put it in
    pub to: u16,
    /// Library name [default: the only library]
    #[arg(long, value_name = "NAME")]
    pub library: Option<String>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { from, to, library } = args;
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
    let changes = record_move(catalog, &lib, open.changer.as_mut(), "library.transfer", details)?;
    drop(held);
    ctx.out.done(&json!({"library": lib.name, "from": from, "to": to, "barcode": barcode, "changes": changes}), || {
        format!("Moved {} from {from} to {to} in library '{}'", or_dash(barcode.as_deref()), lib.name)
    });
    Ok(Exit::Ok)
}
