//! The shell's view: the window list and window actions.

use alloc::vec::Vec;
use weft_compositor_api::shell::{ShellRequest, ShellResponse, WindowInfo};

use crate::Compositor;

impl Compositor {
    /// Every mapped window, bottom first.
    pub fn windows(&self) -> Vec<WindowInfo> {
        (0..self.windows.len()).filter(|i| self.windows[*i].mapped).map(|i| self.window_info(i)).collect()
    }

    /// Logical frame geometry of a window: content origin and size.
    pub fn window_geometry(
        &self,
        id: weft_compositor_api::shell::WindowId,
    ) -> Option<(i32, i32, weft_compositor_api::Size)> {
        let window = &self.windows[self.window_index(id)?];
        Some((window.x, window.y, window.size))
    }

    /// Handle a request from the shell; calls get a response.
    pub fn handle_shell_request(&mut self, request: ShellRequest) -> Option<ShellResponse> {
        match request {
            ShellRequest::Subscribe => {
                self.shell_subscribed = true;
                Some(ShellResponse::Windows(self.windows()))
            }
            ShellRequest::Windows => Some(ShellResponse::Windows(self.windows())),
            ShellRequest::Activate { window } => {
                if let Some(index) = self.window_index(window) {
                    self.activate(index);
                }
                None
            }
            ShellRequest::Minimize { window } => {
                if let Some(index) = self.window_index(window) {
                    self.minimize(index);
                }
                None
            }
            ShellRequest::Maximize { window, maximized } => {
                if let Some(index) = self.window_index(window) {
                    self.set_maximized(index, maximized);
                }
                None
            }
            ShellRequest::Close { window } => {
                if let Some(index) = self.window_index(window) {
                    self.request_close(index);
                }
                None
            }
        }
    }

    /// The shell went away: stop sending it events.
    pub fn shell_disconnected(&mut self) {
        self.shell_subscribed = false;
    }
}
