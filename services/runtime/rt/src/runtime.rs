//! What a program needs on the Weft kernel that the host's `std` would
//! otherwise provide: the entry point, the heap and the panic handler.
//!
//! A program crate invokes [`entry!`](crate::entry) once. On
//! `aarch64-unknown-none` that defines `_start` (the kernel starts the main
//! thread there with the bootstrap handle in `x0`), the global allocator
//! and the panic handler; on the host it defines a `main` that explains how
//! the program is run (hosted mode starts programs by function, not by
//! binary). Keeping these in the macro means only program binaries get
//! them, never the kernel or a library that links this crate.

/// Declare a program: `entry!(main)` with `fn main(bootstrap: u32) -> i32`.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        #[cfg(target_os = "none")]
        #[unsafe(no_mangle)]
        extern "C" fn _start(bootstrap: usize) -> ! {
            $crate::runtime::start(bootstrap, $main)
        }

        #[cfg(target_os = "none")]
        #[global_allocator]
        static WEFT_HEAP: $crate::runtime::Heap =
            $crate::runtime::Heap::new($crate::runtime::GrowBySystemCalls);

        #[cfg(target_os = "none")]
        #[panic_handler]
        fn weft_panic(info: &core::panic::PanicInfo<'_>) -> ! {
            $crate::runtime::panic(info)
        }

        #[cfg(not(target_os = "none"))]
        fn main() {
            let _ = $main;
            eprintln!(
                "this is a Weft program: it runs under the Weft kernel (`cargo xtask run`) \
                 or inside the hosted system (`cargo xtask run --hosted`)"
            );
        }
    };
}

#[cfg(target_os = "none")]
pub use imp::*;

#[cfg(target_os = "none")]
mod imp {
    use core::alloc::Layout;
    use core::fmt::Write;

    use weft_abi::{MapFlags, PAGE_SIZE};

    use crate::sys;

    /// Start the program: run `main` with the bootstrap handle, then exit
    /// with its code.
    pub fn start(bootstrap: usize, main: fn(u32) -> i32) -> ! {
        let code = main(bootstrap as u32);
        sys::process_exit(code)
    }

    /// Heap growth: each time the allocator runs dry, map a fresh memory
    /// object (at least 1 MiB) and hand it over. Memory is never returned
    /// to the kernel while the process lives.
    #[derive(Debug)]
    pub struct GrowBySystemCalls;

    const GROWTH: usize = 1 << 20;

    // SAFETY: `acquire` only makes system calls (which never allocate in
    // this process) and claims memory the kernel just mapped read/write
    // for this process alone.
    unsafe impl talc::source::Source for GrowBySystemCalls {
        fn acquire<B: talc::base::binning::Binning>(
            talc: &mut talc::base::Talc<Self, B>,
            layout: Layout,
        ) -> Result<(), ()> {
            let wanted = layout.size().checked_add(layout.align() + 4 * PAGE_SIZE).ok_or(())?.max(GROWTH);
            let size = wanted.div_ceil(PAGE_SIZE) * PAGE_SIZE;
            let vmo = sys::vmo_create(size, 0).map_err(|_| ())?;
            let mapped = sys::vm_map(vmo, 0, size, MapFlags::READ | MapFlags::WRITE);
            // The mapping keeps the memory alive; the handle is not needed.
            let _ = sys::handle_close(vmo);
            let address = mapped.map_err(|_| ())?;
            // SAFETY: the kernel mapped `size` bytes read/write at
            // `address` for this process; nothing else uses them.
            unsafe { talc.claim(address as *mut u8, size) }.map(drop).ok_or(())
        }
    }

    /// The program's global allocator.
    pub type Heap = talc::TalcLock<spin::Mutex<()>, GrowBySystemCalls>;

    /// A fixed buffer for formatting without the heap.
    struct Line {
        bytes: [u8; 512],
        len: usize,
    }

    impl Write for Line {
        fn write_str(&mut self, text: &str) -> core::fmt::Result {
            for &byte in text.as_bytes() {
                if let Some(slot) = self.bytes.get_mut(self.len) {
                    *slot = byte;
                    self.len += 1;
                }
            }
            Ok(())
        }
    }

    /// Report a panic on the kernel log and exit with code 101.
    pub fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        let mut line = Line { bytes: [0; 512], len: 0 };
        let _ = writeln!(line, "program panicked: {info}");
        let _ = sys::debug_write(line.bytes.get(..line.len).unwrap_or(&[]));
        sys::process_exit(101)
    }
}
