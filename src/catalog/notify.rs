//! Notification targets and their deliveries (migration 010): who is told about what, and
//! how each telling went. Settings are stored as JSON the engine interprets; secrets are not
//! stored here at all (the home's `secrets/` files hold them), so nothing in these rows needs
//! hiding from `notify list --json` or a copy of the catalog.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::Value;

use crate::error::Failure;

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub id: i64,
    pub name: String,
    /// `command`, `email` or `webhook`.
    pub kind: String,
    /// Event kinds it wants (`all` for every kind).
    pub events: Vec<String>,
    /// How to reach it, without secrets.
    pub settings: Value,
    pub enabled: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl Target {
    /// Whether this target wants events of `kind`.
    pub fn wants(&self, kind: &str) -> bool {
        self.enabled && self.events.iter().any(|e| e == "all" || e == kind)
    }
}

/// A target to add.
pub struct NewTarget<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub events: &'a [String],
    pub settings: &'a Value,
}

const COLUMNS: &str = "id, name, kind, events, settings, enabled, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Target> {
    let events: String = r.get(3)?;
    let settings: String = r.get(4)?;
    Ok(Target {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        events: serde_json::from_str(&events).unwrap_or_default(),
        settings: serde_json::from_str(&settings).unwrap_or(Value::Null),
        enabled: r.get(5)?,
        created_at: crate::timefmt::sql_to_rfc3339(&r.get::<_, String>(6)?),
        updated_at: crate::timefmt::sql_to_rfc3339(&r.get::<_, String>(7)?),
    })
}

/// Adds a target; a name already taken is `already_exists`.
pub fn insert(conn: &Connection, t: &NewTarget) -> Result<i64> {
    let now = crate::timefmt::now_sql();
    let inserted = conn.execute(
        "INSERT INTO notification_targets (name, kind, events, settings, enabled, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
        params![t.name, t.kind, serde_json::to_string(t.events)?, t.settings.to_string(), now],
    );
    match inserted {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(e) if super::is_unique_violation(&e) => Err(Failure::already_exists("notification target", t.name).into()),
        Err(e) => Err(e.into()),
    }
}

/// The target named `name`; a missing one is `not_found`.
pub fn get(conn: &Connection, name: &str) -> Result<Target> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM notification_targets WHERE name = ?1"), [name], from_row)
        .optional()?
        .ok_or_else(|| Failure::not_found("notification target", name).into())
}

/// Every target, by name.
pub fn list(conn: &Connection) -> Result<Vec<Target>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM notification_targets ORDER BY name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM notification_targets WHERE id = ?1", [id])?;
    Ok(())
}

/// How one event was told to one target.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub target: String,
    pub event: String,
    pub subject: String,
    /// `ok` or `failed`.
    pub result: &'static str,
    pub attempts: u32,
    pub error: Option<String>,
    pub duration_ms: u64,
}

pub fn record_delivery(conn: &Connection, target_id: Option<i64>, d: &Delivery) -> Result<()> {
    conn.execute(
        "INSERT INTO notification_deliveries
           (target_id, target_name, event, subject, created_at, result, attempts, error, duration_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            target_id,
            d.target,
            d.event,
            d.subject,
            crate::timefmt::now_sql(),
            d.result,
            d.attempts,
            d.error,
            i64::try_from(d.duration_ms).unwrap_or(i64::MAX)
        ],
    )?;
    Ok(())
}

/// A target's most recent delivery, as `notify list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LastDelivery {
    #[serde(skip)]
    pub target: String,
    pub at: String,
    pub result: String,
    pub error: Option<String>,
}

/// The last delivery to each target, by target name (for `notify list`).
pub fn last_deliveries(conn: &Connection) -> Result<Vec<LastDelivery>> {
    let mut stmt = conn.prepare(
        "SELECT target_name, created_at, result, error FROM notification_deliveries
         WHERE id IN (SELECT max(id) FROM notification_deliveries GROUP BY target_name)",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LastDelivery {
            target: r.get(0)?,
            at: crate::timefmt::sql_to_rfc3339(&r.get::<_, String>(1)?),
            result: r.get(2)?,
            error: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
