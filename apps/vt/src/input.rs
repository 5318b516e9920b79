//! Keys to the bytes a terminal sends its program (xterm conventions).

use alloc::vec::Vec;

use weft_types::keymap::text_for;
use weft_types::{Key, KeyEvent, KeyState, Modifiers};

use crate::screen::Modes;

/// The bytes `key` sends, or nothing for keys that send none (modifiers,
/// releases). Cursor keys follow DECCKM from `modes`.
pub fn encode_key(key: &KeyEvent, modes: Modes) -> Vec<u8> {
    if key.state == KeyState::Released {
        return Vec::new();
    }
    let modifiers = key.modifiers;
    let parameter = modifier_parameter(modifiers);
    let cursor = |final_byte: u8| -> Vec<u8> {
        match parameter {
            Some(parameter) => alloc::format!("\x1b[1;{parameter}{}", final_byte as char).into_bytes(),
            None if modes.application_cursor => alloc::vec![0x1b, b'O', final_byte],
            None => alloc::vec![0x1b, b'[', final_byte],
        }
    };
    let tilde = |number: u8| -> Vec<u8> {
        match parameter {
            Some(parameter) => alloc::format!("\x1b[{number};{parameter}~").into_bytes(),
            None => alloc::format!("\x1b[{number}~").into_bytes(),
        }
    };
    let alt = modifiers.contains(Modifiers::ALT);
    let control = modifiers.contains(Modifiers::CONTROL);
    let with_alt = |mut bytes: Vec<u8>| -> Vec<u8> {
        if alt {
            bytes.insert(0, 0x1b);
        }
        bytes
    };
    match key.key {
        Key::UP => cursor(b'A'),
        Key::DOWN => cursor(b'B'),
        Key::RIGHT => cursor(b'C'),
        Key::LEFT => cursor(b'D'),
        Key::HOME => cursor(b'H'),
        Key::END => cursor(b'F'),
        Key::INSERT => tilde(2),
        Key::DELETE => tilde(3),
        Key::PAGE_UP => tilde(5),
        Key::PAGE_DOWN => tilde(6),
        Key::F1 => function_key(b'P', parameter),
        Key::F2 => function_key(b'Q', parameter),
        Key::F3 => function_key(b'R', parameter),
        Key::F4 => function_key(b'S', parameter),
        Key::F5 => tilde(15),
        Key::F6 => tilde(17),
        Key::F7 => tilde(18),
        Key::F8 => tilde(19),
        Key::F9 => tilde(20),
        Key::F10 => tilde(21),
        Key::F11 => tilde(23),
        Key::F12 => tilde(24),
        Key::ENTER | Key::KP_ENTER => with_alt(alloc::vec![b'\r']),
        Key::BACKSPACE => with_alt(alloc::vec![if control { 0x08 } else { 0x7f }]),
        Key::TAB if modifiers.contains(Modifiers::SHIFT) => alloc::vec![0x1b, b'[', b'Z'],
        Key::TAB => with_alt(alloc::vec![b'\t']),
        Key::ESC => with_alt(alloc::vec![0x1b]),
        _ if control => match control_byte(key.key, modifiers) {
            Some(byte) => with_alt(alloc::vec![byte]),
            None => Vec::new(),
        },
        _ if alt => match text_for(key.key, modifiers - Modifiers::ALT) {
            Some(character) => with_alt(encode_char(character)),
            None => Vec::new(),
        },
        _ => key.text.as_bytes().to_vec(),
    }
}

/// xterm's modifier parameter: 1 + shift + 2·alt + 4·control.
fn modifier_parameter(modifiers: Modifiers) -> Option<u8> {
    let mut value = 0;
    if modifiers.contains(Modifiers::SHIFT) {
        value += 1;
    }
    if modifiers.contains(Modifiers::ALT) {
        value += 2;
    }
    if modifiers.contains(Modifiers::CONTROL) {
        value += 4;
    }
    (value > 0).then_some(value + 1)
}

