//! The animation schedule: which widgets want `animate` calls, and when.

use alloc::vec::Vec;
use core::time::Duration;

use crate::id::WidgetId;
use crate::tree::Tree;

/// Widgets wanting `animate` calls, with the time they next need one
/// (the current time for continuous animations).
#[derive(Default)]
pub(crate) struct Animations {
    pending: Vec<(WidgetId, Duration)>,
}

impl Animations {
    /// Asks for a call on `id` at `deadline`, keeping an earlier request.
    pub fn schedule(&mut self, id: WidgetId, deadline: Duration) {
        match self.pending.iter_mut().find(|(widget, _)| *widget == id) {
            Some((_, existing)) => *existing = (*existing).min(deadline),
            None => self.pending.push((id, deadline)),
        }
    }

    /// Whether any request is due at `now`.
    pub fn any_due(&self, now: Duration) -> bool {
        self.pending.iter().any(|(_, deadline)| *deadline <= now)
    }

    /// The earliest requested time, if anything is scheduled.
    pub fn earliest(&self) -> Option<Duration> {
        self.pending.iter().map(|(_, deadline)| *deadline).min()
    }

    /// Removes the requests due at `now` and returns their widgets in
    /// request order; later requests stay.
    pub fn take_due(&mut self, now: Duration) -> Vec<WidgetId> {
        let (due, waiting): (Vec<_>, Vec<_>) =
            core::mem::take(&mut self.pending).into_iter().partition(|(_, deadline)| *deadline <= now);
        self.pending = waiting;
        due.into_iter().map(|(id, _)| id).collect()
    }

    /// Drops requests from the subtree under `root`, about to be removed.
    pub fn forget<M: 'static>(&mut self, tree: &Tree<M>, root: WidgetId) {
        self.pending.retain(|(widget, _)| !tree.is_ancestor(root, *widget));
    }
}

#[cfg(test)]
mod tests {
    use alloc::boxed::Box;

    use super::*;
    use crate::widgets::Container;

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    fn ids(count: usize) -> (Tree<()>, Vec<WidgetId>) {
        let mut tree = Tree::new();
        let ids = (0..count).map(|_| tree.insert(Box::new(Container::column()), None)).collect();
        (tree, ids)
    }

    #[test]
    fn schedule_keeps_the_earlier_request() {
        let (_, ids) = ids(1);
        let mut animations = Animations::default();
        animations.schedule(ids[0], ms(50));
        animations.schedule(ids[0], ms(80));
        assert_eq!(animations.earliest(), Some(ms(50)));
        animations.schedule(ids[0], ms(20));
        assert_eq!(animations.earliest(), Some(ms(20)));
        assert_eq!(animations.take_due(ms(100)), [ids[0]]);
        assert_eq!(animations.earliest(), None);
    }

    #[test]
    fn only_due_requests_are_taken() {
        let (_, ids) = ids(3);
        let mut animations = Animations::default();
        animations.schedule(ids[0], ms(30));
        animations.schedule(ids[1], ms(10));
        animations.schedule(ids[2], ms(20));
        assert!(!animations.any_due(ms(5)));
        assert!(animations.any_due(ms(20)));
        assert_eq!(animations.take_due(ms(20)), [ids[1], ids[2]]);
        assert_eq!(animations.earliest(), Some(ms(30)));
        assert!(animations.take_due(ms(20)).is_empty());
    }

    #[test]
    fn forget_drops_a_subtree() {
        let mut tree = Tree::<()>::new();
        let root = tree.insert(Box::new(Container::column()), None);
        let inner = tree.insert(Box::new(Container::column()), Some(root));
        let leaf = tree.insert(Box::new(Container::column()), Some(inner));
        let other = tree.insert(Box::new(Container::column()), Some(root));
        let mut animations = Animations::default();
        for id in [root, inner, leaf, other] {
            animations.schedule(id, ms(1));
        }
        animations.forget(&tree, inner);
        assert_eq!(animations.take_due(ms(1)), [root, other]);
    }
}
