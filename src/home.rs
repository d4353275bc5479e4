//! Where the catalog lives: `--home` / `TAPEBACKARR_HOME`, else `/var/lib/tapebackarr` for
//! root and the XDG data directory (`$XDG_DATA_HOME/tapebackarr`, `~/.local/share/tapebackarr`)
//! for everyone else.

use std::path::PathBuf;

/// The home directory, made absolute: `--home`, else a non-empty `TAPEBACKARR_HOME`, else
/// the default.
pub fn resolve(explicit: Option<PathBuf>) -> PathBuf {
    let chosen = explicit
        .or_else(|| std::env::var_os("TAPEBACKARR_HOME").map(PathBuf::from))
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(default_home);
    std::path::absolute(&chosen).unwrap_or(chosen)
}

fn default_home() -> PathBuf {
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
