//! The node arena: widgets, their tree links, taffy nodes and geometry.

use alloc::boxed::Box;
use alloc::vec::Vec;

use taffy::{NodeId, TaffyTree};
use weft_paint::{PixelRect, Rect};

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
        Tree {
            nodes: Vec::new(),
            generations: Vec::new(),
            free: Vec::new(),
            layout,
        }
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
        let id = WidgetId {
            index,
            generation: self.generations[index as usize],
        };
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
            .map(|(index, _)| WidgetId {
                index: index as u32,
                generation: self.generations[index],
            })
            .collect()
    }
}
