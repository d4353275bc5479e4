//! `catalog restore-db`'s half: finding the newest catalog backup on a tape (or on every
//! cartridge of a library) by its headers, checking it, installing it with no catalog at all,
//! and reconciling what the tapes hold since.

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::json;

use crate::catalog::db_backups::{self, NewDbBackup};
use crate::catalog::drives::{self, Drive};
use crate::catalog::keys::KeyRecord;
use crate::catalog::tapes::{self, TapeStatus};
use crate::catalog::{Catalog, SCHEMA_VERSION, audit};
use crate::engine::{Env, device_error, library, pick_drive, rebuild};
use crate::error::{Failure, Kind};
use crate::format::catalog_file::CatalogTrailer;
use crate::format::frame::FrameDecoder;
use crate::format::label::{self, TapeContents, TapeLabel};
use crate::format::scan::{Scanned, Scanner};
use crate::pipeline::keywrap::DataKey;
use crate::tape::{DeviceSpec, ReadOutcome, TapeDevice};

/// Where `catalog restore-db` reads and what it installs.
#[derive(Debug, Clone, Default)]
pub struct RestoreRequest {
    /// The drive's device, for when there is no catalog to name drives.
    pub device: Option<String>,
    /// A drive of the home's catalog (when there is one and no `device`).
    pub drive: Option<String>,
    /// The changer of the library the drive (`device`) sits in: every cartridge is looked at
    /// and the one holding the newest catalog backup is used.
    pub library_device: Option<String>,
    /// The tape in the drive must have this label.
    pub tape: Option<String>,
    /// Write the database here instead of installing it in the home.
    pub to: Option<PathBuf>,
    /// Replace an existing catalog (kept as `catalog.db.before-restore-<time>`) or `to` file.
    pub force: bool,
    /// The key an encrypted backup needs, from an exported key file (`key export`); its
    /// passphrase comes through the operator.
    pub key: Option<KeyRecord>,
}

/// What `catalog restore-db` did.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub tape: String,
    pub tape_uuid: String,
    pub backup_uuid: String,
    pub file: u64,
    pub block: u64,
    pub created_at: String,
    pub bytes: u64,
    pub checksum: String,
    pub schema_version: u32,
    pub encrypted: bool,
    /// Where the database went (`{"text"}` or `{"bytes"}` in JSON, as every path).
    #[serde(serialize_with = "crate::pathjson::serialize")]
    pub installed: PathBuf,
    /// The catalog it replaced, kept.
    #[serde(serialize_with = "optional_path")]
    pub previous: Option<PathBuf>,
    /// Catalog backups found on the tape (complete ones), newest last.
    pub found: usize,
    /// Sets the reconciliation added from the tape in the drive.
    pub sets_added: usize,
    /// Tapes that may hold sets the restored catalog lacks: rebuild them (`catalog rebuild`).
    pub rebuild_also: Vec<String>,
    pub notes: Vec<String>,
    pub seconds: f64,
}

fn optional_path<S: serde::Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(p) => crate::pathjson::serialize(p, s),
        None => s.serialize_none(),
    }
}

