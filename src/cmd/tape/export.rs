//! `tape export`: a tape went offsite.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::Catalog;
use crate::catalog::audit;
use crate::catalog::tapes::{self};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Tape label
    pub label: String,
    /// Where it is kept
    #[arg(long, value_name = "TEXT")]
    pub location: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { label, location } = args;
    if location.trim().is_empty() {
        return Err(Failure::usage("--location must say where the tape goes").into());
    }
    let tx = catalog.write()?;
    let mut t = tapes::get(&tx, &label)?;
    let from = tapes::mark_exported(&tx, &mut t, Some(&location))?;
    audit::record(
        &tx,
        "tape.export",
        "tape",
        Some(t.id),
        json!({"label": label, "from": from, "to": t.status, "location": location}),
    )?;
    let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
    tx.commit()?;
    ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}': {} → exported", from.as_str()));
    Ok(Exit::Ok)
}
