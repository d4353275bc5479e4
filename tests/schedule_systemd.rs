//! `schedule systemd` through the real binary: the units it writes pass systemd's own
//! checker, name this binary and the home, carry a passphrase file's path but never the
//! passphrase, are written 0644 without clobbering an administrator's edits, and bad input
//! changes nothing.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::clock::which;
use common::{Home, stderr, stdout, write_secret};
use serde_json::Value;

const FILES: [&str; 4] =
    ["tapebackarr-schedule.service", "tapebackarr-schedule.timer", "tapebackarr@.service", "tapebackarr.cron"];

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("tapebackarr")
}

fn audit_rows(h: &Home) -> Vec<String> {
    let conn = h.sql();
    let mut q = conn.prepare("SELECT details FROM audit_logs WHERE action = 'schedule.systemd' ORDER BY id").unwrap();
    q.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// A user other than root and nobody (systemd-analyze warns about `User=nobody`), present
/// on Debian and in CI images.
fn some_user() -> &'static str {
    ["daemon", "bin", "sys"]
        .into_iter()
        .find(|u| nix::unistd::User::from_name(u).ok().flatten().is_some())
        .expect("a system user (daemon, bin or sys) to run the units as")
}

/// `systemd-analyze verify` on the timer with its service, and the template through two
/// instance names (a job name with a dash, plain and as systemd-escape writes it): exit 0 and
/// not one complaint about our units. Never skipped: a machine without systemd-analyze fails.
fn verify(dir: &Path) {
    let analyze = which("systemd-analyze");
    for instance in ["tapebackarr@nightly-full.service", "tapebackarr@nightly\\x2dfull.service"] {
        let link = dir.join(instance);
        if !link.exists() {
            std::os::unix::fs::symlink("tapebackarr@.service", &link).unwrap();
        }
    }
    let out = std::process::Command::new(analyze)
        .current_dir(dir)
        .args(["verify", "--man=no", "./tapebackarr-schedule.timer", "./tapebackarr-schedule.service"])
        .args(["./tapebackarr@nightly-full.service", "./tapebackarr@nightly\\x2dfull.service"])
        .env("SYSTEMD_LOG_LEVEL", "info")
        .output()
        .unwrap();
    let complaints: Vec<&str> =
        std::str::from_utf8(&out.stderr).unwrap().lines().filter(|l| l.contains("tapebackarr")).collect();
    assert!(
        out.status.success() && complaints.is_empty(),
        "systemd-analyze verify: {:?}\n{}{}",
        out.status,
        stdout(&out),
        stderr(&out)
    );
}

/// The one `KEY=` line of a unit.
fn line<'a>(unit: &'a str, key: &str) -> &'a str {
    let mut found = unit.lines().filter(|l| l.starts_with(&format!("{key}=")));
    let first = found.next().unwrap_or_else(|| panic!("no {key}= in\n{unit}"));
    assert!(found.next().is_none(), "two {key}= in\n{unit}");
    first
}

#[test]
fn written_units_pass_systemd_analyze_verify() {
    let h = Home::new();
    let units = h.dir.path().join("units");
    h.ok(["schedule", "systemd", "--output", units.to_str().unwrap()]);
    verify(&units);

    // A home with a space and a user and a passphrase file: quoting and User= pass too.
    let spaced = h.dir.path().join("tape home");
    let secret = h.dir.path().join("pass phrase");
    write_secret(&secret, "s3cret\n");
    h.cmd().env("TAPEBACKARR_HOME", &spaced).arg("init").assert().success();
    let units = h.dir.path().join("units2");
    h.cmd()
        .env("TAPEBACKARR_HOME", &spaced)
        .args(["schedule", "systemd", "--user", some_user(), "--password-file"])
        .arg(&secret)
        .arg("--output")
        .arg(&units)
        .assert()
        .success();
    let service = std::fs::read_to_string(units.join(FILES[0])).unwrap();
    assert_eq!(line(&service, "User"), format!("User={}", some_user()));
    assert!(line(&service, "ExecStart").contains(&format!("--home \"{}\" schedule run-due", spaced.display())));
    verify(&units);
}

