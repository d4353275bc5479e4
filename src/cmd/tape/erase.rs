//! `tape erase`: everything after the label (or, with --force, everything) erased.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{invalid, read_contents, wrong_tape};
use crate::catalog::Catalog;
use crate::catalog::audit;
use crate::catalog::tapes::{self, TapeStatus};
use crate::cmd::{Ctx, device_error};
use crate::error::{Exit, Failure, Kind};
use crate::format::label::TapeContents;
use crate::tape::Space;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Also erase a tape this catalog does not know (a foreign or unlabelled one)
    #[arg(long)]
    pub force: bool,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { force } = args;
    let drive = ctx.pick_drive(catalog.conn())?;
    let mut open = ctx.open_drive(&drive, "tape erase")?;
    let contents = read_contents(&mut open, &drive)?;
    let known = match &contents {
        TapeContents::Labeled(l) => tapes::by_uuid(catalog.conn(), &l.uuid)?,
        _ => None,
    };
    let erase_from_file = match (&contents, &known) {
        (TapeContents::Blank, _) => {
            ctx.out.done(&json!({"drive": drive.name, "erased": false, "state": "blank"}), || {
                "The tape is already blank.".into()
            });
            return Ok(Exit::Ok);
        }
        (_, Some(t)) => {
            let sets = tapes::set_count(catalog.conn(), t.id)?;
            if sets > 0 {
                return Err(wrong_tape(format!(
                    "tape '{}' holds {sets} live backup set(s) in the catalog: not erased",
                    t.label
                )));
            }
            if !t.status.can_become(TapeStatus::Blank) && t.status != TapeStatus::Blank {
                return Err(invalid(format!(
                    "tape '{}' is {}: only blank or expired tapes are erased",
                    t.label,
                    t.status.as_str()
                )));
            }
            1 // keep the label
        }
        (_, None) if !force => {
            return Err(wrong_tape(format!(
                "the tape in drive '{}' is not a tape of this catalog: pass --force to erase it from the start",
                drive.name
            )));
        }
        (_, None) => 0,
    };
    let what = match &known {
        Some(t) => format!("Erase tape '{}' (everything after its label)?", t.label),
        None => format!("Erase the whole tape in drive '{}', label included?", drive.name),
    };
    if !ctx.confirm(&what)? {
        return Err(Failure::new(Kind::InvalidState, "not confirmed: the tape is unchanged").into());
    }
    let dev = open.dev.as_mut();
    dev.rewind().map_err(|e| device_error(e, &drive))?;
    if erase_from_file > 0 {
        dev.space(Space::Filemarks(erase_from_file)).map_err(|e| device_error(e, &drive))?;
    }
    dev.erase(true).map_err(|e| device_error(e, &drive))?;
    dev.rewind().map_err(|e| device_error(e, &drive))?;
    drop(open);
    let tx = catalog.write()?;
    if let Some(mut t) = known.clone() {
        t.status = TapeStatus::Blank;
        t.used_bytes = 0;
        tapes::save(&tx, &t)?;
        // Older catalog copies on it (the newest one keeps a tape from being erased) are gone.
        crate::catalog::db_backups::erased_with_tape(&tx, t.id, "erased: tape erase")?;
    }
    audit::record(
        &tx,
        "tape.erase",
        "tape",
        known.as_ref().map(|t| t.id),
        json!({"drive": drive.name, "label": known.as_ref().map(|t| &t.label), "label_kept": erase_from_file > 0}),
    )?;
    tx.commit()?;
    let doc = json!({"drive": drive.name, "erased": true, "tape": known.as_ref().map(|t| &t.label), "label_kept": erase_from_file > 0});
    ctx.out.done(&doc, || match &known {
        Some(t) => format!("Erased tape '{}'; its label is kept and it is blank", t.label),
        None => format!("Erased the tape in drive '{}'", drive.name),
    });
    Ok(Exit::Ok)
}
