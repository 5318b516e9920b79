//! Ports: queues of packets from many objects.

use alloc::collections::VecDeque;
use weft_abi::{Koid, PortPacket};

/// A port's packet queue.
#[derive(Debug, Default)]
pub(crate) struct Port {
    /// Packets with the koid of the object that produced them (0 for user packets).
    pub queue: VecDeque<(Koid, PortPacket)>,
}
