//! weft-theme — Weft's light and dark themes as typed data.
//!
//! Themes are authored as human-editable TOML under `themes/data/`
//! (`light.toml`, `dark.toml`, and the shared `icons.toml`). The build
//! script parses them on the host and embeds them as postcard, so a
//! malformed theme fails the build and the `no_std` library only decodes.
//! The bundled fonts (Inter for the UI, DejaVu Sans Mono for terminals)
//! live in `themes/fonts/` with their licences and are exposed as bytes.
//!
//! Invariants: every built-in theme decodes; every colour is straight
//! (not premultiplied) sRGB; every length is in logical pixels.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod fonts;
mod model;

pub use model::{
    Color, Icon, IconGeometry, IconPaint, IconShape, Metrics, Palette, Radii, Shadow, Shadows, Spacing,
    Theme, Typography,
};

use core::fmt;

/// The config key that picks the system theme (`"light"` or `"dark"`);
/// the shell, the compositor and every app follow it.
pub const THEME_SETTING: &str = "appearance.theme";

/// The themes built into Weft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThemeKind {
    /// Weft Light.
    Light,
    /// Weft Dark.
    Dark,
}

impl ThemeKind {
    /// Both built-in themes.
    pub const ALL: [ThemeKind; 2] = [ThemeKind::Light, ThemeKind::Dark];

    /// The setting's value for this theme (`appearance.theme`).
    pub fn name(self) -> &'static str {
        match self {
            ThemeKind::Light => "light",
            ThemeKind::Dark => "dark",
        }
    }

    /// The theme a setting's value names: dark for `"dark"`, light for
    /// anything else (unset, unknown, another type).
    pub fn named(name: Option<&str>) -> ThemeKind {
        if name == Some("dark") { ThemeKind::Dark } else { ThemeKind::Light }
    }

    /// The other one of the two.
    pub fn toggled(self) -> ThemeKind {
        match self {
            ThemeKind::Light => ThemeKind::Dark,
            ThemeKind::Dark => ThemeKind::Light,
        }
    }
}

/// Why a theme could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThemeError {
    /// The bytes are not a postcard-encoded [`Theme`].
    Decode(postcard::Error),
}

impl fmt::Display for ThemeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThemeError::Decode(error) => write!(formatter, "theme does not decode: {error}"),
        }
    }
}

impl core::error::Error for ThemeError {}

static LIGHT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/light.postcard"));
static DARK: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dark.postcard"));

impl Theme {
    /// Loads a built-in theme.
    pub fn builtin(kind: ThemeKind) -> Theme {
        let bytes = match kind {
            ThemeKind::Light => LIGHT,
            ThemeKind::Dark => DARK,
        };
        // The build script encoded these bytes from this very model.
        Theme::from_postcard(bytes).expect("built-in themes always decode")
    }

    /// Weft Light.
    pub fn light() -> Theme {
        Theme::builtin(ThemeKind::Light)
    }

    /// Weft Dark.
    pub fn dark() -> Theme {
        Theme::builtin(ThemeKind::Dark)
    }

    /// Decodes a theme compiled to postcard (e.g. a user theme shipped in a
    /// package).
    pub fn from_postcard(bytes: &[u8]) -> Result<Theme, ThemeError> {
        postcard::from_bytes(bytes).map_err(ThemeError::Decode)
    }

    /// Encodes this theme as postcard.
    pub fn to_postcard(&self) -> alloc::vec::Vec<u8> {
        postcard::to_allocvec(self).expect("themes always encode")
    }

    /// The icon called `name`, if the theme has it.
    pub fn icon(&self, name: &str) -> Option<&Icon> {
        self.icons.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_builtin_themes_decode_and_differ() {
        let light = Theme::light();
        let dark = Theme::dark();
        assert!(!light.dark);
        assert!(dark.dark);
        assert_ne!(light.palette.background, dark.palette.background);
        assert_eq!(light.typography.sans_family, fonts::SANS_FAMILY);
        assert_eq!(light.typography.mono_family, fonts::MONO_FAMILY);
    }

    #[test]
    fn icon_set_is_complete() {
        let theme = Theme::light();
        for name in [
            "terminal",
            "settings",
            "files",
            "monitor",
            "software",
            "close",
            "minimize",
            "maximize",
            "restore",
            "search",
            "back",
            "forward",
            "folder",
            "file",
            "check",
            "chevron_down",
            "plus",
            "menu",
            "home",
            "info",
            "warning",
        ] {
            let icon = theme.icon(name).unwrap_or_else(|| panic!("missing icon {name}"));
            assert!(!icon.shapes.is_empty());
            assert!(icon.view_box > 0.0);
        }
    }

    #[test]
    fn round_trips_through_postcard() {
        let theme = Theme::dark();
        assert_eq!(Theme::from_postcard(&theme.to_postcard()).unwrap(), theme);
    }

    #[test]
    fn garbage_is_a_typed_error() {
        assert!(matches!(Theme::from_postcard(&[0xff, 0xff, 0xff]), Err(ThemeError::Decode(_))));
    }

    #[test]
    fn colours_parse_and_mix() {
        assert_eq!(Color::parse_hex("#fff"), Some(Color::WHITE));
        assert_eq!(Color::parse_hex("#11223344"), Some(Color::rgba(0x11, 0x22, 0x33, 0x44)));
        assert_eq!(Color::parse_hex("123456"), None);
        assert_eq!(Color::BLACK.mix(Color::WHITE, 0.5), Color::rgb(128, 128, 128));
        assert_eq!(Color::from_u32(Color::rgba(1, 2, 3, 4).to_u32()), Color::rgba(1, 2, 3, 4));
    }
}
