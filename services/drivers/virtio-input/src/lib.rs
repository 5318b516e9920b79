//! weft-virtio-input — the input driver for virtio-input devices.
//!
//! One service drives every virtio-input device the board has (its
//! manifest asks for `mmio:virtio-input-*` and `irq:virtio-input-*`). For
//! each it reads the device's name and event bits to tell a keyboard, a
//! tablet, a mouse and a multitouch panel apart, registers it with the
//! input service over `weft.input.device`, and turns the device's evdev
//! events into one `Report` per `SYN_REPORT`. It waits on the devices'
//! interrupts; nothing is polled.
//!
//! With `trace = "true"` in its manifest arguments it also logs every
//! report (end-to-end tests watch for these lines).
#![no_std]

extern crate alloc;

pub mod translate;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use weft_input_api::{DeviceKind, DeviceRequest, DeviceResponse, InputDeviceProtocol};
use weft_ipc::program::ProgramError;
use weft_ipc::{Client, ConnectError, LoopEvent, ServiceLoop, Startup};
use weft_rt::{Deadline, Key, Signals};
use weft_virtio::virtio_drivers::device::input::VirtIOInput;
use weft_virtio::virtio_drivers::transport::mmio::MmioTransport;
use weft_virtio::{Device, WeftHal};

use translate::{ABS_MT_SLOT, EV_ABS, EV_REL, Range, Translator};

type Input = VirtIOInput<WeftHal, MmioTransport<'static>>;

struct Driven {
    name: String,
    input: Input,
    interrupt: weft_rt::Interrupt,
    translator: Translator,
    client: Option<Client<InputDeviceProtocol>>,
    key: Key,
}

fn has_bit(bits: &[u8], bit: u16) -> bool {
    bits.get(usize::from(bit / 8)).is_some_and(|byte| byte & (1 << (bit % 8)) != 0)
}

fn axis(input: &mut Input, code: u8) -> Range {
    input
        .abs_info(code)
        .map(|info| Range { min: info.min as i32, max: info.max as i32 })
        .unwrap_or(Range { min: 0, max: 32767 })
}

fn classify(input: &mut Input) -> (DeviceKind, Range, Range) {
    let absolute = input.ev_bits(EV_ABS as u8).unwrap_or_default();
    let relative = input.ev_bits(EV_REL as u8).unwrap_or_default();
    if has_bit(&absolute, ABS_MT_SLOT) {
        (DeviceKind::Touchscreen, axis(input, 0x35), axis(input, 0x36))
    } else if !absolute.iter().all(|b| *b == 0) {
        (DeviceKind::Tablet, axis(input, 0), axis(input, 1))
    } else if !relative.iter().all(|b| *b == 0) {
        let range = Range { min: 0, max: 1 };
        (DeviceKind::Mouse, range, range)
    } else {
        let range = Range { min: 0, max: 1 };
        (DeviceKind::Keyboard, range, range)
    }
}

fn open(startup: &mut Startup, name: &str) -> Result<(Input, weft_rt::Interrupt), ProgramError> {
    let device = Device::open(startup, name)?;
    let Device { transport, interrupt, .. } = device;
    let input = VirtIOInput::new(transport).map_err(|e| ProgramError(format!("{name}: {e:?}")))?;
    Ok((input, interrupt))
}

fn register(startup: &Startup, name: &str, kind: DeviceKind) -> Option<Client<InputDeviceProtocol>> {
    match startup.namespace().connect::<InputDeviceProtocol>() {
        Ok(client) => {
            let request = DeviceRequest::Register { name: String::from(name), kind };
            match client.call(&request) {
                Ok(DeviceResponse::Registered) => Some(client),
                Err(error) => {
                    weft_rt::warn!("{name}: the input service refused it: {error}");
                    None
                }
            }
        }
        Err(ConnectError::NotRouted { .. }) => None,
        Err(error) => {
            weft_rt::warn!("{name}: no input service: {error}");
            None
        }
    }
}

/// The service's `main`.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let trace = startup.arg("trace") == Some("true");
    let names: Vec<String> =
        startup.handle_names().filter_map(|n| n.strip_prefix("mmio:")).map(String::from).collect();
    let mut service = ServiceLoop::new(&startup)?;
    let mut devices: Vec<Driven> = Vec::new();
    for name in names {
        let (mut input, interrupt) = match open(&mut startup, &name) {
            Ok(opened) => opened,
            Err(error) => {
                weft_rt::warn!("{name}: {}", error.0);
                continue;
            }
        };
        let (kind, x, y) = classify(&mut input);
        let label = input
            .name()
            .map(|n| String::from(n.trim_matches(|c: char| c.is_control() || c == ' ')))
            .unwrap_or_else(|_| name.clone());
        let client = register(&startup, &label, kind);
        let key = service.watch(&interrupt, Signals::SIGNALED)?;
        weft_rt::info!(
            "{name}: {label} ({kind:?}){}",
            if client.is_some() { "" } else { ", no input service to report to" }
        );
        devices.push(Driven { name, input, interrupt, translator: Translator::new(kind, x, y), client, key });
    }
    service.ready()?;
    loop {
        match service.next(Deadline::INFINITE)? {
            LoopEvent::Stop => return Ok(()),
            LoopEvent::Signals { key, .. } => {
                let Some(device) = devices.iter_mut().find(|d| d.key == key) else {
                    continue;
                };
                device.input.ack_interrupt();
                let _ = device.interrupt.ack();
                while let Some(event) = device.input.pop_pending_event() {
                    let Some(report) = device.translator.feed(event.event_type, event.code, event.value)
                    else {
                        continue;
                    };
                    if trace {
                        weft_rt::info!("{}: {:?}", device.name, report);
                    }
                    if let Some(client) = &device.client
                        && let Err(error) = client.send(&DeviceRequest::Report(report))
                    {
                        weft_rt::warn!("{}: input service gone: {error}", device.name);
                        device.client = None;
                    }
                }
            }
            _ => {}
        }
    }
}

/// The program's entry: run [`main`] on the bootstrap channel.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
