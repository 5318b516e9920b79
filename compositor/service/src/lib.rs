//! weft-compositor-service — the compositor service program.
//!
//! It connects to the display service (`weft.display`) for a framebuffer
//! and to the input service (`weft.input`) for seat events, serves
//! `weft.compositor` to apps, `weft.compositor.shell` to the shell and
//! `weft.compositor.capture` to the mesh service (window pictures with
//! flow control and remote input; only for routes that grant `capture`),
//! and runs the [`weft_compositor::Compositor`] core between them: requests
//! and input go in, events come out, and at most once per refresh period
//! the damaged part of the scene is recomposited, copied into the
//! framebuffer and flushed; then clients get `FrameDone`.
//!
//! A client that sends bytes that do not decode, names ids it does not
//! own, registers a buffer that does not fit its memory, or stops reading
//! its events gets `Event::Error` and is disconnected; its windows vanish
//! and its buffers are unmapped. A client that dies is cleaned up the
//! same way when its channel reports `PEER_CLOSED`. Nobody else notices.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod capture;
mod clients;
mod output;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use weft_compositor::{ClientConfig, ClientId, Compositor, Outgoing, Theme, TitleText};
use weft_compositor_api::capture::{CaptureProtocol, GRANT_CAPTURE};
use weft_compositor_api::shell::{ShellProtocol, ShellRequest};
use weft_compositor_api::{CompositorProtocol, Event, ProtocolError, Request};
use weft_config_api::{ConfigEvent, ConfigProtocol, ConfigRequest, ConfigResponse, Value};
use weft_input_api::{InputProtocol, InputRequest, InputResponse};
use weft_ipc::namespace::ParentEvent;
use weft_ipc::program::ProgramError;
use weft_ipc::{Client, Connection, Protocol, Startup};
use weft_rt::{Deadline, Key, Ready, Signals, WaitSet};
use weft_scene::Renderer;
use weft_theme::{THEME_SETTING, ThemeKind};

use capture::CaptureConnection;
use clients::{Buffers, ClientConnection};
pub use output::{Output, OutputError};

/// The program's entry point.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}

const WATCH: Signals = Signals::READABLE.union(Signals::PEER_CLOSED);

enum Peer {
    Client(ClientId),
    Shell,
    Capture,
}

struct Service {
    core: Compositor,
    renderer: Renderer,
    output: Output,
    waits: WaitSet,
    peers: BTreeMap<Key, Peer>,
    clients: BTreeMap<ClientId, (Key, ClientConnection)>,
    buffers: Buffers,
    shell: Option<(Key, Connection<ShellProtocol>)>,
    capture: Option<(Key, CaptureConnection)>,
    next_client: u32,
    last_frame: u64,
    period: u64,
}

/// The decoration theme: the toolkit's light theme, or its dark one with
/// the argument `theme = "dark"`, until the `appearance.theme` setting
/// says otherwise.
pub fn theme(startup: &Startup) -> Theme {
    decorations(ThemeKind::named(startup.arg("theme")))
}

fn decorations(kind: ThemeKind) -> Theme {
    Theme::from_toolkit(&weft_theme::Theme::builtin(kind))
}

fn setting(value: Option<&Value>) -> ThemeKind {
    ThemeKind::named(value.and_then(Value::as_text))
}

/// The config service, watched for the theme setting, if it is routed
/// here; and the theme it names now.
fn watch_theme(namespace: &weft_ipc::Namespace) -> (Option<Client<ConfigProtocol>>, Option<ThemeKind>) {
    let Ok(config) = namespace.connect::<ConfigProtocol>() else {
        return (None, None);
    };
    let now = match config.call(&ConfigRequest::Get { key: THEME_SETTING.into() }) {
        Ok(ConfigResponse::Value(value)) => Some(setting(value.as_ref())),
        _ => None,
    };
    let _ = config.call(&ConfigRequest::Watch { prefix: THEME_SETTING.into() });
    (Some(config), now)
}

