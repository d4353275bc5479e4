//! Running jobs on their schedules, as a library call any front door can make: `schedule
//! run-due` from cron or a systemd timer every minute today, `serve` later.
//!
//! A slot runs once. The scheduler holds a lock file in the home for as long as it runs, so a
//! second one started meanwhile runs nothing (it only notes, for a job still writing, that
//! the job's next slot came and went). A job is *claimed* before it runs: in one statement
//! its `next_run_at` moves from the slot to the next one after now, so slots missed while
//! the machine was off collapse into one run, and two schedulers sharing a catalog never
//! run a slot twice. Slots are computed by `crate::schedule` in the machine's local time
//! zone, with cron's rules for the hours a clock change skips or repeats. Each round first
//! applies retention (`engine::retention`), so the tapes it frees serve that night's runs.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use super::Env;
use super::backup::{self, Input, Request, What};
use super::notify::{Notice, notify};
use crate::catalog::{audit, drives, jobs, runs, write_on};
use crate::error::{Exit, Failure, Kind, classify};
use crate::schedule::Schedule;
use crate::tape::DeviceSpec;
use crate::tape::lock::{self, LockError};
use crate::timefmt;

/// Stream bytes between checkpoints of a scheduled run: the same default as `backup run`.
pub const CHECKPOINT: u64 = 64 << 30;

/// What `run_due` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct RunDue {
    /// Say what would run, changing nothing.
    pub dry_run: bool,
    /// The drive to write with; `None`: the only enabled one.
    pub drive: Option<String>,
    /// After a round in which a set was written, append a backup of the catalog to the tape
    /// the last run ended on (`catalog backup`), so the newest copy travels with the data.
    pub catalog_backup: bool,
}

/// One thing the scheduler did, in order (an NDJSON line of `schedule run-due --json`).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// A job's slot was run (or, in a dry run, would be).
    Run(Run),
    /// A job's slot passed while the job was still running from an earlier one: not run.
    Skip(Skip),
    /// Another scheduler holds the lock; this one ran nothing.
    Busy { holder: String },
    /// Retention, applied before the jobs run (only when it expired something, or would).
    Expire(super::retention::Expiry),
    /// The catalog backed up after the round (`--catalog-backup`): what `catalog backup
    /// --json` says, or the error.
    CatalogBackup { backup: Option<super::catalog_backup::Outcome>, error: Option<Value> },
}

#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub job: String,
    /// The slot that was due (RFC 3339, UTC).
    pub slot: String,
    /// `backup` (a new set) or `resume` (the job's paused run, finished first).
    pub action: &'static str,
    /// `completed`, `partial` (files could not be read), `waiting` (a tape is needed: the
    /// execution waits for the next slot or `backup resume`), `failed`, `interrupted`, or
    /// `would_run` in a dry run.
    pub result: &'static str,
    /// The run's exit code, as `backup run` would have exited.
    #[serde(rename = "exit_code", serialize_with = "exit_code")]
    pub exit: Exit,
    /// The backup's `summary` (as `backup run --json` prints it), when a set completed.
    pub summary: Option<Value>,
    /// The error (`code`, `message`, `details`), when the run did not complete.
    pub error: Option<Value>,
    /// When the job runs next (RFC 3339, UTC).
    pub next_run_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skip {
    pub job: String,
    pub slot: String,
    pub reason: String,
    pub next_run_at: Option<String>,
}

/// How a `run_due` went: how many slots ran and the worst exit code among them.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub runs: usize,
    pub exit: Exit,
}

/// The next run of an enabled, scheduled job; none otherwise.
pub fn next_run_at(job: &jobs::Job) -> Result<Option<String>> {
    match (&job.schedule_cron, job.enabled) {
        (Some(expr), true) => {
            let schedule: Schedule = expr.parse().map_err(anyhow::Error::msg)?;
            Ok(schedule.next_run().map(crate::timefmt::to_sql))
        }
        _ => Ok(None),
    }
}

/// The lock file that keeps two schedulers of one home from running at once.
pub fn lock_path(home: &std::path::Path) -> PathBuf {
    home.join("schedule.lock")
}

