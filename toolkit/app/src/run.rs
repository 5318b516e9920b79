//! The event loop of an app with one toplevel window.

use alloc::string::String;
use core::time::Duration;
use weft_abi::{Error, Signals};
use weft_compositor_api::client::{Display, Window};
use weft_compositor_api::{Event, Request, Size, ToplevelRole};
use weft_ipc::program::ProgramError;
use weft_rt::{Deadline, Key, Ready, Timer, WaitSet};
use weft_toolkit::Ui;

use crate::context::Context;
use crate::theme::ThemeFollower;
use crate::window::{UiWindow, WindowOutcome};

/// An app: builds its widgets, reacts to their messages.
pub trait App: 'static {
    /// What the app's widgets send it.
    type Message: 'static;

    /// Build the widget tree (called once, before the first frame).
    fn build(&mut self, ui: &mut Ui<Self::Message>, context: &mut Context);

    /// React to a message from the widgets.
    fn update(&mut self, ui: &mut Ui<Self::Message>, message: Self::Message, context: &mut Context);

    /// A handle the app watches (with [`Context::watch`]) raised signals.
    fn wake(&mut self, _ui: &mut Ui<Self::Message>, _key: Key, _observed: Signals, _context: &mut Context) {}

    /// A timer set with [`Context::schedule`] fired.
    fn timer(&mut self, _ui: &mut Ui<Self::Message>, _id: u64, _context: &mut Context) {}

    /// The user asked to close the window; return false to stay open.
    fn close_requested(&mut self, _ui: &mut Ui<Self::Message>, _context: &mut Context) -> bool {
        true
    }
}

/// The app's window.
#[derive(Clone, Debug)]
pub struct WindowOptions {
    /// Title.
    pub title: String,
    /// Application id (icons, grouping).
    pub app_id: String,
    /// Preferred content size, logical pixels.
    pub size: (u32, u32),
    /// Smallest content size, logical pixels.
    pub min_size: (u32, u32),
}

/// Keys the loop itself watches.
const TIMER_KEY_NONE: Key = 0;

/// Run `app` in a toplevel window until it quits or its window is closed.
pub fn run<A: App>(options: WindowOptions, mut app: A) -> Result<(), ProgramError> {
    let mut display = Display::connect().map_err(|e| ProgramError(alloc::format!("compositor: {e:?}")))?;
    let mut theme = ThemeFollower::connect();
    let role = ToplevelRole {
        title: options.title.clone(),
        app_id: options.app_id.clone(),
        size: Size::new(options.size.0, options.size.1),
        min_size: Size::new(options.min_size.0, options.min_size.1),
    };
    let window = Window::toplevel(&mut display, role).map_err(|e| ProgramError(alloc::format!("{e:?}")))?;
    let mut surface: UiWindow<A::Message> = UiWindow::new(window, Ui::new(theme.theme()));

    let mut waitset = WaitSet::new()?;
    let display_key = waitset.add(display.channel(), Signals::READABLE | Signals::PEER_CLOSED)?;
    let theme_key = match theme.channel() {
        Some(channel) => waitset.add(channel, Signals::READABLE | Signals::PEER_CLOSED)?,
        None => TIMER_KEY_NONE,
    };
    let timer = Timer::create()?;
    let timer_key = waitset.add(&timer, Signals::SIGNALED)?;
    let mut context = Context::new(waitset);
    app.build(&mut surface.ui, &mut context);

    loop {
        let now = crate::now();
        context.set_now(now);
        // Compositor events.
        loop {
            let event = match display.try_event() {
                Ok(Some(event)) => event,
                Ok(None) => break,
                Err(error) => return Err(ProgramError(alloc::format!("compositor connection: {error:?}"))),
            };
            if let Event::Error(error) = &event {
                return Err(ProgramError(alloc::format!("the compositor disconnected us: {error:?}")));
            }
            let outcome = surface
                .handle(&mut display, &event, now)
                .map_err(|e| ProgramError(alloc::format!("{e:?}")))?;
            match outcome {
                Some(WindowOutcome::Messages(messages)) => {
                    for message in messages {
                        app.update(&mut surface.ui, message, &mut context);
                    }
                }
                Some(WindowOutcome::Close) if app.close_requested(&mut surface.ui, &mut context) => {
                    context.quit();
                }
                _ => {}
            }
        }
        for id in context.take_due() {
            app.timer(&mut surface.ui, id, &mut context);
        }
        for message in surface.ui.take_messages() {
            app.update(&mut surface.ui, message, &mut context);
        }
        if context.quit {
            let _ = surface.window.destroy(&display);
            return Ok(());
        }
        if let Some(title) = context.title.take() {
            let _ = display.send(&Request::SetTitle { surface: surface.window.surface(), title });
        }
        surface.animate(now);
        surface.draw(&mut display).map_err(|e| ProgramError(alloc::format!("{e:?}")))?;

        // Sleep until the next event, animation step or app timer.
        let mut wake_at: Option<Duration> = context.next_timer();
        if surface.ui.needs_frame() {
            let next = surface.ui.next_deadline().unwrap_or(now + Duration::from_millis(16));
            wake_at = Some(wake_at.map_or(next, |at| at.min(next)));
        }
        match wake_at {
            Some(at) => timer.set(Deadline::at(at.as_nanos() as u64))?,
            None => timer.cancel()?,
        }
        match context.waitset.wait(Deadline::INFINITE) {
            Ok(Ready::Signals { key, observed }) => {
                if key == display_key
                    && observed.contains(Signals::PEER_CLOSED)
                    && display.try_event().ok().flatten().is_none()
                {
                    return Err(ProgramError(String::from("the compositor went away")));
                }
                if key == theme_key && theme_key != TIMER_KEY_NONE {
                    if let Some(new_theme) = theme.poll() {
                        surface.ui.set_theme(new_theme);
                    }
                } else if context.watched.contains(&key) {
                    app.wake(&mut surface.ui, key, observed, &mut context);
                } else if key == timer_key {
                    timer.cancel()?;
                }
            }
            Ok(Ready::User { .. }) => {}
            Err(Error::TimedOut) => {}
            Err(error) => return Err(error.into()),
        }
    }
}
