//! Tape libraries end to end: on the built-in virtual library (inventory into the catalog,
//! drives attached at their elements, loads, unloads, transfers, refusals that change
//! nothing) and on tgt's medium changer over iSCSI.

mod common;
#[path = "common/tgt.rs"]
mod tgt;

use std::path::PathBuf;

use common::{Home, stderr};
use serde_json::Value;
use tgt::{Vtl, tgt_available};

/// A home with pool `weekly` and library `vtl` (6 slots, 1 drive, TB0001L8..TB0003L8 in
/// elements 1000-1002, mail slot 10), inventoried, with drive `d0` attached at element 500.
fn setup() -> (Home, PathBuf) {
    let h = Home::new();
    let dir = h.dir.path().join("vl");
    h.ok(["vlib", "create", dir.to_str().unwrap(), "--slots", "6", "--drives", "1", "--tapes", "3", "--prefix", "TB"]);
    h.ok(["pool", "create", "weekly"]);
    let v = h.json(["library", "add", "vtl", "--device", &format!("vlib:{}", dir.display())]);
    assert_eq!(v["library"]["name"], "vtl");
    assert_eq!(v["library"]["vendor"], "TapeBackarr");
    h.ok(["library", "inventory", "vtl"]);
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", dir.join("drives/0").display())]);
    let v = h.json(["library", "attach-drive", "vtl", "--drive", "d0", "--element", "500"]);
    assert_eq!(v["drive"]["library_drive_number"], 500);
    (h, dir)
}

fn slot(doc: &Value, element: i64) -> &Value {
    doc["slots"].as_array().unwrap().iter().find(|s| s["element"] == element).unwrap_or_else(|| panic!("{doc}"))
}

fn err_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("stderr is not JSON: {}", stderr(out)))
}

/// Runs with --json, expects exit 1 with `code`, and returns the message.
fn refused(h: &Home, args: &[&str], code: &str) -> String {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = err_json(&out);
    assert_eq!(err["code"], code, "{err}");
    err["message"].as_str().unwrap().to_string()
}

