//! `tapebackarr pool …`: create, list, show, update and delete tape pools.

use anyhow::Result;
use clap::Subcommand;
use serde_json::{Value, json};

use super::{Ctx, changes, describe_update};
use crate::catalog::audit;
use crate::catalog::pools::{self, AllocationPolicy, NewPool, Pool};
use crate::error::{Exit, Failure};
use crate::output::{fields, or_dash, table, when};
use crate::values::{one_of, parse_days, parse_name};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a pool
    #[command(after_help = "Examples:
  tapebackarr pool create weekly --retention-days 28
  tapebackarr pool create archive --retention-days 0 --no-reuse --description 'kept forever'
  tapebackarr pool create daily --allocation-policy always")]
    Create {
        /// Pool name (letters, digits, '.', '_', '-')
        #[arg(value_parser = parse_name)]
        name: String,
        /// Free text shown in listings
        #[arg(long)]
        description: Option<String>,
        /// Days a tape's sets are kept before the tape may be reused (0 = forever)
        #[arg(long, value_name = "DAYS", default_value = "0", value_parser = parse_days, allow_hyphen_values = true)]
        retention_days: i64,
        /// How backups pick tapes: continue (fill the active tape, then a blank, then an
        /// expired one) or always (a fresh tape every run)
        #[arg(long, value_name = "POLICY", default_value = "continue", value_parser = one_of::<AllocationPolicy>(&AllocationPolicy::NAMES))]
        allocation_policy: AllocationPolicy,
        /// Never reuse this pool's tapes, even when their retention has passed
        #[arg(long)]
        no_reuse: bool,
    },
    /// List pools with their tape and job counts
    #[command(after_help = "Examples:\n  tapebackarr pool list\n  tapebackarr pool list --json | jq '.pools[].name'")]
    List,
    /// Show one pool
    #[command(after_help = "Example:\n  tapebackarr pool show weekly")]
    Show {
        /// Pool name
        name: String,
    },
    /// Change a pool's settings
    #[command(after_help = "Examples:
  tapebackarr pool update weekly --retention-days 35
  tapebackarr pool update weekly --rename weekly-lto9 --allocation-policy always")]
    Update {
        /// Pool name
        name: String,
        /// New name
        #[arg(long, value_name = "NEW_NAME", value_parser = parse_name)]
        rename: Option<String>,
        /// New description ('' clears it)
        #[arg(long)]
        description: Option<String>,
        /// Days a tape's sets are kept (0 = forever)
        #[arg(long, value_name = "DAYS", value_parser = parse_days, allow_hyphen_values = true)]
        retention_days: Option<i64>,
        /// continue or always
        #[arg(long, value_name = "POLICY", value_parser = one_of::<AllocationPolicy>(&AllocationPolicy::NAMES))]
        allocation_policy: Option<AllocationPolicy>,
        /// Whether expired tapes may be reused
        #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
        allow_reuse: Option<bool>,
    },
    /// Delete an empty pool (one with no tapes and no jobs)
    #[command(after_help = "Example:\n  tapebackarr pool delete scratch")]
    Delete {
        /// Pool name
        name: String,
    },
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Create { name, description, retention_days, allocation_policy, no_reuse } => {
            let tx = catalog.write()?;
            let new = NewPool {
                name: &name,
                description: description.as_deref().filter(|d| !d.is_empty()),
                retention_days,
                allow_reuse: !no_reuse,
                allocation_policy,
            };
            let id = pools::insert(&tx, &new)?;
            let pool = pools::by_id(&tx, id)?;
            let doc = serde_json::to_value(&pool)?;
            audit::record(&tx, "pool.create", "pool", Some(id), json!({"pool": &doc}))?;
            tx.commit()?;
            ctx.out.done(&json!({"pool": doc}), || format!("Created pool '{name}' (id {id})"));
        }
        Command::List => {
            let conn = catalog.conn();
            let mut docs = Vec::new();
            let mut rows = Vec::new();
            for pool in pools::list(conn)? {
                let usage = pools::usage(conn, pool.id)?;
                rows.push(vec![
                    pool.name.clone(),
                    usage.tapes.to_string(),
                    usage.jobs.to_string(),
                    retention(pool.retention_days),
                    pool.allocation_policy.as_str().into(),
                    yes_no(pool.allow_reuse),
                    or_dash(pool.description.as_deref()),
                ]);
                docs.push(with_usage(&pool, &usage)?);
            }
            ctx.out.data(&json!({"pools": docs}), || {
                if rows.is_empty() {
                    "No pools. Create one with: tapebackarr pool create NAME".into()
                } else {
                    table(&["name", "tapes", "jobs", "retention", "policy", "reuse", "description"], rows)
                }
            });
        }
        Command::Show { name } => {
            let conn = catalog.conn();
            let pool = pools::get(conn, &name)?;
            let usage = pools::usage(conn, pool.id)?;
            let by_status = pools::tapes_by_status(conn, pool.id)?;
            let mut doc = with_usage(&pool, &usage)?;
            doc["tapes_by_status"] =
                by_status.iter().map(|(s, n)| (s.clone(), json!(n))).collect::<serde_json::Map<_, _>>().into();
            let status_text = by_status.iter().map(|(s, n)| format!("{n} {s}")).collect::<Vec<_>>().join(", ");
            ctx.out.data(&json!({"pool": doc}), || {
                fields(&[
                    ("name", pool.name.clone()),
                    ("id", pool.id.to_string()),
                    ("description", or_dash(pool.description.as_deref())),
                    ("retention", retention(pool.retention_days)),
                    ("allocation policy", pool.allocation_policy.as_str().into()),
                    ("reuse tapes", yes_no(pool.allow_reuse)),
                    (
                        "tapes",
                        if status_text.is_empty() { "0".into() } else { format!("{} ({status_text})", usage.tapes) },
                    ),
                    ("jobs", usage.jobs.to_string()),
                    ("created", when(&pool.created_at)),
                    ("updated", when(&pool.updated_at)),
                ])
            });
        }
        Command::Update { name, rename, description, retention_days, allocation_policy, allow_reuse } => {
            let tx = catalog.write()?;
            let mut pool = pools::get(&tx, &name)?;
            let before = serde_json::to_value(&pool)?;
            if let Some(new_name) = rename.filter(|n| *n != pool.name) {
                if pools::find(&tx, &new_name)?.is_some() {
                    return Err(Failure::already_exists("pool", &new_name).into());
                }
                pool.name = new_name;
            }
            if let Some(d) = description {
                pool.description = Some(d).filter(|d| !d.is_empty());
            }
            pool.retention_days = retention_days.unwrap_or(pool.retention_days);
            pool.allocation_policy = allocation_policy.unwrap_or(pool.allocation_policy);
            pool.allow_reuse = allow_reuse.unwrap_or(pool.allow_reuse);
            let diff = changes(&before, &serde_json::to_value(&pool)?);
            if diff.as_object().is_some_and(|d| !d.is_empty()) {
                pools::save(&tx, &pool)?;
                audit::record(&tx, "pool.update", "pool", Some(pool.id), json!({"name": name, "changes": &diff}))?;
            }
            let after = serde_json::to_value(pools::by_id(&tx, pool.id)?)?;
            tx.commit()?;
            ctx.out.done(&json!({"pool": after, "changes": diff}), || describe_update("pool", &name, &diff));
        }
        Command::Delete { name } => {
            let tx = catalog.write()?;
            let pool = pools::get(&tx, &name)?;
            let usage = pools::usage(&tx, pool.id)?;
            if usage.tapes + usage.jobs + usage.proxmox_jobs > 0 {
                return Err(Failure::in_use(format!(
                    "pool '{name}' still has {} tape(s), {} job(s) and {} Proxmox job(s): move or delete them first",
                    usage.tapes, usage.jobs, usage.proxmox_jobs
                ))
                .into());
            }
            pools::delete(&tx, pool.id)?;
            let doc = serde_json::to_value(&pool)?;
            audit::record(&tx, "pool.delete", "pool", Some(pool.id), json!({"pool": &doc}))?;
            tx.commit()?;
            ctx.out.done(&json!({"deleted": doc}), || format!("Deleted pool '{name}'"));
        }
    }
    Ok(Exit::Ok)
}

fn with_usage(pool: &Pool, usage: &pools::Usage) -> Result<Value> {
    let mut doc = serde_json::to_value(pool)?;
    doc["tape_count"] = json!(usage.tapes);
    doc["job_count"] = json!(usage.jobs);
    Ok(doc)
}

fn retention(days: i64) -> String {
    if days == 0 { "forever".into() } else { format!("{days} days") }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}
