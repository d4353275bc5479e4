//! Paths as bytes in SQLite: TEXT when they are UTF-8 (readable with the sqlite3 shell and
//! searchable), BLOB when they are not, so no name is ever mangled.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// Borrowed path to store.
pub struct PathRef<'a>(pub &'a Path);

impl ToSql for PathRef<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let bytes = self.0.as_os_str().as_bytes();
        Ok(match std::str::from_utf8(bytes) {
            Ok(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Err(_) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}

/// Path read back from either storage class.
pub struct PathBytes(pub PathBuf);

impl FromSql for PathBytes {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(b) | ValueRef::Blob(b) => Ok(PathBytes(PathBuf::from(OsString::from_vec(b.to_vec())))),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn round_trip_utf8_and_not() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (p TEXT)").unwrap();
        let odd = Path::new(OsStr::from_bytes(b"/data/caf\xe9\nnew"));
        for p in [Path::new("/data/plain"), odd] {
            conn.execute("DELETE FROM t", []).unwrap();
            conn.execute("INSERT INTO t VALUES (?1)", [PathRef(p)]).unwrap();
            let back: PathBytes = conn.query_row("SELECT p FROM t", [], |r| r.get(0)).unwrap();
            assert_eq!(back.0, p);
        }
        let kind: String = conn.query_row("SELECT typeof(p) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(kind, "blob");
    }
}
