//! The terminal's shell against the real service graph booted in-process:
//! the real root manager, log, config and status services, the boot
//! bundle's files, the storage service on a memory disk, and the
//! terminal's own manifest (less the compositor).

use std::sync::Arc;
use std::time::{Duration, Instant};

use weft_app_support::bundle::files_from_startup;
use weft_app_support::status::{StatusClient, StatusSource};
use weft_block_hosted::HostDisk;
use weft_kernel_hosted::Hosted;
use weft_opsh::ServiceHost;
use weft_rt::Deadline;
use weft_terminal::{Message, Session};
use weft_testing::{BootOptions, Probe, System, bundle_for, manifest};
use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::{Theme, Ui};
use weft_toolkit_harness::Harness;

/// A terminal session inside the graph, driven from the test thread.
struct Terminal {
    harness: Harness<Message>,
    session: Session<ServiceHost>,
}

impl Terminal {
    fn pump(&mut self) {
        for message in self.harness.take_messages() {
            self.session.update(self.harness.ui(), message);
        }
        self.harness.render();
    }
}

/// A probe running a terminal session (the terminal's own program, less
/// the window).
fn terminal_probe() -> (Probe<Terminal>, weft_kernel_hosted::ProgramClosure) {
    Probe::new(|startup| {
        let files = files_from_startup(startup)?;
        let mut ui = Ui::new(Theme::light());
        let mut session = Session::new(ServiceHost::new(files));
        session.build(&mut ui);
        let harness = Harness::new(ui, 1000, 600, 1.0);
        Ok(Terminal { harness, session })
    })
}

/// Type a line and press Enter; the screen's lines after.
fn type_line(terminal: &Probe<Terminal>, line: &str) -> Vec<String> {
    let line = line.to_string();
    terminal.run(move |t| {
        t.harness.type_text(&line);
        t.harness.key(Key::ENTER, Modifiers::empty());
        t.pump();
        t.session.terminal().lines()
    })
}

/// Restart a service straight through `weft.status`.
fn restart(terminal: &Probe<Terminal>, name: &str) -> Result<(), String> {
    let name = name.to_string();
    terminal.run(move |_| StatusClient::new().restart(&name).map_err(|e| e.to_string()))
}

/// Wait up to a second for followed log entries; the screen after.
fn follow(terminal: &Probe<Terminal>) -> Vec<String> {
    terminal.run(|t| {
        if let Some(channel) = t.session.shell().host().follow_channel() {
            let _ =
                channel.handle().wait(weft_abi::Signals::READABLE, Deadline::after(Duration::from_secs(1)));
        }
        t.session.poll(t.harness.ui());
        t.harness.render();
        t.session.terminal().lines()
    })
}

fn manifests() -> Vec<weft_manifest::Manifest> {
    let read = manifest;
    // The terminal's real manifest, minus the compositor this graph lacks,
    // running the probe instead of the app.
    let mut terminal = read("apps/terminal");
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
        read("services/log"),
        read("services/config"),
        read("services/status"),
        read("services/drivers/block-hosted"),
        read("services/storage"),
    ]
}

fn output_after(lines: &[String], command: &str) -> Vec<String> {
    let start =
        lines.iter().rposition(|line| line.ends_with(&format!("$ {command}"))).expect("the command line");
    lines[start + 1..].iter().take_while(|line| !line.starts_with("weft:")).cloned().collect()
}

/// Boot the terminal's graph with `files` in the bundle, on `disk` (a
/// fresh memory disk if `None`).
fn boot(
    files: Vec<(String, Vec<u8>)>,
    disk: Option<Arc<HostDisk>>,
) -> (System, Probe<Terminal>, Probe<Terminal>) {
    let hosted = Hosted::new();
    let (terminal, program) = terminal_probe();
    hosted.register_closure("test-terminal", program);
    let (guest, program) = terminal_probe();
    hosted.register_closure("test-guest", program);
    let mut bundle = bundle_for("test", manifests());
    bundle.files = files;
    let devices = disk
        .into_iter()
        .map(|disk| ("device:disk".to_string(), disk as Arc<dyn std::any::Any + Send + Sync>))
        .collect();
    let system = System::boot_on(hosted, BootOptions { bundle, echo: false, devices }).unwrap();
    assert!(system.wait_for_log("started guest", Duration::from_secs(10)));
    (system, terminal, guest)
}

fn readme() -> Vec<(String, Vec<u8>)> {
    vec![("README.md".into(), b"# Weft\n".to_vec())]
}

/// The command's output lines.
fn run(terminal: &Probe<Terminal>, command: &str) -> Vec<String> {
    output_after(&type_line(terminal, command), command)
}

