//! The metadata image: the types postcard encodes, and an upper bound of
//! their encoded size that is kept up to date with every change.
//!
//! The bound is what lets an operation be refused with `NoSpace` *before*
//! it changes anything: the store only accepts a change if the image of the
//! resulting state fits on the free blocks (see `Store::admit`). It is a
//! pure function of the state, so recomputing it gives the same number.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::format::SUM_BYTES;

/// A data block and its checksum ([`crate::format::block_sum`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BlockRef {
    pub block: u64,
    pub sum: [u8; SUM_BYTES],
}

/// The content of a file or a blob: its length and its blocks in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FileData {
    pub size: u64,
    pub blocks: Vec<BlockRef>,
}

/// The decoded image (reading).
#[derive(Deserialize)]
pub(crate) struct Image {
    pub created: u64,
    pub nodes: Vec<DiskNode>,
    pub blobs: Vec<DiskBlob>,
    pub quotas: Vec<DiskQuota>,
}

/// One entry below the root. Entries are numbered from 1 in list order;
/// the root is 0, and `parent` must number an earlier directory.
#[derive(Deserialize)]
pub(crate) struct DiskNode {
    pub parent: u32,
    pub name: String,
    pub modified: u64,
    pub body: DiskBody,
}

/// What an entry is.
#[derive(Deserialize)]
pub(crate) enum DiskBody {
    Dir,
    File(FileData),
}

/// One blob, listed in ascending name order.
#[derive(Deserialize)]
pub(crate) struct DiskBlob {
    pub name: [u8; 32],
    pub data: FileData,
}

/// One quota limit, listed in ascending scope order.
#[derive(Deserialize)]
pub(crate) struct DiskQuota {
    pub scope: String,
    pub limit: u64,
}

/// The image to write, borrowing the live state; it encodes exactly as
/// [`Image`] decodes.
#[derive(Serialize)]
pub(crate) struct ImageOut<'a> {
    pub created: u64,
    pub nodes: Vec<NodeOut<'a>>,
    pub blobs: Vec<BlobOut<'a>>,
    pub quotas: Vec<QuotaOut<'a>>,
}

/// [`DiskNode`], borrowed.
#[derive(Serialize)]
pub(crate) struct NodeOut<'a> {
    pub parent: u32,
    pub name: &'a str,
    pub modified: u64,
    pub body: BodyOut<'a>,
}

/// [`DiskBody`], borrowed.
#[derive(Serialize)]
pub(crate) enum BodyOut<'a> {
    Dir,
    File(&'a FileData),
}

/// [`DiskBlob`], borrowed.
#[derive(Serialize)]
pub(crate) struct BlobOut<'a> {
    pub name: &'a [u8; 32],
    pub data: &'a FileData,
}

/// [`DiskQuota`], borrowed.
#[derive(Serialize)]
pub(crate) struct QuotaOut<'a> {
    pub scope: &'a str,
    pub limit: u64,
}

/// Bytes of `value` as a postcard varint (unsigned LEB128).
pub(crate) fn varint_len(value: u64) -> u64 {
    u64::from((64 - (value | 1).leading_zeros()).div_ceil(7))
}

/// Encoded bytes of one block reference whose number is `block`.
pub(crate) fn ref_len(block: u64) -> u64 {
    varint_len(block) + SUM_BYTES as u64
}

/// Encoded bytes of a [`FileData`].
pub(crate) fn file_len(data: &FileData) -> u64 {
    let refs: u64 = data.blocks.iter().map(|r| ref_len(r.block)).sum();
    varint_len(data.size) + varint_len(data.blocks.len() as u64) + refs
}

/// Bound of one encoded entry: the parent number counts as its widest
/// varint (5 bytes, u32) since it depends on the order of the whole list.
pub(crate) fn entry_bound(name: &str, modified: u64, file: Option<&FileData>) -> u64 {
    let name = name.len() as u64;
    let body = 1 + file.map_or(0, file_len);
    5 + varint_len(name) + name + varint_len(modified) + body
}

/// Encoded bytes of one blob.
pub(crate) fn blob_len(data: &FileData) -> u64 {
    32 + file_len(data)
}

/// Encoded bytes of one quota.
pub(crate) fn quota_len(scope: &str, limit: u64) -> u64 {
    varint_len(scope.len() as u64) + scope.len() as u64 + varint_len(limit)
}

/// Bound of the image's fixed part: `created` and three list lengths
/// (each at most a 10-byte varint).
pub(crate) fn header_bound(created: u64) -> u64 {
    varint_len(created) + 30
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_lengths_match_postcard() {
        for value in [0u64, 1, 127, 128, 16_383, 16_384, u32::MAX as u64, u64::MAX] {
            let encoded = postcard::to_allocvec(&value).unwrap();
            assert_eq!(varint_len(value), encoded.len() as u64, "{value}");
        }
    }

    #[test]
    fn borrowed_image_encodes_as_the_decoded_one_reads() {
        let data = FileData {
            size: 5000,
            blocks: alloc::vec![BlockRef { block: 7, sum: [1; 16] }, BlockRef { block: 300, sum: [2; 16] }],
        };
        let image = ImageOut {
            created: 99,
            nodes: alloc::vec![
                NodeOut { parent: 0, name: "docs", modified: 5, body: BodyOut::Dir },
                NodeOut { parent: 1, name: "a.txt", modified: 6, body: BodyOut::File(&data) },
            ],
            blobs: alloc::vec![BlobOut { name: &[3; 32], data: &data }],
            quotas: alloc::vec![QuotaOut { scope: "docs", limit: 1 << 20 }],
        };
        let bytes = postcard::to_allocvec(&image).unwrap();
        let back: Image = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.created, 99);
        assert_eq!(back.nodes.len(), 2);
        assert!(matches!(&back.nodes[1].body, DiskBody::File(f) if *f == data));
        assert_eq!(back.nodes[1].parent, 1);
        assert_eq!(back.blobs[0].name, [3; 32]);
        assert_eq!(back.quotas[0].scope, "docs");
        // The bound holds (and is tight but for the parent varints).
        let bound = header_bound(99)
            + entry_bound("docs", 5, None)
            + entry_bound("a.txt", 6, Some(&data))
            + blob_len(&data)
            + quota_len("docs", 1 << 20);
        assert!(bound >= bytes.len() as u64);
        assert!(bound <= bytes.len() as u64 + 30 + 2 * 4);
    }
}
