//! `tapebackarr backup …`: run a backup, list sets, show one, hold one.

mod hold;
mod release;
pub(crate) mod run;

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;

use super::Ctx;
use crate::catalog::{jobs, sets};
use crate::engine::retention::{Outlook, expires_at_json, expires_text};
use crate::error::Exit;
use crate::output::{fields, or_dash, table, when};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Back up a job's source to a tape of its pool (appends; never overwrites)
    #[command(after_help = "Tape choice (pool allocation policy 'continue'): the pool's active tape with room, else a
blank tape of the pool, else an expired one with no sets left. Policy 'always': a blank or
expired tape every run. The tape in the drive must be one of those; otherwise the command
asks for one (on a terminal) or exits 4 naming the tapes it wants (details.wanted in --json).

Examples:
  tapebackarr backup run nightly
  tapebackarr backup run nightly --incremental --drive lto1
  tapebackarr backup run nightly --dry-run
  tapebackarr backup run --source home --pool weekly --compression zstd
  tapebackarr backup run nightly --json | jq -c 'select(.type == \"summary\")'
  pg_dump mydb | tapebackarr backup run --stdin mydb.sql --pool weekly --compression zstd
  tapebackarr restore --set 12 mydb.sql --to - | psql mydb

--stdin NAME stores standard input as the one file NAME of a set (source 'stdin', job
adhoc-stdin-POOL): restore, catalog find, verify and tar by hand see a regular file. Its size
goes in the tar header first, so without --stdin-size the stream is spooled to the home
directory before it is written. A stream cannot be read twice: a run that stops is failed,
not paused, and is run again.

A full tape: the next comes from the drive's library, or the operator at the terminal;
with neither, the run pauses (exit 4) for `backup resume`. Ctrl-C: stops at the end of the
current 8 MiB frame, closes the part, exit 130; `backup resume` continues.

Exit codes: 0 done; 3 done, but some files could not be read (named on stderr / as
file_error events); 4 a usable tape must be inserted (paused when details.execution is
given); 130 stopped by Ctrl-C/SIGTERM, resumable; 1 failed (nothing recorded as completed).")]
    Run(run::RunArgs),
    /// Continue a backup that stopped cleanly (Ctrl-C, a full tape nobody could change)
    #[command(after_help = "A run stopped by Ctrl-C or SIGTERM (exit 130), or by a full tape with no library and no
terminal (exit 4), closed its part on tape and left its execution paused. This writes the
rest of the same set in a new part: on the same tape when it has room, else on a tape the
pool's policy takes. What is on tape already is not written again; the one file the stop
cut is read again from its start (for its checksum) and written from the cut on.

Examples:
  tapebackarr backup resume
  tapebackarr backup resume 42 --json

Exit codes: as backup run.")]
    Resume {
        /// The paused execution (from the error's details.execution) [default: the newest]
        execution: Option<i64>,
    },
    /// List backup sets, newest first
    #[command(after_help = "Examples:\n  tapebackarr backup list\n  tapebackarr backup list --job nightly --json")]
    List {
        /// Only sets of this job
        #[arg(long)]
        job: Option<String>,
        /// At most this many sets
        #[arg(long, default_value = "50")]
        limit: u32,
    },
    /// Show one set: where it is on tape, what it holds, when it expires
    #[command(after_help = "Example:\n  tapebackarr backup show 12")]
    Show(ShowArgs),
    /// Put a set under legal hold: it and its incremental chain never expire
    #[command(after_help = "Holding a set held already changes nothing (a new --reason replaces the old one). An
expired set cannot be held: its entries are gone from the catalog.

Examples:
  tapebackarr backup hold 12 --reason 'case 2027-114'
  tapebackarr backup hold 12 --json")]
    Hold(hold::HoldArgs),
    /// Lift a legal hold: the set expires by its retention again
    #[command(after_help = "Releasing a set that is not held changes nothing.

