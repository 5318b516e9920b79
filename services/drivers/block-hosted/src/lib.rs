//! weft-block-hosted — the disk of hosted Weft: `weft.block` over a host file or memory (host only).
//!
//! The board hands the service a [`HostDisk`] as the `device:disk`
//! capability, as it hands the display service its framebuffer. A disk is
//! an image file (`weft-hosted --disk FILE`, kept between runs; flush is
//! `fsync`) or memory (tests; a fresh one per boot unless the test keeps it
//! and boots again on it). Tests can cut the power: after a given number of
//! writes every further write or flush fails, as if the machine had lost
//! power, and the disk keeps exactly what was written before.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use weft_block_api::{BlockError, BlockInfo, BlockProtocol, BlockRequest, BlockResponse, SECTOR, check};
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;

/// The capability name of the disk.
pub const DEVICE_CAPABILITY: &str = "device:disk";

enum Backing {
    File(File),
    Memory(Vec<u8>),
}

struct Inner {
    backing: Backing,
    sectors: u64,
    /// Writes (and flushes) accepted so far.
    writes: u64,
    /// Accept no write or flush once `writes` reaches this.
    cut_after: Option<u64>,
}

/// A disk the hosted block service serves.
pub struct HostDisk {
    name: String,
    inner: Mutex<Inner>,
}

impl HostDisk {
    /// A zeroed memory disk of `bytes` (rounded down to whole sectors).
    pub fn memory(bytes: u64) -> Arc<HostDisk> {
        let sectors = bytes / u64::from(SECTOR);
        let backing = Backing::Memory(vec![0; (sectors * u64::from(SECTOR)) as usize]);
        HostDisk::new("memory-disk", backing, sectors)
    }

    /// The image file at `path`, made `bytes` long (sparse, zeroed) if it
    /// does not exist yet.
    pub fn file(path: &Path, bytes: u64) -> io::Result<Arc<HostDisk>> {
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
        if file.metadata()?.len() == 0 {
            file.set_len(bytes)?;
        }
        let sectors = file.metadata()?.len() / u64::from(SECTOR);
        let name = path.file_name().map_or_else(|| "disk".to_string(), |n| n.to_string_lossy().into_owned());
        Ok(HostDisk::new(&name, Backing::File(file), sectors))
    }

