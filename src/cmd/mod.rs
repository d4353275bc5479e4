//! One module per command group. Each defines its clap arguments (`Command`/`Args`) beside
//! the `exec` that carries them out, opens the catalog itself, and reports through `Output`.

pub mod audit;
pub mod backup;
pub mod catalog;
pub mod completions;
pub mod drive;
pub mod expire;
pub mod init;
pub mod job;
pub mod key;
pub mod library;
pub mod notify;
pub mod pool;
pub mod restore;
pub mod schedule;
pub mod signals;
pub mod source;
pub mod tape;
pub mod verify;
pub mod vlib;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::catalog::Catalog;
use crate::catalog::drives::{self, Drive};
use crate::cli::{Cli, Command, Global};
use crate::engine::{Env, Operator, Report};
use crate::error::Exit;
use crate::error::{Failure, Kind};
use crate::output::Output;
use crate::tape::lock::DriveLock;
use crate::tape::{DeviceSpec, TapeDevice};

/// What every command gets: the global flags, the resolved home, and the output channel.
pub struct Ctx {
    pub global: Global,
    pub home: PathBuf,
    pub out: Output,
}

impl Ctx {
    pub fn catalog(&self) -> Result<Catalog> {
        let catalog = Catalog::open(&self.home)?;
        self.out.verbose(|| format!("catalog: {}", catalog.path().display()));
        Ok(catalog)
    }

    /// The drive a command works with: `--drive` / `TAPEBACKARR_DRIVE`, else the only
    /// enabled drive.
    pub fn pick_drive(&self, conn: &Connection) -> Result<Drive> {
        crate::engine::pick_drive(conn, self.named_drive().as_deref())
    }

    /// The drive named by `--drive` or `TAPEBACKARR_DRIVE`, if any.
    pub fn named_drive(&self) -> Option<String> {
        self.global.drive.clone().or_else(|| std::env::var("TAPEBACKARR_DRIVE").ok()).filter(|d| !d.is_empty())
    }

    /// Takes the drive's lock for this process (see `tape::lock`).
    pub fn lock_drive(&self, drive: &Drive, command: &str) -> Result<DriveLock> {
        self.env().lock_drive(drive, command)
    }

    /// The engine's view of this command: its home, its `--wait`, and this context as the
    /// one it reports to and asks.
    pub fn env(&self) -> Env<'_> {
        Env { home: &self.home, wait: self.global.wait, report: self, operator: self }
    }

    /// Locks the drive for this process and opens its device.
    pub fn open_drive(&self, drive: &Drive, command: &str) -> Result<OpenDrive> {
        let lock = self.lock_drive(drive, command)?;
        let spec = DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
        let dev = crate::tape::open(&spec).map_err(|e| device_error(e, drive))?;
        Ok(OpenDrive { dev, _lock: lock })
    }

    /// A byte counter on stderr for a long operation: drawn only on a terminal, never with
    /// `--json`, `-q` or `--no-progress`.
    pub fn progress_bytes(&self, what: &str) -> indicatif::ProgressBar {
        let show = std::io::stderr().is_terminal() && !self.out.json && !self.out.quiet && !self.global.no_progress;
        if !show {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new_spinner().with_message(what.to_string());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}: {bytes} ({bytes_per_sec}, {elapsed})")
                .expect("template is valid"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    }

    /// Asks a yes/no question on the terminal; `--yes` answers it. Without a terminal and
    /// without `--yes`, the answer is a usage error, so scripts never hang on a prompt.
    pub fn confirm(&self, question: &str) -> Result<bool> {
        if self.global.yes {
            return Ok(true);
        }
        if !std::io::stdin().is_terminal() {
            return Err(
                Failure::usage(format!("{question} — pass --yes to confirm when not running interactively")).into()
            );
        }
        eprint!("{question} [y/N] ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES"))
    }
}

