//! Whole-kernel scenarios on the test backend: system calls in, results and backend requests (in order) out.

use alloc::vec::Vec;
use weft_abi::{
    BasicInfo, CallArgs, DEADLINE_INFINITE, Error, Koid, MessageInfo, PacketKind, PortPacket, ResourceKind,
    Rights, Signals, Syscall, WaitItem,
};

use crate::kernel::{Kernel, Outcome};
use crate::testing::{Event, TestBackend, USER_BASE, USER_SIZE, call, err, kernel, ok, spawn};

const INF: usize = DEADLINE_INFINITE as usize;

fn blocked(kernel: &Kernel<TestBackend>, thread: Koid) -> bool {
    kernel.objects.thread_is_blocked(thread)
}

fn next_deadline(kernel: &Kernel<TestBackend>) -> Option<u64> {
    kernel.waits.next_deadline()
}

fn install(kernel: &mut Kernel<TestBackend>, process: Koid, koid: Koid, rights: Rights) -> u32 {
    kernel.objects.install_handle(process, koid, rights).unwrap()
}

/// The koid behind a handle.
fn basic_info(kernel: &mut Kernel<TestBackend>, thread: Koid, process: Koid, handle: u32) -> BasicInfo {
    let buffer = USER_BASE + 0xf000;
    ok(call(kernel, thread, Syscall::ObjectGetInfo, &[handle as usize, 1, buffer, 64]));
    kernel.backend.peek_pod(process, buffer)
}

/// A channel whose first end `a` holds and whose second end `b` holds.
fn channel_between(kernel: &mut Kernel<TestBackend>, (pa, ta): (Koid, Koid), pb: Koid) -> (u32, u32) {
    let out = USER_BASE + 0xe000;
    ok(call(kernel, ta, Syscall::ChannelCreate, &[out]));
    let [first, second]: [u32; 2] = kernel.backend.peek_pod(pa, out);
    let peer = basic_info(kernel, ta, pa, second).koid;
    let theirs = install(kernel, pb, peer, Rights::DEFAULT);
    ok(call(kernel, ta, Syscall::HandleClose, &[second as usize]));
    (first, theirs)
}

#[test]
fn a_signal_wakes_a_waiter_once() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "p", 7);
    let b = k.adopt_thread(p, "b", ()).unwrap();
    let event = ok(call(&mut k, a, Syscall::EventCreate, &[]));
    let observed = USER_BASE;
    let wait = [event, Signals::USER_0.bits() as usize, 100, observed];
    assert_eq!(call(&mut k, a, Syscall::ObjectWaitOne, &wait), Outcome::Blocked);
    assert!(blocked(&k, a));
    assert_eq!(k.backend.take_log(), [Event::Deadline(Some(100))]);
    ok(call(&mut k, b, Syscall::ObjectSignal, &[event, 0, Signals::USER_0.bits() as usize]));
    assert_eq!(k.backend.take_log(), [Event::Ready(a)]);
    assert!(!blocked(&k, a));
    assert_eq!(next_deadline(&k), None);
    ok(call(&mut k, a, Syscall::ObjectWaitOne, &wait));
    assert_eq!(k.backend.peek_pod::<u32>(p, observed), Signals::USER_0.bits());
    // A second signal finds nobody waiting.
    ok(call(&mut k, b, Syscall::ObjectSignal, &[event, 0, Signals::USER_1.bits() as usize]));
    assert_eq!(k.backend.take_log(), []);
}

#[test]
fn a_wait_times_out_at_its_deadline() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "p", 7);
    let event = ok(call(&mut k, a, Syscall::EventCreate, &[]));
    let wait = [event, Signals::USER_0.bits() as usize, 100, USER_BASE];
    assert_eq!(call(&mut k, a, Syscall::ObjectWaitOne, &wait), Outcome::Blocked);
    k.backend.now = 99;
    k.advance_time(99);
    assert!(blocked(&k, a));
    k.backend.now = 100;
    k.advance_time(100);
    assert_eq!(
        k.backend.take_log(),
        [Event::Deadline(Some(100)), Event::Deadline(Some(100)), Event::Ready(a), Event::Deadline(None)]
    );
    assert_eq!(err(call(&mut k, a, Syscall::ObjectWaitOne, &wait)), Error::TimedOut);
    assert_eq!(k.backend.peek_pod::<u32>(p, USER_BASE), 0);
    assert_eq!(ok(call(&mut k, a, Syscall::ThreadSleep, &[50])), 0);
}

