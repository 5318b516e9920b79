//! The kernel's end-to-end test, run at EL0 as the root program of a test
//! bundle (`cargo xtask test kernel`). It checks, through real system
//! calls on the aarch64 kernel: memory objects and W^X, refused user
//! pointers, threads with FP state, preemption, sleeping and timers,
//! processes started from signed images, a crashing process, a tampered
//! image, process listing and killing, and it measures the call/reply round
//! trip between two processes. It ends with `ktest: N passed, M failed`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;

use crate::test_support::{cycle_frequency, cycles};
use weft_abi::startup::{self, StartupInfo};
use weft_abi::{DEADLINE_INFINITE, Error, MapFlags, MessageInfo, Rights, Syscall, process_state};
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_manifest::Bundle;
use weft_rt::{Channel, Deadline, Process, Resource, Timer, Vmo, sys};

struct Report {
    passed: u32,
    failed: u32,
}

impl Report {
    fn check(&mut self, name: &str, ok: bool, detail: String) {
        let line = if ok {
            self.passed += 1;
            format!("ktest: ok   {name}\n")
        } else {
            self.failed += 1;
            format!("ktest: FAIL {name}: {detail}\n")
        };
        let _ = sys::debug_write(line.as_bytes());
    }
}

fn say(text: &str) {
    let _ = sys::debug_write(text.as_bytes());
}

fn memory(report: &mut Report) {
    let vmo = Vmo::create(64 * 1024).expect("vmo");
    let mut mapping = vmo.map_write(0, 64 * 1024).expect("map");
    let bytes = mapping.bytes_mut().expect("writable");
    bytes[0] = 0x5a;
    bytes[65535] = 0xa5;
    let mut back = [0u8; 1];
    vmo.read(65535, &mut back).expect("vmo read");
    report.check("shared memory round trip", back[0] == 0xa5 && bytes[0] == 0x5a, String::new());
    let wx = sys::vm_map(vmo.handle().raw(), 0, 4096, MapFlags::READ | MapFlags::WRITE | MapFlags::EXECUTE);
    report.check("W^X: write+execute refused", wx == Err(Error::AccessDenied), format!("{wx:?}"));
    let exec = sys::vm_map(vmo.handle().raw(), 0, 4096, MapFlags::READ | MapFlags::EXECUTE);
    report.check("execute needs the EXECUTE right", exec == Err(Error::AccessDenied), format!("{exec:?}"));
}

fn pointers(report: &mut Report) {
    let cases: [(&str, usize); 4] = [
        ("null", 0),
        ("kernel direct map", 0xffff_0000_4000_0000),
        ("kernel image", 0xffff_ffff_8000_0000),
        ("unmapped user", 0x7000_0000_0000),
    ];
    for (name, address) in cases {
        let result = sys::call(Syscall::DebugWrite, [address, 16, 0, 0, 0, 0], &[]);
        report.check(
            &format!("bad pointer refused ({name})"),
            result == Err(Error::BadAddress),
            format!("{result:?}"),
        );
    }
    // Writing into read-only memory through the kernel is refused too.
    let vmo = Vmo::create(4096).expect("vmo");
    let mapping = vmo.map_read(0, 4096).expect("map");
    let result = sys::call(Syscall::RandomGet, [mapping.address(), 16, 0, 0, 0, 0], &[]);
    report.check(
        "kernel will not write read-only user memory",
        result == Err(Error::BadAddress),
        format!("{result:?}"),
    );
    let address = mapping.address();
    drop(mapping);
    let result = sys::call(Syscall::DebugWrite, [address, 8, 0, 0, 0, 0], &[]);
    report.check("unmapped memory is gone", result == Err(Error::BadAddress), format!("{result:?}"));
}

fn float_work(seed: f64) -> f64 {
    let mut x = seed;
    for i in 0..200_000 {
        x = x * 1.000_000_1 + (i as f64) * 1e-9;
        if x > 1e6 {
            x /= 3.0;
        }
    }
    x
}

static FLAG: AtomicBool = AtomicBool::new(false);
static SPINS: AtomicU64 = AtomicU64::new(0);

