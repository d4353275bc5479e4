//! `notify test`: sends a test notice to one target, records the delivery like any other,
//! and says how it went, so a target can be checked before a night's run depends on it.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::{Catalog, audit, notify};
use crate::cmd::Ctx;
use crate::engine::notify::{deliver, test_notice};
use crate::error::Exit;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Target name
    name: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let target = notify::get(catalog.conn(), &args.name)?;
    let delivery = deliver(&ctx.home, &target, &test_notice(&target.name));
    let tx = catalog.write()?;
    notify::record_delivery(&tx, Some(target.id), &delivery)?;
    let details = json!({"name": target.name, "kind": target.kind, "result": delivery.result,
                         "attempts": delivery.attempts, "error": delivery.error});
    audit::record(&tx, "notify.test", "notification_target", Some(target.id), details)?;
    tx.commit()?;
    let ok = delivery.error.is_none();
    ctx.out.data(&json!({"delivery": delivery}), || match &delivery.error {
        None => format!(
            "Test notification delivered to '{}' ({} attempt(s), {} ms)",
            target.name, delivery.attempts, delivery.duration_ms
        ),
        Some(e) => format!(
            "Test notification to '{}' FAILED after {} attempt(s) ({} ms): {e}",
            target.name, delivery.attempts, delivery.duration_ms
        ),
    });
    if !ok {
        let message = format!("the test notification to '{}' failed", target.name);
        ctx.out.outcome_error("notification_failed", Exit::Error, &message);
        return Ok(Exit::Error);
    }
    Ok(Exit::Ok)
}
