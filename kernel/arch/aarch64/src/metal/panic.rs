//! The kernel's last words: a panic or a kernel-mode exception prints what
//! happened and a backtrace from the frame-pointer chain, then stops.
//!
//! The kernel is built with frame pointers; each frame record is
//! `[previous x29, return address]`. The walk only follows records inside
//! the kernel stack, so a corrupt chain ends the walk instead of faulting.

use super::console::print_forced;

unsafe extern "C" {
    static __boot_stack_bottom: u8;
    static __boot_stack_top: u8;
}

fn stack_bounds() -> (u64, u64) {
    ((&raw const __boot_stack_bottom) as u64, (&raw const __boot_stack_top) as u64)
}

/// Print the return addresses found by walking frame records from `fp`.
pub fn backtrace(mut fp: u64) {
    let (bottom, top) = stack_bounds();
    print_forced(format_args!("backtrace (addr2line -e target/weft/<board>/weft-kernel.elf):\n"));
    for depth in 0..32 {
        if !fp.is_multiple_of(16) || fp < bottom || fp.saturating_add(16) > top {
            break;
        }
        // SAFETY: `fp` is 16-aligned and the 16-byte record lies inside the
        // kernel stack, which is mapped read/write.
        let (next, lr) = unsafe { (*(fp as *const u64), *((fp + 8) as *const u64)) };
        if lr == 0 {
            break;
        }
        print_forced(format_args!("  #{depth:<2} {:#018x}\n", lr.saturating_sub(4)));
        if next <= fp {
            break;
        }
        fp = next;
    }
}

/// The current frame pointer.
#[inline(always)]
pub fn frame_pointer() -> u64 {
    let fp: u64;
    // SAFETY: reads a register.
    unsafe { core::arch::asm!("mov {}, x29", out(reg) fp, options(nomem, nostack, preserves_flags)) };
    fp
}

/// Report a Rust panic in the kernel and stop.
pub fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    print_forced(format_args!("\nKERNEL PANIC: {info}\n"));
    backtrace(frame_pointer());
    super::halt()
}

/// Entry from the vectors for exceptions taken at EL1 (kernel bugs).
#[unsafe(no_mangle)]
extern "C" fn weft_el1_exception(frame: *const [u64; 34], kind: u64) -> ! {
    // SAFETY: the vector saved 34 words at `frame` on the kernel stack.
    let frame = unsafe { &*frame };
    let esr = super::registers::read!("esr_el1");
    let far = super::registers::read!("far_el1");
    let elr = frame[31];
    print_forced(format_args!(
        "\nKERNEL EXCEPTION: kind {kind}, esr {esr:#x} (class {:#x}), far {far:#x}, pc {elr:#x}, lr {:#x}, sp {:#x}\n",
        esr >> 26,
        frame[30],
        frame[33],
    ));
    print_forced(format_args!("  #0  {elr:#018x}\n"));
    backtrace(frame[29]);
    super::halt()
}
