//! `tapebackarr schedule …`: the front door for running jobs unattended. `run-due` is what
//! cron or a systemd timer calls every minute; `list` says what ran, what waits and what comes
//! next; `systemd` writes the units (and a crontab line) that call `run-due`.

mod list;
mod run_due;
mod systemd;

use anyhow::Result;
use clap::Subcommand;

use super::Ctx;
use crate::error::Exit;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every enabled job whose next run has come (meant to be called every minute)
    #[command(after_help = run_due::HELP)]
    RunDue(run_due::Args),
    /// Every job with its schedule, last run, result and next run
    #[command(after_help = list::HELP)]
    List(list::Args),
    /// Write systemd units (a timer calling run-due every minute) and a crontab line
    #[command(after_help = systemd::HELP)]
    Systemd(systemd::Args),
}

pub fn exec(ctx: &Ctx, command: Command) -> Result<Exit> {
    match command {
        Command::RunDue(args) => run_due::exec(ctx, args),
        Command::List(args) => list::exec(ctx, args),
        Command::Systemd(args) => systemd::exec(ctx, args),
    }
}
