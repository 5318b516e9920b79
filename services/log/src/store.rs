//! The bounded record store.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use weft_log_api::{Entry, Filter};

/// Most records kept; the oldest go first.
pub const CAPACITY: usize = 8192;
/// Most payload bytes one page of entries may carry.
pub const PAGE_BYTES: usize = 48 * 1024;

/// Records in arrival order.
#[derive(Default)]
pub struct Store {
    entries: VecDeque<Entry>,
    next_sequence: u64,
}

impl Store {
    /// An empty store; the first record gets sequence 1.
    pub fn new() -> Store {
        Store { entries: VecDeque::new(), next_sequence: 1 }
    }

    /// Keep a record, assigning its sequence.
    pub fn push(&mut self, mut entry: Entry) -> &Entry {
        entry.sequence = self.next_sequence;
        self.next_sequence += 1;
        if self.entries.len() >= CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
        self.entries.back().expect("just pushed")
    }

    /// Entries after `after` passing `filter`, at most `max` and about
    /// `PAGE_BYTES` (48 KiB); with the sequence to continue from and how many
    /// were lost to overwriting.
    pub fn read(&self, after: u64, max: u32, filter: &Filter) -> (Vec<Entry>, u64, u64) {
        let oldest = self.entries.front().map_or(self.next_sequence, |e| e.sequence);
        let lost = oldest.saturating_sub(after.saturating_add(1));
        let mut out = Vec::new();
        let mut bytes = 0;
        let mut next = after.max(oldest.saturating_sub(1));
        for entry in self.entries.iter().filter(|e| e.sequence > after) {
            if out.len() >= max as usize || bytes >= PAGE_BYTES {
                break;
            }
            next = entry.sequence;
            if filter.accepts(entry) {
                bytes += entry.message.len() + entry.target.len() + entry.source.len() + 48;
                out.push(entry.clone());
            }
        }
        (out, next, lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(level: u8, source: &str) -> Entry {
        Entry {
            sequence: 0,
            time: 0,
            level,
            source: source.into(),
            principal: 0,
            koid: 0,
            target: "t".into(),
            message: "m".into(),
        }
    }

    #[test]
    fn pages_filter_and_report_losses() {
        let mut store = Store::new();
        for i in 0..(CAPACITY + 10) {
            store.push(entry(if i % 2 == 0 { 1 } else { 4 }, if i % 3 == 0 { "a" } else { "b" }));
        }
        let (page, next, lost) = store.read(0, 5, &Filter::default());
        assert_eq!(lost, 10);
        assert_eq!(page.len(), 5);
        assert_eq!(page[0].sequence, 11);
        assert_eq!(next, 15);
        let errors = Filter { max_level: 1, source: None };
        let (page, _, _) = store.read(next, 100, &errors);
        assert!(page.iter().all(|e| e.level == 1));
        let (page, _, _) = store.read(0, 100, &Filter { max_level: 0, source: Some("a".into()) });
        assert!(page.iter().all(|e| e.source == "a"));
    }
}
