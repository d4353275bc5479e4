//! Frames: how a set's stream is cut and stored on tape (docs/FORMAT.md, "Data file: the
//! stream"). Every frame starts on a tape block boundary and restarts compression and
//! encryption, so a reader can `LOCATE` to any frame and decode it alone.
//!
//! | framing | one frame on tape |
//! | --- | --- |
//! | [`Framing::Raw`] | the decoded bytes as they are; a whole number of blocks, except the part's last frame which may end mid-block |
//! | [`Framing::Zstd`] | one zstd frame (content size and content checksum on), then one zstd skippable frame padding to the block boundary |
//! | [`Framing::Aead`] | a 24-byte `TBEF` header, the AES-256-GCM ciphertext and 16-byte tag, zero padding to the block boundary |
//!
//! ## Zstd padding
//!
//! Let `L` be the zstd frame's length and `m = (B - L mod B) mod B` the bytes missing to the
//! next boundary of block size `B`. When `m = 0` nothing follows. Otherwise a skippable frame
//! follows: magic `0x184D2A5E` (little-endian u32: bytes `5E 2A 4D 18`), then the
//! little-endian u32 length of its content, then that many zero bytes. It is `m` bytes long,
//! or `m + B` when `m < 8` (the skippable frame's own 8-byte header does not fit in `m`).
//!
//! ## Aead frame
//!
//! ```text
//! offset  size  field
//!      0     4  magic "TBEF" (54 42 45 46)
//!      4     1  version = 1
//!      5     1  flags: bit 0 = the plaintext is one zstd frame (content checksum on); other bits 0
//!      6     2  zero
//!      8     8  sequence number, u64 big-endian
//!     16     4  plaintext length, u32 big-endian: the frame's decoded (stream) bytes, after
//!               decompression when bit 0 is set
//!     20     4  ciphertext length, u32 big-endian: AES-256-GCM output including the 16-byte tag
//!               (= encrypted message length + 16; without zstd = plaintext length + 16)
//!     24     C  ciphertext, then the 16-byte GCM tag (C = ciphertext length)
//! 24 + C     P  zero bytes to the next block boundary (P = (B - (24 + C) mod B) mod B)
//! ```
//!
//! The key is the set's 32-byte data key. The 12-byte nonce is
//! `SHA-256(set_uuid)[0..4] ‖ seq as u64 big-endian`, where `set_uuid` is the UUID's **16 raw
//! bytes** (RFC 4122 byte order, i.e. the hex digits of the textual form read as bytes, not
//! the 36-character text). The AAD is the 24-byte header as written. The encrypted message is
//! the decoded bytes, or the zstd frame compressed from them when bit 0 is set.
//!
//! ## Checks on reading
//!
//! Aead frames name a wrong sequence number (a repeated or reordered frame that authenticates
//! under its own number), an authentication failure (damage anywhere in header, ciphertext or
//! tag, a wrong key, a frame of another set), non-zero padding and truncation. Zstd frames name
//! a content checksum failure, other zstd damage and truncation. Raw and zstd frames carry no
//! sequence number: their order is checked against the part index, which records the BLAKE3
//! hash of every frame's encoded bytes ([`EncodedFrame::blake3`]).

use aes_gcm::aead::{AeadInOut, Nonce, Tag};
use aes_gcm::{Aes256Gcm, KeyInit};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zstd::zstd_safe::{self, DCtx, zstd_sys::ZSTD_ErrorCode};

/// Smallest block size the framings accept (zstd padding needs room for its 8-byte header).
pub const MIN_BLOCK_SIZE: usize = 64;
/// Decoded bytes per frame a new set is cut into (each set records its own, and readers
/// follow it). Every frame takes at least one block on tape, so this caps compression at
/// frame/block (32:1 with 256 KiB blocks); smaller frames would read less for one file from
/// a compressed set and hold less memory (a few frames are in flight per thread), larger
/// ones would compress zeros and logs better. A multiple of every block size a label allows.
pub const DEFAULT_FRAME_SIZE: usize = 8 << 20;
/// Largest decoded frame written or accepted; a reader never allocates more for one frame.
pub const MAX_FRAME_SIZE: usize = 64 << 20;

pub const AEAD_MAGIC: [u8; 4] = *b"TBEF";
pub const AEAD_VERSION: u8 = 1;
pub const AEAD_HEADER_LEN: usize = 24;
pub const AEAD_TAG_LEN: usize = 16;
/// Flags bit 0: the encrypted message is a zstd frame.
pub const AEAD_FLAG_ZSTD: u8 = 1;
/// The skippable frame magic used for padding (written little-endian).
pub const SKIPPABLE_MAGIC: u32 = 0x184D_2A5E;
const SKIPPABLE_HEADER_LEN: usize = 8;
const ZSTD_MAGIC: u32 = 0xFD2F_B528;
/// Bit 2 of a zstd frame header descriptor: the frame ends with a content checksum.
const ZSTD_CHECKSUM_FLAG: u8 = 0x04;

/// How the frames of a set are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    Raw,
    Zstd {
        level: i32,
    },
    /// AES-256-GCM, compressed with zstd at this level first when `zstd` is set.
    Aead {
        zstd: Option<i32>,
    },
}

impl Framing {
    /// The header's `framing` field: `raw`, `zstd` or `aead`.
    pub fn name(&self) -> &'static str {
        match self {
            Framing::Raw => "raw",
            Framing::Zstd { .. } => "zstd",
            Framing::Aead { .. } => "aead",
        }
    }

    /// The header's `compression` field: `none` or `zstd:LEVEL`.
    pub fn compression(&self) -> String {
        match self {
            Framing::Raw | Framing::Aead { zstd: None } => "none".into(),
            Framing::Zstd { level } | Framing::Aead { zstd: Some(level) } => format!("zstd:{level}"),
        }
    }

    pub fn is_encrypted(&self) -> bool {
        matches!(self, Framing::Aead { .. })
    }

    fn zstd_level(&self) -> Option<i32> {
        match *self {
            Framing::Raw | Framing::Aead { zstd: None } => None,
            Framing::Zstd { level } | Framing::Aead { zstd: Some(level) } => Some(level),
        }
    }

    /// The inverse of [`Framing::name`] and [`Framing::compression`].
    pub fn from_fields(framing: &str, compression: &str) -> Result<Framing, String> {
        let level = match compression {
            "none" => None,
            _ => match compression.strip_prefix("zstd:").map(str::parse::<i32>) {
                Some(Ok(level)) => Some(level),
                _ => return Err(format!("unknown compression {compression:?}")),
            },
        };
        match (framing, level) {
            ("raw", None) => Ok(Framing::Raw),
            ("zstd", Some(level)) => Ok(Framing::Zstd { level }),
            ("aead", zstd) => Ok(Framing::Aead { zstd }),
            _ => Err(format!("framing {framing:?} with compression {compression:?}")),
        }
    }
}

