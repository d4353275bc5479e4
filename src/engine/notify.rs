//! Telling someone when something needs them: a failed job, a tape wanted, a full tape, a
//! drive alert, a verify mismatch, a slot that did not run.
//!
//! Backups run unattended at night; the exit code of `schedule run-due` reaches only cron's
//! mail, if anyone set that up. So the engine, where these things happen, calls [`notify`]
//! with a [`Notice`], and every enabled target (`notify add`) that wants that kind is told:
//! a program run without a shell, an email over SMTP, or an HTTP POST.
//!
//! Telling must never hurt what it tells about: a target that is down costs its caller at
//! most that target's timeout (targets are told in parallel, each with a deadline that bounds
//! all its attempts), nothing here panics or returns an error, and every delivery is
//! recorded in the catalog (`notification_deliveries`) so a silent failure can be found.
//! Secrets live in files of mode 0600 under `HOME/secrets/`, read at delivery time, never in
//! the catalog, on a command line or in the audit trail.

use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

use super::Env;
use crate::catalog::notify::{self, Delivery, Target};

/// The event kinds a target can ask for (`notify add --on`), besides `all`.
pub const EVENT_KINDS: [&str; 6] =
    ["job_failed", "tape_needed", "tape_full", "drive_alert", "verify_mismatch", "job_missed"];

/// How long a target may take, all attempts together, unless `notify add --timeout` says.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// Attempts per delivery: enough to ride out a blip, few enough to stay within the timeout.
const MAX_ATTEMPTS: u32 = 3;

/// The pause after the first failed attempt; doubled after each further one.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// Something that needs a person.
#[derive(Debug, Clone)]
pub struct Notice {
    /// One of [`EVENT_KINDS`] (or `test`).
    pub kind: &'static str,
    /// One line for a mail subject or a push title.
    pub subject: String,
    /// A few lines for a person: what happened and what to do.
    pub body: String,
    /// The job it is about, if any.
    pub job: Option<String>,
    /// The same JSON the matching `--json` output prints (a scheduler record, a verify
    /// outcome, a tape-change event…), for programs.
    pub payload: Value,
}

impl Notice {
    /// What every target receives as JSON (a command on stdin, a `json` webhook as its body,
    /// an email as text): one documented shape whatever the event (docs/CLI.md).
    pub fn document(&self) -> Value {
        json!({
            "type": "notification",
            "event": self.kind,
            "subject": self.subject,
            "message": self.body,
            "job": self.job,
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "host": hostname(),
            "payload": self.payload,
        })
    }
}

fn hostname() -> String {
    nix::unistd::gethostname().ok().and_then(|h| h.into_string().ok()).unwrap_or_default()
}

/// Tells every enabled target that wants `notice.kind`, each in its own thread, and records
/// each delivery. Returns once all are done (each bounded by its timeout). Never fails: a
/// problem is a note and a `failed` delivery row.
pub fn notify(env: &Env, notice: &Notice) {
    let targets = match env.catalog().and_then(|c| notify::list(c.conn())) {
        Ok(all) => all.into_iter().filter(|t| t.wants(notice.kind)).collect::<Vec<_>>(),
        Err(e) => {
            env.note(|| format!("warning: notifications not sent ({}): {e:#}", notice.kind));
            return;
        }
    };
    if targets.is_empty() {
        return;
    }
    let deliveries: Vec<Delivery> = std::thread::scope(|scope| {
        let handles: Vec<_> = targets.iter().map(|t| scope.spawn(move || deliver(env.home, t, notice))).collect();
        handles
            .into_iter()
            .zip(&targets)
            .map(|(h, t)| h.join().unwrap_or_else(|_| failed_delivery(t, notice, "the delivery thread panicked")))
            .collect()
    });
    for (t, d) in targets.iter().zip(&deliveries) {
        if let Some(error) = &d.error {
            env.note(|| format!("warning: notification '{}' ({}) failed: {error}", t.name, notice.kind));
        }
    }
    record(env, &targets, &deliveries);
}

/// Records deliveries in the catalog; a catalog that cannot take them is only a note.
fn record(env: &Env, targets: &[Target], deliveries: &[Delivery]) {
    let written = env.catalog().and_then(|c| {
        for (t, d) in targets.iter().zip(deliveries) {
            notify::record_delivery(c.conn(), Some(t.id), d)?;
        }
        Ok(())
    });
    if let Err(e) = written {
        env.note(|| format!("warning: notification deliveries not recorded: {e:#}"));
    }
}

fn failed_delivery(t: &Target, notice: &Notice, error: &str) -> Delivery {
    Delivery {
        target: t.name.clone(),
        event: notice.kind.to_string(),
        subject: notice.subject.clone(),
        result: "failed",
        attempts: 0,
        error: Some(error.to_string()),
        duration_ms: 0,
    }
}

