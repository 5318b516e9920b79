//! The probe: a program inside the service graph that tests and the
//! screenshot tool drive from the host, to inject input, read the log and
//! the process list, change settings, post notifications and read the
//! mesh service's status through the real protocols (with the grants its
//! manifest names, like any program).

use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use weft_config_api::{ConfigProtocol, ConfigRequest, ConfigResponse, Value};
use weft_input_api::{InjectedEvent, InputProtocol, InputRequest, InputResponse, RawEvent};
use weft_ipc::Namespace;
use weft_ipc::program::{ProgramError, run_with};
use weft_log_api::{Filter, LogReaderProtocol, ReaderRequest, ReaderResponse};
use weft_manifest::Manifest;
use weft_mesh_api::{MeshProtocol, MeshRequest, MeshResponse, MeshStatus};
use weft_notify_api::{Notification, NotifyProtocol, NotifyRequest, NotifyResponse};
use weft_status_api::{ProcessInfo, ServiceStatus, StatusProtocol, StatusRequest, StatusResponse};
use weft_storage_api::Dir;

/// The probe's program name.
pub const PROGRAM: &str = "board-probe";

/// The probe's manifest: what it may reach.
pub fn manifest() -> Manifest {
    let text = "name = \"probe\"\nprogram = \"board-probe\"\nrestart = \"never\"\n\
        description = \"Test probe: input injection, log, status, settings, notifications\"\n\
        [[use]]\nprotocol = \"weft.input\"\ngrants = [\"inject\"]\n\
        [[use]]\nprotocol = \"weft.status\"\n\
        [[use]]\nprotocol = \"weft.log.reader\"\n\
        [[use]]\nprotocol = \"weft.config\"\ngrants = [\"write\"]\n\
        [[use]]\nprotocol = \"weft.notifications\"\noptional = true\n\
        [[use]]\nprotocol = \"weft.mesh\"\noptional = true\n\
        [[use]]\nprotocol = \"weft.storage\"\ngrants = [\"dir:documents\"]\noptional = true\n";
    weft_manifest::compile::parse_manifest(text, "probe").expect("the probe manifest parses")
}

/// A request to the probe; each carries where to send the answer.
pub enum Command {
    /// Inject raw input events.
    Inject(Vec<RawEvent>, Sender<Result<(), String>>),
    /// Every process, with handles and mapped bytes.
    Processes(Sender<Result<Vec<ProcessInfo>, String>>),
    /// Every service.
    Services(Sender<Result<Vec<ServiceStatus>, String>>),
    /// Every log record as `(source, message)`.
    Log(Sender<Result<Vec<(String, String)>, String>>),
    /// Set a setting.
    SetConfig(String, Value, Sender<Result<(), String>>),
    /// Post a notification.
    Notify(Notification, Sender<Result<(), String>>),
    /// The mesh service's status (read only: no `control` grant).
    Mesh(Sender<Result<MeshStatus, String>>),
    /// Write a file in the user's documents (its folders are made), synced.
    WriteDocument(String, Vec<u8>, Sender<Result<(), String>>),
}

fn text<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

