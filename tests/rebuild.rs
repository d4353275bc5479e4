//! `catalog rebuild` end to end on the virtual library: a catalog lost after three backups
//! (raw full, zstd incremental with deletions, encrypted) is rebuilt from the tape alone, row
//! for row; a second run changes nothing; restores work from the rebuilt catalog; and tapes it
//! cannot rebuild from (blank, foreign, in conflict with the catalog) are refused untouched.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::path::{Path, PathBuf};

use common::{Home, stderr, stdout, write_secret};
use rusqlite::types::ValueRef;
use serde_json::Value;
use tapebackarr::format::frame::Framing;
use tapebackarr::format::part::PartHeader;
use tapebackarr::tape::vtape::VirtualDrive;
use tapebackarr::tape::{Space, TapeDevice};

fn drive_dir(h: &Home) -> PathBuf {
    h.dir.path().join("vl/drives/0")
}

fn drive_device(h: &Home) -> String {
    format!("vtape:{}", drive_dir(h).display())
}

/// Runs with `--json`, asserts exit `code`, and returns the one JSON document or the last
/// NDJSON line of stdout (a backup's or restore's summary).
fn run(h: &Home, args: &[&str], code: i32) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}\n{}", stderr(&out), stdout(&out));
    let text = stdout(&out);
    if let Ok(doc) = serde_json::from_str(&text) {
        return doc;
    }
    serde_json::from_str(text.lines().last().unwrap_or_else(|| panic!("no output: {}", stderr(&out)))).unwrap()
}

/// A refused command: its JSON error, after checking it changed neither catalog nor tape.
fn refused(h: &Home, args: &[&str], exit: i32, code: &str) -> Value {
    let before = h.snapshot();
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    assert_eq!(err["code"], code, "{err}");
    assert_eq!(h.snapshot(), before, "a refused rebuild changed the catalog");
    err
}

fn cell(v: ValueRef) -> String {
    match v {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => format!("x'{}'", b.iter().map(|c| format!("{c:02x}")).collect::<String>()),
    }
}

