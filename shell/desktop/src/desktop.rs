//! The shell's state and event loop: one compositor connection driving
//! every shell surface, plus the shell protocol, the root manager, the
//! config service and the notification clients, all in one wait set.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;
use weft_clock_api::{ClockProtocol, ClockRequest, ClockResponse};
use weft_compositor_api::client::{ClientError, Display};
use weft_compositor_api::shell::{
    ShellEvent, ShellProtocol, ShellRequest, ShellResponse, Shortcut, WindowInfo,
};
use weft_compositor_api::{Anchor, CompositorProtocol, Event, KeyboardInteractivity, Layer, LayerRole, Size};
use weft_config_api::{ConfigEvent, ConfigProtocol, ConfigRequest, ConfigResponse, Value};
use weft_ipc::program::ProgramError;
use weft_ipc::{Client, LoopEvent, Protocol, ServiceLoop, Startup};
use weft_notify_api::NotifyProtocol;
use weft_root_api::{
    AppEntry, RootEvent, RootProtocol, RootRequest, RootResponse, ServiceState, ServiceStatus,
};
use weft_rt::{Deadline, Key, Signals};
use weft_theme::{Theme, ThemeKind};
use weft_toolkit::weft_types::InputEvent;

use crate::clock::WallClock;
use crate::launcher::{KeyOutcome, Launcher};
use crate::lock::{LockScreen, PASSWORD_KEY, accepts};
use crate::message::Message;
use crate::notifications::Notifications;
use crate::panel::{Panel, kind_of};
use crate::surface::{ShellSurface, SurfaceEvent};
use crate::switcher::Switcher;
use crate::wallpaper::Wallpaper;

/// The setting that picks the theme.
pub const THEME_KEY: &str = "appearance.theme";

const WATCH: Signals = Signals::READABLE.union(Signals::PEER_CLOSED);

/// Which surface an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Wallpaper,
    Panel,
    Launcher,
    Switcher,
    Toasts,
    Lock,
}

/// The running shell.
pub struct Shell {
    service: ServiceLoop,
    display: Display,
    display_key: Key,
    compositor: Client<ShellProtocol>,
    root: Client<RootProtocol>,
    config: Option<Client<ConfigProtocol>>,
    theme: Theme,
    clock: WallClock,
    wallpaper: ShellSurface<Message>,
    panel: Panel,
    launcher: Launcher,
    switcher: Switcher,
    notifications: Notifications,
    lock: LockScreen,
    locked: bool,
    windows: Vec<WindowInfo>,
    apps: Vec<AppEntry>,
    services: Vec<ServiceStatus>,
    next_tick: Duration,
}

fn client_error(error: ClientError) -> ProgramError {
    ProgramError(alloc::format!("compositor: {error}"))
}

