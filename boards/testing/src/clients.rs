//! Compositor clients for tests: one that draws a coloured window and
//! logs what it receives, and three that break the protocol.

use weft_compositor_api::client::{ClientError, Display, Window, WindowEvent};
use weft_compositor_api::{
    BufferId, BufferLayout, Event, KeyboardEvent, PointerEvent, Request, Size, SurfaceId, ToplevelRole,
};
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_rt::{Deadline, Signals, Vmo};
use weft_types::KeyState;

/// A well-behaved client: a 200 × 150 window of the colour in its `color`
/// argument (hex RGB), titled by its `title` argument; it logs the keys and
/// clicks it gets (`<title>: key <text>`, `<title>: click at x,y`), closes
/// when asked and logs each buffer the compositor gives back.
pub fn test_client(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, test_client_main)
}

fn test_client_main(startup: Startup) -> Result<(), ProgramError> {
    let title = startup.arg("title").unwrap_or("client").to_string();
    let color = u32::from_str_radix(startup.arg("color").unwrap_or("808080"), 16)?;
    let rgba = [(color >> 16) as u8, (color >> 8) as u8, color as u8, 255];
    let mut display = Display::connect()?;
    let mut window = Window::toplevel(
        &mut display,
        ToplevelRole {
            title: title.clone(),
            app_id: "test".into(),
            size: Size::new(200, 150),
            min_size: Size::new(64, 48),
        },
    )?;
    loop {
        let event = display.next_event(Deadline::INFINITE)?;
        weft_rt::debug!("{title}: {event:?}");
        match window.handle(&mut display, &event)? {
            Some(WindowEvent::Close) => {
                weft_rt::info!("{title}: close requested");
                window.destroy(&display)?;
                display.sync()?;
                while let Some(event) = display.try_event()? {
                    if let Event::BufferReleased { buffer } = event {
                        weft_rt::info!("{title}: released buffer {}", buffer.0);
                    }
                }
                return Ok(());
            }
            Some(WindowEvent::Keyboard(KeyboardEvent::Key(key))) if key.state == KeyState::Pressed => {
                weft_rt::info!("{title}: key {}", key.text);
            }
            Some(WindowEvent::Pointer(PointerEvent::Button { state: KeyState::Pressed, x, y, .. })) => {
                weft_rt::info!("{title}: click at {x},{y}");
            }
            _ => {}
        }
        if window.can_draw()
            && let Some(mut frame) = window.frame(&mut display)?
        {
            for pixel in frame.pixels_mut().chunks_exact_mut(4) {
                pixel.copy_from_slice(&rgba);
            }
            frame.present(&display, &[])?;
        }
    }
}

fn report(name: &str, error: ClientError) -> Result<(), ProgramError> {
    match error {
        ClientError::Disconnected(Some(reason)) => weft_rt::info!("{name}: disconnected: {reason}"),
        ClientError::Disconnected(None) => weft_rt::info!("{name}: disconnected"),
        other => return Err(other.into()),
    }
    Ok(())
}

/// Sends bytes that are not a request.
pub fn garbage_client(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, |startup| {
        let channel = startup.namespace().connect_raw("weft.compositor")?;
        channel.write(&[0xde, 0xad, 0xbe, 0xef, 0x00, 0x13, 0x37], Vec::new())?;
        channel.handle().wait(Signals::PEER_CLOSED, Deadline::after(std::time::Duration::from_secs(20)))?;
        weft_rt::info!("garbage: disconnected");
        Ok(())
    })
}

/// Presents a buffer it never registered.
pub fn liar_client(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, |_startup| {
        let mut display = Display::connect()?;
        let surface = display.create_surface()?;
        display.send(&Request::Present { surface, buffer: Some(BufferId(77)), damage: vec![] })?;
        loop {
            match display.next_event(Deadline::INFINITE) {
                Ok(_) => {}
                Err(error) => return report("liar", error),
            }
        }
    })
}

/// Registers a buffer larger than its memory.
pub fn short_client(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, |_startup| {
        let display = Display::connect()?;
        let memory = Vmo::create(4096)?;
        display.send_with(
            &Request::RegisterBuffer { buffer: BufferId(1), layout: BufferLayout::packed(100, 100) },
            vec![memory.read_only()?.into_handle()],
        )?;
        let _ = SurfaceId(0);
        loop {
            match display.next_event(Deadline::INFINITE) {
                Ok(_) => {}
                Err(error) => return report("short", error),
            }
        }
    })
}
