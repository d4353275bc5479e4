//! Reading ahead on a thread of its own, so a restore decodes, hashes and writes one block
//! while the drive delivers the next.
//!
//! [`ReadAhead`] wraps a device, borrowed for the time of a [`std::thread::scope`]
//! ([`ReadAhead::start`]) or owned until [`ReadAhead::into_device`] hands it back
//! ([`ReadAhead::owning`], for readers that change tapes): a thread owns the device and reads
//! blocks ahead into a small queue after every LOCATE; the wrapper hands
//! them out through [`TapeDevice::read_block`]. Only positioning and reading are passed on
//! (what a reader of a set needs); the other operations are refused.
//!
//! Each LOCATE starts a new generation: blocks read ahead for an older position are
//! dropped, never handed out. The thread stops reading at end of data or after an error
//! until it is told to go on, so it never spins; a filemark does not stop it (a real drive
//! reads on past one too).

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::{JoinHandle, Scope, ScopedJoinHandle};

use super::{Capabilities, DriveStatus, Identity, Position, ReadOutcome, Result, Space, TapeDevice, TapeError};

/// Blocks read ahead at most (with 256 KiB blocks: 2 MiB).
const DEPTH: usize = 8;

enum Command {
    /// LOCATE, then read on; blocks go out tagged with this generation.
    Locate(u64, u64),
    /// Go on reading where the last read stopped (after end of data or an error).
    Resume(u64),
}

enum Read {
    Block(Vec<u8>),
    Filemark,
    EndOfData,
    Failed(TapeError),
}

pub struct ReadAhead<'scope> {
    commands: Sender<Command>,
    reads: Receiver<(u64, Read)>,
    spare: SyncSender<Vec<u8>>,
    generation: u64,
    /// The thread stopped (end of data, an error) and waits to be told to go on.
    idle: bool,
    thread: Option<Thread<'scope>>,
}

enum Thread<'scope> {
    Scoped(ScopedJoinHandle<'scope, ()>),
    Owning(JoinHandle<Box<dyn TapeDevice>>),
}

impl<'scope> ReadAhead<'scope> {
    /// Starts the reading thread in `scope`; it owns `dev` until the wrapper is dropped.
    pub fn start<'env>(
        scope: &'scope Scope<'scope, 'env>,
        dev: &'scope mut dyn TapeDevice,
        block_size: usize,
    ) -> ReadAhead<'scope> {
        let (commands, command_rx) = channel::<Command>();
        let (read_tx, reads) = sync_channel::<(u64, Read)>(DEPTH);
        let (spare, spare_rx) = sync_channel::<Vec<u8>>(DEPTH * 2);
        let thread = scope.spawn(move || serve(dev, command_rx, read_tx, spare_rx, block_size));
        ReadAhead { commands, reads, spare, generation: 0, idle: true, thread: Some(Thread::Scoped(thread)) }
    }
}

impl ReadAhead<'static> {
    /// Starts the reading thread, which owns `dev` until [`ReadAhead::into_device`].
    pub fn owning(mut dev: Box<dyn TapeDevice>, block_size: usize) -> ReadAhead<'static> {
        let (commands, command_rx) = channel::<Command>();
        let (read_tx, reads) = sync_channel::<(u64, Read)>(DEPTH);
        let (spare, spare_rx) = sync_channel::<Vec<u8>>(DEPTH * 2);
        let thread = std::thread::spawn(move || {
            serve(dev.as_mut(), command_rx, read_tx, spare_rx, block_size);
            dev
        });
        ReadAhead { commands, reads, spare, generation: 0, idle: true, thread: Some(Thread::Owning(thread)) }
    }

    /// Stops reading ahead and hands the device back (`None` if the thread died).
    pub fn into_device(mut self) -> Option<Box<dyn TapeDevice>> {
        self.close();
        match self.thread.take() {
            Some(Thread::Owning(t)) => t.join().ok(),
            _ => None,
        }
    }
}

impl ReadAhead<'_> {
    /// Closing the channels ends the thread: a blocked send fails, recv sees no sender.
    fn close(&mut self) {
        let (dead, _) = channel();
        self.commands = dead;
        let (_, dead_rx) = sync_channel(0);
        self.reads = dead_rx;
    }
}

/// The thread: waits for a command, then reads ahead until end of data, an error, or a new
/// command.
fn serve(
    dev: &mut dyn TapeDevice,
    commands: Receiver<Command>,
    reads: SyncSender<(u64, Read)>,
    spare: Receiver<Vec<u8>>,
    block_size: usize,
) {
    let mut next = commands.recv().ok();
    while let Some(command) = next.take() {
        let generation = match command {
            Command::Locate(block, generation) => {
                if let Err(e) = dev.locate(block) {
                    if reads.send((generation, Read::Failed(e))).is_err() {
                        return;
                    }
                    next = commands.recv().ok();
                    continue;
                }
                generation
            }
            Command::Resume(generation) => generation,
        };
        loop {
            if let Ok(newer) = commands.try_recv() {
                next = Some(newer);
                break;
            }
            let mut buf = spare.try_recv().unwrap_or_default();
            buf.resize(block_size * 2, 0);
            let (read, stop) = match dev.read_block(&mut buf) {
                Ok(ReadOutcome::Block(n)) => {
                    buf.truncate(n);
                    (Read::Block(buf), false)
                }
                Ok(ReadOutcome::Filemark) => (Read::Filemark, false),
                Ok(ReadOutcome::EndOfData) => (Read::EndOfData, true),
                Err(e) => (Read::Failed(e), true),
            };
            if reads.send((generation, read)).is_err() {
                return;
            }
            if stop {
                next = commands.recv().ok();
                break;
            }
        }
    }
}

