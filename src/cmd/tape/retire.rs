//! `tape retire`: a tape out of service for good.

use anyhow::Result;
use clap::Args as ClapArgs;

use super::transition;
use crate::catalog::Catalog;
use crate::catalog::tapes::TapeStatus;
use crate::cmd::Ctx;
use crate::error::Exit;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Tape label
    pub label: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { label } = args;
    transition(ctx, catalog, &label, TapeStatus::Retired, "tape.retire", |_| Ok(()))?;
    Ok(Exit::Ok)
}
