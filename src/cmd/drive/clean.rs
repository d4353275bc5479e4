//! `drive clean`: a library moves its cleaning cartridge (CLN…) into the drive, waits for the
//! drive to clean itself and eject it, and puts it back; the catalog records the cleaning.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;

use crate::catalog::Catalog;
use crate::catalog::drive_health;
use crate::catalog::drives::Drive;
use crate::catalog::libraries::{self, is_cleaning};
use crate::cmd::Ctx;
use crate::cmd::library::{changer_error, home_slot, open_changer, prepare_removal, record_move};
use crate::engine::health;
use crate::error::{Exit, Failure, Kind};
use crate::tape::changer::{ElementAddress, ElementType};
use crate::tape::health::DriveHealth;
use crate::tape::{DeviceSpec, TapeError};

/// How long `drive clean` waits for the drive to finish cleaning and eject the cartridge
/// (an LTO cleaning takes a few minutes).
const CLEAN_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// How often it asks meanwhile.
const CLEAN_POLL: Duration = Duration::from_secs(5);

/// `drive clean`: cleaning cartridge in, wait for the drive to clean and eject it, cartridge
/// back, then the catalog: last cleaning, cleaning alerts resolved.
pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
    let d = ctx.pick_drive(catalog.conn())?;
    let (Some(lib_id), Some(element)) = (d.library_id, d.library_drive_number) else {
        return Err(Failure::new(
            Kind::InvalidState,
            format!(
                "drive '{}' is not in a library: load a cleaning cartridge into it by hand, let it eject it, then \
                 resolve its cleaning alerts with `tapebackarr drive alerts --resolve ID` (or attach the drive to \
                 its library with `tapebackarr library attach-drive LIBRARY --drive {} --element N`)",
                d.name, d.name
            ),
        )
        .into());
    };
    let element =
        ElementAddress(u16::try_from(element).map_err(|_| {
            Failure::new(Kind::InvalidState, format!("drive '{}' has a bad element {element}", d.name))
        })?);
    let lib = libraries::by_id(catalog.conn(), lib_id)?;
    let _drive_lock = ctx.lock_drive(&d, "drive clean")?;
    let mut open = open_changer(ctx, &lib, "drive clean")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let cleaning = inv
        .of_type(ElementType::Storage)
        .chain(inv.of_type(ElementType::ImportExport))
        .find(|e| e.full && e.barcode.as_deref().is_some_and(is_cleaning))
        .map(|e| (e.address, e.barcode.clone().unwrap_or_default()));
    let Some((home, cartridge)) = cleaning else {
        return Err(Failure::new(
            Kind::NotFound,
            format!(
                "library '{}' holds no cleaning cartridge (barcode starting with CLN): put one in through its mail \
                 slot (virtual library: `tapebackarr vlib add-tape DIR CLN001L1`), then run \
                 `tapebackarr library inventory {}` and `tapebackarr drive clean` again",
                lib.name, lib.name
            ),
        )
        .into());
    };
    let mut moves = Vec::new();
    // A cartridge in the drive makes room first.
    if let Some(inside) = inv.get(element).filter(|e| e.full) {
        let barcode = inside.barcode.clone();
        let to = home_slot(&inv, element).ok_or_else(|| {
            Failure::new(Kind::InvalidState, format!("every storage slot of library '{}' is full", lib.name))
        })?;
        prepare_removal(ctx, &d);
        open.changer.move_medium(element, to).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
        let details = json!({"name": lib.name, "drive": d.name, "from": element, "to": to, "barcode": barcode});
        record_move(catalog, &lib, open.changer.as_mut(), "library.unload", details)?;
        moves.push(json!({"barcode": barcode, "from": element, "to": to}));
    }
    open.changer.move_medium(home, element).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let details =
        json!({"name": lib.name, "drive": d.name, "from": home, "to": element, "barcode": cartridge, "cleaning": true});
    record_move(catalog, &lib, open.changer.as_mut(), "library.load", details)?;
    moves.push(json!({"barcode": cartridge, "from": home, "to": element}));
    ctx.out.note(|| format!("Loaded cleaning cartridge {cartridge} from {home} into drive '{}'", d.name));

    // The drive cleans itself and ejects the cartridge into its element.
    let after = wait_until_ejected(ctx, &d)?;
    // Put the cartridge back where it came from (or in the first free slot).
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let back = if inv.get(home).is_some_and(|e| !e.full) { Some(home) } else { inv.first_empty(ElementType::Storage) };
    let back = back.ok_or_else(|| {
        Failure::new(
            Kind::InvalidState,
            format!(
                "the cleaning cartridge stays in drive '{}': every storage slot of library '{}' is full",
                d.name, lib.name
            ),
        )
    })?;
    prepare_removal(ctx, &d);
    open.changer.move_medium(element, back).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let details =
        json!({"name": lib.name, "drive": d.name, "from": element, "to": back, "barcode": cartridge, "cleaning": true});
    record_move(catalog, &lib, open.changer.as_mut(), "library.unload", details)?;
    moves.push(json!({"barcode": cartridge, "from": element, "to": back}));
    drop(open);

    let tx = catalog.write()?;
    if let Some(h) = &after {
        health::record(&tx, &d, h, None)?;
    }
    // A worn-out or wrong cleaning cartridge (TapeAlert 22, 23) did not clean the drive.
    let failed: Vec<String> = after
        .iter()
        .flat_map(|h| &h.alerts)
        .filter(|a| a.flag == 22 || a.flag == 23)
        .map(|a| format!("TapeAlert {} ({})", a.flag, a.name))
        .collect();
    if !failed.is_empty() {
        tx.commit()?;
        return Err(Failure::new(
            Kind::DriveAlert,
            format!(
                "drive '{}' was not cleaned: {} with cleaning cartridge {cartridge} (back in {back}); replace it",
                d.name,
                failed.join(", ")
            ),
        )
        .into());
    }
    let now = crate::timefmt::now_sql();
    let statistics = drive_health::record_cleaning(
        &tx,
        &d,
        &now,
        json!({"cartridge": cartridge, "library": lib.name, "element": element, "returned_to": back}),
    )?;
    let resolved = drive_health::resolve_categories(
        &tx,
        d.id,
        &health::CLEANING_CATEGORIES,
        &format!("cleaned with {cartridge}"),
    )?;
    tx.commit()?;
    let doc = json!({
        "drive": d.name,
        "library": lib.name,
        "cartridge": cartridge,
        "from": home,
        "returned_to": back,
        "moves": moves,
        "resolved": resolved,
        "statistics": statistics,
        "health": after,
    });
    ctx.out.done(&doc, || {
        let mut text = format!("Cleaned drive '{}' with {cartridge} (from {home}, put back in {back})", d.name);
        if !resolved.is_empty() {
            let ids: Vec<String> = resolved.iter().map(|a| a.id.to_string()).collect();
            text.push_str(&format!("; resolved alert(s) {}", ids.join(", ")));
        }
        text
    });
    Ok(Exit::Ok)
}