#[test]
fn sleeping_blocks_until_the_deadline() {
    let mut k = kernel();
    let (_, a) = spawn(&mut k, "p", 7);
    assert_eq!(call(&mut k, a, Syscall::ThreadSleep, &[30]), Outcome::Blocked);
    k.backend.now = 30;
    k.advance_time(30);
    assert_eq!(ok(call(&mut k, a, Syscall::ThreadSleep, &[30])), 0);
    assert_eq!(k.backend.take_log(), [Event::Deadline(Some(30)), Event::Ready(a), Event::Deadline(None)]);
}

#[test]
fn wait_many_reports_the_first_ready_item() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "p", 7);
    let b = k.adopt_thread(p, "b", ()).unwrap();
    let first = ok(call(&mut k, a, Syscall::EventCreate, &[])) as u32;
    let second = ok(call(&mut k, a, Syscall::EventCreate, &[])) as u32;
    let items = [
        WaitItem { handle: first, signals: Signals::USER_0.bits(), observed: 0, reserved: 0 },
        WaitItem { handle: second, signals: Signals::USER_1.bits(), observed: 0, reserved: 0 },
    ];
    k.backend.poke_pod(p, USER_BASE, &items);
    assert_eq!(call(&mut k, a, Syscall::ObjectWaitMany, &[USER_BASE, 2, INF]), Outcome::Blocked);
    ok(call(&mut k, b, Syscall::ObjectSignal, &[second as usize, 0, Signals::USER_1.bits() as usize]));
    assert_eq!(k.backend.take_log(), [Event::Ready(a)]);
    assert_eq!(ok(call(&mut k, a, Syscall::ObjectWaitMany, &[USER_BASE, 2, INF])), 1);
    let seen: [WaitItem; 2] = k.backend.peek_pod(p, USER_BASE);
    assert_eq!(seen[1].observed, Signals::USER_1.bits());
    // Woken once, the thread is registered nowhere any more.
    ok(call(&mut k, b, Syscall::ObjectSignal, &[first as usize, 0, Signals::USER_0.bits() as usize]));
    assert_eq!(k.backend.take_log(), []);
}

fn call_args(p: Koid, k: &Kernel<TestBackend>, request: &[u8]) -> usize {
    let args = CallArgs {
        write_bytes: USER_BASE + 0x300,
        write_len: request.len(),
        write_handles: 0,
        write_handle_count: 0,
        read_bytes: USER_BASE + 0x400,
        read_capacity: 64,
        read_handles: 0,
        read_handle_capacity: 0,
    };
    k.backend.poke(p, USER_BASE + 0x300, request);
    k.backend.poke_pod(p, USER_BASE + 0x100, &args);
    USER_BASE + 0x100
}

#[test]
fn a_call_gets_its_reply_stamped_by_the_kernel() {
    let mut k = kernel();
    let (cp, ct) = spawn(&mut k, "client", 7);
    let (sp, st) = spawn(&mut k, "server", 9);
    let (c, s) = channel_between(&mut k, (cp, ct), sp);
    let readable = Signals::READABLE.bits() as usize;
    assert_eq!(call(&mut k, st, Syscall::ObjectWaitOne, &[s as usize, readable, INF, 0]), Outcome::Blocked);
    let args = call_args(cp, &k, b"ping");
    let info = USER_BASE + 0x200;
    let request = [c as usize, args, INF, info];
    assert_eq!(call(&mut k, ct, Syscall::ChannelCall, &request), Outcome::Blocked);
    assert_eq!(k.backend.take_log(), [Event::Ready(st)]);
    ok(call(&mut k, st, Syscall::ObjectWaitOne, &[s as usize, readable, INF, 0]));
    let read = [s as usize, USER_BASE + 0x100, 64, 0, 0, USER_BASE + 0x200];
    ok(call(&mut k, st, Syscall::ChannelRead, &read));
    let got: MessageInfo = k.backend.peek_pod(sp, USER_BASE + 0x200);
    assert_eq!((got.sender_koid, got.sender_principal, got.bytes), (cp, 7, 4));
    assert_ne!(got.txid & 0x8000_0000, 0);
    assert_eq!(k.backend.peek(sp, USER_BASE + 0x100, 4), b"ping");
    // Nothing else is queued: the server's end is no longer readable.
    assert_eq!(err(call(&mut k, st, Syscall::ChannelRead, &read)), Error::ShouldWait);
    k.backend.poke(sp, USER_BASE + 0x500, b"pong!");
    ok(call(&mut k, st, Syscall::ChannelWrite, &[s as usize, got.txid as usize, USER_BASE + 0x500, 5, 0, 0]));
    assert_eq!(k.backend.take_log(), [Event::Ready(ct)]);
    ok(call(&mut k, ct, Syscall::ChannelCall, &request));
    let reply: MessageInfo = k.backend.peek_pod(cp, info);
    assert_eq!((reply.sender_koid, reply.sender_principal, reply.txid), (sp, 9, got.txid));
    assert_eq!(k.backend.peek(cp, USER_BASE + 0x400, 5), b"pong!");
    assert_eq!(k.kernel_stats().messages, 2);
}