Examples:
  tapebackarr backup release 12
  tapebackarr expire --dry-run")]
    Release(release::ReleaseArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Set number (from backup list)
    set: i64,
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    match cmd {
        Command::Run(args) => run::exec(ctx, args),
        Command::Resume { execution } => run::resume(ctx, execution),
        Command::Hold(args) => hold::exec(ctx, args),
        Command::Release(args) => release::exec(ctx, args),
        Command::List { job, limit } => {
            let catalog = ctx.catalog()?;
            let job_id = job.as_deref().map(|j| jobs::get(catalog.conn(), j).map(|j| j.id)).transpose()?;
            let list = sets::list(catalog.conn(), job_id, limit.into())?;
            let outlook = Outlook::at(catalog.conn(), chrono::Utc::now())?;
            let docs = list
                .iter()
                .map(|s| Ok(with_expiry(serde_json::to_value(s)?, &outlook, s)))
                .collect::<Result<Vec<_>>>()?;
            ctx.out.data(&json!({"sets": docs}), || {
                if list.is_empty() {
                    return "No backup sets yet: run `tapebackarr backup run JOB`.".into();
                }
                table(
                    &["set", "job", "type", "status", "started", "files", "size", "tape", "expires"],
                    list.iter()
                        .map(|s| {
                            vec![
                                s.id.to_string(),
                                s.job.clone(),
                                s.backup_type.clone(),
                                s.status.clone(),
                                when(&s.start_time),
                                s.file_count.to_string(),
                                crate::output::bytes(s.total_bytes),
                                s.tape.clone(),
                                expiry_text(&outlook, s),
                            ]
                        })
                        .collect(),
                )
            });
            Ok(Exit::Ok)
        }
        Command::Show(ShowArgs { set }) => {
            let catalog = ctx.catalog()?;
            let s = sets::get(catalog.conn(), set)?;
            let parts = sets::parts(catalog.conn(), set)?;
            let kinds = sets::entry_kinds(catalog.conn(), set)?;
            let outlook = Outlook::at(catalog.conn(), chrono::Utc::now())?;
            let mut doc = with_expiry(serde_json::to_value(&s)?, &outlook, &s);
            doc["parts"] = serde_json::to_value(&parts)?;
            doc["entries"] = kinds.iter().map(|(k, n)| (k.clone(), json!(n))).collect::<serde_json::Map<_, _>>().into();
            ctx.out.data(&json!({"set": doc}), || {
                let mut text = fields(&[
                    ("set", s.id.to_string()),
                    ("uuid", or_dash(s.uuid.as_ref())),
                    ("job", s.job.clone()),
                    ("source", or_dash(s.source.as_ref())),
                    ("type", s.backup_type.clone()),
                    ("parent set", or_dash(s.parent_set)),
                    ("status", s.status.clone()),
                    ("started", when(&s.start_time)),
                    ("ended", when(&s.end_time)),
                    ("files", s.file_count.to_string()),
                    ("size", crate::output::bytes(s.total_bytes)),
                    ("compression", s.compression.clone()),
                    (
                        "encryption",
                        s.encryption_key.clone().map(|k| format!("aes-256-gcm, key {k}")).unwrap_or("none".into()),
                    ),
                    ("entries", kinds.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ")),
                    ("expires", expiry_text(&outlook, &s)),
                    (
                        "hold",
                        match (s.hold, &s.hold_reason) {
                            (true, Some(why)) => format!("yes: {why}"),
                            (true, None) => "yes".into(),
                            (false, _) => "no".into(),
                        },
                    ),
                ]);
                text.push_str("\n\n");
                text.push_str(&table(
                    &["part", "tape", "file", "blocks", "stream bytes", "status"],
                    parts
                        .iter()
                        .map(|p| {
                            vec![
                                p.part.to_string(),
                                p.tape.clone(),
                                p.data_file.to_string(),
                                format!("{}-{}", p.header_block, or_dash(p.end_block)),
                                p.stream_bytes.to_string(),
                                p.status.clone(),
                            ]
                        })
                        .collect(),
                ));
                text
            });
            Ok(Exit::Ok)
        }
    }
}

/// A set's JSON with `expires_at`: when its chain expires (null: never, or expired already,
/// which `expired_at` says).
fn with_expiry(mut doc: serde_json::Value, outlook: &Outlook, s: &sets::Set) -> serde_json::Value {
    doc["expires_at"] = expires_at_json(outlook.set(s.id));
    doc
}

/// When a set expires, for people: a time, `never`, or when it expired.
fn expiry_text(outlook: &Outlook, s: &sets::Set) -> String {
    match &s.expired_at {
        Some(when) => format!("expired {when} UTC"),
        None => expires_text(outlook.set(s.id)),
    }
}
