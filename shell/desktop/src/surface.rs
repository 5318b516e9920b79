//! One shell surface: a layer surface that comes and goes, and the
//! toolkit UI that lives on while it is hidden.
//!
//! Hiding destroys the compositor surface (and frees its buffers);
//! showing creates a new one and repaints the kept UI into it. The UI is
//! drawn on a transparent background: shell surfaces float over what is
//! below them, and only the pixels their widgets paint are opaque.

use alloc::vec::Vec;
use weft_compositor_api::client::{ClientError, Display, Window, WindowEvent};
use weft_compositor_api::{Event, KeyboardEvent, LayerRole, Rect};
use weft_paint::Canvas;
use weft_theme::{Color, Theme};
use weft_toolkit::Ui;
use weft_toolkit::weft_types::{InputEvent, KeyEvent};

/// What an event meant for a surface.
pub enum SurfaceEvent<M> {
    /// Messages from its widgets.
    Messages(Vec<M>),
    /// A key for its owner to look at first (launcher navigation, lock).
    Key(KeyEvent),
    /// Nothing for the owner.
    Nothing,
}

/// A shell surface.
pub struct ShellSurface<M: 'static> {
    /// The widgets (kept while hidden).
    pub ui: Ui<M>,
    window: Option<Window>,
    presented: bool,
    /// Keys go to the owner first (`SurfaceEvent::Key`) instead of the UI.
    pub intercept_keys: bool,
}

/// `theme` with a transparent window background.
pub fn transparent(mut theme: Theme) -> Theme {
    theme.palette.background = Color::TRANSPARENT;
    theme
}

impl<M: 'static> ShellSurface<M> {
    /// A hidden surface with an empty UI in `theme`.
    pub fn new(theme: &Theme) -> ShellSurface<M> {
        ShellSurface {
            ui: Ui::new(transparent(theme.clone())),
            window: None,
            presented: false,
            intercept_keys: false,
        }
    }

    /// Whether it is on screen (or about to be).
    pub fn is_shown(&self) -> bool {
        self.window.is_some()
    }

    /// Create the layer surface (if hidden).
    pub fn show(&mut self, display: &mut Display, role: LayerRole) -> Result<(), ClientError> {
        if self.window.is_none() {
            self.window = Some(Window::layer(display, role)?);
            self.presented = false;
        }
        Ok(())
    }

    /// Destroy the layer surface (if shown).
    pub fn hide(&mut self, display: &Display) -> Result<(), ClientError> {
        if let Some(window) = self.window.take() {
            window.destroy(display)?;
        }
        Ok(())
    }

    /// Switch theme: everything is restyled and repainted.
    pub fn set_theme(&mut self, theme: &Theme) {
        self.ui.set_theme(transparent(theme.clone()));
    }

    /// Handle a compositor event; `None` if it is not about this surface.
    pub fn handle(
        &mut self,
        display: &mut Display,
        event: &Event,
        now: core::time::Duration,
    ) -> Result<Option<SurfaceEvent<M>>, ClientError> {
        let Some(window) = self.window.as_mut() else { return Ok(None) };
        let Some(event) = window.handle(display, event)? else { return Ok(None) };
        Ok(Some(match event {
            WindowEvent::Configure(configure) => {
                let size = window.buffer_size();
                let scale = if configure.scale > 0.0 { configure.scale } else { 1.0 };
                if !size.is_empty() {
                    self.ui.set_size(size.width, size.height, scale);
                }
                SurfaceEvent::Nothing
            }
            WindowEvent::Keyboard(KeyboardEvent::Key(key)) if self.intercept_keys => SurfaceEvent::Key(key),
            WindowEvent::Keyboard(KeyboardEvent::Key(key)) => {
                SurfaceEvent::Messages(self.ui.handle_event(InputEvent::Key(key), now))
            }
            WindowEvent::Pointer(pointer) => {
                SurfaceEvent::Messages(self.ui.handle_event(InputEvent::Pointer(pointer), now))
            }
            WindowEvent::Touch(touch) => {
                SurfaceEvent::Messages(self.ui.handle_event(InputEvent::Touch(touch), now))
            }
            _ => SurfaceEvent::Nothing,
        }))
    }

    /// Advance animations (cursor blink, switches).
    pub fn animate(&mut self, now: core::time::Duration) {
        if self.window.is_some()
            && (self.ui.needs_frame() || self.ui.next_deadline().is_some_and(|at| at <= now))
        {
            self.ui.animate(now);
        }
    }

    /// When this surface next wants to be woken, if it animates.
    pub fn deadline(&self, now: core::time::Duration) -> Option<core::time::Duration> {
        self.window.as_ref()?;
        if self.ui.needs_frame() {
            return Some(now + core::time::Duration::from_millis(16));
        }
        self.ui.next_deadline()
    }

    /// Draw and present what changed, if the compositor is ready for a
    /// frame. Returns whether a frame was presented.
    pub fn draw(&mut self, display: &mut Display) -> Result<bool, ClientError> {
        let Some(window) = self.window.as_mut() else { return Ok(false) };
        if !window.can_draw() || (self.presented && !self.ui.has_damage()) {
            return Ok(false);
        }
        let Some(mut frame) = window.frame(display)? else { return Ok(false) };
        let size = frame.size();
        let stride = frame.stride() as usize;
        let scale = self.ui.scale();
        // A new or recycled buffer lacks what was drawn into the other one.
        for rect in frame.repaint() {
            self.ui.add_damage(rect);
        }
        let damage = match Canvas::new(frame.pixels_mut(), size.width, size.height, stride, scale) {
            Ok(mut canvas) => self.ui.render(&mut canvas),
            Err(_) => Vec::new(),
        };
        let rects: Vec<Rect> = damage
            .into_iter()
            .filter(|rect| rect.width > 0 && rect.height > 0)
            .map(|rect| {
                let x = rect.x.max(0);
                let y = rect.y.max(0);
                Rect {
                    x,
                    y,
                    width: rect.width.saturating_sub((x - rect.x) as u32),
                    height: rect.height.saturating_sub((y - rect.y) as u32),
                }
            })
            .collect();
        frame.present(display, &rects)?;
        self.presented = true;
        Ok(true)
    }
}
