//! Handles and rights, through the system-call boundary of the hosted
//! kernel: rights never widen, transfer moves, stale and forged values are
//! refused.

use proptest::prelude::*;
use weft_abi::{BasicInfo, DEADLINE_POLL, Error, InfoTopic, MapFlags, Rights, Signals};
use weft_kernel_hosted::Hosted;
use weft_rt::{Channel, Handle, Vmo, sys};

fn attached() -> (Hosted, weft_kernel_hosted::Attached) {
    let hosted = Hosted::new();
    let guard = hosted.attach("test", 100).expect("attach");
    (hosted, guard)
}

/// What the caller can observably do with a memory-object handle, found by
/// side-effect-free probes (each probe needs exactly one right, or the
/// rights named).
fn probe(handle: u32) -> Rights {
    let mut found = Rights::empty();
    let mut byte = [0u8; 1];
    if sys::vmo_read(handle, 0, &mut byte) != Err(Error::AccessDenied) {
        found |= Rights::READ;
    }
    if sys::vmo_write(handle, 0, &[]) != Err(Error::AccessDenied) {
        found |= Rights::WRITE;
    }
    match sys::handle_duplicate(handle, Rights::empty()) {
        Ok(copy) => {
            found |= Rights::DUPLICATE;
            sys::handle_close(copy).unwrap();
        }
        Err(error) => assert_eq!(error, Error::AccessDenied),
    }
    if sys::object_signal(handle, Signals::empty(), Signals::empty(), false) != Err(Error::AccessDenied) {
        found |= Rights::SIGNAL;
    }
    if sys::object_wait_one(handle, Signals::USER_0, DEADLINE_POLL) != Err(Error::AccessDenied) {
        found |= Rights::WAIT;
    }
    if sys::object_get_info::<BasicInfo>(handle, InfoTopic::Basic) != Err(Error::AccessDenied) {
        found |= Rights::INSPECT;
    }
    // MAP alone cannot be probed without READ; probe it with an execute
    // mapping, which needs MAP and EXECUTE.
    match sys::vm_map(handle, 0, 4096, MapFlags::EXECUTE) {
        Ok(address) => {
            found |= Rights::MAP | Rights::EXECUTE;
            sys::vm_unmap(address, 4096).unwrap();
        }
        Err(Error::AccessDenied) => {
            if let Ok(address) = sys::vm_map(handle, 0, 4096, MapFlags::READ) {
                found |= Rights::MAP;
                sys::vm_unmap(address, 4096).unwrap();
            }
        }
        Err(other) => panic!("unexpected {other:?}"),
    }
    found
}

/// The rights the probes above can see.
const OBSERVABLE: Rights = Rights::READ
    .union(Rights::WRITE)
    .union(Rights::DUPLICATE)
    .union(Rights::SIGNAL)
    .union(Rights::WAIT)
    .union(Rights::INSPECT)
    .union(Rights::MAP);

