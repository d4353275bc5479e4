//! `catalog stats`: what the catalog holds, and how big it is.

use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};

use crate::catalog::sets::{self};
use crate::cmd::Ctx;
use crate::error::Exit;
use crate::output::{fields, table};
use crate::pathjson;

pub(super) fn stats(ctx: &Ctx) -> Result<Exit> {
    let catalog = ctx.catalog()?;
    let s = sets::stats(catalog.conn())?;
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let file_bytes = size(catalog.path());
    let mut wal = catalog.path().as_os_str().to_owned();
    wal.push("-wal");
    let wal_bytes = size(Path::new(&wal));
    let counts = |pairs: &[(String, i64)]| -> Value {
        pairs.iter().map(|(k, n)| (k.clone(), json!(n))).collect::<serde_json::Map<_, _>>().into()
    };
    let listed = |pairs: &[(String, i64)]| -> String {
        if pairs.is_empty() {
            return "0".into();
        }
        let total: i64 = pairs.iter().map(|(_, n)| n).sum();
        let each: Vec<String> = pairs.iter().map(|(k, n)| format!("{n} {k}")).collect();
        format!("{total} ({})", each.join(", "))
    };
    let doc = json!({"stats": {
        "sets": counts(&s.sets_by_status),
        "entries": s.entries,
        "distinct_paths": s.distinct_paths,
        "tapes": counts(&s.tapes_by_status),
        "pools": s.pools,
        "catalog": {"path": pathjson::to_json(catalog.path()), "bytes": file_bytes, "wal_bytes": wal_bytes},
        "search_index": {"present": s.fts_present, "triggers": s.fts_triggers, "entries": s.fts_rows},
    }});
    ctx.out.data(&doc, || {
        let index = match (s.fts_present, s.fts_triggers, s.fts_rows) {
            (false, _, _) => "missing: find reads every entry".to_string(),
            (true, triggers, rows) => {
                let rows = rows.unwrap_or(0);
                let mut text = if rows == s.entries {
                    format!("trigram (catalog_entries_fts), all {rows} entries")
                } else {
                    format!(
                        "trigram (catalog_entries_fts), {rows} of {} entries: rebuild it with \
                         INSERT INTO catalog_entries_fts(catalog_entries_fts) VALUES('rebuild')",
                        s.entries
                    )
                };
                if !triggers {
                    text.push_str("; its triggers are missing, so new entries are not indexed");
                }
                text
            }
        };
        let mut text = fields(&[
            ("sets", listed(&s.sets_by_status)),
            ("entries", s.entries.to_string()),
            ("distinct paths", s.distinct_paths.to_string()),
            ("tapes", listed(&s.tapes_by_status)),
            (
                "catalog",
                format!(
                    "{} ({} + {} WAL)",
                    pathjson::to_human(catalog.path()),
                    crate::output::bytes(file_bytes as i64),
                    crate::output::bytes(wal_bytes as i64)
                ),
            ),
            ("search index", index),
        ]);
        if !s.pools.is_empty() {
            text.push_str("\n\n");
            text.push_str(&table(
                &["pool", "tapes", "sets", "backed up", "on tape", "capacity"],
                s.pools
                    .iter()
                    .map(|p| {
                        vec![
                            p.pool.clone(),
                            p.tapes.to_string(),
                            p.sets.to_string(),
                            crate::output::bytes(p.backup_bytes),
                            crate::output::bytes(p.used_bytes),
                            crate::output::bytes(p.capacity_bytes),
                        ]
                    })
                    .collect(),
            ));
        }
        text
    });
    Ok(Exit::Ok)
}
