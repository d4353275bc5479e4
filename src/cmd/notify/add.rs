//! `notify add`: a target and the events it wants. Everything is checked before anything is
//! stored; a secret (SMTP password, webhook token) is read once from the file named and kept
//! in a file of mode 0600 in the home, never in the catalog, the audit trail or the output.

use std::path::PathBuf;

use anyhow::Result;
use clap::{ArgGroup, Args as ClapArgs};
use serde_json::{Value, json};

use crate::catalog::notify::{self, NewTarget};
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::engine::notify::{DEFAULT_TIMEOUT_SECS, EVENT_KINDS, remove_secret, store_secret};
use crate::error::{Exit, Failure};
use crate::values::parse_name;

pub const HELP: &str = "\
Events (--on, a comma list): job_failed (a scheduled run failed or was interrupted),
tape_needed (a scheduled run waits for a tape: exit 4), tape_full (a backup filled a tape and
goes on on another), drive_alert (a drive raised a warning or critical alert: clean now, bad
medium…), verify_mismatch (a verify found data that does not match), job_missed (a
scheduled slot was skipped because the job was still running), or all.

Targets get one JSON document per event (docs/CLI.md, Notifications): a command on stdin
(with TAPEBACKARR_EVENT_KIND, TAPEBACKARR_EVENT_SUBJECT and TAPEBACKARR_EVENT_JOB set), a
json webhook as its body, an email as text under the message. A command runs without a
shell; it is killed at --timeout. Each delivery is tried up to 3 times within --timeout,
and recorded; a target that fails never fails the backup or the scheduler.

Secrets are read once from --smtp-password-file / --token-file and kept in
HOME/secrets/notify-NAME (mode 0600); never on the command line. In --header values,
{token} stands for the token (with --token-file and no {token} header, the token is sent as
'Authorization: Bearer TOKEN'). TLS certificates are verified; --ca-file adds a CA to trust
(a private CA or a self-signed server), --insecure (webhooks) turns checking off.

Examples:
  tapebackarr notify add ops --on job_failed,tape_needed --command /usr/local/bin/page-ops --arg tapes
  tapebackarr notify add admins --on all --email admins@example.org --smtp mail.example.org:587 \\
      --from tapebackarr@example.org --smtp-user tapebackarr --smtp-password-file /root/.smtp-pass
  tapebackarr notify add phone --on all --webhook https://ntfy.example.org/tapes --format ntfy \\
      --token-file /root/.ntfy-token
  tapebackarr notify add chat --on job_failed --webhook https://hooks.slack.com/services/T/B/X --format slack";

#[derive(Debug, ClapArgs)]
#[command(group(ArgGroup::new("target").required(true).args(["command", "email", "webhook"])))]
pub struct Args {
    /// Target name (letters, digits, '.', '_', '-')
    #[arg(value_parser = parse_name)]
    name: String,
    /// The events to send, a comma list: job_failed, tape_needed, tape_full, drive_alert,
    /// verify_mismatch, job_missed, or all
    #[arg(long, value_name = "EVENTS", value_parser = parse_events)]
    on: Events,
    /// Run this program (no shell; the event's JSON on stdin)
    #[arg(long, value_name = "PROGRAM", value_hint = clap::ValueHint::CommandName)]
    command: Option<String>,
    /// An argument for --command (repeat for more)
    #[arg(long = "arg", value_name = "ARG", requires = "command", allow_hyphen_values = true)]
    args: Vec<String>,
    /// Send an email to this address (needs --smtp and --from)
    #[arg(long, value_name = "ADDR")]
    email: Option<String>,
    /// The SMTP server for --email [default port: 587 with starttls, 465 implicit, 25 none]
    #[arg(long, value_name = "HOST[:PORT]", requires = "email")]
    smtp: Option<String>,
    /// The sender address for --email
    #[arg(long, value_name = "ADDR", requires = "email")]
    from: Option<String>,
    /// Log in to the SMTP server as this user (needs --smtp-password-file)
    #[arg(long, value_name = "USER", requires = "email", requires = "smtp_password_file")]
    smtp_user: Option<String>,
    /// The SMTP password: this file's first line (read once, kept in the home, mode 0600)
    #[arg(long, value_name = "FILE", requires = "smtp_user", value_hint = clap::ValueHint::FilePath)]
    smtp_password_file: Option<PathBuf>,
    /// How to talk TLS to the SMTP server (none needs --allow-plaintext)
    #[arg(long, value_name = "MODE", value_parser = ["starttls", "implicit", "none"], default_value = "starttls", requires = "email")]
    tls: String,
    /// Allow --tls none: mail (and any password) crosses the network in the clear
    #[arg(long, requires = "email")]
    allow_plaintext: bool,
    /// POST to this URL (http:// or https://)
    #[arg(long, value_name = "URL")]
    webhook: Option<String>,
    /// The shape of the webhook's request
    #[arg(long, value_name = "FORMAT", value_parser = ["json", "ntfy", "gotify", "slack"], default_value = "json", requires = "webhook")]
    format: String,
    /// An extra HTTP header, 'Name: value' ({token} in the value stands for --token-file's token)
    #[arg(long = "header", value_name = "'NAME: VALUE'", requires = "webhook", value_parser = parse_header)]
    headers: Vec<(String, String)>,
    /// The webhook's token: this file's first line (read once, kept in the home, mode 0600)
    #[arg(long, value_name = "FILE", requires = "webhook", value_hint = clap::ValueHint::FilePath)]
    token_file: Option<PathBuf>,
    /// Do not check the webhook server's TLS certificate (anyone on the way can read it)
    #[arg(long, requires = "webhook")]
    insecure: bool,
    /// Trust this CA (PEM) for the SMTP or webhook server's TLS certificate
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    ca_file: Option<PathBuf>,
    /// Give up on a delivery (all attempts) after this many seconds
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
}

