//! A catalog backup on tape (docs/FORMAT.md, "Catalog backups"): the catalog is the most
//! valuable file on the machine, and `catalog rebuild` can only bring back what set indexes
//! say (no retention, schedules, key links or tape statuses). So a consistent copy of the whole
//! SQLite file goes to tape as a tape-file pair of its own kind, laid out like a set part so
//! that appending, scanning and the by-hand tools treat it alike:
//!
//! ```text
//! data file:    header block "TAPEBACKARR-CATALOG v1\n{json}\n<text>", then the database as
//!               frames (zstd frames padded with skippable frames, or aead frames)
//! trailer file: one zstd frame holding one JSON line {"type":"catalog_end", …}
//! ```
//!
//! The frames are those of set data ([`super::frame`]), with the backup's UUID where a set's
//! UUID goes (the aead key derivation), so `dd | tail -c +BLOCK+1 | zstd -d > catalog.db` works
//! and the set decryption script reads an encrypted one.

use std::io::Read;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::frame::{Framing, MAX_FRAME_SIZE, MIN_BLOCK_SIZE};
use super::index::FrameRecord;
use super::part::{
    DECRYPT_SCRIPT, EncryptionInfo, FramingFieldsError, FramingKind, MAX_HEADER_BLOCK, framing_fields, framing_of,
};

/// First line of every catalog backup header block; the number is this kind's format version.
pub const MAGIC: &str = "TAPEBACKARR-CATALOG v1\n";
/// The first bytes of a catalog backup header of any version.
pub const MAGIC_PREFIX: &str = "TAPEBACKARR-CATALOG v";
pub const FORMAT_VERSION: u32 = 1;
/// The trailer's record type.
pub const TRAILER_TYPE: &str = "catalog_end";
/// A trailer is a few KiB (one line per frame of an 8 MiB frame size); anything this large is not one.
pub const MAX_TRAILER_BYTES: usize = 16 << 20;

/// The JSON of a catalog backup header, field for field as in docs/FORMAT.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogHeader {
    /// Always "tapebackarr".
    pub format: String,
    pub version: u32,
    /// This backup (UUID v4); for the aead framing it takes the place of a set's UUID.
    #[serde(with = "uuid_text")]
    pub backup_uuid: Uuid,
    /// The catalog's schema version (`PRAGMA user_version`), so a reader knows which
    /// tapebackarr can open it.
    pub schema_version: u32,
    /// Bytes of the database file (decoded stream).
    pub size: u64,
    /// BLAKE3 of the database file, hex.
    pub blake3: String,
    pub block_size: u32,
    pub framing: FramingKind,
    /// `none` or `zstd:LEVEL`.
    pub compression: String,
    pub encryption: Option<EncryptionInfo>,
    pub frame_size: u32,
    /// RFC 3339 UTC: when the snapshot was taken.
    pub created_at: String,
}

/// The trailer: the header again, where the data file is, and every frame with its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogTrailer {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(flatten)]
    pub header: CatalogHeader,
    /// Tape file number of the data file.
    pub data_file: u64,
    /// Logical block of the header block.
    pub first_block: u64,
    /// Bytes on tape after the header block (frames with their padding).
    pub tape_bytes: u64,
    pub frames: Vec<FrameRecord>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogFileError {
    #[error("not a TapeBackarr catalog backup")]
    NotACatalog,
    #[error("catalog backup written by a newer TapeBackarr ({0:?})")]
    NewerVersion(String),
    #[error("damaged catalog backup header or trailer: {0}")]
    Damaged(String),
}

