//! Widgets the core apps share, beyond the toolkit's own.

mod icons;
mod table;
mod tool_button;

pub use icons::{arrow_up, sort_arrow};
pub use table::{Align, Column, ColumnWidth, DataRow, Navigation, TableHeader, column_spans};
pub use tool_button::ToolButton;
