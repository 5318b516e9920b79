//! Storage, whole-system: the real storage service on the hosted block
//! device, booted by the root manager — files and settings across reboots
//! and power cuts, directory capabilities that cannot be escaped, a full
//! disk, bit rot, and a power cut after every disk write of a workload.

use std::sync::Arc;

use weft_app_support::storage::Storage;
use weft_block_hosted::HostDisk;
use weft_config_api::{ConfigProtocol, ConfigRequest, ConfigResponse, Value};
use weft_ipc::Namespace;
use weft_ipc::program::ProgramError;
use weft_rt::{Channel, Handle};
use weft_storage_api::{Dir, DirError, Kind, RoutedDir, StorageError, StorageProtocol};
use weft_storage_fs::format::sha256;
use weft_testing::graph::{Device, storage};
use weft_testing::{Graph, GraphOptions, Probe, Service, WAIT};

/// A program inside the graph holding its storage capability.
struct App {
    dir: Dir,
    namespace: Namespace,
    /// The routed directory that reconnects, once made.
    routed: Option<RoutedDir>,
}

fn app() -> (Probe<App>, weft_kernel_hosted::ProgramClosure) {
    Probe::new(|startup| {
        let namespace = startup.namespace().clone();
        let dir = Dir::new(namespace.connect::<StorageProtocol>()?.into_channel());
        Ok::<_, ProgramError>(App { dir, namespace, routed: None })
    })
}

/// The block device, the storage service and config on `disk`, the
/// harness with the documents directory and config's `write` grant, and
/// two apps (`alpha`, `beta`) with their own directories.
fn boot(disk: &Arc<HostDisk>, app_quota_mib: &str) -> (Graph, Probe<App>, Probe<App>, Probe<App>) {
    let (alpha, alpha_program) = app();
    let (beta, beta_program) = app();
    let (user, user_program) = app();
    let mut options = GraphOptions::default()
        .services(storage(disk.clone() as Device, &[("app-quota-mib", app_quota_mib)]))
        .services([
            Service::new("config", "config")
                .exposes("weft.config")
                .uses("weft.storage", &["dir:config"])
                .arg("default.appearance.theme", "text:light"),
            Service::new("alpha", "alpha").uses("weft.storage", &[]),
            Service::new("beta", "beta").uses("weft.storage", &[]),
            Service::new("files", "user")
                .uses("weft.storage", &["dir:documents"])
                .uses("weft.config", &["write"]),
        ])
        .harness_uses("weft.config", &["write"]);
    options.programs.push(("alpha".into(), alpha_program));
    options.programs.push(("beta".into(), beta_program));
    options.programs.push(("user".into(), user_program));
    let graph = options.boot().expect("the graph boots");
    for probe in ["alpha", "beta", "files"] {
        assert!(graph.wait_for_log(&format!("probe {probe} ready"), WAIT), "{probe} did not start");
    }
    (graph, alpha, beta, user)
}

fn theme(graph: &Graph) -> Option<Value> {
    graph.harness(|harness| {
        match harness.call::<ConfigProtocol>(&ConfigRequest::Get { key: "appearance.theme".into() }) {
            Ok(ConfigResponse::Value(value)) => value,
            other => panic!("config answered {other:?}"),
        }
    })
}

