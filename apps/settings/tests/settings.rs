//! The Settings app headless: theme switching (config key and pixels),
//! scale, refusals, changes from elsewhere, About figures, screenshots.

use std::collections::BTreeMap;
use std::path::PathBuf;

use weft_app_support::status::{StatusError, StatusSource};
use weft_config_api::Value;
use weft_settings::{Message, Page, Settings, Store, StoreError, THEME_KEY, ThemeTile};
use weft_status_api::{ProcessInfo, ServiceStatus, SystemInfo};
use weft_toolkit::accessibility::Role;
use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::{Theme, ThemeKind, Ui};
use weft_toolkit_harness::{Harness, Tolerance, compare};

#[derive(Default)]
struct MemoryStore {
    values: BTreeMap<String, Value>,
    read_only: bool,
}

impl Store for MemoryStore {
    fn get(&mut self, key: &str) -> Result<Option<Value>, StoreError> {
        Ok(self.values.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: Value) -> Result<(), StoreError> {
        if self.read_only {
            return Err(StoreError::Denied);
        }
        self.values.insert(key.into(), value);
        Ok(())
    }
}

struct FixedStatus {
    uptime: u64,
}

impl StatusSource for FixedStatus {
    fn processes(&mut self) -> Result<Vec<ProcessInfo>, StatusError> {
        Ok(Vec::new())
    }

    fn services(&mut self) -> Result<Vec<ServiceStatus>, StatusError> {
        Ok(Vec::new())
    }

    fn system(&mut self) -> Result<SystemInfo, StatusError> {
        Ok(SystemInfo {
            version: "0.1.0".into(),
            platform: "hosted".into(),
            uptime: self.uptime,
            processes: 9,
            threads: 23,
            objects: 412,
            memory_used: 47 << 20,
            memory_total: 256 << 20,
            syscalls: 183_204,
            messages: 52_911,
            services_running: 8,
            services_total: 8,
        })
    }

