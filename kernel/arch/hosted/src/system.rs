//! A hosted Weft system: the kernel behind one lock, its clock thread, and
//! the host-side API used by the runner and by tests.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use weft_abi::{Error, HandleValue, Koid, ProcessRecord, ResourceKind, Rights};
use weft_kernel::{Backend, Kernel, KernelConfig};

use crate::backend::{HostBackend, HostThread};
use crate::threads::{self, Binding};
use crate::{DebugLog, Program, ProgramMain};

/// What every hosted thread shares.
pub struct Shared {
    kernel: Mutex<Kernel<HostBackend>>,
    clock: Arc<Condvar>,
    running: std::sync::atomic::AtomicBool,
}

impl Shared {
    /// Take the kernel lock (a poisoned lock is still usable: the kernel
    /// never leaves its state half-changed across a panic it did not cause).
    pub fn lock(&self) -> KernelGuard<'_> {
        KernelGuard { guard: Some(self.kernel.lock().unwrap_or_else(|poisoned| poisoned.into_inner())) }
    }

    /// Sleep on `wake` until notified or `timeout` passes (forever if
    /// `None`), releasing the kernel lock meanwhile.
    pub(crate) fn park<'a>(
        &'a self,
        wake: &Condvar,
        mut guard: KernelGuard<'a>,
        timeout: Option<Duration>,
    ) -> KernelGuard<'a> {
        let inner = guard.take_inner();
        let inner = match timeout {
            None => wake.wait(inner).unwrap_or_else(|poisoned| poisoned.into_inner()),
            Some(timeout) => match wake.wait_timeout(inner, timeout) {
                Ok((inner, _)) => inner,
                Err(poisoned) => poisoned.into_inner().0,
            },
        };
        KernelGuard { guard: Some(inner) }
    }
}

/// The kernel lock. Threads the kernel made ready while it was held are
/// woken when it is released.
pub struct KernelGuard<'a> {
    guard: Option<MutexGuard<'a, Kernel<HostBackend>>>,
}

impl<'a> KernelGuard<'a> {
    /// Wake pending threads (still holding the lock) and hand out the raw
    /// guard, for waiting on a condition variable.
    fn take_inner(&mut self) -> MutexGuard<'a, Kernel<HostBackend>> {
        let mut inner = self.guard.take().expect("a KernelGuard always holds its guard until dropped");
        for wake in inner.backend.pending_wakes.drain(..) {
            wake.notify();
        }
        inner
    }
}

impl std::ops::Deref for KernelGuard<'_> {
    type Target = Kernel<HostBackend>;
    fn deref(&self) -> &Self::Target {
        self.guard.as_ref().expect("a KernelGuard always holds its guard until dropped")
    }
}

impl std::ops::DerefMut for KernelGuard<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.guard.as_mut().expect("a KernelGuard always holds its guard until dropped")
    }
}

impl Drop for KernelGuard<'_> {
    fn drop(&mut self) {
        if let Some(mut inner) = self.guard.take() {
            let wakes = std::mem::take(&mut inner.backend.pending_wakes);
            drop(inner);
            for wake in wakes {
                wake.notify();
            }
        }
    }
}

/// A running hosted Weft kernel.
#[derive(Clone)]
pub struct Hosted {
    shared: Arc<Shared>,
    programs: Arc<RwLock<Vec<Program>>>,
    log: DebugLog,
}

impl Default for Hosted {
    fn default() -> Self {
        Hosted::new()
    }
}

impl Hosted {
    /// Start a hosted kernel with no processes. Its clock thread runs until
    /// [`Hosted::shutdown`].
    pub fn new() -> Hosted {
        threads::install_panic_hook();
        let programs = Arc::new(RwLock::new(Vec::new()));
        let clock = Arc::new(Condvar::new());
        let log = DebugLog::default();
        let shared = Arc::new_cyclic(|weak| Shared {
            kernel: Mutex::new(Kernel::new(
                HostBackend::new(Arc::clone(&programs), Arc::clone(&clock), log.clone(), weak.clone()),
                KernelConfig { memory_total: 0 },
            )),
            clock,
            running: std::sync::atomic::AtomicBool::new(true),
        });
        let weak = Arc::downgrade(&shared);
        let _ = std::thread::Builder::new().name("weft-clock".into()).spawn(move || clock_thread(weak));
        Hosted { shared, programs, log }
    }

    /// Make a program available to `process_start` under `name`.
    pub fn register_program(&self, name: &str, main: ProgramMain) {
        self.register_closure(name, Arc::new(main));
    }

    /// Make a closure available as program `name` (tests use this to run
    /// their own probes inside the service graph).
    pub fn register_closure(&self, name: &str, main: crate::ProgramClosure) {
        if let Ok(mut programs) = self.programs.write() {
            programs.retain(|p| p.name != name);
            programs.push(Program { name: name.to_string(), main });
        }
    }

