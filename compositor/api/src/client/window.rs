//! A surface with a role, a buffer pool and configure/frame bookkeeping.

use super::{BufferPool, ClientError, Display, Frame};
use crate::{
    Configure, Event, KeyboardEvent, LayerRole, PointerEvent, PopupRole, Request, Role, Size,
    SurfaceId, ToplevelRole, TouchEvent,
};

/// What a window learns from an event.
#[derive(Clone, Debug, PartialEq)]
pub enum WindowEvent {
    /// New size, scale or states; the next frame uses them.
    Configure(Configure),
    /// The user asked to close the window.
    Close,
    /// The popup was dismissed.
    PopupDone,
    /// Keyboard input.
    Keyboard(KeyboardEvent),
    /// Pointer input (surface coordinates).
    Pointer(PointerEvent),
    /// Touch input (surface coordinates).
    Touch(TouchEvent),
    /// The last frame is on screen: a good time to draw the next.
    FrameDone,
    /// One of this window's buffers is free again.
    BufferReleased,
}

/// A surface with a role and double-buffered content.
#[derive(Debug)]
pub struct Window {
    surface: SurfaceId,
    pool: BufferPool,
    requested: Size,
    configure: Option<Configure>,
    acked: Option<u32>,
    frame_pending: bool,
}

impl Window {
    fn create(display: &mut Display, role: Role, requested: Size) -> Result<Window, ClientError> {
        let surface = display.create_surface()?;
        display.send(&Request::SetRole { surface, role })?;
        Ok(Window {
            surface,
            pool: BufferPool::new(surface, 2),
            requested,
            configure: None,
            acked: None,
            frame_pending: false,
        })
    }

    /// A decorated application window.
    pub fn toplevel(display: &mut Display, role: ToplevelRole) -> Result<Window, ClientError> {
        let size = role.size;
        Window::create(display, Role::Toplevel(role), size)
    }

    /// A layer surface (panel, wallpaper, lock screen).
    pub fn layer(display: &mut Display, role: LayerRole) -> Result<Window, ClientError> {
        let size = role.size;
        Window::create(display, Role::Layer(role), size)
    }

    /// A popup of `role.parent`, of `size`.
    pub fn popup(
        display: &mut Display,
        role: PopupRole,
        size: Size,
    ) -> Result<Window, ClientError> {
        Window::create(display, Role::Popup(role), size)
    }

    /// The surface id.
    pub fn surface(&self) -> SurfaceId {
        self.surface
    }

    /// The latest configure, once one arrived.
    pub fn configure(&self) -> Option<&Configure> {
        self.configure.as_ref()
    }

    /// Buffer size the next frame is drawn at: the configured logical
    /// size (or the requested one, when the compositor lets the client
    /// choose) times the scale.
    pub fn buffer_size(&self) -> Size {
        let Some(configure) = &self.configure else {
            return Size::default();
        };
        let logical = if configure.size.is_empty() {
            self.requested
        } else {
            configure.size
        };
        let scale = if configure.scale > 0.0 {
            configure.scale
        } else {
            1.0
        };
        Size::new(
            scale_side(logical.width, scale),
            scale_side(logical.height, scale),
        )
    }

    /// Update from `event`; returns what it means for this window, or
    /// `None` if it is not about this window.
    pub fn handle(
        &mut self,
        display: &mut Display,
        event: &Event,
    ) -> Result<Option<WindowEvent>, ClientError> {
        if self.pool.handle_event(display, event)? {
            return Ok(Some(WindowEvent::BufferReleased));
        }
        let mine = |surface: &SurfaceId| *surface == self.surface;
        Ok(match event {
            Event::Configure(configure) if mine(&configure.surface) => {
                self.configure = Some(*configure);
                Some(WindowEvent::Configure(*configure))
            }
            Event::Close { surface } if mine(surface) => Some(WindowEvent::Close),
            Event::PopupDone { surface } if mine(surface) => Some(WindowEvent::PopupDone),
            Event::Keyboard { surface, event } if mine(surface) => {
                Some(WindowEvent::Keyboard(event.clone()))
            }
            Event::Pointer { surface, event } if mine(surface) => {
                Some(WindowEvent::Pointer(*event))
            }
            Event::Touch { surface, event } if mine(surface) => Some(WindowEvent::Touch(*event)),
            Event::FrameDone { surface, .. } if mine(surface) => {
                self.frame_pending = false;
                Some(WindowEvent::FrameDone)
            }
            _ => None,
        })
    }

    /// Whether a frame can be drawn now: configured, the last frame shown,
    /// and a buffer free.
    pub fn can_draw(&self) -> bool {
        if self.configure.is_none() || self.frame_pending || self.buffer_size().is_empty() {
            return false;
        }
        // A new size means fresh buffers, which can always be made.
        self.pool.size() != self.buffer_size() || self.pool.can_acquire()
    }

    /// A buffer to draw the next frame into, or `None` if [`can_draw`]
    /// is false. Acknowledges the latest configure and resizes the pool.
    ///
    /// [`can_draw`]: Window::can_draw
    pub fn frame(&mut self, display: &mut Display) -> Result<Option<Frame<'_>>, ClientError> {
        let Some(configure) = self.configure else {
            return Ok(None);
        };
        if self.frame_pending {
            return Ok(None);
        }
        if self.acked != Some(configure.serial) {
            display.send(&Request::AckConfigure {
                surface: self.surface,
                serial: configure.serial,
            })?;
            self.acked = Some(configure.serial);
        }
        let size = self.buffer_size();
        self.pool.set_size(display, size)?;
        let frame = self.pool.acquire(display)?;
        if frame.is_some() {
            // The caller presents it; the next frame waits for FrameDone.
            self.frame_pending = true;
        }
        Ok(frame)
    }

    /// Unregister the buffers and destroy the surface.
    pub fn destroy(mut self, display: &Display) -> Result<(), ClientError> {
        display.send(&Request::DestroySurface {
            surface: self.surface,
        })?;
        self.pool.clear(display)
    }
}

fn scale_side(side: u32, scale: f32) -> u32 {
    let scaled = side as f32 * scale + 0.5;
    if scaled >= crate::MAX_BUFFER_SIDE as f32 {
        crate::MAX_BUFFER_SIDE
    } else {
        scaled as u32
    }
}
