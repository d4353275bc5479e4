//! Which files of a source a backup takes: include and exclude globs.
//!
//! Globs follow gitignore's syntax: `*` and `?` stay within one path component, `**` spans
//! components, `[...]` is a class, and a pattern without `/` matches a name at any depth.
//! Patterns are checked when a source is added, so a bad one fails then, not at 3 a.m.
//!
//! # How a [`Selector`] decides
//!
//! Patterns match paths relative to the source root (`etc/passwd`, never `/etc/passwd` or
//! `./etc/passwd`); paths are bytes and are never converted lossily, so `*.log` matches a
//! name with bytes that are not UTF-8. As in git, `?` and a class match one byte (so `caf?`
//! does not match `café` in UTF-8, whose `é` is two bytes).
//!
//! - A pattern without `/` (a trailing one aside) matches the name at any depth: `*.log`
//!   matches `a.log` and `x/y/a.log`.
//! - A pattern with a `/` at the start or in the middle is anchored at the root: `/tmp`
//!   matches `tmp` only, `home/*/cache` matches `home/alice/cache` only. A leading `/` (or
//!   `./`) is dropped before matching.
//! - `**` spans directories: `**/cache` matches `cache` at any depth, `var/**` everything
//!   under `var`, `a/**/b` `a/b`, `a/x/b`, `a/x/y/b`.
//! - A trailing `/` matches directories only: `build/` leaves out directories named
//!   `build`, not files.
//! - Excludes win over includes. An excluded directory is not descended into, so nothing
//!   below it is taken whatever the includes say.
//! - Without includes everything not excluded is taken. With includes, a file (or symlink,
//!   device, …) is taken only when it, or one of the directories above it, matches an
//!   include: including a directory takes its whole subtree.
//! - With includes, the walk descends into every directory that is not excluded and
//!   *could* hold a match ([`Selector::may_match_below`]: an include that is not anchored
//!   can match anywhere; an anchored one only under directories its leading components
//!   match). A directory that does not match an include itself is written only when
//!   something below it is taken (so a restore recreates it with its own owner and mode);
//!   directories that hold nothing taken are dropped. The source root itself is always
//!   written.

use globset::{Candidate, Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};

/// Checks one pattern; the error names it and says what is wrong.
pub fn check_glob(pattern: &str) -> Result<String, String> {
    if pattern.trim().is_empty() {
        return Err("an empty glob matches nothing: give a pattern such as '*.log'".into());
    }
    if pattern.starts_with('!') {
        return Err(format!("'{pattern}': negation is not supported: list what to leave out with --exclude"));
    }
    if pattern.trim_matches('/').is_empty() {
        return Err(format!("'{pattern}' names the source root: give a pattern such as '/tmp' or '*.log'"));
    }
    build_glob(pattern)
        .map(|_| pattern.to_string())
        .map_err(|e| format!("'{pattern}' is not a valid glob: {}", e.kind()))
}

fn build_glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).backslash_escape(true).build()
}

/// Include and exclude globs of a source, compiled. Cheap to clone; `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Selector {
    exclude: Set,
    include: Option<Set>,
    /// For each include, what [`Selector::may_match_below`] needs; `None` when one
    /// include can match at any depth, so every directory may hold a match.
    prune: Option<Vec<Vec<Part>>>,
}

/// The patterns of one list: those that match any entry, those that match directories only.
#[derive(Debug, Clone)]
struct Set {
    any: GlobSet,
    dir_only: GlobSet,
}

impl Set {
    fn build(patterns: &[&str]) -> Result<(Set, Vec<Rooted>), String> {
        let mut any = GlobSetBuilder::new();
        let mut dir_only = GlobSetBuilder::new();
        let mut rooted = Vec::with_capacity(patterns.len());
        for &pattern in patterns {
            check_glob(pattern)?;
            let r = Rooted::new(pattern);
            let glob = build_glob(&r.glob).map_err(|e| format!("'{pattern}' is not a valid glob: {}", e.kind()))?;
            if r.dir_only {
                dir_only.add(glob)
            } else {
                any.add(glob)
            };
            rooted.push(r);
        }
        let finish = |b: GlobSetBuilder| b.build().map_err(|e| format!("the globs do not compile: {e}"));
        Ok((Set { any: finish(any)?, dir_only: finish(dir_only)? }, rooted))
    }

    fn is_empty(&self) -> bool {
        self.any.is_empty() && self.dir_only.is_empty()
    }