    fn new(name: &str, backing: Backing, sectors: u64) -> Arc<HostDisk> {
        Arc::new(HostDisk {
            name: name.to_string(),
            inner: Mutex::new(Inner { backing, sectors, writes: 0, cut_after: None }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Cut the power after `writes` more writes or flushes (`None`: power
    /// back on).
    pub fn cut_power_after(&self, writes: Option<u64>) {
        let mut inner = self.lock();
        inner.cut_after = writes.map(|w| inner.writes + w);
    }

    /// Writes and flushes accepted so far.
    pub fn writes(&self) -> u64 {
        self.lock().writes
    }

    /// A memory disk's bytes (empty for a file).
    pub fn contents(&self) -> Vec<u8> {
        match &self.lock().backing {
            Backing::Memory(bytes) => bytes.clone(),
            Backing::File(_) => Vec::new(),
        }
    }

    /// Flip bits of a memory disk's byte at `offset` (bit rot, tampering).
    pub fn flip(&self, offset: u64, mask: u8) {
        if let Backing::Memory(bytes) = &mut self.lock().backing
            && let Some(byte) = bytes.get_mut(offset as usize)
        {
            *byte ^= mask;
        }
    }

    /// Answer one block request.
    pub fn answer(&self, request: BlockRequest) -> BlockResponse {
        let mut inner = self.lock();
        let sectors = inner.sectors;
        let powered = inner.cut_after.is_none_or(|cut| inner.writes < cut);
        match request {
            BlockRequest::Info => BlockResponse::Info(BlockInfo {
                name: self.name.clone(),
                sectors,
                sector_size: SECTOR,
                read_only: false,
            }),
            BlockRequest::Read { sector, count } => {
                let bytes = u64::from(count) * u64::from(SECTOR);
                if let Err(error) = check(sector, bytes, sectors) {
                    return BlockResponse::Error(error);
                }
                let at = sector * u64::from(SECTOR);
                match &mut inner.backing {
                    Backing::Memory(disk) => {
                        let range = at as usize..(at + bytes) as usize;
                        BlockResponse::Data(disk.get(range).unwrap_or_default().to_vec())
                    }
                    Backing::File(file) => {
                        let mut data = vec![0; bytes as usize];
                        match read_at(file, &mut data, at) {
                            Ok(()) => BlockResponse::Data(data),
                            Err(error) => device_error(&error),
                        }
                    }
                }
            }
            BlockRequest::Write { sector, data } => {
                if let Err(error) = check(sector, data.len() as u64, sectors) {
                    return BlockResponse::Error(error);
                }
                if !powered {
                    return BlockResponse::Error(BlockError::Device("power cut".into()));
                }
                inner.writes += 1;
                let at = sector * u64::from(SECTOR);
                match &mut inner.backing {
                    Backing::Memory(disk) => {
                        if let Some(target) = disk.get_mut(at as usize..at as usize + data.len()) {
                            target.copy_from_slice(&data);
                        }
                        BlockResponse::Done
                    }
                    Backing::File(file) => match write_at(file, &data, at) {
                        Ok(()) => BlockResponse::Done,
                        Err(error) => device_error(&error),
                    },
                }
            }
            BlockRequest::Flush => {
                if !powered {
                    return BlockResponse::Error(BlockError::Device("power cut".into()));
                }
                inner.writes += 1;
                match &inner.backing {
                    Backing::Memory(_) => BlockResponse::Done,
                    Backing::File(file) => match file.sync_data() {
                        Ok(()) => BlockResponse::Done,
                        Err(error) => device_error(&error),
                    },
                }
            }
        }
    }
}

fn device_error(error: &io::Error) -> BlockResponse {
    BlockResponse::Error(BlockError::Device(error.to_string()))
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(unix)]
fn write_at(file: &File, data: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, data, at)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        match file.seek_read(&mut buf[done..], at + done as u64)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => done += n,
        }
    }
    Ok(())
}

#[cfg(windows)]
fn write_at(file: &File, data: &[u8], at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < data.len() {
        done += file.seek_write(&data[done..], at + done as u64)?;
    }
    Ok(())
}

/// Serve `weft.block` for the disk handed over as `device:disk`.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let resource = startup.take_handle(DEVICE_CAPABILITY).ok_or("no `device:disk` capability")?;
    let device = weft_kernel_hosted::open_device(resource.raw())
        .map_err(|e| ProgramError(format!("cannot open the disk: {e}")))?;
    let disk: Arc<HostDisk> =
        device.downcast::<HostDisk>().map_err(|_| "`device:disk` is not a hosted disk")?;
    let sectors = disk.lock().sectors;
    weft_rt::info!("{}: {} MiB", disk.name, (sectors * u64::from(SECTOR)) >> 20);
    weft_ipc::serve::<BlockProtocol>(&startup, |_, incoming| {
        Some((disk.answer(incoming.request), Vec::new()))
    })?;
    Ok(())
}

/// Program entry.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_disk_keeps_what_was_written_before() {
        let disk = HostDisk::memory(8 * 512);
        assert_eq!(disk.answer(BlockRequest::Write { sector: 1, data: vec![7; 512] }), BlockResponse::Done);
        disk.cut_power_after(Some(0));
        assert!(matches!(
            disk.answer(BlockRequest::Write { sector: 2, data: vec![9; 512] }),
            BlockResponse::Error(_)
        ));
        assert!(matches!(disk.answer(BlockRequest::Flush), BlockResponse::Error(_)));
        assert_eq!(
            disk.answer(BlockRequest::Read { sector: 1, count: 2 }),
            BlockResponse::Data([vec![7; 512], vec![0; 512]].concat())
        );
    }

    #[test]
    fn an_image_file_keeps_its_sectors() {
        let path = std::env::temp_dir().join(format!("weft-block-hosted-{}.img", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let disk = HostDisk::file(&path, 1 << 20).unwrap();
        assert_eq!(
            disk.answer(BlockRequest::Write { sector: 2047, data: vec![5; 512] }),
            BlockResponse::Done
        );
        assert_eq!(disk.answer(BlockRequest::Flush), BlockResponse::Done);
        drop(disk);
        let again = HostDisk::file(&path, 4 << 20).unwrap();
        assert_eq!(
            again.answer(BlockRequest::Read { sector: 2047, count: 1 }),
            BlockResponse::Data(vec![5; 512])
        );
        assert_eq!(
            again.answer(BlockRequest::Read { sector: 2048, count: 1 }),
            BlockResponse::Error(BlockError::OutOfRange)
        );
        let _ = std::fs::remove_file(&path);
    }
}