/// What went wrong with a frame; `seq` is the sequence number of the frame concerned (the one
/// expected at that place on reading).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("block size {0} is not supported (at least {MIN_BLOCK_SIZE} bytes)")]
    BadBlockSize(usize),
    #[error("frame {seq}: {len} bytes is more than the {MAX_FRAME_SIZE}-byte maximum")]
    TooLarge { seq: u64, len: usize },
    #[error(
        "frame {seq}: a raw frame of {len} bytes is not a whole number of {block_size}-byte blocks (only a part's last frame may be)"
    )]
    RawNotBlockAligned { seq: u64, len: usize, block_size: usize },
    #[error("the aead framing needs a 32-byte key")]
    MissingKey,
    #[error("frame {expected}: found frame {found} in its place (a frame repeated or out of order)")]
    WrongSequence { expected: u64, found: u64 },
    #[error("frame {seq}: authentication failed (damaged frame, wrong key, or a frame of another set)")]
    Authentication { seq: u64 },
    #[error("frame {seq}: zstd content checksum mismatch (damaged data)")]
    Checksum { seq: u64 },
    #[error("frame {seq}: truncated: {have} bytes{}", need.map(|n| format!(" of {n}")).unwrap_or_default())]
    Truncated { seq: u64, have: usize, need: Option<usize> },
    #[error("frame {seq}: damaged: {reason}")]
    Damaged { seq: u64, reason: String },
    #[error("frame {seq}: frame format version {version}, written by a newer TapeBackarr")]
    NewerVersion { seq: u64, version: u8 },
    #[error("raw frames have no boundaries of their own: the part index says where they are")]
    NoBoundaries,
    #[error("frame {seq}: zstd: {reason}")]
    Compress { seq: u64, reason: String },
}

fn damaged(seq: u64, reason: impl Into<String>) -> FrameError {
    FrameError::Damaged { seq, reason: reason.into() }
}

/// The AES-256 key of one set: SHA-256("tapebackarr set key v1\0" ‖ data key ‖ the set
/// UUID's 16 raw bytes). Each set encrypts under its own key, so nonces need to be unique only
/// within a set — which the frame sequence number guarantees — however many sets one data key
/// protects. (A per-set nonce prefix instead would collide by the birthday bound after about
/// 2^16 sets and repeat nonces across them.)
pub fn set_key(key: &[u8; 32], set_uuid: &Uuid) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"tapebackarr set key v1\0");
    h.update(key);
    h.update(set_uuid.as_bytes());
    h.finalize().into()
}

/// The 12-byte AES-GCM nonce of frame `seq`: four zero bytes ‖ seq (u64 big-endian).
pub fn frame_nonce(seq: u64) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[4..].copy_from_slice(&seq.to_be_bytes());
    n
}

fn cipher_for(framing: Framing, key: Option<&[u8; 32]>, set_uuid: &Uuid) -> Result<Option<Aes256Gcm>, FrameError> {
    match (framing, key) {
        (Framing::Aead { .. }, Some(key)) => {
            let mut k = set_key(key, set_uuid);
            let cipher = Aes256Gcm::new(&k.into());
            k.fill(0);
            Ok(Some(cipher))
        }
        (Framing::Aead { .. }, None) => Err(FrameError::MissingKey),
        _ => Ok(None),
    }
}

fn round_up(n: usize, block_size: usize) -> usize {
    n.div_ceil(block_size) * block_size
}

/// The most bytes one frame of at most `frame_size` decoded bytes can occupy on tape: the
/// read buffer a reader needs to hold any frame of the part.
pub fn max_encoded_len(framing: Framing, frame_size: usize, block_size: usize) -> usize {
    match framing {
        Framing::Raw => round_up(frame_size, block_size),
        Framing::Zstd { .. } => round_up(zstd_safe::compress_bound(frame_size), block_size) + block_size,
        Framing::Aead { zstd } => {
            let msg = if zstd.is_some() { zstd_safe::compress_bound(frame_size) } else { frame_size };
            round_up(AEAD_HEADER_LEN + msg + AEAD_TAG_LEN, block_size)
        }
    }
}

/// What [`FrameEncoder::encode`] appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedFrame {
    /// Bytes appended to `out`, padding included: a multiple of the block size except for a
    /// raw part's last frame.
    pub encoded_len: usize,
    /// BLAKE3 of the appended bytes, as the part index records it (`b3sum` of the blocks).
    pub blake3: [u8; 32],
}

/// Encodes frames of one set in one framing. Each worker owns one: it keeps the zstd context
/// and the expanded AES key between frames, and appends into the caller's buffer so nothing
/// is allocated per frame once `out` has grown to a frame's size.
pub struct FrameEncoder {
    framing: Framing,
    block_size: usize,
    compressor: Option<zstd::bulk::Compressor<'static>>,
    cipher: Option<Aes256Gcm>,
}