    fn is_match(&self, path: &Candidate<'_>, is_dir: bool) -> bool {
        self.any.is_match_candidate(path) || (is_dir && self.dir_only.is_match_candidate(path))
    }
}

/// A user's pattern rewritten to match paths relative to the root.
struct Rooted {
    glob: String,
    dir_only: bool,
    anchored: bool,
}

impl Rooted {
    fn new(pattern: &str) -> Rooted {
        let dir_only = pattern.ends_with('/');
        let body = pattern.trim_end_matches('/');
        let (body, anchored) = match body.strip_prefix('/').or_else(|| body.strip_prefix("./")) {
            Some(rest) => (rest.trim_start_matches('/'), true),
            None => (body, body.contains('/')),
        };
        let glob =
            if anchored || body.starts_with("**/") || body == "**" { body.to_string() } else { format!("**/{body}") };
        Rooted { glob, dir_only, anchored }
    }
}

/// One component of an anchored include, for pruning.
#[derive(Debug, Clone)]
enum Part {
    /// `**`, or anything too clever to reason about: anything may match below.
    Any,
    Literal(Vec<u8>),
    Glob(GlobMatcher),
}

impl Selector {
    /// Compiles the lists (each pattern as [`check_glob`] accepts it). The error names the
    /// pattern at fault.
    pub fn new<S: AsRef<str>>(include: &[S], exclude: &[S]) -> Result<Selector, String> {
        let include: Vec<&str> = include.iter().map(AsRef::as_ref).collect();
        let exclude: Vec<&str> = exclude.iter().map(AsRef::as_ref).collect();
        let (exclude, _) = Set::build(&exclude)?;
        if include.is_empty() {
            return Ok(Selector { exclude, include: None, prune: None });
        }
        let (include, rooted) = Set::build(&include)?;
        let prune = rooted.iter().map(prune_parts).collect::<Option<Vec<_>>>();
        Ok(Selector { exclude, include: Some(include), prune })
    }

    /// Takes everything.
    pub fn all() -> Selector {
        Selector::new::<&str>(&[], &[]).expect("no patterns always compile")
    }

    /// Whether includes were given (then only what matches them, and the directories
    /// leading there, is taken).
    pub fn has_includes(&self) -> bool {
        self.include.is_some()
    }

    /// Whether `rel` itself matches an exclude. The walker asks this of every entry and does
    /// not descend into an excluded directory.
    pub fn is_excluded(&self, rel: &[u8], is_dir: bool) -> bool {
        !self.exclude.is_empty() && self.exclude.is_match(&Candidate::from_bytes(rel), is_dir)
    }

    /// Whether `rel` itself matches an include; `true` when there are no includes.
    pub fn is_included(&self, rel: &[u8], is_dir: bool) -> bool {
        self.include.as_ref().is_none_or(|set| set.is_match(&Candidate::from_bytes(rel), is_dir))
    }

    /// Whether something strictly below the directory `dir` could match an include (always
    /// `true` without includes). `false` is a promise: no path under `dir` matches an
    /// include, so the walk need not descend unless `dir` or a directory above it matched.
    pub fn may_match_below(&self, dir: &[u8]) -> bool {
        let Some(prune) = &self.prune else { return true };
        let comps: Vec<&[u8]> = dir.split(|&b| b == b'/').filter(|c| !c.is_empty()).collect();
        prune.iter().any(|parts| {
            for (i, comp) in comps.iter().enumerate() {
                match parts.get(i) {
                    None => return false,
                    Some(Part::Any) => return true,
                    Some(Part::Literal(lit)) if lit.as_slice() != *comp => return false,
                    Some(Part::Glob(m)) if !m.is_match_candidate(&Candidate::from_bytes(comp)) => return false,
                    Some(_) => {}
                }
            }
            parts.len() > comps.len()
        })
    }

    /// The whole rule for one path, looking at every directory above it: `rel` is taken when
    /// neither it nor a directory above it is excluded and (without includes, or) it or a
    /// directory above it matches an include. Directories that only lead to something taken
    /// are not "taken" here; the walker writes them as parents. The walker keeps this state
    /// as it descends instead of asking this for every path.
    pub fn takes(&self, rel: &[u8], is_dir: bool) -> bool {
        let rel = trim_slashes(rel);
        let mut included = !self.has_includes();
        for (i, _) in rel.iter().enumerate().filter(|&(_, &b)| b == b'/') {
            let parent = &rel[..i];
            if parent.is_empty() || parent.ends_with(b"/") {
                continue;
            }
            if self.is_excluded(parent, true) {
                return false;
            }
            included = included || self.is_included(parent, true);
        }
        !self.is_excluded(rel, is_dir) && (included || self.is_included(rel, is_dir))
    }
}