fn refused(result: Result<impl std::fmt::Debug, DirError>) -> StorageError {
    match result {
        Err(DirError::Storage(error)) => error,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn files_and_settings_survive_a_reboot_and_a_power_cut() {
    let disk = HostDisk::memory(16 << 20);
    {
        let (graph, _alpha, _beta, user) = boot(&disk, "64");
        assert!(graph.wait_for_log("storage: formatted a new store", WAIT));
        user.run(|app| {
            app.dir.create_dir("letters").unwrap();
            app.dir.write("letters/hello.txt", b"Dear reader,\n").unwrap();
            let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
            app.dir.replace("big.bin", &big).unwrap();
            let config = app.namespace.connect::<ConfigProtocol>().unwrap();
            let set =
                ConfigRequest::Set { key: "appearance.theme".into(), value: Value::Text("dark".into()) };
            assert_eq!(config.call(&set).unwrap(), ConfigResponse::Ok);
            app.dir.sync().unwrap();
        });
        assert_eq!(theme(&graph), Some(Value::Text("dark".into())));
        // The power goes: nothing written after this reaches the disk.
        disk.cut_power_after(Some(0));
        user.run(|app| {
            // Data blocks are written as the request is served: the writer
            // hears at once that its file did not make it.
            let refused = app.dir.write("after-the-cut.txt", b"lost");
            assert!(matches!(refused, Err(DirError::Storage(StorageError::Device(_)))), "{refused:?}");
            let refused = app.dir.sync();
            assert!(refused.is_ok() || matches!(refused, Err(DirError::Storage(StorageError::Device(_)))));
        });
    }
    disk.cut_power_after(None);
    let (graph, _alpha, _beta, user) = boot(&disk, "64");
    assert!(graph.wait_for_log("storage: mounted memory-disk", WAIT));
    assert_eq!(theme(&graph), Some(Value::Text("dark".into())), "the theme did not survive the reboot");
    user.run(|app| {
        assert_eq!(app.dir.read("letters/hello.txt").unwrap(), b"Dear reader,\n");
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(app.dir.read("big.bin").unwrap(), big);
        assert_eq!(refused(app.dir.stat("after-the-cut.txt")), StorageError::NotFound);
        let names: Vec<String> = app.dir.list("").unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["big.bin", "letters"]);
    });
}

#[test]
fn an_app_reaches_only_its_own_directory() {
    let disk = HostDisk::memory(16 << 20);
    let (_graph, alpha, beta, user) = boot(&disk, "64");
    alpha.run(|app| {
        app.dir.write("secret", b"alpha's").unwrap();
        assert_eq!(app.dir.space().unwrap().scope, "app-alpha");
    });
    beta.run(|app| {
        assert_eq!(app.dir.list("").unwrap(), []);
        for path in ["../app-alpha/secret", "/app-alpha/secret", "./secret", "a//b", "app-alpha/../secret"] {
            assert_eq!(refused(app.dir.read(path)), StorageError::InvalidPath, "{path}");
        }
        assert_eq!(refused(app.dir.write(&"n".repeat(256), b"x")), StorageError::InvalidPath);
        assert_eq!(refused(app.dir.open("..", false)), StorageError::InvalidPath);
        assert_eq!(refused(app.dir.blobs()), StorageError::NoBlobAccess);
        assert_eq!(refused(app.dir.remove("")), StorageError::InvalidPath);
    });
    user.run(|app| {
        // The documents directory is all the user's files see.
        assert_eq!(refused(app.dir.read("app-alpha/secret")), StorageError::NotFound);
        app.dir.create_dir_all("shared/photos").unwrap();
        app.dir.write("shared/photos/cat.txt", b"meow").unwrap();
        // A narrowed, read-only capability: reads, refuses changes, and
        // cannot widen itself again.
        let shared = app.dir.open("shared", true).unwrap();
        assert_eq!(shared.read("photos/cat.txt").unwrap(), b"meow");
        assert_eq!(refused(shared.write("photos/dog.txt", b"woof")), StorageError::ReadOnly);
        assert_eq!(refused(shared.remove("photos/cat.txt")), StorageError::ReadOnly);
        assert_eq!(refused(shared.rename("photos", "pictures")), StorageError::ReadOnly);
        let photos = shared.open("photos", false).unwrap();
        assert_eq!(refused(photos.create_dir("new")), StorageError::ReadOnly);
        assert_eq!(refused(shared.read("../secret")), StorageError::InvalidPath);
        assert_eq!(shared.stat("").unwrap().kind, Kind::Dir);
        // A handle value that is not one of ours reaches nothing.
        let forged = Dir::new(Channel::from_handle(Handle::from_raw(0x7fff_fff1)));
        assert!(matches!(forged.read("photos/cat.txt"), Err(DirError::Ipc(_))));
    });
}

#[test]
fn a_full_disk_and_a_full_quota_refuse_writes_and_keep_what_is_there() {
    // 1 MiB: 256 blocks of 4 KiB.
    let disk = HostDisk::memory(1 << 20);
    let (graph, alpha, _beta, user) = boot(&disk, "0");
    alpha.run(|app| {
        assert_eq!(refused(app.dir.write("x", &[1; 4096])), StorageError::QuotaExceeded);
    });
    let kept: Vec<u8> = (0..30_000u32).map(|i| (i * 7) as u8).collect();
    let written = user.run(move |app| {
        app.dir.write("keep.bin", &kept).unwrap();
        let mut written = 0;
        let error = loop {
            match app.dir.write(&format!("fill-{written}"), &[0xab; 32 * 1024]) {
                Ok(()) => written += 1,
                Err(error) => break error,
            }
            assert!(written < 100, "a 1 MiB disk took 3 MiB");
        };
        assert_eq!(error, DirError::Storage(StorageError::NoSpace));
        assert_eq!(app.dir.read("keep.bin").unwrap(), kept);
        app.dir.sync().unwrap();
        // Freeing space makes room again.
        app.dir.remove("fill-0").unwrap();
        app.dir.write("after", b"room again").unwrap();
        app.dir.sync().unwrap();
        written
    });
    assert!(written > 10, "only {written} files fit");
    assert!(graph.hosted().processes().iter().any(|p| p.name() == "storage"), "the storage service died");
}

#[test]
fn bit_rot_is_reported_never_served() {
    let disk = HostDisk::memory(4 << 20);
    let marker = b"precious words that must not change ".repeat(100);
    {
        let (_graph, _alpha, _beta, user) = boot(&disk, "64");
        let bytes = marker.clone();
        user.run(move |app| {
            app.dir.write("precious.txt", &bytes).unwrap();
            app.dir.sync().unwrap();
        });
    }
    let image = disk.contents();
    let at = image.windows(marker.len()).position(|w| w == marker).expect("the file's data is on the disk");
    disk.flip((at + 1000) as u64, 0x10);
    {
        let (_graph, _alpha, _beta, user) = boot(&disk, "64");
        user.run(|app| {
            let read = app.dir.read("precious.txt");
            assert!(matches!(read, Err(DirError::Storage(StorageError::Corrupt(_)))), "{read:?}");
            // The rest of the store is still served.
            assert_eq!(app.dir.list("").unwrap().len(), 1);
        });
    }
    // A check of the whole store (`fsck`) finds it too.
    let (_graph, admin) = boot_store(&disk);
    let checked = admin.run(|app| app.dir.check());
    assert!(matches!(checked, Err(DirError::Storage(StorageError::Corrupt(_)))), "{checked:?}");
}

/// Everything below the top of the store: paths, and files' bytes.
fn tree(dir: &Dir) -> Vec<(String, Option<Vec<u8>>)> {
    let mut seen = Vec::new();
    let mut pending = vec![String::new()];
    while let Some(path) = pending.pop() {
        for entry in dir.list(&path).unwrap() {
            let child = if path.is_empty() { entry.name.clone() } else { format!("{path}/{}", entry.name) };
            match entry.kind {
                Kind::Dir => {
                    seen.push((child.clone(), None));
                    pending.push(child);
                }
                Kind::File => seen.push((child.clone(), Some(dir.read(&child).unwrap()))),
            }
        }
    }
    seen.sort();
    seen
}

/// The workload of the power-cut test: each step then `Sync`.
fn workload_step(dir: &Dir, step: usize) -> Result<(), DirError> {
    match step {
        0 => dir.create_dir("documents"),
        1 => dir.write("documents/letter.txt", &[b'a'; 10_000]),
        2 => dir.replace("documents/big.bin", &[b'b'; 100_000]),
        3 => dir.rename("documents/letter.txt", "documents/sent.txt"),
        4 => dir.put_blob(sha256(&[7; 50_000]), &[7; 50_000]),
        5 => dir.write("installed", b"root: blob 1"),
        6 => dir.remove("documents/sent.txt"),
        _ => dir.replace("documents/big.bin", &[b'c'; 40_000]),
    }?;
    dir.sync()
}

const WORKLOAD_STEPS: usize = 8;

/// The storage service alone on `disk`, with a probe holding the whole
/// store and the blob store.
fn boot_store(disk: &Arc<HostDisk>) -> (Graph, Probe<App>) {
    let (admin, program) = app();
    let mut options = GraphOptions::default()
        .services(storage(disk.clone() as Device, &[]))
        .services([Service::new("admin", "admin").uses("weft.storage", &["dir:", "blobs"])]);
    options.programs.push(("admin".into(), program));
    let graph = options.boot().expect("the graph boots");
    assert!(graph.wait_for_log("probe admin ready", WAIT));
    (graph, admin)
}

#[test]
fn a_power_cut_at_every_disk_write_leaves_the_old_or_the_new_state() {
    // The reference run: the state after each synced step, and how many
    // device requests the workload makes.
    let disk = HostDisk::memory(8 << 20);
    let (graph, admin) = boot_store(&disk);
    let start = disk.writes();
    let states = admin.run(|app| {
        let mut states = vec![tree(&app.dir)];
        for step in 0..WORKLOAD_STEPS {
            workload_step(&app.dir, step).unwrap();
            states.push(tree(&app.dir));
        }
        states
    });
    let requests = disk.writes() - start;
    drop(graph);
    assert!(requests > 30, "{requests} requests");

    for cut in 0..requests {
        let disk = HostDisk::memory(8 << 20);
        let done = {
            let (_graph, admin) = boot_store(&disk);
            disk.cut_power_after(Some(cut));
            admin.run(|app| {
                (0..WORKLOAD_STEPS).take_while(|&step| workload_step(&app.dir, step).is_ok()).count()
            })
        };
        disk.cut_power_after(None);
        let (_graph, admin) = boot_store(&disk);
        let seen = admin.run(|app| tree(&app.dir));
        let (old, new) = (&states[done], states.get(done + 1).unwrap_or(&states[done]));
        assert!(
            seen == *old || seen == *new,
            "cut after {cut} writes: a state that was never committed: {seen:?}"
        );
    }
    eprintln!("{requests} disk writes and flushes in the workload: a cut after each, every one old-or-new");
}

#[test]
fn a_crashed_storage_service_is_a_clear_error_and_loses_nothing_synced() {
    let disk = HostDisk::memory(8 << 20);
    {
        let (graph, admin) = boot_store(&disk);
        admin.run(|app| {
            app.dir.write("kept.txt", b"synced before the crash").unwrap();
            app.dir.sync().unwrap();
        });
        graph.kill("storage").unwrap();
        admin.run(|app| {
            let after = app.dir.read("kept.txt");
            assert!(matches!(after, Err(DirError::Ipc(_))), "{after:?}");
            assert!(app.dir.is_closed());
        });
    }
    let (_graph, admin) = boot_store(&disk);
    admin.run(|app| assert_eq!(app.dir.read("kept.txt").unwrap(), b"synced before the crash"));
}

#[test]
fn a_routed_directory_connects_again_after_the_storage_service_restarts() {
    let disk = HostDisk::memory(8 << 20);
    let (graph, admin) = boot_store(&disk);
    admin.run(|app| {
        let mut routed = RoutedDir::connect().expect("routed");
        Storage::write(&mut routed, "kept.txt", b"before the restart").unwrap();
        Storage::sync(&mut routed).unwrap();
        app.routed = Some(routed);
    });
    graph.kill("storage").unwrap();
    graph.start("storage").expect("the root manager starts it again");
    assert!(graph.wait_for_log("storage: mounted", WAIT));
    let read = admin.run(|app| {
        // The old capability ended with the service; this one connects again.
        assert!(app.dir.is_closed());
        Storage::read(app.routed.as_mut().unwrap(), "kept.txt")
    });
    assert_eq!(read.unwrap(), b"before the restart");
}