impl Ctx {
    /// Someone is at a terminal to answer a question (and `--json` is off).
    pub fn interactive(&self) -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal() && !self.out.json
    }

    /// [`Ctx::ask_operator`] for a tape wanted in `drive`. Nobody can reach into a
    /// standalone virtual drive while this run holds it (`drive load` waits for its lock), so
    /// there the operator may type the name of a cartridge on the drive's shelf instead of
    /// just pressing Enter, and it is put in the drive here.
    pub fn ask_for_tape_in(&self, drive: &drives::Drive, situation: &str, action: &str, details: Value) -> Result<()> {
        let shelf = drive::standalone_virtual(drive).filter(|_| self.interactive());
        let action = match &shelf {
            Some(_) => format!("{action} (or, as it is a virtual drive, type the name of a cartridge on its shelf)"),
            None => action.to_string(),
        };
        let answer = self.ask_operator_answer(situation, &action, details)?;
        let name = answer.trim();
        if let Some(dir) = shelf
            && !name.is_empty()
        {
            match drive::put_in_virtual(&dir, name) {
                Ok(()) => eprintln!("Loaded cartridge '{name}' into drive '{}'", drive.name),
                Err(e) => eprintln!("error: {e:#}"),
            }
        }
        Ok(())
    }

    /// Asks the operator to do something with a tape (`action`, e.g. "insert WEEK02 in drive
    /// 'lto1'") after saying why (`situation`), and waits for Enter. Without a terminal, or
    /// with `--json`, nobody can answer: fails with `no_tape` (exit 4) and `details` in the
    /// JSON error, so a script learns what is wanted.
    pub fn ask_operator(&self, situation: &str, action: &str, details: Value) -> Result<()> {
        self.ask_operator_answer(situation, action, details).map(|_| ())
    }

    /// [`Ctx::ask_operator`], returning the line the operator typed before Enter.
    fn ask_operator_answer(&self, situation: &str, action: &str, details: Value) -> Result<String> {
        if !self.interactive() {
            return Err(Failure::new(Kind::NoTape, format!("{situation}; {action} and run again"))
                .with_details(details)
                .into());
        }
        eprintln!("{situation}.");
        let mut chars = action.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
        eprint!("{first}{} and press Enter (Ctrl-C to stop) ", chars.as_str());
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut line)? == 0 {
            return Err(Failure::new(Kind::NoTape, "no answer on the terminal").with_details(details).into());
        }
        Ok(line)
    }
}

/// A passphrase, wiped from memory when dropped.
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        crate::pipeline::keywrap::wipe(&mut self.0);
    }
}

impl Ctx {
    /// The passphrase for `purpose`: from `--password-file` / `TAPEBACKARR_PASSWORD_FILE`
    /// (first line), else asked on the terminal without echo (twice when `confirm`). Never
    /// from the command line, so it cannot show up in `ps` or shell history.
    pub fn passphrase(&self, purpose: &str, confirm: bool) -> Result<Secret> {
        let file = self
            .global
            .password_file
            .clone()
            .or_else(|| std::env::var_os("TAPEBACKARR_PASSWORD_FILE").map(PathBuf::from))
            .filter(|p| !p.as_os_str().is_empty());
        match file {
            Some(path) => read_secret_file(&path, purpose),
            None => prompt_secret(purpose, confirm),
        }
    }
}

/// The first line of `path` (without its line ending) as a passphrase.
pub fn read_secret_file(path: &std::path::Path, purpose: &str) -> Result<Secret> {
    use std::os::unix::fs::PermissionsExt;
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::new(Kind::BadPath, format!("cannot read passphrase file {}: {e}", path.display())))?;
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line).to_vec();
    drop(Secret(bytes));
    if line.is_empty() {
        return Err(Failure::usage(format!("passphrase file {} is empty ({purpose})", path.display())).into());
    }
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0) {
        eprintln!("warning: passphrase file {} is readable by other users (chmod 600 it)", path.display());
    }
    Ok(Secret(line))
}

/// Asks on the controlling terminal with echo off.
pub fn prompt_secret(purpose: &str, confirm: bool) -> Result<Secret> {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    use std::io::{BufRead, Write};
    let no_tty = || -> anyhow::Error {
        Failure::usage(format!(
            "a passphrase is needed ({purpose}): set TAPEBACKARR_PASSWORD_FILE or pass --password-file FILE"
        ))
        .into()
    };
    if !std::io::stdin().is_terminal() {
        return Err(no_tty());
    }
    let tty = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty").map_err(|_| no_tty())?;
    let ask = |question: &str| -> Result<Secret> {
        let saved = tcgetattr(&tty)?;
        let mut silent = saved.clone();
        silent.local_flags.remove(LocalFlags::ECHO);
        silent.local_flags.insert(LocalFlags::ECHONL);
        (&tty).write_all(question.as_bytes())?;
        tcsetattr(&tty, SetArg::TCSANOW, &silent)?;
        let mut line = String::new();
        let read = std::io::BufReader::new(&tty).read_line(&mut line);
        tcsetattr(&tty, SetArg::TCSANOW, &saved)?;
        read?;
        let secret = Secret(line.trim_end_matches(['\n', '\r']).as_bytes().to_vec());
        drop(Secret(line.into_bytes()));
        Ok(secret)
    };
    let first = ask(&format!("Passphrase ({purpose}): "))?;
    if confirm && ask("Same passphrase again: ")?.bytes() != first.bytes() {
        return Err(Failure::usage("the two passphrases differ").into());
    }
    Ok(first)
}

