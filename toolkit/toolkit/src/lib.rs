//! weft-toolkit — Weft's retained UI toolkit.
//!
//! An app builds a tree of widgets once ([`Ui::add`]), then feeds input
//! events with timestamps ([`Ui::handle_event`]) and gets back its own
//! messages; it changes widgets through [`Ui::update`]; and it asks the
//! UI to [`Ui::render`] into a caller-owned pixel buffer, which repaints
//! only damaged regions and returns them so only those are presented.
//!
//! Layers: `weft-theme` (data), `weft-paint` (tiny-skia canvas),
//! `weft-text` (cosmic-text), this crate (tree, taffy layout, damage,
//! focus, gestures, widgets). No IPC, no clock: time is always passed in.
//!
//! Invariants:
//! - widget ids are stable until removal and never reused ambiguously;
//! - layout is in logical pixels; bounds are snapped to physical pixels;
//! - rendering only damaged regions yields exactly the pixels a full
//!   render of the same state would;
//! - everything a widget paints lies within its bounds grown by its
//!   declared paint outset, so damaging that area is always sufficient.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod accessibility;
mod damage;
mod event;
pub mod gesture;
mod id;
pub mod press;
mod style;
mod tree;
mod ui;
mod widget;
pub mod widgets;

pub use event::{Event, Ime, PointerSource, Status, SwipeDirection};
pub use id::WidgetId;
pub use style::{Align, Arrangement, Insets, LayoutStyle};
pub use ui::{OverlayKind, Ui};
pub use weft_paint::{self as paint, Canvas, PixelRect, Point, Rect, Size};
pub use weft_text::{self as text, TextSystem};
pub use weft_theme::{self as theme, Theme, ThemeKind};
pub use weft_types;
pub use widget::{EventContext, MeasureContext, PaintContext, Widget, WidgetState};

/// Everything an app usually needs, for `use weft_toolkit::prelude::*;`.
pub mod prelude {
    pub use crate::widgets::{
        Button, ButtonKind, Checkbox, ColorRole, Container, Dialog, Icon, IconButton, ImageView, Label,
        ListItem, Menu, MenuItem, ProgressBar, ScrollView, Slider, Surface, Switch, Tabs, TextField,
        TextRole,
    };
    pub use crate::{Align, Canvas, Insets, PixelRect, Point, Rect, Size, Theme, ThemeKind, Ui, WidgetId};
    pub use weft_types::InputEvent;
}
