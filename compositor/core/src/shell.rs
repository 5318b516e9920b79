//! The shell's view: the window list and window actions.

use alloc::vec::Vec;
use weft_compositor_api::shell::{ShellRequest, ShellResponse, WindowInfo};

use crate::Compositor;

impl Compositor {
    /// Every mapped window, bottom first.
    pub fn windows(&self) -> Vec<WindowInfo> {
        let focus = self.input.focus();
        self.windows
            .iter()
            .filter(|w| w.mapped)
            .map(|w| w.info(&self.clients, focus == Some(w.key)))
            .collect()
    }

    /// Handle a request from the shell; calls get a response.
    pub fn handle_shell_request(&mut self, request: ShellRequest) -> Option<ShellResponse> {
        match request {
            ShellRequest::Subscribe => {
                self.outbox.set_shell_subscribed(true);
                Some(ShellResponse::Windows(self.windows()))
            }
            ShellRequest::Windows => Some(ShellResponse::Windows(self.windows())),
            ShellRequest::Activate { window } => {
                if let Some(index) = self.windows.index(window) {
                    let (input, mut desk) = self.desk();
                    desk.activate(index, input);
                }
                None
            }
            ShellRequest::Minimize { window } => {
                if let Some(index) = self.windows.index(window) {
                    let (input, mut desk) = self.desk();
                    desk.minimize(index, input);
                }
                None
            }
            ShellRequest::Maximize { window, maximized } => {
                if let Some(index) = self.windows.index(window) {
                    let (input, mut desk) = self.desk();
                    desk.set_maximized(index, maximized, input.focus());
                }
                None
            }
            ShellRequest::Close { window } => {
                if let Some(window) = self.windows.by_id(window) {
                    window.ask_to_close(&mut self.outbox);
                }
                None
            }
        }
    }

    /// The shell went away: stop sending it events.
    pub fn shell_disconnected(&mut self) {
        self.outbox.set_shell_subscribed(false);
    }
}
