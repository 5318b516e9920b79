//! The Terminal app headless: typing, history, colours, selection,
//! scrollback, and screenshots in both themes.

use std::path::PathBuf;

use weft_terminal::{Message, Session};
use weft_toolkit::weft_types::{Button, InputEvent, Key, KeyState, Modifiers, PointerEvent};
use weft_toolkit::{Point, Theme, ThemeKind, Ui};
use weft_toolkit_harness::{Harness, Tolerance};
use weft_vt::Color;

use fixed::FixedHost;

const WIDTH: u32 = 760;
const HEIGHT: u32 = 460;

fn open(kind: ThemeKind) -> (Harness<Message>, Session<FixedHost>) {
    let mut ui = Ui::new(Theme::builtin(kind));
    let mut session = Session::new(FixedHost::new());
    session.build(&mut ui);
    let harness = Harness::new(ui, WIDTH, HEIGHT, 1.0);
    (harness, session)
}

/// Hands the widgets' messages to the session, as the app loop does.
fn pump(harness: &mut Harness<Message>, session: &mut Session<FixedHost>) {
    for message in harness.take_messages() {
        session.update(harness.ui(), message);
    }
    harness.render();
}

fn type_line(harness: &mut Harness<Message>, session: &mut Session<FixedHost>, text: &str) {
    harness.type_text(text);
    pump(harness, session);
    harness.key(Key::ENTER, Modifiers::empty());
    pump(harness, session);
}

fn screen(session: &Session<FixedHost>) -> Vec<String> {
    session.terminal().lines()
}

fn row_of(session: &Session<FixedHost>, needle: &str) -> usize {
    screen(session).iter().position(|line| line.contains(needle)).unwrap_or_else(|| {
        panic!("no line contains {needle:?}: {:#?}", screen(session));
    })
}

#[test]
fn typing_echo_hi_and_enter_shows_hi() {
    let (mut harness, mut session) = open(ThemeKind::Light);
    assert!(screen(&session)[0].starts_with("Weft operator shell"), "{:#?}", screen(&session));
    type_line(&mut harness, &mut session, "echo hi");
    let lines = screen(&session);
    let prompt = row_of(&session, "weft:/$ echo hi");
    assert_eq!(lines[prompt + 1], "hi");
    assert_eq!(lines[prompt + 2], "weft:/$");
    // The terminal fills the window: 760 px wide at 8 px cells, less padding.
    let (columns, rows) = session.terminal().size();
    assert!(columns >= 90 && rows >= 24, "{columns}×{rows}");
}

#[test]
fn unknown_commands_print_a_red_error_line() {
    let (mut harness, mut session) = open(ThemeKind::Light);
    type_line(&mut harness, &mut session, "frobnicate");
    let row = row_of(&session, "opsh: unknown command `frobnicate`");
    let terminal = session.terminal().terminal();
    let cell = terminal.screen().cell(row, 0).unwrap();
    assert_eq!(cell.character, 'o');
    assert_eq!(cell.style.foreground, Color::Indexed(1), "errors are red");
}

#[test]
fn up_arrow_recalls_the_previous_command() {
    let (mut harness, mut session) = open(ThemeKind::Light);
    type_line(&mut harness, &mut session, "echo first");
    type_line(&mut harness, &mut session, "echo second");
    harness.key(Key::UP, Modifiers::empty());
    harness.key(Key::UP, Modifiers::empty());
    pump(&mut harness, &mut session);
    let last = screen(&session).into_iter().rfind(|line| !line.is_empty()).unwrap();
    assert_eq!(last, "weft:/$ echo first");
    harness.key(Key::ENTER, Modifiers::empty());
    pump(&mut harness, &mut session);
    let firsts = screen(&session).iter().filter(|line| *line == "first").count();
    assert_eq!(firsts, 2, "{:#?}", screen(&session));
}

