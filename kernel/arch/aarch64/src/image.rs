//! Program images: the signed envelope and the ELF load plan.
//!
//! A program image is a static EL0 ELF wrapped in an envelope:
//!
//! ```text
//! offset  size  field
//!      0     8  magic "WEFTIMG1"
//!      8     8  payload length, little endian
//!     16    64  Ed25519 signature of the payload
//!     80     n  payload: the ELF file
//! ```
//!
//! The kernel verifies the signature with the public key compiled into it
//! before it parses a single ELF byte, then plans the load: every `PT_LOAD`
//! segment must lie in the user image region, be readable, and be either
//! writable or executable, never both; segments may not share a page.

use alloc::vec::Vec;
use ed25519_dalek::{Signature, VerifyingKey};
use elf::ElfBytes;
use elf::abi::{EM_AARCH64, ET_EXEC, PF_R, PF_W, PF_X, PT_DYNAMIC, PT_INTERP, PT_LOAD, PT_TLS};
use elf::endian::LittleEndian;

use crate::paging::user::{IMAGE_END, IMAGE_START};

/// Envelope magic.
pub const MAGIC: [u8; 8] = *b"WEFTIMG1";
/// Envelope header length.
pub const HEADER_LEN: usize = 80;
/// Most loadable segments an image may have.
pub const MAX_SEGMENTS: usize = 16;

/// Why an image was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// Not an envelope (magic, length).
    NotAnImage,
    /// The signature does not verify with the kernel's key.
    BadSignature,
    /// The payload is not a static little-endian aarch64 executable.
    NotAnExecutable,
    /// A segment breaks a loading rule (placement, W^X, overlap, bounds).
    BadSegment,
    /// The entry point is not in an executable segment.
    BadEntry,
}

impl ImageError {
    /// Words for the kernel log.
    pub fn describe(self) -> &'static str {
        match self {
            ImageError::NotAnImage => "not a signed Weft image",
            ImageError::BadSignature => "signature does not verify",
            ImageError::NotAnExecutable => "not a static aarch64 executable",
            ImageError::BadSegment => "a segment breaks the loading rules",
            ImageError::BadEntry => "entry point is not in executable memory",
        }
    }
}

/// Check the envelope and signature; returns the payload.
pub fn verify<'a>(image: &'a [u8], key: &VerifyingKey) -> Result<&'a [u8], ImageError> {
    let header = image.get(..HEADER_LEN).ok_or(ImageError::NotAnImage)?;
    if header.get(..8) != Some(&MAGIC[..]) {
        return Err(ImageError::NotAnImage);
    }
    let mut length = [0u8; 8];
    length.copy_from_slice(header.get(8..16).ok_or(ImageError::NotAnImage)?);
    let length = usize::try_from(u64::from_le_bytes(length)).map_err(|_| ImageError::NotAnImage)?;
    let end = HEADER_LEN.checked_add(length).ok_or(ImageError::NotAnImage)?;
    let payload = image.get(HEADER_LEN..end).ok_or(ImageError::NotAnImage)?;
    let signature: [u8; 64] =
        header.get(16..80).and_then(|bytes| bytes.try_into().ok()).ok_or(ImageError::NotAnImage)?;
    key.verify_strict(payload, &Signature::from_bytes(&signature)).map_err(|_| ImageError::BadSignature)?;
    Ok(payload)
}

/// Wrap and sign a payload (build tools).
pub fn sign(payload: &[u8], key: &ed25519_dalek::SigningKey) -> Vec<u8> {
    use ed25519_dalek::Signer;
    let signature = key.sign(payload);
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&signature.to_bytes());
    out.extend_from_slice(payload);
    out
}

/// How a segment's pages may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentAccess {
    /// Writable (then not executable).
    pub write: bool,
    /// Executable (then not writable).
    pub execute: bool,
}

/// One loadable segment, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// First page (page aligned).
    pub page_start: u64,
    /// One past the last page (page aligned).
    pub page_end: u64,
    /// Where the file bytes go.
    pub address: u64,
    /// Offset of the file bytes in the payload.
    pub file_offset: usize,
    /// Number of file bytes (the rest up to the page end is zero).
    pub file_len: usize,
    /// Access.
    pub access: SegmentAccess,
}

