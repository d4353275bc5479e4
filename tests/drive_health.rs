//! Drive health end to end, on the virtual library: TapeAlert flags injected into the virtual
//! drive show in `drive stats` and `drive alerts`, a drive that must be cleaned is not written
//! to until `drive clean` has run its cleaning cartridge, a tape the drive calls bad is
//! retired and the backup takes another, and the counters follow what a backup wrote. Also:
//! a library drive's own unload keeps the cartridge visible to the library, `drive add
//! --library`, and tgt (no LOG SENSE) reporting health as not supported.

mod common;
#[path = "common/tgt.rs"]
mod tgt;

use common::{Home, stderr, stdout};
use serde_json::Value;
use tgt::{Vtl, tgt_available};

const FAULTS: &str = "TAPEBACKARR_VTAPE_FAULTS";

/// [`Home::with_basics`] plus library `vtl` (vlib: 4 slots, 1 mail slot, 2 drives, tapes
/// VT0001L8 and VT0002L8 labelled W1 and W2 in `weekly`, cleaning cartridge CLN001L1 in the
/// mail slot) and drive `d0` added at element 500.
fn library_home() -> Home {
    let h = Home::with_basics();
    let vl = h.dir.path().join("vl");
    let vl = vl.to_str().unwrap();
    h.ok(["vlib", "create", vl, "--slots", "4", "--drives", "2", "--tapes", "2", "--capacity", "64M"]);
    h.ok(["vlib", "add-tape", vl, "CLN001L1"]);
    h.ok(["library", "add", "vtl", "--device", &format!("vlib:{vl}")]);
    h.ok(["library", "inventory", "vtl"]);
    let d = h.json([
        "drive",
        "add",
        "d0",
        "--device",
        &format!("vtape:{vl}/drives/0"),
        "--library",
        "vtl",
        "--element",
        "500",
    ]);
    assert_eq!(d["drive"]["library_drive_number"], 500, "{d}");
    for (barcode, label) in [("VT0001L8", "W1"), ("VT0002L8", "W2")] {
        h.ok(["library", "load", barcode]);
        h.ok(["tape", "label", label, "--pool", "weekly"]);
        h.ok(["library", "unload"]);
    }
    std::fs::write(h.data().join("a.txt"), b"some data\n").unwrap();
    h
}

/// The error object a failed `--json` command printed on stderr, and its exit code.
fn json_error(out: &std::process::Output) -> (Value, i32) {
    assert!(!out.status.success(), "expected a failure: {}", stdout(out));
    let line = stderr(out).lines().last().unwrap_or_default().to_string();
    let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {}", stderr(out)));
    (v, out.status.code().unwrap())
}

/// The summary event of a `backup run --json` that succeeded.
fn summary(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "{}\n{}", stderr(out), stdout(out));
    serde_json::from_str(stdout(out).lines().last().unwrap()).unwrap()
}

