//! Tape libraries (medium changers): a name for each changer string, what the changer said
//! about itself, and what its last inventory found in each element.
//!
//! A slot row's `slot_number` is the element's address as the changer numbers it (vlib and
//! tgt: import/export 10…, drives 500…, storage 1000…). Drives are tied to a library by
//! `tape_drives.library_id` and `library_drive_number` (the drive's element address).

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::{Failure, Kind};

#[derive(Debug, Clone, Serialize)]
pub struct Library {
    pub id: i64,
    pub name: String,
    pub device: String,
    pub vendor: String,
    pub model: String,
    pub serial_number: String,
    pub num_slots: i64,
    pub num_drives: i64,
    pub num_import_export: i64,
    pub barcode_reader: bool,
    pub enabled: bool,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub last_inventory_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub created_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub updated_at: Option<String>,
}

const SELECT: &str = "SELECT id, name, device_path, vendor, model, serial_number, num_slots, num_drives,
        num_import_export, barcode_reader, enabled, last_inventory_at, created_at, updated_at
    FROM tape_libraries";

fn from_row(r: &Row) -> rusqlite::Result<Library> {
    Ok(Library {
        id: r.get(0)?,
        name: r.get(1)?,
        device: r.get(2)?,
        vendor: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        model: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
        serial_number: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
        num_slots: r.get::<_, Option<i64>>(6)?.unwrap_or(0),
        num_drives: r.get::<_, Option<i64>>(7)?.unwrap_or(0),
        num_import_export: r.get::<_, Option<i64>>(8)?.unwrap_or(0),
        barcode_reader: r.get::<_, Option<bool>>(9)?.unwrap_or(false),
        enabled: r.get::<_, Option<bool>>(10)?.unwrap_or(true),
        last_inventory_at: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

/// One element as the catalog last saw it.
#[derive(Debug, Clone, Serialize)]
pub struct Slot {
    /// The element address.
    pub element: i64,
    /// storage, import_export or drive.
    #[serde(rename = "type")]
    pub kind: String,
    pub full: bool,
    pub barcode: Option<String>,
    #[serde(skip)]
    pub tape_id: Option<i64>,
    /// Label of the catalog tape with that barcode.
    pub tape: Option<String>,
    /// For drive elements: the catalog drive attached at this element.
    pub drive: Option<String>,
    pub cleaning: bool,
}

/// One element as the changer reports it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub element: i64,
    /// storage, import_export or drive.
    pub kind: &'static str,
    pub full: bool,
    pub barcode: Option<String>,
}

/// A cleaning cartridge's barcode starts with `CLN` (the LTO convention).
pub fn is_cleaning(barcode: &str) -> bool {
    barcode.starts_with("CLN")
}

pub fn insert(conn: &Connection, l: &Library) -> Result<i64> {
    if find(conn, &l.name)?.is_some() {
        return Err(Failure::already_exists("library", &l.name).into());
    }
    if let Some(other) = conn
        .query_row("SELECT name FROM tape_libraries WHERE device_path = ?1", [&l.device], |r| r.get::<_, String>(0))
        .optional()?
    {
        return Err(
            Failure::new(Kind::AlreadyExists, format!("changer {} is already library '{other}'", l.device)).into()
        );
    }
    let now = crate::timefmt::now_sql();
    conn.execute(
        "INSERT INTO tape_libraries (name, device_path, vendor, model, serial_number, num_slots, num_drives,
            num_import_export, barcode_reader, enabled, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![
            l.name,
            l.device,
            l.vendor,
            l.model,
            l.serial_number,
            l.num_slots,
            l.num_drives,
            l.num_import_export,
            l.barcode_reader,
            l.enabled,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn find(conn: &Connection, name: &str) -> Result<Option<Library>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE name = ?1 ORDER BY id LIMIT 1"), [name], from_row).optional()?)
}

pub fn get(conn: &Connection, name: &str) -> Result<Library> {
    find(conn, name)?.ok_or_else(|| Failure::not_found("library", name).into())
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Library> {
    Ok(conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)?)
}

pub fn list(conn: &Connection) -> Result<Vec<Library>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM tape_library_slots WHERE library_id = ?1", [id])?;
    conn.execute("DELETE FROM tape_libraries WHERE id = ?1", [id])?;
    Ok(())
}

/// Every element of the library as the last inventory found it, by address.
pub fn slots(conn: &Connection, library_id: i64) -> Result<Vec<Slot>> {
    let mut stmt = conn.prepare(
        "SELECT s.slot_number, s.slot_type, s.is_empty, s.barcode, s.tape_id, t.label,
            (SELECT d.display_name FROM tape_drives d
              WHERE d.library_id = s.library_id AND d.library_drive_number = s.slot_number)
         FROM tape_library_slots s LEFT JOIN tapes t ON t.id = s.tape_id
         WHERE s.library_id = ?1 ORDER BY s.slot_number",
    )?;
    let rows = stmt.query_map([library_id], |r| {
        let barcode = r.get::<_, Option<String>>(3)?.filter(|b| !b.is_empty());
        Ok(Slot {
            element: r.get(0)?,
            kind: r.get(1)?,
            full: !r.get::<_, Option<bool>>(2)?.unwrap_or(true),
            cleaning: barcode.as_deref().is_some_and(is_cleaning),
            barcode,
            tape_id: r.get(4)?,
            tape: r.get(5)?,
            drive: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What an inventory changed in one element.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub element: i64,
    #[serde(rename = "type")]
    pub kind: String,
    /// The barcode before (None: empty, or not in the catalog before).
    pub from: Option<String>,
    pub to: Option<String>,
    pub from_full: bool,
    pub to_full: bool,
}

/// Brings the library's rows in step with what the changer reported: one slot row per
/// element (rows of elements it no longer has are dropped), the tape each barcode belongs
/// to, the library's geometry and inventory time, and the tape each attached drive holds.
/// Returns the elements whose contents changed.
pub fn sync(conn: &Connection, library_id: i64, observed: &[Observed]) -> Result<Vec<Change>> {
    let now = crate::timefmt::now_sql();
    let before = slots(conn, library_id)?;
    let mut changes = Vec::new();
    for o in observed {
        let tape_id: Option<i64> = match &o.barcode {
            Some(b) => conn.query_row("SELECT id FROM tapes WHERE barcode = ?1", [b], |r| r.get(0)).optional()?,
            None => None,
        };
        let old = before.iter().find(|s| s.element == o.element);
        let changed = old.is_none_or(|s| s.full != o.full || s.barcode != o.barcode || s.kind != o.kind);
        if changed {
            changes.push(Change {
                element: o.element,
                kind: o.kind.to_string(),
                from: old.and_then(|s| s.barcode.clone()),
                to: o.barcode.clone(),
                from_full: old.is_some_and(|s| s.full),
                to_full: o.full,
            });
        }
        if changed || old.is_some_and(|s| s.tape_id != tape_id) {
            conn.execute(
                "INSERT INTO tape_library_slots (library_id, slot_number, slot_type, tape_id, barcode, is_empty,
                    created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
                 ON CONFLICT (library_id, slot_number) DO UPDATE SET slot_type = excluded.slot_type,
                    tape_id = excluded.tape_id, barcode = excluded.barcode, is_empty = excluded.is_empty,
                    updated_at = excluded.updated_at",
                params![library_id, o.element, o.kind, tape_id, o.barcode.clone().unwrap_or_default(), !o.full, now],
            )?;
        }
        if o.kind == "drive" {
            sync_drive(conn, library_id, o, tape_id)?;
        }
    }
    for gone in before.iter().filter(|s| !observed.iter().any(|o| o.element == s.element)) {
        conn.execute(
            "DELETE FROM tape_library_slots WHERE library_id = ?1 AND slot_number = ?2",
            params![library_id, gone.element],
        )?;
        changes.push(Change {
            element: gone.element,
            kind: gone.kind.clone(),
            from: gone.barcode.clone(),
            to: None,
            from_full: gone.full,
            to_full: false,
        });
    }
    let count = |kind: &str| observed.iter().filter(|o| o.kind == kind).count() as i64;
    let barcode_reader = observed.iter().any(|o| o.barcode.is_some());
    conn.execute(
        "UPDATE tape_libraries SET num_slots = ?2, num_drives = ?3, num_import_export = ?4,
            barcode_reader = ?5, last_inventory_at = ?6, updated_at = ?6 WHERE id = ?1",
        params![library_id, count("storage"), count("drive"), count("import_export"), barcode_reader, now],
    )?;
    Ok(changes)
}

/// The catalog drive at a drive element learns what the changer says is in it: nothing, or
/// the catalog tape with that barcode. A cartridge the catalog does not know leaves the
/// drive's record alone (its label will tell).
fn sync_drive(conn: &Connection, library_id: i64, o: &Observed, tape_id: Option<i64>) -> Result<()> {
    let Some((drive_id, current)) = conn
        .query_row(
            "SELECT id, current_tape_id FROM tape_drives WHERE library_id = ?1 AND library_drive_number = ?2",
            params![library_id, o.element],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?)),
        )
        .optional()?
    else {
        return Ok(());
    };
    let new = match (o.full, tape_id) {
        (false, _) => None,
        (true, Some(t)) => Some(t),
        (true, None) => return Ok(()),
    };
    if new != current {
        super::drives::set_current_tape(conn, drive_id, new)?;
    }
    Ok(())
}

/// Records identity fields the changer reported.
pub fn set_identity(conn: &Connection, id: i64, vendor: &str, model: &str, serial: &str) -> Result<()> {
    conn.execute(
        "UPDATE tape_libraries SET vendor = ?2, model = ?3, serial_number = ?4, updated_at = ?5 WHERE id = ?1",
        params![id, vendor, model, serial, crate::timefmt::now_sql()],
    )?;
    Ok(())
}

/// Names of the drives attached to the library, with their element addresses.
pub fn attached_drives(conn: &Connection, library_id: i64) -> Result<Vec<(String, Option<i64>)>> {
    let mut stmt = conn.prepare(
        "SELECT display_name, library_drive_number FROM tape_drives WHERE library_id = ?1
         ORDER BY library_drive_number, display_name",
    )?;
    let rows = stmt.query_map([library_id], |r| Ok((r.get::<_, Option<String>>(0)?.unwrap_or_default(), r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The drive attached at an element of the library, by name.
pub fn drive_at(conn: &Connection, library_id: i64, element: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT display_name FROM tape_drives WHERE library_id = ?1 AND library_drive_number = ?2",
            params![library_id, element],
            |r| r.get(0),
        )
        .optional()?)
}

/// Ties a drive to a library element (or unties it, with `None`).
pub fn attach_drive(conn: &Connection, drive_id: i64, at: Option<(i64, i64)>) -> Result<()> {
    conn.execute(
        "UPDATE tape_drives SET library_id = ?2, library_drive_number = ?3, updated_at = ?4 WHERE id = ?1",
        params![drive_id, at.map(|a| a.0), at.map(|a| a.1), crate::timefmt::now_sql()],
    )?;
    Ok(())
}
