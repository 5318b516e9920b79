//! Host keys to Weft keys: winit's physical key codes mapped to Linux
//! evdev codes (what `weft_types::Key` carries), plus modifier and text
//! handling so a remote key press is exactly a local one.

use weft_types::keymap::Keyboard;
use weft_types::{Key, KeyEvent, KeyState, Modifiers};
use winit::keyboard::{KeyCode, ModifiersState};

/// winit physical key → evdev code (from `linux/input-event-codes.h`).
const TABLE: &[(KeyCode, u16)] = &[
    (KeyCode::Escape, 1),
    (KeyCode::Digit1, 2),
    (KeyCode::Digit2, 3),
    (KeyCode::Digit3, 4),
    (KeyCode::Digit4, 5),
    (KeyCode::Digit5, 6),
    (KeyCode::Digit6, 7),
    (KeyCode::Digit7, 8),
    (KeyCode::Digit8, 9),
    (KeyCode::Digit9, 10),
    (KeyCode::Digit0, 11),
    (KeyCode::Minus, 12),
    (KeyCode::Equal, 13),
    (KeyCode::Backspace, 14),
    (KeyCode::Tab, 15),
    (KeyCode::KeyQ, 16),
    (KeyCode::KeyW, 17),
    (KeyCode::KeyE, 18),
    (KeyCode::KeyR, 19),
    (KeyCode::KeyT, 20),
    (KeyCode::KeyY, 21),
    (KeyCode::KeyU, 22),
    (KeyCode::KeyI, 23),
    (KeyCode::KeyO, 24),
    (KeyCode::KeyP, 25),
    (KeyCode::BracketLeft, 26),
    (KeyCode::BracketRight, 27),
    (KeyCode::Enter, 28),
    (KeyCode::ControlLeft, 29),
    (KeyCode::KeyA, 30),
    (KeyCode::KeyS, 31),
    (KeyCode::KeyD, 32),
    (KeyCode::KeyF, 33),
    (KeyCode::KeyG, 34),
    (KeyCode::KeyH, 35),
    (KeyCode::KeyJ, 36),
    (KeyCode::KeyK, 37),
    (KeyCode::KeyL, 38),
    (KeyCode::Semicolon, 39),
    (KeyCode::Quote, 40),
    (KeyCode::Backquote, 41),
    (KeyCode::ShiftLeft, 42),
    (KeyCode::Backslash, 43),
    (KeyCode::KeyZ, 44),
    (KeyCode::KeyX, 45),
    (KeyCode::KeyC, 46),
    (KeyCode::KeyV, 47),
    (KeyCode::KeyB, 48),
    (KeyCode::KeyN, 49),
    (KeyCode::KeyM, 50),
    (KeyCode::Comma, 51),
    (KeyCode::Period, 52),
    (KeyCode::Slash, 53),
    (KeyCode::ShiftRight, 54),
    (KeyCode::NumpadMultiply, 55),
    (KeyCode::AltLeft, 56),
    (KeyCode::Space, 57),
    (KeyCode::CapsLock, 58),
    (KeyCode::F1, 59),
    (KeyCode::F2, 60),
    (KeyCode::F3, 61),
    (KeyCode::F4, 62),
    (KeyCode::F5, 63),
    (KeyCode::F6, 64),
    (KeyCode::F7, 65),
    (KeyCode::F8, 66),
    (KeyCode::F9, 67),
    (KeyCode::F10, 68),
    (KeyCode::NumLock, 69),
    (KeyCode::ScrollLock, 70),
    (KeyCode::Numpad7, 71),
    (KeyCode::Numpad8, 72),
    (KeyCode::Numpad9, 73),
    (KeyCode::NumpadSubtract, 74),
    (KeyCode::Numpad4, 75),
    (KeyCode::Numpad5, 76),
    (KeyCode::Numpad6, 77),
    (KeyCode::NumpadAdd, 78),
    (KeyCode::Numpad1, 79),
    (KeyCode::Numpad2, 80),
    (KeyCode::Numpad3, 81),
    (KeyCode::Numpad0, 82),
    (KeyCode::NumpadDecimal, 83),
    (KeyCode::IntlBackslash, 86),
    (KeyCode::F11, 87),
    (KeyCode::F12, 88),
    (KeyCode::IntlRo, 89),
    (KeyCode::Katakana, 90),
    (KeyCode::Hiragana, 91),
    (KeyCode::Convert, 92),
    (KeyCode::KanaMode, 93),
    (KeyCode::NonConvert, 94),
    (KeyCode::NumpadEnter, 96),
    (KeyCode::ControlRight, 97),
    (KeyCode::NumpadDivide, 98),
    (KeyCode::PrintScreen, 99),
    (KeyCode::AltRight, 100),
    (KeyCode::Home, 102),
    (KeyCode::ArrowUp, 103),
    (KeyCode::PageUp, 104),
    (KeyCode::ArrowLeft, 105),
    (KeyCode::ArrowRight, 106),
    (KeyCode::End, 107),
    (KeyCode::ArrowDown, 108),
    (KeyCode::PageDown, 109),
    (KeyCode::Insert, 110),
    (KeyCode::Delete, 111),
    (KeyCode::AudioVolumeMute, 113),
    (KeyCode::AudioVolumeDown, 114),
    (KeyCode::AudioVolumeUp, 115),
    (KeyCode::Power, 116),
    (KeyCode::NumpadEqual, 117),
    (KeyCode::Pause, 119),
    (KeyCode::NumpadComma, 121),
    (KeyCode::Lang1, 122),
    (KeyCode::Lang2, 123),
    (KeyCode::IntlYen, 124),
    (KeyCode::SuperLeft, 125),
    (KeyCode::SuperRight, 126),
    (KeyCode::ContextMenu, 127),
    (KeyCode::BrowserStop, 128),
    (KeyCode::Again, 129),
    (KeyCode::Props, 130),
    (KeyCode::Undo, 131),
    (KeyCode::Copy, 133),
    (KeyCode::Open, 134),
    (KeyCode::Paste, 135),
    (KeyCode::Find, 136),
    (KeyCode::Cut, 137),
    (KeyCode::Help, 138),
    (KeyCode::Sleep, 142),
    (KeyCode::WakeUp, 143),
    (KeyCode::LaunchMail, 155),
    (KeyCode::BrowserFavorites, 156),
    (KeyCode::BrowserBack, 158),
    (KeyCode::BrowserForward, 159),
    (KeyCode::Eject, 161),
    (KeyCode::MediaTrackNext, 163),
    (KeyCode::MediaPlayPause, 164),
    (KeyCode::MediaTrackPrevious, 165),
    (KeyCode::MediaStop, 166),
    (KeyCode::BrowserHome, 172),
    (KeyCode::BrowserRefresh, 173),
    (KeyCode::NumpadParenLeft, 179),
    (KeyCode::NumpadParenRight, 180),
    (KeyCode::F13, 183),
    (KeyCode::F14, 184),
    (KeyCode::F15, 185),
    (KeyCode::F16, 186),
    (KeyCode::F17, 187),
    (KeyCode::F18, 188),
    (KeyCode::F19, 189),
    (KeyCode::F20, 190),
    (KeyCode::F21, 191),
    (KeyCode::F22, 192),
    (KeyCode::F23, 193),
    (KeyCode::F24, 194),
    (KeyCode::BrowserSearch, 217),
    (KeyCode::MediaSelect, 226),
];

