//! Containers: rows, columns and grids, optionally drawn as cards.

use weft_theme::Theme;

use crate::style::{Align, Arrangement, Insets, LayoutStyle};
use crate::widget::{PaintContext, Widget};

/// What a container draws behind its children.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Surface {
    /// Nothing: a pure layout box.
    #[default]
    None,
    /// The secondary surface colour, square corners (headers, side bars).
    Alternate,
    /// A raised card: surface colour, hairline border, large radius, soft shadow.
    Card,
    /// A dialog: like a card with the window shadow.
    Dialog,
}

/// A layout box for children: column, row or grid.
#[derive(Clone, Debug, Default)]
pub struct Container {
    style: LayoutStyle,
    surface: Surface,
}

impl Container {
    /// Children top to bottom.
    pub fn column() -> Container {
        Container {
            style: LayoutStyle {
                arrangement: Arrangement::Column,
                ..LayoutStyle::default()
            },
            surface: Surface::None,
        }
    }

    /// Children left to right, vertically centred.
    pub fn row() -> Container {
        Container {
            style: LayoutStyle {
                arrangement: Arrangement::Row,
                align_items: Align::Center,
                ..LayoutStyle::default()
            },
            surface: Surface::None,
        }
    }

    /// Children in a grid of `columns` equal columns.
    pub fn grid(columns: u16) -> Container {
        Container {
            style: LayoutStyle {
                arrangement: Arrangement::Grid(columns),
                ..LayoutStyle::default()
            },
            surface: Surface::None,
        }
    }

    pub(crate) fn dialog_surface(width: f32) -> Container {
        Container::column()
            .gap(12.0)
            .padding(24.0)
            .surface(Surface::Dialog)
            .width(width)
    }

    /// Space between children.
    pub fn gap(mut self, gap: f32) -> Container {
        self.style.gap = gap;
        self
    }

    /// The same padding on every side.
    pub fn padding(mut self, padding: f32) -> Container {
        self.style.padding = Insets::all(padding);
        self
    }

    /// Padding per side.
    pub fn padding_insets(mut self, padding: Insets) -> Container {
        self.style.padding = padding;
        self
    }

    /// Cross-axis alignment of children.
    pub fn align(mut self, align: Align) -> Container {
        self.style.align_items = align;
        self
    }

    /// Main-axis distribution of children.
    pub fn justify(mut self, justify: Align) -> Container {
        self.style.justify = justify;
        self
    }

    /// Children packed at the end of the main axis.
    pub fn justify_end(self) -> Container {
        self.justify(Align::End)
    }

    /// Takes `share` of the parent's free space.
    pub fn grow(mut self, share: f32) -> Container {
        self.style.grow = share;
        self
    }

    /// Fixed width.
    pub fn width(mut self, width: f32) -> Container {
        self.style.width = Some(width);
        self
    }

    /// Fixed height.
    pub fn height(mut self, height: f32) -> Container {
        self.style.height = Some(height);
        self
    }

    /// Minimum height. As in CSS flexbox, a flex item does not shrink
    /// below its content unless given a smaller minimum (e.g. 0 for a
    /// region holding a scroll view).
    pub fn min_height(mut self, height: f32) -> Container {
        self.style.min_height = Some(height);
        self
    }

    /// Minimum width (see [`Container::min_height`]).
    pub fn min_width(mut self, width: f32) -> Container {
        self.style.min_width = Some(width);
        self
    }

    /// Fills the parent in both directions.
    pub fn fill(mut self) -> Container {
        self.style.fill_width = true;
        self.style.fill_height = true;
        self
    }

    /// What to draw behind the children.
    pub fn surface(mut self, surface: Surface) -> Container {
        self.surface = surface;
        self
    }

    /// Drawn as a card.
    pub fn card(self) -> Container {
        self.surface(Surface::Card)
    }

    fn shadow<'theme>(&self, theme: &'theme Theme) -> Option<&'theme weft_theme::Shadow> {
        match self.surface {
            Surface::Card => Some(&theme.shadows.control),
            Surface::Dialog => Some(&theme.shadows.window),
            Surface::None | Surface::Alternate => None,
        }
    }
}

impl<M: 'static> Widget<M> for Container {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        self.style.clone()
    }

    fn paint_outset(&self, theme: &Theme) -> f32 {
        match self.shadow(theme) {
            Some(shadow) => {
                let offset = libm::fabsf(shadow.offset_x).max(libm::fabsf(shadow.offset_y));
                offset + shadow.spread + shadow.blur * 1.5 + 1.0
            }
            None => 0.0,
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let rect = cx.rect();
        let theme = cx.theme();
        let palette = &theme.palette;
        match self.surface {
            Surface::None => {}
            Surface::Alternate => cx.canvas().fill_rect(rect, palette.surface_alt),
            Surface::Card | Surface::Dialog => {
                let radius = theme.radii.large;
                if let Some(shadow) = self.shadow(theme) {
                    cx.canvas().draw_shadow(rect, radius, shadow);
                }
                cx.canvas().fill_rounded_rect(rect, radius, palette.surface);
                let border = theme.metrics.border_width;
                cx.canvas()
                    .stroke_rounded_rect(rect, radius, border, palette.border);
            }
        }
    }
}