#[test]
fn units_run_this_binary_on_the_home_and_cron_gets_one_line() {
    let h = Home::new();
    let out = h.ok(["schedule", "systemd"]);
    let home = h.home();
    let (bin, home) = (bin().display().to_string(), home.display().to_string());
    // Each file after a header naming it, in order.
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("# ==> ")).collect();
    assert_eq!(headers, FILES.map(|f| format!("# ==> {f} <==")));
    let v = h.json(["schedule", "systemd"]);
    let content = |i: usize| v["files"][i]["content"].as_str().unwrap().to_string();
    let (service, timer, template, cron) = (content(0), content(1), content(2), content(3));
    assert!(out.contains(&service) && out.contains(&cron));

    assert_eq!(line(&service, "ExecStart"), format!("ExecStart={bin} --home {home} schedule run-due"));
    assert_eq!(line(&service, "Type"), "Type=oneshot");
    assert_eq!(line(&service, "SuccessExitStatus"), "SuccessExitStatus=3");
    assert_eq!(line(&service, "KillSignal"), "KillSignal=SIGTERM");
    assert_eq!(line(&service, "ReadWritePaths"), format!("ReadWritePaths=-{home}"));
    assert_eq!(line(&template, "ExecStart"), format!("ExecStart={bin} --home {home} backup run %I"));
    for unit in [&service, &template] {
        assert!(!unit.contains("\nUser=") && !unit.contains("\nGroup=") && !unit.contains("\nEnvironment="), "{unit}");
        for hides_devices in ["PrivateDevices=", "DeviceAllow=", "DevicePolicy=", "ProtectClock=", "PrivateTmp="] {
            assert!(!unit.lines().any(|l| l.starts_with(hides_devices)), "{hides_devices} in\n{unit}");
        }
    }
    assert_eq!(line(&timer, "OnCalendar"), "OnCalendar=*-*-* *:*:00");
    assert_eq!(line(&timer, "Persistent"), "Persistent=true");
    assert_eq!(line(&timer, "WantedBy"), "WantedBy=timers.target");

    // The crontab line: 5 schedule fields, the user, the command; the file holds it as its
    // only line that is not a comment.
    let crontab = v["crontab"].as_str().unwrap();
    let fields: Vec<&str> = crontab.split(' ').collect();
    assert_eq!(fields[..6], ["*", "*", "*", "*", "*", "root"]);
    assert_eq!(fields[6..].join(" "), format!("{bin} --home {home} -q schedule run-due"));
    assert_eq!(cron.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>(), [crontab]);

    assert!(v["files"].as_array().unwrap().iter().all(|f| f["path"].is_null() && f["action"] == "printed"));
    assert_eq!(v["home"]["text"], home.as_str());
    assert_eq!(v["executable"]["text"], bin.as_str());
    let steps = v["next_steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s.as_str().unwrap().contains("--output /etc/systemd/system")), "{steps:?}");
    assert!(steps.iter().any(|s| s.as_str().unwrap().contains("systemctl enable --now tapebackarr-schedule.timer")));
    assert!(audit_rows(&h).is_empty(), "printing is not a change");

    // --catalog-backup goes into both the service and the cron line.
    let v = h.json(["schedule", "systemd", "--catalog-backup"]);
    let service = v["files"][0]["content"].as_str().unwrap();
    assert_eq!(line(service, "ExecStart"), format!("ExecStart={bin} --home {home} schedule run-due --catalog-backup"));
    assert!(v["crontab"].as_str().unwrap().ends_with(" -q schedule run-due --catalog-backup"), "{v}");
}

