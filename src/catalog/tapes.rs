//! Tapes: every cartridge the catalog knows, its pool, its lifecycle status and where it is.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::{Failure, Kind};

/// The seed's lifecycle: blank → active → full → expired → (relabel) blank; any → retired
/// or exported; exported → (import) back to where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TapeStatus {
    Blank,
    Active,
    Full,
    Expired,
    Retired,
    Exported,
}

impl TapeStatus {
    pub const NAMES: [&'static str; 6] = ["blank", "active", "full", "expired", "retired", "exported"];

    pub fn as_str(self) -> &'static str {
        match self {
            TapeStatus::Blank => "blank",
            TapeStatus::Active => "active",
            TapeStatus::Full => "full",
            TapeStatus::Expired => "expired",
            TapeStatus::Retired => "retired",
            TapeStatus::Exported => "exported",
        }
    }

    /// Whether a command may move a tape from `self` to `to`.
    pub fn can_become(self, to: TapeStatus) -> bool {
        use TapeStatus::*;
        match (self, to) {
            (Exported, _) => false, // only `tape import` leaves Exported, to the saved status
            (_, Exported) => true,
            (Retired, _) => false,
            (_, Retired) => true,
            (Blank, Active | Full) | (Active, Full | Expired) | (Full, Expired) | (Expired, Blank) => true,
            (a, b) => a == b,
        }
    }
}

impl std::str::FromStr for TapeStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| [Self::Blank, Self::Active, Self::Full, Self::Expired, Self::Retired, Self::Exported][i])
            .ok_or_else(|| format!("'{s}' is not a tape status: use one of {}", Self::NAMES.join(", ")))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tape {
    pub id: i64,
    pub uuid: Option<String>,
    pub label: String,
    pub barcode: Option<String>,
    #[serde(skip)]
    pub pool_id: Option<i64>,
    #[serde(rename = "pool")]
    pub pool_name: Option<String>,
    pub status: TapeStatus,
    pub lto_type: String,
    pub capacity_bytes: i64,
    pub used_bytes: i64,
    pub write_count: i64,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub last_written_at: Option<String>,
    pub offsite_location: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub export_time: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub import_time: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub labeled_at: Option<String>,
    pub format_type: String,
    #[serde(skip)]
    pub status_before_export: Option<TapeStatus>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub created_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub updated_at: Option<String>,
}

impl Tape {
    /// A tape not yet in the catalog: blank, in no pool, nothing written; the caller sets what
    /// it knows (uuid, barcode, pool) before `insert`.
    pub fn blank(label: &str) -> Tape {
        Tape {
            id: 0,
            uuid: None,
            label: label.into(),
            barcode: None,
            pool_id: None,
            pool_name: None,
            status: TapeStatus::Blank,
            lto_type: String::new(),
            capacity_bytes: 0,
            used_bytes: 0,
            write_count: 0,
            last_written_at: None,
            offsite_location: None,
            export_time: None,
            import_time: None,
            labeled_at: None,
            format_type: "raw".into(),
            status_before_export: None,
            created_at: None,
            updated_at: None,
        }
    }
}

const SELECT: &str = "SELECT t.id, t.uuid, t.label, t.barcode, t.pool_id, p.name, t.status, t.lto_type,
        t.capacity_bytes, t.used_bytes, t.write_count, t.last_written_at, t.offsite_location, t.export_time,
        t.import_time, t.labeled_at, t.format_type, t.status_before_export, t.created_at, t.updated_at
    FROM tapes t LEFT JOIN tape_pools p ON p.id = t.pool_id";

fn from_row(r: &Row) -> rusqlite::Result<Tape> {
    let status: String = r.get(6)?;
    let before: Option<String> = r.get(17)?;
    Ok(Tape {
        id: r.get(0)?,
        uuid: r.get(1)?,
        label: r.get(2)?,
        barcode: r.get(3)?,
        pool_id: r.get(4)?,
        pool_name: r.get(5)?,
        status: status.parse().unwrap_or(TapeStatus::Blank),
        lto_type: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        capacity_bytes: r.get::<_, Option<i64>>(8)?.unwrap_or(0),
        used_bytes: r.get::<_, Option<i64>>(9)?.unwrap_or(0),
        write_count: r.get::<_, Option<i64>>(10)?.unwrap_or(0),
        last_written_at: r.get(11)?,
        offsite_location: r.get(12)?,
        export_time: r.get(13)?,
        import_time: r.get(14)?,
        labeled_at: r.get(15)?,
        format_type: r.get(16)?,
        status_before_export: before.and_then(|b| b.parse().ok()),
        created_at: r.get(18)?,
        updated_at: r.get(19)?,
    })
}

