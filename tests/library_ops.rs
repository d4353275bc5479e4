//! The library's day-to-day operations on the built-in virtual library: cartridges going
//! back to their home slots, `library status`, export to and import from the mail slots
//! (with the operator's hands played by `vlib take-out`/`put-in`), labelling a library's new
//! cartridges by barcode, reading unknown cartridges' labels, cleaning cartridges kept out of
//! data use, and a backup that needs a tape outside the library naming the mail slot.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{Home, stderr};
use serde_json::Value;

/// A home with pool `weekly` and library `vtl` (8 slots, 1 drive, 2 mail slots, TB0001L8..
/// TB0004L8 in elements 1000-1003 and a cleaning cartridge CLN001L1 in a slot), inventoried,
/// drive `d0` attached at element 500.
fn setup() -> (Home, PathBuf) {
    let h = Home::new();
    let dir = h.dir.path().join("vl");
    let d = dir.to_str().unwrap();
    h.ok([
        "vlib",
        "create",
        d,
        "--slots",
        "8",
        "--drives",
        "1",
        "--import-export",
        "2",
        "--tapes",
        "4",
        "--prefix",
        "TB",
    ]);
    h.ok(["vlib", "add-tape", d, "CLN001L1"]);
    h.ok(["pool", "create", "weekly"]);
    h.ok(["library", "add", "vtl", "--device", &format!("vlib:{d}")]);
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", dir.join("drives/0").display())]);
    h.ok(["library", "attach-drive", "vtl", "--drive", "d0", "--element", "500"]);
    h.ok(["library", "import"]);
    (h, dir)
}

/// Job `j` of pool `weekly`, backing up a directory holding one file `f` with `content`.
fn job_backing_up(h: &Home, content: &[u8]) {
    let data = h.dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("f"), content).unwrap();
    h.ok_os(&["source".as_ref(), "add".as_ref(), "src".as_ref(), data.as_os_str()]);
    h.ok(["job", "create", "j", "--source", "src", "--pool", "weekly"]);
}

fn slot(doc: &Value, element: i64) -> &Value {
    doc["slots"].as_array().unwrap().iter().find(|s| s["element"] == element).unwrap_or_else(|| panic!("{doc}"))
}

fn barcode_at(h: &Home, element: i64) -> Value {
    slot(&h.json(["library", "show", "vtl"]), element)["barcode"].clone()
}

/// Runs with --json, expects exit `code`, returns the error document from stderr.
fn fails(h: &Home, args: &[&str], exit: i32) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("stderr is not JSON: {}", stderr(&out)))
}

#[test]
fn cartridges_go_back_to_their_home_slot() {
    let (h, _) = setup();
    // Slot 1000 empty, so "the first empty slot" and "home" differ for TB0003L8 (1002).
    h.ok(["library", "transfer", "1000", "1007"]);
    h.ok(["library", "load", "TB0003L8"]);
    let status = h.json(["library", "status"]);
    assert_eq!(status["drives"][0]["barcode"], "TB0003L8");
    assert_eq!(status["drives"][0]["source"], 1002, "the changer remembers where it came from");
    let v = h.json(["library", "unload"]);
    assert_eq!(v["to"], 1002, "back home, not to the first empty slot (1000)");
    // Home taken meanwhile: the first empty slot.
    h.ok(["library", "load", "TB0003L8"]);
    h.ok(["library", "transfer", "1007", "1002"]);
    assert_eq!(h.json(["library", "unload"])["to"], 1000);
    // The drive's own eject in a library returns home too.
    h.ok(["library", "load", "TB0002L8"]);
    assert_eq!(h.json(["drive", "eject"])["returned_to"], "element 1001");
    assert_eq!(barcode_at(&h, 1001), "TB0002L8", "the catalog's slots follow");
}

