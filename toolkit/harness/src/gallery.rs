//! A gallery showing every standard widget, for screenshot tests and
//! demos (`cargo xtask screenshots` can render it too).

use alloc::string::String;
use alloc::vec::Vec;

use weft_toolkit::widgets::{
    Button, ButtonKind, Checkbox, ColorRole, Container, Icon, IconButton, ImageView, Label,
    ListItem, ProgressBar, ScrollView, Slider, Surface, Switch, Tabs, TextField, TextRole,
};
use weft_toolkit::{Insets, Ui, WidgetId};

/// What the gallery's widgets report.
#[derive(Clone, Debug, PartialEq)]
pub enum GalleryMessage {
    /// A button was activated.
    Clicked(&'static str),
    /// A checkbox or switch changed.
    Toggled(&'static str, bool),
    /// The slider moved.
    Volume(f32),
    /// A text field changed.
    Edited(&'static str, String),
    /// Enter in the search field.
    Searched(String),
    /// A tab was chosen.
    Tab(usize),
    /// A list row was chosen.
    Opened(usize),
}

/// Ids of the gallery's interesting widgets.
#[derive(Clone, Debug)]
pub struct GalleryIds {
    /// The primary button.
    pub install: WidgetId,
    /// The secondary button.
    pub cancel: WidgetId,
    /// The flat button.
    pub details: WidgetId,
    /// The empty search field.
    pub search: WidgetId,
    /// The field holding a name.
    pub name: WidgetId,
    /// The multi-line notes field.
    pub notes: WidgetId,
    /// The checked checkbox.
    pub updates: WidgetId,
    /// The unchecked checkbox.
    pub diagnostics: WidgetId,
    /// The switch that is on.
    pub wifi: WidgetId,
    /// The slider.
    pub volume: WidgetId,
    /// The progress bar.
    pub progress: WidgetId,
    /// The tabs.
    pub tabs: WidgetId,
    /// The scrolling list.
    pub list: WidgetId,
    /// The rows of the list.
    pub rows: Vec<WidgetId>,
    /// The header's menu button.
    pub menu: WidgetId,
}

/// Names, subtitles and icons of the list rows.
const APPS: [(&str, &str, &str); 10] = [
    ("Terminal", "Operator shell", "terminal"),
    ("Settings", "Display, network, themes", "settings"),
    ("Files", "Browse storage", "files"),
    ("Monitor", "Processes and memory", "monitor"),
    ("Software", "Install signed apps", "software"),
    ("Home", "Back to the launcher", "home"),
    ("Documents", "Folder", "folder"),
    ("notes.txt", "Plain text, 2 KiB", "file"),
    ("About Weft", "Version and licences", "info"),
    ("Diagnostics", "Logs and reports", "warning"),
];

/// A 56×56 picture made on the spot: a diagonal gradient disc with
/// transparent corners, to show the image widget (and alpha) at work.
pub fn avatar() -> weft_paint::Image {
    let size = 56u32;
    let mut pixels = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let (dx, dy) = (x as f32 + 0.5 - 28.0, y as f32 + 0.5 - 28.0);
            let coverage: f32 = (28.0 - libm::sqrtf(dx * dx + dy * dy)).clamp(0.0, 1.0);
            let t = (x + y) as f32 / (2 * size) as f32;
            let red = (255.0 * (1.0 - t) + 60.0 * t) as u8;
            let green = (120.0 * (1.0 - t) + 190.0 * t) as u8;
            let blue = (80.0 * (1.0 - t) + 255.0 * t) as u8;
            pixels.extend_from_slice(&[red, green, blue, (coverage * 255.0) as u8]);
        }
    }
    weft_paint::Image::from_straight(size, size, pixels).expect("the avatar has size² pixels")
}

/// Builds the gallery into `ui` (under its root) and returns the ids.
pub fn build(ui: &mut Ui<GalleryMessage>) -> GalleryIds {
    let root = ui.root();
    let header = ui.add(
        root,
        Container::row()
            .gap(8.0)
            .padding_insets(Insets::symmetric(6.0, 10.0))
            .surface(Surface::Alternate),
    );
    let menu = ui.add(
        header,
        IconButton::new("menu").on_click(GalleryMessage::Clicked("menu")),
    );
    ui.add(
        header,
        Label::new("Widget Gallery").role(TextRole::Title).grow(1.0),
    );
    ui.add(
        header,
        IconButton::new("search").on_click(GalleryMessage::Clicked("search")),
    );
    ui.add(header, ImageView::new(avatar()).size(28.0, 28.0));
    ui.add(
        header,
        IconButton::new("settings").on_click(GalleryMessage::Clicked("settings")),
    );

    let body = ui.add(
        root,
        Container::row()
            .gap(16.0)
            .padding(16.0)
            .grow(1.0)
            .min_height(0.0)
            .align(weft_toolkit::Align::Stretch),
    );
    let controls = ui.add(
        body,
        Container::column().gap(12.0).padding(16.0).card().grow(1.0),
    );
    ui.add(controls, Label::new("Controls").role(TextRole::Title));
    let buttons = ui.add(controls, Container::row().gap(8.0));
    let install = ui.add(
        buttons,
        Button::new("Install")
            .icon("software")
            .kind(ButtonKind::Primary)
            .on_click(GalleryMessage::Clicked("install")),
    );
    let cancel = ui.add(
        buttons,
        Button::new("Cancel").on_click(GalleryMessage::Clicked("cancel")),
    );
    let details = ui.add(
        buttons,
        Button::new("Details")
            .kind(ButtonKind::Flat)
            .on_click(GalleryMessage::Clicked("details")),
    );
    let search = ui.add(
        controls,
        TextField::new()
            .placeholder("Search apps")
            .on_change(|text| GalleryMessage::Edited("search", text))
            .on_submit(GalleryMessage::Searched),
    );
    let name = ui.add(
        controls,
        TextField::new()
            .text("Ada Lovelace")
            .on_change(|text| GalleryMessage::Edited("name", text)),
    );
    let notes = ui.add(
        controls,
        TextField::multiline(3)
            .text("Weft lays out text with cosmic-text and paints with tiny-skia; long lines wrap to the field.")
            .on_change(|text| GalleryMessage::Edited("notes", text)),
    );
    let checks = ui.add(controls, Container::row().gap(20.0));
    let updates = ui.add(
        checks,
        Checkbox::new("Automatic updates")
            .checked(true)
            .on_toggle(|on| GalleryMessage::Toggled("updates", on)),
    );
    let diagnostics = ui.add(
        checks,
        Checkbox::new("Send diagnostics")
            .on_toggle(|on| GalleryMessage::Toggled("diagnostics", on)),
    );
    let wifi = ui.add(
        controls,
        Switch::new("Wi-Fi")
            .on(true)
            .on_toggle(|on| GalleryMessage::Toggled("wifi", on)),
    );
    ui.add(
        controls,
        Switch::new("Bluetooth").on_toggle(|on| GalleryMessage::Toggled("bluetooth", on)),
    );
    let volume = ui.add(
        controls,
        Slider::new(0.0, 100.0, 60.0)
            .step(1.0)
            .on_change(GalleryMessage::Volume),
    );
    let progress = ui.add(controls, ProgressBar::new(0.35));
    let icons = ui.add(controls, Container::row().gap(10.0));
    for name in [
        "terminal", "settings", "files", "monitor", "software", "folder", "file", "search", "back",
        "close", "minimize", "maximize",
    ] {
        ui.add(icons, Icon::new(name).color(ColorRole::Muted));
    }

    let side = ui.add(body, Container::column().padding(8.0).card().grow(1.0));
    let tabs = ui.add(
        side,
        Tabs::new(["Apps", "Files", "About"]).on_select(GalleryMessage::Tab),
    );
    let list = ui.add(tabs, ScrollView::new().gap(2.0).padding(4.0));
    let rows = APPS
        .iter()
        .enumerate()
        .map(|(index, (title, subtitle, icon))| {
            ui.add(
                list,
                ListItem::new(*title)
                    .subtitle(*subtitle)
                    .icon(*icon)
                    .selected(index == 1)
                    .on_select(GalleryMessage::Opened(index)),
            )
        })
        .collect();
    let files = ui.add(tabs, Container::column().padding(16.0).gap(8.0));
    ui.add(files, Label::new("No files yet").role(TextRole::Title));
    ui.add(files, Label::new("Files you save appear here.").muted());
    let about = ui.add(tabs, Container::column().padding(16.0).gap(8.0));
    ui.add(about, Label::new("Weft").role(TextRole::Headline));
    ui.add(
        about,
        Label::new("A capability OS with a retained compositor.").muted(),
    );

    GalleryIds {
        install,
        cancel,
        details,
        search,
        name,
        notes,
        updates,
        diagnostics,
        wifi,
        volume,
        progress,
        tabs,
        list,
        rows,
        menu,
    }
}
