//! A library we did not write, end to end: tgt's SCSI medium changer and tape drive over
//! iSCSI (../shared/vtl/start-vtl.sh: changer LUN 3, drive element 500 = LUN 1, slots
//! 1000-1007 with TB0001L8..TB0006L8 in 1000-1005). A backup fills one cartridge and goes on
//! on the next, both fetched by the changer, nobody asked; restore and verify fetch them back.
//! The changer's refusals through `library transfer` name the element and change nothing.
//!
//! tgt reports the end of a cartridge the way it does (NO SENSE + EOM at its nominal
//! capacity, the data written), which the SSC backend takes as early warning: with 24 MiB
//! cartridges a few tens of MiB span two tapes. (The same scenario on the built-in virtual
//! library is tests/spanning.rs.) Without tgt these tests say SKIPPED loudly and pass, unless
//! TAPEBACKARR_REQUIRE_TGT=1.

mod common;
#[path = "common/tgt.rs"]
mod tgt;
#[path = "common/tree.rs"]
mod tree;

use common::{Home, ndjson, stderr, stdout};
use serde_json::{Value, json};
use tgt::{Vtl, tgt_available};

const MIB: usize = 1 << 20;

/// Cartridge capacity: three 8 MiB frames reach it.
const TAPE_MB: u32 = 24;

/// Where start-vtl.sh keeps the cartridges, and where each must be when nothing is loaded.
const HOME_SLOTS: [(i64, &str); 6] = [
    (1000, "TB0001L8"),
    (1001, "TB0002L8"),
    (1002, "TB0003L8"),
    (1003, "TB0004L8"),
    (1004, "TB0005L8"),
    (1005, "TB0006L8"),
];

/// Pool `weekly`, job `nightly`, library `tgt` (the changer, inventoried) with drive `t1`
/// (LUN 1) attached at element 500, and TB0001L8..TB0003L8 labelled W1..W3 through it, all
/// back in their slots.
fn tgt_library_home(vtl: &Vtl) -> Home {
    let h = Home::with_basics();
    h.ok(["library", "add", "tgt", "--device", &vtl.url(3)]);
    h.ok(["library", "inventory", "tgt"]);
    h.ok(["drive", "add", "t1", "--device", &vtl.url(1)]);
    h.ok(["library", "attach-drive", "tgt", "--drive", "t1", "--element", "500"]);
    for (barcode, label) in [("TB0001L8", "W1"), ("TB0002L8", "W2"), ("TB0003L8", "W3")] {
        h.ok(["library", "load", barcode]);
        // No --barcode: the changer says which cartridge the drive holds.
        let v = h.json(["tape", "label", label, "--pool", "weekly"]);
        assert_eq!((&v["tape"]["barcode"], &v["label"]["barcode"]), (&json!(barcode), &json!(barcode)), "{v}");
        h.ok(["library", "unload"]);
    }
    h
}

fn slot(doc: &Value, element: i64) -> &Value {
    doc["slots"].as_array().unwrap().iter().find(|s| s["element"] == element).unwrap_or_else(|| panic!("{doc}"))
}

/// Every cartridge in its home slot, the drive and the mail slot empty: from the changer
/// (`library inventory` asks it) and in the catalog's slot table.
fn assert_all_home(h: &Home) {
    let inv = h.json(["library", "inventory", "tgt"]);
    for (element, barcode) in HOME_SLOTS {
        assert_eq!(slot(&inv, element)["barcode"], barcode, "{element}: {inv}");
    }
    for element in [10, 500, 501, 1006, 1007] {
        assert_eq!(slot(&inv, element)["full"], false, "{element}: {inv}");
    }
    let rows: Vec<(i64, Option<String>)> = h
        .sql()
        .prepare("SELECT slot_number, barcode FROM tape_library_slots WHERE is_empty = 0 ORDER BY slot_number")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want: Vec<(i64, Option<String>)> = HOME_SLOTS.iter().map(|(e, b)| (*e, Some(b.to_string()))).collect();
    assert_eq!(rows, want);
}

