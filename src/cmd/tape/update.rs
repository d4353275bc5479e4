//! `tape update --status full|active`: a full mark by hand, and back.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{invalid, transition};
use crate::catalog::Catalog;
use crate::catalog::audit;
use crate::catalog::tapes::{self, TapeStatus};
use crate::cmd::Ctx;
use crate::error::Exit;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Tape label
    pub label: String,
    /// The new status: full or active
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["full", "active"]))]
    pub status: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { label, status } = args;
    if status == "full" {
        transition(ctx, catalog, &label, TapeStatus::Full, "tape.update", |_| Ok(()))?;

        return Ok(Exit::Ok);
    }
    // Back from a full mark: active when it holds live sets, expired when it holds only
    // expired ones (their data is still on it: a backup erases it before reusing it), else blank.
    let tx = catalog.write()?;
    let mut t = tapes::get(&tx, &label)?;
    if t.status != TapeStatus::Full {
        return Err(invalid(format!(
            "tape '{label}' is {}: only a full tape can be made active again",
            t.status.as_str()
        )));
    }
    let to = if tapes::set_count(&tx, t.id)? > 0 {
        TapeStatus::Active
    } else if tapes::expired_set_count(&tx, t.id)? > 0 {
        TapeStatus::Expired
    } else {
        TapeStatus::Blank
    };
    t.status = to;
    tapes::save(&tx, &t)?;
    audit::record(&tx, "tape.update", "tape", Some(t.id), json!({"label": label, "from": "full", "to": to}))?;
    let doc = serde_json::to_value(tapes::by_id(&tx, t.id)?)?;
    tx.commit()?;
    ctx.out.done(&json!({"tape": doc}), || format!("Tape '{label}': full → {}", to.as_str()));
    Ok(Exit::Ok)
}