impl CatalogHeader {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        backup_uuid: Uuid,
        schema_version: u32,
        size: u64,
        blake3: String,
        framing: Framing,
        key_fingerprint: Option<String>,
        block_size: u32,
        frame_size: u32,
        created_at: String,
    ) -> CatalogHeader {
        let (framing_kind, encryption) = framing_fields(framing, key_fingerprint);
        CatalogHeader {
            format: "tapebackarr".into(),
            version: FORMAT_VERSION,
            backup_uuid,
            schema_version,
            size,
            blake3,
            block_size,
            framing: framing_kind,
            compression: framing.compression(),
            encryption,
            frame_size,
            created_at,
        }
    }

    pub fn framing(&self) -> Result<Framing, CatalogFileError> {
        framing_of(self.framing, &self.compression, self.encryption.as_ref()).map_err(|e| match e {
            FramingFieldsError::Newer(m) => CatalogFileError::NewerVersion(m),
            FramingFieldsError::Damaged(m) => CatalogFileError::Damaged(m),
        })
    }

    /// The header block, padded to a whole data block as a part header is.
    pub fn encode(&self, data_file: Option<u64>) -> Vec<u8> {
        let mut block = MAGIC.as_bytes().to_vec();
        block.extend(serde_json::to_vec(self).expect("catalog header serializes"));
        block.push(b'\n');
        block.extend(self.restore_text(data_file).as_bytes());
        debug_assert!(block.len() <= MAX_HEADER_BLOCK);
        if block.len() < self.block_size as usize {
            block.resize(self.block_size as usize, 0);
        }
        block
    }

    pub fn decode(block: &[u8]) -> Result<CatalogHeader, CatalogFileError> {
        let Some(rest) = block.strip_prefix(MAGIC.as_bytes()) else {
            if block.starts_with(MAGIC_PREFIX.as_bytes()) {
                let line = block.split(|b| *b == b'\n').next().unwrap_or_default();
                return Err(CatalogFileError::NewerVersion(String::from_utf8_lossy(line).into_owned()));
            }
            return Err(CatalogFileError::NotACatalog);
        };
        let Some(end) = rest.iter().position(|b| *b == b'\n') else {
            return Err(CatalogFileError::Damaged("the JSON line is cut off".into()));
        };
        let header: CatalogHeader =
            serde_json::from_slice(&rest[..end]).map_err(|e| CatalogFileError::Damaged(e.to_string()))?;
        header.check()?;
        Ok(header)
    }

    fn check(&self) -> Result<(), CatalogFileError> {
        if self.version > FORMAT_VERSION {
            return Err(CatalogFileError::NewerVersion(format!("version {}", self.version)));
        }
        if self.format != "tapebackarr" || self.version != FORMAT_VERSION {
            return Err(CatalogFileError::Damaged(format!("format {:?} version {}", self.format, self.version)));
        }
        if (self.block_size as usize) < MIN_BLOCK_SIZE {
            return Err(CatalogFileError::Damaged(format!("block size {}", self.block_size)));
        }
        if self.frame_size == 0 || self.frame_size as usize > MAX_FRAME_SIZE {
            return Err(CatalogFileError::Damaged(format!("frame size {}", self.frame_size)));
        }
        self.framing()?;
        Ok(())
    }

    /// What this is and how to get the database off the tape without TapeBackarr.
    pub fn restore_text(&self, data_file: Option<u64>) -> String {
        let bs = self.block_size;
        let dd_bs = if bs.is_multiple_of(1024) { format!("{}k", bs / 1024) } else { bs.to_string() };
        let fsf = data_file.map_or_else(|| "N (this data file's number)".to_string(), |n| n.to_string());
        let decode = match self.framing {
            FramingKind::Raw => String::new(),
            FramingKind::Zstd => " | zstd -d".into(),
            FramingKind::Aead => {
                let unzstd = if self.compression == "none" { "" } else { " | zstd -d" };
                format!(" | python3 tbdecrypt.py KEYFILE {} {bs}{unzstd}", self.backup_uuid)
            }
        };
        let mut t = format!(
            "\nThis is a backup of a TapeBackarr catalog (SQLite, schema version {schema}), taken {created}:\n\
             {size} bytes, BLAKE3 {b3}. Data blocks are {bs} bytes; this header is the first block and\n\
             the database follows. The next tape file is its trailer (zstd -dc shows it).\n\
             \n\
             To get the database back by hand (replace /dev/nst0 by your drive):\n\
             \n  mt -f /dev/nst0 rewind\n  mt -f /dev/nst0 fsf {fsf}\n\
             \x20 dd if=/dev/nst0 bs={dd_bs} | tail -c +{skip}{decode} > catalog.db\n\
             \x20 b3sum catalog.db    # must print {b3}\n\
             Then install it as catalog.db in the TapeBackarr home (mode 0600), or run\n\
             `tapebackarr catalog restore-db`, which does all of this.\n",
            schema = self.schema_version,
            created = self.created_at,
            size = self.size,
            b3 = self.blake3,
            skip = bs + 1,
        );
        if self.framing == FramingKind::Aead {
            t.push_str(
                "\nThe frames are encrypted as set data is (docs/FORMAT.md), with this backup's UUID in place\n\
                 of the set UUID. KEYFILE holds the data key's 32 raw bytes (docs/RECOVERY.md).\n\n",
            );
            t.push_str(DECRYPT_SCRIPT);
        }
        t
    }
}

#[cfg(test)]
impl CatalogHeader {
    /// A header of a 100-byte zstd catalog backup with a new UUID, for the format's tests.
    pub(crate) fn example(block_size: u32) -> CatalogHeader {
        CatalogHeader::new(
            Uuid::new_v4(),
            10,
            100,
            "ab".repeat(32),
            Framing::Zstd { level: 3 },
            None,
            block_size,
            8 << 20,
            "2026-12-08T00:00:00Z".into(),
        )
    }
}

