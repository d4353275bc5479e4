//! `key list`: the catalog's keys, names and fingerprints only, with what uses each.

use anyhow::Result;
use serde_json::json;

use super::doc;
use crate::catalog::Catalog;
use crate::catalog::keys;
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::{or_dash, table};

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog) -> Result<Exit> {
    let conn = catalog.conn();
    let mut docs = Vec::new();
    let mut rows = Vec::new();
    for k in keys::list(conn)? {
        let usage = keys::usage(conn, k.id)?;
        rows.push(vec![
            k.name.clone(),
            k.fingerprint.chars().take(16).collect(),
            k.algorithm.clone(),
            usage.backup_sets.to_string(),
            usage.jobs.to_string(),
            or_dash(k.description.as_deref()),
        ]);
        docs.push(doc(&k, &usage)?);
    }
    ctx.out.data(&json!({"keys": docs}), || {
        if rows.is_empty() {
            "No keys. Create one with: tapebackarr key create NAME".into()
        } else {
            table(&["name", "fingerprint", "algorithm", "sets", "jobs", "description"], rows)
        }
    });
    Ok(Exit::Ok)
}