/// A checked load plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Entry address.
    pub entry: u64,
    /// Segments in address order.
    pub segments: Vec<Segment>,
}

const PAGE: u64 = 4096;

/// Parse and check an ELF payload.
pub fn plan(payload: &[u8]) -> Result<Plan, ImageError> {
    let file = ElfBytes::<LittleEndian>::minimal_parse(payload).map_err(|_| ImageError::NotAnExecutable)?;
    let header = &file.ehdr;
    if header.class != elf::file::Class::ELF64 || header.e_machine != EM_AARCH64 || header.e_type != ET_EXEC {
        return Err(ImageError::NotAnExecutable);
    }
    let table = file.segments().ok_or(ImageError::NotAnExecutable)?;
    let mut segments: Vec<Segment> = Vec::new();
    for header in table.iter() {
        match header.p_type {
            PT_INTERP | PT_DYNAMIC | PT_TLS => return Err(ImageError::NotAnExecutable),
            PT_LOAD => {}
            _ => continue,
        }
        if header.p_memsz == 0 {
            continue;
        }
        if segments.len() >= MAX_SEGMENTS {
            return Err(ImageError::BadSegment);
        }
        let write = header.p_flags & PF_W != 0;
        let execute = header.p_flags & PF_X != 0;
        if (write && execute) || header.p_flags & PF_R == 0 || header.p_filesz > header.p_memsz {
            return Err(ImageError::BadSegment);
        }
        let end = header.p_vaddr.checked_add(header.p_memsz).ok_or(ImageError::BadSegment)?;
        if header.p_vaddr < IMAGE_START || end > IMAGE_END {
            return Err(ImageError::BadSegment);
        }
        let file_end = header.p_offset.checked_add(header.p_filesz).ok_or(ImageError::BadSegment)?;
        if file_end > payload.len() as u64 {
            return Err(ImageError::BadSegment);
        }
        segments.push(Segment {
            page_start: header.p_vaddr & !(PAGE - 1),
            page_end: end.div_ceil(PAGE) * PAGE,
            address: header.p_vaddr,
            file_offset: header.p_offset as usize,
            file_len: header.p_filesz as usize,
            access: SegmentAccess { write, execute },
        });
    }
    if segments.is_empty() {
        return Err(ImageError::NotAnExecutable);
    }
    segments.sort_by_key(|s| s.page_start);
    if segments.windows(2).any(|pair| matches!(pair, [a, b] if a.page_end > b.page_start)) {
        return Err(ImageError::BadSegment);
    }
    let entry = header.e_entry;
    if !segments.iter().any(|s| s.access.execute && entry >= s.address && entry < s.page_end) {
        return Err(ImageError::BadEntry);
    }
    Ok(Plan { entry, segments })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    /// A minimal ELF64 executable with the given program headers
    /// `(type, flags, offset, vaddr, filesz, memsz)`.
    /// `(type, flags, offset, vaddr, filesz, memsz)`.
    type ProgramHeader = (u32, u32, u64, u64, u64, u64);

    pub(crate) fn elf(entry: u64, headers: &[ProgramHeader]) -> Vec<u8> {
        let mut out = vec![0u8; 64];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2; // 64-bit
        out[5] = 1; // little endian
        out[6] = 1; // version
        out[16..18].copy_from_slice(&ET_EXEC.to_le_bytes());
        out[18..20].copy_from_slice(&EM_AARCH64.to_le_bytes());
        out[20..24].copy_from_slice(&1u32.to_le_bytes());
        out[24..32].copy_from_slice(&entry.to_le_bytes());
        out[32..40].copy_from_slice(&64u64.to_le_bytes()); // phoff
        out[52..54].copy_from_slice(&64u16.to_le_bytes()); // ehsize
        out[54..56].copy_from_slice(&56u16.to_le_bytes()); // phentsize
        out[56..58].copy_from_slice(&(headers.len() as u16).to_le_bytes());
        for &(kind, flags, offset, vaddr, filesz, memsz) in headers {
            let mut ph = vec![0u8; 56];
            ph[0..4].copy_from_slice(&kind.to_le_bytes());
            ph[4..8].copy_from_slice(&flags.to_le_bytes());
            ph[8..16].copy_from_slice(&offset.to_le_bytes());
            ph[16..24].copy_from_slice(&vaddr.to_le_bytes());
            ph[24..32].copy_from_slice(&vaddr.to_le_bytes());
            ph[32..40].copy_from_slice(&filesz.to_le_bytes());
            ph[40..48].copy_from_slice(&memsz.to_le_bytes());
            ph[48..56].copy_from_slice(&PAGE.to_le_bytes());
            out.extend_from_slice(&ph);
        }
        out.resize(0x3000, 0xaa);
        out
    }

    const RX: u32 = PF_R | PF_X;
    const RW: u32 = PF_R | PF_W;

    #[test]
    fn a_good_program_plans() {
        let payload = elf(
            0x40_0010,
            &[
                (PT_LOAD, RX, 0x1000, 0x40_0000, 0x800, 0x800),
                (PT_LOAD, RW, 0x2000, 0x40_1000, 0x100, 0x5000),
            ],
        );
        let plan = plan(&payload).unwrap();
        assert_eq!(plan.entry, 0x40_0010);
        assert_eq!(plan.segments.len(), 2);
        assert_eq!(plan.segments[1].page_end, 0x40_6000);
        assert!(plan.segments[1].access.write && !plan.segments[1].access.execute);
    }

    #[test]
    fn loading_rules() {
        let cases: &[(&str, u64, &[ProgramHeader], ImageError)] = &[
            ("w+x", 0x40_0000, &[(PT_LOAD, RW | PF_X, 0, 0x40_0000, 0x10, 0x10)], ImageError::BadSegment),
            ("null page", 0x0, &[(PT_LOAD, RX, 0, 0x0, 0x10, 0x10)], ImageError::BadSegment),
            (
                "kernel half",
                0xffff_0000_0000_0000,
                &[(PT_LOAD, RX, 0, 0xffff_0000_0000_0000, 0x10, 0x10)],
                ImageError::BadSegment,
            ),
            ("wrapping", 0x40_0000, &[(PT_LOAD, RX, 0, 0x40_0000, 0x10, u64::MAX)], ImageError::BadSegment),
            (
                "file past end",
                0x40_0000,
                &[(PT_LOAD, RX, 0x2000, 0x40_0000, 0x10_0000, 0x10_0000)],
                ImageError::BadSegment,
            ),
            ("filesz > memsz", 0x40_0000, &[(PT_LOAD, RX, 0, 0x40_0000, 0x20, 0x10)], ImageError::BadSegment),
            (
                "shared page",
                0x40_0000,
                &[(PT_LOAD, RX, 0, 0x40_0000, 0x10, 0x10), (PT_LOAD, RW, 0, 0x40_0800, 0x10, 0x10)],
                ImageError::BadSegment,
            ),
            (
                "entry in data",
                0x40_1000,
                &[(PT_LOAD, RX, 0, 0x40_0000, 0x10, 0x10), (PT_LOAD, RW, 0, 0x40_1000, 0x10, 0x10)],
                ImageError::BadEntry,
            ),
            (
                "interpreter",
                0x40_0000,
                &[(PT_INTERP, PF_R, 0, 0x40_0000, 0x10, 0x10)],
                ImageError::NotAnExecutable,
            ),
            ("no segments", 0x40_0000, &[], ImageError::NotAnExecutable),
        ];
        for (name, entry, headers, expected) in cases {
            assert_eq!(plan(&elf(*entry, headers)), Err(*expected), "{name}");
        }
        assert_eq!(plan(b"garbage"), Err(ImageError::NotAnExecutable));
    }

    #[test]
    fn signatures() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let payload = b"program bytes".to_vec();
        let image = sign(&payload, &key);
        assert_eq!(verify(&image, &key.verifying_key()), Ok(&payload[..]));
        assert_eq!(verify(&image, &other.verifying_key()), Err(ImageError::BadSignature));
        for index in [0, 9, 20, HEADER_LEN + 3] {
            let mut tampered = image.clone();
            tampered[index] ^= 1;
            assert!(verify(&tampered, &key.verifying_key()).is_err(), "byte {index}");
        }
        assert_eq!(verify(&image[..40], &key.verifying_key()), Err(ImageError::NotAnImage));
        let mut long = image.clone();
        long[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(verify(&long, &key.verifying_key()), Err(ImageError::NotAnImage));
    }
}
