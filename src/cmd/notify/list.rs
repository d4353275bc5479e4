//! `notify list`: every target, what it wants, where it goes, and how its last delivery
//! went (so a target that stopped working shows up here, not only in a log).

use anyhow::Result;
use serde_json::{Value, json};

use crate::catalog::Catalog;
use crate::catalog::notify;
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::table;

pub(super) fn exec(ctx: &Ctx, catalog: &Catalog) -> Result<Exit> {
    let targets = notify::list(catalog.conn())?;
    let last = notify::last_deliveries(catalog.conn())?;
    let mut docs = Vec::new();
    let mut rows = Vec::new();
    for t in &targets {
        let delivery = last.iter().find(|d| d.target == t.name);
        let mut doc = serde_json::to_value(t)?;
        doc["last_delivery"] = serde_json::to_value(delivery)?;
        docs.push(doc);
        rows.push(vec![
            t.name.clone(),
            t.kind.clone(),
            t.events.join(","),
            destination(&t.kind, &t.settings),
            match delivery {
                Some(d) => format!("{} {}", d.result, d.at),
                None => "-".into(),
            },
        ]);
    }
    ctx.out.data(&json!({"targets": docs}), || {
        if rows.is_empty() {
            "No notification targets. Add one with: tapebackarr notify add NAME --on all --email ADDR …".into()
        } else {
            table(&["name", "kind", "events", "to", "last delivery"], rows)
        }
    });
    Ok(Exit::Ok)
}

/// Where a target's notices go, in a few words.
fn destination(kind: &str, s: &Value) -> String {
    let text = |k: &str| s[k].as_str().unwrap_or_default().to_string();
    match kind {
        "command" => {
            let args: Vec<&str> =
                s["args"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            std::iter::once(text("program").as_str()).chain(args).collect::<Vec<_>>().join(" ")
        }
        "email" => format!("{} via {}", text("to"), text("smtp_host")),
        _ => format!("{} ({})", text("url").split('?').next().unwrap_or_default(), text("format")),
    }
}