#[derive(Clone, Debug)]
enum Step {
    Duplicate(u32),
    Replace(u32),
    Transfer,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u32..0x400).prop_map(Step::Duplicate),
        (0u32..0x400).prop_map(Step::Replace),
        Just(Step::Transfer),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Along any chain of duplicate / replace / transfer, a handle's rights
    /// are exactly what the model says and never more than it started with.
    #[test]
    fn rights_never_widen(start in 0u32..0x400, steps in proptest::collection::vec(step(), 1..12)) {
        let (_hosted, _guard) = attached();
        let vmo = Vmo::create(4096).unwrap();
        let start = Rights::from_bits_truncate(start) & Rights::DEFAULT_VMO;
        let mut current = sys::handle_duplicate(vmo.handle().raw(), start).unwrap();
        let mut model = start;
        let (here, there) = Channel::create().unwrap();
        for step in steps {
            match step {
                Step::Duplicate(bits) | Step::Replace(bits) => {
                    let asked = Rights::from_bits_truncate(bits);
                    let replace = matches!(step, Step::Replace(_));
                    let result = if replace {
                        sys::handle_replace(current, asked)
                    } else {
                        sys::handle_duplicate(current, asked)
                    };
                    // Every bit set is `Rights::SAME`: keep the rights held.
                    let same = asked == Rights::SAME;
                    let allowed =
                        (same || model.contains(asked)) && (replace || model.contains(Rights::DUPLICATE));
                    if allowed {
                        let new = result.unwrap();
                        if !replace {
                            sys::handle_close(current).unwrap();
                        }
                        current = new;
                        if !same {
                            model = asked;
                        }
                    } else {
                        prop_assert!(result.is_err(), "widening to {asked:?} from {model:?} was allowed");
                    }
                }
                Step::Transfer => {
                    let result = sys::channel_write(here.handle().raw(), 0, b"", &[current]);
                    if model.contains(Rights::TRANSFER) {
                        result.unwrap();
                        let message = there.try_read().unwrap();
                        prop_assert_eq!(message.handles.len(), 1);
                        current = message.handles.into_iter().next().unwrap().into_raw();
                    } else {
                        prop_assert_eq!(result, Err(Error::AccessDenied));
                    }
                }
            }
            // MAP shows only together with a mapping permission.
            let mut visible = model & OBSERVABLE;
            if !model.contains(Rights::READ) {
                visible.remove(Rights::MAP);
            }
            prop_assert_eq!(probe(current) & OBSERVABLE, visible);
            prop_assert!(start.contains(model));
        }
        if let Ok(info) = sys::object_get_info::<BasicInfo>(current, InfoTopic::Basic) {
            prop_assert_eq!(info.rights(), model);
        }
    }
}

#[test]
fn transfer_moves_the_handle_out_of_the_sender() {
    let (_hosted, _guard) = attached();
    let (here, there) = Channel::create().unwrap();
    let vmo = Vmo::create(4096).unwrap();
    let koid = vmo.handle().koid().unwrap();
    let raw = vmo.into_handle().into_raw();
    sys::channel_write(here.handle().raw(), 0, b"take this", &[raw]).unwrap();
    // The sender's value is gone.
    assert_eq!(sys::vmo_get_size(raw), Err(Error::BadHandle));
    assert_eq!(sys::handle_close(raw), Err(Error::BadHandle));
    // The receiver holds the same object.
    let message = there.try_read().unwrap();
    assert_eq!(message.bytes, b"take this");
    assert_eq!(message.handles[0].koid().unwrap(), koid);
}

#[test]
fn a_failed_send_moves_nothing() {
    let (_hosted, _guard) = attached();
    let (here, _there) = Channel::create().unwrap();
    let good = Vmo::create(4096).unwrap().into_handle().into_raw();
    let no_transfer = sys::handle_duplicate(good, Rights::READ | Rights::DUPLICATE).unwrap();
    // One handle may not travel: the whole message is refused.
    assert_eq!(
        sys::channel_write(here.handle().raw(), 0, b"", &[good, no_transfer]),
        Err(Error::AccessDenied)
    );
    assert!(sys::vmo_get_size(good).is_ok());
    // The same handle twice is refused too.
    assert_eq!(sys::channel_write(here.handle().raw(), 0, b"", &[good, good]), Err(Error::InvalidArgs));
    // A channel endpoint cannot travel through itself.
    let own = here.handle().raw();
    assert_eq!(sys::channel_write(own, 0, b"", &[own]), Err(Error::NotSupported));
    assert!(sys::vmo_get_size(good).is_ok());
}

#[test]
fn stale_and_forged_handle_values_are_refused() {
    let (_hosted, _guard) = attached();
    let vmo = Vmo::create(4096).unwrap();
    let stale = sys::handle_duplicate(vmo.handle().raw(), Rights::SAME).unwrap();
    sys::handle_close(stale).unwrap();
    // Reuse slots so the stale value's index is live again.
    let fresh: Vec<Handle> = (0..64).map(|_| vmo.handle().duplicate(Rights::SAME).unwrap()).collect();
    assert_eq!(sys::vmo_get_size(stale), Err(Error::BadHandle));
    let live: Vec<u32> = fresh.iter().map(Handle::raw).chain([vmo.handle().raw()]).collect();
    // Forged values: everything that is not a live handle is refused.
    let mut refused = 0;
    for value in (0..4096u32).map(|i| i.wrapping_mul(0x9e37_79b9)).chain([0, 1, u32::MAX, 0x8000_0000]) {
        if live.contains(&value) {
            continue;
        }
        assert_eq!(sys::vmo_get_size(value), Err(Error::BadHandle), "{value:#x}");
        refused += 1;
    }
    assert!(refused > 4000);
    // Handle values above 32 bits never alias a handle.
    let raw = vmo.handle().raw() as usize | (1 << 40);
    assert_eq!(sys::call(weft_abi::Syscall::VmoGetSize, [raw, 0, 0, 0, 0, 0], &[]), Err(Error::BadHandle));
}

