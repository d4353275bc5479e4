//! `tapebackarr notify …`: who is told when something needs a person (a failed job, a tape
//! wanted, a full tape, a drive alert, a verify mismatch, a missed slot). The targets are
//! kept in the catalog; the engine (`engine::notify`) tells them where the events happen.
//! One file per verb.

mod add;
mod list;
mod remove;
mod test;

use anyhow::Result;
use clap::Subcommand;

use super::Ctx;
use crate::error::Exit;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add a target: a command, an email address or a webhook, and the events it wants
    #[command(after_help = add::HELP)]
    Add(Box<add::Args>),
    /// Every target, the events it wants, and how its last delivery went
    #[command(after_help = "Examples:\n  tapebackarr notify list\n  tapebackarr notify list --json")]
    List,
    /// Send a test notification to a target and say how it went (exit 1 if it failed)
    #[command(after_help = "Example:\n  tapebackarr notify test admins")]
    Test(test::Args),
    /// Remove a target (and its stored secret)
    #[command(after_help = "Example:\n  tapebackarr notify remove admins")]
    Remove(remove::Args),
}

pub fn exec(ctx: &Ctx, command: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match command {
        Command::Add(args) => add::exec(ctx, &mut catalog, *args),
        Command::List => list::exec(ctx, &catalog),
        Command::Test(args) => test::exec(ctx, &mut catalog, args),
        Command::Remove(args) => remove::exec(ctx, &mut catalog, args),
    }
}
