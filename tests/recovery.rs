//! docs/RECOVERY.md, followed to the letter: sets are written with `backup run`, their tape
//! files copied with `tape dump` (as `dd` copies them off a drive), and then only the
//! document's commands run on those copies, through `sh -c`: GNU tar, the zstd CLI, and
//! Python's `cryptography` (an AES-GCM and argon2id other than ours) for encrypted sets. Each
//! command is a constant here, and each constant must appear word for word in the document.

mod common;
#[path = "common/tree.rs"]
mod tree;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Home, snapshot_of, stderr, stdout};
use serde_json::Value;

const RECOVERY: &str = include_str!("../docs/RECOVERY.md");

// "Before you start"
const MKDIR_RESTORE: &str = "mkdir restore";
// "What is on a tape"
const READ_LABEL: &str = r#"dd if="$IN" bs=256k count=1 2>/dev/null | head -2"#;
const READ_HEADER: &str = r#"dd if="$IN" bs=256k count=1 2>/dev/null | tr -d '\000'"#;
const READ_INDEX: &str = r#"dd if="$IN" bs=256k 2>/dev/null | zstd -dc | grep -v '"type":"frame"'"#;
// "Working from files on disk"
const FIND_PARTS: &str = r#"for f in file*.bin; do
    if head -c 20 "$f" | grep -qx 'TAPEBACKARR-PART v1'; then echo "$f: $(sed -n '2{p;q}' "$f")"; fi
done"#;
const PIPE_DD: &str = r#"cat "$IN" | dd bs=256k skip=1 iflag=fullblock | tar xvf - -C restore"#;
const PIPE_TAIL: &str = r#"tail -c +262145 "$IN" | tar xvf - -C restore"#;
// "Restoring a set that is not encrypted"
const RAW: &str = r#"dd if="$IN" bs=256k | tail -c +262145 | tar xvf - -C restore"#;
const ZSTD: &str = r#"dd if="$IN" bs=256k | tail -c +262145 | zstd -d | tar xvf - -C restore"#;
// "One file or a few"
const LIST: &str = r#"dd if="$IN" bs=256k | tail -c +262145 | tar tvf -"#;
const ONE_FILE: &str = r#"dd if="$IN" bs=256k | tail -c +262145 | tar xvf - -C restore 'docs/notes 2024.txt'"#;
const WILDCARDS: &str = r#"dd if="$IN" bs=256k | tail -c +262145 | tar xvf - -C restore --wildcards 'docs/*.txt'"#;
const ZSTD_ONE_FILE: &str =
    r#"dd if="$IN" bs=256k | tail -c +262145 | zstd -d | tar xvf - -C restore 'docs/notes 2024.txt'"#;
// "Restoring an encrypted set"
const CUT_UNWRAP: &str = "sed -n '/^# tbunwrap.py begin/,/^# tbunwrap.py end/p' RECOVERY.md > tbunwrap.py";
const UNWRAP: &str = "(umask 077 && python3 tbunwrap.py offsite.tbkey passphrase.txt > data.key)";
const CUT_DECRYPT: &str =
    r#"dd if="$IN" bs=256k count=1 | sed -n '/^# tbdecrypt.py begin/,/^# tbdecrypt.py end/p' > tbdecrypt.py"#;
const SET_UUID: &str =
    r#"SET=$(dd if="$IN" bs=256k count=1 2>/dev/null | sed -n 2p | grep -o '"set_uuid":"[^"]*"' | cut -d'"' -f4)"#;
const DECRYPT_ZSTD: &str = r#"dd if="$IN" bs=256k | tail -c +262145 | python3 tbdecrypt.py data.key "$SET" 262144 | zstd -d | tar xvf - -C restore"#;
const DECRYPT_PLAIN: &str =
    r#"dd if="$IN" bs=256k | tail -c +262145 | python3 tbdecrypt.py data.key "$SET" 262144 | tar xvf - -C restore"#;
// "Incremental chains"
const DELETIONS: &str = r#"dd if="$IN" bs=256k 2>/dev/null | zstd -dc | (cd restore && python3 -c '
import base64, json, os, shutil, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["type"] == "file" and r["kind"] == "deleted":
        p = r["path"]
        p = p["text"].encode() if "text" in p else base64.b64decode(p["bytes"])
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        elif os.path.lexists(p):
            os.remove(p)
        print("deleted", p.decode(errors="replace"))')"#;
