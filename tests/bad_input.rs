//! Every bad input is refused with a message naming the bad value, the documented exit
//! code (2: the command line is wrong; 1: refused given the catalog's state), and an
//! unchanged catalog — in human mode and, again, with `--json` (error as JSON on stderr).

mod common;

use common::{Home, stderr};
use serde_json::Value;

const USAGE: i32 = 2;
const REFUSED: i32 = 1;

/// Runs `args` (with `{data}` standing for the fixture's data directory) against a catalog
/// with pool `weekly`, source `home` and job `nightly`, after `setup`.
fn check(args: &[&str], exit: i32, message: &str, setup: impl Fn(&Home)) {
    let h = Home::with_basics();
    setup(&h);
    let data = h.data();
    let args: Vec<String> = args.iter().map(|a| a.replace("{data}", data.to_str().unwrap())).collect();
    let before = h.snapshot();

    let out = h.run(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: wrong exit code; stderr: {err}");
    assert!(err.contains(message), "{args:?}: stderr does not say {message:?}:\n{err}");
    assert!(out.stdout.is_empty(), "{args:?}: printed to stdout on failure");
    assert_eq!(h.snapshot(), before, "{args:?} changed the catalog");

    let mut json_args = vec!["--json".to_string()];
    json_args.extend(args.iter().cloned());
    let out = h.run(&json_args);
    assert_eq!(out.status.code(), Some(exit), "{json_args:?}: wrong exit code");
    assert!(out.stdout.is_empty(), "{json_args:?}: printed to stdout on failure");
    let err: Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("{json_args:?}: stderr is not JSON ({e}): {}", stderr(&out)));
    assert_eq!(err["type"], "error");
    assert_eq!(err["exit_code"], exit);
    assert!(err["code"].is_string());
    assert!(err["message"].as_str().unwrap().contains(message), "{json_args:?}: JSON message lacks {message:?}: {err}");
    assert_eq!(h.snapshot(), before, "{json_args:?} changed the catalog");
}

macro_rules! bad {
    ($name:ident, $exit:expr, [$($arg:expr),* $(,)?], $message:expr) => {
        #[test]
        fn $name() {
            check(&[$($arg),*], $exit, $message, |_| {});
        }
    };
    ($name:ident, $exit:expr, [$($arg:expr),* $(,)?], $message:expr, setup = $setup:expr) => {
        #[test]
        fn $name() {
            check(&[$($arg),*], $exit, $message, $setup);
        }
    };
}

