//! `schedule run-due`: what cron or the systemd timer calls every minute. Runs the due jobs
//! through `engine::schedule` with an operator who is never there (a tape nobody can bring
//! makes a run wait, exit 4, instead of prompting), and prints one line, or one JSON object,
//! per run.

use anyhow::Result;
use serde_json::{Value, json};

use crate::catalog::drives::Drive;
use crate::catalog::keys::KeyRecord;
use crate::cmd::Ctx;
use crate::cmd::backup::run::Shown;
use crate::engine::schedule::{self, Record, RunDue};
use crate::engine::{Env, Operator};
use crate::error::{Exit, Failure, Kind};
use crate::pipeline::keywrap::DataKey;

pub const HELP: &str = "\
First applies retention (as `expire` does), then runs, one after another, every enabled job
whose next run (job list: NEXT RUN) has come, and sets its next run from its schedule. Call it every minute (schedule systemd writes a timer;
or a crontab line). A slot runs once: slots missed while the machine was off run once, not
once each; a second run-due while one runs starts nothing and exits 0; a slot that passes
while its job is still running is skipped (and recorded: audit action schedule.skip).

The drive: --drive, else the only enabled one, else the first free one by name.

Nobody is asked anything: a run that needs a tape (none usable in the drive or library)
exits 4 and waits: `schedule list` shows it, and it is tried again at its next slot, not
every minute. A job with a paused run (a full tape nobody changed) resumes it first.

Schedules are in the machine's local time zone (TZ, else /etc/localtime). On a clock change,
a job at a fixed time in the hour that is skipped runs right after the jump, and one in the
hour that repeats runs once; jobs with */N or * in minute or hour run at every matching time.

Exit code: the worst of the runs: 0 all completed, 3 a set is partial, 4 a tape is needed,
1 a run failed, 130 stopped by SIGINT/SIGTERM (the running backup paused: backup resume).
With --json, one JSON object per line: {\"type\":\"run\",…} per run (with the backup's
summary), {\"type\":\"expire\",…} when retention expired anything (as expire --json),
{\"type\":\"skip\",…} per skipped slot, {\"type\":\"busy\",…} when another run-due
holds the lock.

With --catalog-backup, a round that wrote a set ends by appending a copy of the catalog to
the tape the last run ended on ({\"type\":\"catalog_backup\",…}); catalog restore-db reads it
back with no catalog at all.

Examples:
  tapebackarr schedule run-due
  tapebackarr schedule run-due --catalog-backup
  tapebackarr schedule run-due --dry-run
  * * * * * root tapebackarr -q schedule run-due      (a line of /etc/cron.d/tapebackarr)";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Say which jobs would run, changing nothing
    #[arg(long)]
    dry_run: bool,
    /// After a round that wrote a set, append a backup of the catalog to the tape the last
    /// run ended on (as `catalog backup` does)
    #[arg(long)]
    catalog_backup: bool,
}

pub fn exec(ctx: &Ctx, args: Args) -> Result<Exit> {
    let request = RunDue { dry_run: args.dry_run, drive: ctx.named_drive(), catalog_backup: args.catalog_backup };
    let shown = Shown::without_events(ctx);
    let unattended = Unattended(ctx);
    let env = Env { report: &shown, operator: &unattended, ..ctx.env() };
    let mut lines = Vec::new();
    let outcome = schedule::run_due(&env, &request, &mut |record| {
        let json = serde_json::to_value(&record).unwrap_or(Value::Null);
        if ctx.out.json {
            crate::output::write_stdout(format!("{json}\n").as_bytes());
        } else if !ctx.out.quiet
            || matches!(&record, Record::Run(r) if r.exit != Exit::Ok)
            || matches!(&record, Record::CatalogBackup { error: Some(_), .. })
        {
            // `-q` (cron mails what a job prints): only runs that need a look.
            let line = describe(&record, args.dry_run);
            crate::output::write_stdout(format!("{line}\n").as_bytes());
        }
        lines.push(json);
    })?;
    drop(shown);
    // Said only when asked: a timer calls this every minute.
    if lines.is_empty() && !ctx.out.json {
        if args.dry_run {
            ctx.out.note(|| "No job is due.".to_string());
        } else {
            ctx.out.verbose(|| "No job was due.".to_string());
        }
    }
    if ctx.out.json && lines.is_empty() {
        crate::output::write_stdout(format!("{}\n", json!({"type": "idle", "dry_run": args.dry_run})).as_bytes());
    }
    Ok(outcome.exit)
}

/// One line for a person.
fn describe(record: &Record, dry_run: bool) -> String {
    match record {
        Record::Run(r) if dry_run => {
            let what = if r.action == "resume" { "resume its paused run" } else { "run" };
            format!("job '{}' (due {}): would {what}", r.job, r.slot)
        }
        Record::Run(r) => {
            let how = match (&r.summary, &r.error) {
                (Some(s), _) => format!(
                    "{}, set {} on tape {} ({} entries)",
                    r.result,
                    s["set"],
                    s["tapes"]
                        .as_array()
                        .map(|t| t.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
                        .unwrap_or_default(),
                    s["entries"]
                ),
                (None, Some(e)) => {
                    format!("{} (exit {}): {}", r.result, r.exit as i32, e["message"].as_str().unwrap_or(""))
                }
                (None, None) => r.result.to_string(),
            };
            let next = r.next_run_at.as_deref().unwrap_or("never");
            format!("job '{}' (due {}): {how}; next run {next}", r.job, r.slot)
        }
        Record::Skip(s) => format!("job '{}': slot {} skipped: {}", s.job, s.slot, s.reason),
        Record::Busy { holder } => format!("another schedule run-due is running ({holder}): nothing started"),
        Record::Expire(expiry) => crate::cmd::expire::describe(expiry),
        Record::CatalogBackup { backup: Some(b), .. } => {
            format!("catalog backed up to tape '{}', file {} ({} bytes)", b.tape, b.file, b.bytes)
        }
        Record::CatalogBackup { error, .. } => format!(
            "catalog backup failed: {}",
            error.as_ref().and_then(|e| e["message"].as_str()).unwrap_or("unknown error")
        ),
    }
}

/// The scheduler's operator: nobody is there. A tape request fails the run with exit 4 and
/// the tapes wanted in its details; keys are unlocked from the passphrase file, as any
/// command does; SIGINT/SIGTERM stop the running backup at a frame boundary.
struct Unattended<'a>(&'a Ctx);

impl Operator for Unattended<'_> {
    fn present(&self) -> bool {
        false
    }

    fn insert_tape(&self, _drive: &Drive, situation: &str, action: &str, details: Value) -> Result<()> {
        Err(Failure::new(Kind::NoTape, format!("{situation}; {action}")).with_details(details).into())
    }

    fn unlock_key(&self, key: &KeyRecord, consequence: &str) -> Result<DataKey> {
        self.0.unlock_key(key, consequence)
    }

    fn stop_requested(&self) -> bool {
        self.0.stop_requested()
    }

    fn stop_from_now(&self) {
        self.0.stop_from_now()
    }
}