#[test]
fn a_call_that_times_out_drops_the_late_reply() {
    let mut k = kernel();
    let (cp, ct) = spawn(&mut k, "client", 7);
    let (sp, st) = spawn(&mut k, "server", 9);
    let (c, s) = channel_between(&mut k, (cp, ct), sp);
    let args = call_args(cp, &k, b"ping");
    let request = [c as usize, args, 10, USER_BASE + 0x200];
    assert_eq!(call(&mut k, ct, Syscall::ChannelCall, &request), Outcome::Blocked);
    k.backend.now = 10;
    k.advance_time(10);
    assert_eq!(err(call(&mut k, ct, Syscall::ChannelCall, &request)), Error::TimedOut);
    assert_eq!(k.backend.take_log(), [Event::Deadline(Some(10)), Event::Ready(ct), Event::Deadline(None)]);
    let read = [s as usize, USER_BASE + 0x100, 64, 0, 0, USER_BASE + 0x200];
    ok(call(&mut k, st, Syscall::ChannelRead, &read));
    let got: MessageInfo = k.backend.peek_pod(sp, USER_BASE + 0x200);
    ok(call(&mut k, st, Syscall::ChannelWrite, &[s as usize, got.txid as usize, USER_BASE, 1, 0, 0]));
    assert_eq!(k.backend.take_log(), []);
    // The client's end stays empty: the reply went nowhere.
    let mine = [c as usize, USER_BASE + 0x100, 64, 0, 0, 0];
    assert_eq!(err(call(&mut k, ct, Syscall::ChannelRead, &mine)), Error::ShouldWait);
}

#[test]
fn handles_travel_with_messages_and_leave_the_sender() {
    let mut k = kernel();
    let (ap, at) = spawn(&mut k, "a", 7);
    let (bp, bt) = spawn(&mut k, "b", 9);
    let (a, b) = channel_between(&mut k, (ap, at), bp);
    let event = ok(call(&mut k, at, Syscall::EventCreate, &[])) as u32;
    k.backend.poke_pod(ap, USER_BASE, &[event]);
    let before = k.objects.handle_count(ap).unwrap();
    ok(call(&mut k, at, Syscall::ChannelWrite, &[a as usize, 0, USER_BASE + 8, 0, USER_BASE, 1]));
    assert_eq!(k.objects.handle_count(ap).unwrap(), before - 1);
    assert_eq!(err(call(&mut k, at, Syscall::HandleClose, &[event as usize])), Error::BadHandle);
    ok(call(&mut k, bt, Syscall::ChannelRead, &[b as usize, USER_BASE, 0, USER_BASE + 8, 4, 0]));
    let [received]: [u32; 1] = k.backend.peek_pod(bp, USER_BASE + 8);
    ok(call(&mut k, bt, Syscall::ObjectSignal, &[received as usize, 0, Signals::SIGNALED.bits() as usize]));
    // A channel end cannot travel through itself.
    k.backend.poke_pod(ap, USER_BASE, &[a]);
    assert_eq!(
        err(call(&mut k, at, Syscall::ChannelWrite, &[a as usize, 0, USER_BASE + 8, 0, USER_BASE, 1])),
        Error::NotSupported
    );
}

