//! `library status`: the changer's view of its drives and mail slots now, beside the
//! catalog's, and the elements that differ from the last inventory. Nothing is recorded; the
//! changer lock is held only while the inventory is read.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::{Value, json};

use super::{changer_error, observed, open_changer, pick_library};
use crate::catalog::Catalog;
use crate::catalog::libraries::{self, is_cleaning};
use crate::catalog::tapes;
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::{or_dash, table};
use crate::tape::changer::ElementType;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Library name [default: the only library]
    pub name: Option<String>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name } = args;
    let conn = catalog.conn();
    let lib = pick_library(conn, name.as_deref())?;
    let inv = {
        let mut open = open_changer(ctx, &lib, "library status")?;
        open.changer.inventory().map_err(|e| changer_error(e, &lib, conn))?
    };
    let known = libraries::slots(conn, lib.id)?;
    let tape_of = |b: &Option<String>| -> Result<Option<String>> {
        Ok(match b {
            Some(b) => tapes::by_barcode(conn, b)?.map(|t| t.label),
            None => None,
        })
    };
    let mut drives_doc = Vec::new();
    let mut mail_doc = Vec::new();
    let (mut full, mut empty, mut cleaning, mut unknown) = (0, 0, 0, 0);
    for e in &inv.elements {
        let doc = || -> Result<Value> {
            Ok(json!({"element": e.address, "full": e.full, "barcode": e.barcode, "tape": tape_of(&e.barcode)?}))
        };
        match e.kind {
            ElementType::Drive => {
                let mut d = doc()?;
                d["drive"] = json!(libraries::drive_at(conn, lib.id, e.address.0.into())?);
                d["source"] = json!(e.source);
                drives_doc.push(d);
            }
            ElementType::ImportExport => mail_doc.push(doc()?),
            ElementType::Storage if !e.full => empty += 1,
            ElementType::Storage => {
                full += 1;
                match &e.barcode {
                    Some(b) if is_cleaning(b) => cleaning += 1,
                    Some(b) if tapes::by_barcode(conn, b)?.is_some() => {}
                    _ => unknown += 1,
                }
            }
            ElementType::Transport => {}
        }
    }
    // Elements whose contents differ from what the last inventory recorded.
    let mut out_of_step = Vec::new();
    for o in observed(&inv) {
        let before = known.iter().find(|s| s.element == o.element);
        let (was_full, was) = before.map(|s| (s.full, s.barcode.clone())).unwrap_or((false, None));
        if before.is_none() || was_full != o.full || (o.full && was != o.barcode) {
            out_of_step.push(
                json!({"element": o.element, "catalog": before.map(|_| json!({"full": was_full, "barcode": was})),
                                    "changer": {"full": o.full, "barcode": o.barcode}}),
            );
        }
    }
    let doc = json!({
        "library": lib.name,
        "device": lib.device,
        "drives": drives_doc,
        "import_export": mail_doc,
        "storage": {"full": full, "empty": empty, "cleaning": cleaning, "unknown": unknown},
        "out_of_step": out_of_step,
        "last_inventory_at": lib.last_inventory_at,
    });
    ctx.out.data(&doc, || {
        let cell = |d: &Value| match d["barcode"].as_str() {
            Some(b) if d["full"] == true => match d["tape"].as_str() {
                Some(t) => format!("{b} (tape '{t}')"),
                None => b.to_string(),
            },
            _ if d["full"] == true => "(no barcode)".into(),
            _ => "(empty)".into(),
        };
        let mut rows = Vec::new();
        for d in &drives_doc {
            rows.push(vec![d["element"].to_string(), "drive".into(), cell(d), or_dash(d["drive"].as_str())]);
        }
        for d in &mail_doc {
            rows.push(vec![d["element"].to_string(), "import_export".into(), cell(d), String::new()]);
        }
        let mut text = format!(
            "Library '{}': storage {full} full ({cleaning} cleaning, {unknown} not in the catalog), {empty} empty\n\n{}",
            lib.name,
            table(&["element", "type", "holds", "drive"], rows)
        );
        if !out_of_step.is_empty() {
            text.push_str(&format!(
                "\n\n{} element(s) differ from the last inventory: run `tapebackarr library inventory {}`",
                out_of_step.len(),
                lib.name
            ));
        }
        text
    });
    Ok(Exit::Ok)
}
