//! A simulated tape drive behind [`Transport`], for unit tests of [`super::ssc`]: either
//! behaving as tgt 1.0.85 was measured to (see tests/fixtures/sense/tgt-1.0.85.txt), or as
//! SSC says a drive should.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::cdb::op;
use super::{Completion, DataDir, Transport, status};
use crate::tape::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// tgt's quirks: READ POSITION stub, no LOCATE/ERASE/SPACE(16); SPACE over blocks counts
    /// filemarks and never stops at them; silent stop at BOT; end of data without residues;
    /// ILI reads transfer nothing or (requested - block) bytes; LOAD/UNLOAD ignored.
    Tgt,
    /// What SSC describes (an LTO drive).
    Conforming,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Obj {
    Block(Vec<u8>),
    Filemark,
}

#[derive(Debug)]
pub struct State {
    pub objs: Vec<Obj>,
    pub pos: usize,
    pub loaded: bool,
    pub write_protected: bool,
    /// Writes that leave more objects than this report early warning.
    pub early_warning_after: Option<usize>,
    /// Writes that would leave more objects than this fail (VOLUME OVERFLOW).
    pub capacity: Option<usize>,
    /// 0 = variable.
    pub block_len: u32,
    pub compression: bool,
    /// Reported (once) on the next command other than INQUIRY.
    pub unit_attention: Option<(u8, u8)>,
    /// TEST UNIT READY answers "becoming ready" this many more times.
    pub becoming_ready: u32,
    /// tgt's variable-read bug, on a drive that otherwise conforms.
    pub read_bug: bool,
    /// LOG SENSE pages (code, bytes) a conforming drive answers; page 00h is made from
    /// them, and page 2Eh is cleared when read, as on a real drive. Empty: LOG SENSE is an
    /// invalid operation code.
    pub log_pages: Vec<(u8, Vec<u8>)>,
    /// Every CDB received.
    pub log: Vec<Vec<u8>>,
    /// The transport's limit per command (as sg's scatter list); a larger data phase fails
    /// the way SG_IO does (ENOMEM), before the drive sees it.
    pub max_transfer: Option<usize>,
}

impl State {
    pub fn new() -> State {
        State {
            objs: Vec::new(),
            pos: 0,
            loaded: true,
            write_protected: false,
            early_warning_after: None,
            capacity: None,
            block_len: 0,
            compression: false,
            unit_attention: None,
            becoming_ready: 0,
            read_bug: false,
            log_pages: Vec::new(),
            log: Vec::new(),
            max_transfer: None,
        }
    }
}

pub struct MockDrive {
    pub flavour: Flavour,
    pub state: Arc<Mutex<State>>,
}

impl MockDrive {
    pub fn new(flavour: Flavour) -> (MockDrive, Arc<Mutex<State>>) {
        let state = Arc::new(Mutex::new(State::new()));
        (MockDrive { flavour, state: state.clone() }, state)
    }
}

/// Fixed-format sense: key, ASC/ASCQ, FILEMARK/EOM/ILI, INFORMATION if valid.
pub fn sense(key: u8, asc: u8, ascq: u8, fm: bool, eom: bool, ili: bool, info: Option<i64>) -> Vec<u8> {
    let i = info.unwrap_or(0) as i32 as u32;
    let mut s = vec![0u8; 18];
    s[0] = 0x70 | if info.is_some() { 0x80 } else { 0 };
    s[2] = key | (fm as u8) << 7 | (eom as u8) << 6 | (ili as u8) << 5;
    s[3..7].copy_from_slice(&i.to_be_bytes());
    s[7] = 10;
    s[12] = asc;
    s[13] = ascq;
    s
}

fn good(n: usize) -> Completion {
    Completion { status: status::GOOD, sense: Vec::new(), transferred: Some(n) }
}

fn check(sense: Vec<u8>, n: Option<usize>) -> Completion {
    Completion { status: status::CHECK_CONDITION, sense, transferred: n }
}

fn illegal(asc: u8) -> Completion {
    check(sense(0x5, asc, 0, false, false, false, None), Some(0))
}

/// Copies `bytes` into the scatter list; returns how many fit.
fn fill(data: &mut DataDir<'_, '_>, bytes: &[u8]) -> usize {
    let DataDir::In(bufs) = data else { return 0 };
    let mut done = 0;
    for b in bufs.iter_mut() {
        if done == bytes.len() {
            break;
        }
        let n = b.len().min(bytes.len() - done);
        b[..n].copy_from_slice(&bytes[done..done + n]);
        done += n;
    }
    done
}

fn be24(c: &[u8]) -> u32 {
    u32::from_be_bytes([0, c[2], c[3], c[4]])
}