#[test]
fn closing_an_end_wakes_the_peer_with_peer_closed() {
    let mut k = kernel();
    let (ap, at) = spawn(&mut k, "a", 7);
    let (bp, bt) = spawn(&mut k, "b", 9);
    let (a, b) = channel_between(&mut k, (ap, at), bp);
    let closed = Signals::PEER_CLOSED.bits() as usize;
    assert_eq!(call(&mut k, bt, Syscall::ObjectWaitOne, &[b as usize, closed, INF, 0]), Outcome::Blocked);
    let objects = k.objects.count();
    ok(call(&mut k, at, Syscall::HandleClose, &[a as usize]));
    assert_eq!(k.objects.count(), objects - 1);
    assert_eq!(k.backend.take_log(), [Event::Ready(bt)]);
    ok(call(&mut k, bt, Syscall::ObjectWaitOne, &[b as usize, closed, INF, 0]));
    let read = [b as usize, USER_BASE, 64, 0, 0, 0];
    assert_eq!(err(call(&mut k, bt, Syscall::ChannelRead, &read)), Error::PeerClosed);
    assert_eq!(
        err(call(&mut k, bt, Syscall::ChannelWrite, &[b as usize, 0, USER_BASE, 1, 0, 0])),
        Error::PeerClosed
    );
}

#[test]
fn killing_a_process_ends_its_threads_and_closes_its_handles() {
    let mut k = kernel();
    let (ap, at) = spawn(&mut k, "a", 7);
    let (bp, bt) = spawn(&mut k, "b", 9);
    let (a, b) = channel_between(&mut k, (ap, at), bp);
    let readable = Signals::READABLE.bits() as usize;
    assert_eq!(call(&mut k, at, Syscall::ObjectWaitOne, &[a as usize, readable, 50, 0]), Outcome::Blocked);
    let closed = Signals::PEER_CLOSED.bits() as usize;
    assert_eq!(call(&mut k, bt, Syscall::ObjectWaitOne, &[b as usize, closed, 80, 0]), Outcome::Blocked);
    let handle = install(&mut k, bp, ap, Rights::DEFAULT | Rights::MANAGE);
    k.backend.take_log();
    k.kill(ap);
    assert_eq!(
        k.backend.take_log(),
        [Event::Ready(at), Event::Ended(at), Event::Ready(bt), Event::SpaceGone(ap)]
    );
    assert!(k.objects.thread_is_dead(at));
    assert_eq!(next_deadline(&k), None);
    assert_eq!(k.objects.process_records().iter().map(|r| r.koid).collect::<Vec<_>>(), [bp]);
    assert_eq!(call(&mut k, at, Syscall::ClockGet, &[]), Outcome::Ended);
    let terminated = Signals::TERMINATED.bits() as usize;
    ok(call(&mut k, bt, Syscall::ObjectWaitOne, &[handle as usize, terminated, 0, 0]));
    // The dead process lives on while a handle names it.
    assert!(k.objects.contains(ap));
    ok(call(&mut k, bt, Syscall::HandleClose, &[handle as usize]));
    assert!(!k.objects.contains(ap));
}

#[test]
fn the_last_thread_exiting_ends_the_process() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "p", 7);
    let b = k.adopt_thread(p, "b", ()).unwrap();
    // Another process's handle keeps the ended process's record readable.
    let (q, _) = spawn(&mut k, "q", 8);
    install(&mut k, q, p, Rights::INSPECT);
    assert_eq!(call(&mut k, a, Syscall::ThreadExit, &[]), Outcome::Ended);
    assert_eq!(k.objects.process_record(p).unwrap().threads, 1);
    assert_eq!(call(&mut k, b, Syscall::ProcessExit, &[3]), Outcome::Ended);
    let record = k.objects.process_record(p).unwrap();
    assert_eq!((record.state, record.exit_code), (weft_abi::process_state::EXITED, 3));
    assert_eq!(k.backend.take_log(), [Event::Ended(a), Event::Ended(b), Event::SpaceGone(p)]);
}

#[test]
fn a_fault_kills_the_process_and_says_why() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "crashy", 7);
    k.fault(a, "data abort");
    let log = k.backend.take_log();
    assert_eq!(log[0], Event::Debug(b"kernel: process crashy faulted: data abort; killed\n".to_vec()));
    assert_eq!(&log[1..], [Event::Ended(a), Event::SpaceGone(p)]);
    assert!(k.objects.thread_is_dead(a));
}