/// Serve until the parent says stop or the output closes.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    let namespace = startup.namespace().clone();
    let display = namespace.connect::<weft_display_api::DisplayProtocol>()?;
    let output = Output::open(display)?;
    let input = match namespace.connect::<InputProtocol>() {
        Ok(input) => match input.call(&InputRequest::Subscribe) {
            Ok(InputResponse::Subscribed) => Some(input),
            other => {
                weft_rt::warn!("input service refused the subscription: {other:?}");
                None
            }
        },
        Err(error) => {
            weft_rt::warn!("running without input: {error}");
            None
        }
    };
    let info = output.info.clone();
    let core = Compositor::new(
        weft_compositor::Output {
            width: info.width,
            height: info.height,
            scale: if info.scale > 0.0 { info.scale } else { 1.0 },
        },
        theme(&startup),
        Box::new(TitleText::new()),
    );
    let mut waits = WaitSet::new()?;
    let parent_key = waits.add(namespace.channel(), WATCH)?;
    let (config, kind) = watch_theme(&namespace);
    let config_key = match &config {
        Some(config) => Some(waits.add(config.channel(), WATCH)?),
        None => None,
    };
    let display_key = waits.add(output.display().channel(), WATCH)?;
    let input_key = match &input {
        Some(input) => Some(waits.add(input.channel(), WATCH)?),
        None => None,
    };
    let period = if info.refresh_millihertz > 0 {
        1_000_000_000_000 / u64::from(info.refresh_millihertz)
    } else {
        16_666_666
    };
    let mut service = Service {
        core,
        renderer: Renderer::new(info.width, info.height),
        output,
        waits,
        peers: BTreeMap::new(),
        clients: BTreeMap::new(),
        buffers: Buffers::default(),
        shell: None,
        capture: None,
        next_client: 1,
        last_frame: 0,
        period,
    };
    if let Some(kind) = kind {
        service.core.set_theme(decorations(kind));
    }
    namespace.ready()?;
    weft_rt::info!("compositor ready on `{}` ({}×{})", info.name, info.width, info.height);
    loop {
        let deadline = if service.core.needs_frame() {
            Deadline::at(service.last_frame.saturating_add(service.period))
        } else {
            Deadline::INFINITE
        };
        let waited = service.waits.wait(deadline);
        service.core.captures_mut().set_clock(weft_rt::now());
        match waited {
            Ok(Ready::Signals { key, .. }) if key == parent_key => {
                if !service.parent(&namespace) {
                    return Ok(());
                }
            }
            Ok(Ready::Signals { key, observed }) if key == display_key => {
                if !service.display_events(observed)? {
                    return Ok(());
                }
            }
            Ok(Ready::Signals { key, observed }) if Some(key) == input_key => {
                if let Some(input) = &input {
                    service.input_events(input, observed);
                }
            }
            Ok(Ready::Signals { key, observed }) if Some(key) == config_key => {
                if let Some(config) = &config {
                    service.config_events(config, key, observed);
                }
            }
            Ok(Ready::Signals { key, observed }) => service.serve(key, observed),
            Ok(Ready::User { .. }) => {}
            Err(weft_rt::Error::TimedOut) => {}
            Err(error) => return Err(error.into()),
        }
        service.deliver();
        let now = weft_rt::now();
        if service.core.needs_frame() && now >= service.last_frame.saturating_add(service.period) {
            service.frame(now)?;
            service.deliver();
        }
    }
}

impl Service {
    /// Follow theme changes from the config service.
    fn config_events(&mut self, config: &Client<ConfigProtocol>, key: Key, observed: Signals) {
        let mut theme = None;
        while let Ok(Some((ConfigEvent::Changed { key, value }, _))) = config.try_event() {
            if key == THEME_SETTING {
                theme = Some(setting(value.as_ref()));
            }
        }
        if let Some(kind) = theme {
            weft_rt::info!("decorations follow the {} theme", kind.name());
            self.core.set_theme(decorations(kind));
        }
        if observed.contains(Signals::PEER_CLOSED) {
            self.waits.remove(key);
        }
    }

