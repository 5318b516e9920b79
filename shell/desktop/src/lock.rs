//! The lock screen: a full-screen overlay that takes every key and click
//! while it is up, showing the time and date over a darkened wallpaper
//! and a password field.
//!
//! Unlocking: the password is checked against the config key
//! [`PASSWORD_KEY`], which holds the lower-case hex SHA-256 of
//! `weft-lock:` followed by the password. When the key is unset or empty
//! (the development default) no password is needed: Enter unlocks, and
//! the lock screen says so.

use alloc::string::String;
use core::fmt::Write;
use sha2::{Digest, Sha256};
use weft_compositor_api::{Anchor, KeyboardInteractivity, Layer, LayerRole, Size};
use weft_paint::Rect;
use weft_text::TextStyle;
use weft_theme::{Color, Theme};
use weft_toolkit::{Align, Insets, LayoutStyle, PaintContext, Widget, WidgetId};

use crate::clock::LocalTime;
use crate::message::Message;
use crate::surface::ShellSurface;
use crate::wallpaper::paint_wallpaper;
use crate::widgets::{Ink, PasswordField, Text};

/// The config key with the password's hash.
pub const PASSWORD_KEY: &str = "shell.lock.password-sha256";

/// The hash stored under [`PASSWORD_KEY`] for `password`.
pub fn password_hash(password: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"weft-lock:");
    hasher.update(password.as_bytes());
    let mut hex = String::new();
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Whether `attempt` unlocks, given the stored hash (`None`/empty: no
/// password set).
pub fn accepts(stored: Option<&str>, attempt: &str) -> bool {
    match stored.map(str::trim) {
        None | Some("") => true,
        Some(hash) => constant_time_equal(hash.as_bytes(), password_hash(attempt).as_bytes()),
    }
}

fn constant_time_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The darkened wallpaper behind everything.
struct Curtain;

impl Widget<Message> for Curtain {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            fill_width: true,
            fill_height: true,
            grow: 1.0,
            align_items: Align::Center,
            justify: Align::Center,
            gap: 6.0,
            padding: Insets { top: 0.0, right: 0.0, bottom: 80.0, left: 0.0 },
            ..LayoutStyle::default()
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let rect: Rect = cx.rect();
        let dark = cx.theme().dark;
        paint_wallpaper(cx.canvas(), rect, dark);
        cx.canvas().fill_rect(rect, Color::rgba(0x08, 0x0a, 0x12, if dark { 0x8c } else { 0x73 }));
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        0.0
    }
}

/// The lock screen.
pub struct LockScreen {
    /// Its surface.
    pub surface: ShellSurface<Message>,
    time: WidgetId,
    date: WidgetId,
    field: WidgetId,
    message: WidgetId,
}

impl LockScreen {
    /// Full screen, above everything, holding the keyboard.
    pub fn role() -> LayerRole {
        LayerRole {
            layer: Layer::Overlay,
            anchor: Anchor::TOP | Anchor::BOTTOM | Anchor::LEFT | Anchor::RIGHT,
            size: Size::new(0, 0),
            exclusive_zone: 0,
            margin: 0,
            keyboard: KeyboardInteractivity::Exclusive,
        }
    }

    /// Build the lock screen's widgets.
    pub fn new(theme: &Theme) -> LockScreen {
        let mut surface = ShellSurface::new(theme);
        let ui = &mut surface.ui;
        ui.adjust_layout(ui.root(), |style| style.fill_height = true);
        let curtain = ui.add(ui.root(), Curtain);
        let white = Ink::Fixed(Color::WHITE);
        let time = ui.add(curtain, Text::new("", TextStyle::sans(88.0).semibold()).ink(white).centered());
        let date = ui.add(
            curtain,
            Text::new("", TextStyle::sans(theme.typography.title_size + 2.0))
                .ink(Ink::Fixed(Color::rgba(255, 255, 255, 0xd8)))
                .centered(),
        );
        ui.adjust_layout(date, |style| style.padding.bottom = 48.0);
        let field = ui.add(curtain, PasswordField::new(300.0, "Password", Message::Unlock));
        let message = ui.add(
            curtain,
            Text::new("", TextStyle::sans(theme.typography.small_size + 1.0))
                .ink(Ink::Fixed(Color::rgba(255, 255, 255, 0xb8)))
                .centered(),
        );
        ui.adjust_layout(message, |style| style.padding.top = 6.0);
        LockScreen { surface, time, date, field, message }
    }

    /// Get ready to show: clear the field, focus it, explain how to unlock.
    pub fn reset(&mut self, password_set: bool) {
        let ui = &mut self.surface.ui;
        let placeholder = if password_set { "Password" } else { "Press Enter to unlock" };
        ui.update::<PasswordField<Message>, _>(self.field, |field| {
            field.clear();
            field.set_placeholder(placeholder);
        });
        ui.set_focus(Some(self.field));
        let hint = if password_set { "Type your password and press Enter" } else { "No password is set" };
        self.set_message(hint, false);
    }

    /// Show a line under the field (an error in a warmer colour).
    pub fn set_message(&mut self, text: &str, error: bool) {
        let ink = if error {
            Ink::Fixed(Color::rgb(0xff, 0xb4, 0xa8))
        } else {
            Ink::Fixed(Color::rgba(255, 255, 255, 0xb8))
        };
        let text = String::from(text);
        self.surface.ui.update::<Text, _>(self.message, |label| {
            label.set_text(text);
            label.set_ink(ink);
        });
    }

    /// Show `time`.
    pub fn set_time(&mut self, time: &LocalTime) {
        let (clock, date) = (time.clock(), time.long_date());
        let ui = &mut self.surface.ui;
        ui.update::<Text, _>(self.time, |label| label.set_text(clock));
        ui.update::<Text, _>(self.date, |label| label.set_text(date));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        assert!(accepts(None, ""));
        assert!(accepts(Some(""), "anything"));
        let stored = password_hash("hunter2");
        assert_eq!(stored.len(), 64);
        assert!(accepts(Some(&stored), "hunter2"));
        assert!(!accepts(Some(&stored), "hunter3"));
        assert!(!accepts(Some(&stored), ""));
    }
}
