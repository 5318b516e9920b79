//! Decoration colours and metrics.

use weft_scene::Color;

/// How the compositor draws what it draws itself: window frames, title
/// bars, buttons, the cursor and the desktop behind everything.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Behind every window and layer.
    pub desktop: Color,
    /// Title bar of the focused window.
    pub title_active: Color,
    /// Title bar of other windows.
    pub title_inactive: Color,
    /// Title text and button glyphs, focused window.
    pub text_active: Color,
    /// Title text and button glyphs, other windows.
    pub text_inactive: Color,
    /// One-pixel frame around windows.
    pub border: Color,
    /// A hovered button's background.
    pub button_hover: Color,
    /// The hovered close button's background.
    pub close_hover: Color,
    /// Behind client content that does not fill its window.
    pub content_background: Color,
    /// Title bar height in logical pixels.
    pub title_height: u32,
    /// Frame width in logical pixels.
    pub border_width: u32,
    /// Width of each title bar button.
    pub button_width: u32,
    /// Invisible margin outside the frame that resizes the window.
    pub resize_margin: u32,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme {
            desktop: Color::rgb(0x2b, 0x3a, 0x4a),
            title_active: Color::rgb(0xf4, 0xf5, 0xf7),
            title_inactive: Color::rgb(0xdc, 0xdf, 0xe4),
            text_active: Color::rgb(0x1d, 0x21, 0x27),
            text_inactive: Color::rgb(0x6b, 0x72, 0x7d),
            border: Color::rgb(0x8a, 0x93, 0x9f),
            button_hover: Color::rgb(0xc9, 0xce, 0xd6),
            close_hover: Color::rgb(0xd9, 0x3f, 0x3f),
            content_background: Color::rgb(0xff, 0xff, 0xff),
            title_height: 30,
            border_width: 1,
            button_width: 40,
            resize_margin: 6,
        }
    }
}