impl FrameEncoder {
    /// `key` is needed for [`Framing::Aead`] and ignored otherwise.
    pub fn new(
        framing: Framing,
        key: Option<&[u8; 32]>,
        set_uuid: &Uuid,
        block_size: usize,
    ) -> Result<FrameEncoder, FrameError> {
        if block_size < MIN_BLOCK_SIZE {
            return Err(FrameError::BadBlockSize(block_size));
        }
        let compressor = match framing.zstd_level() {
            None => None,
            Some(level) => {
                let zerr = |e: std::io::Error| FrameError::Compress { seq: 0, reason: e.to_string() };
                let mut c = zstd::bulk::Compressor::new(level).map_err(zerr)?;
                c.include_checksum(true).map_err(zerr)?;
                c.include_contentsize(true).map_err(zerr)?;
                Some(c)
            }
        };
        Ok(FrameEncoder { framing, block_size, compressor, cipher: cipher_for(framing, key, set_uuid)? })
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    pub fn block_size(&self) -> usize {
        self.block_size
    }

    /// Appends frame `seq`, holding `decoded`, to `out`. `last` says this is the part's last
    /// frame, the only raw frame allowed to end mid-block; the other framings always pad to
    /// the block boundary (counted from `out.len()` on entry). On error `out` is left as it was.
    pub fn encode(
        &mut self,
        seq: u64,
        decoded: &[u8],
        last: bool,
        out: &mut Vec<u8>,
    ) -> Result<EncodedFrame, FrameError> {
        if decoded.len() > MAX_FRAME_SIZE {
            return Err(FrameError::TooLarge { seq, len: decoded.len() });
        }
        let start = out.len();
        let result = self.encode_inner(seq, decoded, last, start, out);
        match result {
            Ok(()) => {
                let encoded = &out[start..];
                Ok(EncodedFrame { encoded_len: encoded.len(), blake3: *blake3::hash(encoded).as_bytes() })
            }
            Err(e) => {
                out.truncate(start);
                Err(e)
            }
        }
    }

    fn encode_inner(
        &mut self,
        seq: u64,
        decoded: &[u8],
        last: bool,
        start: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), FrameError> {
        let bs = self.block_size;
        match self.framing {
            Framing::Raw => {
                if !last && !decoded.len().is_multiple_of(bs) {
                    return Err(FrameError::RawNotBlockAligned { seq, len: decoded.len(), block_size: bs });
                }
                out.extend_from_slice(decoded);
            }
            Framing::Zstd { .. } => {
                out.reserve(zstd_safe::compress_bound(decoded.len()) + bs + SKIPPABLE_HEADER_LEN);
                self.compress_append(seq, decoded, out)?;
                pad_skippable(out, start, bs);
            }
            Framing::Aead { zstd } => {
                let msg_bound = if zstd.is_some() { zstd_safe::compress_bound(decoded.len()) } else { decoded.len() };
                out.reserve(AEAD_HEADER_LEN + msg_bound + AEAD_TAG_LEN + bs);
                out.extend_from_slice(&[0u8; AEAD_HEADER_LEN]);
                let body = out.len();
                if zstd.is_some() {
                    self.compress_append(seq, decoded, out)?;
                } else {
                    out.extend_from_slice(decoded);
                }
                let ct_len = out.len() - body + AEAD_TAG_LEN;
                let ct_len_u32 = u32::try_from(ct_len).map_err(|_| FrameError::TooLarge { seq, len: ct_len })?;
                let header = aead_header(seq, zstd.is_some(), decoded.len() as u32, ct_len_u32);
                out[start..body].copy_from_slice(&header);
                let cipher = self.cipher.as_ref().ok_or(FrameError::MissingKey)?;
                let nonce = Nonce::<Aes256Gcm>::from(frame_nonce(seq));
                let tag = cipher
                    .encrypt_inout_detached(&nonce, &header, (&mut out[body..]).into())
                    .map_err(|_| FrameError::TooLarge { seq, len: decoded.len() })?;
                out.extend_from_slice(tag.as_slice());
                out.resize(start + round_up(out.len() - start, bs), 0);
            }
        }
        Ok(())
    }

    /// Compresses `decoded` as one zstd frame straight into `out`'s spare capacity.
    fn compress_append(&mut self, seq: u64, decoded: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
        let compressor = self.compressor.as_mut().expect("zstd framing has a compressor");
        out.reserve(zstd_safe::compress_bound(decoded.len()));
        let at = out.len();
        let mut cursor = std::io::Cursor::new(&mut *out);
        cursor.set_position(at as u64);
        let n = compressor
            .compress_to_buffer(decoded, &mut cursor)
            .map_err(|e| FrameError::Compress { seq, reason: e.to_string() })?;
        debug_assert_eq!(out.len(), at + n);
        Ok(())
    }
}

fn aead_header(seq: u64, zstd: bool, plaintext_len: u32, ciphertext_len: u32) -> [u8; AEAD_HEADER_LEN] {
    let mut h = [0u8; AEAD_HEADER_LEN];
    h[..4].copy_from_slice(&AEAD_MAGIC);
    h[4] = AEAD_VERSION;
    h[5] = if zstd { AEAD_FLAG_ZSTD } else { 0 };
    h[8..16].copy_from_slice(&seq.to_be_bytes());
    h[16..20].copy_from_slice(&plaintext_len.to_be_bytes());
    h[20..24].copy_from_slice(&ciphertext_len.to_be_bytes());
    h
}

/// Pads the zstd frame that starts at `out[start]` to a block boundary with a skippable frame.
fn pad_skippable(out: &mut Vec<u8>, start: usize, block_size: usize) {
    let len = out.len() - start;
    let mut missing = (block_size - len % block_size) % block_size;
    if missing == 0 {
        return;
    }
    if missing < SKIPPABLE_HEADER_LEN {
        missing += block_size;
    }
    out.extend_from_slice(&SKIPPABLE_MAGIC.to_le_bytes());
    out.extend_from_slice(&((missing - SKIPPABLE_HEADER_LEN) as u32).to_le_bytes());
    out.resize(out.len() + missing - SKIPPABLE_HEADER_LEN, 0);
}

/// Encodes one frame with a throw-away [`FrameEncoder`]; workers should keep an encoder.
#[allow(clippy::too_many_arguments)]
pub fn encode_frame(
    framing: Framing,
    key: Option<&[u8; 32]>,
    set_uuid: &Uuid,
    seq: u64,
    decoded: &[u8],
    block_size: usize,
    last: bool,
    out: &mut Vec<u8>,
) -> Result<EncodedFrame, FrameError> {
    FrameEncoder::new(framing, key, set_uuid, block_size)?.encode(seq, decoded, last, out)
}

/// The parsed fields of an aead frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AeadHeader {
    pub zstd: bool,
    pub seq: u64,
    pub plaintext_len: u32,
    pub ciphertext_len: u32,
}

