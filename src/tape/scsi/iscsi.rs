//! SCSI over iSCSI from user space, through libiscsi loaded at run time.
//!
//! libiscsi is opened with `dlopen` ("libiscsi.so.7", then "libiscsi.so"), so the program
//! builds and runs without it; only `iscsi://` devices need it. We mirror the start of
//! libiscsi 1.19's `struct scsi_task` and check that mirror against every task libiscsi
//! creates, refusing to go on if another libiscsi lays it out differently.
//!
//! Sense data arrives in `task->datain` with a 2-byte SenseLength prefix (the iSCSI SCSI
//! Response PDU's data segment). READ data goes straight into the caller's buffers
//! (`scsi_task_add_data_in_buffer`); WRITE data is sent from the caller's buffer.
//!
//! A context is not thread-safe and is used from one thread at a time (`&mut self`).
//! Auto-reconnect is turned off where libiscsi offers the switch: after a lost connection a
//! replayed WRITE or SPACE could silently duplicate or skip a block; failing is better. A
//! session whose command ended in an unknown state refuses further commands.
//!
//! The initiator name is [`DEFAULT_INITIATOR`] unless `TAPEBACKARR_ISCSI_INITIATOR` is set
//! (targets with access lists want the name they were given).

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use libloading::Library;

use super::{Completion, DataDir, Transport, status};
use crate::tape::{Result, TapeError};

/// `iscsi://HOST:PORT/IQN/LUN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IscsiUrl {
    pub portal: String,
    pub iqn: String,
    pub lun: u16,
}

impl FromStr for IscsiUrl {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let bad = || format!("'{s}' is not an iSCSI device: write iscsi://HOST:PORT/IQN/LUN");
        let rest = s.strip_prefix("iscsi://").ok_or_else(bad)?;
        let mut parts = rest.splitn(3, '/');
        let (portal, iqn, lun) =
            (parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?);
        let lun = lun.parse().map_err(|_| bad())?;
        if portal.is_empty() || iqn.is_empty() {
            return Err(bad());
        }
        Ok(IscsiUrl { portal: portal.into(), iqn: iqn.into(), lun })
    }
}

impl fmt::Display for IscsiUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "iscsi://{}/{}/{}", self.portal, self.iqn, self.lun)
    }
}

/// Our initiator name, unless `TAPEBACKARR_ISCSI_INITIATOR` names another (targets with
/// access lists need the name they were told).
pub const DEFAULT_INITIATOR: &str = "iqn.2024-01.org.tapebackarr:initiator";

const LIBRARY_NAMES: [&str; 2] = ["libiscsi.so.7", "libiscsi.so"];

// enum iscsi_session_type / iscsi_header_digest / scsi_xfer_dir / scsi_residual (iscsi.h,
// scsi-lowlevel.h).
const ISCSI_SESSION_NORMAL: c_int = 2;
/// Offer no digest, accept CRC32C if the target insists.
const ISCSI_HEADER_DIGEST_NONE_CRC32C: c_int = 1;
const SCSI_XFER_NONE: c_int = 0;
const SCSI_XFER_READ: c_int = 1;
const SCSI_XFER_WRITE: c_int = 2;
const SCSI_RESIDUAL_NO_RESIDUAL: c_int = 0;
const SCSI_RESIDUAL_UNDERFLOW: c_int = 1;
const SCSI_RESIDUAL_OVERFLOW: c_int = 2;
/// libiscsi's own status values for failures below SCSI (enum scsi_status).
const SCSI_STATUS_CANCELLED: c_int = 0x0f00_0000;
const SCSI_STATUS_ERROR: c_int = 0x0f00_0001;
const SCSI_STATUS_TIMEOUT: c_int = 0x0f00_0002;

/// `struct scsi_sense` (libiscsi 1.19): 16 bytes, 4-aligned. We never read it (sense comes
/// raw from `datain`); it is here to place `datain`.
#[repr(C)]
struct ScsiSense {
    error_type: u8,
    key: c_int,
    ascq: c_int,
    /// Three 1-bit fields share this unit with `bit_pointer` (gcc packs them into byte 12).
    bits: u8,
    bit_pointer: u8,
    field_pointer: u16,
}