/// Runs every due job once, one after another, each through the backup engine with the
/// env's report and operator (a scheduler's operator is never present: a tape nobody can
/// bring makes the run wait, exit 4). Each run, skip or refusal goes to `sink` as it happens.
pub fn run_due(env: &Env, request: &RunDue, sink: &mut dyn FnMut(Record)) -> Result<Outcome> {
    if request.dry_run {
        return dry_run(env, sink);
    }
    let _lock = match lock::lock_file(lock_path(env.home), "schedule run-due", false) {
        Ok(lock) => lock,
        Err(LockError::Busy { pid, command }) => {
            skip_running(env, &format!("still running (scheduler pid {pid})"), sink)?;
            sink(Record::Busy { holder: format!("pid {pid} ({command})") });
            return Ok(Outcome { runs: 0, exit: Exit::Ok });
        }
        Err(e) => return Err(e.into()),
    };
    // Retention first: the tapes it frees are there for tonight's runs.
    expire(env, false, sink)?;
    let mut outcome = Outcome { runs: 0, exit: Exit::Ok };
    let mut done: Vec<i64> = Vec::new();
    // The drive of the last run that wrote a set: where the catalog's copy goes.
    let mut last_drive: Option<String> = None;
    // Due jobs are looked up again after every run: one that came due meanwhile runs in this
    // round too (a timer does not start a second scheduler while this one runs), but no job
    // runs twice in one round.
    while let Some(job) = next_due(env, &done)? {
        done.push(job.id);
        if env.operator.stop_requested() {
            break;
        }
        let Some(run) = run_job(env, request, &job, sink)? else { continue };
        outcome.runs += 1;
        let exit = run.exit;
        outcome.exit = worse(outcome.exit, exit);
        if let Some(drive) = run.summary.as_ref().and_then(|s| s["drive"].as_str()) {
            last_drive = Some(drive.to_string());
        }
        sink(Record::Run(run.clone()));
        notify_run(env, &run);
        skip_passed(env, job.id, "the job was still running", sink)?;
        if exit == Exit::Interrupted {
            break;
        }
    }
    if let Some(drive) = last_drive.filter(|_| request.catalog_backup && outcome.exit != Exit::Interrupted) {
        let req = super::catalog_backup::Request { drive: Some(drive), ..Default::default() };
        let record = match super::catalog_backup::backup(env, &req) {
            Ok(backup) => Record::CatalogBackup { backup: Some(backup), error: None },
            Err(e) => {
                // The sets are on tape and recorded; a missing catalog copy is worth a look.
                outcome.exit = worse(outcome.exit, classify(&e).1);
                env.note(|| format!("the catalog backup after the runs failed: {e:#}"));
                Record::CatalogBackup {
                    backup: None,
                    error: Some(json!({"code": classify(&e).0, "message": format!("{e:#}")})),
                }
            }
        };
        sink(record);
    }
    Ok(outcome)
}

fn next_due(env: &Env, done: &[i64]) -> Result<Option<jobs::Job>> {
    let catalog = env.catalog()?;
    let due = jobs::due(catalog.conn(), &timefmt::now_sql())?;
    Ok(due.into_iter().find(|j| !done.contains(&j.id)))
}

/// The slot after `after`, or `None` (with the error) when the stored schedule no longer
/// parses.
fn slot_after(job: &jobs::Job, after: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    let expr = job.schedule_cron.as_deref().unwrap_or_default();
    let schedule: Schedule = expr.parse()?;
    Ok(schedule.next_after_in(after.with_timezone(&Local)))
}

