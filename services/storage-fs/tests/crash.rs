//! Crash safety, model-based: random operations with commits in between,
//! the power cut at a random request (so inside operations and commits
//! too), every unflushed write kept, lost or torn at random; after the
//! remount the visible state must be exactly the last committed one.
//!
//! `WEFT_STORAGE_CRASH_CASES=N` runs N crash cases instead of the default;
//! `WEFT_STORAGE_CRASH_SEED=S` starts from another seed.

mod common;

use common::{Rng, State, disk, snapshot};
use weft_storage_fs::{CrashFate, Error, MemDisk, Store};

const DEFAULT_CASES: u64 = 2000;
const NAMES: [&str; 3] = ["a", "b", "c"];

fn random_path(rng: &mut Rng) -> String {
    let depth = match rng.below(20) {
        0..=9 => 1,
        10..=16 => 2,
        _ => 3,
    };
    (0..depth).map(|_| NAMES[rng.below(3) as usize]).collect::<Vec<_>>().join("/")
}

fn random_bytes(rng: &mut Rng, most: u64) -> Vec<u8> {
    let len = match rng.below(4) {
        0 => rng.below(10),
        1 => 4096 * (1 + rng.below(2)),
        _ => rng.below(3 * 4096),
    };
    rng.bytes(len.min(most) as usize)
}

/// The store's answer must be the model's, but for `NoSpace`, which the
/// model cannot predict and which must then change nothing.
fn agree(store: Result<(), Error>, model: &mut State, apply: impl FnOnce(&mut State) -> Result<(), Error>) {
    match store {
        Err(Error::NoSpace) => {}
        store => assert_eq!(store, apply(model)),
    }
}

/// What the cases went through, to check the test reaches what it should.
#[derive(Default, Debug)]
struct Tally {
    commits: u64,
    cut_in_commit: u64,
    interrupted_commit_durable: u64,
    interrupted_commit_lost: u64,
    cut_elsewhere: u64,
    no_space: u64,
    quota_exceeded: u64,
    transient: u64,
    other_errors: u64,
}

