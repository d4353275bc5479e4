//! The header block of a set part's data file (docs/FORMAT.md, "Data file: header block"):
//! a magic line, one line of JSON, then text for people that says what the part is and how to
//! restore it by hand. It is a block of its own, so the data file without its first block is
//! the stream.
//!
//! ```text
//! TAPEBACKARR-PART v1
//! {"format":"tapebackarr","version":1,"set_uuid":"…","part":1,…}
//! This is part 1 of TapeBackarr backup set …
//! ```

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::frame::{Framing, MAX_FRAME_SIZE, MIN_BLOCK_SIZE};

/// First line of every part header block; the number is the part format's version.
pub const MAGIC: &str = "TAPEBACKARR-PART v1\n";
const MAGIC_PREFIX: &str = "TAPEBACKARR-PART v";
pub const FORMAT_VERSION: u32 = 1;
/// The header block never exceeds this.
pub const MAX_HEADER_BLOCK: usize = 64 << 10;
/// The `encryption.algorithm` of the aead framing.
pub const AEAD_ALGORITHM: &str = "aes-256-gcm";
/// The `encryption.nonce` scheme of the aead framing: a per-set key, SHA-256("tapebackarr set
/// key v1\0" ‖ data key ‖ set UUID bytes), and nonce = 4 zero bytes ‖ frame sequence number
/// (u64 BE); see [`super::frame::set_key`].
pub const NONCE_SCHEME: &str = "set-key-seq-v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackupType {
    Full,
    Incremental,
}

impl BackupType {
    pub fn as_str(self) -> &'static str {
        match self {
            BackupType::Full => "full",
            BackupType::Incremental => "incremental",
        }
    }
}

/// The header's `framing` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FramingKind {
    Raw,
    Zstd,
    Aead,
}

/// The header's `encryption` object (present exactly when the framing is `aead`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptionInfo {
    /// Always `aes-256-gcm`.
    pub algorithm: String,
    /// The data key's fingerprint, as `tapebackarr key list` shows it (hex).
    pub key_fingerprint: String,
    /// Always `set-key-seq-v1`.
    pub nonce: String,
}

/// The `framing` and `encryption` fields that describe `framing` (part headers and catalog
/// backup headers share them); `key_fingerprint` is needed for the aead framing.
pub fn framing_fields(framing: Framing, key_fingerprint: Option<String>) -> (FramingKind, Option<EncryptionInfo>) {
    match framing {
        Framing::Raw => (FramingKind::Raw, None),
        Framing::Zstd { .. } => (FramingKind::Zstd, None),
        Framing::Aead { .. } => (
            FramingKind::Aead,
            Some(EncryptionInfo {
                algorithm: AEAD_ALGORITHM.into(),
                key_fingerprint: key_fingerprint.unwrap_or_default(),
                nonce: NONCE_SCHEME.into(),
            }),
        ),
    }
}

/// Why `framing`, `compression` and `encryption` fields do not make a framing.
#[derive(Debug)]
pub enum FramingFieldsError {
    /// An encryption scheme this version does not know.
    Newer(String),
    Damaged(String),
}

/// The framing the `framing`, `compression` and `encryption` fields describe together.
pub fn framing_of(
    kind: FramingKind,
    compression: &str,
    encryption: Option<&EncryptionInfo>,
) -> Result<Framing, FramingFieldsError> {
    let name = match kind {
        FramingKind::Raw => "raw",
        FramingKind::Zstd => "zstd",
        FramingKind::Aead => "aead",
    };
    let framing = Framing::from_fields(name, compression).map_err(FramingFieldsError::Damaged)?;
    match (encryption, framing.is_encrypted()) {
        (None, false) => Ok(framing),
        (Some(e), true) if e.algorithm == AEAD_ALGORITHM && e.nonce == NONCE_SCHEME => Ok(framing),
        (Some(e), true) => Err(FramingFieldsError::Newer(format!(
            "encryption {:?} with nonce scheme {:?} (this version knows {AEAD_ALGORITHM:?}, {NONCE_SCHEME:?})",
            e.algorithm, e.nonce
        ))),
        (Some(_), false) => Err(FramingFieldsError::Damaged(format!("an encryption object with framing {name}"))),
        (None, true) => Err(FramingFieldsError::Damaged("framing aead without an encryption object".into())),
    }
}

