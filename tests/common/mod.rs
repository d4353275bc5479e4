//! Test helpers: a temporary home, running the real binary in it, and a dump of the whole
//! catalog so a test can prove that a refused command changed nothing.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use rusqlite::{Connection, OpenFlags, types::ValueRef};
use serde_json::Value;
use tempfile::TempDir;

pub mod clock;

pub struct Home {
    pub dir: TempDir,
}

impl Home {
    /// An empty directory to use as the home; no catalog yet.
    pub fn empty() -> Home {
        Home { dir: tempfile::tempdir().unwrap() }
    }

    /// A home with an initialised catalog.
    pub fn new() -> Home {
        let h = Home::empty();
        h.ok(["init"]);
        h
    }

    /// A catalog holding pool `weekly`, source `home` (the directory `data`) and job `nightly`.
    pub fn with_basics() -> Home {
        let h = Home::new();
        std::fs::create_dir_all(h.data()).unwrap();
        h.ok(["pool", "create", "weekly", "--retention-days", "28"]);
        h.ok_os(&["source".as_ref(), "add".as_ref(), "home".as_ref(), h.data().as_os_str()]);
        h.ok(["job", "create", "nightly", "--source", "home", "--pool", "weekly", "--schedule", "0 2 * * *"]);
        h
    }

    /// [`Home::with_basics`] plus a virtual library `vl` of three 8 GB cartridges, drive `d0`,
    /// and VT0001L8 loaded and labelled `W1` in `weekly`: ready for `backup run nightly`.
    pub fn with_tape() -> Home {
        let h = Home::with_basics();
        let vl = h.dir.path().join("vl");
        h.ok([
            "vlib",
            "create",
            vl.to_str().unwrap(),
            "--slots",
            "4",
            "--drives",
            "1",
            "--tapes",
            "3",
            "--capacity",
            "8G",
        ]);
        h.ok(["drive", "add", "d0", "--device", &format!("vtape:{}", h.drive_dir().display())]);
        h.ok(["drive", "load", "--tape", "VT0001L8"]);
        h.ok(["tape", "label", "W1", "--pool", "weekly"]);
        h
    }

    /// [`Home::with_tape`] plus VT0002L8 labelled `W2` in `weekly` and back on the shelf, W1
    /// in the drive again: a second tape for a set that spans.
    pub fn with_two_tapes() -> Home {
        let h = Home::with_tape();
        for args in [
            &["drive", "eject"][..],
            &["drive", "load", "--tape", "VT0002L8"],
            &["tape", "label", "W2", "--pool", "weekly"],
            &["drive", "eject"],
            &["drive", "load", "--tape", "VT0001L8"],
        ] {
            h.ok(args);
        }
        h
    }

    /// A virtual library `L` (`vl/`) of `tapes` cartridges of `capacity`, drive `d0` in it
    /// (element 500), every cartridge labelled by its barcode into pool `p`.
    pub fn with_library(capacity: &str, tapes: usize) -> Home {
        Home::with_library_drives(capacity, tapes, 1)
    }

    /// [`Home::with_library`] with `drives` drives: `d0`, `d1`, … at elements 500, 501, ….
    pub fn with_library_drives(capacity: &str, tapes: usize, drives: usize) -> Home {
        let h = Home::new();
        let vl = h.dir.path().join("vl");
        let (n, d) = (tapes.to_string(), drives.to_string());
        let create = ["--slots", "8", "--drives", &d, "--tapes", &n, "--capacity", capacity];
        h.ok(["vlib", "create", vl.to_str().unwrap()].iter().chain(&create));
        h.ok(["library", "add", "L", "--device", &format!("vlib:{}", vl.display())]);
        h.ok(["library", "inventory", "L"]);
        for i in 0..drives {
            let device = format!("vtape:{}", vl.join(format!("drives/{i}")).display());
            let (name, element) = (format!("d{i}"), (500 + i).to_string());
            h.ok(["drive", "add", &name, "--device", &device, "--library", "L", "--element", &element]);
        }
        h.ok(["pool", "create", "p"]);
        h.ok(["--drive", "d0", "tape", "label", "--barcodes", "--pool", "p"]);
        h
    }

    /// The virtual drive of [`Home::with_tape`] (where `faults.json` goes).
    pub fn drive_dir(&self) -> PathBuf {
        self.dir.path().join("vl/drives/0")
    }

    /// Hands the whole test directory to an unprivileged user when running as root (root
    /// reads anything, so permission tests need someone who cannot); see [`Home::unprivileged`].
    pub fn give_away(&self) {
        if nix::unistd::geteuid().is_root() {
            let dir = self.dir.path();
            let ok = std::process::Command::new("chown").arg("-R").arg("65534:65534").arg(dir).status().unwrap();
            assert!(ok.success());
            std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        }
    }

    /// The binary as that unprivileged user (nobody, through `setpriv`) when running as
    /// root, else as we are; after [`Home::give_away`].
    pub fn unprivileged(&self) -> std::process::Command {
        let mut c = if nix::unistd::geteuid().is_root() {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
            c.arg(assert_cmd::cargo::cargo_bin("tapebackarr"));
            c
        } else {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("tapebackarr"))
        };
        c.env("TAPEBACKARR_HOME", self.home()).env("TZ", "UTC").env_remove("TAPEBACKARR_PASSWORD_FILE");
        c
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// A directory beside the home, for source trees.
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn catalog_path(&self) -> PathBuf {
        self.home().join("catalog.db")
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("tapebackarr").unwrap();
        c.env("TAPEBACKARR_HOME", self.home()).env("TZ", "UTC").env_remove("TAPEBACKARR_PASSWORD_FILE");
        c
    }

