//! Parameter data: what INQUIRY, MODE SENSE, READ POSITION and READ BLOCK LIMITS return, and
//! what MODE SELECT takes. Byte offsets are commented with their field names (SPC-4, SSC-3).

use crate::tape::{Result, TapeError};

fn short(what: &str, need: usize, got: usize) -> TapeError {
    TapeError::Other(format!("{what}: the drive returned {got} bytes, at least {need} needed"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim_matches(|c: char| c == ' ' || c == '\0').to_string()
}

/// Peripheral device type of a sequential-access (tape) device.
pub const TYPE_TAPE: u8 = 0x01;

/// Standard INQUIRY data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inquiry {
    /// Byte 0 bits 7-5.
    pub qualifier: u8,
    /// Byte 0 bits 4-0: 0x01 = sequential access (tape), 0x08 = medium changer.
    pub device_type: u8,
    /// Byte 1 bit 7 RMB.
    pub removable: bool,
    /// Bytes 8-15 T10 VENDOR IDENTIFICATION.
    pub vendor: String,
    /// Bytes 16-31 PRODUCT IDENTIFICATION.
    pub product: String,
    /// Bytes 32-35 PRODUCT REVISION LEVEL.
    pub revision: String,
}

impl Inquiry {
    pub fn parse(b: &[u8]) -> Result<Inquiry> {
        if b.len() < 36 {
            return Err(short("INQUIRY data", 36, b.len()));
        }
        Ok(Inquiry {
            qualifier: b[0] >> 5,
            device_type: b[0] & 0x1F,
            removable: b[1] & 0x80 != 0,
            vendor: text(&b[8..16]),
            product: text(&b[16..32]),
            revision: text(&b[32..36]),
        })
    }
}

/// VPD page 0x80 (unit serial number): byte 1 page code, bytes 2-3 page length, then ASCII.
pub fn parse_unit_serial(b: &[u8]) -> Result<String> {
    if b.len() < 4 || b[1] != 0x80 {
        return Err(TapeError::Other("INQUIRY VPD 0x80: not a unit serial number page".into()));
    }
    let len = u16::from_be_bytes([b[2], b[3]]) as usize;
    Ok(text(&b[4..(4 + len).min(b.len())]))
}

/// A MODE SENSE(6) reply: 4-byte header, optional 8-byte block descriptor, then pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeData {
    /// Header byte 1: MEDIUM TYPE.
    pub medium_type: u8,
    /// Header byte 2: DEVICE-SPECIFIC PARAMETER; for tapes bit 7 WP, bits 6-4 BUFFERED
    /// MODE, bits 3-0 SPEED.
    pub device_specific: u8,
    pub block_descriptor: Option<BlockDescriptor>,
    /// The mode pages that followed, as returned.
    pub pages: Vec<u8>,
}

/// A short (8-byte) mode parameter block descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockDescriptor {
    /// Byte 0: DENSITY CODE (0x5E = LTO-8, …; 0 = default).
    pub density: u8,
    /// Bytes 1-3: NUMBER OF BLOCKS (0 = all remaining).
    pub blocks: u32,
    /// Bytes 5-7: BLOCK LENGTH (0 = variable-block mode).
    pub block_len: u32,
}

impl ModeData {
    pub fn parse(b: &[u8]) -> Result<ModeData> {
        if b.len() < 4 {
            return Err(short("MODE SENSE(6) data", 4, b.len()));
        }
        // Byte 0: MODE DATA LENGTH, not counting itself.
        let total = (b[0] as usize + 1).min(b.len());
        // Byte 3: BLOCK DESCRIPTOR LENGTH.
        let bd_len = b[3] as usize;
        if 4 + bd_len > total {
            return Err(TapeError::Other(format!(
                "MODE SENSE(6) data: block descriptor length {bd_len} overruns the {total} bytes returned"
            )));
        }
        let block_descriptor = (bd_len >= 8).then(|| {
            let d = &b[4..12];
            BlockDescriptor {
                density: d[0],
                blocks: u32::from_be_bytes([0, d[1], d[2], d[3]]),
                // d[4] is reserved.
                block_len: u32::from_be_bytes([0, d[5], d[6], d[7]]),
            }
        });
        Ok(ModeData {
            medium_type: b[1],
            device_specific: b[2],
            block_descriptor,
            pages: b[4 + bd_len..total].to_vec(),
        })
    }

