//! Stable widget identifiers.

/// Identifies a widget in a [`crate::Ui`]. Ids stay valid until the widget
/// is removed; a removed id is never confused with a later widget (each
/// slot carries a generation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WidgetId {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

impl WidgetId {
    /// The slot index, for debugging output.
    pub fn index(self) -> u32 {
        self.index
    }
}