    /// A plain std Command, for tests that manage pipes themselves.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("tapebackarr"));
        c.env("TAPEBACKARR_HOME", self.home()).env("TZ", "UTC").env_remove("TAPEBACKARR_PASSWORD_FILE");
        c
    }

    pub fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd().args(args).output().unwrap()
    }

    pub fn run_os(&self, args: &[&OsStr]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_os_string()).collect();
        let out = self.run(&args);
        assert_success(&out, &args);
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn ok_os(&self, args: &[&OsStr]) -> String {
        self.ok(args.iter().copied())
    }

    /// Runs with `--json`, asserts success, and parses stdout as exactly one JSON document.
    pub fn json<I, S>(&self, args: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut all: Vec<std::ffi::OsString> = vec!["--json".into()];
        all.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        let out = self.run(&all);
        assert_success(&out, &all);
        assert!(out.stderr.is_empty(), "--json printed to stderr: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("stdout is not one JSON document ({e}):\n{}", String::from_utf8_lossy(&out.stdout))
        })
    }

    pub fn sql(&self) -> Connection {
        Connection::open(self.catalog_path()).unwrap()
    }

    /// Every row of every table, and the schema version, as text: equal dumps mean an
    /// unchanged catalog.
    pub fn snapshot(&self) -> String {
        snapshot_of(&self.catalog_path())
    }
}

/// [`Home::snapshot`] of the SQLite file at `path` (a catalog elsewhere, e.g. one restored
/// with `catalog restore-db --to`).
pub fn snapshot_of(path: &Path) -> String {
    if !path.exists() {
        return "<no catalog>".into();
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut dump = String::new();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    dump.push_str(&format!("user_version={version}\n"));
    let mut tables = conn.prepare("SELECT name, sql FROM sqlite_master ORDER BY type, name").unwrap();
    let tables: Vec<(String, Option<String>)> =
        tables.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    for (name, sql) in tables {
        dump.push_str(&format!("## {name}: {}\n", sql.unwrap_or_default()));
        let Ok(mut rows) = conn.prepare(&format!("SELECT * FROM \"{name}\" ORDER BY rowid")) else {
            continue;
        };
        let n = rows.column_count();
        let mut q = rows.query([]).unwrap();
        while let Some(row) = q.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| match row.get_ref(i).unwrap() {
                    ValueRef::Null => "NULL".into(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => v.to_string(),
                    ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                    ValueRef::Blob(b) => format!("x'{}'", b.iter().map(|c| format!("{c:02x}")).collect::<String>()),
                })
                .collect();
            dump.push_str(&cells.join("|"));
            dump.push('\n');
        }
    }
    dump
}

/// Writes a passphrase file only its owner may read, as the tool asks.
pub fn write_secret(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
}

pub fn assert_success(out: &Output, args: &[impl AsRef<OsStr>]) {
    assert!(
        out.status.success(),
        "tapebackarr {:?} failed with {:?}\nstdout: {}\nstderr: {}",
        args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect::<Vec<_>>(),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn path_text(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// The NDJSON events a `--json` backup printed on stdout, in order.
pub fn ndjson(out: &Output) -> Vec<Value> {
    stdout(out).lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

/// A command run at a terminal (a pty from `script`), as an operator would run it: what it
/// printed so far, and its terminal's input.
pub struct AtTerminal {
    child: std::process::Child,
    input: Option<std::process::ChildStdin>,
    output: std::process::ChildStdout,
    pub seen: String,
}

impl Home {
    /// Runs `tapebackarr ARGS` (`args` as one shell-quoted string) at a terminal.
    pub fn at_terminal(&self, args: &str) -> AtTerminal {
        let cmd = self.std_cmd();
        let command = format!("{} {args}", cmd.get_program().to_str().unwrap());
        let mut script = std::process::Command::new("script");
        script
            .args(["-qfec", &command, "/dev/null"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => script.env(k, v),
                None => script.env_remove(k),
            };
        }
        let mut child = script.spawn().unwrap();
        let (input, output) = (child.stdin.take(), child.stdout.take().unwrap());
        AtTerminal { child, input, output, seen: String::new() }
    }
}

impl AtTerminal {
    /// Reads the terminal until `text` has appeared `count` times in all it printed.
    pub fn read_until(&mut self, text: &str, count: usize) {
        let mut buf = [0u8; 4096];
        while self.seen.matches(text).count() < count {
            let n = std::io::Read::read(&mut self.output, &mut buf).unwrap();
            assert!(n > 0, "the command ended before printing '{text}' the {count}. time: {}", self.seen);
            self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }

    /// Types `line` and Enter.
    pub fn type_line(&mut self, line: &str) {
        let input = self.input.as_mut().expect("the terminal is open");
        std::io::Write::write_all(input, format!("{line}\n").as_bytes()).unwrap();
    }

    /// Closes the terminal's input, reads the rest, and waits: whether it succeeded, and all
    /// it printed.
    pub fn finish(mut self) -> (bool, String) {
        drop(self.input.take());
        std::io::Read::read_to_string(&mut self.output, &mut self.seen).unwrap();
        (self.child.wait().unwrap().success(), self.seen)
    }
}
