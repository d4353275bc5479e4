//! `tape identify`: which tape is in the drive, by its label.

use anyhow::Result;
use serde_json::{Value, json};

use super::read_contents;
use crate::catalog::Catalog;
use crate::catalog::audit;
use crate::catalog::drives::{self};
use crate::catalog::tapes::{self};
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::format::label::TapeContents;
use crate::output::or_dash;

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
    let drive = ctx.pick_drive(catalog.conn())?;
    let mut open = ctx.open_drive(&drive, "tape identify")?;
    let contents = read_contents(&mut open, &drive)?;
    drop(open);
    let (doc, text, tape_id) = match &contents {
        TapeContents::Blank => (json!({"state": "blank"}), "The tape is blank (never written).".to_string(), None),
        TapeContents::Foreign { first_bytes, reason } => (
            json!({"state": "foreign", "reason": reason, "first_bytes": escape(first_bytes)}),
            format!("The tape is foreign: {reason}. It starts with: {}", escape(first_bytes)),
            None,
        ),
        TapeContents::Labeled(l) => match tapes::by_uuid(catalog.conn(), &l.uuid)? {
            Some(t) => (
                json!({"state": "labeled", "known": true, "label": l, "tape": t}),
                format!(
                    "Tape '{}' (pool {}, status {}), labelled {}",
                    t.label,
                    or_dash(t.pool_name.as_deref()),
                    t.status.as_str(),
                    l.labeled_at
                ),
                Some(t.id),
            ),
            None => (
                json!({"state": "labeled", "known": false, "label": l, "tape": Value::Null}),
                format!(
                    "A TapeBackarr tape this catalog does not know: label '{}', pool {}, uuid {}",
                    l.label, l.pool, l.uuid
                ),
                None,
            ),
        },
    };
    if drive.current_tape_id != tape_id {
        let tx = catalog.write()?;
        drives::set_current_tape(&tx, drive.id, tape_id)?;
        audit::record(
            &tx,
            "drive.tape_seen",
            "drive",
            Some(drive.id),
            json!({"drive": drive.name, "tape_id": tape_id}),
        )?;
        tx.commit()?;
    }
    let mut doc = doc;
    doc["drive"] = json!(drive.name);
    ctx.out.data(&doc, || text);
    Ok(Exit::Ok)
}

/// The first bytes of a foreign tape, printable.
fn escape(bytes: &[u8]) -> String {
    bytes.iter().flat_map(|b| std::ascii::escape_default(*b)).map(char::from).collect()
}
