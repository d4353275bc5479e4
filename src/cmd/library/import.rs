//! `library import`: every cartridge in a mail slot into a free storage slot, under the
//! changer lock. Exported tapes that come back are marked back in service; what moved before
//! a move the changer refused is still recorded.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{changer_error, observed, open_changer, pick_library};
use crate::catalog::libraries::{self, is_cleaning};
use crate::catalog::tapes::{self, TapeStatus};
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::output::or_dash;
use crate::tape::changer::ElementAddress;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Library name [default: the only library]
    pub name: Option<String>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let lib = pick_library(catalog.conn(), args.name.as_deref())?;
    let mut open = open_changer(ctx, &lib, "library import")?;
    let mut moved = Vec::new();
    let mut left = Vec::new();
    // A move the changer refused: what moved before it is still recorded.
    let mut failed = None;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let mut free: Vec<ElementAddress> = inv.slots().filter(|e| !e.full).map(|e| e.address).collect();
    free.reverse();
    for e in inv.import_export().filter(|e| e.full) {
        let Some(to) = free.pop() else {
            left.push(json!({"element": e.address, "barcode": e.barcode}));
            continue;
        };
        if let Err(err) = open.changer.move_medium(e.address, to) {
            failed = Some(changer_error(err, &lib, catalog.conn()));
            break;
        }
        moved.push((e.address, to, e.barcode.clone()));
    }
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let tx = catalog.write()?;
    let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
    let mut docs = Vec::new();
    for (from, to, barcode) in &moved {
        let mut tape = match barcode {
            Some(b) => tapes::by_barcode(&tx, b)?,
            None => None,
        };
        let mut back_from = None;
        if let Some(t) = tape.as_mut().filter(|t| t.status == TapeStatus::Exported) {
            back_from = Some(tapes::mark_imported(&tx, t)?);
        }
        docs.push(json!({"from": from, "to": to, "barcode": barcode,
            "tape": tape.as_ref().map(|t| &t.label), "status": tape.as_ref().map(|t| t.status),
            "back_from": back_from.flatten(), "known": tape.is_some(),
            "cleaning": barcode.as_deref().is_some_and(is_cleaning)}));
    }
    audit::record(
        &tx,
        "library.import",
        "library",
        Some(lib.id),
        json!({"name": lib.name, "moved": docs, "left": left, "changes": changes}),
    )?;
    tx.commit()?;
    if let Some(e) = failed {
        return Err(e);
    }
    if !left.is_empty() {
        return Err(Failure::new(
            Kind::InvalidState,
            format!(
                "library '{}': every storage slot is full; {} cartridge(s) moved in, {} left in the mail slots",
                lib.name,
                moved.len(),
                left.len()
            ),
        )
        .with_details(json!({"moved": docs, "left": left}))
        .into());
    }
    ctx.out.done(&json!({"library": lib.name, "moved": docs}), || {
        if docs.is_empty() {
            return format!("No cartridges in the mail slots of library '{}'", lib.name);
        }
        let mut text = format!("Moved {} cartridge(s) into library '{}':", docs.len(), lib.name);
        for d in &docs {
            let what = match (d["tape"].as_str(), d["cleaning"] == true) {
                (Some(t), _) => format!("tape '{t}' ({})", d["status"].as_str().unwrap_or("-")),
                (None, true) => "cleaning cartridge".into(),
                (None, false) => {
                    "not in the catalog: label it with `tapebackarr tape label --barcodes --pool POOL`".into()
                }
            };
            text.push_str(&format!(
                "\n  {} element {} → {}: {what}",
                or_dash(d["barcode"].as_str()),
                d["from"],
                d["to"]
            ));
        }
        text
    });
    Ok(Exit::Ok)
}
