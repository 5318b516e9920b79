//! Notifications: the `weft.notifications` service and its toasts.
//!
//! Apps post notifications over `weft.notifications`; each becomes a toast
//! stacked (newest on top) below the panel in the middle of the screen,
//! labelled with the posting app's title and icon as the root manager
//! lists them. A toast closes when its time runs out, when the user
//! clicks it (the app hears `Activated`) or its close button
//! (`Dismissed`), or when the app withdraws it. While the screen is locked
//! toasts are held back, and they reappear on unlock.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;
use weft_compositor_api::{Anchor, KeyboardInteractivity, Layer, LayerRole, Size};
use weft_ipc::{ClientInfo, Clients};
use weft_notify_api::{
    CloseReason, MAX_LIVE_PER_CLIENT, Notification, NotificationId, NotifyError, NotifyEvent, NotifyProtocol,
    NotifyRequest, NotifyResponse, Urgency,
};
use weft_root_api::AppEntry;
use weft_rt::Key;
use weft_theme::Theme;
use weft_toolkit::Align;

use crate::message::Message;
use crate::panel::PANEL_HEIGHT;
use crate::surface::ShellSurface;
use crate::widgets::{TOAST_WIDTH, Toast, ToastContent, toast_height};

/// Most toasts on screen at once; older ones wait.
pub const MAX_SHOWN: usize = 4;
const GAP: f32 = 10.0;
const SIDE: f32 = 28.0;
const TOP: f32 = 10.0;

/// One live notification.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Shell-wide key (toast messages carry it).
    pub key: u64,
    /// The posting connection (`None`: the shell itself).
    pub client: Option<Key>,
    /// Its id on that connection.
    pub id: NotificationId,
    /// What the toast shows.
    pub content: ToastContent,
    /// When it expires (monotonic), if it does.
    pub expires: Option<Duration>,
}

/// The notification service and its toasts.
pub struct Notifications {
    /// The toast stack's surface.
    pub surface: ShellSurface<Message>,
    /// Connected apps.
    pub clients: Clients<NotifyProtocol>,
    entries: Vec<Entry>,
    shown: Vec<(u64, ToastContent)>,
    next_key: u64,
    next_id: u32,
    /// Set when the toasts on screen must be rebuilt.
    dirty: bool,
}

/// The app a connection belongs to, for the toast's header and icon.
fn app_of<'a>(client: &ClientInfo, apps: &'a [AppEntry]) -> Option<&'a AppEntry> {
    apps.iter().find(|app| app.name == client.name)
}

impl Notifications {
    /// No notifications yet.
    pub fn new(theme: &Theme) -> Notifications {
        let mut surface = ShellSurface::new(theme);
        let ui = &mut surface.ui;
        ui.adjust_layout(ui.root(), |style| {
            style.gap = GAP;
            style.padding = weft_toolkit::Insets { top: TOP, right: SIDE, bottom: SIDE, left: SIDE };
            style.align_items = Align::Center;
        });
        Notifications {
            surface,
            clients: Clients::new(),
            entries: Vec::new(),
            shown: Vec::new(),
            next_key: 1,
            next_id: 1,
            dirty: false,
        }
    }

    /// Live notifications, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Handle one request from the connection `client_key`.
    pub fn request(
        &mut self,
        client_key: Key,
        client: &ClientInfo,
        request: NotifyRequest,
        apps: &[AppEntry],
        now: Duration,
    ) -> NotifyResponse {
        match request {
            NotifyRequest::Notify(notification) => {
                if let Err(error) = notification.validate() {
                    return NotifyResponse::Error(error);
                }
                if self.entries.iter().filter(|entry| entry.client == Some(client_key)).count()
                    >= MAX_LIVE_PER_CLIENT
                {
                    return NotifyResponse::Error(NotifyError::TooMany);
                }
                let id = NotificationId(self.next_id);
                self.next_id += 1;
                let key = self.next_key;
                self.next_key += 1;
                let entry = Entry {
                    key,
                    client: Some(client_key),
                    id,
                    content: content(client, &notification, apps),
                    expires: notification.lifetime_ms().map(|ms| now + Duration::from_millis(u64::from(ms))),
                };
                weft_rt::info!("notification from {}: {}", client.name, notification.title);
                self.entries.push(entry);
                self.dirty = true;
                NotifyResponse::Posted(id)
            }
            NotifyRequest::Replace { id, notification } => {
                if let Err(error) = notification.validate() {
                    return NotifyResponse::Error(error);
                }
                let Some(entry) =
                    self.entries.iter_mut().find(|e| e.client == Some(client_key) && e.id == id)
                else {
                    return NotifyResponse::Error(NotifyError::NotFound);
                };
                entry.content = content(client, &notification, apps);
                entry.expires =
                    notification.lifetime_ms().map(|ms| now + Duration::from_millis(u64::from(ms)));
                self.dirty = true;
                NotifyResponse::Posted(id)
            }
            NotifyRequest::Withdraw { id } => {
                match self.entries.iter().position(|e| e.client == Some(client_key) && e.id == id) {
                    Some(index) => {
                        self.entries.remove(index);
                        self.dirty = true;
                        NotifyResponse::Ok
                    }
                    None => NotifyResponse::Error(NotifyError::NotFound),
                }
            }
        }
    }