    /// Handle the parent's events; false to stop.
    fn parent(&mut self, namespace: &weft_ipc::Namespace) -> bool {
        loop {
            match namespace.try_event() {
                Ok(Some(ParentEvent::Connection { protocol, client, channel })) => {
                    if protocol == CompositorProtocol::NAME {
                        let id = ClientId(self.next_client);
                        self.next_client += 1;
                        let config = ClientConfig {
                            name: client.name.clone(),
                            may_use_layers: client.has(weft_compositor_api::GRANT_LAYER),
                        };
                        let connection = Connection::new(channel, client);
                        let Ok(key) = self.waits.add(connection.channel(), WATCH) else {
                            continue;
                        };
                        weft_rt::info!("client {} connected: {}", id.0, config.name);
                        self.core.add_client(id, config);
                        self.peers.insert(key, Peer::Client(id));
                        self.clients.insert(
                            id,
                            (
                                key,
                                ClientConnection { connection, queue: Default::default(), mapped_bytes: 0 },
                            ),
                        );
                    } else if protocol == ShellProtocol::NAME {
                        if let Some((old, _)) = self.shell.take() {
                            self.waits.remove(old);
                            self.peers.remove(&old);
                            self.core.shell_disconnected();
                        }
                        let connection = Connection::new(channel, client);
                        if let Ok(key) = self.waits.add(connection.channel(), WATCH) {
                            self.peers.insert(key, Peer::Shell);
                            self.shell = Some((key, connection));
                        }
                    } else if protocol == CaptureProtocol::NAME {
                        // Only a route that grants `capture` may see windows;
                        // anyone else's channel is closed at once.
                        if !client.has(GRANT_CAPTURE) {
                            weft_rt::warn!("refusing capture for {}: no `capture` grant", client.name);
                            continue;
                        }
                        self.drop_capture();
                        weft_rt::info!("capture consumer connected: {}", client.name);
                        let connection = CaptureConnection::new(Connection::new(channel, client));
                        if let Ok(key) = self.waits.add(connection.channel(), WATCH) {
                            self.peers.insert(key, Peer::Capture);
                            self.capture = Some((key, connection));
                        }
                    }
                }
                Ok(Some(ParentEvent::Stop)) => return false,
                Ok(None) => return true,
                Err(error) => return !error.is_peer_closed(),
            }
        }
    }

