//! `restore` end to end on the virtual library: whole sets, single files read by seeking,
//! globs, point-in-time restores across incrementals, encrypted sets, damaged blocks and
//! refusals.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::path::PathBuf;

use common::{Home, stderr, stdout, write_secret};
use serde_json::Value;

/// Runs a command with `--json`, asserts exit `code`, and returns its last stdout line.
fn run(h: &Home, args: &[&str], code: i32) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}\n{}", stderr(&out), stdout(&out));
    // One JSON document, or NDJSON events of which the last is the summary.
    let text = stdout(&out);
    if let Ok(doc) = serde_json::from_str(&text) {
        return doc;
    }
    let last = text.lines().last().unwrap_or_else(|| panic!("no output: {}", stderr(&out)));
    serde_json::from_str(last).unwrap()
}

fn backup(h: &Home, args: &[&str]) -> Value {
    let mut all = vec!["backup", "run"];
    all.extend_from_slice(args);
    run(h, &all, 0)
}

fn restore(h: &Home, args: &[&str], code: i32) -> (Value, PathBuf) {
    let dest = h.dir.path().join(format!("r{}", rand_suffix()));
    let mut all = vec!["restore", "--to", dest.to_str().unwrap()];
    all.extend_from_slice(args);
    (run(h, &all, code), dest)
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed).to_string()
}

#[test]
fn whole_sets_come_back_byte_for_byte_in_every_framing() {
    let h = Home::with_tape();
    tree::odd_tree(&h.data());
    tree::deep_tree(&h.data().join("deep"));
    let pw = h.dir.path().join("pw");
    write_secret(&pw, "correct horse battery\n");
    h.ok(["key", "create", "k", "--password-file", pw.to_str().unwrap()]);
    h.ok(["job", "create", "z", "--source", "home", "--pool", "weekly", "--compression", "zstd"]);
    h.ok([
        "job",
        "create",
        "za",
        "--source",
        "home",
        "--pool",
        "weekly",
        "--compression",
        "zstd",
        "--encryption-key",
        "k",
    ]);
    h.ok(["job", "create", "a", "--source", "home", "--pool", "weekly", "--encryption-key", "k"]);
    for job in ["nightly", "z", "za", "a"] {
        let s = backup(&h, &[job, "--password-file", pw.to_str().unwrap()]);
        let set = s["set"].to_string();
        let (r, dest) = restore(&h, &["--set", &set, "--password-file", pw.to_str().unwrap()], 0);
        assert_eq!(r["type"], "summary");
        assert_eq!(r["failed"], 0, "{job}: {r}");
        assert_eq!(r["restored"], s["entries"], "{job}");
        tree::assert_same(&h.data(), &dest);
    }
}

#[test]
fn one_file_from_a_big_set_reads_only_its_blocks() {
    let h = Home::with_tape();
    let b = tree::Builder::new(&h.data());
    // 40 MiB of other data around a small file.
    b.file(b"a-big.bin", &vec![7u8; 20 << 20])
        .file(b"m-small.txt", b"find me\n")
        .file(b"z-big.bin", &vec![9u8; 20 << 20]);
    let s = backup(&h, &["nightly"]);
    let (r, dest) = restore(&h, &["--set", &s["set"].to_string(), "m-small.txt"], 0);
    assert_eq!(r["restored"], 1);
    assert_eq!(std::fs::read(dest.join("m-small.txt")).unwrap(), b"find me\n");
    assert!(!dest.join("a-big.bin").exists());
    // Its header and content sit in one 256 KiB block (or straddle two).
    assert!(r["tape_blocks_read"].as_u64().unwrap() <= 2, "{r}");
    assert!(r["tape_bytes_read"].as_u64().unwrap() <= 2 * (256 << 10), "{r}");
}

