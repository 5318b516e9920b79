//! Running threads: the trap handler, scheduling, the IPC fast path and
//! idling.
//!
//! The kernel runs with interrupts masked and holds no state across a
//! return to EL0 except in kernel objects, so one kernel stack serves
//! every thread. A system call that must wait returns `Blocked`; the thread
//! is parked with `restart` set and its call is issued again, with the
//! same registers, when the scheduler next picks it.

use alloc::format;
use alloc::string::String;

use weft_abi::Koid;
use weft_kernel::scheduler::QUANTUM_NS;
use weft_kernel::{Kernel, Outcome, SyscallArgs};

use super::backend::Metal;
use super::registers::{read, wait_for_interrupt};
use super::{console, mmu, timer};
use crate::frame::{Exception, Frame, decode, fault_status};

/// The machine: the kernel and what runs on this core.
pub struct Machine {
    /// The kernel.
    pub kernel: Kernel<Metal>,
    current: Option<Koid>,
    slice_started: u64,
    timer_interrupt: u32,
    yielded: bool,
    /// What the timer is programmed for (`u64::MAX`: disarmed).
    armed: Option<u64>,
}

static MACHINE: spin::Mutex<Option<Machine>> = spin::Mutex::new(None);

impl Machine {
    /// A machine around a kernel with its boot processes created.
    pub fn new(kernel: Kernel<Metal>, timer_interrupt: u32) -> Machine {
        Machine { kernel, current: None, slice_started: 0, timer_interrupt, yielded: false, armed: None }
    }

    fn frame_of(&mut self, thread: Koid) -> Option<*mut Frame> {
        self.kernel.objects.thread_context_mut(thread).map(|state| &raw mut state.frame)
    }

    fn syscall(&mut self, thread: Koid) {
        let Some(state) = self.kernel.objects.thread_context_mut(thread) else {
            return;
        };
        let (number, args) = state.frame.syscall();
        match self.kernel.syscall(thread, SyscallArgs { number, args }, &()) {
            Outcome::Done(value) => self.set_result(thread, value),
            Outcome::Blocked => {
                if let Some(state) = self.kernel.objects.thread_context_mut(thread) {
                    state.restart = true;
                }
                // The fast path: a call/reply woke its partner; run it now.
                if let Some(woken) = self.kernel.backend.last_woken.take() {
                    let now = timer::now();
                    if self.kernel.waits.scheduler.switch_to(woken, now) {
                        self.charge(now);
                        self.current = Some(woken);
                        self.slice_started = now;
                    }
                }
            }
            Outcome::Ended => {}
            Outcome::Yield => {
                self.set_result(thread, 0);
                self.yielded = true;
            }
        }
    }

    fn set_result(&mut self, thread: Koid, value: isize) {
        if let Some(state) = self.kernel.objects.thread_context_mut(thread) {
            state.frame.x[0] = value as u64;
        }
    }

    fn fault(&mut self, thread: Koid, exception: Exception, esr: u64) {
        let (elr, far) = self
            .kernel
            .objects
            .thread_context_mut(thread)
            .map_or((0, 0), |s| (s.frame.elr, read!("far_el1")));
        let what: String = match exception {
            Exception::DataAbort { write, status } => format!(
                "{} at {far:#x} ({}), pc {elr:#x}",
                if write { "write" } else { "read" },
                fault_status(status)
            ),
            Exception::InstructionAbort { status } => {
                format!("instruction fetch at {far:#x} ({}), pc {elr:#x}", fault_status(status))
            }
            Exception::Alignment => format!("misaligned pc or stack, pc {elr:#x}"),
            Exception::Undefined => format!("undefined instruction at pc {elr:#x}"),
            Exception::Breakpoint => format!("breakpoint at pc {elr:#x}"),
            Exception::Other(class) => {
                format!("exception class {class:#x} (esr {esr:#x}), pc {elr:#x}")
            }
            Exception::SystemCall => String::from("system call"),
        };
        self.kernel.fault(thread, &what);
    }

    fn handle_interrupts(&mut self) {
        loop {
            let intid = self.kernel.backend.gic().acknowledge();
            if intid >= super::gic::SPURIOUS {
                break;
            }
            if intid == self.timer_interrupt {
                timer::disarm();
                self.armed = Some(u64::MAX);
                let now = timer::now();
                self.kernel.advance_time(now);
            } else {
                self.kernel.interrupt(intid);
            }
            self.kernel.backend.gic().end(intid);
        }
    }

    fn charge(&mut self, now: u64) {
        if let Some(thread) = self.current {
            self.kernel.objects.charge_cpu(thread, now.saturating_sub(self.slice_started));
        }
    }