/// One crash case: operations from `committed` until the power goes (or
/// the case ends), then the crash and the remount. Returns the disk after
/// the crash and the state it must show.
fn case(
    rng: &mut Rng,
    disk: MemDisk,
    committed: State,
    now: &mut u64,
    tally: &mut Tally,
) -> (MemDisk, State) {
    let mut store = Store::mount(disk).expect("mount after crash");
    // The power goes at some point; before that, sometimes one request
    // fails and work goes on.
    let cut = rng.below(60);
    store.device_mut().cut_power_after(cut);
    if rng.chance(30) {
        store.device_mut().fail_after(rng.below(cut.max(1)), 1 + rng.below(2));
    }
    let mut model = committed.clone();
    let mut durable = vec![committed];
    let blobs: Vec<[u8; 32]> = model.blobs.keys().copied().collect();
    for _ in 0..5 + rng.below(40) {
        *now += 1;
        let result = match rng.below(20) {
            0..=5 => {
                let (path, bytes) = (random_path(rng), random_bytes(rng, u64::MAX));
                let result = store.write_file(&path, &bytes, *now);
                if !matches!(result, Err(Error::Device(_))) {
                    agree(result, &mut model, |m| m.write_file(&path, &bytes));
                }
                result
            }
            6 | 7 => {
                let (path, offset, bytes) = (random_path(rng), rng.below(9000), random_bytes(rng, 6000));
                let result = store.write_at(&path, offset, &bytes, *now);
                if !matches!(result, Err(Error::Device(_))) {
                    agree(result, &mut model, |m| m.write_at(&path, offset, &bytes));
                }
                result
            }
            8 | 9 => {
                let path = random_path(rng);
                let result = store.create_dir(&path, *now);
                if !matches!(result, Err(Error::Device(_))) {
                    agree(result, &mut model, |m| m.create_dir(&path));
                }
                result
            }
            10 | 11 => {
                let path = random_path(rng);
                let result = store.remove(&path);
                agree(result, &mut model, |m| m.remove(&path));
                result
            }
            12 | 13 => {
                let (from, to) = (random_path(rng), random_path(rng));
                let result = store.rename(&from, &to);
                agree(result, &mut model, |m| m.rename(&from, &to));
                result
            }
            14 | 15 => {
                let bytes = random_bytes(rng, u64::MAX);
                let result = store.put_blob(&bytes).map(|_| ());
                if result.is_ok() {
                    model.put_blob(&bytes);
                }
                result
            }
            16 if rng.chance(30) => {
                let scope = NAMES[rng.below(3) as usize];
                let limit =
                    [None, Some(0), Some(4096), Some(5 * 4096), Some(20 * 4096)][rng.below(5) as usize];
                let result = store.set_quota(scope, limit);
                if result.is_ok() {
                    model.set_quota(scope, limit);
                }
                result
            }
            16 => {
                let name = match blobs.len() {
                    0 => [7; 32],
                    n => blobs[rng.below(n as u64) as usize],
                };
                let result = store.remove_blob(&name);
                agree(result, &mut model, |m| m.remove_blob(&name));
                result
            }
            _ => {
                let result = store.commit();
                match result {
                    Ok(()) => {
                        tally.commits += 1;
                        durable = vec![model.clone()];
                    }
                    // Failed inside the commit: from now on this state may be
                    // the durable one as well as the previous ones.
                    Err(Error::Device(_)) => {
                        tally.cut_in_commit += 1;
                        durable.push(model.clone());
                    }
                    Err(error) => panic!("commit failed: {error:?}"),
                }
                result
            }
        };
        match result {
            Err(Error::Device(_)) if store.device().is_powered() => tally.transient += 1,
            Err(Error::Device(_)) => {
                tally.cut_elsewhere += u64::from(durable.len() == 1);
                break;
            }
            Err(Error::NoSpace) => tally.no_space += 1,
            Err(Error::QuotaExceeded) => tally.quota_exceeded += 1,
            Err(_) => tally.other_errors += 1,
            Ok(()) => {}
        }
    }
    // While the power is on, the live state is the model's and its
    // accounting is right.
    match store.scrub() {
        Ok(()) => assert_eq!(snapshot(&mut store), model, "the live state differs from the model"),
        Err(Error::Device(_)) => {}
        Err(error) => panic!("scrub of the live store: {error:?}"),
    }
    let mut disk = store.into_device();
    match rng.below(4) {
        0 => disk.crash(|_| CrashFate::Kept),
        1 => disk.crash(|_| CrashFate::Lost),
        _ => disk.crash_seeded(rng.next()),
    }
    let mut store = Store::mount(disk).expect("mount after crash");
    let seen = snapshot(&mut store);
    assert!(durable.contains(&seen), "after the crash the store shows a state that was never committed");
    if durable.len() >= 2 && durable[0] != durable[1] {
        if seen != durable[0] {
            tally.interrupted_commit_durable += 1;
        } else {
            tally.interrupted_commit_lost += 1;
        }
    }
    store.scrub().expect("every block the committed state reaches is intact");
    (store.into_device(), seen)
}

