//! Turning evdev events (what virtio-input delivers) into `RawEvent`s.
//!
//! Events arrive one at a time and are grouped by `SYN_REPORT`; a group
//! becomes one report. Absolute positions are normalised to `0.0..=1.0`
//! with the axis ranges the device declares.

use alloc::vec::Vec;
use weft_input_api::{DeviceKind, RawEvent, TouchPhase};
use weft_types::{Button, Key, KeyState};

/// evdev event types.
pub const EV_SYN: u16 = 0;
/// Keys and buttons.
pub const EV_KEY: u16 = 1;
/// Relative axes.
pub const EV_REL: u16 = 2;
/// Absolute axes.
pub const EV_ABS: u16 = 3;

const SYN_REPORT: u16 = 0;
const REL_X: u16 = 0;
const REL_Y: u16 = 1;
const REL_HWHEEL: u16 = 6;
const REL_WHEEL: u16 = 8;
const ABS_X: u16 = 0;
const ABS_Y: u16 = 1;
/// Multitouch slot selector.
pub const ABS_MT_SLOT: u16 = 0x2f;
const ABS_MT_POSITION_X: u16 = 0x35;
const ABS_MT_POSITION_Y: u16 = 0x36;
const ABS_MT_TRACKING_ID: u16 = 0x39;
const BTN_LEFT: u16 = 0x110;
const BTN_RIGHT: u16 = 0x111;
const BTN_MIDDLE: u16 = 0x112;
const BTN_SIDE: u16 = 0x113;
const BTN_EXTRA: u16 = 0x114;
const BTN_TOUCH: u16 = 0x14a;
/// Pixels of scrolling per wheel notch.
const WHEEL_STEP: f32 = 48.0;
const SLOTS: usize = 10;

/// An axis range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Smallest value.
    pub min: i32,
    /// Largest value.
    pub max: i32,
}

impl Range {
    fn normalise(&self, value: i32) -> f32 {
        let span = (self.max - self.min).max(1) as f32;
        ((value - self.min) as f32 / span).clamp(0.0, 1.0)
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    id: Option<u32>,
    x: i32,
    y: i32,
    changed: bool,
    began: bool,
    ended: bool,
}

/// Per-device translation state.
#[derive(Debug)]
pub struct Translator {
    kind: DeviceKind,
    x: Range,
    y: Range,
    pending: Vec<RawEvent>,
    absolute: Option<(i32, i32)>,
    moved: bool,
    relative: (f32, f32),
    scroll: (f32, f32),
    slot: usize,
    slots: [Slot; SLOTS],
}

fn key_state(value: u32) -> KeyState {
    match value {
        0 => KeyState::Released,
        2 => KeyState::Repeated,
        _ => KeyState::Pressed,
    }
}

fn button(code: u16) -> Option<Button> {
    Some(match code {
        BTN_LEFT => Button::Left,
        BTN_RIGHT => Button::Right,
        BTN_MIDDLE => Button::Middle,
        BTN_SIDE => Button::Back,
        BTN_EXTRA => Button::Forward,
        _ => return None,
    })
}

impl Translator {
    /// A translator for a device of `kind` with absolute axis ranges `x`, `y`.
    pub fn new(kind: DeviceKind, x: Range, y: Range) -> Translator {
        Translator {
            kind,
            x,
            y,
            pending: Vec::new(),
            absolute: None,
            moved: false,
            relative: (0.0, 0.0),
            scroll: (0.0, 0.0),
            slot: 0,
            slots: [Slot::default(); SLOTS],
        }
    }

    /// Feed one event; returns a finished report at `SYN_REPORT`.
    pub fn feed(&mut self, kind: u16, code: u16, value: u32) -> Option<Vec<RawEvent>> {
        let signed = value as i32;
        match (kind, code) {
            (EV_SYN, SYN_REPORT) => return self.finish(),
            (EV_KEY, BTN_TOUCH) if self.kind == DeviceKind::Touchscreen => {}
            (EV_KEY, code) => {
                let state = key_state(value);
                if let Some(button) = button(code) {
                    self.flush_motion();
                    self.pending.push(RawEvent::Button { button, state });
                } else if code < 0x100 {
                    self.pending.push(RawEvent::Key { key: Key(code), state });
                }
            }
            (EV_REL, REL_X) => self.relative.0 += signed as f32,
            (EV_REL, REL_Y) => self.relative.1 += signed as f32,
            (EV_REL, REL_WHEEL) => self.scroll.1 -= signed as f32 * WHEEL_STEP,
            (EV_REL, REL_HWHEEL) => self.scroll.0 += signed as f32 * WHEEL_STEP,
            (EV_ABS, ABS_MT_SLOT) => self.slot = (value as usize).min(SLOTS - 1),
            (EV_ABS, ABS_MT_TRACKING_ID) => {
                if let Some(slot) = self.slots.get_mut(self.slot) {
                    if signed < 0 {
                        slot.ended = slot.id.is_some();
                    } else {
                        slot.id = Some(value);
                        slot.began = true;
                    }
                }
            }
            (EV_ABS, ABS_MT_POSITION_X) => {
                if let Some(slot) = self.slots.get_mut(self.slot) {
                    slot.x = signed;
                    slot.changed = true;
                }
            }
            (EV_ABS, ABS_MT_POSITION_Y) => {
                if let Some(slot) = self.slots.get_mut(self.slot) {
                    slot.y = signed;
                    slot.changed = true;
                }
            }
            (EV_ABS, ABS_X) if self.kind != DeviceKind::Touchscreen => {
                let (_, y) = self.absolute.unwrap_or((0, 0));
                self.absolute = Some((signed, y));
                self.moved = true;
            }
            (EV_ABS, ABS_Y) if self.kind != DeviceKind::Touchscreen => {
                let (x, _) = self.absolute.unwrap_or((0, 0));
                self.absolute = Some((x, signed));
                self.moved = true;
            }
            _ => {}
        }
        None
    }