#[test]
fn timers_signal_at_their_deadline() {
    let mut k = kernel();
    let (_, a) = spawn(&mut k, "p", 7);
    let timer = ok(call(&mut k, a, Syscall::TimerCreate, &[]));
    ok(call(&mut k, a, Syscall::TimerSet, &[timer, 100]));
    ok(call(&mut k, a, Syscall::TimerSet, &[timer, 60]));
    let signaled = Signals::SIGNALED.bits() as usize;
    assert_eq!(call(&mut k, a, Syscall::ObjectWaitOne, &[timer, signaled, INF, 0]), Outcome::Blocked);
    k.backend.now = 60;
    k.advance_time(60);
    assert_eq!(
        k.backend.take_log(),
        [
            Event::Deadline(Some(100)),
            Event::Deadline(None),
            Event::Deadline(Some(60)),
            Event::Ready(a),
            Event::Deadline(None)
        ]
    );
    ok(call(&mut k, a, Syscall::ObjectWaitOne, &[timer, signaled, INF, 0]));
    // A deadline already past fires at once; cancelling clears the signal.
    ok(call(&mut k, a, Syscall::TimerSet, &[timer, 10]));
    assert_eq!(k.backend.take_log(), [Event::Deadline(Some(10)), Event::Deadline(None)]);
    ok(call(&mut k, a, Syscall::ObjectWaitOne, &[timer, signaled, 0, 0]));
    ok(call(&mut k, a, Syscall::TimerSet, &[timer, 500]));
    ok(call(&mut k, a, Syscall::HandleClose, &[timer]));
    assert_eq!(next_deadline(&k), None);
    assert_eq!(k.backend.take_log(), [Event::Deadline(Some(500))]);
}

#[test]
fn interrupts_are_masked_until_acknowledged() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "driver", 7);
    let root = k.objects.create_resource(ResourceKind::Root, 0, u64::MAX);
    let root = install(&mut k, p, root, Rights::DEFAULT | Rights::MANAGE) as usize;
    let irq = ok(call(&mut k, a, Syscall::InterruptCreate, &[root, 40]));
    assert_eq!(err(call(&mut k, a, Syscall::InterruptCreate, &[root, 40])), Error::BadState);
    let signaled = Signals::SIGNALED.bits() as usize;
    assert_eq!(call(&mut k, a, Syscall::ObjectWaitOne, &[irq, signaled, INF, 0]), Outcome::Blocked);
    k.interrupt(40);
    k.interrupt(41);
    ok(call(&mut k, a, Syscall::InterruptAck, &[irq]));
    ok(call(&mut k, a, Syscall::InterruptTrigger, &[irq]));
    ok(call(&mut k, a, Syscall::HandleClose, &[irq]));
    let again = ok(call(&mut k, a, Syscall::InterruptCreate, &[root, 40]));
    assert_ne!(again, irq);
    assert_eq!(
        k.backend.take_log(),
        [
            Event::Masked(40, false),
            Event::Masked(40, true),
            Event::Ready(a),
            Event::Masked(41, true),
            Event::Masked(40, false),
            Event::Masked(40, true),
            Event::Masked(40, true),
            Event::Masked(40, false),
        ]
    );
}