/// Claims and runs one due job; `None` when another scheduler claimed it first or the job
/// turned out to be still running (a skip, told to `sink`).
fn run_job(env: &Env, request: &RunDue, job: &jobs::Job, sink: &mut dyn FnMut(Record)) -> Result<Option<Run>> {
    let slot = job.next_run_at.clone().unwrap_or_default();
    let now = Utc::now();
    let next = slot_after(job, now);
    let next_sql = next.as_ref().ok().copied().flatten().map(timefmt::to_sql);
    let paused = {
        let catalog = env.catalog()?;
        let tx = write_on(catalog.conn())?;
        if !jobs::claim_slot(&tx, job.id, &slot, &timefmt::to_sql(now), next_sql.as_deref())? {
            return Ok(None);
        }
        let superseded = runs::close_waiting(&tx, job.id, &format!("superseded by the run of slot {slot} UTC"))?;
        audit::record(
            &tx,
            "schedule.run",
            "job",
            Some(job.id),
            json!({"job": job.name, "slot": timefmt::sql_to_rfc3339(&slot),
                   "next_run_at": next_sql.as_deref().map(timefmt::sql_to_rfc3339),
                   "superseded_waiting": superseded}),
        )?;
        let paused = runs::paused_execution(&tx, job.id)?;
        tx.commit()?;
        paused
    };
    let mut run = Run {
        job: job.name.clone(),
        slot: timefmt::sql_to_rfc3339(&slot),
        action: if paused.is_some() { "resume" } else { "backup" },
        result: "completed",
        exit: Exit::Ok,
        summary: None,
        error: None,
        next_run_at: next_sql.as_deref().map(timefmt::sql_to_rfc3339),
    };
    if let Err(why) = next {
        // Written by hand into the catalog, or by an older version: the job stops being
        // scheduled (next_run_at is now empty) until `job update --schedule` fixes it.
        let message =
            format!("job '{}': {why}; it is not scheduled again until `job update --schedule` fixes it", job.name);
        let catalog = env.catalog()?;
        runs::record_unstarted(catalog.conn(), job.id, false, &message)?;
        return Ok(Some(failed(run, &Failure::new(Kind::InvalidState, message).into())));
    }
    let before = runs::newest_execution_id(env.catalog()?.conn(), job.id)?;
    env.note(|| match paused {
        Some(execution) => {
            format!("Job '{}' (slot {slot} UTC): resuming its paused run (execution {execution})", job.name)
        }
        None => format!("Job '{}' (slot {slot} UTC): running", job.name),
    });
    let result = drive_for(env, request).and_then(|drive| match paused {
        Some(execution) => match backup::resume(env, Some(execution), drive.as_deref()) {
            // A paused run that can no longer be resumed does not keep the job from running.
            Err(e) if matches!(classify(&e).0, "invalid_state" | "not_found") => {
                env.note(|| {
                    format!("Job '{}': its paused run cannot be resumed ({e:#}); starting a new set", job.name)
                });
                backup::abandon(env, execution, &format!("given up by the scheduler: {e:#}"))?;
                run.action = "backup";
                backup::run(env, &new_set(job, drive))
            }
            other => other,
        },
        None => backup::run(env, &new_set(job, drive)),
    });
    match result {
        Ok(summary) => {
            if summary.unreadable > 0 {
                run.result = "partial";
                run.exit = Exit::Partial;
            }
            run.summary = Some(backup::summary_json(&summary));
            Ok(Some(run))
        }
        Err(e) if classify(&e).0 == "drive_busy" && runs::is_running(env.catalog()?.conn(), job.id)? => {
            // The job is still writing, started by hand or by a scheduler of another home
            // sharing the drive: this slot is skipped, not failed.
            let catalog = env.catalog()?;
            let skip = record_skip(catalog.conn(), job, &slot, next_sql.as_deref(), "the job was still running")?;
            tell_skip(env, skip, sink);
            Ok(None)
        }
        Err(e) => {
            // A run that failed before it recorded an execution leaves one, so `schedule list`
            // says what happened; one waiting for a tape stays `pending` until the next slot.
            let catalog = env.catalog()?;
            let waiting = classify(&e).1 == Exit::OperatorNeeded;
            // (A resumed run that waits again stays the paused execution it was.)
            if run.action == "backup" && runs::newest_execution_id(catalog.conn(), job.id)? == before {
                runs::record_unstarted(catalog.conn(), job.id, waiting, &format!("{e:#}"))?;
            }
            Ok(Some(failed(run, &e)))
        }
    }
}

fn new_set(job: &jobs::Job, drive: Option<String>) -> Request {
    Request {
        what: What::Job(job.name.clone()),
        backup_type: None,
        cross_fs: false,
        checkpoint: CHECKPOINT,
        input: Input::Tree,
        drive,
    }
}

/// The drive a run takes: the one asked for, else (several enabled) a free one.
fn drive_for(env: &Env, request: &RunDue) -> Result<Option<String>> {
    match &request.drive {
        Some(d) => Ok(Some(d.clone())),
        None => free_drive(env),
    }
}

