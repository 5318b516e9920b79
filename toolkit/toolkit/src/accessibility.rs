//! A semantic view of the tree: what each widget is, says and holds.
//!
//! Widgets describe themselves through [`crate::Widget::describe`]; the UI
//! flattens the visible tree into [`AccessibleNode`]s in reading order.
//! A screen reader bridge can serve this, and tests find widgets by role
//! and label instead of coordinates.

use alloc::string::String;

use weft_paint::Rect;

use crate::id::WidgetId;

/// What kind of thing a widget is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Static text.
    Text,
    /// A push button.
    Button,
    /// A text entry.
    TextInput,
    /// A checkbox.
    CheckBox,
    /// An on/off switch.
    Switch,
    /// A slider over a range.
    Slider,
    /// A progress indicator.
    ProgressBar,
    /// A scrolling region.
    ScrollView,
    /// One row of a list.
    ListItem,
    /// A set of tabs.
    TabList,
    /// A popup menu.
    Menu,
    /// A picture.
    Image,
}

/// A widget's self-description.
#[derive(Clone, Debug, PartialEq)]
pub struct Description {
    /// What it is.
    pub role: Role,
    /// What it says (label, title, text).
    pub label: String,
    /// What it holds, as text (field content, slider value, selected tab).
    pub value: Option<String>,
    /// Checked, on or selected.
    pub checked: Option<bool>,
}

impl Description {
    /// A description with just a role and a label.
    pub fn new(role: Role, label: impl Into<String>) -> Description {
        Description {
            role,
            label: label.into(),
            value: None,
            checked: None,
        }
    }

    /// Adds a value.
    pub fn value(mut self, value: impl Into<String>) -> Description {
        self.value = Some(value.into());
        self
    }

    /// Adds a checked state.
    pub fn checked(mut self, checked: bool) -> Description {
        self.checked = Some(checked);
        self
    }
}

/// One visible, described widget.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessibleNode {
    /// The widget.
    pub id: WidgetId,
    /// Its description.
    pub description: Description,
    /// Its bounds, logical window coordinates.
    pub rect: Rect,
    /// Whether it has keyboard focus.
    pub focused: bool,
    /// Whether it is disabled.
    pub disabled: bool,
}