    /// Device-specific parameter bit 7: the loaded medium is write-protected.
    pub fn write_protected(&self) -> bool {
        self.device_specific & 0x80 != 0
    }

    /// Device-specific parameter bits 6-4: BUFFERED MODE (what MODE SELECT echoes back).
    pub fn buffered_mode(&self) -> u8 {
        (self.device_specific >> 4) & 0x07
    }

    /// The bytes of page `code` (page header included), if the reply holds it.
    pub fn page(&self, code: u8) -> Option<&[u8]> {
        let mut p = &self.pages[..];
        while p.len() >= 2 {
            // Page byte 0: PS (7), SPF (6), PAGE CODE (5-0); byte 1: PAGE LENGTH
            // (SPF = 1 would mean a 4-byte sub-page header; tapes use none here).
            let len = if p[0] & 0x40 != 0 {
                if p.len() < 4 {
                    return None;
                }
                4 + u16::from_be_bytes([p[2], p[3]]) as usize
            } else {
                2 + p[1] as usize
            };
            if p[0] & 0x3F == code {
                return Some(&p[..len.min(p.len())]);
            }
            p = &p[len.min(p.len())..];
        }
        None
    }
}

/// The parameter list for MODE SELECT(6) setting only the block length (and density).
/// `buffered_mode` is echoed from MODE SENSE so that a select does not turn buffering off.
pub fn select_block_length(density: u8, block_len: u32, buffered_mode: u8) -> [u8; 12] {
    [
        0x00,                        // 0: MODE DATA LENGTH (reserved in MODE SELECT: 0)
        0x00,                        // 1: MEDIUM TYPE (0 = default)
        (buffered_mode & 0x07) << 4, // 2: device-specific: WP 0 (ignored), BUFFERED MODE, SPEED 0
        0x08,                        // 3: BLOCK DESCRIPTOR LENGTH: one 8-byte descriptor
        density,                     // 4: DENSITY CODE (the current one, echoed)
        0x00,                        // 5: NUMBER OF BLOCKS (MSB): 0 = all of the medium
        0x00,                        // 6: NUMBER OF BLOCKS
        0x00,                        // 7: NUMBER OF BLOCKS (LSB)
        0x00,                        // 8: reserved
        (block_len >> 16) as u8,     // 9: BLOCK LENGTH (MSB): 0 = variable-block mode
        (block_len >> 8) as u8,      // 10: BLOCK LENGTH
        block_len as u8,             // 11: BLOCK LENGTH (LSB)
    ]
}

/// Mode page 0x0F, data compression (SSC-3): byte 2 bit 7 DCE (compression enabled), bit 6
/// DCC (the drive can compress).
pub const PAGE_COMPRESSION: u8 = 0x0F;

/// Whether page 0x0F says the drive is capable of compression (DCC).
pub fn compression_capable(page: &[u8]) -> bool {
    page.len() > 2 && page[2] & 0x40 != 0
}

/// Whether page 0x0F says compression is enabled (DCE).
pub fn compression_enabled(page: &[u8]) -> bool {
    page.len() > 2 && page[2] & 0x80 != 0
}