#[test]
fn status_shows_the_changer_now_and_what_the_catalog_missed() {
    let (h, dir) = setup();
    let v = h.json(["library", "status"]);
    assert_eq!(v["storage"]["full"], 5);
    assert_eq!(v["storage"]["cleaning"], 1);
    assert_eq!(v["storage"]["unknown"], 4, "no tape is labelled yet");
    assert_eq!(v["out_of_step"], serde_json::json!([]));
    assert_eq!(v["import_export"].as_array().unwrap().len(), 2);
    // A cartridge put in a mail slot behind the catalog's back.
    h.ok(["vlib", "add-tape", dir.to_str().unwrap(), "NEW001L8"]);
    let before = h.snapshot();
    let v = h.json(["library", "status"]);
    assert_eq!(v["import_export"][0]["barcode"], "NEW001L8");
    assert_eq!(v["out_of_step"][0]["element"], 10);
    assert_eq!(v["out_of_step"][0]["changer"]["barcode"], "NEW001L8");
    assert_eq!(h.snapshot(), before, "status records nothing");
    assert!(h.ok(["library", "status"]).contains("differ from the last inventory"));
}

#[test]
fn export_to_the_mail_slots_and_import_back() {
    let (h, dir) = setup();
    let d = dir.to_str().unwrap();
    for (bc, name) in [("TB0001L8", "W1"), ("TB0002L8", "W2"), ("TB0003L8", "W3")] {
        h.ok(["library", "load", bc]);
        h.ok(["tape", "label", name, "--pool", "weekly"]);
        if name != "W3" {
            h.ok(["library", "unload"]);
        }
    }
    // By tape label too; one the library does not hold is named with where it is.
    h.ok(["library", "unload"]);
    assert_eq!(h.json(["library", "load", "W2"])["barcode"], "TB0002L8");
    h.ok(["library", "unload"]);
    h.ok(["library", "load", "W3"]);
    // W3 is in the drive: export takes it out of the drive, W1 from its slot.
    let v = h.json(["library", "export", "W1", "W3", "--location", "vault 3"]);
    let exported = v["exported"].as_array().unwrap();
    assert_eq!(exported.len(), 2);
    assert_eq!((exported[0]["from"].clone(), exported[0]["to"].clone()), (1000.into(), 10.into()));
    assert_eq!((exported[1]["from"].clone(), exported[1]["to"].clone()), (500.into(), 11.into()));
    for name in ["W1", "W3"] {
        let t = h.json(["tape", "show", name]);
        assert_eq!(t["tape"]["status"], "exported", "{t}");
        assert_eq!(t["tape"]["offsite_location"], "vault 3");
    }
    assert_eq!(h.json(["drive", "show", "d0"])["drive"]["current_tape"], Value::Null);

    // The mail slots are full: nothing moves, W2 stays blank in its slot.
    let before = h.snapshot();
    let err = fails(&h, &["library", "export", "W2"], 1);
    assert_eq!(err["code"], "invalid_state", "{err}");
    assert!(err["message"].as_str().unwrap().contains("empty the mail slots (10, 11)"), "{err}");
    assert_eq!(h.snapshot(), before);
    // Unknown and not-in-library tapes are refused before anything moves.
    assert_eq!(fails(&h, &["library", "export", "NOPE"], 1)["code"], "not_found");

    // The operator takes W1 out; W3 is left in the mail slot and imported back.
    h.ok(["vlib", "take-out", d, "TB0001L8"]);
    let v = h.json(["library", "import"]);
    let moved = v["moved"].as_array().unwrap();
    assert_eq!(moved.len(), 1, "{v}");
    assert_eq!(moved[0]["tape"], "W3");
    assert_eq!(moved[0]["status"], "blank", "back with the status it had");
    assert_eq!(h.json(["tape", "show", "W3"])["tape"]["status"], "blank");
    assert_eq!(h.json(["tape", "show", "W1"])["tape"]["status"], "exported");
    let err = fails(&h, &["library", "load", "W1"], 1);
    assert!(err["message"].as_str().unwrap().contains("offsite: vault 3"), "{err}");
    // Months later W1 comes back through the mail slot, with a new cartridge.
    h.ok(["vlib", "put-in", d, "TB0001L8"]);
    h.ok(["vlib", "add-tape", d, "NEW001L8"]);
    let v = h.json(["library", "import"]);
    let moved = v["moved"].as_array().unwrap();
    assert_eq!(moved.len(), 2);
    assert_eq!(moved[0]["tape"], "W1");
    assert_eq!(moved[0]["back_from"], "vault 3");
    assert_eq!(moved[1]["known"], false);
    assert!(h.ok(["library", "import"]).contains("No cartridges"));
    let actions: i64 = h
        .sql()
        .query_row("SELECT count(*) FROM audit_logs WHERE action IN ('library.export', 'library.import')", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(actions, 2 + 3 + 1, "two exports, three imports (setup's too)");
}

#[test]
fn label_by_barcodes_and_read_labels_of_unknown_cartridges() {
    let (h, dir) = setup();
    // TB0002L8 was labelled by another catalog: skipped, untouched.
    h.ok(["library", "load", "TB0002L8"]);
    let other = Home::new();
    let mut c = other.cmd();
    c.args(["drive", "add", "x", "--device", &format!("vtape:{}", dir.join("drives/0").display())]);
    c.assert().success();
    other.ok(["pool", "create", "offsite"]);
    other.ok(["tape", "label", "THEIRS", "--pool", "offsite"]);
    h.ok(["library", "unload"]);
    let theirs = fs::read(dir.join("cartridges/TB0002L8/data")).unwrap();
    let v = h.json(["tape", "label", "--barcodes", "--pool", "weekly", "--lto-type", "LTO-8"]);
    let carts = v["cartridges"].as_array().unwrap();
    let labelled: Vec<&str> =
        carts.iter().filter(|c| c["labelled"] == true).map(|c| c["barcode"].as_str().unwrap()).collect();
    assert_eq!(labelled, ["TB0001L8", "TB0003L8", "TB0004L8"], "{v}");
    let skipped = carts.iter().find(|c| c["barcode"] == "TB0002L8").unwrap();
    assert!(skipped["reason"].as_str().unwrap().contains("not overwritten"), "{skipped}");
    assert!(carts.iter().all(|c| c["barcode"] != "CLN001L1"), "cleaning cartridges are never loaded");
    let t = h.json(["tape", "show", "TB0003L8"]);
    assert_eq!(t["tape"]["barcode"], "TB0003L8");
    assert_eq!(t["tape"]["pool"], "weekly");
    assert_eq!(t["tape"]["lto_type"], "LTO-8");
    // Every cartridge is back where it was, the drive empty.
    let show = h.json(["library", "show", "vtl"]);
    for (e, bc) in [(1000, "TB0001L8"), (1001, "TB0002L8"), (1002, "TB0003L8"), (1003, "TB0004L8")] {
        assert_eq!(slot(&show, e)["barcode"], bc);
    }
    assert_eq!(slot(&show, 500)["full"], false);
    assert_eq!(fs::read(dir.join("cartridges/TB0002L8/data")).unwrap(), theirs, "untouched");
    // Run again: nothing left to label but the other catalog's, skipped again.
    let v = h.json(["tape", "label", "--barcodes", "--pool", "weekly"]);
    assert_eq!(v["cartridges"].as_array().unwrap().len(), 1);

    // A cleaning cartridge's barcode is never given to a data tape, even by hand (the drive
    // ejects a cleaning cartridge itself, so only a mistyped --barcode gets this far).
    h.ok(["vlib", "add-tape", dir.to_str().unwrap(), "NEW009L8"]);
    h.ok(["library", "import"]);
    h.ok(["library", "load", "NEW009L8"]);
    let err = fails(&h, &["tape", "label", "X", "--pool", "weekly", "--barcode", "CLN002L1"], 1);
    assert!(err["message"].as_str().unwrap().contains("cleaning cartridge"), "{err}");
    h.ok(["library", "unload"]);

    // The catalog forgets TB0004L8's barcode; a cartridge's barcode label is swapped.
    h.sql().execute("UPDATE tapes SET barcode = NULL WHERE label = 'TB0004L8'", []).unwrap();
    fs::rename(dir.join("cartridges/TB0003L8"), dir.join("cartridges/SWAP")).unwrap();
    fs::rename(dir.join("cartridges/TB0001L8"), dir.join("cartridges/TB0003L8")).unwrap();
    fs::rename(dir.join("cartridges/SWAP"), dir.join("cartridges/TB0001L8")).unwrap();
    h.sql().execute("UPDATE tapes SET barcode = NULL WHERE label = 'TB0001L8'", []).unwrap();
    let v = h.json(["library", "inventory", "--read-labels"]);
    let labels = v["labels"].as_array().unwrap();
    let seen = |bc: &str| labels.iter().find(|l| l["barcode"] == bc).unwrap_or_else(|| panic!("{bc}: {v}"));
    assert_eq!(seen("TB0004L8")["learned"], true, "{v}");
    assert_eq!(h.json(["tape", "show", "TB0004L8"])["tape"]["barcode"], "TB0004L8");
    // The cartridge with barcode TB0001L8 now holds TB0003L8's label.
    let swapped = seen("TB0001L8");
    assert_eq!(swapped["tape"], "TB0003L8");
    assert_eq!(swapped["learned"], false, "a disagreeing barcode is not recorded");
    assert!(swapped["mismatch"].as_str().unwrap().contains("TB0003L8"), "{swapped}");
    assert_eq!(h.json(["tape", "show", "TB0001L8"])["tape"]["barcode"], Value::Null);
    assert_eq!(seen("TB0002L8")["state"], "labeled");
    assert_eq!(seen("TB0002L8")["tape"], Value::Null, "another catalog's tape");
    assert_eq!(seen("TB0002L8")["label"]["label"], "THEIRS");
    assert!(labels.iter().all(|l| l["barcode"] != "CLN001L1"));
    assert_eq!(slot(&h.json(["library", "show", "vtl"]), 500)["full"], false);
}

#[test]
fn a_tape_outside_the_library_is_asked_for_at_the_mail_slot_and_taken_from_it() {
    let (h, dir) = setup();
    let d = dir.to_str().unwrap();
    job_backing_up(&h, b"mail slot\n");
    h.ok(["library", "load", "TB0001L8"]);
    h.ok(["tape", "label", "W1", "--pool", "weekly"]);
    // The operator took W1 away through the mail slot; the pool has no other tape.
    h.ok(["library", "unload", "--slot", "10"]);
    h.ok(["vlib", "take-out", d, "TB0001L8"]);
    h.ok(["library", "inventory"]);

    let err = fails(&h, &["backup", "run", "j"], 4);
    assert_eq!(err["code"], "no_tape", "{err}");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("W1") && msg.contains("import/export slot (element 10) of library 'vtl'"), "{msg}");
    assert_eq!(err["details"]["import_export"]["element"], 10, "{err}");
    assert_eq!(err["details"]["wanted"][0]["label"], "W1");

    // Put back in the mail slot, it is loaded from there, and goes to a storage slot after.
    h.ok(["vlib", "put-in", d, "TB0001L8"]);
    let out = h.ok(["--json", "backup", "run", "j"]);
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!((summary["type"].as_str(), summary["tape"].as_str()), (Some("summary"), Some("W1")), "{out}");
    let v = h.json(["library", "unload"]);
    assert_eq!(v["from"], 500);
    assert!(v["to"].as_i64().unwrap() >= 1000, "a storage slot, not back to the mail slot: {v}");
}