    /// Output changes from the display service; false if it closed.
    fn display_events(&mut self, observed: Signals) -> Result<bool, ProgramError> {
        loop {
            match self.output.display().try_event() {
                Ok(Some((weft_display_api::DisplayEvent::OutputChanged(info), _))) if info.id == 0 => {
                    self.output.refresh()?;
                    self.resize();
                }
                Ok(Some((weft_display_api::DisplayEvent::OutputClosed { output: 0 }, _))) => {
                    return Ok(false);
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(error) if error.is_peer_closed() => return Ok(false),
                Err(_) => break,
            }
        }
        Ok(observed.contains(Signals::READABLE) || !observed.contains(Signals::PEER_CLOSED))
    }

    fn resize(&mut self) {
        let info = &self.output.info;
        self.renderer.resize(info.width, info.height);
        self.core.set_output(weft_compositor::Output {
            width: info.width,
            height: info.height,
            scale: if info.scale > 0.0 { info.scale } else { 1.0 },
        });
    }

    fn input_events(&mut self, input: &Client<InputProtocol>, _observed: Signals) {
        let now = weft_rt::now();
        while let Ok(Some((report, _))) = input.try_event() {
            for event in report.events {
                self.core.handle_seat_event(event, now);
            }
        }
    }

    fn serve(&mut self, key: Key, observed: Signals) {
        match self.peers.get(&key) {
            Some(Peer::Client(id)) => {
                let id = *id;
                if let Err(reason) = self.serve_client(id) {
                    self.disconnect(id, Some(reason));
                } else if observed.contains(Signals::PEER_CLOSED) && !observed.contains(Signals::READABLE) {
                    self.disconnect(id, None);
                }
            }
            Some(Peer::Shell) => self.serve_shell(observed),
            Some(Peer::Capture) => {
                let closed = observed.contains(Signals::PEER_CLOSED) && !observed.contains(Signals::READABLE);
                let served = match &mut self.capture {
                    Some((_, capture)) => capture.serve(&mut self.core).is_ok(),
                    None => true,
                };
                if closed || !served {
                    self.drop_capture();
                }
            }
            None => {}
        }
    }

    fn serve_client(&mut self, id: ClientId) -> Result<(), ProtocolError> {
        for _ in 0..256 {
            let Some((_, client)) = self.clients.get_mut(&id) else {
                return Ok(());
            };
            let incoming = match client.connection.try_next() {
                Ok(Some(incoming)) => incoming,
                Ok(None) => return Ok(()),
                Err(error) if error.is_peer_closed() => return Ok(()),
                Err(_) => return Err(ProtocolError::Malformed),
            };
            let txid = incoming.txid;
            if let Some((buffer, layout)) = clients::buffer_registration(&incoming.request) {
                self.buffers.map(id, client, buffer, &layout, incoming.handles)?;
            } else if !incoming.handles.is_empty() {
                return Err(ProtocolError::Malformed);
            }
            let unregister = match &incoming.request {
                Request::UnregisterBuffer { buffer } => Some(*buffer),
                _ => None,
            };
            let sync = matches!(incoming.request, Request::Sync);
            self.core.handle_request(id, incoming.request)?;
            if let Some(buffer) = unregister {
                let client = self.clients.get_mut(&id).map(|(_, c)| c);
                self.buffers.unmap(id, client, buffer);
            }
            if sync {
                // Deliver what the requests produced before answering.
                self.deliver();
                if let Some((_, client)) = self.clients.get(&id) {
                    client.synced(txid);
                }
            }
        }
        Ok(())
    }

    fn serve_shell(&mut self, observed: Signals) {
        let Some((key, shell)) = &self.shell else {
            return;
        };
        let key = *key;
        loop {
            match shell.try_next() {
                Ok(Some(incoming)) => {
                    let subscribe = matches!(incoming.request, ShellRequest::Subscribe);
                    if let Some(response) = self.core.handle_shell_request(incoming.request)
                        && incoming.txid != 0
                    {
                        let _ = shell.reply(incoming.txid, &response);
                    }
                    let _ = subscribe;
                }
                Ok(None) => break,
                Err(_) => {
                    self.drop_shell(key);
                    return;
                }
            }
        }
        if observed.contains(Signals::PEER_CLOSED) && !observed.contains(Signals::READABLE) {
            self.drop_shell(key);
        }
    }

    fn drop_capture(&mut self) {
        if let Some((key, _)) = self.capture.take() {
            self.waits.remove(key);
            self.peers.remove(&key);
            self.core.captures_mut().disconnected();
            weft_rt::info!("capture consumer disconnected");
        }
    }

    fn drop_shell(&mut self, key: Key) {
        self.waits.remove(key);
        self.peers.remove(&key);
        self.shell = None;
        self.core.shell_disconnected();
    }

    fn disconnect(&mut self, id: ClientId, reason: Option<ProtocolError>) {
        if let Some(reason) = &reason {
            weft_rt::warn!("disconnecting client {}: {reason}", id.0);
        }
        if let Some((key, client)) = self.clients.remove(&id) {
            if let Some(reason) = reason {
                let _ = client.connection.emit(&Event::Error(reason));
            }
            self.waits.remove(key);
            self.peers.remove(&key);
        }
        self.core.remove_client(id);
        self.buffers.forget(id);
    }

    /// Hand the core's events to their clients and the shell.
    fn deliver(&mut self) {
        let mut broken = alloc::vec::Vec::new();
        let mut capture_broken = false;
        for outgoing in self.core.take_outgoing() {
            match outgoing {
                Outgoing::Client(id, event) => {
                    if let Some((_, client)) = self.clients.get_mut(&id)
                        && let Err(reason) = client.push(event)
                    {
                        broken.push((id, Some(reason)));
                    }
                }
                Outgoing::Shell(event) => {
                    if let Some((_, shell)) = &self.shell {
                        let _ = shell.emit(&event);
                    }
                }
                Outgoing::Capture(event) => {
                    if let Some((_, capture)) = &mut self.capture
                        && capture.event(event).is_err()
                    {
                        capture_broken = true;
                    }
                }
            }
        }
        if let Some((_, capture)) = &mut self.capture
            && (capture.pump(&mut self.core, &self.buffers).is_err() || capture.flush().is_err())
        {
            capture_broken = true;
        }
        if capture_broken {
            self.drop_capture();
        }
        for (id, (_, client)) in self.clients.iter_mut() {
            if let Err(error) = client.flush() {
                if !error.is_peer_closed() {
                    broken.push((*id, Some(ProtocolError::Unresponsive)));
                } else {
                    broken.push((*id, None));
                }
            }
        }
        for (id, reason) in broken {
            self.disconnect(id, reason);
        }
    }

    fn frame(&mut self, now: u64) -> Result<(), ProgramError> {
        self.last_frame = now;
        let frame = self.core.render(&mut self.renderer, &self.buffers);
        if let Err(error) = self.output.present(&self.renderer, &frame.damage) {
            // The output changed under us: take the new framebuffer and
            // repaint everything next frame.
            weft_rt::warn!("flush failed ({error}); reopening the framebuffer");
            self.output.refresh()?;
            self.resize();
        }
        self.core.frame_done(weft_rt::now());
        Ok(())
    }
}