impl Shell {
    /// Connect to everything, build the surfaces, and start serving.
    pub fn start(startup: &Startup) -> Result<Shell, ProgramError> {
        let namespace = startup.namespace();
        let mut service = ServiceLoop::new(startup)?;
        let display = Display::new(namespace.connect::<CompositorProtocol>()?);
        let display_key = service.watch(display.channel(), WATCH)?;
        let compositor = namespace.connect::<ShellProtocol>()?;
        let ShellResponse::Windows(windows) = compositor.call(&ShellRequest::Subscribe)?;
        service.watch(compositor.channel(), WATCH)?;
        let root = namespace.connect::<RootProtocol>()?;
        root.call(&RootRequest::Subscribe)?;
        service.watch(root.channel(), WATCH)?;
        let config = namespace.connect::<ConfigProtocol>().ok();
        let mut kind = ThemeKind::Light;
        if let Some(config) = &config {
            if let Ok(ConfigResponse::Value(value)) =
                config.call(&ConfigRequest::Get { key: THEME_KEY.into() })
            {
                kind = weft_app::theme_kind(value.as_ref());
            }
            let _ = config.call(&ConfigRequest::Watch { prefix: THEME_KEY.into() });
            service.watch(config.channel(), WATCH)?;
        }
        let theme = Theme::builtin(kind);
        let clock = wall_clock(startup);
        let mut wallpaper = ShellSurface::new(&theme);
        let root_id = wallpaper.ui.root();
        wallpaper.ui.adjust_layout(root_id, |style| style.fill_height = true);
        wallpaper.ui.add(root_id, Wallpaper);
        let mut shell = Shell {
            panel: Panel::new(&theme),
            launcher: Launcher::new(&theme),
            switcher: Switcher::new(&theme),
            notifications: Notifications::new(&theme),
            lock: LockScreen::new(&theme),
            wallpaper,
            service,
            display,
            display_key,
            compositor,
            root,
            config,
            theme,
            clock,
            locked: false,
            windows,
            apps: Vec::new(),
            services: Vec::new(),
            next_tick: Duration::ZERO,
        };
        shell.refresh_apps()?;
        shell.refresh_services()?;
        let background = LayerRole {
            layer: Layer::Background,
            anchor: Anchor::TOP | Anchor::BOTTOM | Anchor::LEFT | Anchor::RIGHT,
            size: Size::new(0, 0),
            exclusive_zone: 0,
            margin: 0,
            keyboard: KeyboardInteractivity::None,
        };
        shell.wallpaper.show(&mut shell.display, background).map_err(client_error)?;
        shell.panel.surface.show(&mut shell.display, Panel::role()).map_err(client_error)?;
        shell.panel.set_windows(&shell.windows, &shell.apps);
        shell.service.ready()?;
        weft_rt::info!(
            "shell ready: {} apps, {} windows, {} theme",
            shell.apps.len(),
            shell.windows.len(),
            shell.theme.name
        );
        Ok(shell)
    }

    /// Run until told to stop or the compositor goes away.
    pub fn run(mut self) -> Result<(), ProgramError> {
        loop {
            let now = weft_app::now();
            self.pump(now)?;
            if now >= self.next_tick {
                self.tick(now);
            }
            self.notifications.expire(now);
            self.place_toasts()?;
            for part in
                [Part::Wallpaper, Part::Panel, Part::Launcher, Part::Switcher, Part::Toasts, Part::Lock]
            {
                let display = &mut self.display;
                let surface = match part {
                    Part::Wallpaper => &mut self.wallpaper,
                    Part::Panel => &mut self.panel.surface,
                    Part::Launcher => &mut self.launcher.surface,
                    Part::Switcher => &mut self.switcher.surface,
                    Part::Toasts => &mut self.notifications.surface,
                    Part::Lock => &mut self.lock.surface,
                };
                surface.animate(now);
                surface.draw(display).map_err(client_error)?;
            }
            let mut wake = self.next_tick;
            for deadline in [
                self.notifications.deadline(),
                self.launcher.surface.deadline(now),
                self.lock.surface.deadline(now),
                self.panel.surface.deadline(now),
            ]
            .into_iter()
            .flatten()
            {
                wake = wake.min(deadline);
            }
            let deadline = Deadline::at(wake.as_nanos() as u64);
            match self.service.next(deadline)? {
                LoopEvent::Connection { protocol, client, channel } if protocol == NotifyProtocol::NAME => {
                    self.notifications.clients.add(&mut self.service.waitset, channel, client)?;
                }
                LoopEvent::Connection { .. } => {}
                LoopEvent::Stop => return Ok(()),
                LoopEvent::Signals { key, observed } if self.notifications.clients.owns(key) => {
                    self.serve_notifications(key, observed, now);
                }
                LoopEvent::Signals { key, observed }
                    if key == self.display_key
                        && observed.contains(Signals::PEER_CLOSED)
                        && !observed.contains(Signals::READABLE) =>
                {
                    return Err(ProgramError(String::from("the compositor went away")));
                }
                _ => {}
            }
        }
    }