impl CatalogTrailer {
    pub fn new(header: CatalogHeader, data_file: u64, first_block: u64, frames: Vec<FrameRecord>) -> CatalogTrailer {
        let tape_bytes = frames.iter().map(|f| f.encoded_len).sum();
        CatalogTrailer { kind: TRAILER_TYPE.into(), header, data_file, first_block, tape_bytes, frames }
    }

    /// The trailer file's blocks: one zstd frame (with its checksum) of one JSON line, cut into
    /// blocks of the header's block size.
    pub fn encode(&self) -> Vec<Vec<u8>> {
        let mut line = serde_json::to_vec(self).expect("catalog trailer serializes");
        line.push(b'\n');
        let bytes = compress(&line).expect("zstd compresses into memory");
        bytes.chunks(self.header.block_size as usize).map(<[u8]>::to_vec).collect()
    }

    /// The trailer from its file's bytes (blocks concatenated).
    pub fn decode(bytes: &[u8]) -> Result<CatalogTrailer, CatalogFileError> {
        if !bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            return Err(CatalogFileError::NotACatalog);
        }
        let mut line = Vec::new();
        zstd::stream::read::Decoder::new(bytes)
            .and_then(|d| d.take(MAX_TRAILER_BYTES as u64).read_to_end(&mut line))
            .map_err(|e| CatalogFileError::Damaged(format!("the trailer does not decompress ({e})")))?;
        #[derive(Deserialize)]
        struct TypeOnly {
            #[serde(rename = "type")]
            kind: String,
        }
        let text =
            line.strip_suffix(b"\n").ok_or_else(|| CatalogFileError::Damaged("the trailer is cut off".into()))?;
        match serde_json::from_slice::<TypeOnly>(text) {
            Ok(t) if t.kind == TRAILER_TYPE => {}
            _ => return Err(CatalogFileError::NotACatalog),
        }
        let trailer: CatalogTrailer =
            serde_json::from_slice(text).map_err(|e| CatalogFileError::Damaged(e.to_string()))?;
        trailer.header.check()?;
        Ok(trailer)
    }
}

fn compress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3)?;
    encoder.include_checksum(true)?;
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Serde for UUIDs as their hyphenated text.
mod uuid_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use uuid::Uuid;

    pub fn serialize<S: Serializer>(u: &Uuid, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(u)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Uuid, D::Error> {
        let s = String::deserialize(d)?;
        Uuid::parse_str(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(framing: Framing) -> CatalogHeader {
        CatalogHeader::new(
            Uuid::new_v4(),
            10,
            1234,
            "ab".repeat(32),
            framing,
            Some("f".repeat(16)),
            4096,
            8 << 20,
            "2026-12-08T00:00:00Z".into(),
        )
    }

    #[test]
    fn header_and_trailer_round_trip() {
        for framing in [Framing::Zstd { level: 3 }, Framing::Aead { zstd: Some(3) }, Framing::Raw] {
            let h = header(framing);
            let block = h.encode(Some(5));
            assert_eq!(block.len(), 4096);
            assert_eq!(CatalogHeader::decode(&block).unwrap(), h);
            assert!(String::from_utf8_lossy(&block).contains("fsf 5"));
            let frames = vec![FrameRecord {
                seq: 0,
                block: 12,
                stream_offset: 0,
                encoded_len: 8192,
                decoded_len: 1234,
                blake3: [3; 32],
            }];
            let t = CatalogTrailer::new(h.clone(), 5, 11, frames);
            let bytes: Vec<u8> = t.encode().concat();
            assert_eq!(CatalogTrailer::decode(&bytes).unwrap(), t);
            assert_eq!(t.tape_bytes, 8192);
        }
    }

    #[test]
    fn other_things_are_not_catalog_backups() {
        assert!(matches!(CatalogHeader::decode(b"TAPEBACKARR-PART v1\n{}\n"), Err(CatalogFileError::NotACatalog)));
        assert!(matches!(
            CatalogHeader::decode(b"TAPEBACKARR-CATALOG v2\n{}\n"),
            Err(CatalogFileError::NewerVersion(_))
        ));
        assert!(matches!(CatalogHeader::decode(b"TAPEBACKARR-CATALOG v1\n{\"form"), Err(CatalogFileError::Damaged(_))));
        // A set index is a zstd stream too, but not a trailer.
        let index = zstd::bulk::compress(b"{\"type\":\"part\"}\n", 3).unwrap();
        assert!(matches!(CatalogTrailer::decode(&index), Err(CatalogFileError::NotACatalog)));
        assert!(matches!(CatalogTrailer::decode(b"garbage"), Err(CatalogFileError::NotACatalog)));
    }
}
