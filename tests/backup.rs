//! `backup run` end to end on the virtual library: what lands on tape is read back by GNU tar
//! and the zstd CLI (not by us), appends never touch earlier sets, refusals write nothing,
//! incrementals record exactly what changed, and the catalog points where the data is.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{Home, stderr, stdout, write_secret};
use serde_json::Value;

/// Runs `backup run ARGS --json` and returns its NDJSON events; asserts exit `code`.
fn backup(h: &Home, args: &[&str], code: i32) -> Vec<Value> {
    let mut all = vec!["--json", "backup", "run"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(code), "backup {args:?}: {}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not an NDJSON line ({e}): {l:?}")))
        .collect()
}

fn summary(events: &[Value]) -> &Value {
    let last = events.last().expect("events");
    assert_eq!(last["type"], "summary", "{events:?}");
    last
}

/// The bytes of tape file `n` of the loaded tape, as `tape dump` writes them.
fn dump(h: &Home, n: u64) -> Vec<u8> {
    let out_path = h.dir.path().join(format!("file{n}.bin"));
    h.ok(["tape", "dump", "--file", &n.to_string(), "--output", out_path.to_str().unwrap()]);
    std::fs::read(out_path).unwrap()
}

/// Pipes `input` through a shell command, returning its stdout; the command must succeed.
fn pipe(cmd: &str, input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("sh")
        .args(["-c", cmd])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The data stream of a part's data file: everything after its one-block header.
fn stream_of(data_file: &[u8], block: usize) -> &[u8] {
    assert!(data_file.starts_with(b"TAPEBACKARR-PART v1\n"));
    &data_file[block..]
}

/// Extracts a raw set's data file with GNU tar into a fresh directory.
fn gnu_tar_extract(h: &Home, data_file: &[u8], name: &str) -> PathBuf {
    let dest = h.dir.path().join(name);
    std::fs::create_dir_all(&dest).unwrap();
    pipe(&format!("tar -xf - -C '{}'", dest.display()), stream_of(data_file, 256 << 10));
    dest
}

#[test]
fn odd_names_round_trip_through_gnu_tar_and_the_catalog_points_at_them() {
    let h = Home::with_tape();
    tree::odd_tree(&h.data());
    let events = backup(&h, &["nightly"], 0);
    assert_eq!(events[0]["type"], "start");
    let s = summary(&events);
    assert_eq!(s["status"], "completed");
    assert_eq!(s["file"], 1, "the first set is tape file 1, after the label");
    assert_eq!(s["unreadable"], 0);
    let described = tree::describe(&h.data());
    assert_eq!(s["entries"].as_u64().unwrap() as usize, described.len(), "every entry is in the set");

    // GNU tar, not us, reads the set back byte for byte, metadata included.
    let data = dump(&h, 1);
    let got = gnu_tar_extract(&h, &data, "restored");
    tree::assert_same(&h.data(), &got);

    // The catalog names every entry by its bytes, with the block of its frame and the offset
    // of its tar header: the 512 bytes there are a ustar header (or the pax header before it).
    let conn = h.sql();
    let mut stmt = conn
        .prepare("SELECT file_path, kind, block_offset, frame_seq, frame_offset, checksum, file_size FROM catalog_entries WHERE backup_set_id = 1")
        .unwrap();
    type Row = (Vec<u8>, String, i64, i64, i64, Option<String>, i64);
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            let path = match r.get_ref(0)? {
                rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => t.to_vec(),
                _ => Vec::new(),
            };
            Ok((path, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), described.len());
    let part: (i64, i64) = conn
        .query_row("SELECT header_block, data_file FROM backup_set_parts WHERE backup_set_id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(part, (2, 1), "label block, filemark, then the header block");
    let stream = stream_of(&data, 256 << 10);
    for (path, kind, block, seq, offset, checksum, size) in &rows {
        assert!(described.contains_key(path), "catalog has {}", String::from_utf8_lossy(path));
        // Raw frames are consecutive blocks right after the header block.
        assert_eq!(*block, part.0 + 1 + seq * 32, "{}: frames of 8 MiB are 32 blocks", String::from_utf8_lossy(path));
        let at = (*seq as usize) * (8 << 20) + *offset as usize;
        let header = &stream[at..at + 512];
        assert!(&header[257..263] == b"ustar\0", "{}: no tar header at its offset", String::from_utf8_lossy(path));
        if kind == "file" {
            let Some(tree::Node::File { blake3, size: real, .. }) = described.get(path) else { panic!() };
            assert_eq!(checksum.as_deref(), Some(blake3.as_str()), "{}", String::from_utf8_lossy(path));
            assert_eq!(*size as u64, *real);
        }
    }
    // Paths that are not UTF-8 are stored as BLOBs, byte for byte.
    let blob: i64 = conn
        .query_row("SELECT count(*) FROM catalog_entries WHERE typeof(file_path) = 'blob'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blob, 1);

    // The index file says the same, readable with the zstd CLI.
    let index = pipe("zstd -dc", &dump(&h, 2));
    let lines: Vec<Value> =
        index.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
    assert_eq!(lines[0]["type"], "part");
    assert_eq!(lines.last().unwrap()["type"], "end");
    assert_eq!(lines.last().unwrap()["status"], "complete");
    assert_eq!(lines.iter().filter(|l| l["type"] == "file").count(), described.len());
}

#[test]
fn a_path_longer_than_path_max_is_archived_whole() {
    let h = Home::with_tape();
    tree::deep_tree(&h.data());
    let s = summary(&backup(&h, &["nightly"], 0)).clone();
    assert_eq!(s["unreadable"], 0);
    assert_eq!(s["warnings"], 0, "{s}");
    let stream = dump(&h, 1);
    // GNU tar 1.34 lists and streams it (it cannot create it: its mkdir takes whole paths).
    let listing = String::from_utf8(pipe("tar -tf -", stream_of(&stream, 256 << 10))).unwrap();
    let deep = String::from_utf8(tree::deep_path()).unwrap();
    assert!(listing.lines().any(|l| l == format!("{deep}/deep.txt")), "{listing}");
    let content = pipe(&format!("tar -xOf - '{deep}/deep.txt'"), stream_of(&stream, 256 << 10));
    assert_eq!(content, b"beyond PATH_MAX\n");
    let n: i64 = h
        .sql()
        .query_row("SELECT count(*) FROM catalog_entries WHERE length(file_path) > 4096", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2, "the deepest directory and its file");
}

#[test]
fn a_second_backup_appends_and_the_first_set_stays_intact() {
    let h = Home::with_tape();
    tree::Builder::new(&h.data()).file(b"one.txt", b"first version\n").mkdir(b"sub").file(b"sub/x", b"x\n");
    let first_tree = h.dir.path().join("first-tree");
    pipe(&format!("cp -a '{}' '{}'", h.data().display(), first_tree.display()), b"");
    let s1 = summary(&backup(&h, &["nightly"], 0)).clone();
    let before = dump(&h, 1);

    std::fs::write(h.data().join("one.txt"), b"second version, longer\n").unwrap();
    std::fs::write(h.data().join("two.txt"), b"new\n").unwrap();
    let s2 = summary(&backup(&h, &["nightly", "--full"], 0)).clone();
    assert_eq!(s2["file"], 3, "appended after set 1's data and index");
    assert_eq!(s2["start_block"], s1["end_block"], "right at the end of the first set");

    // Set 1 is still there, unchanged, and GNU tar restores it as it was.
    assert_eq!(dump(&h, 1), before);
    tree::assert_same(&first_tree, &gnu_tar_extract(&h, &before, "set1"));
    tree::assert_same(&h.data(), &gnu_tar_extract(&h, &dump(&h, 3), "set2"));
    let list = h.json(["backup", "list"]);
    let sets = list["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 2);
    assert!(sets.iter().all(|s| s["status"] == "completed"));
    let tape = h.json(["tape", "show", "W1"]);
    assert_eq!(tape["tape"]["status"], "active");
    assert_eq!(tape["tape"]["write_count"], 2);
}

#[test]
fn a_compressed_set_with_a_sparse_file_decodes_with_the_zstd_cli() {
    let h = Home::with_tape();
    h.ok(["job", "update", "nightly", "--compression", "zstd:3"]);
    let size: u64 = 3 << 30; // 3 GiB of holes: zstd makes them a few KiB on tape.
    tree::Builder::new(&h.data()).file(b"a.txt", &b"compress me ".repeat(10_000)).sparse(b"sparse.img", b"head", size);
    let s = summary(&backup(&h, &["nightly"], 0)).clone();
    assert_eq!(s["compression"], "zstd:3");
    // Holes compress to almost nothing, but every 8 MiB frame takes at least a 256 KiB block.
    assert!(s["tape_bytes"].as_u64().unwrap() <= size / 32 + (4 << 20), "holes compress: {s}");
    assert_eq!(s["bytes"].as_u64().unwrap(), size + 120_000);

    let data = dump(&h, 1);
    // GNU tar lists it from the zstd CLI's output; the sparse file's content, streamed, has
    // the size and hash the catalog recorded.
    let listing = String::from_utf8(pipe("zstd -dc | tar -tvf -", stream_of(&data, 256 << 10))).unwrap();
    assert!(listing.contains(&format!("{size} ")) && listing.contains("sparse.img"), "{listing}");
    // GNU tar gives back the same bytes (compared by coreutils' sha256sum on both sides)...
    let from_tape =
        String::from_utf8(pipe("zstd -dc | tar -xOf - sparse.img | sha256sum", stream_of(&data, 256 << 10))).unwrap();
    let source =
        String::from_utf8(pipe(&format!("sha256sum < '{}'", h.data().join("sparse.img").display()), b"")).unwrap();
    assert_eq!(from_tape, source);
    // ...and the catalog's BLAKE3 is that of those bytes.
    let recorded: String = h
        .sql()
        .query_row("SELECT checksum FROM catalog_entries WHERE file_path = 'sparse.img'", [], |r| r.get(0))
        .unwrap();
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"head");
    let zeros = vec![0u8; 1 << 20];
    let mut left = size - 4;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        hasher.update(&zeros[..n]);
        left -= n as u64;
    }
    assert_eq!(hasher.finalize().to_hex().to_string(), recorded);
    let small = pipe("zstd -dc | tar -xOf - a.txt", stream_of(&data, 256 << 10));
    assert_eq!(small, b"compress me ".repeat(10_000));
}

/// The cartridge files of the library, to prove a refusal wrote nothing.
fn cartridges(h: &Home) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(h.dir.path().join("vl/cartridges")).unwrap() {
        let dir = dir.unwrap().path();
        for f in ["data", "index"] {
            let p = dir.join(f);
            out.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
        }
    }
    out.sort();
    out
}

fn refused(h: &Home, args: &[&str], exit: i32, code: &str) -> Value {
    let catalog = h.snapshot();
    let tapes = cartridges(h);
    let mut all = vec!["--json", "backup", "run"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    assert_eq!(err["code"], code, "{err}");
    assert_eq!(h.snapshot(), catalog, "a refused backup changed the catalog");
    assert!(cartridges(h) == tapes, "a refused backup wrote to a tape");
    err
}

#[test]
fn wrong_pool_foreign_and_unlabelled_tapes_are_refused_untouched() {
    let h = Home::with_tape();
    std::fs::write(h.data().join("f"), b"data\n").unwrap();
    h.ok(["pool", "create", "other"]);
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0002L8"]);
    h.ok(["tape", "label", "O1", "--pool", "other"]);

    // A tape of another pool: exit 4, asking for the tapes of the job's pool.
    let err = refused(&h, &["nightly"], 4, "no_tape");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("pool 'other'") && msg.contains("weekly"), "{msg}");
    assert_eq!(err["details"]["pool"], "weekly");
    assert_eq!(err["details"]["wanted"][0]["label"], "W1", "{err}");
    assert_eq!(err["details"]["wanted"][0]["status"], "blank");

    // A tape labelled by another catalog.
    h.ok(["drive", "eject"]);
    h.ok(["drive", "load", "--tape", "VT0003L8"]);
    let other = Home::new();
    let mut c = other.cmd();
    c.args(["drive", "add", "x", "--device", &format!("vtape:{}", h.dir.path().join("vl/drives/0").display())]);
    c.assert().success();
    other.ok(["pool", "create", "weekly"]);
    other.ok(["tape", "label", "W1", "--pool", "weekly"]);
    let err = refused(&h, &["nightly"], 4, "no_tape");
    assert!(err["message"].as_str().unwrap().contains("another catalog"), "{err}");

    // No tape at all.
    h.ok(["drive", "eject"]);
    let err = refused(&h, &["nightly"], 4, "no_tape");
    assert!(err["message"].as_str().unwrap().contains("no tape"), "{err}");
}

#[test]
fn a_missing_source_and_a_wrong_passphrase_are_clear_errors_that_write_nothing() {
    let h = Home::with_tape();
    let pw = h.dir.path().join("pw");
    write_secret(&pw, "correct horse battery\n");
    h.ok(["key", "create", "k", "--password-file", pw.to_str().unwrap()]);
    h.ok(["job", "create", "secret", "--source", "home", "--pool", "weekly", "--encryption-key", "k"]);
    std::fs::write(h.data().join("f"), b"data\n").unwrap();

    let bad = h.dir.path().join("bad");
    write_secret(&bad, "not the passphrase\n");
    let err = refused(&h, &["secret", "--password-file", bad.to_str().unwrap()], 1, "wrong_passphrase");
    assert!(err["message"].as_str().unwrap().contains("nothing was written"), "{err}");

    std::fs::remove_dir_all(h.data()).unwrap();
    let err = refused(&h, &["nightly"], 1, "bad_path");
    assert!(err["message"].as_str().unwrap().contains("source 'home'"), "{err}");
}

#[test]
fn an_encrypted_set_names_its_key_and_hides_the_data() {
    let h = Home::with_tape();
    let pw = h.dir.path().join("pw");
    write_secret(&pw, "correct horse battery\n");
    let key = h.json(["key", "create", "k", "--password-file", pw.to_str().unwrap()]);
    h.ok([
        "job",
        "create",
        "secret",
        "--source",
        "home",
        "--pool",
        "weekly",
        "--encryption-key",
        "k",
        "--compression",
        "zstd",
    ]);
    std::fs::write(h.data().join("plain.txt"), "a secret sentence ".repeat(1000)).unwrap();
    let s = summary(&backup(&h, &["secret", "--password-file", pw.to_str().unwrap()], 0)).clone();
    assert_eq!(s["encrypted"], true);
    let data = dump(&h, 1);
    let header = String::from_utf8_lossy(&data[..4096]).into_owned();
    assert!(header.contains(key["key"]["fingerprint"].as_str().unwrap()), "{header}");
    assert!(!data.windows(16).any(|w| w == b"a secret sentenc"), "plaintext on tape");
    assert!(data[256 << 10..].starts_with(b"TBEF"), "an aead frame follows the header block");
}

#[test]
fn an_incremental_records_exactly_the_changes_additions_and_deletions() {
    let h = Home::with_tape();
    tree::Builder::new(&h.data())
        .mkdir(b"keep")
        .file(b"keep/a", b"a1\n")
        .file(b"keep/same", b"same\n")
        .mkdir(b"gone")
        .file(b"gone/c", b"c\n")
        .mkdir(b"gone/sub")
        .file(b"gone/sub/d", b"d\n")
        .file(b"top", b"top\n");
    let full = summary(&backup(&h, &["nightly"], 0)).clone();
    assert_eq!(full["backup_type"], "full");

    // Change a (size and mtime), add new/b, delete gone/c and the subtree gone/sub.
    std::thread::sleep(std::time::Duration::from_millis(20)); // file times tick coarsely: let one pass
    std::fs::write(h.data().join("keep/a"), b"a2, longer\n").unwrap();
    std::fs::create_dir(h.data().join("new")).unwrap();
    std::fs::write(h.data().join("new/b"), b"b\n").unwrap();
    std::fs::remove_file(h.data().join("gone/c")).unwrap();
    std::fs::remove_dir_all(h.data().join("gone/sub")).unwrap();

    let inc = summary(&backup(&h, &["nightly", "--incremental"], 0)).clone();
    assert_eq!(inc["backup_type"], "incremental");
    assert_eq!(inc["parent_set"], full["set"]);
    assert_eq!(inc["deleted"], 3);
    let conn = h.sql();
    let mut stmt = conn
        .prepare("SELECT file_path, kind FROM catalog_entries WHERE backup_set_id = ?1 ORDER BY file_path")
        .unwrap();
    let rows: Vec<(String, String)> = stmt
        .query_map([inc["set"].as_i64().unwrap()], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expect = [
        (".", "dir"),    // a directory was added to the root
        ("gone", "dir"), // entries were removed from it
        ("gone/c", "deleted"),
        ("gone/sub", "deleted"),
        ("gone/sub/d", "deleted"),
        ("keep/a", "file"),
        ("new", "dir"),
        ("new/b", "file"),
    ];
    let expect: Vec<(String, String)> = expect.iter().map(|(p, k)| (p.to_string(), k.to_string())).collect();
    assert_eq!(rows, expect);

    // Nothing changed since: the next incremental holds nothing but the parent link.
    let again = summary(&backup(&h, &["nightly", "--incremental"], 0)).clone();
    assert_eq!(again["entries"], 0, "{again}");
    assert_eq!(again["deleted"], 0);
    assert_eq!(again["parent_set"], inc["set"]);

    // GNU tar reads the incremental on its own too: it holds just the changed entries.
    let listing = String::from_utf8(pipe("tar -tf -", stream_of(&dump(&h, 3), 256 << 10))).unwrap();
    assert_eq!(listing, "./\ngone/\nkeep/a\nnew/\nnew/b\n");
}

#[test]
fn an_unreadable_file_is_a_warning_and_exit_3_with_the_rest_on_tape() {
    let h = Home::with_tape();
    std::fs::write(h.data().join("ok.txt"), b"fine\n").unwrap();
    std::fs::write(h.data().join("secret.txt"), b"no\n").unwrap();
    std::fs::set_permissions(h.data().join("secret.txt"), std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    // Root reads anything; run the backup as nobody then, over a tree nobody owns.
    h.give_away();
    let mut cmd = h.unprivileged();
    cmd.args(["--json", "backup", "run", "nightly"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let events: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let errors: Vec<&Value> = events.iter().filter(|e| e["type"] == "file_error").collect();
    assert_eq!(errors.len(), 1, "{events:?}");
    assert!(errors[0]["path"]["text"].as_str().unwrap().ends_with("secret.txt"));
    assert_eq!(errors[0]["unreadable"], true);
    let s = summary(&events);
    assert_eq!(s["status"], "partial");
    assert_eq!(s["unreadable"], 1);
    // The set is complete without it; the next incremental tries it again.
    let listing = String::from_utf8(pipe("tar -tf -", stream_of(&dump(&h, 1), 256 << 10))).unwrap();
    assert_eq!(listing, "./\nok.txt\n");
    let set_status: String = h.sql().query_row("SELECT status FROM backup_sets", [], |r| r.get(0)).unwrap();
    assert_eq!(set_status, "completed");
}

#[test]
fn an_unreadable_directory_is_not_taken_for_deleted_files() {
    let h = Home::with_tape();
    tree::Builder::new(&h.data())
        .file(b"keep", b"k\n")
        .mkdir(b"locked")
        .file(b"locked/b", b"b\n")
        .file(b"locked/c", b"c\n");
    h.give_away();
    let run = |args: &[&str]| {
        let out = h.unprivileged().args(args).output().unwrap();
        assert!(matches!(out.status.code(), Some(0) | Some(3)), "{}", stderr(&out));
        let text = stdout(&out);
        serde_json::from_str::<Value>(text.lines().last().unwrap()).unwrap()
    };
    run(&["--json", "backup", "run", "nightly"]);
    // The directory becomes unreadable (a permission slip, a failing NFS mount...).
    std::fs::set_permissions(h.data().join("locked"), std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let inc = run(&["--json", "backup", "run", "nightly", "--incremental"]);
    assert_eq!(inc["deleted"], 0, "files the walk could not see are not deleted: {inc}");
    assert!(inc["warnings"].as_u64().unwrap() >= 1, "{inc}");
    // Readable again: the next incremental finds nothing changed below it, and the job's
    // state (full + incrementals) still holds the files.
    std::fs::set_permissions(h.data().join("locked"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let again = run(&["--json", "backup", "run", "nightly", "--incremental"]);
    assert_eq!(again["deleted"], 0, "{again}");
    let dest = h.dir.path().join("r");
    let out = h.run(["--json", "restore", "--job", "nightly", "--to", dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(dest.join("locked/b")).unwrap(), b"b\n");
    assert_eq!(std::fs::read(dest.join("locked/c")).unwrap(), b"c\n");
}

#[test]
fn dry_run_reports_and_touches_nothing() {
    let h = Home::with_tape();
    std::fs::write(h.data().join("f"), b"12345").unwrap();
    let catalog = h.snapshot();
    let tapes = cartridges(&h);
    let v = h.json(["backup", "run", "nightly", "--dry-run"]);
    assert_eq!(v["entries"], 2);
    assert_eq!(v["bytes"], 5);
    assert_eq!(v["wanted"][0]["label"], "W1");
    assert_eq!(h.snapshot(), catalog);
    assert!(cartridges(&h) == tapes);
}

#[test]
fn ad_hoc_runs_and_backup_show_describe_the_set() {
    let h = Home::with_tape();
    std::fs::write(h.data().join("f"), b"x").unwrap();
    let s = summary(&backup(&h, &["--source", "home", "--pool", "weekly", "--compression", "zstd"], 0)).clone();
    assert_eq!(s["job"], "adhoc-home-weekly");
    assert_eq!(s["compression"], "zstd:3");
    let show = h.json(["backup", "show", &s["set"].to_string()]);
    assert_eq!(show["set"]["parts"][0]["tape"], "W1");
    assert_eq!(show["set"]["parts"][0]["status"], "complete");
    assert_eq!(show["set"]["entries"]["file"], 1);
    let human = h.ok(["backup", "show", &s["set"].to_string()]);
    assert!(human.contains("adhoc-home-weekly") && human.contains("W1"), "{human}");
    // Usage errors: a job and ad-hoc flags together, or neither.
    assert_eq!(h.run(["backup", "run", "nightly", "--source", "home", "--pool", "weekly"]).status.code(), Some(2));
    assert_eq!(h.run(["backup", "run"]).status.code(), Some(2));
}

/// `tape label --block-size 1M`: the label records it, backups write 1 MiB blocks (raw and
/// zstd), the set restores and verifies, and the standard tools read it with that block
/// size. A size that is not a power of two from 64K to 1M is a usage error.
#[test]
fn a_tape_labelled_with_1m_blocks_is_written_and_read_in_them() {
    let h = Home::with_basics();
    let vt = h.dir.path().join("vt");
    h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", vt.display())]);
    h.ok(["drive", "load", "--tape", "BIG", "--create"]);
    for bad in ["1000K", "2M", "32K", "3x"] {
        let out = h.run(["tape", "label", "B1", "--pool", "weekly", "--block-size", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
    }
    let v = h.json(["tape", "label", "B1", "--pool", "weekly", "--block-size", "1M"]);
    assert_eq!(v["label"]["block_size"], 1 << 20, "{v}");
    tree::Builder::new(&h.data())
        .file(b"a.txt", b"first\n")
        .file(b"big.bin", &tree::noise(5 << 20, 5))
        .file(b"z.txt", b"last\n");
    let raw = summary(&backup(&h, &["nightly"], 0)).clone();
    h.ok(["job", "update", "nightly", "--compression", "zstd"]);
    let zstd = summary(&backup(&h, &["nightly"], 0)).clone();
    for s in [&raw, &zstd] {
        let set = s["set"].to_string();
        let block_size: i64 = h
            .sql()
            .query_row("SELECT block_size FROM backup_sets WHERE id = ?1", [s["set"].as_i64()], |r| r.get(0))
            .unwrap();
        assert_eq!(block_size, 1 << 20);
        let dest = h.dir.path().join(format!("r{set}"));
        h.ok(["restore", "--set", &set, "--to", dest.to_str().unwrap()]);
        tree::assert_same(&h.data(), &dest);
        h.ok(["verify", &set]);
    }
    // By hand: the raw set's data file after its 1 MiB header block is a tar stream.
    let data = dump(&h, raw["file"].as_u64().unwrap());
    let listing = pipe("tar -tf -", stream_of(&data, 1 << 20));
    assert_eq!(String::from_utf8(listing).unwrap(), "./\na.txt\nbig.bin\nz.txt\n");
}
