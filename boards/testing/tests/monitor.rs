//! The monitor against the real service graph: the status service's
//! process list and figures, through the monitor's own manifest.

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use weft_app_support::status::StatusClient;
use weft_ipc::program::{ProgramError, run_with};
use weft_kernel_hosted::Hosted;
use weft_manifest::compile::parse_manifest;
use weft_monitor::{Graph, Message, Monitor};
use weft_testing::{BootOptions, System, bundle_for};
use weft_toolkit::widgets::DataRow;
use weft_toolkit::{Theme, Ui};
use weft_toolkit_harness::Harness;

/// What the probe saw after sampling twice, a second apart.
struct Seen {
    rows: Vec<Vec<String>>,
    cpu_samples: usize,
    memory_samples: usize,
}

fn probe(report: Arc<Mutex<Option<Sender<Seen>>>>) -> impl Fn(u32) -> i32 + Send + Sync {
    move |bootstrap| {
        let report = report.clone();
        run_with(bootstrap, move |_startup| -> Result<(), ProgramError> {
            let mut ui = Ui::new(Theme::dark());
            let mut monitor = Monitor::new(StatusClient::new());
            monitor.build(&mut ui);
            monitor.tick(&mut ui);
            let mut harness: Harness<Message> = Harness::new(ui, 860, 600, 1.0);
            weft_rt::sleep(Duration::from_millis(1000));
            monitor.tick(harness.ui());
            harness.render();
            let rows = monitor
                .rows()
                .iter()
                .map(|row| harness.widget::<DataRow<Message>>(*row).cells().to_vec())
                .collect();
            let cpu_samples = harness.widget::<Graph>(monitor.cpu_graph().unwrap()).samples().len();
            let memory_samples = harness.widget::<Graph>(monitor.memory_graph().unwrap()).samples().len();
            if let Some(sender) = report.lock().unwrap().take() {
                let _ = sender.send(Seen { rows, cpu_samples, memory_samples });
            }
            loop {
                weft_rt::sleep(Duration::from_secs(3600));
            }
        })
    }
}

#[test]
fn the_process_table_lists_the_real_processes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |path: &str| parse_manifest(&std::fs::read_to_string(root.join(path)).unwrap(), path).unwrap();
    let mut monitor = read("apps/monitor/manifest.toml");
    monitor.uses.retain(|route| route.protocol != "weft.compositor");
    monitor.program = "test-monitor".into();
    monitor.start = weft_manifest::Start::Boot;
    let manifests = vec![
        monitor,
        read("services/log/manifest.toml"),
        read("services/config/manifest.toml"),
        read("services/status/manifest.toml"),
    ];
    let hosted = Hosted::new();
    let (sender, seen) = channel();
    hosted.register_closure("test-monitor", Arc::new(probe(Arc::new(Mutex::new(Some(sender))))));
    let options = BootOptions { bundle: bundle_for("test", manifests), echo: false, devices: Vec::new() };
    let _system = System::boot_on(hosted, options).unwrap();
    let seen = seen.recv_timeout(Duration::from_secs(20)).expect("the monitor sampled");

    let names: Vec<&str> = seen.rows.iter().map(|cells| cells[0].as_str()).collect();
    for name in ["root", "log", "config", "status", "monitor"] {
        assert!(names.contains(&name), "the table lists {name}: {names:?}");
    }
    for cells in &seen.rows {
        assert!(cells[1].parse::<u64>().is_ok(), "a koid: {cells:?}");
        assert_eq!(cells[2], "running");
        assert!(cells[6].ends_with('%'), "a CPU figure after two samples: {cells:?}");
    }
    // Hosted mode measures CPU time: someone used some.
    assert!(seen.rows.iter().any(|cells| cells[6] != "0.0%"), "{:?}", seen.rows);
    assert_eq!((seen.cpu_samples, seen.memory_samples), (1, 2));
}
