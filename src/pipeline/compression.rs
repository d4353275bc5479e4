//! Software compression settings: `none`, `zstd` (level 3) or `zstd:LEVEL` (1-19).
//! Stored in the catalog in the canonical form `none` / `zstd:LEVEL`.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Zstd { level: i32 },
}

impl Compression {
    pub const ZSTD_DEFAULT_LEVEL: i32 = 3;
    pub const ZSTD_MAX_LEVEL: i32 = 19;
}

impl FromStr for Compression {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad =
            || format!("'{s}' is not a compression: use none, zstd or zstd:LEVEL (LEVEL 1-{})", Self::ZSTD_MAX_LEVEL);
        match s {
            "none" => Ok(Compression::None),
            "zstd" => Ok(Compression::Zstd { level: Self::ZSTD_DEFAULT_LEVEL }),
            _ => {
                let level = s.strip_prefix("zstd:").ok_or_else(bad)?;
                match level.parse::<i32>() {
                    Ok(level) if (1..=Self::ZSTD_MAX_LEVEL).contains(&level) => Ok(Compression::Zstd { level }),
                    _ => Err(bad()),
                }
            }
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Compression::None => f.write_str("none"),
            Compression::Zstd { level } => write!(f, "zstd:{level}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_canonical_form() {
        assert_eq!("none".parse::<Compression>().unwrap().to_string(), "none");
        assert_eq!("zstd".parse::<Compression>().unwrap().to_string(), "zstd:3");
        assert_eq!("zstd:19".parse::<Compression>().unwrap().to_string(), "zstd:19");
        for bad in ["", "gzip", "zstd:", "zstd:0", "zstd:20", "zstd:-1", "zstd:x", "ZSTD"] {
            assert!(bad.parse::<Compression>().is_err(), "{bad:?} was accepted");
        }
    }
}
