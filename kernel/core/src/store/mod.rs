//! The object store: every kernel object by koid, its references, destruction and interrupt lines.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use weft_abi::{Error, Instant, Koid, ResourceKind, Signals};

use crate::backend::Backend;
use crate::channel::{CallSlot, Endpoint};
use crate::handles::HandleEntry;
use crate::object::{Object, ObjectData, Resource};
use crate::process::{Process, Thread, ThreadState};
use crate::vmo::Vmo;

mod handles;
mod signals;
mod tasks;

/// What a store operation did that reaches past the store: the scheduler,
/// the deadline set or the backend. The store queues these in order and
/// [`crate::Waits::settle`] applies them before anything else looks at that
/// state, so the order of effects is the order they happened in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// A blocked thread's wait ended: drop its deadline, queue it, tell the backend.
    Ready { thread: Koid, deadline: Option<Instant>, priority: u8 },
    /// A destroyed timer's deadline leaves the deadline set.
    TimerGone { deadline: Instant, timer: Koid },
    /// A destroyed interrupt object's line is masked.
    Mask { vector: u32 },
}

/// Every kernel object, keyed by koid.
///
/// Objects live while handles (in tables or in messages in transit) name
/// them, or while something else holds them (a mapping, a live process or
/// thread). Handle tables live inside their processes; the lookups that
/// check rights are here too (`handles.rs`), as are signals and wait
/// registrations (`signals.rs`) and process and thread queries
/// (`tasks.rs`).
pub struct ObjectStore<B: Backend> {
    objects: BTreeMap<Koid, Object<B>>,
    next_koid: Koid,
    /// Interrupt vectors bound to interrupt objects.
    lines: BTreeMap<u32, Koid>,
    /// Effects not yet applied, oldest first.
    effects: Vec<Effect>,
}

impl<B: Backend> ObjectStore<B> {
    pub(crate) fn new() -> ObjectStore<B> {
        ObjectStore { objects: BTreeMap::new(), next_koid: 1024, lines: BTreeMap::new(), effects: Vec::new() }
    }

    /// Number of live objects.
    pub fn count(&self) -> usize {
        self.objects.len()
    }

    /// Whether `koid` names a live object.
    pub fn contains(&self, koid: Koid) -> bool {
        self.objects.contains_key(&koid)
    }

    pub(crate) fn insert(&mut self, data: ObjectData<B>, signals: Signals) -> Koid {
        let koid = self.next_koid;
        self.next_koid += 1;
        self.objects.insert(
            koid,
            Object { handle_refs: 0, signals, waiters: Vec::new(), observers: Vec::new(), data },
        );
        koid
    }

    /// Forget an object outright (one whose creation failed half-way).
    pub(crate) fn remove(&mut self, koid: Koid) {
        self.objects.remove(&koid);
    }

    pub(crate) fn get(&self, koid: Koid) -> Result<&Object<B>, Error> {
        self.objects.get(&koid).ok_or(Error::BadHandle)
    }

    pub(crate) fn get_mut(&mut self, koid: Koid) -> Result<&mut Object<B>, Error> {
        self.objects.get_mut(&koid).ok_or(Error::BadHandle)
    }

