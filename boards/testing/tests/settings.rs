//! Settings against the real config and status services: writes go
//! through the `write` grant of the app's manifest, watches see changes
//! made by others, and an app without the grant is refused.

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use weft_abi::Signals;
use weft_app_support::status::StatusClient;
use weft_config_api::Value;
use weft_ipc::program::{ProgramError, run_with};
use weft_kernel_hosted::Hosted;
use weft_manifest::compile::parse_manifest;
use weft_rt::Deadline;
use weft_settings::{ConfigStore, Message, Settings, Store, THEME_KEY, theme_named};
use weft_testing::{BootOptions, System, bundle_for};
use weft_toolkit::{Theme, ThemeKind, Ui};

#[derive(Debug)]
struct Report {
    theme_after_choosing_dark: Option<Value>,
    scale_after_sliding: Option<Value>,
    ui_dark: bool,
    watched: Vec<(String, Option<Value>)>,
}

fn app_probe(report: Arc<Mutex<Option<Sender<Report>>>>) -> impl Fn(u32) -> i32 + Send + Sync {
    move |bootstrap| {
        let report = report.clone();
        run_with(bootstrap, move |_startup| -> Result<(), ProgramError> {
            let mut ui = Ui::new(Theme::light());
            let mut settings = Settings::new(ConfigStore::new(), StatusClient::new());
            settings.build(&mut ui);
            settings.update(&mut ui, Message::Theme(ThemeKind::Dark));
            settings.update(&mut ui, Message::Scale(1.5));
            // A second client (as another app would) reads what was saved.
            let mut reader = ConfigStore::new();
            let theme_after_choosing_dark = reader.get(THEME_KEY).ok().flatten();
            let scale_after_sliding = reader.get("display.scale").ok().flatten();
            // Changes from elsewhere arrive through the watch.
            let store = settings.store_mut();
            store.watch(&["appearance."]).map_err(|e| ProgramError(e.to_string()))?;
            reader.set(THEME_KEY, Value::Text("light".into())).map_err(|e| ProgramError(e.to_string()))?;
            if let Some(channel) = store.watch_channel() {
                let _ = channel.handle().wait(Signals::READABLE, Deadline::after(Duration::from_secs(5)));
            }
            let watched = store.changes();
            for (key, value) in &watched {
                settings.changed(&mut ui, key, value.as_ref());
            }
            let report_value =
                Report { theme_after_choosing_dark, scale_after_sliding, ui_dark: ui.theme().dark, watched };
            if let Some(sender) = report.lock().unwrap().take() {
                let _ = sender.send(report_value);
            }
            Ok(())
        })
    }
}

fn guest_probe(report: Arc<Mutex<Option<Sender<String>>>>) -> impl Fn(u32) -> i32 + Send + Sync {
    move |bootstrap| {
        let report = report.clone();
        run_with(bootstrap, move |_startup| -> Result<(), ProgramError> {
            let mut store = ConfigStore::new();
            let outcome = match store.set(THEME_KEY, Value::Text("dark".into())) {
                Ok(()) => "saved".to_string(),
                Err(error) => error.to_string(),
            };
            if let Some(sender) = report.lock().unwrap().take() {
                let _ = sender.send(outcome);
            }
            Ok(())
        })
    }
}

#[test]
fn settings_write_through_the_config_service() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |path: &str| parse_manifest(&std::fs::read_to_string(root.join(path)).unwrap(), path).unwrap();
    let mut app = read("apps/settings/manifest.toml");
    app.uses.retain(|route| route.protocol != "weft.compositor");
    app.program = "test-settings".into();
    app.start = weft_manifest::Start::Boot;
    app.restart = weft_manifest::Restart::Never;
    let mut guest = app.clone();
    guest.name = "guest".into();
    guest.program = "test-guest".into();
    guest.uses.iter_mut().for_each(|route| route.grants.clear());
    let manifests = vec![
        app,
        guest,
        read("services/log/manifest.toml"),
        read("services/config/manifest.toml"),
        read("services/status/manifest.toml"),
    ];
    let hosted = Hosted::new();
    let (sender, reports) = channel();
    let (guest_sender, guest_reports) = channel();
    hosted.register_closure("test-settings", Arc::new(app_probe(Arc::new(Mutex::new(Some(sender))))));
    hosted.register_closure("test-guest", Arc::new(guest_probe(Arc::new(Mutex::new(Some(guest_sender))))));
    let options = BootOptions { bundle: bundle_for("test", manifests), echo: false, devices: Vec::new() };
    let system = System::boot_on(hosted, options).unwrap();
    let report = reports.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|_| {
        panic!("the settings probe reports: {:#?}", system.hosted.debug_log().lines());
    });
    assert_eq!(report.theme_after_choosing_dark, Some(Value::Text("dark".into())));
    assert_eq!(report.scale_after_sliding, Some(Value::Float(1.5)));
    assert_eq!(report.watched, [(THEME_KEY.to_string(), Some(Value::Text("light".into())))]);
    assert!(!report.ui_dark, "the window followed the change made elsewhere");
    assert_eq!(theme_named(report.watched[0].1.as_ref()), ThemeKind::Light);

    let refused = guest_reports.recv_timeout(Duration::from_secs(20)).expect("the guest reports");
    assert_eq!(refused, "this app is not allowed to change system settings");
}
