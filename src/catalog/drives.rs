//! Tape drives: a name for each device string, what the drive said about itself, and which
//! tape the catalog last saw in it.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::{Failure, Kind};

#[derive(Debug, Clone, Serialize)]
pub struct Drive {
    pub id: i64,
    pub name: String,
    pub device: String,
    pub vendor: String,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub enabled: bool,
    /// ready, busy, offline or error (the seed's CHECK).
    pub status: String,
    #[serde(skip)]
    pub current_tape_id: Option<i64>,
    /// Label of the tape last seen in the drive.
    pub current_tape: Option<String>,
    pub library_id: Option<i64>,
    pub library_drive_number: Option<i64>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub created_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub updated_at: Option<String>,
}

const SELECT: &str = "SELECT d.id, d.display_name, d.device_path, d.vendor, d.model, d.serial_number, d.enabled,
        d.status, d.current_tape_id, t.label, d.library_id, d.library_drive_number, d.created_at, d.updated_at
    FROM tape_drives d LEFT JOIN tapes t ON t.id = d.current_tape_id";

fn from_row(r: &Row) -> rusqlite::Result<Drive> {
    Ok(Drive {
        id: r.get(0)?,
        name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        device: r.get(2)?,
        vendor: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        model: r.get(4)?,
        serial_number: r.get(5)?,
        enabled: r.get::<_, Option<bool>>(6)?.unwrap_or(true),
        status: r.get(7)?,
        current_tape_id: r.get(8)?,
        current_tape: r.get(9)?,
        library_id: r.get(10)?,
        library_drive_number: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

impl Drive {
    /// A drive not yet in the catalog: enabled, ready, in no library, no tape; the caller
    /// sets what the drive tells about itself before `insert`.
    pub fn new(name: &str, device: &str) -> Drive {
        Drive {
            id: 0,
            name: name.into(),
            device: device.into(),
            vendor: String::new(),
            model: None,
            serial_number: None,
            enabled: true,
            status: "ready".into(),
            current_tape_id: None,
            current_tape: None,
            library_id: None,
            library_drive_number: None,
            created_at: None,
            updated_at: None,
        }
    }
}

pub fn insert(conn: &Connection, d: &Drive) -> Result<i64> {
    if find(conn, &d.name)?.is_some() {
        return Err(Failure::already_exists("drive", &d.name).into());
    }
    if let Some(other) = conn
        .query_row("SELECT display_name FROM tape_drives WHERE device_path = ?1", [&d.device], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
    {
        return Err(Failure::new(Kind::AlreadyExists, format!("device {} is already drive '{other}'", d.device)).into());
    }
    let now = crate::timefmt::now_sql();
    conn.execute(
        "INSERT INTO tape_drives (display_name, device_path, vendor, model, serial_number, enabled, status,
            library_id, library_drive_number, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![
            d.name,
            d.device,
            d.vendor,
            d.model,
            d.serial_number,
            d.enabled,
            d.status,
            d.library_id,
            d.library_drive_number,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn save(conn: &Connection, d: &Drive) -> Result<()> {
    conn.execute(
        "UPDATE tape_drives SET display_name = ?2, vendor = ?3, model = ?4, serial_number = ?5, enabled = ?6,
            status = ?7, current_tape_id = ?8, updated_at = ?9 WHERE id = ?1",
        params![
            d.id,
            d.name,
            d.vendor,
            d.model,
            d.serial_number,
            d.enabled,
            d.status,
            d.current_tape_id,
            crate::timefmt::now_sql()
        ],
    )?;
    Ok(())
}

pub fn find(conn: &Connection, name: &str) -> Result<Option<Drive>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE d.display_name = ?1"), [name], from_row).optional()?)
}

pub fn get(conn: &Connection, name: &str) -> Result<Drive> {
    find(conn, name)?.ok_or_else(|| Failure::not_found("drive", name).into())
}

pub fn list(conn: &Connection) -> Result<Vec<Drive>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY d.display_name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records that drive `drive_id` now holds `tape_id` (or nothing): a tape is in one drive at
/// most, so any other drive that held it is cleared first.
pub fn set_current_tape(conn: &Connection, drive_id: i64, tape_id: Option<i64>) -> Result<()> {
    if let Some(t) = tape_id {
        forget_tape(conn, t)?;
    }
    conn.execute(
        "UPDATE tape_drives SET current_tape_id = ?2, updated_at = ?3 WHERE id = ?1",
        params![drive_id, tape_id, crate::timefmt::now_sql()],
    )?;
    Ok(())
}

/// Clears `current_tape_id` wherever it names this tape (it is now in another drive or out).
pub fn forget_tape(conn: &Connection, tape_id: i64) -> Result<()> {
    conn.execute("UPDATE tape_drives SET current_tape_id = NULL WHERE current_tape_id = ?1", [tape_id])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM drive_statistics WHERE drive_id = ?1", [id])?;
    conn.execute("DELETE FROM drive_alerts WHERE drive_id = ?1", [id])?;
    conn.execute("DELETE FROM tape_drives WHERE id = ?1", [id])?;
    Ok(())
}
