//! Every command of the foundation, end to end through the real binary: human output,
//! `--json` output, and the audit rows that changes leave behind.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use base64::Engine;
use common::{Home, stderr, stdout};
use serde_json::Value;

fn audit_count(h: &Home) -> i64 {
    h.sql().query_row("SELECT count(*) FROM audit_logs", [], |r| r.get(0)).unwrap()
}

#[test]
fn pool_lifecycle_human_and_json() {
    let h = Home::new();
    assert_eq!(h.ok(["pool", "create", "weekly", "--retention-days", "28"]).trim(), "Created pool 'weekly' (id 1)");
    let v = h.json([
        "pool",
        "create",
        "archive",
        "--no-reuse",
        "--allocation-policy",
        "always",
        "--description",
        "kept forever",
    ]);
    assert_eq!(v["pool"]["name"], "archive");
    assert_eq!(v["pool"]["allow_reuse"], false);
    assert_eq!(v["pool"]["allocation_policy"], "always");
    assert_eq!(v["pool"]["retention_days"], 0);
    assert!(v["pool"]["created_at"].as_str().unwrap().ends_with('Z'));

    let table = h.ok(["pool", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("NAME") && lines[0].contains("RETENTION") && lines[0].contains("POLICY"), "{table}");
    assert!(
        lines[1].starts_with("archive") && lines[1].contains("forever") && lines[1].contains("kept forever"),
        "{table}"
    );
    assert!(lines[2].starts_with("weekly") && lines[2].contains("28 days"), "{table}");
    let list = h.json(["pool", "list"]);
    let names: Vec<&str> = list["pools"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["archive", "weekly"]);
    assert_eq!(list["pools"][1]["tape_count"], 0);

    let show = h.ok(["pool", "show", "weekly"]);
    assert!(show.contains("retention:") && show.contains("28 days"), "{show}");
    let v = h.json(["pool", "show", "weekly"]);
    assert_eq!(v["pool"]["job_count"], 0);
    assert_eq!(v["pool"]["tapes_by_status"], serde_json::json!({}));

    let out = h.ok(["pool", "update", "weekly", "--retention-days", "35", "--rename", "weekly-lto9"]);
    assert!(out.contains("Updated pool 'weekly'") && out.contains("retention_days 28 → 35"), "{out}");
    let v = h.json(["pool", "update", "weekly-lto9", "--allow-reuse", "false", "--description", "LTO-9"]);
    assert_eq!(v["pool"]["allow_reuse"], false);
    assert_eq!(v["changes"]["description"]["to"], "LTO-9");
    let v = h.json(["pool", "update", "weekly-lto9", "--description", ""]);
    assert_eq!(v["pool"]["description"], Value::Null);
    let before = audit_count(&h);
    let v = h.json(["pool", "update", "weekly-lto9", "--retention-days", "35"]);
    assert_eq!(v["changes"], serde_json::json!({}));
    assert_eq!(audit_count(&h), before, "a no-op update wrote an audit row");

    assert_eq!(h.ok(["pool", "delete", "archive"]).trim(), "Deleted pool 'archive'");
    let v = h.json(["pool", "delete", "weekly-lto9"]);
    assert_eq!(v["deleted"]["name"], "weekly-lto9");
    assert!(h.ok(["pool", "list"]).contains("No pools"));
    assert_eq!(h.json(["pool", "list"])["pools"], serde_json::json!([]));
}

#[test]
fn pool_show_counts_tapes_by_status() {
    let h = Home::with_basics();
    let db = h.sql();
    for (label, status) in [("A1", "active"), ("A2", "full"), ("A3", "full")] {
        db.execute("INSERT INTO tapes (label, pool_id, status) VALUES (?1, 1, ?2)", [label, status]).unwrap();
    }
    let v = h.json(["pool", "show", "weekly"]);
    assert_eq!(v["pool"]["tape_count"], 3);
    assert_eq!(v["pool"]["tapes_by_status"], serde_json::json!({"active": 1, "full": 2}));
    assert!(h.ok(["pool", "show", "weekly"]).contains("3 (1 active, 2 full)"));
}

#[test]
fn source_lifecycle_with_globs_and_share_types() {
    let h = Home::new();
    std::fs::create_dir_all(h.data().join("sub")).unwrap();
    // A relative path is stored absolute, so a cron job run elsewhere finds it.
    let out = h
        .cmd()
        .current_dir(h.data())
        .args(["source", "add", "sub", "sub", "--exclude", "**/.cache/**", "--exclude", "*.tmp", "--include", "*.txt"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = h.json(["source", "show", "sub"]);
    let abs = std::fs::canonicalize(h.data().join("sub")).unwrap();
    assert_eq!(v["source"]["path"]["text"], abs.to_str().unwrap());
    assert_eq!(v["source"]["exclude_patterns"], serde_json::json!(["**/.cache/**", "*.tmp"]));
    assert_eq!(v["source"]["include_patterns"], serde_json::json!(["*.txt"]));
    assert_eq!(v["source"]["source_type"], "local");
    assert_eq!(v["source"]["jobs"], serde_json::json!([]));

    h.ok(["source", "add", "filer", "//nas/projects/2026", "--type", "smb"]);
    h.ok(["source", "add", "exports", "nas:/export/home", "--type", "nfs", "--disabled"]);
    let table = h.ok(["source", "list"]);
    assert!(table.lines().next().unwrap().starts_with("NAME") && table.contains("//nas/projects/2026"), "{table}");
    let list = h.json(["source", "list"]);
    let types: Vec<&str> =
        list["sources"].as_array().unwrap().iter().map(|s| s["source_type"].as_str().unwrap()).collect();
    assert_eq!(types, ["nfs", "smb", "local"]);
    assert_eq!(list["sources"][0]["enabled"], false);

    let v = h.json(["source", "update", "sub", "--clear-include", "--exclude", "*.bak", "--disable"]);
    assert_eq!(v["source"]["include_patterns"], serde_json::json!([]));
    assert_eq!(v["source"]["exclude_patterns"], serde_json::json!(["*.bak"]));
    assert_eq!(v["source"]["enabled"], false);
    let out = h.ok(["source", "update", "sub", "--enable", "--rename", "subtree"]);
    assert!(out.contains("Updated source 'sub'") && out.contains("enabled false → true"), "{out}");
    let show = h.ok(["source", "show", "subtree"]);
    assert!(show.contains("exclude:") && show.contains("*.bak"), "{show}");

    assert_eq!(h.ok(["source", "remove", "filer"]).trim(), "Removed source 'filer'");
    assert_eq!(h.json(["source", "remove", "exports"])["deleted"]["name"], "exports");
    assert_eq!(h.json(["source", "list"])["sources"].as_array().unwrap().len(), 1);
}

#[test]
fn source_paths_are_bytes_not_utf8() {
    let h = Home::new();
    let odd = h.data().join(OsStr::from_bytes(b"caf\xe9 new\nline"));
    std::fs::create_dir_all(&odd).unwrap();
    let out = h.run_os(&["source".as_ref(), "add".as_ref(), "odd".as_ref(), odd.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("caf\\xe9 new\\nline"), "{}", stdout(&out));
    let v = h.json(["source", "show", "odd"]);
    let b64 = v["source"]["path"]["bytes"].as_str().expect("non-UTF-8 path as bytes");
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    assert_eq!(bytes, odd.as_os_str().as_bytes());
    let kind: String = h.sql().query_row("SELECT typeof(path) FROM backup_sources", [], |r| r.get(0)).unwrap();
    assert_eq!(kind, "blob");
    let table = h.ok(["source", "list"]);
    assert_eq!(table.lines().count(), 2, "one source must stay on one line:\n{table}");
}

#[test]
fn job_lifecycle_schedule_and_next_run() {
    let h = Home::with_basics();
    // TZ=UTC (set by the helper): '0 2 * * *' next runs at 02:00 UTC within a day.
    let v = h.json(["job", "show", "nightly"]);
    let next = v["job"]["next_run_at"].as_str().unwrap();
    assert!(next.ends_with("T02:00:00Z"), "{next}");
    let next_t = chrono::DateTime::parse_from_rfc3339(next).unwrap();
    let wait = next_t.signed_duration_since(chrono::Utc::now());
    assert!(wait > chrono::Duration::zero() && wait <= chrono::Duration::days(1), "{wait}");
    assert_eq!(v["job"]["source"], "home");
    assert_eq!(v["job"]["pool"], "weekly");
    assert_eq!(v["job"]["backup_type"], "full");
    assert_eq!(v["job"]["compression"], "none");
    assert_eq!(v["job"]["retention_days"], 30);
    assert_eq!(v["job"]["encryption_enabled"], false);

    let out = h.ok([
        "job",
        "create",
        "inc",
        "--source",
        "home",
        "--pool",
        "weekly",
        "--type",
        "incremental",
        "--schedule",
        "@weekly",
        "--compression",
        "zstd",
    ]);
    assert!(out.starts_with("Created job 'inc' (id 2), next run"), "{out}");
    let v = h.json(["job", "show", "inc"]);
    assert_eq!(v["job"]["schedule"], "@weekly");
    assert_eq!(v["job"]["compression"], "zstd:3");
    let weekday = chrono::DateTime::parse_from_rfc3339(v["job"]["next_run_at"].as_str().unwrap()).unwrap();
    assert_eq!(chrono::Datelike::weekday(&weekday), chrono::Weekday::Sun);

    let table = h.ok(["job", "list"]);
    assert!(table.lines().next().unwrap().contains("NEXT RUN"), "{table}");
    assert!(table.contains("incremental") && table.contains("@weekly"), "{table}");
    assert_eq!(h.json(["job", "list"])["jobs"].as_array().unwrap().len(), 2);

    let v = h.json(["job", "disable", "nightly"]);
    assert_eq!(v["job"]["enabled"], false);
    assert_eq!(v["job"]["next_run_at"], Value::Null);
    assert!(h.ok(["job", "enable", "nightly"]).starts_with("Job 'nightly' enabled, next run"));
    let v = h.json(["job", "update", "nightly", "--no-schedule", "--compression", "zstd:9", "--type", "incremental"]);
    assert_eq!(v["job"]["schedule"], Value::Null);
    assert_eq!(v["job"]["next_run_at"], Value::Null);
    assert_eq!(v["changes"]["compression"]["to"], "zstd:9");
    let show = h.ok(["job", "show", "nightly"]);
    assert!(show.contains("schedule:") && show.contains("compression:    zstd:9"), "{show}");

    h.sql()
        .execute(
            "INSERT INTO encryption_keys (name, key_data, key_fingerprint) VALUES ('offsite', 'wrapped', 'fp')",
            [],
        )
        .unwrap();
    let v = h.json(["job", "update", "nightly", "--encryption-key", "offsite"]);
    assert_eq!(v["job"]["encryption_enabled"], true);
    assert_eq!(v["job"]["encryption_key"], "offsite");
    let v = h.json(["job", "update", "nightly", "--no-encryption", "--rename", "nightly2"]);
    assert_eq!(v["job"]["encryption_enabled"], false);
    assert_eq!(v["job"]["name"], "nightly2");

    assert_eq!(h.ok(["job", "delete", "inc"]).trim(), "Deleted job 'inc'");
    assert_eq!(h.json(["job", "delete", "nightly2"])["deleted"]["name"], "nightly2");
    assert!(h.ok(["job", "list"]).contains("No jobs"));
    // With its job gone, the source can go too.
    h.ok(["source", "remove", "home"]);
}

#[test]
fn every_change_is_audited_and_reads_are_not() {
    let h = Home::with_basics();
    // init + pool + source + job.
    assert_eq!(audit_count(&h), 4);
    for args in [
        vec!["pool", "list"],
        vec!["pool", "show", "weekly"],
        vec!["source", "list"],
        vec!["source", "show", "home"],
        vec!["job", "list"],
        vec!["job", "show", "nightly"],
        vec!["audit", "list"],
        vec!["init"],
    ] {
        h.ok(&args);
    }
    assert_eq!(audit_count(&h), 4, "reads wrote audit rows");
    h.ok(["job", "disable", "nightly"]);
    h.ok(["job", "disable", "nightly"]); // already disabled: no change, no row
    h.ok(["pool", "update", "weekly", "--retention-days", "7"]);
    assert_eq!(audit_count(&h), 6);

    let v = h.json(["audit", "list"]);
    let entries = v["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["catalog.create", "pool.create", "source.add", "job.create", "job.disable", "pool.update"]);
    let last = &entries[5];
    assert_eq!(last["resource_type"], "pool");
    assert_eq!(last["resource_id"], 1);
    assert_eq!(last["details"]["changes"]["retention_days"], serde_json::json!({"from": 28, "to": 7}));
    let user = nix::unistd::User::from_uid(nix::unistd::getuid()).unwrap().unwrap().name;
    assert_eq!(last["user"], user.as_str());
    assert_eq!(last["details"]["uid"], nix::unistd::getuid().as_raw());

    let v = h.json(["audit", "list", "--resource", "pool"]);
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
    let v = h.json(["audit", "list", "--resource", "job:1"]);
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
    let v = h.json(["audit", "list", "--since", "2999-01-01"]);
    assert_eq!(v["entries"], serde_json::json!([]));
    let v = h.json(["audit", "list", "--since", "1h", "--limit", "2"]);
    let actions: Vec<&str> = v["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["job.disable", "pool.update"], "--limit keeps the newest, oldest first");

    let table = h.ok(["audit", "list", "--resource", "pool"]);
    assert!(table.lines().next().unwrap().contains("ACTION") && table.contains("pool.update"), "{table}");
    assert!(h.ok(["audit", "list", "--since", "2999-01-01"]).contains("No audit entries"));
}

#[test]
fn quiet_drops_confirmations_but_not_data() {
    let h = Home::new();
    assert_eq!(h.ok(["-q", "pool", "create", "p1"]), "");
    assert_eq!(h.ok(["pool", "create", "p2", "--quiet"]), "");
    assert!(h.ok(["-q", "pool", "list"]).contains("p2"));
    let out = h.run(["-q", "-v", "pool", "list"]);
    assert_eq!(out.status.code(), Some(2), "-q and -v conflict");
}

#[test]
fn verbose_names_the_catalog_on_stderr() {
    let h = Home::new();
    let out = h.run(["-v", "pool", "list"]);
    assert!(stderr(&out).contains("catalog.db"), "{}", stderr(&out));
    let out = h.run(["-v", "--json", "pool", "list"]);
    assert!(out.stderr.is_empty(), "--json keeps stderr for errors");
}

#[test]
fn home_flag_wins_over_environment() {
    let h = Home::new();
    let other = tempfile::tempdir().unwrap();
    let home2 = other.path().join("h2");
    let out = h.cmd().args([OsStr::new("--home"), home2.as_os_str(), OsStr::new("init")]).output().unwrap();
    assert!(out.status.success());
    assert!(home2.join("catalog.db").exists());
    h.cmd()
        .args([
            OsStr::new("--home"),
            home2.as_os_str(),
            OsStr::new("pool"),
            OsStr::new("create"),
            OsStr::new("elsewhere"),
        ])
        .assert()
        .success();
    assert!(!h.ok(["pool", "list"]).contains("elsewhere"));
}

#[test]
fn help_version_and_completions() {
    let h = Home::empty();
    let help = h.ok(["--help"]);
    for needle in ["Exit codes:", "130", "operator action needed", "TAPEBACKARR_HOME", "Examples:"] {
        assert!(help.contains(needle), "--help lacks {needle:?}");
    }
    assert!(h.ok(["job", "create", "--help"]).contains("@daily"));
    assert_eq!(h.ok(["--version"]).trim(), format!("tapebackarr {}", env!("CARGO_PKG_VERSION")));
    for shell in ["bash", "zsh", "fish"] {
        let script = h.ok(["completions", shell]);
        assert!(script.contains("tapebackarr") && script.contains("retention-days"), "{shell}");
    }
    // No subcommand: help on stderr, usage exit code.
    let out = h.run::<[&str; 0], &str>([]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn no_escape_codes_when_not_a_terminal() {
    let h = Home::with_basics();
    for args in [vec!["pool", "list"], vec!["job", "show", "nightly"], vec!["--help"], vec!["audit", "list"]] {
        let out = h.run(&args);
        assert!(!out.stdout.contains(&0x1b), "{args:?} wrote an escape code");
    }
    let out = h.run(["pool", "show", "nope"]);
    assert!(!out.stderr.contains(&0x1b));
    assert!(stderr(&out).starts_with("error: no pool named 'nope'"), "{}", stderr(&out));
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let h = Home::with_basics();
    for args in [vec!["completions", "bash"], vec!["audit", "list"], vec!["--help"]] {
        let mut child = h
            .std_cmd()
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader went away, like `| head -0`
        let out = child.wait_with_output().unwrap();
        assert!(!stderr(&out).contains("panicked"), "{args:?}: {}", stderr(&out));
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked");
    }
}

#[test]
fn relative_home_is_made_absolute_and_empty_env_is_unset() {
    let h = Home::empty();
    std::fs::create_dir_all(h.data()).unwrap();
    let out = h.cmd().current_dir(h.data()).args(["--json", "--home", "rel", "init"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = std::fs::canonicalize(h.data()).unwrap().join("rel");
    assert_eq!(v["home"]["text"], expected.to_str().unwrap());
    // An empty TAPEBACKARR_HOME counts as unset: --home still works, no usage error.
    let out = h
        .cmd()
        .env("TAPEBACKARR_HOME", "")
        .current_dir(h.data())
        .args(["--home", "rel", "pool", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
