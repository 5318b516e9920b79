//! What a user notices when clicking, tabbing, typing and touching.

use std::time::Duration;

use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::widgets::{
    Button, Checkbox, Container, Dialog, Menu, MenuItem, Slider, Switch, Tabs, TextField,
};
use weft_toolkit::{Point, Theme, Ui, WidgetId};
use weft_toolkit_harness::Harness;
use weft_toolkit_harness::gallery::{self, GalleryIds, GalleryMessage};

fn gallery() -> (Harness<GalleryMessage>, GalleryIds) {
    let mut ui = Ui::new(Theme::light());
    let ids = gallery::build(&mut ui);
    (Harness::new(ui, 760, 620, 1.0), ids)
}

#[derive(Clone, Debug, PartialEq)]
enum Message {
    Save,
    Cancel,
    Name(String),
}

/// A small form: a field and two buttons in a row.
fn form() -> (Harness<Message>, WidgetId, WidgetId, WidgetId) {
    let mut ui = Ui::new(Theme::light());
    let column = ui.add(ui.root(), Container::column().gap(12.0).padding(20.0));
    let field = ui.add(column, TextField::new().on_change(Message::Name));
    let row = ui.add(column, Container::row().gap(8.0));
    let cancel = ui.add(row, Button::new("Cancel").on_click(Message::Cancel));
    let save = ui.add(row, Button::new("Save").primary().on_click(Message::Save));
    (Harness::new(ui, 400, 200, 1.0), field, cancel, save)
}

#[test]
fn clicking_a_button_invokes_its_action_and_clicking_outside_does_not() {
    let (mut harness, _, _, save) = form();
    harness.click(save);
    assert_eq!(harness.take_messages(), [Message::Save]);
    let rect = harness.ui().rect(save).unwrap();
    harness.click_at(Point::new(rect.right() + 40.0, rect.bottom() + 40.0));
    assert!(harness.take_messages().is_empty());
    // Pressing on the button but releasing elsewhere cancels the click.
    harness.mouse_drag(rect.center(), Point::new(rect.right() + 50.0, rect.y), 3);
    assert!(harness.take_messages().is_empty());
}

#[test]
fn tab_moves_focus_in_order_and_enter_activates() {
    let (mut harness, field, cancel, save) = form();
    assert_eq!(harness.ui().focused(), None);
    harness.key(Key::TAB, Modifiers::empty());
    assert_eq!(harness.ui().focused(), Some(field));
    harness.key(Key::TAB, Modifiers::empty());
    assert_eq!(harness.ui().focused(), Some(cancel));
    harness.key(Key::TAB, Modifiers::empty());
    assert_eq!(harness.ui().focused(), Some(save));
    harness.key(Key::TAB, Modifiers::empty());
    assert_eq!(harness.ui().focused(), Some(field), "focus wraps around");
    harness.key(Key::TAB, Modifiers::SHIFT);
    assert_eq!(harness.ui().focused(), Some(save), "Shift+Tab goes back");
    harness.key(Key::ENTER, Modifiers::empty());
    harness.key(Key::TAB, Modifiers::SHIFT);
    harness.key(Key::SPACE, Modifiers::empty());
    assert_eq!(harness.take_messages(), [Message::Save, Message::Cancel]);
}

#[test]
fn typing_edits_and_selection_replaces() {
    let (mut harness, field, _, _) = form();
    harness.click(field);
    harness.type_text("Hello world");
    assert_eq!(harness.widget::<TextField<Message>>(field).value(), "Hello world");
    let messages = harness.take_messages();
    assert_eq!(messages.last(), Some(&Message::Name("Hello world".into())));
    assert_eq!(messages.len(), 11, "one change per character");
    // Select the last word with Ctrl+Shift+Left and type over it.
    harness.key(Key::LEFT, Modifiers::CONTROL | Modifiers::SHIFT);
    assert_eq!(harness.widget::<TextField<Message>>(field).selected_text().as_deref(), Some("world"));
    harness.type_text("Weft");
    assert_eq!(harness.widget::<TextField<Message>>(field).value(), "Hello Weft");
    harness.key(Key::BACKSPACE, Modifiers::empty());
    assert_eq!(harness.widget::<TextField<Message>>(field).value(), "Hello Wef");
}

