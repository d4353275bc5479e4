//! A tgt VTL for tests: start `../shared/vtl/start-vtl.sh` in a fresh directory on a free
//! port, stop it on drop. Without tgt or libiscsi, tests say SKIPPED loudly and pass, unless
//! TAPEBACKARR_REQUIRE_TGT=1 (CI), when they fail.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tapebackarr::tape::{self, DeviceSpec, TapeDevice};

const INSTALL: &str = "apt-get install tgt libiscsi7";

pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vtl/start-vtl.sh")
}

/// Why tgt tests cannot run here, if they cannot.
pub fn missing() -> Option<String> {
    let script = script();
    if !script.exists() {
        return Some(format!("{} not found (the VTL scripts live in ../shared/vtl)", script.display()));
    }
    for tool in ["tgtd", "tgtadm", "tgtimg"] {
        let found =
            ["/usr/sbin", "/sbin", "/usr/bin", "/usr/local/sbin"].iter().any(|d| Path::new(d).join(tool).exists())
                || Command::new("sh")
                    .arg("-c")
                    .arg(format!("command -v {tool}"))
                    .output()
                    .is_ok_and(|o| o.status.success());
        if !found {
            return Some(format!("{tool} is not installed"));
        }
    }
    // SAFETY: loading libiscsi runs only its ELF constructors.
    let lib = ["libiscsi.so.7", "libiscsi.so"].into_iter().any(|n| unsafe { libloading::Library::new(n) }.is_ok());
    if !lib {
        return Some("libiscsi is not installed".into());
    }
    if !nix::unistd::geteuid().is_root() {
        return Some("tgtd needs root (its control sockets live in /var/run/tgtd)".into());
    }
    None
}

/// Returns false (after saying why) when the test must be skipped.
pub fn tgt_available(test: &str) -> bool {
    let Some(why) = missing() else { return true };
    if std::env::var("TAPEBACKARR_REQUIRE_TGT").is_ok_and(|v| v == "1") {
        panic!("{test}: TAPEBACKARR_REQUIRE_TGT=1 but {why} ({INSTALL})");
    }
    eprintln!("\n*** SKIPPED: {test}: {why} ({INSTALL}) ***\n");
    false
}

/// A running tgtd; stopped on drop.
pub struct Vtl {
    pub dir: tempfile::TempDir,
    pub port: u16,
}

impl Vtl {
    /// Starts a VTL. `tape_mb` sizes new cartridges.
    pub fn start(tape_mb: Option<u32>) -> Vtl {
        let mut last = String::new();
        for _ in 0..20 {
            let port = candidate_port();
            // The media path must stay under 128 characters: a short directory in /tmp.
            let dir = tempfile::Builder::new().prefix("tbvtl").tempdir_in("/tmp").expect("temp dir");
            let mut cmd = Command::new("bash");
            cmd.arg(script()).arg(dir.path()).arg(port.to_string());
            if let Some(mb) = tape_mb {
                cmd.env("TAPE_MB", mb.to_string());
            }
            let out = cmd.output().expect("run start-vtl.sh");
            let vtl = Vtl { dir, port };
            if out.status.success() {
                vtl.wait_listening();
                return vtl;
            }
            last = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            // `vtl` is dropped here: stops whatever half-started.
        }
        panic!("could not start a VTL in 20 attempts; last output:\n{last}");
    }

    pub fn wait_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "tgtd never listened on port {}", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self, lun: u16) -> String {
        format!("iscsi://127.0.0.1:{p}/iqn.2024-01.lab.vtl:{p}/{lun}", p = self.port)
    }

    pub fn open(&self, lun: u16) -> Box<dyn TapeDevice> {
        let spec = DeviceSpec::parse(&self.url(lun)).expect("device string");
        tape::open(&spec).unwrap_or_else(|e| panic!("open {}: {e}", self.url(lun)))
    }
}

impl Drop for Vtl {
    fn drop(&mut self) {
        if self.dir.path().join("tgtd.pid").exists() {
            let _ = Command::new("bash").arg(script()).arg("stop").arg(self.dir.path()).output();
        }
    }
}

/// A free port tgtd accepts: it uses the port as its control port too, which must be below
/// 32768 — so not an ephemeral port from binding port 0 (32768-60999 on Linux). Tests run in
/// parallel; a port taken between this check and tgtd's bind makes start-vtl.sh fail, and
/// we try another.
pub fn candidate_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let seed = std::process::id().wrapping_mul(7919).wrapping_add(nanos).wrapping_add(n.wrapping_mul(104_729));
    let mut port = 20000 + (seed % 12000) as u16;
    loop {
        let socket = format!("/var/run/tgtd/socket.{port}");
        if !Path::new(&socket).exists() && TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
        port = if port >= 31999 { 20000 } else { port + 1 };
    }
}

/// PREVENT MEDIUM REMOVAL held on a drive LUN in an iSCSI session of its own, as another
/// program using the drive would hold it. tgt ties the lock to the session (SPC: to the
/// I_T nexus), so it ends when this is dropped (logout), or earlier with [`Prevent::allow`].
pub struct Prevent {
    session: tapebackarr::tape::scsi::iscsi::IscsiTransport,
}

impl Vtl {
    /// Sends PREVENT MEDIUM REMOVAL (SSC, 1E 00 00 00 01 00) to drive LUN `lun`.
    pub fn prevent_removal(&self, lun: u16) -> Prevent {
        let url = self.url(lun).parse().expect("iSCSI URL");
        let session =
            tapebackarr::tape::scsi::iscsi::IscsiTransport::connect(&url).expect("iSCSI session to the drive");
        let mut p = Prevent { session };
        p.send(true);
        p
    }
}

impl Prevent {
    /// ALLOW MEDIUM REMOVAL in the same session, then logout.
    pub fn allow(mut self) {
        self.send(false);
    }

    fn send(&mut self, prevent: bool) {
        use tapebackarr::tape::scsi::{DataDir, Transport, status};
        let cdb = [0x1E, 0, 0, 0, prevent as u8, 0];
        let timeout = Duration::from_secs(30);
        let mut done = self.session.execute(&cdb, DataDir::None, timeout).expect("PREVENT ALLOW");
        if done.status == status::CHECK_CONDITION && done.sense.get(2).is_some_and(|k| k & 0x0f == 6) {
            // A unit attention (29/00) left over from the login: once more.
            done = self.session.execute(&cdb, DataDir::None, timeout).expect("PREVENT ALLOW");
        }
        assert_eq!(done.status, status::GOOD, "PREVENT ALLOW on the drive: {done:?}");
    }
}