/// Polls the drive until it no longer holds a threaded cartridge (it ejects the cleaning
/// cartridge when done), then reads its health: `None` where it cannot report one. While
/// cleaning, drives answer NOT READY or that a cleaning cartridge is in (30/03): every error
/// is asked again until the time is up, and the last one reported then.
fn wait_until_ejected(ctx: &Ctx, d: &Drive) -> Result<Option<DriveHealth>> {
    let spec = DeviceSpec::parse(&d.device).map_err(Failure::usage)?;
    let started = Instant::now();
    loop {
        let last = match crate::tape::open(&spec) {
            Ok(mut dev) => match dev.status() {
                Ok(s) if !s.loaded => {
                    return match dev.health() {
                        Ok(h) => Ok(Some(h)),
                        Err(TapeError::Unsupported(_)) => Ok(None),
                        Err(e) => {
                            ctx.out.note(|| format!("warning: drive '{}': could not read its health: {e}", d.name));
                            Ok(None)
                        }
                    };
                }
                Ok(_) => None,
                Err(e) => Some(e),
            },
            Err(e) => Some(e),
        };
        if started.elapsed() >= CLEAN_TIMEOUT {
            let why = last.map(|e| format!(" (last: {e})")).unwrap_or_default();
            return Err(Failure::new(
                Kind::Device,
                format!(
                    "drive '{}' still holds the cleaning cartridge after {} minutes{why}: check the drive",
                    d.name,
                    CLEAN_TIMEOUT.as_secs() / 60
                ),
            )
            .into());
        }
        ctx.out.verbose(|| format!("drive '{}' is cleaning…", d.name));
        std::thread::sleep(CLEAN_POLL);
    }
}
