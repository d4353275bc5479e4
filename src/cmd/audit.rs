//! `tapebackarr audit list`: the trail of every change, who made it and what changed.

use anyhow::Result;
use clap::Subcommand;
use serde_json::json;

use super::Ctx;
use crate::catalog::audit::{self, Filter};
use crate::error::Exit;
use crate::output::table;
use crate::timefmt;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List audit entries, oldest first
    #[command(after_help = "Examples:
  tapebackarr audit list --since 7d
  tapebackarr audit list --resource pool --since 2026-01-01
  tapebackarr audit list --resource job:3 --json")]
    List {
        /// Only entries at or after this time: YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (UTC), RFC 3339,
        /// or an age such as 12h, 7d, 2w
        #[arg(long, value_name = "WHEN", value_parser = timefmt::parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// Only entries about this kind of resource (pool, source, job, catalog…), or one
        /// resource as TYPE:ID
        #[arg(long, value_name = "TYPE[:ID]", value_parser = parse_resource)]
        resource: Option<(String, Option<i64>)>,
        /// At most this many entries (the newest)
        #[arg(long, value_name = "N", default_value = "100")]
        limit: u32,
    },
}

fn parse_resource(s: &str) -> Result<(String, Option<i64>), String> {
    match s.split_once(':') {
        None if !s.is_empty() => Ok((s.to_string(), None)),
        Some((kind, id)) if !kind.is_empty() => match id.parse() {
            Ok(id) => Ok((kind.to_string(), Some(id))),
            Err(_) => Err(format!("'{s}': the part after ':' must be a numeric id")),
        },
        _ => Err(format!("'{s}' is not a resource: write TYPE or TYPE:ID, e.g. pool or job:3")),
    }
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let Command::List { since, resource, limit } = cmd;
    let filter = Filter {
        since: since.map(timefmt::to_sql),
        resource_type: resource.as_ref().map(|(t, _)| t.as_str()),
        resource_id: resource.as_ref().and_then(|(_, id)| *id),
        limit,
    };
    let entries = audit::list(catalog.conn(), &filter)?;
    let docs: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "time": timefmt::sql_to_rfc3339(&e.created_at),
                "action": e.action,
                "resource_type": e.resource_type,
                "resource_id": e.resource_id,
                "user": e.details.get("os_user"),
                "details": e.details,
            })
        })
        .collect();
    ctx.out.data(&json!({"entries": docs}), || {
        if entries.is_empty() {
            return "No audit entries match.".into();
        }
        let rows = entries
            .iter()
            .map(|e| {
                vec![
                    e.created_at.clone(),
                    e.action.clone(),
                    match e.resource_id {
                        Some(id) => format!("{}:{id}", e.resource_type),
                        None => e.resource_type.clone(),
                    },
                    e.details.get("os_user").and_then(|u| u.as_str()).unwrap_or("-").to_string(),
                    summary(&e.details),
                ]
            })
            .collect();
        table(&["time (utc)", "action", "resource", "user", "details"], rows)
    });
    Ok(Exit::Ok)
}

/// The details without the user fields, compact, for the table.
fn summary(details: &serde_json::Value) -> String {
    let mut d = details.clone();
    if let Some(map) = d.as_object_mut() {
        map.remove("os_user");
        map.remove("uid");
    }
    let text = d.to_string();
    if text.chars().count() > 100 { format!("{}…", text.chars().take(99).collect::<String>()) } else { text }
}