/// The JSON of a part header, field for field as in docs/FORMAT.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartHeader {
    /// Always "tapebackarr".
    pub format: String,
    pub version: u32,
    #[serde(with = "uuid_text")]
    pub set_uuid: Uuid,
    /// This part's number in the set, from 1.
    pub part: u32,
    /// Offset in the set's stream of this part's first data byte.
    pub stream_offset: u64,
    pub job: String,
    pub source: String,
    pub backup_type: BackupType,
    #[serde(with = "uuid_text::option", default)]
    pub parent_set_uuid: Option<Uuid>,
    /// Bytes per data block: every data block of the part but its last is exactly this.
    pub block_size: u32,
    pub framing: FramingKind,
    /// `none` or `zstd:LEVEL`.
    pub compression: String,
    pub encryption: Option<EncryptionInfo>,
    /// Largest decoded frame, in bytes.
    pub frame_size: u32,
    /// RFC 3339, UTC.
    pub created_at: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PartError {
    #[error("not a TapeBackarr part header")]
    NotAPart,
    #[error("part header written by a newer TapeBackarr ({0:?})")]
    NewerVersion(String),
    #[error("damaged part header: {0}")]
    Damaged(String),
    #[error("part header of {0} bytes is larger than {MAX_HEADER_BLOCK}")]
    TooLarge(usize),
}

impl PartHeader {
    /// A header for part 1 of a full backup at stream offset 0; set the other fields as needed.
    /// `key_fingerprint` is needed for the aead framing.
    pub fn new(
        set_uuid: Uuid,
        framing: Framing,
        key_fingerprint: Option<String>,
        block_size: u32,
        frame_size: u32,
        created_at: String,
    ) -> PartHeader {
        let (framing_kind, encryption) = framing_fields(framing, key_fingerprint);
        PartHeader {
            format: "tapebackarr".into(),
            version: FORMAT_VERSION,
            set_uuid,
            part: 1,
            stream_offset: 0,
            job: String::new(),
            source: String::new(),
            backup_type: BackupType::Full,
            parent_set_uuid: None,
            block_size,
            framing: framing_kind,
            compression: framing.compression(),
            encryption,
            frame_size,
            created_at,
        }
    }

    /// The framing the `framing`, `compression` and `encryption` fields describe together.
    pub fn framing(&self) -> Result<Framing, PartError> {
        framing_of(self.framing, &self.compression, self.encryption.as_ref()).map_err(|e| match e {
            FramingFieldsError::Newer(m) => PartError::NewerVersion(m),
            FramingFieldsError::Damaged(m) => PartError::Damaged(m),
        })
    }

    /// The header block: magic line, JSON, newline, then the by-hand restore text.
    /// `data_file` is this data file's tape file number, for the `mt fsf` in the text.
    pub fn encode(&self, data_file: Option<u64>) -> Result<Vec<u8>, PartError> {
        let mut block = MAGIC.as_bytes().to_vec();
        block.extend(serde_json::to_vec(self).expect("part header serializes"));
        block.push(b'\n');
        block.extend(self.restore_text(data_file).as_bytes());
        if block.len() > MAX_HEADER_BLOCK {
            return Err(PartError::TooLarge(block.len()));
        }
        // Padded to a whole data block, so the data starts one block in whether the file is
        // read off the tape (one read, one block) or from a copy (`tape dump`, `dd` to disk).
        if block.len() < self.block_size as usize {
            block.resize(self.block_size as usize, 0);
        }
        Ok(block)
    }

    pub fn decode(block: &[u8]) -> Result<PartHeader, PartError> {
        let Some(rest) = block.strip_prefix(MAGIC.as_bytes()) else {
            if block.starts_with(MAGIC_PREFIX.as_bytes()) {
                let line =
                    String::from_utf8_lossy(block.split(|b| *b == b'\n').next().unwrap_or_default()).into_owned();
                return Err(PartError::NewerVersion(line));
            }
            return Err(PartError::NotAPart);
        };
        // The text ends at the zero padding.
        let text_len = block.iter().position(|b| *b == 0).unwrap_or(block.len());
        if text_len > MAX_HEADER_BLOCK {
            return Err(PartError::Damaged(format!("a header text of {text_len} bytes")));
        }
        let Some(end) = rest.iter().position(|b| *b == b'\n') else {
            return Err(PartError::Damaged("the JSON line is cut off".into()));
        };
        let header: PartHeader = serde_json::from_slice(&rest[..end]).map_err(|e| PartError::Damaged(e.to_string()))?;
        if header.format != "tapebackarr" || header.version != FORMAT_VERSION {
            return Err(PartError::Damaged(format!("format {:?} version {}", header.format, header.version)));
        }
        if (header.block_size as usize) < MIN_BLOCK_SIZE {
            return Err(PartError::Damaged(format!("block size {}", header.block_size)));
        }
        if header.frame_size == 0 || header.frame_size as usize > MAX_FRAME_SIZE {
            return Err(PartError::Damaged(format!("frame size {}", header.frame_size)));
        }
        if header.part == 0 {
            return Err(PartError::Damaged("part 0 (parts count from 1)".into()));
        }
        header.framing()?;
        Ok(header)
    }

