//! Who runs and who waits: the scheduler, the deadline set, and the store's wake-ups handed on.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use weft_abi::{Error, Instant, Koid, Signals};

use crate::backend::Backend;
use crate::object::ObjectData;
use crate::scheduler::Scheduler;
use crate::store::{Effect, ObjectStore};
use crate::syscall::{Step, StepResult};

/// A wait a system call asks for: the objects and signals that end it, and
/// the deadline. The dispatcher registers it once the call has returned, so
/// every wake-up the call caused is handed on first.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Wait {
    pub targets: Vec<(Koid, Signals)>,
    pub deadline: Instant,
}

impl Wait {
    /// Block on `targets`, unless the deadline has already passed.
    pub(crate) fn or_time_out<B: Backend>(
        backend: &B,
        targets: Vec<(Koid, Signals)>,
        deadline: Instant,
    ) -> StepResult {
        if deadline <= backend.now() {
            return Err(Error::TimedOut);
        }
        Ok(Step::Block(Wait { targets, deadline }))
    }
}

/// The run queues and the deadline set.
///
/// Thread states and wait registrations live with the objects
/// (`ObjectStore::begin_wait` and `end_wait`); this owner
/// keeps the part outside the store in step: a thread that starts waiting
/// leaves the run queue and its deadline is armed, a thread whose wait ends
/// is queued again and the backend told.
#[derive(Debug)]
pub struct Waits {
    /// The scheduler policy (the aarch64 backend asks it what to run).
    pub scheduler: Scheduler,
    /// Pending deadlines: blocked threads and armed timers.
    deadlines: BTreeSet<(Instant, Koid)>,
}

impl Waits {
    pub(crate) fn new() -> Waits {
        Waits { scheduler: Scheduler::new(), deadlines: BTreeSet::new() }
    }