#[test]
fn globs_and_paths_select_entries_and_their_subtrees() {
    let h = Home::with_tape();
    tree::Builder::new(&h.data())
        .mkdir(b"docs")
        .file(b"docs/a.pdf", b"pdf")
        .file(b"docs/b.txt", b"txt")
        .mkdir(b"docs/sub")
        .file(b"docs/sub/c.pdf", b"pdf2")
        .mkdir(b"other")
        .file(b"other/d.txt", b"d");
    let set = backup(&h, &["nightly"])["set"].to_string();
    let (_, dest) = restore(&h, &["--set", &set, "**/*.pdf"], 0);
    assert!(dest.join("docs/a.pdf").exists() && dest.join("docs/sub/c.pdf").exists());
    assert!(!dest.join("docs/b.txt").exists() && !dest.join("other").exists());
    let (r, dest) = restore(&h, &["--set", &set, "docs/sub", "other"], 0);
    assert_eq!(r["restored"], 4, "{r}");
    assert!(dest.join("docs/sub/c.pdf").exists() && dest.join("other/d.txt").exists());
    assert!(!dest.join("docs/a.pdf").exists());
    // Nothing matching: exit 1 (not_found), nothing written.
    let dest = h.dir.path().join("none");
    let out = h.run(["--json", "restore", "--set", &set, "nope", "--to", dest.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(serde_json::from_slice::<Value>(&out.stderr).unwrap()["code"], "not_found");
    assert!(!dest.exists());
}

#[test]
fn as_of_rebuilds_the_tree_from_the_full_and_its_incrementals() {
    let h = Home::with_tape();
    let data = h.data();
    tree::Builder::new(&data).file(b"keep", b"v1\n").file(b"changes", b"v1\n").file(b"goes", b"bye\n");
    backup(&h, &["nightly", "--full"]);
    let state1 = h.dir.path().join("state1");
    std::process::Command::new("cp").args(["-a", data.to_str().unwrap(), state1.to_str().unwrap()]).status().unwrap();
    // Start times have one-second resolution: date the full an hour back rather than wait.
    h.sql().execute("UPDATE backup_sets SET start_time = datetime(start_time, '-1 hour')", []).unwrap();
    std::fs::write(data.join("changes"), b"v2, longer\n").unwrap();
    std::fs::remove_file(data.join("goes")).unwrap();
    std::fs::write(data.join("new"), b"new\n").unwrap();
    let inc = backup(&h, &["nightly", "--incremental"]);
    assert_eq!(inc["deleted"], 1);

    // Now: the incremental on top of the full, "goes" gone.
    let (r, dest) = restore(&h, &["--job", "nightly"], 0);
    assert_eq!(r["sets"].as_array().unwrap().len(), 2, "{r}");
    tree::assert_same(&data, &dest);

    // As of the full's time: the first state.
    let first_time: String =
        h.sql().query_row("SELECT start_time FROM backup_sets ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    let (r, dest) = restore(&h, &["--job", "nightly", "--as-of", &first_time], 0);
    assert_eq!(r["sets"].as_array().unwrap().len(), 1, "{r}");
    tree::assert_same(&state1, &dest);
}

#[test]
fn existing_files_are_kept_unless_asked_and_a_wrong_passphrase_restores_nothing() {
    let h = Home::with_tape();
    std::fs::write(h.data().join("f"), b"from tape\n").unwrap();
    let set = backup(&h, &["nightly"])["set"].to_string();
    let dest = h.dir.path().join("dest");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("f"), b"local\n").unwrap();
    let d = dest.to_str().unwrap();
    let r = run(&h, &["restore", "--set", &set, "--to", d], 1);
    assert_eq!(r["failed"], 1, "{r}");
    assert_eq!(std::fs::read(dest.join("f")).unwrap(), b"local\n");
    let r = run(&h, &["restore", "--set", &set, "--to", d, "--skip-existing"], 0);
    assert_eq!(r["skipped"], 1, "the file, not the directory it merges into: {r}");
    assert_eq!(std::fs::read(dest.join("f")).unwrap(), b"local\n");
    let r = run(&h, &["restore", "--set", &set, "--to", d, "--overwrite", "--verify"], 0);
    assert_eq!(r["verified"], 1, "{r}");
    assert_eq!(std::fs::read(dest.join("f")).unwrap(), b"from tape\n");

    let pw = h.dir.path().join("pw");
    write_secret(&pw, "correct horse battery\n");
    h.ok(["key", "create", "k", "--password-file", pw.to_str().unwrap()]);
    h.ok(["job", "create", "s", "--source", "home", "--pool", "weekly", "--encryption-key", "k"]);
    let set = backup(&h, &["s", "--password-file", pw.to_str().unwrap()])["set"].to_string();
    let bad = h.dir.path().join("bad");
    write_secret(&bad, "not the passphrase\n");
    let out = h.run([
        "--json",
        "restore",
        "--set",
        &set,
        "--to",
        h.dir.path().join("x").to_str().unwrap(),
        "--password-file",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "wrong_passphrase");
    assert!(!h.dir.path().join("x").exists());
}

#[test]
fn a_damaged_block_fails_only_the_files_in_it_with_exit_5() {
    let h = Home::with_tape();
    h.ok(["job", "update", "nightly", "--compression", "zstd"]);
    // Three files of 12 MiB of incompressible-ish bytes: each spans more than one 8 MiB frame.
    // a: frame 0 only; b: frames 0-1; c: header in frame 1; d: frames 1-3; e: frame 3.
    tree::Builder::new(&h.data())
        .file(b"a", &tree::noise(1 << 20, 1))
        .file(b"b", &tree::noise(12 << 20, 2))
        .file(b"c", b"in the damaged frame\n")
        .file(b"d", &tree::noise(12 << 20, 3))
        .file(b"e", b"after the damage\n");
    let s = backup(&h, &["nightly"]);
    let frame_of = |name: &str| -> (i64, i64) {
        h.sql()
            .query_row("SELECT frame_seq, block_offset FROM catalog_entries WHERE file_path = ?1", [name], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
    };
    assert_eq!(frame_of("a").0, 0);
    assert_eq!(frame_of("c").0, 1);
    assert_eq!(frame_of("e").0, 3);
    // The drive hands back a block inside frame 1 with a byte flipped.
    let damaged = frame_of("c").1 + 1;
    std::fs::write(h.dir.path().join("vl/drives/0/faults.json"), format!("{{\"corrupt_blocks\":[{damaged}]}}"))
        .unwrap();
    let (r, dest) = restore(&h, &["--set", &s["set"].to_string()], 5);
    assert_eq!(r["damaged"], 3, "b, c and d have bytes in frame 1: {r}");
    assert_eq!(r["restored"], 3, ". a e: {r}");
    assert_eq!(std::fs::read(dest.join("e")).unwrap(), b"after the damage\n", "files after the damage restore");
    assert!(dest.join("a").exists(), "files before the damage restore");
    for lost in ["b", "c", "d"] {
        assert!(!dest.join(lost).exists(), "a damaged file is not left under its name: {lost}");
    }
}

#[test]
fn verify_reads_a_set_back_and_names_what_differs() {
    let h = Home::with_tape();
    h.ok(["job", "update", "nightly", "--compression", "zstd"]);
    tree::odd_tree(&h.data());
    let set = backup(&h, &["nightly"])["set"].to_string();
    let full = run(&h, &["verify", &set], 0);
    assert_eq!(full["passed"], true, "{full}");
    assert!(full["files"].as_u64().unwrap() >= 5, "{full}");
    let quick = run(&h, &["verify", &set, "--quick"], 0);
    assert_eq!(quick["passed"], true);
    assert!(quick["tape_bytes_read"].as_u64().unwrap() < full["tape_bytes_read"].as_u64().unwrap());

    // A damaged block inside the data: the full verify fails with exit 5 and says where.
    let block: i64 = h
        .sql()
        .query_row("SELECT block_offset FROM catalog_entries WHERE file_path = 'd/inner.bin'", [], |r| r.get(0))
        .unwrap();
    std::fs::write(h.dir.path().join("vl/drives/0/faults.json"), format!("{{\"corrupt_blocks\":[{block}]}}")).unwrap();
    let bad = run(&h, &["verify", &set], 5);
    assert_eq!(bad["passed"], false);
    assert!(!bad["errors"].as_array().unwrap().is_empty(), "{bad}");
    let rows: Vec<(String, String)> = {
        let conn = h.sql();
        let mut stmt = conn.prepare("SELECT mode, status FROM set_verifications ORDER BY id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let expect: Vec<(String, String)> = [("full", "passed"), ("quick", "passed"), ("full", "failed")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(rows, expect);

    // A raw set: a flipped byte wherever it lands (content, header or tar padding) is
    // caught, by the file's checksum or by the frame's BLAKE3 from the index.
    std::fs::remove_file(h.dir.path().join("vl/drives/0/faults.json")).unwrap();
    h.ok(["job", "update", "nightly", "--compression", "none"]);
    std::fs::write(h.data().join("pad"), b"x").unwrap();
    let s = backup(&h, &["nightly"]);
    let set = s["set"].to_string();
    assert_eq!(run(&h, &["verify", &set], 0)["frames_checked"], 1);
    let first_data_block = s["start_block"].as_i64().unwrap() + 1;
    std::fs::write(
        h.dir.path().join("vl/drives/0/faults.json"),
        format!("{{\"corrupt_blocks\":[{first_data_block}]}}"),
    )
    .unwrap();
    let bad = run(&h, &["verify", &set], 5);
    assert!(bad["errors"].to_string().contains("frame 0") || bad["errors"].to_string().contains("checksum"), "{bad}");
}

#[test]
fn odd_names_restore_one_by_one_and_by_glob() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let h = Home::with_tape();
    tree::odd_tree(&h.data());
    let set = backup(&h, &["nightly"])["set"].to_string();
    let dest = h.dir.path().join("odd");
    let args: Vec<&OsStr> = vec![
        OsStr::new("--json"),
        OsStr::new("restore"),
        OsStr::new("--set"),
        OsStr::new(&set),
        OsStr::new("--to"),
        dest.as_os_str(),
        // A name with a leading dash comes after `--`, as with every command-line tool.
        OsStr::new("--"),
        OsStr::from_bytes(b"bad\xff\xfe utf8"),
        OsStr::new("new\nline"),
        OsStr::new("-rf"),
    ];
    let out = h.run_os(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let names: Vec<Vec<u8>> =
        std::fs::read_dir(&dest).unwrap().map(|e| e.unwrap().file_name().as_bytes().to_vec()).collect();
    assert_eq!(names.len(), 3, "just the three named files: {names:?}");
    let d = tree::describe(&dest);
    let src = tree::describe(&h.data());
    for name in [&b"bad\xff\xfe utf8"[..], b"new\nline", b"-rf"] {
        let (
            tree::Node::File { blake3: a, mode: ma, mtime: ta, .. },
            tree::Node::File { blake3: b, mode: mb, mtime: tb, .. },
        ) = (&d[name], &src[name])
        else {
            panic!("not a file")
        };
        assert_eq!((a, ma, ta), (b, mb, tb), "{}", String::from_utf8_lossy(name));
    }
    // A glob over a 255-byte directory name, and hard links restored as links.
    let (r, dest) = restore(&h, &["--set", &set, "L*", "d", "plain.txt", "hard-2"], 0);
    assert_eq!(r["failed"], 0, "{r}");
    let long = String::from_utf8(vec![b'L'; 255]).unwrap();
    assert!(dest.join(&long).join("f".repeat(255)).exists());
    use std::os::unix::fs::MetadataExt;
    let ino = |p: &str| std::fs::metadata(dest.join(p)).unwrap().ino();
    assert_eq!(ino("plain.txt"), ino("hard-2"), "a hard link stays a hard link");
    assert_eq!(ino("plain.txt"), ino("d/hard-to-plain"));
}

/// `--to -`: one file's content to stdout, byte for byte (a hard link gives its target's);
/// anything but exactly one file is a usage error; damage on the medium is exit 5 with the
/// error on stderr.
#[test]
fn one_file_to_stdout() {
    let h = Home::with_tape();
    let big = tree::noise(3 << 20, 33);
    tree::Builder::new(&h.data())
        .file(b"a.txt", b"first\n")
        .mkdir(b"d")
        .file(b"d/big.bin", &big)
        .hardlink(b"d/link.bin", b"d/big.bin")
        .file(b"z.txt", b"last\n");
    h.ok(["job", "update", "nightly", "--compression", "none"]);
    let set = backup(&h, &["nightly"])["set"].to_string();
    let out = h.run(["restore", "--set", &set, "d/big.bin", "--to", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout == big, "the bytes on stdout are the file's");
    let out = h.run(["restore", "--set", &set, "d/link.bin", "--to", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout == big, "a hard link gives its target's content");
    let rows: i64 = h
        .sql()
        .query_row(
            "SELECT count(*) FROM restore_operations WHERE destination_path = '-' AND status = 'completed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 2);

    for (args, why) in [
        (vec!["d"], "a directory selects several entries"),
        (vec!["a.txt", "z.txt"], "two files"),
        (vec!["d/big.bin", "--overwrite"], "--overwrite does not apply"),
    ] {
        let mut all = vec!["--json", "restore", "--set", set.as_str(), "--to", "-"];
        all.extend(args);
        let out = h.run(&all);
        assert_eq!(out.status.code(), Some(2), "{why}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{why}");
    }

    // Damage in the file's data (the medium itself): exit 5, said on stderr.
    let data_file = h.dir.path().join("vl/cartridges/VT0001L8/data");
    let mut bytes = std::fs::read(&data_file).unwrap();
    let at = bytes.windows(64).position(|w| w == &big[(1 << 20)..(1 << 20) + 64]).unwrap();
    bytes[at + 10] ^= 0x5a;
    std::fs::write(&data_file, bytes).unwrap();
    let out = h.run(["--json", "restore", "--set", &set, "d/big.bin", "--to", "-"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let error: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(error["code"], "verify_mismatch", "{error}");
    assert!(error["message"].as_str().unwrap().contains("checksum mismatch"), "{error}");
}
