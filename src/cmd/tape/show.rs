//! `tape show`: one tape, with its sets and where it is.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use crate::catalog::Catalog;
use crate::catalog::drives::{self};
use crate::catalog::tapes::{self};
use crate::cmd::Ctx;
use crate::engine::retention::Outlook;
use crate::error::Exit;
use crate::output::{bytes, fields, or_dash, when};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Tape label
    pub label: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { label } = args;
    let conn = catalog.conn();
    let t = tapes::get(conn, &label)?;
    let sets = tapes::set_count(conn, t.id)?;
    let in_drive = drives::list(conn)?.into_iter().find(|d| d.current_tape_id == Some(t.id)).map(|d| d.name);
    let expired_sets = tapes::expired_set_count(conn, t.id)?;
    let retention = Outlook::at(conn, chrono::Utc::now())?.tape(t.id);
    let mut doc = super::with_retention(serde_json::to_value(&t)?, retention);
    doc["backup_sets"] = json!(sets);
    doc["expired_backup_sets"] = json!(expired_sets);
    doc["drive"] = json!(in_drive);
    ctx.out.data(&json!({"tape": doc}), || {
        fields(&[
            ("label", t.label.clone()),
            ("id", t.id.to_string()),
            ("uuid", or_dash(t.uuid.as_deref())),
            ("barcode", or_dash(t.barcode.as_deref())),
            ("pool", or_dash(t.pool_name.as_deref())),
            ("status", t.status.as_str().into()),
            ("type", or_dash(Some(&t.lto_type))),
            ("used", format!("{} of {}", bytes(t.used_bytes), bytes(t.capacity_bytes))),
            ("backup sets", format!("{sets} live, {expired_sets} expired")),
            ("expires", super::expires_text(retention)),
            ("writes", t.write_count.to_string()),
            ("in drive", or_dash(in_drive.as_deref())),
            ("location", or_dash(t.offsite_location.as_deref())),
            ("labelled", when(&t.labeled_at)),
            ("last written", when(&t.last_written_at)),
            ("exported", when(&t.export_time)),
            ("imported", when(&t.import_time)),
        ])
    });
    Ok(Exit::Ok)
}
