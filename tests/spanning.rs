//! Sets that span tapes: at early warning the part is closed on its tape, the next tape is
//! fetched from the library (or asked of the operator), and the same stream goes on there,
//! a file crossing the boundary if it must. Restores ask for the tapes in order.
//!
//! Early warning is brought forward with the virtual drive's `early_warning` fault so three
//! tapes fill with a few tens of MiB: with 8 MiB frames, each part here ends with the frame
//! that crosses 30 MiB, so every full part holds four frames (32 MiB of stream).

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::path::Path;

use common::{Home, ndjson, stderr, stdout};
use serde_json::Value;

const MIB: u64 = 1 << 20;

/// Pool `weekly` with four labelled tapes W1..W4 in a virtual library of 1 GiB cartridges,
/// whose drive reports early warning once 30 MiB are on a tape.
fn library_home() -> (Home, std::path::PathBuf) {
    let h = Home::with_basics();
    let dir = h.dir.path().join("vl");
    h.ok([
        "vlib",
        "create",
        dir.to_str().unwrap(),
        "--slots",
        "8",
        "--drives",
        "1",
        "--tapes",
        "5",
        "--capacity",
        "1G",
        "--prefix",
        "TB",
    ]);
    h.ok(["library", "add", "vtl", "--device", &format!("vlib:{}", dir.display())]);
    h.ok(["library", "inventory", "vtl"]);
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", dir.join("drives/0").display())]);
    h.ok(["library", "attach-drive", "vtl", "--drive", "d0", "--element", "500"]);
    for (i, label) in ["W1", "W2", "W3", "W4"].iter().enumerate() {
        h.ok(["library", "load", &format!("TB000{}L8", i + 1), "--drive", "d0"]);
        h.ok(["tape", "label", label, "--pool", "weekly"]);
        h.ok(["library", "unload", "--drive", "d0"]);
    }
    let drive = dir.join("drives/0");
    std::fs::write(drive.join("faults.json"), format!(r#"{{"early_warning": {}}}"#, (1 << 30) - 30 * MIB)).unwrap();
    (h, drive)
}

/// GNU tar extracts `stream` into `dir` as the tree `want`.
fn assert_untars_to(stream: &[u8], want: &Path, dir: &Path) {
    std::fs::create_dir(dir).unwrap();
    let mut tar = std::process::Command::new("tar")
        .args(["-xf", "-", "-C", dir.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(tar.stdin.as_mut().unwrap(), stream).unwrap();
    drop(tar.stdin.take());
    assert!(tar.wait().unwrap().success());
    tree::assert_same(want, dir);
}

#[test]
fn a_set_spans_three_tapes_with_a_file_crossing_and_restores_byte_identical() {
    let (h, _drive) = library_home();
    let data = h.data();
    tree::Builder::new(&data)
        .file(b"a-small.txt", b"before the big one\n")
        // 50 MiB: starts on W1 and ends on W2.
        .file(b"b-big.bin", &tree::noise(50 * MIB as usize, 1))
        .file(b"c-middle.txt", b"between\n")
        // 20 MiB: crosses from W2 to W3.
        .file(b"d-second.bin", &tree::noise(20 * MIB as usize, 2))
        .file(b"e-last.txt", b"after\n");

    let out = h.run(["--json", "backup", "run", "nightly"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), stdout(&out));
    let events = ndjson(&out);
    let summary = events.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["tapes"], serde_json::json!(["W1", "W2", "W3"]), "{summary}");
    assert_eq!(summary["parts"], 3);
    let changes: Vec<&Value> = events.iter().filter(|e| e["type"] == "tape_change").collect();
    assert_eq!(changes.len(), 2, "{events:?}");
    assert_eq!(changes[0]["tape"], "W1");
    assert_eq!(changes[1]["tape"], "W2");
    let set = summary["set"].to_string();

    // The catalog knows the parts in order, on three tapes, two of them full.
    let tapes = h.json(["catalog", "tapes", "--set", &set, "."]);
    let labels: Vec<&str> = tapes["tapes"].as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["W1", "W2", "W3"], "{tapes}");
    let conn = h.sql();
    let parts: Vec<(i64, String, String, i64)> = conn
        .prepare(
            "SELECT p.part, t.label, p.status, p.stream_offset FROM backup_set_parts p JOIN tapes t ON t.id = p.tape_id
             WHERE p.backup_set_id = ?1 ORDER BY p.part",
        )
        .unwrap()
        .query_map([summary["set"].as_i64().unwrap()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        parts,
        [
            (1, "W1".into(), "continued".into(), 0),
            (2, "W2".into(), "continued".into(), (32 * MIB) as i64),
            (3, "W3".into(), "complete".into(), (64 * MIB) as i64)
        ]
    );
    let statuses: Vec<(String, String)> = conn
        .prepare("SELECT label, status FROM tapes WHERE label IN ('W1', 'W2', 'W3') ORDER BY label")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(statuses, [("W1".into(), "full".into()), ("W2".into(), "full".into()), ("W3".into(), "active".into())]);
    let (spanning_status, total_tapes): (String, i64) = conn
        .query_row("SELECT status, total_tapes FROM tape_spanning_sets", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((spanning_status.as_str(), total_tapes), ("completed", 3));
    let members: Vec<(i64, String)> = conn
        .prepare(
            "SELECT m.sequence_number, t.label FROM tape_spanning_members m JOIN tapes t ON t.id = m.tape_id
             ORDER BY m.sequence_number",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(members, [(1, "W1".into()), (2, "W2".into()), (3, "W3".into())]);
    let requests: Vec<(String, String)> = conn
        .prepare("SELECT reason, status FROM tape_change_requests ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(requests, [("tape_full".into(), "completed".into()), ("tape_full".into(), "completed".into())]);

    // The whole set, read across the three tapes (the library fetches them in order).
    let dest = h.dir.path().join("restored");
    let r = h.run(["--json", "restore", "--set", &set, "--to", dest.to_str().unwrap()]);
    assert!(r.status.success(), "{}\n{}", stderr(&r), stdout(&r));
    tree::assert_same(&data, &dest);

    // One file that crosses W2 → W3 alone: read from where it starts, on from the next tape.
    let one = h.dir.path().join("one");
    let r = h.run(["--json", "restore", "--set", &set, "d-second.bin", "--to", one.to_str().unwrap()]);
    assert!(r.status.success(), "{}\n{}", stderr(&r), stdout(&r));
    assert_eq!(std::fs::read(one.join("d-second.bin")).unwrap(), tree::noise(20 * MIB as usize, 2));

    // A catalog whose parts do not continue one another is named by catalog check.
    let conn2 = h.sql();
    conn2.execute("UPDATE backup_set_parts SET stream_offset = stream_offset + 1 WHERE part = 2", []).unwrap();
    let c = h.run(["--json", "catalog", "check"]);
    assert_eq!(c.status.code(), Some(1));
    assert!(stdout(&c).contains("set 1: part 2 starts at stream offset 33554433"), "{}", stdout(&c));
    conn2.execute("UPDATE backup_set_parts SET stream_offset = stream_offset - 1 WHERE part = 2", []).unwrap();

    // verify reads every part; catalog check finds nothing wrong.
    let v = h.json(["verify", &set]);
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(v["frames_checked"], 9, "{v}");
    h.ok(["catalog", "check"]);

    // Without TapeBackarr: each tape's data file minus its header block, concatenated in
    // order, is the set's tar stream (docs/FORMAT.md, "Spanning tapes").
    h.ok(["library", "unload", "--drive", "d0"]);
    let mut stream = Vec::new();
    for barcode in ["TB0001L8", "TB0002L8", "TB0003L8"] {
        h.ok(["library", "load", barcode, "--drive", "d0"]);
        let file = h.dir.path().join(barcode);
        h.ok(["tape", "dump", "--file", "1", "--output", file.to_str().unwrap()]);
        h.ok(["library", "unload", "--drive", "d0"]);
        stream.extend_from_slice(&std::fs::read(&file).unwrap()[256 << 10..]);
    }
    assert_untars_to(&stream, &data, &h.dir.path().join("by-tar"));
}

#[test]
fn a_lost_catalog_is_rebuilt_from_the_three_tapes_of_a_spanned_set() {
    let (h, drive) = library_home();
    let data = h.data();
    tree::Builder::new(&data)
        .file(b"a.txt", b"first\n")
        .file(b"big.bin", &tree::noise(70 * MIB as usize, 3))
        .file(b"z.txt", b"last\n");
    let out = h.run(["--json", "backup", "run", "nightly"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ndjson(&out).last().unwrap()["tapes"], serde_json::json!(["W1", "W2", "W3"]));
    let entries = |h: &Home| -> Vec<(Vec<u8>, Option<i64>, i64, i64)> {
        h.sql()
            .prepare(
                "SELECT CAST(file_path AS BLOB), block_offset, frame_seq, frame_offset FROM catalog_entries ORDER BY 1",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let before = entries(&h);

    for f in ["catalog.db", "catalog.db-wal", "catalog.db-shm"] {
        let _ = std::fs::remove_file(h.home().join(f));
    }
    h.ok(["init"]);
    let lib = h.dir.path().join("vl");
    h.ok(["library", "add", "vtl", "--device", &format!("vlib:{}", lib.display())]);
    h.ok(["library", "inventory", "vtl"]);
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", drive.display())]);
    h.ok(["library", "attach-drive", "vtl", "--drive", "d0", "--element", "500"]);
    h.ok(["library", "unload", "--drive", "d0"]);
    // Tape by tape, in any order: the set is completed once all its parts are in.
    for (barcode, status) in [("TB0002L8", "pending"), ("TB0001L8", "pending"), ("TB0003L8", "completed")] {
        h.ok(["library", "load", barcode, "--drive", "d0"]);
        let r = h.json(["catalog", "rebuild"]);
        assert_eq!(r["sets_added"][0]["status"], status, "{barcode}: {r}");
        h.ok(["library", "unload", "--drive", "d0"]);
    }
    assert_eq!(entries(&h), before, "every entry, the one that crossed tapes too, points where it did");
    let statuses: Vec<String> = h
        .sql()
        .prepare("SELECT label || ' ' || status FROM tapes ORDER BY label")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(statuses, ["W1 full", "W2 full", "W3 active"]);
    let dest = h.dir.path().join("r");
    let r = h.run(["--json", "restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert!(r.status.success(), "{}\n{}", stderr(&r), stdout(&r));
    tree::assert_same(&data, &dest);
    h.ok(["catalog", "check"]);
}

#[test]
fn wrong_tapes_at_a_change_are_refused_untouched() {
    let (h, _drive) = library_home();
    let lib = h.dir.path().join("vl");
    // W2 turns out write-protected, W3 blank (someone erased it elsewhere): the catalog does
    // not know, so the library loads them and the check in the drive refuses them.
    let meta = lib.join("cartridges/TB0002L8/meta.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    m["write_protected"] = true.into();
    std::fs::write(&meta, m.to_string()).unwrap();
    for f in ["index", "data"] {
        std::fs::write(lib.join("cartridges/TB0003L8").join(f), b"").unwrap();
    }
    let read = |bc: &str| -> Vec<Vec<u8>> {
        ["index", "data"].iter().map(|f| std::fs::read(lib.join("cartridges").join(bc).join(f)).unwrap()).collect()
    };
    let (w2, w3) = (read("TB0002L8"), read("TB0003L8"));
    tree::Builder::new(&h.data()).file(b"big.bin", &tree::noise(40 * MIB as usize, 4));

    let out = h.run(["--json", "backup", "run", "nightly"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), stdout(&out));
    let events = ndjson(&out);
    assert_eq!(events.last().unwrap()["tapes"], serde_json::json!(["W1", "W4"]));
    let refused: Vec<&str> =
        events.iter().filter(|e| e["type"] == "tape_refused").map(|e| e["reason"].as_str().unwrap()).collect();
    assert_eq!(refused.len(), 2, "{events:?}");
    assert_eq!(refused[0], "tape 'W2' is write-protected");
    assert!(refused[1].contains("has no label"), "{refused:?}");
    assert_eq!(read("TB0002L8"), w2, "nothing written to the write-protected tape");
    assert_eq!(read("TB0003L8"), w3, "nothing written to the blank one");
    let dest = h.dir.path().join("r");
    let r = h.run(["--json", "restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert!(r.status.success(), "{}\n{}", stderr(&r), stdout(&r));
    tree::assert_same(&h.data(), &dest);
}

#[test]
fn without_a_library_or_a_terminal_a_full_tape_pauses_the_run_and_resume_finishes_it() {
    let h = Home::with_tape();
    std::fs::write(h.drive_dir().join("faults.json"), format!(r#"{{"early_warning": {}}}"#, (8u64 << 30) - 30 * MIB))
        .unwrap();
    tree::Builder::new(&h.data())
        .file(b"a.txt", b"first\n")
        .file(b"big.bin", &tree::noise(100 * MIB as usize, 5))
        .file(b"z.txt", b"last\n");
    let out = h.run(["--json", "backup", "run", "nightly"]);
    assert_eq!(out.status.code(), Some(4), "{}\n{}", stderr(&out), stdout(&out));
    let events = ndjson(&out);
    let paused = events.iter().find(|e| e["type"] == "paused").expect("a paused event");
    assert_eq!(paused["tape"], "W1");
    assert_eq!(paused["reason"], "tape_full");
    let error: Value = serde_json::from_str(stderr(&out).lines().last().unwrap()).unwrap();
    assert_eq!(error["code"], "no_tape", "{error}");
    assert_eq!(error["details"]["execution"], paused["execution"], "{error}");
    // W1 holds the first part and is full; the set waits, never completed; the request is
    // open; the catalog is consistent; the set is not restorable yet.
    let conn = h.sql();
    let status = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(status("SELECT status FROM backup_sets"), "pending");
    assert_eq!(status("SELECT status FROM tapes WHERE label = 'W1'"), "full");
    assert_eq!(status("SELECT status FROM tape_change_requests"), "pending");
    assert_eq!(status("SELECT status FROM job_executions"), "paused");
    h.ok(["catalog", "check"]);
    let r = h.run(["restore", "--set", "1", "--to", h.dir.path().join("r").to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1), "a paused set is not restored: {}", stderr(&r));

    // The operator labels another tape (with its early warning where it belongs) and
    // resumes: the set ends on W2.
    std::fs::remove_file(h.drive_dir().join("faults.json")).unwrap();
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0002L8"]);
    h.ok(["tape", "label", "W2", "--pool", "weekly"]);
    let out = h.run(["--json", "backup", "resume"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), stdout(&out));
    let summary = ndjson(&out).pop().unwrap();
    assert_eq!(summary["tapes"], serde_json::json!(["W1", "W2"]), "{summary}");
    assert_eq!(status("SELECT status FROM backup_sets"), "completed");
    assert_eq!(status("SELECT status FROM tape_change_requests"), "completed");
    assert_eq!(status("SELECT status FROM job_executions"), "completed");

    // In the library: the two parts' data files, header blocks stripped, are one tar stream
    // (nothing lost or written twice at the pause), and restore and verify fetch both tapes.
    let lib = h.dir.path().join("vl");
    h.ok(["library", "add", "vtl", "--device", &format!("vlib:{}", lib.display())]);
    h.ok(["library", "inventory", "vtl"]);
    h.ok(["library", "attach-drive", "vtl", "--drive", "d0", "--element", "500"]);
    h.ok(["library", "unload", "--drive", "d0"]);
    let mut stream = Vec::new();
    for barcode in ["VT0001L8", "VT0002L8"] {
        h.ok(["library", "load", barcode, "--drive", "d0"]);
        let file = h.dir.path().join(barcode);
        h.ok(["tape", "dump", "--file", "1", "--output", file.to_str().unwrap()]);
        h.ok(["library", "unload", "--drive", "d0"]);
        stream.extend_from_slice(&std::fs::read(&file).unwrap()[256 << 10..]);
    }
    assert_untars_to(&stream, &h.data(), &h.dir.path().join("by-tar"));
    let dest = h.dir.path().join("r");
    let r = h.run(["--json", "restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert!(r.status.success(), "{}\n{}", stderr(&r), stdout(&r));
    tree::assert_same(&h.data(), &dest);
    let v = h.json(["verify", "1"]);
    assert_eq!(v["passed"], true, "{v}");
    h.ok(["catalog", "check"]);
}

/// An operator at a terminal (a pty from `script`): at the change the backup ejects the full
/// tape and asks; the same tape put back is refused and the question asked again; a labelled
/// tape of the pool is taken. Taking a cartridge out of the virtual drive and inserting one is
/// writing its `drive.json`, the operator's hand in this test. The drive belongs to a virtual
/// library, so its eject leaves the cartridge in the drive's element, as a library drive does.
#[test]
fn an_operator_at_a_terminal_is_asked_again_after_offering_a_wrong_tape() {
    let h = Home::with_two_tapes();
    std::fs::write(h.drive_dir().join("faults.json"), format!(r#"{{"early_warning": {}}}"#, (8u64 << 30) - 30 * MIB))
        .unwrap();
    tree::Builder::new(&h.data()).file(b"big.bin", &tree::noise(60 * MIB as usize, 6));
    let insert = |barcode: &str| {
        let path = h.drive_dir().join("drive.json");
        let mut state: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(state["cartridge"], Value::Null, "the drive is empty");
        state["cartridge"] = h.dir.path().join("vl/cartridges").join(barcode).to_str().unwrap().into();
        state["ejected"] = false.into();
        std::fs::write(&path, state.to_string()).unwrap();
    };
    let take_out = |barcode: &str| {
        let path = h.drive_dir().join("drive.json");
        let mut state: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(state["ejected"], true, "the backup ejected the full tape: {state}");
        assert!(state["cartridge"].as_str().is_some_and(|c| c.ends_with(barcode)), "{state}");
        state["cartridge"] = Value::Null;
        state["ejected"] = false.into();
        std::fs::write(&path, state.to_string()).unwrap();
    };

    let mut term = h.at_terminal("backup run nightly");
    term.read_until("press Enter", 1);
    assert!(term.seen.contains("the set needs another tape"), "{}", term.seen);
    take_out("VT0001L8");
    insert("VT0001L8");
    term.type_line("");
    term.read_until("press Enter", 2);
    assert!(term.seen.contains("tape 'W1' is full"), "the full tape is refused: {}", term.seen);
    // Refused untouched: it is still in the drive; the operator swaps it for W2.
    let path = h.drive_dir().join("drive.json");
    let mut state: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    state["cartridge"] = Value::Null;
    std::fs::write(&path, state.to_string()).unwrap();
    insert("VT0002L8");
    term.type_line("");
    let (ok, seen) = term.finish();
    assert!(ok, "{seen}");
    assert!(seen.contains("on 2 tapes: W1, W2"), "{seen}");
    h.ok(["catalog", "check"]);
}
