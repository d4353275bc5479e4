//! `tapebackarr schedule systemd`: writes what makes a machine call `schedule run-due` every
//! minute — a systemd timer and its oneshot service, a template service that runs one job
//! now (`systemctl start tapebackarr@nightly`), and a crontab line for machines without
//! systemd. Generated rather than shipped, because the units must name this binary's path,
//! the home and the user, and get the stop signal, exit statuses and device access right;
//! hand-written units tend to get one of them subtly wrong (PrivateDevices= hides the tape
//! drive, a short stop timeout kills a backup before it can pause).

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::json;

use crate::catalog::audit;
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::pathjson;
use crate::values::parse_user;

pub const HELP: &str = "\
Without --output, prints the four files (each after a '# ==> NAME <==' line); with
--output DIR, writes them there with mode 0644. A file that exists with other content is
replaced only after a confirmation (--yes). The units run this binary, by its absolute
path, with the resolved --home; install them again after moving either.

Files:
  tapebackarr-schedule.service: runs 'schedule run-due' once
  tapebackarr-schedule.timer: starts it every minute
  tapebackarr@.service: 'systemctl start tapebackarr@JOB' backs up JOB now
  tapebackarr.cron: the same from cron; install it as /etc/cron.d/tapebackarr
    (cron ignores names with a dot)

--password-file (or TAPEBACKARR_PASSWORD_FILE) puts the file's path in the units, as
TAPEBACKARR_PASSWORD_FILE; the passphrase itself is never read or written.

Exit 3 (partial) counts as success for the services; 4 (a tape is needed) and 130 (stopped,
the set paused) leave the unit failed, so 'systemctl --failed' shows that someone must act.

Examples:
  tapebackarr schedule systemd
  tapebackarr schedule systemd --output /etc/systemd/system
  systemctl daemon-reload && systemctl enable --now tapebackarr-schedule.timer
  tapebackarr schedule systemd --output /etc/systemd/system --user tapebackarr \\
      --password-file /etc/tapebackarr/passphrase
  systemctl start tapebackarr@nightly";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the files into DIR (created if missing) instead of printing them, e.g.
    /// /etc/systemd/system
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub output: Option<PathBuf>,
    /// Run the jobs as this user and its primary group [default: root]
    #[arg(long, value_name = "NAME", value_parser = parse_user)]
    pub user: Option<String>,
    /// Have run-due back the catalog up after each round that wrote a set
    /// (`schedule run-due --catalog-backup`)
    #[arg(long)]
    pub catalog_backup: bool,
}

const SERVICE: &str = "tapebackarr-schedule.service";
const TIMER: &str = "tapebackarr-schedule.timer";
const TEMPLATE: &str = "tapebackarr@.service";
const CRON: &str = "tapebackarr.cron";
/// Where administrators' own units go (units in /usr/lib belong to packages).
const UNIT_DIR: &str = "/etc/systemd/system";

/// The account the jobs run as, when not root.
struct Account {
    name: String,
    group: String,
    uid: u32,
    gid: u32,
}

/// What the files name, each already text that a unit file and a crontab can carry.
struct Setup {
    exe: String,
    home: String,
    /// The scheduler's command line after the global flags.
    run_due: &'static str,
    account: Option<Account>,
    password_file: Option<String>,
}

struct File {
    name: &'static str,
    content: String,
}

