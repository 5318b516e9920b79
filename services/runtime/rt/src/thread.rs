//! Threads within the calling process.

use alloc::boxed::Box;
use weft_abi::{Error, Signals};

use crate::handle::{Handle, handle_type};
use crate::sys;
use crate::time::Deadline;

handle_type!(
    /// A thread of this process.
    Thread
);

impl Thread {
    /// Wait for the thread to end.
    pub fn join(&self, deadline: Deadline) -> Result<(), Error> {
        self.0.wait(Signals::TERMINATED, deadline).map(drop)
    }
}

/// Start `body` on a new thread named `name`.
pub fn spawn(name: &str, body: impl FnOnce() + Send + 'static) -> Result<Thread, Error> {
    imp::spawn(name, Box::new(body)).map(|h| Thread(Handle::from_raw(h)))
}

/// Give the processor to another ready thread.
pub fn yield_now() {
    sys::thread_yield();
}

#[cfg(not(target_os = "none"))]
mod imp {
    use alloc::boxed::Box;
    use weft_abi::{Error, HandleValue};

    use crate::sys;

    pub fn spawn(name: &str, body: Box<dyn FnOnce() + Send>) -> Result<HandleValue, Error> {
        let token = weft_kernel_hosted::register_thread_entry(body)?;
        sys::thread_create(token, 0, 0, name)
            .inspect_err(|_| weft_kernel_hosted::unregister_thread_entry(token))
    }
}

#[cfg(target_os = "none")]
mod imp {
    use alloc::boxed::Box;
    use weft_abi::{Error, HandleValue};

    use crate::sys;
    use crate::vmo::Vmo;

    const STACK_BYTES: usize = 256 * 1024;

    type Body = Box<dyn FnOnce() + Send>;

    extern "C" fn trampoline(argument: usize) -> ! {
        // SAFETY: `argument` is the pointer `spawn` made with
        // `Box::into_raw` and handed to exactly this one thread.
        let body = unsafe { Box::from_raw(argument as *mut Body) };
        body();
        sys::thread_exit()
    }

    pub fn spawn(name: &str, body: Body) -> Result<HandleValue, Error> {
        let stack = Vmo::create(STACK_BYTES)?;
        let mapping = stack.map_write(0, STACK_BYTES)?;
        let top = mapping.address() + STACK_BYTES;
        // The stack stays mapped for the life of the process.
        core::mem::forget(mapping);
        let argument = Box::into_raw(Box::new(body)) as usize;
        sys::thread_create(trampoline as *const () as usize, argument, top, name).inspect_err(|_| {
            // SAFETY: the thread was not created, so the box is still ours.
            drop(unsafe { Box::from_raw(argument as *mut Body) });
        })
    }
}
