//! `library attach-drive` and `library detach-drive`: tie a catalog drive (--drive) to a
//! drive element of a library, or untie it (one file, as both only rewrite that tie). Attach
//! first asks the changer that the element is a drive, and the drive learns what the changer
//! says it holds; detach does not touch the changer.

use anyhow::Result;
use clap::Args as ClapArgs;
use rusqlite::Connection;
use serde_json::json;

use super::{drive_element, observed};
use crate::catalog::drives;
use crate::catalog::libraries;
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Library name
    pub library: String,
    /// The drive's element address in the changer (see `library show`)
    #[arg(long, value_name = "N")]
    pub element: u16,
}

/// `library attach-drive`.
pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { library, element } = args;
    let d = ctx.pick_drive(catalog.conn())?;
    let lib = libraries::get(catalog.conn(), &library)?;
    let inv = drive_element(ctx, catalog.conn(), &lib, element, "library attach-drive")?;
    let tx = catalog.write()?;
    if let Some(other) = libraries::drive_at(&tx, lib.id, element.into())?
        && other != d.name
    {
        return Err(
            Failure::in_use(format!("element {element} of library '{library}' is already drive '{other}'")).into()
        );
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
    Ok(Exit::Ok)
}

/// `library detach-drive`.
pub(super) fn detach(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
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
    Ok(Exit::Ok)
}

fn lib_name(conn: &Connection, id: Option<i64>) -> Result<Option<String>> {
    Ok(match id {
        Some(id) => Some(libraries::by_id(conn, id)?.name),
        None => None,
    })
}
