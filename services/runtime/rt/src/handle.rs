//! Owned handles.

use weft_abi::{BasicInfo, Error, HANDLE_INVALID, HandleValue, InfoTopic, Koid, Rights, Signals};

use crate::sys;
use crate::time::Deadline;

/// An owned handle: closed when dropped.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Handle(HandleValue);

impl Handle {
    /// Take ownership of a raw handle value (from a message, or the
    /// bootstrap argument).
    pub fn from_raw(value: HandleValue) -> Handle {
        Handle(value)
    }

    /// The invalid handle (owns nothing).
    pub const fn invalid() -> Handle {
        Handle(HANDLE_INVALID)
    }

    /// Whether this names nothing.
    pub fn is_invalid(&self) -> bool {
        self.0 == HANDLE_INVALID
    }

    /// The raw value, still owned by `self`.
    pub fn raw(&self) -> HandleValue {
        self.0
    }

    /// Give up ownership and return the raw value.
    pub fn into_raw(self) -> HandleValue {
        let value = self.0;
        core::mem::forget(self);
        value
    }

    /// A new handle to the same object with `rights` (a subset, or
    /// `Rights::SAME`).
    pub fn duplicate(&self, rights: Rights) -> Result<Handle, Error> {
        sys::handle_duplicate(self.0, rights).map(Handle)
    }

    /// Replace this handle by one with fewer rights.
    pub fn replace(self, rights: Rights) -> Result<Handle, Error> {
        let value = self.into_raw();
        sys::handle_replace(value, rights).map(Handle)
    }

    /// Wait until one of `signals` is raised; returns what was observed.
    pub fn wait(&self, signals: Signals, deadline: Deadline) -> Result<Signals, Error> {
        sys::object_wait_one(self.0, signals, deadline.instant())
    }

    /// Set and clear user signals.
    pub fn signal(&self, clear: Signals, set: Signals) -> Result<(), Error> {
        sys::object_signal(self.0, clear, set, false)
    }

    /// Basic facts: koid, kind, rights, signals.
    pub fn info(&self) -> Result<BasicInfo, Error> {
        sys::object_get_info(self.0, InfoTopic::Basic)
    }

    /// The object's koid.
    pub fn koid(&self) -> Result<Koid, Error> {
        self.info().map(|info| info.koid)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if self.0 != HANDLE_INVALID {
            let _ = sys::handle_close(self.0);
        }
    }
}

/// Implemented by every typed handle wrapper.
pub trait AsHandle {
    /// The underlying handle.
    fn as_handle(&self) -> &Handle;
}

impl AsHandle for Handle {
    fn as_handle(&self) -> &Handle {
        self
    }
}

macro_rules! handle_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, PartialEq, Eq, Hash)]
        pub struct $name(pub(crate) $crate::handle::Handle);

        impl $name {
            /// Wrap a handle known to name this kind of object.
            pub fn from_handle(handle: $crate::handle::Handle) -> Self {
                $name(handle)
            }
            /// Unwrap into the plain handle.
            pub fn into_handle(self) -> $crate::handle::Handle {
                self.0
            }
            /// The plain handle.
            pub fn handle(&self) -> &$crate::handle::Handle {
                &self.0
            }
        }

        impl $crate::handle::AsHandle for $name {
            fn as_handle(&self) -> &$crate::handle::Handle {
                &self.0
            }
        }

        impl From<$name> for $crate::handle::Handle {
            fn from(value: $name) -> $crate::handle::Handle {
                value.0
            }
        }
    };
}
pub(crate) use handle_type;
