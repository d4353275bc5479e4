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
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = h.run(&all);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}\n{}", stderr(&out), stdout(&out));
    let text = stdout(&out);
    let last = text.lines().last().unwrap_or_else(|| panic!("{args:?}: no output: {}", stderr(&out)));
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