// Usage errors: the command line is wrong in itself.
bad!(
    pool_negative_retention,
    USAGE,
    ["pool", "create", "p2", "--retention-days", "-5"],
    "retention must be 0 or more days, not -5"
);
bad!(
    pool_retention_not_a_number,
    USAGE,
    ["pool", "create", "p2", "--retention-days", "ten"],
    "'ten' is not a whole number of days"
);
bad!(pool_bad_policy, USAGE, ["pool", "create", "p2", "--allocation-policy", "sometimes"], "'sometimes'");
bad!(pool_update_negative_retention, USAGE, ["pool", "update", "weekly", "--retention-days=-1"], "not -1");
bad!(pool_update_bad_policy, USAGE, ["pool", "update", "weekly", "--allocation-policy", "never"], "'never'");
bad!(pool_update_bad_bool, USAGE, ["pool", "update", "weekly", "--allow-reuse", "maybe"], "'maybe'");
bad!(pool_name_with_space, USAGE, ["pool", "create", "bad name"], "'bad name' is not a valid name");
bad!(pool_name_leading_dot, USAGE, ["pool", "create", ".hidden"], "'.hidden' is not a valid name");
bad!(pool_unknown_verb, USAGE, ["pool", "frobnicate"], "frobnicate");
bad!(source_bad_type, USAGE, ["source", "add", "s2", "{data}", "--type", "ftp"], "'ftp'");
bad!(
    source_unclosed_class_glob,
    USAGE,
    ["source", "add", "s2", "{data}", "--include", "[abc"],
    "'[abc' is not a valid glob"
);
bad!(
    source_unclosed_alternate_glob,
    USAGE,
    ["source", "add", "s2", "{data}", "--exclude", "{a,b"],
    "'{a,b' is not a valid glob"
);
bad!(source_empty_glob, USAGE, ["source", "add", "s2", "{data}", "--include", ""], "an empty glob");
bad!(
    source_negated_glob,
    USAGE,
    ["source", "add", "s2", "{data}", "--include", "!*.tmp"],
    "'!*.tmp': negation is not supported"
);
bad!(
    source_bad_smb_share,
    USAGE,
    ["source", "add", "s2", "/srv/share", "--type", "smb"],
    "'/srv/share' is not an SMB share"
);
bad!(
    source_bad_nfs_export,
    USAGE,
    ["source", "add", "s2", "nas/export", "--type", "nfs"],
    "'nas/export' is not an NFS export"
);
bad!(source_update_bad_glob, USAGE, ["source", "update", "home", "--exclude", "[z-a]"], "'[z-a]' is not a valid glob");
bad!(source_update_bad_type, USAGE, ["source", "update", "home", "--type", "cifs"], "'cifs'");
bad!(
    job_bad_backup_type,
    USAGE,
    ["job", "create", "j2", "--source", "home", "--pool", "weekly", "--type", "differential"],
    "'differential'"
);
bad!(
    job_cron_minute_out_of_range,
    USAGE,
    ["job", "create", "j2", "--source", "home", "--pool", "weekly", "--schedule", "61 * * * *"],
    "'61 * * * *' is not a valid cron schedule"
);
bad!(
    job_cron_four_fields,
    USAGE,
    ["job", "create", "j2", "--source", "home", "--pool", "weekly", "--schedule", "0 2 * *"],
    "'0 2 * *' has 4 fields"
);
bad!(
    job_cron_six_fields,
    USAGE,
    ["job", "create", "j2", "--source", "home", "--pool", "weekly", "--schedule", "0 0 2 * * *"],
    "has 6 fields"
);
bad!(
    job_cron_unknown_nickname,
    USAGE,
    ["job", "create", "j2", "--source", "home", "--pool", "weekly", "--schedule", "@reboot"],
    "'@reboot' is not a valid cron schedule"
);
bad!(
    job_bad_compression,
    USAGE,
    ["job", "create", "j2", "--source", "home", "--pool", "weekly", "--compression", "gzip"],
    "'gzip' is not a compression"
);
bad!(
    job_compression_level_too_high,
    USAGE,
    ["job", "create", "j2", "--source", "home", "--pool", "weekly", "--compression", "zstd:25"],
    "'zstd:25' is not a compression"
);
bad!(
    job_negative_retention,
    USAGE,
    ["job", "create", "j2", "--source", "home", "--pool", "weekly", "--retention-days", "-30"],
    "not -30"
);
bad!(job_missing_source_flag, USAGE, ["job", "create", "j2", "--pool", "weekly"], "--source");
bad!(
    job_update_bad_cron,
    USAGE,
    ["job", "update", "nightly", "--schedule", "0 25 * * *"],
    "'0 25 * * *' is not a valid cron schedule"
);
bad!(
    job_update_bad_compression,
    USAGE,
    ["job", "update", "nightly", "--compression", "zstd:0"],
    "'zstd:0' is not a compression"
);
bad!(
    job_update_schedule_and_no_schedule,
    USAGE,
    ["job", "update", "nightly", "--schedule", "@daily", "--no-schedule"],
    "--no-schedule"
);
bad!(audit_bad_since, USAGE, ["audit", "list", "--since", "yesterday"], "'yesterday' is not a date");
bad!(audit_bad_resource, USAGE, ["audit", "list", "--resource", "pool:abc"], "must be a numeric id");
bad!(completions_unknown_shell, USAGE, ["completions", "tcsh"], "'tcsh'");
bad!(hold_set_not_a_number, USAGE, ["backup", "hold", "twelve"], "'twelve'");
bad!(release_set_not_a_number, USAGE, ["backup", "release", "-"], "'-'");
bad!(expire_unknown_flag, USAGE, ["expire", "--older-than", "7d"], "--older-than");

