//! The real root manager booting a small service graph in hosted mode.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use weft_board_hosted::{BootOptions, System, bundle_for};
use weft_ipc::program::{ProgramError, run_with};
use weft_ipc::{Clients, ConnectError, LoopEvent, Protocol, ServiceLoop};
use weft_kernel_hosted::Hosted;
use weft_log_api::{Filter, LogReaderProtocol, ReaderRequest, ReaderResponse};
use weft_manifest::compile::parse_manifest;
use weft_rt::Deadline;
use weft_status_api::{ServiceState, StatusProtocol, StatusRequest, StatusResponse};

/// A tiny protocol for the test services.
enum EchoProtocol {}

#[derive(Serialize, Deserialize)]
struct Text(String);

impl Protocol for EchoProtocol {
    const NAME: &'static str = "test.echo";
    const VERSION: u16 = 1;
    type Request = Text;
    type Response = Text;
    type Event = ();
}

fn echo_service(bootstrap: u32) -> i32 {
    run_with(bootstrap, |startup| {
        let mut service = ServiceLoop::new(&startup)?;
        let mut clients: Clients<EchoProtocol> = Clients::new();
        service.ready()?;
        weft_rt::info!("echo ready");
        loop {
            match service.next(Deadline::INFINITE)? {
                LoopEvent::Connection { channel, client, .. } => {
                    clients.add(&mut service.waitset, channel, client)?;
                }
                LoopEvent::Signals { key, observed } if clients.owns(key) => {
                    clients.serve(&mut service.waitset, key, observed, |_, incoming| {
                        let Text(text) = incoming.request;
                        if text == "crash" {
                            panic!("asked to crash");
                        }
                        Some((Text(format!("echo: {text}")), Vec::new()))
                    });
                }
                LoopEvent::Stop => return Ok(()),
                _ => {}
            }
        }
    })
}

/// Calls the echo service every few milliseconds forever, reconnecting
/// when the service restarts, and counts answers.
fn client_service(bootstrap: u32) -> i32 {
    run_with(bootstrap, |startup| {
        let mut echo = startup.namespace().connect::<EchoProtocol>()?;
        let mut answered = 0u64;
        loop {
            match echo.call_until(&Text(format!("ping {answered}")), Deadline::after(Duration::from_secs(2)))
            {
                Ok(Text(reply)) => {
                    answered += 1;
                    if answered % 20 == 1 {
                        weft_rt::info!("client got {reply}");
                    }
                    ANSWERS.lock().unwrap().push(reply);
                }
                Err(error) => {
                    weft_rt::warn!("echo call failed ({error}); reconnecting");
                    echo = startup.namespace().connect::<EchoProtocol>()?;
                }
            }
            weft_rt::sleep(Duration::from_millis(5));
        }
    })
}

static ANSWERS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Tries to reach the echo service without a route.
fn isolated_service(bootstrap: u32) -> i32 {
    run_with(bootstrap, |startup| {
        match startup.namespace().connect::<EchoProtocol>() {
            Err(ConnectError::NotRouted { protocol }) => {
                weft_rt::info!("isolated: refused, `{protocol}` is not routed");
                ISOLATED.lock().unwrap().push(format!("not routed: {protocol}"));
            }
            Ok(_) => ISOLATED.lock().unwrap().push("connected!".into()),
            Err(other) => ISOLATED.lock().unwrap().push(format!("other: {other}")),
        }
        Ok(())
    })
}

static ISOLATED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// An app: starts only when launched, then idles.
fn lazy_app(bootstrap: u32) -> i32 {
    run_with(bootstrap, |_startup| {
        weft_rt::info!("lazy app started");
        loop {
            weft_rt::sleep(Duration::from_secs(3600));
        }
    })
}

/// Commands the test sends the probe, which runs inside the graph.
enum Command {
    Apps(Sender<Vec<weft_root_api::AppEntry>>),
    Launch(String, Sender<weft_root_api::RootResponse>),
    Services(Sender<Vec<weft_status_api::ServiceStatus>>),
    LogSources(Sender<Vec<String>>),
    Echo(String, Sender<Result<String, String>>),
}

