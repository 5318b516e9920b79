//! Flattening the tree into a draw list, and damage as the difference
//! between the last frame's draw list and this one's.
//!
//! A draw item is everything that decides a leaf's pixels: its snapped
//! destination and visible rectangles, its opacity and its paint. Damage
//! for a frame is exactly:
//! - the old and new visible rectangles of every item that appeared,
//!   disappeared or changed;
//! - the content damage of unchanged image items, mapped to the output;
//! - where two unchanged items overlap and their stacking order flipped;
//! - everything, after a resize or background change.
//!
//! Every pixel whose inputs changed is therefore inside the damage, which
//! is what makes a damage-only composite equal to a full one.

use alloc::vec::Vec;

use weft_types::Rect;

use crate::geometry::{Color, Transform};
use crate::graph::{Content, ContentDamage, ImageId, NodeId, Scene};
use crate::region::Region;

/// How an item paints its destination rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Paint {
    /// A colour (straight alpha, opacity applied).
    Solid(Color),
    /// An image.
    Image {
        /// Which.
        image: ImageId,
        /// Its size in pixels.
        pixels: (u32, u32),
        /// Whether it declared itself opaque.
        opaque: bool,
    },
}

/// One leaf, ready to draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrawItem {
    /// The node.
    pub node: NodeId,
    /// Where its content goes, snapped to pixels, before clipping.
    pub dest: Rect,
    /// The part of `dest` that can show (clips and the output applied).
    pub visible: Rect,
    /// Accumulated opacity.
    pub opacity: f32,
    /// What it paints.
    pub paint: Paint,
}

impl DrawItem {
    /// Whether it replaces every pixel of its visible rectangle.
    pub fn is_opaque(&self) -> bool {
        if self.opacity < 1.0 {
            return false;
        }
        match self.paint {
            Paint::Solid(color) => color.a == 255,
            Paint::Image { opaque, .. } => opaque,
        }
    }

    /// Same appearance, ignoring which image fills it (image changes are
    /// reported as content damage).
    fn same_look(&self, other: &DrawItem) -> bool {
        let paint = match (self.paint, other.paint) {
            (Paint::Image { pixels: a, opaque: oa, .. }, Paint::Image { pixels: b, opaque: ob, .. }) => {
                a == b && oa == ob
            }
            (a, b) => a == b,
        };
        paint && self.dest == other.dest && self.visible == other.visible && self.opacity == other.opacity
    }
}

/// Walk the scene, producing leaves bottom to top.
pub(crate) fn flatten(scene: &Scene) -> Vec<DrawItem> {
    let (width, height) = scene.size();
    let screen = Rect::new(0, 0, width, height);
    let mut items = Vec::new();
    // (node, parent transform, inherited clip, inherited opacity)
    let mut stack = alloc::vec![(scene.root(), Transform::IDENTITY, screen, 1.0f32)];
    while let Some((id, parent_transform, parent_clip, parent_opacity)) = stack.pop() {
        let Some(node) = scene.node(id) else {
            continue;
        };
        if !node.visible {
            continue;
        }
        let opacity = parent_opacity * node.opacity;
        if opacity <= 0.0 {
            continue;
        }
        let transform = parent_transform.then(&node.transform);
        let clip = match node.clip {
            Some([x, y, w, h]) => parent_clip.intersect(&transform.map_rect(x, y, w, h)).unwrap_or_default(),
            None => parent_clip,
        };
        if clip.is_empty() {
            continue;
        }
        let leaf = match &node.content {
            Content::Group => None,
            Content::Solid { color, width, height } => {
                let mut faded = *color;
                faded.a = fade(color.a, opacity);
                Some((transform.map_rect(0.0, 0.0, *width, *height), Paint::Solid(faded)))
            }
            Content::Image { image, width, height, pixels, opaque } => Some((
                transform.map_rect(0.0, 0.0, *width, *height),
                Paint::Image { image: *image, pixels: *pixels, opaque: *opaque },
            )),
        };
        if let Some((dest, paint)) = leaf {
            let visible = dest.intersect(&clip).unwrap_or_default();
            let empty_image = matches!(paint, Paint::Image { pixels, .. } if pixels.0 == 0 || pixels.1 == 0);
            let invisible_solid = matches!(paint, Paint::Solid(c) if c.a == 0);
            if !visible.is_empty() && !empty_image && !invisible_solid {
                items.push(DrawItem {
                    node: id,
                    dest,
                    visible,
                    opacity: if matches!(paint, Paint::Solid(_)) { 1.0 } else { opacity },
                    paint,
                });
            }
        }
        // Push children in reverse so the bottom one is drawn first.
        for child in node.children.iter().rev() {
            stack.push((*child, transform, clip, opacity));
        }
    }
    items
}