#[test]
fn cursor_moves_by_word_and_line() {
    let (mut harness, field, _, _) = form();
    harness.click(field);
    harness.type_text("one two three");
    harness.key(Key::HOME, Modifiers::empty());
    assert_eq!(harness.widget::<TextField<Message>>(field).cursor(), (0, 0));
    harness.key(Key::RIGHT, Modifiers::CONTROL);
    harness.key(Key::RIGHT, Modifiers::CONTROL);
    assert_eq!(harness.widget::<TextField<Message>>(field).cursor(), (0, 7));
    harness.key(Key::LEFT, Modifiers::CONTROL);
    assert_eq!(harness.widget::<TextField<Message>>(field).cursor(), (0, 4));
    harness.type_text("big ");
    assert_eq!(harness.widget::<TextField<Message>>(field).value(), "one big two three");
    harness.key(Key::END, Modifiers::empty());
    harness.key(Key::BACKSPACE, Modifiers::CONTROL);
    assert_eq!(harness.widget::<TextField<Message>>(field).value(), "one big two ");
}

#[test]
fn clipboard_copy_and_paste() {
    let (mut harness, field, _, _) = form();
    harness.click(field);
    harness.type_text("copy me");
    harness.key(Key::A, Modifiers::CONTROL);
    harness.key(Key::C, Modifiers::CONTROL);
    assert_eq!(harness.ui().clipboard(), "copy me");
    harness.key(Key::END, Modifiers::empty());
    harness.type_text(" ");
    harness.key(Key::V, Modifiers::CONTROL);
    assert_eq!(harness.widget::<TextField<Message>>(field).value(), "copy me copy me");
}

#[test]
fn input_method_preedit_then_commit() {
    let (mut harness, field, _, _) = form();
    harness.click(field);
    harness.type_text("ab");
    let now = harness.now();
    harness.ui().set_preedit("ni", now);
    assert_eq!(harness.widget::<TextField<Message>>(field).value(), "ab", "preedit is not content");
    harness.ui().commit_text("你", now);
    assert_eq!(harness.widget::<TextField<Message>>(field).value(), "ab你");
}

#[test]
fn multi_line_field_wraps_and_grows() {
    let mut ui: Ui<()> = Ui::new(Theme::light());
    let column = ui.add(ui.root(), Container::column().padding(10.0));
    let notes = ui.add(column, TextField::multiline(2));
    let mut harness = Harness::new(ui, 260, 400, 1.0);
    let height_before = harness.ui().rect(notes).unwrap().height;
    harness.click(notes);
    harness.type_text("A long sentence that cannot fit on one line of this narrow field at all.");
    let field = harness.widget::<TextField<()>>(notes);
    assert!(field.line_count() >= 3, "wrapped into {} lines", field.line_count());
    let height_after = harness.ui().rect(notes).unwrap().height;
    assert!(height_after > height_before, "the field grew: {height_before} -> {height_after}");
    harness.key(Key::ENTER, Modifiers::empty());
    harness.type_text("next");
    assert!(harness.widget::<TextField<()>>(notes).value().ends_with(".\nnext"));
}

#[test]
fn checkbox_switch_and_slider_respond_to_pointer_and_keys() {
    let (mut harness, ids) = gallery();
    harness.click(ids.diagnostics);
    assert!(harness.widget::<Checkbox<GalleryMessage>>(ids.diagnostics).is_checked());
    harness.key(Key::SPACE, Modifiers::empty());
    assert!(!harness.widget::<Checkbox<GalleryMessage>>(ids.diagnostics).is_checked());
    harness.tap(ids.wifi);
    assert!(!harness.widget::<Switch<GalleryMessage>>(ids.wifi).is_on());
    assert!(harness.ui().needs_frame(), "the knob slides");
    harness.settle(Duration::from_secs(1));
    assert!(!harness.widget::<Switch<GalleryMessage>>(ids.wifi).is_animating());
    let slider = harness.ui().rect(ids.volume).unwrap();
    harness.click_at(Point::new(slider.x + 9.0, slider.center().y));
    assert_eq!(harness.widget::<Slider<GalleryMessage>>(ids.volume).value(), 0.0);
    harness.key(Key::RIGHT, Modifiers::empty());
    assert_eq!(harness.widget::<Slider<GalleryMessage>>(ids.volume).value(), 1.0);
    assert_eq!(
        harness.take_messages(),
        [
            GalleryMessage::Toggled("diagnostics", true),
            GalleryMessage::Toggled("diagnostics", false),
            GalleryMessage::Toggled("wifi", false),
            GalleryMessage::Volume(0.0),
            GalleryMessage::Volume(1.0),
        ]
    );
}

