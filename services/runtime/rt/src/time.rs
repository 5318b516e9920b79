//! Time and deadlines.

use core::time::Duration;
use weft_abi::{DEADLINE_INFINITE, DEADLINE_POLL, Instant};

use crate::sys;

/// Nanoseconds since boot on the monotonic clock.
pub fn now() -> Instant {
    sys::clock_get()
}

/// When a wait gives up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline(Instant);

impl Deadline {
    /// Never give up.
    pub const INFINITE: Deadline = Deadline(DEADLINE_INFINITE);
    /// Do not wait at all.
    pub const POLL: Deadline = Deadline(DEADLINE_POLL);

    /// A deadline `duration` from now.
    pub fn after(duration: Duration) -> Deadline {
        let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
        Deadline(now().saturating_add(nanos))
    }

    /// A deadline at an absolute instant.
    pub fn at(instant: Instant) -> Deadline {
        Deadline(instant)
    }

    /// The absolute instant.
    pub fn instant(self) -> Instant {
        self.0
    }

    /// Whether it has passed.
    pub fn passed(self) -> bool {
        self.0 != DEADLINE_INFINITE && now() >= self.0
    }

    /// Time left (zero if passed, `None` if infinite).
    pub fn remaining(self) -> Option<Duration> {
        if self.0 == DEADLINE_INFINITE {
            return None;
        }
        Some(Duration::from_nanos(self.0.saturating_sub(now())))
    }
}

/// Sleep for `duration`.
pub fn sleep(duration: Duration) {
    sys::thread_sleep(Deadline::after(duration).instant());
}

/// Sleep until `deadline`.
pub fn sleep_until(deadline: Deadline) {
    sys::thread_sleep(deadline.instant());
}
