//! weft-input — the input service.
//!
//! Drivers (virtio-input, the PinePhone's touch panel, the hosted window)
//! connect over `weft.input.device`, register a device and report raw
//! events. The service merges every device into one seat, applies the US
//! keymap and key repeat ([`seat::Seat`]), and delivers batches of seat
//! events to every subscriber of `weft.input` (the compositor). A
//! subscriber whose route carries the `inject` grant may also inject
//! events (remote input from the mesh service, tests).
//!
//! A driver or subscriber that sends garbage is dropped; nothing else is
//! affected. A subscriber that does not keep up loses reports rather than
//! stalling the seat.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod seat;

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use weft_input_api::{
    DeviceRequest, DeviceResponse, InjectedEvent, InputDeviceProtocol, InputProtocol, InputReport,
    InputRequest, InputResponse, RawEvent, SeatEvent,
};
use weft_ipc::namespace::ParentEvent;
use weft_ipc::program::ProgramError;
use weft_ipc::{Connection, Startup};
use weft_rt::{Deadline, Key, Ready, Signals, Timer, WaitSet};

/// The grant a `weft.input` route needs to inject events.
pub const GRANT_INJECT: &str = "inject";

enum Peer {
    Device(Connection<InputDeviceProtocol>),
    Subscriber { connection: Connection<InputProtocol>, subscribed: bool },
}

struct Service {
    waits: WaitSet,
    peers: BTreeMap<Key, Peer>,
    seat: seat::Seat,
    timer: Timer,
    timer_key: Key,
}

/// The program's entry point (hosted runner and bare-metal `_start`).
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}

/// Serve until the parent says stop.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    let namespace = startup.namespace().clone();
    let mut waits = WaitSet::new()?;
    let parent_key = waits.add(namespace.channel(), Signals::READABLE | Signals::PEER_CLOSED)?;
    let timer = Timer::create()?;
    let timer_key = waits.add(&timer, Signals::SIGNALED)?;
    let mut service = Service { waits, peers: BTreeMap::new(), seat: seat::Seat::new(), timer, timer_key };
    namespace.ready()?;
    weft_rt::info!("input service ready");
    loop {
        let ready = service.waits.wait(Deadline::INFINITE)?;
        let Ready::Signals { key, observed } = ready else {
            continue;
        };
        if key == parent_key {
            loop {
                match namespace.try_event() {
                    Ok(Some(ParentEvent::Connection { protocol, client, channel })) => {
                        let peer = match protocol.as_str() {
                            "weft.input.device" => Peer::Device(Connection::new(channel, client)),
                            "weft.input" => Peer::Subscriber {
                                connection: Connection::new(channel, client),
                                subscribed: false,
                            },
                            _ => continue,
                        };
                        service.add(peer)?;
                    }
                    Ok(Some(ParentEvent::Stop)) => return Ok(()),
                    Ok(None) => break,
                    Err(error) if error.is_peer_closed() => return Ok(()),
                    Err(error) => {
                        weft_rt::warn!("namespace: {error}");
                        break;
                    }
                }
            }
        } else if key == service.timer_key {
            let _ = service.timer.cancel();
            let now = weft_rt::now();
            let events = service.seat.repeats(now);
            service.deliver(events);
            service.arm_timer();
        } else {
            service.serve(key, observed);
        }
    }
}

impl Service {
    fn add(&mut self, peer: Peer) -> Result<(), weft_rt::Error> {
        let channel = match &peer {
            Peer::Device(c) => c.channel(),
            Peer::Subscriber { connection, .. } => connection.channel(),
        };
        let key = self.waits.add(channel, Signals::READABLE | Signals::PEER_CLOSED)?;
        self.peers.insert(key, peer);
        Ok(())
    }

    fn drop_peer(&mut self, key: Key) {
        self.waits.remove(key);
        self.peers.remove(&key);
    }

    fn serve(&mut self, key: Key, observed: Signals) {
        let mut pending: Vec<SeatEvent> = Vec::new();
        let mut keep = true;
        let now = weft_rt::now();
        match self.peers.get_mut(&key) {
            Some(Peer::Device(connection)) => loop {
                match connection.try_next() {
                    Ok(Some(incoming)) => match incoming.request {
                        DeviceRequest::Register { name, kind } => {
                            weft_rt::info!("device `{name}` ({kind:?}) from {}", connection.client.name);
                            if incoming.txid != 0 {
                                let _ = connection.reply(incoming.txid, &DeviceResponse::Registered);
                            }
                        }
                        DeviceRequest::Report(events) => {
                            pending.extend(self.seat.feed(&events, now));
                        }
                    },
                    Ok(None) => break,
                    Err(_) => {
                        keep = false;
                        break;
                    }
                }
            },
            Some(Peer::Subscriber { connection, subscribed }) => loop {
                match connection.try_next() {
                    Ok(Some(incoming)) => {
                        let response = match incoming.request {
                            InputRequest::Subscribe => {
                                *subscribed = true;
                                InputResponse::Subscribed
                            }
                            InputRequest::Inject(events) if connection.client.has(GRANT_INJECT) => {
                                let raw: Vec<RawEvent> =
                                    events.into_iter().map(|InjectedEvent::Raw(raw)| raw).collect();
                                pending.extend(self.seat.feed(&raw, now));
                                InputResponse::Injected
                            }
                            InputRequest::Inject(_) => InputResponse::Denied,
                        };
                        if incoming.txid != 0 {
                            let _ = connection.reply(incoming.txid, &response);
                        }
                    }
                    Ok(None) => break,
                    Err(_) => {
                        keep = false;
                        break;
                    }
                }
            },
            None => return,
        }
        if !keep || (observed.contains(Signals::PEER_CLOSED) && !observed.contains(Signals::READABLE)) {
            self.drop_peer(key);
        }
        self.deliver(pending);
        self.arm_timer();
    }

    fn deliver(&mut self, events: Vec<SeatEvent>) {
        if events.is_empty() {
            return;
        }
        let report = InputReport { time: weft_rt::now(), events };
        let mut gone = Vec::new();
        for (key, peer) in &self.peers {
            if let Peer::Subscriber { connection, subscribed: true } = peer {
                match connection.emit(&report) {
                    Ok(()) => {}
                    Err(error) if error.is_peer_closed() => gone.push(*key),
                    // Not keeping up: this report is lost to it.
                    Err(_) => {}
                }
            }
        }
        for key in gone {
            self.drop_peer(key);
        }
    }

    fn arm_timer(&mut self) {
        match self.seat.next_repeat() {
            Some(at) => {
                let _ = self.timer.set(Deadline::at(at));
            }
            None => {
                let _ = self.timer.cancel();
            }
        }
    }
}
