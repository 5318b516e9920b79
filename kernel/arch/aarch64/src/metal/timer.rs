//! The EL1 virtual generic timer: the clock and the one deadline.

use super::registers::{isb, read, write};

/// Counter ticks per second.
pub fn frequency() -> u64 {
    read!("cntfrq_el0").max(1)
}

/// The raw counter.
pub fn ticks() -> u64 {
    isb();
    read!("cntvct_el0")
}

/// Nanoseconds since the counter started.
pub fn now() -> u64 {
    to_nanoseconds(ticks())
}

/// Counter ticks as nanoseconds.
pub fn to_nanoseconds(ticks: u64) -> u64 {
    ((u128::from(ticks) * 1_000_000_000) / u128::from(frequency())) as u64
}

fn to_ticks(nanoseconds: u64) -> u64 {
    let ticks = (u128::from(nanoseconds) * u128::from(frequency())).div_ceil(1_000_000_000);
    u64::try_from(ticks).unwrap_or(u64::MAX)
}

/// Fire at `deadline` (nanoseconds).
pub fn arm(deadline: u64) {
    write!("cntv_cval_el0", to_ticks(deadline));
    write!("cntv_ctl_el0", 1); // enabled, unmasked
    isb();
}

/// Stop firing.
pub fn disarm() {
    write!("cntv_ctl_el0", 2); // disabled, masked
    isb();
}
