//! `library show`: one library as the catalog knows it, and what its last inventory found in
//! each element (the changer is not asked: `library status` does that).

use anyhow::Result;
use clap::Args as ClapArgs;
use rusqlite::Connection;

use super::{library_doc, slot_table};
use crate::catalog::Catalog;
use crate::catalog::libraries::{self, Library};
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::{fields, or_dash, when};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Library name
    pub name: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name } = args;
    let conn = catalog.conn();
    let lib = libraries::get(conn, &name)?;
    let doc = library_doc(conn, &lib)?;
    ctx.out.data(&doc, || show(conn, &lib).unwrap_or_default());
    Ok(Exit::Ok)
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