/// Tells one target, retrying a failed attempt (with a growing pause) while its deadline
/// allows; returns how it went. Never panics on bad settings: they are a failed delivery.
pub fn deliver(home: &Path, t: &Target, notice: &Notice) -> Delivery {
    let started = Instant::now();
    let timeout = Duration::from_secs(t.settings["timeout_secs"].as_u64().unwrap_or(DEFAULT_TIMEOUT_SECS).max(1));
    let deadline = started + timeout;
    let mut attempts = 0;
    let mut backoff = FIRST_BACKOFF;
    let error = loop {
        attempts += 1;
        let outcome = attempt(home, t, notice, deadline);
        let Err(e) = outcome else { break None };
        let now = Instant::now();
        if attempts >= MAX_ATTEMPTS || now + backoff >= deadline {
            break Some(format!("{e:#}"));
        }
        std::thread::sleep(backoff);
        backoff *= 2;
    };
    Delivery {
        target: t.name.clone(),
        event: notice.kind.to_string(),
        subject: notice.subject.clone(),
        result: if error.is_none() { "ok" } else { "failed" },
        attempts,
        error,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

fn attempt(home: &Path, t: &Target, notice: &Notice, deadline: Instant) -> Result<()> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        bail!("timed out");
    }
    match t.kind.as_str() {
        "command" => run_command(&t.settings, notice, left),
        "email" => send_email(home, t, notice, left),
        "webhook" => post_webhook(home, t, notice, left),
        other => bail!("unknown target kind '{other}'"),
    }
}

// ---- secrets ----

/// Where target `name`'s secret (SMTP password, webhook token) is kept.
pub fn secret_path(home: &Path, name: &str) -> PathBuf {
    home.join("secrets").join(format!("notify-{name}"))
}

/// Writes target `name`'s secret, created with mode 0600 in a 0700 directory so it is never
/// readable by others, not even for a moment.
pub fn store_secret(home: &Path, name: &str, secret: &[u8]) -> Result<PathBuf> {
    let path = secret_path(home, name);
    let dir = path.parent().expect("a secret file has a directory");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // An existing file keeps its mode through open(): make sure.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(secret)?;
    file.sync_all()?;
    Ok(path)
}

