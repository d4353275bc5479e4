//! `key create`: a random 256-bit key, stored only wrapped under a new passphrase.

use anyhow::Result;
use clap::Args as ClapArgs;
use serde_json::json;

use super::{add_key, doc, wrap_error};
use crate::catalog::Catalog;
use crate::catalog::keys::{self, KeyRecord};
use crate::cmd::Ctx;
use crate::error::{Exit, Failure};
use crate::pipeline::keywrap::{self, DataKey};
use crate::values::parse_name;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Key name (letters, digits, '.', '_', '-')
    #[arg(value_parser = parse_name)]
    pub name: String,
    /// Free text
    #[arg(long)]
    pub description: Option<String>,
}

pub(super) fn exec(ctx: &Ctx, catalog: &mut Catalog, args: Args) -> Result<Exit> {
    let Args { name, description } = args;
    if keys::find(catalog.conn(), &name)?.is_some() {
        return Err(Failure::already_exists("encryption key", &name).into());
    }
    let pass = ctx.passphrase(&format!("new key '{name}'"), true)?;
    let key = DataKey::generate().map_err(|e| wrap_error(e, &name))?;
    let wrapped = keywrap::wrap(&key, pass.bytes()).map_err(|e| wrap_error(e, &name))?;
    let record = KeyRecord {
        id: 0,
        name: name.clone(),
        algorithm: "aes-256-gcm".into(),
        key_data: serde_json::to_string(&wrapped)?,
        fingerprint: key.fingerprint(),
        description: description.filter(|d| !d.is_empty()),
        created_at: None,
        updated_at: None,
    };
    let created = add_key(catalog, &record, "key.create", json!({}))?;
    ctx.out.done(&json!({"key": doc(&created, &keys::Usage::default())?}), || {
        format!(
            "Created key '{name}', fingerprint {}.\nExport it (tapebackarr key export {name} FILE) and keep the passphrase safe: both are needed to read its tapes.",
            created.fingerprint
        )
    });
    Ok(Exit::Ok)
}
