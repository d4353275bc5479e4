//! `schedule run-due` and `schedule list` as cron or a systemd timer would run them: the real
//! binary at chosen moments of a simulated clock (libfaketime, `common::clock`), backing up to
//! the virtual library. Every slot runs once: not before it is due, once when it is, once for
//! many missed, never while the job still runs, once across clock changes.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::os::unix::fs::OpenOptionsExt;

use common::{Home, ndjson, stderr};
use serde_json::Value;

/// See [`Home::scheduled`].
fn scheduled(schedule: &str, created: &str) -> Home {
    Home::scheduled(schedule, created)
}

/// `--json schedule run-due` at `when` (UTC): its exit code and NDJSON records.
fn run_due(h: &Home, when: &str) -> (i32, Vec<Value>) {
    let out = h.run_at(when, ["--json", "schedule", "run-due"]);
    let records = ndjson(&out);
    (out.status.code().unwrap(), records)
}

/// Holds the flock on `path` as process `holder` would (the kernel drops it with the returned
/// guard), writing who holds it as our lock files do.
fn hold_lock(path: &std::path::Path, holder: &str) -> nix::fcntl::Flock<std::fs::File> {
    let file =
        std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).mode(0o644).open(path).unwrap();
    std::io::Write::write_all(&mut &file, holder.as_bytes()).unwrap();
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock).unwrap()
}

fn job(h: &Home, name: &str) -> Value {
    h.json(["job", "show", name])["job"].clone()
}

fn sets(h: &Home) -> i64 {
    h.sql().query_row("SELECT count(*) FROM backup_sets", [], |r| r.get(0)).unwrap()
}

