//! Verified program images, kept so that every process running the same
//! image shares its read-only segments.
//!
//! The boot bundle carries one signed image for all programs, so most
//! processes start from identical bytes. The first start of an image copies
//! it into the kernel, verifies the signature, plans the load and places
//! each read-only segment (code, constants, fonts) in frames of its own.
//! Later starts compare the caller's image with the verified copy byte for
//! byte — cheaper than verifying again, and exact: a tampered copy differs
//! and is verified (and refused) like any new image — then map those
//! frames read-only into the new process; only writable segments are
//! copied per process. No process can write a shared frame: no writable
//! mapping of one ever exists.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use weft_abi::Error;
use weft_kernel::MemoryObject;

use super::memory::PhysMemory;
use crate::image::{HEADER_LEN, Plan, Segment};

/// Images kept verified at once (the program image, perhaps a test's).
const KEPT: usize = 4;

/// Bytes compared per step.
const CHUNK: usize = 16 * 1024;

/// One verified image.
pub struct Verified {
    /// The signed image exactly as verified.
    bytes: Vec<u8>,
    /// Its load plan.
    pub plan: Plan,
    /// Per segment of the plan: the shared frames of a read-only segment.
    shared: Vec<Option<Arc<PhysMemory>>>,
}

impl Verified {
    /// Keep `bytes` (verified, with `plan`) and place its read-only
    /// segments.
    pub fn new(bytes: Vec<u8>, plan: Plan) -> Result<Verified, Error> {
        let mut verified = Verified { bytes, shared: Vec::new(), plan };
        let mut shared = Vec::new();
        for segment in &verified.plan.segments {
            shared.push(match segment.access.write {
                true => None,
                false => Some(Arc::new(verified.place(segment)?)),
            });
        }
        verified.shared = shared;
        Ok(verified)
    }

    /// Fresh frames holding `segment` (its file bytes, zeros after).
    fn place(&self, segment: &Segment) -> Result<PhysMemory, Error> {
        let size = segment.page_end - segment.page_start;
        let backing = PhysMemory::allocate(size as usize, false)?;
        let from = HEADER_LEN.checked_add(segment.file_offset).ok_or(Error::BadImage)?;
        let data = self.bytes.get(from..from + segment.file_len).ok_or(Error::BadImage)?;
        backing.write((segment.address - segment.page_start) as usize, data)?;
        Ok(backing)
    }

    /// The frames to map for segment `index` of the plan: the shared ones
    /// of a read-only segment, a private copy of a writable one.
    pub fn backing(&self, index: usize) -> Result<Arc<PhysMemory>, Error> {
        match self.shared.get(index) {
            Some(Some(shared)) => Ok(Arc::clone(shared)),
            Some(None) => {
                let segment = self.plan.segments.get(index).ok_or(Error::BadImage)?;
                Ok(Arc::new(self.place(segment)?))
            }
            None => Err(Error::BadImage),
        }
    }

    /// Whether `memory` holds exactly this image in its first `len` bytes.
    fn matches(&self, memory: &PhysMemory, len: usize) -> Result<bool, Error> {
        if len != self.bytes.len() {
            return Ok(false);
        }
        let mut chunk = vec![0u8; CHUNK.min(len)];
        // The signature first: a different image almost always differs
        // there, and then the rest is not read.
        let order = self.bytes.chunks(CHUNK).enumerate();
        for (index, expected) in order {
            let got = chunk.get_mut(..expected.len()).ok_or(Error::BadImage)?;
            memory.read(index * CHUNK, got)?;
            if got != expected {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The images verified so far, most recently used last.
#[derive(Default)]
pub struct Loader {
    kept: Vec<Verified>,
}

impl Loader {
    /// Whether `memory` holds an image already verified; if so it becomes
    /// the [`current`](Loader::current) one.
    pub fn find(&mut self, memory: &PhysMemory, len: usize) -> Result<bool, Error> {
        let mut found = None;
        for (index, verified) in self.kept.iter().enumerate().rev() {
            if verified.matches(memory, len)? {
                found = Some(index);
                break;
            }
        }
        if let Some(index) = found {
            let verified = self.kept.remove(index);
            self.kept.push(verified);
        }
        Ok(found.is_some())
    }

    /// Keep a newly verified image as the current one (forgetting the
    /// least recently used beyond [`KEPT`]; processes still running it
    /// keep their frames).
    pub fn keep(&mut self, verified: Verified) {
        if self.kept.len() >= KEPT {
            self.kept.remove(0);
        }
        self.kept.push(verified);
    }

    /// The image found or kept last.
    pub fn current(&self) -> Option<&Verified> {
        self.kept.last()
    }
}
