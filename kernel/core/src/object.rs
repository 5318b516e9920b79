//! Kernel objects: the bookkeeping every object has, and the small kinds (timers, interrupts, resources).

use alloc::vec::Vec;
use weft_abi::{Error, Koid, ObjectKind, ResourceKind, Signals};

use crate::backend::Backend;
use crate::channel::Endpoint;
use crate::port::Port;
use crate::process::{Process, Thread};
use crate::vmo::Vmo;

/// One kernel object with its bookkeeping.
pub(crate) struct Object<B: Backend> {
    /// Handles naming this object, in handle tables or in messages in transit.
    pub handle_refs: u32,
    /// Current signal state.
    pub signals: Signals,
    /// Threads blocked until one of the given signals is raised.
    pub waiters: Vec<(Koid, Signals)>,
    /// One-shot asynchronous waits that queue a packet on a port.
    pub observers: Vec<Observer>,
    /// What the object is.
    pub data: ObjectData<B>,
}

/// An `object_wait_async` registration.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Observer {
    pub port: Koid,
    pub key: u64,
    pub signals: Signals,
}

/// The kind-specific state of an object.
pub(crate) enum ObjectData<B: Backend> {
    Process(Process<B>),
    Thread(Thread<B>),
    Channel(Endpoint),
    Vmo(Vmo<B>),
    Port(Port),
    Timer(Timer),
    Event,
    Interrupt(Interrupt),
    Resource(Resource),
}

impl<B: Backend> ObjectData<B> {
    pub fn kind(&self) -> ObjectKind {
        match self {
            ObjectData::Process(_) => ObjectKind::Process,
            ObjectData::Thread(_) => ObjectKind::Thread,
            ObjectData::Channel(_) => ObjectKind::Channel,
            ObjectData::Vmo(_) => ObjectKind::Vmo,
            ObjectData::Port(_) => ObjectKind::Port,
            ObjectData::Timer(_) => ObjectKind::Timer,
            ObjectData::Event => ObjectKind::Event,
            ObjectData::Interrupt(_) => ObjectKind::Interrupt,
            ObjectData::Resource(_) => ObjectKind::Resource,
        }
    }
}

/// A one-shot timer.
#[derive(Debug, Default)]
pub(crate) struct Timer {
    pub deadline: Option<u64>,
}

/// A bound interrupt line.
#[derive(Debug)]
pub(crate) struct Interrupt {
    pub vector: u32,
}

/// Authority over a class of kernel operations or a physical range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Resource {
    pub kind: ResourceKind,
    pub base: u64,
    pub size: u64,
}

impl Resource {
    /// `AccessDenied` unless this resource grants `kind` over the range.
    pub fn require(&self, kind: ResourceKind, base: u64, size: u64) -> Result<(), Error> {
        if self.covers(kind, base, size) { Ok(()) } else { Err(Error::AccessDenied) }
    }

    /// Whether this resource grants `kind` over `[base, base + size)`.
    pub fn covers(&self, kind: ResourceKind, base: u64, size: u64) -> bool {
        if self.kind == ResourceKind::Root {
            return true;
        }
        if self.kind != kind {
            return false;
        }
        match kind {
            ResourceKind::Mmio | ResourceKind::Irq => {
                let Some(end) = base.checked_add(size) else {
                    return false;
                };
                let Some(own_end) = self.base.checked_add(self.size) else {
                    return false;
                };
                base >= self.base && end <= own_end
            }
            ResourceKind::Info | ResourceKind::Process | ResourceKind::Root => true,
        }
    }
}
