//! Stream framing and batching.
//!
//! On a stream link (TCP) every transport batch travels as a 2-byte
//! little-endian length and then that many bytes; a batch holds one or more
//! transport messages. Network messages ride in Frames (several per frame,
//! one reliability per frame, one sequence number per frame); one too big
//! for a batch is cut into Fragments, one per batch, each with its own
//! sequence number.

use alloc::vec::Vec;

use zenoh_buffers::writer::HasWriter;
use zenoh_codec::{WCodec, Zenoh080};
use zenoh_protocol::{
    core::{Bits, Reliability},
    network::NetworkMessage,
    transport::{FragmentHeader, FrameHeader, TransportMessage, TransportSn, fragment, frame},
};

/// Bytes of the length prefix.
pub(crate) const LEN_BYTES: usize = 2;

/// The sequence-number mask for a resolution, as the reference transport
/// uses it (one bit short of the varint's width, so an SN stays within
/// 1, 2, 4 or 9 encoded bytes).
pub(crate) fn sn_mask(bits: Bits) -> TransportSn {
    match bits {
        Bits::U8 => (u8::MAX >> 1) as TransportSn,
        Bits::U16 => (u16::MAX >> 2) as TransportSn,
        Bits::U32 => (u32::MAX >> 4) as TransportSn,
        Bits::U64 => TransportSn::MAX >> 1,
    }
}

/// Whether `sn` comes after `last` (within half the SN space), the
/// reference's rule for accepting a frame or fragment.
pub(crate) fn sn_precedes(last: TransportSn, sn: TransportSn, mask: TransportSn) -> bool {
    let gap = sn.wrapping_sub(last) & mask;
    gap != 0 && (gap & !(mask >> 1)) == 0
}

/// Cuts a byte stream into batches.
#[derive(Default, Debug)]
pub(crate) struct StreamDecoder {
    buf: Vec<u8>,
    start: usize,
}

impl StreamDecoder {
    /// Appends bytes read from the stream.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete batch (without its length prefix), if one has
    /// fully arrived.
    pub(crate) fn next_batch(&mut self) -> Option<&[u8]> {
        let avail = &self.buf[self.start..];
        let [lo, hi, ..] = *avail else { return None };
        let len = u16::from_le_bytes([lo, hi]) as usize;
        if avail.len() < LEN_BYTES + len {
            return None;
        }
        let from = self.start + LEN_BYTES;
        self.start = from + len;
        Some(&self.buf[from..from + len])
    }

    /// Bytes of a partial batch still waiting for the rest.
    #[cfg(test)]
    pub(crate) fn pending(&self) -> usize {
        self.buf.len() - self.start
    }
}

/// Builds the outgoing byte stream: length-prefixed batches, frames packed
/// with network messages, big messages fragmented.
#[derive(Debug)]
pub(crate) struct Tx {
    out: Vec<u8>,
    /// Where the open batch's length prefix sits in `out`.
    batch: Option<usize>,
    /// The open batch ends in a frame of this reliability.
    frame: Option<Reliability>,
    /// Most bytes after the length prefix.
    max_content: usize,
    /// Next SN, reliable and best-effort.
    sn: [TransportSn; 2],
    mask: TransportSn,
    /// Something was queued since the last [`Tx::take_dirty`].
    dirty: bool,
}

fn channel(reliability: Reliability) -> usize {
    match reliability {
        Reliability::Reliable => 0,
        Reliability::BestEffort => 1,
    }
}

impl Tx {
    /// A writer for the handshake (no frames yet).
    pub(crate) fn new() -> Self {
        Self {
            out: Vec::new(),
            batch: None,
            frame: None,
            max_content: u16::MAX as usize,
            sn: [0; 2],
            mask: sn_mask(Bits::U32),
            dirty: false,
        }
    }

    /// Switches to the negotiated link: batch size (length prefix included,
    /// as Zenoh counts it), SN resolution and our initial SN.
    pub(crate) fn configure(&mut self, batch_size: u16, resolution: Bits, initial_sn: TransportSn) {
        self.finish();
        self.max_content = (batch_size as usize).saturating_sub(LEN_BYTES).max(64);
        self.mask = sn_mask(resolution);
        self.sn = [initial_sn & self.mask; 2];
    }

    /// Closes the open batch, filling in its length.
    fn finish(&mut self) {
        if let Some(at) = self.batch.take() {
            let len = (self.out.len() - at - LEN_BYTES) as u16;
            self.out[at..at + LEN_BYTES].copy_from_slice(&len.to_le_bytes());
        }
        self.frame = None;
    }