impl AeadHeader {
    /// Parses and checks the first 24 bytes of an aead frame; `seq` names the frame in errors.
    pub fn parse(seq: u64, bytes: &[u8]) -> Result<AeadHeader, FrameError> {
        let Some(h) = bytes.get(..AEAD_HEADER_LEN) else {
            return Err(FrameError::Truncated { seq, have: bytes.len(), need: Some(AEAD_HEADER_LEN) });
        };
        if h[..4] != AEAD_MAGIC {
            return Err(damaged(seq, "no TBEF frame header"));
        }
        if h[4] > AEAD_VERSION {
            return Err(FrameError::NewerVersion { seq, version: h[4] });
        }
        if h[4] != AEAD_VERSION {
            return Err(damaged(seq, format!("frame version {}", h[4])));
        }
        if h[5] & !AEAD_FLAG_ZSTD != 0 || h[6] != 0 || h[7] != 0 {
            return Err(damaged(seq, "unknown flags in the frame header"));
        }
        let header = AeadHeader {
            zstd: h[5] & AEAD_FLAG_ZSTD != 0,
            seq: u64::from_be_bytes(h[8..16].try_into().expect("8 bytes")),
            plaintext_len: u32::from_be_bytes(h[16..20].try_into().expect("4 bytes")),
            ciphertext_len: u32::from_be_bytes(h[20..24].try_into().expect("4 bytes")),
        };
        let (pt, ct) = (header.plaintext_len as usize, header.ciphertext_len as usize);
        if pt > MAX_FRAME_SIZE || ct < AEAD_TAG_LEN || (!header.zstd && ct != pt + AEAD_TAG_LEN) {
            return Err(damaged(seq, format!("impossible lengths in the frame header ({pt} decoded, {ct} encrypted)")));
        }
        if header.zstd && ct > zstd_safe::compress_bound(MAX_FRAME_SIZE) + AEAD_TAG_LEN {
            return Err(damaged(seq, format!("impossible encrypted length {ct} in the frame header")));
        }
        Ok(header)
    }

    /// Header plus ciphertext and tag, without padding.
    pub fn unpadded_len(&self) -> usize {
        AEAD_HEADER_LEN + self.ciphertext_len as usize
    }
}

/// How many bytes the frame at the start of `bytes` occupies on tape (padding included, a
/// multiple of `block_size`), so a reader can walk a zstd or aead part frame by frame without
/// the index: `Ok(None)` means more blocks must be read first (a reader gives up when it holds
/// [`max_encoded_len`] bytes). `seq` names the frame in errors. Raw parts need the index.
pub fn frame_extent(framing: Framing, block_size: usize, seq: u64, bytes: &[u8]) -> Result<Option<usize>, FrameError> {
    if block_size < MIN_BLOCK_SIZE {
        return Err(FrameError::BadBlockSize(block_size));
    }
    match framing {
        Framing::Raw => Err(FrameError::NoBoundaries),
        Framing::Aead { .. } => {
            if bytes.len() < AEAD_HEADER_LEN {
                return Ok(None);
            }
            let header = AeadHeader::parse(seq, bytes)?;
            Ok(Some(round_up(header.unpadded_len(), block_size)))
        }
        Framing::Zstd { .. } => {
            let Some(frame_len) = zstd_frame_len(seq, bytes)? else { return Ok(None) };
            if frame_len.is_multiple_of(block_size) {
                return Ok(Some(frame_len));
            }
            let Some(pad) = bytes.get(frame_len..frame_len + SKIPPABLE_HEADER_LEN) else { return Ok(None) };
            let total = frame_len + skippable_len(seq, pad)?;
            if !total.is_multiple_of(block_size) {
                return Err(damaged(seq, format!("the frame's padding ends at byte {total}, not on a block boundary")));
            }
            Ok(Some(total))
        }
    }
}

/// Length of the zstd frame at the start of `bytes`, or `None` when it is not all there.
fn zstd_frame_len(seq: u64, bytes: &[u8]) -> Result<Option<usize>, FrameError> {
    let Some(magic) = bytes.get(..4) else { return Ok(None) };
    if u32::from_le_bytes(magic.try_into().expect("4 bytes")) != ZSTD_MAGIC {
        return Err(damaged(seq, "no zstd frame starts here"));
    }
    match zstd_safe::find_frame_compressed_size(bytes) {
        Ok(n) => Ok(Some(n)),
        Err(code) if zstd_safe::is_error_kind(code, ZSTD_ErrorCode::ZSTD_error_srcSize_wrong) => Ok(None),
        Err(code) => Err(damaged(seq, format!("zstd: {}", zstd_safe::get_error_name(code)))),
    }
}

/// Total length of the skippable frame whose 8-byte header is `header`.
fn skippable_len(seq: u64, header: &[u8]) -> Result<usize, FrameError> {
    if u32::from_le_bytes(header[..4].try_into().expect("4 bytes")) != SKIPPABLE_MAGIC {
        return Err(damaged(seq, "bytes after the zstd frame are not its padding"));
    }
    Ok(SKIPPABLE_HEADER_LEN + u32::from_le_bytes(header[4..8].try_into().expect("4 bytes")) as usize)
}

/// Decodes frames of one set. Keeps the zstd context, the expanded key and a scratch buffer
/// between frames.
pub struct FrameDecoder {
    framing: Framing,
    cipher: Option<Aes256Gcm>,
    dctx: Option<DCtx<'static>>,
    scratch: Vec<u8>,
}

impl FrameDecoder {
    /// `key` is needed for [`Framing::Aead`] and ignored otherwise. The level inside
    /// `framing` does not matter for decoding.
    pub fn new(framing: Framing, key: Option<&[u8; 32]>, set_uuid: &Uuid) -> Result<FrameDecoder, FrameError> {
        let dctx = match framing {
            Framing::Raw => None,
            _ => Some(DCtx::try_create().ok_or(FrameError::Compress { seq: 0, reason: "no memory".into() })?),
        };
        Ok(FrameDecoder { framing, cipher: cipher_for(framing, key, set_uuid)?, dctx, scratch: Vec::new() })
    }