    /// The earliest pending deadline.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.first().map(|&(deadline, _)| deadline)
    }

    /// Apply what the store did since the last call, in order.
    pub(crate) fn settle<B: Backend>(&mut self, objects: &mut ObjectStore<B>, backend: &mut B) {
        for effect in objects.take_effects() {
            match effect {
                Effect::Ready { thread, deadline, priority } => {
                    if let Some(deadline) = deadline {
                        self.deadlines.remove(&(deadline, thread));
                    }
                    self.run(objects, backend, thread, priority);
                }
                Effect::TimerGone { deadline, timer } => {
                    self.deadlines.remove(&(deadline, timer));
                }
                Effect::Mask { vector } => backend.set_interrupt_masked(vector, true),
            }
        }
    }

    /// End a blocked thread's wait now (it is being killed).
    pub(crate) fn wake<B: Backend>(&mut self, objects: &mut ObjectStore<B>, backend: &mut B, thread: Koid) {
        objects.end_wait(thread);
        self.settle(objects, backend);
    }

    /// Queue a ready thread and tell the backend it may run.
    pub(crate) fn run<B: Backend>(
        &mut self,
        objects: &mut ObjectStore<B>,
        backend: &mut B,
        thread: Koid,
        priority: u8,
    ) {
        self.scheduler.make_ready(thread, priority);
        if let Some(context) = objects.thread_context_mut(thread) {
            backend.thread_ready(thread, context);
        }
    }

    /// Register `thread` as blocked: on the objects, in the deadline set,
    /// out of the run queue.
    pub(crate) fn block<B: Backend>(
        &mut self,
        objects: &mut ObjectStore<B>,
        backend: &mut B,
        thread: Koid,
        wait: &Wait,
    ) {
        objects.begin_wait(thread, &wait.targets, wait.deadline);
        if wait.deadline != weft_abi::DEADLINE_INFINITE {
            self.deadlines.insert((wait.deadline, thread));
            self.deadline_changed(backend);
        }
        self.scheduler.remove(thread);
    }

    /// Fire every deadline at or before `now`: wake threads whose wait timed
    /// out and signal expired timers.
    pub(crate) fn advance<B: Backend>(
        &mut self,
        objects: &mut ObjectStore<B>,
        backend: &mut B,
        now: Instant,
    ) {
        while let Some(&(deadline, koid)) = self.deadlines.first() {
            if deadline > now {
                break;
            }
            self.deadlines.remove(&(deadline, koid));
            if let Ok(object) = objects.get_mut(koid)
                && let ObjectData::Timer(timer) = &mut object.data
            {
                timer.deadline = None;
                objects.update_signals(koid, Signals::empty(), Signals::SIGNALED);
            } else {
                objects.end_wait(koid);
            }
            self.settle(objects, backend);
        }
        self.deadline_changed(backend);
    }

    /// Arm a timer's deadline.
    pub(crate) fn arm<B: Backend>(&mut self, backend: &mut B, deadline: Instant, koid: Koid) {
        self.deadlines.insert((deadline, koid));
        self.deadline_changed(backend);
    }

    /// Disarm a timer's deadline.
    pub(crate) fn disarm<B: Backend>(&mut self, backend: &mut B, deadline: Instant, koid: Koid) {
        self.deadlines.remove(&(deadline, koid));
        self.deadline_changed(backend);
    }

    fn deadline_changed<B: Backend>(&self, backend: &mut B) {
        backend.next_deadline_changed(self.next_deadline());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::Timer;
    use crate::testing::{Event, TestBackend, bare_process, bare_thread};

    fn setup() -> (Waits, ObjectStore<TestBackend>, TestBackend, Koid) {
        let mut objects = ObjectStore::new();
        let process = bare_process(&mut objects);
        let thread = bare_thread(&mut objects, process);
        objects.thread_mut(thread).unwrap().context = Some(());
        let mut waits = Waits::new();
        waits.scheduler.make_ready(thread, 16);
        (waits, objects, TestBackend::default(), thread)
    }

    #[test]
    fn a_blocked_thread_leaves_the_queue_until_its_wait_ends() {
        let (mut waits, mut objects, mut backend, thread) = setup();
        let event = objects.insert(ObjectData::Event, Signals::empty());
        let wait = Wait { targets: alloc::vec![(event, Signals::USER_0)], deadline: 70 };
        waits.block(&mut objects, &mut backend, thread, &wait);
        assert!(!waits.scheduler.is_ready(thread));
        assert_eq!(waits.next_deadline(), Some(70));
        objects.update_signals(event, Signals::empty(), Signals::USER_0);
        // Nothing outside the store changes until the effects are settled.
        assert!(!waits.scheduler.is_ready(thread));
        waits.settle(&mut objects, &mut backend);
        assert!(waits.scheduler.is_ready(thread));
        assert_eq!(waits.next_deadline(), None);
        assert_eq!(backend.log, [Event::Deadline(Some(70)), Event::Ready(thread)]);
    }

    #[test]
    fn deadlines_time_threads_out_and_fire_timers_in_order() {
        let (mut waits, mut objects, mut backend, thread) = setup();
        let timer = objects.insert(ObjectData::Timer(Timer { deadline: Some(20) }), Signals::empty());
        waits.arm(&mut backend, 20, timer);
        let wait = Wait { targets: Vec::new(), deadline: 10 };
        waits.block(&mut objects, &mut backend, thread, &wait);
        waits.advance(&mut objects, &mut backend, 15);
        assert_eq!(objects.get(timer).unwrap().signals, Signals::empty());
        waits.advance(&mut objects, &mut backend, 20);
        assert_eq!(objects.get(timer).unwrap().signals, Signals::SIGNALED);
        assert_eq!(
            backend.log,
            [
                Event::Deadline(Some(20)),
                Event::Deadline(Some(10)),
                Event::Ready(thread),
                Event::Deadline(Some(20)),
                Event::Deadline(None)
            ]
        );
    }

    #[test]
    fn settling_masks_lost_lines_and_forgets_lost_timers() {
        let (mut waits, mut objects, mut backend, _) = setup();
        let timer = objects.insert(ObjectData::Timer(Timer { deadline: Some(30) }), Signals::empty());
        waits.arm(&mut backend, 30, timer);
        let line =
            objects.insert(ObjectData::Interrupt(crate::object::Interrupt { vector: 50 }), Signals::empty());
        objects.discard(timer);
        objects.discard(line);
        waits.settle(&mut objects, &mut backend);
        assert_eq!(waits.next_deadline(), None);
        assert_eq!(backend.log, [Event::Deadline(Some(30)), Event::Masked(50, true)]);
    }

    #[test]
    fn a_wait_past_its_deadline_times_out_at_once() {
        let mut backend = TestBackend::default();
        backend.now = 5;
        assert_eq!(Wait::or_time_out(&backend, Vec::new(), 5).err(), Some(Error::TimedOut));
        backend.now = 4;
        let Ok(Step::Block(wait)) = Wait::or_time_out(&backend, Vec::new(), 5) else { panic!() };
        assert_eq!(wait.deadline, 5);
    }
}
