//! Backup jobs: what to back up (a source), where to (a pool), how (full or incremental,
//! compression, encryption) and when (a cron schedule).

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackupType {
    Full,
    Incremental,
}

impl BackupType {
    pub const NAMES: [&'static str; 2] = ["full", "incremental"];

    pub fn as_str(self) -> &'static str {
        match self {
            BackupType::Full => "full",
            BackupType::Incremental => "incremental",
        }
    }
}

impl std::str::FromStr for BackupType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "full" => Ok(BackupType::Full),
            "incremental" => Ok(BackupType::Incremental),
            _ => Err(format!("'{s}' is not a backup type: use full or incremental")),
        }
    }
}

/// A job row, with the names of what it refers to (read-only: `save` writes the ids).
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: i64,
    pub name: String,
    #[serde(skip)]
    pub source_id: i64,
    #[serde(rename = "source")]
    pub source_name: String,
    #[serde(skip)]
    pub pool_id: i64,
    #[serde(rename = "pool")]
    pub pool_name: String,
    pub backup_type: BackupType,
    #[serde(rename = "schedule")]
    pub schedule_cron: Option<String>,
    pub retention_days: i64,
    /// An incremental job runs a full once its chain's full is this many days old (0: never).
    pub full_every_days: i64,
    pub enabled: bool,
    /// Canonical compression setting: `none` or `zstd:LEVEL`.
    pub compression: String,
    pub encryption_enabled: bool,
    #[serde(skip)]
    pub encryption_key_id: Option<i64>,
    #[serde(rename = "encryption_key")]
    pub encryption_key_name: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub last_run_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub next_run_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub created_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub updated_at: Option<String>,
}

impl Job {
    /// A job not yet in the catalog: `name` backs up `source` to `pool`, only when started by
    /// hand (no schedule, enabled), with the pool's retention, uncompressed and unencrypted. The
    /// caller sets what it knows better before [`insert`].
    pub fn new(name: &str, source: &super::sources::Source, pool: &super::pools::Pool, backup_type: BackupType) -> Job {
        Job {
            id: 0,
            name: name.to_string(),
            source_id: source.id,
            source_name: source.name.clone(),
            pool_id: pool.id,
            pool_name: pool.name.clone(),
            backup_type,
            schedule_cron: None,
            retention_days: pool.retention_days,
            full_every_days: 0,
            enabled: true,
            compression: "none".into(),
            encryption_enabled: false,
            encryption_key_id: None,
            encryption_key_name: None,
            last_run_at: None,
            next_run_at: None,
            created_at: None,
            updated_at: None,
        }
    }
}

const SELECT: &str = "SELECT j.id, j.name, j.source_id, s.name, j.pool_id, p.name, j.backup_type, j.schedule_cron,
        j.retention_days, j.enabled, j.compression, j.encryption_enabled, j.encryption_key_id, k.name,
        j.last_run_at, j.next_run_at, j.created_at, j.updated_at, j.full_every_days
    FROM backup_jobs j
    JOIN backup_sources s ON s.id = j.source_id
    JOIN tape_pools p ON p.id = j.pool_id
    LEFT JOIN encryption_keys k ON k.id = j.encryption_key_id";

fn from_row(r: &Row) -> rusqlite::Result<Job> {
    let backup_type: String = r.get(6)?;
    Ok(Job {
        id: r.get(0)?,
        name: r.get(1)?,
        source_id: r.get(2)?,
        source_name: r.get(3)?,
        pool_id: r.get(4)?,
        pool_name: r.get(5)?,
        backup_type: backup_type.parse().unwrap_or(BackupType::Full),
        schedule_cron: r.get(7)?,
        retention_days: r.get::<_, Option<i64>>(8)?.unwrap_or(30),
        full_every_days: r.get(18)?,
        enabled: r.get::<_, Option<bool>>(9)?.unwrap_or(true),
        compression: r.get::<_, Option<String>>(10)?.unwrap_or_else(|| "none".into()),
        encryption_enabled: r.get::<_, Option<bool>>(11)?.unwrap_or(false),
        encryption_key_id: r.get(12)?,
        encryption_key_name: r.get(13)?,
        last_run_at: r.get(14)?,
        next_run_at: r.get(15)?,
        created_at: r.get(16)?,
        updated_at: r.get(17)?,
    })
}

