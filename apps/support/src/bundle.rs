//! The files of the boot bundle, from the `bundle` capability.

use alloc::string::String;
use core::fmt;

use weft_ipc::Startup;
use weft_manifest::Bundle;
use weft_rt::Vmo;

use crate::tree::FileTree;

/// The capability name the root manager hands the bundle over as.
pub const CAPABILITY: &str = "bundle";

/// Why the bundle's files could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    /// The manifest does not grant the `bundle` capability.
    NotGranted,
    /// Mapping the memory object failed.
    Map(String),
    /// The bytes are not a bundle this build understands.
    Decode(String),
}

impl fmt::Display for BundleError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::NotGranted => formatter.write_str("no `bundle` capability was granted"),
            BundleError::Map(error) => write!(formatter, "mapping the bundle failed: {error}"),
            BundleError::Decode(error) => write!(formatter, "{error}"),
        }
    }
}

/// Takes the `bundle` handle from `startup` and returns its files as a
/// tree. Only the files are kept; manifests and program images are dropped.
pub fn files_from_startup(startup: &mut Startup) -> Result<FileTree, BundleError> {
    let handle = startup.take_handle(CAPABILITY).ok_or(BundleError::NotGranted)?;
    files_from_vmo(&Vmo::from_handle(handle))
}

/// The files of the bundle held in `vmo`.
pub fn files_from_vmo(vmo: &Vmo) -> Result<FileTree, BundleError> {
    let size = vmo.size().map_err(|error| BundleError::Map(alloc::format!("{error}")))?;
    let mapping = vmo.map_read(0, size).map_err(|error| BundleError::Map(alloc::format!("{error}")))?;
    files_from_bytes(mapping.bytes())
}

/// The files of an encoded bundle.
pub fn files_from_bytes(bytes: &[u8]) -> Result<FileTree, BundleError> {
    let bundle = Bundle::from_bytes(bytes).map_err(|error| BundleError::Decode(alloc::format!("{error}")))?;
    Ok(FileTree::new(bundle.files))
}
