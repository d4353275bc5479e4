//! `drive rewind`: the tape in the drive back to its beginning.

use anyhow::Result;
use serde_json::json;

use crate::catalog::Catalog;
use crate::cmd::{Ctx, device_error};
use crate::error::Exit;

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
    let d = ctx.pick_drive(catalog.conn())?;
    let mut open = ctx.open_drive(&d, "drive rewind")?;
    open.dev.rewind().map_err(|e| device_error(e, &d))?;
    ctx.out.done(&json!({"drive": d.name, "position": {"block": 0}}), || format!("Rewound drive '{}'", d.name));
    Ok(Exit::Ok)
}
