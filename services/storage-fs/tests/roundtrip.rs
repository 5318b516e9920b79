//! Files, directories, renames, removals, listings, blobs and quotas, read
//! back before and after a remount; and the path rules.

mod common;

use common::{Item, Rng, State, disk, sha256, snapshot};
use weft_storage_fs::{Entry, Error, Kind, MAX_NAME, MAX_PATH, MemDisk, Store};

fn remount(store: Store<MemDisk>) -> Store<MemDisk> {
    Store::mount(store.into_device()).unwrap()
}

#[test]
fn files_and_directories_round_trip_and_survive_a_remount() {
    let mut store = Store::format(disk(256), 1_000).unwrap();
    store.create_dir("docs", 1_001).unwrap();
    store.create_dir("docs/notes", 1_002).unwrap();
    let big = Rng::new(1).bytes(3 * 4096 + 17);
    store.write_file("docs/big.bin", &big, 1_003).unwrap();
    store.write_file("docs/notes/empty", b"", 1_004).unwrap();
    store.write_file("readme", b"hello", 1_005).unwrap();

    assert_eq!(store.read_file("docs/big.bin").unwrap(), big);
    assert_eq!(store.read_file("docs/notes/empty").unwrap(), b"");
    assert_eq!(store.read_at("docs/big.bin", 4090, 10).unwrap(), big[4090..4100]);
    assert_eq!(store.read_at("readme", 3, 100).unwrap(), b"lo");
    assert_eq!(store.read_at("readme", 99, 1).unwrap(), b"");
    assert_eq!(
        store.list("").unwrap(),
        vec![
            Entry { name: "docs".into(), kind: Kind::Dir, size: 2, modified: 1_001 },
            Entry { name: "readme".into(), kind: Kind::File, size: 5, modified: 1_005 },
        ]
    );
    assert_eq!(store.stat("docs/big.bin").unwrap().size, big.len() as u64);
    assert_eq!(
        store.stat("").unwrap(),
        Entry { name: String::new(), kind: Kind::Dir, size: 2, modified: 1_000 }
    );

    // Replace, rename (over a file too), remove.
    store.write_file("readme", b"hello again", 1_010).unwrap();
    store.rename("docs/notes", "notes").unwrap();
    store.write_file("other", b"other", 1_011).unwrap();
    store.rename("other", "readme").unwrap();
    store.remove("notes/empty").unwrap();
    store.remove("notes").unwrap();
    assert_eq!(store.read_file("readme").unwrap(), b"other");
    assert_eq!(store.stat("other"), Err(Error::NotFound));

    store.commit().unwrap();
    let before = snapshot(&mut store);
    let mut store = remount(store);
    assert_eq!(snapshot(&mut store), before);
    assert_eq!(store.stat("readme").unwrap().modified, 1_011);
    store.scrub().unwrap();
}

#[test]
fn uncommitted_changes_are_visible_but_not_durable() {
    let mut store = Store::format(disk(64), 0).unwrap();
    store.write_file("kept", b"kept", 1).unwrap();
    store.commit().unwrap();
    store.write_file("lost", b"lost", 2).unwrap();
    store.write_file("kept", b"changed", 2).unwrap();
    assert_eq!(store.read_file("lost").unwrap(), b"lost");
    let mut store = remount(store);
    assert_eq!(store.read_file("kept").unwrap(), b"kept");
    assert_eq!(store.read_file("lost"), Err(Error::NotFound));
}

#[test]
fn write_at_rewrites_only_what_it_covers() {
    let mut store = Store::format(disk(128), 0).unwrap();
    let mut model = State::default();
    let mut rng = Rng::new(7);
    let first = rng.bytes(2 * 4096 + 100);
    store.write_file("f", &first, 1).unwrap();
    model.write_file("f", &first).unwrap();
    // Inside a block, across a boundary, at the end, past the end (a gap
    // of zeros), and into a fresh block far out.
    for (offset, len) in [(10, 20), (4090, 12), (8292, 50), (20_000, 10), (5, 0), (0, 4096), (40_000, 9000)] {
        let bytes = rng.bytes(len);
        store.write_at("f", offset, &bytes, 2).unwrap();
        model.write_at("f", offset, &bytes).unwrap();
        assert_eq!(Item::File(store.read_file("f").unwrap()), model.entries["f"]);
    }
    store.commit().unwrap();
    let mut store = remount(store);
    assert_eq!(snapshot(&mut store), model);
    store.scrub().unwrap();
    assert_eq!(store.write_at("missing", 0, b"x", 3), Err(Error::NotFound));
    store.create_dir("d", 3).unwrap();
    assert_eq!(store.write_at("d", 0, b"x", 3), Err(Error::IsADirectory));
}

