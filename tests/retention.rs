//! Retention end to end, as a user runs it: real backups on the virtual tape at chosen dates
//! (the binary under libfaketime, tests/common/clock.rs), then `expire` at later dates. What
//! is due expires and nothing else; a dry run changes nothing; an expired tape is reused by
//! the next backup (erased after its label); expired sets refuse restore clearly; held sets,
//! exported tapes and incremental chains behave as docs/CLI.md, "Retention and expiry", says.

mod common;

use common::{Home, stderr};
use serde_json::Value;

/// [`Home::with_tape`] with pool and job retention of `days`, and a small source tree.
fn home(days: u32) -> Home {
    let h = Home::with_tape();
    let d = days.to_string();
    h.ok(["pool", "update", "weekly", "--retention-days", &d]);
    h.ok(["job", "update", "nightly", "--retention-days", &d]);
    write(&h, "a.txt", "alpha");
    write(&h, "sub/b.txt", "bravo");
    h
}

fn write(h: &Home, path: &str, text: &str) {
    let p = h.data().join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `backup run nightly ARGS` at `when`; the summary event.
fn backup_at(h: &Home, when: &str, args: &[&str]) -> Value {
    let mut all = vec!["--json", "backup", "run", "nightly"];
    all.extend_from_slice(args);
    let out = h.run_at(when, &all);
    assert!(out.status.success(), "backup at {when}: {}", stderr(&out));
    let last = String::from_utf8(out.stdout).unwrap().lines().last().unwrap().to_string();
    let summary: Value = serde_json::from_str(&last).unwrap();
    assert_eq!(summary["type"], "summary");
    summary
}

fn expire_at(h: &Home, when: &str, dry_run: bool) -> Value {
    let mut args = vec!["expire"];
    if dry_run {
        args.push("--dry-run");
    }
    h.json_at(when, args)
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect()
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap().to_string()).collect()
}

fn tape(h: &Home, when: &str, label: &str) -> Value {
    h.json_at(when, ["tape", "show", label])["tape"].clone()
}

fn set(h: &Home, when: &str, id: i64) -> Value {
    h.json_at(when, ["backup", "show", &id.to_string()])["set"].clone()
}

/// Runs with `--json` at `when`, expecting failure `code` with exit `exit`; the error message.
fn refused_at(h: &Home, when: &str, args: &[&str], exit: i32, code: &str) -> String {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.run_at(when, &all);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: {}", stderr(&out));
    let err: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["code"], code, "{err}");
    err["message"].as_str().unwrap().to_string()
}

/// A time the binary wrote, to the minute (the faked clock runs on while a backup runs).
fn assert_minute(v: &Value, minute: &str) {
    assert!(v.as_str().is_some_and(|t| t.starts_with(minute)), "{v} is not in {minute}");
}

fn audit_actions(h: &Home, action: &str) -> usize {
    let n: i64 =
        h.sql().query_row("SELECT count(*) FROM audit_logs WHERE action = ?1", [action], |r| r.get(0)).unwrap();
    n as usize
}

