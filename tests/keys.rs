//! Encryption keys: made random, stored and exported only wrapped under an argon2id-derived
//! key, opened only by the right passphrase, which never comes from the command line.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{Home, stderr};
use serde_json::Value;
use tapebackarr::pipeline::keywrap::{self, WrappedKey};

fn pass_file(h: &Home, name: &str, pass: &str) -> String {
    let p = h.dir.path().join(name);
    std::fs::write(&p, format!("{pass}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    p.to_str().unwrap().to_string()
}

fn with_pass(h: &Home, file: &str, args: &[&str]) -> std::process::Output {
    h.cmd().env("TAPEBACKARR_PASSWORD_FILE", file).args(args).output().unwrap()
}

fn json_err(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("not JSON: {}", stderr(out)))
}

#[test]
fn create_list_show_and_nothing_in_the_clear() {
    let h = Home::new();
    let pw = pass_file(&h, "pw", "correct horse battery staple");
    let out = with_pass(&h, &pw, &["--json", "key", "create", "offsite", "--description", "vault"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fp = v["key"]["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(fp.len(), 64);
    assert_eq!(v["key"]["algorithm"], "aes-256-gcm");
    assert!(v["key"].get("key_data").is_none(), "wrapped data stays in the catalog");

    // The catalog holds the key only wrapped, and the passphrase opens it to this fingerprint.
    let data: String = h.sql().query_row("SELECT key_data FROM encryption_keys", [], |r| r.get(0)).unwrap();
    let wrapped: WrappedKey = serde_json::from_str(&data).unwrap();
    assert_eq!((wrapped.kdf.as_str(), wrapped.memory_kib, wrapped.passes), ("argon2id", 64 * 1024, 3));
    let key = keywrap::unwrap(&wrapped, b"correct horse battery staple").unwrap();
    assert_eq!(key.fingerprint(), fp);
    let catalog = std::fs::read(h.catalog_path()).unwrap();
    assert!(!catalog.windows(key.bytes().len()).any(|w| w == key.bytes()), "the key is in the catalog in the clear");
    assert!(!catalog.windows(12).any(|w| w == b"correct hors"), "the passphrase is in the catalog");
    let audit = h.json(["audit", "list", "--resource", "key"]);
    let text = audit.to_string();
    assert!(text.contains(&fp) && !text.contains("wrapped") && !text.contains("correct horse"), "{text}");

    let list = h.json(["key", "list"]);
    assert_eq!(list["keys"][0]["name"], "offsite");
    assert_eq!(list["keys"][0]["backup_sets"], 0);
    assert!(h.ok(["key", "list"]).contains(&fp[..16]));
    let show = h.json(["key", "show", "offsite"]);
    assert_eq!(show["key"]["kdf"]["algorithm"], "argon2id");
    assert!(h.ok(["key", "show", "offsite"]).contains("argon2id (64 MiB, 3 passes)"));
}

#[test]
fn export_import_round_trip_and_wrong_passphrase() {
    let h = Home::new();
    let pw = pass_file(&h, "pw", "first passphrase");
    assert!(with_pass(&h, &pw, &["key", "create", "offsite"]).status.success());
    let fp = h.json(["key", "show", "offsite"])["key"]["fingerprint"].as_str().unwrap().to_string();
    let file = h.dir.path().join("offsite.tbkey");
    h.ok(["key", "export", "offsite", file.to_str().unwrap()]);
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    let body = std::fs::read_to_string(&file).unwrap();
    assert!(body.contains("\"format\": \"tapebackarr-key\"") && body.contains(&fp));
    let out = h.run(["key", "export", "offsite", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "no silent overwrite");
    assert!(stderr(&out).contains("pass --force"));

    // Another catalog: the wrong passphrase is refused, the right one imports it.
    let other = Home::new();
    let wrong = pass_file(&other, "wrong", "not the passphrase");
    let out = with_pass(&other, &wrong, &["--json", "key", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_err(&out)["code"], "wrong_passphrase");
    assert_eq!(other.json(["key", "list"])["keys"], serde_json::json!([]));
    let right = pass_file(&other, "right", "first passphrase");
    let out = with_pass(&other, &right, &["--json", "key", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(other.json(["key", "show", "offsite"])["key"]["fingerprint"], fp.as_str());
    let out = with_pass(&other, &right, &["key", "import", file.to_str().unwrap(), "--name", "again"]);
    assert!(stderr(&out).contains("already in the catalog as 'offsite'"), "{}", stderr(&out));

    // A tampered file is refused.
    let tampered = other.dir.path().join("t.tbkey");
    std::fs::write(&tampered, body.replace(&fp, &"0".repeat(64))).unwrap();
    let fresh = Home::new();
    let right2 = pass_file(&fresh, "right", "first passphrase");
    let out = with_pass(&fresh, &right2, &["key", "import", tampered.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not match its fingerprint"), "{}", stderr(&out));
}

#[test]
fn passwd_changes_the_wrapping_not_the_key() {
    let h = Home::new();
    let old = pass_file(&h, "old", "old passphrase");
    let new = pass_file(&h, "new", "new passphrase!");
    assert!(with_pass(&h, &old, &["key", "create", "k"]).status.success());
    let fp = h.json(["key", "show", "k"])["key"]["fingerprint"].as_str().unwrap().to_string();
    let out = with_pass(&h, &new, &["--json", "key", "passwd", "k", "--new-password-file", &new]);
    assert_eq!(json_err(&out)["code"], "wrong_passphrase", "the current passphrase is checked");
    let out = with_pass(&h, &old, &["key", "passwd", "k", "--new-password-file", &new]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = with_pass(&h, &old, &["key", "passwd", "k"]);
    assert_eq!(out.status.code(), Some(2), "the new one must come from a file when the old one does");
    let data: String = h.sql().query_row("SELECT key_data FROM encryption_keys", [], |r| r.get(0)).unwrap();
    let wrapped: WrappedKey = serde_json::from_str(&data).unwrap();
    assert!(keywrap::unwrap(&wrapped, b"old passphrase").is_err());
    assert_eq!(keywrap::unwrap(&wrapped, b"new passphrase!").unwrap().fingerprint(), fp);
}

#[test]
fn delete_is_refused_while_used_and_asks_first() {
    let h = Home::with_basics();
    let pw = pass_file(&h, "pw", "passphrase one");
    assert!(with_pass(&h, &pw, &["key", "create", "k"]).status.success());
    h.ok(["job", "update", "nightly", "--encryption-key", "k"]);
    let before = h.snapshot();
    let out = h.run(["--json", "key", "delete", "k", "--yes"]);
    assert_eq!(json_err(&out)["code"], "in_use");
    assert_eq!(h.snapshot(), before);
    h.ok(["job", "update", "nightly", "--no-encryption"]);
    let out = h.run(["key", "delete", "k"]);
    assert_eq!(out.status.code(), Some(2), "asks for --yes when not interactive");
    h.ok(["key", "delete", "k", "--yes"]);
    assert_eq!(h.json(["key", "list"])["keys"], serde_json::json!([]));
}

#[test]
fn passphrases_never_come_from_argv_and_weak_ones_are_refused() {
    let h = Home::new();
    let before = h.snapshot();
    // No terminal and no file: a usage error, never a hang on a prompt.
    let out = h.run(["--json", "key", "create", "k"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(json_err(&out)["message"].as_str().unwrap().contains("TAPEBACKARR_PASSWORD_FILE"));
    let out = h.run(["key", "create", "k", "--password", "hunter22"]);
    assert_eq!(out.status.code(), Some(2), "there is no way to give it on the command line");
    let short = pass_file(&h, "short", "abc");
    let out = with_pass(&h, &short, &["key", "create", "k"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("too short"), "{}", stderr(&out));
    let empty = h.dir.path().join("empty");
    std::fs::write(&empty, "").unwrap();
    let out = h.run(["--password-file", empty.to_str().unwrap(), "key", "create", "k"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is empty"), "{}", stderr(&out));
    assert_eq!(h.snapshot(), before);
    // A readable-by-others passphrase file works but is warned about.
    let loose = h.dir.path().join("loose");
    std::fs::write(&loose, "a long passphrase\n").unwrap();
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = h.run(["--password-file", loose.to_str().unwrap(), "key", "create", "k"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("readable by other users"), "{}", stderr(&out));
}
