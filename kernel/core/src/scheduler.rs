//! Scheduler policy: fixed priorities, round robin within a priority,
//! blocking and wake-up.
//!
//! The policy is portable and holds only thread koids; a backend that
//! switches threads itself (the aarch64 kernel) asks it what to run next,
//! and the hosted backend, whose threads the host schedules, keeps it for
//! bookkeeping (which threads are ready, `ps`).

use alloc::collections::VecDeque;
use weft_abi::{Instant, Koid};

/// Number of priority levels; higher runs first.
pub const PRIORITIES: usize = 32;
/// Priority of ordinary threads.
pub const PRIORITY_DEFAULT: u8 = 16;
/// Time a thread runs before a same-priority thread gets the processor.
pub const QUANTUM_NS: u64 = 10_000_000;

/// Ready queues and the current thread of one processor.
#[derive(Debug)]
pub struct Scheduler {
    queues: [VecDeque<Koid>; PRIORITIES],
    /// Bit `p` set while queue `p` is non-empty.
    ready_mask: u32,
    current: Option<(Koid, u8)>,
    slice_started: Instant,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new()
    }
}

impl Scheduler {
    /// An idle scheduler.
    pub fn new() -> Scheduler {
        Scheduler {
            queues: core::array::from_fn(|_| VecDeque::new()),
            ready_mask: 0,
            current: None,
            slice_started: 0,
        }
    }

    fn level(priority: u8) -> usize {
        usize::from(priority).min(PRIORITIES - 1)
    }

    /// Make a thread ready to run (at the back of its priority's queue).
    /// Idempotent: a thread already queued or current is not added twice.
    pub fn make_ready(&mut self, thread: Koid, priority: u8) {
        if self.current.map(|(t, _)| t) == Some(thread) {
            return;
        }
        let level = Self::level(priority);
        if let Some(queue) = self.queues.get_mut(level)
            && !queue.contains(&thread)
        {
            queue.push_back(thread);
            self.ready_mask |= 1 << level;
        }
    }

    /// Remove a thread that blocked or ended, wherever it is.
    pub fn remove(&mut self, thread: Koid) {
        if self.current.map(|(t, _)| t) == Some(thread) {
            self.current = None;
        }
        for (level, queue) in self.queues.iter_mut().enumerate() {
            queue.retain(|&t| t != thread);
            if queue.is_empty() {
                self.ready_mask &= !(1 << level);
            }
        }
    }

    /// The thread that is running, if any.
    pub fn current(&self) -> Option<Koid> {
        self.current.map(|(thread, _)| thread)
    }

    /// Number of threads waiting for the processor (not counting the current one).
    pub fn ready_count(&self) -> usize {
        self.queues.iter().map(VecDeque::len).sum()
    }

    /// Whether `thread` is queued or current.
    pub fn is_ready(&self, thread: Koid) -> bool {
        self.current() == Some(thread) || self.queues.iter().any(|q| q.contains(&thread))
    }

    /// Choose the next thread: the head of the highest non-empty queue. The
    /// current thread, if still runnable, goes to the back of its queue
    /// first, so equal priorities take turns.
    pub fn pick_next(&mut self, now: Instant) -> Option<Koid> {
        if let Some((thread, priority)) = self.current.take() {
            self.make_ready(thread, priority);
        }
        if self.ready_mask == 0 {
            return None;
        }
        let level = 31 - self.ready_mask.leading_zeros() as usize;
        let queue = self.queues.get_mut(level)?;
        let thread = queue.pop_front()?;
        if queue.is_empty() {
            self.ready_mask &= !(1 << level);
        }
        self.current = Some((thread, level as u8));
        self.slice_started = now;
        Some(thread)
    }

    /// Called from the timer: whether the current thread should give way.
    /// True when its quantum is used up and an equal or higher priority
    /// thread is ready, or at once when a higher one is.
    pub fn should_preempt(&self, now: Instant) -> bool {
        let Some((_, priority)) = self.current else {
            return self.ready_mask != 0;
        };
        if self.ready_mask == 0 {
            return false;
        }
        let best = 31 - self.ready_mask.leading_zeros() as u8;
        best > priority || (best == priority && now.saturating_sub(self.slice_started) >= QUANTUM_NS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_priority_runs_first() {
        let mut s = Scheduler::new();
        s.make_ready(1, 10);
        s.make_ready(2, 20);
        s.make_ready(3, 5);
        assert_eq!(s.pick_next(0), Some(2));
        s.remove(2);
        assert_eq!(s.pick_next(0), Some(1));
        s.remove(1);
        assert_eq!(s.pick_next(0), Some(3));
    }

    #[test]
    fn equal_priorities_round_robin() {
        let mut s = Scheduler::new();
        for t in 1..=3 {
            s.make_ready(t, PRIORITY_DEFAULT);
        }
        let order: alloc::vec::Vec<_> = (0..6).map(|i| s.pick_next(i).unwrap()).collect();
        assert_eq!(order, [1, 2, 3, 1, 2, 3]);
    }

    #[test]
    fn blocked_threads_leave_and_woken_threads_return() {
        let mut s = Scheduler::new();
        s.make_ready(1, 16);
        s.make_ready(2, 16);
        assert_eq!(s.pick_next(0), Some(1));
        s.remove(1); // blocks
        assert_eq!(s.pick_next(0), Some(2));
        assert_eq!(s.pick_next(0), Some(2));
        s.make_ready(1, 16); // woken
        assert_eq!(s.pick_next(0), Some(1));
        assert!(!s.should_preempt(1));
        assert!(s.should_preempt(QUANTUM_NS + 1));
    }

    #[test]
    fn higher_priority_wakeup_preempts_at_once() {
        let mut s = Scheduler::new();
        s.make_ready(1, 8);
        assert_eq!(s.pick_next(0), Some(1));
        s.make_ready(2, 9);
        assert!(s.should_preempt(0));
        assert_eq!(s.pick_next(0), Some(2));
    }
}
