//! `key delete`: a key no backup set or job uses, removed after asking.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::keys;
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Key name
    pub name: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name } = args;
    let k = keys::get(catalog.conn(), &name)?;
    let usage = keys::usage(catalog.conn(), k.id)?;
    if usage.backup_sets + usage.jobs > 0 {
        return Err(Failure::in_use(format!(
            "key '{name}' is used by {} backup set(s) and {} job(s): its sets could not be read without it",
            usage.backup_sets, usage.jobs
        ))
        .into());
    }
    if !ctx.confirm(&format!(
        "Delete key '{name}' (fingerprint {})? Tapes written with it need an exported copy.",
        k.fingerprint
    ))? {
        return Err(Failure::new(Kind::InvalidState, "not confirmed: the key is kept").into());
    }
    let tx = catalog.write()?;
    keys::delete(&tx, k.id)?;
    audit::record(&tx, "key.delete", "key", Some(k.id), json!({"name": name, "fingerprint": k.fingerprint}))?;
    tx.commit()?;
    ctx.out.done(&json!({"deleted": {"name": name, "fingerprint": k.fingerprint}}), || format!("Deleted key '{name}'"));
    Ok(Exit::Ok)
}
