//! The Linux SCSI generic driver: one `SG_IO` ioctl per command (see `<scsi/sg.h>`).
//!
//! Nothing here knows tapes: a CDB goes in, status, sense and a residual come out.

use std::fs::{File, OpenOptions};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::libc::{self, c_int, c_uchar, c_uint, c_ushort, c_void};

use super::{Completion, DataDir, Transport};
use crate::tape::{Result, TapeError};

/// `SG_IO` (not an `_IOWR` number: the sg driver predates them).
const SG_IO: libc::c_ulong = 0x2285;
/// `SG_GET_VERSION_NUM`: an int, e.g. 30536 for 3.5.36.
const SG_GET_VERSION_NUM: libc::c_ulong = 0x2282;
/// `SG_GET_SG_TABLESIZE`: an int, the most scatter-gather elements the HBA takes.
const SG_GET_SG_TABLESIZE: libc::c_ulong = 0x227F;
/// `BLKSECTGET`, which sg answers with the queue's max_sectors in bytes (sg.c `sg_ioctl`,
/// `max_sectors_bytes`; kernels before 4.0 answered in 512-byte sectors).
const BLKSECTGET: libc::c_ulong = 0x1267;
/// sg's default `scatter_elem_sz` module parameter (SG_SCATTER_SZ).
const SG_SCATTER_SZ: usize = 32 * 1024;
const SG_DXFER_NONE: c_int = -1;
const SG_DXFER_TO_DEV: c_int = -2;
const SG_DXFER_FROM_DEV: c_int = -3;
/// Low nibble of `driver_status`: DRIVER_SENSE (sense was collected) is not a failure.
const DRIVER_SENSE: c_ushort = 0x08;
/// Sense buffer size: 252 is the most SPC allows; 96 covers every tape drive we know.
const SENSE_LEN: usize = 96;

/// `struct sg_io_hdr` from `<scsi/sg.h>` (interface id 'S').
#[repr(C)]
#[derive(Debug)]
pub(crate) struct SgIoHdr {
    /// Always 'S'.
    pub interface_id: c_int,
    /// SG_DXFER_NONE / TO_DEV / FROM_DEV.
    pub dxfer_direction: c_int,
    /// CDB length, ≤ 16.
    pub cmd_len: c_uchar,
    /// Sense buffer size.
    pub mx_sb_len: c_uchar,
    /// 0: `dxferp` is the buffer; n: `dxferp` points at n `struct sg_iovec`.
    pub iovec_count: c_ushort,
    /// Bytes to move.
    pub dxfer_len: c_uint,
    pub dxferp: *mut c_void,
    pub cmdp: *const c_uchar,
    pub sbp: *mut c_uchar,
    /// Milliseconds.
    pub timeout: c_uint,
    pub flags: c_uint,
    pub pack_id: c_int,
    pub usr_ptr: *mut c_void,
    /// Output: the SCSI status byte.
    pub status: c_uchar,
    pub masked_status: c_uchar,
    pub msg_status: c_uchar,
    /// Output: sense bytes written.
    pub sb_len_wr: c_uchar,
    /// Output: transport (HBA) errors, e.g. DID_TIME_OUT.
    pub host_status: c_ushort,
    /// Output: mid-level errors; DRIVER_SENSE just says sense is present.
    pub driver_status: c_ushort,
    /// Output: `dxfer_len` minus bytes actually moved.
    pub resid: c_int,
    pub duration: c_uint,
    pub info: c_uint,
}

