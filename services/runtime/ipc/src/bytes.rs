//! `#[serde(with = "weft_ipc::bytes")]` for `Vec<u8>` fields: the same
//! postcard encoding as a sequence of bytes (a varint length, then the
//! bytes), written and read as one slice instead of byte by byte. Bulk
//! data (sectors, file chunks) is most of what those messages carry.

use alloc::vec::Vec;
use core::fmt;

use serde::de::{SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

/// Serialize `bytes` as a byte string.
pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_bytes(bytes)
}

/// Deserialize a byte string (or, from self-describing formats, a
/// sequence of bytes).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
    deserializer.deserialize_byte_buf(BytesVisitor)
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("bytes")
    }

    fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
        Ok(bytes.to_vec())
    }

    fn visit_byte_buf<E>(self, bytes: Vec<u8>) -> Result<Vec<u8>, E> {
        Ok(bytes)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64 * 1024));
        while let Some(byte) = seq.next_element()? {
            bytes.push(byte);
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;
    use alloc::vec::Vec;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Fast(#[serde(with = "crate::bytes")] Vec<u8>);

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Plain(Vec<u8>);

    #[test]
    fn the_encoding_is_the_plain_one() {
        let data: Vec<u8> = (0..=255).chain(0..40).collect();
        let fast = postcard::to_allocvec(&Fast(data.clone())).unwrap();
        let plain = postcard::to_allocvec(&Plain(data.clone())).unwrap();
        assert_eq!(fast, plain);
        assert_eq!(postcard::from_bytes::<Fast>(&plain).unwrap(), Fast(data));
        assert_eq!(postcard::from_bytes::<Fast>(&[5, 1, 2]).ok(), None::<Fast>);
        assert_eq!(postcard::from_bytes::<Fast>(&[0]).unwrap(), Fast(vec![]));
    }
}