/// The evdev key for a winit physical key, if it has one.
pub fn evdev_key(code: KeyCode) -> Option<Key> {
    TABLE.iter().find(|(candidate, _)| *candidate == code).map(|&(_, evdev)| Key(evdev))
}

/// Turns host key presses into Weft key events: tracks modifiers with
/// the same [`Keyboard`] the OS uses, and prefers the host's own text
/// (its layout) over the US keymap when it has some.
#[derive(Debug, Default)]
pub struct KeyTranslator {
    keyboard: Keyboard,
}

impl KeyTranslator {
    /// A translator with nothing held.
    pub fn new() -> KeyTranslator {
        KeyTranslator::default()
    }

    /// Translate one transition. `host_text` is the text the host layout
    /// produced (winit's `KeyEvent::text`), if any.
    pub fn translate(
        &mut self,
        code: KeyCode,
        pressed: bool,
        repeat: bool,
        host_text: Option<&str>,
    ) -> Option<KeyEvent> {
        let key = evdev_key(code)?;
        let state = match (pressed, repeat) {
            (false, _) => KeyState::Released,
            (true, false) => KeyState::Pressed,
            (true, true) => KeyState::Repeated,
        };
        let mut event = self.keyboard.feed(key, state);
        let chords = Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER;
        let printable = |text: &&str| pressed && !text.is_empty() && !text.chars().any(char::is_control);
        if let Some(text) = host_text.filter(printable)
            && !event.modifiers.intersects(chords)
        {
            event.text = text.chars().take(16).collect();
        }
        Some(event)
    }
}

/// winit's modifier state as Weft modifiers (Caps Lock is tracked by
/// [`KeyTranslator`], winit does not report it).
pub fn modifiers(state: ModifiersState) -> Modifiers {
    let mut modifiers = Modifiers::empty();
    modifiers.set(Modifiers::SHIFT, state.shift_key());
    modifiers.set(Modifiers::CONTROL, state.control_key());
    modifiers.set(Modifiers::ALT, state.alt_key());
    modifiers.set(Modifiers::SUPER, state.super_key());
    modifiers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_no_duplicates() {
        for (index, (code, evdev)) in TABLE.iter().enumerate() {
            for (other_code, other_evdev) in &TABLE[index + 1..] {
                assert_ne!(code, other_code);
                assert_ne!(evdev, other_evdev, "{code:?} and {other_code:?}");
            }
        }
    }

    #[test]
    fn named_keys_agree_with_input_api() {
        assert_eq!(evdev_key(KeyCode::KeyA), Some(Key::A));
        assert_eq!(evdev_key(KeyCode::Enter), Some(Key::ENTER));
        assert_eq!(evdev_key(KeyCode::ArrowUp), Some(Key::UP));
        assert_eq!(evdev_key(KeyCode::SuperLeft), Some(Key::LEFT_META));
        assert_eq!(evdev_key(KeyCode::F11), Some(Key::F11));
        assert_eq!(evdev_key(KeyCode::Fn), None);
    }

    #[test]
    fn text_and_modifiers() {
        let mut translator = KeyTranslator::new();
        translator.translate(KeyCode::ShiftLeft, true, false, None).unwrap();
        let event = translator.translate(KeyCode::KeyA, true, false, Some("A")).unwrap();
        assert_eq!((event.key, event.text.as_str()), (Key::A, "A"));
        assert!(event.modifiers.contains(Modifiers::SHIFT));
        // The host layout wins for text (e.g. AZERTY's "q" on the A key).
        translator.translate(KeyCode::ShiftLeft, false, false, None).unwrap();
        let event = translator.translate(KeyCode::KeyA, true, false, Some("q")).unwrap();
        assert_eq!(event.text, "q");
        let release = translator.translate(KeyCode::KeyA, false, false, None).unwrap();
        assert_eq!((release.state, release.text.as_str()), (KeyState::Released, ""));
    }
}
