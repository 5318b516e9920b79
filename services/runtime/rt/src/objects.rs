//! Events, timers, interrupts, processes and resources.

use weft_abi::{Error, InfoTopic, ProcessRecord, ResourceKind, Signals};

use crate::channel::Channel;
use crate::handle::{Handle, handle_type};
use crate::sys;
use crate::time::Deadline;
use crate::vmo::Vmo;

handle_type!(
    /// An event: an object with signals and nothing else.
    Event
);

impl Event {
    /// A new event.
    pub fn create() -> Result<Event, Error> {
        sys::event_create().map(|h| Event(Handle::from_raw(h)))
    }

    /// Raise `SIGNALED`.
    pub fn set(&self) -> Result<(), Error> {
        self.0.signal(Signals::empty(), Signals::SIGNALED)
    }

    /// Clear `SIGNALED`.
    pub fn clear(&self) -> Result<(), Error> {
        self.0.signal(Signals::SIGNALED, Signals::empty())
    }
}

handle_type!(
    /// A one-shot timer that raises `SIGNALED` at its deadline.
    Timer
);

impl Timer {
    /// A new, disarmed timer.
    pub fn create() -> Result<Timer, Error> {
        sys::timer_create().map(|h| Timer(Handle::from_raw(h)))
    }

    /// Arm (or re-arm) for `deadline`.
    pub fn set(&self, deadline: Deadline) -> Result<(), Error> {
        sys::timer_set(self.0.raw(), deadline.instant())
    }

    /// Disarm and clear.
    pub fn cancel(&self) -> Result<(), Error> {
        sys::timer_cancel(self.0.raw())
    }
}

handle_type!(
    /// An interrupt line bound to this process.
    Interrupt
);

impl Interrupt {
    /// Bind `vector`, which `resource` must cover.
    pub fn create(resource: &Resource, vector: u32) -> Result<Interrupt, Error> {
        sys::interrupt_create(resource.0.raw(), vector).map(|h| Interrupt(Handle::from_raw(h)))
    }

    /// Wait for the line to fire.
    pub fn wait(&self, deadline: Deadline) -> Result<(), Error> {
        self.0.wait(Signals::SIGNALED, deadline).map(drop)
    }

    /// Acknowledge and unmask.
    pub fn ack(&self) -> Result<(), Error> {
        sys::interrupt_ack(self.0.raw())
    }

    /// Raise it by software (device models).
    pub fn trigger(&self) -> Result<(), Error> {
        sys::interrupt_trigger(self.0.raw())
    }
}

handle_type!(
    /// Authority over processes, physical ranges, interrupts or system
    /// information.
    Resource
);

impl Resource {
    /// A narrower resource carved out of this one.
    pub fn narrow(&self, kind: ResourceKind, base: u64, size: u64) -> Result<Resource, Error> {
        sys::resource_create(self.0.raw(), kind, base, size).map(|h| Resource(Handle::from_raw(h)))
    }

    /// Every live process (needs an info or root resource).
    pub fn processes(&self) -> Result<alloc::vec::Vec<ProcessRecord>, Error> {
        let mut records = alloc::vec![ProcessRecord::default(); 64];
        loop {
            let total = sys::system_process_list(self.0.raw(), &mut records)?;
            if total <= records.len() {
                records.truncate(total);
                return Ok(records);
            }
            records = alloc::vec![ProcessRecord::default(); total + 16];
        }
    }

    /// What this resource covers (kind, base, size).
    pub fn info(&self) -> Result<weft_abi::ResourceInfo, Error> {
        sys::object_get_info(self.0.raw(), InfoTopic::Resource)
    }

    /// The physical address of a contiguous memory object (device DMA);
    /// this resource proves the caller drives a device.
    pub fn physical_address(&self, vmo: &Vmo) -> Result<u64, Error> {
        sys::vmo_physical_address(vmo.handle().raw(), self.0.raw())
    }

    /// Mix bytes read from this device (a hardware entropy source) into
    /// the kernel's entropy pool, at most
    /// [`weft_abi::limits::RANDOM_BYTES`] at a time. Needs an `Mmio` (or
    /// the root) resource with `MANAGE`; mixing never weakens the pool.
    pub fn add_entropy(&self, bytes: &[u8]) -> Result<(), Error> {
        sys::random_add(self.0.raw(), bytes)
    }

    /// Kernel-wide counters.
    pub fn kernel_stats(&self) -> Result<weft_abi::KernelStats, Error> {
        sys::object_get_info(self.0.raw(), InfoTopic::Kernel)
    }

    /// A memory object over a physical range this resource covers.
    pub fn physical_vmo(&self, base: u64, size: usize) -> Result<Vmo, Error> {
        sys::vmo_create_physical(self.0.raw(), base, size).map(|h| Vmo::from_handle(Handle::from_raw(h)))
    }
}

handle_type!(
    /// A process this program created or was given.
    Process
);

impl Process {
    /// An empty process named `name` with `principal` (needs a process or
    /// root resource).
    pub fn create(resource: &Resource, name: &str, principal: u64) -> Result<Process, Error> {
        sys::process_create(resource.0.raw(), name, principal).map(|h| Process(Handle::from_raw(h)))
    }

    /// Verify and start the program in `image`, giving it `bootstrap`.
    pub fn start(&self, image: &Vmo, bootstrap: Channel) -> Result<(), Error> {
        let bootstrap = bootstrap.into_handle();
        sys::process_start(self.0.raw(), image.handle().raw(), bootstrap.raw())?;
        bootstrap.into_raw();
        Ok(())
    }

    /// Kill it.
    pub fn kill(&self) -> Result<(), Error> {
        sys::process_kill(self.0.raw())
    }

    /// What the kernel knows about it.
    pub fn record(&self) -> Result<ProcessRecord, Error> {
        sys::object_get_info(self.0.raw(), InfoTopic::Process)
    }

    /// Wait for it to end.
    pub fn wait_terminated(&self, deadline: Deadline) -> Result<(), Error> {
        self.0.wait(Signals::TERMINATED, deadline).map(drop)
    }
}

/// End the calling process with `code`.
pub fn exit(code: i32) -> ! {
    sys::process_exit(code)
}
