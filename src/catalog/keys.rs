//! Encryption keys, as far as other tables refer to them: looked up by name.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Failure;

/// The id of the key named `name`, or a not-found failure.
pub fn id_by_name(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row("SELECT id FROM encryption_keys WHERE name = ?1", [name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Failure::not_found("encryption key", name).into())
}