#[test]
fn namespace_errors_are_typed() {
    let mut store = Store::format(disk(64), 0).unwrap();
    store.create_dir("d", 0).unwrap();
    store.create_dir("d/e", 0).unwrap();
    store.write_file("f", b"x", 0).unwrap();
    assert_eq!(store.create_dir("d", 0), Err(Error::AlreadyExists));
    assert_eq!(store.create_dir("x/y", 0), Err(Error::NotFound));
    assert_eq!(store.create_dir("f/y", 0), Err(Error::NotADirectory));
    assert_eq!(store.write_file("d", b"", 0), Err(Error::IsADirectory));
    assert_eq!(store.read_file("d"), Err(Error::IsADirectory));
    assert_eq!(store.list("f"), Err(Error::NotADirectory));
    assert_eq!(store.remove("d"), Err(Error::NotEmpty));
    assert_eq!(store.remove("nothing"), Err(Error::NotFound));
    assert_eq!(store.rename("d", "d/e/inside"), Err(Error::IntoItself));
    assert_eq!(store.rename("d", "d/x"), Err(Error::IntoItself));
    assert_eq!(store.rename("d", "f"), Err(Error::AlreadyExists));
    assert_eq!(store.rename("f", "d/e"), Err(Error::AlreadyExists));
    assert_eq!(store.rename("nothing", "x"), Err(Error::NotFound));
    assert_eq!(store.rename("f", "nothing/x"), Err(Error::NotFound));
    store.rename("d", "d").unwrap();
    // A directory moves with everything below it.
    store.write_file("d/e/g", b"deep", 0).unwrap();
    store.rename("d", "moved").unwrap();
    assert_eq!(store.read_file("moved/e/g").unwrap(), b"deep");
    assert_eq!(store.stat("d"), Err(Error::NotFound));
}

#[test]
fn blobs_are_named_by_content_and_deduplicated() {
    let mut store = Store::format(disk(128), 0).unwrap();
    let payload = Rng::new(3).bytes(10_000);
    let name = store.put_blob(&payload).unwrap();
    assert_eq!(name, sha256(&payload));
    let free = store.space().free_blocks;
    assert_eq!(store.put_blob(&payload).unwrap(), name);
    assert_eq!(store.space().free_blocks, free, "a second put stores nothing");
    let empty = store.put_blob(b"").unwrap();
    assert_eq!(store.get_blob(&empty).unwrap(), b"");
    assert_eq!(store.get_blob(&name).unwrap(), payload);
    assert_eq!(store.list_blobs().len(), 2);
    store.commit().unwrap();
    let mut store = remount(store);
    assert_eq!(store.get_blob(&name).unwrap(), payload);
    store.remove_blob(&empty).unwrap();
    assert_eq!(store.remove_blob(&empty), Err(Error::NotFound));
    assert_eq!(store.get_blob(&[0; 32]), Err(Error::NotFound));
    store.commit().unwrap();
    let store = remount(store);
    assert_eq!(store.list_blobs().iter().map(|b| b.name).collect::<Vec<_>>(), vec![name]);
    assert!(store.has_blob(&name));
}

#[test]
fn quotas_limit_growth_per_top_level_name() {
    let mut store = Store::format(disk(128), 0).unwrap();
    store.create_dir("apps", 0).unwrap();
    store.create_dir("home", 0).unwrap();
    store.set_quota("apps", Some(3 * 4096)).unwrap();
    store.write_file("apps/a", &[1; 8192], 0).unwrap();
    assert_eq!(store.usage("apps"), 8192);
    assert_eq!(store.write_file("apps/b", &[1; 8192], 0), Err(Error::QuotaExceeded));
    assert_eq!(store.write_at("apps/a", 8192, &[2; 4097], 0), Err(Error::QuotaExceeded));
    store.write_file("apps/b", &[1; 4096], 0).unwrap();
    // Moving data into the scope counts; replacing within it does not grow it.
    store.write_file("home/big", &[3; 4096], 0).unwrap();
    assert_eq!(store.rename("home/big", "apps/big"), Err(Error::QuotaExceeded));
    store.rename("home/big", "apps/b").unwrap();
    assert_eq!(store.usage("apps"), 3 * 4096);
    assert_eq!(store.usage("home"), 0);
    store.commit().unwrap();
    let mut store = remount(store);
    assert_eq!(store.quota("apps"), Some(3 * 4096));
    assert_eq!(store.usage("apps"), 3 * 4096);
    store.set_quota("apps", None).unwrap();
    store.write_file("apps/c", &[1; 8192], 0).unwrap();
    store.scrub().unwrap();
}