/// A drive's device, held under its lock for as long as this lives.
pub struct OpenDrive {
    pub dev: Box<dyn TapeDevice>,
    _lock: DriveLock,
}

pub use crate::engine::device_error;

pub fn run(cli: Cli, out: Output) -> Result<Exit> {
    let home = crate::home::resolve(cli.global.home.clone());
    let ctx = Ctx { global: cli.global, home, out };
    match cli.command {
        Command::Init(args) => init::exec(&ctx, args),
        Command::Pool(c) => pool::exec(&ctx, c),
        Command::Source(c) => source::exec(&ctx, c),
        Command::Job(c) => job::exec(&ctx, c),
        Command::Tape(c) => tape::exec(&ctx, c),
        Command::Drive(c) => drive::exec(&ctx, c),
        Command::Vlib(c) => vlib::exec(&ctx, c),
        Command::Library(c) => library::exec(&ctx, c),
        Command::Key(c) => key::exec(&ctx, c),
        Command::Backup(c) => backup::exec(&ctx, c),
        Command::Restore(args) => restore::exec(&ctx, args),
        Command::Verify(args) => verify::exec(&ctx, args),
        Command::Catalog(c) => catalog::exec(&ctx, c),
        Command::Expire(args) => expire::exec(&ctx, args),
        Command::Audit(c) => audit::exec(&ctx, c),
        Command::Schedule(c) => schedule::exec(&ctx, c),
        Command::Notify(c) => notify::exec(&ctx, c),
        Command::Completions(args) => completions::exec(args),
    }
}

/// The fields that differ between two JSON objects, as `{"field": {"from": …, "to": …}}`:
/// what an update changed, for its audit row and its output.
pub fn changes(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let (b, a) = (before.as_object().unwrap_or(&empty), after.as_object().unwrap_or(&empty));
    let mut out = Map::new();
    for (k, new) in a {
        let old = b.get(k).unwrap_or(&Value::Null);
        if old != new && k != "updated_at" {
            out.insert(k.clone(), serde_json::json!({"from": old, "to": new}));
        }
    }
    Value::Object(out)
}

/// `Updated pool 'x': retention_days 0 → 28`, or `pool 'x' unchanged`.
pub fn describe_update(what: &str, name: &str, diff: &Value) -> String {
    let parts: Vec<String> = diff
        .as_object()
        .map(|d| d.iter().map(|(k, v)| format!("{k} {} → {}", v["from"], v["to"])).collect())
        .unwrap_or_default();
    if parts.is_empty() {
        format!("{what} '{name}' unchanged")
    } else {
        format!("Updated {what} '{name}': {}", parts.join(", "))
    }
}

/// A command reports to its output: notes on stderr (never with `--json` or `-q`), events
/// as NDJSON on stdout with `--json`.
impl Report for Ctx {
    fn note(&self, text: &str) {
        self.out.note(|| text.to_string());
    }

    fn verbose(&self, text: &str) {
        self.out.verbose(|| text.to_string());
    }

    fn event(&self, event: &crate::engine::Event) {
        if self.out.json {
            match serde_json::to_string(event) {
                Ok(line) => crate::output::write_stdout(format!("{line}\n").as_bytes()),
                Err(e) => eprintln!("warning: an event could not be written as JSON: {e}"),
            }
        }
    }
}

/// The operator of a command is whoever sits at its terminal, if anyone.
impl Operator for Ctx {
    fn present(&self) -> bool {
        self.interactive()
    }

    fn insert_tape(&self, drive: &Drive, situation: &str, action: &str, details: Value) -> Result<()> {
        self.ask_for_tape_in(drive, situation, action, details)
    }

    fn unlock_key(
        &self,
        key: &crate::catalog::keys::KeyRecord,
        consequence: &str,
    ) -> Result<crate::pipeline::keywrap::DataKey> {
        key::unlock(self, key, consequence)
    }

    fn stop_requested(&self) -> bool {
        signals::interrupted()
    }

    fn stop_from_now(&self) {
        signals::catch_interrupts();
    }
}
