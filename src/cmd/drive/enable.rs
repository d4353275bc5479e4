//! `drive enable` and `drive disable`: one flag of the drive, set or cleared (one file, as
//! the two differ only in the value and the audit action).

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::drives;
use crate::catalog::{Catalog, audit};
use crate::cmd::{Ctx, changes, describe_update};
use crate::error::Exit;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Drive name
    pub name: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args, enable: bool) -> Result<Exit> {
    let name = args.name.as_str();
    let tx = catalog.write()?;
    let mut d = drives::get(&tx, name)?;
    let before = serde_json::to_value(&d)?;
    d.enabled = enable;
    let diff = changes(&before, &serde_json::to_value(&d)?);
    if diff.as_object().is_some_and(|m| !m.is_empty()) {
        drives::save(&tx, &d)?;
        let action = if enable { "drive.enable" } else { "drive.disable" };
        audit::record(&tx, action, "drive", Some(d.id), json!({"name": name, "changes": &diff}))?;
    }
    tx.commit()?;
    ctx.out.done(&json!({"drive": d, "changes": diff}), || describe_update("drive", name, &diff));
    Ok(Exit::Ok)
}
