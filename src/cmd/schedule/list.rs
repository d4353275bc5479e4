//! `schedule list`: every job with its schedule, how its last run went, and when it runs
//! next; runs waiting for a tape are spelled out under the table.

use anyhow::Result;
use serde::Serialize;
use serde_json::json;

use crate::catalog::jobs;
use crate::catalog::runs::{self, Execution};
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::{or_dash, table, when};

pub const HELP: &str = "\
RESULT is how the job's newest run went: completed, partial (some files unreadable), failed,
running, paused (stopped, e.g. a full tape nobody changed: the next slot or `backup resume`
finishes it) or waiting (a scheduled run found no usable tape, exit 4: tried again at the
next slot). Times are UTC; schedules are evaluated in the machine's local time zone.

Examples:
  tapebackarr schedule list
  tapebackarr schedule list --json | jq '.jobs[] | select(.result == \"waiting\")'";

#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
struct Row {
    job: String,
    schedule: Option<String>,
    enabled: bool,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    last_run_at: Option<String>,
    /// The newest run's result (see the help), null when the job never ran.
    result: Option<&'static str>,
    last_execution: Option<Execution>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    next_run_at: Option<String>,
}

/// The word for how execution `e` ended.
fn result_of(e: &Execution) -> &'static str {
    match e.status.as_str() {
        "completed" if e.message.is_some() => "partial",
        "completed" => "completed",
        "pending" => "waiting",
        "paused" => "paused",
        "running" => "running",
        "cancelled" => "cancelled",
        _ => "failed",
    }
}

pub fn exec(ctx: &Ctx, _args: Args) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let conn = catalog.conn();
    let mut rows = Vec::new();
    for job in jobs::list(conn)? {
        let last = runs::latest_execution(conn, job.id)?;
        rows.push(Row {
            job: job.name,
            schedule: job.schedule_cron,
            enabled: job.enabled,
            last_run_at: job.last_run_at,
            result: last.as_ref().map(result_of),
            last_execution: last,
            next_run_at: job.next_run_at,
        });
    }
    let offset = chrono::Local::now().format("%:z").to_string();
    ctx.out.data(&json!({"jobs": rows, "utc_offset": offset}), || {
        if rows.is_empty() {
            return "No jobs.".into();
        }
        let cells = rows
            .iter()
            .map(|r| {
                vec![
                    r.job.clone(),
                    or_dash(r.schedule.as_deref()),
                    if r.enabled { "yes" } else { "no" }.into(),
                    when(&r.last_run_at),
                    match (&r.result, &r.last_execution) {
                        (Some(word), Some(e)) => match e.set {
                            Some(set) => format!("{word} (set {set})"),
                            None => word.to_string(),
                        },
                        _ => "-".into(),
                    },
                    if r.enabled { when(&r.next_run_at) } else { "- (disabled)".into() },
                ]
            })
            .collect();
        let mut text = table(&["job", "schedule", "enabled", "last run", "result", "next run"], cells);
        for r in &rows {
            if let (Some("waiting" | "paused" | "failed"), Some(e)) = (r.result, &r.last_execution) {
                text.push_str(&format!(
                    "\n{} {}: {}",
                    r.job,
                    r.result.unwrap_or_default(),
                    or_dash(e.message.as_deref())
                ));
            }
        }
        text.push_str(&format!("\nSchedules are in local time (UTC{offset} now); times shown are UTC."));
        text
    });
    Ok(Exit::Ok)
}
