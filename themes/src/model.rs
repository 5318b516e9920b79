//! The typed theme model, shared by the library and its build script.
//!
//! The build script deserialises TOML into these types (human-readable
//! serde: colours are `"#rrggbb"` / `"#rrggbbaa"` strings) and re-encodes
//! them with postcard (compact serde: colours are packed `u32`s), which is
//! what the library decodes at run time.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A straight (not premultiplied) sRGB colour with alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Color {
    /// Red, 0–255.
    pub red: u8,
    /// Green, 0–255.
    pub green: u8,
    /// Blue, 0–255.
    pub blue: u8,
    /// Alpha (opacity), 0–255.
    pub alpha: u8,
}

impl Color {
    /// Fully transparent black.
    pub const TRANSPARENT: Color = Color::rgba(0, 0, 0, 0);
    /// Opaque black.
    pub const BLACK: Color = Color::rgba(0, 0, 0, 255);
    /// Opaque white.
    pub const WHITE: Color = Color::rgba(255, 255, 255, 255);

    /// A colour from its four channels.
    pub const fn rgba(red: u8, green: u8, blue: u8, alpha: u8) -> Color {
        Color {
            red,
            green,
            blue,
            alpha,
        }
    }

    /// An opaque colour.
    pub const fn rgb(red: u8, green: u8, blue: u8) -> Color {
        Color::rgba(red, green, blue, 255)
    }

    /// The same colour with its alpha multiplied by `factor` (0–1).
    pub fn with_opacity(self, factor: f32) -> Color {
        let factor = factor.clamp(0.0, 1.0);
        Color {
            alpha: (self.alpha as f32 * factor + 0.5) as u8,
            ..self
        }
    }

    /// Linear interpolation towards `other` (`t` = 0 gives `self`).
    pub fn mix(self, other: Color, t: f32) -> Color {
        let t = t.clamp(0.0, 1.0);
        let lerp = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t + 0.5) as u8;
        Color {
            red: lerp(self.red, other.red),
            green: lerp(self.green, other.green),
            blue: lerp(self.blue, other.blue),
            alpha: lerp(self.alpha, other.alpha),
        }
    }

    /// Packs into `0xRRGGBBAA`.
    pub const fn to_u32(self) -> u32 {
        (self.red as u32) << 24
            | (self.green as u32) << 16
            | (self.blue as u32) << 8
            | self.alpha as u32
    }

    /// Unpacks from `0xRRGGBBAA`.
    pub const fn from_u32(value: u32) -> Color {
        Color::rgba(
            (value >> 24) as u8,
            (value >> 16) as u8,
            (value >> 8) as u8,
            value as u8,
        )
    }

    /// Parses `#rgb`, `#rrggbb` or `#rrggbbaa`.
    pub fn parse_hex(text: &str) -> Option<Color> {
        let digits = text.strip_prefix('#')?;
        let nibble = |index: usize| -> Option<u8> {
            let byte = *digits.as_bytes().get(index)?;
            (byte as char).to_digit(16).map(|value| value as u8)
        };
        let pair = |index: usize| -> Option<u8> { Some(nibble(index)? << 4 | nibble(index + 1)?) };
        match digits.len() {
            3 => Some(Color::rgb(
                nibble(0)? * 17,
                nibble(1)? * 17,
                nibble(2)? * 17,
            )),
            6 => Some(Color::rgb(pair(0)?, pair(2)?, pair(4)?)),
            8 => Some(Color::rgba(pair(0)?, pair(2)?, pair(4)?, pair(6)?)),
            _ => None,
        }
    }
}

impl fmt::Display for Color {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "#{:02x}{:02x}{:02x}{:02x}",
            self.red, self.green, self.blue, self.alpha
        )
    }
}

impl Serialize for Color {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(&format!("{self}"))
        } else {
            serializer.serialize_u32(self.to_u32())
        }
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Color, D::Error> {
        struct HexVisitor;
        impl Visitor<'_> for HexVisitor {
            type Value = Color;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a colour such as \"#3a6ff7\" or \"#00000080\"")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Color, E> {
                Color::parse_hex(text).ok_or_else(|| E::custom(format!("bad colour {text:?}")))
            }
            fn visit_u32<E: de::Error>(self, value: u32) -> Result<Color, E> {
                Ok(Color::from_u32(value))
            }
        }
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(HexVisitor)
        } else {
            deserializer.deserialize_u32(HexVisitor)
        }
    }
}

