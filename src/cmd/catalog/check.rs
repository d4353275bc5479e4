//! `tapebackarr catalog check`: is the catalog consistent with itself? The checks are
//! `catalog::consistency`'s; this reports them. It reads only; a problem is exit 1 with every
//! finding listed.

use anyhow::Result;
use clap::Args;
use serde_json::json;

use crate::catalog::consistency::{self, Findings};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tapebackarr catalog check
  tapebackarr catalog check --json | jq .problems")]
pub struct CheckArgs {}

pub fn exec(ctx: &Ctx, _args: CheckArgs) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let Findings { checks, problems, running_sets: running } = consistency::check(catalog.conn())?;
    let ok = problems.is_empty();
    let doc = json!({"ok": ok, "checks": checks, "problems": problems, "running_sets": running});
    ctx.out.data(&doc, || {
        let mut text = if ok {
            format!("Catalog consistent: {checks} checks passed")
        } else {
            format!("Catalog INCONSISTENT ({} problem(s)):", problems.len())
        };
        for p in &problems {
            text.push_str(&format!("\n  {p}"));
        }
        if !running.is_empty() {
            text.push_str(&format!(
                "\nnote: set(s) {running:?} are marked running: a backup is under way, or one was cut off \
                 (the next backup on that tape marks it failed)"
            ));
        }
        text
    });
    if ok {
        Ok(Exit::Ok)
    } else {
        Err(Failure::new(Kind::InvalidState, format!("the catalog has {} problem(s) (listed above)", problems.len()))
            .into())
    }
}