#[test]
fn a_backup_spans_two_tgt_cartridges_loaded_by_the_changer() {
    if !tgt_available("a_backup_spans_two_tgt_cartridges_loaded_by_the_changer") {
        return;
    }
    let vtl = Vtl::start(Some(TAPE_MB));
    let h = tgt_library_home(&vtl);
    assert_all_home(&h);
    let data = h.data();
    let big = tree::noise(30 * MIB, 71);
    tree::Builder::new(&data)
        .file(b"a-first.txt", b"before the big one\n")
        // 30 MiB: starts on W1 and ends on W2.
        .file(b"b-big.bin", &big)
        .mkdir(b"c")
        .file(b"c/after.bin", &tree::noise(3 * MIB, 72))
        .file(b"c/last.txt", b"after\n");

    // The drive is empty: the backup loads W1, and at its end W2, by itself (--json: no
    // terminal, so an operator could not have been asked; a pause would exit 4).
    let out = h.run(["--json", "backup", "run", "nightly"]);
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stderr(&out), stdout(&out));
    let events = ndjson(&out);
    assert!(!events.iter().any(|e| e["type"] == "paused" || e["type"] == "tape_refused"), "{events:?}");
    let summary = events.last().unwrap();
    assert_eq!(summary["type"], "summary", "{summary}");
    assert_eq!(summary["status"], "completed", "{summary}");
    assert_eq!(summary["tapes"], json!(["W1", "W2"]), "{summary}");
    assert_eq!(summary["parts"], 2, "{summary}");
    let set = summary["set"].as_i64().unwrap();
    let changes: Vec<&Value> = events.iter().filter(|e| e["type"] == "tape_change").collect();
    assert_eq!(changes.len(), 1, "{events:?}");
    assert_eq!(
        (&changes[0]["reason"], &changes[0]["tape"], &changes[0]["next_part"]),
        (&json!("tape_full"), &json!("W1"), &json!(2))
    );
    let parts: Vec<&Value> = events.iter().filter(|e| e["type"] == "part").collect();
    assert_eq!(parts.len(), 1, "{events:?}");
    assert_eq!((&parts[0]["set"], &parts[0]["part"], &parts[0]["tape"]), (&json!(set), &json!(2), &json!("W2")));
    assert_eq!(parts[0]["stream_offset"], changes[0]["stream_offset"]);
    let split = parts[0]["stream_offset"].as_i64().unwrap();
    assert!(split > 0 && split % (8 * MIB as i64) == 0, "part 2 starts at a frame boundary: {split}");

    // The changer did the moves: load W1; at the change W1 back to its slot, W2 in.
    let audit = h.json(["audit", "list", "--resource", "library"]);
    let moves: Vec<(String, String)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["details"]["automatic"] == true)
        .map(|e| (e["action"].as_str().unwrap().to_string(), e["details"]["barcode"].as_str().unwrap().to_string()))
        .collect();
    let want = [("library.load", "TB0001L8"), ("library.unload", "TB0001L8"), ("library.load", "TB0002L8")];
    assert_eq!(moves, want.map(|(a, b)| (a.to_string(), b.to_string())), "{audit}");
    let inv = h.json(["library", "inventory", "tgt"]);
    assert_eq!(slot(&inv, 1000)["barcode"], "TB0001L8", "the full tape is back home: {inv}");
    assert_eq!(slot(&inv, 500)["barcode"], "TB0002L8", "{inv}");
    assert_eq!(slot(&inv, 1001)["full"], false, "{inv}");

    // The catalog: two parts on two tapes, W1 full, and the big file's bytes on both.
    let tapes = h.json(["catalog", "tapes", "--set", &set.to_string(), "."]);
    let labels: Vec<&str> = tapes["tapes"].as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["W1", "W2"], "{tapes}");
    let conn = h.sql();
    let rows: Vec<(i64, String, String, i64, i64)> = conn
        .prepare(
            "SELECT p.part, t.label, p.status, p.stream_offset, p.first_frame FROM backup_set_parts p
             JOIN tapes t ON t.id = p.tape_id WHERE p.backup_set_id = ?1 ORDER BY p.part",
        )
        .unwrap()
        .query_map([set], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let (first_frame, second_frame) = (rows[0].4, rows[1].4);
    assert_eq!(
        rows,
        [
            (1, "W1".into(), "continued".into(), 0, first_frame),
            (2, "W2".into(), "complete".into(), split, second_frame)
        ]
    );
    let (frame, offset): (i64, i64) = conn
        .query_row("SELECT frame_seq, frame_offset FROM catalog_entries WHERE file_path = 'b-big.bin'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let header = (frame - first_frame) * 8 * MIB as i64 + offset;
    assert!(frame < second_frame && header + 512 + (30 * MIB as i64) > split, "b-big.bin crosses: {header} {split}");
    let status = |label: &str| -> String {
        conn.query_row("SELECT status FROM tapes WHERE label = ?1", [label], |r| r.get(0)).unwrap()
    };
    assert_eq!((status("W1"), status("W2"), status("W3")), ("full".into(), "active".into(), "blank".into()));

    // Restore the whole set, then the crossing file alone: W2 out, W1 in, then W2 again.
    let dest = h.dir.path().join("restored");
    let r = h.run(["--json", "restore", "--set", &set.to_string(), "--to", dest.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stderr(&r), stdout(&r));
    tree::assert_same(&data, &dest);
    let one = h.dir.path().join("one");
    let r = h.run(["--json", "restore", "--set", &set.to_string(), "b-big.bin", "--to", one.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(0), "{}\n{}", stderr(&r), stdout(&r));
    assert_eq!(ndjson(&r).last().unwrap()["restored"], 1);
    assert!(std::fs::read(one.join("b-big.bin")).unwrap() == big, "b-big.bin differs");

    // verify reads every frame of both parts, from both tapes.
    let frames: i64 = conn
        .query_row("SELECT sum(frame_count) FROM backup_set_parts WHERE backup_set_id = ?1", [set], |r| r.get(0))
        .unwrap();
    let v = h.json(["verify", &set.to_string()]);
    assert_eq!((&v["passed"], &v["frames_checked"]), (&json!(true), &json!(frames)), "{v}");
    assert!(frames >= 5, "34 MiB of stream in 8 MiB frames: {frames}");
    h.ok(["catalog", "check"]);

    // Put away, every cartridge is where it started.
    h.ok(["library", "unload"]);
    assert_all_home(&h);
    drop(conn);
}

/// Nobody at the drive and no changer it may use: tgt's drive (LUN 1) added on its own, its
/// cartridges moved by hand (`library transfer`, the operator's hands). tgt reports the end
/// of a cartridge with no early warning before it, so the backup pauses at the end of W1
/// (exit 4), `backup resume` goes on on W2, and restore and verify read the set tape by tape
/// across runs, each exiting 4 for the next tape until the last.
#[test]
fn without_a_changer_a_tgt_backup_pauses_at_the_end_and_everything_goes_on_tape_by_tape() {
    if !tgt_available("without_a_changer_a_tgt_backup_pauses_at_the_end_and_everything_goes_on_tape_by_tape") {
        return;
    }
    let vtl = Vtl::start(Some(TAPE_MB));
    let h = Home::with_basics();
    h.ok(["library", "add", "tgt", "--device", &vtl.url(3)]);
    h.ok(["library", "inventory", "tgt"]);
    h.ok(["drive", "add", "t1", "--device", &vtl.url(1)]);
    let put = |slot: &str| h.ok(["library", "transfer", slot, "500"]);
    let back = |slot: &str| h.ok(["library", "transfer", "500", slot]);
    for (slot, label, barcode) in [("1000", "W1", "TB0001L8"), ("1001", "W2", "TB0002L8")] {
        put(slot);
        h.ok(["tape", "label", label, "--pool", "weekly", "--barcode", barcode]);
        back(slot);
    }
    let data = h.data();
    tree::Builder::new(&data)
        .file(b"a-first.txt", b"before the big one\n")
        .file(b"b-big.bin", &tree::noise(30 * MIB, 81))
        .file(b"c-last.txt", b"after\n");
    let run = |args: &[&str]| -> (i32, Value) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = h.cmd().args(&all).write_stdin("").output().unwrap();
        let err = stderr(&out);
        let error = err.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).find(|v| v["type"] == "error");
        (out.status.code().unwrap_or(-1), error.unwrap_or(Value::Null))
    };

    put("1000");
    let (code, error) = run(&["backup", "run", "nightly"]);
    assert_eq!(code, 4, "{error}");
    assert_eq!(error["details"]["tape"], "W1", "{error}");
    back("1000");
    put("1001");
    let (code, error) = run(&["backup", "resume"]);
    assert_eq!(code, 0, "{error}");
    let set = h.json(["backup", "list"])["sets"][0]["id"].to_string();
    back("1001");

    // Restore: W1, then W2, each run naming the next tape.
    let dest = h.dir.path().join("r");
    for (args, check) in [
        (vec!["restore", "--set", set.as_str(), "--to", dest.to_str().unwrap()], "restore"),
        (vec!["verify", set.as_str()], "verify"),
    ] {
        put("1000");
        let (code, error) = run(&args);
        assert_eq!(code, 4, "{check}: {error}");
        assert_eq!(error["details"]["wanted"][0]["label"], "W2", "{check}: {error}");
        back("1000");
        put("1001");
        let (code, error) = run(&args);
        assert_eq!(code, 0, "{check}: {error}");
        back("1001");
    }
    tree::assert_same(&data, &dest);
    assert_all_home(&h);
}
