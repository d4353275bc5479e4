//! `backup hold SET`: a legal hold, which keeps a set and its incremental chain from ever
//! expiring until `backup release`.

use anyhow::Result;
use serde_json::json;

use crate::catalog::{audit, retention, sets};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};

#[derive(Debug, clap::Args)]
pub struct HoldArgs {
    /// Set number (from backup list)
    pub set: i64,
    /// Why it is held (shown by backup show; replaces an earlier reason)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

pub(super) fn exec(ctx: &Ctx, args: HoldArgs) -> Result<Exit> {
    let HoldArgs { set, reason } = args;
    let reason = reason.filter(|r| !r.trim().is_empty());
    let mut catalog = ctx.catalog()?;
    let tx = catalog.write()?;
    let before = live_set(&tx, set, "held")?;
    let changed = retention::hold(&tx, set, reason.as_deref())?;
    let after = sets::get(&tx, set)?;
    if changed {
        let details = json!({"job": after.job, "backup_type": after.backup_type, "reason": after.hold_reason,
            "was_held": before.hold});
        audit::record(&tx, "set.hold", "backup_set", Some(set), details)?;
    }
    tx.commit()?;
    let doc = json!({"set": set, "hold": true, "hold_reason": after.hold_reason, "changed": changed});
    ctx.out.done(&doc, || match (changed, &after.hold_reason) {
        (false, _) => format!("Set {set} is held already"),
        (true, Some(why)) => format!("Set {set} is held ({why}): it and its incremental chain never expire"),
        (true, None) => format!("Set {set} is held: it and its incremental chain never expire"),
    });
    Ok(Exit::Ok)
}

/// Set `id`, refused (`invalid_state`) when it has expired: it can no longer be `what`.
pub(super) fn live_set(conn: &rusqlite::Connection, id: i64, what: &str) -> Result<sets::Set> {
    let set = sets::get(conn, id)?;
    if let Some(when) = &set.expired_at {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("set {id} expired on {when} UTC: its entries were removed from the catalog; it cannot be {what}"),
        )
        .into());
    }
    Ok(set)
}
