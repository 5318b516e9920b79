//! The retained scene: a tree of nodes with transforms, clips, opacity
//! and content, kept in an arena with generation-checked ids.

use alloc::vec;
use alloc::vec::Vec;

use crate::flatten::DrawItem;
use weft_types::Rect;

use crate::geometry::{Color, Transform};

/// A node of a [`Scene`]. Ids of removed nodes are never valid again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    index: u32,
    generation: u32,
}

/// An image the renderer asks its [`crate::ImageSource`] for (a client
/// buffer, a decoration). Chosen by the scene's owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImageId(pub u64);

/// What a node draws.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// Nothing itself; groups children under one transform, clip and
    /// opacity.
    Group,
    /// A filled rectangle at the local origin.
    Solid {
        /// Fill colour.
        color: Color,
        /// Width in local units.
        width: f32,
        /// Height in local units.
        height: f32,
    },
    /// An image stretched over a rectangle at the local origin.
    Image {
        /// Which image.
        image: ImageId,
        /// Width in local units.
        width: f32,
        /// Height in local units.
        height: f32,
        /// The image's size in pixels.
        pixels: (u32, u32),
        /// Whether every pixel is opaque (the renderer may then skip what
        /// lies below and copies the pixels as they are).
        opaque: bool,
    },
}

/// Changed pixels of an image node since the last frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum ContentDamage {
    #[default]
    None,
    Rects(Vec<Rect>),
    All,
}

impl ContentDamage {
    fn add(&mut self, rect: Rect) {
        match self {
            ContentDamage::All => {}
            ContentDamage::None => *self = ContentDamage::Rects(vec![rect]),
            ContentDamage::Rects(rects) if rects.len() >= 16 => *self = ContentDamage::All,
            ContentDamage::Rects(rects) => rects.push(rect),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    pub transform: Transform,
    pub clip: Option<[f32; 4]>,
    pub opacity: f32,
    pub visible: bool,
    pub content: Content,
    pub damage: ContentDamage,
}

struct Slot {
    generation: u32,
    node: Option<Node>,
}

/// A scene: what one output shows, as a tree drawn depth first, parents
/// before children, earlier siblings below later ones.
pub struct Scene {
    slots: Vec<Slot>,
    free: Vec<u32>,
    root: NodeId,
    width: u32,
    height: u32,
    background: Color,
    full_damage: bool,
    pub(crate) previous: Vec<DrawItem>,
}

/// Why a scene operation was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SceneError {
    /// The node id is stale or was never valid.
    NoSuchNode,
    /// The operation would make a node its own ancestor, or touch the root
    /// in a way the root cannot be touched.
    InvalidTree,
}

impl Scene {
    /// An empty scene of `width` × `height` pixels over `background`.
    pub fn new(width: u32, height: u32, background: Color) -> Scene {
        let mut scene = Scene {
            slots: Vec::new(),
            free: Vec::new(),
            root: NodeId { index: 0, generation: 0 },
            width,
            height,
            background,
            full_damage: true,
            previous: Vec::new(),
        };
        scene.root = scene.allocate(Node::new(None, Content::Group));
        scene
    }

    /// The root group.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// Size in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The colour behind everything.
    pub fn background(&self) -> Color {
        self.background
    }

    /// Change the size (everything is damaged).
    pub fn resize(&mut self, width: u32, height: u32) {
        if (width, height) != (self.width, self.height) {
            self.width = width;
            self.height = height;
            self.full_damage = true;
        }
    }

    /// Change the background colour.
    pub fn set_background(&mut self, color: Color) {
        if color != self.background {
            self.background = color;
            self.full_damage = true;
        }
    }

    /// Mark the whole scene damaged (the next frame repaints everything).
    pub fn damage_all(&mut self) {
        self.full_damage = true;
    }

    pub(crate) fn take_full_damage(&mut self) -> bool {
        core::mem::take(&mut self.full_damage)
    }