/// The named colours of a theme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Palette {
    /// Window background.
    pub background: Color,
    /// Raised surfaces: cards, fields, menus, dialogs.
    pub surface: Color,
    /// Secondary surfaces: headers, tab strips, sunken areas.
    pub surface_alt: Color,
    /// Primary text.
    pub text: Color,
    /// Secondary text: hints, captions, placeholders.
    pub text_muted: Color,
    /// Text and icons drawn on the accent colour.
    pub text_on_accent: Color,
    /// Accent: primary buttons, checked controls, progress.
    pub accent: Color,
    /// Accent under the pointer.
    pub accent_hover: Color,
    /// Accent while pressed.
    pub accent_pressed: Color,
    /// Hairline borders.
    pub border: Color,
    /// Borders of interactive controls.
    pub border_strong: Color,
    /// Unchecked tracks (switch, slider, progress background).
    pub track: Color,
    /// Overlay for hovered neutral controls.
    pub hover: Color,
    /// Overlay for pressed neutral controls.
    pub pressed: Color,
    /// Keyboard focus ring.
    pub focus_ring: Color,
    /// Text selection highlight.
    pub selection: Color,
    /// Text cursor.
    pub cursor: Color,
    /// Destructive actions and errors.
    pub danger: Color,
    /// Positive states.
    pub success: Color,
    /// Warnings.
    pub warning: Color,
    /// Dimming behind modal dialogs.
    pub scrim: Color,
}

/// Corner radii in logical pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Radii {
    /// Small elements: checkboxes, tags.
    pub small: f32,
    /// Controls: buttons, fields.
    pub medium: f32,
    /// Containers: cards, menus, dialogs.
    pub large: f32,
    /// Windows.
    pub window: f32,
}

/// The spacing scale in logical pixels, smallest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spacing {
    /// Steps of the scale; index with [`Spacing::step`].
    pub scale: Vec<f32>,
}

impl Spacing {
    /// Step `index` of the scale (clamped to the largest step).
    pub fn step(&self, index: usize) -> f32 {
        match self.scale.get(index) {
            Some(value) => *value,
            None => self.scale.last().copied().unwrap_or(0.0),
        }
    }
}

/// Font families and sizes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Typography {
    /// Family name of the UI sans face.
    pub sans_family: String,
    /// Family name of the monospace face.
    pub mono_family: String,
    /// Captions and small print, logical pixels.
    pub small_size: f32,
    /// Body text and controls.
    pub body_size: f32,
    /// Section titles.
    pub title_size: f32,
    /// Page headlines.
    pub headline_size: f32,
    /// Line height as a multiple of the font size.
    pub line_height: f32,
}

/// A soft drop shadow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shadow {
    /// Horizontal offset, logical pixels.
    pub offset_x: f32,
    /// Vertical offset, logical pixels.
    pub offset_y: f32,
    /// Blur radius (about two standard deviations), logical pixels.
    pub blur: f32,
    /// Grows (positive) or shrinks the shadow shape, logical pixels.
    pub spread: f32,
    /// Shadow colour.
    pub color: Color,
}

/// The shadows of a theme, by elevation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shadows {
    /// Raised controls and cards.
    pub control: Shadow,
    /// Menus and popups.
    pub popup: Shadow,
    /// Windows and dialogs.
    pub window: Shadow,
}

/// Sizes of controls, logical pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Height of buttons, fields and list rows.
    pub control_height: f32,
    /// Horizontal padding inside controls.
    pub control_padding: f32,
    /// Hairline border width.
    pub border_width: f32,
    /// Keyboard focus ring width.
    pub focus_ring_width: f32,
    /// Scroll bar thickness.
    pub scrollbar_width: f32,
    /// Checkbox edge length.
    pub checkbox_size: f32,
    /// Switch track width (height is half of it).
    pub switch_width: f32,
    /// Slider thumb diameter.
    pub slider_thumb: f32,
    /// Default icon size.
    pub icon_size: f32,
}

/// How one icon shape is painted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum IconPaint {
    /// Filled with the ink colour (non-zero winding).
    Fill,
    /// Stroked with round caps and joins; width in view-box units.
    Stroke(f32),
}

/// The geometry of one icon shape, in view-box units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum IconGeometry {
    /// SVG-style path data (`M L H V C Q Z`, absolute or relative).
    Path(String),
    /// A circle: centre x, centre y, radius.
    Circle([f32; 3]),
    /// A rounded rectangle: x, y, width, height, corner radius.
    Rect([f32; 5]),
}

/// One shape of an icon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IconShape {
    /// What to draw.
    pub geometry: IconGeometry,
    /// Fill or stroke.
    pub paint: IconPaint,
    /// Opacity multiplier for two-tone icons, 0–1.
    pub opacity: f32,
}

/// A vector icon: shapes in a square view box, painted in one ink colour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Icon {
    /// Edge length of the square view box.
    pub view_box: f32,
    /// Shapes, painted in order.
    pub shapes: Vec<IconShape>,
}

/// A complete theme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    /// Human-readable name.
    pub name: String,
    /// Whether this is a dark theme (light text on dark surfaces).
    pub dark: bool,
    /// Colours.
    pub palette: Palette,
    /// Corner radii.
    pub radii: Radii,
    /// Spacing scale.
    pub spacing: Spacing,
    /// Fonts and sizes.
    pub typography: Typography,
    /// Shadows by elevation.
    pub shadows: Shadows,
    /// Control metrics.
    pub metrics: Metrics,
    /// Icons by name (shared by the built-in themes; absent in theme files).
    #[serde(default)]
    pub icons: BTreeMap<String, Icon>,
}