fn function_key(final_byte: u8, parameter: Option<u8>) -> Vec<u8> {
    match parameter {
        Some(parameter) => alloc::format!("\x1b[1;{parameter}{}", final_byte as char).into_bytes(),
        None => alloc::vec![0x1b, b'O', final_byte],
    }
}

/// Control+key: letters to 0x01–0x1a, and the usual punctuation.
fn control_byte(key: Key, modifiers: Modifiers) -> Option<u8> {
    let plain = text_for(key, modifiers - (Modifiers::CONTROL | Modifiers::ALT | Modifiers::SHIFT))?;
    match plain {
        'a'..='z' => Some(plain as u8 - b'a' + 1),
        ' ' | '2' | '@' => Some(0),
        '[' | '3' => Some(0x1b),
        '\\' | '4' => Some(0x1c),
        ']' | '5' => Some(0x1d),
        '6' => Some(0x1e),
        '-' | '7' | '/' => Some(0x1f),
        '8' => Some(0x7f),
        _ => None,
    }
}

fn encode_char(character: char) -> Vec<u8> {
    let mut buffer = [0u8; 4];
    character.encode_utf8(&mut buffer).as_bytes().to_vec()
}

/// Text pasted into the terminal, bracketed when the program asked for it
/// and with line ends as carriage returns (what Enter sends).
pub fn encode_paste(text: &str, modes: Modes) -> Vec<u8> {
    let mut bytes = Vec::new();
    if modes.bracketed_paste {
        bytes.extend_from_slice(b"\x1b[200~");
    }
    let normalised = text.replace("\r\n", "\r").replace('\n', "\r");
    // A pasted end-bracket must not end the paste early.
    bytes.extend(normalised.replace("\x1b[201~", "").bytes());
    if modes.bracketed_paste {
        bytes.extend_from_slice(b"\x1b[201~");
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    fn key(key: Key, modifiers: Modifiers, text: &str) -> KeyEvent {
        KeyEvent { key, state: KeyState::Pressed, modifiers, text: String::from(text) }
    }

    #[test]
    fn keys_encode_like_xterm() {
        let normal = Modes::default();
        let application = Modes { application_cursor: true, ..Modes::default() };
        assert_eq!(encode_key(&key(Key::A, Modifiers::empty(), "a"), normal), b"a");
        assert_eq!(encode_key(&key(Key::ENTER, Modifiers::empty(), "\n"), normal), b"\r");
        assert_eq!(encode_key(&key(Key::BACKSPACE, Modifiers::empty(), ""), normal), b"\x7f");
        assert_eq!(encode_key(&key(Key::LEFT, Modifiers::empty(), ""), normal), b"\x1b[D");
        assert_eq!(encode_key(&key(Key::LEFT, Modifiers::empty(), ""), application), b"\x1bOD");
        assert_eq!(encode_key(&key(Key::LEFT, Modifiers::CONTROL, ""), normal), b"\x1b[1;5D");
        assert_eq!(encode_key(&key(Key::DELETE, Modifiers::empty(), ""), normal), b"\x1b[3~");
        assert_eq!(encode_key(&key(Key::C, Modifiers::CONTROL, ""), normal), [3]);
        assert_eq!(encode_key(&key(Key::B, Modifiers::ALT, ""), normal), b"\x1bb");
        assert_eq!(encode_key(&key(Key::TAB, Modifiers::SHIFT, ""), normal), b"\x1b[Z");
        assert_eq!(encode_key(&key(Key::F1, Modifiers::empty(), ""), normal), b"\x1bOP");
        assert!(encode_key(&key(Key::LEFT_SHIFT, Modifiers::SHIFT, ""), normal).is_empty());
    }

    #[test]
    fn pastes_are_bracketed_on_request() {
        let bracketed = Modes { bracketed_paste: true, ..Modes::default() };
        assert_eq!(encode_paste("a\nb", Modes::default()), b"a\rb");
        assert_eq!(encode_paste("x\x1b[201~y", bracketed), b"\x1b[200~xy\x1b[201~");
    }
}
