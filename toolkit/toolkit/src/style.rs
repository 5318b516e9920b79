//! Layout styles: a small, stable vocabulary mapped onto taffy.

use taffy::prelude::{auto, evenly_sized_tracks, length, percent};

/// Space inside a box's edges, logical pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Insets {
    /// Top.
    pub top: f32,
    /// Right.
    pub right: f32,
    /// Bottom.
    pub bottom: f32,
    /// Left.
    pub left: f32,
}

impl Insets {
    /// The same inset on every side.
    pub const fn all(value: f32) -> Insets {
        Insets {
            top: value,
            right: value,
            bottom: value,
            left: value,
        }
    }

    /// Vertical and horizontal insets.
    pub const fn symmetric(vertical: f32, horizontal: f32) -> Insets {
        Insets {
            top: vertical,
            right: horizontal,
            bottom: vertical,
            left: horizontal,
        }
    }
}

/// How a container arranges its children.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Arrangement {
    /// Top to bottom (flex column).
    #[default]
    Column,
    /// Left to right (flex row).
    Row,
    /// A grid of this many equal columns; rows are added as needed.
    Grid(u16),
}

/// Alignment along an axis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    /// Leading edge.
    Start,
    /// Centred.
    Center,
    /// Trailing edge.
    End,
    /// Fill the available space (cross axis only).
    #[default]
    Stretch,
    /// Free space between items (main axis only).
    SpaceBetween,
}

/// Layout properties of one widget.
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutStyle {
    /// How children are arranged.
    pub arrangement: Arrangement,
    /// Space between children.
    pub gap: f32,
    /// Space inside the edges.
    pub padding: Insets,
    /// Cross-axis alignment of children.
    pub align_items: Align,
    /// Main-axis distribution of children.
    pub justify: Align,
    /// Override of the parent's cross-axis alignment for this widget.
    pub align_self: Option<Align>,
    /// Fixed width.
    pub width: Option<f32>,
    /// Fixed height.
    pub height: Option<f32>,
    /// Minimum width.
    pub min_width: Option<f32>,
    /// Minimum height.
    pub min_height: Option<f32>,
    /// Maximum width.
    pub max_width: Option<f32>,
    /// Fill the parent's width.
    pub fill_width: bool,
    /// Fill the parent's height.
    pub fill_height: bool,
    /// Share of free main-axis space to take.
    pub grow: f32,
    /// Willingness to shrink below the natural size.
    pub shrink: f32,
    /// Contents may be larger than the box (scroll views): the box does
    /// not grow to fit them.
    pub scrolls: bool,
}

impl Default for LayoutStyle {
    fn default() -> LayoutStyle {
        LayoutStyle {
            arrangement: Arrangement::Column,
            gap: 0.0,
            padding: Insets::default(),
            align_items: Align::Stretch,
            justify: Align::Start,
            align_self: None,
            width: None,
            height: None,
            min_width: None,
            min_height: None,
            max_width: None,
            fill_width: false,
            fill_height: false,
            grow: 0.0,
            shrink: 1.0,
            scrolls: false,
        }
    }
}

fn align_items(align: Align) -> taffy::AlignItems {
    match align {
        Align::Start => taffy::AlignItems::START,
        Align::Center => taffy::AlignItems::CENTER,
        Align::End => taffy::AlignItems::END,
        Align::Stretch | Align::SpaceBetween => taffy::AlignItems::STRETCH,
    }
}

fn justify(align: Align) -> taffy::JustifyContent {
    match align {
        Align::Start | Align::Stretch => taffy::JustifyContent::START,
        Align::Center => taffy::JustifyContent::CENTER,
        Align::End => taffy::JustifyContent::END,
        Align::SpaceBetween => taffy::JustifyContent::SPACE_BETWEEN,
    }
}

impl LayoutStyle {
    /// The taffy style for this layout; `hidden` removes the box from layout.
    pub(crate) fn to_taffy(&self, hidden: bool) -> taffy::Style {
        let mut style = taffy::Style {
            display: match (hidden, self.arrangement) {
                (true, _) => taffy::Display::None,
                (false, Arrangement::Grid(_)) => taffy::Display::Grid,
                (false, _) => taffy::Display::Flex,
            },
            flex_direction: match self.arrangement {
                Arrangement::Row => taffy::FlexDirection::Row,
                _ => taffy::FlexDirection::Column,
            },
            gap: taffy::Size {
                width: length(self.gap),
                height: length(self.gap),
            },
            padding: taffy::Rect {
                left: length(self.padding.left),
                right: length(self.padding.right),
                top: length(self.padding.top),
                bottom: length(self.padding.bottom),
            },
            align_items: align_items(self.align_items),
            justify_content: justify(self.justify),
            align_self: self.align_self.map(align_items),
            size: taffy::Size {
                width: match (self.width, self.fill_width) {
                    (Some(width), _) => length(width),
                    (None, true) => percent(1.0),
                    (None, false) => auto(),
                },
                height: match (self.height, self.fill_height) {
                    (Some(height), _) => length(height),
                    (None, true) => percent(1.0),
                    (None, false) => auto(),
                },
            },
            min_size: taffy::Size {
                width: self.min_width.map_or(auto(), length),
                height: self.min_height.map_or(auto(), length),
            },
            max_size: taffy::Size {
                width: self.max_width.map_or(auto(), length),
                height: auto(),
            },
            flex_grow: self.grow,
            flex_shrink: self.shrink,
            ..taffy::Style::default()
        };
        if let Arrangement::Grid(columns) = self.arrangement {
            style.grid_template_columns = evenly_sized_tracks(columns.max(1));
        }
        if self.scrolls {
            style.overflow = taffy::Point {
                x: taffy::Overflow::Hidden,
                y: taffy::Overflow::Scroll,
            };
            style.scrollbar_width = 0.0;
            style.min_size.height = length(0.0);
        }
        style
    }
}

/// Adjustments applied on top of a widget's own layout style.
pub type StyleAdjustment = alloc::boxed::Box<dyn Fn(&mut LayoutStyle)>;
