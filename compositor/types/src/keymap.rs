//! The US keyboard layout: key codes to text, modifier tracking, and the
//! reverse (text to key presses) for injecting typed text.

use alloc::string::String;

use crate::input::{Key, KeyEvent, KeyState, Modifiers};

/// Characters for keys `Key(2)..=Key(53)`: unshifted and shifted.
const PRINTABLE: [(u16, char, char); 47] = [
    (2, '1', '!'),
    (3, '2', '@'),
    (4, '3', '#'),
    (5, '4', '$'),
    (6, '5', '%'),
    (7, '6', '^'),
    (8, '7', '&'),
    (9, '8', '*'),
    (10, '9', '('),
    (11, '0', ')'),
    (12, '-', '_'),
    (13, '=', '+'),
    (16, 'q', 'Q'),
    (17, 'w', 'W'),
    (18, 'e', 'E'),
    (19, 'r', 'R'),
    (20, 't', 'T'),
    (21, 'y', 'Y'),
    (22, 'u', 'U'),
    (23, 'i', 'I'),
    (24, 'o', 'O'),
    (25, 'p', 'P'),
    (26, '[', '{'),
    (27, ']', '}'),
    (30, 'a', 'A'),
    (31, 's', 'S'),
    (32, 'd', 'D'),
    (33, 'f', 'F'),
    (34, 'g', 'G'),
    (35, 'h', 'H'),
    (36, 'j', 'J'),
    (37, 'k', 'K'),
    (38, 'l', 'L'),
    (39, ';', ':'),
    (40, '\'', '"'),
    (41, '`', '~'),
    (43, '\\', '|'),
    (44, 'z', 'Z'),
    (45, 'x', 'X'),
    (46, 'c', 'C'),
    (47, 'v', 'V'),
    (48, 'b', 'B'),
    (49, 'n', 'N'),
    (50, 'm', 'M'),
    (51, ',', '<'),
    (52, '.', '>'),
    (53, '/', '?'),
];

fn is_letter(key: Key) -> bool {
    matches!(key.0, 16..=25 | 30..=38 | 44..=50)
}

/// The text `key` produces with `modifiers` held (US layout). Control and
/// Alt combinations produce no text.
pub fn text_for(key: Key, modifiers: Modifiers) -> Option<char> {
    if modifiers.intersects(Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER) {
        return None;
    }
    match key {
        Key::SPACE => return Some(' '),
        Key::ENTER | Key::KP_ENTER => return Some('\n'),
        Key::TAB => return Some('\t'),
        _ => {}
    }
    let &(_, plain, shifted) = PRINTABLE.iter().find(|(code, _, _)| *code == key.0)?;
    let mut shift = modifiers.contains(Modifiers::SHIFT);
    if is_letter(key) && modifiers.contains(Modifiers::CAPS_LOCK) {
        shift = !shift;
    }
    Some(if shift { shifted } else { plain })
}

/// The key (and whether Shift is needed) that types `c`.
pub fn key_for(c: char) -> Option<(Key, bool)> {
    match c {
        ' ' => return Some((Key::SPACE, false)),
        '\n' => return Some((Key::ENTER, false)),
        '\t' => return Some((Key::TAB, false)),
        _ => {}
    }
    PRINTABLE.iter().find_map(|&(code, plain, shifted)| {
        if c == plain {
            Some((Key(code), false))
        } else if c == shifted {
            Some((Key(code), true))
        } else {
            None
        }
    })
}

/// Tracks modifier state across key transitions and turns raw key codes
/// into [`KeyEvent`]s.
#[derive(Clone, Debug, Default)]
pub struct Keyboard {
    held: Modifiers,
    caps_lock: bool,
}

impl Keyboard {
    /// A keyboard with nothing held.
    pub fn new() -> Keyboard {
        Keyboard::default()
    }

    /// Modifiers currently in effect.
    pub fn modifiers(&self) -> Modifiers {
        let mut modifiers = self.held;
        modifiers.set(Modifiers::CAPS_LOCK, self.caps_lock);
        modifiers
    }

    /// Feed one transition; returns the event to deliver.
    pub fn feed(&mut self, key: Key, state: KeyState) -> KeyEvent {
        let pressed = state != KeyState::Released;
        let modifier = match key {
            Key::LEFT_SHIFT | Key::RIGHT_SHIFT => Some(Modifiers::SHIFT),
            Key::LEFT_CTRL | Key::RIGHT_CTRL => Some(Modifiers::CONTROL),
            Key::LEFT_ALT | Key::RIGHT_ALT => Some(Modifiers::ALT),
            Key::LEFT_META | Key::RIGHT_META => Some(Modifiers::SUPER),
            _ => None,
        };
        if let Some(modifier) = modifier {
            self.held.set(modifier, pressed);
        }
        if key == Key::CAPS_LOCK && state == KeyState::Pressed {
            self.caps_lock = !self.caps_lock;
        }
        let modifiers = self.modifiers();
        let mut text = String::new();
        if pressed && let Some(c) = text_for(key, modifiers) {
            text.push(c);
        }
        KeyEvent { key, state, modifiers, text }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_and_caps_lock() {
        let mut keyboard = Keyboard::new();
        assert_eq!(keyboard.feed(Key::A, KeyState::Pressed).text, "a");
        keyboard.feed(Key::LEFT_SHIFT, KeyState::Pressed);
        assert_eq!(keyboard.feed(Key::A, KeyState::Pressed).text, "A");
        assert_eq!(keyboard.feed(Key::NUM_1, KeyState::Pressed).text, "!");
        keyboard.feed(Key::LEFT_SHIFT, KeyState::Released);
        keyboard.feed(Key::CAPS_LOCK, KeyState::Pressed);
        assert_eq!(keyboard.feed(Key::A, KeyState::Pressed).text, "A");
        assert_eq!(keyboard.feed(Key::NUM_1, KeyState::Pressed).text, "1");
        keyboard.feed(Key::LEFT_CTRL, KeyState::Pressed);
        assert_eq!(keyboard.feed(Key::C, KeyState::Pressed).text, "");
    }

    #[test]
    fn every_printable_character_round_trips() {
        for c in (' '..='~').chain(['\n', '\t']) {
            let (key, shift) = key_for(c).unwrap_or_else(|| panic!("no key for {c:?}"));
            let modifiers = if shift { Modifiers::SHIFT } else { Modifiers::empty() };
            assert_eq!(text_for(key, modifiers), Some(c));
        }
    }
}
