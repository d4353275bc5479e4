//! `tapebackarr catalog restore-db`: the newest catalog backup on the tape in the drive,
//! installed in the home (or written to a file) by `engine::catalog_backup::restore`; it works
//! with no catalog at all, so the drive can be named by its device.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use crate::cmd::Ctx;
use crate::engine::catalog_backup::{self, RestoreRequest};
use crate::error::Exit;

#[derive(Debug, Args)]
pub struct RestoreDbArgs {
    /// The drive's device (/dev/nst0, sg:/dev/sg3, vtape:DIR), for when there is no catalog
    /// to name drives; without it, the drive of the home's catalog (--drive)
    #[arg(long, value_name = "DEV")]
    pub device: Option<String>,
    /// The changer of the library the drive (--device) is in: every cartridge is read
    /// (headers only) and the newest catalog backup of them all restored
    #[arg(long, value_name = "DEV", requires = "device")]
    pub library_device: Option<String>,
    /// Only if the tape in the drive has this label
    #[arg(long, value_name = "LABEL")]
    pub tape: Option<String>,
    /// Write the database to FILE instead of installing it in the home (the home is not
    /// touched and nothing is reconciled)
    #[arg(long, value_name = "FILE")]
    pub to: Option<PathBuf>,
    /// Replace an existing catalog (kept as catalog.db.before-restore-TIME) or FILE
    #[arg(long)]
    pub force: bool,
    /// The exported key (tapebackarr key export) an encrypted catalog backup needs; its
    /// passphrase from TAPEBACKARR_PASSWORD_FILE, --password-file or the terminal
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

pub fn exec(ctx: &Ctx, args: RestoreDbArgs) -> Result<Exit> {
    let key = match &args.key_file {
        Some(path) => Some(crate::cmd::key::record_from_file(path)?),
        None => None,
    };
    let into_home = args.to.is_none();
    let req = RestoreRequest {
        device: args.device,
        drive: ctx.named_drive(),
        library_device: args.library_device,
        tape: args.tape,
        to: args.to,
        force: args.force,
        key,
    };
    let progress = |what: &str| ctx.progress_bytes(what);
    let r = catalog_backup::restore(&ctx.env(), &req, &progress)?;
    ctx.out.done(&json!({"restored": r}), || {
        let mut text = format!(
            "Restored the catalog backup of {} (schema version {}, {} bytes, BLAKE3 verified) from tape '{}', file {}, to {}",
            r.created_at,
            r.schema_version,
            r.bytes,
            r.tape,
            r.file,
            r.installed.display()
        );
        if let Some(p) = &r.previous {
            text.push_str(&format!("\nThe previous file is kept as {}", p.display()));
        }
        if into_home {
            text.push_str(&format!("\nReconciled tape '{}': {} set(s) written after the backup added", r.tape, r.sets_added));
            if !r.rebuild_also.is_empty() {
                text.push_str(&format!(
                    "\nThese tapes may hold sets written after the backup: load each and run `tapebackarr catalog rebuild`: {}",
                    r.rebuild_also.join(", ")
                ));
            }
        }
        for n in &r.notes {
            text.push_str(&format!("\nnote: {n}"));
        }
        text
    });
    Ok(Exit::Ok)
}
