//! The host-window backend: winit for the window and its input,
//! softbuffer to put the framebuffer on screen.
//!
//! winit insists its event loop runs on the main thread (on macOS), so the
//! display model and the loop are made apart: [`create`] returns the model
//! (register it with the hosted kernel as `device:display`) and a
//! [`WindowLoop`], which the hosted runner passes to [`run_window_loop`]
//! on its main thread while Weft runs on other threads. The loop returns
//! when the window is closed.

use std::num::NonZeroU32;
use std::sync::Arc;

use weft_input_api::RawEvent;
use weft_types::{Button, Key, KeyState};
use winit::application::ApplicationHandler;
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, EventLoop, EventLoopProxy};
use winit::keyboard::{KeyCode, PhysicalKey};
use winit::window::{Window, WindowId};

use crate::model::HostDisplay;

/// Why the window could not run.
#[derive(Debug)]
pub enum WindowError {
    /// No display server, or the event loop failed.
    EventLoop(String),
    /// softbuffer could not present.
    Surface(String),
}

impl std::fmt::Display for WindowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WindowError::EventLoop(e) => write!(f, "window event loop: {e}"),
            WindowError::Surface(e) => write!(f, "window surface: {e}"),
        }
    }
}

impl std::error::Error for WindowError {}

/// Wakes the loop to present a flushed frame.
#[derive(Debug, Clone, Copy)]
struct Redraw;

/// The window's event loop, to run on the main thread.
pub struct WindowLoop {
    event_loop: EventLoop<Redraw>,
    display: Arc<HostDisplay>,
    title: String,
}

/// Make a window display of `width` × `height` logical pixels. Must be
/// called on the main thread (it creates the event loop).
pub fn create(title: &str, width: u32, height: u32) -> Result<(Arc<HostDisplay>, WindowLoop), WindowError> {
    let event_loop =
        EventLoop::<Redraw>::with_user_event().build().map_err(|e| WindowError::EventLoop(e.to_string()))?;
    let display = Arc::new(HostDisplay::for_window(width, height, 1.0));
    let proxy: EventLoopProxy<Redraw> = event_loop.create_proxy();
    display.set_redraw_hook(Box::new(move || {
        let _ = proxy.send_event(Redraw);
    }));
    Ok((Arc::clone(&display), WindowLoop { event_loop, display, title: title.to_string() }))
}

/// Run the window until it is closed. Call on the main thread.
pub fn run_window_loop(window_loop: WindowLoop) -> Result<(), WindowError> {
    let WindowLoop { event_loop, display, title } = window_loop;
    let mut app = App { display, title, window: None, surface: None, error: None, cursor: (0.0, 0.0) };
    event_loop.run_app(&mut app).map_err(|e| WindowError::EventLoop(e.to_string()))?;
    match app.error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

type Surface = softbuffer::Surface<Arc<Window>, Arc<Window>>;

struct App {
    display: Arc<HostDisplay>,
    title: String,
    window: Option<Arc<Window>>,
    surface: Option<Surface>,
    error: Option<WindowError>,
    cursor: (f64, f64),
}

impl App {
    fn fail(&mut self, event_loop: &ActiveEventLoop, error: WindowError) {
        self.error = Some(error);
        self.display.close();
        event_loop.exit();
    }

    fn present(&mut self) -> Result<(), WindowError> {
        let Some(surface) = self.surface.as_mut() else {
            return Ok(());
        };
        let (width, height) = self.display.size();
        let (Some(w), Some(h)) = (NonZeroU32::new(width), NonZeroU32::new(height)) else {
            return Ok(());
        };
        surface.resize(w, h).map_err(|e| WindowError::Surface(e.to_string()))?;
        let mut buffer = surface.buffer_mut().map_err(|e| WindowError::Surface(e.to_string()))?;
        self.display.with_scanout(|inner| {
            if (inner.width, inner.height) != (width, height) {
                return;
            }
            for (out, bgra) in buffer.iter_mut().zip(inner.scanout.chunks_exact(4)) {
                *out = u32::from(bgra[0]) | (u32::from(bgra[1]) << 8) | (u32::from(bgra[2]) << 16);
            }
        });
        buffer.present().map_err(|e| WindowError::Surface(e.to_string()))
    }
}

impl ApplicationHandler<Redraw> for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.window.is_some() {
            return;
        }
        let (width, height) = self.display.size();
        let attributes = Window::default_attributes()
            .with_title(self.title.clone())
            .with_inner_size(winit::dpi::PhysicalSize::new(width, height));
        let window = match event_loop.create_window(attributes) {
            Ok(window) => Arc::new(window),
            Err(e) => return self.fail(event_loop, WindowError::EventLoop(e.to_string())),
        };
        let context = match softbuffer::Context::new(Arc::clone(&window)) {
            Ok(context) => context,
            Err(e) => return self.fail(event_loop, WindowError::Surface(e.to_string())),
        };
        match softbuffer::Surface::new(&context, Arc::clone(&window)) {
            Ok(surface) => self.surface = Some(surface),
            Err(e) => return self.fail(event_loop, WindowError::Surface(e.to_string())),
        }
        let size = window.inner_size();
        self.display.resize(size.width.max(1), size.height.max(1));
        self.window = Some(window);
    }

    fn user_event(&mut self, event_loop: &ActiveEventLoop, _event: Redraw) {
        if self.display.is_closed() {
            event_loop.exit();
            return;
        }
        if let Some(window) = &self.window {
            window.request_redraw();
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::CloseRequested => {
                self.display.close();
                event_loop.exit();
            }
            WindowEvent::Resized(size) => {
                self.display.resize(size.width.max(1), size.height.max(1));
            }
            WindowEvent::RedrawRequested => {
                if let Err(error) = self.present() {
                    self.fail(event_loop, error);
                }
            }
            WindowEvent::KeyboardInput { event, .. } => {
                let PhysicalKey::Code(code) = event.physical_key else {
                    return;
                };
                let Some(key) = evdev_key(code) else {
                    return;
                };
                let state = match (event.state, event.repeat) {
                    (ElementState::Pressed, false) => KeyState::Pressed,
                    (ElementState::Pressed, true) => return,
                    (ElementState::Released, _) => KeyState::Released,
                };
                self.display.push_input(vec![RawEvent::Key { key, state }]);
            }
            WindowEvent::CursorMoved { position, .. } => {
                self.cursor = (position.x, position.y);
                let (width, height) = self.display.size();
                self.display.push_input(vec![RawEvent::PointerAbsolute {
                    x: (position.x / f64::from(width.max(1))) as f32,
                    y: (position.y / f64::from(height.max(1))) as f32,
                }]);
            }
            WindowEvent::MouseInput { state, button, .. } => {
                let button = match button {
                    MouseButton::Left => Button::Left,
                    MouseButton::Right => Button::Right,
                    MouseButton::Middle => Button::Middle,
                    MouseButton::Back => Button::Back,
                    MouseButton::Forward => Button::Forward,
                    MouseButton::Other(_) => return,
                };
                let state = match state {
                    ElementState::Pressed => KeyState::Pressed,
                    ElementState::Released => KeyState::Released,
                };
                self.display.push_input(vec![RawEvent::Button { button, state }]);
            }
            WindowEvent::MouseWheel { delta, .. } => {
                let (dx, dy) = match delta {
                    MouseScrollDelta::LineDelta(x, y) => (-x * 40.0, -y * 40.0),
                    MouseScrollDelta::PixelDelta(p) => (-p.x as f32, -p.y as f32),
                };
                self.display.push_input(vec![RawEvent::Scroll { dx, dy }]);
            }
            _ => {}
        }
    }
}

