//! Cases found by trying the binary as a new user would, with the defaults a user has (no
//! injected faults): damaged data never replaces a good file, and the contract slips that
//! were found beside it.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::fs;
use std::path::{Path, PathBuf};

use common::{Home, stderr, stdout, write_secret};
use serde_json::Value;

/// Runs a command with `--json`, asserts exit `code`, and returns its last stdout line.
fn run(h: &Home, args: &[&str], code: i32) -> Value {
    let (got, out, error) = attempt(h, args);
    assert_eq!(got, code, "{args:?}: {error:?}\n{out}");
    let last = out.lines().last().unwrap_or_else(|| panic!("{args:?}: no output: {error:?}"));
    serde_json::from_str(last).unwrap()
}

/// Flips 8 bytes in the middle of what the cartridge holds, where nothing but the big
/// file's data (or the frame holding it) can be: on the medium itself, as a bad spot on a
/// real tape would, not through an injected fault.
fn damage_cartridge(h: &Home, barcode: &str) {
    let data = h.dir.path().join("vl/cartridges").join(barcode).join("data");
    let mut bytes = fs::read(&data).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 8] {
        *b ^= 0x5a;
    }
    fs::write(&data, bytes).unwrap();
}

/// Every name in `dir`, recursively, relative to it.
fn names(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir(dir) {
        out.push(e.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
    }
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        }
        out.push(p);
    }
    out
}

/// A damaged file is never renamed into place, in any framing: `--overwrite` leaves the
/// good copy there, a fresh destination gets no file under the name, and `--keep-damaged`
/// keeps the bytes aside as `NAME.damaged`.
#[test]
fn a_damaged_file_never_replaces_a_good_one() {
    let pw = {
        let h = Home::empty();
        let p = h.dir.path().join("pw");
        write_secret(&p, "correct horse battery\n");
        (h, p)
    };
    let pw_arg = pw.1.to_str().unwrap();
    for (framing, extra) in [
        ("none", vec!["--compression", "none"]),
        ("zstd", vec!["--compression", "zstd"]),
        ("aes", vec!["--compression", "none", "--encryption-key", "k"]),
    ] {
        let h = Home::with_tape();
        if framing == "aes" {
            h.ok(["key", "create", "k", "--password-file", pw_arg]);
        }
        let mut update = vec!["job", "update", "nightly"];
        update.extend(extra.iter().copied());
        h.ok(&update);
        let big = tree::noise(6 << 20, 7);
        tree::Builder::new(&h.data()).file(b"big.bin", &big);
        let set = run(&h, &["backup", "run", "nightly", "--password-file", pw_arg], 0)["set"].to_string();
        let dest = h.dir.path().join("dest");
        let restore = |dest: &Path, more: &[&str], code: i32| {
            let mut args = vec!["restore", "--set", &set, "--password-file", pw_arg, "--to", dest.to_str().unwrap()];
            args.extend_from_slice(more);
            run(&h, &args, code)
        };
        restore(&dest, &[], 0);
        assert_eq!(fs::read(dest.join("big.bin")).unwrap(), big, "{framing}");

        damage_cartridge(&h, "VT0001L8");
        let r = restore(&dest, &["--overwrite"], 5);
        // The directory entry shares the damaged frame when the set is framed.
        let damaged = r["damaged"].as_u64().unwrap();
        assert!(damaged == 1 || (framing != "none" && damaged == 2), "{framing}: {r}");
        assert_eq!(fs::read(dest.join("big.bin")).unwrap(), big, "{framing}: the good copy is untouched");
        assert_eq!(names(&dest), ["big.bin"], "{framing}: no temporary or damaged file left");

        let fresh = h.dir.path().join("fresh");
        restore(&fresh, &[], 5);
        assert!(!fresh.join("big.bin").exists(), "{framing}: damaged data never takes the real name");
        assert!(names(&fresh).is_empty(), "{framing}: {:?}", names(&fresh));

        let kept = h.dir.path().join("kept");
        restore(&kept, &["--keep-damaged"], 5);
        assert!(!kept.join("big.bin").exists(), "{framing}");
        if framing == "none" {
            // Raw data is whole but wrong: kept aside for a human to look at.
            let aside = fs::read(kept.join("big.bin.damaged")).unwrap();
            assert_eq!(aside.len(), big.len());
            assert_ne!(aside, big);
        }
        // zstd and AES-GCM frames fail before their content is whole: nothing to keep.
    }
}