    fn arm_timer(&mut self) {
        let mut when = self.kernel.backend.deadline.unwrap_or(u64::MAX);
        if self.kernel.waits.scheduler.ready_count() > 0 {
            when = when.min(self.slice_started + QUANTUM_NS);
        }
        // Reprogramming costs a barrier; skip it when nothing changed.
        if self.armed == Some(when) {
            return;
        }
        if when == u64::MAX {
            timer::disarm();
        } else {
            timer::arm(when);
        }
        self.armed = Some(when);
    }

    /// Choose what runs next and return its frame. Idles until something
    /// is runnable.
    fn next(&mut self) -> *mut Frame {
        loop {
            let now = timer::now();
            let keep = self.current.filter(|&thread| {
                !self.yielded
                    && self.kernel.waits.scheduler.current() == Some(thread)
                    && !self.kernel.waits.scheduler.should_preempt(now)
            });
            self.yielded = false;
            let thread = match keep {
                Some(thread) => thread,
                None => {
                    self.charge(now);
                    self.current = None;
                    match self.kernel.waits.scheduler.pick_next(now) {
                        Some(thread) => {
                            self.current = Some(thread);
                            self.slice_started = now;
                            thread
                        }
                        None => {
                            self.idle();
                            continue;
                        }
                    }
                }
            };
            let restart = self
                .kernel
                .objects
                .thread_context_mut(thread)
                .map(|s| core::mem::replace(&mut s.restart, false));
            match restart {
                None => {
                    // Not a live thread any more.
                    self.current = None;
                    continue;
                }
                Some(true) => {
                    self.syscall(thread);
                    if self.current != Some(thread) || self.kernel.waits.scheduler.current() != Some(thread) {
                        continue;
                    }
                }
                Some(false) => {}
            }
            let Some(state) = self.kernel.objects.thread_context_mut(thread) else {
                continue;
            };
            let frame = &raw mut state.frame;
            let space: *const super::backend::SpaceHandle = &*state.space;
            // SAFETY: the space handle is kept alive by the thread's state
            // (an `Arc`), which lives until the thread ends; nothing ends a
            // thread between here and the pointer's only use below.
            self.kernel.backend.activate(unsafe { &*space });
            self.arm_timer();
            return frame;
        }
    }

    fn idle(&mut self) {
        mmu::clear_user();
        self.kernel.backend.active_root = None;
        self.arm_timer();
        wait_for_interrupt();
        self.handle_interrupts();
    }
}

/// Install the machine and run the first thread. Never returns.
pub fn start(machine: Machine) -> ! {
    let frame = {
        let mut guard = MACHINE.lock();
        let machine = guard.insert(machine);
        machine.next()
    };
    // SAFETY: `frame` is the saved state of a live thread, owned by its
    // kernel object, which stays alive until the thread traps again.
    unsafe { return_to_user(frame) }
}

unsafe extern "C" {
    fn weft_return_to_user(frame: *mut Frame) -> !;
}

/// Restore `frame` and return to EL0.
///
/// # Safety
/// `frame` must point at a live thread's saved registers.
unsafe fn return_to_user(frame: *mut Frame) -> ! {
    // SAFETY: the caller's contract; the exit path only reads the frame and
    // leaves SP_EL1 pointing at it for the thread's next trap.
    unsafe { weft_return_to_user(frame) }
}

/// Entry from the exception vectors for every trap from EL0. `frame` is
/// the trapping thread's frame, already saved. Returns the frame to run.
#[unsafe(no_mangle)]
extern "C" fn weft_el0_trap(frame: *mut Frame, kind: u64) -> *mut Frame {
    let mut guard = MACHINE.lock();
    let Some(machine) = guard.as_mut() else {
        crate::metal::fatal("trap before the kernel started");
    };
    let Some(thread) = machine.current else {
        crate::metal::fatal("trap with no current thread");
    };
    debug_assert_eq!(machine.frame_of(thread), Some(frame));
    match kind {
        0 => {
            let esr = read!("esr_el1");
            match decode(esr) {
                Exception::SystemCall => machine.syscall(thread),
                exception => machine.fault(thread, exception, esr),
            }
        }
        1 => machine.handle_interrupts(),
        _ => {
            let esr = read!("esr_el1");
            machine.fault(thread, Exception::Other((esr >> 26) as u8), esr);
        }
    }
    machine.next()
}

/// Report a kernel-level problem and stop.
pub fn report(message: &str) {
    console::print_forced(format_args!("kernel: {message}\n"));
}