fn count(h: &Home, sql: &str) -> i64 {
    h.sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn used_bytes(h: &Home, label: &str) -> i64 {
    h.json(["tape", "show", label])["tape"]["used_bytes"].as_i64().unwrap()
}

#[test]
fn clean_now_keeps_backups_off_the_drive_until_drive_clean() {
    let h = library_home();

    // The drive raises TapeAlert 20: `drive stats` reads it (clearing it on the drive) and
    // records it.
    let out = h.cmd().env(FAULTS, r#"{"tapealert": [20]}"#).args(["--json", "drive", "stats"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["health"]["alerts"][0]["flag"], 20, "{s}");
    assert_eq!(s["health"]["alerts"][0]["name"], "Clean now");
    assert_eq!(s["health"]["alerts"][0]["severity"], "critical");
    assert_eq!(s["health"]["cleaning_required"], true);
    assert_eq!(s["statistics"]["cleaning_required"], true);
    assert_eq!(s["new_alerts"].as_array().unwrap().len(), 1);
    let alert = s["new_alerts"][0]["id"].as_i64().unwrap();

    let a = h.json(["drive", "alerts"]);
    assert_eq!(a["alerts"].as_array().unwrap().len(), 1, "{a}");
    assert_eq!(a["alerts"][0]["category"], "tapealert:20");
    assert_eq!(a["alerts"][0]["severity"], "critical");
    assert_eq!(a["alerts"][0]["drive"], "d0");
    assert_eq!(a["alerts"][0]["resolved"], false);

    // Read again: the flag is gone from the drive (read once, like log page 2Eh), the drive
    // still needs cleaning, and the alert is not recorded twice.
    let s = h.json(["drive", "stats"]);
    assert!(s["health"]["alerts"].as_array().unwrap().is_empty(), "{s}");
    assert_eq!(s["health"]["cleaning_required"], true);
    assert!(s["new_alerts"].as_array().unwrap().is_empty());
    assert_eq!(h.json(["drive", "alerts"])["alerts"].as_array().unwrap().len(), 1);

    // A backup refuses the drive: drive_alert, exit 1, nothing written.
    let (e, code) = json_error(&h.run(["--json", "backup", "run", "nightly"]));
    assert_eq!((e["code"].as_str(), code), (Some("drive_alert"), 1), "{e}");
    assert!(e["message"].as_str().unwrap().contains("drive clean"), "{e}");
    assert_eq!(e["details"]["alerts"][0]["id"], alert);
    assert_eq!(count(&h, "SELECT count(*) FROM backup_sets"), 0);

    // `drive clean`: the cleaning cartridge goes in (the tape the backup loaded goes to a slot
    // first), the drive cleans itself and ejects it, and it goes back to its slot.
    let c = h.json(["drive", "clean"]);
    assert_eq!(c["cartridge"], "CLN001L1", "{c}");
    assert_eq!((c["from"].as_i64(), c["returned_to"].as_i64()), (Some(10), Some(10)));
    assert_eq!(c["resolved"][0]["id"], alert);
    assert!(c["statistics"]["last_cleaned_at"].is_string());
    assert_eq!(c["statistics"]["cleaning_required"], false);
    let inv = h.json(["library", "inventory"]);
    let slot = |e: i64| inv["slots"].as_array().unwrap().iter().find(|s| s["element"] == e).unwrap().clone();
    assert_eq!(slot(10)["barcode"], "CLN001L1", "{inv}");
    assert_eq!(slot(10)["cleaning"], true);
    assert_eq!(slot(500)["full"], false, "{inv}");
    assert!(h.json(["drive", "alerts"])["alerts"].as_array().unwrap().is_empty());
    let all = h.json(["drive", "alerts", "--all"]);
    assert_eq!(all["alerts"][0]["resolved"], true, "{all}");
    assert!(all["alerts"][0]["resolved_at"].is_string());
    let s = h.json(["drive", "stats"]);
    assert_eq!(s["health"]["cleaning_required"], false, "{s}");
    assert_eq!(s["health"]["counters"]["cleanings"], 1);
    assert_eq!(count(&h, "SELECT count(*) FROM audit_logs WHERE action = 'drive.clean'"), 1);
    assert_eq!(count(&h, "SELECT count(*) FROM audit_logs WHERE action = 'drive.alert_resolve'"), 1);

    // Now the backup runs, and the drive's counters grew by what it wrote.
    let written_before = s["statistics"]["total_bytes_written"].as_i64().unwrap();
    let used_before = used_bytes(&h, "W1");
    let b = summary(&h.run(["--json", "backup", "run", "nightly"]));
    assert_eq!(b["tape"], "W1", "{b}");
    let s = h.json(["drive", "stats"]);
    let written = s["statistics"]["total_bytes_written"].as_i64().unwrap() - written_before;
    assert_eq!(written, used_bytes(&h, "W1") - used_before, "every byte the set put on tape: {s}");
    assert_eq!(s["health"]["counters"]["bytes_written"], s["statistics"]["total_bytes_written"]);
    assert!(written >= b["tape_bytes"].as_i64().unwrap(), "{b}");
}

#[test]
fn a_media_alert_retires_the_tape_and_the_backup_takes_another() {
    let h = library_home();
    h.ok(["library", "load", "VT0001L8"]);

    // W1 is in the drive; the drive says its medium is bad (TapeAlert 4): W1 is retired and
    // not written, the library brings W2.
    let out =
        h.cmd().env(FAULTS, r#"{"tapealert": [4]}"#).args(["--json", "backup", "run", "nightly"]).output().unwrap();
    let b = summary(&out);
    assert_eq!(b["tape"], "W2", "{b}");
    let w1 = h.json(["tape", "show", "W1"]);
    assert_eq!(w1["tape"]["status"], "retired", "{w1}");
    assert_eq!(
        count(&h, "SELECT count(*) FROM backup_sets WHERE tape_id = (SELECT id FROM tapes WHERE label = 'W1')"),
        0
    );
    let reason: String =
        h.sql().query_row("SELECT details FROM audit_logs WHERE action = 'tape.retire'", [], |r| r.get(0)).unwrap();
    assert!(reason.contains("TapeAlert 4 (Media)"), "{reason}");
    let a = h.json(["drive", "alerts"]);
    assert_eq!(a["alerts"][0]["category"], "tapealert:4", "{a}");
    assert!(a["alerts"][0]["message"].as_str().unwrap().contains("'W1'"), "{a}");

    // A medium alert does not keep the drive from writing another tape.
    std::fs::write(h.data().join("b.txt"), b"more\n").unwrap();
    assert_eq!(summary(&h.run(["--json", "backup", "run", "nightly"]))["tape"], "W2");

    // The last good tape goes bad too: no tape is left to take, so the run stops and asks
    // for one (exit 4), having written nothing.
    let sets = count(&h, "SELECT count(*) FROM backup_sets");
    let out =
        h.cmd().env(FAULTS, r#"{"tapealert": [4]}"#).args(["--json", "backup", "run", "nightly"]).output().unwrap();
    let (e, code) = json_error(&out);
    assert_eq!((e["code"].as_str(), code), (Some("no_tape"), 4), "{e}");
    assert!(e["message"].as_str().unwrap().contains("TapeAlert 4 (Media) for tape 'W2'"), "{e}");
    assert_eq!(h.json(["tape", "show", "W2"])["tape"]["status"], "retired");
    assert_eq!(count(&h, "SELECT count(*) FROM backup_sets"), sets);
}

#[test]
fn drive_alerts_are_resolved_by_hand_and_warnings_never_stop_a_backup() {
    let h = library_home();
    // Hardware A (30, critical, the drive) and Clean periodic (21, a warning).
    let out = h.cmd().env(FAULTS, r#"{"tapealert": [30, 21]}"#).args(["--json", "drive", "stats"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let a = h.json(["--drive", "d0", "drive", "alerts"]);
    let by = |cat: &str| a["alerts"].as_array().unwrap().iter().find(|x| x["category"] == cat).unwrap().clone();
    assert_eq!(by("tapealert:21")["severity"], "warning", "{a}");
    let hw = by("tapealert:30");
    assert_eq!(hw["severity"], "critical");

    let (e, _) = json_error(&h.run(["--json", "backup", "run", "nightly"]));
    assert_eq!(e["code"], "drive_alert");
    assert!(e["message"].as_str().unwrap().contains("have it checked"), "{e}");
    assert_eq!(e["details"]["alerts"].as_array().unwrap().len(), 1, "the warning does not stop it: {e}");

    let id = hw["id"].as_i64().unwrap().to_string();
    let r = h.json(["drive", "alerts", "--resolve", &id]);
    assert_eq!(r["changes"]["resolved"]["to"], true, "{r}");
    assert_eq!(r["alert"]["resolved"], true);
    let again = h.json(["drive", "alerts", "--resolve", &id]);
    assert_eq!(again["changes"], serde_json::json!({}), "resolving twice changes nothing");
    let (e, code) = json_error(&h.run(["--json", "drive", "alerts", "--resolve", "999"]));
    assert_eq!((e["code"].as_str(), code), (Some("not_found"), 1));
    assert_eq!(h.run(["drive", "alerts", "--resolve", &id, "--all"]).status.code(), Some(2));

    // The warning stays unresolved, and the backup runs.
    assert_eq!(summary(&h.run(["--json", "backup", "run", "nightly"]))["tape"], "W1");
    let open = h.json(["drive", "alerts"]);
    assert_eq!(open["alerts"].as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open["alerts"][0]["category"], "tapealert:21");
}

#[test]
fn drive_clean_needs_a_library_and_a_cleaning_cartridge() {
    let h = Home::with_tape();
    let before = h.snapshot();
    let (e, code) = json_error(&h.run(["--json", "drive", "clean"]));
    assert_eq!((e["code"].as_str(), code), (Some("invalid_state"), 1));
    assert!(e["message"].as_str().unwrap().contains("not in a library"), "{e}");
    assert_eq!(h.snapshot(), before);

    // A library without a cleaning cartridge: what to do, and nothing moved or recorded.
    let vl = h.dir.path().join("vl");
    h.ok(["library", "add", "vtl", "--device", &format!("vlib:{}", vl.display())]);
    h.ok(["library", "inventory", "vtl"]);
    h.ok(["library", "attach-drive", "vtl", "--element", "500"]);
    let before = h.snapshot();
    let (e, code) = json_error(&h.run(["--json", "drive", "clean"]));
    assert_eq!((e["code"].as_str(), code), (Some("not_found"), 1));
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("no cleaning cartridge") && m.contains("vlib add-tape"), "{m}");
    assert_eq!(h.snapshot(), before);
}

#[test]
fn drive_add_with_library_checks_the_element() {
    let h = library_home();
    let vl = h.dir.path().join("vl");
    let dev = format!("vtape:{}", vl.join("drives/1").display());
    let before = h.snapshot();
    let cases = [
        ("vtl", "1000", "invalid_state"),
        ("vtl", "999", "not_found"),
        ("vtl", "500", "in_use"),
        ("nosuch", "501", "not_found"),
    ];
    for (library, element, code) in cases {
        let args = ["--json", "drive", "add", "d1", "--device", &dev, "--library", library, "--element", element];
        let (e, exit) = json_error(&h.run(args));
        assert_eq!((e["code"].as_str(), exit), (Some(code), 1), "{library} element {element}: {e}");
    }
    assert_eq!(h.run(["drive", "add", "d1", "--device", &dev, "--element", "501"]).status.code(), Some(2));
    assert_eq!(h.snapshot(), before, "a refused add changes nothing");

    let d = h.json(["drive", "add", "d1", "--device", &dev, "--library", "vtl", "--element", "501"]);
    assert_eq!(d["drive"]["library_drive_number"], 501, "{d}");
    let lib = h.json(["library", "show", "vtl"]);
    let drives: Vec<&str> = lib["drives"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(drives, ["d0", "d1"], "{lib}");
    assert_eq!(count(&h, "SELECT count(*) FROM audit_logs WHERE action = 'drive.add'"), 2);
}

/// The bug this fixes: a virtual library drive's own unload (what an interactive tape change
/// does) emptied the drive without putting the cartridge anywhere, so the library lost it.
/// Now it stays in the drive's element, ejected, as in a real library, until moved.
#[test]
fn a_library_drives_unload_keeps_the_cartridge_in_the_library() {
    use tapebackarr::tape::{self, DeviceSpec};
    let h = library_home();
    h.ok(["library", "load", "VT0002L8"]);
    let spec = DeviceSpec::parse(&format!("vtape:{}", h.dir.path().join("vl/drives/0").display())).unwrap();
    tape::open(&spec).unwrap().unload().unwrap();

    assert_eq!(h.json(["drive", "status"])["status"]["loaded"], false);
    let inv = h.json(["library", "inventory"]);
    let holding: Vec<i64> = inv["slots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["barcode"] == "VT0002L8")
        .map(|s| s["element"].as_i64().unwrap())
        .collect();
    assert_eq!(holding, [500], "still in the drive's element, nowhere else: {inv}");
    assert!(inv["changes"].as_array().unwrap().is_empty(), "the catalog already had it there: {inv}");
    // The robot takes it back to a slot as from any drive.
    let u = h.json(["library", "unload"]);
    assert_eq!(u["barcode"], "VT0002L8", "{u}");
    let inv = h.json(["library", "inventory"]);
    let at = |e: i64| inv["slots"].as_array().unwrap().iter().find(|s| s["element"] == e).unwrap()["barcode"].clone();
    assert_eq!(at(u["to"].as_i64().unwrap()), "VT0002L8", "{inv}");
    assert_eq!(at(500), Value::Null);
}

#[test]
fn tgt_drives_report_health_as_not_supported() {
    if !tgt_available("tgt_drives_report_health_as_not_supported") {
        return;
    }
    let vtl = Vtl::start(Some(64));
    // The backend: LOG SENSE is an invalid operation code on tgt.
    let e = vtl.open(4).health().unwrap_err();
    assert!(matches!(e, tapebackarr::tape::TapeError::Unsupported(_)), "{e:?}");
    // The command: not_supported, exit 1, nothing recorded.
    let h = Home::new();
    h.ok(["drive", "add", "tgt", "--device", &vtl.url(4)]);
    let before = h.snapshot();
    let (e, code) = json_error(&h.run(["--json", "drive", "stats"]));
    assert_eq!((e["code"].as_str(), code), (Some("not_supported"), 1), "{e}");
    assert!(e["message"].as_str().unwrap().contains("not supported by this drive"), "{e}");
    assert_eq!(h.snapshot(), before);
}

/// Alerts raised while a backup writes are read when a part closes (here at each checkpoint):
/// the part just closed is kept, the run stops there, and `backup resume` goes on once the
/// drive is cleaned, or on another tape once the bad one is retired.
#[test]
fn an_alert_in_the_middle_of_a_backup_stops_it_after_the_part() {
    let h = library_home();
    std::fs::write(h.data().join("big"), vec![0x5au8; 20 << 20]).unwrap();
    let run = |faults: &str| {
        h.cmd().env(FAULTS, faults).args(["--json", "backup", "run", "nightly", "--checkpoint", "4M"]).output().unwrap()
    };
    let execution = |h: &Home| count(h, "SELECT max(id) FROM job_executions").to_string();

    // Clean now, raised at the 5th write: the run stops after its first part (exit 1).
    let (e, code) = json_error(&run(r#"{"tapealert": [20], "tapealert_at_write": 5}"#));
    assert_eq!((e["code"].as_str(), code), (Some("drive_alert"), 1), "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("backup resume") && m.contains("the set stops after the part just closed"), "{m}");
    assert_eq!(count(&h, "SELECT count(*) FROM backup_set_parts"), 1);
    assert_eq!(count(&h, "SELECT count(*) FROM job_executions WHERE status = 'paused'"), 1);
    let (e, _) = json_error(&h.run(["--json", "backup", "resume", &execution(&h)]));
    assert_eq!(e["code"], "drive_alert", "not resumed before cleaning: {e}");
    h.ok(["drive", "clean"]);
    let s = summary(&h.run(["--json", "backup", "resume", &execution(&h)]));
    assert_eq!(s["status"], "completed", "{s}");

    // Media, raised at the 5th write: W1 is retired after the part that was on its way; the
    // run stops asking for a tape (exit 4), and resumes on W2.
    std::fs::write(h.data().join("more"), b"x").unwrap();
    let (e, code) = json_error(&run(r#"{"tapealert": [4], "tapealert_at_write": 5}"#));
    assert_eq!((e["code"].as_str(), code), (Some("no_tape"), 4), "{e}");
    assert!(e["message"].as_str().unwrap().contains("'W1', which is now retired"), "{e}");
    assert_eq!(h.json(["tape", "show", "W1"])["tape"]["status"], "retired");
    let s = summary(&h.run(["--json", "backup", "resume", &execution(&h)]));
    assert_eq!(s["status"], "completed", "{s}");
    assert_eq!(s["tapes"].as_array().unwrap().last().unwrap(), "W2", "{s}");
}