#[test]
fn escape_sequences_colour_the_grid_and_the_pixels() {
    let (mut harness, mut session) = open(ThemeKind::Dark);
    type_line(&mut harness, &mut session, "ls");
    // `ls` prints directories in bold blue.
    let row = row_of(&session, "docs/");
    let column = screen(&session)[row].find("docs/").unwrap();
    {
        let terminal = session.terminal().terminal();
        let cell = terminal.screen().cell(row, column).unwrap();
        assert_eq!(cell.style.foreground, Color::Indexed(4));
        assert!(cell.style.attributes.contains(weft_vt::Attributes::BOLD));
    }
    // A red background written straight to the emulator reaches the pixels.
    session.terminal().feed(b"\r\n\x1b[41m    \x1b[0m\r\n");
    session.terminal().damage(harness.ui());
    harness.render();
    let red_row = {
        let terminal = session.terminal().terminal();
        let screen = terminal.screen();
        (0..screen.rows())
            .find(|r| screen.cell(*r, 0).unwrap().style.background == Color::Indexed(1))
            .unwrap()
    };
    let metrics_height = 17.0;
    let y = (8.0 + red_row as f32 * metrics_height + metrics_height / 2.0) as u32;
    let pixel = harness.pixel(12, y);
    assert!(pixel[0] > 200 && pixel[1] < 140 && pixel[2] < 140, "red background at row {red_row}: {pixel:?}");
}

#[test]
fn dragging_selects_and_ctrl_shift_c_copies() {
    let (mut harness, mut session) = open(ThemeKind::Light);
    type_line(&mut harness, &mut session, "echo copy me");
    let row = screen(&session).iter().position(|line| line == "copy me").unwrap();
    let y = 8.0 + row as f32 * 17.0 + 8.0;
    harness.mouse_drag(Point::new(8.0 + 2.0, y), Point::new(8.0 + 8.0 * 6.5, y), 4);
    pump(&mut harness, &mut session);
    assert_eq!(session.terminal().selected_text().as_deref(), Some("copy me"));
    harness.key(Key::C, Modifiers::CONTROL | Modifiers::SHIFT);
    pump(&mut harness, &mut session);
    assert_eq!(harness.ui().clipboard(), "copy me");
    // Ctrl+Shift+V types it back at the prompt.
    harness.key(Key::V, Modifiers::CONTROL | Modifiers::SHIFT);
    pump(&mut harness, &mut session);
    let last = screen(&session).into_iter().rfind(|line| !line.is_empty()).unwrap();
    assert_eq!(last, "weft:/$ copy me");
}

#[test]
fn the_wheel_scrolls_back_and_typing_returns_to_the_prompt() {
    let (mut harness, mut session) = open(ThemeKind::Light);
    for _ in 0..4 {
        type_line(&mut harness, &mut session, "help");
    }
    assert!(session.terminal().terminal().screen().history() > 20);
    harness.scroll_at(Point::new(300.0, 200.0), -17.0 * 5.0);
    pump(&mut harness, &mut session);
    assert_eq!(session.terminal().scroll_offset(), 5);
    harness.type_text("x");
    pump(&mut harness, &mut session);
    assert_eq!(session.terminal().scroll_offset(), 0);
}

#[test]
fn the_context_menu_offers_paste_and_clear() {
    let (mut harness, mut session) = open(ThemeKind::Light);
    harness.event(InputEvent::Pointer(PointerEvent::Motion { x: 200.0, y: 100.0 }));
    harness.event(InputEvent::Pointer(PointerEvent::Button {
        button: Button::Right,
        state: KeyState::Pressed,
        x: 200.0,
        y: 100.0,
    }));
    pump(&mut harness, &mut session);
    assert_eq!(harness.ui().overlays().len(), 1, "a menu opened");
    // Paste and Clear (nothing is selected, so no Copy): Up wraps to the last.
    harness.key(Key::UP, Modifiers::empty());
    harness.key(Key::ENTER, Modifiers::empty());
    pump(&mut harness, &mut session);
    assert!(harness.ui().overlays().is_empty(), "choosing closes the menu");
    let lines: Vec<String> = screen(&session).into_iter().filter(|line| !line.is_empty()).collect();
    assert_eq!(lines, ["weft:/$"]);
}

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../screenshots").join(format!("{name}.png"))
}

