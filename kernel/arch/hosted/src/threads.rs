//! Host threads that run Weft programs, and the system-call entry.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use weft_abi::{Error, Koid};
use weft_kernel::{Backend, Outcome, SyscallArgs};

use crate::backend::{HostCall, Window};
use crate::system::Shared;

/// How a new host thread begins.
pub(crate) enum Start {
    /// A program's main thread: its entry and bootstrap handle.
    Program { main: crate::ProgramClosure, bootstrap: u32, name: String },
    /// A thread made with `thread_create`.
    Closure(Box<dyn FnOnce() + Send>),
}

/// Which Weft thread the current host thread is.
#[derive(Clone)]
pub(crate) struct Binding {
    pub shared: Arc<Shared>,
    pub thread: Koid,
    pub process: Koid,
    /// A host thread that joined with `Hosted::attach` (test code): its
    /// panics are the host's, reported the usual way.
    pub attached: bool,
}

thread_local! {
    static CURRENT: RefCell<Option<Binding>> = const { RefCell::new(None) };
    /// CPU time this host thread had used when last charged.
    static CHARGED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The unwind payload that ends a host thread whose Weft thread has ended
/// (exit, or its process was killed). Not a fault.
pub struct ThreadEnded;

pub(crate) fn bind(binding: Option<Binding>) {
    CURRENT.with(|current| *current.borrow_mut() = binding);
}

pub(crate) fn current() -> Option<Binding> {
    CURRENT.with(|current| current.borrow().clone())
}

/// Install, once, a panic hook that records the message of a panicking Weft
/// thread for the kernel's fault report, and defers to the default hook
/// for every other host thread.
pub(crate) fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if current().is_some_and(|binding| !binding.attached) {
                let location =
                    info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
                let message = if let Some(text) = info.payload().downcast_ref::<&str>() {
                    (*text).to_string()
                } else if let Some(text) = info.payload().downcast_ref::<String>() {
                    text.clone()
                } else {
                    "panic".to_string()
                };
                PANIC_MESSAGE
                    .with(|slot| *slot.borrow_mut() = Some(format!("panicked: {message}{location}")));
            } else {
                default(info);
            }
        }));
    });
}

pub(crate) fn spawn(shared: Weak<Shared>, process: Koid, thread: Koid, start: Start) {
    let label = match &start {
        Start::Program { name, .. } => name.clone(),
        Start::Closure(_) => format!("thread-{thread}"),
    };
    let spawned = std::thread::Builder::new().name(label).spawn(move || {
        let Some(shared) = shared.upgrade() else {
            return;
        };
        bind(Some(Binding { shared: Arc::clone(&shared), thread, process, attached: false }));
        let result = panic::catch_unwind(AssertUnwindSafe(|| match start {
            Start::Program { main, bootstrap, .. } => Some(main.as_ref()(bootstrap)),
            Start::Closure(closure) => {
                closure();
                None
            }
        }));
        bind(None);
        let mut kernel = shared.lock();
        match result {
            Ok(Some(code)) => kernel.exit_process(process, code),
            Ok(None) => kernel.end_thread(thread),
            Err(payload) if payload.is::<ThreadEnded>() => {}
            Err(_) => {
                let reason =
                    PANIC_MESSAGE.with(|slot| slot.borrow_mut().take()).unwrap_or_else(|| "panicked".into());
                kernel.fault(thread, &reason);
            }
        }
        kernel.backend.host_thread_left(process);
    });
    if spawned.is_err() {
        // The host refused a thread: treat it as the thread faulting.
        if let Some(shared) = shared_upgrade_for_failure() {
            shared.lock().fault(thread, "host could not start a thread");
        }
    }
}

fn shared_upgrade_for_failure() -> Option<Arc<Shared>> {
    current().map(|binding| binding.shared)
}

/// Enter the hosted kernel: the system-call boundary in hosted mode.
///
/// `windows` are the caller's buffers for this call; every user pointer in
/// `args` must fall inside one of them (or inside memory mapped into the
/// process), exactly as on hardware it must fall inside the caller's
/// page tables. If the calling thread has ended, this unwinds the host
/// thread with [`ThreadEnded`] and does not return.
pub fn syscall(number: usize, args: [usize; 6], windows: &[Window]) -> isize {
    let Some(binding) = current() else {
        return Error::encode_result(Err(Error::BadState));
    };
    let call = HostCall::new(windows);
    let raw = SyscallArgs { number, args };
    let mut kernel = binding.shared.lock();
    charge_cpu(&mut kernel, binding.thread);
    loop {
        match kernel.syscall(binding.thread, raw, &call) {
            Outcome::Done(value) => return value,
            Outcome::Yield => {
                drop(kernel);
                std::thread::yield_now();
                return 0;
            }
            Outcome::Ended => {
                drop(kernel);
                return ended();
            }
            Outcome::Blocked => {
                let Some(wake) = kernel.objects.thread_context(binding.thread).map(|c| Arc::clone(&c.wake))
                else {
                    drop(kernel);
                    return ended();
                };
                wake.ready.store(false, Ordering::Release);
                // The reply often comes within microseconds (the peer runs
                // on the other core): spin briefly before sleeping.
                drop(kernel);
                let spin_until = std::time::Instant::now() + SPIN;
                while !wake.ready.load(Ordering::Acquire) && std::time::Instant::now() < spin_until {
                    std::hint::spin_loop();
                }
                kernel = binding.shared.lock();
                // Park until the kernel makes the thread ready again (woken,
                // or its deadline fires), then re-run the call.
                while kernel.objects.thread_is_blocked(binding.thread) {
                    let now = kernel.backend.now();
                    match kernel.objects.thread_deadline(binding.thread) {
                        Some(deadline) if deadline <= now => kernel.advance_time(now),
                        Some(deadline) => {
                            let wait = Duration::from_nanos(deadline - now);
                            kernel = binding.shared.park(&wake.condvar, kernel, Some(wait));
                        }
                        None => kernel = binding.shared.park(&wake.condvar, kernel, None),
                    }
                }
            }
        }
    }
}