#[test]
fn tabs_switch_by_click_keys_and_swipe() {
    let (mut harness, ids) = gallery();
    assert!(harness.ui().is_visible(ids.list));
    let tabs = harness.ui().rect(ids.tabs).unwrap();
    // "Files" is the second title in the header strip.
    harness.click_at(Point::new(tabs.x + 110.0, tabs.y + 20.0));
    assert_eq!(harness.widget::<Tabs<GalleryMessage>>(ids.tabs).selected(), 1);
    assert!(!harness.ui().is_visible(ids.list), "the list page is hidden");
    harness.key(Key::RIGHT, Modifiers::empty());
    assert_eq!(harness.widget::<Tabs<GalleryMessage>>(ids.tabs).selected(), 2);
    // Swipe right on the page goes back one tab.
    let page = Point::new(tabs.center().x, tabs.center().y + 60.0);
    harness.touch_drag(page, Point::new(page.x + 150.0, page.y), Duration::from_millis(80), 6);
    assert_eq!(harness.widget::<Tabs<GalleryMessage>>(ids.tabs).selected(), 1);
    assert_eq!(
        harness.take_messages(),
        [GalleryMessage::Tab(1), GalleryMessage::Tab(2), GalleryMessage::Tab(1)]
    );
}

#[test]
fn list_rows_activate_by_click_and_tap() {
    let (mut harness, ids) = gallery();
    harness.click(ids.rows[0]);
    harness.tap(ids.rows[2]);
    assert_eq!(harness.take_messages(), [GalleryMessage::Opened(0), GalleryMessage::Opened(2)]);
}

#[test]
fn popup_menu_chooses_with_keys_and_closes_on_outside_press() {
    let (mut harness, ids) = gallery();
    let anchor = harness.ui().rect(ids.menu).unwrap();
    let menu = Menu::new([
        MenuItem::new("New window", GalleryMessage::Clicked("new")).icon("plus"),
        MenuItem::new("Settings", GalleryMessage::Clicked("prefs")).icon("settings"),
    ]);
    let popup = harness.ui().show_popup(menu, Point::new(anchor.x, anchor.bottom()));
    assert_eq!(harness.ui().focused(), Some(popup));
    harness.key(Key::DOWN, Modifiers::empty());
    harness.key(Key::DOWN, Modifiers::empty());
    harness.key(Key::ENTER, Modifiers::empty());
    assert_eq!(harness.take_messages(), [GalleryMessage::Clicked("prefs")]);
    assert!(harness.ui().overlays().is_empty());
    // Open again and press outside: it closes, and the press does not reach the button below.
    let menu = Menu::new([MenuItem::new("Only", GalleryMessage::Clicked("only"))]);
    harness.ui().show_popup(menu, Point::new(anchor.x, anchor.bottom()));
    harness.click(ids.install);
    assert!(harness.ui().overlays().is_empty());
    assert!(harness.take_messages().is_empty());
    // A click on an item chooses it.
    let menu = Menu::new([MenuItem::new("Pick", GalleryMessage::Clicked("pick"))]);
    let popup = harness.ui().show_popup(menu, Point::new(100.0, 100.0));
    let item = harness.ui().rect(popup).unwrap();
    harness.click_at(Point::new(item.center().x, item.y + 20.0));
    assert_eq!(harness.take_messages(), [GalleryMessage::Clicked("pick")]);
}

#[test]
fn modal_dialog_blocks_the_window_and_its_buttons_close_it() {
    let (mut harness, ids) = gallery();
    let dialog = Dialog::new("Remove app?", "Its data will be deleted.")
        .cancel("Keep")
        .danger("Remove", GalleryMessage::Clicked("remove"));
    harness.ui().show_dialog(dialog);
    harness.render();
    // The window behind does not react.
    harness.click(ids.install);
    assert!(harness.take_messages().is_empty());
    assert_eq!(harness.ui().overlays().len(), 1);
    // Tab stays inside the dialog; Enter on the focused default button acts.
    harness.key(Key::TAB, Modifiers::empty());
    harness.key(Key::TAB, Modifiers::empty());
    harness.key(Key::ENTER, Modifiers::empty());
    assert_eq!(harness.take_messages(), [GalleryMessage::Clicked("remove")]);
    assert!(harness.ui().overlays().is_empty());
    // Escape closes without a message.
    harness.ui().show_dialog(Dialog::new("Hello", "").button("OK", GalleryMessage::Clicked("ok")));
    harness.key(Key::ESC, Modifiers::empty());
    assert!(harness.ui().overlays().is_empty());
    assert!(harness.take_messages().is_empty());
}