fn threads(report: &mut Report) {
    let expected_a = float_work(1.5);
    let expected_b = float_work(2.5);
    let result = alloc::sync::Arc::new(AtomicU64::new(0));
    let shared = result.clone();
    let thread = weft_rt::thread::spawn("fp", move || {
        shared.store(float_work(2.5).to_bits(), Ordering::SeqCst);
    })
    .expect("spawn");
    let mine = float_work(1.5);
    thread.join(Deadline::INFINITE).expect("join");
    let theirs = f64::from_bits(result.load(Ordering::SeqCst));
    report.check(
        "threads keep their own FP/SIMD state",
        mine == expected_a && theirs == expected_b,
        format!("{mine} {theirs}"),
    );

    // Preemption: this thread spins until another thread sets a flag;
    // with one core that only ends if the timer takes the processor away.
    FLAG.store(false, Ordering::SeqCst);
    let setter = weft_rt::thread::spawn("setter", || {
        FLAG.store(true, Ordering::SeqCst);
    })
    .expect("spawn");
    let started = weft_rt::now();
    while !FLAG.load(Ordering::SeqCst) {
        SPINS.fetch_add(1, Ordering::Relaxed);
        if weft_rt::now() - started > 5_000_000_000 {
            break;
        }
    }
    let _ = setter.join(Deadline::INFINITE);
    report.check(
        "busy threads are preempted",
        FLAG.load(Ordering::SeqCst),
        String::from("the flag was never set"),
    );
}

fn time(report: &mut Report) {
    let before = weft_rt::now();
    weft_rt::sleep(Duration::from_millis(20));
    let slept = weft_rt::now() - before;
    report.check("sleep lasts at least its duration", slept >= 20_000_000, format!("{slept} ns"));
    let timer = Timer::create().expect("timer");
    let before = weft_rt::now();
    timer.set(Deadline::after(Duration::from_millis(10))).expect("set");
    let fired = timer.handle().wait(weft_abi::Signals::SIGNALED, Deadline::after(Duration::from_secs(2)));
    let waited = weft_rt::now() - before;
    report.check(
        "timers fire",
        fired.is_ok() && waited >= 10_000_000,
        format!("{fired:?} after {waited} ns"),
    );
}

fn image_vmo(bundle: &Bundle, name: &str) -> Option<Vmo> {
    let image = bundle.image(name)?;
    let vmo = Vmo::create(image.bytes.len()).ok()?;
    vmo.write(0, &image.bytes).ok()?;
    let vmo = vmo.handle().duplicate(Rights::READ | Rights::MAP).ok()?;
    Some(Vmo::from_handle(vmo))
}

fn spawn(root: &Resource, bundle: &Bundle, name: &str) -> Result<(Process, Channel), Error> {
    let vmo = image_vmo(bundle, name).ok_or(Error::NotFound)?;
    let process = Process::create(root, name, 100)?;
    let (ours, theirs) = Channel::create()?;
    // Every program's image is the one multi-program image: the startup
    // message says which program to run.
    let startup =
        StartupInfo { name: name.into(), program: name.into(), principal: 100, ..StartupInfo::default() };
    let message = startup::encode(&startup).map_err(|_| Error::InvalidArgs)?;
    ours.write(&message, Vec::new())?;
    process.start(&vmo, theirs)?;
    Ok((process, ours))
}

fn processes(report: &mut Report, root: &Resource, bundle: &Bundle) {
    match spawn(root, bundle, "hello") {
        Ok((process, _channel)) => {
            let ended = process.wait_terminated(Deadline::after(Duration::from_secs(10)));
            let record = process.record().unwrap_or_default();
            report.check(
                "a signed program runs and exits",
                ended.is_ok() && record.state == process_state::EXITED && record.exit_code == 0,
                format!("{ended:?} state {} code {}", record.state, record.exit_code),
            );
        }
        Err(error) => report.check("a signed program runs and exits", false, format!("{error}")),
    }
    match spawn(root, bundle, "crash") {
        Ok((process, _channel)) => {
            let ended = process.wait_terminated(Deadline::after(Duration::from_secs(10)));
            let record = process.record().unwrap_or_default();
            report.check(
                "a faulting program is killed, the kernel goes on",
                ended.is_ok() && record.state == process_state::KILLED,
                format!("{ended:?} state {}", record.state),
            );
        }
        Err(error) => report.check("a faulting program is killed", false, format!("{error}")),
    }
    let tampered = spawn(root, bundle, "hello-tampered");
    report.check(
        "a tampered image is refused",
        matches!(tampered, Err(Error::BadImage)),
        format!("{:?}", tampered.as_ref().map(|_| ())),
    );
    let unsigned = Vmo::create(4096).and_then(|vmo| {
        vmo.write(0, b"\x7fELF not signed")?;
        let process = Process::create(root, "unsigned", 100)?;
        let (_ours, theirs) = Channel::create()?;
        let image = Vmo::from_handle(vmo.handle().duplicate(Rights::READ)?);
        process.start(&image, theirs)
    });
    report.check("an unsigned image is refused", unsigned == Err(Error::BadImage), format!("{unsigned:?}"));
    match spawn(root, bundle, "ipc-echo") {
        Ok((process, channel)) => {
            let listed =
                root.processes().map(|list| list.iter().any(|r| r.name() == "ipc-echo")).unwrap_or(false);
            report.check("the process list shows EL0 processes", listed, String::new());
            let killed = process.kill();
            let ended = process.wait_terminated(Deadline::after(Duration::from_secs(5)));
            let peer = channel.read(Deadline::after(Duration::from_secs(1)));
            report.check(
                "killing a process closes its handles",
                killed.is_ok() && ended.is_ok() && matches!(peer, Err(Error::PeerClosed)),
                format!("{killed:?} {ended:?} {:?}", peer.map(|_| ())),
            );
        }
        Err(error) => report.check("process list and kill", false, format!("{error}")),
    }
}

