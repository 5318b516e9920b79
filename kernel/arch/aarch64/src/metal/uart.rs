//! The console UART: PL011 (QEMU `virt`) or 16550-style (Allwinner A64).
//!
//! Output only, polled. The firmware has already set the baud rate.

use crate::devicetree::UartKind;

/// A mapped console UART.
pub struct Uart {
    base: usize,
    kind: UartKind,
}

impl Uart {
    /// A UART whose registers are mapped at `base`.
    ///
    /// # Safety
    /// `base` must map the UART's registers as device memory for as long as
    /// the value is used.
    pub const unsafe fn new(base: usize, kind: UartKind) -> Uart {
        Uart { base, kind }
    }

    fn read(&self, offset: usize, wide: bool) -> u32 {
        let address = self.base + offset;
        // SAFETY: `offset` is a register of this UART inside the mapping the
        // constructor's contract guarantees; volatile because it is a device.
        unsafe {
            if wide {
                core::ptr::read_volatile(address as *const u32)
            } else {
                u32::from(core::ptr::read_volatile(address as *const u8))
            }
        }
    }

    fn write(&self, offset: usize, value: u32, wide: bool) {
        let address = self.base + offset;
        // SAFETY: as in `read`.
        unsafe {
            if wide {
                core::ptr::write_volatile(address as *mut u32, value);
            } else {
                core::ptr::write_volatile(address as *mut u8, value as u8);
            }
        }
    }

    /// Send one byte, waiting for room.
    pub fn put(&self, byte: u8) {
        match self.kind {
            UartKind::Pl011 => {
                // FR.TXFF (bit 5): transmit FIFO full.
                while self.read(0x18, true) & (1 << 5) != 0 {
                    core::hint::spin_loop();
                }
                self.write(0x00, u32::from(byte), true);
            }
            UartKind::Ns16550 { shift } => {
                let wide = shift >= 2;
                // LSR.THRE (bit 5): holding register empty.
                while self.read(5 << shift, wide) & (1 << 5) == 0 {
                    core::hint::spin_loop();
                }
                self.write(0, u32::from(byte), wide);
            }
        }
    }

    /// Send bytes, turning `\n` into `\r\n`.
    pub fn write_bytes(&self, bytes: &[u8]) {
        for &byte in bytes {
            if byte == b'\n' {
                self.put(b'\r');
            }
            self.put(byte);
        }
    }
}
