//! The node arena (widgets, tree links, taffy nodes, geometry) and the
//! queries that only read it: hit testing, focus order, visibility.

use alloc::boxed::Box;
use alloc::vec::Vec;

use taffy::{NodeId, TaffyTree};
use weft_paint::{PixelRect, Point, Rect};

use crate::accessibility::AccessibleNode;
use crate::id::WidgetId;
use crate::style::StyleAdjustment;
use crate::widget::{Widget, WidgetState};

/// One widget in the tree.
pub(crate) struct Node<M: 'static> {
    /// Taken out while the widget is being called.
    pub widget: Option<Box<dyn Widget<M>>>,
    pub layout: NodeId,
    pub parent: Option<WidgetId>,
    pub children: Vec<WidgetId>,
    pub adjustment: Option<StyleAdjustment>,
    pub hidden: bool,
    pub enabled: bool,
    /// Absolute bounds in logical pixels, snapped to physical pixels.
    pub rect: Rect,
    /// The region ancestors let this node paint into, physical pixels.
    pub clip: PixelRect,
    /// How far painting reaches beyond `rect`, logical pixels.
    pub outset: f32,
    pub state: WidgetState,
    /// Whether the widget's style must be re-read before the next layout.
    pub style_dirty: bool,
}

/// The arena plus the taffy tree mirroring it.
pub(crate) struct Tree<M: 'static> {
    pub nodes: Vec<Option<Node<M>>>,
    generations: Vec<u32>,
    free: Vec<u32>,
    pub layout: TaffyTree<WidgetId>,
}

