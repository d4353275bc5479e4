//! `backup run --stdin NAME`: a stream from a pipe stored as one file of a set of its own,
//! restored with `restore … --to -` byte for byte; a stream of unknown size spooled and spanned
//! over a library's small cartridges; a stream whose size lies, a bad name and a stop that
//! cannot be resumed, each refused or failed cleanly. Defaults throughout (frame size,
//! early-warning zones, block size), as a user has them.

mod common;

use std::io::{Read, Write};
use std::process::Stdio;

use common::{Home, stderr};
use serde_json::Value;

/// Deterministic noise, `len` bytes from `seed`, written in 1 MiB pieces to `out`; returns
/// its BLAKE3.
fn write_noise(out: &mut impl Write, len: u64, seed: u64) -> std::io::Result<blake3::Hash> {
    let mut x = seed | 1;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        for chunk in buf[..n].chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
        left -= n as u64;
    }
    Ok(hasher.finalize())
}

/// Runs tapebackarr with `args` (and `--json`), feeding it `len` noise bytes on stdin
/// through a pipe; returns the exit code, stdout, the JSON error (if any) and the stream's
/// BLAKE3.
fn backup_stream(h: &Home, args: &[&str], len: u64, seed: u64) -> (i32, String, Option<Value>, blake3::Hash) {
    let mut child = h
        .std_cmd()
        .arg("--json")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        // The reader may stop early (a refused run): a broken pipe is its answer, not ours.
        let hash = write_noise(&mut stdin, len, seed);
        drop(stdin);
        hash
    });
    let out = child.wait_with_output().unwrap();
    let hash = match feeder.join().unwrap() {
        Ok(h) => h,
        Err(_) => blake3::hash(b"the pipe was closed before the end"),
    };
    let err = stderr(&out);
    let error = err.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).find(|v| v["type"] == "error");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), error, hash)
}

/// `restore --set SET NAME --to -`, hashing stdout as it comes (never held in memory).
fn restore_hash(h: &Home, set: &str, name: &str) -> (blake3::Hash, u64) {
    let mut child = h
        .std_cmd()
        .args(["restore", "--set", set, name, "--to", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "restore --to -: {}", stderr(&out));
    (hasher.finalize(), total)
}

fn summary(out: &str) -> Value {
    let last = out.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).find(|v| v["type"] == "summary");
    last.unwrap_or_else(|| panic!("no summary in {out}"))
}

/// The case: 1 GB from a pipe, size given (no spool), restored to stdout identical;
/// the set is one regular file that `catalog find` and `verify` see as any other.
#[test]
fn a_1gb_stream_from_a_pipe_comes_back_byte_identical() {
    let h = Home::with_tape();
    let len = 1u64 << 30;
    let args = ["backup", "run", "--stdin", "db/dump.sql", "--pool", "weekly", "--stdin-size", "1G"];
    let (code, out, error, sent) = backup_stream(&h, &args, len, 7);
    assert_eq!(code, 0, "{error:?}\n{out}");
    let s = summary(&out);
    assert_eq!((s["files"].as_u64(), s["bytes"].as_u64()), (Some(1), Some(len)), "{s}");
    assert_eq!(s["job"], "adhoc-stdin-weekly", "{s}");
    assert_eq!(s["source"], "stdin", "{s}");
    // The start event knew the size, for an ETA.
    let start = out.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).find(|v| v["type"] == "start");
    assert_eq!(start.unwrap()["estimate_bytes"], len);
    assert_home_holds_only_the_catalog(&h);

    let found = h.json(["catalog", "find", "dump.sql"]);
    assert_eq!(found["hits"].as_array().map(Vec::len), Some(1), "{found}");
    let (back, n) = restore_hash(&h, "1", "db/dump.sql");
    assert_eq!(n, len);
    assert_eq!(back, sent, "restored bytes differ from what was sent");
    let out = h.ok(["verify", "1"]);
    assert!(out.contains("verified"), "{out}");
}