/// Installs the newest catalog backup on the tape in the drive: read by its header and
/// trailer (data files of sets are spaced over, never read), checked against its BLAKE3, then
/// written to `to` or installed as the home's catalog; then the tape's sets are reconciled
/// from their indexes, as `catalog rebuild` does.
pub fn restore(env: &Env, req: &RestoreRequest, progress: &dyn Fn(&str) -> indicatif::ProgressBar) -> Result<Restored> {
    let started = std::time::Instant::now();
    let home_catalog = Catalog::path_in(env.home);
    let destination = req.to.clone().unwrap_or_else(|| home_catalog.clone());
    // Refused before the tape winds.
    if destination.exists() && !req.force {
        let what = if req.to.is_some() { "file" } else { "catalog" };
        return Err(Failure::new(
            Kind::AlreadyExists,
            format!("{what} {} exists: pass --force to replace it (nothing was changed)", destination.display()),
        )
        .into());
    }
    let drive = match &req.device {
        Some(device) => Drive::new("restore-db", device),
        None if home_catalog.is_file() => pick_drive(Catalog::open(env.home)?.conn(), req.drive.as_deref())?,
        None => {
            return Err(Failure::usage(format!(
                "no catalog at {}: name the drive's device with --device (e.g. --device /dev/nst0)",
                home_catalog.display()
            ))
            .into());
        }
    };
    let _lock = env.lock_drive(&drive, "catalog restore-db")?;
    let library_labels = match &req.library_device {
        Some(changer) => Some(load_newest_from_library(env, &drive, changer, progress)?),
        None => None,
    };
    let spec = DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let mut dev = crate::tape::open(&spec).map_err(|e| device_error(e, &drive))?;
    let dev_err = |e| device_error(e, &drive);
    if !dev.status().map_err(dev_err)?.loaded {
        return Err(device_error(crate::tape::TapeError::NoTape, &drive));
    }
    let label = match label::read_label(dev.as_mut()).map_err(dev_err)? {
        TapeContents::Labeled(l) => l,
        _ => {
            return Err(Failure::new(
                Kind::WrongTape,
                format!("the tape in drive '{}' is not a TapeBackarr tape", drive.name),
            )
            .into());
        }
    };
    if let Some(want) = &req.tape
        && *want != label.label
    {
        return Err(Failure::new(
            Kind::WrongTape,
            format!("drive '{}' holds tape '{}', not '{want}'", drive.name, label.label),
        )
        .into());
    }

    // Headers and trailers only.
    let mut found = Vec::new();
    let mut notes = Vec::new();
    {
        let bar = progress(&format!("looking for catalog backups on tape '{}'", label.label));
        let mut scanner = Scanner::new(dev.as_mut());
        while let Some(item) = scanner.next() {
            bar.set_position(scanner.bytes_read());
            if let Scanned::CatalogBackup(c) = item.map_err(dev_err)? {
                match c.trailer {
                    Ok(t) => found.push((t, c.end_block)),
                    Err(why) => {
                        notes.push(format!("the catalog backup in tape file {} is unusable: {why}", c.data_file))
                    }
                }
            }
        }
        bar.finish_and_clear();
    }
    // The newest by its time; two of the same second, the later on tape.
    let newest = found
        .iter()
        .max_by(|(a, _), (b, _)| a.header.created_at.cmp(&b.header.created_at).then(a.data_file.cmp(&b.data_file)))
        .cloned();
    let Some((newest, end_block)) = newest else {
        return Err(Failure::new(
            Kind::NotFound,
            format!("tape '{}' holds no complete catalog backup (tapebackarr catalog backup writes one); nothing was changed", label.label),
        )
        .into());
    };

    let key = match &newest.header.encryption {
        None => None,
        Some(enc) => {
            let Some(record) = &req.key else {
                return Err(Failure::usage(format!(
                    "the catalog backup is encrypted with key {}: pass the exported key with --key-file (its passphrase \
                     from TAPEBACKARR_PASSWORD_FILE or the terminal)",
                    enc.key_fingerprint
                ))
                .into());
            };
            if record.fingerprint != enc.key_fingerprint {
                return Err(Failure::usage(format!(
                    "the key file holds key {} ('{}'), the catalog backup needs key {}",
                    record.fingerprint, record.name, enc.key_fingerprint
                ))
                .into());
            }
            Some(env.operator.unlock_key(record, "nothing was changed")?)
        }
    };

    // Read, decoded and checked into a new file next to the destination, then renamed there.
    let dir = destination.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if req.to.is_none() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let staging = tempfile::Builder::new()
        .prefix(".restore-db-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    {
        let bar = progress("reading the catalog backup");
        bar.set_length(newest.header.size);
        read_backup(dev.as_mut(), &drive, &newest, key.as_ref(), staging.as_file(), &bar)?;
        bar.finish_and_clear();
    }
    let schema_version = db_backups::file_schema_version(staging.path())?;
    if schema_version > SCHEMA_VERSION {
        return Err(Failure::new(
            Kind::CatalogTooNew,
            format!("the catalog backup has schema version {schema_version}, this tapebackarr knows up to {SCHEMA_VERSION}: upgrade tapebackarr (nothing was changed)"),
        )
        .into());
    }

    let mut previous = None;
    if destination.exists() {
        let kept = PathBuf::from(format!(
            "{}.before-restore-{}",
            destination.display(),
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ));
        fs::rename(&destination, &kept).with_context(|| format!("cannot move {} aside", destination.display()))?;
        // The old catalog's WAL belongs to it, never to the restored file.
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", destination.display()));
            if side.exists() {
                fs::rename(&side, format!("{}{suffix}", kept.display()))?;
            }
        }
        previous = Some(kept);
    }
    staging.persist(&destination).with_context(|| format!("cannot install {}", destination.display()))?;

    let mut restored = Restored {
        tape: label.label.clone(),
        tape_uuid: label.uuid.clone(),
        backup_uuid: newest.header.backup_uuid.to_string(),
        file: newest.data_file,
        block: newest.first_block,
        created_at: newest.header.created_at.clone(),
        bytes: newest.header.size,
        checksum: newest.header.blake3.clone(),
        schema_version,
        encrypted: newest.header.encryption.is_some(),
        installed: destination.clone(),
        previous,
        found: found.len(),
        sets_added: 0,
        rebuild_also: Vec::new(),
        notes,
        seconds: 0.0,
    };
    if req.to.is_none() {
        reconcile(env, dev.as_mut(), &drive, &label, (&newest, end_block), &mut restored, progress)?;
        if let Some(labels) = library_labels {
            // Every cartridge of the library may hold sets the backup predates.
            restored.rebuild_also.extend(labels.into_iter().filter(|l| *l != label.label));
            restored.rebuild_also.sort();
            restored.rebuild_also.dedup();
        }
    }
    restored.seconds = started.elapsed().as_secs_f64();
    Ok(restored)
}

