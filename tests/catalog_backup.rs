//! `catalog backup` and `catalog restore-db` end to end with the real binary on the virtual
//! drive: a catalog of pools, jobs, a key, a retired and an exported tape and 100k entries is
//! backed up, lost, and installed again from the tape alone, table for table; a set written
//! after the backup is reconciled; encryption, refusals and bad input; appending around a
//! catalog backup and `catalog rebuild` of a tape holding one.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Instant;

use common::{Home, snapshot_of, stderr, stdout, write_secret};
use serde_json::Value;

/// The drive of [`Home::with_tape`], as `--device` names it when there is no catalog.
fn device(h: &Home) -> String {
    format!("vtape:{}", h.drive_dir().display())
}

/// Runs with `--json`, asserts the exit `code`, and returns stdout's JSON document (or, on
/// failure, the JSON error on stderr).
fn run(h: &Home, args: &[&str], code: i32) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}\n{}", stderr(&out), stdout(&out));
    let text = if code == 0 { stdout(&out) } else { stderr(&out) };
    if let Ok(v) = serde_json::from_str(&text) {
        return v;
    }
    serde_json::from_str(text.lines().last().unwrap_or("null")).unwrap_or(Value::Null)
}

/// A refused command: its JSON error, after checking it changed neither the catalog nor the tape.
fn refused(h: &Home, args: &[&str], exit: i32, code: &str) -> Value {
    let before = (h.snapshot(), tape_bytes(h));
    let err = run(h, args, exit);
    assert_eq!(err["code"], code, "{args:?}: {err}");
    assert_eq!((h.snapshot(), tape_bytes(h)), before, "{args:?} changed something");
    err
}

/// The loaded cartridge's directory (the virtual drive's `drive.json` names it).
fn cartridge(h: &Home) -> PathBuf {
    let state: Value = serde_json::from_slice(&std::fs::read(h.drive_dir().join("drive.json")).unwrap()).unwrap();
    PathBuf::from(state["cartridge"].as_str().expect("a cartridge is loaded"))
}

/// The loaded cartridge's files: what a write would change.
fn tape_bytes(h: &Home) -> Vec<u8> {
    let cart = cartridge(h);
    let mut all = Vec::new();
    for name in ["index", "data"] {
        all.extend(std::fs::read(cart.join(name)).unwrap());
    }
    all
}

fn remove_catalog(h: &Home) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", h.catalog_path().display()));
    }
}

/// Entries made cheaply: a real backup of a small tree writes real entries, then one SQL
/// statement copies the first file entry 100k times under other paths (a debug build would
/// take minutes to back up 100k real files). What is measured is the catalog's size, which is
/// what a catalog backup copies.
fn bulk_entries(h: &Home, n: u32) {
    let conn = h.sql();
    conn.execute(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1)
         INSERT INTO catalog_entries (backup_set_id, file_path, file_size, file_mode, mod_time, checksum,
             block_offset, frame_seq, frame_offset, kind, mtime_ns, uid, gid)
         SELECT e.backup_set_id, 'bulk/dir-' || (i / 1000) || '/file-' || i || '.txt', e.file_size + i,
             e.file_mode, e.mod_time, e.checksum, e.block_offset, e.frame_seq, e.frame_offset, e.kind,
             e.mtime_ns + i, e.uid, e.gid
         FROM k, (SELECT * FROM catalog_entries WHERE kind = 'file' ORDER BY id LIMIT 1) e",
        [n],
    )
    .unwrap();
}

/// A catalog with something in every corner: two pools, jobs, a key, sets, a retired and an
/// exported tape.
fn rich_home() -> (Home, PathBuf) {
    let h = Home::with_tape();
    std::fs::write(h.data().join("a.txt"), b"alpha\n").unwrap();
    std::fs::create_dir_all(h.data().join("sub")).unwrap();
    std::fs::write(h.data().join("sub/b.bin"), vec![7u8; 100_000]).unwrap();
    let pw = h.dir.path().join("pw");
    write_secret(&pw, "correct horse battery\n");
    h.ok(["key", "create", "k", "--password-file", pw.to_str().unwrap()]);
    h.ok(["pool", "create", "offsite", "--retention-days", "365"]);
    h.ok(["job", "create", "secret", "--source", "home", "--pool", "weekly", "--encryption-key", "k"]);
    // The exported and the retired tape, labelled in the drive and then put away.
    for (cart, label) in [("VT0002L8", "X2"), ("VT0003L8", "R3")] {
        h.ok(["drive", "eject"]);
        h.ok(["drive", "load", "--tape", cart]);
        h.ok(["tape", "label", label, "--pool", "offsite"]);
    }
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0001L8"]);
    h.ok(["tape", "retire", "R3"]);
    h.ok(["tape", "export", "X2", "--location", "bank vault"]);
    h.ok(["backup", "run", "nightly"]);
    (h, pw)
}

