//! Input as a device would send it: through the input service, injected
//! by the harness (its route grants `inject`).

use weft_input_api::{InjectedEvent, InputProtocol, InputRequest, InputResponse, RawEvent};
use weft_types::{Button, Key, KeyState};

use crate::graph::Harness;
use crate::probe::Probe;

/// A pointer and a keyboard on a display of `size` pixels.
#[derive(Clone)]
pub struct Seat {
    harness: Probe<Harness>,
    size: (u32, u32),
    /// Added to a pixel coordinate before it is scaled to the display
    /// (0.5: the pixel's centre).
    offset: f32,
}

impl Seat {
    /// The seat the harness drives, on a display of `size` pixels; the
    /// pointer goes to pixels' top-left corners.
    pub(crate) fn new(harness: Probe<Harness>, size: (u32, u32)) -> Seat {
        Seat { harness, size, offset: 0.0 }
    }

    /// The same seat, pointing at pixels' centres.
    pub fn at_pixel_centres(self) -> Seat {
        Seat { offset: 0.5, ..self }
    }

    /// Inject raw device events; panics (fails the test) if refused.
    pub fn inject(&self, events: Vec<RawEvent>) {
        let events = events.into_iter().map(InjectedEvent::Raw).collect();
        let answer =
            self.harness.run(move |harness| harness.call::<InputProtocol>(&InputRequest::Inject(events)));
        assert_eq!(answer, Ok(InputResponse::Injected), "input injection");
    }

    /// Move the pointer to pixel `(x, y)`.
    pub fn point(&self, x: u32, y: u32) {
        self.inject(vec![RawEvent::PointerAbsolute {
            x: (x as f32 + self.offset) / self.size.0 as f32,
            y: (y as f32 + self.offset) / self.size.1 as f32,
        }]);
    }

    /// Press or release the left button.
    pub fn button(&self, state: KeyState) {
        self.inject(vec![RawEvent::Button { button: Button::Left, state }]);
    }

    /// Click at `(x, y)`.
    pub fn click(&self, x: u32, y: u32) {
        self.point(x, y);
        self.button(KeyState::Pressed);
        self.button(KeyState::Released);
    }

    /// Press and release `key`.
    pub fn key(&self, key: Key) {
        self.inject(vec![
            RawEvent::Key { key, state: KeyState::Pressed },
            RawEvent::Key { key, state: KeyState::Released },
        ]);
    }

    /// Type `text` key by key, with Shift for characters that need it
    /// (the US layout, `weft_types::keymap`); panics on a character no key
    /// types.
    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            let Some((key, shift)) = weft_types::keymap::key_for(c) else {
                panic!("cannot type {c:?}");
            };
            if shift {
                self.inject(vec![RawEvent::Key { key: Key::LEFT_SHIFT, state: KeyState::Pressed }]);
            }
            self.key(key);
            if shift {
                self.inject(vec![RawEvent::Key { key: Key::LEFT_SHIFT, state: KeyState::Released }]);
            }
        }
    }
}
