//! `library list`: the catalog's libraries, with their sizes and last inventory (the changers
//! are not asked).

use anyhow::Result;
use serde_json::json;

use crate::catalog::Catalog;
use crate::catalog::libraries;
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::{table, when};

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
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
    Ok(Exit::Ok)
}
