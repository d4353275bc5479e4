//! `drive list`: the catalog's drives, with their state and the tape in each.

use anyhow::Result;
use serde_json::json;

use crate::catalog::Catalog;
use crate::catalog::drives;
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::{or_dash, table};

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
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
    Ok(Exit::Ok)
}