    /// Every object, in koid (creation) order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Koid, &Object<B>)> {
        self.objects.iter().map(|(&koid, object)| (koid, object))
    }

    pub(crate) fn process(&self, koid: Koid) -> Result<&Process<B>, Error> {
        match &self.get(koid)?.data {
            ObjectData::Process(process) => Ok(process),
            _ => Err(Error::WrongType),
        }
    }

    pub(crate) fn process_mut(&mut self, koid: Koid) -> Result<&mut Process<B>, Error> {
        match &mut self.get_mut(koid)?.data {
            ObjectData::Process(process) => Ok(process),
            _ => Err(Error::WrongType),
        }
    }

    pub(crate) fn thread(&self, koid: Koid) -> Result<&Thread<B>, Error> {
        match &self.get(koid)?.data {
            ObjectData::Thread(thread) => Ok(thread),
            _ => Err(Error::WrongType),
        }
    }

    pub(crate) fn thread_mut(&mut self, koid: Koid) -> Result<&mut Thread<B>, Error> {
        match &mut self.get_mut(koid)?.data {
            ObjectData::Thread(thread) => Ok(thread),
            _ => Err(Error::WrongType),
        }
    }

    /// Run `f` on a process's address space and a memory object at once
    /// (loading an image, mapping). They are different entries of one map,
    /// so the process is taken out while `f` runs.
    pub(crate) fn with_space_and_vmo<R>(
        &mut self,
        process: Koid,
        vmo: Koid,
        f: impl FnOnce(&mut B::AddressSpace, &Vmo<B>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let mut target = self.objects.remove(&process).ok_or(Error::BadHandle)?;
        let result = match (&mut target.data, self.objects.get(&vmo).map(|o| &o.data)) {
            (ObjectData::Process(state), Some(ObjectData::Vmo(vmo))) => match state.space.as_mut() {
                Some(space) => f(space, vmo),
                None => Err(Error::BadState),
            },
            (_, None) => Err(Error::BadHandle),
            _ => Err(Error::WrongType),
        };
        self.objects.insert(process, target);
        result
    }

    /// Create a resource object (boot code hands the root resource to the
    /// root manager).
    pub fn create_resource(&mut self, kind: ResourceKind, base: u64, size: u64) -> Koid {
        self.insert(ObjectData::Resource(Resource { kind, base, size }), Signals::empty())
    }

    /// Count one more reference (a handle about to exist outside a table).
    pub(crate) fn add_ref(&mut self, koid: Koid) -> Result<(), Error> {
        let object = self.get_mut(koid)?;
        object.handle_refs = object.handle_refs.saturating_add(1);
        Ok(())
    }

    /// Drop references to objects; destroy those left unreferenced, and
    /// whatever they held in turn. Iterative, so chains of channels carried
    /// inside channels cannot overflow the kernel stack.
    pub(crate) fn release(&mut self, entries: Vec<HandleEntry>) {
        let mut work: Vec<Koid> = entries.into_iter().map(|e| e.koid).collect();
        while let Some(koid) = work.pop() {
            let Some(object) = self.objects.get_mut(&koid) else {
                continue;
            };
            object.handle_refs = object.handle_refs.saturating_sub(1);
            if object.handle_refs == 0 {
                let held = self.destroy_if_unused(koid);
                work.extend(held.into_iter().map(|e| e.koid));
            }
        }
    }

    /// Destroy an object if nothing keeps it alive any more, and release
    /// whatever it held.
    pub(crate) fn discard(&mut self, koid: Koid) {
        let held = self.destroy_if_unused(koid);
        self.release(held);
    }

    /// Destroy an object with no handles left, if nothing else keeps it
    /// alive. Returns handles it held (queued messages) for release.
    fn destroy_if_unused(&mut self, koid: Koid) -> Vec<HandleEntry> {
        let Some(object) = self.objects.get(&koid) else {
            return Vec::new();
        };
        if object.handle_refs != 0 {
            return Vec::new();
        }
        let keep = match &object.data {
            ObjectData::Vmo(vmo) => vmo.mappings > 0,
            ObjectData::Process(process) => process.is_alive(),
            ObjectData::Thread(thread) => thread.state != ThreadState::Dead,
            _ => false,
        };
        if keep {
            return Vec::new();
        }
        let Some(mut object) = self.objects.remove(&koid) else {
            return Vec::new();
        };
        let mut held = Vec::new();
        match &mut object.data {
            ObjectData::Channel(endpoint) => {
                held = endpoint.drain_handles();
                if let Some(peer) = endpoint.peer.take() {
                    self.close_peer(peer);
                }
            }
            ObjectData::Timer(timer) => {
                if let Some(deadline) = timer.deadline.take() {
                    self.effects.push(Effect::TimerGone { deadline, timer: koid });
                }
            }
            ObjectData::Interrupt(interrupt) => {
                self.lines.remove(&interrupt.vector);
                self.effects.push(Effect::Mask { vector: interrupt.vector });
            }
            _ => {}
        }
        // Anyone still blocked on the object (through a handle closed by
        // another thread) re-runs its call and finds the handle gone.
        for (thread, _) in object.waiters.drain(..) {
            self.end_wait(thread);
        }
        held
    }

    /// The other end of `peer` is gone: callers waiting on `peer` for a
    /// reply will never get one, and it sees `PEER_CLOSED`.
    fn close_peer(&mut self, peer: Koid) {
        if let Ok(ObjectData::Channel(peer_end)) = self.get_mut(peer).map(|o| &mut o.data) {
            peer_end.peer = None;
            let waiting: Vec<Koid> = waiting_callers(peer_end);
            for thread in waiting {
                self.end_wait(thread);
            }
        }
        self.update_signals(peer, Signals::WRITABLE, Signals::PEER_CLOSED);
    }

    /// The effects queued so far, oldest first.
    pub(crate) fn take_effects(&mut self) -> Vec<Effect> {
        core::mem::take(&mut self.effects)
    }

    /// The interrupt object bound to `vector`, if any.
    pub(crate) fn line(&self, vector: u32) -> Option<Koid> {
        self.lines.get(&vector).copied()
    }

    /// Bind `vector` to an interrupt object (the caller checked it is free).
    pub(crate) fn bind_line(&mut self, vector: u32, koid: Koid) {
        self.lines.insert(vector, koid);
    }
}

