//! Time travel for tests of schedules and retention: the real binary run under libfaketime
//! (Debian's `faketime`), which shifts what `clock_gettime`/`gettimeofday` return for one
//! process, so our code and SQLite see the same simulated clock without a test hook in the
//! binary. CI installs it (`.ci/run`); a machine without it fails these tests, never skips.

use std::ffi::OsStr;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

use super::{Home, assert_success};

impl Home {
    /// The binary as [`Home::cmd`], but with the wall clock starting at `when`
    /// (`YYYY-MM-DD HH:MM:SS`, UTC) and running on from there, in time zone `tz` (e.g. `UTC`,
    /// `Europe/Berlin`). Monotonic clocks are left alone, so timeouts and progress still work.
    pub fn cmd_at(&self, when: &str, tz: &str) -> Command {
        let faketime = which("faketime");
        let mut c = Command::new(faketime);
        c.arg(format!("{when} UTC")).arg(assert_cmd::cargo::cargo_bin("tapebackarr"));
        c.env("TAPEBACKARR_HOME", self.home())
            .env("TZ", tz)
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .env("FAKETIME_DONT_RESET", "1")
            .env_remove("TAPEBACKARR_PASSWORD_FILE");
        c
    }

    /// Runs `args` at `when` (UTC).
    pub fn run_at<I, S>(&self, when: &str, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd_at(when, "UTC").args(args).output().unwrap()
    }

    /// Runs `args` at `when` (UTC), asserts success; returns stdout.
    pub fn ok_at<I, S>(&self, when: &str, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_os_string()).collect();
        let out = self.run_at(when, &args);
        assert_success(&out, &args);
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `--json args` at `when` (UTC), asserts success, and parses stdout as one document.
    pub fn json_at<I, S>(&self, when: &str, args: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut all: Vec<std::ffi::OsString> = vec!["--json".into()];
        all.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        let out = self.run_at(when, &all);
        assert_success(&out, &all);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("stdout is not one JSON document ({e}):\n{}", String::from_utf8_lossy(&out.stdout))
        })
    }
}

/// The path of a tool the tests need; a clear failure (not a skip) where it is missing.
pub fn which(tool: &str) -> std::path::PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(tool)).find(|p| p.is_file()))
        .unwrap_or_else(|| panic!("`{tool}` is needed by this test: apt-get install faketime systemd (see .ci/run)"))
}

impl Home {
    /// A library home (4 cartridges of 64 MB in pool `p`) with source `s` (one small file)
    /// and job `j` on `schedule`, created at `created` (UTC), so its first slot is known.
    pub fn scheduled(schedule: &str, created: &str) -> Home {
        let h = Home::with_library("64M", 4);
        std::fs::create_dir_all(h.data()).unwrap();
        std::fs::write(h.data().join("a.txt"), b"scheduled\n").unwrap();
        h.ok_os(&["source".as_ref(), "add".as_ref(), "s".as_ref(), h.data().as_os_str()]);
        h.ok_at(created, ["job", "create", "j", "--source", "s", "--pool", "p", "--schedule", schedule]);
        h
    }

    /// Adds job `broken` in pool `p` at 02:00 daily, created at `created` (UTC), whose source
    /// `g` is gone: its runs fail (`bad_path`).
    pub fn add_broken_job(&self, created: &str) {
        let gone = self.dir.path().join("gone");
        std::fs::create_dir_all(&gone).unwrap();
        self.ok_os(&["source".as_ref(), "add".as_ref(), "g".as_ref(), gone.as_os_str()]);
        self.ok_at(created, ["job", "create", "broken", "--source", "g", "--pool", "p", "--schedule", "0 2 * * *"]);
        std::fs::remove_dir(&gone).unwrap();
    }
}