fn serve(command: Command, clients: &mut Clients) {
    match command {
        Command::Inject(events, reply) => {
            let request = InputRequest::Inject(events.into_iter().map(InjectedEvent::Raw).collect());
            let result = match clients.input.call(&request) {
                Ok(InputResponse::Injected) => Ok(()),
                Ok(other) => Err(format!("{other:?}")),
                Err(error) => Err(text(error)),
            };
            let _ = reply.send(result);
        }
        Command::Processes(reply) => {
            let result = match clients.status.call(&StatusRequest::Processes) {
                Ok(StatusResponse::Processes(list)) => Ok(list),
                Ok(other) => Err(format!("{other:?}")),
                Err(error) => Err(text(error)),
            };
            let _ = reply.send(result);
        }
        Command::Services(reply) => {
            let result = match clients.status.call(&StatusRequest::Services) {
                Ok(StatusResponse::Services(list)) => Ok(list),
                Ok(other) => Err(format!("{other:?}")),
                Err(error) => Err(text(error)),
            };
            let _ = reply.send(result);
        }
        Command::Log(reply) => {
            let mut lines = Vec::new();
            let mut after = 0;
            let result = loop {
                let request = ReaderRequest::Read { after, max: 500, filter: Filter::default() };
                match clients.log.call(&request) {
                    Ok(ReaderResponse::Entries { entries, next, .. }) => {
                        if entries.is_empty() {
                            break Ok(lines);
                        }
                        lines.extend(entries.into_iter().map(|entry| (entry.source, entry.message)));
                        after = next;
                    }
                    Ok(other) => break Err(format!("{other:?}")),
                    Err(error) => break Err(text(error)),
                }
            };
            let _ = reply.send(result);
        }
        Command::SetConfig(key, value, reply) => {
            let result = match clients.config.call(&ConfigRequest::Set { key, value }) {
                Ok(ConfigResponse::Ok) => Ok(()),
                Ok(other) => Err(format!("{other:?}")),
                Err(error) => Err(text(error)),
            };
            let _ = reply.send(result);
        }
        Command::Mesh(reply) => {
            let _ = reply.send(mesh_status(clients));
        }
        Command::WriteDocument(path, bytes, reply) => {
            let result = Dir::connect().map_err(text).and_then(|dir| {
                if let Some((folder, _)) = path.rsplit_once('/') {
                    dir.create_dir_all(folder).map_err(text)?;
                }
                dir.write(&path, &bytes).and_then(|()| dir.sync()).map_err(text)
            });
            let _ = reply.send(result);
        }
        Command::Notify(notification, reply) => {
            let result = match weft_ipc::connect::<NotifyProtocol>() {
                Ok(client) => match client.call(&NotifyRequest::Notify(notification)) {
                    Ok(NotifyResponse::Posted(_)) => {
                        // Keep the connection: closing it would withdraw nothing,
                        // but the app would miss its events.
                        std::mem::forget(client);
                        Ok(())
                    }
                    Ok(other) => Err(format!("{other:?}")),
                    Err(error) => Err(text(error)),
                },
                Err(error) => Err(text(error)),
            };
            let _ = reply.send(result);
        }
    }
}

struct Clients {
    namespace: Namespace,
    input: weft_ipc::Client<InputProtocol>,
    status: weft_ipc::Client<StatusProtocol>,
    log: weft_ipc::Client<LogReaderProtocol>,
    config: weft_ipc::Client<ConfigProtocol>,
    /// Connected on first use: connecting would start the mesh service
    /// (it starts on demand), which only streaming systems want.
    mesh: Option<weft_ipc::Client<MeshProtocol>>,
}

fn mesh_status(clients: &mut Clients) -> Result<MeshStatus, String> {
    if clients.mesh.is_none() {
        clients.mesh = Some(clients.namespace.connect::<MeshProtocol>().map_err(text)?);
    }
    let mesh = clients.mesh.as_ref().ok_or("no mesh connection")?;
    match mesh.call(&MeshRequest::Status) {
        Ok(MeshResponse::Status(status)) => Ok(status),
        Ok(other) => Err(format!("{other:?}")),
        Err(error) => {
            clients.mesh = None;
            Err(text(error))
        }
    }
}

/// The probe program, reading commands from `commands`.
pub fn program(commands: Arc<Mutex<Receiver<Command>>>) -> impl Fn(u32) -> i32 + Send + Sync {
    move |bootstrap| {
        let commands = commands.clone();
        run_with(bootstrap, move |startup| -> Result<(), ProgramError> {
            let namespace = startup.namespace();
            let mut clients = Clients {
                namespace: namespace.clone(),
                mesh: None,
                input: namespace.connect::<InputProtocol>()?,
                status: namespace.connect::<StatusProtocol>()?,
                log: namespace.connect::<LogReaderProtocol>()?,
                config: namespace.connect::<ConfigProtocol>()?,
            };
            weft_rt::info!("probe ready");
            loop {
                let command = commands
                    .lock()
                    .map_err(|_| ProgramError("probe lock".into()))?
                    .recv_timeout(Duration::from_millis(200));
                match command {
                    Ok(command) => serve(command, &mut clients),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        weft_rt::sleep(Duration::from_millis(1))
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
                }
            }
        })
    }
}
