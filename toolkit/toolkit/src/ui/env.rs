//! What widgets reach through their contexts: theme, text system,
//! clipboard, the messages they emit and the current time.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use weft_paint::Rect;
use weft_text::TextSystem;
use weft_theme::Theme;

use crate::widget::{Effects, EventContext, MeasureContext, WidgetState};

/// The UI's shared resources, lent to one widget call at a time.
pub(crate) struct Env<M> {
    pub theme: Theme,
    pub text: TextSystem,
    /// Messages emitted since the app last took them.
    pub messages: Vec<M>,
    pub clipboard: String,
    /// The latest time the UI was given; never goes back.
    pub now: Duration,
}

impl<M> Env<M> {
    /// Resources for `theme`, at time zero with an empty clipboard.
    pub fn new(theme: Theme) -> Env<M> {
        Env {
            theme,
            text: TextSystem::new(),
            messages: Vec::new(),
            clipboard: String::new(),
            now: Duration::ZERO,
        }
    }

    /// Moves the clock to `now`, unless it is already later (callers'
    /// clocks may disagree slightly; time must not run backwards).
    pub fn advance(&mut self, now: Duration) {
        self.now = self.now.max(now);
    }

    /// A context for calling one widget with bounds `rect` in `state`.
    pub fn event_context(&mut self, rect: Rect, state: WidgetState) -> EventContext<'_, M> {
        EventContext {
            theme: &self.theme,
            text: &mut self.text,
            messages: &mut self.messages,
            clipboard: &mut self.clipboard,
            rect,
            state,
            now: self.now,
            effects: Effects::default(),
        }
    }

    /// A context for measuring widgets.
    pub fn measure_context(&mut self) -> MeasureContext<'_> {
        MeasureContext { theme: &self.theme, text: &mut self.text }
    }

    /// Takes the messages emitted so far.
    pub fn take_messages(&mut self) -> Vec<M> {
        core::mem::take(&mut self.messages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_never_goes_back() {
        let mut env = Env::<()>::new(Theme::light());
        env.advance(Duration::from_millis(20));
        env.advance(Duration::from_millis(5));
        assert_eq!(env.now, Duration::from_millis(20));
    }

    #[test]
    fn widget_calls_reach_messages_and_clipboard() {
        let mut env = Env::<u32>::new(Theme::light());
        env.advance(Duration::from_millis(7));
        let rect = Rect::new(1.0, 2.0, 3.0, 4.0);
        let mut cx = env.event_context(rect, WidgetState::default());
        assert_eq!((cx.rect(), cx.now()), (rect, Duration::from_millis(7)));
        cx.emit(1);
        cx.emit(2);
        cx.set_clipboard(String::from("copied"));
        cx.request_paint();
        assert!(cx.effects.paint);
        assert_eq!(env.take_messages(), [1, 2]);
        assert!(env.take_messages().is_empty());
        assert_eq!(env.clipboard, "copied");
    }
}
