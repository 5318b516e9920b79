//! The standard widgets.

mod button;
mod common;
mod container;
mod dialog;
mod icons;
mod image;
mod label;
mod list;
mod menu;
mod progress;
mod scroll;
mod slider;
mod table;
mod tabs;
mod text_field;
mod toggle;

pub use button::{Button, ButtonKind, IconButton};
pub use common::{ColorRole, TextRole};
pub use container::{Container, Surface};
pub use dialog::Dialog;
pub use icons::{arrow_up, sort_arrow};
pub use image::{Icon, ImageView};
pub use label::Label;
pub use list::ListItem;
pub use menu::{Menu, MenuItem};
pub use progress::ProgressBar;
pub use scroll::ScrollView;
pub use slider::Slider;
pub use table::{CellAlign, Column, ColumnWidth, DataRow, Navigation, TableHeader, column_spans};
pub use tabs::Tabs;
pub use text_field::TextField;
pub use toggle::{Checkbox, Switch};