#[derive(Debug, Clone)]
struct Events(Vec<String>);

fn parse_events(s: &str) -> Result<Events, String> {
    let mut events = Vec::new();
    for e in s.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        if e != "all" && !EVENT_KINDS.contains(&e) {
            return Err(format!("unknown event '{e}': use {} or all", EVENT_KINDS.join(", ")));
        }
        if !events.iter().any(|x| x == e) {
            events.push(e.to_string());
        }
    }
    if events.is_empty() {
        return Err("no event named: use a comma list such as job_failed,tape_needed, or all".into());
    }
    Ok(Events(events))
}

fn parse_header(s: &str) -> Result<(String, String), String> {
    let (name, value) = s.split_once(':').ok_or_else(|| format!("'{s}' is not a header: write 'Name: value'"))?;
    let name = name.trim();
    let token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token_char) {
        return Err(format!("'{name}' is not a valid header name"));
    }
    if value.contains(['\r', '\n']) {
        return Err(format!("the value of header '{name}' has a line break"));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// An http(s) URL with a host, else a usage error saying why.
fn check_url(url: &str) -> Result<(), Failure> {
    let bad = |why: &str| Failure::usage(format!("--webhook '{url}' is not a usable URL: {why}"));
    let uri: ureq::http::Uri = url.parse().map_err(|e| bad(&format!("{e}")))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(bad("it must start with http:// or https://")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("it names no host"));
    }
    // The parser takes any text after the colon; a port that is not a number would only fail
    // at delivery time, at night.
    let host_port = uri.authority().map(|a| a.as_str().rsplit('@').next().unwrap_or_default()).unwrap_or_default();
    if let Some((_, port)) = host_port.rsplit_once(':')
        && !port.contains(']')
        && port.parse::<u16>().is_err()
    {
        return Err(bad(&format!("'{port}' is not a port number")));
    }
    Ok(())
}

/// A URL with a password (`user:pass@`) or a query naming a token or key, which people put
/// there and which would then sit in the catalog.
fn looks_secret(url: &str) -> bool {
    let authority = url.split("://").nth(1).unwrap_or_default().split('/').next().unwrap_or_default();
    let query = url.split_once('?').map(|(_, q)| q.to_ascii_lowercase()).unwrap_or_default();
    authority.contains('@') || ["token", "key", "secret", "password"].iter().any(|w| query.contains(w))
}