/// Builds the header for one command. The pointers borrow `cdb`, the data buffers and
/// `sense`: the header must be used (by the ioctl) while those are alive and untouched.
pub(crate) fn build_header(
    cdb: &[u8],
    data: &mut DataDir<'_, '_>,
    sense: &mut [u8],
    timeout: Duration,
) -> Result<SgIoHdr> {
    if cdb.is_empty() || cdb.len() > 16 {
        return Err(TapeError::Other(format!("a {}-byte CDB cannot be sent", cdb.len())));
    }
    let total = data.len();
    let dxfer_len =
        c_uint::try_from(total).map_err(|_| TapeError::Other(format!("{total} bytes is too much for one SG_IO")))?;
    let (dxfer_direction, iovec_count, dxferp) = match data {
        DataDir::None => (SG_DXFER_NONE, 0, std::ptr::null_mut()),
        DataDir::Out(buf) => (SG_DXFER_TO_DEV, 0, buf.as_ptr() as *mut c_void),
        DataDir::In(bufs) if bufs.len() == 1 => (SG_DXFER_FROM_DEV, 0, bufs[0].as_mut_ptr() as *mut c_void),
        DataDir::In(bufs) => {
            let n = c_ushort::try_from(bufs.len())
                .map_err(|_| TapeError::Other("too many data buffers for SG_IO".into()))?;
            // IoSliceMut is guaranteed ABI-compatible with `struct iovec`, which is what
            // `struct sg_iovec` is (void *iov_base; size_t iov_len).
            (SG_DXFER_FROM_DEV, n, bufs.as_mut_ptr() as *mut c_void)
        }
    };
    Ok(SgIoHdr {
        interface_id: b'S' as c_int,
        dxfer_direction: if total == 0 { SG_DXFER_NONE } else { dxfer_direction },
        cmd_len: cdb.len() as c_uchar,
        mx_sb_len: sense.len().min(255) as c_uchar,
        iovec_count: if total == 0 { 0 } else { iovec_count },
        dxfer_len,
        dxferp: if total == 0 { std::ptr::null_mut() } else { dxferp },
        cmdp: cdb.as_ptr(),
        sbp: sense.as_mut_ptr(),
        timeout: timeout.as_millis().min(c_uint::MAX as u128) as c_uint,
        flags: 0,
        pack_id: 0,
        usr_ptr: std::ptr::null_mut(),
        status: 0,
        masked_status: 0,
        msg_status: 0,
        sb_len_wr: 0,
        host_status: 0,
        driver_status: 0,
        resid: 0,
        duration: 0,
        info: 0,
    })
}

/// Turns a completed header into a [`Completion`], or an error for failures below SCSI
/// (the HBA or the mid-level driver), where the command's fate is unknown.
pub(crate) fn completion(h: &SgIoHdr, sense: &[u8]) -> Result<Completion> {
    let driver = h.driver_status & 0x0F;
    if h.host_status != 0 || (driver != 0 && driver != DRIVER_SENSE) {
        let what = match h.host_status {
            0x01 => "no connection (DID_NO_CONNECT)",
            0x02 => "bus busy (DID_BUS_BUSY)",
            0x03 => "command timed out (DID_TIME_OUT)",
            0x04 => "bad target (DID_BAD_TARGET)",
            0x05 => "command aborted (DID_ABORT)",
            0x07 => "internal error (DID_ERROR)",
            0x08 => "bus reset (DID_RESET)",
            _ if driver == 0x06 => "driver timeout (DRIVER_TIMEOUT)",
            _ => "transport failure",
        };
        return Err(TapeError::Io(std::io::Error::other(format!(
            "SG_IO: {what} (host_status 0x{:02x}, driver_status 0x{:02x})",
            h.host_status, h.driver_status
        ))));
    }
    let sense_len = (h.sb_len_wr as usize).min(sense.len());
    let resid = usize::try_from(h.resid).unwrap_or(0).min(h.dxfer_len as usize);
    Ok(Completion {
        status: h.status,
        sense: sense[..sense_len].to_vec(),
        transferred: Some(h.dxfer_len as usize - resid),
    })
}

