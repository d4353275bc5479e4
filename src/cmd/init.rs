//! `tapebackarr init`: creates the home directory and the catalog, or brings an existing
//! catalog's schema up to date. Running it again is harmless.

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use crate::catalog::Catalog;
use crate::error::Exit;
use crate::pathjson;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tapebackarr init
  tapebackarr --home /srv/tapebackarr init
  TAPEBACKARR_HOME=/tmp/demo tapebackarr init --json")]
pub struct Args {}

pub fn exec(ctx: &Ctx, _args: Args) -> Result<Exit> {
    let (catalog, m) = Catalog::init(&ctx.home)?;
    let state = if m.from_version == m.to_version {
        "unchanged"
    } else if m.from_version == 0 {
        "created"
    } else {
        "upgraded"
    };
    let doc = json!({
        "home": pathjson::to_json(&ctx.home),
        "catalog": pathjson::to_json(catalog.path()),
        "schema_version": m.to_version,
        "previous_version": m.from_version,
        "state": state,
    });
    ctx.out.done(&doc, || match state {
        "created" => format!("Created catalog {} (schema version {})", catalog.path().display(), m.to_version),
        "upgraded" => format!(
            "Upgraded catalog {} from schema version {} to {}",
            catalog.path().display(),
            m.from_version,
            m.to_version
        ),
        _ => format!("Catalog {} is up to date (schema version {})", catalog.path().display(), m.to_version),
    });
    Ok(Exit::Ok)
}
