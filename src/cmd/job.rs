//! `tapebackarr job …`: define backup jobs (what, where, how, when) and switch them on/off.

use anyhow::Result;
use clap::Subcommand;
use serde_json::json;

use super::{Ctx, changes, describe_update};
use crate::catalog::jobs::{self, BackupType, Job};
use crate::catalog::{audit, keys, pools, sources};
use crate::error::{Exit, Failure};
use crate::output::{fields, or_dash, table, when};
use crate::pipeline::compression::Compression;
use crate::values::{one_of, parse_compression, parse_days, parse_name, parse_schedule};

/// `--full-every DAYS`: a whole number of days, 0 or more.
fn parse_full_every(s: &str) -> Result<i64, String> {
    parse_days(s).map_err(|e| e.replace("retention", "--full-every"))
}

const SCHEDULE_HELP: &str = "Schedules are 5 cron fields (minute hour day-of-month month day-of-week, local time)
or @hourly, @daily, @weekly, @monthly, @yearly. The next run is computed and stored.";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a job
    #[command(after_help = format!("{SCHEDULE_HELP}

Examples:
  tapebackarr job create nightly --source home --pool weekly --schedule '0 2 * * *'
  tapebackarr job create nightly-inc --source home --pool weekly --type incremental \\
      --schedule '30 1 * * MON-SAT' --compression zstd:6 --encryption-key offsite"))]
    Create {
        /// Job name (letters, digits, '.', '_', '-')
        #[arg(value_parser = parse_name)]
        name: String,
        /// The source to back up
        #[arg(long)]
        source: String,
        /// The pool to write to
        #[arg(long)]
        pool: String,
        /// full or incremental
        #[arg(long = "type", value_name = "TYPE", default_value = "full", value_parser = one_of::<BackupType>(&BackupType::NAMES))]
        backup_type: BackupType,
        /// When to run (cron); none = only when started by hand
        #[arg(long, value_name = "CRON", value_parser = parse_schedule)]
        schedule: Option<String>,
        /// Days the job's sets are kept
        #[arg(long, value_name = "DAYS", default_value = "30", value_parser = parse_days, allow_hyphen_values = true)]
        retention_days: i64,
        /// Incremental jobs: run a full once the chain's full is this many days old, so old
        /// chains can expire [default: never]
        #[arg(long, value_name = "DAYS", value_parser = parse_full_every, allow_hyphen_values = true)]
        full_every: Option<i64>,
        /// none, zstd or zstd:LEVEL (1-19)
        #[arg(long, value_name = "SPEC", default_value = "none", value_parser = parse_compression)]
        compression: Compression,
        /// Encrypt with this key (AES-256-GCM)
        #[arg(long, value_name = "KEY")]
        encryption_key: Option<String>,
        /// Create it disabled
        #[arg(long)]
        disabled: bool,
    },
    /// List jobs
    #[command(
        after_help = "Examples:\n  tapebackarr job list\n  tapebackarr job list --json | jq -r '.jobs[] | select(.enabled) | .name'"
    )]
    List,
    /// Show one job
    #[command(after_help = "Example:\n  tapebackarr job show nightly")]
    Show {
        /// Job name
        name: String,
    },
    /// Change a job
    #[command(after_help = format!("{SCHEDULE_HELP}

Examples:
  tapebackarr job update nightly --schedule '0 3 * * *' --compression zstd
  tapebackarr job update nightly --no-schedule --no-encryption"))]
    Update {
        /// Job name
        name: String,
        /// New name
        #[arg(long, value_name = "NEW_NAME", value_parser = parse_name)]
        rename: Option<String>,
        /// Another source
        #[arg(long)]
        source: Option<String>,
        /// Another pool
        #[arg(long)]
        pool: Option<String>,
        /// full or incremental
        #[arg(long = "type", value_name = "TYPE", value_parser = one_of::<BackupType>(&BackupType::NAMES))]
        backup_type: Option<BackupType>,
        /// New schedule (cron)
        #[arg(long, value_name = "CRON", value_parser = parse_schedule, conflicts_with = "no_schedule")]
        schedule: Option<String>,
        /// Remove the schedule: the job runs only when started by hand
        #[arg(long)]
        no_schedule: bool,
        /// Days the job's sets are kept
        #[arg(long, value_name = "DAYS", value_parser = parse_days, allow_hyphen_values = true)]
        retention_days: Option<i64>,
        /// Incremental jobs: run a full once the chain's full is this many days old (0: never)
        #[arg(long, value_name = "DAYS", value_parser = parse_full_every, allow_hyphen_values = true)]
        full_every: Option<i64>,
        /// none, zstd or zstd:LEVEL (1-19)
        #[arg(long, value_name = "SPEC", value_parser = parse_compression)]
        compression: Option<Compression>,
        /// Encrypt with this key
        #[arg(long, value_name = "KEY", conflicts_with = "no_encryption")]
        encryption_key: Option<String>,
        /// Stop encrypting new sets
        #[arg(long)]
        no_encryption: bool,
    },
    /// Delete a job that has never produced a backup set
    #[command(after_help = "A job with backup sets cannot be deleted (its sets would lose their job); disable it.

