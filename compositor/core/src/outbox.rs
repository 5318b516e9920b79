//! Events waiting for the service to deliver, and the serials configures carry.

use alloc::vec::Vec;
use weft_compositor_api::capture::CaptureEvent;
use weft_compositor_api::shell::ShellEvent;
use weft_compositor_api::{Configure, Event, Size, WindowStates};

use crate::Outgoing;
use crate::state::{ClientId, SurfaceKey};

/// Everything produced since the service last took it, in order.
#[derive(Default)]
pub(crate) struct Outbox {
    events: Vec<Outgoing>,
    /// Whether the shell listens: its events are dropped otherwise.
    shell: bool,
    serial: u32,
}

impl Outbox {
    /// An event for a client.
    pub fn client(&mut self, client: ClientId, event: Event) {
        self.events.push(Outgoing::Client(client, event));
    }

    /// Tell a surface its size, scale and states, with the next serial.
    pub fn configure(&mut self, key: SurfaceKey, size: Size, scale: f32, states: WindowStates) {
        self.serial = self.serial.wrapping_add(1);
        let serial = self.serial;
        self.client(key.0, Event::Configure(Configure { surface: key.1, serial, size, scale, states }));
    }

    /// Whether the shell is subscribed.
    pub fn shell_subscribed(&self) -> bool {
        self.shell
    }

    pub fn set_shell_subscribed(&mut self, subscribed: bool) {
        self.shell = subscribed;
    }

    /// An event for the shell while it is subscribed; `event` is only
    /// built then (window infos cost a few strings).
    pub fn shell(&mut self, event: impl FnOnce() -> ShellEvent) {
        if self.shell {
            self.events.push(Outgoing::Shell(event()));
        }
    }

    /// An event for the capture consumer (the caller knows it listens).
    pub fn capture(&mut self, event: CaptureEvent) {
        self.events.push(Outgoing::Capture(event));
    }

    pub fn take(&mut self) -> Vec<Outgoing> {
        core::mem::take(&mut self.events)
    }

    /// Forget what was queued for a client that is gone.
    pub fn drop_client(&mut self, client: ClientId) {
        self.events.retain(|o| !matches!(o, Outgoing::Client(c, _) if *c == client));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_compositor_api::SurfaceId;
    use weft_compositor_api::shell::{Shortcut, WindowId};

    const A: ClientId = ClientId(1);
    const B: ClientId = ClientId(2);

    #[test]
    fn shell_events_wait_for_a_subscription() {
        let mut outbox = Outbox::default();
        outbox.shell(|| ShellEvent::Shortcut(Shortcut::Lock));
        assert!(outbox.take().is_empty());
        outbox.set_shell_subscribed(true);
        outbox.shell(|| ShellEvent::WindowRemoved { window: WindowId(4) });
        assert_eq!(outbox.take(), [Outgoing::Shell(ShellEvent::WindowRemoved { window: WindowId(4) })]);
        assert!(outbox.take().is_empty(), "taking empties it");
    }

    #[test]
    fn configures_count_serials_and_a_gone_client_loses_its_events() {
        let mut outbox = Outbox::default();
        outbox.configure((A, SurfaceId(1)), Size::new(10, 20), 2.0, WindowStates::empty());
        outbox.client(B, Event::Close { surface: SurfaceId(3) });
        outbox.configure((A, SurfaceId(2)), Size::new(1, 1), 1.0, WindowStates::ACTIVATED);
        outbox.drop_client(B);
        let serials: Vec<u32> = outbox
            .take()
            .into_iter()
            .map(|o| match o {
                Outgoing::Client(A, Event::Configure(c)) => c.serial,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(serials, [1, 2]);
    }
}
