//! Placeholder while the command is written (issue 16).

use anyhow::Result;

use crate::cmd::Ctx;
use crate::error::{Exit, Failure};

pub const HELP: &str = "";

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn exec(_ctx: &Ctx, _args: Args) -> Result<Exit> {
    Err(Failure::usage("not written yet").into())
}
