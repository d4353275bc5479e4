//! The audit trail: every change to the catalog writes one `audit_logs` row in the same
//! transaction as the change, naming the OS user who made it. Reads write nothing.

use anyhow::Result;
use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::{Map, Value};

/// The OS user running this process, as recorded in every audit row.
pub fn os_user() -> (String, u32) {
    let uid = nix::unistd::getuid();
    let name = nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map(|u| u.name)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| format!("uid:{uid}"));
    (name, uid.as_raw())
}

/// Records `action` (such as `pool.create`) on a resource. `details` must be a JSON object;
/// the OS user and uid are added to it.
pub fn record(
    conn: &Connection,
    action: &str,
    resource_type: &str,
    resource_id: Option<i64>,
    details: Value,
) -> Result<()> {
    let mut details = match details {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => Map::from_iter([("value".to_string(), other)]),
    };
    let (user, uid) = os_user();
    details.insert("os_user".into(), user.into());
    details.insert("uid".into(), uid.into());
    conn.execute(
        "INSERT INTO audit_logs (action, resource_type, resource_id, details, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![action, resource_type, resource_id, Value::Object(details).to_string(), crate::timefmt::now_sql()],
    )?;
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct Entry {
    pub id: i64,
    pub created_at: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<i64>,
    pub details: Value,
}

pub struct Filter<'a> {
    /// Only rows at or after this catalog timestamp.
    pub since: Option<String>,
    pub resource_type: Option<&'a str>,
    pub resource_id: Option<i64>,
    pub limit: u32,
}

/// The newest `limit` rows matching the filter, oldest first.
pub fn list(conn: &Connection, f: &Filter) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT id, created_at, action, resource_type, resource_id, details FROM audit_logs
         WHERE (?1 IS NULL OR created_at >= ?1)
           AND (?2 IS NULL OR resource_type = ?2)
           AND (?3 IS NULL OR resource_id = ?3)
         ORDER BY id DESC LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![f.since, f.resource_type, f.resource_id, f.limit], |r| {
        let details: Option<String> = r.get(5)?;
        Ok(Entry {
            id: r.get(0)?,
            created_at: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            action: r.get(2)?,
            resource_type: r.get(3)?,
            resource_id: r.get(4)?,
            details: details.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or(Value::Null),
        })
    })?;
    let mut entries = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    entries.reverse();
    Ok(entries)
}
