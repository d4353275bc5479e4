//! `key passwd`: the same key wrapped again under a new passphrase (older exports keep the
//! old one).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{parse_wrapped, wrap_error};
use crate::catalog::keys;
use crate::catalog::{Catalog, audit};
use crate::cmd::{Ctx, Secret, prompt_secret, read_secret_file};
use crate::error::{Exit, Failure};
use crate::pipeline::keywrap;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Key name
    pub name: String,
    /// Read the new passphrase from this file's first line
    #[arg(long, value_name = "FILE")]
    pub new_password_file: Option<PathBuf>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name, new_password_file } = args;
    let k = keys::get(catalog.conn(), &name)?;
    let from_file = ctx.global.password_file.is_some() || std::env::var_os("TAPEBACKARR_PASSWORD_FILE").is_some();
    if new_password_file.is_none() && from_file {
        return Err(Failure::usage(
            "the current passphrase comes from a file: give the new one with --new-password-file FILE",
        )
        .into());
    }
    let old = ctx.passphrase(&format!("current, key '{name}'"), false)?;
    let key = keywrap::unwrap(&parse_wrapped(&k)?, old.bytes()).map_err(|e| wrap_error(e, &name))?;
    let new: Secret = match &new_password_file {
        Some(path) => read_secret_file(path, &format!("new, key '{name}'"))?,
        None => prompt_secret(&format!("new, key '{name}'"), true)?,
    };
    let wrapped = keywrap::wrap(&key, new.bytes()).map_err(|e| wrap_error(e, &name))?;
    let tx = catalog.write()?;
    keys::rewrap(&tx, k.id, &serde_json::to_string(&wrapped)?)?;
    audit::record(&tx, "key.passwd", "key", Some(k.id), json!({"name": name, "fingerprint": k.fingerprint}))?;
    tx.commit()?;
    ctx.out.done(&json!({"key": name, "fingerprint": k.fingerprint}), || {
        format!("Changed the passphrase of key '{name}'. Export it again: older exports keep the old passphrase.")
    });
    Ok(Exit::Ok)
}
