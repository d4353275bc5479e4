//! Command descriptor blocks for a tape drive: SSC-3 commands plus the SPC ones a tape needs.
//!
//! Every builder returns a [`Cdb`]; every byte is commented with its field. Counts that do not
//! fit their field are refused here (as [`TapeError::Other`]), never silently truncated.
//! References: SSC-3 (T10/1611-D) and SPC-4 (T10/1731-D).

use std::fmt;
use std::ops::Deref;

use crate::tape::{Result, TapeError};

/// Largest 24-bit unsigned field (READ(6)/WRITE(6) transfer length, filemark count).
pub const MAX_U24: u32 = 0x00FF_FFFF;
/// SPACE(6) count range: a 24-bit two's complement number.
pub const SPACE6_MIN: i64 = -0x0080_0000;
pub const SPACE6_MAX: i64 = 0x007F_FFFF;

/// One command descriptor block (6, 10 or 16 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Cdb {
    bytes: [u8; 16],
    len: u8,
}

impl Cdb {
    fn new<const N: usize>(b: [u8; N]) -> Cdb {
        const { assert!(N == 6 || N == 10 || N == 12 || N == 16) };
        let mut bytes = [0u8; 16];
        bytes[..N].copy_from_slice(&b);
        Cdb { bytes, len: N as u8 }
    }

    pub fn opcode(&self) -> u8 {
        self.bytes[0]
    }

    /// The command's name, for messages.
    pub fn name(&self) -> &'static str {
        match self.bytes[0] {
            op::TEST_UNIT_READY => "TEST UNIT READY",
            op::REWIND => "REWIND",
            op::READ_BLOCK_LIMITS => "READ BLOCK LIMITS",
            op::READ6 => "READ(6)",
            op::WRITE6 => "WRITE(6)",
            op::WRITE_FILEMARKS6 => "WRITE FILEMARKS(6)",
            op::SPACE6 => "SPACE(6)",
            op::INQUIRY => "INQUIRY",
            op::MODE_SELECT6 => "MODE SELECT(6)",
            op::ERASE6 => "ERASE(6)",
            op::MODE_SENSE6 => "MODE SENSE(6)",
            op::LOAD_UNLOAD => "LOAD UNLOAD",
            op::PREVENT_ALLOW => "PREVENT ALLOW MEDIUM REMOVAL",
            op::LOCATE10 => "LOCATE(10)",
            op::LOG_SENSE => "LOG SENSE",
            op::READ_POSITION => "READ POSITION",
            op::SPACE16 => "SPACE(16)",
            op::LOCATE16 => "LOCATE(16)",
            _ => "SCSI command",
        }
    }
}

impl Deref for Cdb {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

impl fmt::Debug for Cdb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [", self.name())?;
        for (i, b) in self.iter().enumerate() {
            write!(f, "{}{b:02x}", if i == 0 { "" } else { " " })?;
        }
        write!(f, "]")
    }
}

/// Operation codes.
pub mod op {
    pub const TEST_UNIT_READY: u8 = 0x00;
    pub const REWIND: u8 = 0x01;
    pub const READ_BLOCK_LIMITS: u8 = 0x05;
    pub const READ6: u8 = 0x08;
    pub const WRITE6: u8 = 0x0A;
    pub const WRITE_FILEMARKS6: u8 = 0x10;
    pub const SPACE6: u8 = 0x11;
    pub const INQUIRY: u8 = 0x12;
    pub const MODE_SELECT6: u8 = 0x15;
    pub const ERASE6: u8 = 0x19;
    pub const MODE_SENSE6: u8 = 0x1A;
    pub const LOAD_UNLOAD: u8 = 0x1B;
    pub const PREVENT_ALLOW: u8 = 0x1E;
    pub const LOCATE10: u8 = 0x2B;
    pub const LOG_SENSE: u8 = 0x4D;
    pub const READ_POSITION: u8 = 0x34;
    pub const SPACE16: u8 = 0x91;
    pub const LOCATE16: u8 = 0x92;
}