#[test]
fn observers_queue_packets_on_ports() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "p", 7);
    let b = k.adopt_thread(p, "b", ()).unwrap();
    let port = ok(call(&mut k, a, Syscall::PortCreate, &[]));
    let event = ok(call(&mut k, a, Syscall::EventCreate, &[]));
    let user0 = Signals::USER_0.bits() as usize;
    ok(call(&mut k, a, Syscall::ObjectWaitAsync, &[event, port, 7, user0]));
    ok(call(&mut k, a, Syscall::ObjectWaitAsync, &[event, port, 8, user0]));
    assert_eq!(ok(call(&mut k, a, Syscall::PortCancel, &[event, port, 8])), 1);
    assert_eq!(call(&mut k, a, Syscall::PortWait, &[port, INF, USER_BASE]), Outcome::Blocked);
    ok(call(&mut k, b, Syscall::ObjectSignal, &[event, 0, user0]));
    assert_eq!(k.backend.take_log(), [Event::Ready(a)]);
    ok(call(&mut k, a, Syscall::PortWait, &[port, INF, USER_BASE]));
    let packet: PortPacket = k.backend.peek_pod(p, USER_BASE);
    assert_eq!((packet.key, packet.kind, packet.observed), (7, PacketKind::Signal as u32, user0 as u32));
    assert_eq!(err(call(&mut k, a, Syscall::PortWait, &[port, 0, USER_BASE])), Error::TimedOut);
    // User packets, and a registration on a raised signal fires at once.
    let mut user = PortPacket { key: 3, user: [1, 2, 3, 4], ..PortPacket::default() };
    user.kind = 99;
    k.backend.poke_pod(p, USER_BASE + 0x100, &user);
    ok(call(&mut k, a, Syscall::PortQueue, &[port, USER_BASE + 0x100]));
    ok(call(&mut k, a, Syscall::ObjectWaitAsync, &[event, port, 9, user0]));
    ok(call(&mut k, a, Syscall::PortWait, &[port, INF, USER_BASE]));
    let first: PortPacket = k.backend.peek_pod(p, USER_BASE);
    assert_eq!((first.key, first.kind, first.user), (3, PacketKind::User as u32, [1, 2, 3, 4]));
    ok(call(&mut k, a, Syscall::PortWait, &[port, INF, USER_BASE]));
    assert_eq!(k.backend.peek_pod::<PortPacket>(p, USER_BASE).key, 9);
}

#[test]
fn mappings_keep_write_xor_execute() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "p", 7);
    let vmo = ok(call(&mut k, a, Syscall::VmoCreate, &[5000, 0]));
    assert_eq!(ok(call(&mut k, a, Syscall::VmoGetSize, &[vmo])), 8192);
    let koid = basic_info(&mut k, a, p, vmo as u32).koid;
    let exec = install(&mut k, p, koid, Rights::all()) as usize;
    let rw = (weft_abi::MapFlags::READ | weft_abi::MapFlags::WRITE).bits() as usize;
    let rx = (weft_abi::MapFlags::READ | weft_abi::MapFlags::EXECUTE).bits() as usize;
    assert_eq!(err(call(&mut k, a, Syscall::VmMap, &[vmo, 0, 4096, rx])), Error::AccessDenied);
    let address = ok(call(&mut k, a, Syscall::VmMap, &[vmo, 0, 4096, rw]));
    assert_eq!(err(call(&mut k, a, Syscall::VmMap, &[exec, 0, 4096, rx])), Error::AccessDenied);
    assert_eq!(k.objects.process_record(p).unwrap().mapped_bytes, 4096);
    // The mapping keeps the memory alive after its handles close.
    ok(call(&mut k, a, Syscall::HandleClose, &[vmo]));
    ok(call(&mut k, a, Syscall::HandleClose, &[exec]));
    let objects = k.objects.count();
    assert_eq!(err(call(&mut k, a, Syscall::VmUnmap, &[address, 8192])), Error::InvalidArgs);
    ok(call(&mut k, a, Syscall::VmUnmap, &[address, 4096]));
    assert_eq!(k.objects.count(), objects - 1);
    assert_eq!(k.backend.take_log(), [Event::Unmapped(address, 4096)]);
}

#[test]
fn memory_objects_copy_through_the_kernel() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "p", 7);
    let vmo = ok(call(&mut k, a, Syscall::VmoCreate, &[4096, 0]));
    k.backend.poke(p, USER_BASE, b"hello");
    ok(call(&mut k, a, Syscall::VmoWrite, &[vmo, 10, USER_BASE, 5]));
    ok(call(&mut k, a, Syscall::VmoRead, &[vmo, 8, USER_BASE + 100, 9]));
    assert_eq!(k.backend.peek(p, USER_BASE + 100, 9), b"\0\0hello\0\0");
    assert_eq!(err(call(&mut k, a, Syscall::VmoRead, &[vmo, 4090, USER_BASE, 9])), Error::OutOfRange);
    assert_eq!(err(call(&mut k, a, Syscall::VmoRead, &[vmo, 0, 0x10, 9])), Error::BadAddress);
    assert_eq!(k.kernel_stats().vmo_bytes, 4096);
}