    fn open(&mut self) {
        self.finish();
        self.batch = Some(self.out.len());
        self.out.extend_from_slice(&[0; LEN_BYTES]);
        self.dirty = true;
    }

    fn next_sn(&mut self, reliability: Reliability) -> TransportSn {
        let slot = &mut self.sn[channel(reliability)];
        let sn = *slot;
        *slot = sn.wrapping_add(1) & self.mask;
        sn
    }

    /// Queues a transport message (handshake, KeepAlive, Close) in a batch
    /// of its own.
    pub(crate) fn push_transport(&mut self, msg: &TransportMessage) {
        self.open();
        // Writing into a Vec cannot run out of room.
        let _ = Zenoh080::new().write(&mut self.out.writer(), msg);
        self.finish();
    }

    /// Queues a network message: into the open frame if it fits, else a new
    /// frame in a new batch, else fragments.
    pub(crate) fn push_network(&mut self, msg: &NetworkMessage) {
        let mut bytes = Vec::new();
        let _ = Zenoh080::new().write(&mut bytes.writer(), msg);
        let reliability = msg.reliability;
        if let Some(at) = self.batch
            && self.frame == Some(reliability)
            && self.out.len() - at - LEN_BYTES + bytes.len() <= self.max_content
        {
            self.out.extend_from_slice(&bytes);
            return;
        }
        let header = FrameHeader {
            reliability,
            sn: self.sn[channel(reliability)],
            ext_qos: frame::ext::QoSType::DEFAULT,
        };
        let mut head = Vec::new();
        let _ = Zenoh080::new().write(&mut head.writer(), &header);
        if head.len() + bytes.len() <= self.max_content {
            self.next_sn(reliability);
            self.open();
            self.out.extend_from_slice(&head);
            self.out.extend_from_slice(&bytes);
            self.frame = Some(reliability);
            return;
        }
        self.push_fragments(reliability, &bytes);
    }

    fn push_fragments(&mut self, reliability: Reliability, mut rest: &[u8]) {
        while !rest.is_empty() {
            let mut header = FragmentHeader {
                reliability,
                more: true,
                sn: self.next_sn(reliability),
                ext_qos: fragment::ext::QoSType::DEFAULT,
                ext_first: None,
                ext_drop: None,
            };
            let mut head = Vec::new();
            let _ = Zenoh080::new().write(&mut head.writer(), &header);
            let room = self.max_content - head.len();
            let (chunk, tail) = rest.split_at(room.min(rest.len()));
            if tail.is_empty() {
                header.more = false;
                head.clear();
                let _ = Zenoh080::new().write(&mut head.writer(), &header);
            }
            self.open();
            self.out.extend_from_slice(&head);
            self.out.extend_from_slice(chunk);
            self.finish();
            rest = tail;
        }
    }

    /// All queued bytes, batches complete.
    pub(crate) fn take(&mut self) -> Vec<u8> {
        self.finish();
        core::mem::take(&mut self.out)
    }

