//! The kernel console: the UART behind a lock, and `kprintln!`.

use core::fmt::Write;

use super::uart::Uart;

static CONSOLE: spin::Mutex<Option<Uart>> = spin::Mutex::new(None);

/// Install the console UART.
pub fn install(uart: Uart) {
    *CONSOLE.lock() = Some(uart);
}

/// Write raw bytes to the console (if there is one).
pub fn write_bytes(bytes: &[u8]) {
    if let Some(uart) = CONSOLE.lock().as_ref() {
        uart.write_bytes(bytes);
    }
}

struct Writer;

impl Write for Writer {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        write_bytes(text.as_bytes());
        Ok(())
    }
}

/// Write formatted text (the `kprint!` macros call this).
pub fn print(arguments: core::fmt::Arguments<'_>) {
    let _ = Writer.write_fmt(arguments);
}

/// The panic path: take the console even if a panicking context held it.
pub fn print_forced(arguments: core::fmt::Arguments<'_>) {
    if CONSOLE.is_locked() {
        // SAFETY: the kernel runs on one core with interrupts masked; a
        // held lock here means the holder panicked mid-write and will
        // never release it. The UART tolerates an interleaved byte.
        unsafe { CONSOLE.force_unlock() };
    }
    print(arguments);
}

/// Print to the kernel console.
#[macro_export]
macro_rules! kprint {
    ($($arg:tt)*) => { $crate::metal::console::print(format_args!($($arg)*)) };
}

/// Print a line to the kernel console.
#[macro_export]
macro_rules! kprintln {
    ($($arg:tt)*) => { $crate::metal::console::print(format_args!("{}\n", format_args!($($arg)*))) };
}
