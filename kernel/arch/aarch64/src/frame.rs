//! The saved state of an EL0 thread, and decoding why it entered the kernel.

/// Every register an EL0 thread owns. The layout is fixed: the exception
/// vectors (`asm/vectors.S`) save into and restore from it by offset.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(16))]
pub struct Frame {
    /// x0..x30.
    pub x: [u64; 31],
    /// SP_EL0.
    pub sp: u64,
    /// ELR_EL1: where the thread resumes.
    pub elr: u64,
    /// SPSR_EL1: the thread's PSTATE.
    pub spsr: u64,
    /// TPIDR_EL0: the thread pointer.
    pub tpidr: u64,
    /// FPCR.
    pub fpcr: u64,
    /// FPSR.
    pub fpsr: u64,
    /// Padding to align the vector registers.
    pub reserved: u64,
    /// q0..q31.
    pub q: [u128; 32],
}

/// PSTATE for a new EL0 thread: AArch64 EL0t, interrupts unmasked.
pub const SPSR_EL0: u64 = 0;

const _: () = {
    assert!(core::mem::offset_of!(Frame, sp) == 248);
    assert!(core::mem::offset_of!(Frame, elr) == 256);
    assert!(core::mem::offset_of!(Frame, tpidr) == 272);
    assert!(core::mem::offset_of!(Frame, fpsr) == 288);
    assert!(core::mem::offset_of!(Frame, q) == 304);
    assert!(core::mem::size_of::<Frame>() == 816);
};

impl Frame {
    /// A thread about to start at `entry` with stack `stack` and `argument`
    /// in x0.
    pub fn new(entry: u64, stack: u64, argument: u64) -> Frame {
        let mut x = [0; 31];
        x[0] = argument;
        Frame {
            x,
            sp: stack,
            elr: entry,
            spsr: SPSR_EL0,
            tpidr: 0,
            fpcr: 0,
            fpsr: 0,
            reserved: 0,
            q: [0; 32],
        }
    }

    /// The system-call number (x8) and arguments (x0..x5).
    pub fn syscall(&self) -> (usize, [usize; 6]) {
        let [a, b, c, d, e, f, _, _, number, ..] = self.x;
        (number as usize, [a as usize, b as usize, c as usize, d as usize, e as usize, f as usize])
    }
}

/// Why a thread trapped, from ESR_EL1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exception {
    /// `svc #0` from AArch64.
    SystemCall,
    /// Data abort: a load or store faulted.
    DataAbort {
        /// Whether it was a write.
        write: bool,
        /// Fault status code (ESR.ISS.DFSC).
        status: u8,
    },
    /// Instruction abort: a fetch faulted.
    InstructionAbort {
        /// Fault status code.
        status: u8,
    },
    /// PC or SP misaligned.
    Alignment,
    /// An undefined or trapped instruction.
    Undefined,
    /// A breakpoint or `brk`.
    Breakpoint,
    /// Anything else, by exception class.
    Other(u8),
}

/// Decode an ESR_EL1 value taken from a lower exception level.
pub fn decode(esr: u64) -> Exception {
    let class = ((esr >> 26) & 0x3f) as u8;
    let iss = esr & 0x01ff_ffff;
    match class {
        0x15 => Exception::SystemCall,
        0x24 => Exception::DataAbort { write: iss & (1 << 6) != 0, status: (iss & 0x3f) as u8 },
        0x20 => Exception::InstructionAbort { status: (iss & 0x3f) as u8 },
        0x22 | 0x26 => Exception::Alignment,
        0x00 | 0x0e | 0x18 => Exception::Undefined,
        0x30 | 0x32 | 0x34 | 0x3c => Exception::Breakpoint,
        other => Exception::Other(other),
    }
}

/// Short words for a fault status code.
pub fn fault_status(status: u8) -> &'static str {
    match status & 0x3c {
        0x04 => "translation fault",
        0x08 => "access flag fault",
        0x0c => "permission fault",
        0x10 => "external abort",
        0x20 => "alignment fault",
        _ => "fault",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_common_classes() {
        assert_eq!(decode(0x5600_0000), Exception::SystemCall);
        // EL0 write to an unmapped page: EC 0x24, WnR, DFSC level-3 translation.
        assert_eq!(decode((0x24 << 26) | (1 << 6) | 0x07), Exception::DataAbort { write: true, status: 7 });
        assert_eq!(fault_status(0x07), "translation fault");
        assert_eq!(fault_status(0x0f), "permission fault");
        assert_eq!(decode(0x20 << 26), Exception::InstructionAbort { status: 0 });
        assert_eq!(decode(0), Exception::Undefined);
        assert_eq!(decode(0x3c << 26), Exception::Breakpoint);
    }

    #[test]
    fn syscall_registers() {
        let mut frame = Frame::new(0x40_0000, 0x7fff_0000, 9);
        frame.x[8] = 13;
        frame.x[5] = 55;
        assert_eq!(frame.syscall(), (13, [9, 0, 0, 0, 0, 55]));
    }
}
