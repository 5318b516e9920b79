//! The Monitor app headless: sampling, graphs, the process table, sorting,
//! keyboard, errors, and screenshots in both themes.

use std::path::PathBuf;
use std::time::Duration;

use weft_app_support::status::{StatusError, StatusSource};
use weft_monitor::{Graph, Message, Monitor};
use weft_status_api::{ProcessInfo, ServiceStatus, SystemInfo};
use weft_toolkit::accessibility::Role;
use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::widgets::DataRow;
use weft_toolkit::{Theme, ThemeKind, Ui};
use weft_toolkit_harness::{Harness, Tolerance};

const SECOND: u64 = 1_000_000_000;

/// A system whose processes use CPU in a repeating pattern.
struct Pattern {
    ticks: u64,
    cpu: Vec<u64>,
    failing: bool,
}

/// (name, threads, handles, memory, CPU per mille per second at rest).
const PROCESSES: [(&str, u32, u32, u64, u64); 8] = [
    ("root", 3, 41, 2 << 20, 8),
    ("log", 2, 18, 1 << 20, 3),
    ("config", 2, 16, 900 << 10, 1),
    ("status", 2, 17, 700 << 10, 12),
    ("input", 3, 22, 600 << 10, 20),
    ("compositor", 4, 52, 24 << 20, 160),
    ("display", 2, 12, 8 << 20, 40),
    ("terminal", 1, 19, 6 << 20, 30),
];

impl Pattern {
    fn new() -> Pattern {
        Pattern { ticks: 0, cpu: vec![0; PROCESSES.len()], failing: false }
    }

    /// Moves the system one second on.
    fn step(&mut self) {
        self.ticks += 1;
        for (index, (_, _, _, _, rest)) in PROCESSES.iter().enumerate() {
            // A burst every eight seconds in the compositor, a gentle wave elsewhere.
            let wave = (self.ticks * 7 + index as u64 * 3) % 10;
            let burst = if index == 5 && self.ticks % 8 < 3 { 250 } else { 0 };
            self.cpu[index] += (rest + wave * 2 + burst) * 1_000_000;
        }
    }
}

impl StatusSource for Pattern {
    fn processes(&mut self) -> Result<Vec<ProcessInfo>, StatusError> {
        Ok(PROCESSES
            .iter()
            .enumerate()
            .map(|(index, (name, threads, handles, memory, _))| ProcessInfo {
                koid: 1000 + index as u64 * 7,
                name: (*name).into(),
                principal: 16 + index as u64,
                state: "running".into(),
                threads: *threads,
                handles: *handles,
                mapped_bytes: *memory,
                cpu_time: self.cpu[index],
                created_at: 0,
            })
            .collect())
    }

    fn services(&mut self) -> Result<Vec<ServiceStatus>, StatusError> {
        Ok(Vec::new())
    }

    fn system(&mut self) -> Result<SystemInfo, StatusError> {
        if self.failing {
            return Err(StatusError::Unavailable("peer closed".into()));
        }
        Ok(SystemInfo {
            version: "0.1.0".into(),
            platform: "hosted".into(),
            uptime: (3600 + 240 + self.ticks) * SECOND,
            processes: PROCESSES.len() as u64,
            threads: 19,
            memory_used: (44 << 20) + (self.ticks % 5) * (3 << 20),
            memory_total: 256 << 20,
            services_running: 7,
            services_total: 7,
            ..SystemInfo::default()
        })
    }

    fn restart(&mut self, _name: &str) -> Result<(), StatusError> {
        Err(StatusError::Refused("read-only".into()))
    }
}

fn open(kind: ThemeKind) -> (Harness<Message>, Monitor<Pattern>) {
    let mut ui = Ui::new(Theme::builtin(kind));
    let mut monitor = Monitor::new(Pattern::new());
    monitor.build(&mut ui);
    monitor.tick(&mut ui);
    (Harness::new(ui, 860, 600, 1.0), monitor)
}

/// One second passes: the system moves on and the monitor samples it.
fn second(harness: &mut Harness<Message>, monitor: &mut Monitor<Pattern>) {
    harness.advance(Duration::from_secs(1));
    monitor.source_mut().step();
    monitor.tick(harness.ui());
    harness.render();
}

fn pump(harness: &mut Harness<Message>, monitor: &mut Monitor<Pattern>) {
    for message in harness.take_messages() {
        monitor.update(harness.ui(), message);
    }
    harness.render();
}

/// Pixels in `rect` close to `color`.
fn pixels_like(
    harness: &mut Harness<Message>,
    rect: weft_toolkit::Rect,
    color: weft_toolkit::theme::Color,
) -> usize {
    let mut count = 0;
    for y in rect.y as u32..rect.bottom() as u32 {
        for x in rect.x as u32..rect.right() as u32 {
            let [r, g, b, _] = harness.pixel(x, y);
            let near = |a: u8, b: u8| (a as i32 - b as i32).abs() < 24;
            if near(r, color.red) && near(g, color.green) && near(b, color.blue) {
                count += 1;
            }
        }
    }
    count
}

fn names(harness: &Harness<Message>, monitor: &Monitor<Pattern>) -> Vec<String> {
    monitor.rows().iter().map(|row| harness.widget::<DataRow<Message>>(*row).cells()[0].clone()).collect()
}

