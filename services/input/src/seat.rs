//! The seat: raw device events in, keymapped seat events out, with key
//! repeat. Pure logic, driven by the service loop (and by tests).

use alloc::vec::Vec;
use weft_input_api::{RawEvent, SeatEvent};
use weft_types::keymap::Keyboard;
use weft_types::{Key, KeyState};

/// Delay before a held key repeats (nanoseconds).
pub const REPEAT_DELAY: u64 = 500_000_000;
/// Time between repeats (nanoseconds).
pub const REPEAT_INTERVAL: u64 = 33_000_000;

/// Keymap, modifiers and key repeat for every keyboard together.
#[derive(Default)]
pub struct Seat {
    keyboard: Keyboard,
    repeat: Option<(Key, u64)>,
}

fn is_modifier(key: Key) -> bool {
    matches!(
        key,
        Key::LEFT_SHIFT
            | Key::RIGHT_SHIFT
            | Key::LEFT_CTRL
            | Key::RIGHT_CTRL
            | Key::LEFT_ALT
            | Key::RIGHT_ALT
            | Key::LEFT_META
            | Key::RIGHT_META
            | Key::CAPS_LOCK
    )
}

impl Seat {
    /// A seat with nothing held.
    pub fn new() -> Seat {
        Seat::default()
    }

    /// Turn raw events into seat events, at time `now`.
    pub fn feed(&mut self, events: &[RawEvent], now: u64) -> Vec<SeatEvent> {
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            match *event {
                RawEvent::Key { key, state } => {
                    // Devices' own repeats are ignored: the seat repeats.
                    if state == KeyState::Repeated {
                        continue;
                    }
                    let event = self.keyboard.feed(key, state);
                    match state {
                        KeyState::Pressed if !is_modifier(key) => {
                            self.repeat = Some((key, now.saturating_add(REPEAT_DELAY)));
                        }
                        KeyState::Released if self.repeat.is_some_and(|(k, _)| k == key) => {
                            self.repeat = None;
                        }
                        _ => {}
                    }
                    out.push(SeatEvent::Key(event));
                }
                RawEvent::PointerMotion { dx, dy } => out.push(SeatEvent::PointerMotion { dx, dy }),
                RawEvent::PointerAbsolute { x, y } => {
                    out.push(SeatEvent::PointerAbsolute { x: x.clamp(0.0, 1.0), y: y.clamp(0.0, 1.0) })
                }
                RawEvent::Button { button, state } => {
                    if state != KeyState::Repeated {
                        out.push(SeatEvent::Button { button, state });
                    }
                }
                RawEvent::Scroll { dx, dy } => out.push(SeatEvent::Scroll { dx, dy }),
                RawEvent::Touch { id, phase, x, y } => {
                    out.push(SeatEvent::Touch { id, phase, x: x.clamp(0.0, 1.0), y: y.clamp(0.0, 1.0) })
                }
            }
        }
        out
    }

    /// When the next repeat is due, if a key is held.
    pub fn next_repeat(&self) -> Option<u64> {
        self.repeat.map(|(_, at)| at)
    }

    /// The repeats due by `now`.
    pub fn repeats(&mut self, now: u64) -> Vec<SeatEvent> {
        let mut out = Vec::new();
        while let Some((key, at)) = self.repeat {
            if at > now || out.len() >= 8 {
                break;
            }
            out.push(SeatEvent::Key(self.keyboard.feed(key, KeyState::Repeated)));
            self.repeat = Some((key, at.saturating_add(REPEAT_INTERVAL).max(now)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_types::KeyEvent;

    fn key(key: Key, state: KeyState) -> RawEvent {
        RawEvent::Key { key, state }
    }

    #[test]
    fn keys_get_text_and_modifiers() {
        let mut seat = Seat::new();
        let out = seat.feed(&[key(Key::LEFT_SHIFT, KeyState::Pressed), key(Key::A, KeyState::Pressed)], 0);
        let SeatEvent::Key(KeyEvent { text, .. }) = &out[1] else { panic!("{out:?}") };
        assert_eq!(text, "A");
    }

    #[test]
    fn held_keys_repeat_until_released() {
        let mut seat = Seat::new();
        seat.feed(&[key(Key::B, KeyState::Pressed)], 0);
        assert_eq!(seat.next_repeat(), Some(REPEAT_DELAY));
        assert!(seat.repeats(REPEAT_DELAY - 1).is_empty());
        let out = seat.repeats(REPEAT_DELAY + REPEAT_INTERVAL);
        assert_eq!(out.len(), 2);
        assert!(matches!(&out[0], SeatEvent::Key(e) if e.state == KeyState::Repeated && e.text == "b"));
        seat.feed(&[key(Key::B, KeyState::Released)], REPEAT_DELAY * 2);
        assert_eq!(seat.next_repeat(), None);
        // Modifiers never repeat.
        seat.feed(&[key(Key::LEFT_CTRL, KeyState::Pressed)], 0);
        assert_eq!(seat.next_repeat(), None);
    }
}