    /// The image bytes that start program `name` in hosted mode.
    pub fn image_for(name: &str) -> Vec<u8> {
        let mut image = crate::backend::IMAGE_MAGIC.to_vec();
        image.extend_from_slice(name.as_bytes());
        image.push(b'\n');
        image
    }

    /// Run `f` with the kernel locked.
    pub fn with_kernel<R>(&self, f: impl FnOnce(&mut Kernel<HostBackend>) -> R) -> R {
        f(&mut self.shared.lock())
    }

    /// Create a memory object holding `bytes`.
    pub fn create_vmo(&self, bytes: &[u8]) -> Result<Koid, Error> {
        self.with_kernel(|k| k.create_vmo_with(bytes))
    }

    /// Create a resource object.
    pub fn create_resource(&self, kind: ResourceKind, base: u64, size: u64) -> Koid {
        self.with_kernel(|k| k.objects.create_resource(kind, base, size))
    }

    /// Start a boot program (see `Kernel::spawn_boot_process`).
    pub fn spawn(
        &self,
        name: &str,
        principal: u64,
        program: &str,
        message: &[u8],
        handles: Vec<(Koid, Rights)>,
    ) -> Result<Koid, Error> {
        let image = Hosted::image_for(program);
        self.with_kernel(|k| k.spawn_boot_process(name, principal, &image, message, handles))
    }

    /// Every live process.
    pub fn processes(&self) -> Vec<ProcessRecord> {
        self.with_kernel(|k| k.objects.process_records())
    }

    /// The kernel debug log so far.
    pub fn debug_log(&self) -> &DebugLog {
        &self.log
    }

    /// Turn the calling host thread into a thread of a new process named
    /// `name`, so it can make system calls (tests, host device models).
    /// The process ends when the returned guard is dropped.
    pub fn attach(&self, name: &str, principal: u64) -> Result<Attached, Error> {
        let mut kernel = self.shared.lock();
        let process = kernel.create_process(name, principal)?;
        let context = HostThread { wake: Arc::new(crate::backend::Wake::default()), start: None, process };
        let thread = kernel.adopt_thread(process, "main", context)?;
        kernel.backend.host_thread_started(process);
        drop(kernel);
        threads::bind(Some(Binding { shared: Arc::clone(&self.shared), thread, process, attached: true }));
        Ok(Attached { shared: Arc::clone(&self.shared), process })
    }

    /// Put a handle to `koid` into `process` (host-side set-up).
    pub fn install_handle(&self, process: Koid, koid: Koid, rights: Rights) -> Result<HandleValue, Error> {
        self.with_kernel(|k| k.objects.install_handle(process, koid, rights))
    }

    /// Make a host device model available: returns the koid of an `Mmio`
    /// resource for it, which boot code hands to the root manager under a
    /// capability name and the root manager routes to one driver. The
    /// driver opens the model with [`crate::open_device`].
    pub fn register_device(&self, model: Arc<dyn std::any::Any + Send + Sync>) -> Koid {
        self.with_kernel(|kernel| {
            let number = crate::threads::DEVICE_BASE + kernel.backend.devices.len() as u64;
            kernel.backend.devices.insert(number, model);
            kernel.objects.create_resource(ResourceKind::Mmio, number, 1)
        })
    }

    /// Kill every process and stop the clock thread.
    pub fn shutdown(&self) {
        self.shared.running.store(false, std::sync::atomic::Ordering::SeqCst);
        let mut kernel = self.shared.lock();
        for record in kernel.objects.process_records() {
            kernel.kill(record.koid);
        }
        self.shared.clock.notify_all();
    }
}

/// A host thread attached to the hosted kernel as a Weft thread.
pub struct Attached {
    shared: Arc<Shared>,
    process: Koid,
}

impl Attached {
    /// The koid of the attached process.
    pub fn process(&self) -> Koid {
        self.process
    }
}

impl Drop for Attached {
    fn drop(&mut self) {
        threads::bind(None);
        let mut kernel = self.shared.lock();
        kernel.exit_process(self.process, 0);
        kernel.backend.host_thread_left(self.process);
    }
}

fn clock_thread(shared: std::sync::Weak<Shared>) {
    loop {
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if !shared.running.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let mut kernel = shared.lock();
        let now = kernel.backend.now();
        if kernel.waits.next_deadline().is_some_and(|d| d <= now) {
            kernel.advance_time(now);
        }
        // Sleep until the next deadline, or a while; a new deadline wakes us.
        let wait = kernel
            .waits
            .next_deadline()
            .map(|d| Duration::from_nanos(d.saturating_sub(now)))
            .unwrap_or(Duration::from_millis(200))
            .min(Duration::from_millis(200));
        let clock = Arc::clone(&shared.clock);
        let guard = shared.park(&clock, kernel, Some(wait));
        drop(guard);
    }
}