/// The evdev code of a host key.
pub fn evdev_key(code: KeyCode) -> Option<Key> {
    use KeyCode as K;
    let key = match code {
        K::Escape => Key::ESC,
        K::Digit1 => Key::NUM_1,
        K::Digit2 => Key::NUM_2,
        K::Digit3 => Key::NUM_3,
        K::Digit4 => Key::NUM_4,
        K::Digit5 => Key::NUM_5,
        K::Digit6 => Key::NUM_6,
        K::Digit7 => Key::NUM_7,
        K::Digit8 => Key::NUM_8,
        K::Digit9 => Key::NUM_9,
        K::Digit0 => Key::NUM_0,
        K::Minus => Key::MINUS,
        K::Equal => Key::EQUAL,
        K::Backspace => Key::BACKSPACE,
        K::Tab => Key::TAB,
        K::KeyQ => Key::Q,
        K::KeyW => Key::W,
        K::KeyE => Key::E,
        K::KeyR => Key::R,
        K::KeyT => Key::T,
        K::KeyY => Key::Y,
        K::KeyU => Key::U,
        K::KeyI => Key::I,
        K::KeyO => Key::O,
        K::KeyP => Key::P,
        K::BracketLeft => Key::LEFT_BRACE,
        K::BracketRight => Key::RIGHT_BRACE,
        K::Enter => Key::ENTER,
        K::ControlLeft => Key::LEFT_CTRL,
        K::KeyA => Key::A,
        K::KeyS => Key::S,
        K::KeyD => Key::D,
        K::KeyF => Key::F,
        K::KeyG => Key::G,
        K::KeyH => Key::H,
        K::KeyJ => Key::J,
        K::KeyK => Key::K,
        K::KeyL => Key::L,
        K::Semicolon => Key::SEMICOLON,
        K::Quote => Key::APOSTROPHE,
        K::Backquote => Key::GRAVE,
        K::ShiftLeft => Key::LEFT_SHIFT,
        K::Backslash => Key::BACKSLASH,
        K::KeyZ => Key::Z,
        K::KeyX => Key::X,
        K::KeyC => Key::C,
        K::KeyV => Key::V,
        K::KeyB => Key::B,
        K::KeyN => Key::N,
        K::KeyM => Key::M,
        K::Comma => Key::COMMA,
        K::Period => Key::DOT,
        K::Slash => Key::SLASH,
        K::ShiftRight => Key::RIGHT_SHIFT,
        K::NumpadMultiply => Key::KP_ASTERISK,
        K::AltLeft => Key::LEFT_ALT,
        K::Space => Key::SPACE,
        K::CapsLock => Key::CAPS_LOCK,
        K::F1 => Key::F1,
        K::F2 => Key::F2,
        K::F3 => Key::F3,
        K::F4 => Key::F4,
        K::F5 => Key::F5,
        K::F6 => Key::F6,
        K::F7 => Key::F7,
        K::F8 => Key::F8,
        K::F9 => Key::F9,
        K::F10 => Key::F10,
        K::F11 => Key::F11,
        K::F12 => Key::F12,
        K::NumpadEnter => Key::KP_ENTER,
        K::ControlRight => Key::RIGHT_CTRL,
        K::AltRight => Key::RIGHT_ALT,
        K::Home => Key::HOME,
        K::ArrowUp => Key::UP,
        K::PageUp => Key::PAGE_UP,
        K::ArrowLeft => Key::LEFT,
        K::ArrowRight => Key::RIGHT,
        K::End => Key::END,
        K::ArrowDown => Key::DOWN,
        K::PageDown => Key::PAGE_DOWN,
        K::Insert => Key::INSERT,
        K::Delete => Key::DELETE,
        K::SuperLeft => Key::LEFT_META,
        K::SuperRight => Key::RIGHT_META,
        _ => return None,
    };
    Some(key)
}