/// 150 MB of unknown size through a library of 64 MiB cartridges: spooled, then spanned over
/// three tapes with the default zones; restored to stdout identical, verified.
#[test]
fn a_stream_of_unknown_size_is_spooled_and_spans_a_library() {
    let h = Home::with_library("64M", 5);
    let len = 150_000_000u64;
    let args = ["backup", "run", "--stdin", "big.img", "--pool", "p", "--compression", "zstd"];
    let (code, out, error, sent) = backup_stream(&h, &args, len, 99);
    assert_eq!(code, 0, "{error:?}\n{out}");
    let s = summary(&out);
    let tapes = s["tapes"].as_array().unwrap().len();
    assert!(tapes >= 3, "150 MB of noise on 64 MiB cartridges: {s}");
    let (back, n) = restore_hash(&h, "1", "big.img");
    assert_eq!((back, n), (sent, len));
    let (code, out, error) = json_run(&h, &["verify", "1"]);
    assert_eq!(code, 0, "{error:?}\n{out}");
    // The spool is gone with the process.
    assert_home_holds_only_the_catalog(&h);
}

/// Nothing but the catalog (and SQLite's files beside it) is left in the home: no spool,
/// no carried frames.
fn assert_home_holds_only_the_catalog(h: &Home) {
    let names: Vec<String> =
        std::fs::read_dir(h.home()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| n == "catalog.db" || n.starts_with("catalog.db-")), "{names:?}");
}

/// A stream that ends early or runs long fails the run (exit 1) and its set is failed; bad
/// names and flags that do not apply are usage errors (exit 2) that touch nothing.
#[test]
fn streams_that_lie_about_their_size_and_bad_arguments_are_refused() {
    let h = Home::with_tape();
    let before = h.snapshot();
    for (args, code_wanted, why) in [
        (vec!["--stdin", "../up.sql"], 2, "must not hold `.` or `..`"),
        (vec!["--stdin", "/abs.sql"], 2, "must be relative"),
        (vec!["--stdin", "dir/"], 2, "names a directory"),
        (vec!["--stdin", "a.sql", "--incremental"], 2, "cannot be used with '--incremental'"),
        (vec!["--stdin", "a.sql", "nightly"], 2, "cannot be used with '[JOB]'"),
        (vec!["--stdin", "a.sql", "--source", "home"], 2, "cannot be used with '--source <SOURCE>'"),
        (vec!["--stdin", "a.sql", "--pool", "nosuch"], 1, "no pool named 'nosuch'"),
        (vec!["--stdin-size", "10"], 2, "--stdin <NAME>"),
    ] {
        let mut all = vec!["backup", "run"];
        all.extend_from_slice(&args);
        if !args.contains(&"--pool") {
            all.extend_from_slice(&["--pool", "weekly"]);
        }
        let (code, _, error, _) = backup_stream(&h, &all, 1000, 1);
        let message = error.map(|e| e["message"].as_str().unwrap_or_default().to_string()).unwrap_or_default();
        assert_eq!(code, code_wanted, "{all:?}: {message}");
        assert!(message.contains(why), "{all:?}: {message}");
    }
    assert_eq!(h.snapshot(), before, "refused runs changed the catalog");

    for (sent, announced) in [(999u64, "1000"), (1001, "1000")] {
        let args = ["backup", "run", "--stdin", "short.bin", "--pool", "weekly", "--stdin-size", announced];
        let (code, _, error, _) = backup_stream(&h, &args, sent, 3);
        assert_eq!(code, 1, "{sent} bytes announced as {announced}: {error:?}");
        let message = error.unwrap()["message"].as_str().unwrap().to_string();
        assert!(message.contains("bytes announced"), "{message}");
    }
    let sets = h.json(["backup", "list"]);
    let statuses: Vec<&str> = sets["sets"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["failed", "failed"], "{sets}");
    // The tape goes on: a good stream after them lands and restores.
    let args = ["backup", "run", "--stdin", "ok.bin", "--pool", "weekly"];
    let (code, out, error, sent) = backup_stream(&h, &args, 5_000_000, 4);
    assert_eq!(code, 0, "{error:?}\n{out}");
    let set = summary(&out)["set"].to_string();
    assert_eq!(restore_hash(&h, &set, "ok.bin"), (sent, 5_000_000));
}