    fn restart(&mut self, _name: &str) -> Result<(), StatusError> {
        Ok(())
    }
}

type App = Settings<MemoryStore, FixedStatus>;

fn open(kind: ThemeKind, store: MemoryStore) -> (Harness<Message>, App) {
    let mut ui = Ui::new(Theme::builtin(kind));
    let mut settings = Settings::new(store, FixedStatus { uptime: 3_723_000_000_000 });
    settings.build(&mut ui);
    (Harness::new(ui, 780, 540, 1.0), settings)
}

fn pump(harness: &mut Harness<Message>, settings: &mut App) {
    for message in harness.take_messages() {
        settings.update(harness.ui(), message);
    }
    harness.render();
}

fn tile(harness: &mut Harness<Message>, name: &str) -> weft_toolkit::WidgetId {
    harness.find(Role::Button, name)
}

#[test]
fn choosing_dark_writes_the_setting_and_rerenders_in_the_dark_theme() {
    let (mut harness, mut settings) = open(ThemeKind::Light, MemoryStore::default());
    let light_frame = harness.pixels().to_vec();
    let dark = tile(&mut harness, "Dark");
    assert!(!harness.widget::<ThemeTile<Message>>(dark).is_selected());
    harness.click(dark);
    pump(&mut harness, &mut settings);
    assert_eq!(settings.store_mut().values.get(THEME_KEY), Some(&Value::Text("dark".into())));
    assert!(harness.ui().theme().dark);
    assert!(harness.widget::<ThemeTile<Message>>(dark).is_selected());
    // The whole window is drawn anew in the dark palette.
    let dark_frame = harness.pixels().to_vec();
    assert!(compare(&light_frame, &dark_frame, 16).fraction() > 0.8);
    let background = Theme::dark().palette.background;
    let [r, g, b, _] = harness.pixel(700, 520);
    assert_eq!((r, g, b), (background.red, background.green, background.blue));
    // And back.
    let light = tile(&mut harness, "Light");
    harness.click(light);
    pump(&mut harness, &mut settings);
    assert_eq!(settings.store_mut().values.get(THEME_KEY), Some(&Value::Text("light".into())));
    assert!(!harness.ui().theme().dark);
}

#[test]
fn the_keyboard_reaches_the_theme_tiles() {
    let (mut harness, mut settings) = open(ThemeKind::Light, MemoryStore::default());
    let dark = tile(&mut harness, "Dark");
    for _ in 0..10 {
        if harness.ui().focused() == Some(dark) {
            break;
        }
        harness.key(Key::TAB, Modifiers::empty());
    }
    assert_eq!(harness.ui().focused(), Some(dark), "Tab reaches the Dark tile");
    harness.key(Key::SPACE, Modifiers::empty());
    pump(&mut harness, &mut settings);
    assert_eq!(settings.theme(), ThemeKind::Dark);
}

#[test]
fn a_refused_write_changes_nothing_and_says_why() {
    let store = MemoryStore { read_only: true, ..MemoryStore::default() };
    let (mut harness, mut settings) = open(ThemeKind::Light, store);
    let dark = tile(&mut harness, "Dark");
    harness.click(dark);
    pump(&mut harness, &mut settings);
    assert!(!harness.ui().theme().dark);
    assert!(!harness.widget::<ThemeTile<Message>>(dark).is_selected());
    let note = harness.find(Role::Text, "Not saved: this app is not allowed to change system settings.");
    assert!(harness.ui().is_visible(note));
}

#[test]
fn the_scale_slider_writes_display_scale() {
    let (mut harness, mut settings) = open(ThemeKind::Light, MemoryStore::default());
    let display = harness.find(Role::ListItem, "Display");
    harness.click(display);
    pump(&mut harness, &mut settings);
    assert_eq!(settings.page(), Page::Display);
    let slider = harness.find(Role::Slider, "");
    harness.click(slider);
    pump(&mut harness, &mut settings);
    harness.key(Key::HOME, Modifiers::empty());
    harness.key(Key::RIGHT, Modifiers::empty());
    pump(&mut harness, &mut settings);
    assert_eq!(settings.store_mut().values.get("display.scale"), Some(&Value::Float(1.25)));
    assert_eq!(settings.scale(), 1.25);
    harness.find(Role::Text, "125%");
}

#[test]
fn changes_made_elsewhere_show_up() {
    let (mut harness, mut settings) = open(ThemeKind::Light, MemoryStore::default());
    settings.changed(harness.ui(), THEME_KEY, Some(&Value::Text("dark".into())));
    settings.changed(harness.ui(), "display.scale", Some(&Value::Float(1.5)));
    harness.render();
    assert!(harness.ui().theme().dark);
    let dark = tile(&mut harness, "Dark");
    assert!(harness.widget::<ThemeTile<Message>>(dark).is_selected());
    assert_eq!(settings.scale(), 1.5);
}

#[test]
fn about_shows_live_figures() {
    let (mut harness, mut settings) = open(ThemeKind::Light, MemoryStore::default());
    settings.update(harness.ui(), Message::Page(Page::About));
    harness.render();
    harness.find(Role::Text, "Version 0.1.0 · hosted");
    harness.find(Role::Text, "1h 02m");
    harness.find(Role::Text, "47 MiB of 256 MiB in use");
    harness.find(Role::Text, "8 of 8 running");
    settings.status_mut().uptime += 120_000_000_000;
    settings.refresh(harness.ui());
    harness.find(Role::Text, "1h 04m");
}

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../screenshots").join(format!("{name}.png"))
}

#[test]
fn screenshots_match_in_both_themes() {
    for (kind, theme) in [(ThemeKind::Light, "light"), (ThemeKind::Dark, "dark")] {
        let mut store = MemoryStore::default();
        let name = if kind == ThemeKind::Dark { "dark" } else { "light" };
        store.values.insert(THEME_KEY.into(), Value::Text(name.into()));
        let (mut harness, mut settings) = open(kind, store);
        harness.assert_matches(&reference(&format!("settings-{theme}")), Tolerance::SCREENSHOT);
        settings.update(harness.ui(), Message::Page(Page::About));
        harness.assert_matches(&reference(&format!("settings-about-{theme}")), Tolerance::SCREENSHOT);
    }
    let (mut harness, mut settings) = open(ThemeKind::Light, MemoryStore::default());
    settings.update(harness.ui(), Message::Page(Page::Display));
    harness.assert_matches(&reference("settings-display-light"), Tolerance::SCREENSHOT);
}
