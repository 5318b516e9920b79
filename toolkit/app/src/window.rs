//! One compositor window with one toolkit UI.

use alloc::vec::Vec;
use weft_compositor_api::client::{ClientError, Display, Window, WindowEvent};
use weft_compositor_api::{Event, KeyboardEvent};
use weft_paint::Canvas;
use weft_theme::Theme;
use weft_toolkit::Ui;
use weft_types::InputEvent;

use crate::convert::to_compositor;

/// What handling an event meant for the window's owner.
#[derive(Debug)]
pub enum WindowOutcome<M> {
    /// Messages the UI produced, for the app's `update`.
    Messages(Vec<M>),
    /// The user asked to close the window.
    Close,
    /// A popup was dismissed.
    Dismissed,
    /// Bookkeeping only (configure, frame done, buffer released).
    Nothing,
}

/// A compositor window showing a toolkit UI.
pub struct UiWindow<M: 'static> {
    /// The compositor surface.
    pub window: Window,
    /// The widget tree.
    pub ui: Ui<M>,
    /// Whether the surface has keyboard focus.
    pub focused: bool,
    frames: u64,
}

impl<M: 'static> UiWindow<M> {
    /// Show `ui` in `window`.
    pub fn new(window: Window, ui: Ui<M>) -> UiWindow<M> {
        UiWindow { window, ui, focused: false, frames: 0 }
    }

    /// A window with an empty UI in `theme`.
    pub fn with_theme(window: Window, theme: Theme) -> UiWindow<M> {
        UiWindow::new(window, Ui::new(theme))
    }

    /// Frames presented so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Handle one compositor event; events for other surfaces yield
    /// `Ok(None)`.
    pub fn handle(
        &mut self,
        display: &mut Display,
        event: &Event,
        now: core::time::Duration,
    ) -> Result<Option<WindowOutcome<M>>, ClientError> {
        let Some(event) = self.window.handle(display, event)? else { return Ok(None) };
        Ok(Some(match event {
            WindowEvent::Configure(configure) => {
                let size = self.window.buffer_size();
                let scale = if configure.scale > 0.0 { configure.scale } else { 1.0 };
                if !size.is_empty() {
                    self.ui.set_size(size.width, size.height, scale);
                }
                WindowOutcome::Nothing
            }
            WindowEvent::Close => WindowOutcome::Close,
            WindowEvent::PopupDone => WindowOutcome::Dismissed,
            WindowEvent::Keyboard(KeyboardEvent::Enter { .. }) => {
                self.focused = true;
                WindowOutcome::Nothing
            }
            WindowEvent::Keyboard(KeyboardEvent::Leave) => {
                self.focused = false;
                WindowOutcome::Nothing
            }
            WindowEvent::Keyboard(KeyboardEvent::Key(key)) => {
                WindowOutcome::Messages(self.ui.handle_event(InputEvent::Key(key), now))
            }
            WindowEvent::Pointer(pointer) => {
                WindowOutcome::Messages(self.ui.handle_event(InputEvent::Pointer(pointer), now))
            }
            WindowEvent::Touch(touch) => {
                WindowOutcome::Messages(self.ui.handle_event(InputEvent::Touch(touch), now))
            }
            WindowEvent::FrameDone | WindowEvent::BufferReleased => WindowOutcome::Nothing,
        }))
    }

    /// Advance animations and kinetic scrolling to `now`.
    pub fn animate(&mut self, now: core::time::Duration) {
        if self.ui.needs_frame() {
            self.ui.animate(now);
        }
    }

    /// Whether there is something to draw.
    pub fn wants_draw(&mut self) -> bool {
        self.frames == 0 || self.ui.has_damage()
    }

    /// Draw and present if there is something to draw and the compositor
    /// is ready for a frame. Returns whether a frame was presented.
    pub fn draw(&mut self, display: &mut Display) -> Result<bool, ClientError> {
        if !self.window.can_draw() || !self.wants_draw() {
            return Ok(false);
        }
        let Some(mut frame) = self.window.frame(display)? else { return Ok(false) };
        let size = frame.size();
        let stride = frame.stride() as usize;
        let scale = self.ui.scale();
        // A recycled buffer lacks what was drawn into the other one.
        for rect in frame.repaint() {
            self.ui.add_damage(rect);
        }
        let damage = match Canvas::new(frame.pixels_mut(), size.width, size.height, stride, scale) {
            Ok(mut canvas) => self.ui.render(&mut canvas),
            Err(_) => Vec::new(),
        };
        let rects: Vec<_> =
            damage.into_iter().map(to_compositor).filter(|r| r.width > 0 && r.height > 0).collect();
        frame.present(display, &rects)?;
        self.frames += 1;
        Ok(true)
    }
}