/// Inserts `t` (id and pool name ignored) and returns the new id.
pub fn insert(conn: &Connection, t: &Tape) -> Result<i64> {
    if find(conn, &t.label)?.is_some() {
        return Err(Failure::already_exists("tape", &t.label).into());
    }
    if let Some(b) = &t.barcode
        && let Some(other) = by_barcode(conn, b)?
    {
        return Err(Failure::new(
            Kind::AlreadyExists,
            format!("barcode {b} already belongs to tape '{}'", other.label),
        )
        .into());
    }
    let now = crate::timefmt::now_sql();
    conn.execute(
        "INSERT INTO tapes (label, status, format_type, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![t.label, t.status.as_str(), t.format_type, now],
    )?;
    let id = conn.last_insert_rowid();
    // `save` writes every other field, so the column list lives in one place.
    save(conn, &Tape { id, ..t.clone() })?;
    Ok(id)
}

/// Writes every field back; `updated_at` becomes now.
pub fn save(conn: &Connection, t: &Tape) -> Result<()> {
    conn.execute(
        "UPDATE tapes SET uuid = ?2, label = ?3, barcode = ?4, pool_id = ?5, status = ?6, lto_type = ?7,
            capacity_bytes = ?8, used_bytes = ?9, write_count = ?10, last_written_at = ?11, offsite_location = ?12,
            export_time = ?13, import_time = ?14, labeled_at = ?15, status_before_export = ?16, updated_at = ?17
         WHERE id = ?1",
        params![
            t.id,
            t.uuid,
            t.label,
            t.barcode,
            t.pool_id,
            t.status.as_str(),
            t.lto_type,
            t.capacity_bytes,
            t.used_bytes,
            t.write_count,
            t.last_written_at,
            t.offsite_location,
            t.export_time,
            t.import_time,
            t.labeled_at,
            t.status_before_export.map(|s| s.as_str()),
            crate::timefmt::now_sql()
        ],
    )?;
    Ok(())
}

pub fn find(conn: &Connection, label: &str) -> Result<Option<Tape>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE t.label = ?1"), [label], from_row).optional()?)
}

pub fn get(conn: &Connection, label: &str) -> Result<Tape> {
    find(conn, label)?.ok_or_else(|| Failure::not_found("tape", label).into())
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Tape> {
    Ok(conn.query_row(&format!("{SELECT} WHERE t.id = ?1"), [id], from_row)?)
}

pub fn by_uuid(conn: &Connection, uuid: &str) -> Result<Option<Tape>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE t.uuid = ?1"), [uuid], from_row).optional()?)
}

pub fn by_barcode(conn: &Connection, barcode: &str) -> Result<Option<Tape>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE t.barcode = ?1"), [barcode], from_row).optional()?)
}

pub fn list(conn: &Connection, pool_id: Option<i64>, status: Option<TapeStatus>) -> Result<Vec<Tape>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE (?1 IS NULL OR t.pool_id = ?1) AND (?2 IS NULL OR t.status = ?2) ORDER BY t.label"
    ))?;
    let rows = stmt.query_map(params![pool_id, status.map(|s| s.as_str())], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many live backups the tape holds: backup sets of any run status that have not
/// expired (by their first tape or any part), the catalog backups that keep a tape
/// (`db_backups::KEEPS_TAPE`: the newest, or one being written) and Proxmox backups. A tape
/// with none is erased, relabelled or reused without losing anything the catalog can still
/// restore.
pub fn set_count(conn: &Connection, id: i64) -> Result<i64> {
    Ok(conn.query_row(
        &format!(
            "SELECT (SELECT count(*) FROM backup_sets b WHERE b.expired_at IS NULL AND b.id IN
                    (SELECT id FROM backup_sets WHERE tape_id = ?1
                     UNION SELECT backup_set_id FROM backup_set_parts WHERE tape_id = ?1))
              + (SELECT count(*) FROM database_backups WHERE tape_id = ?1 AND {keeps})
              + (SELECT count(*) FROM proxmox_backups WHERE tape_id = ?1)",
            keeps = super::db_backups::KEEPS_TAPE
        ),
        [id],
        |r| r.get(0),
    )?)
}