/// `struct scsi_data`.
#[repr(C)]
struct ScsiData {
    size: c_int,
    data: *mut u8,
}

/// The first fields of `struct scsi_task` (libiscsi 1.19), up to the last one we read.
/// libiscsi allocates the whole struct; we only ever hold a pointer to it.
#[repr(C)]
struct ScsiTask {
    status: c_int,
    cdb_size: c_int,
    xfer_dir: c_int,
    expxferlen: c_int,
    cdb: [u8; 16],
    residual_status: c_int,
    residual: usize,
    sense: ScsiSense,
    datain: ScsiData,
}

/// `struct iscsi_data`.
#[repr(C)]
struct IscsiData {
    size: usize,
    data: *mut u8,
}

type Ctx = c_void;

/// The libiscsi functions we call, resolved once.
struct Api {
    create_context: unsafe extern "C" fn(*const c_char) -> *mut Ctx,
    set_targetname: unsafe extern "C" fn(*mut Ctx, *const c_char) -> c_int,
    set_session_type: unsafe extern "C" fn(*mut Ctx, c_int) -> c_int,
    set_header_digest: unsafe extern "C" fn(*mut Ctx, c_int) -> c_int,
    full_connect_sync: unsafe extern "C" fn(*mut Ctx, *const c_char, c_int) -> c_int,
    scsi_command_sync: unsafe extern "C" fn(*mut Ctx, c_int, *mut ScsiTask, *mut IscsiData) -> *mut ScsiTask,
    create_task: unsafe extern "C" fn(c_int, *mut u8, c_int, c_int) -> *mut ScsiTask,
    add_data_in_buffer: unsafe extern "C" fn(*mut ScsiTask, c_int, *mut u8) -> c_int,
    free_task: unsafe extern "C" fn(*mut ScsiTask),
    get_error: unsafe extern "C" fn(*mut Ctx) -> *const c_char,
    logout_sync: unsafe extern "C" fn(*mut Ctx) -> c_int,
    destroy_context: unsafe extern "C" fn(*mut Ctx) -> c_int,
    /// Optional (libiscsi ≥ 1.10): turn off reconnect-and-replay.
    set_noautoreconnect: Option<unsafe extern "C" fn(*mut Ctx, c_int)>,
    /// Optional: per-command timeout in seconds (0 = none).
    set_timeout: Option<unsafe extern "C" fn(*mut Ctx, c_int) -> c_int>,
    /// Keeps the functions above mapped; dropped last.
    _lib: Library,
}