// Refused: well-formed, but the catalog's state says no.
bad!(duplicate_pool, REFUSED, ["pool", "create", "weekly"], "a pool named 'weekly' already exists");
bad!(duplicate_source, REFUSED, ["source", "add", "home", "{data}"], "a source named 'home' already exists");
bad!(
    duplicate_job,
    REFUSED,
    ["job", "create", "nightly", "--source", "home", "--pool", "weekly"],
    "a job named 'nightly' already exists"
);
bad!(
    rename_pool_to_taken_name,
    REFUSED,
    ["pool", "update", "weekly", "--rename", "monthly"],
    "a pool named 'monthly' already exists",
    setup = |h: &Home| {
        h.ok(["pool", "create", "monthly"]);
    }
);
bad!(source_path_missing, REFUSED, ["source", "add", "s2", "{data}/nope"], "/nope' does not exist");
bad!(
    source_path_is_a_file,
    REFUSED,
    ["source", "add", "s2", "{data}/file"],
    "/file' is not a directory",
    setup = |h: &Home| std::fs::write(h.data().join("file"), b"x").unwrap()
);
bad!(
    source_update_path_missing,
    REFUSED,
    ["source", "update", "home", "--path", "/nonexistent/dir"],
    "'/nonexistent/dir' does not exist"
);
bad!(
    job_unknown_source,
    REFUSED,
    ["job", "create", "j2", "--source", "nope", "--pool", "weekly"],
    "no source named 'nope'"
);
bad!(job_unknown_pool, REFUSED, ["job", "create", "j2", "--source", "home", "--pool", "nope"], "no pool named 'nope'");
bad!(
    job_unknown_key,
    REFUSED,
    ["job", "create", "j2", "--source", "home", "--pool", "weekly", "--encryption-key", "nokey"],
    "no encryption key named 'nokey'"
);
bad!(job_update_unknown_pool, REFUSED, ["job", "update", "nightly", "--pool", "nope"], "no pool named 'nope'");
bad!(update_unknown_job, REFUSED, ["job", "update", "ghost", "--type", "incremental"], "no job named 'ghost'");
bad!(show_unknown_pool, REFUSED, ["pool", "show", "ghost"], "no pool named 'ghost'");
bad!(hold_unknown_set, REFUSED, ["backup", "hold", "42", "--reason", "audit"], "no backup set 42");
bad!(release_unknown_set, REFUSED, ["backup", "release", "42"], "no backup set 42");
bad!(
    hold_expired_set,
    REFUSED,
    ["backup", "hold", "1"],
    "set 1 expired on 2027-01-01 00:00:00 UTC",
    setup = |h: &Home| {
        let db = h.sql();
        db.execute("INSERT INTO tapes (label, pool_id, status) VALUES ('T1', 1, 'expired')", []).unwrap();
        db.execute("INSERT INTO backup_sets (job_id, tape_id, backup_type, start_time, status, expired_at) VALUES (1, 1, 'full', '2026-01-01 00:00:00', 'completed', '2027-01-01 00:00:00')", []).unwrap();
    }
);
bad!(enable_unknown_job, REFUSED, ["job", "enable", "ghost"], "no job named 'ghost'");
bad!(delete_pool_with_jobs, REFUSED, ["pool", "delete", "weekly"], "pool 'weekly' still has 0 tape(s), 1 job(s)");
bad!(
    delete_pool_with_tapes,
    REFUSED,
    ["pool", "delete", "spare"],
    "pool 'spare' still has 1 tape(s), 0 job(s)",
    setup = |h: &Home| {
        h.ok(["pool", "create", "spare"]);
        h.sql().execute("INSERT INTO tapes (label, pool_id, status) SELECT 'T1', id, 'blank' FROM tape_pools WHERE name = 'spare'", []).unwrap();
    }
);
bad!(remove_source_used_by_job, REFUSED, ["source", "remove", "home"], "source 'home' is used by job(s) nightly");
bad!(
    remove_source_with_snapshots,
    REFUSED,
    ["source", "remove", "old"],
    "source 'old' has 1 incremental snapshot(s)",
    setup = |h: &Home| {
        h.ok(["source", "add", "old", h.data().to_str().unwrap()]);
        h.sql()
            .execute("INSERT INTO snapshots (source_id) SELECT id FROM backup_sources WHERE name = 'old'", [])
            .unwrap();
    }
);
bad!(
    delete_job_with_sets,
    REFUSED,
    ["job", "delete", "nightly"],
    "job 'nightly' has 1 backup set(s)",
    setup = |h: &Home| {
        let db = h.sql();
        db.execute("INSERT INTO tapes (label, pool_id, status) VALUES ('T1', 1, 'active')", []).unwrap();
        db.execute("INSERT INTO backup_sets (job_id, tape_id, backup_type, start_time, status) VALUES (1, 1, 'full', '2026-01-01 00:00:00', 'completed')", []).unwrap();
    }
);

#[test]
fn every_command_without_a_catalog_says_run_init() {
    let h = Home::empty();
    for args in [
        vec!["pool", "list"],
        vec!["pool", "create", "p"],
        vec!["source", "list"],
        vec!["job", "list"],
        vec!["job", "enable", "x"],
        vec!["audit", "list"],
        vec!["expire"],
        vec!["backup", "hold", "1"],
    ] {
        let out = h.run(&args);
        assert_eq!(out.status.code(), Some(REFUSED), "{args:?}");
        assert!(stderr(&out).contains("run `tapebackarr init` first"), "{args:?}: {}", stderr(&out));
        assert!(!h.home().exists(), "{args:?} created the home directory");
    }
    let out = h.run(["--json", "pool", "list"]);
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "no_catalog");
}