/// Reads the backup's frames (LOCATE to the first), checks each against the trailer and the
/// whole against the header's BLAKE3, and writes the database to `out`.
fn read_backup(
    dev: &mut dyn TapeDevice,
    drive: &Drive,
    trailer: &CatalogTrailer,
    key: Option<&DataKey>,
    mut out: &File,
    bar: &indicatif::ProgressBar,
) -> Result<()> {
    let dev_err = |e| device_error(e, drive);
    let header = &trailer.header;
    let damaged = |why: String| -> anyhow::Error {
        Failure::new(Kind::Device, format!("the catalog backup in tape file {} is damaged: {why}", trailer.data_file))
            .into()
    };
    let mut decoder = FrameDecoder::new(header.framing()?, key.map(|k| k.bytes()), &header.backup_uuid)?;
    let mut hasher = blake3::Hasher::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; (header.block_size as usize).max(64 << 10) * 2];
    let mut decoded = Vec::new();
    dev.locate(trailer.first_block + 1).map_err(dev_err)?;
    for frame in &trailer.frames {
        let mut encoded = Vec::with_capacity(frame.encoded_len as usize);
        while (encoded.len() as u64) < frame.encoded_len {
            match dev.read_block(&mut buf).map_err(dev_err)? {
                ReadOutcome::Block(n) => encoded.extend_from_slice(&buf[..n]),
                _ => return Err(damaged(format!("frame {} ends early", frame.seq))),
            }
        }
        frame.verify(&encoded).map_err(|e| damaged(e.to_string()))?;
        decoded.clear();
        decoder.decode(frame.seq, &encoded, &mut decoded).map_err(|e| damaged(e.to_string()))?;
        hasher.update(&decoded);
        size += decoded.len() as u64;
        out.write_all(&decoded)?;
        bar.set_position(size);
    }
    out.sync_all()?;
    let hash = hasher.finalize().to_hex().to_string();
    if size != header.size || hash != header.blake3 {
        return Err(damaged(format!(
            "{size} bytes with BLAKE3 {hash}, the header says {} bytes with BLAKE3 {}",
            header.size, header.blake3
        )));
    }
    Ok(())
}

/// After installing in the home: records the backup it came from and the restore, then adds
/// what the tape in the drive holds that the backup predates, and names the tapes that may
/// hold more.
fn reconcile(
    env: &Env,
    dev: &mut dyn TapeDevice,
    drive: &Drive,
    label: &TapeLabel,
    (trailer, end_block): (&CatalogTrailer, u64),
    restored: &mut Restored,
    progress: &dyn Fn(&str) -> indicatif::ProgressBar,
) -> Result<()> {
    let mut catalog = Catalog::open(env.home)?;
    let backup_time = crate::timefmt::to_sql(
        chrono::DateTime::parse_from_rfc3339(&trailer.header.created_at)
            .map(|t| t.to_utc())
            .unwrap_or_else(|_| chrono::Utc::now()),
    );
    {
        let tx = catalog.write()?;
        if let Some(t) = tapes::by_uuid(&tx, &label.uuid)?
            && db_backups::by_uuid(&tx, &restored.backup_uuid)?.is_none()
        {
            let new = NewDbBackup {
                tape_id: t.id,
                backup_time: &backup_time,
                file_size: trailer.header.size,
                checksum: &trailer.header.blake3,
                block_offset: trailer.first_block,
                tape_file: trailer.data_file,
                backup_uuid: &restored.backup_uuid,
                schema_version: trailer.header.schema_version,
                compression: &trailer.header.compression,
                key_fingerprint: trailer.header.encryption.as_ref().map(|e| e.key_fingerprint.as_str()),
            };
            db_backups::insert(&tx, &new, Some((trailer.tape_bytes, end_block)))?;
        }
        audit::record(
            &tx,
            "catalog.restore",
            "catalog",
            None,
            json!({
                "tape": label.label, "tape_uuid": label.uuid, "backup_uuid": restored.backup_uuid,
                "created_at": trailer.header.created_at, "bytes": trailer.header.size, "checksum": trailer.header.blake3,
                "previous": restored.previous.as_deref().map(crate::pathjson::to_json),
            }),
        )?;
        tx.commit()?;
    }
    // The drive as the restored catalog knows it, so the rebuild records the tape there.
    let known = drives::list(catalog.conn())?.into_iter().find(|d| d.device == drive.device);
    match known {
        Some(d) => {
            let rebuilt = rebuild::tape(env, &mut catalog, &d, dev, progress)?;
            restored.sets_added = rebuilt.rb.added.len();
            restored.notes.extend(rebuilt.rb.warnings);
        }
        None => restored.notes.push(format!(
            "the restored catalog has no drive with device {}: sets written to tape '{}' after the backup were not \
             added; run `tapebackarr catalog rebuild` once the drive is added",
            drive.device, label.label
        )),
    }
    restored.rebuild_also = db_backups::tapes_written_after(catalog.conn(), &backup_time)?
        .into_iter()
        .chain(tapes::list(catalog.conn(), None, None)?.into_iter().filter(|t| {
            // A tape a backup could have written since the snapshot.
            matches!(t.status, TapeStatus::Active | TapeStatus::Blank | TapeStatus::Expired)
        }))
        .map(|t| t.label)
        .filter(|l| *l != label.label)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(())
}

