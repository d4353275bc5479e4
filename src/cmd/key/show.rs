//! `key show`: one key's metadata and how it is wrapped (never the key).

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{doc, parse_wrapped};
use crate::catalog::Catalog;
use crate::catalog::keys;
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::{fields, or_dash, when};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Key name
    pub name: String,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name } = args;
    let conn = catalog.conn();
    let k = keys::get(conn, &name)?;
    let usage = keys::usage(conn, k.id)?;
    let w = parse_wrapped(&k)?;
    let mut d = doc(&k, &usage)?;
    d["kdf"] = json!({"algorithm": w.kdf, "memory_kib": w.memory_kib, "passes": w.passes, "lanes": w.lanes});
    ctx.out.data(&json!({"key": d}), || {
        fields(&[
            ("name", k.name.clone()),
            ("fingerprint", k.fingerprint.clone()),
            ("algorithm", k.algorithm.clone()),
            ("wrapped with", format!("{} ({} MiB, {} passes) + AES-256-GCM", w.kdf, w.memory_kib / 1024, w.passes)),
            ("backup sets", usage.backup_sets.to_string()),
            ("jobs", usage.jobs.to_string()),
            ("description", or_dash(k.description.as_deref())),
            ("created", when(&k.created_at)),
            ("updated", when(&k.updated_at)),
        ])
    });
    Ok(Exit::Ok)
}