    /// Handle everything waiting on the compositor, shell, root and config
    /// connections.
    fn pump(&mut self, now: Duration) -> Result<(), ProgramError> {
        let mut messages = Vec::new();
        while let Some(event) = self.display.try_event().map_err(client_error)? {
            self.route(&event, now, &mut messages)?;
        }
        loop {
            match self.compositor.try_event() {
                Ok(Some((event, _))) => self.shell_event(event)?,
                Ok(None) => break,
                Err(error) => return Err(ProgramError(alloc::format!("shell protocol: {error}"))),
            }
        }
        let mut refresh = false;
        while let Ok(Some((RootEvent::Changed(status), _))) = self.root.try_event() {
            refresh |= self.apps.iter().any(|app| app.name == status.name)
                || !self.services.iter().any(|s| s.name == status.name);
            match self.services.iter_mut().find(|service| service.name == status.name) {
                Some(service) => *service = status,
                None => self.services.push(status),
            }
            self.show_health();
        }
        if refresh {
            self.refresh_apps()?;
        }
        let mut theme = None;
        if let Some(config) = &self.config {
            while let Ok(Some((ConfigEvent::Changed { key, value }, _))) = config.try_event() {
                if key == THEME_KEY {
                    theme = Some(weft_app::theme_kind(value.as_ref()));
                }
            }
        }
        if let Some(kind) = theme {
            self.set_theme(kind);
        }
        for message in messages {
            self.update(message, now)?;
        }
        Ok(())
    }

    /// Offer a compositor event to each surface until one takes it.
    fn route(
        &mut self,
        event: &Event,
        now: Duration,
        messages: &mut Vec<Message>,
    ) -> Result<(), ProgramError> {
        for part in [Part::Panel, Part::Launcher, Part::Lock, Part::Toasts, Part::Switcher, Part::Wallpaper] {
            let display = &mut self.display;
            let surface = match part {
                Part::Wallpaper => &mut self.wallpaper,
                Part::Panel => &mut self.panel.surface,
                Part::Launcher => &mut self.launcher.surface,
                Part::Switcher => &mut self.switcher.surface,
                Part::Toasts => &mut self.notifications.surface,
                Part::Lock => &mut self.lock.surface,
            };
            match surface.handle(display, event, now).map_err(client_error)? {
                None => continue,
                Some(SurfaceEvent::Messages(list)) => messages.extend(list),
                Some(SurfaceEvent::Key(key)) if part == Part::Launcher => match self.launcher.key(&key) {
                    KeyOutcome::Handled => {}
                    KeyOutcome::Launch(name) => messages.push(Message::Launch(name)),
                    KeyOutcome::Close => messages.push(Message::CloseLauncher),
                    KeyOutcome::Search => {
                        messages.extend(self.launcher.surface.ui.handle_event(InputEvent::Key(key), now));
                    }
                },
                Some(_) => {}
            }
            return Ok(());
        }
        Ok(())
    }

    fn shell_event(&mut self, event: ShellEvent) -> Result<(), ProgramError> {
        match event {
            ShellEvent::WindowAdded(info) => {
                self.windows.retain(|window| window.id != info.id);
                self.windows.push(info);
            }
            ShellEvent::WindowChanged(info) => {
                match self.windows.iter_mut().find(|window| window.id == info.id) {
                    Some(window) => *window = info,
                    None => self.windows.push(info),
                }
            }
            ShellEvent::WindowRemoved { window } => self.windows.retain(|info| info.id != window),
            ShellEvent::Shortcut(shortcut) => return self.shortcut(shortcut),
        }
        self.panel.set_windows(&self.windows, &self.apps);
        Ok(())
    }

    fn shortcut(&mut self, shortcut: Shortcut) -> Result<(), ProgramError> {
        if self.locked {
            return Ok(());
        }
        match shortcut {
            Shortcut::SwitchNext | Shortcut::SwitchPrevious => {
                let backwards = shortcut == Shortcut::SwitchPrevious;
                if self.switcher.is_open() {
                    self.switcher.step(backwards);
                } else if let Some(role) =
                    self.switcher.open(&self.windows, &self.apps, &self.theme, backwards)
                {
                    self.switcher.surface.show(&mut self.display, role).map_err(client_error)?;
                }
            }
            Shortcut::SwitchCommit => {
                if let Some(window) = self.switcher.selection().filter(|_| self.switcher.is_open()) {
                    self.compositor.send(&ShellRequest::Activate { window })?;
                }
                self.switcher.surface.hide(&self.display).map_err(client_error)?;
            }
            Shortcut::SwitchCancel => self.switcher.surface.hide(&self.display).map_err(client_error)?,
            Shortcut::Launcher => self.set_launcher(!self.launcher.surface.is_shown())?,
            Shortcut::Lock => self.set_locked(true)?,
        }
        Ok(())
    }

