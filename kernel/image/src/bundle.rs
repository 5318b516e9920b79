//! Reading the boot bundle in place: the kernel needs only the system's
//! name, the root program and its image, so it borrows them from the
//! initrd instead of copying the whole bundle onto its heap.

use alloc::vec::Vec;
use serde::Deserialize;
use weft_manifest::{BUNDLE_FORMAT, Manifest};

/// One image, borrowed. Postcard encodes `Vec<u8>` and `&[u8]` alike.
#[derive(Deserialize)]
pub struct ImageView<'a> {
    /// Image name.
    pub name: &'a str,
    /// Signed image bytes.
    pub bytes: &'a [u8],
}

/// The bundle's layout, mirroring `weft_manifest::Bundle` field by field.
#[derive(Deserialize)]
pub struct BundleView<'a> {
    /// Format version.
    pub format: u32,
    /// System name.
    pub system: &'a str,
    /// The program to start first.
    pub root: &'a str,
    /// Manifests (decoded; small).
    pub services: Vec<Manifest>,
    /// Which image runs each program.
    #[serde(borrow)]
    pub programs: Vec<(&'a str, &'a str)>,
    /// Program images.
    #[serde(borrow)]
    pub images: Vec<ImageView<'a>>,
    /// Data files (not used by the kernel; decoded to reach the end).
    #[serde(borrow)]
    #[allow(dead_code, reason = "mirrors the bundle layout")]
    pub files: Vec<(&'a str, &'a [u8])>,
}

/// Why the bundle is unusable.
#[derive(Debug)]
pub enum BundleError {
    /// It does not decode.
    Malformed,
    /// Another format version.
    Format(#[allow(dead_code, reason = "shown through Debug")] u32),
}

impl<'a> BundleView<'a> {
    /// Decode `bytes`.
    pub fn read(bytes: &'a [u8]) -> Result<BundleView<'a>, BundleError> {
        let view: BundleView<'a> = postcard::from_bytes(bytes).map_err(|_| BundleError::Malformed)?;
        if view.format != BUNDLE_FORMAT {
            return Err(BundleError::Format(view.format));
        }
        Ok(view)
    }

    /// The image that runs program `program`.
    pub fn image(&self, program: &str) -> Option<&ImageView<'a>> {
        let (_, name) = self.programs.iter().find(|(name, _)| *name == program)?;
        self.images.iter().find(|image| image.name == *name)
    }
}
