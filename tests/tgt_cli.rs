//! The commands against a drive we did not write: tgt's SSC tape drive over iSCSI (LUN 4, a
//! standalone drive with a cartridge loaded). Labels written and identified, refusals, dumps.

mod common;
#[path = "common/tgt.rs"]
mod tgt;

use common::{Home, stderr};
use tgt::{Vtl, tgt_available};

#[test]
fn label_identify_and_dump_on_tgt_over_iscsi() {
    if !tgt_available("label_identify_and_dump_on_tgt_over_iscsi") {
        return;
    }
    let vtl = Vtl::start(Some(64));
    let h = Home::new();
    h.ok(["pool", "create", "weekly"]);
    let v = h.json(["drive", "add", "tgt", "--device", &vtl.url(4)]);
    assert_eq!(v["drive"]["vendor"], "TGT");
    assert_eq!(v["drive"]["status"], "ready");
    assert_eq!(v["drive"]["serial_number"], "VTLDRV0004");

    let st = h.json(["drive", "status"]);
    assert_eq!(st["status"]["loaded"], true);
    assert_eq!(st["capabilities"]["read_position"], false, "tgt's READ POSITION is a stub: counted instead");

    assert_eq!(h.json(["tape", "identify"])["state"], "blank");
    let v = h.json(["tape", "label", "T99", "--pool", "weekly", "--barcode", "TB0099L8", "--lto-type", "LTO-8"]);
    assert_eq!(v["tape"]["barcode"], "TB0099L8");
    let uuid = v["label"]["uuid"].as_str().unwrap().to_string();

    // A new process, a new iSCSI session: the label is on the medium.
    let id = h.json(["tape", "identify"]);
    assert_eq!(id["state"], "labeled");
    assert_eq!(id["known"], true);
    assert_eq!(id["label"]["uuid"], uuid.as_str());

    let before = h.snapshot();
    let out = h.run(["tape", "label", "OTHER", "--pool", "weekly"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already labelled: catalog tape 'T99'"), "{}", stderr(&out));
    assert_eq!(h.snapshot(), before);

    let dump = h.run(["tape", "dump", "--file", "0"]);
    assert!(dump.status.success(), "{}", stderr(&dump));
    assert!(String::from_utf8_lossy(&dump.stdout).starts_with("TAPEBACKARR-LABEL v1\n"));
    let out = h.run(["tape", "dump", "--file", "1"]);
    assert_eq!(out.status.code(), Some(1), "a freshly labelled tape has no file 1");

    // Relabelling with --force --yes works on tgt too, and the old label is gone.
    h.ok(["tape", "label", "T99B", "--pool", "weekly", "--force", "--yes"]);
    assert_eq!(h.json(["tape", "identify"])["tape"]["label"], "T99B");
}

#[test]
fn an_empty_tgt_drive_asks_for_a_tape() {
    if !tgt_available("an_empty_tgt_drive_asks_for_a_tape") {
        return;
    }
    let vtl = Vtl::start(Some(64));
    let h = Home::new();
    h.ok(["pool", "create", "weekly"]);
    h.ok(["drive", "add", "empty", "--device", &vtl.url(1)]);
    assert_eq!(h.json(["drive", "status"])["status"]["loaded"], false);
    let out = h.run(["--json", "tape", "label", "X", "--pool", "weekly"]);
    assert_eq!(out.status.code(), Some(4));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "no_tape");
}
