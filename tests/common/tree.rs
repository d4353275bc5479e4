//! Source trees for backup tests, and a byte-exact description of a tree to compare a
//! restore (ours or GNU tar's) against. Everything goes through directory file descriptors,
//! so paths longer than PATH_MAX are built and read like any other.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use nix::dir::Dir;
use nix::fcntl::{AtFlags, OFlag, openat};
use nix::sys::stat::{FileStat, Mode, fstatat, mkdirat};
use nix::unistd::{linkat, symlinkat};

/// One entry as a restore must reproduce it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Dir {
        mode: u32,
        mtime: (i64, i64),
    },
    /// Content hash, size, mode, mtime, and the inode group (first path of its inode, for
    /// hard links).
    File {
        blake3: String,
        size: u64,
        mode: u32,
        mtime: (i64, i64),
        links_to: Vec<u8>,
    },
    Symlink {
        target: Vec<u8>,
    },
    Other {
        kind: u32,
    },
}

fn open_dir_at(parent: &impl AsFd, name: &[u8]) -> OwnedFd {
    openat(parent, OsStr::from_bytes(name), OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW, Mode::empty())
        .unwrap_or_else(|e| panic!("open dir {}: {e}", String::from_utf8_lossy(name)))
}

fn open_root(path: &Path) -> OwnedFd {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    f.into()
}

/// Describes the tree below `root` (the root itself as `.`), paths as bytes relative to it.
pub fn describe(root: &Path) -> BTreeMap<Vec<u8>, Node> {
    let mut out = BTreeMap::new();
    let mut inodes: BTreeMap<(u64, u64), Vec<u8>> = BTreeMap::new();
    let fd = open_root(root);
    let st = nix::sys::stat::fstat(&fd).unwrap();
    out.insert(b".".to_vec(), Node::Dir { mode: st.st_mode & 0o7777, mtime: (st.st_mtime, st.st_mtime_nsec) });
    walk(&fd, Vec::new(), &mut out, &mut inodes);
    out
}

fn walk(dir: &OwnedFd, prefix: Vec<u8>, out: &mut BTreeMap<Vec<u8>, Node>, inodes: &mut BTreeMap<(u64, u64), Vec<u8>>) {
    let dup = open_dir_at(dir, b".");
    let mut d = Dir::from_fd(dup).unwrap();
    let mut names: Vec<Vec<u8>> =
        d.iter().map(|e| e.unwrap().file_name().to_bytes().to_vec()).filter(|n| n != b"." && n != b"..").collect();
    names.sort();
    for name in names {
        let rel = if prefix.is_empty() { name.clone() } else { [&prefix[..], b"/", &name[..]].concat() };
        let st: FileStat = fstatat(dir, OsStr::from_bytes(&name), AtFlags::AT_SYMLINK_NOFOLLOW).unwrap();
        let kind = st.st_mode & libc_s_ifmt();
        let mtime = (st.st_mtime, st.st_mtime_nsec);
        let node = match kind {
            0o040000 => {
                let sub = open_dir_at(dir, &name);
                walk(&sub, rel.clone(), out, inodes);
                Node::Dir { mode: st.st_mode & 0o7777, mtime }
            }
            0o100000 => {
                let first = inodes.entry((st.st_dev, st.st_ino)).or_insert_with(|| rel.clone()).clone();
                let fd =
                    openat(dir, OsStr::from_bytes(&name), OFlag::O_RDONLY | OFlag::O_NOFOLLOW, Mode::empty()).unwrap();
                let mut f = std::fs::File::from(fd);
                let mut hasher = blake3::Hasher::new();
                let mut buf = vec![0u8; 1 << 20];
                let mut size = 0u64;
                loop {
                    let n = f.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                    size += n as u64;
                }
                Node::File {
                    blake3: hasher.finalize().to_hex().to_string(),
                    size,
                    mode: st.st_mode & 0o7777,
                    mtime,
                    links_to: first,
                }
            }
            0o120000 => {
                let target = nix::fcntl::readlinkat(dir, OsStr::from_bytes(&name)).unwrap();
                Node::Symlink { target: target.as_bytes().to_vec() }
            }
            other => Node::Other { kind: other },
        };
        out.insert(rel, node);
    }
}

fn libc_s_ifmt() -> u32 {
    0o170000
}

/// Builds a tree at `root` through fds: `mkdir(path)`, `file(path, bytes)` and friends take
/// paths relative to the root, of any length.
pub struct Builder {
    root: OwnedFd,
}

impl Builder {
    pub fn new(root: &Path) -> Builder {
        std::fs::create_dir_all(root).unwrap();
        Builder { root: open_root(root) }
    }

    /// The directory holding `path`'s last component, opened component by component.
    fn parent(&self, path: &[u8]) -> (OwnedFd, Vec<u8>) {
        let mut parts: Vec<&[u8]> = path.split(|b| *b == b'/').collect();
        let name = parts.pop().unwrap().to_vec();
        let mut fd = open_dir_at(&self.root, b".");
        for p in parts {
            fd = open_dir_at(&fd, p);
        }
        (fd, name)
    }