#[test]
fn long_press_does_not_click_when_handled_and_tap_does() {
    let (mut harness, ids) = gallery();
    harness.tap(ids.cancel);
    assert_eq!(harness.take_messages(), [GalleryMessage::Clicked("cancel")]);
    // Nobody handles long presses here, so releasing still activates.
    let center = harness.center_of(ids.cancel);
    harness.long_press_at(center, Duration::from_millis(700));
    assert_eq!(harness.take_messages(), [GalleryMessage::Clicked("cancel")]);
}

#[test]
fn disabled_widgets_ignore_input_skip_focus_and_look_inactive() {
    let (mut harness, field, cancel, save) = form();
    let before = harness.pixels().to_vec();
    harness.ui().set_enabled(save, false);
    let damage = harness.render();
    assert!(!damage.is_empty(), "disabling repaints the button");
    assert_ne!(before, harness.pixels(), "it looks different");
    harness.click(save);
    assert!(harness.take_messages().is_empty(), "a disabled button does nothing");
    harness.key(Key::TAB, Modifiers::empty());
    harness.key(Key::TAB, Modifiers::empty());
    harness.key(Key::TAB, Modifiers::empty());
    assert_eq!(harness.ui().focused(), Some(field), "Tab skips the disabled button");
    assert!(!harness.ui().is_enabled(save));
    // Disabling a container disables everything in it.
    let root = harness.ui().root();
    let parent = harness.ui().children(root)[0];
    harness.ui().set_enabled(parent, false);
    harness.click(cancel);
    harness.click(field);
    harness.type_text("x");
    assert!(harness.take_messages().is_empty());
    harness.ui().set_enabled(parent, true);
    harness.ui().set_enabled(save, true);
    harness.click(save);
    assert_eq!(harness.take_messages(), [Message::Save]);
}

#[test]
fn updating_and_removing_widgets() {
    let mut ui: Ui<()> = Ui::new(Theme::light());
    let column = ui.add(ui.root(), Container::column().gap(8.0).padding(8.0));
    let label = ui.add(column, weft_toolkit::widgets::Label::new("short"));
    let button = ui.add(column, Button::new("Below").on_click(()));
    let mut harness = Harness::new(ui, 300, 300, 1.0);
    let below_before = harness.ui().rect(button).unwrap();
    harness.ui().update::<weft_toolkit::widgets::Label, _>(label, |label| {
        label.set_text("a much longer text that wraps onto several lines in this narrow window");
    });
    let below_after = harness.ui().rect(button).unwrap();
    assert!(below_after.y > below_before.y, "the button moved down as the label grew");
    harness.render();
    harness.ui().remove(label);
    assert!(harness.ui().get::<weft_toolkit::widgets::Label>(label).is_none(), "removed ids stay dead");
    // Without the label (and its gap) the button is the first child.
    assert_eq!(harness.ui().rect(button).unwrap().y, 8.0);
    let damage = harness.render();
    assert!(!damage.is_empty());
    let full = harness.render_fresh();
    assert_eq!(full, harness.pixels(), "incremental equals full after removal");
    // A new widget never reuses the removed id.
    let again = harness.ui().add(column, weft_toolkit::widgets::Label::new("new"));
    assert_ne!(again, label);
    assert!(harness.ui().get::<weft_toolkit::widgets::Label>(label).is_none());
}

#[test]
fn long_press_on_a_row_sends_its_message_instead_of_activating() {
    use weft_toolkit::widgets::{ListItem, ScrollView};
    #[derive(Clone, Debug, PartialEq)]
    enum Row {
        Open,
        Menu,
    }
    let mut ui = Ui::new(Theme::light());
    let list = ui.add(ui.root(), ScrollView::new());
    let row = ui.add(list, ListItem::new("Hold me").on_select(Row::Open).on_long_press(Row::Menu));
    let mut harness = Harness::new(ui, 300, 300, 1.0);
    let center = harness.center_of(row);
    harness.long_press_at(center, Duration::from_millis(600));
    assert_eq!(harness.take_messages(), [Row::Menu]);
    harness.tap(row);
    assert_eq!(harness.take_messages(), [Row::Open]);
}

#[test]
fn slider_follows_a_finger_drag() {
    let (mut harness, ids) = gallery();
    let slider = harness.ui().rect(ids.volume).unwrap();
    let from = Point::new(slider.x + slider.width * 0.6, slider.center().y);
    let to = Point::new(slider.right() - 2.0, slider.center().y);
    harness.touch_drag(from, to, Duration::from_millis(300), 10);
    assert_eq!(harness.widget::<Slider<GalleryMessage>>(ids.volume).value(), 100.0);
    let messages = harness.take_messages();
    assert!(messages.len() > 3, "value updates while dragging: {messages:?}");
    assert_eq!(messages.last(), Some(&GalleryMessage::Volume(100.0)));
}

