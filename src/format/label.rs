//! The tape label: tape file 0, one block, a fixed magic line and then readable JSON, so
//! `dd if=/dev/nst0 bs=256k count=1 | head` tells anyone what the tape is. A filemark
//! follows; backup sets start at file 1.
//!
//! ```text
//! TAPEBACKARR-LABEL v1
//! {"format":"tapebackarr","version":1,"uuid":"…","label":"WEEK01","barcode":"…",…}
//! ```

use serde::{Deserialize, Serialize};

use crate::tape::{ReadOutcome, TapeDevice, TapeError};

/// First line of every label block; the number is the label format's version.
pub const MAGIC: &str = "TAPEBACKARR-LABEL v1\n";
const MAGIC_PREFIX: &str = "TAPEBACKARR-LABEL v";
pub const FORMAT_VERSION: u32 = 1;
/// The label block never exceeds this, so it is read with a buffer of twice that.
pub const MAX_LABEL_BLOCK: usize = 64 << 10;
/// The block size TapeBackarr writes data in unless told otherwise.
pub const DEFAULT_BLOCK_SIZE: u32 = 256 << 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TapeLabel {
    /// Always "tapebackarr".
    pub format: String,
    pub version: u32,
    pub uuid: String,
    pub label: String,
    pub barcode: Option<String>,
    /// The pool the tape was labelled for (the catalog may move it later).
    pub pool: String,
    /// Block size of the data blocks on this tape, in bytes (variable-block mode).
    pub block_size: u32,
    /// RFC 3339, UTC.
    pub labeled_at: String,
}

impl TapeLabel {
    pub fn new(uuid: String, label: String, barcode: Option<String>, pool: String, labeled_at: String) -> Self {
        TapeLabel {
            format: "tapebackarr".into(),
            version: FORMAT_VERSION,
            uuid,
            label,
            barcode,
            pool,
            block_size: DEFAULT_BLOCK_SIZE,
            labeled_at,
        }
    }

    /// The label block: magic line, JSON, newline.
    pub fn encode(&self) -> Vec<u8> {
        let mut block = MAGIC.as_bytes().to_vec();
        block.extend(serde_json::to_vec(self).expect("label serializes"));
        block.push(b'\n');
        block
    }

    pub fn decode(block: &[u8]) -> Result<TapeLabel, LabelError> {
        let Some(rest) = block.strip_prefix(MAGIC.as_bytes()) else {
            if block.starts_with(MAGIC_PREFIX.as_bytes()) {
                let line =
                    String::from_utf8_lossy(block.split(|b| *b == b'\n').next().unwrap_or_default()).into_owned();
                return Err(LabelError::NewerVersion(line));
            }
            return Err(LabelError::NotALabel);
        };
        let json = rest.strip_suffix(b"\n").unwrap_or(rest);
        let label: TapeLabel = serde_json::from_slice(json).map_err(|e| LabelError::Damaged(e.to_string()))?;
        if label.format != "tapebackarr" || label.version != FORMAT_VERSION {
            return Err(LabelError::Damaged(format!("format {:?} version {}", label.format, label.version)));
        }
        Ok(label)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    #[error("not a TapeBackarr label")]
    NotALabel,
    #[error("label written by a newer TapeBackarr ({0:?})")]
    NewerVersion(String),
    #[error("damaged label: {0}")]
    Damaged(String),
}

/// What is at the start of a tape.
#[derive(Debug, Clone)]
pub enum TapeContents {
    /// Nothing was ever written.
    Blank,
    Labeled(TapeLabel),
    /// Data that is not a TapeBackarr label (another program's tape); the first bytes, for
    /// telling the operator what it might be.
    Foreign {
        first_bytes: Vec<u8>,
        reason: String,
    },
}

/// Rewinds and reads what is at BOT. Leaves the tape positioned after the first block.
pub fn read_label(dev: &mut dyn TapeDevice) -> Result<TapeContents, TapeError> {
    dev.rewind()?;
    let mut buf = vec![0u8; 2 * MAX_LABEL_BLOCK];
    let n = match dev.read_block(&mut buf) {
        Ok(ReadOutcome::Block(n)) => n,
        Ok(ReadOutcome::EndOfData) => return Ok(TapeContents::Blank),
        Ok(ReadOutcome::Filemark) => {
            return Ok(TapeContents::Foreign { first_bytes: Vec::new(), reason: "an empty first file".into() });
        }
        Err(TapeError::BlockTooLarge { block_len, .. }) => {
            return Ok(TapeContents::Foreign {
                first_bytes: Vec::new(),
                reason: format!("a first block of {block_len} bytes, too large for a label"),
            });
        }
        Err(e) => return Err(e),
    };
    buf.truncate(n);
    Ok(match TapeLabel::decode(&buf) {
        Ok(label) => TapeContents::Labeled(label),
        Err(e) => {
            buf.truncate(64);
            TapeContents::Foreign { first_bytes: buf, reason: e.to_string() }
        }
    })
}

/// Writes `label` at BOT followed by a flushed filemark, destroying whatever the tape held,
/// then reads it back to prove it is there.
pub fn write_label(dev: &mut dyn TapeDevice, label: &TapeLabel) -> Result<(), TapeError> {
    dev.rewind()?;
    dev.set_block_size(0)?;
    dev.write_block(&label.encode())?;
    dev.write_filemarks(1, true)?;
    match read_label(dev)? {
        TapeContents::Labeled(back) if back == *label => Ok(()),
        other => Err(TapeError::Other(format!("label did not read back: found {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> TapeLabel {
        TapeLabel::new(
            "u-1".into(),
            "WEEK01".into(),
            Some("TB0001L8".into()),
            "weekly".into(),
            "2026-11-27T00:00:00Z".into(),
        )
    }

    #[test]
    fn block_starts_with_readable_magic_and_json() {
        let block = sample().encode();
        let text = String::from_utf8(block.clone()).unwrap();
        assert!(text.starts_with("TAPEBACKARR-LABEL v1\n{\"format\":\"tapebackarr\""));
        assert!(block.len() < MAX_LABEL_BLOCK);
        assert_eq!(TapeLabel::decode(&block).unwrap(), sample());
    }

    #[test]
    fn foreign_newer_and_damaged_are_told_apart() {
        assert!(matches!(TapeLabel::decode(b"ustar\0 something"), Err(LabelError::NotALabel)));
        assert!(matches!(TapeLabel::decode(b"TAPEBACKARR-LABEL v2\n{}"), Err(LabelError::NewerVersion(_))));
        assert!(matches!(TapeLabel::decode(b"TAPEBACKARR-LABEL v1\n{\"format\":"), Err(LabelError::Damaged(_))));
    }

    proptest! {
        #[test]
        fn encode_decode_is_identity(label in "[A-Za-z0-9._-]{1,32}", pool in "[a-z0-9-]{1,20}", barcode in proptest::option::of("[A-Z0-9]{6,8}")) {
            let l = TapeLabel::new("uuid".into(), label, barcode, pool, "2026-01-01T00:00:00Z".into());
            prop_assert_eq!(TapeLabel::decode(&l.encode()).unwrap(), l);
        }

        #[test]
        fn any_truncation_is_detected(cut in 0usize..200) {
            let block = sample().encode();
            let cut = cut.min(block.len() - 2);
            prop_assert!(TapeLabel::decode(&block[..cut]).is_err());
        }
    }
}
