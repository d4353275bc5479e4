//! The catalog holds every table, column, CHECK, index and foreign key of the seed schema;
//! `init` is idempotent; old catalogs are upgraded and newer ones refused untouched.

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;

use common::{Home, stderr};
use rusqlite::Connection;
use tapebackarr::catalog::SCHEMA_VERSION;

const SEED_SQL: &str = include_str!("fixtures/seed_schema.sql");

fn tables(conn: &Connection) -> Vec<String> {
    let mut s = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap();
    s.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// (name, type, notnull, default, pk) of every column.
fn columns(conn: &Connection, table: &str) -> Vec<(String, String, bool, Option<String>, i64)> {
    let mut s = conn.prepare(&format!("PRAGMA table_info(\"{table}\")")).unwrap();
    s.query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn pragma_rows(conn: &Connection, pragma: &str, table: &str) -> BTreeSet<String> {
    let mut s = conn.prepare(&format!("PRAGMA {pragma}(\"{table}\")")).unwrap();
    let n = s.column_count();
    let names: Vec<String> = s.column_names().map(|c| c.to_string()).collect();
    s.query_map([], |r| {
        Ok((0..n)
            .filter(|i| !matches!(names[*i].as_str(), "id" | "seq"))
            .map(|i| format!("{}={}", names[i], sql_text(r.get_ref(i).unwrap())))
            .collect::<Vec<_>>()
            .join(","))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn sql_text(v: rusqlite::types::ValueRef) -> String {
    use rusqlite::types::ValueRef::*;
    match v {
        Null => "NULL".into(),
        Integer(i) => i.to_string(),
        Real(f) => f.to_string(),
        Text(t) | Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}

fn table_sql(conn: &Connection, table: &str) -> String {
    conn.query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0)).unwrap()
}

/// Collapses whitespace and drops comments, to compare CREATE statements.
fn normalise(sql: &str) -> String {
    sql.lines()
        .map(|l| l.split("--").next().unwrap())
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_seed_table_column_index_and_foreign_key_exists() {
    let h = Home::new();
    let catalog = h.sql();
    let seed = Connection::open_in_memory().unwrap();
    seed.execute_batch(SEED_SQL).unwrap();

    let seed_tables = tables(&seed);
    assert_eq!(seed_tables.len(), 28, "the seed has 28 tables");
    let ours: BTreeSet<String> = tables(&catalog).into_iter().collect();
    for table in &seed_tables {
        assert!(ours.contains(table), "table {table} is missing");
        let ours_cols = columns(&catalog, table);
        for col in columns(&seed, table) {
            assert!(
                ours_cols.contains(&col),
                "{table}: column {col:?} missing or different; catalog has {ours_cols:?}"
            );
        }
        let our_fks = pragma_rows(&catalog, "foreign_key_list", table);
        for fk in pragma_rows(&seed, "foreign_key_list", table) {
            assert!(our_fks.contains(&fk), "{table}: foreign key {fk} missing");
        }
        let our_indexes = pragma_rows(&catalog, "index_list", table);
        for index in pragma_rows(&seed, "index_list", table) {
            assert!(our_indexes.contains(&index), "{table}: index {index} missing");
        }
        // CHECK constraints live only in the CREATE text: every seed CHECK must be there.
        let ours_sql = normalise(&table_sql(&catalog, table));
        for check in normalise(&table_sql(&seed, table)).split("CHECK").skip(1) {
            let clause = &check[..check.find(')').unwrap() + 1];
            assert!(ours_sql.contains(&format!("CHECK{clause}")), "{table}: CHECK{clause} missing");
        }
    }
    let drive_cols: Vec<String> = columns(&catalog, "tape_drives").into_iter().map(|c| c.0).collect();
    assert!(drive_cols.contains(&"library_id".to_string()));
    assert!(drive_cols.contains(&"library_drive_number".to_string()));
    let fks = pragma_rows(&catalog, "foreign_key_list", "tape_drives");
    assert!(fks.iter().any(|fk| fk.contains("tape_libraries") && fk.contains("library_id")), "{fks:?}");
}

#[test]
fn seed_fixture_matches_shared_seed() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/schema.md");
    let Ok(doc) = std::fs::read_to_string(&shared) else {
        eprintln!(
            "NOTE: {} not present; the checked-in fixture tests/fixtures/seed_schema.sql is used as is",
            shared.display()
        );
        return;
    };
    let mut blocks = String::new();
    // The seed's CREATE blocks; its query examples are not schema.
    for part in doc.split("```sql\n").skip(1) {
        let block = part.split("```").next().unwrap();
        if block.contains("CREATE") {
            blocks.push_str(block);
        }
    }
    assert!(
        normalise(&blocks) == normalise(SEED_SQL.split_once("\n\n").unwrap().1),
        "tests/fixtures/seed_schema.sql differs from {}: re-extract it",
        shared.display()
    );
}

#[test]
fn check_constraints_and_foreign_keys_are_enforced() {
    let h = Home::with_basics();
    let db = h.sql();
    db.pragma_update(None, "foreign_keys", "ON").unwrap();
    let rejected = [
        "INSERT INTO tapes (label, status) VALUES ('T1', 'bogus')",
        "INSERT INTO users (username, password_hash, role) VALUES ('eve', 'x', 'root')",
        "INSERT INTO tapes (label, status, format_type) VALUES ('T2', 'blank', 'cpio')",
        "INSERT INTO tape_drives (device_path, status) VALUES ('/dev/nst9', 'melted')",
        "INSERT INTO backup_sources (name, source_type, path) VALUES ('s', 'ftp', '/x')",
        "INSERT INTO backup_jobs (name, source_id, pool_id, backup_type) VALUES ('j', 1, 1, 'differential')",
        "INSERT INTO job_executions (job_id, status) VALUES (1, 'exploded')",
        "INSERT INTO tape_library_slots (library_id, slot_number, slot_type) VALUES (1, 1, 'shelf')",
        "INSERT INTO drive_alerts (drive_id, severity) VALUES (1, 'apocalyptic')",
        // Foreign keys: no such source or pool.
        "INSERT INTO backup_jobs (name, source_id, pool_id, backup_type) VALUES ('j3', 99, 1, 'full')",
        "INSERT INTO tapes (label, status, pool_id) VALUES ('T3', 'blank', 42)",
        // Names that commands address must be unique.
        "INSERT INTO backup_sources (name, source_type, path) VALUES ('home', 'local', '/y')",
        "INSERT INTO backup_jobs (name, source_id, pool_id, backup_type) VALUES ('nightly', 1, 1, 'full')",
    ];
    for sql in rejected {
        assert!(db.execute(sql, []).is_err(), "accepted: {sql}");
    }
    db.execute("INSERT INTO tapes (label, status) VALUES ('T4', 'blank')", []).unwrap();
}

#[test]
fn init_is_idempotent_and_files_are_private() {
    let h = Home::new();
    let before = h.snapshot();
    let out = h.ok(["init"]);
    assert!(out.contains(&format!("is up to date (schema version {SCHEMA_VERSION})")), "{out}");
    let v = h.json(["init"]);
    assert_eq!(v["state"], "unchanged");
    assert_eq!(v["schema_version"], SCHEMA_VERSION);
    assert_eq!(h.snapshot(), before);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&h.catalog_path()), 0o600);
    assert_eq!(mode(&h.home()), 0o700);
    // A catalog whose mode was loosened is tightened again on the next open.
    std::fs::set_permissions(h.catalog_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    h.ok(["pool", "list"]);
    assert_eq!(mode(&h.catalog_path()), 0o600);
}

#[test]
fn first_init_reports_creation_and_audits_it() {
    let h = Home::empty();
    let v = h.json(["init"]);
    assert_eq!(v["state"], "created");
    assert_eq!(v["previous_version"], 0);
    assert_eq!(v["catalog"]["text"], h.catalog_path().to_str().unwrap());
    let audit = h.json(["audit", "list"]);
    assert_eq!(audit["entries"][0]["action"], "catalog.create");
}

#[test]
fn newer_catalog_is_refused_and_left_untouched() {
    let h = Home::with_basics();
    h.sql().pragma_update(None, "user_version", 99).unwrap();
    let bytes = std::fs::read(h.catalog_path()).unwrap();
    for args in [vec!["pool", "list"], vec!["init"], vec!["pool", "create", "x"]] {
        let out = h.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("schema version 99") && err.contains("upgrade tapebackarr"), "{err}");
        assert_eq!(std::fs::read(h.catalog_path()).unwrap(), bytes, "{args:?} wrote to a newer catalog");
    }
    let out = h.run(["--json", "job", "list"]);
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "catalog_too_new");
}

/// A catalog as the first release wrote it: only migration 001, with a pool in it.
fn version_one_catalog() -> Home {
    let h = Home::empty();
    std::fs::create_dir_all(h.home()).unwrap();
    let db = Connection::open(h.catalog_path()).unwrap();
    db.execute_batch(include_str!("../migrations/001_seed.sql")).unwrap();
    db.execute_batch("PRAGMA user_version = 1; INSERT INTO tape_pools (name, retention_days) VALUES ('old', 7);")
        .unwrap();
    h
}

#[test]
fn older_catalog_is_upgraded_on_open() {
    let h = version_one_catalog();
    let v = h.json(["init"]);
    assert_eq!(v["state"], "upgraded");
    assert_eq!(v["previous_version"], 1);
    let version: u32 = h.sql().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let n: i64 = h
        .sql()
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'idx_backup_jobs_name_unique'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    // The data survived the upgrade.
    assert_eq!(h.json(["pool", "show", "old"])["pool"]["retention_days"], 7);
}

#[test]
fn a_foreign_database_is_not_taken_for_a_catalog() {
    let h = Home::empty();
    std::fs::create_dir_all(h.home()).unwrap();
    let other = Connection::open(h.catalog_path()).unwrap();
    other.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');").unwrap();
    drop(other);
    let bytes = std::fs::read(h.catalog_path()).unwrap();
    for args in [vec!["init"], vec!["pool", "list"]] {
        let out = h.run(&args);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("is not a tapebackarr catalog"), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read(h.catalog_path()).unwrap(), bytes);
    std::fs::write(h.catalog_path(), b"this is not SQLite at all, just text that is long enough to have a header....")
        .unwrap();
    let out = h.run(["pool", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not a tapebackarr catalog"), "{}", stderr(&out));
}

#[test]
fn an_upgrade_on_open_is_audited() {
    let h = version_one_catalog();
    // Any command upgrades an older catalog, in one transaction with its audit row.
    h.ok(["pool", "list"]);
    let v = h.json(["audit", "list", "--resource", "catalog"]);
    let actions: Vec<&str> = v["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["catalog.migrate"]);
    assert_eq!(v["entries"][0]["details"]["from_version"], 1);
    assert_eq!(v["entries"][0]["details"]["to_version"], SCHEMA_VERSION);
    assert_eq!(h.json(["init"])["state"], "unchanged");
}