/// Removes target `name`'s secret, if it has one.
pub fn remove_secret(home: &Path, name: &str) -> Result<()> {
    match std::fs::remove_file(secret_path(home, name)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

fn read_secret(home: &Path, name: &str) -> Result<String> {
    let path = secret_path(home, name);
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read secret {}", path.display()))?;
    Ok(text)
}

// ---- command ----

/// Runs the target's program (no shell) with the notice's JSON on stdin and its kind,
/// subject and job in the environment; killed, with whatever it started, at the deadline.
fn run_command(settings: &Value, notice: &Notice, left: Duration) -> Result<()> {
    let program = settings["program"].as_str().ok_or_else(|| anyhow!("no program in the settings"))?;
    let args: Vec<&str> =
        settings["args"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    // What it says on stderr explains a failure; a file, not a pipe, so a grandchild that
    // keeps it open cannot make us wait.
    let mut stderr = tempfile::tempfile()?;
    let mut command = Command::new(program);
    command
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(stderr.try_clone()?)
        .env("TAPEBACKARR_EVENT_KIND", notice.kind)
        .env("TAPEBACKARR_EVENT_SUBJECT", &notice.subject)
        // Its own process group, so a timeout kills what it started too.
        .process_group(0);
    match &notice.job {
        Some(job) => command.env("TAPEBACKARR_EVENT_JOB", job),
        None => command.env_remove("TAPEBACKARR_EVENT_JOB"),
    };
    let mut child = command.spawn().with_context(|| format!("cannot run {program}"))?;
    let input = format!("{}\n", notice.document());
    let mut stdin = child.stdin.take();
    // Written from a thread: a program that never reads stdin must not block us.
    let writer = std::thread::spawn(move || {
        if let Some(mut s) = stdin.take() {
            let _ = s.write_all(input.as_bytes());
        }
    });
    let deadline = Instant::now() + left;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let Some(status) = status else {
        let group = nix::unistd::Pid::from_raw(child.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = child.kill();
        let _ = child.wait();
        let _ = writer.join();
        bail!("{program} did not finish within {} s and was killed", left.as_secs_f64().round());
    };
    // Not joined: a program that ended without reading all its input may have left a
    // background child holding the pipe, and a write to it would never return. The thread
    // ends with the pipe.
    drop(writer);
    if status.success() {
        return Ok(());
    }
    let mut said = String::new();
    std::io::Seek::rewind(&mut stderr)?;
    let _ = stderr.take(500).read_to_string(&mut said);
    let said = said.trim();
    bail!("{program} exited with {status}{}", if said.is_empty() { String::new() } else { format!(": {said}") })
}

// ---- email ----

fn send_email(home: &Path, t: &Target, notice: &Notice, left: Duration) -> Result<()> {
    use lettre::message::{Mailbox, header::ContentType};
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    use lettre::{Message, SmtpTransport, Transport};

    let s = &t.settings;
    let text = |k: &str| s[k].as_str().ok_or_else(|| anyhow!("no {k} in the settings"));
    let host = text("smtp_host")?;
    let from: Mailbox = text("from")?.parse().context("bad --from address")?;
    let to: Mailbox = text("to")?.parse().context("bad --email address")?;
    let body = format!(
        "{}\n\n-- \nThe event as JSON (docs/CLI.md, Notifications):\n{}\n",
        notice.body,
        serde_json::to_string_pretty(&notice.document())?
    );
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(format!("[tapebackarr] {}", notice.subject))
        .header(ContentType::TEXT_PLAIN)
        .body(body)?;
    let tls = || -> Result<TlsParameters> {
        let mut params = TlsParameters::builder(host.to_string());
        if let Some(ca) = s["ca_file"].as_str() {
            let pem = std::fs::read(ca).with_context(|| format!("cannot read CA file {ca}"))?;
            params = params.add_root_certificate(Certificate::from_pem(&pem)?);
        }
        Ok(params.build_rustls()?)
    };
    // Without a port, the one each mode is registered for (submission, submissions, smtp).
    let (mode, default_port) = match s["tls"].as_str().unwrap_or("starttls") {
        "starttls" => (Tls::Required(tls()?), 587),
        "implicit" => (Tls::Wrapper(tls()?), 465),
        _ => (Tls::None, 25),
    };
    let port = s["smtp_port"].as_u64().map_or(Ok(default_port), u16::try_from)?;
    // lettre's timeout bounds each read and write, not the whole exchange: a server that is
    // down (refused, silent) costs at most `left`; only one that trickles replies could
    // take longer.
    let mut transport = SmtpTransport::builder_dangerous(host).port(port).tls(mode).timeout(Some(left));
    if let Some(user) = s["smtp_user"].as_str() {
        let password = read_secret(home, &t.name)?;
        transport = transport.credentials(Credentials::new(user.to_string(), password.trim_end().to_string()));
    }
    transport.build().send(&message).map_err(|e| anyhow!("SMTP {host}: {e}"))?;
    Ok(())
}

// ---- webhook ----

/// The body and headers of a webhook in `format`.
fn webhook_request(format: &str, notice: &Notice) -> (String, &'static str, Vec<(String, String)>) {
    let urgent = matches!(notice.kind, "job_failed" | "drive_alert" | "verify_mismatch" | "tape_needed");
    match format {
        "ntfy" => (
            notice.body.clone(),
            "text/plain; charset=utf-8",
            vec![
                ("Title".into(), notice.subject.clone()),
                ("Priority".into(), if urgent { "high" } else { "default" }.into()),
                ("Tags".into(), notice.kind.into()),
            ],
        ),
        "gotify" => (
            json!({"title": notice.subject, "message": notice.body, "priority": if urgent { 8 } else { 5 }})
                .to_string(),
            "application/json",
            vec![],
        ),
        "slack" => {
            (json!({"text": format!("*{}*\n{}", notice.subject, notice.body)}).to_string(), "application/json", vec![])
        }
        _ => (notice.document().to_string(), "application/json", vec![]),
    }
}

fn post_webhook(home: &Path, t: &Target, notice: &Notice, left: Duration) -> Result<()> {
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let s = &t.settings;
    let url = s["url"].as_str().ok_or_else(|| anyhow!("no url in the settings"))?;
    let (body, content_type, preset_headers) = webhook_request(s["format"].as_str().unwrap_or("json"), notice);
    let mut tls = TlsConfig::builder().disable_verification(s["insecure"].as_bool().unwrap_or(false));
    if let Some(ca) = s["ca_file"].as_str() {
        let pem = std::fs::read(ca).with_context(|| format!("cannot read CA file {ca}"))?;
        tls = tls.root_certs(RootCerts::new_with_certs(&[Certificate::from_pem(&pem)?]));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(left))
        .http_status_as_error(false)
        .tls_config(tls.build())
        .build()
        .into();
    let token = if s["has_token"].as_bool().unwrap_or(false) { Some(read_secret(home, &t.name)?) } else { None };
    let mut request = agent.post(url).header("Content-Type", content_type).header("User-Agent", "tapebackarr");
    for (name, value) in preset_headers {
        request = request.header(name, value);
    }
    for header in s["headers"].as_array().into_iter().flatten() {
        let (Some(name), Some(value)) = (header[0].as_str(), header[1].as_str()) else { continue };
        let value = match &token {
            Some(token) => value.replace("{token}", token.trim_end()),
            None => value.to_string(),
        };
        request = request.header(name, value);
    }
    let mut response = request.send(body.as_bytes()).map_err(|e| anyhow!("POST {}: {e}", redact_url(url)))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let said = response.body_mut().with_config().limit(500).read_to_string().unwrap_or_default();
    bail!(
        "POST {}: HTTP {status}{}",
        redact_url(url),
        if said.trim().is_empty() { String::new() } else { format!(": {}", said.trim()) }
    )
}

/// A URL without its query string (where services such as gotify take a token), for errors.
fn redact_url(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// A notice of a test (`notify test`): every kind of target can be tried with it.
pub fn test_notice(target: &str) -> Notice {
    Notice {
        kind: "test",
        subject: format!("test notification for target '{target}'"),
        body: format!("This is a test from tapebackarr on {}: target '{target}' works.", hostname()),
        job: None,
        payload: json!({"type": "test", "target": target}),
    }
}
