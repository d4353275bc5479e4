//! `tape assign`: a blank or expired tape moves to another pool.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::invalid;
use crate::catalog::Catalog;
use crate::catalog::audit;
use crate::catalog::pools::{self};
use crate::catalog::tapes::{self, TapeStatus};
use crate::cmd::Ctx;
use crate::error::Exit;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Tape label
    pub label: String,
    /// The new pool
    #[arg(long)]
    pub pool: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { label, pool } = args;
    let tx = catalog.write()?;
    let mut t = tapes::get(&tx, &label)?;
    let pool = pools::get(&tx, &pool)?;
    if !matches!(t.status, TapeStatus::Blank | TapeStatus::Expired) {
        return Err(invalid(format!(
            "tape '{label}' is {}: only blank or expired tapes move to another pool",
            t.status.as_str()
        )));
    }
    let from = t.pool_name.clone();
    t.pool_id = Some(pool.id);
    tapes::save(&tx, &t)?;
    audit::record(
        &tx,
        "tape.assign",
        "tape",
        Some(t.id),
        json!({"label": label, "from_pool": from, "to_pool": pool.name}),
    )?;
    let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
    tx.commit()?;
    ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}' now belongs to pool '{}'", pool.name));
    Ok(Exit::Ok)
}
