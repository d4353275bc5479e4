//! `drive remove`: the catalog forgets a drive; the device is not touched.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::drives;
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::error::Exit;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Drive name
    pub name: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name } = args;
    let tx = catalog.write()?;
    let d = drives::get(&tx, &name)?;
    drives::delete(&tx, d.id)?;
    let doc = serde_json::to_value(&d)?;
    audit::record(&tx, "drive.remove", "drive", Some(d.id), json!({"drive": &doc}))?;
    tx.commit()?;
    ctx.out.done(&json!({"deleted": doc}), || format!("Removed drive '{name}'"));
    Ok(Exit::Ok)
}