#[test]
fn a_lost_catalog_comes_back_from_tape_table_for_table() {
    let (h, _) = rich_home();
    bulk_entries(&h, 100_000);
    let entries: i64 = h.sql().query_row("SELECT count(*) FROM catalog_entries", [], |r| r.get(0)).unwrap();
    assert!(entries > 100_000, "{entries}");
    let before = h.snapshot();

    let t = Instant::now();
    let b = run(&h, &["catalog", "backup", "--pool", "weekly"], 0)["catalog_backup"].clone();
    let backup_secs = t.elapsed().as_secs_f64();
    assert_eq!(b["tape"], "W1");
    assert_eq!(b["file"], 3, "after the set's data and index: {b}");
    assert_eq!(b["compression"], "zstd:3");
    let row = h
        .sql()
        .query_row("SELECT status, file_size, checksum, tape_file, block_offset FROM database_backups", [], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })
        .unwrap();
    assert_eq!(
        row,
        (
            "completed".into(),
            b["bytes"].as_i64().unwrap(),
            b["checksum"].as_str().unwrap().into(),
            3,
            b["block"].as_i64().unwrap()
        )
    );
    let audit: i64 =
        h.sql().query_row("SELECT count(*) FROM audit_logs WHERE action = 'catalog.backup'", [], |r| r.get(0)).unwrap();
    assert_eq!(audit, 1);
    assert!(
        !std::fs::read_dir(h.home()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".catalog-backup-")),
        "the snapshot file is left behind"
    );

    // Written elsewhere, it is the catalog as it was at the backup, byte for byte in every table.
    let copy = h.dir.path().join("copy.db");
    let r = run(&h, &["catalog", "restore-db", "--to", copy.to_str().unwrap()], 0)["restored"].clone();
    assert_eq!(r["checksum"], b["checksum"]);
    assert_eq!(snapshot_of(&copy), before);
    assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);

    // The catalog lost, then installed from the tape with nothing but the drive's device.
    remove_catalog(&h);
    let t = Instant::now();
    let r = run(&h, &["catalog", "restore-db", "--device", &device(&h)], 0)["restored"].clone();
    let restore_secs = t.elapsed().as_secs_f64();
    assert_eq!(r["sets_added"], 0);
    assert_eq!(std::fs::metadata(h.catalog_path()).unwrap().permissions().mode() & 0o777, 0o600);
    eprintln!(
        "100k entries: catalog {} bytes, {} on tape; backup {backup_secs:.2} s, restore-db {restore_secs:.2} s",
        b["bytes"], b["compressed_bytes"]
    );
    // Every table as before the backup, but for what the restore adds and says it adds: the
    // audit rows of the restore and its reconciling rebuild, the row of the backup it came
    // from, and the drive's record of the tape now in it.
    let after = h.snapshot();
    let strip = |dump: &str, table: &str| -> String {
        let mut out = String::new();
        let mut skipping = false;
        for line in dump.lines() {
            if line.starts_with("## ") {
                skipping = line.starts_with(&format!("## {table}:"));
            } else if skipping {
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    };
    let mut expected = before.clone();
    let mut got = after.clone();
    for table in ["audit_logs", "database_backups", "tape_drives", "drive_statistics", "sqlite_sequence"] {
        expected = strip(&expected, table);
        got = strip(&got, table);
    }
    assert_eq!(got, expected);
    let actions: Vec<String> = h
        .sql()
        .prepare("SELECT action FROM audit_logs ORDER BY id DESC LIMIT 2")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(actions, ["catalog.rebuild", "catalog.restore"]);
    let status: String = h
        .sql()
        .query_row(
            "SELECT status FROM database_backups WHERE backup_uuid = ?1",
            [&b["backup_uuid"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "completed");

    // What only the catalog knew is back: pool retention, the job's schedule, its key, tape statuses.
    let pools = h.json(["pool", "list"]).to_string();
    assert!(pools.contains("365"), "{pools}");
    let tapes = h.json(["tape", "list"]).to_string();
    assert!(tapes.contains("retired") && tapes.contains("exported"), "{tapes}");
    let jobs = h.json(["job", "list"]).to_string();
    assert!(jobs.contains("0 2 * * *"), "{jobs}");

    // The restored catalog knows where the tape's data ends (after the catalog backup): the
    // next backup appends there without finding data nothing accounts for.
    run(&h, &["backup", "run", "nightly"], 0);
    let unaccounted: i64 = h
        .sql()
        .query_row("SELECT count(*) FROM audit_logs WHERE action = 'tape.unaccounted_data'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(unaccounted, 0);
}

#[test]
fn a_set_written_after_the_backup_is_reconciled_and_both_sides_stay_restorable() {
    let (h, _) = rich_home();
    run(&h, &["catalog", "backup"], 0);
    std::fs::write(h.data().join("late.txt"), b"written after the catalog backup\n").unwrap();
    let late = run(&h, &["backup", "run", "nightly", "--full"], 0);
    let _ = late;
    remove_catalog(&h);
    let r = run(&h, &["catalog", "restore-db", "--device", &device(&h)], 0)["restored"].clone();
    assert_eq!(r["sets_added"], 1, "{r}");
    let rebuild_also: Vec<String> = serde_json::from_value(r["rebuild_also"].clone()).unwrap();
    assert!(!rebuild_also.contains(&"W1".to_string()), "{rebuild_also:?}");
    // Both sets, before and after the catalog backup on the same tape, restore.
    for set in ["1", "2"] {
        let dest = h.dir.path().join(format!("restored-{set}"));
        run(&h, &["restore", "--set", set, "--to", dest.to_str().unwrap()], 0);
        assert_eq!(std::fs::read(dest.join("a.txt")).unwrap(), b"alpha\n");
    }
    assert!(h.dir.path().join("restored-2/late.txt").exists());
    // And the tape still takes backups after it all.
    run(&h, &["backup", "run", "nightly"], 0);
}

#[test]
fn an_encrypted_catalog_backup_needs_the_exported_key_and_its_passphrase() {
    let (h, pw) = rich_home();
    let pw = pw.to_str().unwrap();
    let keyfile = h.dir.path().join("k.tbkey");
    h.ok(["key", "export", "k", keyfile.to_str().unwrap()]);
    let before = h.snapshot();
    let b = run(&h, &["--password-file", pw, "catalog", "backup", "--tape", "W1", "--key", "k"], 0)["catalog_backup"]
        .clone();
    assert_eq!(b["key"], "k");
    // The database is not in the clear on tape.
    let tape = tape_bytes(&h);
    assert!(!tape.windows(16).any(|w| w == b"SQLite format 3\0"), "the catalog is readable on tape");

    remove_catalog(&h);
    let err = run(&h, &["catalog", "restore-db", "--device", &device(&h)], 2);
    assert!(err["message"].as_str().unwrap().contains("--key-file"), "{err}");
    let copy = h.dir.path().join("copy.db");
    run(
        &h,
        &[
            "--password-file",
            pw,
            "catalog",
            "restore-db",
            "--device",
            &device(&h),
            "--key-file",
            keyfile.to_str().unwrap(),
            "--to",
            copy.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(snapshot_of(&copy), before);
}

#[test]
fn restore_db_refuses_to_overwrite_without_force_and_keeps_the_old_one_with_it() {
    let (h, _) = rich_home();
    run(&h, &["catalog", "backup"], 0);
    h.ok(["pool", "create", "later"]);
    let err = refused(&h, &["catalog", "restore-db"], 1, "already_exists");
    assert!(err["message"].as_str().unwrap().contains("--force"), "{err}");
    let copy = h.dir.path().join("copy.db");
    std::fs::write(&copy, b"precious").unwrap();
    refused(&h, &["catalog", "restore-db", "--to", copy.to_str().unwrap()], 1, "already_exists");
    assert_eq!(std::fs::read(&copy).unwrap(), b"precious");

    let r = run(&h, &["catalog", "restore-db", "--force"], 0)["restored"].clone();
    let previous = PathBuf::from(r["previous"]["text"].as_str().unwrap());
    assert!(previous.file_name().unwrap().to_string_lossy().starts_with("catalog.db.before-restore-"));
    assert!(snapshot_of(&previous).contains("\"later\""));
    assert!(!h.json(["pool", "list"]).to_string().contains("\"later\""));
}

#[test]
fn a_tape_without_catalog_backups_and_bad_input_are_refused_with_nothing_changed() {
    let (h, _) = rich_home();
    let err = refused(&h, &["catalog", "restore-db", "--to", "/nonexistent/x.db"], 1, "not_found");
    assert!(err["message"].as_str().unwrap().contains("holds no complete catalog backup"), "{err}");
    refused(&h, &["catalog", "backup", "--pool", "nope"], 1, "not_found");
    refused(&h, &["catalog", "backup", "--tape", "NOPE"], 1, "not_found");
    refused(&h, &["catalog", "backup", "--key", "nope"], 1, "not_found");
    let out = h.run(["catalog", "backup", "--pool", "weekly", "--tape", "W1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Tapes the pool's policy does not write: retired, exported.
    refused(&h, &["catalog", "backup", "--tape", "R3"], 1, "invalid_state");
    refused(&h, &["catalog", "backup", "--tape", "X2"], 1, "invalid_state");
    // No catalog and no device.
    let empty = Home::empty();
    let out = empty.run(["--json", "catalog", "restore-db"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!empty.catalog_path().exists());
}

#[test]
fn catalog_rebuild_reads_a_tape_holding_a_catalog_backup() {
    let (h, _) = rich_home();
    run(&h, &["catalog", "backup"], 0);
    run(&h, &["backup", "run", "nightly", "--full"], 0);
    remove_catalog(&h);
    h.ok(["init"]);
    h.ok(["drive", "add", "d0", "--device", &device(&h)]);
    let rb = run(&h, &["catalog", "rebuild"], 0);
    assert_eq!(rb["sets_added"].as_array().unwrap().len(), 2, "{rb}");
    let notes = rb["notes"].to_string();
    assert!(notes.contains("catalog backup"), "{notes}");
    let warnings = rb["warnings"].to_string();
    assert!(!warnings.contains("not a TapeBackarr part"), "{warnings}");
}

#[test]
fn early_warning_fails_a_catalog_backup_and_marks_the_tape_full_rather_than_span() {
    let (h, _) = rich_home();
    bulk_entries(&h, 100_000);
    // Early warning 1 MiB past what the tape holds now: the compressed catalog is larger.
    let used = std::fs::metadata(cartridge(&h).join("data")).unwrap().len();
    let zone = (8u64 << 30) - used - (1 << 20);
    std::fs::write(h.drive_dir().join("faults.json"), format!(r#"{{"early_warning": {zone}}}"#)).unwrap();
    let err = run(&h, &["catalog", "backup", "--tape", "W1"], 1);
    assert!(err["message"].as_str().unwrap().contains("never spans"), "{err}");
    let (status, message): (String, String) = h
        .sql()
        .query_row("SELECT status, error_message FROM database_backups", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(status, "failed");
    assert!(message.contains("early warning"), "{message}");
    let tape = h.json(["tape", "show", "W1"]).to_string();
    assert!(tape.contains("\"status\":\"full\""), "{tape}");
    // Nothing to restore from it, and what was before it still restores.
    std::fs::remove_file(h.drive_dir().join("faults.json")).unwrap();
    let copy = h.dir.path().join("copy.db");
    let err = run(&h, &["catalog", "restore-db", "--to", copy.to_str().unwrap()], 1);
    assert_eq!(err["code"], "not_found", "{err}");
    // (The bulk entries are not on tape: only the real ones are asked for.)
    let dest = h.dir.path().join("restored");
    run(&h, &["restore", "--set", "1", "a.txt", "sub", "--to", dest.to_str().unwrap()], 0);
    assert_eq!(std::fs::read(dest.join("sub/b.bin")).unwrap(), vec![7u8; 100_000]);
}

#[test]
fn restore_db_with_a_library_takes_the_newest_catalog_backup_of_all_its_cartridges() {
    let h = Home::with_library("8G", 3);
    run(&h, &["catalog", "backup", "--tape", "VT0002L8"], 0);
    h.ok(["pool", "create", "later"]);
    // The library fetches the tape asked for; the older backup stays on the other one.
    let b = run(&h, &["catalog", "backup", "--tape", "VT0001L8"], 0)["catalog_backup"].clone();
    assert_eq!(b["tape"], "VT0001L8");
    // The other cartridge in the drive when the catalog is lost.
    h.ok(["library", "unload", "--drive", "d0"]);
    h.ok(["library", "load", "VT0002L8", "--drive", "d0"]);

    remove_catalog(&h);
    let vl = h.dir.path().join("vl");
    let drive = format!("vtape:{}", vl.join("drives/0").display());
    let copy = h.dir.path().join("copy.db");
    let r = run(
        &h,
        &[
            "catalog",
            "restore-db",
            "--device",
            &drive,
            "--library-device",
            &format!("vlib:{}", vl.display()),
            "--to",
            copy.to_str().unwrap(),
        ],
        0,
    )["restored"]
        .clone();
    assert_eq!(r["tape"], "VT0001L8", "{r}");
    // The newer catalog: it knows the pool created between the two, and the older backup.
    let restored = snapshot_of(&copy);
    assert!(restored.contains("|\"later\"|"), "the older catalog backup was restored");
    assert!(restored.contains("\"completed\""));

    // Into the home: every other cartridge of the library is named for `catalog rebuild`.
    let library = format!("vlib:{}", vl.display());
    let r =
        run(&h, &["catalog", "restore-db", "--device", &drive, "--library-device", &library], 0)["restored"].clone();
    assert_eq!(r["tape"], "VT0001L8", "{r}");
    assert_eq!(r["rebuild_also"], serde_json::json!(["VT0002L8", "VT0003L8"]), "{r}");
    assert!(h.json(["pool", "list"]).to_string().contains("later"));
}

#[test]
fn a_catalog_backup_a_dead_run_left_pending_is_marked_failed_by_the_next() {
    let (h, _) = rich_home();
    // As a run killed between its pending row and its trailer leaves it.
    h.sql()
        .execute(
            "INSERT INTO database_backups (tape_id, status) SELECT id, 'pending' FROM tapes WHERE label = 'W1'",
            [],
        )
        .unwrap();
    run(&h, &["catalog", "backup", "--tape", "W1"], 0);
    let rows: Vec<(String, Option<String>)> = h
        .sql()
        .prepare("SELECT status, error_message FROM database_backups ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, "failed");
    assert!(rows[0].1.as_deref().unwrap().contains("interrupted"), "{rows:?}");
    assert_eq!(rows[1], ("completed".to_string(), None));
}

/// Only the newest catalog copy keeps its tape: while it is on W1, W1 is not relabelled;
/// once a newer copy is on W2, relabelling W1 goes ahead (its copy marked failed with it) and
/// the tape takes backups again.
#[test]
fn only_the_newest_catalog_copy_keeps_its_tape() {
    let h = Home::with_two_tapes();
    run(&h, &["catalog", "backup"], 0); // on W1, in the drive
    let relabel = ["--yes", "tape", "label", "W1", "--pool", "weekly", "--force"];
    refused(&h, &relabel, 1, "wrong_tape");
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0002L8"]);
    run(&h, &["catalog", "backup"], 0); // the newest, on W2
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0001L8"]);
    h.ok(relabel);
    let statuses: Vec<(String, Option<String>)> = {
        let db = h.sql();
        let mut stmt = db.prepare("SELECT status, error_message FROM database_backups ORDER BY id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(
        statuses,
        [("failed".to_string(), Some("erased: tape label --force".to_string())), ("completed".to_string(), None)]
    );
    std::fs::create_dir_all(h.data()).unwrap();
    std::fs::write(h.data().join("a.txt"), b"after the relabel\n").unwrap();
    let out = h.run(["--json", "backup", "run", "nightly"]);
    assert!(out.status.success(), "{}", stderr(&out));
    h.ok(["catalog", "check"]);
}