    /// The text after the JSON: what this is and how to restore it without TapeBackarr.
    pub fn restore_text(&self, data_file: Option<u64>) -> String {
        let bs = self.block_size;
        let dd_bs = if bs.is_multiple_of(1024) { format!("{}k", bs / 1024) } else { bs.to_string() };
        // `tail -c +K` starts at byte K: past the header block. Not `dd skip=1`, which st
        // turns into an lseek it ignores (docs/RECOVERY.md).
        let skip = bs + 1;
        let (fsf, fsf_note) = match data_file {
            Some(n) => (format!("mt -f /dev/nst0 fsf {n}"), String::new()),
            None => ("mt -f /dev/nst0 fsf N".to_string(), "; N is this data file's number on the tape".to_string()),
        };
        let kind = match (self.backup_type, self.parent_set_uuid) {
            (BackupType::Full, _) => "a full backup".to_string(),
            (BackupType::Incremental, Some(p)) => format!("an incremental backup on top of set {p}"),
            (BackupType::Incremental, None) => "an incremental backup".to_string(),
        };
        let mut t = format!(
            "\nThis is part {part} of TapeBackarr backup set {set}: {kind}\n\
             of source {source:?} (job {job:?}), created {created}.\n\
             Data blocks are {bs} bytes. This header is the data file's first block; the data\n\
             (from byte {offset} of the set's stream) starts in the next block. The next tape file\n\
             is this part's index (zstd -dc shows it).\n\
             \n\
             To restore by hand (replace /dev/nst0 by your drive){fsf_note}:\n\
             \n",
            part = self.part,
            set = self.set_uuid,
            source = self.source,
            job = self.job,
            created = self.created_at,
            offset = self.stream_offset,
        );
        let position = format!("  mt -f /dev/nst0 rewind\n  {fsf}\n");
        match self.framing {
            FramingKind::Raw => {
                t.push_str(&position);
                t.push_str(&format!("  dd if=/dev/nst0 bs={dd_bs} | tail -c +{skip} | tar xvf -\n"));
            }
            FramingKind::Zstd => {
                t.push_str(&position);
                t.push_str(&format!("  dd if=/dev/nst0 bs={dd_bs} | tail -c +{skip} | zstd -d | tar xvf -\n"));
            }
            FramingKind::Aead => {
                let unzstd = if self.compression == "none" { "" } else { " | zstd -d" };
                let fp = self.encryption.as_ref().map(|e| e.key_fingerprint.as_str()).unwrap_or("?");
                t.push_str(&position);
                t.push_str(&format!(
                    "  dd if=/dev/nst0 bs={dd_bs} count=1 | sed -n '/^# tbdecrypt.py begin/,/^# tbdecrypt.py end/p' > tbdecrypt.py\n"
                ));
                t.push_str(&position);
                t.push_str(&format!(
                    "  dd if=/dev/nst0 bs={dd_bs} | tail -c +{skip} | python3 tbdecrypt.py KEYFILE {set} {bs}{unzstd} | tar xvf -\n\
                     \n\
                     The data is encrypted with AES-256-GCM under a per-set key, SHA-256 of the bytes\n\
                     \"tapebackarr set key v1\\0\", the data key and the set UUID's 16 bytes; the data key\n\
                     has fingerprint {fp}.\n\
                     KEYFILE must hold that key's 32 raw bytes (docs/RECOVERY.md shows how to unwrap an\n\
                     exported key file with its passphrase). tbdecrypt.py, below, needs Python 3 and its\n\
                     `cryptography` package. Each frame is: \"TBEF\", version 1, flags (bit 0: zstd\n\
                     inside), 2 zero bytes, sequence number u64 BE, plaintext length u32 BE, ciphertext\n\
                     length u32 BE (tag included); the ciphertext and its 16-byte tag; zero padding to the\n\
                     block boundary. Nonce = 4 zero bytes + the sequence number as\n\
                     u64 BE; the additional authenticated data is the 24-byte frame header.\n",
                    set = self.set_uuid,
                ));
            }
        }
        t.push_str(
            "\nA set that spans tapes continues its stream in parts 2, 3, ... on other tapes: save each\n\
             part's data with the dd above (> partN), then feed them in order to the rest of the\n\
             pipeline (cat part1 part2 ... | ...).\n",
        );
        if self.framing == FramingKind::Aead {
            t.push('\n');
            t.push_str(DECRYPT_SCRIPT);
        }
        t
    }
}