/// Inserts `j` (its id and names are ignored) and returns the new id.
pub fn insert(conn: &Connection, j: &Job) -> Result<i64> {
    if find(conn, &j.name)?.is_some() {
        return Err(Failure::already_exists("job", &j.name).into());
    }
    let now = crate::timefmt::now_sql();
    conn.execute(
        "INSERT INTO backup_jobs (name, source_id, pool_id, backup_type, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![j.name, j.source_id, j.pool_id, j.backup_type.as_str(), now],
    )?;
    let id = conn.last_insert_rowid();
    // `save` writes every other field, so the column list lives in one place.
    save(conn, &Job { id, ..j.clone() })?;
    Ok(id)
}

/// Writes every field of `j` back; `updated_at` becomes now.
pub fn save(conn: &Connection, j: &Job) -> Result<()> {
    conn.execute(
        "UPDATE backup_jobs SET name = ?2, source_id = ?3, pool_id = ?4, backup_type = ?5, schedule_cron = ?6,
            retention_days = ?7, enabled = ?8, compression = ?9, encryption_enabled = ?10,
            encryption_key_id = ?11, next_run_at = ?12, updated_at = ?13, full_every_days = ?14
         WHERE id = ?1",
        params![
            j.id,
            j.name,
            j.source_id,
            j.pool_id,
            j.backup_type.as_str(),
            j.schedule_cron,
            j.retention_days,
            j.enabled,
            j.compression,
            j.encryption_enabled,
            j.encryption_key_id,
            j.next_run_at,
            crate::timefmt::now_sql(),
            j.full_every_days
        ],
    )?;
    Ok(())
}

pub fn find(conn: &Connection, name: &str) -> Result<Option<Job>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE j.name = ?1"), [name], from_row).optional()?)
}

pub fn get(conn: &Connection, name: &str) -> Result<Job> {
    find(conn, name)?.ok_or_else(|| Failure::not_found("job", name).into())
}

pub fn list(conn: &Connection) -> Result<Vec<Job>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY j.name"))?;
    let jobs = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(jobs)
}

/// What a job has produced, which keeps it from being deleted (the history would dangle).
#[derive(Debug, Default, Clone, Serialize)]
pub struct History {
    pub backup_sets: i64,
    pub executions: i64,
    pub spanning_sets: i64,
}

pub fn history(conn: &Connection, id: i64) -> Result<History> {
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [id], |r| r.get(0))?) };
    Ok(History {
        backup_sets: count("SELECT count(*) FROM backup_sets WHERE job_id = ?1")?,
        executions: count("SELECT count(*) FROM job_executions WHERE job_id = ?1")?,
        spanning_sets: count("SELECT count(*) FROM tape_spanning_sets WHERE job_id = ?1")?,
    })
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM backup_jobs WHERE id = ?1", [id])?;
    Ok(())
}

/// Enabled, scheduled jobs whose next run is at or before `now` (catalog time), the most
/// overdue first: what `schedule run-due` runs.
pub fn due(conn: &Connection, now: &str) -> Result<Vec<Job>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE j.enabled AND j.schedule_cron IS NOT NULL AND j.next_run_at IS NOT NULL
           AND j.next_run_at <= ?1 ORDER BY j.next_run_at, j.name"
    ))?;
    let jobs = stmt.query_map([now], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(jobs)
}

/// Takes the run of job `id` due at `slot` for this process: `last_run_at` becomes `now`
/// and `next_run_at` the slot after it, but only while `next_run_at` is still `slot`, so two
/// schedulers never both run it. False when another got there first.
pub fn claim_slot(conn: &Connection, id: i64, slot: &str, now: &str, next: Option<&str>) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE backup_jobs SET last_run_at = ?3, next_run_at = ?4, updated_at = ?3
         WHERE id = ?1 AND next_run_at = ?2",
        params![id, slot, now, next],
    )?;
    Ok(changed == 1)
}

/// Moves job `id`'s next run from `slot` (one that passed while it was still running) to
/// `next`; false when it no longer stands at `slot`.
pub fn skip_slot(conn: &Connection, id: i64, slot: &str, next: Option<&str>) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE backup_jobs SET next_run_at = ?3, updated_at = datetime('now') WHERE id = ?1 AND next_run_at = ?2",
        params![id, slot, next],
    )?;
    Ok(changed == 1)
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Job> {
    Ok(conn.query_row(&format!("{SELECT} WHERE j.id = ?1"), [id], from_row)?)
}
