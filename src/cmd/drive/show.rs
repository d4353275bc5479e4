//! `drive show`: one drive as the catalog knows it (the device is not asked).

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::Catalog;
use crate::catalog::drives::{self, Drive};
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::{fields, or_dash, when};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Drive name
    pub name: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name } = args;
    let d = drives::get(catalog.conn(), &name)?;
    ctx.out.data(&json!({"drive": d}), || show(&d));
    Ok(Exit::Ok)
}

fn show(d: &Drive) -> String {
    fields(&[
        ("name", d.name.clone()),
        ("id", d.id.to_string()),
        ("device", d.device.clone()),
        ("vendor", or_dash(Some(&d.vendor))),
        ("model", or_dash(d.model.as_deref())),
        ("serial", or_dash(d.serial_number.as_deref())),
        ("enabled", if d.enabled { "yes" } else { "no" }.into()),
        ("status", d.status.clone()),
        ("tape", or_dash(d.current_tape.as_deref())),
        ("created", when(&d.created_at)),
        ("updated", when(&d.updated_at)),
    ])
}