Example:\n  tapebackarr job delete test-job")]
    Delete {
        /// Job name
        name: String,
    },
    /// Enable a job: its schedule applies again
    #[command(after_help = "Example:\n  tapebackarr job enable nightly")]
    Enable {
        /// Job name
        name: String,
    },
    /// Disable a job: it is not run by its schedule
    #[command(after_help = "Example:\n  tapebackarr job disable nightly")]
    Disable {
        /// Job name
        name: String,
    },
}

use crate::engine::schedule::next_run_at as next_run;

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Create {
            name,
            source,
            pool,
            backup_type,
            schedule,
            retention_days,
            full_every,
            compression,
            encryption_key,
            disabled,
        } => {
            let tx = catalog.write()?;
            let source = sources::get(&tx, &source)?;
            let pool = pools::get(&tx, &pool)?;
            let key_id = encryption_key.as_deref().map(|k| keys::id_by_name(&tx, k)).transpose()?;
            let mut job = Job {
                schedule_cron: schedule,
                retention_days,
                full_every_days: full_every.unwrap_or(0),
                enabled: !disabled,
                compression: compression.to_string(),
                encryption_enabled: key_id.is_some(),
                encryption_key_id: key_id,
                encryption_key_name: encryption_key,
                ..Job::new(&name, &source, &pool, backup_type)
            };
            job.next_run_at = next_run(&job)?;
            let id = jobs::insert(&tx, &job)?;
            let doc = serde_json::to_value(jobs::get(&tx, &name)?)?;
            audit::record(&tx, "job.create", "job", Some(id), json!({"job": &doc}))?;
            tx.commit()?;
            ctx.out.done(&json!({"job": doc}), || {
                let next = job.next_run_at.as_ref().map(|t| format!(", next run {t} UTC")).unwrap_or_default();
                format!("Created job '{name}' (id {id}){next}")
            });
        }
        Command::List => {
            let list = jobs::list(catalog.conn())?;
            let rows = list
                .iter()
                .map(|j| {
                    vec![
                        j.name.clone(),
                        j.source_name.clone(),
                        j.pool_name.clone(),
                        j.backup_type.as_str().into(),
                        or_dash(j.schedule_cron.as_deref()),
                        if j.enabled { "yes" } else { "no" }.into(),
                        j.compression.clone(),
                        or_dash(j.encryption_key_name.as_deref()),
                        when(&j.next_run_at),
                    ]
                })
                .collect::<Vec<_>>();
            ctx.out.data(&json!({"jobs": list}), || {
                if rows.is_empty() {
                    "No jobs. Create one with: tapebackarr job create NAME --source S --pool P".into()
                } else {
                    table(
                        &["name", "source", "pool", "type", "schedule", "enabled", "compression", "key", "next run"],
                        rows,
                    )
                }
            });
        }
        Command::Show { name } => {
            let j = jobs::get(catalog.conn(), &name)?;
            ctx.out.data(&json!({"job": j}), || {
                fields(&[
                    ("name", j.name.clone()),
                    ("id", j.id.to_string()),
                    ("source", j.source_name.clone()),
                    ("pool", j.pool_name.clone()),
                    ("type", j.backup_type.as_str().into()),
                    ("schedule", or_dash(j.schedule_cron.as_deref())),
                    ("enabled", if j.enabled { "yes" } else { "no" }.into()),
                    ("retention", format!("{} days", j.retention_days)),
                    (
                        "full every",
                        match j.full_every_days {
                            0 => "-".into(),
                            n => format!("{n} days"),
                        },
                    ),
                    ("compression", j.compression.clone()),
                    ("encryption key", or_dash(j.encryption_key_name.as_deref())),
                    ("last run", when(&j.last_run_at)),
                    ("next run", when(&j.next_run_at)),
                    ("created", when(&j.created_at)),
                    ("updated", when(&j.updated_at)),
                ])
            });
        }
        Command::Update {
            name,
            rename,
            source,
            pool,
            backup_type,
            schedule,
            no_schedule,
            retention_days,
            full_every,
            compression,
            encryption_key,
            no_encryption,
        } => {
            let tx = catalog.write()?;
            let mut j = jobs::get(&tx, &name)?;
            let before = serde_json::to_value(&j)?;
            if let Some(new_name) = rename.filter(|n| *n != j.name) {
                if jobs::find(&tx, &new_name)?.is_some() {
                    return Err(Failure::already_exists("job", &new_name).into());
                }
                j.name = new_name;
            }
            if let Some(s) = source {
                let s = sources::get(&tx, &s)?;
                (j.source_id, j.source_name) = (s.id, s.name);
            }
            if let Some(p) = pool {
                let p = pools::get(&tx, &p)?;
                (j.pool_id, j.pool_name) = (p.id, p.name);
            }
            j.backup_type = backup_type.unwrap_or(j.backup_type);
            if schedule.is_some() {
                j.schedule_cron = schedule;
            }
            if no_schedule {
                j.schedule_cron = None;
            }
            j.retention_days = retention_days.unwrap_or(j.retention_days);
            j.full_every_days = full_every.unwrap_or(j.full_every_days);
            if let Some(c) = compression {
                j.compression = c.to_string();
            }
            if let Some(k) = encryption_key {
                j.encryption_key_id = Some(keys::id_by_name(&tx, &k)?);
                j.encryption_key_name = Some(k);
                j.encryption_enabled = true;
            }
            if no_encryption {
                (j.encryption_key_id, j.encryption_key_name, j.encryption_enabled) = (None, None, false);
            }
            // Only a new schedule moves the next run: an unrelated change must not drop a slot
            // that is due and waiting for `schedule run-due`.
            if j.schedule_cron.as_deref() != before["schedule"].as_str() {
                j.next_run_at = next_run(&j)?;
            }
            let diff = save_if_changed(&tx, "job.update", &name, &before, &j)?;
            let after = jobs::get(&tx, &j.name)?;
            tx.commit()?;
            ctx.out.done(&json!({"job": after, "changes": diff}), || describe_update("job", &name, &diff));
        }
        Command::Enable { name } => set_enabled(ctx, &mut catalog, &name, true)?,
        Command::Disable { name } => set_enabled(ctx, &mut catalog, &name, false)?,
        Command::Delete { name } => {
            let tx = catalog.write()?;
            let j = jobs::get(&tx, &name)?;
            let h = jobs::history(&tx, j.id)?;
            if h.backup_sets + h.executions + h.spanning_sets > 0 {
                return Err(Failure::in_use(format!(
                    "job '{name}' has {} backup set(s) and {} run(s) on record; disable it instead (job disable {name})",
                    h.backup_sets, h.executions
                ))
                .into());
            }
            jobs::delete(&tx, j.id)?;
            let doc = serde_json::to_value(&j)?;
            audit::record(&tx, "job.delete", "job", Some(j.id), json!({"job": &doc}))?;
            tx.commit()?;
            ctx.out.done(&json!({"deleted": doc}), || format!("Deleted job '{name}'"));
        }
    }
    Ok(Exit::Ok)
}