/// Sends one command with the `SG_IO` ioctl and waits for it. Works on an sg node, or on an
/// st node, which passes `SG_IO` on to the SCSI midlayer for callers with CAP_SYS_RAWIO (st.c
/// `st_common_ioctl`).
///
/// A failed ioctl is returned as the bare errno ([`TapeError::Io`] with `raw_os_error()` set),
/// for the caller to name the device; failures below SCSI (see [`completion`]) carry no errno.
pub(crate) fn sg_io(
    fd: BorrowedFd<'_>,
    cdb: &[u8],
    mut data: DataDir<'_, '_>,
    timeout: Duration,
) -> Result<Completion> {
    let mut sense = [0u8; SENSE_LEN];
    let mut hdr = build_header(cdb, &mut data, &mut sense, timeout)?;
    // SAFETY: `hdr` points at `cdb`, `sense` and the buffers in `data`, all borrowed for
    // the duration of this call; SG_IO is synchronous and writes only into them and `hdr`.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), SG_IO as _, &mut hdr as *mut SgIoHdr) };
    if r < 0 {
        return Err(TapeError::Io(std::io::Error::last_os_error()));
    }
    completion(&hdr, &sense)
}

/// The most bytes one SG_IO may move. sg builds the kernel buffer of a command from at most
/// `segments` chunks of `elem_size` bytes (sg.c `sg_build_indirect`: more is ENOMEM, which a
/// 4 MiB read hits behind virtio-scsi), and the request queue takes at most `queue_bytes`
/// (EINVAL beyond). `queue_bytes` below a page is taken as sectors (older kernels).
pub(crate) fn max_transfer_from(
    segments: Option<usize>,
    elem_size: usize,
    queue_bytes: Option<usize>,
) -> Option<usize> {
    // sg rounds scatter_elem_sz up to a power of two of at least a page (sg.c `sg_init`).
    let elem = elem_size.max(4096).next_power_of_two();
    let by_segments = segments.filter(|&n| n > 0).map(|n| n.saturating_mul(elem));
    let by_queue = queue_bytes.filter(|&b| b > 0).map(|b| if b < 4096 { b.saturating_mul(512) } else { b });
    match (by_segments, by_queue) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The limits of the sg node behind `file` (see [`max_transfer_from`]).
fn sg_max_transfer(file: &File) -> Option<usize> {
    let int_ioctl = |req: libc::c_ulong| {
        let mut v: c_int = 0;
        // SAFETY: both ioctls write one int through the pointer, which is valid.
        let r = unsafe { libc::ioctl(file.as_raw_fd(), req as _, &mut v as *mut c_int) };
        (r >= 0).then_some(v).and_then(|v| usize::try_from(v).ok())
    };
    let elem = std::fs::read_to_string("/sys/module/sg/parameters/scatter_elem_sz")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(SG_SCATTER_SZ);
    max_transfer_from(int_ioctl(SG_GET_SG_TABLESIZE), elem, int_ioctl(BLKSECTGET))
}

/// An open `/dev/sgN`.
pub struct SgTransport {
    file: File,
    path: PathBuf,
    max_transfer: Option<usize>,
}

impl SgTransport {
    pub fn open(path: &Path) -> Result<SgTransport> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_CLOEXEC)
            .open(path)
            .map_err(|e| TapeError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))))?;
        let mut version: c_int = 0;
        // SAFETY: SG_GET_VERSION_NUM writes one int through the pointer, which is valid.
        let r = unsafe { libc::ioctl(file.as_raw_fd(), SG_GET_VERSION_NUM as _, &mut version as *mut c_int) };
        if r < 0 || version < 30000 {
            return Err(TapeError::Other(format!(
                "{} is not a SCSI generic (sg) device: use sg:/dev/sgN (lsscsi -g lists them)",
                path.display()
            )));
        }
        let max_transfer = sg_max_transfer(&file);
        Ok(SgTransport { file, path: path.to_owned(), max_transfer })
    }
}

