//! Every system call with malformed arguments returns an error; none makes
//! the kernel panic, and after each the kernel still serves the caller.

use proptest::prelude::*;
use weft_abi::{Error, Syscall};
use weft_kernel_hosted::Hosted;
use weft_rt::{Channel, Vmo, sys};

/// Calls that end the caller; exercised separately.
const ENDING: [Syscall; 2] = [Syscall::ProcessExit, Syscall::ThreadExit];

/// Which argument of each blocking call is its deadline (clamped so a
/// random deadline cannot park the test forever).
fn deadline_argument(call: Syscall) -> Option<usize> {
    match call {
        Syscall::ObjectWaitOne | Syscall::ObjectWaitMany | Syscall::ChannelCall => Some(2),
        Syscall::PortWait => Some(1),
        Syscall::ThreadSleep => Some(0),
        _ => None,
    }
}

fn interesting() -> impl Strategy<Value = usize> {
    prop_oneof![
        Just(0usize),
        Just(1usize),
        Just(usize::MAX),
        Just(u32::MAX as usize),
        Just(0x8000_0000usize),
        Just(4096usize),
        0usize..64,
        any::<usize>(),
    ]
}

static CASES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_arguments_make_the_kernel_panic(
        index in 0usize..Syscall::ALL.len(),
        mut args in proptest::array::uniform6(interesting()),
        live in any::<bool>(),
    ) {
        let hosted = Hosted::new();
        let _guard = hosted.attach("fuzz", 77).unwrap();
        let call = Syscall::ALL[index];
        prop_assume!(!ENDING.contains(&call));
        // Sometimes aim the first argument at a live handle.
        let (channel, _peer) = Channel::create().unwrap();
        let vmo = Vmo::create(8192).unwrap();
        if live {
            args[0] = if index % 2 == 0 { channel.handle().raw() } else { vmo.handle().raw() } as usize;
        }
        if let Some(slot) = deadline_argument(call) {
            args[slot] = weft_rt::now() as usize;
        }
        // No buffers are passed: every user pointer must be refused.
        let result = sys::call(call, args, &[]);
        CASES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Err(error) = result {
            prop_assert!(Error::ALL.contains(&error));
        }
        // The kernel still serves the caller: a fresh channel carries a
        // message, and memory can be made.
        let (a, b) = Channel::create().unwrap();
        prop_assert!(a.write(b"alive", Vec::new()).is_ok());
        prop_assert_eq!(b.try_read().map(|message| message.bytes), Ok(b"alive".to_vec()));
        prop_assert!(Vmo::create(4096).is_ok());
    }
}

#[test]
fn unknown_numbers_are_not_supported() {
    let hosted = Hosted::new();
    let _guard = hosted.attach("fuzz", 77).unwrap();
    // Calls are numbered from 0 without gaps: the next number is unknown.
    let next = Syscall::ALL.len();
    for number in [next, next + 1, 1000, usize::MAX, 1 << 32] {
        assert_eq!(sys::call_number(number, [0; 6]), Err(Error::NotSupported));
    }
}

#[test]
fn pointers_outside_the_callers_memory_are_bad_addresses() {
    let hosted = Hosted::new();
    let _guard = hosted.attach("fuzz", 77).unwrap();
    let (a, _b) = Channel::create().unwrap();
    let mut buffer = [0u8; 16];
    // A pointer into a buffer the caller did not pass for this call.
    let stray = buffer.as_mut_ptr() as usize;
    let raw = [a.handle().raw() as usize, 0, stray, 16, 0, 0];
    assert_eq!(sys::call(Syscall::ChannelWrite, raw, &[]), Err(Error::BadAddress));
    // A range that runs past the buffer that was passed.
    let passed = sys::Buffer::input(&buffer[..8]);
    assert_eq!(sys::call(Syscall::ChannelWrite, raw, &[passed]), Err(Error::BadAddress));
    // Wrapping ranges.
    let wrap = [a.handle().raw() as usize, 0, usize::MAX - 4, 16, 0, 0];
    assert_eq!(sys::call(Syscall::ChannelWrite, wrap, &[passed]), Err(Error::BadAddress));
    // Writing into a read-only buffer.
    let info = sys::Buffer::input(&buffer);
    let read = [a.handle().raw() as usize, stray, 16, 0, 0, stray];
    assert!(matches!(
        sys::call(Syscall::ChannelRead, read, &[info]),
        Err(Error::BadAddress | Error::ShouldWait)
    ));
}

#[test]
fn exit_ends_only_the_caller() {
    let hosted = Hosted::new();
    let _guard = hosted.attach("survivor", 1).unwrap();
    let other = hosted.clone();
    let ended = std::thread::spawn(move || {
        let _guard = other.attach("quitter", 2).unwrap();
        sys::process_exit(3);
    })
    .join();
    // The quitter's host thread unwound; nothing else noticed.
    assert!(ended.is_err());
    assert!(Vmo::create(4096).is_ok());
    assert!(hosted.processes().iter().all(|p| p.name() != "quitter"));
}

#[test]
fn the_fuzz_really_ran() {
    no_arguments_make_the_kernel_panic();
    assert!(CASES.load(std::sync::atomic::Ordering::Relaxed) >= 1000);
}