    fn flush_motion(&mut self) {
        if self.moved {
            if let Some((x, y)) = self.absolute {
                self.pending
                    .push(RawEvent::PointerAbsolute { x: self.x.normalise(x), y: self.y.normalise(y) });
            }
            self.moved = false;
        }
        if self.relative != (0.0, 0.0) {
            let (dx, dy) = core::mem::take(&mut self.relative);
            self.pending.push(RawEvent::PointerMotion { dx, dy });
        }
    }

    fn finish(&mut self) -> Option<Vec<RawEvent>> {
        // Motion first, so a click lands where the pointer now is.
        let mut events = Vec::new();
        if self.moved || self.relative != (0.0, 0.0) {
            let buttons = core::mem::take(&mut self.pending);
            self.flush_motion();
            self.pending.extend(buttons);
        }
        events.append(&mut self.pending);
        if self.scroll != (0.0, 0.0) {
            let (dx, dy) = core::mem::take(&mut self.scroll);
            events.push(RawEvent::Scroll { dx, dy });
        }
        for slot in self.slots.iter_mut() {
            let Some(id) = slot.id else { continue };
            let (x, y) = (self.x.normalise(slot.x), self.y.normalise(slot.y));
            let phase = if slot.began {
                Some(TouchPhase::Down)
            } else if slot.ended {
                Some(TouchPhase::Up)
            } else if slot.changed {
                Some(TouchPhase::Motion)
            } else {
                None
            };
            if let Some(phase) = phase {
                events.push(RawEvent::Touch { id, phase, x, y });
            }
            if slot.ended {
                *slot = Slot::default();
            } else {
                slot.began = false;
                slot.changed = false;
            }
        }
        (!events.is_empty()).then_some(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLET: Range = Range { min: 0, max: 32767 };

    #[test]
    fn keys_become_key_events() {
        let mut t = Translator::new(DeviceKind::Keyboard, TABLET, TABLET);
        assert_eq!(t.feed(EV_KEY, 30, 1), None);
        let report = t.feed(EV_SYN, SYN_REPORT, 0).unwrap();
        assert_eq!(report, [RawEvent::Key { key: Key::A, state: KeyState::Pressed }]);
        t.feed(EV_KEY, 30, 2);
        t.feed(EV_KEY, 30, 0);
        let report = t.feed(EV_SYN, SYN_REPORT, 0).unwrap();
        assert_eq!(report.len(), 2);
        assert!(t.feed(EV_SYN, SYN_REPORT, 0).is_none(), "empty reports are dropped");
    }

    #[test]
    fn tablet_clicks_land_after_the_move() {
        let mut t = Translator::new(DeviceKind::Tablet, TABLET, TABLET);
        t.feed(EV_KEY, BTN_LEFT, 1);
        t.feed(EV_ABS, ABS_X, 32767);
        t.feed(EV_ABS, ABS_Y, 0);
        let report = t.feed(EV_SYN, SYN_REPORT, 0).unwrap();
        assert_eq!(
            report,
            [
                RawEvent::PointerAbsolute { x: 1.0, y: 0.0 },
                RawEvent::Button { button: Button::Left, state: KeyState::Pressed }
            ]
        );
    }

    #[test]
    fn mice_move_and_scroll() {
        let mut t = Translator::new(DeviceKind::Mouse, TABLET, TABLET);
        t.feed(EV_REL, REL_X, 5);
        t.feed(EV_REL, REL_X, (-2i32) as u32);
        t.feed(EV_REL, REL_WHEEL, (-1i32) as u32);
        let report = t.feed(EV_SYN, SYN_REPORT, 0).unwrap();
        assert_eq!(
            report,
            [RawEvent::PointerMotion { dx: 3.0, dy: 0.0 }, RawEvent::Scroll { dx: 0.0, dy: WHEEL_STEP }]
        );
    }

    #[test]
    fn multitouch_down_move_up() {
        let range = Range { min: 0, max: 100 };
        let mut t = Translator::new(DeviceKind::Touchscreen, range, range);
        t.feed(EV_ABS, ABS_MT_SLOT, 0);
        t.feed(EV_ABS, ABS_MT_TRACKING_ID, 7);
        t.feed(EV_ABS, ABS_MT_POSITION_X, 50);
        t.feed(EV_ABS, ABS_MT_POSITION_Y, 25);
        let down = t.feed(EV_SYN, SYN_REPORT, 0).unwrap();
        assert_eq!(down, [RawEvent::Touch { id: 7, phase: TouchPhase::Down, x: 0.5, y: 0.25 }]);
        t.feed(EV_ABS, ABS_MT_POSITION_X, 100);
        let moved = t.feed(EV_SYN, SYN_REPORT, 0).unwrap();
        assert!(matches!(moved[0], RawEvent::Touch { phase: TouchPhase::Motion, x, .. } if x == 1.0));
        t.feed(EV_ABS, ABS_MT_TRACKING_ID, u32::MAX);
        let up = t.feed(EV_SYN, SYN_REPORT, 0).unwrap();
        assert!(matches!(up[0], RawEvent::Touch { phase: TouchPhase::Up, id: 7, .. }));
        // Garbage never panics.
        for value in [0, 1, u32::MAX, 12345] {
            for code in [0, ABS_MT_SLOT, ABS_MT_TRACKING_ID, 0xffff] {
                for kind in [EV_SYN, EV_KEY, EV_REL, EV_ABS, 99] {
                    t.feed(kind, code, value);
                }
            }
        }
    }
}
