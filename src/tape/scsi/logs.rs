//! Log pages (LOG SENSE, SPC-4 7.3) a tape drive keeps, decoded into a [`DriveHealth`].
//!
//! This exists apart from [`super::ssc`] so that every way of sending a LOG SENSE (an SSC
//! transport, SG_IO through the st driver) shares one reading order and one decoder, and so
//! that the decoder is tested on bytes alone.
//!
//! A log page: byte 0 DS (7), SPF (6), PAGE CODE (5-0); byte 1 SUBPAGE CODE; bytes 2-3 PAGE
//! LENGTH; then parameters, each: bytes 0-1 PARAMETER CODE, byte 2 control (DU, TSD, ETC,
//! TMC, FORMAT AND LINKING), byte 3 PARAMETER LENGTH, then that many bytes of value (counters
//! are big-endian unsigned numbers of any width).
//!
//! [`read_health`] asks page 00h (the pages the drive has) first, then the counter pages it
//! lists, and the TapeAlert page last: page 2Eh if listed (reading it clears the flags, so
//! nothing may fail after it and lose them), else the TapeAlert response page 12h (which does
//! not clear them).

use crate::tape::health::{self, Counters, DriveHealth, TapeAlert, VolumeStatistics};
use crate::tape::{Result, TapeError};

/// Supported log pages: the page codes the drive has, one byte each.
pub const PAGE_SUPPORTED: u8 = 0x00;
/// Write error counters (SPC-4).
pub const PAGE_WRITE_ERRORS: u8 = 0x02;
/// Read error counters (SPC-4).
pub const PAGE_READ_ERRORS: u8 = 0x03;
/// Sequential-access device (SSC-3): bytes moved, cleaning required.
pub const PAGE_SEQUENTIAL_ACCESS: u8 = 0x0C;
/// TapeAlert response (SSC-4): the 64 flags in one parameter, not cleared by reading.
pub const PAGE_TAPEALERT_RESPONSE: u8 = 0x12;
/// Device statistics (SSC-4): the drive's lifetime loads, cleanings, hours.
pub const PAGE_DEVICE_STATISTICS: u8 = 0x14;
/// Volume statistics (SSC-4): the loaded cartridge's own lifetime counters.
pub const PAGE_VOLUME_STATISTICS: u8 = 0x17;
/// TapeAlert (SSC-3): flags 1-64 as parameters 1-64; reading clears them.
pub const PAGE_TAPEALERT: u8 = 0x2E;

/// How many bytes every LOG SENSE asks for: page 2Eh takes 4 + 64 × 5 = 324, the statistics
/// pages a few hundred; the drive sends no more than the page holds.
pub const LOG_ALLOC: u16 = 4096;

/// One log parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogParameter<'a> {
    pub code: u16,
    /// The control byte (byte 2), as returned.
    pub control: u8,
    pub value: &'a [u8],
}

impl LogParameter<'_> {
    /// The value as a big-endian counter; `None` when empty or wider than 64 bits.
    pub fn counter(&self) -> Option<u64> {
        if self.value.is_empty() || self.value.len() > 8 {
            return None;
        }
        Some(self.value.iter().fold(0u64, |n, b| n << 8 | u64::from(*b)))
    }
}

/// A decoded log page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPage<'a> {
    pub page: u8,
    pub subpage: u8,
    pub params: Vec<LogParameter<'a>>,
}

impl<'a> LogPage<'a> {
    /// Decodes a page. A reply cut short by the allocation length keeps the whole parameters
    /// it holds; a parameter cut in the middle is dropped.
    pub fn parse(b: &'a [u8]) -> Result<LogPage<'a>> {
        if b.len() < 4 {
            return Err(TapeError::Other(format!("LOG SENSE data: {} bytes, a page header needs 4", b.len())));
        }
        let page_len = u16::from_be_bytes([b[2], b[3]]) as usize;
        let mut body = &b[4..(4 + page_len).min(b.len())];
        let mut params = Vec::new();
        while body.len() >= 4 {
            let len = body[3] as usize;
            if 4 + len > body.len() {
                break;
            }
            params.push(LogParameter {
                code: u16::from_be_bytes([body[0], body[1]]),
                control: body[2],
                value: &body[4..4 + len],
            });
            body = &body[4 + len..];
        }
        Ok(LogPage { page: b[0] & 0x3F, subpage: b[1], params })
    }

    pub fn param(&self, code: u16) -> Option<&LogParameter<'a>> {
        self.params.iter().find(|p| p.code == code)
    }

