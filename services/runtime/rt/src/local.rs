//! Per-process globals.
//!
//! On the kernel every process has its own statics. In hosted mode every
//! program shares the host's, so runtime state that belongs to one process
//! (its log sink, its namespace channel) lives here instead, keyed by type.

use alloc::sync::Arc;

/// The calling process's instance of `T`, made with `T::default()` on
/// first use. Define a private type per use so keys never collide.
pub fn process_local<T: Default + Send + Sync + 'static>() -> Arc<T> {
    imp::get::<T>()
}

#[cfg(not(target_os = "none"))]
mod imp {
    use alloc::sync::Arc;

    pub fn get<T: Default + Send + Sync + 'static>() -> Arc<T> {
        // Outside a Weft thread (host-side test code), fall back to a fresh
        // value each time: nothing process-wide exists there.
        weft_kernel_hosted::process_local::<T>().unwrap_or_default()
    }
}

#[cfg(target_os = "none")]
mod imp {
    use alloc::collections::BTreeMap;
    use alloc::sync::Arc;
    use core::any::{Any, TypeId};

    static LOCALS: spin::Mutex<BTreeMap<TypeId, Arc<dyn Any + Send + Sync>>> =
        spin::Mutex::new(BTreeMap::new());

    pub fn get<T: Default + Send + Sync + 'static>() -> Arc<T> {
        let mut locals = LOCALS.lock();
        let value = locals.entry(TypeId::of::<T>()).or_insert_with(|| Arc::new(T::default()));
        Arc::clone(value).downcast::<T>().unwrap_or_default()
    }
}
