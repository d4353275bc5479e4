//! `key export`: the wrapped key written to a file (mode 0600) for safekeeping; audited, as a
//! key leaving the catalog is a security event.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{KEY_FILE_FORMAT, KeyFile, parse_wrapped};
use crate::catalog::keys;
use crate::catalog::{Catalog, audit};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Key name
    pub name: String,
    /// Where to write it
    pub file: PathBuf,
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name, file, force } = args;
    let k = keys::get(catalog.conn(), &name)?;
    let body = KeyFile {
        format: KEY_FILE_FORMAT.into(),
        version: 1,
        name: k.name.clone(),
        algorithm: k.algorithm.clone(),
        fingerprint: k.fingerprint.clone(),
        description: k.description.clone(),
        wrapped: parse_wrapped(&k)?,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).mode(0o600);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut f = options.open(&file).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
            "exists (pass --force to overwrite it)".to_string()
        } else {
            e.to_string()
        };
        Failure::new(Kind::BadPath, format!("cannot write {}: {why}", file.display()))
    })?;
    f.write_all(serde_json::to_string_pretty(&body)?.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()?;
    // A key leaving the catalog is a security event, so it is audited like a change.
    let tx = catalog.write()?;
    audit::record(
        &tx,
        "key.export",
        "key",
        Some(k.id),
        json!({"name": name, "fingerprint": k.fingerprint, "file": crate::pathjson::to_json(&file)}),
    )?;
    tx.commit()?;
    ctx.out.done(&json!({"key": name, "fingerprint": k.fingerprint, "file": crate::pathjson::to_json(&file)}), || {
        format!("Exported key '{name}' (wrapped) to {}", file.display())
    });
    Ok(Exit::Ok)
}