const MIB: usize = 1 << 20;

/// Runs `args` (with `--json`, no terminal) and returns its exit code, stdout and the JSON
/// error on stderr, if any.
fn attempt(h: &Home, args: &[&str]) -> (i32, String, Option<Value>) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.cmd().args(&all).write_stdin("").output().unwrap();
    let err = stderr(&out);
    let error = err.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).find(|v| v["type"] == "error");
    (out.status.code().unwrap_or(-1), stdout(&out), error)
}

/// `count` files of `size` noise bytes each (a different seed per file), and two small ones.
fn noise_tree(root: &Path, count: usize, size: usize) {
    let b = tree::Builder::new(root);
    b.file(b"0-first.txt", b"before the big ones\n");
    for i in 0..count {
        b.file(format!("f{i:02}.bin").as_bytes(), &tree::noise(size, i as u64 + 11));
    }
    b.file(b"z-last.txt", b"after them\n");
}

/// Carried frames a stopped run left in the home.
fn carried_files(h: &Home) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(h.home())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("carried-"))
        .collect();
    names.sort();
    names
}

/// A home with pool `p`, source `s` (the data directory), job `j` (`job_args` added), and a
/// standalone virtual drive of `capacity` cartridges with `tapes` labelled in `p`.
fn standalone_home(capacity: &str, tapes: &[&str], job_args: &[&str]) -> Home {
    let h = Home::new();
    fs::create_dir_all(h.data()).unwrap();
    let drive = h.dir.path().join("drive");
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", drive.display()), "--capacity", capacity]);
    h.ok(["pool", "create", "p"]);
    for t in tapes {
        h.ok(["drive", "load", "--tape", t, "--create"]);
        h.ok(["tape", "label", t, "--pool", "p"]);
        h.ok(["drive", "eject"]);
    }
    h.ok_os(&["source".as_ref(), "add".as_ref(), "s".as_ref(), h.data().as_os_str()]);
    let mut job = vec!["job", "create", "j", "--source", "s", "--pool", "p"];
    job.extend_from_slice(job_args);
    h.ok(&job);
    h
}

/// Puts cartridge `tape` in the standalone drive (taking out the one in it).
fn swap(h: &Home, tape: &str) {
    let _ = h.run(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", tape]);
}

/// Backs job `j` up with `tapes` loaded one after the other, nobody at a terminal: `backup
/// run` on the first, then `backup resume` on the next after each exit 4, until the set is
/// complete. Returns the tapes it took.
fn backup_tape_by_tape<'t>(h: &Home, tapes: &[&'t str], extra: &[&str]) -> Vec<&'t str> {
    let mut args = vec!["backup", "run", "j"];
    args.extend_from_slice(extra);
    for (i, tape) in tapes.iter().enumerate() {
        swap(h, tape);
        let (code, _, error) = attempt(h, &args);
        if code == 0 {
            return tapes[..=i].to_vec();
        }
        assert_eq!(code, 4, "{args:?} on {tape}: {error:?}");
        args = vec!["backup", "resume"];
        args.extend_from_slice(extra);
    }
    panic!("the set did not fit on {tapes:?}");
}

/// Runs `args` once per tape of `tapes`, loaded in that order: every run but the last must
/// exit 4 asking for the next tape (by label, in its JSON error) and the last must succeed.
/// Returns the last run's stdout.
fn tape_by_tape(h: &Home, args: &[&str], tapes: &[&str]) -> String {
    for (i, tape) in tapes.iter().enumerate() {
        swap(h, tape);
        let (code, out, error) = attempt(h, args);
        if i + 1 == tapes.len() {
            assert_eq!(code, 0, "{args:?} with {tape}: {error:?}\n{out}");
            return out;
        }
        assert_eq!(code, 4, "{args:?} with {tape}: {error:?}\n{out}");
        let error = error.unwrap_or_else(|| panic!("{args:?}: exit 4 without a JSON error"));
        assert_eq!(error["code"], "no_tape", "{error}");
        assert_eq!(
            error["details"]["wanted"][0]["label"],
            tapes[i + 1],
            "{args:?} with {tape} asks for the next: {error}"
        );
    }
    unreachable!("at least one tape")
}