fn signed24(c: &[u8]) -> i64 {
    let v = be24(c) as i64;
    if v & 0x80_0000 != 0 { v - 0x100_0000 } else { v }
}

impl Transport for MockDrive {
    fn execute(&mut self, cdb: &[u8], mut data: DataDir<'_, '_>, _timeout: Duration) -> Result<Completion> {
        let tgt = self.flavour == Flavour::Tgt;
        let mut guard = self.state.lock().unwrap();
        let st = &mut *guard;
        if st.max_transfer.is_some_and(|m| data.len() > m) {
            return Err(crate::tape::TapeError::Io(std::io::Error::from_raw_os_error(12)));
        }
        st.log.push(cdb.to_vec());
        let opc = cdb[0];
        if opc != op::INQUIRY
            && let Some((asc, ascq)) = st.unit_attention.take()
        {
            return Ok(check(sense(0x6, asc, ascq, false, false, false, None), Some(0)));
        }
        let needs_medium = !matches!(
            opc,
            op::INQUIRY
                | op::LOAD_UNLOAD
                | op::PREVENT_ALLOW
                | op::READ_BLOCK_LIMITS
                | op::TEST_UNIT_READY
                | op::LOG_SENSE
        );
        if !st.loaded && (needs_medium || opc == op::TEST_UNIT_READY) {
            return Ok(check(sense(0x2, 0x3A, 0, false, false, false, None), Some(0)));
        }
        Ok(match opc {
            op::TEST_UNIT_READY => {
                if st.becoming_ready > 0 {
                    st.becoming_ready -= 1;
                    check(sense(0x2, 0x04, 0x01, false, false, false, None), Some(0))
                } else {
                    good(0)
                }
            }
            op::INQUIRY => {
                let bytes = if cdb[1] & 1 != 0 {
                    if cdb[2] != 0x80 {
                        return Ok(illegal(0x24));
                    }
                    let mut v = vec![0x01, 0x80, 0x00, 12];
                    v.extend_from_slice(b"  MOCK000042");
                    v
                } else {
                    let mut v = vec![0u8; 36];
                    v[0] = 0x01;
                    v[1] = 0x80;
                    v[8..16].copy_from_slice(b"MOCK    ");
                    v[16..32].copy_from_slice(if tgt { b"VTAPE-LTO8      " } else { b"ULTRIUM-HH8     " });
                    v[32..36].copy_from_slice(b"0085");
                    v
                };
                let n = fill(&mut data, &bytes);
                good(n)
            }
            op::MODE_SENSE6 => {
                let page = cdb[2] & 0x3F;
                if !matches!(page, 0x0F | 0x3F | 0x10) {
                    return Ok(illegal(0x24));
                }
                let mut v = vec![0, 0, (st.write_protected as u8) << 7 | 0x10, 8];
                let bl = st.block_len;
                v.extend_from_slice(&[
                    if tgt { 0 } else { 0x5E },
                    0,
                    0,
                    0,
                    0,
                    (bl >> 16) as u8,
                    (bl >> 8) as u8,
                    bl as u8,
                ]);
                let mut p = vec![0u8; 16];
                p[0] = 0x0F;
                p[1] = 0x0E;
                if !tgt {
                    p[0] |= 0x80;
                    p[2] = 0x40 | (st.compression as u8) << 7;
                }
                v.extend_from_slice(&p);
                v[0] = (v.len() - 1) as u8;
                let n = fill(&mut data, &v);
                good(n)
            }
            op::MODE_SELECT6 => {
                let DataDir::Out(list) = data else { return Ok(illegal(0x24)) };
                let bd = list[3] as usize;
                if bd >= 8 {
                    st.block_len = u32::from_be_bytes([0, list[9], list[10], list[11]]);
                }
                let pages = &list[4 + bd..];
                if pages.len() >= 3 && pages[0] & 0x3F == 0x0F {
                    if tgt && pages[2] & 0x80 != 0 {
                        return Ok(illegal(0x26));
                    }
                    st.compression = pages[2] & 0x80 != 0;
                }
                good(list.len())
            }
            op::REWIND => {
                st.pos = 0;
                good(0)
            }
            op::READ_BLOCK_LIMITS => {
                let n = fill(&mut data, &[0x09, 0x10, 0, 0, 0, 4]);
                good(n)
            }
            op::READ6 => read(st, cdb, &mut data, tgt),
            op::WRITE6 => {
                let DataDir::Out(bytes) = data else { return Ok(illegal(0x24)) };
                let blocks: Vec<Vec<u8>> = if cdb[1] & 1 != 0 {
                    bytes.chunks(st.block_len as usize).map(<[u8]>::to_vec).collect()
                } else {
                    vec![bytes.to_vec()]
                };
                write(st, blocks.into_iter().map(Obj::Block).collect(), tgt)
            }
            op::WRITE_FILEMARKS6 => write(st, vec![Obj::Filemark; be24(cdb) as usize], tgt),
            op::SPACE6 => space(st, cdb[1] & 7, signed24(cdb), tgt),
            op::SPACE16 if !tgt => space(st, cdb[1] & 0xF, i64::from_be_bytes(cdb[4..12].try_into().unwrap()), tgt),
            op::READ_POSITION => {
                let mut v = [0u8; 32];
                let long = cdb[1] & 0x1F == 6;
                if tgt {
                    v[0] = if long { 0x20 } else { 0x14 };
                } else {
                    v[0] = if st.pos == 0 { 0x80 } else { 0 };
                    if long {
                        v[8..16].copy_from_slice(&(st.pos as u64).to_be_bytes());
                        let files = st.objs[..st.pos].iter().filter(|o| **o == Obj::Filemark).count();
                        v[16..24].copy_from_slice(&(files as u64).to_be_bytes());
                    } else {
                        v[4..8].copy_from_slice(&(st.pos as u32).to_be_bytes());
                        v[8..12].copy_from_slice(&(st.pos as u32).to_be_bytes());
                    }
                }
                let n = fill(&mut data, &v[..if long { 32 } else { 20 }]);
                good(n)
            }
            op::LOCATE10 | op::LOCATE16 if !tgt => {
                let target = if opc == op::LOCATE10 {
                    u32::from_be_bytes(cdb[3..7].try_into().unwrap()) as usize
                } else {
                    u64::from_be_bytes(cdb[4..12].try_into().unwrap()) as usize
                };
                if target > st.objs.len() {
                    st.pos = st.objs.len();
                    check(sense(0x8, 0, 5, false, true, false, None), Some(0))
                } else {
                    st.pos = target;
                    good(0)
                }
            }
            op::ERASE6 if !tgt => {
                if st.write_protected {
                    return Ok(check(sense(0x7, 0x27, 0, false, false, false, None), Some(0)));
                }
                let p = st.pos;
                st.objs.truncate(p);
                good(0)
            }
            op::LOAD_UNLOAD => {
                if !tgt {
                    st.loaded = cdb[4] & 1 != 0;
                    st.pos = 0;
                }
                good(0)
            }
            op::PREVENT_ALLOW => good(0),
            op::LOG_SENSE if !tgt && !st.log_pages.is_empty() => {
                let page = cdb[2] & 0x3F;
                let alloc = usize::from(u16::from_be_bytes([cdb[7], cdb[8]]));
                let bytes = if page == 0 {
                    let mut codes: Vec<u8> = st.log_pages.iter().map(|(c, _)| *c).collect();
                    codes.insert(0, 0x00);
                    let mut b = vec![0x00, 0x00, 0x00, codes.len() as u8];
                    b.extend(codes);
                    b
                } else if let Some((_, b)) = st.log_pages.iter_mut().find(|(c, _)| *c == page) {
                    let bytes = b.clone();
                    if page == 0x2E {
                        // Reading the TapeAlert page clears its flags.
                        for param in b[4..].chunks_mut(5) {
                            param[4] = 0;
                        }
                    }
                    bytes
                } else {
                    return Ok(illegal(0x24));
                };
                let n = fill(&mut data, &bytes[..bytes.len().min(alloc)]);
                good(n)
            }
            _ => illegal(0x20),
        })
    }