fn trim_slashes(rel: &[u8]) -> &[u8] {
    let start = rel.iter().position(|&b| b != b'/').unwrap_or(rel.len());
    let end = rel.iter().rposition(|&b| b != b'/').map_or(start, |e| e + 1);
    &rel[start..end.max(start)]
}

/// The components of an anchored include, or `None` when it may match at any depth.
fn prune_parts(r: &Rooted) -> Option<Vec<Part>> {
    if !r.anchored {
        return None;
    }
    // Classes and alternations may hold a '/', escapes may hide one: keep them out of the
    // reasoning (such an include disables no pruning of the others, it just matches anywhere).
    if r.glob.contains(['[', '{', '\\']) {
        return Some(vec![Part::Any]);
    }
    let parts = r
        .glob
        .split('/')
        .filter(|c| !c.is_empty())
        .map(|comp| {
            if comp.contains("**") {
                Part::Any
            } else if comp.contains(['*', '?']) {
                build_glob(comp).map_or(Part::Any, |g| Part::Glob(g.compile_matcher()))
            } else {
                Part::Literal(comp.as_bytes().to_vec())
            }
        })
        .collect();
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn good_and_bad_globs() {
        for good in ["*.log", "**/cache/**", "home/*/tmp", "[a-z]*.txt", "a?c", "/tmp", "build/"] {
            assert!(check_glob(good).is_ok(), "{good}");
        }
        for bad in ["", "  ", "[abc", "[z-a]", "{a,b", "!x", "/", "//"] {
            assert!(check_glob(bad).is_err(), "{bad:?} was accepted");
        }
    }

    fn sel(include: &[&str], exclude: &[&str]) -> Selector {
        Selector::new(include, exclude).unwrap()
    }

    #[test]
    fn name_without_slash_matches_at_any_depth() {
        let s = sel(&[], &["*.log", "core"]);
        for p in ["a.log", "x/a.log", "x/y/z/a.log", "core", "deep/down/core"] {
            assert!(!s.takes(p.as_bytes(), false), "{p} should be excluded");
        }
        for p in ["a.log.gz", "x/core.c", "corey", "x/alog"] {
            assert!(s.takes(p.as_bytes(), false), "{p} should be taken");
        }
        // `*` never crosses a '/'
        assert!(sel(&[], &["x*y"]).takes(b"x/y", false));
    }

    #[test]
    fn leading_or_middle_slash_anchors() {
        let s = sel(&[], &["/tmp", "home/*/cache", "./opt"]);
        assert!(!s.takes(b"opt", true));
        assert!(s.takes(b"x/opt", true));
        assert!(!s.takes(b"tmp", true));
        assert!(!s.takes(b"tmp/a/b", false));
        assert!(s.takes(b"var/tmp", true));
        assert!(!s.takes(b"home/alice/cache", true));
        assert!(!s.takes(b"home/alice/cache/x", false));
        assert!(s.takes(b"home/alice/x/cache", true));
        assert!(s.takes(b"srv/home/alice/cache", true));
    }

    #[test]
    fn double_star_spans_directories() {
        let s = sel(&[], &["a/**/b", "**/cache", "var/**"]);
        for p in ["a/b", "a/x/b", "a/x/y/b", "cache", "x/y/cache", "var/x", "var/x/y"] {
            assert!(!s.takes(p.as_bytes(), false), "{p} should be excluded");
        }
        // `var/**` matches what is inside var, not var itself
        assert!(s.takes(b"var", true));
        assert!(s.takes(b"a/x/c", false));
    }

    #[test]
    fn trailing_slash_is_for_directories_only() {
        let s = sel(&[], &["build/"]);
        assert!(!s.takes(b"build", true));
        assert!(!s.takes(b"x/build", true));
        assert!(!s.takes(b"x/build/out.o", false));
        assert!(s.takes(b"build", false), "a file named build stays");
        assert!(s.takes(b"x/build", false));
    }

    #[test]
    fn excludes_win_and_prune() {
        let s = sel(&["/home"], &["*.tmp", "home/bob/"]);
        assert!(s.takes(b"home", true));
        assert!(s.takes(b"home/alice/notes.txt", false));
        assert!(!s.takes(b"home/alice/x.tmp", false));
        assert!(!s.takes(b"home/bob", true));
        assert!(!s.takes(b"home/bob/notes.txt", false), "below an excluded directory");
        assert!(!s.takes(b"etc/passwd", false));
    }

    #[test]
    fn includes_take_subtrees_and_matching_files() {
        let s = sel(&["/etc", "*.conf", "docs/"], &[]);
        assert!(s.has_includes());
        assert!(s.takes(b"etc", true));
        assert!(s.takes(b"etc/ssh/sshd_config", false));
        assert!(s.takes(b"opt/x/app.conf", false));
        assert!(!s.takes(b"opt/x/app.ini", false));
        assert!(!s.takes(b"opt", true), "a directory that only leads to matches is a parent, not taken");
        assert!(s.takes(b"srv/docs/a/b", false));
        assert!(!s.takes(b"srv/docs", false), "docs/ is for directories");
        assert!(!Selector::all().has_includes());
        assert!(Selector::all().takes(b"anything/at/all", false));
    }

    #[test]
    fn bytes_that_are_not_utf8_match() {
        let s = sel(&[], &["*.log", "caf?"]);
        assert!(!s.takes(b"d\xff/x\xfe.log", false));
        assert!(s.takes(b"d\xff/x\xfe.txt", false));
        // `?` matches one byte, as in git: é in UTF-8 is two
        assert!(!s.takes(b"caf\xe9", false));
        assert!(s.takes("café/x".as_bytes(), false));
    }

    #[test]
    fn pruning_follows_anchored_includes() {
        let s = sel(&["/home/*/mail", "srv/www/**"], &[]);
        assert!(s.may_match_below(b""));
        assert!(s.may_match_below(b"home"));
        assert!(s.may_match_below(b"home/alice"));
        assert!(!s.may_match_below(b"home/alice/mail"), "mail itself matches; below it is its subtree");
        assert!(!s.may_match_below(b"home/alice/other"));
        assert!(!s.may_match_below(b"usr"));
        assert!(s.may_match_below(b"srv/www"));
        assert!(s.may_match_below(b"srv/www/a/b"));
        assert!(!s.may_match_below(b"srv/ftp"));
        // one unanchored include makes every directory worth a look
        let s = sel(&["/home/*/mail", "*.conf"], &[]);
        assert!(s.may_match_below(b"usr/share"));
        // classes and alternations are not reasoned about
        assert!(sel(&["/a/[xy]/b"], &[]).may_match_below(b"q/r/s"));
        assert!(sel(&["{a,b}/c"], &[]).may_match_below(b"q"));
        assert!(Selector::all().may_match_below(b"anything"));
    }

    #[test]
    fn bad_patterns_are_named() {
        let err = Selector::new(&["ok", "[bad"], &[]).unwrap_err();
        assert!(err.contains("[bad"), "{err}");
        let err = Selector::new(&[], &["/"]).unwrap_err();
        assert!(err.contains("root"), "{err}");
    }

    fn component() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["a", "b", "ab", "x.log", "mail", "home", "c"]).prop_map(str::to_string)
    }

    fn pattern() -> impl Strategy<Value = String> {
        let part = prop::sample::select(vec!["a", "b", "*", "?", "**", "a*", "*.log", "mail", "home", "[ab]", "{a,c}"]);
        (any::<bool>(), prop::collection::vec(part, 1..4), any::<bool>()).prop_map(|(lead, parts, trail)| {
            let mut p = String::new();
            if lead {
                p.push('/');
            }
            p.push_str(&parts.join("/"));
            if trail {
                p.push('/');
            }
            p
        })
    }

    proptest! {
        /// Pruning is safe: for every path taken because of an include, each directory above
        /// it that did not match an include itself says something below may match.
        #[test]
        fn pruning_never_hides_a_match(
            includes in prop::collection::vec(pattern(), 1..4),
            path in prop::collection::vec(component(), 1..6),
            is_dir in any::<bool>(),
        ) {
            let s = Selector::new(&includes, &[]).unwrap();
            let rel = path.join("/");
            if s.takes(rel.as_bytes(), is_dir) {
                for depth in 0..path.len() {
                    let dir = path[..depth].join("/");
                    if depth > 0 && s.takes(dir.as_bytes(), true) {
                        break; // inside an included subtree: the walk descends anyway
                    }
                    prop_assert!(s.may_match_below(dir.as_bytes()), "{includes:?}: {rel} hidden below {dir:?}");
                }
            }
        }
    }
}
