//! The EL1 virtual generic timer: the clock and the one deadline.

use super::registers::{isb, read, write};

use core::sync::atomic::{AtomicU64, Ordering};

/// Nanoseconds per tick as a 32.32 fixed-point factor, and its inverse
/// (ticks per nanosecond as 0.64... scaled by 2^32), set by [`init`] so the
/// clock never divides.
static NS_PER_TICK: AtomicU64 = AtomicU64::new(16 << 32);
static TICKS_PER_NS: AtomicU64 = AtomicU64::new((1 << 32) / 16);

/// Read the counter frequency and prepare the conversions.
pub fn init() {
    let frequency = u128::from(frequency());
    let ns = ((1_000_000_000u128 << 32) / frequency).min(u128::from(u64::MAX)) as u64;
    let ticks = ((frequency << 32) / 1_000_000_000).min(u128::from(u64::MAX)) as u64;
    NS_PER_TICK.store(ns, Ordering::Relaxed);
    TICKS_PER_NS.store(ticks.max(1), Ordering::Relaxed);
}

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

/// Counter ticks as nanoseconds (a multiply and a shift).
pub fn to_nanoseconds(ticks: u64) -> u64 {
    let ns = (u128::from(ticks) * u128::from(NS_PER_TICK.load(Ordering::Relaxed))) >> 32;
    u64::try_from(ns).unwrap_or(u64::MAX)
}

fn to_ticks(nanoseconds: u64) -> u64 {
    let ticks = (u128::from(nanoseconds) * u128::from(TICKS_PER_NS.load(Ordering::Relaxed))) >> 32;
    // Round up so the timer never fires before the deadline.
    u64::try_from(ticks + 1).unwrap_or(u64::MAX)
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