#[test]
fn boot_programs_start_with_their_message() {
    let mut k = kernel();
    let resource = k.objects.create_resource(ResourceKind::Info, 0, 0);
    let process =
        k.spawn_boot_process("root", 1, b"weft image", b"hello", alloc::vec![(resource, Rights::DEFAULT)]);
    let process = process.unwrap();
    let record = k.objects.process_record(process).unwrap();
    assert_eq!((record.threads, record.handles), (1, 1));
    let log = k.backend.take_log();
    assert!(matches!(log.as_slice(), [Event::Ready(_)]));
    assert_eq!(k.create_vmo_with(b"x").map(|_| ()), Ok(()));
    let objects = k.objects.count();
    assert_eq!(k.spawn_boot_process("bad", 1, b"nope", b"", Vec::new()), Err(Error::InvalidArgs));
    assert_eq!(k.objects.count(), objects);
    assert!(matches!(k.backend.take_log().as_slice(), [Event::SpaceGone(_)]));
}

#[test]
fn info_and_statistics_need_the_right_resource() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "p", 7);
    let info = k.objects.create_resource(ResourceKind::Info, 0, 0);
    let info = install(&mut k, p, info, Rights::DEFAULT) as usize;
    ok(call(&mut k, a, Syscall::ObjectGetInfo, &[info, 3, USER_BASE, 4096]));
    let stats: weft_abi::KernelStats = k.backend.peek_pod(p, USER_BASE);
    assert_eq!((stats.processes, stats.threads, stats.memory_total), (1, 1, 1 << 20));
    assert_eq!(ok(call(&mut k, a, Syscall::SystemProcessList, &[info, USER_BASE, 4])), 1);
    let event = ok(call(&mut k, a, Syscall::EventCreate, &[]));
    assert_eq!(err(call(&mut k, a, Syscall::ObjectGetInfo, &[event, 3, USER_BASE, 4096])), Error::WrongType);
    assert_eq!(err(call(&mut k, a, Syscall::ObjectGetInfo, &[info, 1, USER_BASE, 4])), Error::BufferTooSmall);
    let child = err(call(&mut k, a, Syscall::ProcessCreate, &[info, USER_BASE, 1, 5]));
    assert_eq!(child, Error::AccessDenied);
    k.backend.poke(p, USER_BASE, b"hi");
    ok(call(&mut k, a, Syscall::DebugWrite, &[USER_BASE, 2]));
    ok(call(&mut k, a, Syscall::RandomGet, &[USER_BASE, 3]));
    assert_eq!(k.backend.peek(p, USER_BASE, 3), [0x5a; 3]);
    assert_eq!(k.backend.take_log(), [Event::Debug(b"hi".to_vec())]);
    assert_eq!(k.objects.resource_of(p, info as u32, Rights::INSPECT).unwrap(), (ResourceKind::Info, 0, 0));
}

#[test]
fn processes_start_from_an_image_and_a_bootstrap_channel() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "parent", 7);
    let root = k.objects.create_resource(ResourceKind::Process, 0, 0);
    let root = install(&mut k, p, root, Rights::DEFAULT | Rights::MANAGE) as usize;
    k.backend.poke(p, USER_BASE, b"child");
    let child = ok(call(&mut k, a, Syscall::ProcessCreate, &[root, USER_BASE, 5, 11]));
    let image = ok(call(&mut k, a, Syscall::VmoCreate, &[4096, 0]));
    k.backend.poke(p, USER_BASE, b"weft");
    ok(call(&mut k, a, Syscall::VmoWrite, &[image, 0, USER_BASE, 4]));
    ok(call(&mut k, a, Syscall::ChannelCreate, &[USER_BASE]));
    let [mine, theirs]: [u32; 2] = k.backend.peek_pod(p, USER_BASE);
    k.backend.take_log();
    ok(call(&mut k, a, Syscall::ProcessStart, &[child, image, theirs as usize]));
    assert_eq!(err(call(&mut k, a, Syscall::HandleClose, &[theirs as usize])), Error::BadHandle);
    let log = k.backend.take_log();
    let [Event::Ready(main)] = log.as_slice() else { panic!("{log:?}") };
    let child_koid = k.objects.thread_process(*main).unwrap();
    assert_eq!(k.objects.thread_names(*main).unwrap().0, "child");
    ok(call(&mut k, a, Syscall::ProcessKill, &[child]));
    assert!(k.objects.thread_is_dead(*main));
    assert_eq!(k.objects.process_record(child_koid).unwrap().state, weft_abi::process_state::KILLED);
    let closed = Signals::PEER_CLOSED.bits() as usize;
    ok(call(&mut k, a, Syscall::ObjectWaitOne, &[mine as usize, closed, 0, 0]));
    // A new thread in one's own process, then killing oneself ends the call.
    k.backend.poke(p, USER_BASE, b"worker");
    let thread = ok(call(&mut k, a, Syscall::ThreadCreate, &[0x1000, 0, 0, USER_BASE, 6]));
    assert!(thread > 0);
    let me = install(&mut k, p, p, Rights::MANAGE) as usize;
    assert_eq!(call(&mut k, a, Syscall::ProcessKill, &[me]), Outcome::Ended);
}