fn audit_count(h: &Home, action: &str) -> i64 {
    h.sql().query_row("SELECT count(*) FROM audit_logs WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

#[test]
fn a_due_job_runs_once_and_slots_missed_while_off_run_once() {
    let h = scheduled("0 2 * * *", "2030-01-01 00:00:00");
    assert_eq!(job(&h, "j")["next_run_at"], "2030-01-01T02:00:00Z");

    // Not yet due: nothing runs, and --json still says so in one line.
    let (code, records) = run_due(&h, "2030-01-01 01:59:30");
    assert_eq!((code, records.len()), (0, 1));
    assert_eq!(records[0]["type"], "idle");
    assert_eq!(sets(&h), 0);

    // Due: one run, through the backup engine, and the next slot from the schedule.
    let (code, records) = run_due(&h, "2030-01-01 02:00:20");
    assert_eq!(code, 0, "{records:?}");
    assert_eq!(records.len(), 1, "{records:?}");
    let run = &records[0];
    assert_eq!(
        (run["type"].as_str(), run["job"].as_str(), run["result"].as_str()),
        (Some("run"), Some("j"), Some("completed"))
    );
    assert_eq!(run["slot"], "2030-01-01T02:00:00Z");
    assert_eq!(run["action"], "backup");
    assert_eq!(run["summary"]["type"], "summary");
    assert_eq!(run["summary"]["files"], 1);
    assert_eq!(run["next_run_at"], "2030-01-02T02:00:00Z");
    let j = job(&h, "j");
    assert_eq!(j["next_run_at"], "2030-01-02T02:00:00Z");
    assert!(j["last_run_at"].as_str().unwrap().starts_with("2030-01-01T02:00"), "{j}");
    let set = run["summary"]["set"].as_i64().unwrap();
    h.ok(["verify", &set.to_string()]);

    // Called again within the minute, as a timer does: the slot has run.
    let (code, records) = run_due(&h, "2030-01-01 02:00:50");
    assert_eq!((code, records[0]["type"].as_str()), (0, Some("idle")));
    assert_eq!(sets(&h), 1);

    // Off for three days and a half: the three missed slots make one run. A change to the
    // job meanwhile that is not its schedule does not drop the slot that is due.
    h.ok_at("2030-01-05 09:00:00", ["job", "update", "j", "--compression", "zstd"]);
    assert_eq!(job(&h, "j")["next_run_at"], "2030-01-02T02:00:00Z");
    let (code, records) = run_due(&h, "2030-01-05 10:00:00");
    assert_eq!(code, 0);
    assert_eq!(records.len(), 1, "one run for the missed slots: {records:?}");
    assert_eq!(records[0]["slot"], "2030-01-02T02:00:00Z");
    assert_eq!(records[0]["next_run_at"], "2030-01-06T02:00:00Z");
    assert_eq!(sets(&h), 2);
    assert_eq!(audit_count(&h, "schedule.run"), 2);

    // schedule list says how it went and what is next.
    let list = h.json(["schedule", "list"]);
    let row = &list["jobs"][0];
    assert_eq!((row["job"].as_str(), row["result"].as_str()), (Some("j"), Some("completed")));
    assert_eq!(row["last_execution"]["set"], records[0]["summary"]["set"]);
    assert_eq!(row["next_run_at"], "2030-01-06T02:00:00Z");
    let text = h.ok(["schedule", "list"]);
    assert!(text.contains("completed (set 2)") && text.contains("2030-01-06 02:00:00 UTC"), "{text}");

    // A dry run says what would run and changes nothing.
    let before = h.snapshot();
    let out = h.run_at("2030-01-06 03:00:00", ["schedule", "run-due", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("job 'j' (due 2030-01-06T02:00:00Z): would run"), "{text}");
    assert_eq!(h.snapshot(), before, "a dry run changed the catalog");
}

#[test]
fn a_second_scheduler_starts_nothing_while_one_runs() {
    let h = scheduled("0 2 * * *", "2030-01-01 00:00:00");
    // The first scheduler's lock, held as `run-due` holds it (flock, dropped when its holder
    // dies), by this test instead of a long backup.
    let lock = hold_lock(&h.home().join("schedule.lock"), "4242 schedule run-due");
    let before = h.snapshot();
    let (code, records) = run_due(&h, "2030-01-01 02:00:30");
    assert_eq!(code, 0, "a busy scheduler is not an error: {records:?}");
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["type"], "busy");
    assert!(records[0]["holder"].as_str().unwrap().contains("4242"), "{records:?}");
    assert_eq!(h.snapshot(), before, "nothing ran, nothing was claimed");
    drop(lock);
    let (code, records) = run_due(&h, "2030-01-01 02:00:40");
    assert_eq!((code, records[0]["result"].as_str()), (0, Some("completed")), "{records:?}");
}

#[test]
fn a_run_without_a_usable_tape_waits_for_its_next_slot() {
    let h = scheduled("0 2 * * *", "2030-01-01 00:00:00");
    // Pool `q` has no tape yet.
    h.ok(["pool", "create", "q"]);
    h.ok_at("2030-01-01 00:00:00", ["job", "update", "j", "--pool", "q"]);
    let (code, records) = run_due(&h, "2030-01-01 02:00:30");
    assert_eq!(code, 4, "{records:?}");
    let run = &records[0];
    assert_eq!(run["result"], "waiting");
    assert_eq!(run["error"]["code"], "no_tape");
    assert!(run["error"]["message"].as_str().unwrap().contains("Pool 'q' has no usable tape"), "{run}");
    assert_eq!(run["next_run_at"], "2030-01-02T02:00:00Z");

    let list = h.json(["schedule", "list"]);
    assert_eq!(list["jobs"][0]["result"], "waiting", "{list}");
    assert_eq!(list["jobs"][0]["last_execution"]["status"], "pending");
    let text = h.ok(["schedule", "list"]);
    assert!(text.contains("j waiting: ") && text.contains("no usable tape"), "{text}");

    // Not retried every minute.
    let (code, records) = run_due(&h, "2030-01-01 02:01:30");
    assert_eq!((code, records[0]["type"].as_str()), (0, Some("idle")));

    // A tape for q arrives; the next slot writes, and the waiting run is closed.
    h.ok(["tape", "assign", "VT0004L8", "--pool", "q"]);
    let (code, records) = run_due(&h, "2030-01-02 02:00:30");
    assert_eq!((code, records[0]["result"].as_str()), (0, Some("completed")), "{records:?}");
    assert_eq!(records[0]["summary"]["tape"], "VT0004L8");
    let statuses: Vec<String> = {
        let db = h.sql();
        let mut stmt = db.prepare("SELECT status FROM job_executions ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(statuses, ["cancelled", "completed"]);
}

#[test]
fn the_worst_run_decides_the_exit_code_and_a_failure_is_listed() {
    let h = scheduled("0 2 * * *", "2030-01-01 00:00:00");
    h.add_broken_job("2030-01-01 00:00:00");
    let (code, records) = run_due(&h, "2030-01-01 02:00:30");
    assert_eq!(code, 1, "{records:?}");
    let results: Vec<(&str, &str)> =
        records.iter().map(|r| (r["job"].as_str().unwrap(), r["result"].as_str().unwrap())).collect();
    assert_eq!(results, [("broken", "failed"), ("j", "completed")], "one failing job does not stop the others");
    assert_eq!(records[0]["error"]["code"], "bad_path");
    let list = h.json(["schedule", "list"]);
    let broken = list["jobs"].as_array().unwrap().iter().find(|j| j["job"] == "broken").unwrap().clone();
    assert_eq!(broken["result"], "failed");
    assert!(broken["last_execution"]["message"].as_str().unwrap().contains("cannot read"), "{broken}");
    assert_eq!(broken["next_run_at"], "2030-01-02T02:00:00Z", "tried again at its next slot");

    // From cron with -q, only what needs a look is printed (cron mails it).
    let out = h.run_at("2030-01-02 02:00:30", ["-q", "schedule", "run-due"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("job 'broken'") && text.contains("failed (exit 1)"), "{text}");
    assert!(!text.contains("job 'j'"), "a completed run is not news with -q: {text}");
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let out = h.run_at("2030-01-02 02:01:30", ["-q", "schedule", "run-due"]);
    assert!(out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(), "an idle minute is silent");
}

/// A slot that comes while the job is still writing (here a run started by hand, waiting at
/// a terminal for a tape change) is skipped and recorded; the run, left paused for want of a
/// tape, is resumed by the next slot rather than a new set started beside it.
#[test]
fn a_slot_passing_while_the_job_runs_is_skipped_and_its_paused_run_resumed_later() {
    const MIB: u64 = 1 << 20;
    let h = Home::with_two_tapes();
    std::fs::create_dir_all(h.data()).unwrap();
    std::fs::write(h.data().join("big.bin"), tree::noise(40 * MIB as usize, 3)).unwrap();
    std::fs::write(h.drive_dir().join("faults.json"), format!(r#"{{"early_warning": {}}}"#, (8u64 << 30) - 20 * MIB))
        .unwrap();
    h.ok_at("2030-01-01 00:00:00", ["job", "update", "nightly", "--schedule", "0 2 * * *"]);

    let mut term = h.at_terminal("backup run nightly");
    term.read_until("press Enter", 1);
    let (code, records) = run_due(&h, "2030-01-01 02:00:30");
    assert_eq!(code, 0, "{records:?}");
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["type"], "skip");
    assert_eq!(records[0]["reason"], "the job was still running");
    assert_eq!(records[0]["next_run_at"], "2030-01-02T02:00:00Z");
    assert_eq!(audit_count(&h, "schedule.skip"), 1);
    // Nobody answers: the hand-started run pauses for `backup resume` (exit 4).
    let (ok, seen) = term.finish();
    assert!(!ok, "{seen}");

    // The next slot resumes it; W1 is full and still in the drive, so it waits again.
    let (code, records) = run_due(&h, "2030-01-02 02:00:30");
    assert_eq!(code, 4, "{records:?}");
    assert_eq!((records[0]["action"].as_str(), records[0]["result"].as_str()), (Some("resume"), Some("waiting")));
    assert_eq!(h.json(["schedule", "list"])["jobs"][0]["result"], "paused");
    // The operator puts W2 in; the slot after finishes the set across both tapes.
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0002L8"]);
    let (code, records) = run_due(&h, "2030-01-03 02:00:30");
    assert_eq!(code, 0, "{records:?}");
    assert_eq!((records[0]["action"].as_str(), records[0]["result"].as_str()), (Some("resume"), Some("completed")));
    assert_eq!(records[0]["summary"]["tapes"], serde_json::json!(["W1", "W2"]));
    assert_eq!(sets(&h), 1, "no second set was started beside the paused one");
    h.ok(["catalog", "check"]);
}

/// Europe/Berlin: on 2027-03-28 02:00 CET jumps to 03:00 CEST, and on 2027-10-31 03:00 CEST
/// falls back to 02:00 CET. A job at 02:30 runs once on each of those days.
#[test]
fn clock_changes_run_a_slot_exactly_once() {
    let h = scheduled("0 12 * * *", "2027-03-26 00:00:00");
    let at = |when: &str, args: &[&str]| -> Vec<Value> {
        let out = h.cmd_at(when, "Europe/Berlin").args(["--json"]).args(args).output().unwrap();
        assert!(matches!(out.status.code(), Some(0)), "{args:?} at {when}: {}", stderr(&out));
        ndjson(&out)
    };
    let next = || job(&h, "j")["next_run_at"].as_str().unwrap().to_string();
    // The next run from `when` on: the schedule set afresh.
    let reschedule = |when: &str| {
        for args in [&["--no-schedule"][..], &["--schedule", "30 2 * * *"]] {
            let out = h.cmd_at(when, "Europe/Berlin").args(["job", "update", "j"]).args(args).output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        }
    };

    reschedule("2027-03-26 12:00:00");
    assert_eq!(next(), "2027-03-27T01:30:00Z", "02:30 CET");
    assert_eq!(at("2027-03-27 01:30:10", &["schedule", "run-due"])[0]["result"], "completed");
    // 02:30 does not exist on the 28th: the run comes right after the jump, at 03:00 CEST.
    assert_eq!(next(), "2027-03-28T01:00:00Z");
    assert_eq!(at("2027-03-28 00:59:30", &["schedule", "run-due"])[0]["type"], "idle");
    assert_eq!(at("2027-03-28 01:00:10", &["schedule", "run-due"])[0]["result"], "completed");
    assert_eq!(next(), "2027-03-29T00:30:00Z", "02:30 CEST");
    assert_eq!(at("2027-03-28 01:30:10", &["schedule", "run-due"])[0]["type"], "idle");

    reschedule("2027-10-30 12:00:00");
    assert_eq!(next(), "2027-10-31T00:30:00Z", "the first 02:30, still CEST");
    assert_eq!(at("2027-10-31 00:30:10", &["schedule", "run-due"])[0]["result"], "completed");
    assert_eq!(next(), "2027-11-01T01:30:00Z", "not the second 02:30 (CET) an hour later");
    assert_eq!(at("2027-10-31 01:30:10", &["schedule", "run-due"])[0]["type"], "idle");
    let runs = h.sql().query_row("SELECT count(*) FROM backup_sets", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(runs, 3);
}

#[test]
fn bad_input_is_refused() {
    let h = scheduled("0 2 * * *", "2030-01-01 00:00:00");
    let before = h.snapshot();
    for args in [&["schedule", "run-due", "extra"][..], &["schedule", "run-due", "--dry"], &["schedule", "list", "j"]] {
        let out = h.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let out = h.run(["--json", "schedule", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "usage");
    assert_eq!(h.snapshot(), before);
    // No catalog: a clear error, not an empty success.
    let empty = Home::empty();
    let out = empty.run(["schedule", "run-due"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("tapebackarr init"), "{}", stderr(&out));
}

/// An incremental job with `--full-every 3` starts a new chain every third day, so its old
/// chains can expire; a run started by hand with `--incremental` stays incremental.
#[test]
fn an_incremental_job_starts_a_new_chain_every_full_every_days() {
    let h = scheduled("0 2 * * *", "2030-01-01 00:00:00");
    h.ok_at("2030-01-01 00:00:00", ["job", "update", "j", "--type", "incremental", "--full-every", "3"]);
    assert!(h.ok(["job", "show", "j"]).contains("full every:     3 days"), "{}", h.ok(["job", "show", "j"]));
    let mut types = Vec::new();
    for day in 1..=7 {
        std::fs::write(h.data().join("a.txt"), format!("day {day}\n")).unwrap();
        let (code, records) = run_due(&h, &format!("2030-01-{day:02} 02:00:30"));
        assert_eq!(code, 0, "{records:?}");
        types.push(records[0]["summary"]["backup_type"].as_str().unwrap().to_string());
    }
    assert_eq!(types, ["full", "incremental", "incremental", "full", "incremental", "incremental", "full"]);
    let out = h.run_at("2030-01-10 12:00:00", ["--json", "backup", "run", "j", "--incremental"]);
    assert_eq!(ndjson(&out).last().unwrap()["backup_type"], "incremental", "{}", stderr(&out));
    for bad in ["-1", "x"] {
        let out = h.run(["job", "update", "j", "--full-every", bad]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("--full-every"), "{}", stderr(&out));
    }
}

/// With two drives and none named, a run takes the first one no other process holds.
#[test]
fn with_several_drives_a_run_takes_a_free_one() {
    let h = Home::with_library_drives("64M", 4, 2);
    std::fs::create_dir_all(h.data()).unwrap();
    std::fs::write(h.data().join("a.txt"), b"two drives\n").unwrap();
    h.ok_os(&["source".as_ref(), "add".as_ref(), "s".as_ref(), h.data().as_os_str()]);
    h.ok_at("2030-01-01 00:00:00", ["job", "create", "j", "--source", "s", "--pool", "p", "--schedule", "0 2 * * *"]);

    // d0 is busy (its lock held here, as another backup would hold it).
    let lock = hold_lock(&h.dir.path().join("vl/drives/0/lock"), "4343 backup run other");
    let (code, records) = run_due(&h, "2030-01-01 02:00:30");
    assert_eq!(code, 0, "{records:?}");
    assert_eq!(records[0]["summary"]["drive"], "d1", "{records:?}");
    drop(lock);
    let (code, records) = run_due(&h, "2030-01-02 02:00:30");
    assert_eq!((code, records[0]["summary"]["drive"].as_str()), (0, Some("d0")), "{records:?}");
    // Named, it is that one whatever is free.
    let out = h.run_at("2030-01-03 02:00:30", ["--json", "--drive", "d1", "schedule", "run-due"]);
    assert_eq!(ndjson(&out)[0]["summary"]["drive"], "d1", "{}", stderr(&out));
}
