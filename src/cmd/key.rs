//! `tapebackarr key …`: encryption keys. A key is made here, stored only wrapped under a
//! passphrase (argon2id + AES-256-GCM), exported as a wrapped file for safekeeping, and
//! never shown or logged in the clear.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Ctx, Secret};
use crate::catalog::audit;
use crate::catalog::keys::{self, KeyRecord};
use crate::error::{Exit, Failure, Kind};
use crate::output::{fields, or_dash, table, when};
use crate::pipeline::keywrap::{self, DataKey, WrapError, WrappedKey};
use crate::values::parse_name;

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
    Create {
        /// Key name (letters, digits, '.', '_', '-')
        #[arg(value_parser = parse_name)]
        name: String,
        /// Free text
        #[arg(long)]
        description: Option<String>,
    },
    /// List keys (names and fingerprints only)
    #[command(after_help = "Example:\n  tapebackarr key list --json")]
    List,
    /// Show one key's metadata (never the key)
    #[command(after_help = "Example:\n  tapebackarr key show offsite")]
    Show {
        /// Key name
        name: String,
    },
    /// Write the wrapped key to a file (mode 0600) for safekeeping
    #[command(after_help = "The file holds the key wrapped under its passphrase, never the key in the clear.

Example:\n  tapebackarr key export offsite /media/usb/offsite.tbkey")]
    Export {
        /// Key name
        name: String,
        /// Where to write it
        file: PathBuf,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Add a key from an exported file (its passphrase proves it)
    #[command(after_help = format!("{PASSPHRASE_HELP}

Example:\n  tapebackarr key import /media/usb/offsite.tbkey"))]
    Import {
        /// An exported key file
        file: PathBuf,
        /// Name it this instead of its exported name
        #[arg(long, value_parser = parse_name)]
        name: Option<String>,
    },
    /// Change a key's passphrase (the key itself stays the same)
    #[command(after_help = "The current passphrase comes as for every command; the new one from
--new-password-file FILE, else it is asked twice on the terminal.

Example:\n  tapebackarr key passwd offsite --new-password-file /root/.tb-pass-2026")]
    Passwd {
        /// Key name
        name: String,
        /// Read the new passphrase from this file's first line
        #[arg(long, value_name = "FILE")]
        new_password_file: Option<PathBuf>,
    },
    /// Delete a key no backup set or job uses (asks first)
    #[command(after_help = "Example:\n  tapebackarr key delete test-key --yes")]
    Delete {
        /// Key name
        name: String,
    },
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
    catalog: &mut crate::catalog::Catalog,
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

pub fn exec(ctx: &Ctx, cmd: Command) -> Result<Exit> {
    let mut catalog = ctx.catalog()?;
    match cmd {
        Command::Create { name, description } => {
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
            let created = add_key(&mut catalog, &record, "key.create", json!({}))?;
            ctx.out.done(&json!({"key": doc(&created, &keys::Usage::default())?}), || {
                format!(
                    "Created key '{name}', fingerprint {}.\nExport it (tapebackarr key export {name} FILE) and keep the passphrase safe: both are needed to read its tapes.",
                    created.fingerprint
                )
            });
        }
        Command::List => {
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
        }
        Command::Show { name } => {
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
                    (
                        "wrapped with",
                        format!("{} ({} MiB, {} passes) + AES-256-GCM", w.kdf, w.memory_kib / 1024, w.passes),
                    ),
                    ("backup sets", usage.backup_sets.to_string()),
                    ("jobs", usage.jobs.to_string()),
                    ("description", or_dash(k.description.as_deref())),
                    ("created", when(&k.created_at)),
                    ("updated", when(&k.updated_at)),
                ])
            });
        }
        Command::Export { name, file, force } => {
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
            ctx.out.done(
                &json!({"key": name, "fingerprint": k.fingerprint, "file": crate::pathjson::to_json(&file)}),
                || format!("Exported key '{name}' (wrapped) to {}", file.display()),
            );
        }
        Command::Import { file, name } => {
            let text = std::fs::read_to_string(&file)
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
            let record = KeyRecord {
                id: 0,
                name: name.clone(),
                algorithm: body.algorithm,
                key_data: serde_json::to_string(&body.wrapped)?,
                fingerprint: body.fingerprint,
                description: body.description,
                created_at: None,
                updated_at: None,
            };
            let imported =
                add_key(&mut catalog, &record, "key.import", json!({"file": crate::pathjson::to_json(&file)}))?;
            ctx.out.done(&json!({"key": doc(&imported, &keys::Usage::default())?}), || {
                format!("Imported key '{name}', fingerprint {}", imported.fingerprint)
            });
        }
        Command::Passwd { name, new_password_file } => {
            let k = keys::get(catalog.conn(), &name)?;
            let from_file =
                ctx.global.password_file.is_some() || std::env::var_os("TAPEBACKARR_PASSWORD_FILE").is_some();
            if new_password_file.is_none() && from_file {
                return Err(Failure::usage(
                    "the current passphrase comes from a file: give the new one with --new-password-file FILE",
                )
                .into());
            }
            let old = ctx.passphrase(&format!("current, key '{name}'"), false)?;
            let key = keywrap::unwrap(&parse_wrapped(&k)?, old.bytes()).map_err(|e| wrap_error(e, &name))?;
            let new: Secret = match &new_password_file {
                Some(path) => super::read_secret_file(path, &format!("new, key '{name}'"))?,
                None => super::prompt_secret(&format!("new, key '{name}'"), true)?,
            };
            let wrapped = keywrap::wrap(&key, new.bytes()).map_err(|e| wrap_error(e, &name))?;
            let tx = catalog.write()?;
            keys::rewrap(&tx, k.id, &serde_json::to_string(&wrapped)?)?;
            audit::record(&tx, "key.passwd", "key", Some(k.id), json!({"name": name, "fingerprint": k.fingerprint}))?;
            tx.commit()?;
            ctx.out.done(&json!({"key": name, "fingerprint": k.fingerprint}), || {
                format!(
                    "Changed the passphrase of key '{name}'. Export it again: older exports keep the old passphrase."
                )
            });
        }
        Command::Delete { name } => {
            let k = keys::get(catalog.conn(), &name)?;
            let usage = keys::usage(catalog.conn(), k.id)?;
            if usage.backup_sets + usage.jobs > 0 {
                return Err(Failure::in_use(format!(
                    "key '{name}' is used by {} backup set(s) and {} job(s): its sets could not be read without it",
                    usage.backup_sets, usage.jobs
                ))
                .into());
            }
            if !ctx.confirm(&format!(
                "Delete key '{name}' (fingerprint {})? Tapes written with it need an exported copy.",
                k.fingerprint
            ))? {
                return Err(Failure::new(Kind::InvalidState, "not confirmed: the key is kept").into());
            }
            let tx = catalog.write()?;
            keys::delete(&tx, k.id)?;
            audit::record(&tx, "key.delete", "key", Some(k.id), json!({"name": name, "fingerprint": k.fingerprint}))?;
            tx.commit()?;
            ctx.out.done(&json!({"deleted": {"name": name, "fingerprint": k.fingerprint}}), || {
                format!("Deleted key '{name}'")
            });
        }
    }
    Ok(Exit::Ok)
}
