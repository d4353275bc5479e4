//! `drive selftest`: passes on the virtual drive (early warning reached) and on tgt's drive
//! (no READ POSITION or LOCATE: counted positioning, named in the output); a drive that
//! returns damaged bytes fails it, naming the step; tapes that are not scratch tapes are
//! refused before a byte is written.

mod common;
#[path = "common/tgt.rs"]
mod tgt;

use std::fs;

use common::{Home, stderr};
use serde_json::Value;
use tgt::{Vtl, tgt_available};

/// A home with drive `d0` of a virtual library whose cartridges hold 64 MiB, VT0001L8 in it.
fn home() -> Home {
    let h = Home::new();
    let vl = h.dir.path().join("vl");
    h.ok(["vlib", "create", vl.to_str().unwrap(), "--slots", "2", "--tapes", "2", "--capacity", "64M"]);
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", h.drive_dir().display())]);
    h.ok(["drive", "load", "--tape", "VT0001L8"]);
    h
}

fn steps(v: &Value) -> Vec<(String, bool)> {
    v["steps"].as_array().unwrap().iter().map(|s| (s["step"].as_str().unwrap().to_string(), s["ok"] == true)).collect()
}

fn refused(h: &Home, args: &[&str], exit: i32, code: &str) -> String {
    let out = h.run(args);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: {}", stderr(&out));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    assert_eq!(err["code"], code, "{err}");
    err["message"].as_str().unwrap().to_string()
}

#[test]
fn a_virtual_drive_passes_every_step() {
    let h = home();
    let v = h.json(["drive", "selftest", "--max-size", "128M", "--yes"]);
    let names: Vec<&str> =
        ["write", "read back", "position", "locate", "space", "append", "block sizes", "end of medium"].to_vec();
    assert_eq!(steps(&v).iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), names, "{v}");
    assert!(steps(&v).iter().all(|(_, ok)| *ok), "{v}");
    assert_eq!((v["passed"].clone(), v["failed"].clone()), (8.into(), 0.into()));
    let eom = &v["steps"][7]["detail"];
    assert!(eom.as_str().unwrap().starts_with("early warning after"), "{eom}");
    // With too small a bound the early warning is not reached, and it says so.
    let v = h.json(["drive", "selftest", "--max-size", "4M", "--force", "--yes"]);
    assert!(v["steps"][7]["detail"].as_str().unwrap().contains("not checked"), "{v}");
    let n: i64 =
        h.sql().query_row("SELECT count(*) FROM audit_logs WHERE action = 'drive.selftest'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 2);
}

#[test]
fn damaged_blocks_fail_the_test_naming_the_step() {
    let h = home();
    // Block 20 is block 3 of the second file: read back damaged, found by "read back".
    fs::write(h.drive_dir().join("faults.json"), r#"{"corrupt_blocks": [20]}"#).unwrap();
    let out = h.run(["--json", "drive", "selftest", "--max-size", "4M", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed: Vec<String> = steps(&v).into_iter().filter(|(_, ok)| !ok).map(|(n, _)| n).collect();
    assert!(failed.contains(&"read back".to_string()), "{v}");
    let detail = v["steps"][1]["detail"].as_str().unwrap();
    assert!(detail.contains("file 1 block 3") && detail.contains("differ"), "{detail}");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "device_error");
}

#[test]
fn only_scratch_tapes_are_used() {
    let h = home();
    h.ok(["pool", "create", "p"]);
    h.ok(["tape", "label", "W1", "--pool", "p"]);
    let before = fs::read(h.dir.path().join("vl/cartridges/VT0001L8/data")).unwrap();
    let m = refused(&h, &["--json", "drive", "selftest", "--force", "--yes"], 1, "wrong_tape");
    assert!(m.contains("catalog tape 'W1'") && m.contains("tape retire W1"), "{m}");
    // Without a terminal and without --yes: a usage error, nothing written.
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0002L8"]);
    let out = h.run(["drive", "selftest"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    // A tape with a backup set: never, even retired and forced.
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0001L8"]);
    let data = h.dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("f"), b"x").unwrap();
    h.ok_os(&["source".as_ref(), "add".as_ref(), "s".as_ref(), data.as_os_str()]);
    h.ok(["backup", "run", "--source", "s", "--pool", "p"]);
    h.ok(["tape", "retire", "W1"]);
    let m = refused(&h, &["--json", "drive", "selftest", "--force", "--yes"], 1, "wrong_tape");
    assert!(m.contains("holds backup sets"), "{m}");
    assert_ne!(fs::read(h.dir.path().join("vl/cartridges/VT0001L8/data")).unwrap(), before, "the backup wrote");
    // Another catalog's label needs --force.
    let other = Home::new();
    let mut c = other.cmd();
    c.args(["drive", "add", "x", "--device", &format!("vtape:{}", h.drive_dir().display())]);
    c.assert().success();
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0002L8"]);
    other.ok(["pool", "create", "q"]);
    other.ok(["tape", "label", "THEIRS", "--pool", "q"]);
    let m = refused(&h, &["--json", "drive", "selftest", "--yes"], 1, "wrong_tape");
    assert!(m.contains("label 'THEIRS'") && m.contains("--force"), "{m}");
    h.ok(["drive", "selftest", "--max-size", "4M", "--force", "--yes"]);
}

#[test]
fn tgts_drive_passes_with_counted_positioning() {
    if !tgt_available("tgts_drive_passes_with_counted_positioning") {
        return;
    }
    let vtl = Vtl::start(Some(48));
    let h = Home::new();
    h.ok(["drive", "add", "tgt", "--device", &vtl.url(4)]);
    let v = h.json(["drive", "selftest", "--max-size", "96M", "--yes"]);
    assert!(steps(&v).iter().all(|(_, ok)| *ok), "{v}");
    assert_eq!(v["capabilities"]["locate"], false);
    assert!(v["steps"][2]["detail"].as_str().unwrap().contains("no READ POSITION"), "{v}");
    assert!(v["steps"][3]["detail"].as_str().unwrap().contains("no LOCATE"), "{v}");
    assert!(v["steps"][7]["detail"].as_str().unwrap().starts_with("early warning after 4"), "{v}");
}