/// A standalone drive and nobody to change tapes: the stream fills the tape, the run stops
/// (exit 4) and, as a stream cannot be read twice, its set is failed, not left to resume.
#[test]
fn a_stream_that_fills_a_tape_nobody_can_change_fails_and_is_not_resumable() {
    let h = Home::new();
    let drive = h.dir.path().join("drive");
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", drive.display()), "--capacity", "64M"]);
    h.ok(["pool", "create", "p"]);
    h.ok(["drive", "load", "--tape", "A1", "--create"]);
    h.ok(["tape", "label", "A1", "--pool", "p"]);
    let args = ["backup", "run", "--stdin", "big.img", "--pool", "p", "--stdin-size", "100000000"];
    let (code, _, error, _) = backup_stream(&h, &args, 100_000_000, 5);
    assert_eq!(code, 4, "{error:?}");
    let error = error.unwrap();
    assert!(error["message"].as_str().unwrap().contains("cannot be read again"), "{error}");
    let sets = h.json(["backup", "list"]);
    assert_eq!(sets["sets"][0]["status"], "failed", "{sets}");
    let (code, _, error) = json_run(&h, &["backup", "resume"]);
    assert_eq!(code, 1, "{error:?}");
    assert_eq!(error.unwrap()["code"], "not_found");
    let carried: Vec<_> = std::fs::read_dir(h.home())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("carried-"))
        .collect();
    assert!(carried.is_empty(), "{carried:?}");
}

fn json_run(h: &Home, args: &[&str]) -> (i32, String, Option<Value>) {
    let out = h.std_cmd().arg("--json").args(args).stdin(Stdio::null()).output().unwrap();
    let err = stderr(&out);
    let error = err.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).find(|v| v["type"] == "error");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), error)
}

/// A catalog rebuilt from the tape knows a stream set's source for what it is: `stdin`, path
/// `-`, enabled, no "set its path" warning; the next stream backup goes on under it.
#[test]
fn a_rebuilt_catalog_keeps_stream_sets_under_the_stream_source() {
    let h = Home::new();
    let device = format!("vtape:{}", h.dir.path().join("drive").display());
    h.ok(["drive", "add", "d0", "--device", &device]);
    h.ok(["pool", "create", "p"]);
    h.ok(["drive", "load", "--tape", "A1", "--create"]);
    h.ok(["tape", "label", "A1", "--pool", "p"]);
    let (code, _, error, sent) = backup_stream(&h, &["backup", "run", "--stdin", "db.sql", "--pool", "p"], 300_000, 8);
    assert_eq!(code, 0, "{error:?}");

    let lost = Home::new();
    lost.ok(["drive", "add", "d0", "--device", &device]);
    let v = lost.json(["catalog", "rebuild"]);
    assert_eq!(v["warnings"], serde_json::json!([]), "{v}");
    let source = lost.json(["source", "show", "stdin"]);
    assert_eq!(
        (&source["source"]["path"]["text"], &source["source"]["enabled"]),
        (&"-".into(), &true.into()),
        "{source}"
    );
    assert_eq!(restore_hash(&lost, "1", "db.sql"), (sent, 300_000));
    let (code, out, error, _) = backup_stream(&lost, &["backup", "run", "--stdin", "db.sql", "--pool", "p"], 1000, 9);
    assert_eq!(code, 0, "{error:?}");
    assert_eq!(summary(&out)["source"], "stdin");
}