/// Decrypts a part's aead frames from stdin to stdout:
/// `python3 tbdecrypt.py KEYFILE SET_UUID BLOCK_SIZE`. Printed at the end of aead headers,
/// between its begin and end comment lines.
pub const DECRYPT_SCRIPT: &str = r#"# tbdecrypt.py begin
import hashlib, struct, sys, uuid
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = open(sys.argv[1], "rb").read()
key = hashlib.sha256(b"tapebackarr set key v1\0" + key + uuid.UUID(sys.argv[2]).bytes).digest()
block = int(sys.argv[3])
aes, inp, out, seq = AESGCM(key), sys.stdin.buffer, sys.stdout.buffer, None
while True:
    head = inp.read(24)
    if not head:
        break
    if len(head) < 24 or head[:5] != b"TBEF\x01":
        sys.exit("tbdecrypt: not a TapeBackarr frame")
    n, plain_len, size = struct.unpack(">QII", head[8:])
    if seq is not None and n != seq:
        sys.exit("tbdecrypt: frame %d where frame %d belongs" % (n, seq))
    out.write(aes.decrypt(bytes(4) + struct.pack(">Q", n), inp.read(size), head))
    inp.read(-(24 + size) % block)
    seq = n + 1
# tbdecrypt.py end
"#;