/// How many expired backup sets have their first tape or a part on the tape: history, whose
/// data stays on it until it is reused.
pub fn expired_set_count(conn: &Connection, id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM backup_sets b WHERE b.expired_at IS NOT NULL AND b.id IN
            (SELECT id FROM backup_sets WHERE tape_id = ?1 UNION SELECT backup_set_id FROM backup_set_parts WHERE tape_id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// Where a tape is, as far as the catalog knows: in a drive, in a library slot, offsite, or
/// on the shelf. For prompts that ask an operator to fetch it.
pub fn location(conn: &Connection, t: &Tape) -> Result<String> {
    let in_drive: Option<String> = conn
        .query_row(
            "SELECT coalesce(display_name, device_path) FROM tape_drives WHERE current_tape_id = ?1 LIMIT 1",
            [t.id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(d) = in_drive {
        return Ok(format!("in drive {d}"));
    }
    let slot: Option<(String, i64, String)> = conn
        .query_row(
            "SELECT l.name, s.slot_number, s.slot_type FROM tape_library_slots s
             JOIN tape_libraries l ON l.id = s.library_id WHERE s.tape_id = ?1 LIMIT 1",
            [t.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((library, slot, kind)) = slot {
        let what = if kind == "import_export" { "mail slot" } else { "slot" };
        return Ok(format!("library {library}, {what} {slot}"));
    }
    Ok(match (&t.status, &t.offsite_location) {
        (TapeStatus::Exported, Some(place)) if !place.is_empty() => format!("offsite: {place}"),
        (TapeStatus::Exported, _) => "offsite".into(),
        _ => "on the shelf".into(),
    })
}

/// Native capacity of an LTO generation, in bytes (uncompressed), for `--lto-type`.
pub fn lto_capacity(lto_type: &str) -> Option<i64> {
    const TB: i64 = 1_000_000_000_000;
    const GB: i64 = 1_000_000_000;
    Some(match lto_type {
        "LTO-1" => 100 * GB,
        "LTO-2" => 200 * GB,
        "LTO-3" => 400 * GB,
        "LTO-4" => 800 * GB,
        "LTO-5" => 1500 * GB,
        "LTO-6" => 2500 * GB,
        "LTO-7" => 6 * TB,
        "LTO-8" => 12 * TB,
        "LTO-9" => 18 * TB,
        _ => return None,
    })
}

pub const LTO_TYPES: [&str; 9] = ["LTO-1", "LTO-2", "LTO-3", "LTO-4", "LTO-5", "LTO-6", "LTO-7", "LTO-8", "LTO-9"];

/// Marks `t` exported (gone offsite, to `location` when known), remembering the status it
/// comes back to, and forgets it in any drive. Returns the status it had. The caller saves
/// nothing else and records the audit entry.
pub fn mark_exported(conn: &Connection, t: &mut Tape, location: Option<&str>) -> Result<TapeStatus> {
    let from = t.status;
    if !from.can_become(TapeStatus::Exported) || from == TapeStatus::Exported {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("tape '{}' is {}: it cannot become exported", t.label, from.as_str()),
        )
        .into());
    }
    t.status_before_export = Some(from);
    t.offsite_location = location.map(str::to_string);
    t.export_time = Some(crate::timefmt::now_sql());
    t.status = TapeStatus::Exported;
    save(conn, t)?;
    super::drives::forget_tape(conn, t.id)?;
    Ok(from)
}

/// Marks an exported tape back: the status it had before, the import time. Returns where it
/// was kept.
pub fn mark_imported(conn: &Connection, t: &mut Tape) -> Result<Option<String>> {
    if t.status != TapeStatus::Exported {
        return Err(Failure::new(
            Kind::InvalidState,
            format!("tape '{}' is {}, not exported", t.label, t.status.as_str()),
        )
        .into());
    }
    t.status = t.status_before_export.take().unwrap_or(TapeStatus::Full);
    t.import_time = Some(crate::timefmt::now_sql());
    let from = t.offsite_location.take();
    save(conn, t)?;
    Ok(from)
}

#[cfg(test)]
mod tests {
    use super::TapeStatus::*;

    #[test]
    fn lifecycle_transitions() {
        assert!(Blank.can_become(Active) && Active.can_become(Full) && Full.can_become(Expired));
        assert!(Expired.can_become(Blank) && Full.can_become(Exported) && Blank.can_become(Retired));
        assert!(!Full.can_become(Blank) && !Active.can_become(Blank) && !Retired.can_become(Blank));
        assert!(!Exported.can_become(Active) && !Retired.can_become(Active) && !Full.can_become(Active));
        assert!(Retired.can_become(Exported), "a retired tape can still go offsite for disposal");
    }
}
