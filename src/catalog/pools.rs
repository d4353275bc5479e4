//! Tape pools: groups of tapes with one retention and allocation policy.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::Failure;

/// How a backup picks a tape from its pool (see docs/CLI.md, "Allocation policies").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AllocationPolicy {
    /// Append to the pool's active tape while it has room, then a blank, then an expired one.
    Continue,
    /// Every run starts on a fresh (blank or expired) tape.
    Always,
}

impl AllocationPolicy {
    pub const NAMES: [&'static str; 2] = ["continue", "always"];

    pub fn as_str(self) -> &'static str {
        match self {
            AllocationPolicy::Continue => "continue",
            AllocationPolicy::Always => "always",
        }
    }
}

impl std::str::FromStr for AllocationPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "continue" => Ok(AllocationPolicy::Continue),
            "always" => Ok(AllocationPolicy::Always),
            _ => Err(format!("'{s}' is not an allocation policy: use continue or always")),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Pool {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub retention_days: i64,
    pub allow_reuse: bool,
    pub allocation_policy: AllocationPolicy,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub created_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub updated_at: Option<String>,
}

const COLUMNS: &str = "id, name, description, retention_days, allow_reuse, allocation_policy, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Pool> {
    let policy: Option<String> = r.get(5)?;
    Ok(Pool {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        retention_days: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
        allow_reuse: r.get::<_, Option<bool>>(4)?.unwrap_or(true),
        allocation_policy: policy.and_then(|p| p.parse().ok()).unwrap_or(AllocationPolicy::Continue),
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

pub struct NewPool<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub retention_days: i64,
    pub allow_reuse: bool,
    pub allocation_policy: AllocationPolicy,
}

pub fn insert(conn: &Connection, p: &NewPool) -> Result<i64> {
    if find(conn, p.name)?.is_some() {
        return Err(Failure::already_exists("pool", p.name).into());
    }
    let now = crate::timefmt::now_sql();
    conn.execute(
        "INSERT INTO tape_pools (name, description, retention_days, allow_reuse, allocation_policy, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![p.name, p.description, p.retention_days, p.allow_reuse, p.allocation_policy.as_str(), now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Writes every field of `pool` back; `updated_at` becomes now.
pub fn save(conn: &Connection, pool: &Pool) -> Result<()> {
    conn.execute(
        "UPDATE tape_pools SET name = ?2, description = ?3, retention_days = ?4, allow_reuse = ?5,
         allocation_policy = ?6, updated_at = ?7 WHERE id = ?1",
        params![
            pool.id,
            pool.name,
            pool.description,
            pool.retention_days,
            pool.allow_reuse,
            pool.allocation_policy.as_str(),
            crate::timefmt::now_sql()
        ],
    )?;
    Ok(())
}

pub fn find(conn: &Connection, name: &str) -> Result<Option<Pool>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM tape_pools WHERE name = ?1"), [name], from_row).optional()?)
}

/// The pool named `name`, or a not-found failure.
pub fn get(conn: &Connection, name: &str) -> Result<Pool> {
    find(conn, name)?.ok_or_else(|| Failure::not_found("pool", name).into())
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Pool> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM tape_pools WHERE id = ?1"), [id], from_row)?)
}

pub fn list(conn: &Connection) -> Result<Vec<Pool>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM tape_pools ORDER BY name"))?;
    let pools = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(pools)
}

/// What still refers to a pool, and so keeps it from being deleted.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Usage {
    pub tapes: i64,
    pub jobs: i64,
    pub proxmox_jobs: i64,
}

pub fn usage(conn: &Connection, id: i64) -> Result<Usage> {
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [id], |r| r.get(0))?) };
    Ok(Usage {
        tapes: count("SELECT count(*) FROM tapes WHERE pool_id = ?1")?,
        jobs: count("SELECT count(*) FROM backup_jobs WHERE pool_id = ?1")?,
        proxmox_jobs: count("SELECT count(*) FROM proxmox_backup_jobs WHERE pool_id = ?1")?,
    })
}

/// Tape counts by status, for `pool show`.
pub fn tapes_by_status(conn: &Connection, id: i64) -> Result<Vec<(String, i64)>> {
    let mut stmt =
        conn.prepare("SELECT status, count(*) FROM tapes WHERE pool_id = ?1 GROUP BY status ORDER BY status")?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM tape_pools WHERE id = ?1", [id])?;
    Ok(())
}
