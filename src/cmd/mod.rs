//! One module per command group. Each defines its clap arguments (`Command`/`Args`) beside
//! the `exec` that carries them out, opens the catalog itself, and reports through `Output`.

pub mod audit;
pub mod completions;
pub mod init;
pub mod job;
pub mod pool;
pub mod source;

use std::path::PathBuf;

use anyhow::Result;
use serde_json::{Map, Value};

use crate::catalog::Catalog;
use crate::cli::{Cli, Command, Global};
use crate::error::Exit;
use crate::output::Output;

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
}

pub fn run(cli: Cli, out: Output) -> Result<Exit> {
    let home = crate::home::resolve(cli.global.home.clone());
    let ctx = Ctx { global: cli.global, home, out };
    match cli.command {
        Command::Init(args) => init::exec(&ctx, args),
        Command::Pool(c) => pool::exec(&ctx, c),
        Command::Source(c) => source::exec(&ctx, c),
        Command::Job(c) => job::exec(&ctx, c),
        Command::Audit(c) => audit::exec(&ctx, c),
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
