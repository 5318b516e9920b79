//! Fuzz mounting a hostile disk image: a real store (files, directories,
//! blobs, quotas, two commits) with bytes patched by the input — the
//! superblocks, the metadata chain and data blocks — then mounted, walked,
//! read and scrubbed. Nothing may panic; whatever mounts must be
//! self-consistent enough to walk.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use weft_storage_fs::{Kind, MemDisk, Store};

/// The store every case starts from (64 blocks of 4 KiB).
fn template() -> &'static [u8] {
    static IMAGE: OnceLock<Vec<u8>> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let mut store = Store::format(MemDisk::new(64 * 8), 1).expect("format");
        store.create_dir("documents", 2).expect("mkdir");
        store.write_file("documents/a.txt", b"hello", 3).expect("write");
        store.write_file("documents/b.bin", &[7; 9000], 4).expect("write");
        store.set_quota("documents", Some(1 << 20)).expect("quota");
        store.put_blob(b"blob contents").expect("blob");
        store.commit().expect("commit");
        store.rename("documents/a.txt", "a.txt").expect("rename");
        store.commit().expect("commit");
        let mut disk = store.into_device();
        disk.crash(|_| weft_storage_fs::CrashFate::Kept);
        disk.medium().to_vec()
    })
}

/// Walk everything below `path`, reading every file.
fn walk(store: &mut Store<MemDisk>, path: &str, depth: u32) {
    if depth > 64 {
        return;
    }
    let Ok(entries) = store.list(path) else { return };
    for entry in entries {
        let child = if path.is_empty() { entry.name.clone() } else { format!("{path}/{}", entry.name) };
        match entry.kind {
            Kind::Dir => walk(store, &child, depth + 1),
            Kind::File => {
                let _ = store.read_file(&child);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut image = template().to_vec();
    // Each 4-byte group patches one byte: a 3-byte offset and the value.
    for patch in data.chunks_exact(4) {
        let offset = (usize::from(patch[0]) << 16 | usize::from(patch[1]) << 8 | usize::from(patch[2])) % image.len();
        image[offset] = patch[3];
    }
    if let Ok(mut store) = Store::mount(MemDisk::from_image(image)) {
        walk(&mut store, "", 0);
        for blob in store.list_blobs() {
            let _ = store.get_blob(&blob.name);
        }
        let _ = store.scrub();
        let _ = store.space();
        let _ = store.write_file("new", b"x", 9);
        let _ = store.commit();
    }
});
