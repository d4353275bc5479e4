//! Drives and tapes end to end on the built-in virtual drive: labels written and read
//! back, refusals that leave tape and catalog alone, the drive lock, lifecycle moves, dumps.

mod common;

use std::path::PathBuf;

use common::{Home, stderr, stdout};
use serde_json::Value;
use tapebackarr::tape::vtape::{self, VirtualDrive};
use tapebackarr::tape::{DeviceSpec, TapeDevice};

/// A home with pool `weekly` and virtual drive `vd` holding a fresh blank cartridge `C1`.
fn setup() -> (Home, PathBuf) {
    let h = Home::new();
    let drive_dir = h.dir.path().join("vd");
    h.ok(["pool", "create", "weekly"]);
    h.ok(["drive", "add", "vd", "--device", &format!("vtape:{}", drive_dir.display()), "--capacity", "64M"]);
    h.ok(["drive", "load", "--tape", "C1", "--create"]);
    (h, drive_dir)
}

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

fn json_err(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("stderr is not JSON: {}", stderr(out)))
}

#[test]
fn label_round_trip_and_identify() {
    let (h, _) = setup();
    assert_eq!(h.json(["tape", "identify"])["state"], "blank");
    let v = h.json(["tape", "label", "WEEK01", "--pool", "weekly", "--lto-type", "LTO-8"]);
    assert_eq!(v["tape"]["label"], "WEEK01");
    assert_eq!(v["tape"]["status"], "blank");
    assert_eq!(v["tape"]["barcode"], "C1", "a virtual cartridge's name is its barcode");
    assert_eq!(v["tape"]["capacity_bytes"], 12_000_000_000_000i64);
    assert_eq!(v["tape"]["format_type"], "raw");
    let uuid = v["label"]["uuid"].as_str().unwrap().to_string();

    let id = h.json(["tape", "identify"]);
    assert_eq!(id["state"], "labeled");
    assert_eq!(id["known"], true);
    assert_eq!(id["tape"]["label"], "WEEK01");
    assert_eq!(id["label"]["uuid"], uuid.as_str());
    assert_eq!(id["label"]["block_size"], 262144);
    assert!(h.ok(["tape", "identify"]).starts_with("Tape 'WEEK01' (pool weekly, status blank)"));

    // The label is readable without us: file 0 is one block of text.
    let dump = h.run(["tape", "dump", "--file", "0"]);
    assert_eq!(code(&dump), Some(0));
    let text = String::from_utf8(dump.stdout).unwrap();
    assert!(text.starts_with("TAPEBACKARR-LABEL v1\n{"), "{text}");
    assert!(text.contains(&uuid));

    let list = h.json(["tape", "list"]);
    assert_eq!(list["tapes"][0]["pool"], "weekly");
    let table = h.ok(["tape", "list", "--pool", "weekly"]);
    assert!(table.lines().nth(1).unwrap().starts_with("WEEK01"), "{table}");
    let show = h.json(["tape", "show", "WEEK01"]);
    assert_eq!(show["tape"]["drive"], "vd");
    assert_eq!(show["tape"]["backup_sets"], 0);
    assert_eq!(h.json(["drive", "show", "vd"])["drive"]["current_tape"], "WEEK01");
}