// "Sets that span tapes"
const SAVE_PART: &str = r#"dd if="$IN" bs=256k | tail -c +262145 > part1"#;
const SPANNED: &str = "cat part1 part2 | zstd -d | tar xvf - -C restore";

// "The catalog itself"
const FIND_CATALOGS: &str = r#"for f in file*.bin; do
    if head -c 23 "$f" | grep -qx 'TAPEBACKARR-CATALOG v1'; then echo "$f: $(sed -n '2{p;q}' "$f")"; fi
done"#;
const CATALOG_ZSTD: &str = r#"dd if="$IN" bs=256k | tail -c +262145 | zstd -d > catalog.db"#;
const BACKUP_UUID: &str = r#"BACKUP=$(dd if="$IN" bs=256k count=1 2>/dev/null | sed -n 2p | grep -o '"backup_uuid":"[^"]*"' | cut -d'"' -f4)"#;
const CATALOG_DECRYPT: &str =
    r#"dd if="$IN" bs=256k | tail -c +262145 | python3 tbdecrypt.py data.key "$BACKUP" 262144 | zstd -d > catalog.db"#;
const CATALOG_CHECK: &str = r#"python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute("PRAGMA integrity_check").fetchone()[0], c.execute("PRAGMA user_version").fetchone()[0])' catalog.db"#;

const BLOCK: usize = 256 << 10;
const PASSPHRASE: &str = "correct horse battery\n";

/// A few files: one with a space in its name (the document's example member), a 300 KB
/// binary one, a symlink.
fn small_tree(root: &Path) {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let binary: Vec<u8> = (0..300_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    tree::Builder::new(root)
        .file(b"a.txt", b"hello tape\n")
        .mkdir(b"docs")
        .file(b"docs/notes 2024.txt", b"a name with a space\n")
        .file(b"docs/todo.txt", b"restore by hand\n")
        .file(b"data.bin", &binary)
        .symlink(b"link", b"a.txt");
}

/// Runs `backup run ARGS --json` and returns its summary event.
fn backup(h: &Home, args: &[&str]) -> Value {
    let mut all = vec!["--json", "backup", "run"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(0), "backup {args:?}: {}", stderr(&out));
    let last: Value = serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "summary", "{last}");
    last
}

/// A work directory beside the home holding `fileN.bin`, the copies of tape files `files`
/// made with `tape dump`.
fn work_with_dumps(h: &Home, name: &str, files: std::ops::RangeInclusive<u64>) -> PathBuf {
    let work = h.dir.path().join(name);
    std::fs::create_dir_all(&work).unwrap();
    for n in files {
        let out = work.join(format!("file{n}.bin"));
        h.ok(["tape", "dump", "--file", &n.to_string(), "--output", out.to_str().unwrap()]);
    }
    work
}

