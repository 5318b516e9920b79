//! Path rules: relative `a/b/c`, strictly checked before anything is touched.

use alloc::vec::Vec;

use crate::error::Error;

/// Longest name of one entry, in bytes.
pub const MAX_NAME: usize = 255;
/// Longest path, in bytes.
pub const MAX_PATH: usize = 4096;

/// Splits `path` into its names; the empty path is the root (no names).
///
/// Refused: a leading or trailing `/`, an empty name (`a//b`), `.` and
/// `..`, NUL anywhere, a name over [`MAX_NAME`] bytes, a path over
/// [`MAX_PATH`] bytes.
pub(crate) fn parse(path: &str) -> Result<Vec<&str>, Error> {
    if path.len() > MAX_PATH {
        return Err(Error::InvalidPath);
    }
    if path.is_empty() {
        return Ok(Vec::new());
    }
    path.split('/').map(check_name).collect()
}

/// Splits a path that must name an entry (not the root) into the parent's
/// names and the entry's own name.
pub(crate) fn parse_entry(path: &str) -> Result<(Vec<&str>, &str), Error> {
    let mut names = parse(path)?;
    let name = names.pop().ok_or(Error::InvalidPath)?;
    Ok((names, name))
}

/// One name under the path rules.
pub(crate) fn check_name(name: &str) -> Result<&str, Error> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.len() > MAX_NAME
        || name.contains('\0')
        || name.contains('/');
    if bad { Err(Error::InvalidPath) } else { Ok(name) }
}