    /// Decodes the frame `encoded` — exactly the bytes the frame occupies, as
    /// [`frame_extent`] or the part index gives them — into `out`, replacing its contents.
    /// `expected_seq` is the frame that belongs here. On error `out` holds nothing
    /// (unauthenticated plaintext is never handed out).
    pub fn decode(&mut self, expected_seq: u64, encoded: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
        out.clear();
        let result = self.decode_inner(expected_seq, encoded, out);
        if result.is_err() {
            out.clear();
        }
        result
    }

    fn decode_inner(&mut self, seq: u64, encoded: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
        match self.framing {
            Framing::Raw => {
                if encoded.len() > MAX_FRAME_SIZE {
                    return Err(FrameError::TooLarge { seq, len: encoded.len() });
                }
                out.extend_from_slice(encoded);
                Ok(())
            }
            Framing::Zstd { .. } => {
                let dctx = self.dctx.as_mut().expect("zstd framing has a context");
                let frame_len = decompress_one(dctx, seq, encoded, out, None)?;
                let pad = &encoded[frame_len..];
                if pad.is_empty() {
                    return Ok(());
                }
                let Some(header) = pad.get(..SKIPPABLE_HEADER_LEN) else {
                    return Err(damaged(seq, format!("{} stray bytes after the zstd frame", pad.len())));
                };
                let need = skippable_len(seq, header)?;
                if need > pad.len() {
                    return Err(FrameError::Truncated { seq, have: encoded.len(), need: Some(frame_len + need) });
                }
                if need < pad.len() {
                    return Err(damaged(seq, format!("{} bytes after the frame's padding", pad.len() - need)));
                }
                // We pad with zeros: anything else is damage (harmless to the data, but a sign
                // of a failing tape that verify must report).
                if !is_zero(&pad[SKIPPABLE_HEADER_LEN..]) {
                    return Err(damaged(seq, "non-zero bytes in the frame's padding"));
                }
                Ok(())
            }
            Framing::Aead { .. } => self.decode_aead(seq, encoded, out),
        }
    }

    fn decode_aead(&mut self, seq: u64, encoded: &[u8], out: &mut Vec<u8>) -> Result<(), FrameError> {
        let header = AeadHeader::parse(seq, encoded)?;
        let end = header.unpadded_len();
        if encoded.len() < end {
            return Err(FrameError::Truncated { seq, have: encoded.len(), need: Some(end) });
        }
        if !is_zero(&encoded[end..]) {
            return Err(damaged(seq, "non-zero bytes in the frame's padding"));
        }
        let aad = &encoded[..AEAD_HEADER_LEN];
        let (msg, tag) = encoded[AEAD_HEADER_LEN..end].split_at(end - AEAD_HEADER_LEN - AEAD_TAG_LEN);
        let tag = Tag::<Aes256Gcm>::try_from(tag).expect("16-byte tag");
        let cipher = self.cipher.as_ref().ok_or(FrameError::MissingKey)?;
        // Decrypt into `out` directly when there is nothing to decompress, else via scratch.
        let buf = if header.zstd { &mut self.scratch } else { &mut *out };
        buf.clear();
        buf.extend_from_slice(msg);
        let nonce = Nonce::<Aes256Gcm>::from(frame_nonce(header.seq));
        let authentic = cipher.decrypt_inout_detached(&nonce, aad, buf.as_mut_slice().into(), &tag).is_ok();
        if header.seq != seq {
            buf.clear();
            // Authentic under its own number: a real frame of this set, in the wrong place.
            return Err(if authentic {
                FrameError::WrongSequence { expected: seq, found: header.seq }
            } else {
                FrameError::Authentication { seq }
            });
        }
        if !authentic {
            buf.clear();
            return Err(FrameError::Authentication { seq });
        }
        if header.zstd {
            let dctx = self.dctx.as_mut().expect("aead framing has a context");
            let n = decompress_one(dctx, seq, &self.scratch, out, Some(header.plaintext_len as usize))?;
            if n != self.scratch.len() {
                return Err(damaged(seq, "bytes after the zstd frame inside the encryption"));
            }
        }
        Ok(())
    }
}

/// Decompresses the zstd frame at the start of `src` into `out` (which must be empty) and
/// returns the frame's compressed length. `expect_len`, when given, is the decoded length the
/// frame must have.
fn decompress_one(
    dctx: &mut DCtx<'static>,
    seq: u64,
    src: &[u8],
    out: &mut Vec<u8>,
    expect_len: Option<usize>,
) -> Result<usize, FrameError> {
    let Some(frame_len) = zstd_frame_len(seq, src)? else {
        return Err(FrameError::Truncated { seq, have: src.len(), need: None });
    };
    let frame = &src[..frame_len];
    // Frame header descriptor, right after the magic: without the checksum flag, damage in the
    // data could go unnoticed, and TapeBackarr always sets it.
    if frame[4] & ZSTD_CHECKSUM_FLAG == 0 {
        return Err(damaged(seq, "zstd frame without a content checksum"));
    }
    let size = match zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) if size <= MAX_FRAME_SIZE as u64 => size as usize,
        Ok(Some(size)) => return Err(damaged(seq, format!("zstd frame claims {size} decoded bytes"))),
        Ok(None) | Err(_) => return Err(damaged(seq, "zstd frame without a content size")),
    };
    if expect_len.is_some_and(|n| n != size) {
        return Err(damaged(seq, format!("zstd frame of {size} decoded bytes, the header says {expect_len:?}")));
    }
    out.clear();
    out.reserve_exact(size);
    match dctx.decompress(out, frame) {
        Ok(n) if n == size => Ok(frame_len),
        Ok(n) => Err(damaged(seq, format!("zstd frame decoded to {n} bytes, not {size}"))),
        Err(code) if zstd_safe::is_error_kind(code, ZSTD_ErrorCode::ZSTD_error_checksum_wrong) => {
            Err(FrameError::Checksum { seq })
        }
        Err(code) => Err(damaged(seq, format!("zstd: {}", zstd_safe::get_error_name(code)))),
    }
}

/// Whether every byte is zero, a word at a time.
fn is_zero(bytes: &[u8]) -> bool {
    let (words, rest) = bytes.as_chunks::<8>();
    words.iter().all(|w| u64::from_ne_bytes(*w) == 0) && rest.iter().all(|b| *b == 0)
}

