//! Notifications against real servers on loopback: an SMTP server (Python's aiosmtpd, with
//! STARTTLS, implicit TLS and AUTH), an HTTP server (Python's http.server), and programs.
//! Each server is started by the test, waited for through the port file it writes, and
//! killed when the test ends. The scheduler's events are delivered end to end under
//! `schedule run-due` at simulated times; a target that is down costs a bounded delay and
//! never changes the scheduler's exit code; secrets never show up where they must not.

mod common;

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Home, stderr, stdout, write_secret};
use serde_json::Value;

/// Debian's Python, which has python3-aiosmtpd and python3-cryptography (.ci/run installs
/// them), whatever other python3 is first on PATH.
const PYTHON: &str = "/usr/bin/python3";

/// A server run by a test script in `tests/support/`, killed when dropped.
struct Server {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Server {
    /// Starts `script` with `dir` and `args`, and waits until it has written its port.
    fn start(script: &str, dir: &Path, args: &[&str]) -> Server {
        std::fs::create_dir_all(dir).unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support").join(script);
        let child = Command::new(PYTHON)
            .arg(path)
            .arg(dir)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {script} ({PYTHON}): {e}"));
        let mut server = Server { child, dir: dir.to_path_buf(), port: 0 };
        let ready = dir.join("ready");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !ready.exists() {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("{script} ended ({status}) before it listened");
            }
            assert!(Instant::now() < deadline, "{script} did not listen within 30 s");
            std::thread::sleep(Duration::from_millis(20));
        }
        server.port = std::fs::read_to_string(ready).unwrap().trim().parse().unwrap();
        server
    }

    fn smtp(dir: &Path, mode: &str, login: Option<(&str, &str)>) -> Server {
        let mut args = vec![mode];
        if let Some((user, password)) = login {
            args.extend([user, password]);
        }
        Server::start("smtp_sink.py", dir, &args)
    }

