//! `tapebackarr key …`: encryption keys. A key is made here, stored only wrapped under a
//! passphrase (argon2id + AES-256-GCM), exported as a wrapped file for safekeeping, and
//! never shown or logged in the clear. One file per verb; what several share is here (the
//! key file, wrapping errors, and `unlock`, which backup and restore call).

mod create;
mod delete;
mod export;
mod import;
mod list;
mod passwd;
mod show;

use anyhow::{Context, Result};
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Ctx;
use crate::catalog::keys::{self, KeyRecord};
use crate::catalog::{Catalog, audit};
use crate::error::{Exit, Failure, Kind};
use crate::pipeline::keywrap::{self, WrapError, WrappedKey};

const PASSPHRASE_HELP: &str = "The passphrase comes from --password-file FILE or TAPEBACKARR_PASSWORD_FILE (the file's
first line), else it is asked on the terminal. It is never taken from the command line.";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a random 256-bit key, wrapped under a passphrase
    #[command(after_help = format!("{PASSPHRASE_HELP}

Export the key (key export) and keep the passphrase: without both, encrypted tapes cannot be
read, by TapeBackarr or anyone else.

Examples:
  tapebackarr key create offsite --description 'tapes that leave the building'
  TAPEBACKARR_PASSWORD_FILE=/root/.tb-pass tapebackarr key create offsite"))]
    Create(create::Args),
    /// List keys (names and fingerprints only)
    #[command(after_help = "Example:\n  tapebackarr key list --json")]
    List,
    /// Show one key's metadata (never the key)
    #[command(after_help = "Example:\n  tapebackarr key show offsite")]
    Show(show::Args),
    /// Write the wrapped key to a file (mode 0600) for safekeeping
    #[command(after_help = "The file holds the key wrapped under its passphrase, never the key in the clear.

Example:\n  tapebackarr key export offsite /media/usb/offsite.tbkey")]
    Export(export::Args),
    /// Add a key from an exported file (its passphrase proves it)
    #[command(after_help = format!("{PASSPHRASE_HELP}

Example:\n  tapebackarr key import /media/usb/offsite.tbkey"))]
    Import(import::Args),
    /// Change a key's passphrase (the key itself stays the same)
    #[command(after_help = "The current passphrase comes as for every command; the new one from
--new-password-file FILE, else it is asked twice on the terminal.

Example:\n  tapebackarr key passwd offsite --new-password-file /root/.tb-pass-2026")]
    Passwd(passwd::Args),
    /// Delete a key no backup set or job uses (asks first)
    #[command(after_help = "Example:\n  tapebackarr key delete test-key --yes")]
    Delete(delete::Args),
}

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Create(args) => create::exec(ctx, &mut catalog, args),
        Command::List => list::exec(ctx, &mut catalog),
        Command::Show(args) => show::exec(ctx, &mut catalog, args),
        Command::Export(args) => export::exec(ctx, &mut catalog, args),
        Command::Import(args) => import::exec(ctx, &mut catalog, args),
        Command::Passwd(args) => passwd::exec(ctx, &mut catalog, args),
        Command::Delete(args) => delete::exec(ctx, &mut catalog, args),
    }
}

/// An exported key file: self-describing JSON, the key inside only wrapped.
#[derive(Debug, Serialize, Deserialize)]
struct KeyFile {
    format: String,
    version: u32,
    name: String,
    algorithm: String,
    fingerprint: String,
    description: Option<String>,
    wrapped: WrappedKey,
}

const KEY_FILE_FORMAT: &str = "tapebackarr-key";

/// An exported key file, checked to be one this version reads.
fn read_key_file(file: &std::path::Path) -> Result<KeyFile> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::new(Kind::BadPath, format!("cannot read {}: {e}", file.display())))?;
    let body: KeyFile = serde_json::from_str(&text)
        .ok()
        .filter(|b: &KeyFile| b.format == KEY_FILE_FORMAT)
        .ok_or_else(|| Failure::usage(format!("{} is not an exported TapeBackarr key", file.display())))?;
    if body.version != 1 {
        return Err(Failure::usage(format!(
            "{}: key file version {} is newer than this tapebackarr",
            file.display(),
            body.version
        ))
        .into());
    }
    Ok(body)
}

/// The key an exported file holds, as a catalog row would (still wrapped): for using it with
/// no catalog (`catalog restore-db --key-file`).
pub fn record_from_file(file: &std::path::Path) -> Result<KeyRecord> {
    let body = read_key_file(file)?;
    let name = body.name.clone();
    record_of(body, name)
}

/// The catalog row (not yet inserted) of an exported key, named `name`.
fn record_of(body: KeyFile, name: String) -> Result<KeyRecord> {
    Ok(KeyRecord {
        id: 0,
        name,
        algorithm: body.algorithm,
        key_data: serde_json::to_string(&body.wrapped)?,
        fingerprint: body.fingerprint,
        description: body.description,
        created_at: None,
        updated_at: None,
    })
}

fn wrap_error(e: WrapError, name: &str) -> anyhow::Error {
    match e {
        WrapError::WrongPassphrase => {
            Failure::new(Kind::WrongPassphrase, format!("wrong passphrase for key '{name}' (or a damaged key)")).into()
        }
        WrapError::WeakPassphrase => {
            Failure::usage(format!("the passphrase is too short: at least {} characters", keywrap::MIN_PASSPHRASE_LEN))
                .into()
        }
        other => anyhow::Error::new(other),
    }
}

/// Inserts a key and its audit row (name and fingerprint, plus `details`) in one transaction.
fn add_key(
    catalog: &mut Catalog,
    record: &KeyRecord,
    action: &str,
    mut details: serde_json::Value,
) -> Result<KeyRecord> {
    let tx = catalog.write()?;
    let id = keys::insert(&tx, record)?;
    details["name"] = json!(record.name);
    details["fingerprint"] = json!(record.fingerprint);
    audit::record(&tx, action, "key", Some(id), details)?;
    let added = keys::get(&tx, &record.name)?;
    tx.commit()?;
    Ok(added)
}

/// Opens a key for use: asks for its passphrase (file, environment or terminal) and
/// unwraps it. A wrong passphrase is `wrong_passphrase` (exit 1); `consequence` tells the
/// user what that meant ("nothing was written").
pub fn unlock(ctx: &Ctx, k: &KeyRecord, consequence: &str) -> Result<keywrap::DataKey> {
    let wrapped = parse_wrapped(k)?;
    let pass = ctx.passphrase(&format!("key '{}'", k.name), false)?;
    keywrap::unwrap(&wrapped, pass.bytes()).map_err(|e| match e {
        WrapError::WrongPassphrase => Failure::new(
            Kind::WrongPassphrase,
            format!("wrong passphrase for key '{}' (or a damaged key): {consequence}", k.name),
        )
        .into(),
        other => anyhow::Error::new(other),
    })
}

fn parse_wrapped(k: &KeyRecord) -> Result<WrappedKey> {
    serde_json::from_str(&k.key_data).with_context(|| format!("key '{}' is damaged in the catalog", k.name))
}

fn doc(k: &KeyRecord, usage: &keys::Usage) -> Result<serde_json::Value> {
    let mut d = serde_json::to_value(k)?;
    d["backup_sets"] = json!(usage.backup_sets);
    d["jobs"] = json!(usage.jobs);
    Ok(d)
}