#[test]
fn expired_sets_free_their_tape_and_the_next_backup_reuses_it() {
    let h = home(7);
    let full = backup_at(&h, "2027-01-01 02:00:00", &[]);
    write(&h, "c.txt", "charlie");
    let incr = backup_at(&h, "2027-01-03 02:00:00", &["--incremental"]);
    assert_eq!(incr["backup_type"], "incremental");
    let (s1, s2) = (full["set"].as_i64().unwrap(), incr["set"].as_i64().unwrap());

    // The chain is kept until its newest member is 7 days old.
    let shown = set(&h, "2027-01-04 00:00:00", s1);
    assert_minute(&shown["expires_at"], "2027-01-10T02:00");
    assert_eq!(shown["hold"], false);
    assert_eq!(shown["expired_at"], Value::Null);
    assert_minute(&tape(&h, "2027-01-04 00:00:00", "W1")["expires_at"], "2027-01-10T02:00");
    let e = expire_at(&h, "2027-01-09 00:00:00", false);
    assert!(e["sets"].as_array().unwrap().is_empty() && e["tapes"].as_array().unwrap().is_empty(), "{e}");
    assert_eq!(audit_actions(&h, "expire.run"), 0, "an expire that changes nothing writes nothing");

    // A dry run says what would go and changes nothing.
    let before = h.snapshot();
    let dry = expire_at(&h, "2027-01-11 00:00:00", true);
    assert_eq!(h.snapshot(), before, "expire --dry-run changed the catalog");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(ids(&dry["sets"]), vec![s2, s1], "the incremental goes before its full");
    assert_eq!(labels(&dry["tapes"]), vec!["W1"]);
    let entries = dry["entries_deleted"].as_u64().unwrap();
    assert!(entries >= 4, "{dry}");

    let done = expire_at(&h, "2027-01-11 00:00:00", false);
    assert_eq!(ids(&done["sets"]), vec![s2, s1]);
    assert_eq!(done["entries_deleted"].as_u64().unwrap(), entries);
    assert_eq!(done["sets"][1]["retention_days"], 7);
    assert_eq!(done["sets"][1]["expired_at"], "2027-01-11T00:00:00Z");
    assert_eq!(labels(&done["tapes"]), vec!["W1"]);
    assert_eq!(audit_actions(&h, "set.expire"), 2);
    assert_eq!(audit_actions(&h, "tape.expire"), 1);
    assert_eq!(audit_actions(&h, "expire.run"), 1);
    let w1 = tape(&h, "2027-01-11 00:00:00", "W1");
    assert_eq!(w1["status"], "expired");
    assert_eq!((w1["backup_sets"].as_i64(), w1["expired_backup_sets"].as_i64()), (Some(0), Some(2)));
    assert_eq!(w1["expires_at"], Value::Null);
    let shown = set(&h, "2027-01-11 00:00:00", s1);
    assert_eq!(shown["expired_at"], "2027-01-11T00:00:00Z");
    assert_eq!(shown["status"], "completed", "the status still says how the run ended");
    assert_eq!(shown["parts"].as_array().unwrap().len(), 1, "parts stay as history");
    let rows: i64 = h.sql().query_row("SELECT count(*) FROM catalog_entries", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 0);
    let indexed: i64 = h.sql().query_row("SELECT count(*) FROM catalog_entries_fts_docsize", [], |r| r.get(0)).unwrap();
    assert_eq!(indexed, 0, "the search index follows");
    // Expiring again finds nothing more.
    let again = expire_at(&h, "2027-01-11 00:00:01", false);
    assert!(again["sets"].as_array().unwrap().is_empty() && again["tapes"].as_array().unwrap().is_empty());

    // Restore and verify of an expired set say so; find has nothing.
    let dest = h.dir.path().join("restored");
    let message = refused_at(
        &h,
        "2027-01-11 00:00:00",
        &["restore", "--set", &s1.to_string(), "--to", dest.to_str().unwrap()],
        1,
        "invalid_state",
    );
    assert!(message.contains(&format!("set {s1} expired on 2027-01-11 00:00:00 UTC")), "{message}");
    assert!(message.contains("its data stays on tape 'W1' until the tape is reused"), "{message}");
    refused_at(&h, "2027-01-11 00:00:00", &["verify", &s2.to_string()], 1, "invalid_state");
    let found = h.json_at("2027-01-11 00:00:00", ["catalog", "find", "a.txt"]);
    assert_eq!(found["hits"].as_array().map(Vec::len), Some(0), "{found}");
    let out = h.run_at("2027-01-11 00:00:00", ["restore", "--job", "nightly", "--to", dest.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    // `catalog rebuild` with the tape in the drive reads the expired sets back, live until the
    // next expire (which takes them again: their retention has passed).
    let rebuilt = h.json_at("2027-01-11 00:00:00", ["catalog", "rebuild"]);
    assert!(rebuilt.to_string().contains("had expired on 2027-01-11 00:00:00 UTC"), "{rebuilt}");
    assert_eq!(tape(&h, "2027-01-11 00:00:00", "W1")["used_bytes"], w1["used_bytes"], "not counted twice");
    let back = h.dir.path().join("read-back");
    h.ok_at("2027-01-11 00:00:00", ["restore", "--set", &s1.to_string(), "--to", back.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(back.join("a.txt")).unwrap(), "alpha");
    let check = h.json_at("2027-01-11 00:00:00", ["catalog", "check"]);
    assert_eq!(check["problems"].as_array().map(Vec::len), Some(0), "{check}");
    let again = expire_at(&h, "2027-01-11 00:00:02", false);
    assert_eq!(ids(&again["sets"]), vec![s2, s1]);

    // The next backup takes the expired tape in the drive, erases it after its label and
    // starts again at file 1; with every set expired it is a full.
    let write_count = w1["write_count"].as_i64().unwrap();
    let next = backup_at(&h, "2027-01-12 02:00:00", &["--incremental"]);
    assert_eq!(next["backup_type"], "full", "no incremental on an expired set: {next}");
    assert_eq!(next["tape"], "W1");
    assert_eq!(next["file"], 1, "written right after the label: {next}");
    let w1 = tape(&h, "2027-01-12 03:00:00", "W1");
    assert_eq!(w1["status"], "active");
    assert_eq!(w1["write_count"].as_i64().unwrap(), write_count + 1);
    assert_eq!(w1["used_bytes"], next["tape_bytes"], "usage restarts");
    // The old sets' files are gone from the tape: a set's data and index are files 1 and 2.
    let gone = h.dir.path().join("file3.bin");
    let out = h.run(["tape", "dump", "--file", "3", "--output", gone.to_str().unwrap()]);
    assert!(!out.status.success(), "tape file 3 of the old sets is still there");
    let s3 = next["set"].as_i64().unwrap();
    h.ok_at("2027-01-12 03:00:00", ["restore", "--set", &s3.to_string(), "--to", dest.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(dest.join("c.txt")).unwrap(), "charlie");
    assert_eq!(std::fs::read_to_string(dest.join("sub/b.txt")).unwrap(), "bravo");
    let check = h.json_at("2027-01-12 03:00:00", ["catalog", "check"]);
    assert_eq!(check["problems"].as_array().map(Vec::len), Some(0), "{check}");
    // The listing shows the history: expired sets with when, the live one with its expiry.
    let list = h.json_at("2027-01-12 03:00:00", ["backup", "list"]);
    let sets = list["sets"].as_array().unwrap();
    assert_minute(&sets[0]["expires_at"], "2027-01-19T02:00");
    assert_eq!(sets[1]["expired_at"], "2027-01-11T00:00:02Z", "expired again after the read-back");
    assert_eq!(sets[1]["expires_at"], Value::Null);
}

#[test]
fn a_held_set_and_its_tape_survive_until_released() {
    let h = home(7);
    let s1 = backup_at(&h, "2027-01-01 02:00:00", &[])["set"].as_i64().unwrap().to_string();
    let held = h.json_at("2027-01-02 00:00:00", ["backup", "hold", &s1, "--reason", "case 114"]);
    assert_eq!((held["hold"].as_bool(), held["changed"].as_bool()), (Some(true), Some(true)), "{held}");
    let again = h.json_at("2027-01-02 00:00:00", ["backup", "hold", &s1]);
    assert_eq!(again["changed"], false, "holding twice changes nothing");
    assert_eq!(again["hold_reason"], "case 114", "the reason stays");
    assert_eq!(audit_actions(&h, "set.hold"), 1);

    let shown = set(&h, "2027-06-01 00:00:00", s1.parse().unwrap());
    assert_eq!((shown["hold"].as_bool(), shown["hold_reason"].as_str()), (Some(true), Some("case 114")));
    assert_eq!(shown["expires_at"], Value::Null, "held: never");
    let w1 = tape(&h, "2027-06-01 00:00:00", "W1");
    assert_eq!((w1["expires_at"].clone(), w1["never_expires"].as_bool()), (Value::Null, Some(true)));
    let human = h.ok_at("2027-06-01 00:00:00", ["tape", "list"]);
    assert!(human.contains("never"), "{human}");
    let e = expire_at(&h, "2027-06-01 00:00:00", false);
    assert!(e["sets"].as_array().unwrap().is_empty() && e["tapes"].as_array().unwrap().is_empty(), "{e}");
    assert_eq!(tape(&h, "2027-06-01 00:00:00", "W1")["status"], "active");

    let released = h.json_at("2027-06-01 00:00:00", ["backup", "release", &s1]);
    assert_eq!(released["changed"], true);
    assert_eq!(h.json_at("2027-06-01 00:00:00", ["backup", "release", &s1])["changed"], false);
    assert_eq!(audit_actions(&h, "set.release"), 1);
    let e = expire_at(&h, "2027-06-01 00:00:00", false);
    assert_eq!(labels(&e["tapes"]), vec!["W1"]);

    // Bad input: an unknown set, a set that is not a number, an expired set.
    let before = h.snapshot();
    for verb in ["hold", "release"] {
        assert!(refused_at(&h, "2027-06-01 00:00:00", &["backup", verb, "99"], 1, "not_found").contains("99"));
        refused_at(&h, "2027-06-01 00:00:00", &["backup", verb, "abc"], 2, "usage");
        let m = refused_at(&h, "2027-06-01 00:00:00", &["backup", verb, &s1], 1, "invalid_state");
        assert!(m.contains("expired on"), "{m}");
    }
    assert_eq!(h.snapshot(), before, "refusals changed the catalog");
}

#[test]
fn tape_erase_and_relabel_take_an_expired_tape_and_refuse_live_sets() {
    let h = home(7);
    backup_at(&h, "2027-01-01 02:00:00", &[]);
    let before = h.snapshot();
    let m = refused_at(&h, "2027-01-02 00:00:00", &["tape", "erase", "--yes"], 1, "wrong_tape");
    assert!(m.contains("1 live backup set(s)"), "{m}");
    refused_at(
        &h,
        "2027-01-02 00:00:00",
        &["tape", "label", "W1", "--pool", "weekly", "--force", "--yes"],
        1,
        "wrong_tape",
    );
    assert_eq!(h.snapshot(), before);

    expire_at(&h, "2027-01-09 00:00:00", false);
    h.ok_at("2027-01-09 00:00:00", ["tape", "label", "W1", "--pool", "weekly", "--force", "--yes"]);
    assert_eq!(tape(&h, "2027-01-09 00:00:00", "W1")["status"], "blank");
    backup_at(&h, "2027-01-10 02:00:00", &[]);
    expire_at(&h, "2027-01-18 00:00:00", false);
    assert_eq!(tape(&h, "2027-01-18 00:00:00", "W1")["status"], "expired");
    let erased = h.json_at("2027-01-18 00:00:00", ["tape", "erase", "--yes"]);
    assert_eq!(erased["erased"], true);
    let w1 = tape(&h, "2027-01-18 00:00:00", "W1");
    assert_eq!((w1["status"].as_str(), w1["used_bytes"].as_i64()), (Some("blank"), Some(0)));
    // A blank tape keeps nothing: no expiry.
    assert_eq!((w1["expires_at"].clone(), w1["never_expires"].as_bool()), (Value::Null, Some(false)));
}

#[test]
fn an_exported_tape_is_recalled_and_reused_only_once_imported() {
    let h = home(7);
    let s1 = backup_at(&h, "2027-01-01 02:00:00", &[])["set"].as_i64().unwrap();
    h.ok_at("2027-01-02 00:00:00", ["tape", "export", "W1", "--location", "vault 3"]);
    let e = expire_at(&h, "2027-01-09 00:00:00", false);
    assert_eq!(ids(&e["sets"]), vec![s1], "its sets expire in the catalog");
    assert!(e["tapes"].as_array().unwrap().is_empty(), "{e}");
    assert_eq!(labels(&e["recall"]), vec!["W1"]);
    assert_eq!(e["recall"][0]["offsite_location"], "vault 3");
    let w1 = tape(&h, "2027-01-09 00:00:00", "W1");
    assert_eq!((w1["status"].as_str(), w1["recall"].as_bool()), (Some("exported"), Some(true)));
    let human = h.ok_at("2027-01-09 00:00:00", ["expire", "--dry-run"]);
    assert!(human.contains("tape import") && human.contains("W1") && human.contains("vault 3"), "{human}");

    // Not reused while exported (the cartridge is still in the virtual drive, but the
    // catalog says it is offsite): the backup asks for a tape.
    let out = h.run_at("2027-01-10 02:00:00", ["--json", "backup", "run", "nightly"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));

    h.ok_at("2027-01-10 03:00:00", ["tape", "import", "W1"]);
    let e = expire_at(&h, "2027-01-10 03:00:00", false);
    assert!(e["sets"].as_array().unwrap().is_empty());
    assert_eq!(labels(&e["tapes"]), vec!["W1"], "{e}");
    assert_eq!(e["tapes"][0]["from"], "active");
    assert_eq!(tape(&h, "2027-01-10 03:00:00", "W1")["recall"], false);
    let next = backup_at(&h, "2027-01-11 02:00:00", &[]);
    assert_eq!((next["tape"].as_str(), next["file"].as_i64()), (Some("W1"), Some(1)));
}

#[test]
fn an_incremental_chain_expires_only_as_a_whole() {
    let h = home(7);
    let full = backup_at(&h, "2027-01-01 02:00:00", &[])["set"].as_i64().unwrap();
    write(&h, "c.txt", "charlie");
    let incr = backup_at(&h, "2027-01-05 02:00:00", &["--incremental"])["set"].as_i64().unwrap();
    // The full is past its own 7 days, its incremental is not: neither goes.
    let e = expire_at(&h, "2027-01-10 00:00:00", false);
    assert!(e["sets"].as_array().unwrap().is_empty(), "{e}");
    let dest = h.dir.path().join("asof");
    h.ok_at("2027-01-10 00:00:00", ["restore", "--job", "nightly", "--to", dest.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(dest.join("a.txt")).unwrap(), "alpha", "the full still restores");
    // A new full starts a new chain, kept when the old one goes.
    let next = backup_at(&h, "2027-01-11 02:00:00", &["--full"])["set"].as_i64().unwrap();
    let e = expire_at(&h, "2027-01-12 03:00:00", false);
    assert_eq!(ids(&e["sets"]), vec![incr, full]);
    assert!(e["tapes"].as_array().unwrap().is_empty(), "W1 still holds set {next}");
    assert_eq!(set(&h, "2027-01-12 03:00:00", next)["expired_at"], Value::Null);
    let after = backup_at(&h, "2027-01-13 02:00:00", &["--incremental"]);
    assert_eq!(after["parent_set"], next, "incrementals build on the live set");
}

/// Policy `always` in a library: each run takes a fresh tape; with none left the run asks for
/// one (exit 4) until `expire` frees one, which the drive then fetches by itself.
#[test]
fn a_library_fetches_an_expired_tape_when_no_blank_one_is_left() {
    let h = Home::with_library("64M", 2);
    std::fs::create_dir_all(h.data()).unwrap();
    write(&h, "a.txt", "alpha");
    h.ok_os(&["source".as_ref(), "add".as_ref(), "s".as_ref(), h.data().as_os_str()]);
    h.ok(["job", "create", "j", "--source", "s", "--pool", "p", "--retention-days", "1"]);
    h.ok(["pool", "update", "p", "--retention-days", "1", "--allocation-policy", "always"]);
    let run = |when: &str| h.run_at(when, ["--json", "backup", "run", "j"]);
    let summary = |out: std::process::Output| -> Value {
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str(String::from_utf8(out.stdout).unwrap().lines().last().unwrap()).unwrap()
    };
    let first = summary(run("2027-01-01 02:00:00"))["tape"].as_str().unwrap().to_string();
    let second = summary(run("2027-01-02 02:00:00"))["tape"].as_str().unwrap().to_string();
    assert_ne!(first, second, "a fresh tape every run");
    let out = run("2027-01-02 12:00:00");
    assert_eq!(out.status.code(), Some(4), "no fresh tape left: {}", stderr(&out));

    // Set 1 is a day old, set 2 not yet: only the first tape is freed.
    let e = expire_at(&h, "2027-01-02 12:00:00", false);
    assert_eq!(labels(&e["tapes"]), vec![first.clone()]);
    let third = summary(run("2027-01-02 13:00:00"));
    assert_eq!((third["tape"].as_str(), third["file"].as_i64()), (Some(first.as_str()), Some(1)), "{third}");
    let listed = h.json_at("2027-01-02 13:00:00", ["tape", "list"]);
    let statuses: Vec<&str> =
        listed["tapes"].as_array().unwrap().iter().map(|t| t["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["active", "active"], "{listed}");
}
