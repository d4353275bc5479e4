//! A drive's library as backup, restore, verify and rebuild use it without being asked: the
//! changer opened under its lock, a cartridge fetched by barcode (the drive's own one put
//! home first), every cartridge visited in turn, and the catalog's picture of the slots
//! kept in step with what the changer reports after each move. The `library` commands use the
//! same pieces.

use std::path::PathBuf;

use anyhow::Result;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::Env;
use crate::catalog::drives::Drive;
use crate::catalog::libraries::{self, Change, Library, Observed, is_cleaning};
use crate::catalog::tapes;
use crate::catalog::{Catalog, audit};
use crate::error::{Failure, Kind};
use crate::tape::changer::{self, Changer, ChangerError, ChangerSpec, ElementAddress, ElementType, Inventory};
use crate::tape::lock::{self, DriveLock, LockError};
use crate::tape::{DeviceSpec, TapeDevice};

/// After a move: reads the inventory again and records it and the move, in one transaction.
pub fn record_move(
    catalog: &mut Catalog,
    lib: &Library,
    changer: &mut dyn Changer,
    action: &str,
    mut details: Value,
) -> Result<Vec<Change>> {
    let inv = changer.inventory().map_err(|e| changer_error(e, lib, catalog.conn()))?;
    let tx = catalog.write()?;
    let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
    details["changes"] = serde_json::to_value(&changes)?;
    audit::record(&tx, action, "library", Some(lib.id), details)?;
    tx.commit()?;
    Ok(changes)
}

/// Real drives are asked to unload (rewind and release the cartridge) before the changer
/// takes it out; a virtual library does that itself. Best effort: if the drive cannot, the
/// changer says so.
pub fn prepare_removal(env: &Env, d: &Drive) {
    let Ok(spec) = DeviceSpec::parse(&d.device) else { return };
    if matches!(spec, DeviceSpec::Virtual(_)) {
        return;
    }
    let result = crate::tape::open(&spec).and_then(|mut dev| dev.unload());
    if let Err(e) = result {
        env.verbose(|| format!("drive '{}' did not unload ({e}); asking the changer anyway", d.name));
    }
}

/// The library a drive sits in, and its element.
pub fn drive_library(conn: &Connection, d: &Drive) -> Result<(Library, ElementAddress)> {
    match (d.library_id, d.library_drive_number) {
        (Some(id), Some(n)) => {
            let n = u16::try_from(n)
                .map_err(|_| Failure::new(Kind::InvalidState, format!("drive '{}' has a bad element {n}", d.name)))?;
            Ok((libraries::by_id(conn, id)?, ElementAddress(n)))
        }
        _ => Err(Failure::new(
            Kind::InvalidState,
            format!(
                "drive '{}' is not in a library: attach it with `tapebackarr library attach-drive LIBRARY --drive {} --element N`",
                d.name, d.name
            ),
        )
        .into()),
    }
}

/// Where the cartridge in drive element `drive` goes back to: the storage slot it came from,
/// when the changer remembers it (SMC SVALID) and it is still empty, else the first empty
/// storage slot.
pub fn home_slot(inv: &Inventory, drive: ElementAddress) -> Option<ElementAddress> {
    let source = inv.get(drive).and_then(|e| e.source);
    source
        .filter(|&a| inv.get(a).is_some_and(|e| e.kind == ElementType::Storage && !e.full))
        .or_else(|| inv.first_empty(ElementType::Storage))
}

/// The elements the catalog keeps (the robot is not one of them).
pub fn observed(inv: &Inventory) -> Vec<Observed> {
    inv.elements
        .iter()
        .filter_map(|e| {
            let kind = match e.kind {
                ElementType::Storage => "storage",
                ElementType::ImportExport => "import_export",
                ElementType::Drive => "drive",
                ElementType::Transport => return None,
            };
            Some(Observed {
                element: e.address.0.into(),
                kind,
                full: e.full,
                barcode: e.barcode.clone().filter(|b| !b.is_empty()),
            })
        })
        .collect()
}

/// A changer's refusal as the user should see it: which library, which element.
pub fn changer_error(e: ChangerError, lib: &Library, conn: &Connection) -> anyhow::Error {
    let name = |a: ElementAddress| match libraries::drive_at(conn, lib.id, a.0.into()) {
        Ok(Some(d)) => format!("{a} (drive '{d}')"),
        _ => a.to_string(),
    };
    let l = &lib.name;
    match e {
        ChangerError::SourceEmpty(a) => {
            Failure::new(Kind::InvalidState, format!("library '{l}': {} is empty", name(a)))
        }
        ChangerError::DestinationFull(a) => {
            Failure::new(Kind::InvalidState, format!("library '{l}': {} is full", name(a)))
        }
        ChangerError::RemovalPrevented(a) => Failure::in_use(format!(
            "library '{l}': the cartridge in {} is locked in by whoever is using the drive",
            name(a)
        )),
        ChangerError::NoSuchElement(a) => Failure::new(Kind::NotFound, format!("library '{l}' has no {a}")),
        ChangerError::InvalidSpec(s) => Failure::usage(s),
        other => Failure::new(Kind::Device, format!("library '{l}' ({}): {other}", lib.device)),
    }
    .into()
}

