//! The kernel's entropy pool: a SHA-512 hash chain seeded from the
//! bootloader's `rng-seed`, counter jitter at boot and at every request,
//! and whatever device drivers feed it (`random_add`: the virtio-rng
//! driver on QEMU, every minute).
//!
//! QEMU `virt` passes 32 random bytes in `/chosen/rng-seed`; boards
//! without a seed get only timer jitter until a driver feeds the pool,
//! which is weak, and the kernel says so at boot.
//!
//! Every update replaces the state by a hash of the old state and the new
//! input, so input can only add entropy: bytes an attacker chose (or
//! knows) leave the pool at least as unpredictable as it was.

use sha2::{Digest, Sha512};

/// The pool.
pub struct Entropy {
    state: [u8; 64],
    counter: u64,
}

impl Entropy {
    /// A pool seeded with `seed` and the counter.
    pub fn new(seed: &[u8]) -> Entropy {
        let mut hasher = Sha512::new();
        hasher.update(b"weft entropy seed");
        hasher.update(seed);
        hasher.update(super::timer::ticks().to_le_bytes());
        let mut state = [0u8; 64];
        state.copy_from_slice(&hasher.finalize());
        Entropy { state, counter: 0 }
    }

    /// Mix `input` (bytes from a hardware source, possibly hostile) into
    /// the pool: the new state is a hash of the old state, the input, the
    /// input's length and the counter, never the input alone.
    pub fn mix(&mut self, input: &[u8]) {
        let mut next = Sha512::new();
        next.update(b"mix");
        next.update(self.state);
        next.update((input.len() as u64).to_le_bytes());
        next.update(input);
        next.update(super::timer::ticks().to_le_bytes());
        self.state.copy_from_slice(&next.finalize());
    }

    /// Fill `out` with output; the state moves on (old output cannot be
    /// recomputed from the new state).
    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(64) {
            self.counter = self.counter.wrapping_add(1);
            let mut block = Sha512::new();
            block.update(b"output");
            block.update(self.state);
            block.update(self.counter.to_le_bytes());
            block.update(super::timer::ticks().to_le_bytes());
            let bytes = block.finalize();
            for (slot, byte) in chunk.iter_mut().zip(bytes.iter()) {
                *slot = *byte;
            }
            let mut next = Sha512::new();
            next.update(b"next");
            next.update(self.state);
            next.update(bytes);
            self.state.copy_from_slice(&next.finalize());
        }
    }
}
