//! The terminal's shell against the real service graph booted in-process:
//! the real root manager, log, config and status services, the boot
//! bundle's files, and the terminal's own manifest (less the compositor).

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use weft_app_support::bundle::files_from_startup;
use weft_app_support::status::{StatusClient, StatusSource};
use weft_board_hosted::{BootOptions, System, bundle_for};
use weft_ipc::program::{ProgramError, run_with};
use weft_kernel_hosted::Hosted;
use weft_manifest::compile::parse_manifest;
use weft_opsh::ServiceHost;
use weft_rt::Deadline;
use weft_terminal::{Message, Session};
use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::{Theme, Ui};
use weft_toolkit_harness::Harness;

/// What the test asks a probe terminal to do.
enum Command {
    /// Type a line and press Enter; answer with the screen's lines.
    Type(String, Sender<Vec<String>>),
    /// Restart a service straight through `weft.status`.
    Restart(String, Sender<Result<(), String>>),
    /// Wait up to a second for followed log entries; answer with the screen.
    Follow(Sender<Vec<String>>),
}

fn pump(harness: &mut Harness<Message>, session: &mut Session<ServiceHost>) {
    for message in harness.take_messages() {
        session.update(harness.ui(), message);
    }
    harness.render();
}

/// A terminal session inside the graph, driven from the test thread.
fn probe(commands: Arc<Mutex<Receiver<Command>>>) -> impl Fn(u32) -> i32 + Send + Sync {
    move |bootstrap| {
        let commands = commands.clone();
        run_with(bootstrap, move |mut startup| -> Result<(), ProgramError> {
            let files = files_from_startup(&mut startup)?;
            let mut ui = Ui::new(Theme::light());
            let mut session = Session::new(ServiceHost::new(files));
            session.build(&mut ui);
            let mut harness = Harness::new(ui, 1000, 600, 1.0);
            loop {
                let command = commands.lock().unwrap().recv();
                match command {
                    Ok(Command::Type(line, reply)) => {
                        harness.type_text(&line);
                        harness.key(Key::ENTER, Modifiers::empty());
                        pump(&mut harness, &mut session);
                        let _ = reply.send(session.terminal().lines());
                    }
                    Ok(Command::Restart(name, reply)) => {
                        let _ = reply.send(StatusClient::new().restart(&name).map_err(|e| e.to_string()));
                    }
                    Ok(Command::Follow(reply)) => {
                        if let Some(channel) = session.shell().host().follow_channel() {
                            let _ = channel
                                .handle()
                                .wait(weft_abi::Signals::READABLE, Deadline::after(Duration::from_secs(1)));
                        }
                        session.poll(harness.ui());
                        harness.render();
                        let _ = reply.send(session.terminal().lines());
                    }
                    Err(_) => return Ok(()),
                }
            }
        })
    }
}

fn manifests() -> Vec<weft_manifest::Manifest> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |path: &str| {
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        parse_manifest(&text, path).unwrap()
    };
    // The terminal's real manifest, minus the compositor this graph lacks,
    // running the probe instead of the app.
    let mut terminal = read("apps/terminal/manifest.toml");
    terminal.uses.retain(|route| route.protocol != "weft.compositor");
    terminal.program = "test-terminal".into();
    terminal.start = weft_manifest::Start::Boot;
    // A terminal without the `manage` grant.
    let mut guest = terminal.clone();
    guest.name = "guest".into();
    guest.program = "test-guest".into();
    for route in &mut guest.uses {
        route.grants.clear();
    }
    vec![
        terminal,
        guest,
        read("services/log/manifest.toml"),
        read("services/config/manifest.toml"),
        read("services/status/manifest.toml"),
    ]
}

fn ask<T>(commands: &Sender<Command>, make: impl FnOnce(Sender<T>) -> Command) -> T {
    let (reply, answer) = channel();
    commands.send(make(reply)).unwrap();
    answer.recv_timeout(Duration::from_secs(20)).expect("the probe answers")
}

fn output_after(lines: &[String], command: &str) -> Vec<String> {
    let start =
        lines.iter().rposition(|line| line.ends_with(&format!("$ {command}"))).expect("the command line");
    lines[start + 1..].iter().take_while(|line| !line.starts_with("weft:")).cloned().collect()
}

