//! `tape import`: an exported tape is back.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::Catalog;
use crate::catalog::audit;
use crate::catalog::tapes::{self};
use crate::cmd::Ctx;
use crate::error::Exit;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Tape label
    pub label: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { label } = args;
    let tx = catalog.write()?;
    let mut t = tapes::get(&tx, &label)?;
    let from = tapes::mark_imported(&tx, &mut t)?;
    let back = t.status;
    audit::record(
        &tx,
        "tape.import",
        "tape",
        Some(t.id),
        json!({"label": label, "from_location": from, "status": back}),
    )?;
    let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
    tx.commit()?;
    ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}' is back ({})", back.as_str()));
    Ok(Exit::Ok)
}