#[test]
fn the_shell_keeps_files_in_the_store_across_a_reboot() {
    let disk = HostDisk::memory(16 << 20);
    {
        let (_system, terminal, guest) = boot(readme(), Some(disk.clone()));
        assert_eq!(run(&terminal, "mkdir -p documents/letters"), Vec::<String>::new());
        assert_eq!(run(&terminal, "echo Dear reader, > documents/letters/hello.txt"), Vec::<String>::new());
        run(&terminal, "echo Yours. >> documents/letters/hello.txt");
        assert_eq!(run(&terminal, "cat documents/letters/hello.txt"), ["Dear reader,", "Yours."]);
        run(&terminal, "write documents/todo.txt buy milk");
        run(&terminal, "mv documents/todo.txt documents/letters");
        let listing = run(&terminal, "ls documents/letters");
        assert!(listing[0].contains("hello.txt") && listing[0].contains("todo.txt"), "{listing:?}");
        // The top of the tree: the system's files next to the store's.
        let top = run(&terminal, "ls /");
        assert!(top[0].contains("README.md") && top[0].contains("documents/"), "{top:?}");
        // Errors a person can act on.
        assert!(run(&terminal, "rm documents/letters")[0].contains("directory not empty"));
        assert!(run(&terminal, "rm README.md")[0].contains("read-only system file"));
        assert!(run(&terminal, "cat documents/nothing")[0].contains("no such file"));
        let df = run(&terminal, "df");
        assert!(df[0].contains("size") && df[1].starts_with('/') && df[1].contains("MiB"), "{df:?}");
        // A terminal without the grant has only its own directory.
        assert!(run(&guest, "cat documents/letters/hello.txt")[0].contains("no such file"));
        run(&guest, "write note.txt mine");
        assert_eq!(run(&guest, "cat note.txt"), ["mine"]);
        assert_eq!(run(&terminal, "cat app-guest/note.txt"), ["mine"]);
        assert_eq!(run(&terminal, "sync"), Vec::<String>::new());
        assert!(run(&terminal, "fsck")[0].contains("checks out"));
        // Only the whole store can be checked.
        assert!(run(&guest, "fsck")[0].contains("bad request"));
    }
    let (_system, terminal, _guest) = boot(readme(), Some(disk));
    assert_eq!(run(&terminal, "cat documents/letters/hello.txt"), ["Dear reader,", "Yours."]);
    assert_eq!(run(&terminal, "cat documents/letters/todo.txt"), ["buy milk"]);
    run(&terminal, "rm documents/letters/todo.txt");
    assert!(run(&terminal, "cat documents/letters/todo.txt")[0].contains("no such file"));
}

#[test]
fn the_shell_shows_the_real_system() {
    let files = vec![
        ("README.md".into(), b"# Weft\n".to_vec()),
        ("docs/apps.md".into(), b"# The core apps\n\nTerminal, Settings, Files, Monitor.\n".to_vec()),
    ];
    let (_system, terminal, guest) = boot(files, None);

    // `ps` lists the real processes.
    let lines = type_line(&terminal, "ps");
    let ps = output_after(&lines, "ps");
    assert!(ps[0].contains("KOID") && ps[0].contains("NAME"), "{ps:#?}");
    for name in ["root", "log", "config", "status", "terminal", "guest"] {
        assert!(ps.iter().any(|line| line.ends_with(&format!(" {name}"))), "ps lists {name}: {ps:#?}");
    }

    // Services with their states, and the files of the boot bundle.
    let svc = output_after(&type_line(&terminal, "svc"), "svc");
    assert!(svc.iter().any(|line| line.starts_with("config") && line.contains("running")), "{svc:#?}");
    let cat = output_after(&type_line(&terminal, "cat docs/apps.md"), "cat docs/apps.md");
    assert_eq!(cat, ["# The core apps", "", "Terminal, Settings, Files, Monitor."]);
    let uname = output_after(&type_line(&terminal, "uname -a"), "uname -a");
    assert!(uname[0].starts_with("Weft "), "{uname:?}");

    // The log, filtered by source.
    let log = output_after(&type_line(&terminal, "log -s root -n 5"), "log -s root -n 5");
    assert!(!log.is_empty() && log.iter().all(|line| line.contains(" root ")), "{log:#?}");

    // Without `manage`, restarting is refused with a clear message.
    let refused = type_line(&guest, "svc restart config");
    let refused = output_after(&refused, "svc restart config");
    assert!(
        refused[0].contains("not allowed to restart config") && refused[0].contains("manage"),
        "{refused:?}"
    );

    // With it (the terminal's manifest grants it), the service restarts.
    let restarted = type_line(&terminal, "svc restart config");
    assert!(output_after(&restarted, "svc restart config")[0].starts_with("restarting config"));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = type_line(&terminal, "svc status config");
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
    type_line(&terminal, "log -f -s root");
    restart(&terminal, "config").expect("the terminal may restart services");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let lines = follow(&terminal);
        let followed = output_after(&lines, "log -f -s root");
        if followed.iter().any(|line| line.contains("config")) {
            break;
        }
        assert!(Instant::now() < deadline, "no followed entries: {followed:#?}");
    }
}