    fn update(&mut self, message: Message, now: Duration) -> Result<(), ProgramError> {
        match message {
            Message::ToggleLauncher => self.set_launcher(!self.launcher.surface.is_shown())?,
            Message::CloseLauncher => self.set_launcher(false)?,
            Message::Search(query) => self.launcher.set_query(query, &self.apps),
            Message::Launch(name) => {
                self.set_launcher(false)?;
                weft_rt::info!("launching {name}");
                match self.root.call(&RootRequest::Launch { name: name.clone() })? {
                    RootResponse::Ok => {}
                    other => {
                        weft_rt::warn!("launching {name} failed: {other:?}");
                        let title = self
                            .apps
                            .iter()
                            .find(|app| app.name == name)
                            .map_or(name.clone(), |app| app.title.clone());
                        self.notifications.post_local(
                            alloc::format!("Could not open {title}"),
                            String::from("The app did not start. Its log has the details."),
                            now,
                        );
                    }
                }
            }
            Message::Activate(window) => {
                self.set_launcher(false)?;
                self.compositor.send(&ShellRequest::Activate { window })?;
                if self.switcher.is_open() {
                    self.switcher.surface.hide(&self.display).map_err(client_error)?;
                }
            }
            Message::Minimize(window) => self.compositor.send(&ShellRequest::Minimize { window })?,
            Message::ToggleTheme => {
                let next = kind_of(&self.theme).toggled();
                let stored = self.config.as_ref().is_some_and(|config| {
                    let value =
                        Value::Text(String::from(if next == ThemeKind::Dark { "dark" } else { "light" }));
                    matches!(
                        config.call(&ConfigRequest::Set { key: THEME_KEY.into(), value }),
                        Ok(ConfigResponse::Ok)
                    )
                });
                if !stored {
                    // No config service: switch the shell alone.
                    self.set_theme(next);
                }
            }
            Message::Lock => self.set_locked(true)?,
            Message::Unlock(attempt) => {
                let stored = self.password_hash();
                if accepts(stored.as_deref(), &attempt) {
                    self.set_locked(false)?;
                } else {
                    weft_rt::info!("lock screen: wrong password");
                    self.lock.set_message("Wrong password. Try again.", true);
                }
            }
            Message::ToastActivated(key) => self.notifications.close(key, true),
            Message::ToastDismissed(key) => self.notifications.close(key, false),
        }
        Ok(())
    }

    fn set_launcher(&mut self, open: bool) -> Result<(), ProgramError> {
        if open == self.launcher.surface.is_shown() || (open && self.locked) {
            return Ok(());
        }
        if open {
            self.refresh_apps()?;
            self.launcher.reset(&self.apps);
            self.launcher.surface.show(&mut self.display, Launcher::role()).map_err(client_error)?;
        } else {
            self.launcher.surface.hide(&self.display).map_err(client_error)?;
        }
        self.panel.set_launcher_open(open);
        Ok(())
    }

    fn set_locked(&mut self, locked: bool) -> Result<(), ProgramError> {
        if locked == self.locked {
            return Ok(());
        }
        self.locked = locked;
        if locked {
            self.set_launcher(false)?;
            self.switcher.surface.hide(&self.display).map_err(client_error)?;
            let password_set = self.password_hash().is_some_and(|hash| !hash.trim().is_empty());
            self.lock.reset(password_set);
            self.lock.set_time(&self.clock.at(weft_app::now()));
            self.lock.surface.show(&mut self.display, LockScreen::role()).map_err(client_error)?;
            weft_rt::info!("screen locked");
        } else {
            self.lock.surface.hide(&self.display).map_err(client_error)?;
            weft_rt::info!("screen unlocked");
        }
        self.notifications.invalidate();
        Ok(())
    }

