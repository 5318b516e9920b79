//! `weft-bench storage`: the storage service on a disk-image file, next to
//! the same kind of file written and read directly (the raw device).

use std::any::Any;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use weft_block_api::{BlockRequest, BlockResponse, MAX_TRANSFER};
use weft_block_hosted::{DEVICE_CAPABILITY, HostDisk};
use weft_board_hosted::{BootOptions, System, bundle_for, default_bundle};
use weft_ipc::program::run_with;
use weft_kernel_hosted::Hosted;
use weft_manifest::{Manifest, Restart, Use};
use weft_programs::storage_bench::measure;
use weft_storage_api::Dir;

const MIB: u64 = 1 << 20;
/// The disk images: room for the file and the store's metadata.
const DISK: u64 = 256 * MIB;

fn ns(nanos: u64) -> Duration {
    Duration::from_nanos(nanos)
}

fn rate(bytes: u64, time: Duration) -> f64 {
    bytes as f64 / MIB as f64 / time.as_secs_f64()
}

/// The raw device: sequential writes of `bytes` in the largest transfers
/// `weft.block` allows, a flush, then reads.
fn raw(disk: &HostDisk, bytes: u64) -> (Duration, Duration) {
    let chunk = u64::from(MAX_TRANSFER);
    let data = vec![0x5a; chunk as usize];
    let start = Instant::now();
    for i in 0..bytes / chunk {
        let answer = disk.answer(BlockRequest::Write { sector: i * chunk / 512, data: data.clone() });
        assert_eq!(answer, BlockResponse::Done);
    }
    assert_eq!(disk.answer(BlockRequest::Flush), BlockResponse::Done);
    let write = start.elapsed();
    let start = Instant::now();
    for i in 0..bytes / chunk {
        let answer = disk.answer(BlockRequest::Read { sector: i * chunk / 512, count: (chunk / 512) as u32 });
        assert!(matches!(answer, BlockResponse::Data(_)));
    }
    (write, start.elapsed())
}

pub fn bench(bytes: u64, files: u32) {
    let folder = std::env::temp_dir().join(format!("weft-bench-storage-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("temp folder");
    println!(
        "storage: {} MiB sequential write (synced) and read, {files} files of 1 KiB created (synced); \
         disk images in {}",
        bytes / MIB,
        folder.display()
    );

    let raw_disk = HostDisk::file(&folder.join("raw.img"), DISK).expect("raw disk");
    let (raw_write, raw_read) = raw(&raw_disk, bytes);
    drop(raw_disk);

    let store_disk = HostDisk::file(&folder.join("store.img"), DISK).expect("store disk");
    let hosted = Hosted::new();
    let (sender, figures) = mpsc::channel();
    hosted.register_closure(
        "bench-storage",
        Arc::new(move |bootstrap| {
            let sender = sender.clone();
            run_with(bootstrap, move |_startup| {
                let dir = Dir::connect().map_err(|e| format!("{e}"))?;
                let figures = measure(&dir, bytes, files).map_err(|e| format!("{e}"))?;
                let _ = sender.send(figures);
                Ok(())
            })
        }),
    );
    let system_manifests = default_bundle().services;
    let mut manifests: Vec<Manifest> =
        system_manifests.into_iter().filter(|m| m.name == "block-hosted" || m.name == "storage").collect();
    manifests.push(Manifest {
        name: "bench".into(),
        program: "bench-storage".into(),
        restart: Restart::Never,
        uses: vec![Use {
            protocol: "weft.storage".into(),
            grants: vec!["dir:bench".into()],
            ..Use::default()
        }],
        ..Manifest::default()
    });
    let devices = vec![(DEVICE_CAPABILITY.to_string(), store_disk as Arc<dyn Any + Send + Sync>)];
    let system =
        System::boot_on(hosted, BootOptions { bundle: bundle_for("bench", manifests), echo: false, devices })
            .expect("boot");
    let figures = figures.recv_timeout(Duration::from_secs(600)).expect("the benchmark program finished");
    system.shutdown();
    let _ = std::fs::remove_dir_all(&folder);

    let (mb, raw_w, raw_r) = (bytes, rate(bytes, raw_write), rate(bytes, raw_read));
    let (store_w, store_r) = (rate(mb, ns(figures.write_ns)), rate(mb, ns(figures.read_ns)));
    println!("  {:<44} {raw_w:>9.1} MiB/s", "raw device, sequential write + flush");
    println!(
        "  {:<44} {store_w:>9.1} MiB/s  ({:.2}× raw)",
        "storage service, sequential write + sync",
        store_w / raw_w
    );
    println!("  {:<44} {raw_r:>9.1} MiB/s", "raw device, sequential read");
    println!(
        "  {:<44} {store_r:>9.1} MiB/s  ({:.2}× raw)",
        "storage service, sequential read",
        store_r / raw_r
    );
    let per_second = f64::from(files) / ns(figures.creates_ns).as_secs_f64();
    // A 1 KiB create costs at least one 4 KiB block write on the raw device.
    let raw_blocks = raw_w * 256.0;
    println!(
        "  {:<44} {per_second:>9.0} files/s   (raw device: {raw_blocks:.0} 4 KiB blocks/s; {:.3}×)",
        "storage service, 1 KiB file creates",
        per_second / raw_blocks
    );
}
