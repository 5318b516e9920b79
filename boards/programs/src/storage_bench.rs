//! The storage benchmark's two halves: [`measure`] (the storage service, through a
//! directory capability; hosted and in the guest) and, on the kernel, the
//! `storage-bench` program, which also drives a second, scratch virtio disk
//! directly as the raw baseline and logs both.

use alloc::format;
use alloc::vec;
use weft_storage_api::{Dir, DirError};

/// What [`measure`] found, in nanoseconds.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    /// Writing the file in chunks, then `Sync`.
    pub write_ns: u64,
    /// Reading it back.
    pub read_ns: u64,
    /// Creating the small files, then `Sync`.
    pub creates_ns: u64,
}

/// Write a `bytes`-long file in the largest chunks and sync, read it back,
/// then create `files` files of 1 KiB and sync.
pub fn measure(dir: &Dir, bytes: u64, files: u32) -> Result<Figures, DirError> {
    // Dir::write sends it in the largest chunks the protocol carries.
    let file = vec![0xa5u8; bytes as usize];
    let start = weft_rt::now();
    dir.write("big", &file)?;
    dir.sync()?;
    let write_ns = weft_rt::now() - start;
    let start = weft_rt::now();
    let read = dir.read("big")?;
    let read_ns = weft_rt::now() - start;
    if read.len() as u64 != bytes {
        return Err(DirError::Ipc(format!("read {} of {bytes} bytes", read.len())));
    }
    let _ = dir.create_dir("small");
    let start = weft_rt::now();
    for i in 0..files {
        dir.write(&format!("small/{i}"), &[7; 1024])?;
    }
    dir.sync()?;
    Ok(Figures { write_ns, read_ns, creates_ns: weft_rt::now() - start })
}

/// MiB/s for `bytes` in `ns`.
pub fn rate(bytes: u64, ns: u64) -> f64 {
    bytes as f64 / (1u64 << 20) as f64 / (ns.max(1) as f64 / 1e9)
}

#[cfg(target_os = "none")]
mod guest {
    use alloc::format;
    use alloc::vec;
    use weft_ipc::Startup;
    use weft_ipc::program::ProgramError;
    use weft_storage_api::Dir;
    use weft_virtio::virtio_drivers::device::blk::VirtIOBlk;
    use weft_virtio::virtio_drivers::transport::mmio::MmioTransport;
    use weft_virtio::{Device, WeftHal};

    use super::{measure, rate};

    /// The raw disk: sequential writes of `bytes` in 32 KiB requests, a
    /// flush, then reads; nanoseconds each.
    fn raw(startup: &mut Startup, bytes: u64, expected_mib: u64) -> Result<(u64, u64), ProgramError> {
        let device = Device::open(startup, "virtio-blk-1")?;
        let mut blk = VirtIOBlk::<WeftHal, MmioTransport<'static>>::new(device.transport)
            .map_err(|e| ProgramError(format!("{e:?}")))?;
        let mib = (blk.capacity() * 512) >> 20;
        if mib != expected_mib {
            return Err(ProgramError(format!(
                "virtio-blk-1 has {mib} MiB, not the {expected_mib} MiB scratch disk"
            )));
        }
        let chunk = 32 * 1024;
        let mut data = vec![0x5au8; chunk];
        let io = |e| ProgramError(format!("{e:?}"));
        let start = weft_rt::now();
        for i in 0..bytes / chunk as u64 {
            blk.write_blocks((i * chunk as u64 / 512) as usize, &data).map_err(io)?;
        }
        blk.flush().map_err(io)?;
        let write = weft_rt::now() - start;
        let start = weft_rt::now();
        for i in 0..bytes / chunk as u64 {
            blk.read_blocks((i * chunk as u64 / 512) as usize, &mut data).map_err(io)?;
        }
        Ok((write, weft_rt::now() - start))
    }

    fn main(mut startup: Startup) -> Result<(), ProgramError> {
        let number =
            |key: &str, default: u64| startup.arg(key).and_then(|v| v.parse().ok()).unwrap_or(default);
        let (mib, files, scratch) =
            (number("mib", 16), number("files", 200) as u32, number("scratch-mib", 64));
        let bytes = mib << 20;
        let (raw_write, raw_read) = raw(&mut startup, bytes, scratch)?;
        let dir = Dir::connect().map_err(|e| ProgramError(format!("{e}")))?;
        let store = measure(&dir, bytes, files).map_err(|e| ProgramError(format!("{e}")))?;
        let (rw, rr) = (rate(bytes, raw_write), rate(bytes, raw_read));
        let (sw, sr) = (rate(bytes, store.write_ns), rate(bytes, store.read_ns));
        let creates = f64::from(files) / (store.creates_ns.max(1) as f64 / 1e9);
        weft_rt::info!(
            "storage bench: {mib} MiB; raw write {rw:.1} MiB/s, store write {sw:.1} MiB/s ({:.2}x); \
             raw read {rr:.1} MiB/s, store read {sr:.1} MiB/s ({:.2}x); {files} creates of 1 KiB {creates:.0}/s",
            sw / rw,
            sr / rr
        );
        Ok(())
    }

    /// The program's entry.
    pub fn entry(bootstrap: u32) -> i32 {
        weft_ipc::program::run(bootstrap, main)
    }
}

#[cfg(target_os = "none")]
pub use guest::entry;