impl Api {
    fn load() -> Result<Api> {
        let mut errors = Vec::new();
        let mut found = None;
        for name in LIBRARY_NAMES {
            // SAFETY: loading libiscsi runs its (trivial) ELF constructors; nothing else.
            match unsafe { Library::new(name) } {
                Ok(lib) => {
                    found = Some((name, lib));
                    break;
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        let Some((name, lib)) = found else {
            return Err(TapeError::Other(format!(
                "libiscsi not found: apt-get install libiscsi7 (needed for iscsi:// devices; {})",
                errors.join("; ")
            )));
        };
        macro_rules! sym {
            ($name:literal) => {{
                // SAFETY: the type matches the C prototype in libiscsi's iscsi.h /
                // scsi-lowlevel.h (1.19); the library outlives the pointer (`_lib`).
                let s = unsafe { lib.get(concat!($name, "\0").as_bytes()) }
                    .map_err(|e| TapeError::Other(format!("{name} lacks {}: {e} (libiscsi too old?)", $name)))?;
                *s
            }};
        }
        macro_rules! optional {
            ($name:literal) => {{
                // SAFETY: as above.
                unsafe { lib.get(concat!($name, "\0").as_bytes()) }.ok().map(|s| *s)
            }};
        }
        Ok(Api {
            create_context: sym!("iscsi_create_context"),
            set_targetname: sym!("iscsi_set_targetname"),
            set_session_type: sym!("iscsi_set_session_type"),
            set_header_digest: sym!("iscsi_set_header_digest"),
            full_connect_sync: sym!("iscsi_full_connect_sync"),
            scsi_command_sync: sym!("iscsi_scsi_command_sync"),
            create_task: sym!("scsi_create_task"),
            add_data_in_buffer: sym!("scsi_task_add_data_in_buffer"),
            free_task: sym!("scsi_free_scsi_task"),
            get_error: sym!("iscsi_get_error"),
            logout_sync: sym!("iscsi_logout_sync"),
            destroy_context: sym!("iscsi_destroy_context"),
            set_noautoreconnect: optional!("iscsi_set_noautoreconnect"),
            set_timeout: optional!("iscsi_set_timeout"),
            _lib: lib,
        })
    }
}

/// Checks a freshly created task against what we passed to `scsi_create_task`: if our mirror
/// of `struct scsi_task` is wrong for this libiscsi, these fields read back wrong.
fn check_new_task(t: &ScsiTask, cdb: &[u8], dir: c_int, len: c_int) -> Result<()> {
    let ok = t.cdb_size == cdb.len() as c_int
        && t.xfer_dir == dir
        && t.expxferlen == len
        && t.cdb[..cdb.len()] == *cdb
        && t.status == 0
        && t.residual_status == SCSI_RESIDUAL_NO_RESIDUAL
        && t.residual == 0
        && t.datain.size == 0
        && t.datain.data.is_null();
    if ok {
        Ok(())
    } else {
        Err(TapeError::Other(format!(
            "this libiscsi's struct scsi_task is not laid out as in libiscsi 1.19 \
             (cdb_size {} xfer_dir {} expxferlen {} cdb[0] 0x{:02x} read back for {} {} {} 0x{:02x}): \
             refusing to use it",
            t.cdb_size,
            t.xfer_dir,
            t.expxferlen,
            t.cdb[0],
            cdb.len(),
            dir,
            len,
            cdb[0]
        )))
    }
}

/// Extracts sense bytes from a CHECK CONDITION's `datain`: a 2-byte big-endian SenseLength,
/// then the sense data. Implausible contents mean our struct mirror is wrong.
fn sense_from_datain(datain: &[u8]) -> Result<Vec<u8>> {
    if datain.len() < 2 {
        return Ok(Vec::new());
    }
    let len = u16::from_be_bytes([datain[0], datain[1]]) as usize;
    if len > datain.len() - 2 || datain.len() > 2 + 252 + 64 {
        return Err(TapeError::Other(format!(
            "libiscsi returned {} bytes of sense data claiming {len}: struct scsi_task layout mismatch?",
            datain.len()
        )));
    }
    Ok(datain[2..2 + len].to_vec())
}

/// A logged-in iSCSI session to one LUN.
pub struct IscsiTransport {
    api: Api,
    ctx: *mut Ctx,
    lun: c_int,
    url: String,
    /// Set once the session cannot be trusted (a command's outcome is unknown).
    broken: Option<String>,
    /// A task may still be queued inside libiscsi with a callback into a stack frame that is
    /// gone: destroying the context would run it. Leak the context instead.
    leak: bool,
}

// SAFETY: the context and tasks are plain heap objects with no thread affinity (no
// thread-locals in libiscsi); a context must not be used by two threads at once, which
// `&mut self` on every method guarantees. Moving the transport to another thread is fine.
unsafe impl Send for IscsiTransport {}

impl IscsiTransport {
    pub fn connect(url: &IscsiUrl) -> Result<IscsiTransport> {
        let api = Api::load()?;
        let initiator = std::env::var("TAPEBACKARR_ISCSI_INITIATOR").unwrap_or_else(|_| DEFAULT_INITIATOR.to_string());
        let cstr = |s: &str| CString::new(s).map_err(|_| TapeError::Other(format!("'{s}' contains a NUL byte")));
        let (c_init, c_iqn, c_portal) = (cstr(&initiator)?, cstr(&url.iqn)?, cstr(&url.portal)?);
        // SAFETY: a valid C string; returns NULL or a context we own.
        let ctx = unsafe { (api.create_context)(c_init.as_ptr()) };
        if ctx.is_null() {
            return Err(TapeError::Other("iscsi_create_context failed".into()));
        }
        let t = IscsiTransport { api, ctx, lun: url.lun as c_int, url: url.to_string(), broken: None, leak: false };
        // SAFETY: `ctx` is live; the strings outlive the calls (libiscsi copies them).
        unsafe {
            if let Some(f) = t.api.set_noautoreconnect {
                f(ctx, 1);
            }
            if (t.api.set_targetname)(ctx, c_iqn.as_ptr()) != 0
                || (t.api.set_session_type)(ctx, ISCSI_SESSION_NORMAL) != 0
                || (t.api.set_header_digest)(ctx, ISCSI_HEADER_DIGEST_NONE_CRC32C) != 0
            {
                return Err(TapeError::Other(format!("{}: {}", t.url, t.error())));
            }
            // Logs in and, for this LUN, swallows the unit attentions of a new session.
            if (t.api.full_connect_sync)(ctx, c_portal.as_ptr(), t.lun) != 0 {
                let e = t.error();
                return Err(TapeError::Io(std::io::Error::new(
                    std::io::ErrorKind::ConnectionRefused,
                    format!("iSCSI login to {} failed: {e}", t.url),
                )));
            }
        }
        Ok(t)
    }

    fn error(&self) -> String {
        // SAFETY: `ctx` is live; iscsi_get_error returns NULL or a NUL-terminated string owned
        // by the context, copied here before any other call.
        let p = unsafe { (self.api.get_error)(self.ctx) };
        if p.is_null() {
            return "unknown libiscsi error".into();
        }
        // SAFETY: see above.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }

    fn lost(&mut self, why: String, leak: bool) -> TapeError {
        let msg = format!("iSCSI session {} lost: {why}; reopen the device", self.url);
        self.broken = Some(msg.clone());
        self.leak |= leak;
        TapeError::Io(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, msg))
    }
}

/// Frees a task on every path out of `execute`.
struct TaskGuard {
    free: unsafe extern "C" fn(*mut ScsiTask),
    task: *mut ScsiTask,
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        if !self.task.is_null() {
            // SAFETY: the task came from scsi_create_task and is no longer queued in libiscsi
            // (the guard is disarmed, task = NULL, where that is not certain).
            unsafe { (self.free)(self.task) };
        }
    }
}

impl Transport for IscsiTransport {
    fn execute(&mut self, cdb: &[u8], data: DataDir<'_, '_>, timeout: Duration) -> Result<Completion> {
        if let Some(msg) = &self.broken {
            return Err(TapeError::Io(std::io::Error::new(std::io::ErrorKind::NotConnected, msg.clone())));
        }
        if cdb.is_empty() || cdb.len() > 16 {
            return Err(TapeError::Other(format!("a {}-byte CDB cannot be sent", cdb.len())));
        }
        let total = data.len();
        let len = c_int::try_from(total)
            .map_err(|_| TapeError::Other(format!("{total} bytes is too much for one command")))?;
        let dir = match (&data, total) {
            (_, 0) => SCSI_XFER_NONE,
            (DataDir::In(_), _) => SCSI_XFER_READ,
            (DataDir::Out(_), _) => SCSI_XFER_WRITE,
            (DataDir::None, _) => unreachable!("no data has length 0"),
        };
        let mut cdb_copy = [0u8; 16];
        cdb_copy[..cdb.len()].copy_from_slice(cdb);
        // SAFETY: libiscsi copies the CDB into the task it allocates.
        let task = unsafe { (self.api.create_task)(cdb.len() as c_int, cdb_copy.as_mut_ptr(), dir, len) };
        if task.is_null() {
            return Err(TapeError::Other("scsi_create_task: out of memory".into()));
        }
        let mut guard = TaskGuard { free: self.api.free_task, task };
        // SAFETY: `task` is a live, zero-initialised task, larger than our mirror in every
        // libiscsi (fields follow `datain`); check_new_task validates the mirror before
        // anything relies on it.
        check_new_task(unsafe { &*task }, cdb, dir, len)?;

        let mut out = IscsiData { size: 0, data: std::ptr::null_mut() };
        match data {
            DataDir::In(bufs) if total > 0 => {
                for b in bufs.iter_mut().filter(|b| !b.is_empty()) {
                    // SAFETY: the buffer is borrowed until this function returns. By then the
                    // task is complete, or (NULL return below) leaked with its context, which
                    // is never serviced again, so libiscsi never writes here afterwards.
                    if unsafe { (self.api.add_data_in_buffer)(task, b.len() as c_int, b.as_mut_ptr()) } != 0 {
                        return Err(TapeError::Other("scsi_task_add_data_in_buffer: out of memory".into()));
                    }
                }
            }
            DataDir::Out(b) if total > 0 => {
                // libiscsi only reads through this pointer.
                out = IscsiData { size: b.len(), data: b.as_ptr() as *mut u8 };
            }
            _ => {}
        }
        if let Some(f) = self.api.set_timeout {
            let secs = timeout.as_secs().clamp(1, c_int::MAX as u64) as c_int;
            // SAFETY: `ctx` is live.
            unsafe { f(self.ctx, secs) };
        }
        let out_ptr = if dir == SCSI_XFER_WRITE { &mut out as *mut IscsiData } else { std::ptr::null_mut() };
        // SAFETY: `ctx` and `task` are live; the data buffers outlive the call.
        let done = unsafe { (self.api.scsi_command_sync)(self.ctx, self.lun, task, out_ptr) };
        if done.is_null() {
            // Either the command was never queued, or the event loop failed with it still
            // queued. We cannot tell which: keep the task (and the context) alive for good.
            guard.task = std::ptr::null_mut();
            let e = self.error();
            return Err(self.lost(e, true));
        }
        // SAFETY: the command completed; libiscsi no longer touches the task.
        let t = unsafe { &*task };
        match t.status {
            SCSI_STATUS_CANCELLED | SCSI_STATUS_ERROR | SCSI_STATUS_TIMEOUT => {
                let what = match t.status {
                    SCSI_STATUS_CANCELLED => "command cancelled",
                    SCSI_STATUS_TIMEOUT => "command timed out",
                    _ => "transport error",
                };
                let e = format!("{what}: {}", self.error());
                return Err(self.lost(e, false));
            }
            s if !(0..=0xff).contains(&s) => {
                let e = format!("unexpected status 0x{s:x}");
                return Err(self.lost(e, false));
            }
            _ => {}
        }
        let st = t.status as u8;
        let residual = match t.residual_status {
            SCSI_RESIDUAL_UNDERFLOW => Some(t.residual.min(total)),
            SCSI_RESIDUAL_OVERFLOW => Some(0),
            _ => None,
        };
        let sense = if st == status::CHECK_CONDITION && t.datain.size > 0 && !t.datain.data.is_null() {
            // SAFETY: libiscsi malloc'ed `size` bytes at `data` for the sense segment.
            let raw = unsafe { std::slice::from_raw_parts(t.datain.data, t.datain.size as usize) };
            sense_from_datain(raw)?
        } else {
            Vec::new()
        };
        let transferred = match (st, residual) {
            (_, Some(r)) => Some(total - r),
            (status::GOOD, None) => Some(total),
            _ => None,
        };
        Ok(Completion { status: st, sense, transferred })
    }

    fn describe(&self) -> String {
        self.url.clone()
    }
}

impl Drop for IscsiTransport {
    fn drop(&mut self) {
        if self.leak {
            return;
        }
        // SAFETY: `ctx` is live and no task is queued; after destroy it is never used again.
        unsafe {
            if self.broken.is_none() {
                (self.api.logout_sync)(self.ctx);
            }
            (self.api.destroy_context)(self.ctx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u: IscsiUrl = "iscsi://127.0.0.1:3260/iqn.2024-01.lab.vtl:3260/4".parse().unwrap();
        assert_eq!((u.portal.as_str(), u.iqn.as_str(), u.lun), ("127.0.0.1:3260", "iqn.2024-01.lab.vtl:3260", 4));
        assert_eq!(u.to_string(), "iscsi://127.0.0.1:3260/iqn.2024-01.lab.vtl:3260/4");
        for bad in ["iscsi://h/iqn", "iscsi:///iqn/1", "iscsi://h//1", "iscsi://h/iqn/x", "http://h/iqn/1"] {
            assert!(bad.parse::<IscsiUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn task_mirror_matches_libiscsi_1_19() {
        // offsetof() values printed by a C program compiled against libiscsi 1.19's
        // scsi-lowlevel.h on x86_64: status 0, cdb_size 4, xfer_dir 8, expxferlen 12, cdb 16,
        // residual_status 32, residual 40, sense 48 (16 bytes), datain 64.
        use std::mem::{offset_of, size_of};
        assert_eq!(offset_of!(ScsiTask, cdb_size), 4);
        assert_eq!(offset_of!(ScsiTask, expxferlen), 12);
        assert_eq!(offset_of!(ScsiTask, cdb), 16);
        assert_eq!(offset_of!(ScsiTask, residual_status), 32);
        assert_eq!(offset_of!(ScsiTask, residual), 40);
        assert_eq!(offset_of!(ScsiTask, sense), 48);
        assert_eq!(size_of::<ScsiSense>(), 16);
        assert_eq!(offset_of!(ScsiTask, datain), 64);
        assert_eq!(size_of::<IscsiData>(), 16);
    }

    fn blank_task() -> ScsiTask {
        ScsiTask {
            status: 0,
            cdb_size: 0,
            xfer_dir: 0,
            expxferlen: 0,
            cdb: [0; 16],
            residual_status: 0,
            residual: 0,
            sense: ScsiSense { error_type: 0, key: 0, ascq: 0, bits: 0, bit_pointer: 0, field_pointer: 0 },
            datain: ScsiData { size: 0, data: std::ptr::null_mut() },
        }
    }

    #[test]
    fn layout_check_accepts_a_faithful_task_and_refuses_others() {
        let cdb = [0x08, 0, 0, 0x10, 0, 0];
        let mut t = blank_task();
        t.cdb_size = 6;
        t.xfer_dir = SCSI_XFER_READ;
        t.expxferlen = 4096;
        t.cdb[..6].copy_from_slice(&cdb);
        check_new_task(&t, &cdb, SCSI_XFER_READ, 4096).unwrap();
        // A libiscsi whose struct is shifted by 4 bytes would read back like this.
        let mut shifted = blank_task();
        shifted.cdb_size = SCSI_XFER_READ;
        shifted.xfer_dir = 4096;
        let e = check_new_task(&shifted, &cdb, SCSI_XFER_READ, 4096).unwrap_err();
        assert!(e.to_string().contains("refusing"));
        let mut wrong_cdb = t;
        wrong_cdb.cdb[0] = 0x0a;
        assert!(check_new_task(&wrong_cdb, &cdb, SCSI_XFER_READ, 4096).is_err());
        let mut dirty = blank_task();
        dirty.cdb_size = 6;
        dirty.xfer_dir = SCSI_XFER_READ;
        dirty.expxferlen = 4096;
        dirty.cdb[..6].copy_from_slice(&cdb);
        dirty.datain.size = 18;
        assert!(check_new_task(&dirty, &cdb, SCSI_XFER_READ, 4096).is_err());
    }

    #[test]
    fn sense_segment() {
        // As tgt sends it: SenseLength 18, then fixed sense (READ hit a filemark).
        let mut seg = vec![0x00, 0x12];
        seg.extend_from_slice(&[0xf0, 0, 0x80, 0, 0x04, 0, 0, 0x0a, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0]);
        assert_eq!(sense_from_datain(&seg).unwrap().len(), 18);
        assert!(sense_from_datain(&[0x00]).unwrap().is_empty());
        assert!(sense_from_datain(&[0x00, 0x40, 0x70]).is_err());
    }

    #[test]
    fn missing_library_message() {
        // Only meaningful where libiscsi is absent; where present, loading must succeed.
        match Api::load() {
            Ok(_) => {}
            Err(e) => assert!(e.to_string().contains("apt-get install libiscsi7")),
        }
    }
}