fn devices(report: &mut Report, root: &Resource) {
    let dma = Vmo::create_contiguous(8192).expect("contiguous");
    let address = root.physical_address(&dma);
    report.check(
        "contiguous memory has a physical address for DMA",
        matches!(address, Ok(a) if a != 0 && a % 4096 == 0),
        format!("{address:?}"),
    );
    let scattered = Vmo::create(8192).expect("vmo");
    let refused = root.physical_address(&scattered);
    report.check(
        "scattered memory has no physical address",
        refused == Err(Error::NotSupported),
        format!("{refused:?}"),
    );
    let info = root.narrow(weft_abi::ResourceKind::Info, 0, 0).expect("info");
    let refused = info.physical_address(&dma);
    report.check(
        "only device resources reveal physical addresses",
        refused == Err(Error::AccessDenied),
        format!("{refused:?}"),
    );
    let transport = root.narrow(weft_abi::ResourceKind::Mmio, 0x0a00_3e00, 0x200).expect("narrow");
    let facts = transport.info().unwrap_or_default();
    report.check(
        "a resource reports its range",
        facts.base == 0x0a00_3e00 && facts.size == 0x200,
        format!("{facts:?}"),
    );
    let registers = transport.physical_vmo(0x0a00_3e00, 0x200).and_then(|v| v.size());
    report.check("a sub-page device range maps as its page", registers == Ok(4096), format!("{registers:?}"));
    let outside = transport.physical_vmo(0x0a00_3c00, 0x200);
    report.check(
        "a resource grants nothing outside its range",
        matches!(outside, Err(Error::AccessDenied)),
        format!("{:?}", outside.map(|_| ())),
    );
    let ram = root.physical_vmo(0x4000_0000, 4096);
    report.check(
        "RAM is never handed out as a physical object",
        matches!(ram, Err(Error::AccessDenied)),
        format!("{:?}", ram.map(|_| ())),
    );
    entropy(report, &transport, &info);
}

/// Feeding the entropy pool (`random_add`): a device resource may, others
/// may not; lengths and pointers are checked; the pool still serves.
fn entropy(report: &mut Report, device: &Resource, info: &Resource) {
    let fed = device.add_entropy(&[0xa5; 64]);
    report.check("a device resource feeds the entropy pool", fed == Ok(()), format!("{fed:?}"));
    let refused = info.add_entropy(&[0xa5; 64]);
    report.check(
        "only device resources feed the entropy pool",
        refused == Err(Error::AccessDenied),
        format!("{refused:?}"),
    );
    let too_long = device.add_entropy(&[0; weft_abi::limits::RANDOM_BYTES + 1]);
    report.check("random_add is bounded", too_long == Err(Error::OutOfRange), format!("{too_long:?}"));
    let handle = device.handle().raw() as usize;
    let kernel = sys::call(Syscall::RandomAdd, [handle, 0xffff_0000_4000_0000, 16, 0, 0, 0], &[]);
    report.check(
        "random_add refuses kernel pointers",
        kernel == Err(Error::BadAddress),
        format!("{kernel:?}"),
    );
    let (mut first, mut second) = ([0u8; 32], [0u8; 32]);
    let drawn = sys::random_get(&mut first).and_then(|()| sys::random_get(&mut second));
    report.check(
        "the fed pool still draws fresh bytes",
        drawn == Ok(()) && first != second && first != [0; 32],
        format!("{drawn:?}"),
    );
}