impl Transport for SgTransport {
    fn execute(&mut self, cdb: &[u8], data: DataDir<'_, '_>, timeout: Duration) -> Result<Completion> {
        sg_io(self.file.as_fd(), cdb, data, timeout).map_err(|err| match err {
            // The ioctl itself failed: name the device.
            TapeError::Io(e) if e.raw_os_error().is_some() => {
                TapeError::Io(std::io::Error::new(e.kind(), format!("SG_IO on {}: {e}", self.path.display())))
            }
            other => other,
        })
    }

    fn describe(&self) -> String {
        format!("sg:{}", self.path.display())
    }

    fn max_transfer(&self) -> Option<usize> {
        self.max_transfer
    }
}

#[cfg(test)]
mod tests {
    use std::io::IoSliceMut;

    use super::*;
    use crate::tape::scsi::cdb;

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn header_layout_matches_linux() {
        // <scsi/sg.h> on x86_64: sizeof 88; offsetof() as printed by a C program including it.
        assert_eq!(std::mem::size_of::<SgIoHdr>(), 88);
        assert_eq!(std::mem::offset_of!(SgIoHdr, dxfer_len), 12);
        assert_eq!(std::mem::offset_of!(SgIoHdr, dxferp), 16);
        assert_eq!(std::mem::offset_of!(SgIoHdr, cmdp), 24);
        assert_eq!(std::mem::offset_of!(SgIoHdr, sbp), 32);
        assert_eq!(std::mem::offset_of!(SgIoHdr, timeout), 40);
        assert_eq!(std::mem::offset_of!(SgIoHdr, usr_ptr), 56);
        assert_eq!(std::mem::offset_of!(SgIoHdr, status), 64);
        assert_eq!(std::mem::offset_of!(SgIoHdr, sb_len_wr), 67);
        assert_eq!(std::mem::offset_of!(SgIoHdr, host_status), 68);
        assert_eq!(std::mem::offset_of!(SgIoHdr, resid), 72);
        assert_eq!(std::mem::offset_of!(SgIoHdr, duration), 76);
        assert_eq!(std::mem::offset_of!(SgIoHdr, info), 80);
        assert_eq!(std::mem::size_of::<IoSliceMut<'_>>(), std::mem::size_of::<libc::iovec>());
    }

    #[test]
    fn header_for_each_direction() {
        let mut sense = [0u8; SENSE_LEN];
        let c = cdb::test_unit_ready();
        let h = build_header(&c, &mut DataDir::None, &mut sense, Duration::from_secs(60)).unwrap();
        assert_eq!(h.interface_id, b'S' as c_int);
        assert_eq!((h.dxfer_direction, h.dxfer_len, h.iovec_count), (SG_DXFER_NONE, 0, 0));
        assert!(h.dxferp.is_null());
        assert_eq!((h.cmd_len, h.mx_sb_len, h.timeout), (6, SENSE_LEN as u8, 60_000));
        assert_eq!(h.cmdp, c.as_ptr());
        assert_eq!(h.sbp, sense.as_mut_ptr());

        let block = vec![7u8; 1000];
        let c = cdb::write6_variable(1000).unwrap();
        let h = build_header(&c, &mut DataDir::Out(&block), &mut sense, Duration::from_secs(900)).unwrap();
        assert_eq!((h.dxfer_direction, h.dxfer_len, h.iovec_count), (SG_DXFER_TO_DEV, 1000, 0));
        assert_eq!(h.dxferp as *const u8, block.as_ptr());

        let mut a = vec![0u8; 512];
        let mut b = vec![0u8; 512];
        let pa = a.as_ptr();
        let c = cdb::read6_variable(1024, false).unwrap();
        {
            let mut one = [IoSliceMut::new(&mut a)];
            let h = build_header(&c, &mut DataDir::In(&mut one), &mut sense, Duration::from_secs(1)).unwrap();
            assert_eq!((h.dxfer_direction, h.dxfer_len, h.iovec_count), (SG_DXFER_FROM_DEV, 512, 0));
            assert_eq!(h.dxferp as *const u8, pa);
        }
        let mut two = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];
        let h = build_header(&c, &mut DataDir::In(&mut two), &mut sense, Duration::from_secs(1)).unwrap();
        assert_eq!((h.dxfer_direction, h.dxfer_len, h.iovec_count), (SG_DXFER_FROM_DEV, 1024, 2));
        assert_eq!(h.dxferp as *const IoSliceMut<'_>, two.as_ptr());

        // A zero-length read is a no-data command.
        let mut none: [IoSliceMut<'_>; 0] = [];
        let h = build_header(&c, &mut DataDir::In(&mut none), &mut sense, Duration::from_secs(1)).unwrap();
        assert_eq!(h.dxfer_direction, SG_DXFER_NONE);
        assert!(build_header(&[], &mut DataDir::None, &mut sense, Duration::ZERO).is_err());
    }

    #[test]
    fn completions() {
        let mut sense = [0u8; SENSE_LEN];
        let c = cdb::read6_variable(1024, false).unwrap();
        let mut buf = vec![0u8; 1024];
        let mut one = [IoSliceMut::new(&mut buf)];
        let mut h = build_header(&c, &mut DataDir::In(&mut one), &mut sense, Duration::from_secs(1)).unwrap();
        // CHECK CONDITION with 18 bytes of sense and 24 bytes not moved.
        h.status = 0x02;
        h.driver_status = DRIVER_SENSE;
        h.sb_len_wr = 18;
        h.resid = 24;
        let mut sense_bytes = [0u8; SENSE_LEN];
        sense_bytes[0] = 0x70;
        let done = completion(&h, &sense_bytes).unwrap();
        assert_eq!((done.status, done.sense.len(), done.transferred), (0x02, 18, Some(1000)));
        h.host_status = 0x03;
        assert!(matches!(completion(&h, &sense_bytes), Err(TapeError::Io(e)) if e.to_string().contains("timed out")));
        h.host_status = 0;
        h.driver_status = 0x06;
        assert!(completion(&h, &sense_bytes).is_err());
    }

    #[test]
    fn max_transfer_is_the_smaller_of_scatter_list_and_queue() {
        // virtio-scsi in the QEMU guest: 126 segments of 32 KiB; a 4 MiB READ did not fit.
        assert_eq!(max_transfer_from(Some(126), 32 * 1024, Some(32 << 20)), Some(126 * 32 * 1024));
        assert!(max_transfer_from(Some(126), 32 * 1024, None).unwrap() < 4 << 20);
        assert_eq!(max_transfer_from(Some(128), 32 * 1024, Some(512 * 1024)), Some(512 * 1024));
        // scatter_elem_sz is rounded up to a power of two, at least a page.
        assert_eq!(max_transfer_from(Some(10), 100, None), Some(10 * 4096));
        assert_eq!(max_transfer_from(Some(10), 40_000, None), Some(10 * 65536));
        // Older kernels answer BLKSECTGET in sectors.
        assert_eq!(max_transfer_from(None, 32 * 1024, Some(1024)), Some(512 * 1024));
        assert_eq!(max_transfer_from(Some(0), 32 * 1024, Some(0)), None);
    }

    #[test]
    fn sg_io_returns_the_ioctl_errno() {
        let null = File::open("/dev/null").unwrap();
        let c = cdb::test_unit_ready();
        let Err(TapeError::Io(e)) = sg_io(null.as_fd(), &c, DataDir::None, Duration::from_secs(1)) else {
            panic!("SG_IO on /dev/null must fail");
        };
        assert_eq!(e.raw_os_error(), Some(libc::ENOTTY));
        // A CDB that cannot be sent is refused before any ioctl.
        assert!(matches!(sg_io(null.as_fd(), &[], DataDir::None, Duration::ZERO), Err(TapeError::Other(_))));
    }
}
