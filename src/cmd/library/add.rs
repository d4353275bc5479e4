//! `library add`: register a changer under a name. The changer is opened (under its lock) to
//! learn its identity; a virtual library's directory is recorded canonical, so one directory
//! has one changer string however it was written.

use std::fs;

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{changer_error, open_changer};
use crate::catalog::libraries::{self, Library};
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::tape::changer::ChangerSpec;
use crate::values::parse_name;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Library name (letters, digits, '.', '_', '-')
    #[arg(value_parser = parse_name)]
    pub name: String,
    /// Changer string (see below)
    #[arg(long, value_parser = parse_changer)]
    pub device: ChangerSpec,
}

fn parse_changer(s: &str) -> Result<ChangerSpec, String> {
    ChangerSpec::parse(s)
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name, device } = args;
    if libraries::find(catalog.conn(), &name)?.is_some() {
        return Err(Failure::already_exists("library", &name).into());
    }
    let device = match device {
        // One directory, one changer string, however it was written.
        ChangerSpec::Virtual(dir) => ChangerSpec::Virtual(
            fs::canonicalize(&dir)
                .map_err(|e| Failure::new(Kind::Device, format!("{} is not a virtual library: {e}", dir.display())))?,
        ),
        other => other,
    };
    let mut lib = Library {
        id: 0,
        name: name.clone(),
        device: device.to_string(),
        vendor: String::new(),
        model: String::new(),
        serial_number: String::new(),
        num_slots: 0,
        num_drives: 0,
        num_import_export: 0,
        barcode_reader: false,
        enabled: true,
        last_inventory_at: None,
        created_at: None,
        updated_at: None,
    };
    {
        let mut open = open_changer(ctx, &lib, "library add")?;
        let id = open.changer.identity().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
        (lib.vendor, lib.model, lib.serial_number) = (id.vendor, id.model, id.serial);
    }
    let tx = catalog.write()?;
    let id = libraries::insert(&tx, &lib)?;
    let doc = serde_json::to_value(libraries::by_id(&tx, id)?)?;
    audit::record(&tx, "library.add", "library", Some(id), json!({"library": &doc}))?;
    tx.commit()?;
    ctx.out.done(&json!({"library": doc}), || {
        format!(
            "Added library '{name}' (id {id}): {} {} — take its inventory with: tapebackarr library inventory {name}",
            lib.vendor, lib.model
        )
    });
    Ok(Exit::Ok)
}
