//! The display service program over a [`HostDisplay`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use weft_display_api::{
    DisplayError, DisplayEvent, DisplayProtocol, DisplayRequest, DisplayResponse, OutputInfo, PixelFormat,
};
use weft_input_api::{DeviceKind, DeviceRequest, InputDeviceProtocol};
use weft_ipc::namespace::ParentEvent;
use weft_ipc::program::ProgramError;
use weft_ipc::{Client, Connection, Startup};
use weft_rt::{Deadline, Key, Mapping, Ready, Rights, Signals, Vmo, WaitSet};

use crate::model::{DeviceEvent, HostDisplay};

/// The capability name of the display device.
pub const DEVICE_CAPABILITY: &str = "device:display";

/// User-packet key: the host side has news.
const DEVICE_KEY: Key = weft_rt::port::USER_KEYS;

struct Framebuffer {
    memory: Vmo,
    mapping: Mapping,
    stride: u32,
    size: (u32, u32),
}

/// The program's entry point.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}

fn info(display: &HostDisplay) -> OutputInfo {
    let (width, height) = display.size();
    OutputInfo {
        id: 0,
        name: display.name().to_string(),
        width,
        height,
        refresh_millihertz: 60_000,
        scale: display.scale(),
        format: PixelFormat::Bgra8,
    }
}

/// Serve `weft.display` for the device handed over as `device:display`.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let resource = startup.take_handle(DEVICE_CAPABILITY).ok_or("no `device:display` capability")?;
    let device = weft_kernel_hosted::open_device(resource.raw())
        .map_err(|e| ProgramError(format!("cannot open the display device: {e}")))?;
    let display: Arc<HostDisplay> =
        device.downcast::<HostDisplay>().map_err(|_| "`device:display` is not a hosted display")?;
    let namespace = startup.namespace().clone();
    let mut waits = WaitSet::new()?;
    let parent_key = waits.add(namespace.channel(), Signals::READABLE | Signals::PEER_CLOSED)?;

    // Window input goes to the input service, when it is routed to us.
    let keyboard = connect_device("host keyboard", DeviceKind::Keyboard);
    let pointer = connect_device("host pointer", DeviceKind::Tablet);

    // A thread waits on the host side and wakes the loop.
    let port = weft_rt::Port::from_handle(waits.port().handle().duplicate(Rights::SAME)?);
    let pump_display = Arc::clone(&display);
    weft_rt::thread::spawn("display-events", move || {
        loop {
            // A system call each round, so the thread ends with the process.
            let _ = weft_rt::now();
            if pump_display.wait_pending(Duration::from_millis(100))
                && port.queue(DEVICE_KEY, [0; 4]).is_err()
            {
                return;
            }
        }
    })?;

    let mut clients: BTreeMap<Key, Connection<DisplayProtocol>> = BTreeMap::new();
    let mut framebuffer: Option<Framebuffer> = None;
    namespace.ready()?;
    weft_rt::info!("hosted display `{}` ready at {:?}", display.name(), display.size());
    loop {
        match waits.wait(Deadline::INFINITE)? {
            Ready::User { .. } => {
                while let Some(event) = display.take_event() {
                    match event {
                        DeviceEvent::Resized => {
                            let event = DisplayEvent::OutputChanged(info(&display));
                            for client in clients.values() {
                                let _ = client.emit(&event);
                            }
                        }
                        DeviceEvent::Input(events) => {
                            let (keys, rest): (Vec<_>, Vec<_>) = events
                                .into_iter()
                                .partition(|e| matches!(e, weft_input_api::RawEvent::Key { .. }));
                            if let (Some(device), false) = (&keyboard, keys.is_empty()) {
                                let _ = device.send(&DeviceRequest::Report(keys));
                            }
                            if let (Some(device), false) = (&pointer, rest.is_empty()) {
                                let _ = device.send(&DeviceRequest::Report(rest));
                            }
                        }
                        DeviceEvent::Closed => {
                            let event = DisplayEvent::OutputClosed { output: 0 };
                            for client in clients.values() {
                                let _ = client.emit(&event);
                            }
                        }
                    }
                }
            }
            Ready::Signals { key, .. } if key == parent_key => loop {
                match namespace.try_event() {
                    Ok(Some(ParentEvent::Connection { protocol, client, channel })) => {
                        if protocol == <DisplayProtocol as weft_ipc::Protocol>::NAME {
                            let connection = Connection::new(channel, client);
                            let key =
                                waits.add(connection.channel(), Signals::READABLE | Signals::PEER_CLOSED)?;
                            clients.insert(key, connection);
                        }
                    }
                    Ok(Some(ParentEvent::Stop)) => return Ok(()),
                    Ok(None) => break,
                    Err(error) if error.is_peer_closed() => return Ok(()),
                    Err(_) => break,
                }
            },
            Ready::Signals { key, observed } => {
                let Some(connection) = clients.get(&key) else {
                    continue;
                };
                let mut drop_client = false;
                loop {
                    match connection.try_next() {
                        Ok(Some(incoming)) => {
                            let (response, handles) = handle(&display, &mut framebuffer, incoming.request);
                            if incoming.txid != 0 {
                                let _ = connection.reply_with(incoming.txid, &response, handles);
                            }
                        }
                        Ok(None) => break,
                        Err(_) => {
                            drop_client = true;
                            break;
                        }
                    }
                }
                if drop_client
                    || (observed.contains(Signals::PEER_CLOSED) && !observed.contains(Signals::READABLE))
                {
                    waits.remove(key);
                    clients.remove(&key);
                }
            }
        }
    }
}

