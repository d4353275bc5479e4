//! The command line: global flags, the command tree, and turning a command's outcome into
//! output and an exit code. Each command group's arguments live beside its code in `cmd`.

pub mod generated;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Args, CommandFactory, Parser, Subcommand};
use serde_json::json;

use crate::cmd;
use crate::error::Exit;
use crate::output::Output;

pub const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    error: the operation failed or was refused (unknown name, name taken, object in use,
       missing catalog or path, critical drive alert); nothing was changed but the drive
       health it read
  2    usage: the command line is wrong (unknown option, bad value); nothing was changed
  3    partial: the set completed, but some source files could not be read
  4    operator action needed in non-interactive mode (insert or change a tape)
  5    verify mismatch: data read back does not match its checksum
  130  interrupted (Ctrl-C, SIGTERM): a backup stopped at a frame boundary; backup resume

Environment:
  TAPEBACKARR_HOME           home directory (same as --home)
  TAPEBACKARR_DRIVE          drive to use (same as --drive)
  TAPEBACKARR_VTAPE_FAULTS   faults to inject into virtual drives (JSON; for tests)
  TAPEBACKARR_ISCSI_INITIATOR  initiator name for iscsi:// devices (for targets with ACLs)
  TAPEBACKARR_SCSI_TRACE     1: print every SCSI command and its sense to stderr
  TAPEBACKARR_PASSWORD_FILE  file holding the passphrase for encryption keys
";

const ABOUT: &str = "Tape-first backups for LTO drives and tape libraries";

const EXAMPLES: &str = "\
Examples:
  tapebackarr init
  tapebackarr pool create weekly --retention-days 28
  tapebackarr source add home /home --exclude '**/.cache/**'
  tapebackarr job create nightly --source home --pool weekly --schedule '0 2 * * *'
  tapebackarr job list --json
";

#[derive(Debug, Parser)]
#[command(
    name = "tapebackarr",
    version,
    about = ABOUT,
    after_help = EXAMPLES,
    after_long_help = format!("{EXAMPLES}\n{EXIT_CODES}"),
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Directory holding the catalog [env: TAPEBACKARR_HOME] [default: /var/lib/tapebackarr
    /// for root, else $XDG_DATA_HOME/tapebackarr]
    #[arg(long, global = true, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub home: Option<PathBuf>,
    /// Print exactly one JSON document on stdout; errors go to stderr as JSON
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only what was asked for: no confirmations or notes
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more about what is happening (repeat for more)
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
    /// Never draw progress bars (they are drawn only on a terminal anyway)
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Answer yes to confirmations (needed for destructive steps when not interactive)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// The drive to use, by name [env: TAPEBACKARR_DRIVE] [default: the only enabled drive]
    #[arg(long, global = true, value_name = "NAME")]
    pub drive: Option<String>,
    /// Wait for a drive another process is using, instead of failing at once
    #[arg(long, global = true)]
    pub wait: bool,
    /// Read the passphrase of encryption keys from this file's first line [env:
    /// TAPEBACKARR_PASSWORD_FILE] [default: ask on the terminal]
    #[arg(long, global = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the home directory and the catalog, or bring an old catalog up to date
    Init(cmd::init::Args),
    /// Tape pools: groups of tapes with one retention and allocation policy
    #[command(subcommand)]
    Pool(cmd::pool::Command),
    /// Backup sources: directory trees to back up, with include and exclude globs
    #[command(subcommand)]
    Source(cmd::source::Command),
    /// Backup jobs: a source, a pool, a schedule, compression and encryption
    #[command(subcommand)]
    Job(cmd::job::Command),
    /// Tapes: label, identify, list, move through their lifecycle, dump raw files
    #[command(subcommand)]
    Tape(cmd::tape::Command),
    /// Drives: add, inspect, rewind, eject, load virtual cartridges
    #[command(subcommand)]
    Drive(cmd::drive::Command),
    /// The built-in virtual tape library: create one, add cartridges, see what is where
    #[command(subcommand)]
    Vlib(cmd::vlib::Command),
    /// Tape libraries: register changers, take inventory, load and unload drives
    #[command(subcommand)]
    Library(cmd::library::Command),
    /// Back up a job's source to tape; list and show backup sets
    #[command(subcommand)]
    Backup(cmd::backup::Command),
    /// Search the catalog: find files, browse sets, which tapes a restore needs, statistics
    #[command(subcommand)]
    Catalog(cmd::catalog::Command),
    /// Restore files from tape: a set, or a job's state at a point in time
    Restore(cmd::restore::RestoreArgs),
    /// Read a backup set back and check it against the catalog
    Verify(cmd::verify::VerifyArgs),
    /// Encryption keys: create, list, export, import, change passphrase, delete
    #[command(subcommand)]
    Key(cmd::key::Command),
    /// Expire backup sets past retention and free their tapes for reuse
    Expire(cmd::expire::Args),
    /// The audit trail of every change
    #[command(subcommand)]
    Audit(cmd::audit::Command),
    /// Run jobs on their schedules (from cron or a systemd timer); see what ran and what is next
    #[command(subcommand)]
    Schedule(cmd::schedule::Command),
    /// Notifications: who is told when a job fails, a tape is needed or full, a drive alerts
    #[command(subcommand)]
    Notify(cmd::notify::Command),
    /// Print a shell completion script
    Completions(cmd::completions::Args),
}

/// The clap command tree, for completions, man pages and tests.
pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, wants_json(&args)),
    };
    let out = Output { json: cli.global.json, quiet: cli.global.quiet, verbose: cli.global.verbose };
    match cmd::run(cli, out) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(err) => {
            out.error(&err);
            ExitCode::from(crate::error::classify(&err).1 as u8)
        }
    }
}

/// `--json` decides the error format even when the rest of the line does not parse.
fn wants_json(args: &[OsString]) -> bool {
    args.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--json")
}

fn usage_error(e: clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind::*;
    let code = e.exit_code();
    let informational = matches!(e.kind(), DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand);
    if json && !informational {
        let rendered = e.render().to_string();
        // The error proper is everything before clap's "Usage:" block; it may span lines.
        let message = rendered
            .lines()
            .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let message = message.trim_start_matches("error: ");
        eprintln!("{}", json!({"type": "error", "code": "usage", "exit_code": Exit::Usage as i32, "message": message}));
        return ExitCode::from(Exit::Usage as u8);
    }
    let _ = e.print();
    ExitCode::from(if informational && code == 0 { 0 } else { Exit::Usage as u8 })
}