#[test]
fn inventory_records_slots_barcodes_and_geometry() {
    let (h, _) = setup();
    let v = h.json(["library", "inventory"]);
    assert_eq!(v["library"]["num_slots"], 6);
    assert_eq!(v["library"]["num_drives"], 1);
    assert_eq!(v["library"]["num_import_export"], 1);
    assert_eq!(v["library"]["barcode_reader"], true);
    assert!(v["library"]["last_inventory_at"].is_string());
    assert_eq!(v["changes"], serde_json::json!([]), "nothing moved since setup's inventory");
    assert_eq!(v["slots"].as_array().unwrap().len(), 8);
    assert_eq!(slot(&v, 1000)["barcode"], "TB0001L8");
    assert_eq!(slot(&v, 1002)["full"], true);
    assert_eq!(slot(&v, 1003)["full"], false);
    assert_eq!(slot(&v, 10)["type"], "import_export");
    assert_eq!(slot(&v, 500)["type"], "drive");
    assert_eq!(slot(&v, 500)["drive"], "d0");
    let n: i64 = h
        .sql()
        .query_row("SELECT count(*) FROM tape_library_slots WHERE barcode LIKE 'TB%' AND is_empty = 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 3);
    let list = h.json(["library", "list"]);
    assert_eq!(list["libraries"][0]["name"], "vtl");
    let show = h.json(["library", "show", "vtl"]);
    assert_eq!(show["drives"][0]["name"], "d0");
    assert!(h.ok(["library", "show", "vtl"]).contains("TB0003L8"));
    let audit: i64 =
        h.sql().query_row("SELECT count(*) FROM audit_logs WHERE action LIKE 'library.%'", [], |r| r.get(0)).unwrap();
    assert_eq!(audit, 4, "add, inventory, attach, inventory");
}

#[test]
fn load_label_unload_and_transfer() {
    let (h, _) = setup();
    let v = h.json(["library", "load", "TB0002L8", "--drive", "d0"]);
    assert_eq!(v["from"], 1001);
    assert_eq!(v["to"], 500);
    assert_eq!(v["barcode"], "TB0002L8");
    assert_eq!(h.json(["drive", "status"])["status"]["cartridge"], "TB0002L8");
    h.ok(["tape", "label", "WEEK01", "--pool", "weekly"]);
    let inv = h.json(["library", "inventory", "vtl"]);
    assert_eq!(slot(&inv, 500)["barcode"], "TB0002L8");
    assert_eq!(slot(&inv, 500)["tape"], "WEEK01", "the drive's slot row is linked to the labelled tape");
    assert_eq!(slot(&inv, 1001)["full"], false);

    let v = h.json(["library", "unload", "--drive", "d0"]);
    assert_eq!(v["to"], 1001, "the first empty storage slot");
    assert_eq!(v["tape"], "WEEK01");
    let show = h.json(["library", "show", "vtl"]);
    assert_eq!(slot(&show, 1001)["tape"], "WEEK01");
    assert_eq!(slot(&show, 500)["full"], false);
    assert_eq!(h.json(["drive", "show", "d0"])["drive"]["current_tape"], Value::Null);

    // By element address, and back to a chosen slot.
    let v = h.json(["library", "load", "1001"]);
    assert_eq!(v["tape"], "WEEK01");
    assert_eq!(h.json(["drive", "show", "d0"])["drive"]["current_tape"], "WEEK01");
    let v = h.json(["library", "unload", "--slot", "1005"]);
    assert_eq!(v["to"], 1005);

    let v = h.json(["library", "transfer", "1005", "10"]);
    assert_eq!(v["barcode"], "TB0002L8");
    let show = h.json(["library", "show", "vtl"]);
    assert_eq!(slot(&show, 10)["tape"], "WEEK01");
    assert_eq!(slot(&show, 1005)["full"], false);
    let actions: Vec<String> = {
        let conn = h.sql();
        let mut stmt = conn.prepare("SELECT action FROM audit_logs WHERE action LIKE 'library.%' ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(
        actions[3..],
        ["library.load", "library.inventory", "library.unload", "library.load", "library.unload", "library.transfer"]
    );
}

#[test]
fn refusals_change_nothing() {
    let (h, dir) = setup();
    h.ok(["library", "load", "TB0001L8"]);
    let before = h.snapshot();
    let m = refused(&h, &["library", "load", "TB0002L8"], "invalid_state");
    assert!(m.contains("element 500 (drive 'd0') is full"), "{m}");
    h.ok(["library", "unload"]);
    let before_empty = h.snapshot();
    let m = refused(&h, &["library", "load", "1004"], "invalid_state");
    assert!(m.contains("element 1004 is empty"), "{m}");
    let m = refused(&h, &["library", "load", "NOPE01L8"], "not_found");
    assert!(m.contains("NOPE01L8"), "{m}");
    refused(&h, &["library", "load", "1999"], "not_found");
    refused(&h, &["library", "unload"], "invalid_state");
    refused(&h, &["library", "transfer", "1000", "1001"], "invalid_state");
    refused(&h, &["library", "add", "vtl", "--device", &format!("vlib:{}", dir.display())], "already_exists");
    refused(&h, &["library", "show", "nope"], "not_found");
    assert_eq!(h.snapshot(), before_empty);
    assert_ne!(before, before_empty);

    // A cleaning cartridge is listed but loaded only when asked for.
    h.ok(["vlib", "add-tape", dir.to_str().unwrap(), "CLN001L1"]);
    let inv = h.json(["library", "inventory"]);
    assert_eq!(slot(&inv, 10)["cleaning"], true);
    let snap = h.snapshot();
    let m = refused(&h, &["library", "load", "CLN001L1"], "invalid_state");
    assert!(m.contains("--cleaning"), "{m}");
    assert_eq!(h.snapshot(), snap);
    assert_eq!(h.json(["library", "load", "CLN001L1", "--cleaning"])["from"], 10);
}

#[test]
fn remove_needs_its_drives_detached() {
    let (h, _) = setup();
    let before = h.snapshot();
    let m = refused(&h, &["library", "remove", "vtl"], "in_use");
    assert!(m.contains("d0"), "{m}");
    assert_eq!(h.snapshot(), before);
    h.ok(["library", "detach-drive", "--drive", "d0"]);
    refused(&h, &["library", "load", "TB0001L8"], "invalid_state");
    let v = h.json(["library", "remove", "vtl"]);
    assert_eq!(v["deleted"]["name"], "vtl");
    let rows: i64 = h.sql().query_row("SELECT count(*) FROM tape_library_slots", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 0);
    assert_eq!(h.json(["library", "list"])["libraries"], serde_json::json!([]));
    refused(&h, &["library", "inventory"], "not_found");
}

#[test]
fn library_on_tgt_over_iscsi() {
    if !tgt_available("library_on_tgt_over_iscsi") {
        return;
    }
    let vtl = Vtl::start(Some(64));
    let h = Home::new();
    let v = h.json(["library", "add", "tgt", "--device", &vtl.url(3)]);
    assert_eq!(v["library"]["vendor"], "TGT");
    assert_eq!(v["library"]["serial_number"], "VTLLIB0001");
    let inv = h.json(["library", "inventory", "tgt"]);
    assert_eq!(inv["library"]["num_slots"], 8);
    assert_eq!(inv["library"]["num_drives"], 2);
    assert_eq!(slot(&inv, 1000)["barcode"], "TB0001L8");
    assert_eq!(slot(&inv, 1006)["full"], false);
    h.ok(["drive", "add", "t1", "--device", &vtl.url(1)]);
    h.ok(["library", "attach-drive", "tgt", "--element", "500"]);
    let v = h.json(["library", "load", "TB0003L8"]);
    assert_eq!(v["from"], 1002);
    assert_eq!(h.json(["drive", "status"])["status"]["loaded"], true);
    let before = h.snapshot();
    refused(&h, &["library", "load", "TB0004L8"], "invalid_state");
    assert_eq!(h.snapshot(), before);
    h.ok(["pool", "create", "p"]);
    h.ok(["tape", "label", "W3", "--pool", "p"]);
    let v = h.json(["library", "unload"]);
    assert_eq!(v["to"], 1002, "its home slot");
    let show = h.json(["library", "show", "tgt"]);
    assert_eq!(slot(&show, 1002)["barcode"], "TB0003L8");
    assert_eq!(slot(&show, 500)["full"], false);

    // Status, export through the mail slot (element 10) and import back, on tgt's changer.
    let v = h.json(["library", "status"]);
    assert_eq!(v["storage"]["full"], 6, "{v}");
    assert_eq!(v["storage"]["unknown"], 5, "only TB0003L8 is a catalog tape: {v}");
    assert_eq!(v["out_of_step"], serde_json::json!([]));
    let v = h.json(["library", "export", "W3", "--location", "vault"]);
    assert_eq!((v["exported"][0]["from"].clone(), v["exported"][0]["to"].clone()), (1002.into(), 10.into()));
    assert_eq!(h.json(["tape", "show", "W3"])["tape"]["status"], "exported");
    let v = h.json(["library", "import"]);
    assert_eq!(v["moved"][0]["tape"], "W3", "{v}");
    assert_eq!(v["moved"][0]["from"], 10);
    assert_eq!(h.json(["tape", "show", "W3"])["tape"]["status"], "blank");

    // The other five labelled by their barcodes; nothing unknown is left to read.
    let v = h.json(["tape", "label", "--barcodes", "--pool", "p"]);
    let labelled = v["cartridges"].as_array().unwrap().iter().filter(|c| c["labelled"] == true).count();
    assert_eq!(labelled, 5, "{v}");
    assert_eq!(h.json(["tape", "show", "TB0005L8"])["tape"]["barcode"], "TB0005L8");
    let v = h.json(["library", "inventory", "--read-labels"]);
    assert_eq!(v["labels"], serde_json::json!([]), "{v}");
    assert_eq!(slot(&v, 500)["full"], false, "the drive is left empty");
}

/// tgt's changer refuses a move to a full element (3B/0D), from an empty one (3B/0E), and out
/// of a drive whose cartridge someone holds in with PREVENT MEDIUM REMOVAL (53/02, here a
/// session of the test's own, as another program using the drive): each is exit 1 with the
/// element named, and nothing in the catalog changes.
#[test]
fn library_transfer_refusals_on_tgt() {
    if !tgt_available("library_transfer_refusals_on_tgt") {
        return;
    }
    let vtl = Vtl::start(Some(64));
    let h = Home::new();
    h.ok(["library", "add", "tgt", "--device", &vtl.url(3)]);
    h.ok(["library", "inventory", "tgt"]);
    h.ok(["drive", "add", "t1", "--device", &vtl.url(1)]);
    h.ok(["library", "attach-drive", "tgt", "--element", "500"]);
    h.ok(["library", "load", "TB0001L8"]);
    let before = h.snapshot();

    let m = refused(&h, &["library", "transfer", "1001", "1002"], "invalid_state");
    assert_eq!(m, "library 'tgt': element 1002 is full");
    let m = refused(&h, &["library", "transfer", "1006", "1007"], "invalid_state");
    assert_eq!(m, "library 'tgt': element 1006 is empty");
    let m = refused(&h, &["library", "transfer", "1001", "500"], "invalid_state");
    assert_eq!(m, "library 'tgt': element 500 (drive 't1') is full");
    let m = refused(&h, &["library", "transfer", "501", "1006"], "invalid_state");
    assert_eq!(m, "library 'tgt': element 501 is empty");

    let lock = vtl.prevent_removal(1);
    let m = refused(&h, &["library", "transfer", "500", "1006"], "in_use");
    assert!(m.contains("element 500 (drive 't1')") && m.contains("locked in"), "{m}");
    assert_eq!(h.snapshot(), before, "refused moves change nothing in the catalog");
    // Nor in the changer: everything is where it was.
    let inv = h.json(["library", "inventory", "tgt"]);
    assert_eq!(inv["changes"], serde_json::json!([]), "{inv}");
    assert_eq!(slot(&inv, 500)["barcode"], "TB0001L8");
    assert_eq!(h.json(["drive", "status"])["status"]["loaded"], true, "the drive still holds its tape, ready");

    // The lock was what refused it: once allowed, the same move is done.
    lock.allow();
    let v = h.json(["library", "transfer", "500", "1006"]);
    assert_eq!(
        (v["from"].as_i64(), v["to"].as_i64(), v["barcode"].as_str()),
        (Some(500), Some(1006), Some("TB0001L8"))
    );
    let show = h.json(["library", "show", "tgt"]);
    assert_eq!(slot(&show, 1006)["barcode"], "TB0001L8");
    assert_eq!(slot(&show, 500)["full"], false);
}