    /// Close the toast `key`, telling its app why.
    pub fn close(&mut self, key: u64, activated: bool) {
        let Some(index) = self.entries.iter().position(|entry| entry.key == key) else { return };
        let entry = self.entries.remove(index);
        let event = if activated {
            NotifyEvent::Activated { id: entry.id }
        } else {
            NotifyEvent::Closed { id: entry.id, reason: CloseReason::Dismissed }
        };
        if let Some(connection) = entry.client.and_then(|client| self.clients.get(client)) {
            let _ = connection.emit(&event);
        }
        self.dirty = true;
    }

    /// A client went away: forget its notifications.
    pub fn forget_client(&mut self, client_key: Key) {
        let before = self.entries.len();
        self.entries.retain(|entry| entry.client != Some(client_key));
        self.dirty |= self.entries.len() != before;
    }

    /// Expire what timed out by `now`.
    pub fn expire(&mut self, now: Duration) {
        let mut expired = Vec::new();
        self.entries.retain(|entry| {
            let gone = entry.expires.is_some_and(|at| at <= now);
            if gone {
                expired.push((entry.client, entry.id));
            }
            !gone
        });
        for (client, id) in &expired {
            if let Some(connection) = client.and_then(|client| self.clients.get(client)) {
                let _ = connection.emit(&NotifyEvent::Closed { id: *id, reason: CloseReason::Expired });
            }
        }
        self.dirty |= !expired.is_empty();
    }

    /// A notification from the shell itself (a failed launch).
    pub fn post_local(&mut self, title: String, body: String, now: Duration) {
        let key = self.next_key;
        self.next_key += 1;
        let id = NotificationId(0);
        let content = ToastContent {
            app: String::from("shell"),
            app_title: String::from("Weft"),
            icon: String::from("warning"),
            title,
            body,
            critical: false,
        };
        let expires = Some(now + Duration::from_millis(u64::from(weft_notify_api::DEFAULT_TIMEOUT_MS)));
        self.entries.push(Entry { key, client: None, id, content, expires });
        self.dirty = true;
    }

    /// Re-place the toasts on the next pass (after locking or unlocking).
    pub fn invalidate(&mut self) {
        self.dirty = true;
    }

    /// The next expiry, if any toast expires.
    pub fn deadline(&self) -> Option<Duration> {
        self.entries.iter().filter_map(|entry| entry.expires).min()
    }

    /// Whether the toasts on screen must change; if so, the toasts to show
    /// (newest first) and the layer role sized for them (`None`: hide).
    pub fn layout(&mut self, theme: &Theme, locked: bool) -> Option<Option<LayerRole>> {
        let wanted: Vec<(u64, ToastContent)> = if locked {
            Vec::new()
        } else {
            self.entries
                .iter()
                .rev()
                .take(MAX_SHOWN)
                .map(|entry| (entry.key, entry.content.clone()))
                .collect()
        };
        if !self.dirty && wanted == self.shown && self.surface.is_shown() != wanted.is_empty() {
            return None;
        }
        self.dirty = false;
        let ui = &mut self.surface.ui;
        ui.clear_children(ui.root());
        let mut height = TOP + SIDE;
        for (index, (key, content)) in wanted.iter().enumerate() {
            height += toast_height(ui.text_system(), theme, content) + if index > 0 { GAP } else { 0.0 };
            let root = ui.root();
            ui.add(
                root,
                Toast::new(content.clone(), Message::ToastActivated(*key), Message::ToastDismissed(*key)),
            );
        }
        self.shown = wanted;
        if self.shown.is_empty() {
            return Some(None);
        }
        Some(Some(LayerRole {
            layer: Layer::Overlay,
            anchor: Anchor::TOP,
            size: Size::new((TOAST_WIDTH + SIDE * 2.0) as u32, crate::widgets::ceil(height) as u32),
            exclusive_zone: 0,
            margin: PANEL_HEIGHT,
            keyboard: KeyboardInteractivity::None,
        }))
    }
}

fn content(client: &ClientInfo, notification: &Notification, apps: &[AppEntry]) -> ToastContent {
    let app = app_of(client, apps);
    let icon = if !notification.icon.is_empty() {
        notification.icon.clone()
    } else {
        app.map(|app| app.icon.clone()).unwrap_or_else(|| String::from("bell"))
    };
    ToastContent {
        app: client.name.clone(),
        app_title: app.map(|app| app.title.clone()).unwrap_or_else(|| client.name.clone()),
        icon,
        title: notification.title.clone(),
        body: notification.body.clone(),
        critical: notification.urgency == Urgency::Critical,
    }
}
