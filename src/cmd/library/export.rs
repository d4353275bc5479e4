//! `library export`: tapes to the import/export (mail) slots, marked exported. Every tape is
//! checked and the mail slots counted before anything moves. The changer lock is held
//! throughout; a tape in a drive also takes that drive's lock for its move, so no command is
//! using it.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{changer_error, observed, open_changer, pick_library, prepare_removal};
use crate::catalog::drives;
use crate::catalog::libraries;
use crate::catalog::tapes::{self, TapeStatus};
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::output::or_dash;
use crate::tape::changer::{ElementAddress, ElementType};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Tape labels
    #[arg(required = true)]
    pub labels: Vec<String>,
    /// Where the tapes are going (recorded as their offsite location)
    #[arg(long, value_name = "TEXT")]
    pub location: Option<String>,
    /// Library name [default: the only library]
    #[arg(long, value_name = "NAME")]
    pub library: Option<String>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { labels, location, library } = args;
    let location = location.as_deref();
    let lib = pick_library(catalog.conn(), library.as_deref())?;
    let mut open = open_changer(ctx, &lib, "library export")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let conn = catalog.conn();
    let mut plan = Vec::new();
    for label in &labels {
        let t = tapes::get(conn, label)?;
        if !t.status.can_become(TapeStatus::Exported) || t.status == TapeStatus::Exported {
            return Err(Failure::new(
                Kind::InvalidState,
                format!("tape '{label}' is {}: it cannot be exported", t.status.as_str()),
            )
            .into());
        }
        let at = t.barcode.as_deref().and_then(|b| inv.find_barcode(b)).ok_or_else(|| {
            Failure::new(
                Kind::NotFound,
                format!(
                    "tape '{label}' (barcode {}) is not in library '{}' ({})",
                    or_dash(t.barcode.as_deref()),
                    lib.name,
                    tapes::location(conn, &t).unwrap_or_default()
                ),
            )
        })?;
        if plan.iter().any(|(p, _): &(tapes::Tape, _)| p.id == t.id) {
            continue;
        }
        plan.push((t, at.clone()));
    }
    // Already in a mail slot (an export cut short): only the catalog is left to do.
    let to_move = plan.iter().filter(|(_, e)| e.kind != ElementType::ImportExport).count();
    let mut free: Vec<ElementAddress> = inv.import_export().filter(|e| !e.full).map(|e| e.address).collect();
    if free.len() < to_move {
        let full: Vec<String> = inv.import_export().filter(|e| e.full).map(|e| e.address.0.to_string()).collect();
        return Err(Failure::new(
            Kind::InvalidState,
            format!(
                "library '{}' has {} free import/export slot(s) for {to_move} tape(s): nothing was moved; \
                 export fewer at a time{}",
                lib.name,
                free.len(),
                if full.is_empty() {
                    String::new()
                } else {
                    format!(", or empty the mail slots ({})", full.join(", "))
                }
            ),
        )
        .into());
    }
    free.reverse();
    let mut done = Vec::new();
    for (t, e) in &plan {
        let mut to = e.address;
        if e.kind != ElementType::ImportExport {
            to = free.pop().expect("room checked above");
            let mut held = None;
            if e.kind == ElementType::Drive
                && let Some(name) = libraries::drive_at(catalog.conn(), lib.id, e.address.0.into())?
            {
                let d = drives::get(catalog.conn(), &name)?;
                held = Some(ctx.lock_drive(&d, "library export")?);
                prepare_removal(ctx, &d);
            }
            open.changer.move_medium(e.address, to).map_err(|err| changer_error(err, &lib, catalog.conn()))?;
            drop(held);
        }
        // One transaction per tape: a tape in a mail slot is marked exported at once.
        let inv = open.changer.inventory().map_err(|err| changer_error(err, &lib, catalog.conn()))?;
        let tx = catalog.write()?;
        let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
        let mut t = tapes::by_id(&tx, t.id)?;
        let was = tapes::mark_exported(&tx, &mut t, location)?;
        let doc = json!({"tape": t.label, "barcode": t.barcode, "from": e.address, "to": to, "was": was});
        let mut details = doc.clone();
        details["library"] = json!(lib.name);
        details["location"] = json!(location);
        details["changes"] = serde_json::to_value(&changes)?;
        audit::record(&tx, "library.export", "tape", Some(t.id), details)?;
        tx.commit()?;
        done.push(doc);
    }
    ctx.out.done(&json!({"library": lib.name, "exported": done, "location": location}), || {
        let mut text = format!("Exported {} tape(s) from library '{}':", done.len(), lib.name);
        for d in &done {
            text.push_str(&format!(
                "\n  tape '{}' ({}) element {} → mail slot {}",
                d["tape"].as_str().unwrap_or("-"),
                or_dash(d["barcode"].as_str()),
                d["from"],
                d["to"]
            ));
        }
        text.push_str("\nTake them out of the mail slots.");
        text
    });
    Ok(Exit::Ok)
}