/// Serde for UUIDs as their hyphenated text.
mod uuid_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use uuid::Uuid;

    pub fn serialize<S: Serializer>(u: &Uuid, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&u.hyphenated())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Uuid, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Uuid::parse_str(&text).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(u: &Option<Uuid>, s: S) -> Result<S::Ok, S::Error> {
            match u {
                Some(u) => s.collect_str(&u.hyphenated()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
            match <Option<std::borrow::Cow<'de, str>>>::deserialize(d)? {
                Some(text) => Uuid::parse_str(&text).map(Some).map_err(serde::de::Error::custom),
                None => Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::frame::FrameEncoder;
    use proptest::prelude::*;

    fn sample(framing: Framing) -> PartHeader {
        let mut h = PartHeader::new(
            Uuid::parse_str("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").unwrap(),
            framing,
            framing.is_encrypted().then(|| "ab".repeat(32)),
            262144,
            16 << 20,
            "2026-11-27T00:00:00Z".into(),
        );
        h.job = "nightly".into();
        h.source = "home".into();
        h
    }

    #[test]
    fn block_starts_with_magic_and_json_and_round_trips() {
        for framing in [Framing::Raw, Framing::Zstd { level: 3 }, Framing::Aead { zstd: Some(3) }] {
            let h = sample(framing);
            let block = h.encode(Some(3)).unwrap();
            let text = String::from_utf8(block.clone()).unwrap();
            assert!(text.starts_with("TAPEBACKARR-PART v1\n{\"format\":\"tapebackarr\",\"version\":1,\"set_uuid\":\"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\""));
            assert_eq!(block.len(), h.block_size as usize, "padded to one data block");
            assert!(block.iter().position(|b| *b == 0).unwrap() <= MAX_HEADER_BLOCK);
            assert_eq!(PartHeader::decode(&block).unwrap(), h);
            assert_eq!(h.framing().unwrap(), framing);
        }
    }

    #[test]
    fn json_fields_are_the_documented_ones() {
        let mut h = sample(Framing::Aead { zstd: None });
        h.backup_type = BackupType::Incremental;
        h.parent_set_uuid = Some(Uuid::from_bytes([1; 16]));
        let v: serde_json::Value = serde_json::to_value(&h).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = vec![
            "format",
            "version",
            "set_uuid",
            "part",
            "stream_offset",
            "job",
            "source",
            "backup_type",
            "parent_set_uuid",
            "block_size",
            "framing",
            "compression",
            "encryption",
            "frame_size",
            "created_at",
        ];
        want.sort();
        let mut keys = keys;
        keys.sort();
        assert_eq!(keys, want);
        assert_eq!(v["backup_type"], "incremental");
        assert_eq!(v["parent_set_uuid"], "01010101-0101-0101-0101-010101010101");
        assert_eq!(v["framing"], "aead");
        assert_eq!(v["compression"], "none");
        assert_eq!(v["encryption"]["algorithm"], "aes-256-gcm");
        assert_eq!(v["encryption"]["nonce"], "set-key-seq-v1");
        assert_eq!(
            sample(Framing::Raw).encode(None).unwrap().windows(22).filter(|w| w == b"\"parent_set_uuid\":null").count(),
            1
        );
    }

    #[test]
    fn restore_text_spells_out_the_commands() {
        let text = |f| {
            let block = sample(f).encode(Some(5)).unwrap();
            String::from_utf8(block).unwrap().trim_end_matches('\0').to_string()
        };
        let raw = text(Framing::Raw);
        assert!(raw.contains(
            "  mt -f /dev/nst0 rewind\n  mt -f /dev/nst0 fsf 5\n  dd if=/dev/nst0 bs=256k | tail -c +262145 | tar xvf -\n"
        ));
        assert!(
            text(Framing::Zstd { level: 3 })
                .contains("dd if=/dev/nst0 bs=256k | tail -c +262145 | zstd -d | tar xvf -\n")
        );
        let aead = text(Framing::Aead { zstd: Some(3) });
        assert!(aead.contains(
            "dd if=/dev/nst0 bs=256k | tail -c +262145 | python3 tbdecrypt.py KEYFILE 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 262144 | zstd -d | tar xvf -\n"
        ));
        assert!(aead.contains(&"ab".repeat(32)));
        assert!(aead.ends_with("# tbdecrypt.py end\n"));
        let plain = text(Framing::Aead { zstd: None });
        assert!(plain.contains("262144 | tar xvf -\n"));
        let mut odd = sample(Framing::Raw);
        odd.block_size = 1000;
        assert!(
            String::from_utf8(odd.encode(None).unwrap())
                .unwrap()
                .contains("fsf N\n  dd if=/dev/nst0 bs=1000 | tail -c +1001 |")
        );
    }

    #[test]
    fn foreign_newer_and_damaged_are_told_apart() {
        assert!(matches!(PartHeader::decode(b"ustar\0 something"), Err(PartError::NotAPart)));
        assert!(matches!(PartHeader::decode(b"TAPEBACKARR-LABEL v1\n{}"), Err(PartError::NotAPart)));
        assert!(matches!(PartHeader::decode(b"TAPEBACKARR-PART v2\n{}"), Err(PartError::NewerVersion(_))));
        assert!(matches!(PartHeader::decode(b"TAPEBACKARR-PART v1\n{\"format\":"), Err(PartError::Damaged(_))));
        let block = sample(Framing::Raw).encode(None).unwrap();
        let json_end = block.iter().skip(MAGIC.len()).position(|b| *b == b'\n').unwrap() + MAGIC.len();
        assert!(matches!(PartHeader::decode(&block[..json_end]), Err(PartError::Damaged(_))));
        // Inconsistent framing fields, and an unknown nonce scheme.
        let mut h = sample(Framing::Raw);
        h.compression = "zstd:3".into();
        assert!(matches!(PartHeader::decode(&h.encode(None).unwrap()), Err(PartError::Damaged(_))));
        let mut h = sample(Framing::Zstd { level: 3 });
        h.encryption = sample(Framing::Aead { zstd: None }).encryption;
        assert!(matches!(PartHeader::decode(&h.encode(None).unwrap()), Err(PartError::Damaged(_))));
        let mut h = sample(Framing::Aead { zstd: None });
        h.encryption.as_mut().unwrap().nonce = "set-key-seq-v2".into();
        assert!(matches!(PartHeader::decode(&h.encode(None).unwrap()), Err(PartError::NewerVersion(_))));
        let mut h = sample(Framing::Raw);
        h.job = "x".repeat(MAX_HEADER_BLOCK);
        assert!(matches!(h.encode(None), Err(PartError::TooLarge(_))));
    }

    /// The script printed in the header decrypts frames as FrameEncoder writes them: an
    /// implementation other than ours (Python's `cryptography`, OpenSSL underneath).
    #[test]
    fn printed_decrypt_script_decrypts_frames() {
        let ok = std::process::Command::new("python3")
            .args(["-c", "import cryptography.hazmat.primitives.ciphers.aead"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!(
                "\n!!!!! NOTE: python3 with `cryptography` is not available: tbdecrypt.py was NOT tested !!!!!\n"
            );
            return;
        }
        let key = [0x5a; 32];
        let set = Uuid::parse_str("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").unwrap();
        let dir = tempfile::tempdir().unwrap();
        // The script as someone would cut it out of the header block.
        let block = sample(Framing::Aead { zstd: None }).encode(Some(1)).unwrap();
        std::fs::write(dir.path().join("header"), &block).unwrap();
        let text = String::from_utf8(block).unwrap();
        let sed = text.lines().find_map(|l| l.trim().strip_prefix("dd if=/dev/nst0 bs=256k count=1 | ")).unwrap();
        let cut = std::process::Command::new("sh")
            .current_dir(dir.path())
            .arg("-c")
            .arg(format!("{sed} < header"))
            .status()
            .unwrap();
        assert!(cut.success());
        assert!(std::fs::read_to_string(dir.path().join("tbdecrypt.py")).unwrap().ends_with("# tbdecrypt.py end\n"));
        std::fs::write(dir.path().join("key"), key).unwrap();
        for (framing, bs) in [(Framing::Aead { zstd: None }, 512), (Framing::Aead { zstd: Some(3) }, 4096)] {
            let mut enc = FrameEncoder::new(framing, Some(&key), &set, bs).unwrap();
            let mut data = Vec::new();
            for seq in 0..5usize {
                let chunk: Vec<u8> = (0..seq * 1500).map(|i| (i * 7 + seq) as u8).collect();
                enc.encode(seq as u64 + 40, &chunk, false, &mut data).unwrap();
            }
            let input = dir.path().join("data");
            std::fs::write(&input, &data).unwrap();
            let out = std::process::Command::new("python3")
                .arg(dir.path().join("tbdecrypt.py"))
                .arg(dir.path().join("key"))
                .arg(set.to_string())
                .arg(bs.to_string())
                .stdin(std::fs::File::open(&input).unwrap())
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let plain = if framing == (Framing::Aead { zstd: None }) {
                out.stdout
            } else {
                zstd::stream::decode_all(&out.stdout[..]).unwrap()
            };
            let want: Vec<u8> = (0..5usize).flat_map(|seq| (0..seq * 1500).map(move |i| (i * 7 + seq) as u8)).collect();
            assert_eq!(plain, want, "{framing:?}");
        }
    }

    proptest! {
        #[test]
        fn encode_decode_is_identity(
            job in "\\PC{0,40}", source in "[a-z0-9/ _-]{1,40}", part in 1u32..100, offset in any::<u64>(),
            bs in 64u32..(1 << 21), incremental in any::<bool>(), which in 0usize..4, level in 1i32..20,
        ) {
            let framing = [Framing::Raw, Framing::Zstd { level }, Framing::Aead { zstd: None }, Framing::Aead { zstd: Some(level) }][which];
            let mut h = sample(framing);
            h.job = job;
            h.source = source;
            h.part = part;
            h.stream_offset = offset;
            h.block_size = bs;
            if incremental {
                h.backup_type = BackupType::Incremental;
                h.parent_set_uuid = Some(Uuid::from_u64_pair(offset, part as u64));
            }
            prop_assert_eq!(PartHeader::decode(&h.encode(Some(part as u64 * 2 - 1)).unwrap()).unwrap(), h);
        }

        #[test]
        fn any_truncation_of_the_json_is_detected(cut in 0usize..400) {
            let block = sample(Framing::Zstd { level: 3 }).encode(None).unwrap();
            let json_end = block.iter().skip(MAGIC.len()).position(|b| *b == b'\n').unwrap() + MAGIC.len();
            prop_assert!(PartHeader::decode(&block[..cut.min(json_end)]).is_err());
        }
    }
}