#[test]
fn the_graphs_show_samples_after_time_steps() {
    let (mut harness, mut monitor) = open(ThemeKind::Light);
    let cpu = monitor.cpu_graph().unwrap();
    let memory = monitor.memory_graph().unwrap();
    // One sample: memory has a point, CPU nothing to compare with yet.
    assert_eq!(harness.widget::<Graph>(cpu).samples().len(), 0);
    assert_eq!(harness.widget::<Graph>(memory).samples().len(), 1);
    let area = harness.ui().rect(cpu).unwrap();
    let accent = Theme::light().palette.accent;
    assert_eq!(pixels_like(&mut harness, area, accent), 0, "an empty graph has no line");

    for _ in 0..5 {
        second(&mut harness, &mut monitor);
    }
    let samples: Vec<f32> = harness.widget::<Graph>(cpu).samples().iter().copied().collect();
    assert_eq!(samples.len(), 5);
    assert!(samples.iter().all(|value| *value > 20.0 && *value < 100.0), "{samples:?}");
    assert_eq!(harness.widget::<Graph>(memory).samples().len(), 6);
    assert!(pixels_like(&mut harness, area, accent) > 10, "the line is drawn");
    let value = harness.ui().accessibility_tree().into_iter().find(|node| node.description.label == "CPU");
    assert!(value.is_some());

    // A minute of history at most.
    for _ in 0..70 {
        second(&mut harness, &mut monitor);
    }
    assert_eq!(harness.widget::<Graph>(cpu).samples().len(), weft_monitor::HISTORY);
}

#[test]
fn the_table_lists_processes_busiest_first_and_sorts_by_any_column() {
    let (mut harness, mut monitor) = open(ThemeKind::Light);
    assert_eq!(monitor.rows().len(), 8);
    let first = harness.widget::<DataRow<Message>>(monitor.rows()[0]).cells().to_vec();
    assert_eq!(first[6], "—", "no CPU figure before a second sample");
    second(&mut harness, &mut monitor);
    let first = harness.widget::<DataRow<Message>>(monitor.rows()[0]).cells().to_vec();
    assert_eq!(first[0], "compositor");
    assert_eq!(first[1], "1035");
    assert_eq!(first[5], "24 MiB");
    assert!(first[6].ends_with('%') && first[6] != "0.0%", "{first:?}");

    // Click the Memory header: biggest first; again: smallest first.
    monitor.update(harness.ui(), Message::Sort(5));
    assert_eq!(names(&harness, &monitor)[..3], ["compositor", "display", "terminal"]);
    monitor.update(harness.ui(), Message::Sort(5));
    assert_eq!(names(&harness, &monitor)[..2], ["input", "status"]);
    // Name sorts A to Z.
    monitor.update(harness.ui(), Message::Sort(0));
    assert_eq!(
        names(&harness, &monitor),
        ["compositor", "config", "display", "input", "log", "root", "status", "terminal"]
    );
}

#[test]
fn selection_follows_the_process_and_the_keyboard() {
    let (mut harness, mut monitor) = open(ThemeKind::Light);
    second(&mut harness, &mut monitor);
    monitor.update(harness.ui(), Message::Sort(0));
    let config = monitor.rows()[1];
    harness.click(config);
    pump(&mut harness, &mut monitor);
    let config_koid = monitor.selected().unwrap();
    assert_eq!(monitor.processes().iter().find(|p| p.info.koid == config_koid).unwrap().info.name, "config");
    harness.key(Key::DOWN, Modifiers::empty());
    pump(&mut harness, &mut monitor);
    let selected = monitor.selected().unwrap();
    assert_eq!(monitor.processes().iter().find(|p| p.info.koid == selected).unwrap().info.name, "display");
    // Re-sorting by CPU moves the row; the selection stays on `display`.
    monitor.update(harness.ui(), Message::Sort(6));
    second(&mut harness, &mut monitor);
    let index = monitor.processes().iter().position(|p| p.info.koid == selected).unwrap();
    assert!(harness.widget::<DataRow<Message>>(monitor.rows()[index]).is_selected());
    assert_eq!(
        monitor.rows().iter().filter(|row| harness.widget::<DataRow<Message>>(**row).is_selected()).count(),
        1
    );
}

#[test]
fn a_missing_status_service_is_reported() {
    let (mut harness, mut monitor) = open(ThemeKind::Light);
    monitor.source_mut().failing = true;
    second(&mut harness, &mut monitor);
    let error =
        harness.find(Role::Text, "Cannot read the system: the status service is unavailable: peer closed");
    assert!(harness.ui().is_visible(error));
    monitor.source_mut().failing = false;
    second(&mut harness, &mut monitor);
    assert!(!harness.ui().is_visible(error));
}

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../screenshots").join(format!("{name}.png"))
}

#[test]
fn screenshots_match_in_both_themes() {
    for (kind, name) in [(ThemeKind::Light, "monitor-light"), (ThemeKind::Dark, "monitor-dark")] {
        let (mut harness, mut monitor) = open(kind);
        for _ in 0..40 {
            second(&mut harness, &mut monitor);
        }
        harness.assert_matches(&reference(name), Tolerance::SCREENSHOT);
    }
}