/// A changer, held under its lock for as long as this lives.
pub struct OpenChanger {
    pub changer: Box<dyn Changer>,
    _lock: DriveLock,
}

pub fn open_changer(env: &Env, lib: &Library, command: &str) -> Result<OpenChanger> {
    let spec = ChangerSpec::parse(&lib.device).map_err(Failure::usage)?;
    let lock = lock_changer(&spec, lib, command, env.wait)?;
    let changer = changer::open(&spec).map_err(|e| -> anyhow::Error {
        match e {
            ChangerError::InvalidSpec(s) => Failure::usage(s),
            other => Failure::new(Kind::Device, format!("library '{}': cannot open {}: {other}", lib.name, lib.device)),
        }
        .into()
    })?;
    Ok(OpenChanger { changer, _lock: lock })
}

/// Where a changer's lock file lives: in a virtual library's own directory, else beside the
/// drive locks.
fn lock_path(spec: &ChangerSpec) -> PathBuf {
    match spec {
        ChangerSpec::Virtual(dir) => dir.join("changer.lock"),
        other => lock::runtime_lock_path(&format!("changer-{other}")),
    }
}

fn lock_changer(spec: &ChangerSpec, lib: &Library, command: &str, wait: bool) -> Result<DriveLock> {
    lock::lock_file(lock_path(spec), command, wait).map_err(|e| match e {
        LockError::Busy { pid, command } => Failure::new(
            Kind::DriveBusy,
            format!("library '{}' busy: held by pid {pid} ({command}); pass --wait to wait for it", lib.name),
        )
        .into(),
        other => Failure::new(Kind::Device, format!("library '{}': {other}", lib.name)).into(),
    })
}

/// For `tape label`: the barcode the changer reads on the cartridge in `d`, a drive of a
/// library (`None` when the drive is in no library or the changer reads none there). The
/// caller holds the drive's lock, as for [`load_for`].
pub fn barcode_in(env: &Env, catalog: &Catalog, d: &Drive) -> Result<Option<String>> {
    if d.library_id.is_none() {
        return Ok(None);
    }
    let (lib, element) = drive_library(catalog.conn(), d)?;
    let mut open = open_changer(env, &lib, "tape label")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    Ok(inv.get(element).filter(|e| e.full).and_then(|e| e.barcode.clone()))
}

/// For backup, restore and verify: puts the cartridge with `barcode` into `d`, a drive of a
/// library, returning the drive's cartridge to its home slot first. The
/// caller holds the drive's lock and has closed its device. `Ok(false)` when the drive is
/// not in a library or the cartridge is not in it (the operator must bring it); errors are
/// the changer's.
pub fn load_for(env: &Env, catalog: &mut Catalog, d: &Drive, barcode: &str) -> Result<bool> {
    if d.library_id.is_none() {
        return Ok(false);
    }
    let (lib, element) = drive_library(catalog.conn(), d)?;
    let mut open = open_changer(env, &lib, "automatic load")?;
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let Some(from) = inv.find_barcode(barcode).map(|e| e.address) else {
        // What the operator is told next (where the tape is, which mail slot is free) comes
        // from the catalog: bring it in step with the changer first.
        let tx = catalog.write()?;
        let changes = libraries::sync(&tx, lib.id, &observed(&inv))?;
        if !changes.is_empty() {
            let details = json!({"name": lib.name, "changes": changes, "looking_for": barcode});
            audit::record(&tx, "library.inventory", "library", Some(lib.id), details)?;
        }
        tx.commit()?;
        return Ok(false);
    };
    if from == element {
        return Ok(true);
    }
    if inv.get(element).is_some_and(|e| e.full) {
        let to = home_slot(&inv, element).ok_or_else(|| {
            Failure::new(Kind::InvalidState, format!("every storage slot of library '{}' is full", lib.name))
        })?;
        let out = inv.get(element).and_then(|e| e.barcode.clone());
        prepare_removal(env, d);
        open.changer.move_medium(element, to).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
        env.note(|| format!("Unloaded {} from drive '{}' into {to}", out.as_deref().unwrap_or("-"), d.name));
        let details =
            json!({"name": lib.name, "drive": d.name, "from": element, "to": to, "barcode": out, "automatic": true});
        record_move(catalog, &lib, open.changer.as_mut(), "library.unload", details)?;
    }
    open.changer.move_medium(from, element).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    env.note(|| format!("Loaded {barcode} from {from} into drive '{}' ({element})", d.name));
    let details =
        json!({"name": lib.name, "drive": d.name, "from": from, "to": element, "barcode": barcode, "automatic": true});
    record_move(catalog, &lib, open.changer.as_mut(), "library.load", details)?;
    Ok(true)
}

