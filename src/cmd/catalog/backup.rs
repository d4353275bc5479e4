//! `tapebackarr catalog backup`: the catalog itself to tape (`engine::catalog_backup::backup`),
//! and the report of it.

use anyhow::Result;
use clap::Args;
use serde_json::json;

use crate::cmd::Ctx;
use crate::engine::catalog_backup::{self, Request};
use crate::error::Exit;
use crate::output::bytes;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Write to a tape of this pool, chosen by the pool's allocation policy as backups choose
    #[arg(long, value_name = "POOL", conflicts_with = "tape")]
    pub pool: Option<String>,
    /// Write to this tape (in the drive, or fetched by the drive's library)
    #[arg(long, value_name = "LABEL")]
    pub tape: Option<String>,
    /// Encrypt with this key (AES-256-GCM, as set data); its passphrase is asked for
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
}

pub fn exec(ctx: &Ctx, args: BackupArgs) -> Result<Exit> {
    let req = Request { pool: args.pool, tape: args.tape, key: args.key, drive: ctx.named_drive() };
    let progress = |what: &str| ctx.progress_bytes(what);
    let outcome = catalog_backup::backup_with_progress(&ctx.env(), &req, &progress)?;
    ctx.out.done(&json!({"catalog_backup": outcome}), || {
        format!(
            "Backed up the catalog ({}, schema version {}) to tape '{}', file {} (block {}): {} on tape{}, BLAKE3 {}; \
             database_backups id {}",
            bytes(outcome.bytes as i64),
            outcome.schema_version,
            outcome.tape,
            outcome.file,
            outcome.block,
            bytes(outcome.compressed_bytes as i64),
            outcome.key.as_ref().map(|k| format!(", encrypted with key '{k}'")).unwrap_or_default(),
            outcome.checksum,
            outcome.id
        )
    });
    Ok(Exit::Ok)
}