impl<M: 'static> Tree<M> {
    pub fn new() -> Tree<M> {
        let mut layout = TaffyTree::new();
        layout.disable_rounding();
        Tree { nodes: Vec::new(), generations: Vec::new(), free: Vec::new(), layout }
    }

    pub fn insert(&mut self, widget: Box<dyn Widget<M>>, parent: Option<WidgetId>) -> WidgetId {
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.nodes.push(None);
                self.generations.push(0);
                (self.nodes.len() - 1) as u32
            }
        };
        let id = WidgetId { index, generation: self.generations[index as usize] };
        let layout = self
            .layout
            .new_leaf_with_context(taffy::Style::default(), id)
            .expect("taffy leaf creation cannot fail");
        self.nodes[index as usize] = Some(Node {
            widget: Some(widget),
            layout,
            parent,
            children: Vec::new(),
            adjustment: None,
            hidden: false,
            enabled: true,
            rect: Rect::default(),
            clip: PixelRect::default(),
            outset: 0.0,
            state: WidgetState::default(),
            style_dirty: true,
        });
        if let Some(parent) = parent
            && let Some(parent_node) = self.get_mut(parent)
        {
            parent_node.children.push(id);
            let parent_layout = parent_node.layout;
            // Leaves with children stop being measured by taffy: drop
            // the context so taffy lays the children out instead.
            let _ = self.layout.add_child(parent_layout, layout);
        }
        id
    }

    pub fn get(&self, id: WidgetId) -> Option<&Node<M>> {
        if self.generations.get(id.index as usize) != Some(&id.generation) {
            return None;
        }
        self.nodes.get(id.index as usize)?.as_ref()
    }

    pub fn get_mut(&mut self, id: WidgetId) -> Option<&mut Node<M>> {
        if self.generations.get(id.index as usize) != Some(&id.generation) {
            return None;
        }
        self.nodes.get_mut(id.index as usize)?.as_mut()
    }

    pub fn contains(&self, id: WidgetId) -> bool {
        self.get(id).is_some()
    }

    /// Removes `id` and its descendants; returns every removed node's
    /// bounds clipped for damage.
    pub fn remove(&mut self, id: WidgetId) -> Vec<(Rect, f32, PixelRect)> {
        let mut removed = Vec::new();
        if let Some(parent) = self.get(id).and_then(|node| node.parent)
            && let Some(parent_node) = self.get_mut(parent)
        {
            parent_node.children.retain(|child| *child != id);
        }
        let mut stack = alloc::vec![id];
        while let Some(current) = stack.pop() {
            let Some(node) = self.get(current) else {
                continue;
            };
            stack.extend(node.children.iter().copied());
            removed.push((node.rect, node.outset, node.clip));
            let layout = node.layout;
            let _ = self.layout.remove(layout);
            self.nodes[current.index as usize] = None;
            self.generations[current.index as usize] =
                self.generations[current.index as usize].wrapping_add(1);
            self.free.push(current.index);
        }
        removed
    }

    /// Pre-order list of `root` and its descendants.
    pub fn descendants(&self, root: WidgetId) -> Vec<WidgetId> {
        let mut order = Vec::new();
        let mut stack = alloc::vec![root];
        while let Some(current) = stack.pop() {
            let Some(node) = self.get(current) else {
                continue;
            };
            order.push(current);
            stack.extend(node.children.iter().rev().copied());
        }
        order
    }

    /// Whether `ancestor` is `id` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: WidgetId, id: WidgetId) -> bool {
        let mut current = Some(id);
        while let Some(node_id) = current {
            if node_id == ancestor {
                return true;
            }
            current = self.get(node_id).and_then(|node| node.parent);
        }
        false
    }

    /// The topmost ancestor of `id`.
    pub fn root_of(&self, id: WidgetId) -> WidgetId {
        let mut current = id;
        while let Some(parent) = self.get(current).and_then(|node| node.parent) {
            current = parent;
        }
        current
    }

    pub fn all_ids(&self) -> Vec<WidgetId> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.is_some())
            .map(|(index, _)| WidgetId { index: index as u32, generation: self.generations[index] })
            .collect()
    }

    /// `id`, then its ancestors up to its root, nearest first.
    pub fn lineage(&self, id: WidgetId) -> Vec<WidgetId> {
        let mut lineage = alloc::vec![id];
        let mut current = self.get(id).and_then(|node| node.parent);
        while let Some(ancestor) = current {
            lineage.push(ancestor);
            current = self.get(ancestor).and_then(|node| node.parent);
        }
        lineage
    }

    /// Whether a widget and all its ancestors are enabled.
    pub fn is_enabled(&self, id: WidgetId) -> bool {
        let mut current = Some(id);
        while let Some(node_id) = current {
            let Some(node) = self.get(node_id) else {
                return false;
            };
            if !node.enabled {
                return false;
            }
            current = node.parent;
        }
        true
    }

    /// Whether a widget is shown: not hidden itself nor inside a hidden
    /// parent, and not clipped away entirely at `scale`.
    pub fn is_shown(&self, id: WidgetId, scale: f32) -> bool {
        let mut current = Some(id);
        while let Some(node_id) = current {
            let Some(node) = self.get(node_id) else {
                return false;
            };
            if node.hidden {
                return false;
            }
            current = node.parent;
        }
        self.get(id).is_some_and(|node| node.rect.to_pixels(scale).intersects(&node.clip))
    }

    /// The topmost shown widget at `point` (logical) in the subtree under
    /// `id`: later children are above earlier ones.
    pub fn hit(&self, id: WidgetId, point: Point, scale: f32) -> Option<WidgetId> {
        let node = self.get(id)?;
        if node.hidden || !node.rect.contains(point) {
            return None;
        }
        let pixel = (point.x * scale) as i32;
        let row = (point.y * scale) as i32;
        let clip = node.clip;
        if pixel < clip.x || row < clip.y || pixel >= clip.right() || row >= clip.bottom() {
            return None;
        }
        for child in node.children.iter().rev() {
            if let Some(hit) = self.hit(*child, point, scale) {
                return Some(hit);
            }
        }
        Some(id)
    }

    /// Whether keyboard focus may go to this node (enabled and focusable).
    fn takes_focus(node: &Node<M>) -> bool {
        !node.state.disabled && node.widget.as_ref().is_some_and(|widget| widget.focusable())
    }

    /// The nearest widget from `id` up that can take focus.
    pub fn focus_target(&self, id: WidgetId) -> Option<WidgetId> {
        self.lineage(id).into_iter().find(|candidate| self.get(*candidate).is_some_and(Self::takes_focus))
    }

    /// Focusable, visible widgets under `scope`, in tree order.
    pub fn focus_order(&self, scope: WidgetId) -> Vec<WidgetId> {
        self.descendants(scope)
            .into_iter()
            .filter(|id| {
                self.get(*id).is_some_and(|node| {
                    !node.hidden && !node.clip.is_empty() && !node.rect.is_empty() && Self::takes_focus(node)
                })
            })
            .collect()
    }

    /// The visible, described widgets under each of `roots` in turn, in
    /// reading (tree) order.
    pub fn accessible(&self, roots: &[WidgetId], scale: f32) -> Vec<AccessibleNode> {
        let mut nodes = Vec::new();
        for root in roots {
            for id in self.descendants(*root) {
                let Some(node) = self.get(id) else {
                    continue;
                };
                if node.hidden || !node.rect.to_pixels(scale).intersects(&node.clip) {
                    continue;
                }
                let Some(description) = node.widget.as_ref().and_then(|widget| widget.describe()) else {
                    continue;
                };
                nodes.push(AccessibleNode {
                    id,
                    description,
                    rect: node.rect,
                    focused: node.state.focused,
                    disabled: node.state.disabled,
                });
            }
        }
        nodes
    }

    /// Marks a widget as pressed or not.
    pub fn set_pressed(&mut self, id: WidgetId, pressed: bool) {
        if let Some(node) = self.get_mut(id) {
            node.state.pressed = pressed;
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::boxed::Box;

    use super::*;
    use crate::accessibility::{Description, Role};

    /// A widget that is only focusable and described, or neither.
    struct Probe(Option<&'static str>);

    impl Widget<()> for Probe {
        fn focusable(&self) -> bool {
            self.0.is_some()
        }

        fn describe(&self) -> Option<Description> {
            self.0.map(|label| Description::new(Role::Button, label))
        }
    }

    /// root (100×100) holding `a` and an overlapping `b` above it, and a
    /// hidden plain child `c` of `b`; geometry set as layout would.
    fn fixture() -> (Tree<()>, [WidgetId; 4]) {
        let mut tree = Tree::new();
        let root = tree.insert(Box::new(Probe(None)), None);
        let a = tree.insert(Box::new(Probe(Some("a"))), Some(root));
        let b = tree.insert(Box::new(Probe(Some("b"))), Some(root));
        let c = tree.insert(Box::new(Probe(None)), Some(b));
        let window = PixelRect::new(0, 0, 100, 100);
        for (id, rect) in [
            (root, Rect::new(0.0, 0.0, 100.0, 100.0)),
            (a, Rect::new(0.0, 0.0, 50.0, 50.0)),
            (b, Rect::new(25.0, 25.0, 50.0, 50.0)),
            (c, Rect::new(30.0, 30.0, 10.0, 10.0)),
        ] {
            if let Some(node) = tree.get_mut(id) {
                node.rect = rect;
                node.clip = window;
                node.hidden = id == c;
            }
        }
        (tree, [root, a, b, c])
    }

    #[test]
    fn hit_finds_the_topmost_shown_widget_inside_its_clip() {
        let (mut tree, [root, a, b, _]) = fixture();
        assert_eq!(tree.hit(root, Point::new(32.0, 32.0), 1.0), Some(b));
        assert_eq!(tree.hit(root, Point::new(10.0, 10.0), 1.0), Some(a));
        assert_eq!(tree.hit(root, Point::new(90.0, 10.0), 1.0), Some(root));
        assert_eq!(tree.hit(root, Point::new(120.0, 10.0), 1.0), None);
        if let Some(node) = tree.get_mut(b) {
            node.clip = PixelRect::new(0, 0, 40, 40);
        }
        assert_eq!(tree.hit(root, Point::new(45.0, 45.0), 1.0), Some(a));
        assert_eq!(tree.hit(root, Point::new(45.0, 45.0), 2.0), Some(a));
        assert_eq!(tree.hit(root, Point::new(35.0, 35.0), 1.0), Some(b));
        if let Some(node) = tree.get_mut(b) {
            node.hidden = true;
        }
        assert_eq!(tree.hit(root, Point::new(35.0, 35.0), 1.0), Some(a));
    }

    #[test]
    fn lineage_and_focus_targets_walk_up() {
        let (mut tree, [root, a, b, c]) = fixture();
        assert_eq!(tree.lineage(c), [c, b, root]);
        assert_eq!(tree.focus_target(c), Some(b));
        assert_eq!(tree.focus_target(root), None);
        assert_eq!(tree.focus_order(root), [a, b]);
        tree.set_pressed(b, true);
        assert!(tree.get(b).is_some_and(|node| node.state.pressed));
        if let Some(node) = tree.get_mut(b) {
            node.state.disabled = true;
        }
        assert_eq!(tree.focus_target(c), None);
        assert_eq!(tree.focus_order(root), [a]);
    }

    #[test]
    fn enabled_and_shown_follow_ancestors() {
        let (mut tree, [root, a, b, c]) = fixture();
        assert!(tree.is_shown(a, 1.0) && !tree.is_shown(c, 1.0));
        if let Some(node) = tree.get_mut(b) {
            node.enabled = false;
        }
        assert!(tree.is_enabled(a) && !tree.is_enabled(b) && !tree.is_enabled(c));
        if let Some(node) = tree.get_mut(a) {
            node.clip = PixelRect::default();
        }
        assert!(!tree.is_shown(a, 1.0));
        let described = tree.accessible(&[root], 1.0);
        let labels: Vec<&str> = described.iter().map(|node| node.description.label.as_str()).collect();
        assert_eq!(labels, ["b"]);
        tree.remove(b);
        assert!(!tree.is_enabled(c) && !tree.is_shown(b, 1.0));
    }
}