/// The MODE SELECT(6) parameter list that turns compression on or off: a header without block
/// descriptor, then page 0x0F as MODE SENSE returned it with DCE changed and PS cleared.
pub fn select_compression(current_page: &[u8], buffered_mode: u8, on: bool) -> Result<Vec<u8>> {
    if current_page.len() < 4 || current_page[0] & 0x3F != PAGE_COMPRESSION {
        return Err(TapeError::Other("MODE SENSE returned no usable data compression page".into()));
    }
    let mut v = vec![
        0x00,                        // 0: MODE DATA LENGTH (reserved in MODE SELECT: 0)
        0x00,                        // 1: MEDIUM TYPE
        (buffered_mode & 0x07) << 4, // 2: device-specific: BUFFERED MODE echoed
        0x00,                        // 3: BLOCK DESCRIPTOR LENGTH: none
    ];
    let mut page = current_page.to_vec();
    page[0] &= 0x3F; // byte 0 bit 7 PS (parameters savable) is reserved in MODE SELECT
    if on {
        page[2] |= 0x80; // byte 2 bit 7 DCE = 1
    } else {
        page[2] &= !0x80; // byte 2 bit 7 DCE = 0
    }
    v.extend_from_slice(&page);
    if v.len() > 255 {
        return Err(TapeError::Other("data compression page too long for MODE SELECT(6)".into()));
    }
    Ok(v)
}

/// READ BLOCK LIMITS data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockLimits {
    /// Byte 0 bits 4-0 GRANULARITY: block lengths must be multiples of 2^granularity.
    pub granularity: u8,
    /// Bytes 1-3 MAXIMUM BLOCK LENGTH LIMIT (0 = not specified).
    pub max: u32,
    /// Bytes 4-5 MINIMUM BLOCK LENGTH LIMIT.
    pub min: u16,
}

impl BlockLimits {
    pub fn parse(b: &[u8]) -> Result<BlockLimits> {
        if b.len() < 6 {
            return Err(short("READ BLOCK LIMITS data", 6, b.len()));
        }
        Ok(BlockLimits {
            granularity: b[0] & 0x1F,
            max: u32::from_be_bytes([0, b[1], b[2], b[3]]),
            min: u16::from_be_bytes([b[4], b[5]]),
        })
    }
}

/// A position as the drive reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrivePosition {
    /// At the beginning of the partition (BOP).
    pub bop: bool,
    /// At or past the end of the partition (EOP).
    pub eop: bool,
    /// Past the programmable early warning (BPEW).
    pub past_early_warning: bool,
    /// The logical object (block) the next READ or WRITE transfers; filemarks count.
    pub block: u64,
    /// Filemarks before `block` (long form only).
    pub file: Option<u64>,
}

/// READ POSITION short form (20 bytes). Returns `None` where the drive says it does not know
/// the block position (BPU/LOLU), or where the reply contradicts itself (block 0 without BOP):
/// that is how tgt's stub answers (byte 0 = 0x14: BYCU | LOLU, every field 0).
pub fn parse_position_short(b: &[u8]) -> Result<Option<DrivePosition>> {
    if b.len() < 20 {
        return Err(short("READ POSITION (short form) data", 20, b.len()));
    }
    // Byte 0: BOP (7), EOP (6), LOCU (5), BYCU (4), reserved (3), LOLU/BPU (2), PERR (1),
    // BPEW (0).
    let flags = b[0];
    let bop = flags & 0x80 != 0;
    if flags & 0x04 != 0 {
        return Ok(None);
    }
    // Bytes 4-7: FIRST LOGICAL OBJECT LOCATION (the next block to transfer).
    let block = u32::from_be_bytes([b[4], b[5], b[6], b[7]]) as u64;
    if (block == 0) != bop {
        return Ok(None);
    }
    Ok(Some(DrivePosition { bop, eop: flags & 0x40 != 0, past_early_warning: flags & 0x01 != 0, block, file: None }))
}