#[test]
fn another_process_handle_values_mean_nothing_here() {
    let hosted = Hosted::new();
    let value = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let _guard = hosted.attach("other", 7).unwrap();
                // A size of its own, so reaching it from here would show.
                let vmo = Vmo::create(3 * 4096).unwrap();
                let value = vmo.handle().raw();
                std::mem::forget(vmo);
                value
            })
            .join()
            .unwrap()
    });
    let _guard = hosted.attach("test", 8).unwrap();
    let mine = Vmo::create(4096).unwrap();
    match sys::vmo_get_size(value) {
        Err(error) => assert_eq!(error, Error::BadHandle),
        // The same value may name this process's own object, never the other's.
        Ok(size) => {
            assert_eq!(value, mine.handle().raw(), "the value named an object this process never had");
            assert_eq!(size, 4096, "the value reached the other process's object");
        }
    }
}

#[test]
fn closing_the_last_handle_signals_peer_closed() {
    let (_hosted, _guard) = attached();
    let (here, there) = Channel::create().unwrap();
    here.write(b"last words", Vec::new()).unwrap();
    drop(here);
    let observed = there.handle().wait(Signals::PEER_CLOSED, weft_rt::Deadline::POLL).unwrap();
    assert!(observed.contains(Signals::PEER_CLOSED));
    // Queued messages are still delivered, then PeerClosed.
    assert_eq!(there.try_read().unwrap().bytes, b"last words");
    assert_eq!(there.try_read().unwrap_err(), Error::PeerClosed);
    assert_eq!(there.write(b"anyone?", Vec::new()), Err(Error::PeerClosed));
}

fn hold_then(bootstrap: u32, fail: bool) -> i32 {
    let channel = Channel::from_handle(Handle::from_raw(bootstrap));
    let message = channel.read(weft_rt::Deadline::INFINITE).unwrap();
    // Hold the handles a moment, then end (cleanly or by panicking).
    weft_rt::sleep(std::time::Duration::from_millis(20));
    if fail {
        panic!("deliberate fault while holding {} handles", message.handles.len());
    }
    0
}

fn holder_exits(bootstrap: u32) -> i32 {
    hold_then(bootstrap, false)
}

fn holder_panics(bootstrap: u32) -> i32 {
    hold_then(bootstrap, true)
}

#[test]
fn a_dead_process_closes_its_handles_exit_or_fault() {
    let hosted = Hosted::new();
    hosted.register_program("holder-exits", holder_exits);
    hosted.register_program("holder-panics", holder_panics);
    let guard = hosted.attach("test", 9).unwrap();
    for program in ["holder-exits", "holder-panics"] {
        let (here, there) = Channel::create().unwrap();
        let there_koid = there.handle().koid().unwrap();
        let child =
            hosted.spawn(program, 20, program, b"hello", vec![(there_koid, Rights::DEFAULT)]).expect("spawn");
        drop(there);
        // While the child lives, the peer is open.
        assert_eq!(here.handle().wait(Signals::PEER_CLOSED, weft_rt::Deadline::POLL), Err(Error::TimedOut));
        let observed = here
            .handle()
            .wait(Signals::PEER_CLOSED, weft_rt::Deadline::after(std::time::Duration::from_secs(5)))
            .unwrap();
        assert!(observed.contains(Signals::PEER_CLOSED), "{program}");
        // (A panicking hosted program's destructors may close handles while
        // it unwinds, just before the kernel tears it down: allow a moment.)
        let gone = (0..200).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(5));
            hosted.processes().iter().all(|p| p.koid != child)
        });
        assert!(gone, "{program} still listed");
    }
    assert!(hosted.debug_log().contains("kernel: process holder-panics faulted: panicked: deliberate fault"));
    // The kernel and this process carry on.
    assert!(Vmo::create(4096).is_ok());
    drop(guard);
}
