//! `notify remove`: a target and its stored secret. Its deliveries stay in the history.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::{Catalog, audit, notify};
use crate::cmd::Ctx;
use crate::engine::notify::remove_secret;
use crate::error::Exit;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Target name
    name: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let target = notify::get(catalog.conn(), &args.name)?;
    let tx = catalog.write()?;
    notify::delete(&tx, target.id)?;
    audit::record(
        &tx,
        "notify.remove",
        "notification_target",
        Some(target.id),
        json!({"name": target.name, "kind": target.kind}),
    )?;
    tx.commit()?;
    // After the commit: a target that is gone has no use for its secret; one that could not be
    // removed keeps it.
    remove_secret(&ctx.home, &target.name)?;
    ctx.out.done(&json!({"removed": {"name": target.name, "kind": target.kind}}), || {
        format!("Removed notification target '{}'", target.name)
    });
    Ok(Exit::Ok)
}