/// READ POSITION long form (32 bytes); `None` as for the short form (tgt answers 0x20, then
/// zeros: block 0 without BOP).
pub fn parse_position_long(b: &[u8]) -> Result<Option<DrivePosition>> {
    if b.len() < 32 {
        return Err(short("READ POSITION (long form) data", 32, b.len()));
    }
    // Byte 0: BOP (7), EOP (6), reserved (5-4), MPU (3), LONU (2), reserved (1), BPEW (0).
    let flags = b[0];
    let bop = flags & 0x80 != 0;
    if flags & 0x04 != 0 {
        return Ok(None);
    }
    // Bytes 4-7: PARTITION NUMBER; 8-15: LOGICAL OBJECT NUMBER; 16-23: LOGICAL FILE
    // IDENTIFIER; 24-31: LOGICAL SET IDENTIFIER.
    let block = u64::from_be_bytes(b[8..16].try_into().expect("8 bytes"));
    let file = u64::from_be_bytes(b[16..24].try_into().expect("8 bytes"));
    if (block == 0) != bop {
        return Ok(None);
    }
    let file = (flags & 0x08 == 0).then_some(file); // MPU: mark position unknown
    Ok(Some(DrivePosition { bop, eop: flags & 0x40 != 0, past_early_warning: flags & 0x01 != 0, block, file }))
}

/// The name of a density code where it is an LTO generation.
pub fn density_name(code: u8) -> Option<&'static str> {
    Some(match code {
        0x40 => "LTO-1",
        0x42 => "LTO-2",
        0x44 => "LTO-3",
        0x46 => "LTO-4",
        0x58 => "LTO-5",
        0x5A => "LTO-6",
        0x5C => "LTO-7",
        0x5D => "LTO-7 Type M (M8)",
        0x5E => "LTO-8",
        0x60 => "LTO-9",
        _ => return None,
    })
}

