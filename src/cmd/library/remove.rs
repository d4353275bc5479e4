//! `library remove`: forget a library. Refused while catalog drives are attached to it; the
//! changer is not touched.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::libraries;
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Library name
    pub name: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name } = args;
    let tx = catalog.write()?;
    let lib = libraries::get(&tx, &name)?;
    let attached = libraries::attached_drives(&tx, lib.id)?;
    if !attached.is_empty() {
        let names: Vec<&str> = attached.iter().map(|(n, _)| n.as_str()).collect();
        return Err(Failure::in_use(format!(
            "library '{name}' has drives attached ({}): detach them first with `tapebackarr library detach-drive --drive NAME`",
            names.join(", ")
        ))
        .into());
    }
    let doc = serde_json::to_value(&lib)?;
    libraries::delete(&tx, lib.id)?;
    audit::record(&tx, "library.remove", "library", Some(lib.id), json!({"library": &doc}))?;
    tx.commit()?;
    ctx.out.done(&json!({"deleted": doc}), || format!("Removed library '{name}'"));
    Ok(Exit::Ok)
}