#[test]
fn only_drivers_feed_the_entropy_pool() {
    let mut k = kernel();
    let (p, a) = spawn(&mut k, "driver", 7);
    k.backend.poke(p, USER_BASE, b"noise");
    let add = |k: &mut Kernel<TestBackend>, resource: usize, buffer: usize, len: usize| {
        call(k, a, Syscall::RandomAdd, &[resource, buffer, len])
    };
    // Refused: no resource, another kind of object, another kind of
    // resource, a device resource without `MANAGE`.
    assert_eq!(err(add(&mut k, 0, USER_BASE, 5)), Error::BadHandle);
    assert_eq!(err(add(&mut k, usize::MAX, USER_BASE, 5)), Error::BadHandle);
    let event = ok(call(&mut k, a, Syscall::EventCreate, &[]));
    assert_eq!(err(add(&mut k, event, USER_BASE, 5)), Error::AccessDenied);
    let koid = basic_info(&mut k, a, p, event as u32).koid;
    let event = install(&mut k, p, koid, Rights::DEFAULT | Rights::MANAGE) as usize;
    assert_eq!(err(add(&mut k, event, USER_BASE, 5)), Error::WrongType);
    for kind in [ResourceKind::Info, ResourceKind::Process, ResourceKind::Irq] {
        let other = k.objects.create_resource(kind, 0x40, 1);
        let other = install(&mut k, p, other, Rights::DEFAULT | Rights::MANAGE) as usize;
        assert_eq!(err(add(&mut k, other, USER_BASE, 5)), Error::AccessDenied, "{kind:?}");
    }
    let mmio = k.objects.create_resource(ResourceKind::Mmio, 0x0a00_3e00, 0x200);
    let weak = install(&mut k, p, mmio, Rights::DEFAULT) as usize;
    assert_eq!(err(add(&mut k, weak, USER_BASE, 5)), Error::AccessDenied);
    // A device resource with `MANAGE`: lengths and pointers are checked.
    let mmio = install(&mut k, p, mmio, Rights::DEFAULT | Rights::MANAGE) as usize;
    let limit = weft_abi::limits::RANDOM_BYTES;
    assert_eq!(err(add(&mut k, mmio, USER_BASE, limit + 1)), Error::OutOfRange);
    assert_eq!(err(add(&mut k, mmio, USER_BASE, usize::MAX)), Error::OutOfRange);
    assert_eq!(err(add(&mut k, mmio, 0, 5)), Error::BadAddress);
    assert_eq!(err(add(&mut k, mmio, usize::MAX - 2, 5)), Error::BadAddress);
    assert_eq!(err(add(&mut k, mmio, USER_BASE + USER_SIZE - 2, 5)), Error::BadAddress);
    assert_eq!(k.backend.take_log(), []);
    // Accepted: the bytes reach the backend's pool, nothing else changes.
    assert_eq!(ok(add(&mut k, mmio, USER_BASE, 5)), 5);
    assert_eq!(ok(add(&mut k, mmio, USER_BASE, limit)), limit);
    let root = k.objects.create_resource(ResourceKind::Root, 0, u64::MAX);
    let root = install(&mut k, p, root, Rights::DEFAULT | Rights::MANAGE) as usize;
    assert_eq!(ok(add(&mut k, root, USER_BASE + 1, 2)), 2);
    let log = k.backend.take_log();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0], Event::Entropy(b"noise".to_vec()));
    assert!(matches!(&log[1], Event::Entropy(bytes) if bytes.len() == limit && bytes.starts_with(b"noise")));
    assert_eq!(log[2], Event::Entropy(b"oi".to_vec()));
    ok(call(&mut k, a, Syscall::RandomGet, &[USER_BASE, 3]));
    assert_eq!(k.backend.peek(p, USER_BASE, 3), [0x5a; 3]);
}