/// Runs `script` (commands of docs/RECOVERY.md, each checked to be there word for word) with
/// `sh -c` in `work`, `IN` set to `input`; it must succeed. Returns stdout.
fn run(work: &Path, input: Option<&str>, script: &[&str]) -> String {
    for cmd in script {
        assert!(RECOVERY.contains(cmd), "not in docs/RECOVERY.md, word for word:\n{cmd}");
    }
    let mut c = Command::new("sh");
    c.current_dir(work).arg("-c").arg(script.join("\n"));
    if let Some(input) = input {
        c.env("IN", input);
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}\nfailed with {:?}\nstdout: {}\nstderr: {}",
        script.join("\n"),
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// A command of the document as the header block's text gives it: reading the drive, and
/// extracting into the current directory.
fn header_form(cmd: &str) -> String {
    let cmd = cmd.replace(r#""$IN""#, "/dev/nst0");
    cmd.strip_suffix(" -C restore").unwrap_or(&cmd).to_string()
}

/// `restore` removed, so the next command starts from the empty directory the document
/// asks for.
fn clear_restore(work: &Path) {
    let _ = std::fs::remove_dir_all(work.join("restore"));
}

fn names(m: &BTreeMap<Vec<u8>, tree::Node>) -> Vec<String> {
    m.keys().map(|k| String::from_utf8_lossy(k).into_owned()).collect()
}

fn file(work: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(work.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The header JSON of a data file copy.
fn header(data_file: &Path) -> Value {
    let bytes = std::fs::read(data_file).unwrap();
    let line = bytes.split(|b| *b == b'\n').nth(1).unwrap();
    serde_json::from_slice(line).unwrap()
}

/// Python 3 with `cryptography`'s AES-GCM, and argon2id from `cryptography` 44+ or
/// `argon2-cffi`: what the encrypted section needs. Missing, the test fails and says which
/// package to install (CI installs them; this is not a skip).
fn require_python_crypto() {
    let check =
        |code: &str| Command::new("python3").args(["-c", code]).output().map(|o| o.status.success()).unwrap_or(false);
    assert!(
        check("from cryptography.hazmat.primitives.ciphers.aead import AESGCM"),
        "python3 with the `cryptography` package is needed (Debian: apt install python3-cryptography; pip install cryptography)"
    );
    let argon2 = "from cryptography.hazmat.primitives.kdf.argon2 import Argon2id\n\
                  Argon2id(salt=bytes(16), length=32, iterations=1, lanes=1, memory_cost=8).derive(b'x')";
    assert!(
        check(argon2) || check("from argon2.low_level import Type, hash_secret_raw"),
        "argon2id for Python is needed: `cryptography` 44 or later, or `argon2-cffi` \
         (Debian: apt install python3-argon2; pip install argon2-cffi)"
    );
}

/// "What is on a tape" and "Working from files on disk" on the raw set, then "Restoring a
/// set that is not encrypted" (`raw`), "One file or a few", and the pipe forms.
#[test]
fn gnu_tar_restores_a_raw_set_as_the_document_says() {
    let h = Home::with_tape();
    small_tree(&h.data());
    let s = backup(&h, &["nightly"]);
    assert_eq!(s["compression"], "none");
    let work = work_with_dumps(&h, "work", 0..=2);
    let set = s["set_uuid"].as_str().unwrap();

    // The label names the block size.
    let label = run(&work, Some("file0.bin"), &[READ_LABEL]);
    let mut lines = label.lines();
    assert_eq!(lines.next(), Some("TAPEBACKARR-LABEL v1"));
    let json: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(json["block_size"], BLOCK);

    // The header's text: the set, its framing, and the header's own command, which ours is
    // but for `-C restore`.
    let text = run(&work, Some("file1.bin"), &[READ_HEADER]);
    assert!(text.starts_with("TAPEBACKARR-PART v1\n{"), "{text}");
    assert!(text.contains(&format!("\"set_uuid\":\"{set}\"")) && text.contains("\"framing\":\"raw\""), "{text}");
    assert!(text.contains(&format!("  {}\n", header_form(RAW))), "{text}");
    assert!(!text.contains('\0'));

    // The loop finds the one data file, not the label or the index.
    let found = run(&work, None, &[FIND_PARTS]);
    assert_eq!(found.lines().count(), 1, "{found}");
    let (name, json) = found.trim_end().split_once(": ").unwrap();
    assert_eq!(name, "file1.bin");
    let json: Value = serde_json::from_str(json).unwrap();
    assert_eq!(json["set_uuid"], set);
    assert_eq!(json["backup_type"], "full");

    // The index: part record first, every entry, end record last.
    let index = run(&work, Some("file2.bin"), &[READ_INDEX]);
    let records: Vec<Value> = index.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records[0]["type"], "part");
    assert_eq!(records[0]["set_uuid"], set);
    assert_eq!(records.last().unwrap()["type"], "end");
    assert_eq!(records.last().unwrap()["status"], "complete");
    let paths: Vec<&str> =
        records.iter().filter(|r| r["type"] == "file").map(|r| r["path"]["text"].as_str().unwrap()).collect();
    assert_eq!(paths, [".", "a.txt", "data.bin", "docs", "docs/notes 2024.txt", "docs/todo.txt", "link"]);
    assert!(!records.iter().any(|r| r["type"] == "frame"));

    // The whole set.
    let input = "file1.bin";
    let listing = run(&work, Some(input), &[MKDIR_RESTORE, RAW]);
    assert!(listing.contains("docs/notes 2024.txt\n"), "{listing}");
    tree::assert_same(&h.data(), &work.join("restore"));

    // One file, and a pattern.
    let listing = run(&work, Some(input), &[LIST]);
    assert!(listing.lines().any(|l| l.ends_with(" docs/notes 2024.txt")), "{listing}");
    clear_restore(&work);
    run(&work, Some(input), &[MKDIR_RESTORE, ONE_FILE]);
    assert_eq!(file(&work, "restore/docs/notes 2024.txt"), b"a name with a space\n");
    assert_eq!(names(&tree::describe(&work.join("restore"))), [".", "docs", "docs/notes 2024.txt"]);
    clear_restore(&work);
    run(&work, Some(input), &[MKDIR_RESTORE, WILDCARDS]);
    assert_eq!(names(&tree::describe(&work.join("restore"))), [".", "docs", "docs/notes 2024.txt", "docs/todo.txt"]);
    assert_eq!(file(&work, "restore/docs/todo.txt"), b"restore by hand\n");

    // Through a pipe: dd with iflag=fullblock, and tail.
    for cmd in [PIPE_DD, PIPE_TAIL] {
        clear_restore(&work);
        run(&work, Some(input), &[MKDIR_RESTORE, cmd]);
        tree::assert_same(&h.data(), &work.join("restore"));
    }
}

/// "Restoring a set that is not encrypted" (`zstd`), its one-file form, and "Sets that span
/// tapes".
#[test]
fn the_zstd_cli_and_gnu_tar_restore_a_compressed_set() {
    let h = Home::with_tape();
    h.ok(["job", "update", "nightly", "--compression", "zstd:3"]);
    small_tree(&h.data());
    let s = backup(&h, &["nightly"]);
    assert_eq!(s["compression"], "zstd:3");
    let work = work_with_dumps(&h, "work", 1..=2);
    let input = "file1.bin";
    let text = run(&work, Some(input), &[READ_HEADER]);
    assert!(text.contains("\"framing\":\"zstd\""), "{text}");
    assert!(text.contains(&format!("  {}\n", header_form(ZSTD))), "{text}");

    run(&work, Some(input), &[MKDIR_RESTORE, ZSTD]);
    tree::assert_same(&h.data(), &work.join("restore"));

    clear_restore(&work);
    run(&work, Some(input), &[MKDIR_RESTORE, ZSTD_ONE_FILE]);
    assert_eq!(names(&tree::describe(&work.join("restore"))), [".", "docs", "docs/notes 2024.txt"]);
    assert_eq!(file(&work, "restore/docs/notes 2024.txt"), b"a name with a space\n");

    // A set spanning two tapes is one stream cut at a block boundary into parts. TapeBackarr
    // writes one part per set so far, so we cut this one's saved data in two ourselves.
    clear_restore(&work);
    run(&work, Some(input), &[SAVE_PART]);
    let stream = file(&work, "part1");
    assert!(stream.len() > BLOCK, "the set's data spans more than one block");
    std::fs::write(work.join("part1"), &stream[..BLOCK]).unwrap();
    std::fs::write(work.join("part2"), &stream[BLOCK..]).unwrap();
    run(&work, None, &[MKDIR_RESTORE, SPANNED]);
    tree::assert_same(&h.data(), &work.join("restore"));
}

/// "Restoring an encrypted set": the data key from `key export` and its passphrase with
/// tbunwrap.py (cut from RECOVERY.md itself), tbdecrypt.py cut from the header block, then
/// the set decrypted by Python's `cryptography`: with zstd inside, and without.
#[test]
fn python_cryptography_decrypts_an_encrypted_set_with_an_exported_key() {
    require_python_crypto();
    let h = Home::with_tape();
    let pw = h.dir.path().join("pw");
    std::fs::write(&pw, PASSPHRASE).unwrap();
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let key = h.json(["key", "create", "offsite", "--password-file", pw.to_str().unwrap()]);
    let fingerprint = key["key"]["fingerprint"].as_str().unwrap().to_string();
    let job = ["job", "create", "secret", "--source", "home", "--pool", "weekly", "--encryption-key", "offsite"];
    h.ok(job.iter().chain(&["--compression", "zstd"]));
    small_tree(&h.data());
    let pw_arg = pw.to_str().unwrap();
    let zstd_set = backup(&h, &["secret", "--password-file", pw_arg]);
    assert_eq!(zstd_set["encrypted"], true);
    h.ok(["job", "update", "secret", "--compression", "none"]);
    let plain_set = backup(&h, &["secret", "--password-file", pw_arg]);
    assert_eq!(plain_set["file"], 3);

    // What the person restoring has: the tape files, the exported key, its passphrase.
    let work = work_with_dumps(&h, "work", 1..=4);
    h.ok(["key", "export", "offsite", work.join("offsite.tbkey").to_str().unwrap()]);
    std::fs::write(work.join("passphrase.txt"), PASSPHRASE).unwrap();
    std::fs::write(work.join("RECOVERY.md"), RECOVERY).unwrap();
    for f in ["file1.bin", "file3.bin"] {
        let data = file(&work, f);
        assert!(!data.windows(16).any(|w| w == b"a name with a sp"), "plaintext on tape");
    }

    // The data key.
    run(&work, None, &[CUT_UNWRAP]);
    assert!(file(&work, "tbunwrap.py").ends_with(b"# tbunwrap.py end\n"));
    let out = Command::new("sh").current_dir(&work).args(["-c", UNWRAP]).output().unwrap();
    assert!(out.status.success(), "{UNWRAP}: {}", stderr(&out));
    assert_eq!(stderr(&out), format!("tbunwrap: key fingerprint {fingerprint}\n"));
    assert_eq!(file(&work, "data.key").len(), 32);
    let mode = std::fs::metadata(work.join("data.key")).unwrap().permissions();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode) & 0o077, 0, "data.key is private");

    // Both sets: the header names the key and gives the command the document follows.
    for (f, set, decrypt, zstd) in
        [("file1.bin", &zstd_set, DECRYPT_ZSTD, " | zstd -d"), ("file3.bin", &plain_set, DECRYPT_PLAIN, "")]
    {
        let input = f;
        let uuid = set["set_uuid"].as_str().unwrap();
        let text = run(&work, Some(input), &[READ_HEADER]);
        assert!(text.contains("\"framing\":\"aead\"") && text.contains(&fingerprint), "{text}");
        let header_cmd = header_form(decrypt).replace(r#"data.key "$SET""#, &format!("KEYFILE {uuid}"));
        assert!(header_cmd.contains(&format!("262144{zstd} | tar xvf -")));
        assert!(text.contains(&format!("  {header_cmd}\n")), "{header_cmd}\nnot in\n{text}");
        assert!(text.contains(&format!("  {}\n", header_form(CUT_DECRYPT))), "{text}");
        assert_eq!(header(&work.join(f))["set_uuid"], uuid);

        clear_restore(&work);
        let _ = std::fs::remove_file(work.join("tbdecrypt.py"));
        let listing = run(&work, Some(input), &[CUT_DECRYPT, SET_UUID, MKDIR_RESTORE, decrypt]);
        assert!(file(&work, "tbdecrypt.py").starts_with(b"# tbdecrypt.py begin\n"));
        assert!(listing.contains("docs/notes 2024.txt\n"), "{listing}");
        tree::assert_same(&h.data(), &work.join("restore"));
    }
}

/// "Incremental chains": the full set, then the incremental's deletions (from its index),
/// then its data.
#[test]
fn an_incremental_chain_restores_with_its_deletions() {
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
    let full = backup(&h, &["nightly"]);
    std::thread::sleep(std::time::Duration::from_millis(20)); // file times tick coarsely: let one pass
    std::fs::write(h.data().join("keep/a"), b"a2, longer\n").unwrap();
    tree::Builder::new(&h.data()).mkdir(b"new").file(b"new/b", b"b\n").file(b"new/odd name", b"space\n");
    std::fs::remove_file(h.data().join("gone/c")).unwrap();
    std::fs::remove_dir_all(h.data().join("gone/sub")).unwrap();
    let inc = backup(&h, &["nightly", "--incremental"]);
    assert_eq!(inc["backup_type"], "incremental");
    assert_eq!(inc["deleted"], 3);
    let work = work_with_dumps(&h, "work", 1..=4);

    // The headers show the chain.
    let found = run(&work, None, &[FIND_PARTS]);
    let found: Vec<(&str, Value)> = found
        .lines()
        .map(|l| {
            let (f, json) = l.split_once(": ").unwrap();
            (f, serde_json::from_str(json).unwrap())
        })
        .collect();
    assert_eq!(found.len(), 2);
    assert_eq!((found[0].0, found[1].0), ("file1.bin", "file3.bin"));
    assert_eq!(found[1].1["backup_type"], "incremental");
    assert_eq!(found[1].1["parent_set_uuid"], full["set_uuid"]);

    run(&work, Some("file1.bin"), &[MKDIR_RESTORE, RAW]);
    let deleted = run(&work, Some("file4.bin"), &[DELETIONS]);
    let mut deleted: Vec<&str> = deleted.lines().collect();
    deleted.sort();
    assert_eq!(deleted, ["deleted gone/c", "deleted gone/sub", "deleted gone/sub/d"]);
    run(&work, Some("file3.bin"), &[RAW]);

    // Contents, modes, mtimes and names as in the source; directories' mtimes too, but for
    // `keep`, which tar touched replacing keep/a (the document says so).
    let (want, got) = (tree::describe(&h.data()), tree::describe(&work.join("restore")));
    assert_eq!(names(&want), names(&got), "different entries");
    for (path, node) in &want {
        match (node, got.get(path)) {
            (tree::Node::Dir { mode, .. }, Some(tree::Node::Dir { mode: got_mode, .. })) if path == b"keep" => {
                assert_eq!(mode, got_mode)
            }
            (node, got) => assert_eq!(Some(node), got, "{}", String::from_utf8_lossy(path)),
        }
    }
}

/// "The catalog itself": a catalog backup found among the tape files by its magic line, its
/// database taken out with dd, tail and zstd (or, encrypted, tbdecrypt.py with the backup's
/// UUID), checked by Python's sqlite3: the catalog as it was, table for table.
#[test]
fn a_catalog_backup_is_taken_off_the_tape_by_hand() {
    require_python_crypto();
    let h = Home::with_tape();
    small_tree(&h.data());
    backup(&h, &["nightly"]);
    let pw = h.dir.path().join("pw");
    std::fs::write(&pw, PASSPHRASE).unwrap();
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    h.ok(["key", "create", "offsite", "--password-file", pw.to_str().unwrap()]);
    let before = h.snapshot();
    h.ok(["catalog", "backup"]);
    let before_encrypted = h.snapshot();
    h.ok(["--password-file", pw.to_str().unwrap(), "catalog", "backup", "--key", "offsite"]);
    // Set 1 is files 1-2, the catalog backups 3 and 5, their trailers 4 and 6.
    let work = work_with_dumps(&h, "work", 1..=6);

    let found = run(&work, None, &[FIND_CATALOGS]);
    let lines: Vec<&str> = found.lines().collect();
    assert_eq!(lines.len(), 2, "{found}");
    assert!(lines[0].starts_with("file3.bin: {") && lines[1].starts_with("file5.bin: {"), "{found}");
    let text = run(&work, Some("file3.bin"), &[READ_HEADER]);
    assert!(text.contains("\"framing\":\"zstd\"") && text.contains("zstd -d > catalog.db"), "{text}");

    run(&work, Some("file3.bin"), &[CATALOG_ZSTD]);
    assert_eq!(run(&work, None, &[CATALOG_CHECK]).trim(), format!("ok {}", tapebackarr::catalog::SCHEMA_VERSION));
    assert_eq!(snapshot_of(&work.join("catalog.db")), before);
    assert_eq!(std::fs::metadata(work.join("catalog.db")).unwrap().len(), header(&work.join("file3.bin"))["size"]);

    // Encrypted: the data key as for a set, the backup's UUID in the set's place.
    h.ok(["key", "export", "offsite", work.join("offsite.tbkey").to_str().unwrap()]);
    std::fs::write(work.join("passphrase.txt"), PASSPHRASE).unwrap();
    std::fs::write(work.join("RECOVERY.md"), RECOVERY).unwrap();
    std::fs::remove_file(work.join("catalog.db")).unwrap();
    assert!(!file(&work, "file5.bin").windows(16).any(|w| w == b"SQLite format 3\0"), "plaintext on tape");
    run(&work, Some("file5.bin"), &[CUT_UNWRAP, UNWRAP, CUT_DECRYPT, BACKUP_UUID, CATALOG_DECRYPT]);
    assert_eq!(run(&work, None, &[CATALOG_CHECK]).trim(), format!("ok {}", tapebackarr::catalog::SCHEMA_VERSION));
    assert_eq!(snapshot_of(&work.join("catalog.db")), before_encrypted);
}
