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

    let mut child = h
        .std_cmd()
        .args(["--json", "backup", "run", "nightly"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut events = Vec::new();
    loop {
        let line = lines.next().expect("the backup ended before reporting progress").unwrap();
        let event: Value = serde_json::from_str(&line).unwrap();
        let progress = event["type"] == "progress";
        events.push(event);
        if progress {
            break;
        }
    }
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    events.extend(lines.map(|l| serde_json::from_str::<Value>(&l.unwrap()).unwrap()));
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
    assert_eq!(summary["tapes"], serde_json::json!(["W1", "W1"]), "both parts on the same tape: {summary}");
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
}
