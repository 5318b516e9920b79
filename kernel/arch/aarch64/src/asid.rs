//! Address-space identifiers with generations.
//!
//! Every user address space is tagged with an 8-bit ASID so switching
//! between processes needs no TLB flush. When all 255 are taken, the
//! generation moves on, the whole TLB is flushed once, and spaces pick up a
//! fresh ASID the next time they are switched in.

/// ASIDs available (0 is the kernel's reserved, empty TTBR0 value).
pub const ASIDS: u16 = 256;

/// An ASID tagged with the generation it was handed out in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tag {
    generation: u64,
    asid: u16,
}

impl Tag {
    /// The hardware ASID.
    pub fn asid(&self) -> u16 {
        self.asid
    }

    /// Packed into one word (for atomic storage).
    pub fn to_bits(self) -> u64 {
        (self.generation << 16) | u64::from(self.asid)
    }

    /// Unpacked from [`Tag::to_bits`].
    pub fn from_bits(bits: u64) -> Tag {
        Tag { generation: bits >> 16, asid: (bits & 0xffff) as u16 }
    }
}

/// What [`Asids::refresh`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refresh {
    /// The tag is still current.
    Current,
    /// A new ASID from the current generation: no flush needed.
    Assigned,
    /// A new generation began: flush the whole TLB before using the tag.
    FlushAll,
}

/// The allocator.
#[derive(Debug)]
pub struct Asids {
    generation: u64,
    used: [u64; (ASIDS / 64) as usize],
    next: u16,
}

impl Default for Asids {
    fn default() -> Self {
        Asids::new()
    }
}

impl Asids {
    /// Generation 1, nothing assigned.
    pub const fn new() -> Asids {
        Asids { generation: 1, used: [1, 0, 0, 0], next: 1 }
    }

    fn take(&mut self) -> Option<u16> {
        for step in 0..ASIDS {
            let asid = (self.next + step) % ASIDS;
            let (word, bit) = (usize::from(asid / 64), asid % 64);
            let slot = self.used.get_mut(word)?;
            if *slot & (1 << bit) == 0 {
                *slot |= 1 << bit;
                self.next = asid.wrapping_add(1) % ASIDS;
                return Some(asid);
            }
        }
        None
    }

    /// Make `tag` valid for the current generation (before switching the
    /// space in).
    pub fn refresh(&mut self, tag: &mut Tag) -> Refresh {
        if tag.generation == self.generation && tag.asid != 0 {
            return Refresh::Current;
        }
        if let Some(asid) = self.take() {
            *tag = Tag { generation: self.generation, asid };
            return Refresh::Assigned;
        }
        self.generation += 1;
        self.used = [1, 0, 0, 0];
        self.next = 1;
        let asid = self.take().unwrap_or(1);
        *tag = Tag { generation: self.generation, asid };
        Refresh::FlushAll
    }

    /// A space is gone: its ASID may be reused (after the caller flushed
    /// its TLB entries).
    pub fn release(&mut self, tag: Tag) {
        if tag.generation == self.generation
            && tag.asid != 0
            && let Some(word) = self.used.get_mut(usize::from(tag.asid / 64))
        {
            *word &= !(1 << (tag.asid % 64));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigns_then_rolls_over() {
        let mut asids = Asids::new();
        let mut tags = vec![Tag::default(); 255];
        for tag in &mut tags {
            assert_eq!(asids.refresh(tag), Refresh::Assigned);
        }
        let mut seen: Vec<u16> = tags.iter().map(Tag::asid).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 255);
        assert!(!seen.contains(&0));
        assert_eq!(asids.refresh(&mut tags[0]), Refresh::Current);
        let mut extra = Tag::default();
        assert_eq!(asids.refresh(&mut extra), Refresh::FlushAll);
        // Old tags are stale now and get fresh ASIDs without another flush.
        assert_eq!(asids.refresh(&mut tags[0]), Refresh::Assigned);
        assert_ne!(tags[0].asid(), extra.asid());
    }

    #[test]
    fn released_asids_are_reused() {
        let mut asids = Asids::new();
        let mut tags = vec![Tag::default(); 255];
        for tag in &mut tags {
            asids.refresh(tag);
        }
        let freed = tags[10];
        asids.release(freed);
        let mut again = Tag::default();
        assert_eq!(asids.refresh(&mut again), Refresh::Assigned);
        assert_eq!(again.asid(), freed.asid());
    }
}
