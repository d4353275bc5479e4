//! `tape list`: the catalog's tapes, by pool and status.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::Catalog;
use crate::catalog::pools::{self};
use crate::catalog::tapes::{self, TapeStatus};
use crate::cmd::Ctx;
use crate::engine::retention::Outlook;
use crate::error::Exit;
use crate::output::{bytes, or_dash, table};
use crate::values::one_of;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Only tapes of this pool
    #[arg(long)]
    pub pool: Option<String>,
    /// Only tapes with this status
    #[arg(long, value_parser = one_of::<TapeStatus>(&TapeStatus::NAMES))]
    pub status: Option<TapeStatus>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { pool, status } = args;
    let conn = catalog.conn();
    let pool_id = pool.as_deref().map(|p| pools::get(conn, p)).transpose()?.map(|p| p.id);
    let list = tapes::list(conn, pool_id, status)?;
    let outlook = Outlook::at(conn, chrono::Utc::now())?;
    let docs = list
        .iter()
        .map(|t| Ok(super::with_retention(serde_json::to_value(t)?, outlook.tape(t.id))))
        .collect::<Result<Vec<_>>>()?;
    let rows = list
        .iter()
        .map(|t| {
            vec![
                t.label.clone(),
                or_dash(t.barcode.as_deref()),
                or_dash(t.pool_name.as_deref()),
                t.status.as_str().into(),
                bytes(t.used_bytes),
                bytes(t.capacity_bytes),
                or_dash(t.offsite_location.as_deref()),
                super::expires_text(outlook.tape(t.id)),
            ]
        })
        .collect::<Vec<_>>();
    ctx.out.data(&json!({"tapes": docs}), || {
        if rows.is_empty() {
            "No tapes. Label one with: tapebackarr tape label LABEL --pool POOL".into()
        } else {
            table(&["label", "barcode", "pool", "status", "used", "capacity", "location", "expires"], rows)
        }
    });
    Ok(Exit::Ok)
}