#[test]
fn a_labelled_tape_is_not_relabelled_without_force() {
    let (h, _) = setup();
    h.ok(["tape", "label", "WEEK01", "--pool", "weekly"]);
    let before = h.snapshot();
    let out = h.run(["tape", "label", "OTHER", "--pool", "weekly"]);
    assert_eq!(code(&out), Some(1));
    assert!(stderr(&out).contains("already labelled: catalog tape 'WEEK01'"), "{}", stderr(&out));
    // --force without a terminal and without --yes: refused as a usage error, nothing written.
    let out = h.run(["tape", "label", "OTHER", "--pool", "weekly", "--force"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("pass --yes"), "{}", stderr(&out));
    assert_eq!(h.snapshot(), before);
    assert_eq!(h.json(["tape", "identify"])["tape"]["label"], "WEEK01", "the tape still has its label");
    // With --force --yes the same physical tape is relabelled in place: one catalog row,
    // keeping what is known of the cartridge.
    h.sql().execute("UPDATE tapes SET lto_type = 'LTO-9'", []).unwrap();
    let v = h.json(["tape", "label", "OTHER", "--pool", "weekly", "--force", "--yes"]);
    assert_eq!(v["tape"]["id"], 1);
    assert_eq!(v["tape"]["lto_type"], "LTO-9");
    assert_eq!(v["tape"]["capacity_bytes"], 18_000_000_000_000i64);
    assert_eq!(h.json(["tape", "list"])["tapes"].as_array().unwrap().len(), 1);
    assert_eq!(h.json(["tape", "identify"])["tape"]["label"], "OTHER");
}

#[test]
fn a_tape_with_backup_sets_is_never_relabelled_or_erased() {
    let (h, _) = setup();
    h.ok(["tape", "label", "WEEK01", "--pool", "weekly"]);
    std::fs::create_dir_all(h.data()).unwrap();
    h.ok(["source", "add", "s", h.data().to_str().unwrap()]);
    h.ok(["job", "create", "j", "--source", "s", "--pool", "weekly"]);
    h.sql()
        .execute("INSERT INTO backup_sets (job_id, tape_id, backup_type, start_time, status) VALUES (1, 1, 'full', '2026-01-01', 'completed')", [])
        .unwrap();
    let before = h.snapshot();
    let out = h.run(["tape", "label", "X", "--pool", "weekly", "--force", "--yes"]);
    assert_eq!(code(&out), Some(1));
    assert!(stderr(&out).contains("with 1 live backup set(s) in the catalog"), "{}", stderr(&out));
    let out = h.run(["--json", "tape", "erase", "--yes"]);
    assert_eq!(json_err(&out)["code"], "wrong_tape");
    assert_eq!(h.snapshot(), before);
    assert_eq!(h.json(["tape", "identify"])["tape"]["label"], "WEEK01");
}

#[test]
fn foreign_data_and_foreign_labels_are_recognised() {
    let (h, drive_dir) = setup();
    {
        let mut d = VirtualDrive::open(&drive_dir).unwrap();
        d.rewind().unwrap();
        d.write_block(b"ustar-ish data from some other backup program").unwrap();
        d.write_filemarks(1, true).unwrap();
    }
    let id = h.json(["tape", "identify"]);
    assert_eq!(id["state"], "foreign");
    assert!(id["first_bytes"].as_str().unwrap().starts_with("ustar-ish"));
    let before = h.snapshot();
    let out = h.run(["--json", "tape", "label", "T1", "--pool", "weekly"]);
    assert_eq!(code(&out), Some(1));
    let err = json_err(&out);
    assert_eq!(err["code"], "wrong_tape");
    assert!(err["message"].as_str().unwrap().contains("not a TapeBackarr label"));
    assert_eq!(h.snapshot(), before);
    h.ok(["tape", "label", "T1", "--pool", "weekly", "--force", "--yes"]);

    // A tape labelled by another catalog is a TapeBackarr tape this catalog does not know.
    let other = Home::new();
    other.ok(["pool", "create", "theirs"]);
    other.ok(["drive", "add", "same", "--device", &format!("vtape:{}", drive_dir.display())]);
    other.ok(["tape", "label", "THEIRS", "--pool", "theirs", "--force", "--yes"]);
    let id = h.json(["tape", "identify"]);
    assert_eq!(id["state"], "labeled");
    assert_eq!(id["known"], false);
    assert_eq!(id["label"]["label"], "THEIRS");
    assert_eq!(id["tape"], Value::Null);
}

#[test]
fn the_second_process_on_a_drive_is_refused_and_a_dead_holder_blocks_nobody() {
    let (h, drive_dir) = setup();
    let spec = DeviceSpec::parse(&format!("vtape:{}", drive_dir.display())).unwrap();
    let held = tapebackarr::tape::lock::lock_drive(&spec, "backup run nightly", false).unwrap();
    let out = h.run(["--json", "tape", "identify"]);
    assert_eq!(code(&out), Some(1));
    let err = json_err(&out);
    assert_eq!(err["code"], "drive_busy");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains(&format!("held by pid {} (backup run nightly)", std::process::id())), "{msg}");
    drop(held);
    h.ok(["tape", "identify"]);

    // A holder killed with SIGKILL: the kernel drops its lock.
    let lock_file = tapebackarr::tape::lock::lock_path(&spec);
    // The shell takes the lock on fd 9 and becomes `sleep`, so the holder is one process.
    let mut holder = std::process::Command::new("sh")
        .args(["-c", "exec 9>>\"$0\" && flock 9 && exec sleep 600"])
        .arg(&lock_file)
        .spawn()
        .expect("sh and flock(1) from util-linux");
    // Wait (bounded) until the holder really holds it.
    let mut held_by_other = false;
    for _ in 0..500 {
        match tapebackarr::tape::lock::lock_drive(&spec, "probe", false) {
            Err(_) => {
                held_by_other = true;
                break;
            }
            Ok(l) => drop(l),
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(held_by_other, "flock(1) never took the lock");
    assert_eq!(code(&h.run(["tape", "identify"])), Some(1));
    holder.kill().unwrap();
    holder.wait().unwrap();
    h.ok(["tape", "identify"]);
}

#[test]
fn no_tape_asks_for_an_operator_and_write_protect_is_refused() {
    let (h, drive_dir) = setup();
    h.ok(["drive", "eject"]);
    let out = h.run(["--json", "tape", "identify"]);
    assert_eq!(code(&out), Some(4), "no tape: operator action needed");
    assert_eq!(json_err(&out)["code"], "no_tape");
    let out = h.run(["tape", "label", "T1", "--pool", "weekly"]);
    assert_eq!(code(&out), Some(4));
    assert!(stderr(&out).contains("no tape in drive 'vd'"));

    vtape::set_write_protected(&drive_dir.join("cartridges/C1"), true).unwrap();
    h.ok(["drive", "load", "--tape", "C1"]);
    assert_eq!(h.json(["drive", "status"])["status"]["write_protected"], true);
    let before = h.snapshot();
    let out = h.run(["tape", "label", "T1", "--pool", "weekly"]);
    assert_eq!(code(&out), Some(1));
    assert!(stderr(&out).contains("write-protected"), "{}", stderr(&out));
    assert_eq!(h.snapshot(), before);
}

#[test]
fn an_injected_write_failure_leaves_the_catalog_alone() {
    let (h, _) = setup();
    let before = h.snapshot();
    let out = h
        .cmd()
        .env("TAPEBACKARR_VTAPE_FAULTS", r#"{"fail_write_at": 1}"#)
        .args(["--json", "tape", "label", "T1", "--pool", "weekly"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(1));
    let err = json_err(&out);
    assert_eq!(err["code"], "device_error");
    assert!(err["message"].as_str().unwrap().contains("injected"), "{err}");
    assert_eq!(h.snapshot(), before);
    assert_eq!(h.json(["tape", "identify"])["state"], "blank");
}

#[test]
fn lifecycle_moves_and_refusals() {
    let (h, _) = setup();
    h.ok(["tape", "label", "T1", "--pool", "weekly"]);
    h.ok(["pool", "create", "monthly"]);
    assert_eq!(h.json(["tape", "assign", "T1", "--pool", "monthly"])["tape"]["pool"], "monthly");
    let v = h.json(["tape", "export", "T1", "--location", "bank vault"]);
    assert_eq!(v["tape"]["status"], "exported");
    assert_eq!(v["tape"]["offsite_location"], "bank vault");
    assert_eq!(
        h.json(["drive", "show", "vd"])["drive"]["current_tape"],
        Value::Null,
        "an exported tape left the drive"
    );
    let out = h.run(["--json", "tape", "retire", "T1"]);
    assert_eq!(json_err(&out)["code"], "invalid_state", "an exported tape is imported first");
    let out = h.run(["--json", "tape", "label", "T2", "--pool", "weekly", "--force", "--yes"]);
    assert_eq!(json_err(&out)["code"], "invalid_state", "an exported tape is not relabelled");
    let v = h.json(["tape", "import", "T1"]);
    assert_eq!(v["tape"]["status"], "blank", "back to the status it left with");
    assert_eq!(v["tape"]["offsite_location"], Value::Null);
    let out = h.run(["--json", "tape", "import", "T1"]);
    assert_eq!(json_err(&out)["code"], "invalid_state");

    h.sql().execute("UPDATE tapes SET status = 'full'", []).unwrap();
    let out = h.run(["tape", "assign", "T1", "--pool", "weekly"]);
    assert_eq!(code(&out), Some(1));
    assert!(stderr(&out).contains("only blank or expired tapes move"), "{}", stderr(&out));
    assert!(h.ok(["tape", "retire", "T1"]).contains("full → retired"));
    let out = h.run(["tape", "retire", "T1"]);
    assert!(stderr(&out).contains("cannot become retired"), "{}", stderr(&out));
    let audit = h.json(["audit", "list", "--resource", "tape"]);
    let actions: Vec<&str> =
        audit["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["tape.label", "tape.assign", "tape.export", "tape.import", "tape.retire"]);
}

#[test]
fn erase_keeps_the_label_and_empties_the_tape() {
    let (h, drive_dir) = setup();
    h.ok(["tape", "label", "T1", "--pool", "weekly"]);
    {
        let mut d = VirtualDrive::open(&drive_dir).unwrap();
        d.space(tapebackarr::tape::Space::EndOfData).unwrap();
        d.write_block(b"old data").unwrap();
        d.write_filemarks(1, true).unwrap();
    }
    let out = h.run(["tape", "erase"]);
    assert_eq!(code(&out), Some(2), "asks for --yes when not interactive");
    h.ok(["tape", "erase", "--yes"]);
    assert_eq!(h.json(["tape", "identify"])["tape"]["label"], "T1");
    let out = h.run(["--json", "tape", "dump", "--file", "1", "--output", h.dir.path().join("f1").to_str().unwrap()]);
    assert_eq!(json_err(&out)["code"], "not_found", "file 1 is gone");
}

#[test]
fn dump_copies_a_tape_file_byte_for_byte() {
    let (h, drive_dir) = setup();
    h.ok(["tape", "label", "T1", "--pool", "weekly"]);
    let blocks: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 100_000 + i as usize * 77_777]).collect();
    {
        let mut d = VirtualDrive::open(&drive_dir).unwrap();
        d.space(tapebackarr::tape::Space::EndOfData).unwrap();
        for b in &blocks {
            d.write_block(b).unwrap();
        }
        d.write_filemarks(1, true).unwrap();
        d.write_block(b"file two").unwrap();
        d.write_filemarks(1, true).unwrap();
    }
    let out = h.run(["tape", "dump", "--file", "1"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, blocks.concat());
    let path = h.dir.path().join("f2");
    let v = h.json(["tape", "dump", "--file", "2", "--output", path.to_str().unwrap()]);
    assert_eq!(v["blocks"], 1);
    assert_eq!(std::fs::read(&path).unwrap(), b"file two");
    let out = h.run(["tape", "dump", "--file", "7"]);
    assert_eq!(code(&out), Some(1));
    assert!(stderr(&out).contains("no file 7"), "{}", stderr(&out));
    let missing = h.dir.path().join("f7");
    let out = h.run(["tape", "dump", "--file", "3", "--output", missing.to_str().unwrap()]);
    assert!(stderr(&out).contains("no file 3"), "{}", stderr(&out));
    assert!(!missing.exists(), "no empty output file for a missing tape file");
    let out = h.run(["--json", "tape", "dump", "--file", "1"]);
    assert_eq!(code(&out), Some(2), "JSON and raw bytes cannot share stdout");
}

#[test]
fn drive_commands() {
    let (h, drive_dir) = setup();
    let v = h.json(["drive", "list"]);
    assert_eq!(v["drives"][0]["vendor"], "TAPEBACKARR");
    assert_eq!(v["drives"][0]["status"], "ready");
    let st = h.json(["drive", "status"]);
    assert_eq!(st["status"]["loaded"], true);
    assert_eq!(st["status"]["bot"], true);
    assert_eq!(st["status"]["position"]["block"], 0);
    assert_eq!(st["status"]["block_size"], 0);
    assert_eq!(st["status"]["cartridge"], "C1");
    assert_eq!(st["capabilities"]["locate"], true);
    assert!(h.ok(["drive", "status"]).contains("flags:          BOT"));
    h.ok(["tape", "label", "T1", "--pool", "weekly"]);
    assert_eq!(h.json(["drive", "status"])["status"]["position"]["block"], 1, "after reading back the label");
    h.ok(["drive", "rewind"]);
    assert_eq!(h.json(["drive", "status"])["status"]["position"]["block"], 0);

    // A second drive: now commands must be told which.
    h.ok(["drive", "add", "vd2", "--device", &format!("vtape:{}", h.dir.path().join("vd2").display())]);
    let out = h.run(["drive", "status"]);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains("several drives are enabled (vd, vd2)"), "{}", stderr(&out));
    assert_eq!(h.json(["--drive", "vd2", "drive", "status"])["status"]["loaded"], false);
    let out = h.cmd().env("TAPEBACKARR_DRIVE", "vd2").args(["--json", "drive", "status"]).output().unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap()["drive"], "vd2");
    h.ok(["drive", "disable", "vd2"]);
    assert_eq!(h.json(["drive", "status"])["drive"], "vd", "the only enabled drive");
    let out = h.run(["--drive", "vd2", "drive", "status"]);
    assert!(stderr(&out).contains("drive 'vd2' is disabled"));
    h.ok(["drive", "enable", "vd2"]);
    h.ok(["drive", "remove", "vd2"]);

    let out = h.run(["drive", "add", "dup", "--device", &format!("vtape:{}", drive_dir.display())]);
    assert_eq!(code(&out), Some(1));
    assert!(stderr(&out).contains("is already drive 'vd'"), "{}", stderr(&out));
    let out = h.run(["drive", "add", "bad", "--device", "tape0"]);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains("'tape0' is not a device"));
    let out = h.run(["drive", "add", "big", "--device", "/dev/nst7", "--capacity", "1G"]);
    assert_eq!(code(&out), Some(2), "--capacity is for virtual drives");
    let out = h.run(["drive", "add", "small", "--device", "vtape:/tmp/x", "--capacity", "12K"]);
    assert!(stderr(&out).contains("too small"), "{}", stderr(&out));

    h.ok(["drive", "eject"]);
    assert_eq!(h.json(["drive", "status"])["status"]["loaded"], false);
    assert_eq!(h.json(["drive", "show", "vd"])["drive"]["current_tape"], Value::Null);
    let out = h.run(["drive", "load", "--tape", "NOPE"]);
    assert!(stderr(&out).contains("no cartridge 'NOPE'"), "{}", stderr(&out));
    h.ok(["drive", "load", "--tape", "C1"]);
    assert_eq!(h.json(["drive", "show", "vd"])["drive"]["current_tape"], "T1", "known by its barcode");
    let out = h.run(["drive", "load", "--tape", "C1"]);
    assert!(stderr(&out).contains("already holds a cartridge"), "{}", stderr(&out));
}

#[test]
fn an_unreachable_drive_is_registered_offline() {
    let h = Home::new();
    let out = h.run(["drive", "add", "ghost", "--device", "/dev/nst9"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("registered as offline"), "{}", stderr(&out));
    assert_eq!(h.json(["drive", "show", "ghost"])["drive"]["status"], "offline");
}

#[test]
fn virtual_library_with_barcoded_cartridges() {
    let h = Home::new();
    let lib = h.dir.path().join("vtl");
    let v = h.json([
        "vlib",
        "create",
        lib.to_str().unwrap(),
        "--slots",
        "6",
        "--drives",
        "2",
        "--tapes",
        "3",
        "--prefix",
        "TB",
        "--capacity",
        "32M",
    ]);
    assert_eq!(v["cartridges"], serde_json::json!(["TB0001L8", "TB0002L8", "TB0003L8"]));
    let drive0 = v["drives"][0].as_str().unwrap().to_string();
    assert!(drive0.ends_with("/drives/0"));
    let out = h.run(["--json", "vlib", "add-tape", lib.to_str().unwrap(), "NEW001L8", "NEW002L8"]);
    assert_eq!(json_err(&out)["code"], "invalid_state", "two cartridges, one mail slot: neither is added");
    h.ok(["vlib", "add-tape", lib.to_str().unwrap(), "NEW001L8"]);
    let st = h.json(["vlib", "status", lib.to_str().unwrap()]);
    let elements = st["elements"].as_array().unwrap();
    assert_eq!(elements.len(), 2 + 6 + 1);
    assert_eq!(elements[2], serde_json::json!({"element": {"type": "slot", "number": 1}, "barcode": "TB0001L8"}));
    assert_eq!(elements[8]["barcode"], "NEW001L8");
    let table = h.ok(["vlib", "status", lib.to_str().unwrap()]);
    assert!(table.contains("import/export slot 1  NEW001L8"), "{table}");
    h.ok(["drive", "add", "lib0", "--device", &drive0]);
    // A library drive is loaded by the library's robot: the slot empties, the drive fills.
    h.ok(["drive", "load", "--tape", "TB0002L8"]);
    let st = h.json(["vlib", "status", lib.to_str().unwrap()]);
    assert_eq!(st["elements"][0]["barcode"], "TB0002L8", "drive 0 holds it");
    assert_eq!(st["elements"][3]["barcode"], Value::Null, "slot 2 is empty");
    h.ok(["pool", "create", "p"]);
    let v = h.json(["tape", "label", "L2", "--pool", "p"]);
    assert_eq!(v["tape"]["barcode"], "TB0002L8");
    let v = h.json(["drive", "eject"]);
    assert_eq!(v["returned_to"], "slot 2", "back to the first empty slot");
    let st = h.json(["vlib", "status", lib.to_str().unwrap()]);
    assert_eq!(st["elements"][0]["barcode"], Value::Null);
    assert_eq!(st["elements"][3]["barcode"], "TB0002L8");
    let out = h.run(["drive", "load", "--tape", "NEW999L8", "--create"]);
    assert_eq!(code(&out), Some(2), "new cartridges enter a library through its mail slot");
    let out = h.run(["drive", "load", "--tape", "NOSUCH"]);
    assert!(stderr(&out).contains("no cartridge with barcode NOSUCH"), "{}", stderr(&out));
    let out = h.run(["--json", "vlib", "create", lib.to_str().unwrap()]);
    assert_eq!(json_err(&out)["code"], "already_exists");
    let out = h.run(["vlib", "create", lib.to_str().unwrap()]);
    assert_eq!(code(&out), Some(1));
    assert!(stderr(&out).contains("already holds a virtual library"));
    let out = h.run(["vlib", "create", h.dir.path().join("v2").to_str().unwrap(), "--slots", "2", "--tapes", "3"]);
    assert_eq!(code(&out), Some(2));
    let _ = stdout(&out);
}

#[test]
fn wait_queues_behind_the_holder_instead_of_failing() {
    let (h, drive_dir) = setup();
    let spec = DeviceSpec::parse(&format!("vtape:{}", drive_dir.display())).unwrap();
    let held = tapebackarr::tape::lock::lock_drive(&spec, "backup run nightly", false).unwrap();
    let mut child = h
        .std_cmd()
        .args(["--wait", "--json", "tape", "identify"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Without --wait the command fails at once (see above); with it, it must still be
    // waiting while the lock is held.
    for _ in 0..30 {
        assert!(child.try_wait().unwrap().is_none(), "--wait gave up while the drive was held");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    drop(held);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["state"], "blank");
}