#[test]
fn a_passphrase_file_is_an_environment_line_never_the_secret() {
    let h = Home::new();
    let secret = h.dir.path().join("passphrase");
    write_secret(&secret, "correct horse battery\n");
    let units = h.dir.path().join("units");
    let out = h.run([
        "schedule",
        "systemd",
        "--password-file",
        secret.to_str().unwrap(),
        "--output",
        units.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "a 0600 file draws no warning: {}", stderr(&out));
    let expected = format!("Environment=TAPEBACKARR_PASSWORD_FILE={}", secret.display());
    for name in FILES {
        let text = std::fs::read_to_string(units.join(name)).unwrap();
        assert!(!text.contains("correct horse"), "{name} holds the passphrase");
        if name.ends_with(".service") {
            assert_eq!(line(&text, "Environment"), expected);
        } else if name.ends_with(".cron") {
            assert!(text.contains(&format!("--password-file {} -q schedule run-due", secret.display())), "{text}");
        }
    }
    assert!(!stdout(&out).contains("correct horse"));

    // The environment variable counts as the flag; a file others may read draws a warning.
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = h.cmd().env("TAPEBACKARR_PASSWORD_FILE", &secret).args(["schedule", "systemd"]).output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains(&expected));
    assert!(stderr(&out).contains("readable by other users"), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(
        &h.cmd()
            .env("TAPEBACKARR_PASSWORD_FILE", &secret)
            .args(["--json", "schedule", "systemd"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(v["warnings"][0].as_str().unwrap().contains("readable by other users"));
    assert_eq!(v["password_file"]["text"], secret.to_str().unwrap());
}

#[test]
fn output_writes_0644_files_and_replaces_changed_ones_only_when_confirmed() {
    let h = Home::new();
    let units = h.dir.path().join("etc/systemd/system");
    let dir = units.to_str().unwrap();
    let v = h.json(["schedule", "systemd", "--output", dir]);
    for (i, name) in FILES.iter().enumerate() {
        let path = units.join(name);
        assert_eq!(v["files"][i]["path"]["text"], path.to_str().unwrap());
        assert_eq!(v["files"][i]["action"], "created");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777, 0o644, "{name}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), v["files"][i]["content"].as_str().unwrap());
    }
    assert!(v["next_steps"][0].as_str().unwrap().starts_with("install -m 0644 "), "{}", v["next_steps"]);
    assert_eq!(audit_rows(&h).len(), 1);
    let row: Value = serde_json::from_str(&audit_rows(&h)[0]).unwrap();
    assert_eq!(row["files"].as_array().unwrap().len(), 4);
    assert_eq!(row["directory"]["text"], dir);

    // Again, the same: nothing written, nothing audited.
    let again = h.ok(["schedule", "systemd", "--output", dir]);
    assert_eq!(again.lines().filter(|l| l.starts_with("Unchanged ")).count(), 4, "{again}");
    assert_eq!(audit_rows(&h).len(), 1);

    // An administrator's edit is not overwritten without --yes (no terminal: exit 2).
    let timer = units.join(FILES[1]);
    let edited = std::fs::read_to_string(&timer).unwrap().replace("AccuracySec=1s", "AccuracySec=5s");
    std::fs::write(&timer, &edited).unwrap();
    let before = h.snapshot();
    let out = h.run(["schedule", "systemd", "--output", dir]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("tapebackarr-schedule.timer") && stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&timer).unwrap(), edited);
    assert_eq!(h.snapshot(), before);

    let v = h.json(["schedule", "systemd", "--output", dir, "--yes"]);
    let actions: Vec<&str> = v["files"].as_array().unwrap().iter().map(|f| f["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["unchanged", "replaced", "unchanged", "unchanged"]);
    assert!(std::fs::read_to_string(&timer).unwrap().contains("AccuracySec=1s"));
    assert_eq!(audit_rows(&h).len(), 2);

    // Written elsewhere than /etc/systemd/system, the units are to be installed there.
    assert!(v["next_steps"][0].as_str().unwrap().ends_with(" /etc/systemd/system/"), "{}", v["next_steps"]);
}

#[test]
fn a_directory_nobody_may_write_is_exit_1_and_changes_nothing() {
    let h = Home::new();
    h.give_away();
    let locked = tempfile::tempdir().unwrap();
    std::fs::set_permissions(locked.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let target = locked.path().join("units");
    let before = h.snapshot();
    let out = h.unprivileged().args(["--json", "schedule", "systemd", "--output"]).arg(&target).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "bad_path");
    assert!(!target.exists());
    assert_eq!(h.snapshot(), before);
    assert!(stdout(&out).is_empty());
}

#[test]
fn bad_input_gives_its_exit_code_and_changes_nothing() {
    let h = Home::new();
    let file = h.dir.path().join("a-file");
    std::fs::write(&file, "keep me").unwrap();
    let units = h.dir.path().join("units");
    let u = units.to_str().unwrap();
    let f = file.to_str().unwrap();
    let missing = h.dir.path().join("no-such-passphrase");
    let missing = missing.to_str().unwrap();
    let under_file = format!("{f}/units");
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["--user", "bad name!", "--output", u], 2, "usage"),
        (vec!["--user", "", "--output", u], 2, "usage"),
        (vec!["--output"], 2, "usage"),
        (vec!["--fragile", "--output", u], 2, "usage"),
        (vec!["--user", "no-such-user-tb", "--output", u], 1, "not_found"),
        (vec!["--password-file", missing, "--output", u], 1, "bad_path"),
        (vec!["--password-file", h.dir.path().to_str().unwrap(), "--output", u], 1, "bad_path"),
        (vec!["--output", f], 1, "bad_path"),
        (vec!["--output", &under_file], 1, "bad_path"),
    ];
    let before = h.snapshot();
    for (args, code, kind) in cases {
        let mut all = vec!["--json", "schedule", "systemd"];
        all.extend(&args);
        let out = h.run(&all);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        let err: Value =
            serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stderr(&out)));
        assert_eq!(err["code"], kind, "{args:?}");
        assert!(stdout(&out).is_empty(), "{args:?}");
        assert!(!units.exists(), "{args:?} created the directory");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
        assert_eq!(h.snapshot(), before, "{args:?}");
    }
    // A missing user is named with how to create one.
    let out = h.run(["schedule", "systemd", "--user", "no-such-user-tb"]);
    assert!(stderr(&out).contains("useradd --system"), "{}", stderr(&out));

    // No catalog in the home: the units would call run-due on nothing.
    let empty = Home::empty();
    let out = empty.run(["--json", "schedule", "systemd", "--output", u]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no_catalog"), "{}", stderr(&out));
    assert!(!units.exists());
}