/// `HOST[:PORT]` of `--smtp`.
fn parse_smtp(s: &str) -> Result<(String, Option<u16>), Failure> {
    let bad = || Failure::usage(format!("--smtp '{s}' is not HOST or HOST:PORT"));
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.starts_with('[') => (h, Some(p.parse::<u16>().map_err(|_| bad())?)),
        _ => (s, None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

fn check_mailbox(flag: &str, addr: &str) -> Result<(), Failure> {
    addr.parse::<lettre::message::Mailbox>()
        .map(|_| ())
        .map_err(|e| Failure::usage(format!("{flag} '{addr}' is not an email address: {e}")))
}

/// Options given that belong to another kind of target than the one chosen. (clap's
/// `requires` alone lets them through, as the kinds share one argument group.)
fn misplaced(args: &Args) -> Option<(&'static str, &'static str)> {
    let email_only = [
        ("--smtp", args.smtp.is_some()),
        ("--from", args.from.is_some()),
        ("--smtp-user", args.smtp_user.is_some()),
        ("--smtp-password-file", args.smtp_password_file.is_some()),
        ("--tls", args.tls != "starttls"),
        ("--allow-plaintext", args.allow_plaintext),
    ];
    let webhook_only = [
        ("--format", args.format != "json"),
        ("--header", !args.headers.is_empty()),
        ("--token-file", args.token_file.is_some()),
        ("--insecure", args.insecure),
    ];
    let command_only = [("--arg", !args.args.is_empty())];
    let (kind, others): (&str, Vec<&[(&str, bool)]>) = if args.command.is_some() {
        ("--command", vec![&email_only, &webhook_only])
    } else if args.email.is_some() {
        ("--email", vec![&webhook_only, &command_only])
    } else {
        ("--webhook", vec![&email_only, &command_only])
    };
    others.into_iter().flatten().find(|(_, given)| *given).map(|(flag, _)| (*flag, kind))
}

/// The target's kind and settings (no secret), and the secret to keep, if any.
fn settings(args: &Args) -> Result<(&'static str, Value, Option<crate::cmd::Secret>)> {
    if let Some((flag, kind)) = misplaced(args) {
        return Err(Failure::usage(format!("{flag} does not go with {kind}")).into());
    }
    let ca_file = match &args.ca_file {
        Some(p) => {
            let p = std::path::absolute(p)?;
            if !p.is_file() {
                return Err(Failure::new(crate::error::Kind::BadPath, format!("no CA file at {}", p.display())).into());
            }
            Some(p.to_string_lossy().into_owned())
        }
        None => None,
    };
    if let Some(program) = &args.command {
        if ca_file.is_some() {
            return Err(Failure::usage("--ca-file goes with --email or --webhook").into());
        }
        if program.trim().is_empty() {
            return Err(Failure::usage("--command needs a program").into());
        }
        let settings = json!({"program": program, "args": args.args, "timeout_secs": args.timeout});
        return Ok(("command", settings, None));
    }
    if let Some(to) = &args.email {
        check_mailbox("--email", to)?;
        let smtp = args.smtp.as_deref().ok_or_else(|| Failure::usage("--email needs --smtp HOST[:PORT]"))?;
        let from = args.from.as_deref().ok_or_else(|| Failure::usage("--email needs --from ADDR"))?;
        check_mailbox("--from", from)?;
        let (host, port) = parse_smtp(smtp)?;
        if args.tls == "none" && !args.allow_plaintext {
            return Err(Failure::usage(
                "--tls none sends mail (and the SMTP password) in the clear: add --allow-plaintext if that is really wanted",
            )
            .into());
        }
        let secret = match &args.smtp_password_file {
            Some(file) => Some(crate::cmd::read_secret_file(file, "SMTP password")?),
            None => None,
        };
        let settings = json!({
            "to": to, "from": from, "smtp_host": host, "smtp_port": port, "tls": args.tls,
            "smtp_user": args.smtp_user, "ca_file": ca_file, "timeout_secs": args.timeout,
        });
        return Ok(("email", settings, secret));
    }
    let url = args.webhook.as_deref().expect("clap requires one of --command, --email, --webhook");
    check_url(url)?;
    let secret = match &args.token_file {
        Some(file) => Some(crate::cmd::read_secret_file(file, "webhook token")?),
        None => None,
    };
    let mut headers: Vec<(String, String)> = args.headers.clone();
    if headers.iter().any(|(_, v)| v.contains("{token}")) && secret.is_none() {
        return Err(Failure::usage("a --header uses {token}, but no --token-file gives one").into());
    }
    if secret.is_some() && !headers.iter().any(|(_, v)| v.contains("{token}")) {
        headers.push(("Authorization".into(), "Bearer {token}".into()));
    }
    let settings = json!({
        "url": url, "format": args.format, "headers": headers, "has_token": secret.is_some(),
        "insecure": args.insecure, "ca_file": ca_file, "timeout_secs": args.timeout,
    });
    Ok(("webhook", settings, secret))
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let (kind, settings, secret) = settings(&args)?;
    if let Some(url) = &args.webhook
        && looks_secret(url)
    {
        eprintln!(
            "warning: target '{}': the URL seems to hold a password or token, and URLs are stored in the catalog; \
             prefer --token-file with --header 'NAME: {{token}}'",
            args.name
        );
    }
    if args.insecure {
        eprintln!("warning: target '{}': TLS certificates are not checked (--insecure)", args.name);
    }
    if args.tls == "none" && kind == "email" {
        eprintln!("warning: target '{}': mail goes to the SMTP server unencrypted (--tls none)", args.name);
    }
    let events = &args.on.0;
    let tx = catalog.write()?;
    let id = notify::insert(&tx, &NewTarget { name: &args.name, kind, events, settings: &settings })?;
    let details = json!({"name": args.name, "kind": kind, "events": events, "settings": settings});
    audit::record(&tx, "notify.add", "notification_target", Some(id), details)?;
    if let Some(secret) = &secret {
        store_secret(&ctx.home, &args.name, secret.bytes())?;
    }
    if let Err(e) = tx.commit() {
        let _ = remove_secret(&ctx.home, &args.name);
        return Err(e.into());
    }
    let target = notify::get(catalog.conn(), &args.name)?;
    ctx.out.done(&json!({"added": target}), || {
        format!("Added notification target '{}' ({kind}) for {}", args.name, events.join(", "))
    });
    Ok(Exit::Ok)
}