    fn allocate(&mut self, node: Node) -> NodeId {
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            slot.node = Some(node);
            NodeId { index, generation: slot.generation }
        } else {
            self.slots.push(Slot { generation: 0, node: Some(node) });
            NodeId { index: (self.slots.len() - 1) as u32, generation: 0 }
        }
    }

    pub(crate) fn node(&self, id: NodeId) -> Option<&Node> {
        let slot = self.slots.get(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        slot.node.as_ref()
    }

    fn node_mut(&mut self, id: NodeId) -> Result<&mut Node, SceneError> {
        let slot = self.slots.get_mut(id.index as usize).ok_or(SceneError::NoSuchNode)?;
        if slot.generation != id.generation {
            return Err(SceneError::NoSuchNode);
        }
        slot.node.as_mut().ok_or(SceneError::NoSuchNode)
    }

    /// Whether `id` names a live node.
    pub fn contains(&self, id: NodeId) -> bool {
        self.node(id).is_some()
    }

    /// Add a node as the topmost child of `parent`.
    pub fn add(&mut self, parent: NodeId, content: Content) -> Result<NodeId, SceneError> {
        self.node_mut(parent)?;
        let id = self.allocate(Node::new(Some(parent), content));
        self.node_mut(parent)?.children.push(id);
        Ok(id)
    }

    /// Remove a node and everything below it.
    pub fn remove(&mut self, id: NodeId) -> Result<(), SceneError> {
        if id == self.root {
            return Err(SceneError::InvalidTree);
        }
        let parent = self.node_mut(id)?.parent;
        if let Some(parent) = parent
            && let Ok(node) = self.node_mut(parent)
        {
            node.children.retain(|c| *c != id);
        }
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            let slot = &mut self.slots[current.index as usize];
            if let Some(node) = slot.node.take() {
                stack.extend(node.children);
                slot.generation = slot.generation.wrapping_add(1);
                self.free.push(current.index);
            }
        }
        Ok(())
    }