pub fn exec(ctx: &Ctx, args: Args) -> Result<Exit> {
    let mut warnings = Vec::new();
    let exe = std::env::current_exe().context("cannot tell where this program's binary is")?;
    let account = args.user.as_deref().map(|name| account(name, &ctx.home)).transpose()?;
    let password_file = password_file(ctx, account.as_ref(), &mut warnings)?;
    let setup = Setup {
        exe: unit_text(&exe, "this program's path").map_err(anyhow::Error::msg)?,
        home: unit_text(&ctx.home, "the home").map_err(Failure::usage)?,
        run_due: if args.catalog_backup { "schedule run-due --catalog-backup" } else { "schedule run-due" },
        account,
        password_file,
    };
    let dir = args.output.map(|d| std::path::absolute(&d).unwrap_or(d));
    if let Some(dir) = &dir
        && dir.exists()
        && !dir.is_dir()
    {
        return Err(bad_path(format!("--output {} is not a directory", pathjson::to_human(dir))));
    }
    // The units are only useful for a home with a catalog; a mistyped --home shows here,
    // not at 2 a.m. in the journal.
    let mut catalog = ctx.catalog()?;
    home_warnings(&ctx.home, setup.account.as_ref(), &mut warnings);
    let files = files(&setup);
    let crontab = cron_line(&setup);

    let actions = match &dir {
        None => vec!["printed"; files.len()],
        Some(dir) => {
            let actions = plan_writes(ctx, dir, &files)?;
            if actions.iter().any(|a| *a != "unchanged") {
                let tx = catalog.write()?;
                let mut written = Vec::new();
                for (file, action) in files.iter().zip(&actions).filter(|(_, a)| **a != "unchanged") {
                    write_file(dir, file)?;
                    written.push(
                        json!({"name": file.name, "path": pathjson::to_json(&dir.join(file.name)), "action": action}),
                    );
                }
                let details = json!({
                    "directory": pathjson::to_json(dir),
                    "files": written,
                    "user": setup.account.as_ref().map(|a| &a.name),
                    "password_file": setup.password_file.as_deref().map(|f| pathjson::to_json(Path::new(f))),
                });
                audit::record(&tx, "schedule.systemd", "schedule", None, details)?;
                tx.commit()?;
            }
            actions
        }
    };

    let (next_steps, cron_steps) = next_steps(&setup, dir.as_deref());
    for w in &warnings {
        ctx.out.note(|| format!("warning: {w}"));
    }
    let doc = json!({
        "files": files.iter().zip(&actions).map(|(f, action)| json!({
            "name": f.name,
            "path": dir.as_ref().map(|d| pathjson::to_json(&d.join(f.name))),
            "content": f.content,
            "action": action,
        })).collect::<Vec<_>>(),
        "crontab": crontab,
        "next_steps": next_steps,
        "cron_steps": cron_steps,
        "executable": pathjson::to_json(Path::new(&setup.exe)),
        "home": pathjson::to_json(Path::new(&setup.home)),
        "user": setup.account.as_ref().map(|a| &a.name),
        "password_file": setup.password_file.as_deref().map(|f| pathjson::to_json(Path::new(f))),
        "warnings": warnings,
    });
    match &dir {
        None => {
            ctx.out.data(&doc, || {
                files.iter().map(|f| format!("# ==> {} <==\n{}", f.name, f.content)).collect::<Vec<_>>().join("\n")
            });
            ctx.out.note(|| steps_text(&next_steps, &cron_steps));
        }
        Some(dir) => ctx.out.done(&doc, || {
            let mut text: Vec<String> = files
                .iter()
                .zip(&actions)
                .map(|(f, a)| format!("{} {}", capitalised(a), pathjson::to_human(&dir.join(f.name))))
                .collect();
            text.push(format!("\nThe crontab line (in {CRON}, for machines without systemd):\n{crontab}"));
            text.push(steps_text(&next_steps, &cron_steps));
            text.join("\n")
        }),
    }
    Ok(Exit::Ok)
}