#[test]
fn a_lost_catalog_is_rebuilt_from_every_cartridge_of_the_library() {
    let (h, dir) = setup();
    job_backing_up(&h, b"rebuilt from the library\n");
    h.ok(["tape", "label", "--barcodes", "--pool", "weekly"]);
    h.ok(["backup", "run", "j"]);
    h.ok(["library", "unload"]);

    let lost = lost_catalog(&dir);
    let v = lost.json(["catalog", "rebuild", "--library"]);
    assert_eq!(v["failed"], 0, "{v}");
    let tapes = v["tapes"].as_array().unwrap();
    assert_eq!(tapes.len(), 4, "the four data cartridges, not the cleaning one: {v}");
    let sets: i64 = tapes.iter().map(|t| t["sets_added"].as_i64().unwrap()).sum();
    assert_eq!(sets, 1, "{v}");
    assert!(tapes.iter().all(|t| t["tape"] == t["barcode"]), "{v}");
    // Every cartridge back home, and the set restores with an automatic load.
    let show = lost.json(["library", "inventory"]);
    assert_eq!(slot(&show, 500)["full"], false);
    assert_eq!(slot(&show, 1000)["tape"], "TB0001L8");
    let dest = lost.dir.path().join("out");
    lost.ok(["restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert_eq!(fs::read(dest.join("f")).unwrap(), b"rebuilt from the library\n");

    // A cartridge that cannot be read from is reported, the others still read: exit 1.
    let d = dir.to_str().unwrap();
    h.ok(["vlib", "add-tape", d, "NEW001L8"]);
    lost.ok(["library", "import"]);
    let out = lost.run(["--json", "catalog", "rebuild", "--library"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["failed"], 1, "{v}");
    let blank = v["tapes"].as_array().unwrap().iter().find(|t| t["barcode"] == "NEW001L8").unwrap();
    assert!(blank["error"].as_str().unwrap().contains("blank"), "{blank}");
}

/// A new catalog that knows only the library at `dir` and its drive.
fn lost_catalog(dir: &std::path::Path) -> Home {
    let lost = Home::new();
    lost.ok(["library", "add", "vtl", "--device", &format!("vlib:{}", dir.display())]);
    lost.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", dir.join("drives/0").display())]);
    lost.ok(["library", "attach-drive", "vtl", "--drive", "d0", "--element", "500"]);
    lost.ok(["library", "inventory"]);
    lost
}

/// As a user leaves it: the last backup's tape still in the drive. The rebuild puts it back
/// in a slot first and reads it with the others (it used to skip it: the slots were taken
/// from the inventory before the drive was emptied).
#[test]
fn a_rebuild_of_the_library_reads_the_tape_left_in_the_drive() {
    let (h, dir) = setup();
    job_backing_up(&h, b"still in the drive\n");
    h.ok(["tape", "label", "--barcodes", "--pool", "weekly"]);
    h.ok(["backup", "run", "j"]);
    let lost = lost_catalog(&dir);
    let v = lost.json(["catalog", "rebuild", "--library"]);
    assert_eq!(v["failed"], 0, "{v}");
    let tapes = v["tapes"].as_array().unwrap();
    assert_eq!(tapes.len(), 4, "the four data cartridges, the one from the drive among them: {v}");
    let sets: i64 = tapes.iter().map(|t| t["sets_added"].as_i64().unwrap()).sum();
    assert_eq!(sets, 1, "{v}");
    let dest = lost.dir.path().join("out");
    lost.ok(["restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert_eq!(fs::read(dest.join("f")).unwrap(), b"still in the drive\n");
}

#[test]
fn a_restore_asks_for_an_exported_tape_at_the_mail_slot() {
    let (h, dir) = setup();
    let d = dir.to_str().unwrap();
    job_backing_up(&h, b"kept offsite\n");
    h.ok(["library", "load", "TB0001L8"]);
    h.ok(["tape", "label", "W1", "--pool", "weekly"]);
    h.ok(["backup", "run", "j"]);
    h.ok(["library", "export", "W1", "--location", "vault"]);
    h.ok(["vlib", "take-out", d, "TB0001L8"]);

    let dest = h.dir.path().join("out");
    let err = fails(&h, &["restore", "--set", "1", "--to", dest.to_str().unwrap()], 4);
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("offsite: vault"), "where it was last seen: {msg}");
    assert!(msg.contains("put tape 'W1' in the import/export slot (element 10) of library 'vtl'"), "{msg}");
    assert_eq!(err["details"]["import_export"]["element"], 10);
    // Back in the mail slot (not imported yet): the restore takes it from there.
    h.ok(["vlib", "put-in", d, "TB0001L8"]);
    h.ok(["restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert_eq!(fs::read(dest.join("f")).unwrap(), b"kept offsite\n");
}
