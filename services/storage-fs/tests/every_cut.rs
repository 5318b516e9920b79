//! The power cut at *every* device request of one workload — create,
//! write, overwrite in place, rename, delete, install-like blob writes,
//! each followed by a commit — and for each cut three fates of the
//! unflushed writes (all kept, all lost, torn at random). After each, the
//! store mounts, passes `scrub`, and shows exactly the state before or
//! after the commit that was in flight: never a mix.

mod common;

use common::{State, disk, snapshot};
use weft_storage_fs::{CrashFate, MemDisk, Store};

/// One step of the workload, then a commit.
type Step = fn(&mut Store<MemDisk>) -> Result<(), weft_storage_fs::Error>;

fn steps() -> Vec<Step> {
    vec![
        |s| s.create_dir("documents", 1),
        |s| s.write_file("documents/letter.txt", &[b'a'; 10_000], 2),
        |s| s.write_at("documents/letter.txt", 4000, &[b'b'; 5000], 3),
        |s| s.rename("documents/letter.txt", "documents/sent.txt"),
        |s| s.put_blob(&[7; 40_000]).map(|_| ()),
        |s| s.write_file("installed", b"root: blob 1", 4),
        |s| s.remove("documents/sent.txt"),
        |s| s.put_blob(&[9; 20_000]).map(|_| ()),
        |s| s.write_file("installed", b"root: blob 2", 5),
        |s| s.create_dir("photos", 6),
        |s| s.write_file("photos/cat.raw", &[3; 100_000], 7),
        |s| s.write_file("photos/dog.raw", &[4; 30_000], 8),
        |s| s.write_file("photos/cat.raw", &[5; 50_000], 9),
        |s| s.rename("photos", "documents/photos"),
        |s| s.write_at("documents/photos/dog.raw", 30_000, &[6; 12_000], 10),
        |s| s.remove("documents/photos/cat.raw"),
        |s| s.set_quota("documents", Some(1 << 20)),
        |s| s.remove_blob(&weft_storage_fs::format::sha256(&[7; 40_000])),
    ]
}

/// The committed state after each step (index 0: freshly formatted), and
/// the device requests the whole run makes.
fn reference() -> (Vec<State>, u64) {
    let mut store = Store::format(disk(128), 0).unwrap();
    let formatting = requests(&store);
    let mut states = vec![snapshot(&mut store)];
    for step in steps() {
        step(&mut store).unwrap();
        store.commit().unwrap();
        states.push(snapshot(&mut store));
    }
    let total = requests(&store) - formatting;
    (states, total)
}

/// Writes and flushes the store's device has served.
fn requests(store: &Store<MemDisk>) -> u64 {
    let (writes, flushes) = store.device().counts();
    writes + flushes
}

#[test]
fn a_cut_at_every_request_leaves_the_old_or_the_new_state() {
    let (states, requests) = reference();
    let mut cases = 0;
    for cut in 0..requests {
        for fate in 0..3u64 {
            let mut store = Store::format(disk(128), 0).unwrap();
            store.device_mut().cut_power_after(cut);
            // Run until the power goes; `done` counts the commits that
            // returned.
            let mut done = 0;
            for step in steps() {
                if step(&mut store).and_then(|()| store.commit()).is_err() {
                    break;
                }
                done += 1;
            }
            let mut device = store.into_device();
            match fate {
                0 => device.crash(|_| CrashFate::Kept),
                1 => device.crash(|_| CrashFate::Lost),
                _ => device.crash_seeded(cut * 7 + 1),
            }
            let mut mounted = Store::mount(device).unwrap_or_else(|e| panic!("cut {cut}, fate {fate}: {e}"));
            mounted.scrub().unwrap_or_else(|e| panic!("cut {cut}, fate {fate}: scrub: {e}"));
            let seen = snapshot(&mut mounted);
            let old = &states[done];
            let new = states.get(done + 1).unwrap_or(old);
            assert!(seen == *old || seen == *new, "cut {cut}, fate {fate}: a state that was never committed");
            cases += 1;
        }
    }
    eprintln!("{requests} device requests in the workload; {cases} cut cases, all old-or-new");
    assert!(requests > 80, "the workload is too small to mean much");
}