fn bad_path(message: String) -> anyhow::Error {
    Failure::new(Kind::BadPath, message).into()
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// A path as text for a unit file or a crontab, which are UTF-8 lines: a path that is not
/// UTF-8 or holds a control character (a newline would end the line) cannot be written.
fn unit_text(path: &Path, what: &str) -> Result<String, String> {
    match path.to_str() {
        Some(text) if !text.chars().any(char::is_control) => Ok(text.to_string()),
        _ => Err(format!(
            "{what} {} cannot be written in a systemd unit or a crontab (not UTF-8, or a control character)",
            pathjson::to_human(path)
        )),
    }
}

/// The user `--user` names, which must exist now: systemd would otherwise fail only when the
/// timer first fires.
fn account(name: &str, home: &Path) -> Result<Account> {
    let user = nix::unistd::User::from_name(name)
        .with_context(|| format!("cannot look up user '{name}'"))?
        .ok_or_else(|| {
            Failure::new(
                Kind::NotFound,
                format!(
                    "no user named '{name}' on this machine (systemd would refuse to start the service): create it \
                     first, e.g. useradd --system --user-group --groups tape --home-dir {} --shell /usr/sbin/nologin {name}",
                    pathjson::to_human(home)
                ),
            )
        })?;
    let group =
        nix::unistd::Group::from_gid(user.gid).ok().flatten().map(|g| g.name).unwrap_or_else(|| user.gid.to_string());
    Ok(Account { name: user.name, group, uid: user.uid.as_raw(), gid: user.gid.as_raw() })
}

/// `--password-file` / `TAPEBACKARR_PASSWORD_FILE`, as an absolute path to an existing file.
/// Only its path goes into the units; the passphrase itself is never read here.
fn password_file(ctx: &Ctx, account: Option<&Account>, warnings: &mut Vec<String>) -> Result<Option<String>> {
    let Some(path) = ctx
        .global
        .password_file
        .clone()
        .or_else(|| std::env::var_os("TAPEBACKARR_PASSWORD_FILE").map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
    else {
        return Ok(None);
    };
    let path = std::path::absolute(&path).unwrap_or(path);
    let shown = pathjson::to_human(&path);
    let meta = std::fs::metadata(&path).map_err(|e| bad_path(format!("passphrase file {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(bad_path(format!("passphrase file {shown} is not a file")));
    }
    if meta.mode() & 0o077 != 0 {
        warnings.push(format!("passphrase file {shown} is readable by other users (chmod 600 it)"));
    }
    if let Some(a) = account.filter(|a| a.uid != meta.uid() && meta.mode() & 0o044 == 0) {
        warnings.push(format!(
            "passphrase file {shown} belongs to uid {}, and the service runs as '{}', who cannot read it: chown {} {}",
            meta.uid(),
            a.name,
            a.name,
            shell_word(&path.to_string_lossy())
        ));
    }
    unit_text(&path, "the passphrase file").map(Some).map_err(|m| Failure::usage(m).into())
}

/// What would stop the service's user from working in the home, said now rather than found
/// in the journal.
fn home_warnings(home: &Path, account: Option<&Account>, warnings: &mut Vec<String>) {
    let shown = pathjson::to_human(home);
    let Ok(meta) = std::fs::metadata(home) else { return };
    if meta.mode() & 0o077 != 0 {
        warnings.push(format!(
            "the home {shown} is open to other users: chmod 700 {}",
            shell_word(&home.to_string_lossy())
        ));
    }
    let Some(a) = account else { return };
    if meta.uid() != a.uid {
        warnings.push(format!(
            "the home {shown} belongs to uid {}, but the service runs as '{}': chown -R {}: {}",
            meta.uid(),
            a.name,
            a.name,
            shell_word(&home.to_string_lossy())
        ));
    }
    // Debian's tape device nodes belong to group `tape`; a user outside it cannot open them.
    if let Ok(Some(tape)) = nix::unistd::Group::from_name("tape")
        && tape.gid.as_raw() != a.gid
        && !tape.mem.contains(&a.name)
    {
        warnings.push(format!(
            "user '{}' is not in group 'tape', which owns the tape devices on Debian: usermod -aG tape {}",
            a.name, a.name
        ));
    }
}

/// Characters a path may hold and still be one word, unquoted, to both systemd and sh.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/._-+,:@=".contains(c)
}

/// One word of a unit's command line or path list. `%` starts a specifier everywhere in a
/// unit, and `$` a variable in command lines, so both are doubled; anything beyond plain path
/// characters is double-quoted, C-style.
fn unit_word(text: &str, command_line: bool) -> String {
    let mut word = text.replace('%', "%%");
    if command_line {
        word = word.replace('$', "$$");
    }
    if text.chars().all(plain) {
        return word;
    }
    format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One word of a crontab command, which cron hands to sh: single-quoted when needed, and
/// `%` escaped because cron turns a bare one into a newline.
fn shell_word(text: &str) -> String {
    let word = if text.chars().all(plain) { text.to_string() } else { format!("'{}'", text.replace('\'', "'\\''")) };
    word.replace('%', "\\%")
}

fn files(s: &Setup) -> Vec<File> {
    let service = service_unit(
        s,
        (SERVICE, "run the TapeBackarr jobs that are due (started every minute by the timer)"),
        "Description=TapeBackarr: run the backup jobs that are due
Documentation=man:tapebackarr-schedule-run-due(1)",
        "\
# run-due takes its own lock and exits when it is done; systemd never starts this unit
# again while it runs, so a long backup is not doubled (run-due records the slot it missed).
Type=oneshot",
        s.run_due,
    );
    let timer = format!(
        "{}\
[Unit]
Description=TapeBackarr: look for due backup jobs every minute
Documentation=man:tapebackarr-schedule-systemd(1)

[Timer]
# Every minute on the minute: a job's schedule has minute resolution. Persistent= runs a
# start missed while the machine was off as soon as it is up again.
OnCalendar=*-*-* *:*:00
AccuracySec=1s
Persistent=true
Unit={SERVICE}

[Install]
WantedBy=timers.target
",
        head(TIMER, "start tapebackarr-schedule.service every minute"),
    );
    let template = service_unit(
        s,
        (TEMPLATE, "`systemctl start tapebackarr@JOB` backs up JOB now"),
        "Description=TapeBackarr: back up job %I now
Documentation=man:tapebackarr-backup-run(1)",
        "\
# Type=exec: `systemctl start tapebackarr@JOB` returns once the backup has started; follow it
# with `journalctl -fu tapebackarr@JOB`. %I is the job name with any systemd-escape undone.
Type=exec",
        "backup run %I",
    );
    let cron = format!(
        "# {CRON}: run the TapeBackarr jobs that are due every minute, from cron, on a machine\n\
         # without systemd (use the timer where there is systemd, not both). Install it as\n\
         # /etc/cron.d/tapebackarr: cron ignores files in /etc/cron.d whose names hold a dot.\n\
         # Written by `tapebackarr schedule systemd` (tapebackarr {}).\n{}\n",
        env!("CARGO_PKG_VERSION"),
        cron_line(s)
    );
    vec![
        File { name: SERVICE, content: service },
        File { name: TIMER, content: timer },
        File { name: TEMPLATE, content: template },
        File { name: CRON, content: cron },
    ]
}

/// The comment that opens a unit: what it is, and what wrote it.
fn head(name: &str, what: &str) -> String {
    format!(
        "# {name}: {what}\n# Written by `tapebackarr schedule systemd` (tapebackarr {}); see docs/OPERATIONS.md,\n\
         # \"Running unattended\".\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// A service that runs this binary on the home with `args`: its [Unit] (`unit`, then the
/// ordering), how it runs (`kind`: Type= and why), and what both services share.
fn service_unit(s: &Setup, (name, what): (&str, &str), unit: &str, kind: &str, args: &str) -> String {
    let exec = format!("{} --home {} {args}", unit_word(&s.exe, true), unit_word(&s.home, true));
    format!(
        "{}[Unit]\n{unit}\n{UNIT_ORDERING}\n[Service]\n{kind}\nExecStart={exec}\n{}",
        head(name, what),
        service_common(s)
    )
}

/// Sources on NFS or SMB and iscsi:// drives need the network.
const UNIT_ORDERING: &str = "Wants=network-online.target\nAfter=network-online.target remote-fs.target\n";

/// The [Service] lines both services share: who runs, what counts as success, how a stop
/// reaches a running backup, and hardening that leaves the tape devices reachable.
fn service_common(s: &Setup) -> String {
    let mut out = String::new();
    if let Some(a) = &s.account {
        // systemd adds the user's supplementary groups (such as `tape`) itself.
        out.push_str(&format!("User={}\nGroup={}\n", a.name, a.group));
    }
    if let Some(file) = &s.password_file {
        out.push_str("# The passphrase of encryption keys is read from this file (the path only is here).\n");
        out.push_str(&format!("Environment={}\n", unit_word(&format!("TAPEBACKARR_PASSWORD_FILE={file}"), false)));
    }
    out.push_str(&format!(
        "\
# 3 (partial: the set completed, some files could not be read and are named in the journal)
# is success. 4 (a tape is needed) and 130 (stopped; the set is paused for `backup resume`)
# leave the unit failed: someone must act, and `systemctl --failed` or an OnFailure= unit
# is how they hear of it.
SuccessExitStatus=3
# A stop (systemctl stop, shutdown) sends SIGTERM to tapebackarr alone, not to the commands
# it reads streams from: a running backup finishes its frame, closes its part on tape and
# pauses (exit 130). Closing a part may wait for the drive (a locate, a rewind), so allow
# it ten minutes before SIGKILL, which would leave a set to be resumed from its checkpoint.
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=10min
# Hardening that keeps the tape devices reachable: no PrivateDevices=, DeviceAllow= or
# ProtectClock= (which implies a device allow-list), and no PrivateTmp= (a user's drive
# lock files live in /tmp, shared with the commands run by hand). /run/lock stays writable.
NoNewPrivileges=yes
ProtectSystem=full
ReadWritePaths={}
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
UMask=0077
",
        unit_word(&format!("-{}", s.home), false)
    ));
    out
}

/// The crontab line for /etc/cron.d: every minute, as the user, quietly (cron mails what
/// is printed, so only errors).
fn cron_line(s: &Setup) -> String {
    let user = s.account.as_ref().map_or("root", |a| a.name.as_str());
    let password = s.password_file.as_ref().map(|f| format!(" --password-file {}", shell_word(f))).unwrap_or_default();
    format!("* * * * * {user} {} --home {}{password} -q {}", shell_word(&s.exe), shell_word(&s.home), s.run_due)
}

/// What a file in DIR would become: created, replaced (its content differs) or unchanged.
/// Nothing is written until every file is known to be writable or confirmed.
fn plan_writes(ctx: &Ctx, dir: &Path, files: &[File]) -> Result<Vec<&'static str>> {
    let mut actions = Vec::new();
    let mut changed = Vec::new();
    for file in files {
        let path = dir.join(file.name);
        actions.push(match std::fs::read(&path) {
            Ok(bytes) if bytes == file.content.as_bytes() => "unchanged",
            Ok(_) => {
                changed.push(file.name);
                "replaced"
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "created",
            Err(e) => return Err(bad_path(format!("cannot read {}: {e}", pathjson::to_human(&path)))),
        });
    }
    if !changed.is_empty()
        && !ctx.confirm(&format!(
            "Replace {} in {} (changed since written, or written for another setup)?",
            changed.join(", "),
            pathjson::to_human(dir)
        ))?
    {
        return Err(Failure::new(Kind::InvalidState, "not confirmed: nothing was written").into());
    }
    Ok(actions)
}

/// Writes one file with mode 0644 (systemd and cron read it; it holds no secret), through a
/// temporary file renamed into place so a reader never sees half of it.
fn write_file(dir: &Path, file: &File) -> Result<()> {
    let shown = pathjson::to_human(dir);
    std::fs::create_dir_all(dir).map_err(|e| bad_path(format!("cannot create --output {shown}: {e}")))?;
    let cannot = |e: std::io::Error| bad_path(format!("cannot write {} in {shown}: {e}", file.name));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(cannot)?;
    std::io::Write::write_all(&mut tmp, file.content.as_bytes()).map_err(cannot)?;
    tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(cannot)?;
    tmp.persist(dir.join(file.name)).map_err(|e| cannot(e.error))?;
    Ok(())
}

/// What to run next: the systemd steps, and the cron alternative.
fn next_steps(s: &Setup, dir: Option<&Path>) -> (Vec<String>, Vec<String>) {
    let enable = "systemctl daemon-reload && systemctl enable --now tapebackarr-schedule.timer".to_string();
    let in_unit_dir =
        |d: &Path| d.canonicalize().ok() == Path::new(UNIT_DIR).canonicalize().ok() || d == Path::new(UNIT_DIR);
    match dir {
        None => {
            let mut again =
                format!("{} --home {} schedule systemd --output {UNIT_DIR}", shell_word(&s.exe), shell_word(&s.home));
            if let Some(a) = &s.account {
                again.push_str(&format!(" --user {}", a.name));
            }
            if let Some(f) = &s.password_file {
                again.push_str(&format!(" --password-file {}", shell_word(f)));
            }
            let cron =
                "put the crontab line in /etc/cron.d/tapebackarr (a name without a dot: cron ignores the others)"
                    .to_string();
            (vec![again, enable], vec![cron])
        }
        Some(d) => {
            let at = |name: &str| shell_word(&d.join(name).to_string_lossy());
            let mut steps = Vec::new();
            if !in_unit_dir(d) {
                steps.push(format!("install -m 0644 {} {} {} {UNIT_DIR}/", at(SERVICE), at(TIMER), at(TEMPLATE)));
            }
            steps.push(enable);
            (steps, vec![format!("install -m 0644 {} /etc/cron.d/tapebackarr", at(CRON))])
        }
    }
}

fn steps_text(next: &[String], cron: &[String]) -> String {
    let lines = |steps: &[String]| steps.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n");
    format!("\nNext:\n{}\nOr, on a machine without systemd:\n{}", lines(next), lines(cron))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Schedule;

    fn setup(exe: &str, home: &str) -> Setup {
        Setup { exe: exe.into(), home: home.into(), run_due: "schedule run-due", account: None, password_file: None }
    }

    #[test]
    fn the_crontab_line_is_a_cron_schedule_a_user_and_the_command() {
        let s = Setup {
            account: Some(Account { name: "tapebackarr".into(), group: "tapebackarr".into(), uid: 990, gid: 990 }),
            password_file: Some("/etc/tapebackarr/pass phrase".into()),
            ..setup("/usr/bin/tapebackarr", "/var/lib/tapebackarr")
        };
        let line = cron_line(&s);
        let fields: Vec<&str> = line.split_whitespace().collect();
        let schedule: Schedule = fields[..5].join(" ").parse().unwrap();
        assert_eq!(schedule.as_str(), "* * * * *");
        assert_eq!(fields[5], "tapebackarr");
        assert_eq!(
            fields[6..].join(" "),
            "/usr/bin/tapebackarr --home /var/lib/tapebackarr --password-file '/etc/tapebackarr/pass phrase' -q schedule run-due"
        );
        assert!(
            cron_line(&setup("/usr/bin/tapebackarr", "/srv/tb")).starts_with("* * * * * root /usr/bin/tapebackarr")
        );
    }

    #[test]
    fn odd_paths_are_quoted_for_systemd_and_for_sh() {
        assert_eq!(unit_word("/var/lib/tapebackarr", true), "/var/lib/tapebackarr");
        assert_eq!(unit_word("/srv/tape backups", true), "\"/srv/tape backups\"");
        assert_eq!(unit_word("/srv/100%/$x\"\\", true), "\"/srv/100%%/$$x\\\"\\\\\"");
        assert_eq!(unit_word("/srv/$x", false), "\"/srv/$x\"");
        assert_eq!(shell_word("/srv/it's 100%"), "'/srv/it'\\''s 100\\%'");
        assert_eq!(shell_word("/usr/bin/tapebackarr"), "/usr/bin/tapebackarr");
    }

    #[test]
    fn every_unit_runs_the_binary_on_the_home() {
        let files = files(&setup("/opt/tb/bin/tapebackarr", "/srv/tb home"));
        let names: Vec<&str> = files.iter().map(|f| f.name).collect();
        assert_eq!(names, [SERVICE, TIMER, TEMPLATE, CRON]);
        assert!(
            files[0].content.contains("\nExecStart=/opt/tb/bin/tapebackarr --home \"/srv/tb home\" schedule run-due\n")
        );
        assert!(
            files[2].content.contains("\nExecStart=/opt/tb/bin/tapebackarr --home \"/srv/tb home\" backup run %I\n")
        );
        assert!(files[0].content.contains("\nReadWritePaths=\"-/srv/tb home\"\n"));
        for f in &files[..3] {
            assert!(!f.content.contains("User="), "{}", f.content);
            for hides_devices in ["PrivateDevices", "DeviceAllow", "ProtectClock", "PrivateTmp", "ProtectSystem=strict"]
            {
                assert!(!f.content.contains(&format!("\n{hides_devices}")), "{hides_devices} in {}", f.name);
            }
        }
    }
}