fn fade(alpha: u8, opacity: f32) -> u8 {
    if opacity >= 1.0 { alpha } else { (f32::from(alpha) * opacity + 0.5) as u8 }
}

/// Map a rectangle of image pixels to the output through an item.
fn map_content_damage(item: &DrawItem, rect: &Rect) -> Rect {
    let Paint::Image { pixels, .. } = item.paint else {
        return item.visible;
    };
    let (iw, ih) = (i64::from(pixels.0.max(1)), i64::from(pixels.1.max(1)));
    let (dw, dh) = (i64::from(item.dest.width), i64::from(item.dest.height));
    let scaled = dw != iw || dh != ih;
    let floor_div = |a: i64, b: i64| a.div_euclid(b);
    let ceil_div = |a: i64, b: i64| -((-a).div_euclid(b));
    let x0 = i64::from(item.dest.x) + floor_div(i64::from(rect.x) * dw, iw);
    let y0 = i64::from(item.dest.y) + floor_div(i64::from(rect.y) * dh, ih);
    let x1 = i64::from(item.dest.x) + ceil_div(i64::from(rect.right()) * dw, iw);
    let y1 = i64::from(item.dest.y) + ceil_div(i64::from(rect.bottom()) * dh, ih);
    let clamp = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    let mut mapped = Rect::from_edges(clamp(x0), clamp(y0), clamp(x1), clamp(y1));
    if scaled {
        // Filtering reads neighbours: a changed pixel bleeds a little.
        let reach = (dw / iw).max(dh / ih).max(1) as i32 + 1;
        mapped = mapped.inflate(reach);
    }
    mapped.intersect(&item.visible).unwrap_or_default()
}

/// This frame's draw list and damage; the scene remembers the list as
/// the new "previous".
pub(crate) fn frame(scene: &mut Scene) -> (Vec<DrawItem>, Region) {
    let items = flatten(scene);
    let (width, height) = scene.size();
    let screen = Rect::new(0, 0, width, height);
    let mut damage = Region::new();
    let full = scene.take_full_damage();
    if full {
        damage.add(screen);
    }
    let previous = core::mem::take(&mut scene.previous);
    let mut previous_index: Vec<(NodeId, usize)> =
        previous.iter().enumerate().map(|(i, it)| (it.node, i)).collect();
    previous_index.sort_unstable();
    let find = |node: NodeId| {
        previous_index.binary_search_by_key(&node, |(n, _)| *n).ok().map(|at| previous_index[at].1)
    };
    // (previous position, current position) of unchanged items.
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut seen = alloc::vec![false; previous.len()];
    for (position, item) in items.iter().enumerate() {
        let content = scene.take_content_damage(item.node);
        if full {
            continue;
        }
        match find(item.node) {
            Some(old) if previous[old].same_look(item) => {
                seen[old] = true;
                kept.push((old, position));
                match content {
                    ContentDamage::None => {}
                    ContentDamage::All => damage.add(item.visible),
                    ContentDamage::Rects(rects) => {
                        for rect in &rects {
                            damage.add(map_content_damage(item, rect));
                        }
                    }
                }
            }
            Some(old) => {
                seen[old] = true;
                damage.add(previous[old].visible);
                damage.add(item.visible);
            }
            None => damage.add(item.visible),
        }
    }
    if !full {
        for (old, item) in previous.iter().enumerate() {
            if !seen[old] {
                damage.add(item.visible);
            }
        }
        // Stacking flips among unchanged items.
        let in_order = kept.windows(2).all(|pair| pair[0].0 < pair[1].0);
        if !in_order {
            for (i, a) in kept.iter().enumerate() {
                for b in &kept[i + 1..] {
                    if a.0 > b.0 {
                        let overlap = items[a.1].visible.intersect(&items[b.1].visible).unwrap_or_default();
                        damage.add(overlap);
                    }
                }
            }
        }
    }
    // Content damage left on nodes that are not drawn is moot.
    damage.clip(&screen);
    scene.previous = items.clone();
    (items, damage)
}