/// What SPACE moves over (the CODE field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpaceCode {
    Blocks = 0b000,
    Filemarks = 0b001,
    SequentialFilemarks = 0b010,
    EndOfData = 0b011,
}

/// READ POSITION service actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionForm {
    /// 20 bytes, 32-bit block numbers.
    Short = 0x00,
    /// 32 bytes, 64-bit block and file numbers.
    Long = 0x06,
}

/// MODE SENSE page control (PC field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageControl {
    Current = 0b00,
    Changeable = 0b01,
    Default = 0b10,
    Saved = 0b11,
}

/// LOG SENSE page control (PC field): which values of the log parameters to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogPageControl {
    /// Threshold values.
    Threshold = 0b00,
    /// The current cumulative values: what the drive has counted (what we read).
    Cumulative = 0b01,
    DefaultThreshold = 0b10,
    DefaultCumulative = 0b11,
}

fn be24(v: u32) -> [u8; 3] {
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

fn u24(what: &str, v: u32) -> Result<[u8; 3]> {
    if v > MAX_U24 {
        return Err(TapeError::Other(format!("{what} {v} does not fit a 24-bit CDB field (max {MAX_U24})")));
    }
    Ok(be24(v))
}

/// TEST UNIT READY (SPC-4): is a medium loaded and ready?
pub fn test_unit_ready() -> Cdb {
    Cdb::new([
        op::TEST_UNIT_READY, // 0: operation code
        0x00,                // 1: reserved
        0x00,                // 2: reserved
        0x00,                // 3: reserved
        0x00,                // 4: reserved
        0x00,                // 5: CONTROL
    ])
}

/// INQUIRY (SPC-4), standard data.
pub fn inquiry(alloc: u16) -> Cdb {
    Cdb::new([
        op::INQUIRY,        // 0: operation code
        0x00,               // 1: bit 0 EVPD = 0 (standard inquiry data)
        0x00,               // 2: PAGE CODE (must be 0 without EVPD)
        (alloc >> 8) as u8, // 3: ALLOCATION LENGTH (MSB)
        alloc as u8,        // 4: ALLOCATION LENGTH (LSB)
        0x00,               // 5: CONTROL
    ])
}

/// INQUIRY (SPC-4) for a vital product data page, e.g. 0x80 (unit serial number).
pub fn inquiry_vpd(page: u8, alloc: u16) -> Cdb {
    Cdb::new([
        op::INQUIRY,        // 0: operation code
        0x01,               // 1: bit 0 EVPD = 1 (vital product data)
        page,               // 2: PAGE CODE
        (alloc >> 8) as u8, // 3: ALLOCATION LENGTH (MSB)
        alloc as u8,        // 4: ALLOCATION LENGTH (LSB)
        0x00,               // 5: CONTROL
    ])
}

/// REWIND (SSC-3).
pub fn rewind(immed: bool) -> Cdb {
    Cdb::new([
        op::REWIND,  // 0: operation code
        immed as u8, // 1: bit 0 IMMED (1 = return before the tape is at BOP)
        0x00,        // 2: reserved
        0x00,        // 3: reserved
        0x00,        // 4: reserved
        0x00,        // 5: CONTROL
    ])
}

/// READ BLOCK LIMITS (SSC-3): returns 6 bytes (granularity, maximum, minimum).
pub fn read_block_limits() -> Cdb {
    Cdb::new([
        op::READ_BLOCK_LIMITS, // 0: operation code
        0x00,                  // 1: bit 0 MLOI = 0 (block limits, not max object id)
        0x00,                  // 2: reserved
        0x00,                  // 3: reserved
        0x00,                  // 4: reserved
        0x00,                  // 5: CONTROL
    ])
}

/// READ(6) in variable-block mode (SSC-3): one block of at most `len` bytes.
/// `sili` suppresses the ILI report for blocks shorter than `len` (we normally leave it off:
/// the ILI sense carries the block length in INFORMATION, which is what we trust).
pub fn read6_variable(len: u32, sili: bool) -> Result<Cdb> {
    let [l0, l1, l2] = u24("READ(6) transfer length", len)?;
    Ok(Cdb::new([
        op::READ6,         // 0: operation code
        (sili as u8) << 1, // 1: bit 1 SILI, bit 0 FIXED = 0 (variable: length in bytes)
        l0,                // 2: TRANSFER LENGTH (MSB), bytes
        l1,                // 3: TRANSFER LENGTH
        l2,                // 4: TRANSFER LENGTH (LSB)
        0x00,              // 5: CONTROL
    ]))
}

/// READ(6) in fixed-block mode (SSC-3): `blocks` blocks of the mode's block length.
pub fn read6_fixed(blocks: u32) -> Result<Cdb> {
    let [l0, l1, l2] = u24("READ(6) block count", blocks)?;
    Ok(Cdb::new([
        op::READ6, // 0: operation code
        0x01,      // 1: bit 1 SILI = 0 (must be 0 with FIXED), bit 0 FIXED = 1
        l0,        // 2: TRANSFER LENGTH (MSB), blocks
        l1,        // 3: TRANSFER LENGTH
        l2,        // 4: TRANSFER LENGTH (LSB)
        0x00,      // 5: CONTROL
    ]))
}

/// WRITE(6) in variable-block mode (SSC-3): one block of `len` bytes.
pub fn write6_variable(len: u32) -> Result<Cdb> {
    let [l0, l1, l2] = u24("WRITE(6) transfer length", len)?;
    Ok(Cdb::new([
        op::WRITE6, // 0: operation code
        0x00,       // 1: bit 0 FIXED = 0 (variable: length in bytes)
        l0,         // 2: TRANSFER LENGTH (MSB), bytes
        l1,         // 3: TRANSFER LENGTH
        l2,         // 4: TRANSFER LENGTH (LSB)
        0x00,       // 5: CONTROL
    ]))
}

/// WRITE(6) in fixed-block mode (SSC-3): `blocks` blocks of the mode's block length.
pub fn write6_fixed(blocks: u32) -> Result<Cdb> {
    let [l0, l1, l2] = u24("WRITE(6) block count", blocks)?;
    Ok(Cdb::new([
        op::WRITE6, // 0: operation code
        0x01,       // 1: bit 0 FIXED = 1 (length in blocks)
        l0,         // 2: TRANSFER LENGTH (MSB), blocks
        l1,         // 3: TRANSFER LENGTH
        l2,         // 4: TRANSFER LENGTH (LSB)
        0x00,       // 5: CONTROL
    ]))
}

/// WRITE FILEMARKS(6) (SSC-3). `immed = false` returns only when the drive's buffer,
/// filemarks included, is on the medium (a count of 0 just flushes); `immed = true` returns
/// at once.
pub fn write_filemarks6(count: u32, immed: bool) -> Result<Cdb> {
    let [c0, c1, c2] = u24("WRITE FILEMARKS count", count)?;
    Ok(Cdb::new([
        op::WRITE_FILEMARKS6, // 0: operation code
        immed as u8,          // 1: bit 1 WSMK = 0 (filemarks, not setmarks), bit 0 IMMED
        c0,                   // 2: TRANSFER LENGTH (MSB): number of filemarks
        c1,                   // 3: TRANSFER LENGTH
        c2,                   // 4: TRANSFER LENGTH (LSB)
        0x00,                 // 5: CONTROL
    ]))
}

/// SPACE(6) (SSC-3): `count` is a 24-bit two's complement number (negative: towards BOP).
/// The count is ignored for [`SpaceCode::EndOfData`].
pub fn space6(code: SpaceCode, count: i64) -> Result<Cdb> {
    if !(SPACE6_MIN..=SPACE6_MAX).contains(&count) {
        return Err(TapeError::Other(format!("SPACE(6) count {count} does not fit 24 bits")));
    }
    let [c0, c1, c2] = be24(count as u32 & MAX_U24);
    Ok(Cdb::new([
        op::SPACE6, // 0: operation code
        code as u8, // 1: bits 2-0 CODE (0 blocks, 1 filemarks, 3 end of data)
        c0,         // 2: COUNT (MSB), two's complement
        c1,         // 3: COUNT
        c2,         // 4: COUNT (LSB)
        0x00,       // 5: CONTROL
    ]))
}

/// SPACE(16) (SSC-3): a 64-bit two's complement count.
pub fn space16(code: SpaceCode, count: i64) -> Cdb {
    let c = count.to_be_bytes();
    Cdb::new([
        op::SPACE16, // 0: operation code
        code as u8,  // 1: bits 3-0 CODE
        0x00,        // 2: reserved
        0x00,        // 3: reserved
        c[0],        // 4: COUNT (MSB), two's complement
        c[1],        // 5: COUNT
        c[2],        // 6: COUNT
        c[3],        // 7: COUNT
        c[4],        // 8: COUNT
        c[5],        // 9: COUNT
        c[6],        // 10: COUNT
        c[7],        // 11: COUNT (LSB)
        0x00,        // 12: PARAMETER LENGTH (MSB): no parameter list
        0x00,        // 13: PARAMETER LENGTH (LSB)
        0x00,        // 14: reserved
        0x00,        // 15: CONTROL
    ])
}

/// SPACE(6) when the count fits 24 bits, SPACE(16) otherwise.
pub fn space(code: SpaceCode, count: i64) -> Cdb {
    space6(code, count).unwrap_or_else(|_| space16(code, count))
}

/// READ POSITION (SSC-3), short (20 bytes) or long (32 bytes) form.
pub fn read_position(form: PositionForm) -> Cdb {
    Cdb::new([
        op::READ_POSITION, // 0: operation code
        form as u8,        // 1: bits 4-0 SERVICE ACTION (00h short, 06h long)
        0x00,              // 2: reserved
        0x00,              // 3: reserved
        0x00,              // 4: reserved
        0x00,              // 5: reserved
        0x00,              // 6: reserved
        0x00,              // 7: ALLOCATION LENGTH (MSB): 0 for the short and long forms
        0x00,              // 8: ALLOCATION LENGTH (LSB)
        0x00,              // 9: CONTROL
    ])
}

/// LOCATE(10) (SSC-3) to a logical object (block) number in the current partition.
pub fn locate10(block: u32, immed: bool) -> Cdb {
    let b = block.to_be_bytes();
    Cdb::new([
        op::LOCATE10, // 0: operation code
        immed as u8,  // 1: bit 2 BT = 0 (logical ids), bit 1 CP = 0 (this partition), bit 0 IMMED
        0x00,         // 2: reserved
        b[0],         // 3: LOGICAL OBJECT IDENTIFIER (MSB)
        b[1],         // 4: LOGICAL OBJECT IDENTIFIER
        b[2],         // 5: LOGICAL OBJECT IDENTIFIER
        b[3],         // 6: LOGICAL OBJECT IDENTIFIER (LSB)
        0x00,         // 7: reserved
        0x00,         // 8: PARTITION (ignored without CP)
        0x00,         // 9: CONTROL
    ])
}

/// LOCATE(16) (SSC-3) to a 64-bit logical object (block) number.
pub fn locate16(block: u64, immed: bool) -> Cdb {
    let b = block.to_be_bytes();
    Cdb::new([
        op::LOCATE16, // 0: operation code
        immed as u8,  // 1: bits 5-3 DEST_TYPE = 000 (logical object), bit 1 CP = 0, bit 0 IMMED
        0x00,         // 2: bits 1-0 BAM = 0 (explicit address mode)
        0x00,         // 3: PARTITION (ignored without CP)
        b[0],         // 4: LOGICAL IDENTIFIER (MSB)
        b[1],         // 5: LOGICAL IDENTIFIER
        b[2],         // 6: LOGICAL IDENTIFIER
        b[3],         // 7: LOGICAL IDENTIFIER
        b[4],         // 8: LOGICAL IDENTIFIER
        b[5],         // 9: LOGICAL IDENTIFIER
        b[6],         // 10: LOGICAL IDENTIFIER
        b[7],         // 11: LOGICAL IDENTIFIER (LSB)
        0x00,         // 12: reserved
        0x00,         // 13: reserved
        0x00,         // 14: reserved
        0x00,         // 15: CONTROL
    ])
}

/// LOCATE(10) when the block number fits 32 bits, LOCATE(16) otherwise.
pub fn locate(block: u64) -> Cdb {
    match u32::try_from(block) {
        Ok(b) => locate10(b, false),
        Err(_) => locate16(block, false),
    }
}

/// ERASE(6) (SSC-3) from the current position. Short (`long = false`) writes an end of
/// data mark; long erases to the end of the partition (hours on a full LTO cartridge).
pub fn erase6(long: bool, immed: bool) -> Cdb {
    Cdb::new([
        op::ERASE6,                      // 0: operation code
        (immed as u8) << 1 | long as u8, // 1: bit 1 IMMED, bit 0 LONG
        0x00,                            // 2: reserved
        0x00,                            // 3: reserved
        0x00,                            // 4: reserved
        0x00,                            // 5: CONTROL
    ])
}

/// MODE SENSE(6) (SPC-4). Page 0x3F returns all pages; `dbd` omits the block descriptor.
pub fn mode_sense6(page: u8, pc: PageControl, dbd: bool, alloc: u8) -> Cdb {
    Cdb::new([
        op::MODE_SENSE6,                 // 0: operation code
        (dbd as u8) << 3,                // 1: bit 3 DBD (disable block descriptors)
        (pc as u8) << 6 | (page & 0x3F), // 2: bits 7-6 PC, bits 5-0 PAGE CODE
        0x00,                            // 3: SUBPAGE CODE
        alloc,                           // 4: ALLOCATION LENGTH
        0x00,                            // 5: CONTROL
    ])
}

/// MODE SELECT(6) (SPC-4) with a parameter list of `len` bytes (header, block
/// descriptor, pages). PF = 1: pages are in the SPC page format. SP = 0: do not save.
pub fn mode_select6(len: u8) -> Cdb {
    Cdb::new([
        op::MODE_SELECT6, // 0: operation code
        0x10,             // 1: bit 4 PF = 1 (page format), bit 0 SP = 0 (don't save)
        0x00,             // 2: reserved
        0x00,             // 3: reserved
        len,              // 4: PARAMETER LIST LENGTH
        0x00,             // 5: CONTROL
    ])
}

/// LOAD UNLOAD (SSC-3): load (thread to BOP) or unload (rewind and eject).
pub fn load_unload(load: bool, immed: bool) -> Cdb {
    Cdb::new([
        op::LOAD_UNLOAD, // 0: operation code
        immed as u8,     // 1: bit 0 IMMED
        0x00,            // 2: reserved
        0x00,            // 3: reserved
        load as u8,      // 4: bit 3 HOLD = 0, bit 2 EOT = 0, bit 1 RETEN = 0, bit 0 LOAD
        0x00,            // 5: CONTROL
    ])
}

/// PREVENT ALLOW MEDIUM REMOVAL (SPC-4).
pub fn prevent_allow(prevent: bool) -> Cdb {
    Cdb::new([
        op::PREVENT_ALLOW, // 0: operation code
        0x00,              // 1: reserved
        0x00,              // 2: reserved
        0x00,              // 3: reserved
        prevent as u8,     // 4: bits 1-0 PREVENT (01b: prevent removal, 00b: allow)
        0x00,              // 5: CONTROL
    ])
}

/// LOG SENSE(10) (SPC-4): log page `page` (subpage 0) of at most `alloc` bytes. Page 00h
/// lists the pages the drive has. Reading the TapeAlert page (2Eh) clears its flags.
pub fn log_sense(page: u8, pc: LogPageControl, alloc: u16) -> Cdb {
    Cdb::new([
        op::LOG_SENSE,                   // 0: operation code
        0x00,                            // 1: bit 1 PPC = 0 (from the first parameter), bit 0 SP = 0 (save nothing)
        (pc as u8) << 6 | (page & 0x3F), // 2: bits 7-6 PC, bits 5-0 PAGE CODE
        0x00,                            // 3: SUBPAGE CODE (0: the page itself)
        0x00,                            // 4: reserved
        0x00,                            // 5: PARAMETER POINTER (MSB): from parameter code 0
        0x00,                            // 6: PARAMETER POINTER (LSB)
        (alloc >> 8) as u8,              // 7: ALLOCATION LENGTH (MSB)
        alloc as u8,                     // 8: ALLOCATION LENGTH (LSB)
        0x00,                            // 9: CONTROL
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_byte_commands() {
        assert_eq!(&*test_unit_ready(), &[0, 0, 0, 0, 0, 0]);
        assert_eq!(&*rewind(false), &[0x01, 0, 0, 0, 0, 0]);
        assert_eq!(&*rewind(true), &[0x01, 1, 0, 0, 0, 0]);
        assert_eq!(&*read_block_limits(), &[0x05, 0, 0, 0, 0, 0]);
        assert_eq!(&*inquiry(96), &[0x12, 0, 0, 0, 96, 0]);
        assert_eq!(&*inquiry_vpd(0x80, 0x1ff), &[0x12, 1, 0x80, 0x01, 0xff, 0]);
        assert_eq!(&*load_unload(true, false), &[0x1B, 0, 0, 0, 1, 0]);
        assert_eq!(&*load_unload(false, true), &[0x1B, 1, 0, 0, 0, 0]);
        assert_eq!(&*prevent_allow(true), &[0x1E, 0, 0, 0, 1, 0]);
        assert_eq!(&*prevent_allow(false), &[0x1E, 0, 0, 0, 0, 0]);
        assert_eq!(&*erase6(false, false), &[0x19, 0, 0, 0, 0, 0]);
        assert_eq!(&*erase6(true, true), &[0x19, 3, 0, 0, 0, 0]);
    }

    #[test]
    fn read_write_variable_and_fixed() {
        // The same bytes vtltest.c sends for a 256 KiB block.
        assert_eq!(&*read6_variable(256 * 1024, false).unwrap(), &[0x08, 0, 0x04, 0, 0, 0]);
        assert_eq!(&*read6_variable(1000, true).unwrap(), &[0x08, 0x02, 0, 0x03, 0xe8, 0]);
        assert_eq!(&*write6_variable(256 * 1024).unwrap(), &[0x0A, 0, 0x04, 0, 0, 0]);
        assert_eq!(&*write6_fixed(3).unwrap(), &[0x0A, 1, 0, 0, 3, 0]);
        assert_eq!(&*read6_fixed(3).unwrap(), &[0x08, 1, 0, 0, 3, 0]);
        assert_eq!(&*read6_variable(MAX_U24, false).unwrap(), &[0x08, 0, 0xff, 0xff, 0xff, 0]);
        assert!(read6_variable(MAX_U24 + 1, false).is_err());
        assert!(write6_variable(1 << 24).is_err());
    }

    #[test]
    fn filemarks_flush_and_immediate() {
        assert_eq!(&*write_filemarks6(1, false).unwrap(), &[0x10, 0, 0, 0, 1, 0]);
        assert_eq!(&*write_filemarks6(2, true).unwrap(), &[0x10, 1, 0, 0, 2, 0]);
        assert_eq!(&*write_filemarks6(0, false).unwrap(), &[0x10, 0, 0, 0, 0, 0]);
        assert!(write_filemarks6(1 << 24, false).is_err());
    }

    #[test]
    fn space_counts_are_24_bit_twos_complement() {
        assert_eq!(&*space6(SpaceCode::Blocks, -1).unwrap(), &[0x11, 0, 0xff, 0xff, 0xff, 0]);
        assert_eq!(&*space6(SpaceCode::Filemarks, 1).unwrap(), &[0x11, 1, 0, 0, 1, 0]);
        assert_eq!(&*space6(SpaceCode::Filemarks, -1).unwrap(), &[0x11, 1, 0xff, 0xff, 0xff, 0]);
        assert_eq!(&*space6(SpaceCode::EndOfData, 0).unwrap(), &[0x11, 3, 0, 0, 0, 0]);
        assert_eq!(&*space6(SpaceCode::Blocks, SPACE6_MAX).unwrap(), &[0x11, 0, 0x7f, 0xff, 0xff, 0]);
        assert_eq!(&*space6(SpaceCode::Blocks, SPACE6_MIN).unwrap(), &[0x11, 0, 0x80, 0, 0, 0]);
        assert!(space6(SpaceCode::Blocks, SPACE6_MAX + 1).is_err());
        assert!(space6(SpaceCode::Blocks, SPACE6_MIN - 1).is_err());
        // Past 24 bits the chooser switches to SPACE(16).
        let big = space(SpaceCode::Blocks, SPACE6_MAX + 1);
        assert_eq!(big.len(), 16);
        assert_eq!(&big[..4], &[0x91, 0, 0, 0]);
        assert_eq!(&big[4..12], &(SPACE6_MAX + 1).to_be_bytes());
        let back = space(SpaceCode::Filemarks, -(1 << 40));
        assert_eq!(back[1], 1);
        assert_eq!(&back[4..12], &(-(1i64 << 40)).to_be_bytes());
        assert_eq!(space(SpaceCode::Blocks, -5).len(), 6);
    }

    #[test]
    fn read_position_and_locate() {
        assert_eq!(&*read_position(PositionForm::Short), &[0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&*read_position(PositionForm::Long), &[0x34, 6, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&*locate10(3, false), &[0x2B, 0, 0, 0, 0, 0, 3, 0, 0, 0]);
        assert_eq!(&*locate10(0x0102_0304, true), &[0x2B, 1, 0, 1, 2, 3, 4, 0, 0, 0]);
        assert_eq!(&*locate16(3, false), &[0x92, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0]);
        assert_eq!(locate(u32::MAX as u64).len(), 10);
        let l = locate(1 << 32);
        assert_eq!(l.len(), 16);
        assert_eq!(&l[4..12], &(1u64 << 32).to_be_bytes());
    }

    #[test]
    fn mode_sense_and_select() {
        assert_eq!(&*mode_sense6(0x10, PageControl::Current, false, 64), &[0x1A, 0, 0x10, 0, 64, 0]);
        assert_eq!(&*mode_sense6(0x0F, PageControl::Changeable, true, 255), &[0x1A, 0x08, 0x4F, 0, 255, 0]);
        assert_eq!(&*mode_sense6(0x3F, PageControl::Saved, false, 255), &[0x1A, 0, 0xFF, 0, 255, 0]);
        assert_eq!(&*mode_select6(12), &[0x15, 0x10, 0, 0, 12, 0]);
    }

    #[test]
    fn log_sense_pages() {
        // As sg_logs sends them: supported pages, then TapeAlert with cumulative values.
        assert_eq!(&*log_sense(0x00, LogPageControl::Cumulative, 0x1000), &[0x4D, 0, 0x40, 0, 0, 0, 0, 0x10, 0, 0]);
        assert_eq!(&*log_sense(0x2E, LogPageControl::Cumulative, 324), &[0x4D, 0, 0x6E, 0, 0, 0, 0, 0x01, 0x44, 0]);
        assert_eq!(&*log_sense(0x12, LogPageControl::Threshold, 0xFFFF), &[0x4D, 0, 0x12, 0, 0, 0, 0, 0xFF, 0xFF, 0]);
        assert_eq!(log_sense(0x0C, LogPageControl::DefaultCumulative, 8)[2], 0xCC);
        assert_eq!(log_sense(0x7F, LogPageControl::Threshold, 8)[2], 0x3F, "the page code has 6 bits");
        assert_eq!(log_sense(0x17, LogPageControl::Cumulative, 8).name(), "LOG SENSE");
    }

    #[test]
    fn names_and_debug() {
        assert_eq!(space16(SpaceCode::Blocks, 1).name(), "SPACE(16)");
        assert_eq!(format!("{:?}", rewind(false)), "REWIND [01 00 00 00 00 00]");
        assert_eq!(test_unit_ready().opcode(), 0);
    }
}
