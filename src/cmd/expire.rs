//! `tapebackarr expire`: applies retention now (`engine::retention::expire`) and says what
//! expired, which tapes are free again and which exported tapes to bring back.

use super::Ctx;
use crate::engine::retention::{self, ExpiredTape, Expiry};
use crate::error::Exit;
use crate::output::{or_dash, when};
use anyhow::Result;

#[derive(Debug, clap::Args)]
#[command(after_help = "A completed set is kept for its job's retention days, but at least its pool's (the pool's
retention is the floor); 0 in either keeps it forever. An incremental chain (a full and the
incrementals built on it) expires only as a whole, once its newest member is past retention.
Failed and cancelled sets expire at once; runs not finished (paused, resumable) never do; a
set under legal hold (`backup hold`) never does, nor does its chain.

An expired set keeps its row (history) but its catalog entries and snapshot are deleted:
it can no longer be restored or searched through the catalog. A tape whose sets have all
expired becomes `expired` and the next backup of its pool may reuse it (erased after its
label). An exported tape stays exported and is listed for recall: `tape import` it, and the
next expire frees it.

Examples:
  tapebackarr expire --dry-run
  tapebackarr expire
  tapebackarr expire --json | jq '.tapes[].label'")]
pub struct Args {
    /// Say what would expire, changing nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn exec(ctx: &Ctx, args: Args) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let expiry = retention::expire(catalog.conn(), chrono::Utc::now(), args.dry_run)?;
    let doc = serde_json::to_value(&expiry)?;
    if args.dry_run {
        ctx.out.data(&doc, || describe(&expiry));
    } else {
        ctx.out.done(&doc, || describe(&expiry));
    }
    Ok(Exit::Ok)
}

pub(crate) fn describe(e: &Expiry) -> String {
    let (sets_verb, tapes_verb) = if e.dry_run { ("would expire", "would be") } else { ("expired", "are") };
    if e.sets.is_empty() && e.tapes.is_empty() && e.recall.is_empty() {
        return "Nothing is due to expire.".into();
    }
    let mut lines = Vec::new();
    if !e.sets.is_empty() {
        lines.push(format!(
            "{} {} set(s), {} catalog entries:",
            if e.dry_run { "Would expire" } else { "Expired" },
            e.sets.len(),
            e.entries_deleted
        ));
        for s in &e.sets {
            let kept = match (s.status.as_str(), s.retention_days) {
                ("completed", Some(days)) => format!("kept {days} days"),
                (status, _) => status.to_string(),
            };
            lines.push(format!(
                "  set {} ({} of job '{}', {}, {kept})",
                s.id,
                s.backup_type,
                s.job,
                ended_for_people(s.completed.as_deref())
            ));
        }
    }
    let tape_line =
        |t: &ExpiredTape| format!("  {} (pool {}, was {})", t.label, or_dash(t.pool.as_deref()), t.from.as_str());
    if !e.tapes.is_empty() {
        lines.push(format!("Tapes that {tapes_verb} free for reuse (expired):"));
        lines.extend(e.tapes.iter().map(tape_line));
    }
    if !e.recall.is_empty() {
        lines.push("Exported tapes whose sets all expired: bring them back (tape import) to reuse them:".into());
        lines.extend(e.recall.iter().map(|t| {
            format!(
                "  {} (pool {}, at {})",
                t.label,
                or_dash(t.pool.as_deref()),
                or_dash(t.offsite_location.as_deref())
            )
        }));
    }
    if e.sets.is_empty() {
        lines.insert(0, format!("No set {sets_verb}."));
    }
    lines.join("\n")
}

/// An RFC 3339 time from the JSON document as people read catalog times: `… UTC`.
fn ended_for_people(rfc3339: Option<&str>) -> String {
    let sql = rfc3339
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| crate::timefmt::to_sql(t.with_timezone(&chrono::Utc)));
    when(&sql)
}
