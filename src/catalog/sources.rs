//! Backup sources: a named directory tree (local, or an SMB/NFS share mounted by the admin)
//! with include and exclude globs.

use std::path::PathBuf;

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::pathblob::{PathBytes, PathRef};
use crate::error::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceType {
    Local,
    Smb,
    Nfs,
}

impl SourceType {
    pub const NAMES: [&'static str; 3] = ["local", "smb", "nfs"];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Local => "local",
            SourceType::Smb => "smb",
            SourceType::Nfs => "nfs",
        }
    }
}

impl std::str::FromStr for SourceType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "local" => Ok(SourceType::Local),
            "smb" => Ok(SourceType::Smb),
            "nfs" => Ok(SourceType::Nfs),
            _ => Err(format!("'{s}' is not a source type: use local, smb or nfs")),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub id: i64,
    pub name: String,
    pub source_type: SourceType,
    #[serde(serialize_with = "crate::pathjson::serialize")]
    pub path: PathBuf,
    pub include_patterns: Vec<String>,
    pub exclude_patterns: Vec<String>,
    pub enabled: bool,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub created_at: Option<String>,
    #[serde(serialize_with = "crate::timefmt::serialize")]
    pub updated_at: Option<String>,
}

/// The source stream sets (`backup run --stdin`) are recorded under; its path, `-`, is no
/// directory.
pub const STREAM_SOURCE: &str = "stdin";
/// The path [`STREAM_SOURCE`] holds.
pub const STREAM_PATH: &str = "-";

impl Source {
    /// A source not yet in the catalog: `name` at `path`, no patterns.
    pub fn new(name: &str, path: PathBuf, enabled: bool) -> Source {
        Source {
            id: 0,
            name: name.into(),
            source_type: SourceType::Local,
            path,
            include_patterns: Vec::new(),
            exclude_patterns: Vec::new(),
            enabled,
            created_at: None,
            updated_at: None,
        }
    }

    /// [`STREAM_SOURCE`], not yet in the catalog.
    pub fn stream() -> Source {
        Source::new(STREAM_SOURCE, STREAM_PATH.into(), true)
    }

    /// Whether this source holds streams rather than a directory tree.
    pub fn is_stream(&self) -> bool {
        self.path == std::path::Path::new(STREAM_PATH)
    }
}

const COLUMNS: &str =
    "id, name, source_type, path, include_patterns, exclude_patterns, enabled, created_at, updated_at";

fn patterns(json: Option<String>) -> Vec<String> {
    json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default()
}

fn from_row(r: &Row) -> rusqlite::Result<Source> {
    let kind: String = r.get(2)?;
    Ok(Source {
        id: r.get(0)?,
        name: r.get(1)?,
        source_type: kind.parse().unwrap_or(SourceType::Local),
        path: r.get::<_, PathBytes>(3)?.0,
        include_patterns: patterns(r.get(4)?),
        exclude_patterns: patterns(r.get(5)?),
        enabled: r.get::<_, Option<bool>>(6)?.unwrap_or(true),
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

/// Inserts `s` (its id is ignored) and returns the new id.
pub fn insert(conn: &Connection, s: &Source) -> Result<i64> {
    if find(conn, &s.name)?.is_some() {
        return Err(Failure::already_exists("source", &s.name).into());
    }
    let now = crate::timefmt::now_sql();
    conn.execute(
        "INSERT INTO backup_sources (name, source_type, path, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![s.name, s.source_type.as_str(), PathRef(&s.path), now],
    )?;
    let id = conn.last_insert_rowid();
    // `save` writes every other field, so the column list lives in one place.
    save(conn, &Source { id, ..s.clone() })?;
    Ok(id)
}

/// Writes every field of `s` back; `updated_at` becomes now.
pub fn save(conn: &Connection, s: &Source) -> Result<()> {
    conn.execute(
        "UPDATE backup_sources SET name = ?2, source_type = ?3, path = ?4, include_patterns = ?5,
         exclude_patterns = ?6, enabled = ?7, updated_at = ?8 WHERE id = ?1",
        params![
            s.id,
            s.name,
            s.source_type.as_str(),
            PathRef(&s.path),
            serde_json::to_string(&s.include_patterns)?,
            serde_json::to_string(&s.exclude_patterns)?,
            s.enabled,
            crate::timefmt::now_sql()
        ],
    )?;
    Ok(())
}

pub fn find(conn: &Connection, name: &str) -> Result<Option<Source>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM backup_sources WHERE name = ?1"), [name], from_row).optional()?)
}

pub fn get(conn: &Connection, name: &str) -> Result<Source> {
    find(conn, name)?.ok_or_else(|| Failure::not_found("source", name).into())
}

pub fn list(conn: &Connection) -> Result<Vec<Source>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM backup_sources ORDER BY name"))?;
    let sources = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(sources)
}

/// Names of the jobs that back this source up.
pub fn job_names(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM backup_jobs WHERE source_id = ?1 ORDER BY name")?;
    let names = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

pub fn snapshot_count(conn: &Connection, id: i64) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM snapshots WHERE source_id = ?1", [id], |r| r.get(0))?)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM backup_sources WHERE id = ?1", [id])?;
    Ok(())
}