#[test]
fn screenshots_match_in_both_themes() {
    for (kind, name) in [(ThemeKind::Light, "terminal-light"), (ThemeKind::Dark, "terminal-dark")] {
        let (mut harness, mut session) = open(kind);
        for line in ["uname -a", "ls -l docs", "svc", "ps"] {
            type_line(&mut harness, &mut session, line);
        }
        harness.type_text("log -f -l wa");
        pump(&mut harness, &mut session);
        harness.assert_matches(&reference(name), Tolerance::SCREENSHOT);
    }
}

/// A fixed, in-memory system for the terminal's headless tests.
mod fixed {
    use weft_app_support::FileTree;
    use weft_log_api::{Entry, Filter};
    use weft_opsh::{Host, HostError, LogPage};
    use weft_status_api::{ProcessInfo, ServiceState, ServiceStatus, SystemInfo};

    pub const SECOND: u64 = 1_000_000_000;

    pub struct FixedHost {
        files: FileTree,
    }

    impl FixedHost {
        pub fn new() -> FixedHost {
            FixedHost {
                files: FileTree::new(vec![
                    ("README.md".into(), b"# Weft\n\nA capability OS.\n".to_vec()),
                    ("docs/architecture.md".into(), vec![b'a'; 9_300]),
                    ("docs/protocols.md".into(), vec![b'p'; 4_100]),
                    ("docs/toolkit.md".into(), vec![b't'; 12_800]),
                ]),
            }
        }
    }

    fn service(name: &str, description: &str, state: ServiceState, restarts: u32) -> ServiceStatus {
        ServiceStatus {
            name: name.into(),
            description: description.into(),
            state,
            koid: 10,
            principal: 17,
            restarts,
            started_at: 2 * SECOND,
            last_exit: None,
            detail: String::new(),
        }
    }

    impl Host for FixedHost {
        fn files(&self) -> &FileTree {
            &self.files
        }

        fn now(&self) -> u64 {
            754 * SECOND
        }

        fn processes(&mut self) -> Result<Vec<ProcessInfo>, HostError> {
            let process = |koid, name: &str, threads, memory: u64| ProcessInfo {
                koid,
                name: name.into(),
                principal: 16 + koid,
                state: "running".into(),
                threads,
                handles: 8 + threads * 3,
                mapped_bytes: memory,
                cpu_time: koid * 130_000_000,
                created_at: 0,
            };
            Ok(vec![
                process(2, "root", 3, 2 << 20),
                process(5, "log", 2, 1 << 20),
                process(8, "config", 2, 900 << 10),
                process(11, "status", 2, 700 << 10),
                process(14, "compositor", 4, 24 << 20),
                process(17, "terminal", 1, 6 << 20),
            ])
        }

        fn services(&mut self) -> Result<Vec<ServiceStatus>, HostError> {
            Ok(vec![
                service("log", "Stores and serves log records", ServiceState::Running, 0),
                service("config", "Typed settings with change notifications", ServiceState::Running, 0),
                service("status", "Reports services, processes and system figures", ServiceState::Running, 1),
                service("terminal", "A terminal running the operator shell", ServiceState::Running, 0),
            ])
        }

        fn system(&mut self) -> Result<SystemInfo, HostError> {
            Ok(SystemInfo {
                version: "0.1.0".into(),
                platform: "hosted".into(),
                uptime: 754 * SECOND,
                processes: 6,
                threads: 14,
                memory_used: 35 << 20,
                services_running: 4,
                services_total: 4,
                ..SystemInfo::default()
            })
        }

        fn restart(&mut self, _name: &str) -> Result<(), HostError> {
            Err(HostError::Refused("restarting services needs the manage grant".into()))
        }

        fn read_log(&mut self, _after: u64, _max: u32, _filter: &Filter) -> Result<LogPage, HostError> {
            Ok(LogPage::default())
        }

        fn follow_log(&mut self, _filter: &Filter) -> Result<(), HostError> {
            Ok(())
        }

        fn poll_log(&mut self) -> Result<Vec<Entry>, HostError> {
            Ok(Vec::new())
        }

        fn stop_log(&mut self) {}
    }
}