/// With several drives enabled and none named, the first (by name) that no other process
/// holds: jobs due together go one after another, each on a drive that is free. `None` leaves
/// the choice to the engine (one drive, or none: it says what is wrong).
fn free_drive(env: &Env) -> Result<Option<String>> {
    let catalog = env.catalog()?;
    let enabled: Vec<_> = drives::list(catalog.conn())?.into_iter().filter(|d| d.enabled).collect();
    if enabled.len() < 2 {
        return Ok(None);
    }
    for d in &enabled {
        let Ok(spec) = DeviceSpec::parse(&d.device) else { continue };
        if lock::lock_drive(&spec, "schedule run-due (choosing a drive)", false).is_ok() {
            return Ok(Some(d.name.clone()));
        }
    }
    Err(Failure::new(
        Kind::DriveBusy,
        format!(
            "every enabled drive is in use ({}): the job runs at its next slot",
            enabled.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
    )
    .into())
}

/// `run` as it ended with error `e`.
fn failed(mut run: Run, e: &anyhow::Error) -> Run {
    let (code, exit) = classify(e);
    run.result = match exit {
        Exit::OperatorNeeded => "waiting",
        Exit::Interrupted => "interrupted",
        _ => "failed",
    };
    run.exit = exit;
    let details = e.chain().find_map(|c| c.downcast_ref::<Failure>()).and_then(|f| f.details.clone());
    run.error = Some(json!({"code": code, "message": format!("{e:#}"), "details": details}));
    run
}

/// For every due job with a run still writing: its slot is skipped (another scheduler holds
/// the lock and is running it, or a run started by hand is).
fn skip_running(env: &Env, reason: &str, sink: &mut dyn FnMut(Record)) -> Result<()> {
    let catalog = env.catalog()?;
    for job in jobs::due(catalog.conn(), &timefmt::now_sql())? {
        if runs::is_running(catalog.conn(), job.id)? {
            skip_passed(env, job.id, reason, sink)?;
        }
    }
    Ok(())
}

/// If job `job_id`'s next slot has already passed (it came while the job ran), records it as
/// skipped and moves on to the first slot after now.
fn skip_passed(env: &Env, job_id: i64, reason: &str, sink: &mut dyn FnMut(Record)) -> Result<()> {
    let catalog = env.catalog()?;
    let job = jobs::by_id(catalog.conn(), job_id)?;
    let now = Utc::now();
    let Some(slot) = job.next_run_at.clone().filter(|s| *s <= timefmt::to_sql(now)) else {
        return Ok(());
    };
    let next = slot_after(&job, now).ok().flatten().map(timefmt::to_sql);
    let tx = write_on(catalog.conn())?;
    if !jobs::skip_slot(&tx, job.id, &slot, next.as_deref())? {
        return Ok(());
    }
    let skip = record_skip(&tx, &job, &slot, next.as_deref(), reason)?;
    tx.commit()?;
    tell_skip(env, skip, sink);
    Ok(())
}

/// Records in `tx` that job's `slot` was skipped (audit `schedule.skip`).
fn record_skip(
    tx: &rusqlite::Connection,
    job: &jobs::Job,
    slot: &str,
    next: Option<&str>,
    reason: &str,
) -> Result<Skip> {
    let skip = Skip {
        job: job.name.clone(),
        slot: timefmt::sql_to_rfc3339(slot),
        reason: reason.to_string(),
        next_run_at: next.map(timefmt::sql_to_rfc3339),
    };
    audit::record(tx, "schedule.skip", "job", Some(job.id), serde_json::to_value(&skip)?)?;
    Ok(skip)
}

fn tell_skip(env: &Env, skip: Skip, sink: &mut dyn FnMut(Record)) {
    env.note(|| format!("Job '{}': slot {} skipped: {}", skip.job, skip.slot, skip.reason));
    let notice = Notice {
        kind: "job_missed",
        subject: format!("job '{}' did not run at {}", skip.job, skip.slot),
        body: format!(
            "Job '{}': its slot {} was skipped: {}. It runs next at {}.",
            skip.job,
            skip.slot,
            skip.reason,
            skip.next_run_at.as_deref().unwrap_or("no time (it is not scheduled)")
        ),
        job: Some(skip.job.clone()),
        payload: serde_json::to_value(Record::Skip(skip.clone())).unwrap_or(Value::Null),
    };
    sink(Record::Skip(skip));
    notify(env, &notice);
}

/// Tells the notification targets about a run that needs a person: one that failed or was
/// interrupted (`job_failed`), one that waits for a tape (`tape_needed`). The payload is the
/// run's `schedule run-due --json` line.
fn notify_run(env: &Env, run: &Run) {
    let message = run.error.as_ref().and_then(|e| e["message"].as_str()).unwrap_or_default();
    let next = run.next_run_at.as_deref().unwrap_or("no time (it is not scheduled)");
    let (kind, subject, body) = match run.result {
        "failed" | "interrupted" => (
            "job_failed",
            format!("job '{}' {} (exit {})", run.job, run.result, run.exit as i32),
            format!("Job '{}' (slot {}) {}: {message}\nIt runs next at {next}.", run.job, run.slot, run.result),
        ),
        "waiting" => (
            "tape_needed",
            format!("job '{}' waits for a tape", run.job),
            format!(
                "Job '{}' (slot {}) needs a tape nobody could insert: {message}\nIt is tried again at {next} (or run `tapebackarr backup resume`).",
                run.job, run.slot
            ),
        ),
        _ => return,
    };
    let payload = serde_json::to_value(Record::Run(run.clone())).unwrap_or(Value::Null);
    notify(env, &Notice { kind, subject, body, job: Some(run.job.clone()), payload });
}

/// Expires what retention lets go (`expire`), telling `sink` when a set or tape expired
/// (tapes to recall alone are not news every minute: `expire` and `tape list` show them).
fn expire(env: &Env, dry_run: bool, sink: &mut dyn FnMut(Record)) -> Result<()> {
    let catalog = env.catalog()?;
    let expiry = super::retention::expire(catalog.conn(), Utc::now(), dry_run)?;
    if !(expiry.sets.is_empty() && expiry.tapes.is_empty()) {
        sink(Record::Expire(expiry));
    }
    Ok(())
}

/// What would run now, changing nothing.
fn dry_run(env: &Env, sink: &mut dyn FnMut(Record)) -> Result<Outcome> {
    expire(env, true, sink)?;
    let catalog = env.catalog()?;
    let due = jobs::due(catalog.conn(), &timefmt::now_sql())?;
    for job in &due {
        let paused = runs::paused_execution(catalog.conn(), job.id)?;
        let next = slot_after(job, Utc::now()).ok().flatten().map(timefmt::to_sql);
        sink(Record::Run(Run {
            job: job.name.clone(),
            slot: timefmt::sql_to_rfc3339(job.next_run_at.as_deref().unwrap_or_default()),
            action: if paused.is_some() { "resume" } else { "backup" },
            result: "would_run",
            exit: Exit::Ok,
            summary: None,
            error: None,
            next_run_at: next.as_deref().map(timefmt::sql_to_rfc3339),
        }));
    }
    Ok(Outcome { runs: 0, exit: Exit::Ok })
}

/// An exit code as the number a process exits with.
fn exit_code<S: serde::Serializer>(exit: &Exit, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i32(*exit as i32)
}

/// The worse of two runs' exit codes, for the scheduler's own: a clean run < a partial set <
/// a tape needed < a failure < an interrupted round.
pub fn worse(a: Exit, b: Exit) -> Exit {
    let rank = |e: Exit| match e {
        Exit::Ok => 0,
        Exit::Partial => 1,
        Exit::OperatorNeeded => 2,
        Exit::VerifyMismatch => 3,
        Exit::Usage | Exit::Error => 4,
        Exit::Interrupted => 5,
    };
    if rank(b) > rank(a) { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_run_decides_the_exit_code() {
        let all = [Exit::Ok, Exit::Partial, Exit::OperatorNeeded, Exit::Error, Exit::Interrupted];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i..] {
                assert_eq!(worse(*a, *b), *b, "{a:?} then {b:?}");
                assert_eq!(worse(*b, *a), *b, "{b:?} then {a:?}");
            }
        }
    }
}