fn set_enabled(ctx: &Ctx, catalog: &mut crate::catalog::Catalog, name: &str, enabled: bool) -> Result<()> {
    let tx = catalog.write()?;
    let mut j = jobs::get(&tx, name)?;
    let before = serde_json::to_value(&j)?;
    j.enabled = enabled;
    j.next_run_at = next_run(&j)?;
    let action = if enabled { "job.enable" } else { "job.disable" };
    let diff = save_if_changed(&tx, action, name, &before, &j)?;
    let after = jobs::get(&tx, name)?;
    tx.commit()?;
    ctx.out.done(&json!({"job": after, "changes": diff}), || {
        let state = if enabled { "enabled" } else { "disabled" };
        let next = after.next_run_at.as_ref().map(|t| format!(", next run {t} UTC")).unwrap_or_default();
        format!("Job '{name}' {state}{next}")
    });
    Ok(())
}

/// Saves `job` and records `action` when it differs from `before`; returns the changes.
fn save_if_changed(
    tx: &rusqlite::Connection,
    action: &str,
    name: &str,
    before: &serde_json::Value,
    job: &Job,
) -> Result<serde_json::Value> {
    let diff = changes(before, &serde_json::to_value(job)?);
    if diff.as_object().is_some_and(|d| !d.is_empty()) {
        jobs::save(tx, job)?;
        audit::record(tx, action, "job", Some(job.id), json!({"name": name, "changes": &diff}))?;
    }
    Ok(diff)
}
