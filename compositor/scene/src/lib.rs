//! weft-scene — the compositor's retained scene graph, damage tracking and
//! renderer.
//!
//! A [`Scene`] is a tree of nodes: groups, solid rectangles and images
//! (client buffers, decorations, the cursor), each with a scale-and-
//! translate transform, an optional clip, an opacity and a place in the
//! stacking order. Geometry is snapped to whole output pixels when the
//! tree is flattened, so every drawn item covers an integer rectangle.
//!
//! Each frame, [`Renderer::render`] flattens the tree, compares the draw
//! list with the previous frame's to find the damage (see `flatten`),
//! and recomposites only the damaged rectangles into its back buffer with
//! tiny-skia; [`Renderer::copy_to`] then converts just those rectangles
//! into the framebuffer's pixel format.
//!
//! Invariant (property-tested): compositing only the damage produces the
//! same pixels, bit for bit, as compositing everything.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod flatten;
mod geometry;
mod graph;
mod region;
mod render;

pub use flatten::{DrawItem, Paint};
pub use geometry::{Color, Transform};
pub use graph::{Content, ImageId, NodeId, Scene, SceneError};
pub use region::Region;
pub use render::{Frame, ImageSource, ImageView, NoImages, OutputFormat, RenderStats, Renderer};
/// Rectangles of whole pixels: the one `Rect` every layer shares.
pub use weft_types::Rect;

#[cfg(test)]
mod tests;