#[test]
fn a_crash_at_any_point_leaves_exactly_the_last_committed_state() {
    let cases =
        std::env::var("WEFT_STORAGE_CRASH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES);
    let seed = std::env::var("WEFT_STORAGE_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5EED);
    let mut rng = Rng::new(seed);
    let mut now = 1_000;
    let mut device = Store::format(disk(96), now).unwrap().into_device();
    let mut committed = State::default();
    let mut tally = Tally::default();
    for i in 0..cases {
        (device, committed) = case(&mut rng, device, committed, &mut now, &mut tally);
        // Now and then start over on a fresh disk, so that both nearly
        // empty and crowded stores crash.
        if i % 50 == 49 {
            device = Store::format(disk(96), now).unwrap().into_device();
            committed = State::default();
        }
    }
    eprintln!("{cases} crash cases: {tally:?}");
    if cases >= DEFAULT_CASES {
        // The cases must reach what they are for.
        assert!(tally.commits > cases);
        assert!(tally.interrupted_commit_durable > 0 && tally.interrupted_commit_lost > 0);
        // Data writes go to the device in runs of up to 8 blocks, so fewer
        // requests (and cuts) fall outside commits than blocks written.
        assert!(tally.cut_elsewhere > cases / 20);
        assert!(tally.no_space > 0 && tally.quota_exceeded > 0 && tally.transient > cases / 20);
        assert!(tally.other_errors > cases);
    }
}

/// A commit whose last flush fails may still land later (the superblock
/// sits in the device's cache). Until that is ruled out, nothing that
/// state reaches may be reused, or its files would read back corrupt.
#[test]
fn a_failed_commit_that_lands_anyway_is_intact() {
    let mut store = Store::format(disk(16), 0).unwrap();
    // Blocks 3..=12 data, 13 metadata: "b" then falls on the last block and
    // the failing commit's metadata wraps round to block 2.
    store.write_file("a", &[1; 10 * 4096], 1).unwrap();
    store.commit().unwrap();
    store.write_file("pad", &[2; 4096], 2).unwrap();
    store.write_file("b", &[3; 4096], 2).unwrap();
    let failed_state = snapshot(&mut store);
    // Chain write, flush, superblock write, then the final flush fails and
    // so does the store's attempt to wipe that superblock.
    store.device_mut().fail_after(3, 2);
    assert!(matches!(store.commit(), Err(Error::Device(_))));
    // Work goes on: "b" goes away and its block would be the next free one.
    store.remove("b").unwrap();
    let _ = store.write_file("c", &[4; 4096], 3);
    let mut disk = store.into_device();
    disk.crash(|_| CrashFate::Kept);
    let mut store = Store::mount(disk).unwrap();
    assert_eq!(store.generation(), 2, "the failed commit landed");
    assert_eq!(snapshot(&mut store), failed_state);
    store.scrub().unwrap();
}

/// If wiping the uncertain superblock works, the failed commit is simply
/// lost, and its blocks are free again at once.
#[test]
fn a_failed_commit_is_wiped_when_the_device_recovers() {
    let mut store = Store::format(disk(16), 0).unwrap();
    store.write_file("a", b"a", 1).unwrap();
    store.commit().unwrap();
    let committed = snapshot(&mut store);
    store.write_file("b", b"b", 2).unwrap();
    let free = store.space().free_blocks;
    store.device_mut().fail_after(3, 1);
    assert!(matches!(store.commit(), Err(Error::Device(_))));
    assert_eq!(store.space().free_blocks, free, "nothing stays pinned");
    let mut disk = store.into_device();
    disk.crash(|_| CrashFate::Kept);
    let mut store = Store::mount(disk).unwrap();
    assert_eq!(store.generation(), 1);
    assert_eq!(snapshot(&mut store), committed);
}

/// A full disk, and then a commit fails in its last step: the retry must
/// not run out of space because of what the failure pinned.
#[test]
fn a_failed_commit_on_a_full_disk_can_be_retried() {
    let mut store = Store::format(disk(16), 0).unwrap();
    let mut i = 0;
    while store.write_file(&format!("f{i}"), &[i as u8; 4096], 1).is_ok() {
        i += 1;
    }
    let full = snapshot(&mut store);
    store.device_mut().fail_after(3, 2);
    assert!(matches!(store.commit(), Err(Error::Device(_))));
    store.commit().unwrap();
    let mut store = Store::mount(store.into_device()).unwrap();
    assert_eq!(snapshot(&mut store), full);
    store.scrub().unwrap();
}