    fn max_transfer(&self) -> Option<usize> {
        self.state.lock().unwrap().max_transfer
    }

    fn describe(&self) -> String {
        format!("mock:{:?}", self.flavour)
    }
}

fn read(st: &mut State, cdb: &[u8], data: &mut DataDir<'_, '_>, tgt: bool) -> Completion {
    let fixed = cdb[1] & 1 != 0;
    let len = be24(cdb) as usize;
    if fixed {
        // Fixed-block mode: `len` blocks of block_len bytes.
        let size = st.block_len as usize;
        let mut out = Vec::new();
        for i in 0..len {
            match st.objs.get(st.pos) {
                None if tgt => return check(sense(0x3, 0x31, 0, false, false, false, None), Some(0)),
                None => {
                    let n = fill(data, &out);
                    return check(sense(0x8, 0, 5, false, true, false, Some((len - i) as i64)), Some(n));
                }
                Some(Obj::Filemark) => {
                    st.pos += 1;
                    let n = fill(data, &out);
                    return check(sense(0x0, 0, 1, true, false, false, Some((len - i) as i64)), Some(n));
                }
                Some(Obj::Block(b)) if b.len() != size => {
                    st.pos += 1;
                    return check(sense(0x0, 0, 0, false, false, true, Some((len - i) as i64)), Some(0));
                }
                Some(Obj::Block(b)) => {
                    out.extend_from_slice(b);
                    st.pos += 1;
                }
            }
        }
        let n = fill(data, &out);
        return good(n);
    }
    match st.objs.get(st.pos).cloned() {
        None if tgt => check(sense(0x8, 0, 0, false, true, false, None), Some(0)),
        None => check(sense(0x8, 0, 5, false, true, false, Some(len as i64)), Some(0)),
        Some(Obj::Filemark) => {
            st.pos += 1;
            check(sense(0x0, 0, 1, true, false, false, Some(len as i64)), Some(0))
        }
        Some(Obj::Block(b)) => {
            st.pos += 1;
            let info = len as i64 - b.len() as i64;
            if info == 0 {
                let n = fill(data, &b);
                return good(n);
            }
            let sent = if tgt || (st.read_bug && info > 0) {
                if info < 0 {
                    0
                } else {
                    // tgt's bug: it sends (requested - block) bytes: the block's start, then
                    // whatever (here 0xEE) if that is more than the block.
                    let want = info as usize;
                    let mut v: Vec<u8> = b.iter().copied().take(want).collect();
                    v.resize(want, 0xEE);
                    fill(data, &v)
                }
            } else {
                fill(data, &b[..b.len().min(len)])
            };
            check(sense(0x0, 0, 0, false, false, true, Some(info)), Some(sent))
        }
    }
}

