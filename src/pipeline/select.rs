//! Which files of a source a backup takes: include and exclude globs.
//!
//! Globs follow gitignore's syntax: `*` and `?` stay within one path component, `**` spans
//! components, `[...]` is a class, and a pattern without `/` matches a name at any depth.
//! Patterns are checked when a source is added, so a bad one fails then, not at 3 a.m.

use globset::GlobBuilder;

/// Checks one pattern; the error names it and says what is wrong.
pub fn check_glob(pattern: &str) -> Result<String, String> {
    if pattern.trim().is_empty() {
        return Err("an empty glob matches nothing: give a pattern such as '*.log'".into());
    }
    if pattern.starts_with('!') {
        return Err(format!("'{pattern}': negation is not supported: list what to leave out with --exclude"));
    }
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(|_| pattern.to_string())
        .map_err(|e| format!("'{pattern}' is not a valid glob: {}", e.kind()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad_globs() {
        for good in ["*.log", "**/cache/**", "home/*/tmp", "[a-z]*.txt", "a?c"] {
            assert!(check_glob(good).is_ok(), "{good}");
        }
        for bad in ["", "  ", "[abc", "[z-a]", "{a,b", "!x"] {
            assert!(check_glob(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
