//! `library load`: a cartridge from a slot, or wherever its barcode (or a tape's barcode) is,
//! into the drive (--drive). The changer lock is held throughout, and the drive's lock for
//! the move, so no command is using the drive while its cartridge changes.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{changer_error, drive_library, open_changer, record_move};
use crate::catalog::Catalog;
use crate::catalog::drives;
use crate::catalog::libraries::is_cleaning;
use crate::catalog::tapes;
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::output::or_dash;
use crate::tape::changer::{ElementAddress, Inventory};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Element address, barcode or tape label
    pub source: String,
    /// Allow loading a cleaning cartridge
    #[arg(long)]
    pub cleaning: bool,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { source, cleaning } = args;
    let source = source.as_str();
    let d = ctx.pick_drive(catalog.conn())?;
    let (lib, element) = drive_library(catalog.conn(), &d)?;
    let mut open = open_changer(ctx, &lib, "library load")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let from = if !source.is_empty() && source.bytes().all(|b| b.is_ascii_digit()) {
        let n: u16 =
            source.parse().map_err(|_| Failure::usage(format!("'{source}' is not an element address (0-65535)")))?;
        ElementAddress(n)
    } else {
        // A barcode, else a catalog tape's label (by its barcode).
        let tape = tapes::find(catalog.conn(), source)?;
        let barcode = match &tape {
            Some(t) if inv.find_barcode(source).is_none() => t.barcode.as_deref().unwrap_or(source),
            _ => source,
        };
        inv.find_barcode(barcode).map(|e| e.address).ok_or_else(|| {
            let msg = match &tape {
                Some(t) => format!(
                    "tape '{}' (barcode {}) is not in library '{}' ({})",
                    t.label,
                    or_dash(t.barcode.as_deref()),
                    lib.name,
                    tapes::location(catalog.conn(), t).unwrap_or_default()
                ),
                None => format!("no cartridge with barcode or tape label '{source}' in library '{}'", lib.name),
            };
            Failure::new(Kind::NotFound, msg)
        })?
    };
    if from == element {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("{} is already in drive '{}' ({element})", describe_source(&inv, from), d.name),
        )
        .into());
    }
    let barcode = inv.get(from).and_then(|e| e.barcode.clone());
    if let Some(b) = &barcode
        && is_cleaning(b)
        && !cleaning
    {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("{b} in {from} is a cleaning cartridge: pass --cleaning to load it into drive '{}'", d.name),
        )
        .into());
    }
    let _drive_lock = ctx.lock_drive(&d, "library load")?;
    open.changer.move_medium(from, element).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let details = json!({"name": lib.name, "drive": d.name, "from": from, "to": element, "barcode": barcode});
    let changes = record_move(catalog, &lib, open.changer.as_mut(), "library.load", details)?;
    let tape = drives::get(catalog.conn(), &d.name)?.current_tape;
    ctx.out.done(
        &json!({"library": lib.name, "drive": d.name, "from": from, "to": element, "barcode": barcode,
                "tape": tape, "changes": changes}),
        || {
            let what = match &tape {
                Some(t) => format!("{} (tape '{t}')", or_dash(barcode.as_deref())),
                None => or_dash(barcode.as_deref()),
            };
            format!("Loaded {what} from {from} into drive '{}' ({element})", d.name)
        },
    );
    Ok(Exit::Ok)
}

fn describe_source(inv: &Inventory, a: ElementAddress) -> String {
    match inv.get(a).and_then(|e| e.barcode.clone()) {
        Some(b) => format!("{b} ({a})"),
        None => a.to_string(),
    }
}
