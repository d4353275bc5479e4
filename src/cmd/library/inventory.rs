//! `library inventory`: ask the changer what every element holds and record it (and its
//! identity) in the catalog. The changer lock is held only while the changer is asked: it is
//! dropped before --read-labels, which loads cartridges through
//! [`crate::engine::library::visit_in_place`] (that takes the changer and the drive itself).

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::{Value, json};

use super::{Pick, changer_error, library_doc, observed, open_changer, pick_library, slot_table, visit_in_place};
use crate::catalog::libraries::{self, Library};
use crate::catalog::tapes;
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure};
use crate::format::label::{self, TapeContents};
use crate::output::or_dash;
use crate::tape::changer::ElementAddress;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Library name [default: the only library]
    pub name: Option<String>,
    /// Have the changer scan every element first (INITIALIZE ELEMENT STATUS; minutes on
    /// a large library)
    #[arg(long)]
    pub scan: bool,
    /// Load cartridges the catalog does not know and read their labels
    #[arg(long)]
    pub read_labels: bool,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name, scan, read_labels } = args;
    let lib = pick_library(catalog.conn(), name.as_deref())?;
    let mut open = open_changer(ctx, &lib, "library inventory")?;
    if scan {
        open.changer.initialize_element_status().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    }
    let identity = open.changer.identity().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let tx = catalog.write()?;
    if (identity.vendor.as_str(), identity.model.as_str(), identity.serial.as_str())
        != (lib.vendor.as_str(), lib.model.as_str(), lib.serial_number.as_str())
    {
        libraries::set_identity(&tx, lib.id, &identity.vendor, &identity.model, &identity.serial)?;
    }
    let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
    audit::record(&tx, "library.inventory", "library", Some(lib.id), json!({"name": lib.name, "changes": &changes}))?;
    tx.commit()?;
    drop(open);
    let labels = if read_labels { read_labels_in(ctx, catalog, &lib)? } else { Vec::new() };
    let conn = catalog.conn();
    let mut doc = library_doc(conn, &libraries::by_id(conn, lib.id)?)?;
    doc["changes"] = serde_json::to_value(&changes)?;
    if read_labels {
        doc["labels"] = Value::Array(labels.iter().map(LabelSeen::json).collect());
    }
    ctx.out.data(&doc, || {
        let head =
            format!("Inventory of library '{}': {} element(s) changed since the last one", lib.name, changes.len());
        let mut text = format!("{head}\n\n{}", slot_table(conn, lib.id).unwrap_or_default());
        if read_labels {
            text.push_str(&format!("\n\nLabels read: {}", labels.len()));
            for l in &labels {
                text.push_str(&format!("\n  {}", l.describe()));
            }
        }
        text
    });
    Ok(Exit::Ok)
}

/// What `library inventory --read-labels` found on one cartridge.
struct LabelSeen {
    element: ElementAddress,
    barcode: Option<String>,
    contents: TapeContents,
    /// The catalog tape the label belongs to.
    tape: Option<String>,
    /// The barcode was recorded for that tape.
    learned: bool,
    /// Why the barcode and the label disagree.
    flag: Option<String>,
}

impl LabelSeen {
    fn json(&self) -> Value {
        let (state, label) = match &self.contents {
            TapeContents::Blank => ("blank", Value::Null),
            TapeContents::Labeled(l) => ("labeled", serde_json::to_value(l).unwrap_or(Value::Null)),
            TapeContents::Foreign { .. } => ("foreign", Value::Null),
        };
        json!({"element": self.element, "barcode": self.barcode, "state": state, "label": label,
               "tape": self.tape, "learned": self.learned, "mismatch": self.flag})
    }

    fn describe(&self) -> String {
        let what = match (&self.contents, &self.tape) {
            (TapeContents::Blank, _) => "blank: label it with `tapebackarr tape label --barcodes --pool POOL`".into(),
            (TapeContents::Foreign { reason, .. }, _) => format!("foreign data ({reason})"),
            (TapeContents::Labeled(_), Some(t)) if self.learned => format!("tape '{t}': barcode recorded"),
            (TapeContents::Labeled(_), Some(t)) => format!("tape '{t}'"),
            (TapeContents::Labeled(l), None) => {
                format!("label '{}' of pool {} from another catalog", l.label, l.pool)
            }
        };
        let flag = self.flag.as_ref().map(|f| format!(" — MISMATCH: {f}")).unwrap_or_default();
        format!("{} {}: {what}{flag}", or_dash(self.barcode.as_deref()), self.element)
    }
}

/// Reads the labels of the storage cartridges the catalog cannot name by barcode.
fn read_labels_in(ctx: &Ctx, catalog: &mut Catalog, lib: &Library) -> Result<Vec<LabelSeen>> {
    let d = ctx.pick_drive(catalog.conn())?;
    if d.library_id != Some(lib.id) {
        return Err(Failure::usage(format!(
            "--read-labels loads cartridges into a drive of library '{}': drive '{}' is not one (pass --drive NAME)",
            lib.name, d.name
        ))
        .into());
    }
    let seen = visit_in_place(&ctx.env(), catalog, &d, Pick::Unknown, |catalog, e, dev| {
        let contents = label::read_label(dev).map_err(|err| crate::cmd::device_error(err, &d))?;
        let mut seen = LabelSeen {
            element: e.address,
            barcode: e.barcode.clone(),
            contents,
            tape: None,
            learned: false,
            flag: None,
        };
        if let TapeContents::Labeled(l) = &seen.contents {
            let tag = e.barcode.as_deref();
            if let (Some(written), Some(tag)) = (l.barcode.as_deref(), tag)
                && written != tag
            {
                seen.flag = Some(format!("the label was written for barcode {written}"));
            }
            let tx = catalog.write()?;
            if let Some(mut t) = tapes::by_uuid(&tx, &l.uuid)? {
                seen.tape = Some(t.label.clone());
                match (t.barcode.as_deref(), tag) {
                    (Some(recorded), Some(tag)) if recorded != tag => {
                        seen.flag = Some(format!("the catalog records tape '{}' with barcode {recorded}", t.label));
                    }
                    (None, Some(tag)) if seen.flag.is_none() => {
                        t.barcode = Some(tag.to_string());
                        tapes::save(&tx, &t)?;
                        audit::record(
                            &tx,
                            "tape.barcode",
                            "tape",
                            Some(t.id),
                            json!({"label": t.label, "barcode": tag, "library": lib.name, "element": e.address}),
                        )?;
                        seen.learned = true;
                    }
                    _ => {}
                }
            }
            tx.commit()?;
        }
        Ok(seen)
    })?;
    let tx = catalog.write()?;
    let docs: Vec<Value> = seen.iter().map(LabelSeen::json).collect();
    audit::record(&tx, "library.read_labels", "library", Some(lib.id), json!({"name": lib.name, "labels": docs}))?;
    tx.commit()?;
    Ok(seen)
}