#[test]
fn the_shell_shows_the_real_system() {
    let hosted = Hosted::new();
    let (terminal_commands, terminal_receiver) = channel();
    let (guest_commands, guest_receiver) = channel();
    hosted.register_closure("test-terminal", Arc::new(probe(Arc::new(Mutex::new(terminal_receiver)))));
    hosted.register_closure("test-guest", Arc::new(probe(Arc::new(Mutex::new(guest_receiver)))));
    let mut bundle = bundle_for("test", manifests());
    bundle.files = vec![
        ("README.md".into(), b"# Weft\n".to_vec()),
        ("docs/apps.md".into(), b"# The core apps\n\nTerminal, Settings, Files, Monitor.\n".to_vec()),
    ];
    let options = BootOptions { bundle, echo: false, devices: Vec::new() };
    let system = System::boot_on(hosted, options).unwrap();
    assert!(
        system.wait_for_log("started guest", Duration::from_secs(10)),
        "{:#?}",
        system.hosted.debug_log().lines()
    );

    // `ps` lists the real processes.
    let lines = ask(&terminal_commands, |reply| Command::Type("ps".into(), reply));
    let ps = output_after(&lines, "ps");
    assert!(ps[0].contains("KOID") && ps[0].contains("NAME"), "{ps:#?}");
    for name in ["root", "log", "config", "status", "terminal", "guest"] {
        assert!(ps.iter().any(|line| line.ends_with(&format!(" {name}"))), "ps lists {name}: {ps:#?}");
    }

    // Services with their states, and the files of the boot bundle.
    let svc = output_after(&ask(&terminal_commands, |reply| Command::Type("svc".into(), reply)), "svc");
    assert!(svc.iter().any(|line| line.starts_with("config") && line.contains("running")), "{svc:#?}");
    let cat = output_after(
        &ask(&terminal_commands, |r| Command::Type("cat docs/apps.md".into(), r)),
        "cat docs/apps.md",
    );
    assert_eq!(cat, ["# The core apps", "", "Terminal, Settings, Files, Monitor."]);
    let uname = output_after(&ask(&terminal_commands, |r| Command::Type("uname -a".into(), r)), "uname -a");
    assert!(uname[0].starts_with("Weft "), "{uname:?}");

    // The log, filtered by source.
    let log = output_after(
        &ask(&terminal_commands, |r| Command::Type("log -s root -n 5".into(), r)),
        "log -s root -n 5",
    );
    assert!(!log.is_empty() && log.iter().all(|line| line.contains(" root ")), "{log:#?}");

    // Without `manage`, restarting is refused with a clear message.
    let refused = ask(&guest_commands, |r| Command::Type("svc restart config".into(), r));
    let refused = output_after(&refused, "svc restart config");
    assert!(
        refused[0].contains("not allowed to restart config") && refused[0].contains("manage"),
        "{refused:?}"
    );

    // With it (the terminal's manifest grants it), the service restarts.
    let restarted = ask(&terminal_commands, |r| Command::Type("svc restart config".into(), r));
    assert!(output_after(&restarted, "svc restart config")[0].starts_with("restarting config"));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = ask(&terminal_commands, |r| Command::Type("svc status config".into(), r));
        let status = output_after(&status, "svc status config");
        if status.iter().any(|line| line.contains("restarts  1"))
            && status.iter().any(|l| l.contains("running"))
        {
            break;
        }
        assert!(Instant::now() < deadline, "config did not come back: {status:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }

    // `log -f` shows entries as they are logged.
    ask(&terminal_commands, |r| Command::Type("log -f -s root".into(), r));
    ask(&terminal_commands, |r| Command::Restart("config".into(), r))
        .expect("the terminal may restart services");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let lines = ask(&terminal_commands, Command::Follow);
        let followed = output_after(&lines, "log -f -s root");
        if followed.iter().any(|line| line.contains("config")) {
            break;
        }
        assert!(Instant::now() < deadline, "no followed entries: {followed:#?}");
    }
}
