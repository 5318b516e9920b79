//! The boot bundle: manifests plus program images, in one blob.
//!
//! Programs and images are separate lists: on the kernel one signed image
//! holds every program (it runs the one its startup message names), so
//! most programs map to the same image; a test can give one program an
//! image of its own (a tampered copy). In hosted mode each program has a
//! small stub image naming it.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::Manifest;

/// Bundle format version this crate reads and writes.
pub const BUNDLE_FORMAT: u32 = 2;

/// One program image. On the kernel, a signed ELF; in hosted mode, the
/// hosted image stub naming a registered program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// The image's name (programs refer to it in [`Bundle::programs`]).
    pub name: String,
    /// Image bytes.
    pub bytes: Vec<u8>,
}

/// Everything the root manager boots from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    /// [`BUNDLE_FORMAT`].
    pub format: u32,
    /// Which board or system this bundle is for.
    pub system: String,
    /// The program started first: the root manager (`root`), or a test
    /// program in its place.
    pub root: String,
    /// Every service manifest.
    pub services: Vec<Manifest>,
    /// Which image runs each program: `(program, image name)`.
    pub programs: Vec<(String, String)>,
    /// Program images, by name.
    pub images: Vec<Image>,
    /// Read-only data files (fonts, themes, documents) by path.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Why a bundle was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    /// The bytes do not decode.
    Malformed,
    /// Another format version.
    Format(u32),
}

impl core::fmt::Display for BundleError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BundleError::Malformed => f.write_str("boot bundle is malformed"),
            BundleError::Format(found) => {
                write!(f, "boot bundle format {found} is not {BUNDLE_FORMAT}")
            }
        }
    }
}

impl Bundle {
    /// Encode for the boot medium.
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Decode, checking the format version.
    pub fn from_bytes(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let bundle: Bundle = postcard::from_bytes(bytes).map_err(|_| BundleError::Malformed)?;
        if bundle.format != BUNDLE_FORMAT {
            return Err(BundleError::Format(bundle.format));
        }
        Ok(bundle)
    }

    /// The image that runs program `program`.
    pub fn image(&self, program: &str) -> Option<&Image> {
        let (_, name) = self.programs.iter().find(|(name, _)| name == program)?;
        self.images.iter().find(|image| image.name == *name)
    }

    /// Run `program` from `image` (added unless one of its name is there).
    pub fn add_program(&mut self, program: &str, image: Image) {
        self.programs.retain(|(name, _)| name != program);
        self.programs.push((program.into(), image.name.clone()));
        if !self.images.iter().any(|existing| existing.name == image.name) {
            self.images.push(image);
        }
    }

    /// A data file by path.
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.iter().find(|(p, _)| p == path).map(|(_, bytes)| bytes.as_slice())
    }
}
