//! Paths in JSON. File names are bytes, not UTF-8, so a path is written as
//! `{"text": "…"}` when it is valid UTF-8 and `{"bytes": "<base64>"}` when it is not
//! (ripgrep's convention): every name survives a round trip through a script.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serializer;
use serde_json::{Value, json};

pub fn to_json(path: &Path) -> Value {
    let bytes = path.as_os_str().as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(text) => json!({ "text": text }),
        Err(_) => json!({ "bytes": STANDARD.encode(bytes) }),
    }
}

/// For `#[serde(serialize_with = "crate::pathjson::serialize")]`.
pub fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&to_json(path), s)
}

/// A path for people: printable as is, with control characters and bytes that are not
/// UTF-8 escaped (`\n`, `\xff`) so one name stays on one line and means one thing.
pub fn to_human(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn text_bytes_and_human() {
        assert_eq!(to_json(Path::new("/a/b")), json!({"text": "/a/b"}));
        let odd = Path::new(OsStr::from_bytes(b"/a/\xff\nz"));
        assert_eq!(to_json(odd), json!({"bytes": "L2Ev/wp6"}));
        assert_eq!(to_human(odd), "/a/\\xff\\nz");
    }
}
