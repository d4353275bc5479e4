//! Crashes in the middle of a backup: power lost after every single write of a set, and the
//! process killed (SIGKILL) at a spread of moments. After each, the next backup must append
//! cleanly, the catalog must stay consistent (`catalog check`), no set may be `completed`
//! that does not read back (`verify`), and no earlier set may be lost. With checkpoints, a
//! power loss after one is resumed from it (`backup resume`) and the set restores whole.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::process::Stdio;
use std::time::Instant;

use common::{Home, stderr, stdout};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    let text = stdout(out);
    serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(text.lines().last().unwrap_or("null")))
        .unwrap_or_else(|_| panic!("no JSON: {}\n{}", text, stderr(out)))
}

/// A backup that must succeed; returns its summary.
fn backup(h: &Home) -> Value {
    let out = h.run(["--json", "backup", "run", "nightly"]);
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out)
}

fn check(h: &Home) {
    let out = h.run(["--json", "catalog", "check"]);
    assert!(out.status.success(), "catalog check: {}\n{}", stdout(&out), stderr(&out));
}

/// Every completed set reads back whole; the first and the last restore as they were.
fn verify_all(h: &Home) -> usize {
    let conn = h.sql();
    let mut stmt = conn.prepare("SELECT id FROM backup_sets WHERE status = 'completed' ORDER BY id").unwrap();
    let ids: Vec<i64> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    for id in &ids {
        let out = h.run(["--json", "verify", &id.to_string()]);
        assert!(out.status.success(), "set {id} is completed but does not verify: {}", stdout(&out));
    }
    ids.len()
}

fn tree(h: &Home) {
    let b = tree::Builder::new(&h.data());
    b.file(b"a.bin", &tree::noise(3 << 20, 1))
        .mkdir(b"d")
        .file(b"d/b.bin", &tree::noise(2 << 20, 2))
        .file(b"d/c.txt", b"small\n");
}

