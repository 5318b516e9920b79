//! weft-types — the vocabulary the UI layers share.
//!
//! The toolkit, the compositor, the input service, the display drivers,
//! `wlstream`, the mesh service and the remote viewer all speak these
//! types, so a rectangle or a key press means the same thing at every
//! layer and crosses each boundary without conversion:
//!
//! - [`Point`], [`Size`] and [`Rect`]: whole pixels in a signed plane (a
//!   screen, a scene, a window's content); a rectangle's right and bottom
//!   edges are exclusive and may lie partly off screen;
//! - [`SurfaceRect`]: a rectangle of pixels inside one buffer, measured
//!   from its top-left corner, so never negative; laid out like the
//!   `virtio_gpu_rect` device structure and computed in `u64` so that no
//!   hostile field overflows;
//! - [`input`]: keys (by evdev code), modifiers, pointer and touch events,
//!   and [`keymap`], the US layout from key codes to text and back.
//!
//! The toolkit's logical (`f32`) geometry lives in `weft-paint`; it is a
//! different plane (logical pixels before scaling), not a copy of these.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod geometry;
pub mod input;
pub mod keymap;
mod keys;
mod surface_rect;

pub use geometry::{Point, Rect, Size};
pub use input::{Button, InputEvent, Key, KeyEvent, KeyState, Modifiers, PointerEvent, TouchEvent};
pub use surface_rect::SurfaceRect;