fn rows(h: &Home, sql: &str) -> Vec<String> {
    let conn = h.sql();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let mut q = stmt.query([]).unwrap();
    let mut out = Vec::new();
    while let Some(r) = q.next().unwrap() {
        out.push((0..n).map(|i| cell(r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"));
    }
    out
}

/// The tape, sets, parts and entries, by UUID and name instead of ids, without timestamps.
/// With `keys`, the fingerprint of each set's key too.
fn dump(h: &Home, keys: bool) -> Vec<String> {
    let key = if keys { "k.key_fingerprint" } else { "'-'" };
    let mut out = vec!["# tapes".to_string()];
    out.extend(rows(
        h,
        "SELECT t.uuid, t.label, t.barcode, p.name, t.status, t.lto_type, t.capacity_bytes, t.used_bytes,
            t.write_count, t.format_type
         FROM tapes t LEFT JOIN tape_pools p ON p.id = t.pool_id ORDER BY t.uuid",
    ));
    out.push("# sets".into());
    out.extend(rows(
        h,
        &format!(
            "SELECT b.uuid, j.name, s.name, t.label, b.backup_type, b.status, b.file_count, b.total_bytes,
                b.start_block, b.end_block, b.checksum, b.encrypted, {key}, b.compressed, b.compression_type,
                b.format_type, parent.uuid, b.framing, b.block_size, b.frame_size, b.stream_bytes
             FROM backup_sets b JOIN backup_jobs j ON j.id = b.job_id JOIN tapes t ON t.id = b.tape_id
             LEFT JOIN backup_sources s ON s.id = b.source_id
             LEFT JOIN encryption_keys k ON k.id = b.encryption_key_id
             LEFT JOIN backup_sets parent ON parent.id = b.parent_set_id
             ORDER BY b.uuid"
        ),
    ));
    out.push("# parts".into());
    out.extend(rows(
        h,
        "SELECT b.uuid, p.part, t.label, p.data_file, p.header_block, p.index_block, p.end_block, p.first_frame,
            p.frame_count, p.stream_offset, p.stream_bytes, p.status
         FROM backup_set_parts p JOIN backup_sets b ON b.id = p.backup_set_id JOIN tapes t ON t.id = p.tape_id
         ORDER BY b.uuid, p.part",
    ));
    out.push("# entries".into());
    out.extend(rows(
        h,
        "SELECT b.uuid, e.file_path, typeof(e.file_path), e.file_size, e.file_mode, e.mod_time, e.checksum,
            e.block_offset, e.frame_seq, e.frame_offset, e.kind, e.mtime_ns, e.uid, e.gid, e.link_target
         FROM catalog_entries e JOIN backup_sets b ON b.id = e.backup_set_id ORDER BY b.uuid, e.id",
    ));
    out
}

/// The whole catalog but the audit trail (each rebuild adds its row).
fn snapshot_without_audit(h: &Home) -> String {
    let mut out = String::new();
    let mut in_audit = false;
    for line in h.snapshot().lines() {
        if line.starts_with("## ") {
            in_audit = line.starts_with("## audit_logs:");
        } else if in_audit || line.starts_with("\"audit_logs\"|") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Equal dumps, or the first row where they differ.
fn assert_same_rows(got: &[String], want: &[String]) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g, w, "row {i} differs");
    }
    assert_eq!(got.len(), want.len(), "row counts differ");
}

fn copy_tree(from: &Path, to: &Path) {
    let ok = std::process::Command::new("cp").arg("-a").arg(from).arg(to).status().unwrap();
    assert!(ok.success());
}

/// Appends a data file with no index to the loaded tape, as a backup cut off after its data
/// leaves it.
fn append_cut_part(h: &Home) -> String {
    let mut d = VirtualDrive::open(&drive_dir(h)).unwrap();
    d.space(Space::EndOfData).unwrap();
    let at = d.position().unwrap();
    let set = uuid::Uuid::new_v4();
    let mut header = PartHeader::new(set, Framing::Raw, None, 256 << 10, 8 << 20, "2026-11-27T00:00:00Z".into());
    header.job = "nightly".into();
    header.source = "home".into();
    d.write_block(&header.encode(at.file).unwrap()).unwrap();
    d.write_block(&vec![0u8; 256 << 10]).unwrap();
    d.write_filemarks(1, true).unwrap();
    set.to_string()
}

fn rebuild(h: &Home) -> Value {
    h.json(["catalog", "rebuild"])
}

#[test]
fn a_lost_catalog_is_rebuilt_row_for_row_and_a_second_run_changes_nothing() {
    let h = Home::with_tape();
    tree::odd_tree(&h.data());
    tree::Builder::new(&h.data()).mkdir(b"gone").file(b"gone/x", b"x\n").mkdir(b"gone/sub").file(b"gone/sub/y", b"y\n");
    let pw = h.dir.path().join("pw");
    write_secret(&pw, "correct horse battery\n");
    let pw = pw.to_str().unwrap();
    h.ok(["key", "create", "k", "--password-file", pw]);
    let keyfile = h.dir.path().join("k.tbkey");
    h.ok(["key", "export", "k", keyfile.to_str().unwrap()]);
    h.ok([
        "job",
        "create",
        "secret",
        "--source",
        "home",
        "--pool",
        "weekly",
        "--encryption-key",
        "k",
        "--compression",
        "zstd",
    ]);

    // A raw full, a zstd incremental that records deletions, an encrypted full.
    let full = run(&h, &["backup", "run", "nightly"], 0);
    assert_eq!(full["compression"], "none");
    let state1 = h.dir.path().join("state1");
    copy_tree(&h.data(), &state1);
    std::fs::remove_dir_all(h.data().join("gone")).unwrap();
    std::fs::write(h.data().join("added.txt"), b"after the full\n").unwrap();
    h.ok(["job", "update", "nightly", "--compression", "zstd:3"]);
    let inc = run(&h, &["backup", "run", "nightly", "--incremental"], 0);
    assert_eq!(inc["backup_type"], "incremental");
    assert_eq!(inc["compression"], "zstd:3");
    assert_eq!(inc["deleted"], 4, "{inc}");
    let enc = run(&h, &["backup", "run", "secret", "--password-file", pw], 0);
    assert_eq!(enc["encrypted"], true);
    let cut = append_cut_part(&h);
    let before = dump(&h, true);
    let before_without_keys = dump(&h, false);
    assert!(before.iter().filter(|l| l.starts_with('"')).count() > 40, "{before:?}");

    // The catalog is lost: a fresh one knows nothing but the drive.
    for f in ["catalog.db", "catalog.db-wal", "catalog.db-shm"] {
        let _ = std::fs::remove_file(h.home().join(f));
    }
    h.ok(["init"]);
    h.ok(["drive", "add", "d0", "--device", &drive_device(&h)]);

    let r = rebuild(&h);
    assert_eq!(r["tape_created"], true, "{r}");
    assert_eq!(r["tape"]["label"], "W1");
    assert_eq!(r["tape"]["pool"], "weekly");
    assert_eq!(r["label"]["block_size"], 256 << 10);
    let added = r["sets_added"].as_array().unwrap();
    let summary: Vec<(i64, &str, &str, u64, u64)> = added
        .iter()
        .map(|s| {
            (
                s["set"].as_i64().unwrap(),
                s["job"].as_str().unwrap(),
                s["backup_type"].as_str().unwrap(),
                s["files"].as_u64().unwrap(),
                s["deleted"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, "nightly", "full", full["entries"].as_u64().unwrap(), 0),
            (2, "nightly", "incremental", inc["entries"].as_u64().unwrap(), 4),
            (3, "secret", "full", enc["entries"].as_u64().unwrap(), 0),
        ]
    );
    assert_eq!(added[1]["parent_set"], 1);
    assert!(r["sets_skipped"].as_array().unwrap().is_empty());
    let cut_parts = r["parts_cut_off"].as_array().unwrap();
    assert_eq!(cut_parts.len(), 1, "{r}");
    assert_eq!(cut_parts[0]["set_uuid"], cut.as_str());
    assert_eq!(cut_parts[0]["file"], 7);
    assert_eq!(r["created"]["pools"], serde_json::json!(["weekly"]));
    assert_eq!(r["created"]["sources"], serde_json::json!(["home"]));
    assert_eq!(r["created"]["jobs"], serde_json::json!(["nightly", "secret"]));
    let warnings = r["warnings"].to_string();
    assert!(warnings.contains("key import") && warnings.contains("source 'home'"), "{warnings}");
    let notes = r["notes"].to_string();
    assert!(notes.contains("will be a full"), "{notes}");

    // Everything the tape holds is back as it was, but the key the catalog no longer has.
    assert_same_rows(&dump(&h, false), &before_without_keys);
    let (encrypted, key): (bool, Option<i64>) = h
        .sql()
        .query_row("SELECT encrypted, encryption_key_id FROM backup_sets WHERE id = 3", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((encrypted, key), (true, None));
    let source = h.json(["source", "show", "home"]);
    assert_eq!(source["source"]["path"]["text"], "/", "{source}");
    assert_eq!(source["source"]["enabled"], false);
    let job = h.json(["job", "show", "secret"]);
    assert_eq!(job["job"]["enabled"], false, "{job}");
    assert_eq!(job["job"]["schedule"], Value::Null);
    assert_eq!(job["job"]["compression"], "zstd:3");
    assert_eq!(job["job"]["encryption_enabled"], true);
    let audit = h.json(["audit", "list", "--resource", "tape"]);
    let last = audit["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "catalog.rebuild");
    assert_eq!(last["details"]["sets_added"], 3);
    assert_eq!(last["details"]["parts_cut_off"], 1);

    // Again: every set is skipped and nothing changes but the audit trail.
    let snap = snapshot_without_audit(&h);
    let again = rebuild(&h);
    assert!(again["sets_added"].as_array().unwrap().is_empty(), "{again}");
    assert_eq!(again["sets_skipped"].as_array().unwrap().len(), 3);
    assert_eq!(again["tape_created"], false);
    assert_eq!(snapshot_without_audit(&h), snap);

    // The key comes back: the next rebuild links it, and then the catalog is as it was.
    h.ok(["key", "import", keyfile.to_str().unwrap(), "--password-file", pw]);
    let linked = rebuild(&h);
    let skipped = linked["sets_skipped"].as_array().unwrap();
    assert_eq!(skipped[2]["repaired"], serde_json::json!(["key 'k' linked"]), "{linked}");
    assert_same_rows(&dump(&h, true), &before);
    let snap = snapshot_without_audit(&h);
    rebuild(&h);
    assert_eq!(snapshot_without_audit(&h), snap);

    // Restores work from the rebuilt catalog: one set, a job's state across its incremental,
    // and the encrypted set.
    let dest = h.dir.path().join("r1");
    let s = run(&h, &["restore", "--set", "1", "--to", dest.to_str().unwrap()], 0);
    assert_eq!(s["failed"], 0, "{s}");
    tree::assert_same(&state1, &dest);
    let dest = h.dir.path().join("r2");
    let s = run(&h, &["restore", "--job", "nightly", "--to", dest.to_str().unwrap()], 0);
    assert_eq!(s["sets"].as_array().unwrap().len(), 2, "{s}");
    tree::assert_same(&h.data(), &dest);
    let dest = h.dir.path().join("r3");
    let s = run(&h, &["restore", "--set", "3", "--to", dest.to_str().unwrap(), "--password-file", pw], 0);
    assert_eq!(s["failed"], 0, "{s}");
    tree::assert_same(&h.data(), &dest);

    // With its path set again, the rebuilt job backs up: a full (no snapshot came back), appended
    // after everything on the tape, the cut-off part included.
    h.ok_os(&["source".as_ref(), "update".as_ref(), "home".as_ref(), "--path".as_ref(), h.data().as_os_str()]);
    let next = run(&h, &["backup", "run", "nightly", "--incremental"], 0);
    assert_eq!(next["backup_type"], "full", "{next}");
    assert_eq!(next["parent_set"], Value::Null);
    assert_eq!(next["file"], 8);
}

#[test]
fn human_output_names_the_tape_the_sets_and_what_to_do() {
    let h = Home::with_tape();
    std::fs::write(h.data().join("f"), b"data\n").unwrap();
    run(&h, &["backup", "run", "nightly"], 0);
    for f in ["catalog.db", "catalog.db-wal", "catalog.db-shm"] {
        let _ = std::fs::remove_file(h.home().join(f));
    }
    h.ok(["init"]);
    h.ok(["drive", "add", "d0", "--device", &drive_device(&h)]);
    // A read error half way (the label and the header read, the index not) changes nothing.
    let before = h.snapshot();
    let out = h
        .cmd()
        .env("TAPEBACKARR_VTAPE_FAULTS", r#"{"fail_read_at": 3}"#)
        .args(["--json", "catalog", "rebuild"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "device_error", "{err}");
    assert_eq!(h.snapshot(), before);

    let out = h.run(["catalog", "rebuild"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("Read tape 'W1'"), "{text}");
    assert!(text.contains("1 set(s) added") && text.contains("new to the catalog"), "{text}");
    assert!(
        text.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["1", "nightly", "full", "1", "1", "2", "0", "completed", "added"]),
        "{text}"
    );
    assert!(text.contains("Created pool 'weekly', source 'home', job 'nightly'"), "{text}");
    let err = stderr(&out);
    assert!(err.contains("warning: source 'home' was recreated with the path /"), "{err}");
    assert!(err.contains("note: snapshots are not on tape"), "{err}");
    let again = stdout(&h.run(["catalog", "rebuild"]));
    assert!(again.contains("0 set(s) added, 1 skipped"), "{again}");
    assert!(again.contains("skipped"), "{again}");
}

#[test]
fn blank_foreign_conflicting_and_missing_tapes_are_refused_untouched() {
    let h = Home::with_tape();
    std::fs::write(h.data().join("f"), b"data\n").unwrap();
    run(&h, &["backup", "run", "nightly"], 0);

    // No tape.
    h.ok(["drive", "eject"]);
    let err = refused(&h, &["catalog", "rebuild"], 4, "no_tape");
    assert!(err["message"].as_str().unwrap().contains("no tape"), "{err}");

    // A blank tape.
    h.ok(["drive", "load", "--tape", "VT0002L8"]);
    let err = refused(&h, &["catalog", "rebuild"], 1, "wrong_tape");
    assert!(err["message"].as_str().unwrap().contains("blank: there is nothing to rebuild"), "{err}");

    // Another program's data.
    {
        let mut d = VirtualDrive::open(&drive_dir(&h)).unwrap();
        d.rewind().unwrap();
        d.write_block(b"ustar\0 someone else's archive").unwrap();
        d.write_filemarks(1, true).unwrap();
    }
    let err = refused(&h, &["catalog", "rebuild"], 1, "wrong_tape");
    assert!(err["message"].as_str().unwrap().contains("not a TapeBackarr tape"), "{err}");

    // A tape another catalog labelled W1: not the W1 this catalog knows.
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0003L8"]);
    let other = Home::new();
    other.ok(["drive", "add", "x", "--device", &drive_device(&h)]);
    other.ok(["pool", "create", "weekly"]);
    other.ok(["tape", "label", "W1", "--pool", "weekly"]);
    let err = refused(&h, &["catalog", "rebuild"], 1, "wrong_tape");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("another tape") && msg.contains("nothing was changed"), "{msg}");

    // The same tape read into the other catalog is fine there (its own, known tape), and a
    // catalog that knows the tape under another label refuses it.
    let r = other.json(["catalog", "rebuild"]);
    assert_eq!(r["tape_created"], false);
    other.sql().execute("UPDATE tapes SET label = 'RENAMED' WHERE label = 'W1'", []).unwrap();
    let err = refused(&other, &["catalog", "rebuild"], 1, "wrong_tape");
    assert!(err["message"].as_str().unwrap().contains("knows its uuid"), "{err}");
}