    fn http(dir: &Path, status: u16) -> Server {
        Server::start("http_sink.py", dir, &[&status.to_string()])
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn smtp_address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// What it received, in order: the files named `prefix-N.ext`.
    fn received(&self, prefix: &str, ext: &str) -> Vec<String> {
        let mut found = Vec::new();
        for n in 1.. {
            let path = self.dir.join(format!("{prefix}-{n}.{ext}"));
            match std::fs::read_to_string(&path) {
                Ok(text) => found.push(text),
                Err(_) => break,
            }
        }
        found
    }

    fn posts(&self) -> Vec<Value> {
        self.received("post", "json").iter().map(|t| serde_json::from_str(t).unwrap()).collect()
    }

    fn mails(&self) -> Vec<(String, Value)> {
        self.received("msg", "eml")
            .into_iter()
            .zip(self.received("msg", "json"))
            .map(|(m, meta)| (m, serde_json::from_str(&meta).unwrap()))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A program that saves its stdin to `DIR/stdin-N.json` and its argv and environment to
/// `DIR/env-N.txt`, N counting its runs.
fn recorder(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let script = dir.join("record.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nd={}\nn=$(ls $d | grep -c '^stdin-')\nn=$((n+1))\ncat > $d/stdin-$n.json.part\n\
             {{ echo \"argv: $0 $*\"; env; }} > $d/env-$n.txt\nmv $d/stdin-$n.json.part $d/stdin-$n.json\n",
            dir.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn deliveries(h: &Home) -> Vec<(String, String, String, i64, Option<String>, i64)> {
    let db = h.sql();
    let mut stmt = db
        .prepare(
            "SELECT target_name, event, result, attempts, error, duration_ms FROM notification_deliveries ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_command_gets_the_event_on_stdin_and_in_its_environment() {
    let h = Home::new();
    let dir = h.dir.path().join("cmd");
    let script = recorder(&dir);
    let out =
        h.ok(["notify", "add", "ops", "--on", "job_failed", "--command", script.to_str().unwrap(), "--arg", "-x"]);
    assert!(out.contains("Added notification target 'ops'"), "{out}");
    let test = h.json(["notify", "test", "ops"]);
    assert_eq!(test["delivery"]["result"], "ok", "{test}");
    assert_eq!(test["delivery"]["attempts"], 1);
    let input: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("stdin-1.json")).unwrap()).unwrap();
    assert_eq!((input["type"].as_str(), input["event"].as_str()), (Some("notification"), Some("test")));
    assert_eq!(input["payload"]["target"], "ops");
    let env = std::fs::read_to_string(dir.join("env-1.txt")).unwrap();
    assert!(env.contains(" -x\n"), "arguments are passed as given: {env}");
    assert!(env.contains("TAPEBACKARR_EVENT_KIND=test"), "{env}");
    assert!(env.contains("TAPEBACKARR_EVENT_SUBJECT=test notification for target 'ops'"), "{env}");

    // A failing program: exit 1, its stderr in the error, recorded.
    h.ok([
        "notify",
        "add",
        "broken",
        "--on",
        "all",
        "--command",
        "/bin/sh",
        "--arg",
        "-c",
        "--arg",
        "echo nope >&2; exit 3",
    ]);
    let out = h.run(["notify", "test", "broken"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("FAILED") && stdout(&out).contains("nope"), "{}", stdout(&out));
    let recorded = deliveries(&h);
    assert_eq!(recorded.len(), 2);
    assert_eq!((recorded[1].0.as_str(), recorded[1].2.as_str()), ("broken", "failed"));
    assert!(recorded[1].4.as_deref().unwrap().contains("exit status: 3"), "{recorded:?}");
}

#[test]
fn a_command_that_hangs_is_killed_at_its_timeout() {
    let h = Home::new();
    // A marker argument to find the process by, if it survived.
    h.ok(["notify", "add", "hang", "--on", "all", "--command", "/bin/sleep", "--arg", "61.4321", "--timeout", "2"]);
    let started = Instant::now();
    let out = h.run(["notify", "test", "hang"]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("did not finish within 2 s"), "{}", stdout(&out));
    assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(5), "took {took:?}");
    let left = Command::new("pgrep").args(["-f", "sleep 61.4321"]).output().unwrap();
    assert!(left.stdout.is_empty(), "the hanging program was left running");
    let recorded = deliveries(&h);
    assert_eq!((recorded[0].2.as_str(), recorded[0].3), ("failed", 1), "no retry past the timeout");
}

#[test]
fn webhooks_post_json_ntfy_gotify_and_slack_shapes() {
    let h = Home::new();
    let server = Server::http(&h.dir.path().join("http"), 200);
    let token = h.dir.path().join("token");
    write_secret(&token, "tok-SECRET-123\n");
    h.ok(["notify", "add", "j", "--on", "all", "--webhook", &server.url("/json?x=1")]);
    // A token in the URL would be stored in the catalog: allowed, but warned about.
    let out = h.run(["notify", "add", "q", "--on", "tape_full", "--webhook", &server.url("/q?token=abc")]);
    assert!(out.status.success() && stderr(&out).contains("seems to hold a password or token"), "{}", stderr(&out));
    h.ok_os(&[
        "notify".as_ref(),
        "add".as_ref(),
        "n".as_ref(),
        "--on".as_ref(),
        "all".as_ref(),
        "--webhook".as_ref(),
        server.url("/ntfy").as_ref(),
        "--format".as_ref(),
        "ntfy".as_ref(),
        "--token-file".as_ref(),
        token.as_os_str(),
    ]);
    h.ok(["notify", "add", "g", "--on", "all", "--webhook", &server.url("/gotify"), "--format", "gotify"]);
    h.ok(["notify", "add", "s", "--on", "all", "--webhook", &server.url("/slack"), "--format", "slack"]);
    for name in ["j", "n", "g", "s"] {
        h.ok(["notify", "test", name]);
    }
    let posts = server.posts();
    assert_eq!(posts.len(), 4, "{posts:?}");
    let json: Value = serde_json::from_str(posts[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(posts[0]["path"], "/json?x=1");
    assert_eq!(posts[0]["headers"]["content-type"], "application/json");
    assert_eq!((json["type"].as_str(), json["event"].as_str()), (Some("notification"), Some("test")));
    assert_eq!(posts[1]["path"], "/ntfy");
    assert_eq!(posts[1]["headers"]["title"], "test notification for target 'n'");
    assert_eq!(posts[1]["headers"]["priority"], "default");
    assert_eq!(posts[1]["headers"]["authorization"], "Bearer tok-SECRET-123", "the token is sent");
    assert!(posts[1]["body"].as_str().unwrap().contains("target 'n' works"), "{}", posts[1]);
    let gotify: Value = serde_json::from_str(posts[2]["body"].as_str().unwrap()).unwrap();
    assert_eq!(gotify["title"], "test notification for target 'g'");
    assert_eq!(gotify["priority"], 5);
    let slack: Value = serde_json::from_str(posts[3]["body"].as_str().unwrap()).unwrap();
    assert!(slack["text"].as_str().unwrap().starts_with("*test notification for target 's'*\n"), "{slack}");

    // A server that answers 500: failed, with the status, after retries within the timeout.
    let failing = Server::http(&h.dir.path().join("http500"), 500);
    h.ok(["notify", "add", "e", "--on", "all", "--webhook", &failing.url("/x"), "--timeout", "10"]);
    let out = h.run(["--json", "notify", "test", "e"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["delivery"]["attempts"], 3, "{v}");
    assert!(v["delivery"]["error"].as_str().unwrap().contains("HTTP 500"), "{v}");
    assert!(stderr(&out).contains("\"code\":\"notification_failed\""), "{}", stderr(&out));
    assert_eq!(failing.posts().len(), 3);
}

/// `notify add NAME --on all --email admins@example.org` through `server` as user `tb` with
/// the password in `password`, trusting the server's CA when `trust`, plus `extra`.
fn add_email(h: &Home, name: &str, server: &Server, password: &Path, trust: bool, extra: &[&str]) -> Output {
    let mut args: Vec<OsString> = ["notify", "add", name, "--on", "all", "--email", "admins@example.org"]
        .iter()
        .chain(&["--from", "tapebackarr@example.org", "--smtp-user", "tb", "--smtp"])
        .map(Into::into)
        .collect();
    args.push(server.smtp_address().into());
    args.extend(["--smtp-password-file".into(), password.as_os_str().to_owned()]);
    if trust {
        args.extend(["--ca-file".into(), server.dir.join("ca.pem").into_os_string()]);
    }
    args.extend(extra.iter().map(Into::into));
    h.run(&args)
}

#[test]
fn email_over_starttls_with_auth_and_a_private_ca() {
    let h = Home::new();
    let server = Server::smtp(&h.dir.path().join("smtp"), "starttls", Some(("tb", "s3cret-smtp-PASSWORD")));
    let password = h.dir.path().join("smtp-pass");
    write_secret(&password, "s3cret-smtp-PASSWORD\n");
    let out = add_email(&h, "mail", &server, &password, true, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let test = h.json(["notify", "test", "mail"]);
    assert_eq!(test["delivery"]["result"], "ok", "{test}");
    let mails = server.mails();
    assert_eq!(mails.len(), 1);
    let (message, meta) = &mails[0];
    assert_eq!(meta["tls"], true, "STARTTLS was used");
    assert_eq!(meta["mail_from"], "tapebackarr@example.org");
    assert_eq!(meta["rcpt_tos"][0], "admins@example.org");
    assert!(message.contains("From: tapebackarr@example.org"), "{message}");
    assert!(message.contains("To: admins@example.org"), "{message}");
    assert!(message.contains("Subject: [tapebackarr] test notification for target 'mail'"), "{message}");
    assert!(message.contains("target 'mail' works"), "{message}");
    assert!(message.contains("\"type\": \"notification\""), "the JSON is in the body: {message}");

    // Without the CA, the self-signed chain is refused: verification is on by default.
    let out = add_email(&h, "mail-untrusted", &server, &password, false, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = h.run(["--json", "notify", "test", "mail-untrusted"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["delivery"]["error"].as_str().unwrap().to_lowercase().contains("certificate"), "{v}");
    assert_eq!(server.mails().len(), 1, "nothing was sent to an untrusted server");
}

#[test]
fn email_over_implicit_tls() {
    let h = Home::new();
    let server = Server::smtp(&h.dir.path().join("smtps"), "implicit", Some(("tb", "pw-implicit-1")));
    let password = h.dir.path().join("pass");
    write_secret(&password, "pw-implicit-1");
    let out = add_email(&h, "m", &server, &password, true, &["--tls", "implicit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let test = h.json(["notify", "test", "m"]);
    // (The server speaks only TLS on that port: a delivery is the proof.)
    assert_eq!(test["delivery"]["result"], "ok", "{test}");
    assert_eq!(server.mails().len(), 1);
}

#[test]
fn run_due_tells_a_failed_job_and_a_tape_wanted_and_a_down_target_changes_nothing() {
    let h = Home::scheduled("0 2 * * *", "2030-01-01 00:00:00");
    h.add_broken_job("2030-01-01 00:00:00");
    let http = Server::http(&h.dir.path().join("http"), 200);
    let smtp = Server::smtp(&h.dir.path().join("smtp"), "plain", None);
    let cmd_dir = h.dir.path().join("cmd");
    let script = recorder(&cmd_dir);
    h.ok(["notify", "add", "hook", "--on", "job_failed,tape_needed", "--webhook", &http.url("/hook")]);
    let out = h.run([
        "notify",
        "add",
        "mail",
        "--on",
        "job_failed",
        "--email",
        "admins@example.org",
        "--smtp",
        &smtp.smtp_address(),
        "--from",
        "tb@example.org",
        "--tls",
        "none",
        "--allow-plaintext",
    ]);
    assert!(out.status.success() && stderr(&out).contains("unencrypted"), "{}", stderr(&out));
    h.ok(["notify", "add", "script", "--on", "all", "--command", script.to_str().unwrap()]);
    // Not interested in failures: told nothing.
    h.ok(["notify", "add", "other", "--on", "tape_full", "--webhook", &http.url("/other")]);
    let down = format!("http://127.0.0.1:{}/down", closed_port());
    h.ok(["notify", "add", "down", "--on", "job_failed", "--webhook", &down, "--timeout", "5"]);

    let started = Instant::now();
    let out = h.run_at("2030-01-01 02:00:30", ["--json", "schedule", "run-due"]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "the failed run decides, not the down target: {}", stderr(&out));
    let records = common::ndjson(&out);
    assert_eq!(records.len(), 2, "no notification noise on stdout: {records:?}");

    let posts = http.posts();
    assert_eq!(posts.len(), 1, "one event (job_failed) for the webhook: {posts:?}");
    assert_eq!(posts[0]["path"], "/hook");
    let event: Value = serde_json::from_str(posts[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!((event["event"].as_str(), event["job"].as_str()), (Some("job_failed"), Some("broken")));
    assert_eq!(event["payload"], records[0], "the payload is the run's --json line");
    assert_eq!(event["payload"]["error"]["code"], "bad_path");

    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].0.contains("Subject: [tapebackarr] job 'broken' failed (exit 1)"), "{}", mails[0].0);
    assert!(mails[0].0.contains("\"event\": \"job_failed\""), "{}", mails[0].0);

    let env = std::fs::read_to_string(cmd_dir.join("env-1.txt")).unwrap();
    assert!(env.contains("TAPEBACKARR_EVENT_KIND=job_failed") && env.contains("TAPEBACKARR_EVENT_JOB=broken"), "{env}");

    let recorded = deliveries(&h);
    let down_row = recorded.iter().find(|d| d.0 == "down").expect("the down target is recorded");
    assert_eq!((down_row.1.as_str(), down_row.2.as_str(), down_row.3), ("job_failed", "failed", 3), "{down_row:?}");
    assert!(down_row.4.as_deref().unwrap().contains("onnection refused"), "{down_row:?}");
    assert!(down_row.5 < 5000, "bounded by the target's timeout: {down_row:?}");
    assert!(!recorded.iter().any(|d| d.0 == "other"), "{recorded:?}");
    assert!(recorded.iter().filter(|d| d.0 != "down").all(|d| d.2 == "ok"), "{recorded:?}");
    eprintln!("run-due with a down target (refused port, 3 attempts): {took:?}; its delivery {} ms", down_row.5);

    // A tape nobody can bring: the run waits (exit 4) and `tape_needed` is told.
    h.ok(["pool", "create", "q"]);
    h.ok_at("2030-01-01 03:00:00", ["job", "update", "j", "--pool", "q"]);
    h.ok(["job", "disable", "broken"]);
    let out = h.run_at("2030-01-02 02:00:30", ["--json", "schedule", "run-due"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let posts = http.posts();
    assert_eq!(posts.len(), 2, "{posts:?}");
    let event: Value = serde_json::from_str(posts[1]["body"].as_str().unwrap()).unwrap();
    assert_eq!((event["event"].as_str(), event["job"].as_str()), (Some("tape_needed"), Some("j")));
    assert_eq!(event["payload"]["result"], "waiting");
    assert_eq!(smtp.mails().len(), 1, "the mail target wants only job_failed");
}

#[test]
fn secrets_stay_in_their_file() {
    let h = Home::new();
    let smtp = Server::smtp(&h.dir.path().join("smtp"), "starttls", Some(("tb", "s3cret-smtp-PASSWORD")));
    let http = Server::http(&h.dir.path().join("http"), 200);
    let (password, token) = (h.dir.path().join("pw"), h.dir.path().join("tok"));
    write_secret(&password, "s3cret-smtp-PASSWORD\n");
    write_secret(&token, "tok-SECRET-123\n");
    let cmd_dir = h.dir.path().join("cmd");
    let script = recorder(&cmd_dir);
    let os = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
    let out = add_email(&h, "mail", &smtp, &password, true, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut hook = os(&["notify", "add", "hook", "--on", "all", "--webhook", &http.url("/h")]);
    hook.extend(os(&["--header", "X-Gotify-Key: {token}", "--token-file"]));
    hook.push(token.clone().into_os_string());
    h.ok(&hook);
    h.ok(["notify", "add", "script", "--on", "all", "--command", script.to_str().unwrap()]);
    for name in ["mail", "hook", "script"] {
        let v = h.json(["notify", "test", name]);
        assert_eq!(v["delivery"]["result"], "ok", "{v}");
    }
    assert_eq!(http.posts()[0]["headers"]["x-gotify-key"], "tok-SECRET-123");
    assert!(http.posts()[0]["headers"].get("authorization").is_none());

    for name in ["mail", "hook"] {
        let file = h.home().join("secrets").join(format!("notify-{name}"));
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    }
    let dir_mode = std::fs::metadata(h.home().join("secrets")).unwrap().permissions().mode();
    assert_eq!(dir_mode & 0o777, 0o700);

    let secrets = ["s3cret-smtp-PASSWORD", "tok-SECRET-123"];
    let mut places: Vec<(String, Vec<u8>)> = vec![
        ("audit list --json".into(), h.run(["--json", "audit", "list"]).stdout),
        ("notify list --json".into(), h.run(["--json", "notify", "list"]).stdout),
        ("notify list".into(), h.run(["notify", "list"]).stdout),
        ("the command's argv and environment".into(), std::fs::read(cmd_dir.join("env-1.txt")).unwrap()),
    ];
    for entry in std::fs::read_dir(h.home()).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_string_lossy().starts_with("catalog.db") {
            places.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    for (place, bytes) in &places {
        for secret in secrets {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{secret} appears in {place}");
        }
    }

    // Removing a target removes its secret.
    h.ok(["notify", "remove", "hook"]);
    assert!(!h.home().join("secrets/notify-hook").exists());
    let audit = h.run(["--json", "audit", "list"]).stdout;
    let audit: Value = serde_json::from_slice(&audit).unwrap();
    let actions: Vec<&str> = audit["entries"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for action in ["notify.add", "notify.test", "notify.remove"] {
        assert!(actions.contains(&action), "{actions:?}");
    }
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let h = Home::new();
    let token = h.dir.path().join("tok");
    write_secret(&token, "t\n");
    h.ok(["notify", "add", "taken", "--on", "all", "--command", "/bin/true"]);
    let before = h.snapshot();
    let missing = h.dir.path().join("missing").display().to_string();
    // Each case: the words after `notify add x --on all` (or a whole command line when it
    // starts with `notify`), the exit code, and what the error says.
    let email = "--email a@b.c --smtp h --from c@d.e";
    let cases: Vec<(String, i32, &str)> = vec![
        ("notify add x --on job_failed,bogus --command /bin/true".into(), 2, "unknown event 'bogus'"),
        ("notify add x --on , --command /bin/true".into(), 2, "no event named"),
        ("".into(), 2, "required"),
        ("--command /bin/true --webhook http://h/".into(), 2, "cannot be used"),
        ("notify add bad/name --on all --command /bin/true".into(), 2, "not a valid name"),
        ("--webhook ftp://example.org/".into(), 2, "http:// or https://"),
        ("--webhook http://h:port/".into(), 2, "not a usable URL"),
        ("--webhook http://h/ --header NoColon".into(), 2, "not a header"),
        ("--webhook http://h/ --header X:{token}".into(), 2, "no --token-file"),
        (format!("--webhook http://h/ --token-file {missing}"), 1, "cannot read"),
        ("--email a@b.c --from c@d.e".into(), 2, "needs --smtp"),
        ("--email a@b.c --smtp h".into(), 2, "needs --from"),
        ("--email not-an-address --smtp h --from c@d.e".into(), 2, "not an email address"),
        ("--email a@b.c --smtp h:port --from c@d.e".into(), 2, "HOST:PORT"),
        (format!("{email} --tls none"), 2, "--allow-plaintext"),
        (format!("{email} --smtp-user u"), 2, "--smtp-password-file"),
        (format!("{email} --smtp-user u --smtp-password-file {missing}"), 1, "cannot read"),
        (format!("{email} --insecure"), 2, "--insecure does not go with --email"),
        ("--command /bin/true --smtp h".into(), 2, "--smtp does not go with --command"),
        ("--command /bin/true --timeout 0".into(), 2, "--timeout"),
        ("notify add taken --on all --command /bin/true".into(), 1, "already exists"),
        ("notify test nobody".into(), 1, "no notification target named 'nobody'"),
        ("notify remove nobody".into(), 1, "no notification target named 'nobody'"),
        ("notify frobnicate".into(), 2, "unrecognized subcommand"),
    ];
    let cases = cases.into_iter().map(|(line, code, says)| {
        let line = if line.starts_with("notify") { line } else { format!("notify add x --on all {line}") };
        (line.split_whitespace().map(str::to_string).collect::<Vec<_>>(), code, says)
    });
    for (args, code, says) in cases {
        let out = h.run(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?} should say '{says}': {}", stderr(&out));
        let mut json_args = vec!["--json".to_string()];
        json_args.extend(args.iter().cloned());
        let out = h.run(&json_args);
        let err: Value = serde_json::from_str(stderr(&out).lines().last().unwrap_or("{}")).unwrap_or(Value::Null);
        assert_eq!(err["type"], "error", "{args:?} --json: {}", stderr(&out));
    }
    assert_eq!(h.snapshot(), before, "a refused command changed the catalog");
    assert!(!h.home().join("secrets/notify-x").exists());
}

/// The events of a recorder's runs (`stdin-N.json`), in order.
fn recorded_events(dir: &Path) -> Vec<Value> {
    (1..)
        .map(|n| dir.join(format!("stdin-{n}.json")))
        .take_while(|p| p.exists())
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

/// A backup started by hand fills W1 and waits at a terminal for another tape (`tape_full`);
/// the job's slot comes meanwhile and is skipped (`job_missed`).
#[test]
fn a_full_tape_and_a_skipped_slot_are_told() {
    const MIB: usize = 1 << 20;
    let h = Home::with_two_tapes();
    let dir = h.dir.path().join("cmd");
    let script = recorder(&dir);
    h.ok(["notify", "add", "ops", "--on", "tape_full,job_missed", "--command", script.to_str().unwrap()]);
    std::fs::create_dir_all(h.data()).unwrap();
    let noise: Vec<u8> = (0..40 * MIB).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(h.data().join("big.bin"), noise).unwrap();
    std::fs::write(
        h.drive_dir().join("faults.json"),
        format!(r#"{{"early_warning": {}}}"#, (8u64 << 30) - 20 * 1024 * 1024),
    )
    .unwrap();
    h.ok_at("2030-01-01 00:00:00", ["job", "update", "nightly", "--schedule", "0 2 * * *"]);

    let mut term = h.at_terminal("backup run nightly");
    term.read_until("press Enter", 1);
    let events = recorded_events(&dir);
    assert_eq!(events.len(), 1, "told before the operator is asked: {events:?}");
    assert_eq!((events[0]["event"].as_str(), events[0]["job"].as_str()), (Some("tape_full"), Some("nightly")));
    assert_eq!(events[0]["payload"]["tape"], "W1");
    assert!(events[0]["subject"].as_str().unwrap().contains("tape 'W1' is full"), "{}", events[0]);

    let out = h.run_at("2030-01-01 02:00:30", ["--json", "schedule", "run-due"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (ok, seen) = term.finish();
    assert!(!ok, "{seen}");
    let events = recorded_events(&dir);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!((events[1]["event"].as_str(), events[1]["job"].as_str()), (Some("job_missed"), Some("nightly")));
    assert_eq!(events[1]["payload"]["type"], "skip");
    assert_eq!(events[1]["payload"]["reason"], "the job was still running");
}

/// A verify that finds damage tells `verify_mismatch`; a drive asking to be cleaned before
/// a backup writes tells `drive_alert` (and the backup is refused, as before).
#[test]
fn a_verify_mismatch_and_a_drive_alert_are_told() {
    let h = Home::with_tape();
    let dir = h.dir.path().join("cmd");
    let script = recorder(&dir);
    h.ok(["notify", "add", "ops", "--on", "verify_mismatch,drive_alert", "--command", script.to_str().unwrap()]);
    std::fs::write(h.data().join("a.bin"), vec![7u8; 1 << 20]).unwrap();
    let summary = h.ok(["--json", "backup", "run", "nightly"]);
    let summary: Value = serde_json::from_str(summary.lines().last().unwrap()).unwrap();
    let set = summary["set"].to_string();
    h.ok(["verify", &set]);
    assert!(recorded_events(&dir).is_empty(), "a verify that passes is not news");

    let block: i64 = h
        .sql()
        .query_row("SELECT block_offset FROM catalog_entries WHERE file_path = 'a.bin'", [], |r| r.get(0))
        .unwrap();
    std::fs::write(h.drive_dir().join("faults.json"), format!("{{\"corrupt_blocks\":[{block}]}}")).unwrap();
    let out = h.run(["--json", "verify", &set]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let outcome: Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = recorded_events(&dir);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["event"], "verify_mismatch");
    assert_eq!(events[0]["payload"], outcome, "the payload is verify --json's outcome");
    std::fs::remove_file(h.drive_dir().join("faults.json")).unwrap();

    let out = h
        .cmd()
        .env("TAPEBACKARR_VTAPE_FAULTS", r#"{"tapealert": [20]}"#)
        .args(["backup", "run", "nightly"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let events = recorded_events(&dir);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[1]["event"], "drive_alert");
    assert_eq!(
        (events[1]["payload"]["drive"].as_str(), events[1]["payload"]["alert"]["severity"].as_str()),
        (Some("d0"), Some("critical"))
    );
    assert!(events[1]["subject"].as_str().unwrap().contains("drive 'd0'"), "{}", events[1]);
}

/// A server that takes the connection and never answers costs one delivery its timeout,
/// no more: the attempts share it.
#[test]
fn a_webhook_that_never_answers_costs_its_timeout() {
    let h = Home::new();
    // Connections complete in the kernel's backlog; nothing ever reads or answers them.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", silent.local_addr().unwrap());
    h.ok(["notify", "add", "silent", "--on", "all", "--webhook", &url, "--timeout", "2"]);
    let started = Instant::now();
    let out = h.run(["--json", "notify", "test", "silent"]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["delivery"]["attempts"], 1, "{v}");
    assert!(v["delivery"]["error"].as_str().unwrap().contains("imeout"), "{v}");
    assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(4), "took {took:?}");
    drop(silent);
}