impl Drop for ReadAhead<'_> {
    fn drop(&mut self) {
        self.close();
        match self.thread.take() {
            Some(Thread::Scoped(t)) => drop(t.join()),
            Some(Thread::Owning(t)) => drop(t.join()),
            None => {}
        }
    }
}

fn refused(what: &'static str) -> TapeError {
    TapeError::Unsupported(what)
}

impl TapeDevice for ReadAhead<'_> {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            locate: true,
            read_position: false,
            erase: false,
            compression_control: false,
            load_unload: false,
        }
    }

    fn identity(&mut self) -> Result<Identity> {
        Err(refused("identity while reading ahead"))
    }

    fn status(&mut self) -> Result<DriveStatus> {
        Err(refused("status while reading ahead"))
    }

    fn rewind(&mut self) -> Result<()> {
        self.locate(0)
    }

    fn read_block(&mut self, buf: &mut [u8]) -> Result<ReadOutcome> {
        if self.idle {
            self.idle = false;
            self.commands
                .send(Command::Resume(self.generation))
                .map_err(|_| TapeError::Other("read-ahead stopped".into()))?;
        }
        loop {
            let (generation, read) = self.reads.recv().map_err(|_| TapeError::Other("read-ahead stopped".into()))?;
            if generation != self.generation {
                if let Read::Block(b) = read {
                    let _ = self.spare.try_send(b);
                }
                continue;
            }
            return match read {
                Read::Block(b) => {
                    if b.len() > buf.len() {
                        return Err(TapeError::BlockTooLarge { block_len: b.len(), buffer_len: buf.len() });
                    }
                    buf[..b.len()].copy_from_slice(&b);
                    let n = b.len();
                    let _ = self.spare.try_send(b);
                    Ok(ReadOutcome::Block(n))
                }
                Read::Filemark => Ok(ReadOutcome::Filemark),
                Read::EndOfData => {
                    self.idle = true;
                    Ok(ReadOutcome::EndOfData)
                }
                Read::Failed(e) => {
                    self.idle = true;
                    Err(e)
                }
            };
        }
    }

    fn write_block(&mut self, _data: &[u8]) -> Result<super::WriteOutcome> {
        Err(refused("writing while reading ahead"))
    }

    fn write_filemarks(&mut self, _count: u32, _flush: bool) -> Result<()> {
        Err(refused("writing while reading ahead"))
    }

    fn space(&mut self, _how: Space) -> Result<()> {
        Err(refused("space while reading ahead (locate instead)"))
    }

    fn position(&mut self) -> Result<Position> {
        Err(refused("position while reading ahead"))
    }

    fn locate(&mut self, block: u64) -> Result<()> {
        // A new generation: whatever was read ahead for the old position is dropped unread.
        self.generation += 1;
        self.idle = false;
        self.commands
            .send(Command::Locate(block, self.generation))
            .map_err(|_| TapeError::Other("read-ahead stopped".into()))
    }

    fn erase(&mut self, _quick: bool) -> Result<()> {
        Err(refused("erase while reading ahead"))
    }

    fn set_block_size(&mut self, _size: u32) -> Result<()> {
        Err(refused("set_block_size while reading ahead"))
    }

    fn set_compression(&mut self, _on: bool) -> Result<()> {
        Err(refused("set_compression while reading ahead"))
    }

    fn load(&mut self) -> Result<()> {
        Err(refused("load while reading ahead"))
    }

    fn unload(&mut self) -> Result<()> {
        Err(refused("unload while reading ahead"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tape::vtape::VirtualDrive;

    /// A tape of `files` files of `blocks` numbered blocks each.
    fn tape(dir: &std::path::Path, files: u32, blocks: u32) -> VirtualDrive {
        VirtualDrive::create(dir, 1 << 30).unwrap();
        let mut d = VirtualDrive::open(dir).unwrap();
        d.insert_named("T00001").unwrap();
        for f in 0..files {
            for b in 0..blocks {
                d.write_block(format!("file {f} block {b}").as_bytes()).unwrap();
            }
            d.write_filemarks(1, true).unwrap();
        }
        d
    }

    fn read_all(dev: &mut dyn TapeDevice) -> Vec<String> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 1024];
        loop {
            match dev.read_block(&mut buf).unwrap() {
                ReadOutcome::Block(n) => out.push(String::from_utf8(buf[..n].to_vec()).unwrap()),
                ReadOutcome::Filemark => out.push("FM".into()),
                ReadOutcome::EndOfData => return out,
            }
        }
    }

    #[test]
    fn reads_what_the_drive_reads_from_every_position() {
        let tmp = tempfile::tempdir().unwrap();
        let mut direct = tape(tmp.path(), 3, 20);
        let mut want = Vec::new();
        for at in [0u64, 5, 21, 40, 62] {
            direct.locate(at).unwrap();
            want.push(read_all(&mut direct));
        }
        std::thread::scope(|s| {
            let mut ra = ReadAhead::start(s, &mut direct, 512);
            for (i, at) in [0u64, 5, 21, 40, 62].into_iter().enumerate() {
                ra.locate(at).unwrap();
                assert_eq!(read_all(&mut ra), want[i], "from block {at}");
            }
            // A LOCATE in the middle of reading drops what was read ahead.
            ra.locate(0).unwrap();
            let mut buf = vec![0u8; 1024];
            ra.read_block(&mut buf).unwrap();
            ra.locate(45).unwrap();
            let got = read_all(&mut ra);
            assert_eq!(got[0], "file 2 block 3");
            // After end of data, reading on asks the drive again.
            assert_eq!(ra.read_block(&mut buf).unwrap(), ReadOutcome::EndOfData);
        });
    }
}
