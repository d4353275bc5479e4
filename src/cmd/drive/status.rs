//! `drive status`: what the drive itself says: loaded tape, position, flags, identity,
//! capabilities.

use anyhow::Result;
use serde_json::json;

use crate::catalog::Catalog;
use crate::cmd::{Ctx, device_error};
use crate::error::Exit;
use crate::output::{fields, or_dash};

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
    let d = ctx.pick_drive(catalog.conn())?;
    let mut open = ctx.open_drive(&d, "drive status")?;
    let dev = open.dev.as_mut();
    let status = dev.status().map_err(|e| device_error(e, &d))?;
    let identity = dev.identity().map_err(|e| device_error(e, &d))?;
    let caps = dev.capabilities();
    let doc = json!({
        "drive": d.name,
        "device": d.device,
        "tape": if status.loaded { d.current_tape.clone() } else { None },
        "status": status,
        "identity": identity,
        "capabilities": caps,
    });
    ctx.out.data(&doc, || {
        let position = status
            .position
            .map(|p| format!("block {} (file {})", p.block, or_dash(p.file)))
            .unwrap_or_else(|| "-".into());
        let flags: Vec<&str> = [
            (status.bot, "BOT"),
            (status.eod, "EOD"),
            (status.early_warning, "EARLY-WARNING"),
            (status.write_protected, "WRITE-PROTECTED"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, f)| *f)
        .collect();
        fields(&[
            ("drive", d.name.clone()),
            ("device", d.device.clone()),
            (
                "identity",
                format!("{} {} (serial {})", identity.vendor, identity.model, or_dash(Some(&identity.serial))),
            ),
            ("loaded", if status.loaded { "yes".into() } else { "no tape".into() }),
            ("cartridge", or_dash(status.cartridge.as_deref())),
            ("tape (catalog)", or_dash(d.current_tape.as_deref())),
            ("position", position),
            ("block size", if status.block_size == 0 { "variable".into() } else { status.block_size.to_string() }),
            ("flags", if flags.is_empty() { "-".into() } else { flags.join(" ") }),
        ])
    });
    Ok(Exit::Ok)
}