/// The issue's library case with the shipped defaults: 64 MiB cartridges (a 5% early-warning
/// zone of 3.2 MiB, smaller than one 8 MiB frame), automatic loads, ~320 MB of data.
#[test]
fn a_library_of_64mib_cartridges_takes_a_320mb_set_with_default_zones() {
    let h = library_home("64M", 8);
    noise_tree(&h.data(), 10, 32_000_000);

    let (code, out, error) = attempt(&h, &["backup", "run", "j"]);
    assert_eq!(code, 0, "{error:?}");
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(summary["status"], "completed", "{summary}");
    let tapes = summary["tapes"].as_array().unwrap().len();
    assert!((6..=7).contains(&tapes), "320 MB on 64 MiB cartridges: {summary}");
    assert!(carried_files(&h).is_empty(), "{:?}", carried_files(&h));
    // Every full tape is marked so, and none holds more than it can.
    let list = h.json(["tape", "list"]);
    let full = list["tapes"].as_array().unwrap().iter().filter(|t| t["status"] == "full").count();
    assert_eq!(full, tapes - 1, "{list}");
    for t in list["tapes"].as_array().unwrap() {
        assert!(t["used_bytes"].as_i64().unwrap() <= 64 << 20, "{t}");
    }

    let dest = h.dir.path().join("r");
    let (code, _, error) = attempt(&h, &["restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert_eq!(code, 0, "{error:?}");
    tree::assert_same(&h.data(), &dest);
    let (code, out, error) = attempt(&h, &["verify", "1"]);
    assert_eq!(code, 0, "{error:?}\n{out}");
}

/// The issue's standalone case: ~640 MB on 256 MiB cartridges, nobody at a terminal. The
/// backup pauses (exit 4) at each full tape and `backup resume` goes on; then restore and
/// verify read the set tape by tape across runs, each run exiting 4 for the next tape.
#[test]
fn a_standalone_drive_of_256mib_cartridges_takes_a_640mb_set_tape_by_tape() {
    let h = standalone_home("256M", &["A1", "A2", "A3", "A4"], &[]);
    noise_tree(&h.data(), 20, 32_000_000);
    swap(&h, "A1");
    let (code, _, error) = attempt(&h, &["backup", "run", "j"]);
    assert_eq!(code, 4, "{error:?}");
    let error = error.unwrap();
    assert_eq!(error["code"], "no_tape", "{error}");
    assert_eq!(error["details"]["tape_full"], true, "{error}");
    // Frames in flight when the mark came (how many depends on how far the encoder ran
    // ahead of the drive) wait in the home, named by the resume state, never past the mark.
    let carried = carried_files(&h);
    assert!(carried.is_empty() || carried.len() == 2, "{carried:?}");
    assert_eq!(carried.is_empty(), error["details"]["carried"].is_null(), "{carried:?} {error}");
    swap(&h, "A2");
    let (code, _, error) = attempt(&h, &["backup", "resume"]);
    assert_eq!(code, 4, "{error:?}");
    swap(&h, "A3");
    let (code, out, error) = attempt(&h, &["backup", "resume"]);
    assert_eq!(code, 0, "{error:?}");
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(summary["tapes"], serde_json::json!(["A1", "A2", "A3"]), "{summary}");
    // The resumed run reports the whole set, as `backup list` does, not only its own part.
    assert_eq!((&summary["files"], &summary["entries"]), (&Value::from(22), &Value::from(23)), "{summary}");
    assert_eq!(summary["bytes"], 20 * 32_000_000 + 20 + 11, "{summary}");
    assert!(carried_files(&h).is_empty(), "{:?}", carried_files(&h));
    let list = h.json(["tape", "list"]);
    for t in list["tapes"].as_array().unwrap() {
        assert!(t["used_bytes"].as_i64().unwrap() <= 256 << 20, "{t}");
    }

    // Restore: A2 first names A1 and restores nothing; then A1, A2, A3 in order.
    let dest = h.dir.path().join("r");
    let restore = ["restore", "--set", "1", "--to", dest.to_str().unwrap()];
    swap(&h, "A2");
    let (code, _, error) = attempt(&h, &restore);
    assert_eq!(code, 4);
    let error = error.unwrap();
    assert_eq!(error["details"]["wanted"][0]["label"], "A1", "{error}");
    assert_eq!(error["details"]["restored"], 0, "{error}");
    let out = tape_by_tape(&h, &restore, &["A1", "A2", "A3"]);
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(summary["restored"], summary["requested"], "{summary}");
    tree::assert_same(&h.data(), &dest);
    let leftovers: Vec<_> = fs::read_dir(&dest)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(".tb-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left");
    let ops: Vec<(String, i64)> = {
        let conn = h.sql();
        let mut stmt = conn.prepare("SELECT status, files_restored FROM restore_operations ORDER BY id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(ops, vec![("completed".to_string(), 23)], "one restore (the root, 22 files), four runs");

    // Verify the same way, full and quick.
    let out = tape_by_tape(&h, &["verify", "1"], &["A1", "A2", "A3"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(v["files"], 22, "{v}");
    let out = tape_by_tape(&h, &["verify", "1", "--quick"], &["A1", "A2", "A3"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["passed"], true, "{v}");
}

/// A file split across two tapes restores byte for byte in pieces (one run per tape) with
/// zstd and with AES-256-GCM too, and verify's hash of it spans the runs.
#[test]
fn a_file_crossing_tapes_restores_and_verifies_in_pieces_in_every_framing() {
    let pw = tempfile::NamedTempFile::new().unwrap();
    write_secret(pw.path(), "correct horse battery\n");
    let pw = pw.path().to_str().unwrap().to_string();
    for framing in ["zstd", "aes"] {
        let job: Vec<&str> = match framing {
            "zstd" => vec!["--compression", "zstd"],
            _ => vec!["--encryption-key", "k"],
        };
        let h = if framing == "aes" {
            let h = standalone_home("32M", &["B1", "B2", "B3", "B4"], &[]);
            h.ok(["key", "create", "k", "--password-file", &pw]);
            h.ok(["job", "update", "j", "--encryption-key", "k"]);
            h
        } else {
            standalone_home("32M", &["B1", "B2", "B3", "B4"], &job)
        };
        // 3 x 20 MB of noise over 32 MiB cartridges: files cross from one tape to the next.
        noise_tree(&h.data(), 3, 20 * MIB);
        let used = backup_tape_by_tape(&h, &["B1", "B2", "B3", "B4"], &["--password-file", &pw]);
        assert!(used.len() >= 2, "{framing}: the set spans tapes");
        let crossing: i64 = h
            .sql()
            .query_row(
                "SELECT count(*) FROM catalog_entries e
                 JOIN backup_sets s ON s.id = e.backup_set_id
                 JOIN backup_set_parts p ON p.backup_set_id = e.backup_set_id AND p.status = 'continued'
                 WHERE e.kind = 'file'
                   AND e.frame_seq * s.frame_size + e.frame_offset < p.stream_offset + p.stream_bytes
                   AND e.frame_seq * s.frame_size + e.frame_offset + e.file_size > p.stream_offset + p.stream_bytes",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(crossing >= 1, "{framing}: some file crosses a part boundary");

        let dest = h.dir.path().join("r");
        let restore = ["restore", "--set", "1", "--to", dest.to_str().unwrap(), "--password-file", &pw];
        tape_by_tape(&h, &restore, &used);
        tree::assert_same(&h.data(), &dest);
        let out = tape_by_tape(&h, &["verify", "1", "--password-file", &pw], &used);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["passed"], true, "{framing}: {v}");
        assert_eq!(v["files"], 5, "{framing}: {v}");
    }
}

/// The small contract slips found beside the rest: each a clear usage or device error, and
/// `--json` keeping stdout for data and stderr for the error.
#[test]
fn contract_slips_are_clear_errors() {
    let h = Home::with_tape();
    tree::Builder::new(&h.data()).file(b"a.txt", b"a\n").file(b"b.txt", b"b\n");
    run(&h, &["backup", "run", "nightly"], 0);

    // --as-of means a job's state: with --set it is a usage error, not silently ignored.
    let dest = h.dir.path().join("r");
    let (code, _, error) =
        attempt(&h, &["restore", "--set", "1", "--as-of", "2026-01-01", "--to", dest.to_str().unwrap()]);
    assert_eq!(code, 2, "{error:?}");
    assert_eq!(error.unwrap()["code"], "usage");

    // A malformed glob is a usage error, not "no match".
    let (code, _, error) = attempt(&h, &["catalog", "find", "["]);
    assert_eq!(code, 2, "{error:?}");
    assert!(error.unwrap()["message"].as_str().unwrap().contains("never closes"));
    let (code, _, _) = attempt(&h, &["catalog", "find", "[ab]*"]);
    assert_eq!(code, 0);

    // A virtual library that is not there is a device that does not answer.
    let (code, _, error) = attempt(&h, &["library", "add", "L", "--device", "vlib:/nonexistent"]);
    assert_eq!(code, 1);
    assert_eq!(error.unwrap()["code"], "device_error");

    // A restore into a directory holding the files: stdout has the entry errors and the
    // summary, stderr the one error that says why the exit code is 1.
    fs::create_dir_all(&dest).unwrap();
    fs::write(dest.join("a.txt"), b"mine\n").unwrap();
    let (code, out, error) = attempt(&h, &["restore", "--set", "1", "--to", dest.to_str().unwrap()]);
    assert_eq!(code, 1);
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.iter().filter(|l| l["type"] == "entry_error").count(), 1, "{lines:?}");
    assert_eq!(lines.last().unwrap()["type"], "summary");
    let error = error.expect("one JSON error on stderr");
    assert_eq!((&error["code"], &error["exit_code"]), (&Value::from("entries_failed"), &Value::from(1)), "{error}");
    assert_eq!(fs::read(dest.join("a.txt")).unwrap(), b"mine\n");
}

/// [`Home::with_library`] with source `s` (the directory `data`) and job `j` (raw) to pool `p`.
fn library_home(capacity: &str, tapes: usize) -> Home {
    let h = Home::with_library(capacity, tapes);
    fs::create_dir_all(h.data()).unwrap();
    h.ok_os(&["source".as_ref(), "add".as_ref(), "s".as_ref(), h.data().as_os_str()]);
    h.ok(["job", "create", "j", "--source", "s", "--pool", "p"]);
    h
}

fn tape_row(h: &Home, label: &str) -> Value {
    h.json(["tape", "show", label])["tape"].clone()
}

/// A run that fails after writing (here a write error injected at the 100th block) leaves
/// data no set accounts for: the next run appends after it, counts it as used, and spans on
/// as usual; `tape update` marks a tape full by hand and back.
#[test]
fn a_failed_run_leaves_its_tape_accounted_and_the_next_run_goes_on() {
    let h = library_home("64M", 6);
    noise_tree(&h.data(), 5, 20_000_000);
    let faults = h.dir.path().join("vl/drives/0/faults.json");
    fs::write(&faults, r#"{"fail_write_at": 100}"#).unwrap();
    let (code, _, error) = attempt(&h, &["backup", "run", "j"]);
    assert_eq!(code, 1, "{error:?}");
    fs::remove_file(&faults).unwrap();
    assert_eq!(tape_row(&h, "VT0001L8")["used_bytes"], 0, "nothing was recorded");

    // By hand: VT0002L8 is full; the run must not take it.
    h.ok(["tape", "update", "VT0002L8", "--status", "full"]);
    let (code, out, error) = attempt(&h, &["backup", "run", "j"]);
    assert_eq!(code, 0, "{error:?}");
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let tapes: Vec<&str> = summary["tapes"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(tapes[0], "VT0001L8", "{summary}");
    assert!(!tapes.contains(&"VT0002L8"), "a tape marked full is not written: {summary}");
    // The cut-off run's ~25 MiB are counted: VT0001L8 holds that and a part of this set.
    let first = tape_row(&h, "VT0001L8");
    assert!(first["used_bytes"].as_i64().unwrap() > 25 << 20, "{first}");
    assert!(first["used_bytes"].as_i64().unwrap() <= 64 << 20, "{first}");
    let audit = h.json(["audit", "list", "--resource", "tape"]);
    assert!(audit.to_string().contains("tape.unaccounted_data"), "{audit}");

    let dest = h.dir.path().join("r");
    let (code, _, error) = attempt(&h, &["restore", "--set", "2", "--to", dest.to_str().unwrap()]);
    assert_eq!(code, 0, "{error:?}");
    tree::assert_same(&h.data(), &dest);

    // Back from the mark: a tape without sets is blank again; twice is refused.
    h.ok(["tape", "update", "VT0002L8", "--status", "active"]);
    assert_eq!(tape_row(&h, "VT0002L8")["status"], "blank");
    let (code, _, error) = attempt(&h, &["tape", "update", "VT0002L8", "--status", "active"]);
    assert_eq!(code, 1, "{error:?}");
    let (code, _, _) = attempt(&h, &["tape", "update", "VT0002L8", "--status", "expired"]);
    assert_eq!(code, 2, "only full or active");
}

/// At a terminal, nobody can reach into a standalone virtual drive while the restore holds
/// it, so the prompt takes the name of a cartridge on its shelf: the operator types B2, then
/// B3, and the restore of a set across three tapes goes through in one run.
#[test]
fn at_a_terminal_the_operator_names_the_next_cartridge_of_a_virtual_drive() {
    let h = standalone_home("32M", &["B1", "B2", "B3", "B4"], &[]);
    noise_tree(&h.data(), 3, 20 * MIB);
    let used = backup_tape_by_tape(&h, &["B1", "B2", "B3", "B4"], &[]);
    assert_eq!(used, ["B1", "B2", "B3"], "60 MB over 32 MiB cartridges");
    swap(&h, "B1");

    let dest = h.dir.path().join("r");
    let mut term = h.at_terminal(&format!("restore --set 1 --to {}", dest.display()));
    term.read_until("press Enter", 1);
    assert!(term.seen.contains("needs tape 'B2'"), "{}", term.seen);
    assert!(term.seen.contains("type the name of a cartridge on its shelf"), "{}", term.seen);
    // A name that is not on the shelf is said so, and asked again.
    term.type_line("NOPE");
    term.read_until("press Enter", 2);
    assert!(term.seen.contains("no cartridge 'NOPE' on the shelf"), "{}", term.seen);
    term.type_line("B2");
    term.read_until("press Enter", 3);
    assert!(term.seen.contains("needs tape 'B3'"), "{}", term.seen);
    term.type_line("B3");
    let (ok, seen) = term.finish();
    assert!(ok, "{seen}");
    assert!(seen.contains("Restored 6 of 6 entries"), "{seen}");
    tree::assert_same(&h.data(), &dest);
}

/// A cartridge that a cut-off run filled past its early-warning mark (61 MiB of a 64 MiB
/// cartridge written and never closed): the next backup, starting with an empty drive, loads
/// it as the policy's first choice, finds its data at the mark, marks it full and takes the
/// next cartridge of the library by itself.
#[test]
fn a_tape_filled_by_a_cut_off_run_is_marked_full_and_the_next_taken() {
    use tapebackarr::tape::TapeDevice;
    let h = library_home("64M", 4);
    noise_tree(&h.data(), 2, 10_000_000);
    h.ok(["library", "load", "VT0001L8"]);
    {
        let mut dev = tapebackarr::tape::vtape::VirtualDrive::open(&h.dir.path().join("vl/drives/0")).unwrap();
        dev.rewind().unwrap();
        dev.space(tapebackarr::tape::Space::Filemarks(1)).unwrap();
        // As a run writes it: a part header block, then its frames' blocks.
        let header = tapebackarr::format::part::PartHeader::new(
            uuid::Uuid::new_v4(),
            tapebackarr::format::frame::Framing::Raw,
            None,
            256 << 10,
            8 << 20,
            "2026-12-01T00:00:00Z".into(),
        );
        dev.write_block(&header.encode(Some(1)).unwrap()).unwrap();
        let block = tree::noise(256 << 10, 99);
        for _ in 0..243 {
            dev.write_block(&block).unwrap();
        }
    }
    h.ok(["library", "unload"]);
    let (code, out, error) = attempt(&h, &["backup", "run", "j"]);
    assert_eq!(code, 0, "{error:?}");
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(summary["tapes"], serde_json::json!(["VT0002L8"]), "{summary}");
    let first = tape_row(&h, "VT0001L8");
    assert_eq!(first["status"], "full", "{first}");
    assert!(first["used_bytes"].as_i64().unwrap() >= 61 << 20, "{first}");
    let audit = h.json(["audit", "list", "--resource", "tape"]);
    assert!(audit.to_string().contains("tape.full"), "{audit}");
}
