//! An in-memory disk with a volatile write cache, to test crash safety.
//!
//! Writes land in a cache until `flush`; a [`MemDisk::crash`] then decides,
//! write by write, what reached the medium. [`MemDisk::cut_power_after`]
//! makes the disk fail every request after a given number, so a crash can
//! fall in the middle of an operation or a commit; [`MemDisk::fail_after`]
//! fails a few requests, as transient device errors.

use alloc::vec;
use alloc::vec::Vec;
use core::ops::Range;

use crate::device::{BlockDevice, DeviceError, SECTOR};

/// What became of one cached write when the power went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrashFate {
    /// It reached the medium whole.
    Kept,
    /// It never reached the medium.
    Lost,
    /// Only some sectors reached the medium: sector `i` of the write did
    /// iff bit `i % 64` of the mask is set.
    Torn(u64),
    /// Only the first bytes reached the medium, possibly ending inside a
    /// sector (a device without atomic sector writes).
    Prefix(usize),
}

/// One write still in the cache.
struct Pending {
    start: usize,
    data: Vec<u8>,
}

/// A RAM disk whose unflushed writes can be lost or torn.
pub struct MemDisk {
    medium: Vec<u8>,
    cache: Vec<Pending>,
    /// Requests (writes and flushes) left before the power goes.
    power_left: Option<u64>,
    /// Requests left before some fail, and how many.
    fail: Option<(u64, u64)>,
    writes: u64,
    flushes: u64,
}

impl MemDisk {
    /// A zeroed disk of `sectors` sectors.
    pub fn new(sectors: usize) -> MemDisk {
        MemDisk::from_image(vec![0; sectors.saturating_mul(SECTOR)])
    }

    /// A disk holding `image` (cut down to whole sectors) on its medium.
    pub fn from_image(mut image: Vec<u8>) -> MemDisk {
        image.truncate(image.len() / SECTOR * SECTOR);
        MemDisk { medium: image, cache: Vec::new(), power_left: None, fail: None, writes: 0, flushes: 0 }
    }

    /// What is durable: the medium without the cache.
    pub fn medium(&self) -> &[u8] {
        &self.medium
    }

    /// The medium, to damage it on purpose (cached writes still cover it).
    pub fn medium_mut(&mut self) -> &mut [u8] {
        &mut self.medium
    }

    /// Writes in the cache, not yet flushed.
    pub fn pending_writes(&self) -> usize {
        self.cache.len()
    }

    /// Writes and flushes served so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.writes, self.flushes)
    }

    /// After `requests` more writes or flushes, fail every request with
    /// [`DeviceError::Io`] until [`MemDisk::crash`].
    pub fn cut_power_after(&mut self, requests: u64) {
        self.power_left = Some(requests);
    }

    /// Whether requests are served (the power is on).
    pub fn is_powered(&self) -> bool {
        self.power_left != Some(0)
    }

    /// After `requests` more writes or flushes, fail the next `count` with
    /// [`DeviceError::Io`], as transient device errors: a failed write is
    /// not cached, a failed flush leaves the cache as it was (a later flush
    /// may still land it).
    pub fn fail_after(&mut self, requests: u64, count: u64) {
        self.fail = Some((requests, count));
    }

    /// The power goes: `fate(i)` decides what became of the `i`-th cached
    /// write (oldest first; later writes win where kept ones overlap). The
    /// cache is then empty and the power back.
    pub fn crash(&mut self, mut fate: impl FnMut(usize) -> CrashFate) {
        let cache = core::mem::take(&mut self.cache);
        for (i, write) in cache.iter().enumerate() {
            match fate(i) {
                CrashFate::Kept => apply(&mut self.medium, write.start, &write.data),
                CrashFate::Lost => {}
                CrashFate::Prefix(len) => {
                    apply(&mut self.medium, write.start, write.data.get(..len).unwrap_or(&write.data));
                }
                CrashFate::Torn(mask) => {
                    for (s, sector) in write.data.chunks(SECTOR).enumerate() {
                        if mask >> (s % 64) & 1 == 1 {
                            apply(&mut self.medium, write.start + s * SECTOR, sector);
                        }
                    }
                }
            }
        }
        self.power_left = None;
    }

    /// [`MemDisk::crash`] with fates drawn evenly from a PRNG seeded by
    /// `seed` (the same seed, the same outcome); a prefix is under 4 KiB.
    pub fn crash_seeded(&mut self, seed: u64) {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        self.crash(|_| match next() % 4 {
            0 => CrashFate::Kept,
            1 => CrashFate::Lost,
            2 => CrashFate::Torn(next()),
            _ => CrashFate::Prefix((next() % 4096) as usize),
        });
    }

    fn range(&self, sector: u64, len: usize) -> Result<Range<usize>, DeviceError> {
        if !len.is_multiple_of(SECTOR) {
            return Err(DeviceError::Misaligned);
        }
        let start = usize::try_from(sector)
            .ok()
            .and_then(|s| s.checked_mul(SECTOR))
            .ok_or(DeviceError::OutOfRange)?;
        let end = start.checked_add(len).ok_or(DeviceError::OutOfRange)?;
        if end > self.medium.len() {
            return Err(DeviceError::OutOfRange);
        }
        Ok(start..end)
    }

    fn use_power(&mut self) -> Result<(), DeviceError> {
        match &mut self.fail {
            Some((0, count)) => {
                *count -= 1;
                if *count == 0 {
                    self.fail = None;
                }
                return Err(DeviceError::Io);
            }
            Some((left, _)) => *left -= 1,
            None => {}
        }
        match &mut self.power_left {
            Some(0) => Err(DeviceError::Io),
            Some(left) => {
                *left -= 1;
                Ok(())
            }
            None => Ok(()),
        }
    }
}

/// Copies `data` onto `medium` at `start`, as far as it fits.
fn apply(medium: &mut [u8], start: usize, data: &[u8]) {
    if let Some(target) = medium.get_mut(start..).and_then(|rest| rest.get_mut(..data.len())) {
        target.copy_from_slice(data);
    }
}

impl BlockDevice for MemDisk {
    fn sector_count(&self) -> u64 {
        (self.medium.len() / SECTOR) as u64
    }

    fn read(&mut self, sector: u64, buf: &mut [u8]) -> Result<(), DeviceError> {
        if self.power_left == Some(0) {
            return Err(DeviceError::Io);
        }
        let range = self.range(sector, buf.len())?;
        let source = self.medium.get(range.clone()).ok_or(DeviceError::OutOfRange)?;
        buf.copy_from_slice(source);
        // The cache covers the medium, oldest write first.
        for write in &self.cache {
            let from = range.start.max(write.start);
            let to = range.end.min(write.start + write.data.len());
            if from < to {
                let source = write.data.get(from - write.start..to - write.start);
                let target = buf.get_mut(from - range.start..to - range.start);
                if let (Some(source), Some(target)) = (source, target) {
                    target.copy_from_slice(source);
                }
            }
        }
        Ok(())
    }

    fn write(&mut self, sector: u64, data: &[u8]) -> Result<(), DeviceError> {
        let range = self.range(sector, data.len())?;
        self.use_power()?;
        self.writes += 1;
        self.cache.push(Pending { start: range.start, data: data.to_vec() });
        Ok(())
    }

    fn flush(&mut self) -> Result<(), DeviceError> {
        self.use_power()?;
        self.flushes += 1;
        for write in core::mem::take(&mut self.cache) {
            apply(&mut self.medium, write.start, &write.data);
        }
        Ok(())
    }
}
