//! `key import`: a key from an exported file, added once its passphrase opens it and it
//! matches the fingerprint the file names.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{add_key, doc, read_key_file, record_of, wrap_error};
use crate::catalog::Catalog;
use crate::catalog::keys;
use crate::cmd::Ctx;
use crate::error::{Exit, Failure, Kind};
use crate::pipeline::keywrap;
use crate::values::parse_name;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// An exported key file
    pub file: PathBuf,
    /// Name it this instead of its exported name
    #[arg(long, value_parser = parse_name)]
    pub name: Option<String>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { file, name } = args;
    let body = read_key_file(&file)?;
    let name = name.unwrap_or(body.name.clone());
    parse_name(&name).map_err(Failure::usage)?;
    let conn = catalog.conn();
    if keys::find(conn, &name)?.is_some() {
        return Err(Failure::already_exists("encryption key", &name).into());
    }
    if let Some(other) = keys::by_fingerprint(conn, &body.fingerprint)? {
        return Err(Failure::new(
            Kind::AlreadyExists,
            format!("this key is already in the catalog as '{}'", other.name),
        )
        .into());
    }
    // The passphrase must open it, and what it opens must be the key the file names.
    let pass = ctx.passphrase(&format!("key '{}' in {}", body.name, file.display()), false)?;
    let key = keywrap::unwrap(&body.wrapped, pass.bytes()).map_err(|e| wrap_error(e, &body.name))?;
    if key.fingerprint() != body.fingerprint {
        return Err(Failure::usage(format!(
            "{}: the key does not match its fingerprint (damaged file)",
            file.display()
        ))
        .into());
    }
    let record = record_of(body, name.clone())?;
    let imported = add_key(catalog, &record, "key.import", json!({"file": crate::pathjson::to_json(&file)}))?;
    ctx.out.done(&json!({"key": doc(&imported, &keys::Usage::default())?}), || {
        format!("Imported key '{name}', fingerprint {}", imported.fingerprint)
    });
    Ok(Exit::Ok)
}