    fn password_hash(&self) -> Option<String> {
        let config = self.config.as_ref()?;
        match config.call(&ConfigRequest::Get { key: PASSWORD_KEY.into() }) {
            Ok(ConfigResponse::Value(Some(Value::Text(hash)))) => Some(hash),
            _ => None,
        }
    }

    fn set_theme(&mut self, kind: ThemeKind) {
        if kind == kind_of(&self.theme) {
            return;
        }
        self.theme = Theme::builtin(kind);
        let theme = self.theme.clone();
        self.wallpaper.set_theme(&theme);
        self.panel.set_theme(&theme);
        self.launcher.surface.set_theme(&theme);
        self.switcher.surface.set_theme(&theme);
        self.notifications.surface.set_theme(&theme);
        self.lock.surface.set_theme(&theme);
        self.show_health();
        weft_rt::info!("shell theme: {}", theme.name);
    }

    /// Once a minute: the clock.
    fn tick(&mut self, now: Duration) {
        let time = self.clock.at(now);
        let text = alloc::format!("{}  {}", time.short_date(), time.clock());
        self.panel.set_clock(&text);
        if self.locked {
            self.lock.set_time(&time);
        }
        self.next_tick = self.clock.next_minute(now);
    }

    fn refresh_apps(&mut self) -> Result<(), ProgramError> {
        if let RootResponse::Apps(apps) = self.root.call(&RootRequest::Apps)?
            && apps != self.apps
        {
            self.apps = apps;
            self.panel.set_windows(&self.windows, &self.apps);
            if self.launcher.surface.is_shown() {
                self.launcher.set_apps(&self.apps);
            }
        }
        Ok(())
    }

    fn refresh_services(&mut self) -> Result<(), ProgramError> {
        if let RootResponse::Services(services) = self.root.call(&RootRequest::Services)? {
            self.services = services;
            self.show_health();
        }
        Ok(())
    }

    fn show_health(&mut self) {
        let failing: Vec<String> = self
            .services
            .iter()
            .filter(|service| matches!(service.state, ServiceState::Failed | ServiceState::Restarting))
            .map(|service| service.name.clone())
            .collect();
        let running = self.services.iter().filter(|service| service.state == ServiceState::Running).count();
        self.panel.set_health(&self.theme, &failing, running);
    }

    fn serve_notifications(&mut self, key: Key, observed: Signals, now: Duration) {
        let mut clients = core::mem::take(&mut self.notifications.clients);
        let notifications = &mut self.notifications;
        let apps = &self.apps;
        let alive = clients.serve(&mut self.service.waitset, key, observed, |connection, incoming| {
            Some((notifications.request(key, &connection.client, incoming.request, apps, now), Vec::new()))
        });
        self.notifications.clients = clients;
        if !alive {
            self.notifications.forget_client(key);
        }
    }

    /// Show, move or hide the toast stack after notifications changed.
    fn place_toasts(&mut self) -> Result<(), ProgramError> {
        let Some(change) = self.notifications.layout(&self.theme, self.locked) else { return Ok(()) };
        self.notifications.surface.hide(&self.display).map_err(client_error)?;
        if let Some(role) = change {
            self.notifications.surface.show(&mut self.display, role).map_err(client_error)?;
        }
        Ok(())
    }
}

/// The time of day: the board's `wall-clock` argument (hosted), else the
/// `weft.clock` service (a real-time clock driver), else a fixed start.
fn wall_clock(startup: &Startup) -> WallClock {
    let offset = startup.arg("utc-offset");
    let clock = WallClock::new(startup.arg("wall-clock"), offset);
    if clock.known {
        return clock;
    }
    let reading = startup
        .namespace()
        .connect::<ClockProtocol>()
        .map_err(|error| alloc::format!("{error}"))
        .and_then(|service| service.call(&ClockRequest::Now).map_err(|error| alloc::format!("{error}")));
    match reading {
        Ok(ClockResponse::Now { unix_ms, monotonic_ns }) => {
            WallClock::from_reading(unix_ms, monotonic_ns, offset)
        }
        Ok(ClockResponse::Error(why)) | Err(why) => {
            weft_rt::warn!("no wall clock ({why}): the clock counts from 2025-01-01 00:00");
            clock
        }
    }
}