fn connect_device(name: &str, kind: DeviceKind) -> Option<Client<InputDeviceProtocol>> {
    let client = weft_ipc::connect::<InputDeviceProtocol>().ok()?;
    let request = DeviceRequest::Register { name: name.to_string(), kind };
    client.call_until(&request, Deadline::after(Duration::from_secs(5))).ok()?;
    Some(client)
}

fn handle(
    display: &HostDisplay,
    framebuffer: &mut Option<Framebuffer>,
    request: DisplayRequest,
) -> (DisplayResponse, Vec<weft_rt::Handle>) {
    match request {
        DisplayRequest::Outputs => (DisplayResponse::Outputs(vec![info(display)]), Vec::new()),
        DisplayRequest::Framebuffer { output: 0 } => {
            let (width, height) = display.size();
            let stride = width * 4;
            let bytes = stride as usize * height as usize;
            let made = Vmo::create(bytes).and_then(|memory| {
                let mapping = memory.map_read(0, bytes)?;
                let handle = memory.handle().duplicate(
                    Rights::READ
                        | Rights::WRITE
                        | Rights::MAP
                        | Rights::TRANSFER
                        | Rights::WAIT
                        | Rights::INSPECT,
                )?;
                Ok((memory, mapping, handle))
            });
            match made {
                Ok((memory, mapping, handle)) => {
                    *framebuffer = Some(Framebuffer { memory, mapping, stride, size: (width, height) });
                    (DisplayResponse::Framebuffer { info: info(display), stride }, vec![handle])
                }
                Err(error) => (DisplayResponse::Error(DisplayError::Device(format!("{error}"))), Vec::new()),
            }
        }
        DisplayRequest::Flush { output: 0, rects } => {
            let Some(fb) = framebuffer.as_ref() else {
                return (DisplayResponse::Error(DisplayError::Stale), Vec::new());
            };
            let _ = &fb.memory;
            if display.flush(fb.mapping.bytes(), fb.stride as usize, fb.size, &rects) {
                (DisplayResponse::Flushed, Vec::new())
            } else {
                (DisplayResponse::Error(DisplayError::Stale), Vec::new())
            }
        }
        DisplayRequest::Framebuffer { .. } | DisplayRequest::Flush { .. } => {
            (DisplayResponse::Error(DisplayError::NoSuchOutput), Vec::new())
        }
    }
}
