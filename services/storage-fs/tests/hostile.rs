//! Hostile images: random bytes, truncated disks, and metadata mutated and
//! then given valid checksums. Mount and every read must return values or
//! errors, never panic.

mod common;

use common::{Rng, disk};
use weft_storage_fs::format::{CHAIN_PAYLOAD, Superblock, block_sector, sha256};
use weft_storage_fs::{BlockDevice, Error, MemDisk, SECTOR, Store};

const BLOCK: usize = 4096;

/// Reads everything reachable, ignoring errors: only panics matter here.
fn explore<D: BlockDevice>(store: &mut Store<D>) {
    let mut dirs = vec![String::new()];
    let mut visited = 0;
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = store.list(&dir) else { continue };
        for entry in entries {
            visited += 1;
            let path = if dir.is_empty() { entry.name } else { format!("{dir}/{}", entry.name) };
            let _ = store.stat(&path);
            if store.read_file(&path).is_err() && visited < 10_000 {
                dirs.push(path);
            }
        }
    }
    for blob in store.list_blobs() {
        let _ = store.get_blob(&blob.name);
    }
    let _ = store.scrub();
    let _ = store.space();
    // And it stays usable (or refuses cleanly).
    let _ = store.write_file("probe", b"probe", 1);
    let _ = store.commit();
}

/// A committed store with some of everything.
fn sample() -> MemDisk {
    let mut store = Store::format(disk(64), 0).unwrap();
    let mut rng = Rng::new(99);
    store.create_dir("a", 1).unwrap();
    store.create_dir("a/b", 2).unwrap();
    store.write_file("a/b/f", &rng.bytes(5000), 3).unwrap();
    store.write_file("a/g", &rng.bytes(10), 4).unwrap();
    store.write_file("h", b"", 5).unwrap();
    store.put_blob(&rng.bytes(9000)).unwrap();
    store.put_blob(b"tiny").unwrap();
    store.set_quota("a", Some(1 << 20)).unwrap();
    store.commit().unwrap();
    store.into_device()
}

fn newest(disk: &MemDisk) -> (u64, Superblock) {
    (0..2)
        .filter_map(|slot| {
            let start = block_sector(slot) as usize * SECTOR;
            Superblock::decode(&disk.medium()[start..start + SECTOR]).ok().map(|sb| (slot, sb))
        })
        .max_by_key(|(_, sb)| sb.generation)
        .unwrap()
}

/// The metadata chain's blocks and the image they carry.
fn read_chain(disk: &MemDisk, sb: &Superblock) -> (Vec<usize>, Vec<u8>) {
    let (mut blocks, mut image) = (Vec::new(), Vec::new());
    let mut block = sb.meta_first as usize;
    while image.len() < sb.meta_len as usize {
        let bytes = &disk.medium()[block * BLOCK..(block + 1) * BLOCK];
        let want = (sb.meta_len as usize - image.len()).min(CHAIN_PAYLOAD);
        image.extend_from_slice(&bytes[8..8 + want]);
        blocks.push(block);
        block = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    }
    (blocks, image)
}

/// Puts `image` in the chain's blocks and points slot `slot` at it, with
/// every checksum right.
fn write_image(disk: &mut MemDisk, slot: u64, sb: &Superblock, blocks: &[usize], image: &[u8]) {
    let chunks: Vec<&[u8]> = image.chunks(CHAIN_PAYLOAD).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let next = if i + 1 < chunks.len() { blocks[i + 1] as u64 } else { 0 };
        let target = &mut disk.medium_mut()[blocks[i] * BLOCK..(blocks[i] + 1) * BLOCK];
        target.fill(0);
        target[..8].copy_from_slice(&next.to_le_bytes());
        target[8..8 + chunk.len()].copy_from_slice(chunk);
    }
    let sb = Superblock { meta_len: image.len() as u64, meta_sha256: sha256(image), ..*sb };
    write_superblock(disk, slot, &sb);
}

fn write_superblock(disk: &mut MemDisk, slot: u64, sb: &Superblock) {
    let start = block_sector(slot) as usize * SECTOR;
    disk.medium_mut()[start..start + SECTOR].copy_from_slice(&sb.encode());
}

