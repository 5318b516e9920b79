//! Fuzz the superblock record decoder: any 512 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft_storage_fs::format::Superblock;

fuzz_target!(|data: &[u8]| {
    if let Ok(superblock) = Superblock::decode(data) {
        // What decodes re-encodes to a record that decodes the same.
        assert_eq!(Superblock::decode(&superblock.encode()).ok(), Some(superblock));
    }
});