/// Where an operator puts a cartridge a drive in a library needs: that library's first empty
/// import/export (mail) slot, as the last inventory saw it.
#[derive(Debug, Clone)]
pub struct MailSlot {
    pub library: String,
    pub element: i64,
}

impl MailSlot {
    /// The mail slot for drive `d`; `None` for a drive outside a library, or a library
    /// without a free import/export slot (the operator then loads the drive by hand).
    pub fn for_drive(conn: &Connection, d: &Drive) -> Result<Option<MailSlot>> {
        let Some(id) = d.library_id else { return Ok(None) };
        let lib = libraries::by_id(conn, id)?;
        let free = libraries::slots(conn, id)?.into_iter().find(|s| s.kind == "import_export" && !s.full);
        Ok(free.map(|s| MailSlot { library: lib.name, element: s.element }))
    }

    /// What to ask of the operator, for a tape described by `what` ("tape 'W1'").
    pub fn action(&self, what: &str) -> String {
        format!("put {what} in the import/export slot (element {}) of library '{}'", self.element, self.library)
    }

    pub fn json(&self) -> Value {
        json!({"library": self.library, "element": self.element})
    }
}

/// Which storage cartridges [`visit_in_place`] takes (cleaning cartridges never).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Every data cartridge.
    All,
    /// Those the catalog cannot name: a barcode no tape has, or no barcode.
    Unknown,
    /// Those with a barcode no tape has (a cartridge without one has nothing to be named by).
    UnknownBarcode,
}

impl Pick {
    fn takes(self, conn: &Connection, e: &changer::ElementStatus) -> Result<bool> {
        if !e.full || e.barcode.as_deref().is_some_and(is_cleaning) {
            return Ok(false);
        }
        Ok(match (self, &e.barcode) {
            (Pick::All, _) => true,
            (_, Some(b)) => tapes::by_barcode(conn, b)?.is_none(),
            (Pick::Unknown, None) => true,
            (Pick::UnknownBarcode, None) => false,
        })
    }
}

/// Loads each storage cartridge `pick` takes into drive `d`, a
/// drive of its library, hands its device to `visit`, and puts it back in the slot it came
/// from; the drive's own cartridge goes home first. Holds the changer and the drive locks
/// throughout. On an error the cartridge is put back (when the changer can) before the error
/// is returned.
pub fn visit_in_place<T>(
    env: &Env,
    catalog: &mut Catalog,
    d: &Drive,
    pick: Pick,
    mut visit: impl FnMut(&mut Catalog, &changer::ElementStatus, &mut dyn TapeDevice) -> Result<T>,
) -> Result<Vec<T>> {
    let (lib, element) = drive_library(catalog.conn(), d)?;
    let spec = DeviceSpec::parse(&d.device).map_err(Failure::usage)?;
    let mut open = open_changer(env, &lib, "library visit")?;
    let _drive_lock = env.lock_drive(d, "library visit")?;
    let mut inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    if inv.get(element).is_some_and(|e| e.full) {
        let to = home_slot(&inv, element).ok_or_else(|| {
            Failure::new(Kind::InvalidState, format!("every storage slot of library '{}' is full", lib.name))
        })?;
        prepare_removal(env, d);
        open.changer.move_medium(element, to).map_err(|e| changer_error(e, &lib, catalog.conn()))?;
        // The drive's cartridge is in a slot now, and is visited with the others.
        inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    }
    let mut picked = Vec::new();
    for e in inv.slots() {
        if pick.takes(catalog.conn(), e)? {
            picked.push(e.clone());
        }
    }
    let mut out = Vec::new();
    let mut failure = None;
    for e in &picked {
        if let Err(err) = open.changer.move_medium(e.address, element) {
            failure = Some(changer_error(err, &lib, catalog.conn()));
            break;
        }
        let result = crate::tape::open(&spec)
            .map_err(|err| super::device_error(err, d))
            .and_then(|mut dev| visit(catalog, e, dev.as_mut()));
        prepare_removal(env, d);
        let back = open.changer.move_medium(element, e.address).map_err(|err| changer_error(err, &lib, catalog.conn()));
        match (result, back) {
            (Ok(v), Ok(())) => out.push(v),
            (Err(err), _) | (Ok(_), Err(err)) => {
                failure = Some(err);
                break;
            }
        }
    }
    let inv = open.changer.inventory().map_err(|e| changer_error(e, &lib, catalog.conn()))?;
    let tx = catalog.write()?;
    libraries::sync(&tx, lib.id, &observed(&inv))?;
    tx.commit()?;
    match failure {
        Some(e) => Err(e),
        None => Ok(out),
    }
}