    /// Whether anything was queued since the last call.
    pub(crate) fn take_dirty(&mut self) -> bool {
        core::mem::replace(&mut self.dirty, false)
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use zenoh_buffers::reader::HasReader;
    use zenoh_codec::RCodec;
    use zenoh_protocol::{
        network::{NetworkBody, Push, push},
        transport::{KeepAlive, TransportBody},
        zenoh::{PushBody, Put},
    };

    use super::*;

    fn put(len: usize) -> NetworkMessage {
        NetworkMessage {
            body: NetworkBody::Push(Push {
                wire_expr: "a/b".into(),
                ext_qos: push::ext::QoSType::PUSH,
                ext_tstamp: None,
                ext_nodeid: push::ext::NodeIdType::DEFAULT,
                ext_ts_stack: None,
                payload: PushBody::Put(Put { payload: vec![7u8; len].into(), ..Put::default() }),
            }),
            reliability: Reliability::Reliable,
        }
    }

    fn batches(stream: &[u8]) -> Vec<Vec<u8>> {
        let mut decoder = StreamDecoder::default();
        decoder.push(stream);
        let mut out = Vec::new();
        while let Some(b) = decoder.next_batch() {
            out.push(b.to_vec());
        }
        assert_eq!(decoder.pending(), 0);
        out
    }

    fn decode(batch: &[u8]) -> Vec<TransportMessage> {
        let mut reader = batch.reader();
        let mut msgs = Vec::new();
        while !reader.is_empty() {
            msgs.push(Zenoh080::new().read(&mut reader).expect("decodes"));
        }
        msgs
    }

    #[test]
    fn length_prefix_is_little_endian() {
        let mut tx = Tx::new();
        tx.push_transport(&KeepAlive.into());
        assert_eq!(tx.take(), [1, 0, 0x04]);
    }

    #[test]
    fn decoder_waits_for_whole_batches_across_reads() {
        let mut decoder = StreamDecoder::default();
        decoder.push(&[3]);
        assert!(decoder.next_batch().is_none());
        decoder.push(&[0, 1, 2]);
        assert!(decoder.next_batch().is_none());
        decoder.push(&[3, 1, 0, 9, 0]);
        assert_eq!(decoder.next_batch(), Some(&[1, 2, 3][..]));
        assert_eq!(decoder.next_batch(), Some(&[9][..]));
        assert!(decoder.next_batch().is_none());
        assert_eq!(decoder.pending(), 1);
        decoder.push(&[0]);
        assert_eq!(decoder.next_batch(), Some(&[][..]));
    }

    #[test]
    fn small_messages_share_one_frame() {
        let mut tx = Tx::new();
        tx.configure(u16::MAX, Bits::U32, 5);
        tx.push_network(&put(10));
        tx.push_network(&put(10));
        let stream = tx.take();
        let b = batches(&stream);
        assert_eq!(b.len(), 1);
        let msgs = decode(&b[0]);
        assert_eq!(msgs.len(), 1);
        let TransportBody::Frame(frame) = &msgs[0].body else { panic!("{msgs:?}") };
        assert_eq!(frame.sn, 5);
        assert_eq!(frame.payload, [put(10), put(10)]);
    }

    #[test]
    fn reliability_change_starts_a_new_frame_with_its_own_sn() {
        let mut tx = Tx::new();
        tx.configure(u16::MAX, Bits::U32, 9);
        let mut best_effort = put(1);
        best_effort.reliability = Reliability::BestEffort;
        tx.push_network(&put(1));
        tx.push_network(&best_effort);
        tx.push_network(&put(1));
        let b = batches(&tx.take());
        let sns: Vec<_> = b
            .iter()
            .map(|b| match &decode(b)[0].body {
                TransportBody::Frame(f) => (f.reliability, f.sn),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            sns,
            [(Reliability::Reliable, 9), (Reliability::BestEffort, 9), (Reliability::Reliable, 10)]
        );
    }

    #[test]
    fn batches_respect_the_negotiated_size() {
        let mut tx = Tx::new();
        tx.configure(1000, Bits::U32, 0);
        for _ in 0..20 {
            tx.push_network(&put(100));
        }
        for b in batches(&tx.take()) {
            assert!(b.len() + LEN_BYTES <= 1000, "{}", b.len());
        }
    }

    #[test]
    fn big_messages_are_fragmented_and_reassemble() {
        let mut tx = Tx::new();
        tx.configure(1000, Bits::U8, 120);
        let msg = put(5000);
        tx.push_network(&msg);
        let b = batches(&tx.take());
        assert!(b.len() > 5);
        let mut joined = Vec::new();
        let mut expect_sn = 120;
        for (i, batch) in b.iter().enumerate() {
            assert!(batch.len() + LEN_BYTES <= 1000);
            let msgs = decode(batch);
            let TransportBody::Fragment(f) = &msgs[0].body else { panic!() };
            assert_eq!(f.sn, expect_sn);
            expect_sn = (expect_sn + 1) & sn_mask(Bits::U8);
            assert_eq!(f.more, i + 1 < b.len());
            joined.extend_from_slice(f.payload.as_slice());
        }
        let back: NetworkMessage = zenoh_codec::Zenoh080Reliability::new(Reliability::Reliable)
            .read(&mut joined.as_slice().reader())
            .unwrap();
        assert_eq!(back, msg);
    }

    #[test]
    fn sn_precedence_follows_the_reference() {
        let mask = sn_mask(Bits::U8);
        assert!(sn_precedes(0, 1, mask));
        assert!(!sn_precedes(0, 0, mask));
        assert!(!sn_precedes(0, mask, mask));
        assert!(sn_precedes(mask, 0, mask));
        assert!(sn_precedes(0, mask / 2, mask));
        assert!(!sn_precedes(0, mask / 2 + 1, mask));
    }
}
