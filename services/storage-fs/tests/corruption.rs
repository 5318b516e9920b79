//! Damage on the medium: a bad data block reads as `Corrupt`, never as
//! wrong bytes; a bad newest superblock or metadata image falls back to the
//! previous commit; with nothing valid left, mount gives a typed error.

mod common;

use common::{disk, snapshot};
use weft_storage_fs::format::{Superblock, block_sector};
use weft_storage_fs::{Corruption, Error, MemDisk, SECTOR, Store};

const BLOCK: usize = 4096;

/// The block on the medium whose content starts with `marker`.
fn find_block(disk: &MemDisk, marker: &[u8]) -> usize {
    disk.medium().chunks(BLOCK).position(|block| block.starts_with(marker)).expect("marker on the medium")
}

fn superblock(disk: &MemDisk, slot: u64) -> Result<Superblock, Error> {
    let start = block_sector(slot) as usize * SECTOR;
    Superblock::decode(&disk.medium()[start..start + SECTOR])
}

/// A store with generation 1 holding `old` and generation 2 adding `new`.
fn two_generations() -> MemDisk {
    let mut store = Store::format(disk(64), 0).unwrap();
    store.write_file("old", b"from generation one", 1).unwrap();
    store.commit().unwrap();
    store.write_file("new", b"from generation two", 2).unwrap();
    store.commit().unwrap();
    assert_eq!(store.generation(), 2);
    store.into_device()
}

#[test]
fn a_flipped_byte_in_a_data_block_reads_as_corrupt() {
    let mut store = Store::format(disk(64), 0).unwrap();
    let mut content = b"MARKER-FILE".to_vec();
    content.resize(3 * BLOCK, 7);
    store.write_file("victim", &content, 1).unwrap();
    store.write_file("bystander", b"fine", 1).unwrap();
    let mut blob = b"MARKER-BLOB".to_vec();
    blob.resize(BLOCK + 10, 3);
    let name = store.put_blob(&blob).unwrap();
    store.commit().unwrap();
    let mut disk = store.into_device();
    let file_block = find_block(&disk, b"MARKER-FILE");
    let blob_block = find_block(&disk, b"MARKER-BLOB");
    disk.medium_mut()[file_block * BLOCK + 100] ^= 0x01;
    disk.medium_mut()[blob_block * BLOCK + 4000] ^= 0x80;

    let mut store = Store::mount(disk).unwrap();
    let corrupt = |block| Err(Error::Corrupt(Corruption::Data { block: block as u64 }));
    assert_eq!(store.read_file("victim"), corrupt(file_block));
    assert_eq!(store.read_at("victim", 50, 10), corrupt(file_block));
    // Other blocks of the same file, and other files, still read.
    assert_eq!(store.read_at("victim", BLOCK as u64, 10).unwrap(), [7; 10]);
    assert_eq!(store.read_file("bystander").unwrap(), b"fine");
    assert_eq!(store.get_blob(&name), corrupt(blob_block));
    assert_eq!(store.scrub(), Err(Error::Corrupt(Corruption::Data { block: file_block as u64 })));
    // Rewriting the file heals it (the bad block is not read back).
    store.write_file("victim", b"new", 2).unwrap();
    assert_eq!(store.read_file("victim").unwrap(), b"new");
}

#[test]
fn a_bad_newest_superblock_falls_back_to_the_previous_commit() {
    let mut disk = two_generations();
    assert_eq!(superblock(&disk, 0).unwrap().generation, 2);
    disk.medium_mut()[100] ^= 0xFF; // slot 0, inside the checksummed record
    assert_eq!(superblock(&disk, 0), Err(Error::Corrupt(Corruption::Superblock)));

    let mut store = Store::mount(disk).unwrap();
    assert_eq!(store.generation(), 1);
    assert_eq!(store.read_file("old").unwrap(), b"from generation one");
    assert_eq!(store.read_file("new"), Err(Error::NotFound));
    store.scrub().unwrap();
    // The next commit overwrites the bad slot, and all is well again.
    store.write_file("later", b"x", 3).unwrap();
    store.commit().unwrap();
    let disk = store.into_device();
    assert_eq!(superblock(&disk, 0).unwrap().generation, 2);
    let mut store = Store::mount(disk).unwrap();
    assert_eq!(store.read_file("later").unwrap(), b"x");
}

#[test]
fn a_bad_newest_metadata_image_falls_back_to_the_previous_commit() {
    let mut disk = two_generations();
    let first = superblock(&disk, 0).unwrap().meta_first as usize;
    disk.medium_mut()[first * BLOCK + 20] ^= 0x10;
    let mut store = Store::mount(disk).unwrap();
    assert_eq!(store.generation(), 1);
    let seen = snapshot(&mut store);
    assert_eq!(seen.entries.keys().collect::<Vec<_>>(), ["old"]);
}

#[test]
fn nothing_valid_is_a_typed_error() {
    // Both slots damaged.
    let mut disk = two_generations();
    disk.medium_mut()[100] ^= 1;
    disk.medium_mut()[BLOCK + 100] ^= 1;
    assert_eq!(Store::mount(disk).err(), Some(Error::Corrupt(Corruption::Superblock)));

    // Both slots' metadata damaged.
    let mut disk = two_generations();
    for slot in 0..2 {
        let first = superblock(&disk, slot).unwrap().meta_first as usize;
        disk.medium_mut()[first * BLOCK + 8] ^= 1;
    }
    assert_eq!(Store::mount(disk).err(), Some(Error::Corrupt(Corruption::Metadata)));

    // Both slots wiped: not a store at all.
    let mut disk = two_generations();
    disk.medium_mut()[..SECTOR].fill(0);
    disk.medium_mut()[BLOCK..BLOCK + SECTOR].fill(0);
    assert_eq!(Store::mount(disk).err(), Some(Error::NotFormatted));
    assert_eq!(Store::mount(MemDisk::new(4096)).err(), Some(Error::NotFormatted));

    // A later format version is refused rather than rolled back.
    let mut disk = two_generations();
    disk.medium_mut()[8] = 2;
    assert_eq!(Store::mount(disk).err(), Some(Error::Unsupported(2)));
}
