//! A full disk: the operation that does not fit is refused with `NoSpace`
//! and changes nothing, in memory or on the device; commits still work;
//! removing and committing gives the space back.

mod common;

use common::{Rng, disk, snapshot};
use weft_storage_fs::{Error, MemDisk, Store};

/// Checks that `op` was refused with `NoSpace` and changed nothing.
fn refused(store: &mut Store<MemDisk>, op: impl FnOnce(&mut Store<MemDisk>) -> Result<(), Error>) {
    let before = snapshot(store);
    let (space, counts) = (store.space(), store.device().counts());
    assert_eq!(op(store), Err(Error::NoSpace));
    assert_eq!(store.space(), space);
    assert_eq!(store.device().counts(), counts, "a refused operation writes nothing");
    assert_eq!(snapshot(store), before);
}

#[test]
fn a_full_disk_refuses_cleanly_and_recovers_after_removal() {
    let mut store = Store::format(disk(64), 0).unwrap();
    let mut rng = Rng::new(11);
    let mut written = 0;
    // Fill with 16 KiB files, committing each.
    loop {
        let bytes = rng.bytes(16 * 1024);
        match store.write_file(&format!("f{written}"), &bytes, written) {
            Ok(()) => {
                store.commit().unwrap();
                written += 1;
            }
            Err(error) => {
                assert_eq!(error, Error::NoSpace);
                break;
            }
        }
    }
    assert!(written >= 10, "only {written} files fit");
    let path = format!("f{written}");
    refused(&mut store, |s| s.write_file(&path, &[1; 16 * 1024], 0));
    refused(&mut store, |s| s.write_file("f0", &[1; 64 * 1024], 0));
    refused(&mut store, |s| s.write_at("f0", 1 << 20, b"far", 0));
    refused(&mut store, |s| s.put_blob(&[9; 64 * 1024]).map(|_| ()));
    // Smaller things still fit until they do not.
    let mut small = 0;
    while store.write_file(&format!("s{small}"), &[small as u8; 100], 0).is_ok() {
        small += 1;
    }
    refused(&mut store, |s| s.write_file("last", &[1; 100], 0));
    // The state at the refusal can always be committed.
    store.commit().unwrap();
    let full = snapshot(&mut store);
    let mut store = Store::mount(store.into_device()).unwrap();
    assert_eq!(snapshot(&mut store), full);

    // Removing gives the space back once committed.
    let free = store.space().free_blocks;
    for i in 0..4 {
        store.remove(&format!("f{i}")).unwrap();
    }
    assert_eq!(store.space().free_blocks, free, "the committed state still holds the blocks");
    store.commit().unwrap();
    let reclaimed = store.space().free_blocks;
    assert!(reclaimed >= free + 4 * 4, "free blocks {free} -> {reclaimed}");
    store.write_file("again", &[5; 16 * 1024], 1).unwrap();
    store.commit().unwrap();
    let after = snapshot(&mut store);
    let space = store.space();
    let mut store = Store::mount(store.into_device()).unwrap();
    assert_eq!(snapshot(&mut store), after);
    assert_eq!(store.space(), space, "the remount derives the same free space");
    store.scrub().unwrap();
}

#[test]
fn uncommitted_writes_on_a_full_disk_can_always_be_committed() {
    // No commit while filling: the uncommitted data, the old state and the
    // new metadata must all fit when the refusal comes.
    for blocks in [8, 9, 16, 40] {
        let mut store = Store::format(disk(blocks), 0).unwrap();
        let mut rng = Rng::new(blocks as u64);
        let mut i = 0;
        loop {
            let len = rng.below(6000) as usize;
            let result = match rng.below(3) {
                0 => store.create_dir(&format!("d{i}"), 0),
                1 => store.put_blob(&rng.bytes(len)).map(|_| ()),
                _ => store.write_file(&format!("f{i}"), &rng.bytes(len), 0),
            };
            if result == Err(Error::NoSpace) {
                break;
            }
            result.unwrap();
            i += 1;
        }
        store.commit().unwrap();
        let seen = snapshot(&mut store);
        // Removing everything works on the full disk, and commits.
        for entry in store.list("").unwrap() {
            store.remove(&entry.name).unwrap();
        }
        for blob in store.list_blobs() {
            store.remove_blob(&blob.name).unwrap();
        }
        store.commit().unwrap();
        assert_eq!(store.space().free_blocks, blocks as u64 - 3, "two slots and one metadata block remain");
        let mut store = Store::mount(store.into_device()).unwrap();
        assert!(snapshot(&mut store).entries.is_empty());
        assert_ne!(seen, snapshot(&mut store));
    }
}

#[test]
fn metadata_growth_alone_runs_out_too() {
    let mut store = Store::format(disk(12), 0).unwrap();
    let long = "d".repeat(200);
    let mut i = 0;
    loop {
        match store.create_dir(&format!("{long}{i}"), 0) {
            Ok(()) => i += 1,
            Err(error) => {
                assert_eq!(error, Error::NoSpace);
                break;
            }
        }
    }
    assert!(i > 20, "{i} directories");
    refused(&mut store, |s| s.create_dir(&format!("{long}x"), 0));
    store.commit().unwrap();
    let mut store = Store::mount(store.into_device()).unwrap();
    assert_eq!(store.list("").unwrap().len(), i);
    store.scrub().unwrap();
}

#[test]
fn too_small_a_device_is_refused() {
    assert_eq!(Store::format(disk(7), 0).err(), Some(Error::TooSmall));
    assert_eq!(Store::format(MemDisk::new(0), 0).err(), Some(Error::TooSmall));
}