    /// Children of `id`, bottom first.
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        self.node(id).map(|n| n.children.as_slice()).unwrap_or(&[])
    }

    /// Move `id` to position `index` among its siblings (0 = bottom;
    /// clamped to the top).
    pub fn set_z(&mut self, id: NodeId, index: usize) -> Result<(), SceneError> {
        let parent = self.node_mut(id)?.parent.ok_or(SceneError::InvalidTree)?;
        let siblings = &mut self.node_mut(parent)?.children;
        siblings.retain(|c| *c != id);
        let index = index.min(siblings.len());
        siblings.insert(index, id);
        Ok(())
    }

    /// Put `id` on top of its siblings.
    pub fn raise(&mut self, id: NodeId) -> Result<(), SceneError> {
        self.set_z(id, usize::MAX)
    }

    /// Move `id` under a new parent, on top of its children.
    pub fn reparent(&mut self, id: NodeId, parent: NodeId) -> Result<(), SceneError> {
        let mut ancestor = Some(parent);
        while let Some(current) = ancestor {
            if current == id {
                return Err(SceneError::InvalidTree);
            }
            ancestor = self.node(current).ok_or(SceneError::NoSuchNode)?.parent;
        }
        let old = self.node_mut(id)?.parent.ok_or(SceneError::InvalidTree)?;
        self.node_mut(old)?.children.retain(|c| *c != id);
        self.node_mut(parent)?.children.push(id);
        self.node_mut(id)?.parent = Some(parent);
        Ok(())
    }

    /// Set the transform relative to the parent.
    pub fn set_transform(&mut self, id: NodeId, transform: Transform) -> Result<(), SceneError> {
        self.node_mut(id)?.transform = transform;
        Ok(())
    }

    /// Set the translation, keeping the scale.
    pub fn set_position(&mut self, id: NodeId, x: f32, y: f32) -> Result<(), SceneError> {
        let node = self.node_mut(id)?;
        node.transform.tx = x;
        node.transform.ty = y;
        Ok(())
    }

    /// Clip this node and its descendants to a rectangle in its local
    /// coordinates (or stop clipping).
    pub fn set_clip(&mut self, id: NodeId, clip: Option<(f32, f32, f32, f32)>) -> Result<(), SceneError> {
        self.node_mut(id)?.clip = clip.map(|(x, y, w, h)| [x, y, w, h]);
        Ok(())
    }

    /// Set the opacity (0 transparent … 1 opaque), multiplied down the tree.
    pub fn set_opacity(&mut self, id: NodeId, opacity: f32) -> Result<(), SceneError> {
        self.node_mut(id)?.opacity = if opacity.is_nan() { 0.0 } else { opacity.clamp(0.0, 1.0) };
        Ok(())
    }

    /// Show or hide a node and its descendants.
    pub fn set_visible(&mut self, id: NodeId, visible: bool) -> Result<(), SceneError> {
        self.node_mut(id)?.visible = visible;
        Ok(())
    }

    /// Replace the content. A new image counts as entirely changed.
    pub fn set_content(&mut self, id: NodeId, content: Content) -> Result<(), SceneError> {
        let node = self.node_mut(id)?;
        if node.content != content {
            if matches!(content, Content::Image { .. }) {
                node.damage = ContentDamage::All;
            }
            node.content = content;
        }
        Ok(())
    }

    /// Change the local size of a solid or image node.
    pub fn set_size(&mut self, id: NodeId, new_width: f32, new_height: f32) -> Result<(), SceneError> {
        match &mut self.node_mut(id)?.content {
            Content::Group => {}
            Content::Solid { width, height, .. } | Content::Image { width, height, .. } => {
                *width = new_width;
                *height = new_height;
            }
        }
        Ok(())
    }

    /// Change a solid node's colour.
    pub fn set_color(&mut self, id: NodeId, new_color: Color) -> Result<(), SceneError> {
        if let Content::Solid { color, .. } = &mut self.node_mut(id)?.content {
            *color = new_color;
        }
        Ok(())
    }

    /// Show another image of the same pixel size in an image node, where
    /// only `damage` (image pixels) differs from the image shown before;
    /// an empty list means everything differs. A different pixel size
    /// counts as entirely changed.
    pub fn update_image(
        &mut self,
        id: NodeId,
        new_image: ImageId,
        new_pixels: (u32, u32),
        new_opaque: bool,
        damage: &[Rect],
    ) -> Result<(), SceneError> {
        let node = self.node_mut(id)?;
        let Content::Image { image, pixels, opaque, .. } = &mut node.content else {
            return Err(SceneError::InvalidTree);
        };
        let whole = *pixels != new_pixels || *opaque != new_opaque || damage.is_empty();
        *image = new_image;
        *pixels = new_pixels;
        *opaque = new_opaque;
        if whole {
            node.damage = ContentDamage::All;
        } else {
            for rect in damage {
                node.damage.add(*rect);
            }
        }
        Ok(())
    }

    pub(crate) fn take_content_damage(&mut self, id: NodeId) -> ContentDamage {
        self.node_mut(id).map(|n| core::mem::take(&mut n.damage)).unwrap_or_default()
    }

    /// The transform from `id`'s local coordinates to output pixels.
    pub fn world_transform(&self, id: NodeId) -> Option<Transform> {
        let mut chain = Vec::new();
        let mut current = Some(id);
        while let Some(node_id) = current {
            let node = self.node(node_id)?;
            chain.push(node.transform);
            current = node.parent;
        }
        Some(chain.iter().rev().fold(Transform::IDENTITY, |acc, t| acc.then(t)))
    }
}

impl Node {
    fn new(parent: Option<NodeId>, content: Content) -> Node {
        Node {
            parent,
            children: Vec::new(),
            transform: Transform::IDENTITY,
            clip: None,
            opacity: 1.0,
            visible: true,
            content,
            damage: ContentDamage::None,
        }
    }
}
