//! The windowed viewer: one winit window per stream, drawn with
//! softbuffer, forwarding keyboard, pointer, scroll and touch input.
//!
//! The title shows the app and link state; while the link is lost the
//! last picture stays up, dimmed, until frames flow again.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use weft_types::{Button, KeyState, PointerEvent, TouchEvent};
use weft_wlstream::keys::AppId;
use winit::application::ApplicationHandler;
use winit::dpi::PhysicalSize;
use winit::event::{ElementState, MouseButton, MouseScrollDelta, TouchPhase, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
use winit::keyboard::PhysicalKey;
use winit::window::{Window, WindowId};
use zenoh::Session;

use crate::blit::blit;
use crate::discovery::Discovery;
use crate::error::ViewerError;
use crate::keyboard::KeyTranslator;
use crate::stream::{LinkState, StreamOptions, ViewerStream};

/// Pixels per scroll-wheel line.
const LINE: f32 = 40.0;
/// How often streams are polled.
const TICK: Duration = Duration::from_millis(8);

/// What the windowed viewer shows.
#[derive(Clone, Debug)]
pub struct WindowRun {
    /// Apps to open; empty opens every app discovered.
    pub apps: Vec<AppId>,
    /// After the first frame is presented, write the window's pixels here
    /// as a PNG and exit (smoke tests).
    pub screenshot: Option<PathBuf>,
    /// Exit with an error if nothing was presented by then (with `screenshot`).
    pub timeout: Duration,
}

struct StreamWindow {
    window: Rc<Window>,
    surface: softbuffer::Surface<Rc<Window>, Rc<Window>>,
    stream: ViewerStream,
    keys: KeyTranslator,
    cursor: Option<(f32, f32)>,
    /// The surface size the window was last fitted to.
    fitted: Option<(u32, u32)>,
    title: String,
}

struct Viewer {
    session: Session,
    run: WindowRun,
    discovery: Option<Discovery>,
    windows: HashMap<WindowId, StreamWindow>,
    opened: Vec<AppId>,
    started: Instant,
    error: Option<ViewerError>,
}

fn window_error(error: impl std::fmt::Display) -> ViewerError {
    ViewerError::Window(error.to_string())
}

impl Viewer {
    fn open_window(&mut self, event_loop: &ActiveEventLoop, app: AppId) -> Result<(), ViewerError> {
        let attributes = Window::default_attributes()
            .with_title(format!("{app} — connecting"))
            .with_inner_size(PhysicalSize::new(640, 480));
        let window = Rc::new(event_loop.create_window(attributes).map_err(window_error)?);
        let context = softbuffer::Context::new(window.clone()).map_err(window_error)?;
        let surface = softbuffer::Surface::new(&context, window.clone()).map_err(window_error)?;
        let stream = ViewerStream::open(&self.session, app.clone(), StreamOptions::default())?;
        let size = window.inner_size();
        stream.resize(size.width.max(1), size.height.max(1), (window.scale_factor() * 1000.0) as u32)?;
        self.opened.push(app);
        self.windows.insert(
            window.id(),
            StreamWindow {
                window,
                surface,
                stream,
                keys: KeyTranslator::new(),
                cursor: None,
                fitted: None,
                title: String::new(),
            },
        );
        Ok(())
    }

    fn fail(&mut self, event_loop: &ActiveEventLoop, error: ViewerError) {
        self.error = Some(error);
        event_loop.exit();
    }
}

impl StreamWindow {
    fn redraw(&mut self, screenshot: Option<&PathBuf>) -> Result<bool, ViewerError> {
        let size = self.window.inner_size();
        let (Some(width), Some(height)) = (NonZeroU32::new(size.width), NonZeroU32::new(size.height)) else {
            return Ok(false);
        };
        self.surface.resize(width, height).map_err(window_error)?;
        let mut buffer = self.surface.buffer_mut().map_err(window_error)?;
        let picture = self.stream.surface();
        blit(
            picture.as_ref(),
            &mut buffer,
            width.get(),
            height.get(),
            self.stream.state() == LinkState::Lost,
        );
        let presented_picture = picture.is_some();
        if let (Some(path), true) = (screenshot, presented_picture) {
            let mut rgba = Vec::with_capacity(buffer.len() * 4);
            for pixel in buffer.iter() {
                rgba.extend_from_slice(&[(pixel >> 16) as u8, (pixel >> 8) as u8, *pixel as u8, 255]);
            }
            image::save_buffer(path, &rgba, width.get(), height.get(), image::ExtendedColorType::Rgba8)
                .map_err(|error| ViewerError::Image(error.to_string()))?;
        }
        buffer.present().map_err(window_error)?;
        Ok(presented_picture)
    }

    fn update_title(&mut self) {
        let title = format!("{} — {}", self.stream.app(), self.stream.state().label());
        if title != self.title {
            self.window.set_title(&title);
            self.title = title;
        }
    }

    fn pointer(&self, event: PointerEvent) -> Result<(), ViewerError> {
        self.stream.send_pointer(event)
    }

    fn input(&mut self, event: &WindowEvent) -> Result<(), ViewerError> {
        match event {
            WindowEvent::KeyboardInput { event, .. } => {
                if let PhysicalKey::Code(code) = event.physical_key {
                    let pressed = event.state == ElementState::Pressed;
                    if let Some(key) = self.keys.translate(code, pressed, event.repeat, event.text.as_deref())
                    {
                        self.stream.send_key(key)?;
                    }
                }
            }
            WindowEvent::CursorMoved { position, .. } => {
                let (x, y) = (position.x as f32, position.y as f32);
                if self.cursor.is_none() {
                    self.pointer(PointerEvent::Enter { x, y })?;
                }
                self.cursor = Some((x, y));
                self.pointer(PointerEvent::Motion { x, y })?;
            }
            WindowEvent::CursorLeft { .. } => {
                self.cursor = None;
                self.pointer(PointerEvent::Leave)?;
            }
            WindowEvent::MouseInput { state, button, .. } => {
                let button = match button {
                    MouseButton::Left => Button::Left,
                    MouseButton::Right => Button::Right,
                    MouseButton::Middle => Button::Middle,
                    MouseButton::Back => Button::Back,
                    MouseButton::Forward => Button::Forward,
                    MouseButton::Other(_) => return Ok(()),
                };
                let state =
                    if *state == ElementState::Pressed { KeyState::Pressed } else { KeyState::Released };
                let (x, y) = self.cursor.unwrap_or((0.0, 0.0));
                self.pointer(PointerEvent::Button { button, state, x, y })?;
            }
            WindowEvent::MouseWheel { delta, .. } => {
                let (dx, dy) = match delta {
                    MouseScrollDelta::LineDelta(x, y) => (-x * LINE, -y * LINE),
                    MouseScrollDelta::PixelDelta(position) => (-position.x as f32, -position.y as f32),
                };
                self.pointer(PointerEvent::Scroll { dx, dy })?;
            }
            WindowEvent::Touch(touch) => {
                let (id, x, y) = (touch.id as u32, touch.location.x as f32, touch.location.y as f32);
                let event = match touch.phase {
                    TouchPhase::Started => TouchEvent::Down { id, x, y },
                    TouchPhase::Moved => TouchEvent::Motion { id, x, y },
                    TouchPhase::Ended => TouchEvent::Up { id },
                    TouchPhase::Cancelled => TouchEvent::Cancel,
                };
                self.stream.send_touch(event)?;
            }
            WindowEvent::Resized(size) => {
                let scale = (self.window.scale_factor() * 1000.0) as u32;
                self.stream.resize(size.width.max(1), size.height.max(1), scale)?;
                self.window.request_redraw();
            }
            _ => {}
        }
        Ok(())
    }
}

impl ApplicationHandler for Viewer {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if !self.windows.is_empty() {
            return;
        }
        for app in self.run.apps.clone() {
            if let Err(error) = self.open_window(event_loop, app) {
                return self.fail(event_loop, error);
            }
        }
        if self.run.apps.is_empty() {
            match Discovery::start(&self.session) {
                Ok(discovery) => self.discovery = Some(discovery),
                Err(error) => self.fail(event_loop, error),
            }
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, id: WindowId, event: WindowEvent) {
        let screenshot = self.run.screenshot.clone();
        let Some(window) = self.windows.get_mut(&id) else {
            return;
        };
        let result = match &event {
            WindowEvent::CloseRequested => {
                self.windows.remove(&id);
                if self.windows.is_empty() {
                    event_loop.exit();
                }
                return;
            }
            WindowEvent::RedrawRequested => match window.redraw(screenshot.as_ref()) {
                Ok(true) if screenshot.is_some() => {
                    event_loop.exit();
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(error) => Err(error),
            },
            other => window.input(other),
        };
        if let Err(error) = result {
            self.fail(event_loop, error);
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        if let Some(discovery) = &self.discovery {
            let new: Vec<AppId> = discovery
                .apps()
                .into_iter()
                .map(|app| app.id)
                .filter(|id| !self.opened.contains(id))
                .collect();
            for app in new {
                if let Err(error) = self.open_window(event_loop, app) {
                    return self.fail(event_loop, error);
                }
            }
        }
        let mut failure = None;
        for window in self.windows.values_mut() {
            let before = window.stream.state();
            match window.stream.drain() {
                Ok(Some(event)) => {
                    // Fit the window to the surface when it first appears or
                    // the app changes its size (a keyframe with new geometry).
                    let size = (event.update.width, event.update.height);
                    if window.fitted != Some(size) {
                        window.fitted = Some(size);
                        let _ = window.window.request_inner_size(PhysicalSize::new(size.0, size.1));
                    }
                    window.window.request_redraw();
                }
                Ok(None) if before != window.stream.state() => window.window.request_redraw(),
                Ok(None) => {}
                Err(error) => failure = Some(error),
            }
            window.update_title();
        }
        if let Some(error) = failure {
            return self.fail(event_loop, error);
        }
        if self.run.screenshot.is_some() && self.started.elapsed() > self.run.timeout {
            return self.fail(event_loop, ViewerError::Timeout("no frame presented".into()));
        }
        event_loop.set_control_flow(ControlFlow::WaitUntil(Instant::now() + TICK));
    }
}

/// Run the windowed viewer until every window is closed.
pub fn run(session: Session, run: WindowRun) -> Result<(), ViewerError> {
    let event_loop = EventLoop::new().map_err(window_error)?;
    let mut viewer = Viewer {
        session,
        run,
        discovery: None,
        windows: HashMap::new(),
        opened: Vec::new(),
        started: Instant::now(),
        error: None,
    };
    event_loop.run_app(&mut viewer).map_err(window_error)?;
    match viewer.error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}