    /// Parameter `code` as a counter.
    pub fn counter(&self, code: u16) -> Option<u64> {
        self.param(code).and_then(LogParameter::counter)
    }
}

/// Page 00h: the page codes the drive has. Its body is one page code per byte, not
/// parameters.
pub fn supported_pages(b: &[u8]) -> Result<Vec<u8>> {
    if b.len() < 4 || b[0] & 0x3F != PAGE_SUPPORTED {
        return Err(TapeError::Other("LOG SENSE page 00h: the reply is not the supported pages page".into()));
    }
    let page_len = u16::from_be_bytes([b[2], b[3]]) as usize;
    Ok(b[4..(4 + page_len).min(b.len())].iter().map(|p| p & 0x3F).collect())
}

/// Page 2Eh: parameter N (1-64) is flag N, raised when bit 0 of its value is set.
pub fn tapealert_flags(page: &LogPage<'_>) -> Vec<u8> {
    let mut flags: Vec<u8> = page
        .params
        .iter()
        .filter(|p| (1..=64).contains(&p.code) && p.value.first().is_some_and(|v| v & 0x01 != 0))
        .map(|p| p.code as u8)
        .collect();
    flags.sort_unstable();
    flags.dedup();
    flags
}

/// Page 12h: parameter 0 holds the 64 flags in 8 bytes, flag 1 in bit 7 of the first byte,
/// flag 64 in bit 0 of the last.
pub fn tapealert_response_flags(page: &LogPage<'_>) -> Vec<u8> {
    let Some(p) = page.param(0x0000) else { return Vec::new() };
    (1..=64u8)
        .filter(|f| {
            let i = usize::from(f - 1);
            p.value.get(i / 8).is_some_and(|byte| byte & (0x80 >> (i % 8)) != 0)
        })
        .collect()
}