#[test]
fn power_lost_after_any_write_of_a_backup_loses_nothing() {
    let h = Home::with_tape();
    tree(&h);
    let first = backup(&h);
    let first_tree = h.dir.path().join("first");
    std::process::Command::new("cp").args(["-a"]).arg(h.data()).arg(&first_tree).status().unwrap();
    std::fs::write(h.data().join("d/c.txt"), b"changed\n").unwrap();
    // A raw set of this tree is ~21 writes: header, 20 data blocks, filemark, index, filemark.
    let mut cut_points = 0;
    for n in 1..=24u64 {
        let faults = format!("{{\"power_loss_after_writes\":{n}}}");
        let out = h
            .cmd()
            .env("TAPEBACKARR_VTAPE_FAULTS", &faults)
            .args(["--json", "backup", "run", "nightly"])
            .output()
            .unwrap();
        if !out.status.success() {
            cut_points += 1;
            let err: Value = serde_json::from_slice(&out.stderr).unwrap_or(Value::Null);
            assert_ne!(err, Value::Null, "a failed backup says why in JSON: {}", stderr(&out));
        }
        check(&h);
        // The next backup, on the same tape, with the power on.
        let s = backup(&h);
        assert_eq!(s["status"], "completed");
        check(&h);
    }
    assert!(cut_points >= 20, "the power was lost inside {cut_points} backups");
    let completed = verify_all(&h);
    assert!(completed >= 25, "{completed}");
    // The very first set is still there, byte for byte.
    let dest = h.dir.path().join("r1");
    let out = h.run(["--json", "restore", "--set", &first["set"].to_string(), "--to", dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    tree::assert_same(&first_tree, &dest);
    let failed: i64 =
        h.sql().query_row("SELECT count(*) FROM backup_sets WHERE status = 'failed'", [], |r| r.get(0)).unwrap();
    assert_eq!(failed, cut_points as i64, "every cut backup is recorded as failed, none as completed");
}

#[test]
fn a_backup_killed_at_any_moment_loses_nothing() {
    let h = Home::with_tape();
    tree(&h);
    backup(&h);
    // Learn how long a backup takes here, then kill one at moments spread over that time
    // (relearnt from every backup, as the load of the tests beside this one changes).
    let t = Instant::now();
    backup(&h);
    let mut span = t.elapsed();
    let mut killed = 0;
    for i in 1..=20u32 {
        let at = span * i / 21;
        let mut child = h
            .std_cmd()
            .args(["--json", "backup", "run", "nightly"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL: no cleanup of any kind
            killed += 1;
        }
        child.wait().unwrap();
        // The next backup appends after whatever the killed one left, and closes its set.
        let t = Instant::now();
        let s = backup(&h);
        span = t.elapsed();
        assert_eq!(s["status"], "completed");
        check(&h);
        let running: i64 =
            h.sql().query_row("SELECT count(*) FROM backup_sets WHERE status = 'running'", [], |r| r.get(0)).unwrap();
        assert_eq!(running, 0, "an interrupted set is closed by the next backup on its tape");
    }
    assert!(killed >= 10, "only {killed} of 20 backups were still running when killed ({span:?} each)");
    verify_all(&h);
    // And the newest set restores as the tree is now.
    let newest: i64 =
        h.sql().query_row("SELECT max(id) FROM backup_sets WHERE status = 'completed'", [], |r| r.get(0)).unwrap();
    let dest = h.dir.path().join("rn");
    let out = h.run(["--json", "restore", "--set", &newest.to_string(), "--to", dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    tree::assert_same(&h.data(), &dest);
}

#[test]
fn catalog_check_names_what_is_wrong() {
    let h = Home::with_tape();
    tree(&h);
    let a = backup(&h)["set"].as_i64().unwrap();
    let b = backup(&h)["set"].as_i64().unwrap();
    check(&h);
    // Make the second part claim the first one's blocks, and the first set lose an entry.
    let conn = h.sql();
    conn.execute(
        "UPDATE backup_set_parts SET header_block = (SELECT header_block FROM backup_set_parts WHERE backup_set_id = ?1)
         WHERE backup_set_id = ?2",
        [a, b],
    )
    .unwrap();
    conn.execute("DELETE FROM catalog_entries WHERE backup_set_id = ?1 AND file_path = 'd/c.txt'", [a]).unwrap();
    let out = h.run(["--json", "catalog", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    let problems = doc["problems"].to_string();
    assert!(problems.contains(&format!("sets {a} and {b} claim the same blocks")), "{problems}");
    assert!(problems.contains(&format!("set {a} records")), "{problems}");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "invalid_state");
}

#[test]
fn power_lost_in_a_checkpointed_backup_is_resumed_from_the_last_checkpoint() {
    let h = Home::with_tape();
    tree::Builder::new(&h.data())
        .file(b"a.txt", b"first\n")
        .file(b"big.bin", &tree::noise(20 << 20, 11))
        .file(b"z.txt", b"last\n");
    // With a checkpoint after every 8 MiB frame a set is three parts, ~92 writes (80 data
    // blocks, 3 headers, 3 indexes with their 2 filemarks): cut the power after every 6th,
    // then resume (a checkpoint was committed) or run again.
    let (mut resumed, mut rerun) = (0, 0);
    for n in (3..=88u64).step_by(6) {
        let faults = format!("{{\"power_loss_after_writes\":{n}}}");
        let out = h
            .cmd()
            .env("TAPEBACKARR_VTAPE_FAULTS", &faults)
            .args(["--json", "backup", "run", "nightly", "--checkpoint", "4M"])
            .output()
            .unwrap();
        assert!(!out.status.success(), "the power was lost after write {n}: {}", stdout(&out));
        check(&h);
        let paused: Option<i64> =
            h.sql().query_row("SELECT id FROM job_executions WHERE status = 'paused'", [], |r| r.get(0)).ok();
        let out = match paused {
            Some(_) => {
                resumed += 1;
                h.run(["--json", "backup", "resume"])
            }
            None => {
                rerun += 1;
                h.run(["--json", "backup", "run", "nightly", "--checkpoint", "4M"])
            }
        };
        assert!(out.status.success(), "after a power loss at write {n}: {}", stderr(&out));
        let set = json(&out)["set"].to_string();
        check(&h);
        let dest = h.dir.path().join(format!("r{n}"));
        let r = h.run(["--json", "restore", "--set", &set, "--to", dest.to_str().unwrap()]);
        assert!(r.status.success(), "set {set} after a power loss at write {n}: {}", stderr(&r));
        tree::assert_same(&h.data(), &dest);
        std::fs::remove_dir_all(&dest).unwrap();
    }
    assert!(resumed >= 8 && rerun >= 2, "{resumed} resumed, {rerun} run again");
    verify_all(&h);
}

#[test]
fn a_write_error_at_a_chosen_block_pauses_after_a_checkpoint_and_a_read_error_fails_only_its_file() {
    let h = Home::with_tape();
    tree::Builder::new(&h.data())
        .file(b"a.txt", b"first\n")
        .file(b"big.bin", &tree::noise(20 << 20, 12))
        .file(b"z.txt", b"last\n");
    // The 50th write of the run fails: after the first checkpoint (36 writes), inside part 2.
    std::fs::write(h.drive_dir().join("faults.json"), r#"{"fail_write_at": 50}"#).unwrap();
    let out = h.run(["--json", "backup", "run", "nightly", "--checkpoint", "4M"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err: Value = serde_json::from_str(stderr(&out).lines().last().unwrap()).unwrap();
    assert!(err["message"].as_str().unwrap().contains("injected"), "{err}");
    assert!(err["message"].as_str().unwrap().contains("backup resume 1"), "{err}");
    check(&h);
    std::fs::remove_file(h.drive_dir().join("faults.json")).unwrap();
    let out = h.run(["--json", "backup", "resume"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let set = json(&out)["set"].to_string();
    check(&h);

    // A block of big.bin that cannot be read: that file fails (exit 5), the others restore.
    let block: i64 = h
        .sql()
        .query_row("SELECT block_offset FROM catalog_entries WHERE file_path = 'big.bin'", [], |r| r.get(0))
        .unwrap();
    std::fs::write(h.drive_dir().join("faults.json"), format!("{{\"unreadable_blocks\":[{}]}}", block + 4)).unwrap();
    let dest = h.dir.path().join("r");
    let r = h.run(["--json", "restore", "--set", &set, "--to", dest.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(5), "{}", stdout(&r));
    assert!(stdout(&r).contains("unreadable tape block"), "{}", stdout(&r));
    assert_eq!(std::fs::read(dest.join("a.txt")).unwrap(), b"first\n");
    assert_eq!(std::fs::read(dest.join("z.txt")).unwrap(), b"last\n");
}
