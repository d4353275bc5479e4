//! Backup and restore in a library: the drive fetches the tapes it needs by barcode and puts
//! back the one it holds, with nobody at the mail slot.

mod common;
#[path = "common/tree.rs"]
mod tree;

use common::{Home, stderr, stdout};
use serde_json::Value;

fn last_json(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "{}\n{}", stderr(out), stdout(out));
    serde_json::from_str(stdout(out).lines().last().unwrap()).unwrap()
}

#[test]
fn backup_and_restore_load_the_tapes_they_need_from_the_library() {
    let h = Home::with_basics();
    let dir = h.dir.path().join("vl");
    h.ok(["vlib", "create", dir.to_str().unwrap(), "--slots", "6", "--drives", "1", "--tapes", "3", "--prefix", "TB"]);
    h.ok(["library", "add", "vtl", "--device", &format!("vlib:{}", dir.display())]);
    h.ok(["library", "inventory", "vtl"]);
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", dir.join("drives/0").display())]);
    h.ok(["library", "attach-drive", "vtl", "--drive", "d0", "--element", "500"]);
    for (barcode, label) in [("TB0001L8", "W1"), ("TB0002L8", "W2")] {
        h.ok(["library", "load", barcode, "--drive", "d0"]);
        h.ok(["tape", "label", label, "--pool", "weekly"]);
        h.ok(["library", "unload", "--drive", "d0"]);
    }
    tree::Builder::new(&h.data()).file(b"one.txt", b"first\n");

    // The drive is empty: the backup loads the first blank tape of the pool itself.
    let s1 = last_json(&h.run(["--json", "backup", "run", "nightly"]));
    assert_eq!(s1["tape"], "W1", "{s1}");

    // A fresh tape every run: W1 goes back to a slot, W2 comes in.
    h.ok(["pool", "update", "weekly", "--allocation-policy", "always"]);
    std::fs::write(h.data().join("two.txt"), b"second\n").unwrap();
    let s2 = last_json(&h.run(["--json", "backup", "run", "nightly"]));
    assert_eq!(s2["tape"], "W2", "{s2}");

    // Restoring the first set needs W1 back in the drive: fetched too.
    let dest = h.dir.path().join("r");
    let r = last_json(&h.run(["--json", "restore", "--set", &s1["set"].to_string(), "--to", dest.to_str().unwrap()]));
    assert_eq!(r["restored"], 2, "{r}");
    assert_eq!(std::fs::read(dest.join("one.txt")).unwrap(), b"first\n");
    assert!(!dest.join("two.txt").exists());
    let drive = h.json(["drive", "show", "d0"]);
    assert_eq!(drive["drive"]["current_tape"], "W1", "{drive}");
    // Every move is in the audit trail, marked automatic.
    let audit = h.json(["audit", "list", "--resource", "library"]);
    let automatic = audit["entries"].as_array().unwrap().iter().filter(|e| e["details"]["automatic"] == true).count();
    assert_eq!(automatic, 5, "load W1; unload W1, load W2; unload W2, load W1: {audit}");
}
