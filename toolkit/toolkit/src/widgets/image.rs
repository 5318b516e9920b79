//! Raster images and theme icons as widgets.

use alloc::string::String;

use weft_paint::{Image, Rect, Size};
use weft_theme::Theme;

use crate::accessibility::{Description, Role};
use crate::style::LayoutStyle;
use crate::widget::{MeasureContext, PaintContext, Widget};
use crate::widgets::common::{ColorRole, dimmed};

/// Shows an image scaled to fit its box, keeping its aspect ratio.
#[derive(Clone, Debug)]
pub struct ImageView {
    image: Image,
    size: Option<Size>,
}

impl ImageView {
    /// Shows `image` at its natural size (one image pixel per logical pixel).
    pub fn new(image: Image) -> ImageView {
        ImageView { image, size: None }
    }

    /// Displays at a fixed logical size.
    pub fn size(mut self, width: f32, height: f32) -> ImageView {
        self.size = Some(Size::new(width, height));
        self
    }

    /// Replaces the image (through `Ui::update`).
    pub fn set_image(&mut self, image: Image) {
        self.image = image;
    }

    fn natural(&self) -> Size {
        self.size.unwrap_or(Size::new(
            self.image.width() as f32,
            self.image.height() as f32,
        ))
    }
}

impl<M: 'static> Widget<M> for ImageView {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        let size = self.natural();
        LayoutStyle {
            width: Some(size.width),
            height: Some(size.height),
            shrink: 0.0,
            ..LayoutStyle::default()
        }
    }

    fn measure(&mut self, _cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        self.natural()
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        0.0
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let rect = cx.rect();
        let image_ratio = self.image.width() as f32 / self.image.height() as f32;
        let (width, height) = if rect.width / rect.height > image_ratio {
            (rect.height * image_ratio, rect.height)
        } else {
            (rect.width, rect.width / image_ratio)
        };
        let dest = Rect::new(
            rect.x + (rect.width - width) / 2.0,
            rect.y + (rect.height - height) / 2.0,
            width,
            height,
        );
        cx.canvas().draw_image(&self.image, dest, 1.0);
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Image, ""))
    }
}

/// A theme icon at a given size and colour role.
#[derive(Clone, Debug)]
pub struct Icon {
    name: String,
    size: Option<f32>,
    color: ColorRole,
}

impl Icon {
    /// The named theme icon at the theme's icon size, in the text colour.
    pub fn new(name: impl Into<String>) -> Icon {
        Icon {
            name: name.into(),
            size: None,
            color: ColorRole::Text,
        }
    }

    /// Edge length, logical pixels.
    pub fn size(mut self, size: f32) -> Icon {
        self.size = Some(size);
        self
    }

    /// Colour role.
    pub fn color(mut self, color: ColorRole) -> Icon {
        self.color = color;
        self
    }
}

impl<M: 'static> Widget<M> for Icon {
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        let size = self.size.unwrap_or(theme.metrics.icon_size);
        LayoutStyle {
            width: Some(size),
            height: Some(size),
            shrink: 0.0,
            ..LayoutStyle::default()
        }
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        1.0
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        if let Some(icon) = theme.icon(&self.name) {
            let ink = dimmed(self.color.color(theme), cx.state());
            cx.canvas().draw_icon(icon, rect, ink);
        }
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Image, self.name.as_str()))
    }
}
