//! `catalog ls`: a set's directory, like `ls`.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use serde_json::{Value, json};

use crate::catalog::entries::{self, Listed, Listing};
use crate::catalog::sets::{self};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::output::{or_dash, table};
use crate::pathjson;

use super::{mode_string, mtime_human, mtime_rfc3339, relative};

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Set number (from backup list or catalog find)
    set: i64,
    /// Directory (or entry) in the set, relative to the source's root [default: the root]
    path: Option<PathBuf>,
    /// Long listing: mode, kind, size, modification time, link target
    #[arg(short, long)]
    long: bool,
}

pub(super) fn ls(ctx: &Ctx, a: LsArgs) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let conn = catalog.conn();
    let set = sets::get(conn, a.set)?;
    if let Some(when) = &set.expired_at {
        ctx.out
            .note(|| format!("note: set {} expired on {when} UTC: its entries were removed from the catalog", set.id));
    }
    let dir = relative(a.path.as_deref().unwrap_or(Path::new("")));
    let shown = Path::new(std::ffi::OsStr::from_bytes(if dir.is_empty() { b"." } else { &dir })).to_path_buf();
    let (list, is_dir) = match entries::children(conn, set.id, &dir)? {
        Some(Listing::Dir(list)) => (list, true),
        Some(Listing::Entry(e)) => (vec![e], false),
        None => {
            return Err(Failure::new(
                Kind::NotFound,
                format!("set {} has no entry '{}' (and nothing below it)", set.id, pathjson::to_human(&shown)),
            )
            .into());
        }
    };
    if set.status != "completed" {
        ctx.out
            .note(|| format!("note: set {} is {}: a set's entries are recorded when it completes", set.id, set.status));
    }
    let docs: Vec<Value> = list
        .iter()
        .map(|e| {
            json!({
                "name": pathjson::to_json(&e.name),
                "path": pathjson::to_json(&e.path),
                "kind": e.kind,
                "size": e.size,
                "mode": e.mode,
                "mtime": e.mtime_ns.and_then(mtime_rfc3339),
                "mtime_ns": e.mtime_ns,
                "uid": e.uid,
                "gid": e.gid,
                "link_target": e.link_target.as_deref().map(pathjson::to_json),
                "in_set": e.in_set,
            })
        })
        .collect();
    let doc = json!({"set": set.id, "path": pathjson::to_json(&shown), "is_dir": is_dir, "entries": docs});
    ctx.out.data(&doc, || {
        if list.is_empty() {
            return if dir.is_empty() {
                format!("Set {} holds no entries.", set.id)
            } else {
                format!("Set {} holds nothing below '{}'.", set.id, pathjson::to_human(&shown))
            };
        }
        let name = |e: &Listed| pathjson::to_human(if is_dir { &e.name } else { &e.path });
        if !a.long {
            return table(&["name"], list.iter().map(|e| vec![name(e)]).collect());
        }
        table(
            &["mode", "kind", "size", "modified (utc)", "name", "target"],
            list.iter()
                .map(|e| {
                    vec![
                        e.mode.map(|m| mode_string(&e.kind, m)).unwrap_or_else(|| "-".into()),
                        e.kind.clone(),
                        or_dash(e.size),
                        or_dash(e.mtime_ns.and_then(mtime_human)),
                        name(e),
                        or_dash(e.link_target.as_deref().map(pathjson::to_human)),
                    ]
                })
                .collect(),
        )
    });
    Ok(Exit::Ok)
}
