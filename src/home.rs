//! Where the catalog lives: `--home` / `TAPEBACKARR_HOME`, else `/var/lib/tapebackarr` for
//! root and the XDG data directory (`$XDG_DATA_HOME/tapebackarr`, `~/.local/share/tapebackarr`)
//! for everyone else.

use std::path::PathBuf;

pub fn resolve(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(dir) = explicit.filter(|d| !d.as_os_str().is_empty()) {
        return dir;
    }
    if nix::unistd::geteuid().is_root() {
        return PathBuf::from("/var/lib/tapebackarr");
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("tapebackarr")
}