/// Decodes one frame with a throw-away [`FrameDecoder`]; readers should keep a decoder.
pub fn decode_frame(
    framing: Framing,
    key: Option<&[u8; 32]>,
    set_uuid: &Uuid,
    expected_seq: u64,
    encoded: &[u8],
) -> Result<Vec<u8>, FrameError> {
    let mut out = Vec::new();
    FrameDecoder::new(framing, key, set_uuid)?.decode(expected_seq, encoded, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Read;

    const KEY: [u8; 32] = [0x42; 32];
    const BS: usize = 4096;

    fn set() -> Uuid {
        Uuid::from_bytes([7; 16])
    }

    fn all_framings() -> [Framing; 5] {
        [
            Framing::Raw,
            Framing::Zstd { level: 1 },
            Framing::Zstd { level: 3 },
            Framing::Aead { zstd: None },
            Framing::Aead { zstd: Some(1) },
        ]
    }

    /// Compressible, but not trivially: text with a counter, some random-looking bytes.
    fn sample(len: usize, salt: u64) -> Vec<u8> {
        let mut v = Vec::with_capacity(len + 64);
        let mut x = salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut i = 0u64;
        while v.len() < len {
            if i.is_multiple_of(4) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                v.extend_from_slice(&x.to_le_bytes());
            } else {
                v.extend_from_slice(format!("line {i} of the sample\n").as_bytes());
            }
            i += 1;
        }
        v.truncate(len);
        v
    }

    /// Incompressible bytes.
    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    fn roundtrip(framing: Framing, data: &[u8], bs: usize, last: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let enc = encode_frame(framing, Some(&KEY), &set(), 5, data, bs, last, &mut out).unwrap();
        assert_eq!(enc.encoded_len, out.len());
        assert_eq!(enc.blake3, *blake3::hash(&out).as_bytes());
        if !(framing == Framing::Raw && last) {
            assert_eq!(out.len() % bs, 0, "{framing:?} {} bytes", data.len());
        }
        if framing != Framing::Raw {
            assert_eq!(frame_extent(framing, bs, 5, &out).unwrap(), Some(out.len()));
        }
        let back = decode_frame(framing, Some(&KEY), &set(), 5, &out).unwrap();
        assert_eq!(back, data, "{framing:?}");
        out
    }

    #[test]
    fn identity_for_all_framings_and_edge_sizes() {
        for framing in all_framings() {
            for len in [0, 1, BS - 1, BS, BS + 1, 3 * BS, 100_000] {
                let data = sample(len, len as u64);
                let last = !len.is_multiple_of(BS);
                roundtrip(framing, &data, BS, last);
            }
        }
    }

    #[test]
    fn raw_frames_are_whole_blocks_unless_last() {
        let mut out = Vec::new();
        let err = encode_frame(Framing::Raw, None, &set(), 0, &[1; 100], 512, false, &mut out).unwrap_err();
        assert!(matches!(err, FrameError::RawNotBlockAligned { len: 100, .. }));
        assert!(out.is_empty());
        let enc = encode_frame(Framing::Raw, None, &set(), 0, &[1; 100], 512, true, &mut out).unwrap();
        assert_eq!(enc.encoded_len, 100);
        assert_eq!(frame_extent(Framing::Raw, 512, 0, &out), Err(FrameError::NoBoundaries));
    }

    #[test]
    fn zstd_padding_covers_every_remainder() {
        // Incompressible input of every length around a block makes the zstd frame end at
        // every offset near the boundary, including 1-7 bytes short of it (a whole extra block).
        let bs = 256;
        let mut enc = FrameEncoder::new(Framing::Zstd { level: 1 }, None, &set(), bs).unwrap();
        let mut dec = FrameDecoder::new(Framing::Zstd { level: 1 }, None, &set()).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        let (mut out, mut back) = (Vec::new(), Vec::new());
        for len in 0..3 * bs {
            let data = noise(len, 99);
            out.clear();
            enc.encode(len as u64, &data, false, &mut out).unwrap();
            assert_eq!(out.len() % bs, 0);
            let zlen = zstd_safe::find_frame_compressed_size(&out).unwrap();
            seen.insert(zlen % bs);
            if !zlen.is_multiple_of(bs) && bs - zlen % bs < 8 {
                assert!(out.len() - zlen > bs, "a short gap gets a whole extra block");
            }
            dec.decode(len as u64, &out, &mut back).unwrap();
            assert_eq!(back, data);
        }
        assert!((bs - 7..bs).all(|r| seen.contains(&r)), "remainders covered: {seen:?}");
        assert!(seen.contains(&0));
    }

    #[test]
    fn aead_layout_is_as_documented() {
        let uuid = Uuid::parse_str("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").unwrap();
        let mut out = Vec::new();
        encode_frame(Framing::Aead { zstd: None }, Some(&KEY), &uuid, 0x0102, b"hello", 512, false, &mut out).unwrap();
        assert_eq!(out.len(), 512);
        assert_eq!(&out[..8], b"TBEF\x01\x00\x00\x00");
        assert_eq!(&out[8..16], &0x0102u64.to_be_bytes());
        assert_eq!(&out[16..20], &5u32.to_be_bytes());
        assert_eq!(&out[20..24], &21u32.to_be_bytes());
        assert!(out[24 + 21..].iter().all(|b| *b == 0));
        // Independently: the set key from SHA-256 over the domain, key and the 16 raw UUID
        // bytes; nonce = 4 zero bytes ‖ seq; AAD = header.
        let mut kdf = Sha256::new();
        kdf.update(b"tapebackarr set key v1\0");
        kdf.update(KEY);
        kdf.update(hex_bytes("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
        let set_key = kdf.finalize();
        let mut nonce = [0u8; 12];
        nonce[4..].copy_from_slice(&0x0102u64.to_be_bytes());
        use aes_gcm::aead::{Aead, Payload};
        let cipher = Aes256Gcm::new_from_slice(&set_key).unwrap();
        let pt =
            cipher.decrypt(&Nonce::<Aes256Gcm>::from(nonce), Payload { msg: &out[24..45], aad: &out[..24] }).unwrap();
        assert_eq!(pt, b"hello");
        // With zstd inside: flag set, plaintext length = decoded length.
        out.clear();
        let data = sample(10_000, 1);
        encode_frame(Framing::Aead { zstd: Some(3) }, Some(&KEY), &uuid, 9, &data, 512, false, &mut out).unwrap();
        assert_eq!(out[5], AEAD_FLAG_ZSTD);
        assert_eq!(&out[16..20], &10_000u32.to_be_bytes());
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn aead_detects_every_single_flipped_byte() {
        for framing in [Framing::Aead { zstd: None }, Framing::Aead { zstd: Some(1) }] {
            let data = sample(700, 3);
            let mut out = Vec::new();
            encode_frame(framing, Some(&KEY), &set(), 11, &data, 1024, false, &mut out).unwrap();
            let mut dec = FrameDecoder::new(framing, Some(&KEY), &set()).unwrap();
            let mut back = Vec::new();
            for i in 0..out.len() {
                for flip in [0x01u8, 0x80, 0xff] {
                    let mut bad = out.clone();
                    bad[i] ^= flip;
                    let err = dec.decode(11, &bad, &mut back).unwrap_err();
                    assert!(back.is_empty());
                    if i >= 24 {
                        assert!(
                            matches!(err, FrameError::Authentication { seq: 11 } | FrameError::Damaged { seq: 11, .. }),
                            "byte {i}: {err:?}"
                        );
                    }
                }
            }
            dec.decode(11, &out, &mut back).unwrap();
            assert_eq!(back, data);
        }
    }

    #[test]
    fn aead_names_repeated_reordered_foreign_and_truncated_frames() {
        let framing = Framing::Aead { zstd: Some(1) };
        let mut dec = FrameDecoder::new(framing, Some(&KEY), &set()).unwrap();
        let mut enc = FrameEncoder::new(framing, Some(&KEY), &set(), 512).unwrap();
        let frames: Vec<Vec<u8>> = (0..3u64)
            .map(|seq| {
                let mut out = Vec::new();
                enc.encode(seq, &sample(2000, seq), false, &mut out).unwrap();
                out
            })
            .collect();
        let mut back = Vec::new();
        // 0, 1, 1 (repeated), then 0 where 2 belongs (reordered).
        dec.decode(0, &frames[0], &mut back).unwrap();
        dec.decode(1, &frames[1], &mut back).unwrap();
        assert_eq!(dec.decode(2, &frames[1], &mut back), Err(FrameError::WrongSequence { expected: 2, found: 1 }));
        assert_eq!(dec.decode(2, &frames[0], &mut back), Err(FrameError::WrongSequence { expected: 2, found: 0 }));
        // A frame with its sequence number rewritten does not authenticate.
        let mut forged = frames[0].clone();
        forged[8..16].copy_from_slice(&2u64.to_be_bytes());
        assert_eq!(dec.decode(2, &forged, &mut back), Err(FrameError::Authentication { seq: 2 }));
        // Another set, or another key: same number, no authentication.
        let mut other = FrameDecoder::new(framing, Some(&KEY), &Uuid::from_bytes([8; 16])).unwrap();
        assert_eq!(other.decode(0, &frames[0], &mut back), Err(FrameError::Authentication { seq: 0 }));
        let mut wrong_key = FrameDecoder::new(framing, Some(&[1; 32]), &set()).unwrap();
        assert_eq!(wrong_key.decode(0, &frames[0], &mut back), Err(FrameError::Authentication { seq: 0 }));
        // Truncated anywhere before the end of the tag.
        let unpadded = AeadHeader::parse(0, &frames[0]).unwrap().unpadded_len();
        for cut in [0, 10, 23, 24, 100, unpadded - 1] {
            assert!(
                matches!(dec.decode(0, &frames[0][..cut], &mut back), Err(FrameError::Truncated { seq: 0, .. })),
                "cut at {cut}"
            );
        }
        assert_eq!(frame_extent(framing, 512, 0, &frames[0][..23]), Ok(None));
        assert_eq!(frame_extent(framing, 512, 0, &frames[0][..24]), Ok(Some(frames[0].len())));
        // A newer frame version is named as such.
        let mut newer = frames[0].clone();
        newer[4] = 2;
        assert_eq!(dec.decode(0, &newer, &mut back), Err(FrameError::NewerVersion { seq: 0, version: 2 }));
        assert_eq!(FrameDecoder::new(framing, None, &set()).err(), Some(FrameError::MissingKey));
    }

    #[test]
    fn zstd_names_checksum_failure_damage_and_truncation() {
        let framing = Framing::Zstd { level: 3 };
        let data = sample(50_000, 4);
        let mut out = Vec::new();
        encode_frame(framing, None, &set(), 0, &data, 4096, false, &mut out).unwrap();
        let zlen = zstd_safe::find_frame_compressed_size(&out).unwrap();
        // The last 4 bytes of the zstd frame are the content checksum.
        let mut bad = out.clone();
        bad[zlen - 2] ^= 0x10;
        assert_eq!(decode_frame(framing, None, &set(), 7, &bad), Err(FrameError::Checksum { seq: 7 }));
        // Flips in the compressed data: each one is an error, unless zstd does not need that
        // bit and the frame still decodes to exactly the original (never to other bytes).
        for i in (4..zlen).step_by(37) {
            let mut bad = out.clone();
            bad[i] ^= 0x01;
            match decode_frame(framing, None, &set(), 7, &bad) {
                Ok(back) => assert_eq!(back, data, "byte {i} flipped and decoded to something else"),
                Err(e) => assert!(!matches!(e, FrameError::WrongSequence { .. }), "{e}"),
            }
        }
        for cut in [0, 3, 10, zlen / 2, zlen - 1] {
            assert!(
                matches!(
                    decode_frame(framing, None, &set(), 7, &out[..cut]),
                    Err(FrameError::Truncated { seq: 7, .. })
                ),
                "cut at {cut}"
            );
            assert_eq!(frame_extent(framing, 4096, 7, &out[..cut]), Ok(None), "cut at {cut}");
        }
        if zlen + 8 < out.len() {
            assert!(matches!(
                decode_frame(framing, None, &set(), 7, &out[..zlen + 8]),
                Err(FrameError::Truncated { seq: 7, .. })
            ));
        }
        assert!(matches!(decode_frame(framing, None, &set(), 7, &[0u8; 4096]), Err(FrameError::Damaged { .. })));
    }

    /// Frames laid end to end, as on tape.
    fn encode_stream(framing: Framing, chunks: &[Vec<u8>], bs: usize) -> Vec<u8> {
        let mut enc = FrameEncoder::new(framing, Some(&KEY), &set(), bs).unwrap();
        let mut tape = Vec::new();
        for (seq, chunk) in chunks.iter().enumerate() {
            enc.encode(seq as u64, chunk, seq + 1 == chunks.len(), &mut tape).unwrap();
        }
        tape
    }

    fn chunks() -> Vec<Vec<u8>> {
        [0, 1, 8000, 4096, 4089, 30_000, 12_345].iter().enumerate().map(|(i, n)| sample(*n, i as u64)).collect()
    }

    #[test]
    fn zstd_frames_concatenated_decode_as_one_stream() {
        let chunks = chunks();
        let tape = encode_stream(Framing::Zstd { level: 3 }, &chunks, 4096);
        let mut decoded = Vec::new();
        zstd::stream::read::Decoder::new(&tape[..]).unwrap().read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, chunks.concat());
    }

    #[test]
    fn walking_frames_without_the_index() {
        let chunks = chunks();
        for framing in [Framing::Zstd { level: 1 }, Framing::Aead { zstd: None }, Framing::Aead { zstd: Some(1) }] {
            let tape = encode_stream(framing, &chunks, 4096);
            let mut dec = FrameDecoder::new(framing, Some(&KEY), &set()).unwrap();
            let (mut at, mut seq, mut back) = (0, 0u64, Vec::new());
            while at < tape.len() {
                // A reader holds whole blocks: give it one more block until the extent is known.
                let mut have = 4096;
                let extent = loop {
                    match frame_extent(framing, 4096, seq, &tape[at..(at + have).min(tape.len())]).unwrap() {
                        Some(n) => break n,
                        None => have += 4096,
                    }
                };
                dec.decode(seq, &tape[at..at + extent], &mut back).unwrap();
                assert_eq!(back, chunks[seq as usize], "{framing:?} frame {seq}");
                at += extent;
                seq += 1;
            }
            assert_eq!(seq as usize, chunks.len());
        }
    }

    #[test]
    fn zstd_cli_reads_the_data_file() {
        let Ok(status) = std::process::Command::new("zstd").arg("--version").output() else {
            eprintln!("\n!!!!! NOTE: the `zstd` program is not on PATH: the `zstd -dc` check was SKIPPED !!!!!\n");
            return;
        };
        assert!(status.status.success());
        let chunks = chunks();
        let tape = encode_stream(Framing::Zstd { level: 3 }, &chunks, 4096);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("part.zst");
        std::fs::write(&file, &tape).unwrap();
        let out = std::process::Command::new("zstd").arg("-dc").arg(&file).output().unwrap();
        assert!(out.status.success(), "zstd -dc failed: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout, chunks.concat());
    }

    #[test]
    fn encoder_is_reusable_and_appends() {
        let mut enc = FrameEncoder::new(Framing::Aead { zstd: Some(1) }, Some(&KEY), &set(), 512).unwrap();
        let mut out = vec![0xAA; 512];
        let a = enc.encode(0, b"one", false, &mut out).unwrap();
        let b = enc.encode(1, b"two", false, &mut out).unwrap();
        assert_eq!(out.len(), 512 + a.encoded_len + b.encoded_len);
        let second = &out[512 + a.encoded_len..];
        assert_eq!(decode_frame(enc.framing(), Some(&KEY), &set(), 1, second).unwrap(), b"two");
        assert!(FrameEncoder::new(Framing::Raw, None, &set(), 10).is_err());
        assert!(max_encoded_len(Framing::Aead { zstd: Some(1) }, DEFAULT_FRAME_SIZE, 1 << 18) > DEFAULT_FRAME_SIZE);
    }

    #[test]
    fn framing_fields_round_trip() {
        for framing in all_framings() {
            assert_eq!(Framing::from_fields(framing.name(), &framing.compression()), Ok(framing));
        }
        assert!(Framing::from_fields("raw", "zstd:3").is_err());
        assert!(Framing::from_fields("zstd", "none").is_err());
        assert!(Framing::from_fields("gzip", "none").is_err());
    }

    fn framing_strategy() -> impl Strategy<Value = Framing> {
        prop_oneof![
            Just(Framing::Raw),
            (1..4i32).prop_map(|level| Framing::Zstd { level }),
            Just(Framing::Aead { zstd: None }),
            (1..4i32).prop_map(|level| Framing::Aead { zstd: Some(level) }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn encode_decode_is_identity(
            framing in framing_strategy(),
            bs in prop_oneof![Just(64usize), 64usize..2000, Just(512), Just(4096)],
            blocks in 0usize..8,
            extra in 0usize..600,
            compressible in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let len = blocks * bs + extra;
            let data = if compressible { sample(len, seed) } else { noise(len, seed) };
            let last = !len.is_multiple_of(bs);
            let mut out = Vec::new();
            let enc = encode_frame(framing, Some(&KEY), &set(), seed, &data, bs, last, &mut out).unwrap();
            prop_assert_eq!(enc.encoded_len, out.len());
            if framing != Framing::Raw || !last {
                prop_assert_eq!(out.len() % bs, 0);
            }
            if framing != Framing::Raw {
                prop_assert_eq!(frame_extent(framing, bs, seed, &out).unwrap(), Some(out.len()));
            }
            prop_assert_eq!(decode_frame(framing, Some(&KEY), &set(), seed, &out).unwrap(), data);
        }

        #[test]
        fn aead_flip_anywhere_is_detected(len in 0usize..3000, at in any::<prop::sample::Index>(), flip in 1u8..=255, zstd in any::<bool>()) {
            let framing = Framing::Aead { zstd: zstd.then_some(1) };
            let data = sample(len, len as u64);
            let mut out = Vec::new();
            encode_frame(framing, Some(&KEY), &set(), 3, &data, 512, false, &mut out).unwrap();
            let i = at.index(out.len());
            out[i] ^= flip;
            prop_assert!(decode_frame(framing, Some(&KEY), &set(), 3, &out).is_err());
        }
    }
}