fn write(st: &mut State, objs: Vec<Obj>, tgt: bool) -> Completion {
    if st.write_protected {
        return check(sense(0x7, 0x27, 0, false, false, false, None), Some(0));
    }
    if objs.is_empty() {
        return good(0);
    }
    let p = st.pos;
    if st.capacity.is_some_and(|c| p + objs.len() > c) {
        return check(sense(0xD, 0, 2, false, true, false, Some(objs.len() as i64)), Some(0));
    }
    st.objs.truncate(p);
    st.pos += objs.len();
    st.objs.extend(objs);
    if st.early_warning_after.is_some_and(|ew| st.objs.len() > ew) {
        if tgt {
            return check(sense(0x0, 0, 0, false, true, false, None), None);
        }
        return check(sense(0x0, 0, 2, false, true, false, Some(0)), None);
    }
    good(0)
}

fn space(st: &mut State, code: u8, count: i64, tgt: bool) -> Completion {
    let n = count.unsigned_abs() as usize;
    let end = st.objs.len();
    let is_fm = |st: &State, i: usize| st.objs[i] == Obj::Filemark;
    let resid = |left: usize| if tgt { None } else { Some(left as i64) };
    match (code, count >= 0) {
        (3, _) => st.pos = end,
        (0, true) => {
            for i in 0..n {
                if st.pos == end {
                    let key = if tgt { 0x0 } else { 0x8 };
                    return check(sense(key, 0, 5, false, !tgt, false, resid(n - i)), Some(0));
                }
                st.pos += 1;
                if !tgt && is_fm(st, st.pos - 1) {
                    return check(sense(0x0, 0, 1, true, false, false, resid(n - i)), Some(0));
                }
            }
            // tgt reports end of data even when the move ends exactly on it.
            if tgt && n > 0 && st.pos == end {
                return check(sense(0x0, 0, 5, false, false, false, None), Some(0));
            }
        }
        (0, false) => {
            for i in 0..n {
                if st.pos == 0 {
                    if tgt {
                        return good(0);
                    }
                    return check(sense(0x0, 0, 4, false, true, false, resid(n - i)), Some(0));
                }
                st.pos -= 1;
                if !tgt && is_fm(st, st.pos) {
                    return check(sense(0x0, 0, 1, true, false, false, resid(n - i)), Some(0));
                }
            }
        }
        (1, true) => {
            for i in 0..n {
                match (st.pos..end).find(|&j| is_fm(st, j)) {
                    Some(f) => st.pos = f + 1,
                    None => {
                        st.pos = end;
                        let key = if tgt { 0x0 } else { 0x8 };
                        return check(sense(key, 0, 5, false, !tgt, false, resid(n - i)), Some(0));
                    }
                }
            }
        }
        (1, false) => {
            for i in 0..n {
                match (0..st.pos).rev().find(|&j| is_fm(st, j)) {
                    Some(f) => st.pos = f,
                    None => {
                        st.pos = 0;
                        return check(sense(0x0, 0, 4, false, !tgt, false, resid(n - i)), Some(0));
                    }
                }
            }
        }
        _ => return illegal(0x24),
    }
    good(0)
}