/// CPU time the calling host thread has used, in nanoseconds.
fn thread_cpu_time() -> u64 {
    let mut time = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `clock_gettime` writes one `timespec` through the valid
    // pointer and touches nothing else.
    let result = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) };
    if result != 0 {
        return 0;
    }
    (time.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(time.tv_nsec as u64)
}

/// Charge the CPU time the calling thread used since its last kernel entry
/// to its process (what `ps` and the monitor show).
fn charge_cpu(kernel: &mut weft_kernel::Kernel<crate::HostBackend>, thread: Koid) {
    let now = thread_cpu_time();
    let used = now.saturating_sub(CHARGED.with(|c| c.replace(now)));
    if used > 0 {
        kernel.objects.charge_cpu(thread, used);
    }
}

/// How long a blocked thread spins before sleeping.
const SPIN: Duration = Duration::from_micros(20);

/// The calling thread has ended: unwind its host thread, unless it is
/// already unwinding (a destructor closing handles), in which case the call
/// just fails.
fn ended() -> isize {
    if std::thread::panicking() {
        return Error::encode_result(Err(Error::Killed));
    }
    panic::resume_unwind(Box::new(ThreadEnded));
}

/// Register a closure to run as a new thread; returns the `entry` token to
/// pass to `thread_create`.
pub fn register_thread_entry(entry: Box<dyn FnOnce() + Send>) -> Result<usize, Error> {
    let binding = current().ok_or(Error::BadState)?;
    let mut kernel = binding.shared.lock();
    let token = kernel.backend.next_closure;
    // Tokens stay below the program-entry bit.
    kernel.backend.next_closure = (token + 1) % (1 << 60);
    kernel.backend.closures.insert(token, entry);
    Ok(token)
}

/// Forget a registered closure that was never started (its `thread_create`
/// failed).
pub fn unregister_thread_entry(token: usize) {
    if let Some(binding) = current() {
        binding.shared.lock().backend.closures.remove(&token);
    }
}

/// The calling program's instance of a per-process global of type `T`,
/// created with `T::default()` on first use.
///
/// All hosted programs share one host address space, so a runtime global
/// (the log sink, the namespace channel) must be kept per Weft process; on
/// hardware each process has its own statics and this is a plain static.
/// Returns `None` on a host thread that is not a Weft thread.
pub fn process_local<T: Default + Send + Sync + 'static>() -> Option<Arc<T>> {
    let binding = current()?;
    let mut kernel = binding.shared.lock();
    let map = kernel.backend.locals.entry(binding.process).or_default();
    let value = map.entry(std::any::TypeId::of::<T>()).or_insert_with(|| Arc::new(T::default()));
    Arc::clone(value).downcast::<T>().ok()
}

/// The koid of the calling thread's process, if it is a Weft thread.
pub fn current_process() -> Option<Koid> {
    current().map(|binding| binding.process)
}

/// Base of the physical-address range hosted device numbers occupy. A
/// hosted device is reached through an `Mmio` resource covering its number,
/// exactly as a real device is reached through one covering its registers.
pub const DEVICE_BASE: u64 = 0xffff_0000_0000_0000;

/// Open the host device model behind `resource` (a handle in the calling
/// process). The handle must name an `Mmio` resource carrying `MANAGE` and
/// covering the device's number; otherwise the kernel's error is returned.
pub fn open_device(resource: u32) -> Result<Arc<dyn std::any::Any + Send + Sync>, Error> {
    let binding = current().ok_or(Error::BadState)?;
    let kernel = binding.shared.lock();
    let (kind, base, size) =
        kernel.objects.resource_of(binding.process, resource, weft_abi::Rights::MANAGE)?;
    if kind != weft_abi::ResourceKind::Mmio || size != 1 || base < DEVICE_BASE {
        return Err(Error::WrongType);
    }
    kernel.backend.devices.get(&base).cloned().ok_or(Error::NotFound)
}
