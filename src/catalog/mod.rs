//! The catalog: one SQLite file in the home directory, opened by every command.
//!
//! It knows no device. Schema changes are numbered files in `migrations/`, applied in order
//! inside a transaction each, the version kept in `PRAGMA user_version`. A catalog from a
//! newer tapebackarr is refused before anything is written to it.

pub mod audit;
pub mod consistency;
pub mod db_backups;
pub mod drive_health;
pub mod drives;
pub mod entries;
pub mod jobs;
pub mod keys;
pub mod libraries;
pub mod notify;
pub mod pathblob;
pub mod pools;
pub mod rebuild;
pub mod restore;
pub mod retention;
pub mod runs;
pub mod sets;
pub mod sources;
pub mod tapes;
pub mod verifications;

use std::fs::{self, DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Failure, Kind};

pub const CATALOG_FILE: &str = "catalog.db";

/// Every migration, in order; the catalog's version is the number of those applied.
const MIGRATIONS: &[(&str, &str)] = &[
    ("001_seed", include_str!("../../migrations/001_seed.sql")),
    ("002_unique_names", include_str!("../../migrations/002_unique_names.sql")),
    ("003_tapes_and_drives", include_str!("../../migrations/003_tapes_and_drives.sql")),
    ("004_sets_parts_entries", include_str!("../../migrations/004_sets_parts_entries.sql")),
    ("005_verifications", include_str!("../../migrations/005_verifications.sql")),
    ("006_bulk_search_index", include_str!("../../migrations/006_bulk_search_index.sql")),
    ("007_waiting_for_tapes", include_str!("../../migrations/007_waiting_for_tapes.sql")),
    ("008_full_every", include_str!("../../migrations/008_full_every.sql")),
    ("009_retention", include_str!("../../migrations/009_retention.sql")),
    ("010_notifications", include_str!("../../migrations/010_notifications.sql")),
    ("011_catalog_backups", include_str!("../../migrations/011_catalog_backups.sql")),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// How long a command waits for another process's write transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Catalog {
    conn: Connection,
    path: PathBuf,
}

/// What `init` found and did.
#[derive(Debug, Clone, Copy)]
pub struct Migrated {
    pub from_version: u32,
    pub to_version: u32,
}

/// [`Catalog::write`] on a shared connection that has no transaction open (one lent to a
/// helper that records as it goes, while its owner holds the `Catalog`).
pub fn write_on(conn: &Connection) -> Result<Transaction<'_>> {
    Ok(Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?)
}

impl Catalog {
    pub fn path_in(home: &Path) -> PathBuf {
        home.join(CATALOG_FILE)
    }

    /// Creates the home directory (0700) and the catalog (0600) if missing, and brings the
    /// schema up to date. Safe to run any number of times.
    pub fn init(home: &Path) -> Result<(Catalog, Migrated)> {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(home)
            .with_context(|| format!("cannot create home directory {}", home.display()))?;
        let path = Self::path_in(home);
        // Create the file ourselves so it is never, even briefly, readable by others.
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("cannot create catalog {}", path.display()))?;
        let (catalog, from_version) = Self::open_at(&path)?;
        Ok((catalog, Migrated { from_version, to_version: SCHEMA_VERSION }))
    }

    /// Opens an existing catalog; a missing one is a [`Kind::NoCatalog`] failure.
    pub fn open(home: &Path) -> Result<Catalog> {
        let path = Self::path_in(home);
        if !path.is_file() {
            return Err(Failure::new(
                Kind::NoCatalog,
                format!(
                    "no catalog at {}: run `tapebackarr init` first (or pass --home / set TAPEBACKARR_HOME)",
                    path.display()
                ),
            )
            .into());
        }
        Ok(Self::open_at(&path)?.0)
    }

    fn open_at(path: &Path) -> Result<(Catalog, u32)> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .with_context(|| format!("cannot open catalog {}", path.display()))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let version = read_version(&conn, path)?;
        if version > SCHEMA_VERSION {
            return Err(Failure::new(
                Kind::CatalogTooNew,
                format!(
                    "catalog {} has schema version {version}, but this tapebackarr knows only up to {SCHEMA_VERSION}: upgrade tapebackarr (nothing was changed)",
                    path.display()
                ),
            )
            .into());
        }
        // The WAL and shared-memory files SQLite creates take the database file's mode.
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict permissions of {}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a committed row survives a power loss, which the tape it points to will.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Statement journals and sorts in memory: a backup's entry inserts (each firing the
        // FTS trigger) otherwise write a temporary file in /var/tmp a dozen times per row, and
        // secrets-adjacent data has no business in a world-writable directory anyway.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // 32 MiB of page cache, so a million-row insert does not spill pages mid-transaction.
        conn.pragma_update(None, "cache_size", -32768)?;
        let mut catalog = Catalog { conn, path: path.to_path_buf() };
        catalog.migrate(version)?;
        Ok((catalog, version))
    }

    /// Applies every pending migration and records it in the audit trail, all in one
    /// transaction: a catalog is at one version or the next, never in between.
    fn migrate(&mut self, from: u32) -> Result<()> {
        if from >= SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        // Another process may have migrated while we waited for the lock.
        let from: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (name, sql) in &MIGRATIONS[from.min(SCHEMA_VERSION) as usize..] {
            tx.execute_batch(sql).with_context(|| format!("migration {name} failed"))?;
        }
        if from < SCHEMA_VERSION {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            let action = if from == 0 { "catalog.create" } else { "catalog.migrate" };
            let details = serde_json::json!({"from_version": from, "to_version": SCHEMA_VERSION});
            audit::record(&tx, action, "catalog", None, details)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A write transaction that takes the write lock at once, so checks made inside it
    /// still hold when it commits.
    pub fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    pub fn version(&self) -> Result<u32> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

fn read_version(conn: &Connection, path: &Path) -> Result<u32> {
    let not_catalog = || {
        Failure::new(
            Kind::NotACatalog,
            format!("{} is not a tapebackarr catalog (nothing was changed)", path.display()),
        )
    };
    let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|_| not_catalog())?;
    if version == 0 {
        // Version 0 is an empty file from `init`; any table in it means somebody else's database.
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if tables > 0 {
            return Err(not_catalog().into());
        }
    }
    Ok(version)
}

/// True when the error is SQLite refusing a row because a UNIQUE constraint already holds it.
pub fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(e, _) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}