#[test]
fn mouse_drag_selects_and_double_click_selects_a_word() {
    let (mut harness, field, _, _) = form();
    harness.click(field);
    harness.type_text("alpha beta gamma");
    let rect = harness.ui().rect(field).unwrap();
    // Drag from the very start of the text to far right: everything.
    harness.mouse_drag(
        Point::new(rect.x + 10.0, rect.center().y),
        Point::new(rect.right() - 4.0, rect.center().y),
        5,
    );
    assert_eq!(
        harness.widget::<TextField<Message>>(field).selected_text().as_deref(),
        Some("alpha beta gamma")
    );
    // Double-click in the middle of the text picks one word.
    harness.skip_time(Duration::from_secs(1));
    let middle = Point::new(rect.x + 10.0 + 50.0, rect.center().y);
    harness.click_at(middle);
    harness.click_at(middle);
    assert_eq!(harness.widget::<TextField<Message>>(field).selected_text().as_deref(), Some("beta"));
}

#[test]
fn accessibility_tree_describes_what_is_visible() {
    use weft_toolkit::accessibility::Role;
    let (mut harness, ids) = gallery();
    let tree = harness.ui().accessibility_tree();
    let find = |role: Role, label: &str| {
        tree.iter().find(|node| node.description.role == role && node.description.label == label)
    };
    assert!(find(Role::Button, "Install").is_some());
    assert_eq!(find(Role::CheckBox, "Automatic updates").unwrap().description.checked, Some(true));
    assert_eq!(find(Role::Switch, "Bluetooth").unwrap().description.checked, Some(false));
    assert_eq!(find(Role::TextInput, "Search apps").unwrap().description.value.as_deref(), Some(""));
    assert_eq!(
        find(Role::ListItem, "Settings").unwrap().description.value.as_deref(),
        Some("Display, network, themes")
    );
    assert!(find(Role::Text, "No files yet").is_none(), "hidden tab pages are not described");
    assert!(find(Role::ListItem, "Diagnostics").is_none(), "rows scrolled out of view are not described");
    // Tests can act by role and label.
    let cancel = harness.find(Role::Button, "Cancel");
    assert_eq!(cancel, ids.cancel);
    harness.click(cancel);
    assert_eq!(harness.take_messages(), [GalleryMessage::Clicked("cancel")]);
    harness.click(ids.search);
    harness.type_text("abc");
    let tree = harness.ui().accessibility_tree();
    let search = tree.iter().find(|node| node.id == ids.search).unwrap();
    assert!(search.focused);
    assert_eq!(search.description.value.as_deref(), Some("abc"));
}

/// Buttons, icon buttons, list rows and switches share one press logic:
/// a release inside activates, a release outside does not, and Enter,
/// keypad Enter and Space activate the focused one.
#[test]
fn every_clickable_widget_activates_the_same_way() {
    use weft_toolkit::accessibility::Role;
    use weft_toolkit::widgets::{IconButton, ListItem, arrow_up};

    let mut ui = Ui::new(Theme::light());
    let column = ui.add(ui.root(), Container::column().gap(12.0).padding(20.0));
    let button = ui.add(column, Button::new("Save").on_click(Message::Save));
    let icon = ui.add(column, IconButton::custom(arrow_up()).label("Up").on_click(Message::Cancel));
    let row = ui.add(column, ListItem::new("Row").on_select(Message::Name("row".into())));
    let mut harness = Harness::new(ui, 400, 300, 1.0);
    assert_eq!(harness.find(Role::Button, "Up"), icon, "a custom icon button is announced by its label");
    let expected = [Message::Save, Message::Cancel, Message::Name("row".into())];
    for (id, message) in [button, icon, row].into_iter().zip(expected) {
        harness.click(id);
        assert_eq!(harness.take_messages(), vec![message.clone()]);
        let rect = harness.ui().rect(id).unwrap();
        harness.mouse_drag(rect.center(), Point::new(rect.right() + 60.0, rect.bottom() + 60.0), 3);
        assert!(harness.take_messages().is_empty(), "a release outside does not activate");
        for key in [Key::ENTER, Key::KP_ENTER, Key::SPACE] {
            harness.ui().set_focus(Some(id));
            harness.key(key, Modifiers::empty());
            assert_eq!(harness.take_messages(), vec![message.clone()], "{key:?} activates");
        }
    }
}