/// Native (uncompressed) capacity of an LTO generation's cartridge, by density code.
pub fn density_capacity(code: u8) -> Option<u64> {
    const GB: u64 = 1_000_000_000;
    Some(match code {
        0x40 => 100 * GB,
        0x42 => 200 * GB,
        0x44 => 400 * GB,
        0x46 => 800 * GB,
        0x58 => 1_500 * GB,
        0x5A => 2_500 * GB,
        0x5C => 6_000 * GB,
        0x5D => 9_000 * GB,
        0x5E => 12_000 * GB,
        0x60 => 18_000 * GB,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured from tgt 1.0.85 (start-vtl.sh, LUN 4), see tests/fixtures/sense/tgt-1.0.85.txt.
    const TGT_INQUIRY: &[u8] = &[
        0x01, 0x80, 0x05, 0x12, 0x3d, 0x00, 0x00, 0x02, 0x54, 0x47, 0x54, 0x20, 0x20, 0x20, 0x20, 0x20, 0x56, 0x54,
        0x41, 0x50, 0x45, 0x2d, 0x4c, 0x54, 0x4f, 0x38, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x30, 0x30, 0x38, 0x35,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x09, 0x60, 0x03, 0x00, 0x00, 0x00,
    ];
    const TGT_VPD80: &[u8] = &[
        0x01, 0x80, 0x00, 0x24, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
        0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x56, 0x54, 0x4c, 0x44, 0x52, 0x56,
        0x30, 0x30, 0x30, 0x34,
    ];
    const TGT_MODE_SENSE_0F: &[u8] = &[
        0x1b, 0x00, 0x10, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x0e, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];
    const TGT_RBL: &[u8] = &[0x09, 0x10, 0x00, 0x00, 0x00, 0x04];

    #[test]
    fn tgt_inquiry_and_serial() {
        let i = Inquiry::parse(TGT_INQUIRY).unwrap();
        assert_eq!(i.device_type, TYPE_TAPE);
        assert!(i.removable);
        assert_eq!((i.vendor.as_str(), i.product.as_str(), i.revision.as_str()), ("TGT", "VTAPE-LTO8", "0085"));
        assert_eq!(parse_unit_serial(TGT_VPD80).unwrap(), "VTLDRV0004");
        assert!(parse_unit_serial(&[0x01, 0x83, 0, 0]).is_err());
        assert!(Inquiry::parse(&TGT_INQUIRY[..20]).is_err());
    }

    #[test]
    fn tgt_mode_sense() {
        let m = ModeData::parse(TGT_MODE_SENSE_0F).unwrap();
        assert!(!m.write_protected());
        assert_eq!(m.buffered_mode(), 1);
        assert_eq!(m.block_descriptor, Some(BlockDescriptor { density: 0, blocks: 0, block_len: 0 }));
        let page = m.page(PAGE_COMPRESSION).unwrap();
        assert_eq!(page.len(), 16);
        assert!(!compression_capable(page), "tgt has no compression");
        assert!(m.page(0x10).is_none());
        // Write-protected, 256 KiB fixed blocks, LTO-8 density.
        let wp = [0x0b, 0x00, 0x90, 0x08, 0x5e, 0, 0, 0, 0, 0x04, 0x00, 0x00];
        let m = ModeData::parse(&wp).unwrap();
        assert!(m.write_protected());
        assert_eq!(m.block_descriptor.unwrap().block_len, 256 * 1024);
        assert_eq!(density_name(m.block_descriptor.unwrap().density), Some("LTO-8"));
        assert!(ModeData::parse(&[0x03, 0, 0, 8]).is_err());
    }

    #[test]
    fn mode_select_lists() {
        assert_eq!(select_block_length(0, 0, 1), [0, 0, 0x10, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(select_block_length(0x5e, 1000, 1), [0, 0, 0x10, 8, 0x5e, 0, 0, 0, 0, 0, 0x03, 0xe8]);
        let page = [0x8f, 0x0e, 0x40, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0];
        assert!(compression_capable(&page) && !compression_enabled(&page));
        let on = select_compression(&page, 1, true).unwrap();
        assert_eq!(&on[..4], &[0, 0, 0x10, 0]);
        assert_eq!(on[4], 0x0f, "PS cleared");
        assert_eq!(on[6], 0xc0, "DCE set, DCC kept");
        assert_eq!(on.len(), 4 + 16);
        let off = select_compression(&on[4..], 1, false).unwrap();
        assert_eq!(off[6], 0x40);
        assert!(select_compression(&[0x10, 0x0e, 0, 0], 1, true).is_err());
    }

    #[test]
    fn block_limits() {
        let l = BlockLimits::parse(TGT_RBL).unwrap();
        assert_eq!(l, BlockLimits { granularity: 9, max: 1 << 20, min: 4 });
    }

    #[test]
    fn read_position_stub_and_real() {
        // tgt's stubs.
        let mut s = [0u8; 20];
        s[0] = 0x14;
        assert_eq!(parse_position_short(&s).unwrap(), None);
        let mut l = [0u8; 32];
        l[0] = 0x20;
        assert_eq!(parse_position_long(&l).unwrap(), None);
        // A real drive at BOT, then at block 7 past early warning.
        s[0] = 0x80;
        assert_eq!(parse_position_short(&s).unwrap().unwrap().block, 0);
        s[0] = 0x01;
        s[4..8].copy_from_slice(&7u32.to_be_bytes());
        let p = parse_position_short(&s).unwrap().unwrap();
        assert_eq!((p.block, p.bop, p.past_early_warning, p.file), (7, false, true, None));
        l[0] = 0x00;
        l[8..16].copy_from_slice(&(5u64 << 32).to_be_bytes());
        l[16..24].copy_from_slice(&3u64.to_be_bytes());
        let p = parse_position_long(&l).unwrap().unwrap();
        assert_eq!((p.block, p.file), (5 << 32, Some(3)));
        l[0] = 0x08; // MPU: file number unknown
        assert_eq!(parse_position_long(&l).unwrap().unwrap().file, None);
        assert!(parse_position_short(&s[..10]).is_err());
    }

    #[test]
    fn densities() {
        assert_eq!(density_name(0x60), Some("LTO-9"));
        assert_eq!(density_name(0x00), None);
        assert_eq!(density_capacity(0x5E), Some(12_000_000_000_000));
        assert_eq!(density_capacity(0x00), None);
    }
}