fn waiting_callers(end: &Endpoint) -> Vec<Koid> {
    end.calls
        .values()
        .filter_map(|slot| match slot {
            CallSlot::Waiting { thread } => Some(*thread),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Message;
    use crate::object::Timer;
    use crate::testing::TestBackend;

    fn store() -> ObjectStore<TestBackend> {
        ObjectStore::new()
    }

    fn entry(koid: Koid) -> HandleEntry {
        HandleEntry { koid, rights: weft_abi::Rights::DEFAULT }
    }

    #[test]
    fn lookups_say_whether_the_koid_or_the_kind_is_wrong() {
        let mut objects = store();
        let event = objects.insert(ObjectData::Event, Signals::empty());
        assert!(objects.contains(event));
        assert_eq!(objects.process(event).err(), Some(Error::WrongType));
        assert_eq!(objects.thread(event + 1).err(), Some(Error::BadHandle));
        assert_eq!(objects.insert(ObjectData::Event, Signals::empty()), event + 1);
    }

    #[test]
    fn releasing_the_last_reference_destroys_whole_chains() {
        let mut objects = store();
        // A channel whose queue carries the only reference to an event.
        let event = objects.insert(ObjectData::Event, Signals::empty());
        let channel = objects.insert(ObjectData::Channel(Endpoint::default()), Signals::empty());
        objects.add_ref(event).unwrap();
        objects.add_ref(channel).unwrap();
        if let ObjectData::Channel(end) = &mut objects.get_mut(channel).unwrap().data {
            end.queue.push_back(Message {
                bytes: Vec::new(),
                handles: alloc::vec![entry(event)],
                sender_koid: 0,
                sender_principal: 0,
                txid: 0,
            });
        }
        objects.release(alloc::vec![entry(channel)]);
        assert_eq!(objects.count(), 0);
    }

    #[test]
    fn destroyed_timers_and_lines_leave_effects_in_order() {
        let mut objects = store();
        let timer = objects.insert(ObjectData::Timer(Timer { deadline: Some(5) }), Signals::empty());
        let irq =
            objects.insert(ObjectData::Interrupt(crate::object::Interrupt { vector: 33 }), Signals::empty());
        objects.bind_line(33, irq);
        objects.discard(timer);
        objects.discard(irq);
        assert_eq!(objects.line(33), None);
        assert_eq!(
            objects.take_effects(),
            [Effect::TimerGone { deadline: 5, timer }, Effect::Mask { vector: 33 }]
        );
        assert_eq!(objects.take_effects(), []);
    }

    #[test]
    fn referenced_objects_survive_discard() {
        let mut objects = store();
        let event = objects.insert(ObjectData::Event, Signals::empty());
        objects.add_ref(event).unwrap();
        objects.discard(event);
        assert!(objects.contains(event));
        assert_eq!(objects.add_ref(event + 7), Err(Error::BadHandle));
    }

    #[test]
    fn closing_one_end_tells_the_other() {
        let mut objects = store();
        let (a, b) = crate::channel::Ipc::create_pair(&mut objects);
        objects.discard(a);
        assert!(!objects.contains(a));
        let peer = objects.get(b).unwrap();
        assert_eq!(peer.signals, Signals::PEER_CLOSED);
        assert!(matches!(&peer.data, ObjectData::Channel(end) if end.peer.is_none()));
    }
}