#[test]
fn random_bytes_never_mount_and_never_panic() {
    let mut rng = Rng::new(1);
    for size in [0, 1, 511, 512, 4096, 8192, 32 * 1024, 256 * 1024] {
        for _ in 0..20 {
            let mut image = rng.bytes(size);
            // Half the time with the magic in place, to get past it.
            if rng.chance(50) && size >= BLOCK + 8 {
                image[..8].copy_from_slice(b"WEFTSTOR");
                image[BLOCK..BLOCK + 8].copy_from_slice(b"WEFTSTOR");
            }
            assert!(Store::mount(MemDisk::from_image(image)).is_err());
        }
    }
}

#[test]
fn truncated_images_are_errors() {
    let whole = sample().medium().to_vec();
    for sectors in (0..whole.len() / SECTOR).step_by(7) {
        let result = Store::mount(MemDisk::from_image(whole[..sectors * SECTOR].to_vec()));
        assert!(result.is_err(), "{sectors} sectors mounted");
    }
    assert!(Store::mount(MemDisk::from_image(whole)).is_ok());
}

#[test]
fn mutated_metadata_with_valid_checksums_never_panics() {
    let original = sample();
    let (slot, sb) = newest(&original);
    let (blocks, image) = read_chain(&original, &sb);
    let capacity = blocks.len() * CHAIN_PAYLOAD;
    let mut rng = Rng::new(2);
    let (mut mounted, mut refused) = (0, 0);
    for _ in 0..1500 {
        let mut mutated = image.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(mutated.len() as u64) as usize;
            match rng.below(6) {
                0 => mutated[at] ^= 1 << rng.below(8),
                1 => mutated[at] = rng.next() as u8,
                2 => mutated.truncate(at.max(1)),
                3 => {
                    let len = (rng.below(16) as usize).min(mutated.len() - at);
                    let noise = rng.bytes(len);
                    mutated[at..at + len].copy_from_slice(&noise);
                }
                4 => mutated.insert(at, rng.next() as u8),
                _ => mutated[at] = [0, 1, 0x7F, 0x80, 0xFF][rng.below(5) as usize],
            }
        }
        mutated.truncate(capacity);
        let mut disk = MemDisk::from_image(original.medium().to_vec());
        write_image(&mut disk, slot, &sb, &blocks, &mutated);
        // The other slot must not rescue the mutation.
        let other = 1 - slot;
        let start = block_sector(other) as usize * SECTOR;
        disk.medium_mut()[start..start + SECTOR].fill(0);
        match Store::mount(disk) {
            Ok(mut store) => {
                mounted += 1;
                explore(&mut store);
            }
            Err(_) => refused += 1,
        }
    }
    eprintln!("{refused} refused, {mounted} mounted");
    // Most mutations must be caught; some (a changed time, a changed byte
    // of a name) are valid images.
    assert!(refused > 500 && mounted > 0, "{refused} refused, {mounted} mounted");
}

#[test]
fn hostile_superblock_fields_never_panic() {
    let original = sample();
    let (slot, sb) = newest(&original);
    let blocks = original.sector_count() / 8;
    let mut rng = Rng::new(3);
    for _ in 0..500 {
        let mut bad = sb;
        let wild = |rng: &mut Rng, near: u64| match rng.below(3) {
            0 => rng.next(),
            1 => near.wrapping_add(rng.below(5)).wrapping_sub(2),
            _ => rng.below(blocks + 4),
        };
        match rng.below(4) {
            0 => bad.meta_first = wild(&mut rng, sb.meta_first),
            1 => bad.meta_len = wild(&mut rng, sb.meta_len),
            2 => bad.block_count = wild(&mut rng, sb.block_count),
            _ => bad.generation = wild(&mut rng, sb.generation),
        }
        let mut disk = MemDisk::from_image(original.medium().to_vec());
        write_superblock(&mut disk, slot, &bad);
        if let Ok(mut store) = Store::mount(disk) {
            explore(&mut store);
        }
    }
    // Pointing at a chain that loops back on itself is caught.
    let mut disk = MemDisk::from_image(original.medium().to_vec());
    let (chain, _) = read_chain(&disk, &sb);
    let first = chain[0];
    disk.medium_mut()[first * BLOCK..first * BLOCK + 8].copy_from_slice(&(first as u64).to_le_bytes());
    let long = Superblock { meta_len: 3 * CHAIN_PAYLOAD as u64, ..sb };
    write_superblock(&mut disk, slot, &long);
    let start = block_sector(1 - slot) as usize * SECTOR;
    disk.medium_mut()[start..start + SECTOR].fill(0);
    assert!(matches!(Store::mount(disk).err(), Some(Error::Corrupt(_))));
}
