//! `drive alerts`: the alerts drives raised, from the catalog, or `--resolve ID`.

use anyhow::Result;
use clap::Args as ClapArgs;
use rusqlite::Connection;
use serde_json::json;

use super::alert_table;
use crate::catalog::Catalog;
use crate::catalog::drive_health;
use crate::catalog::drives::{self, Drive};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Resolved alerts too
    #[arg(long)]
    pub all: bool,
    /// Mark alert ID resolved
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    pub resolve: Option<i64>,
}

/// `drive alerts`: a list from the catalog, or `--resolve ID`.
pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { all, resolve } = args;
    let named = named_drive(ctx, catalog.conn())?;
    let Some(id) = resolve else {
        let list = drive_health::alerts(catalog.conn(), named.as_ref().map(|d| d.id), all)?;
        ctx.out.data(&json!({"alerts": list}), || {
            if list.is_empty() {
                let which = if all { "No alerts" } else { "No unresolved alerts" };
                match &named {
                    Some(d) => format!("{which} for drive '{}'.", d.name),
                    None => format!("{which}."),
                }
            } else {
                alert_table(&list, named.is_none())
            }
        });
        return Ok(Exit::Ok);
    };
    let tx = catalog.write()?;
    let not_found = || Failure::new(Kind::NotFound, format!("no alert with id {id}"));
    let found = drive_health::alert(&tx, id)?.ok_or_else(not_found)?;
    if let Some(d) = &named
        && found.drive_id != d.id
    {
        return Err(Failure::new(Kind::NotFound, format!("drive '{}' has no alert with id {id}", d.name)).into());
    }
    let (a, changed) = drive_health::resolve(&tx, id, "resolved by hand")?.ok_or_else(not_found)?;
    tx.commit()?;
    let diff = if changed { json!({"resolved": {"from": false, "to": true}}) } else { json!({}) };
    ctx.out.done(&json!({"alert": a, "changes": diff}), || {
        if changed {
            format!("Resolved alert {id} of drive '{}': {}", a.drive, a.message)
        } else {
            format!("alert {id} was resolved already")
        }
    });
    Ok(Exit::Ok)
}

/// The drive `--drive` / `TAPEBACKARR_DRIVE` names, enabled or not; `None` when none is named.
fn named_drive(ctx: &Ctx, conn: &Connection) -> Result<Option<Drive>> {
    let named = ctx.global.drive.clone().or_else(|| std::env::var("TAPEBACKARR_DRIVE").ok()).filter(|d| !d.is_empty());
    named.map(|n| drives::get(conn, &n)).transpose()
}