/// Queue more message bytes than the kernel heap's first region holds
/// (64 MiB on a 1 GiB machine): the heap must grow from free frames, and
/// shrink back in use when the messages go.
fn kernel_heap(report: &mut Report) {
    let payload = alloc::vec![0x42u8; weft_abi::limits::MESSAGE_BYTES];
    let mut channels = Vec::new();
    let mut sent = 0usize;
    let mut failure = None;
    'fill: for _ in 0..2 {
        let Ok((writer, reader)) = Channel::create() else {
            failure = Some(String::from("channel"));
            break;
        };
        for _ in 0..600 {
            if let Err(error) = writer.write(&payload, Vec::new()) {
                failure = Some(format!("write {sent}: {error}"));
                break 'fill;
            }
            sent += 1;
        }
        channels.push((writer, reader));
    }
    drop(channels);
    let alive = Vmo::create(4096).is_ok();
    report.check(
        "the kernel heap grows for 75 MiB of queued messages",
        failure.is_none() && sent == 1200 && alive,
        format!("{failure:?}, {sent} sent"),
    );
}

fn ipc_bench(report: &mut Report, root: &Resource, bundle: &Bundle) {
    let Ok((_process, channel)) = spawn(root, bundle, "ipc-echo") else {
        report.check("ipc benchmark", false, String::from("no ipc-echo"));
        return;
    };
    let request = [0u8; 8];
    let mut reply = [0u8; 64];
    let mut reply_handles = [0u32; 4];
    let mut info = MessageInfo::default();
    let mut call = || {
        sys::channel_call(
            channel.handle().raw(),
            &request,
            &[],
            &mut reply,
            &mut reply_handles,
            DEADLINE_INFINITE,
            &mut info,
        )
    };
    for _ in 0..100 {
        if call().is_err() {
            report.check("ipc benchmark", false, String::from("call failed"));
            return;
        }
    }
    const ROUNDS: u64 = 2000;
    let start = cycles();
    for _ in 0..ROUNDS {
        let _ = sys::call(Syscall::ClockGet, [0; 6], &[]);
    }
    let null = (cycles() - start) / ROUNDS;
    let mut samples: Vec<u64> = Vec::with_capacity(ROUNDS as usize);
    let mut failed = 0u64;
    let start = cycles();
    for _ in 0..ROUNDS {
        let before = cycles();
        if call().is_err() {
            failed += 1;
        }
        samples.push(cycles() - before);
    }
    let total = cycles() - start;
    samples.sort_unstable();
    let median = samples[samples.len() / 2];
    let frequency = cycle_frequency();
    say(&format!(
        "bench ipc: round trip mean {} ticks, median {} ticks, {} ns at {} Hz counter ({} rounds); null system call {} ticks\n",
        total / ROUNDS,
        median,
        total * 1_000_000_000 / ROUNDS / frequency.max(1),
        frequency,
        ROUNDS,
        null
    ));
    report.check("ipc round trips complete", failed == 0, format!("{failed} of {ROUNDS} calls failed"));
}

fn run(mut startup: Startup) -> Result<(), ProgramError> {
    say("ktest: running at EL0\n");
    let mut report = Report { passed: 0, failed: 0 };
    let root = Resource::from_handle(startup.take_handle("root-resource").ok_or("no root resource")?);
    let bundle_vmo = Vmo::from_handle(startup.take_handle("bundle").ok_or("no bundle")?);
    let size = bundle_vmo.size()?;
    let mapping = bundle_vmo.map_read(0, size)?;
    let bundle = Bundle::from_bytes(mapping.bytes()).map_err(|e| ProgramError(format!("{e}")))?;
    report.check("the boot bundle is mapped and decodes", bundle.image("hello").is_some(), String::new());
    memory(&mut report);
    pointers(&mut report);
    threads(&mut report);
    time(&mut report);
    processes(&mut report, &root, &bundle);
    devices(&mut report, &root);
    kernel_heap(&mut report);
    ipc_bench(&mut report, &root, &bundle);
    say(&format!("ktest: {} passed, {} failed\n", report.passed, report.failed));
    Ok(())
}

/// The program's entry.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, run)
}