/// Each bad path is refused by every operation, and nothing is created.
#[test]
fn bad_paths_are_refused_and_change_nothing() {
    let long_name = "n".repeat(MAX_NAME + 1);
    let long_path = ["p"; MAX_PATH / 2 + 1].join("/");
    assert!(long_path.len() > MAX_PATH);
    let bad = [
        "/",
        "/a",
        "a/",
        "a//b",
        ".",
        "..",
        "a/.",
        "a/../b",
        "./a",
        "a\0b",
        "\0",
        long_name.as_str(),
        long_path.as_str(),
    ];
    let mut store = Store::format(disk(64), 0).unwrap();
    store.create_dir("a", 0).unwrap();
    store.write_file("f", b"x", 0).unwrap();
    let before = snapshot(&mut store);
    let counts = store.device().counts();
    for path in bad {
        let what = format!("{path:?}");
        assert_eq!(store.create_dir(path, 0), Err(Error::InvalidPath), "create_dir {what}");
        assert_eq!(store.write_file(path, b"x", 0), Err(Error::InvalidPath), "write_file {what}");
        assert_eq!(store.write_at(path, 0, b"x", 0), Err(Error::InvalidPath), "write_at {what}");
        assert_eq!(store.read_file(path), Err(Error::InvalidPath), "read_file {what}");
        assert_eq!(store.read_at(path, 0, 1), Err(Error::InvalidPath), "read_at {what}");
        assert_eq!(store.remove(path), Err(Error::InvalidPath), "remove {what}");
        assert_eq!(store.rename(path, "z"), Err(Error::InvalidPath), "rename from {what}");
        assert_eq!(store.rename("f", path), Err(Error::InvalidPath), "rename to {what}");
        assert_eq!(store.stat(path), Err(Error::InvalidPath), "stat {what}");
        assert_eq!(store.list(path), Err(Error::InvalidPath), "list {what}");
    }
    // The root can be looked at, never created, written, moved or removed.
    assert_eq!(store.create_dir("", 0), Err(Error::InvalidPath));
    assert_eq!(store.write_file("", b"", 0), Err(Error::InvalidPath));
    assert_eq!(store.remove(""), Err(Error::InvalidPath));
    assert_eq!(store.rename("", "x"), Err(Error::InvalidPath));
    assert_eq!(store.set_quota("a/b", Some(1)), Err(Error::InvalidPath));
    assert_eq!(snapshot(&mut store), before);
    assert_eq!(store.device().counts(), counts, "nothing was written");
    store.commit().unwrap();
    let mut store = remount(store);
    assert_eq!(snapshot(&mut store), before);
}

#[test]
fn the_longest_name_and_path_are_accepted() {
    let mut store = Store::format(disk(64), 0).unwrap();
    // 15 names of 255 bytes, one of 254 and the slashes: 4094 bytes, so
    // `/x` reaches MAX_PATH exactly and `/xy` passes it.
    let mut path = String::new();
    for i in 0..16 {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(&"n".repeat(if i == 15 { MAX_NAME - 1 } else { MAX_NAME }));
        store.create_dir(&path, 0).unwrap();
    }
    assert_eq!(path.len() + 2, MAX_PATH);
    assert_eq!(store.write_file(&format!("{path}/xy"), b"", 0), Err(Error::InvalidPath));
    store.write_file(&format!("{path}/x"), b"deep", 0).unwrap();
    store.commit().unwrap();
    let mut store = remount(store);
    assert_eq!(store.read_file(&format!("{path}/x")).unwrap(), b"deep");
}