fn probe(commands: Arc<Mutex<Receiver<Command>>>) -> impl Fn(u32) -> i32 + Send + Sync {
    move |bootstrap| {
        let commands = commands.clone();
        run_with(bootstrap, move |startup| -> Result<(), ProgramError> {
            let status = startup.namespace().connect::<StatusProtocol>()?;
            let log = startup.namespace().connect::<LogReaderProtocol>()?;
            let mut echo = startup.namespace().connect::<EchoProtocol>()?;
            let root = startup.namespace().connect::<weft_root_api::RootProtocol>()?;
            loop {
                let command = commands.lock().unwrap().recv();
                match command {
                    Ok(Command::Apps(reply)) => {
                        if let weft_root_api::RootResponse::Apps(list) =
                            root.call(&weft_root_api::RootRequest::Apps)?
                        {
                            let _ = reply.send(list);
                        }
                    }
                    Ok(Command::Launch(name, reply)) => {
                        let _ = reply.send(root.call(&weft_root_api::RootRequest::Launch { name })?);
                    }
                    Ok(Command::Services(reply)) => {
                        if let StatusResponse::Services(list) = status.call(&StatusRequest::Services)? {
                            let _ = reply.send(list);
                        }
                    }
                    Ok(Command::LogSources(reply)) => {
                        let mut sources = Vec::new();
                        let mut after = 0;
                        loop {
                            let request = ReaderRequest::Read { after, max: 500, filter: Filter::default() };
                            let ReaderResponse::Entries { entries, next, .. } = log.call(&request)? else {
                                break;
                            };
                            if entries.is_empty() {
                                break;
                            }
                            sources.extend(entries.into_iter().map(|e| e.source));
                            after = next;
                        }
                        sources.sort();
                        sources.dedup();
                        let _ = reply.send(sources);
                    }
                    Ok(Command::Echo(text, reply)) => {
                        // After a restart the old connection is closed:
                        // reconnect, as every client of a restartable
                        // service does.
                        if echo.is_closed() {
                            echo = startup.namespace().connect::<EchoProtocol>()?;
                        }
                        let result = echo.call_until(&Text(text), Deadline::after(Duration::from_secs(2)));
                        let _ = reply.send(result.map(|Text(t)| t).map_err(|e| e.to_string()));
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
    let inline = |text: &str| parse_manifest(text, "test").unwrap();
    vec![
        // Listed out of order on purpose: the root manager sorts them.
        inline("name = \"client\"\nprogram = \"test-client\"\n[[use]]\nprotocol = \"test.echo\""),
        inline("name = \"isolated\"\nprogram = \"test-isolated\"\nrestart = \"never\""),
        inline(
            "name = \"probe\"\nprogram = \"test-probe\"\n[[use]]\nprotocol = \"weft.status\"\n\
             [[use]]\nprotocol = \"weft.log.reader\"\n[[use]]\nprotocol = \"test.echo\"\n\
             [[use]]\nprotocol = \"weft.root\"\ngrants = [\"launch\"]",
        ),
        inline(
            "name = \"lazy\"\nprogram = \"test-lazy\"\nstart = \"on-demand\"\nrestart = \"never\"\n\
             [app]\ntitle = \"Lazy\"\nicon = \"terminal\"\ncategory = \"Test\"",
        ),
        inline("name = \"echo\"\nprogram = \"test-echo\"\nexposes = [\"test.echo\"]\nafter = [\"config\"]"),
        read("services/log/manifest.toml"),
        read("services/config/manifest.toml"),
        read("services/status/manifest.toml"),
    ]
}

fn ask<T>(commands: &Sender<Command>, make: impl FnOnce(Sender<T>) -> Command) -> T {
    let (reply, answer) = channel();
    commands.send(make(reply)).unwrap();
    answer.recv_timeout(Duration::from_secs(10)).expect("the probe answers")
}

#[test]
fn the_root_manager_runs_a_service_graph() {
    let hosted = Hosted::new();
    hosted.register_program("test-echo", echo_service);
    hosted.register_program("test-client", client_service);
    hosted.register_program("test-isolated", isolated_service);
    hosted.register_program("test-lazy", lazy_app);
    let (commands, receiver) = channel();
    hosted.register_closure("test-probe", Arc::new(probe(Arc::new(Mutex::new(receiver)))));
    let options = BootOptions { bundle: bundle_for("test", manifests()), echo: false, devices: Vec::new() };
    let system = System::boot_on(hosted, options).unwrap();
    assert!(
        system.wait_for_log("started probe", Duration::from_secs(10)),
        "{:#?}",
        system.hosted.debug_log().lines()
    );

    // Dependency order: log first, echo after config (its `after`), the
    // client only once echo serves.
    let lines = system.hosted.debug_log().lines();
    let position = |needle: &str| {
        lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}`"))
    };
    assert!(position("started log ") < position("started config "));
    assert!(position("started config ") < position("started echo "));
    assert!(position("echo is serving test.echo") < position("started client "));

    // A service with no route to echo cannot reach it.
    assert!(wait_until(|| !ISOLATED.lock().unwrap().is_empty()));
    assert_eq!(ISOLATED.lock().unwrap()[0], "not routed: test.echo");

    // The client is being served.
    assert!(wait_until(|| ANSWERS.lock().unwrap().len() > 5));

    // Make echo panic: it is torn down and restarted; the client keeps
    // getting answers and the rest of the graph keeps serving.
    let crashed = ask(&commands, |reply| Command::Echo("crash".into(), reply));
    assert!(crashed.is_err(), "{crashed:?}");
    assert!(system.wait_for_log("process echo faulted: panicked: asked to crash", Duration::from_secs(5)));
    let restarted = wait_until(|| {
        let services = ask(&commands, Command::Services);
        services.iter().any(|s| s.name == "echo" && s.restarts >= 1 && s.state == ServiceState::Running)
    });
    assert!(restarted, "echo was not restarted");
    let before = ANSWERS.lock().unwrap().len();
    assert!(
        wait_until(|| ANSWERS.lock().unwrap().len() > before + 5),
        "the client was not served after the restart"
    );
    assert_eq!(ask(&commands, |reply| Command::Echo("hello".into(), reply)), Ok("echo: hello".into()));
    let services = ask(&commands, Command::Services);
    for name in ["log", "config", "status", "client", "probe"] {
        let service = services.iter().find(|s| s.name == name).unwrap();
        assert_eq!(service.state, ServiceState::Running, "{name}");
        assert_eq!(service.restarts, 0, "{name}");
    }

    // Apps start only when launched.
    let apps = ask(&commands, Command::Apps);
    let lazy = apps.iter().find(|a| a.name == "lazy").expect("the app is listed");
    assert_eq!((lazy.title.as_str(), lazy.running), ("Lazy", false));
    assert!(!system.hosted.debug_log().contains("started lazy "));
    assert_eq!(
        ask(&commands, |reply| Command::Launch("lazy".into(), reply)),
        weft_root_api::RootResponse::Ok
    );
    assert!(system.wait_for_log("started lazy ", Duration::from_secs(5)));
    assert!(wait_until(|| ask(&commands, Command::Apps).iter().any(|a| a.name == "lazy" && a.running)));
    // Services are not apps: launching one is refused.
    assert!(matches!(
        ask(&commands, |reply| Command::Launch("log".into(), reply)),
        weft_root_api::RootResponse::Error(weft_root_api::RootError::BadState(_))
    ));

    // The log service holds records from every program that logged.
    // (A program's records reach the log service a moment after it logs.)
    let names = ["root", "log", "echo", "client", "isolated", "lazy"];
    let all_there = |sources: &[String]| names.iter().all(|name| sources.contains(&name.to_string()));
    assert!(wait_until(|| all_there(&ask(&commands, Command::LogSources))));
    let sources = ask(&commands, Command::LogSources);
    for name in names {
        assert!(sources.contains(&name.to_string()), "no records from {name}: {sources:?}");
    }
}

fn wait_until(mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..400 {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}
