//! What commands print. With `--json`, stdout carries exactly one JSON document and errors
//! go to stderr as `{"type":"error",…}`; otherwise people get tables and sentences, with no
//! colour or escape codes when stdout is not a terminal. `-q` drops confirmations, never data.

use std::io::{self, IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Value, json};

use crate::error::{Failure, classify};

#[derive(Debug, Clone, Copy, Default)]
pub struct Output {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
}

impl Output {
    /// Data the user asked for (a list, a record): JSON, or the human rendering.
    pub fn data(&self, json: &Value, human: impl FnOnce() -> String) {
        if self.json {
            print_stdout(&json_line(json));
        } else {
            print_stdout(&human());
        }
    }

    /// The outcome of a change: JSON, or a one-line confirmation unless `-q`.
    pub fn done(&self, json: &Value, message: impl FnOnce() -> String) {
        if self.json {
            print_stdout(&json_line(json));
        } else if !self.quiet {
            print_stdout(&message());
        }
    }

    /// A note for people on stderr, dropped by `-q` and `--json`.
    pub fn note(&self, message: impl FnOnce() -> String) {
        if !self.json && !self.quiet {
            eprintln!("{}", message());
        }
    }

    /// A detail shown only with `-v`.
    pub fn verbose(&self, message: impl FnOnce() -> String) {
        if !self.json && self.verbose > 0 {
            eprintln!("{}", message());
        }
    }

    /// Reports, with `--json`, why a command that wrote its result on stdout still exits
    /// non-zero: one error object on stderr, as for any other failure (`code`, `exit_code`,
    /// `message`). People read the same from the lines the command printed.
    pub fn outcome_error(&self, code: &str, exit: crate::error::Exit, message: &str) {
        if self.json {
            eprintln!("{}", json!({"type": "error", "code": code, "exit_code": exit as i32, "message": message}));
        }
    }

    /// Reports a failed command on stderr.
    pub fn error(&self, err: &anyhow::Error) {
        let (code, exit) = classify(err);
        if self.json {
            let message = err.chain().map(|e| e.to_string()).collect::<Vec<_>>().join(": ");
            let mut doc = json!({"type": "error", "code": code, "exit_code": exit as i32, "message": message});
            if let Some(details) = err.chain().find_map(|e| e.downcast_ref::<Failure>()).and_then(|f| f.details.clone())
            {
                doc["details"] = details;
            }
            eprintln!("{doc}");
        } else {
            eprintln!("error: {err:#}");
        }
    }
}

fn json_line(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("JSON values always serialize")
}

/// Prints a line (a newline is added when missing).
fn print_stdout(text: &str) {
    if text.ends_with('\n') {
        write_stdout(text.as_bytes());
    } else {
        write_stdout(format!("{text}\n").as_bytes());
    }
}

/// Writes to stdout; a closed pipe (`tapebackarr … | head`) ends the output quietly.
pub fn write_stdout(bytes: &[u8]) {
    let mut out = io::stdout().lock();
    let result = out.write_all(bytes).and_then(|_| out.flush());
    if let Err(e) = result {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// A borderless table with upper-case headers, like `ps` or `docker ps`: easy to read, and
/// easy to cut with awk.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    if io::stdout().is_terminal() {
        t.set_content_arrangement(ContentArrangement::Dynamic);
    }
    t.set_header(headers.iter().map(|h| h.to_uppercase()));
    for row in rows {
        t.add_row(row);
    }
    // Cells are padded on both sides; drop the left margin that leaves on every line.
    t.trim_fmt().lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n")
}

/// `key: value` lines, aligned, for `show` commands.
pub fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
    pairs.iter().map(|(k, v)| format!("{:<width$} {v}", format!("{k}:"))).collect::<Vec<_>>().join("\n")
}

/// An optional value for people: the value, or `-`.
pub fn or_dash(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).filter(|s| !s.is_empty()).unwrap_or_else(|| "-".into())
}

/// A catalog timestamp for people.
pub fn when(t: &Option<String>) -> String {
    t.as_ref().map(|t| format!("{t} UTC")).unwrap_or_else(|| "-".into())
}

/// Bytes for people: 0, 512 B, 1.5 GB (decimal, like tape capacities).
pub fn bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}
