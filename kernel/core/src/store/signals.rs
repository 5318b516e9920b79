//! Signals and wait registrations: raising and clearing, blocked threads, port observers.

use alloc::vec::Vec;
use weft_abi::{Error, HandleValue, Instant, Koid, PacketKind, PortPacket, Rights, Signals};

use super::{Effect, ObjectStore};
use crate::backend::Backend;
use crate::object::ObjectData;
use crate::process::ThreadState;

impl<B: Backend> ObjectStore<B> {
    /// Change an object's signals; end the wait of every thread waiting for
    /// a raised bit and fire every observer watching for one.
    pub(crate) fn update_signals(&mut self, koid: Koid, clear: Signals, set: Signals) {
        let Some(object) = self.objects.get_mut(&koid) else {
            return;
        };
        let old = object.signals;
        let new = (old - clear) | set;
        if new == old {
            return;
        }
        object.signals = new;
        let raised = new - old;
        if raised.is_empty() {
            return;
        }
        let mut to_wake = Vec::new();
        object.waiters.retain(|&(thread, wanted)| {
            if wanted.intersects(new) {
                to_wake.push(thread);
                false
            } else {
                true
            }
        });
        let mut fired = Vec::new();
        object.observers.retain(|observer| {
            if observer.signals.intersects(new) {
                fired.push(*observer);
                false
            } else {
                true
            }
        });
        for thread in to_wake {
            self.end_wait(thread);
        }
        for observer in fired {
            let packet = PortPacket {
                key: observer.key,
                kind: PacketKind::Signal as u32,
                trigger: observer.signals.bits(),
                observed: new.bits(),
                reserved: 0,
                user: [0; 4],
            };
            self.queue_packet(observer.port, koid, packet);
        }
    }

    /// Put a packet on a port (signal packets are never dropped).
    pub(crate) fn queue_packet(&mut self, port: Koid, source: Koid, packet: PortPacket) {
        let Ok(object) = self.get_mut(port) else {
            return;
        };
        let ObjectData::Port(port_state) = &mut object.data else {
            return;
        };
        port_state.queue.push_back((source, packet));
        self.update_signals(port, Signals::empty(), Signals::READABLE);
    }

    /// Register the thread as blocked on `objects` until `deadline` (the
    /// deadline set and the scheduler are [`crate::Waits::block`]'s part).
    pub(crate) fn begin_wait(&mut self, thread: Koid, objects: &[(Koid, Signals)], deadline: Instant) {
        for &(koid, signals) in objects {
            if let Some(object) = self.objects.get_mut(&koid) {
                object.waiters.push((thread, signals));
            }
        }
        if let Ok(state) = self.thread_mut(thread) {
            state.state = ThreadState::Blocked;
            state.waiting_on = objects.iter().map(|&(koid, _)| koid).collect();
            state.deadline = (deadline != weft_abi::DEADLINE_INFINITE).then_some(deadline);
        }
    }

    /// End a blocked thread's wait: it is ready again and registered
    /// nowhere. Does nothing to threads that are not blocked. The scheduler
    /// and the backend hear of it through [`Effect::Ready`].
    pub(crate) fn end_wait(&mut self, thread: Koid) {
        let Ok(state) = self.thread_mut(thread) else {
            return;
        };
        if state.state != ThreadState::Blocked {
            return;
        }
        state.state = ThreadState::Ready;
        let waiting_on = core::mem::take(&mut state.waiting_on);
        let deadline = state.deadline.take();
        let priority = state.priority;
        for koid in waiting_on {
            if let Some(object) = self.objects.get_mut(&koid) {
                object.waiters.retain(|&(t, _)| t != thread);
            }
        }
        self.effects.push(Effect::Ready { thread, deadline, priority });
    }

    /// `object_signal` and `object_signal_peer`: change user signals (and
    /// `SIGNALED` on events) on an object or on a channel's peer.
    pub(crate) fn signal(
        &mut self,
        process: Koid,
        handle: HandleValue,
        clear: Signals,
        set: Signals,
        peer: bool,
    ) -> Result<(), Error> {
        let entry = self.handle(process, handle, Rights::SIGNAL)?;
        let object = self.get(entry.koid)?;
        let (target, allowed) = if peer {
            match &object.data {
                ObjectData::Channel(endpoint) => (endpoint.peer.ok_or(Error::PeerClosed)?, Signals::USER_ALL),
                _ => return Err(Error::WrongType),
            }
        } else {
            let allowed = match &object.data {
                ObjectData::Event => Signals::USER_ALL | Signals::SIGNALED,
                _ => Signals::USER_ALL,
            };
            (entry.koid, allowed)
        };
        if !allowed.contains(clear | set) {
            return Err(Error::InvalidArgs);
        }
        self.update_signals(target, clear, set);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::Observer;
    use crate::port::Port;
    use crate::testing::{TestBackend, bare_thread};

    fn thread(objects: &mut ObjectStore<TestBackend>) -> Koid {
        let t = bare_thread(objects, 0);
        objects.thread_mut(t).unwrap().priority = 9;
        t
    }

    #[test]
    fn raising_a_wanted_signal_ends_the_wait_everywhere() {
        let mut objects = ObjectStore::<TestBackend>::new();
        let a = objects.insert(ObjectData::Event, Signals::empty());
        let b = objects.insert(ObjectData::Event, Signals::empty());
        let t = thread(&mut objects);
        objects.begin_wait(t, &[(a, Signals::USER_0), (b, Signals::USER_1)], 50);
        assert_eq!(objects.thread(t).unwrap().state, ThreadState::Blocked);
        // Clearing, or raising a bit nobody wants, wakes nobody.
        objects.update_signals(a, Signals::USER_0, Signals::USER_2);
        assert_eq!(objects.take_effects(), []);
        objects.update_signals(b, Signals::empty(), Signals::USER_1);
        assert_eq!(objects.take_effects(), [Effect::Ready { thread: t, deadline: Some(50), priority: 9 }]);
        assert!(objects.get(a).unwrap().waiters.is_empty());
        assert!(objects.thread(t).unwrap().waiting_on.is_empty());
        // Ending a wait twice does nothing the second time.
        objects.end_wait(t);
        assert_eq!(objects.take_effects(), []);
    }

    #[test]
    fn observers_fire_once_and_make_the_port_readable() {
        let mut objects = ObjectStore::<TestBackend>::new();
        let port = objects.insert(ObjectData::Port(Port::default()), Signals::empty());
        let event = objects.insert(ObjectData::Event, Signals::empty());
        let t = thread(&mut objects);
        objects.begin_wait(t, &[(port, Signals::READABLE)], weft_abi::DEADLINE_INFINITE);
        let observer = Observer { port, key: 4, signals: Signals::USER_3 };
        objects.get_mut(event).unwrap().observers.push(observer);
        objects.update_signals(event, Signals::empty(), Signals::USER_3);
        objects.update_signals(event, Signals::USER_3, Signals::empty());
        objects.update_signals(event, Signals::empty(), Signals::USER_3);
        let port_object = objects.get(port).unwrap();
        assert_eq!(port_object.signals, Signals::READABLE);
        let ObjectData::Port(state) = &port_object.data else { panic!() };
        assert_eq!(state.queue.len(), 1);
        assert_eq!(state.queue[0].0, event);
        assert_eq!(state.queue[0].1.key, 4);
        assert_eq!(objects.take_effects(), [Effect::Ready { thread: t, deadline: None, priority: 9 }]);
    }
}
