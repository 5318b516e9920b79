//! How a run of text looks: family, weight, size, line height.

use cosmic_text::{Attrs, Family, Metrics, Weight};

/// Which bundled face to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FontFamily {
    /// The UI sans face (Inter).
    #[default]
    Sans,
    /// The monospace face (DejaVu Sans Mono).
    Mono,
}

/// Font weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FontWeight {
    /// Regular (400).
    #[default]
    Regular,
    /// Semibold (600), for titles and emphasis.
    Semibold,
}

/// Text appearance in logical pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    /// Face.
    pub family: FontFamily,
    /// Weight.
    pub weight: FontWeight,
    /// Font size, logical pixels.
    pub size: f32,
    /// Line height as a multiple of the size.
    pub line_height: f32,
}

impl Default for TextStyle {
    fn default() -> TextStyle {
        TextStyle {
            family: FontFamily::Sans,
            weight: FontWeight::Regular,
            size: 14.0,
            line_height: 1.4,
        }
    }
}

impl TextStyle {
    /// A sans style of `size` with the default line height.
    pub fn sans(size: f32) -> TextStyle {
        TextStyle {
            size,
            ..TextStyle::default()
        }
    }

    /// A monospace style of `size`.
    pub fn mono(size: f32) -> TextStyle {
        TextStyle {
            family: FontFamily::Mono,
            size,
            ..TextStyle::default()
        }
    }

    /// The same style in semibold.
    pub fn semibold(self) -> TextStyle {
        TextStyle {
            weight: FontWeight::Semibold,
            ..self
        }
    }

    /// Line height in logical pixels (rounded so lines sit on whole pixels at 1×).
    pub fn line_height_pixels(&self) -> f32 {
        libm_round(self.size * self.line_height)
    }

    pub(crate) fn metrics(&self) -> Metrics {
        Metrics::new(self.size, self.line_height_pixels())
    }

    pub(crate) fn attrs(&self) -> Attrs<'static> {
        let family = match self.family {
            FontFamily::Sans => Family::SansSerif,
            FontFamily::Mono => Family::Monospace,
        };
        let weight = match self.weight {
            FontWeight::Regular => Weight::NORMAL,
            FontWeight::Semibold => Weight::SEMIBOLD,
        };
        Attrs::new().family(family).weight(weight)
    }
}

fn libm_round(value: f32) -> f32 {
    // Avoids a libm dependency for one rounding: values are small and positive.
    (value + 0.5) as i32 as f32
}