/// For `restore-db --library-device`, with no catalog to say where anything is: loads every
/// storage cartridge of the library (cleaning cartridges aside) into the drive in turn, lists
/// its catalog backups (headers and trailers only, as [`restore`] does), puts it back, and
/// finally leaves the cartridge holding the newest one in the drive. Returns the labels read.
fn load_newest_from_library(
    env: &Env,
    drive: &Drive,
    changer_device: &str,
    progress: &dyn Fn(&str) -> indicatif::ProgressBar,
) -> Result<Vec<String>> {
    use crate::tape::changer::{self, ElementType};
    let changer_error = |e: changer::ChangerError| -> anyhow::Error {
        Failure::new(Kind::Device, format!("library {changer_device}: {e}")).into()
    };
    let mut changer = changer::open_changer(changer_device).map_err(changer_error)?;
    let inv = changer.inventory().map_err(changer_error)?;
    // The drive's element: the one whose device is the drive's, else the library's only one.
    let drives: Vec<_> = inv.drives().collect();
    let element = drives
        .iter()
        .find(|e| e.device_id.as_ref().is_some_and(|id| id.value == drive.device))
        .or(if drives.len() == 1 { drives.first() } else { None })
        .map(|e| e.address)
        .ok_or_else(|| {
            Failure::usage(format!("library {changer_device}: none of its drives is reported as {}", drive.device))
        })?;
    if inv.get(element).is_some_and(|e| e.full) {
        let to = inv
            .get(element)
            .and_then(|e| e.source)
            .filter(|s| inv.get(*s).is_some_and(|e| e.kind == ElementType::Storage && !e.full))
            .or_else(|| inv.first_empty(ElementType::Storage))
            .ok_or_else(|| Failure::new(Kind::InvalidState, format!("library {changer_device}: every slot is full")))?;
        library::prepare_removal(env, drive);
        changer.move_medium(element, to).map_err(changer_error)?;
    }
    let inv = changer.inventory().map_err(changer_error)?;
    let spec = DeviceSpec::parse(&drive.device).map_err(Failure::usage)?;
    let (mut labels, mut newest) = (Vec::new(), None::<(String, changer::ElementAddress)>);
    let cartridges: Vec<_> = inv
        .slots()
        .filter(|e| e.full && !e.barcode.as_deref().is_some_and(crate::catalog::libraries::is_cleaning))
        .cloned()
        .collect();
    for e in &cartridges {
        changer.move_medium(e.address, element).map_err(changer_error)?;
        let looked = (|| -> Result<()> {
            let mut dev = crate::tape::open(&spec).map_err(|err| device_error(err, drive))?;
            let TapeContents::Labeled(l) = label::read_label(dev.as_mut()).map_err(|err| device_error(err, drive))?
            else {
                return Ok(());
            };
            let bar = progress(&format!("looking for catalog backups on tape '{}'", l.label));
            labels.push(l.label);
            for item in Scanner::new(dev.as_mut()) {
                if let Scanned::CatalogBackup(c) = item.map_err(|err| device_error(err, drive))?
                    && c.trailer.is_ok()
                    && newest.as_ref().is_none_or(|(t, _)| c.header.created_at > *t)
                {
                    newest = Some((c.header.created_at.clone(), e.address));
                }
            }
            bar.finish_and_clear();
            Ok(())
        })();
        library::prepare_removal(env, drive);
        changer.move_medium(element, e.address).map_err(changer_error)?;
        looked?;
    }
    let Some((created_at, slot)) = newest else {
        return Err(Failure::new(
            Kind::NotFound,
            format!("no cartridge of library {changer_device} holds a complete catalog backup; nothing was changed"),
        )
        .into());
    };
    env.verbose(|| format!("the newest catalog backup ({created_at}) is on the cartridge in {slot}"));
    changer.move_medium(slot, element).map_err(changer_error)?;
    Ok(labels)
}
