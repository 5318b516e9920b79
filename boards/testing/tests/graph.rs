//! The real root manager booting a small service graph in hosted mode.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use weft_ipc::program::run_with;
use weft_ipc::{Client, ConnectError, Namespace, Protocol};
use weft_kernel_hosted::Hosted;
use weft_log_api::{Filter, LogReaderProtocol, ReaderRequest, ReaderResponse};
use weft_manifest::compile::parse_manifest;
use weft_root_api::{AppEntry, RootError, RootProtocol, RootRequest, RootResponse};
use weft_rt::Deadline;
use weft_status_api::{ServiceState, ServiceStatus, StatusProtocol, StatusRequest, StatusResponse};
use weft_testing::{BootOptions, Probe, System, bundle_for, manifest};

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
        weft_rt::info!("echo ready");
        weft_ipc::serve::<EchoProtocol>(&startup, |_, incoming| {
            let Text(text) = incoming.request;
            if text == "crash" {
                panic!("asked to crash");
            }
            Some((Text(format!("echo: {text}")), Vec::new()))
        })?;
        Ok(())
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

/// What the probe inside the graph holds: clients of the services it uses.
struct Clients {
    namespace: Namespace,
    status: Client<StatusProtocol>,
    log: Client<LogReaderProtocol>,
    echo: Client<EchoProtocol>,
    root: Client<RootProtocol>,
}

fn probe() -> (Probe<Clients>, weft_kernel_hosted::ProgramClosure) {
    Probe::new(|startup| {
        let namespace = startup.namespace().clone();
        Ok(Clients {
            status: namespace.connect::<StatusProtocol>()?,
            log: namespace.connect::<LogReaderProtocol>()?,
            echo: namespace.connect::<EchoProtocol>()?,
            root: namespace.connect::<RootProtocol>()?,
            namespace,
        })
    })
}

fn app_list(probe: &Probe<Clients>) -> Vec<AppEntry> {
    probe.run(|clients| match clients.root.call(&RootRequest::Apps) {
        Ok(RootResponse::Apps(list)) => list,
        other => panic!("apps: {other:?}"),
    })
}

fn launch(probe: &Probe<Clients>, name: &str) -> RootResponse {
    let name = name.to_string();
    probe.run(move |clients| {
        clients.root.call(&RootRequest::Launch { name }).expect("the root manager answers")
    })
}

fn services(probe: &Probe<Clients>) -> Vec<ServiceStatus> {
    probe.run(|clients| match clients.status.call(&StatusRequest::Services) {
        Ok(StatusResponse::Services(list)) => list,
        other => panic!("services: {other:?}"),
    })
}

fn log_sources(probe: &Probe<Clients>) -> Vec<String> {
    probe.run(|clients| {
        let mut sources = Vec::new();
        let mut after = 0;
        loop {
            let request = ReaderRequest::Read { after, max: 500, filter: Filter::default() };
            let Ok(ReaderResponse::Entries { entries, next, .. }) = clients.log.call(&request) else {
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
        sources
    })
}

fn echo(probe: &Probe<Clients>, text: &str) -> Result<String, String> {
    let text = text.to_string();
    probe.run(move |clients| {
        // After a restart the old connection is closed: reconnect, as
        // every client of a restartable service does.
        if clients.echo.is_closed() {
            clients.echo = clients.namespace.connect::<EchoProtocol>().map_err(|e| e.to_string())?;
        }
        let result = clients.echo.call_until(&Text(text), Deadline::after(Duration::from_secs(2)));
        result.map(|Text(t)| t).map_err(|e| e.to_string())
    })
}

fn manifests() -> Vec<weft_manifest::Manifest> {
    let read = manifest;
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
        read("services/log"),
        read("services/config"),
        read("services/status"),
    ]
}

#[test]
fn the_root_manager_runs_a_service_graph() {
    let hosted = Hosted::new();
    hosted.register_program("test-echo", echo_service);
    hosted.register_program("test-client", client_service);
    hosted.register_program("test-isolated", isolated_service);
    hosted.register_program("test-lazy", lazy_app);
    let (commands, program) = probe();
    hosted.register_closure("test-probe", program);
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
    let crashed = echo(&commands, "crash");
    assert!(crashed.is_err(), "{crashed:?}");
    assert!(system.wait_for_log("process echo faulted: panicked: asked to crash", Duration::from_secs(5)));
    let restarted = wait_until(|| {
        let services = services(&commands);
        services.iter().any(|s| s.name == "echo" && s.restarts >= 1 && s.state == ServiceState::Running)
    });
    assert!(restarted, "echo was not restarted");
    let before = ANSWERS.lock().unwrap().len();
    assert!(
        wait_until(|| ANSWERS.lock().unwrap().len() > before + 5),
        "the client was not served after the restart"
    );
    assert_eq!(echo(&commands, "hello"), Ok("echo: hello".into()));
    let services = services(&commands);
    for name in ["log", "config", "status", "client", "probe"] {
        let service = services.iter().find(|s| s.name == name).unwrap();
        assert_eq!(service.state, ServiceState::Running, "{name}");
        assert_eq!(service.restarts, 0, "{name}");
    }

    // Apps start only when launched.
    let apps = app_list(&commands);
    let lazy = apps.iter().find(|a| a.name == "lazy").expect("the app is listed");
    assert_eq!((lazy.title.as_str(), lazy.running), ("Lazy", false));
    assert!(!system.hosted.debug_log().contains("started lazy "));
    assert_eq!(launch(&commands, "lazy"), RootResponse::Ok);
    assert!(system.wait_for_log("started lazy ", Duration::from_secs(5)));
    assert!(wait_until(|| app_list(&commands).iter().any(|a| a.name == "lazy" && a.running)));
    // Services are not apps: launching one is refused.
    assert!(matches!(launch(&commands, "log"), RootResponse::Error(RootError::BadState(_))));

    // The log service holds records from every program that logged.
    // (A program's records reach the log service a moment after it logs.)
    let names = ["root", "log", "echo", "client", "isolated", "lazy"];
    let all_there = |sources: &[String]| names.iter().all(|name| sources.contains(&name.to_string()));
    assert!(wait_until(|| all_there(&log_sources(&commands))));
    let sources = log_sources(&commands);
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