/// Reads and decodes the drive's health with `log_sense`, which returns the bytes a LOG
/// SENSE of one page (cumulative values, subpage 0) returned, or the command's error.
///
/// A drive that refuses page 00h (ILLEGAL REQUEST: invalid operation code 20/00, invalid
/// field 24/00) has no log pages: [`TapeError::Unsupported`]. A listed page the drive then
/// refuses, or cannot give without a cartridge, is left out.
pub fn read_health(mut log_sense: impl FnMut(u8) -> Result<Vec<u8>>) -> Result<DriveHealth> {
    let supported = match log_sense(PAGE_SUPPORTED) {
        Ok(b) => supported_pages(&b)?,
        Err(TapeError::IllegalRequest(_)) => {
            return Err(TapeError::Unsupported(
                "LOG SENSE (the drive has no log pages: no TapeAlert flags or counters)",
            ));
        }
        Err(e) => return Err(e),
    };
    let known = [
        PAGE_WRITE_ERRORS,
        PAGE_READ_ERRORS,
        PAGE_SEQUENTIAL_ACCESS,
        PAGE_TAPEALERT_RESPONSE,
        PAGE_DEVICE_STATISTICS,
        PAGE_VOLUME_STATISTICS,
        PAGE_TAPEALERT,
    ];
    if !known.iter().any(|p| supported.contains(p)) {
        return Err(TapeError::Unsupported("LOG SENSE (the drive lists none of the TapeAlert or counter pages)"));
    }
    let mut h = DriveHealth::default();
    let mut read = |page: u8, h: &mut DriveHealth| -> Result<Option<Vec<u8>>> {
        if !supported.contains(&page) {
            return Ok(None);
        }
        match log_sense(page) {
            Ok(b) => {
                if b.len() >= 4 && b[0] & 0x3F != page {
                    return Err(TapeError::Other(format!(
                        "LOG SENSE page {page:02X}h: the drive answered with page {:02X}h",
                        b[0] & 0x3F
                    )));
                }
                h.sources.push(format!("{page:02x}"));
                Ok(Some(b))
            }
            // Listed but refused, or not available without a cartridge (volume statistics).
            Err(TapeError::IllegalRequest(_) | TapeError::NoTape | TapeError::NotReady(_)) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let mut c = Counters::default();
    if let Some(b) = read(PAGE_WRITE_ERRORS, &mut h)? {
        let p = LogPage::parse(&b)?;
        c.corrected_write_errors = p.counter(0x0003);
        c.bytes_written = p.counter(0x0005);
        c.write_errors = p.counter(0x0006);
    }
    if let Some(b) = read(PAGE_READ_ERRORS, &mut h)? {
        let p = LogPage::parse(&b)?;
        c.corrected_read_errors = p.counter(0x0003);
        c.bytes_read = p.counter(0x0005);
        c.read_errors = p.counter(0x0006);
    }
    if let Some(b) = read(PAGE_SEQUENTIAL_ACCESS, &mut h)? {
        let p = LogPage::parse(&b)?;
        // Bytes as the host counts them: received with WRITE, transferred by READ (not what
        // reached the medium after the drive's compression).
        c.bytes_written = p.counter(0x0000).or(c.bytes_written);
        c.bytes_read = p.counter(0x0003).or(c.bytes_read);
        h.cleaning_required = p.counter(0x0100).is_some_and(|v| v != 0);
    }
    if let Some(b) = read(PAGE_DEVICE_STATISTICS, &mut h)? {
        let p = LogPage::parse(&b)?;
        c.loads = p.counter(0x0000);
        c.cleanings = p.counter(0x0001);
        c.power_on_hours = p.counter(0x0002);
        c.tape_motion_hours = p.counter(0x0003);
    }
    if let Some(b) = read(PAGE_VOLUME_STATISTICS, &mut h)? {
        let p = LogPage::parse(&b)?;
        // Parameter 0, "page valid": 0 when no cartridge's statistics are loaded.
        if p.counter(0x0000) != Some(0) {
            h.volume = Some(VolumeStatistics {
                mounts: p.counter(0x0001),
                unrecovered_write_errors: p.counter(0x0004),
                unrecovered_read_errors: p.counter(0x0009),
                lifetime_megabytes_written: p.counter(0x0010),
                lifetime_megabytes_read: p.counter(0x0011),
            });
        }
    }
    h.counters = c;
    // Last: reading page 2Eh clears the flags, so nothing after it may fail.
    let flags = if supported.contains(&PAGE_TAPEALERT) {
        read(PAGE_TAPEALERT, &mut h)?.map(|b| LogPage::parse(&b).map(|p| tapealert_flags(&p))).transpose()?
    } else {
        read(PAGE_TAPEALERT_RESPONSE, &mut h)?
            .map(|b| LogPage::parse(&b).map(|p| tapealert_response_flags(&p)))
            .transpose()?
    };
    h.alerts = flags.unwrap_or_default().into_iter().map(TapeAlert::new).collect();
    h.cleaning_required |= h.alerts.iter().any(|a| a.flag == health::CLEAN_NOW);
    Ok(h)
}

/// Builds log pages, for tests of this decoder and of the backends that use it.
#[cfg(test)]
pub mod build {
    /// A page: header, then `(code, value)` parameters (control byte 0x00).
    pub fn page(code: u8, params: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut body = Vec::new();
        for (c, v) in params {
            body.extend_from_slice(&c.to_be_bytes());
            body.push(0x00);
            body.push(v.len() as u8);
            body.extend_from_slice(v);
        }
        let mut b = vec![code, 0x00];
        b.extend_from_slice(&(body.len() as u16).to_be_bytes());
        b.extend(body);
        b
    }

    /// Page 00h listing `pages`.
    pub fn supported(pages: &[u8]) -> Vec<u8> {
        let mut b = vec![0x00, 0x00, 0x00, pages.len() as u8];
        b.extend_from_slice(pages);
        b
    }

    /// Page 2Eh with `flags` raised: all 64 parameters, one byte each.
    pub fn tapealert(flags: &[u8]) -> Vec<u8> {
        let params: Vec<(u16, Vec<u8>)> =
            (1..=64u16).map(|f| (f, vec![u8::from(flags.contains(&(f as u8)))])).collect();
        page(0x2E, &params)
    }

    /// Page 12h with `flags` raised.
    pub fn tapealert_response(flags: &[u8]) -> Vec<u8> {
        let mut bits = 0u64;
        for f in flags {
            bits |= 1 << (64 - u32::from(*f));
        }
        page(0x12, &[(0x0000, bits.to_be_bytes().to_vec())])
    }
}

#[cfg(test)]
mod tests {
    use super::build::*;
    use super::*;
    use crate::tape::health::{Concern, Severity};

    /// Page 12h as an LTO drive returned it (a public `sg_logs --hex` dump): no flag raised;
    /// the control byte 0x43 (TSD, FORMAT AND LINKING 11b).
    const LTO_TAPEALERT_RESPONSE: &[u8] =
        &[0x12, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x43, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    #[test]
    fn pages_and_parameters() {
        let b = page(0x02, &[(0x0003, vec![0, 0, 0, 7]), (0x0005, vec![0, 0, 0, 0, 0, 0x10, 0, 0]), (0x0006, vec![2])]);
        let p = LogPage::parse(&b).unwrap();
        assert_eq!((p.page, p.subpage, p.params.len()), (0x02, 0, 3));
        assert_eq!(p.counter(0x0003), Some(7));
        assert_eq!(p.counter(0x0005), Some(0x10_0000));
        assert_eq!(p.counter(0x0006), Some(2));
        assert_eq!(p.counter(0x0001), None);
        // Wider than 64 bits, or empty: no counter.
        let wide = page(0x02, &[(1, vec![1; 9]), (2, vec![])]);
        let p = LogPage::parse(&wide).unwrap();
        assert_eq!((p.counter(1), p.counter(2)), (None, None));
        // Cut short by the allocation length: whole parameters kept, the cut one dropped.
        let p = LogPage::parse(&b[..4 + 8 + 6]).unwrap();
        assert_eq!(p.params.len(), 1);
        // DS and SPF bits are not part of the page code.
        let mut ds = b.clone();
        ds[0] |= 0x80;
        assert_eq!(LogPage::parse(&ds).unwrap().page, 0x02);
        assert!(LogPage::parse(&[0x02, 0]).is_err());
        // A page length larger than the reply: what is there is read.
        let mut long = b.clone();
        long[3] = 0xFF;
        assert_eq!(LogPage::parse(&long).unwrap().params.len(), 3);
    }

    #[test]
    fn supported_pages_page() {
        assert_eq!(supported_pages(&supported(&[0x00, 0x02, 0x2E])).unwrap(), [0x00, 0x02, 0x2E]);
        assert!(supported_pages(&page(0x2E, &[])).is_err());
        assert!(supported_pages(&[0x00]).is_err());
    }

    #[test]
    fn tapealert_pages() {
        let p = tapealert(&[20, 4, 64]);
        assert_eq!(p.len(), 4 + 64 * 5, "324 bytes, as an LTO drive returns it");
        assert_eq!(tapealert_flags(&LogPage::parse(&p).unwrap()), [4, 20, 64]);
        // Bits other than bit 0 are reserved.
        let odd = page(0x2E, &[(3, vec![0x02]), (5, vec![0x03]), (65, vec![1]), (0, vec![1])]);
        assert_eq!(tapealert_flags(&LogPage::parse(&odd).unwrap()), [5]);
        let r = tapealert_response(&[1, 20, 64]);
        assert_eq!(&r[8..], &[0x80, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01]);
        assert_eq!(tapealert_response_flags(&LogPage::parse(&r).unwrap()), [1, 20, 64]);
        assert!(tapealert_response_flags(&LogPage::parse(LTO_TAPEALERT_RESPONSE).unwrap()).is_empty());
        let mut lto = LTO_TAPEALERT_RESPONSE.to_vec();
        lto[8 + 2] = 0x10; // flag 20
        assert_eq!(tapealert_response_flags(&LogPage::parse(&lto).unwrap()), [20]);
    }

    /// A drive answering LOG SENSE from `pages` (page code, bytes), and ILLEGAL REQUEST for
    /// anything else; records what was asked.
    fn drive<'a>(pages: &'a [(u8, Vec<u8>)], asked: &'a mut Vec<u8>) -> impl FnMut(u8) -> Result<Vec<u8>> + 'a {
        move |p| {
            asked.push(p);
            pages
                .iter()
                .find(|(c, _)| *c == p)
                .map(|(_, b)| b.clone())
                .ok_or_else(|| TapeError::IllegalRequest(format!("LOG SENSE: ILLEGAL REQUEST 24/00 (page {p:02X}h)")))
        }
    }

    #[test]
    fn health_of_an_lto_drive() {
        let pages = vec![
            (0x00, supported(&[0x00, 0x02, 0x03, 0x0C, 0x12, 0x14, 0x17, 0x2E])),
            (
                0x02,
                page(0x02, &[(3, vec![0, 0, 0, 1]), (5, vec![0, 0, 0, 0, 0x06, 0x40, 0x00, 0x48]), (6, vec![0, 3])]),
            ),
            (0x03, page(0x03, &[(3, vec![0, 0, 0, 0]), (5, vec![0, 0, 0, 0]), (6, vec![0, 0])])),
            (
                0x0C,
                page(
                    0x0C,
                    &[
                        (0x0000, vec![0, 0, 0, 0x19, 0, 0, 0, 0]),
                        (0x0003, vec![0, 0, 0, 0, 0, 0x10, 0, 0]),
                        (0x0100, vec![0, 0, 0, 0, 0, 0, 0, 1]),
                    ],
                ),
            ),
            (0x12, tapealert_response(&[20])),
            (
                0x14,
                page(
                    0x14,
                    &[
                        (0, vec![0, 0, 1, 0xA3]),
                        (1, vec![0, 0, 0, 1]),
                        (2, vec![0, 0, 0x0F, 0x51]),
                        (3, vec![0, 0, 0, 5]),
                    ],
                ),
            ),
            (
                0x17,
                page(
                    0x17,
                    &[
                        (0, vec![1]),
                        (1, vec![0, 0, 0, 107]),
                        (4, vec![0, 0]),
                        (9, vec![0, 1]),
                        (0x10, vec![0, 2, 0x51, 0x20]),
                    ],
                ),
            ),
            (0x2E, tapealert(&[20, 21])),
        ];
        let mut asked = Vec::new();
        let h = read_health(drive(&pages, &mut asked)).unwrap();
        // Page 00h first, page 2Eh last, page 12h not at all when 2Eh is there.
        assert_eq!(asked, [0x00, 0x02, 0x03, 0x0C, 0x14, 0x17, 0x2E]);
        assert_eq!(h.sources, ["02", "03", "0c", "14", "17", "2e"]);
        assert_eq!(h.alerts.iter().map(|a| a.flag).collect::<Vec<_>>(), [20, 21]);
        assert_eq!((h.alerts[0].severity, h.alerts[0].concern), (Severity::Critical, Concern::Cleaning));
        assert!(h.cleaning_required);
        let c = &h.counters;
        assert_eq!(c.bytes_written, Some(0x19_0000_0000), "page 0Ch wins over page 02h");
        assert_eq!(c.bytes_read, Some(0x10_0000));
        assert_eq!((c.write_errors, c.read_errors), (Some(3), Some(0)));
        assert_eq!((c.corrected_write_errors, c.corrected_read_errors), (Some(1), Some(0)));
        assert_eq!(
            (c.loads, c.cleanings, c.power_on_hours, c.tape_motion_hours),
            (Some(419), Some(1), Some(3921), Some(5))
        );
        let v = h.volume.unwrap();
        assert_eq!(
            (v.mounts, v.unrecovered_read_errors, v.lifetime_megabytes_written),
            (Some(107), Some(1), Some(151840))
        );
        assert_eq!(v.lifetime_megabytes_read, None);
    }

    #[test]
    fn tapealert_response_page_when_there_is_no_2e() {
        let pages = vec![
            (0x00, supported(&[0x00, 0x02, 0x12, 0x17])),
            (0x02, page(0x02, &[(5, vec![0, 0, 0x10, 0])])),
            (0x12, tapealert_response(&[4])),
        ];
        let mut asked = Vec::new();
        let h = read_health(drive(&pages, &mut asked)).unwrap();
        // Page 17h is listed but refused (no cartridge): left out.
        assert_eq!(asked, [0x00, 0x02, 0x17, 0x12]);
        assert_eq!(h.sources, ["02", "12"]);
        assert_eq!(h.alerts, [TapeAlert::new(4)]);
        assert!(!h.cleaning_required);
        assert_eq!(h.counters.bytes_written, Some(0x1000), "page 02h when there is no page 0Ch");
        assert_eq!(h.volume, None);
    }

    #[test]
    fn drives_without_log_pages_are_unsupported() {
        // tgt: LOG SENSE is an invalid operation code.
        let mut asked = Vec::new();
        let e = read_health(drive(&[], &mut asked)).unwrap_err();
        assert!(matches!(e, TapeError::Unsupported(_)), "{e:?}");
        assert_eq!(asked, [0x00], "nothing after page 00h is refused");
        // Log pages, but none that tells health.
        let pages = vec![(0x00, supported(&[0x00, 0x0D]))];
        let e = read_health(drive(&pages, &mut Vec::new())).unwrap_err();
        assert!(matches!(e, TapeError::Unsupported(_)), "{e:?}");
        // Any other failure is the failure.
        let e = read_health(|_| Err(TapeError::Hardware("HARDWARE ERROR 44/00".into()))).unwrap_err();
        assert!(matches!(e, TapeError::Hardware(_)), "{e:?}");
        // A page that is not the one asked for.
        let pages = vec![(0x00, supported(&[0x00, 0x2E])), (0x2E, page(0x0C, &[]))];
        assert!(matches!(read_health(drive(&pages, &mut Vec::new())), Err(TapeError::Other(_))));
        // Volume statistics with "page valid" 0: no cartridge statistics.
        let pages = vec![(0x00, supported(&[0x00, 0x17])), (0x17, page(0x17, &[(0, vec![0]), (1, vec![0, 0, 0, 9])]))];
        assert_eq!(read_health(drive(&pages, &mut Vec::new())).unwrap().volume, None);
    }
}
