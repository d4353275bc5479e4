//! Encryption keys: only ever stored wrapped (see `pipeline::keywrap`), named, and known by
//! their fingerprint.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::{Failure, Kind};

#[derive(Debug, Clone, Serialize)]
pub struct KeyRecord {
    pub id: i64,
    pub name: String,
    pub algorithm: String,
    /// JSON of `keywrap::WrappedKey`; never the key itself.
    #[serde(skip)]
    pub key_data: String,
    pub fingerprint: String,
    pub description: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub created_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub updated_at: Option<String>,
}

const SELECT: &str =
    "SELECT id, name, algorithm, key_data, key_fingerprint, description, created_at, updated_at FROM encryption_keys";

fn from_row(r: &Row) -> rusqlite::Result<KeyRecord> {
    Ok(KeyRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        algorithm: r.get(2)?,
        key_data: r.get(3)?,
        fingerprint: r.get(4)?,
        description: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

pub fn find(conn: &Connection, name: &str) -> Result<Option<KeyRecord>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE name = ?1"), [name], from_row).optional()?)
}

pub fn get(conn: &Connection, name: &str) -> Result<KeyRecord> {
    find(conn, name)?.ok_or_else(|| Failure::not_found("encryption key", name).into())
}

pub fn by_fingerprint(conn: &Connection, fingerprint: &str) -> Result<Option<KeyRecord>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE key_fingerprint = ?1"), [fingerprint], from_row).optional()?)
}

/// The id of the key named `name`, or a not-found failure.
pub fn id_by_name(conn: &Connection, name: &str) -> Result<i64> {
    Ok(get(conn, name)?.id)
}

pub fn list(conn: &Connection) -> Result<Vec<KeyRecord>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert(conn: &Connection, k: &KeyRecord) -> Result<i64> {
    if find(conn, &k.name)?.is_some() {
        return Err(Failure::already_exists("encryption key", &k.name).into());
    }
    if let Some(other) = by_fingerprint(conn, &k.fingerprint)? {
        return Err(Failure::new(
            Kind::AlreadyExists,
            format!("this key is already in the catalog as '{}'", other.name),
        )
        .into());
    }
    let now = crate::timefmt::now_sql();
    conn.execute(
        "INSERT INTO encryption_keys (name, algorithm, key_data, key_fingerprint, description, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![k.name, k.algorithm, k.key_data, k.fingerprint, k.description, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Replaces the wrapped key (a new passphrase); the key itself is unchanged.
pub fn rewrap(conn: &Connection, id: i64, key_data: &str) -> Result<()> {
    conn.execute(
        "UPDATE encryption_keys SET key_data = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, key_data, crate::timefmt::now_sql()],
    )?;
    Ok(())
}

/// What uses a key: sets that need it to be read, jobs that would write with it.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Usage {
    pub backup_sets: i64,
    pub jobs: i64,
}

pub fn usage(conn: &Connection, id: i64) -> Result<Usage> {
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [id], |r| r.get(0))?) };
    Ok(Usage {
        backup_sets: count("SELECT count(*) FROM backup_sets WHERE encryption_key_id = ?1")?,
        jobs: count("SELECT count(*) FROM backup_jobs WHERE encryption_key_id = ?1")?,
    })
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM encryption_keys WHERE id = ?1", [id])?;
    Ok(())
}
