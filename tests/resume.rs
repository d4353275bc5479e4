//! Ctrl-C during a backup: the run stops at the next frame boundary, closes its part on tape
//! and exits 130 with its execution paused; `backup resume` writes the rest of the same set
//! (here on the same tape, which has room), picking the stream up inside the file it cut.
//! A real SIGINT to a real process, sent once the backup reports progress.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{Home, stderr, stdout};
use serde_json::Value;

#[test]
fn ctrl_c_stops_at_a_frame_boundary_and_resume_completes_the_set() {
    let h = Home::with_tape();
    h.ok(["job", "update", "nightly", "--compression", "zstd"]);
    // 1 GiB of stream (a sparse file reads as zeros, which zstd shrinks to almost nothing):
    // seconds of work, so the signal comes in the middle of the big file.
    tree::Builder::new(&h.data())
        .file(b"a.txt", b"first\n")
        .sparse(b"big.img", &tree::noise(1 << 20, 7), 1 << 30)
        .file(b"z.txt", b"last\n");

    let (child, mut lines, mut events) = backup_until(&h, &["--json", "backup", "run", "nightly"], "progress");
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    events.extend(lines.by_ref().map(|l| serde_json::from_str::<Value>(&l.unwrap()).unwrap()));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let paused = events.iter().find(|e| e["type"] == "paused").expect("a paused event");
    assert_eq!(paused["reason"], "interrupted", "{paused}");
    assert_eq!(paused["resume"]["crossing"]["header"]["path"], serde_json::json!(b"big.img".to_vec()), "{paused}");
    let error: Value = serde_json::from_str(stderr(&out).lines().last().unwrap()).unwrap();
    assert_eq!(error["code"], "interrupted", "{error}");
    let conn = h.sql();
    let one = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT status FROM backup_sets"), "pending");
    assert_eq!(one("SELECT status FROM job_executions"), "paused");
    assert_eq!(one("SELECT status FROM tapes"), "active", "Ctrl-C does not fill the tape");
    h.ok(["catalog", "check"]);

    let out = h.run(["--json", "backup", "resume"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), stdout(&out));
    let summary: Value = serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    // Both parts on the same tape: named once (issue 14), the parts counted.
    assert_eq!(summary["tapes"], serde_json::json!(["W1"]), "{summary}");
    assert_eq!(summary["parts"], 2, "{summary}");
    assert_eq!(
        (&summary["entries"], &summary["files"]),
        (&serde_json::json!(4), &serde_json::json!(3)),
        "the whole set: {summary}"
    );
    assert_eq!(summary["status"], "completed", "{summary}");
    assert_eq!(one("SELECT status FROM backup_sets"), "completed");
    assert_eq!(one("SELECT CAST(file_count AS TEXT) FROM backup_sets"), "4", "., a.txt, big.img, z.txt");

    let dest = h.dir.path().join("r");
    let r = h.run(["--json", "restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert!(r.status.success(), "{}\n{}", stderr(&r), stdout(&r));
    tree::assert_same(&h.data(), &dest);
    let v = h.json(["verify", "1"]);
    assert_eq!(v["passed"], true, "{v}");
    h.ok(["catalog", "check"]);
    // Nothing is left to resume.
    let again = h.run(["backup", "resume"]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    // The resumed run's snapshot holds the whole tree, the entries before the cut (replayed)
    // too: an incremental now finds nothing to take.
    let inc = h.run(["--json", "backup", "run", "nightly", "--incremental"]);
    assert!(inc.status.success(), "{}", stderr(&inc));
    let inc: Value = serde_json::from_str(stdout(&inc).lines().last().unwrap()).unwrap();
    assert_eq!((inc["entries"].as_u64(), inc["unchanged"].as_u64()), (Some(0), Some(4)), "{inc}");
}

#[test]
fn a_run_whose_drive_fails_after_a_checkpoint_is_resumed_from_it() {
    let h = Home::with_tape();
    tree::Builder::new(&h.data())
        .file(b"a.txt", b"first\n")
        .file(b"big.bin", &tree::noise(48 << 20, 8))
        .file(b"z.txt", b"last\n");
    // A checkpoint every 8 MiB of stream; the drive loses power some blocks after the first
    // checkpoint (what was not flushed is gone, as on a real drive).
    std::fs::write(h.drive_dir().join("faults.json"), r#"{"power_loss_after_writes": 60}"#).unwrap();
    let out = h.run(["--json", "backup", "run", "nightly", "--checkpoint", "8M"]);
    assert_eq!(out.status.code(), Some(1), "the drive died: {}", stderr(&out));
    assert!(stdout(&out).contains(r#""type":"checkpoint""#), "a checkpoint before the power loss: {}", stdout(&out));
    assert!(stderr(&out).contains("backup resume 1"), "{}", stderr(&out));
    std::fs::remove_file(h.drive_dir().join("faults.json")).unwrap();
    let conn = h.sql();
    let one = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT status FROM job_executions"), "paused");
    assert_eq!(one("SELECT status FROM backup_sets"), "pending");
    h.ok(["catalog", "check"]);
    resume_restore_verify(&h);
}

#[test]
fn a_run_killed_after_a_checkpoint_is_resumed_from_it() {
    let h = Home::with_tape();
    h.ok(["job", "update", "nightly", "--compression", "zstd"]);
    tree::Builder::new(&h.data())
        .file(b"a.txt", b"first\n")
        .sparse(b"big.img", &tree::noise(1 << 20, 9), 1 << 30)
        .file(b"z.txt", b"last\n");
    // Its stdout stays open until the kill: a closed pipe would fail the run before it.
    let (mut child, _stdout, _) =
        backup_until(&h, &["--json", "backup", "run", "nightly", "--checkpoint", "64M"], "checkpoint");
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), None, "killed by SIGKILL");
    let conn = h.sql();
    let one = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT status FROM job_executions"), "running", "a killed run cannot say otherwise");
    resume_restore_verify(&h);
}

type Lines = std::io::Lines<BufReader<std::process::ChildStdout>>;

/// Starts `args` and reads its NDJSON events until the first of type `until` (the backup
/// must get that far): the process, the rest of its stdout, and the events so far.
fn backup_until(h: &Home, args: &[&str], until: &str) -> (std::process::Child, Lines, Vec<Value>) {
    let mut child = h.std_cmd().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut events = Vec::new();
    while let Some(line) = lines.next() {
        let event: Value = serde_json::from_str(&line.unwrap()).unwrap();
        let found = event["type"] == until;
        events.push(event);
        if found {
            return (child, lines, events);
        }
    }
    let out = child.wait_with_output().unwrap();
    panic!("the backup ended before a {until} event: {}", stderr(&out));
}

fn resume_restore_verify(h: &Home) {
    let out = h.run(["--json", "backup", "resume"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), stdout(&out));
    let conn = h.sql();
    let one = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT status FROM backup_sets"), "completed");
    let dest = h.dir.path().join("r");
    let r = h.run(["--json", "restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert!(r.status.success(), "{}\n{}", stderr(&r), stdout(&r));
    tree::assert_same(&h.data(), &dest);
    let v = h.json(["verify", "1"]);
    assert_eq!(v["passed"], true, "{v}");
    h.ok(["catalog", "check"]);
}
