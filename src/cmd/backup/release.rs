//! `backup release SET`: lifts a legal hold; the set expires again by its retention.

use anyhow::Result;
use serde_json::json;

use super::hold::live_set;
use crate::catalog::{audit, retention};
use crate::cmd::Ctx;
use crate::error::Exit;

#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// Set number (from backup list)
    pub set: i64,
}

pub(super) fn exec(ctx: &Ctx, args: ReleaseArgs) -> Result<Exit> {
    let ReleaseArgs { set } = args;
    let mut catalog = ctx.catalog()?;
    let tx = catalog.write()?;
    let before = live_set(&tx, set, "released")?;
    let changed = retention::release(&tx, set)?;
    if changed {
        let details = json!({"job": before.job, "backup_type": before.backup_type, "reason": before.hold_reason});
        audit::record(&tx, "set.release", "backup_set", Some(set), details)?;
    }
    tx.commit()?;
    let doc = json!({"set": set, "hold": false, "changed": changed});
    ctx.out.done(&doc, || {
        if changed {
            format!("Set {set} is no longer held: it expires by its retention (see backup show {set})")
        } else {
            format!("Set {set} was not held")
        }
    });
    Ok(Exit::Ok)
}