    pub fn mkdir(&self, path: &[u8]) -> &Self {
        let (dir, name) = self.parent(path);
        mkdirat(&dir, OsStr::from_bytes(&name), Mode::from_bits_truncate(0o755)).unwrap();
        self
    }

    /// Every directory along `path` (which names a directory).
    pub fn mkdirs(&self, path: &[u8]) -> &Self {
        let mut fd = open_dir_at(&self.root, b".");
        for p in path.split(|b| *b == b'/') {
            let _ = mkdirat(&fd, OsStr::from_bytes(p), Mode::from_bits_truncate(0o755));
            fd = open_dir_at(&fd, p);
        }
        self
    }

    pub fn file(&self, path: &[u8], content: &[u8]) -> &Self {
        let (dir, name) = self.parent(path);
        let fd = openat(
            &dir,
            OsStr::from_bytes(&name),
            OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_TRUNC,
            Mode::from_bits_truncate(0o644),
        )
        .unwrap();
        std::fs::File::from(fd).write_all(content).unwrap();
        self
    }

    /// A file of `size` bytes that is all hole except `head` at its start.
    pub fn sparse(&self, path: &[u8], head: &[u8], size: u64) -> &Self {
        let (dir, name) = self.parent(path);
        let fd = openat(
            &dir,
            OsStr::from_bytes(&name),
            OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_TRUNC,
            Mode::from_bits_truncate(0o644),
        )
        .unwrap();
        let f = std::fs::File::from(fd);
        (&f).write_all(head).unwrap();
        f.set_len(size).unwrap();
        self
    }

    pub fn symlink(&self, path: &[u8], target: &[u8]) -> &Self {
        let (dir, name) = self.parent(path);
        symlinkat(OsStr::from_bytes(target), &dir, OsStr::from_bytes(&name)).unwrap();
        self
    }

    pub fn hardlink(&self, path: &[u8], existing: &[u8]) -> &Self {
        let (from_dir, from) = self.parent(existing);
        let (to_dir, to) = self.parent(path);
        linkat(&from_dir, OsStr::from_bytes(&from), &to_dir, OsStr::from_bytes(&to), AtFlags::empty()).unwrap();
        self
    }
}

/// The odd-names tree of the backup issue, without the multi-GB sparse file: newline, tab,
/// invalid UTF-8, a leading dash, 255-byte components, symlinks (one dangling), hard links,
/// an empty directory and an empty file. (The path over 4 KiB is [`deep_tree`]: GNU tar
/// cannot extract it.)
pub fn odd_tree(root: &Path) {
    let b = Builder::new(root);
    b.file(b"plain.txt", b"hello tape\n")
        .file(b"new\nline", b"newline in the name\n")
        .file(b"tab\there", b"tab\n")
        .file(b"bad\xff\xfe utf8", b"not utf-8\n")
        .file(b"-rf", b"leading dash\n")
        .file(b"empty", b"")
        .mkdir(b"empty-dir")
        .mkdir(b"d")
        .file(b"d/inner.bin", &(0..70_000u32).map(|i| (i * 7 + i / 300) as u8).collect::<Vec<u8>>())
        .symlink(b"link-to-plain", b"plain.txt")
        .symlink(b"dangling", b"does/not/exist")
        .hardlink(b"d/hard-to-plain", b"plain.txt")
        .hardlink(b"hard-2", b"plain.txt");
    let long255 = vec![b'L'; 255];
    b.mkdir(&long255);
    b.file(&[&long255[..], b"/", &vec![b'f'; 255][..]].concat(), b"255-byte names\n");
}

/// 17 components of 250 bytes: a relative directory path of 4266 bytes, over PATH_MAX.
pub fn deep_path() -> Vec<u8> {
    let comps: Vec<Vec<u8>> = (0..17u8).map(|i| vec![b'a' + i; 250]).collect();
    comps.join(&b'/')
}

/// A tree holding one file below [`deep_path`].
pub fn deep_tree(root: &Path) {
    let b = Builder::new(root);
    b.mkdirs(&deep_path());
    b.file(&[&deep_path()[..], b"/deep.txt"].concat(), b"beyond PATH_MAX\n");
}

/// The two trees hold the same entries with the same content, modes, mtimes and links.
pub fn assert_same(expected: &Path, got: &Path) {
    let (a, b) = (describe(expected), describe(got));
    let names = |m: &BTreeMap<Vec<u8>, Node>| -> Vec<String> {
        m.keys().map(|k| String::from_utf8_lossy(k).into_owned()).collect()
    };
    assert_eq!(names(&a), names(&b), "different entries");
    for (path, node) in &a {
        assert_eq!(Some(node), b.get(path), "{}", String::from_utf8_lossy(path));
    }
}

/// `len` incompressible bytes, the same for the same `seed` (xorshift64).
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}
