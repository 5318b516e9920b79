//! Terminal input bytes to editing keys (what a terminal sends for arrows,
//! Home/End, Delete, control and Alt combinations).

use alloc::vec::Vec;

/// An editing action decoded from input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditKey {
    /// Insert a character.
    Char(char),
    /// Run the line.
    Enter,
    /// Delete before the cursor.
    Backspace,
    /// Delete at the cursor.
    Delete,
    /// One character left.
    Left,
    /// One character right.
    Right,
    /// Start of the line.
    Home,
    /// End of the line.
    End,
    /// One word left.
    WordLeft,
    /// One word right.
    WordRight,
    /// Older history entry.
    Up,
    /// Newer history entry.
    Down,
    /// Complete the word at the cursor.
    Tab,
    /// Ctrl+C: abandon the line or stop the running command.
    Interrupt,
    /// Ctrl+D: end of input (exit on an empty line, else delete).
    EndOfInput,
    /// Ctrl+L: clear the screen.
    ClearScreen,
    /// Ctrl+U: delete to the start of the line.
    KillToStart,
    /// Ctrl+K: delete to the end of the line.
    KillToEnd,
    /// Ctrl+W or Alt+Backspace: delete the word before the cursor.
    DeleteWordBack,
    /// Alt+D: delete the word after the cursor.
    DeleteWordForward,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum State {
    #[default]
    Ground,
    Escape,
    Csi(Vec<u8>),
    Ss3,
    Utf8(Vec<u8>, usize),
}

/// Decodes input bytes into [`EditKey`]s across calls.
#[derive(Clone, Debug, Default)]
pub struct KeyDecoder {
    state: State,
}

impl KeyDecoder {
    /// A decoder in the ground state.
    pub fn new() -> KeyDecoder {
        KeyDecoder::default()
    }

    /// Decodes `bytes`; incomplete sequences wait for the next call.
    pub fn decode(&mut self, bytes: &[u8]) -> Vec<EditKey> {
        let mut keys = Vec::new();
        for &byte in bytes {
            if let Some(key) = self.advance(byte) {
                keys.push(key);
            }
        }
        keys
    }

    fn advance(&mut self, byte: u8) -> Option<EditKey> {
        match core::mem::take(&mut self.state) {
            State::Ground => self.ground(byte),
            State::Escape => match byte {
                b'[' => {
                    self.state = State::Csi(Vec::new());
                    None
                }
                b'O' => {
                    self.state = State::Ss3;
                    None
                }
                b'b' | b'B' => Some(EditKey::WordLeft),
                b'f' | b'F' => Some(EditKey::WordRight),
                b'd' | b'D' => Some(EditKey::DeleteWordForward),
                0x7f | 0x08 => Some(EditKey::DeleteWordBack),
                0x1b => {
                    self.state = State::Escape;
                    None
                }
                _ => self.ground(byte),
            },
            State::Ss3 => match byte {
                b'A' => Some(EditKey::Up),
                b'B' => Some(EditKey::Down),
                b'C' => Some(EditKey::Right),
                b'D' => Some(EditKey::Left),
                b'H' => Some(EditKey::Home),
                b'F' => Some(EditKey::End),
                _ => None,
            },
            State::Csi(mut parameters) => match byte {
                b'0'..=b'9' | b';' if parameters.len() < 16 => {
                    parameters.push(byte);
                    self.state = State::Csi(parameters);
                    None
                }
                0x40..=0x7e => csi_key(&parameters, byte),
                _ => None,
            },
            State::Utf8(mut pending, needed) => {
                if byte & 0xc0 != 0x80 {
                    return self.ground(byte);
                }
                pending.push(byte);
                if pending.len() < needed {
                    self.state = State::Utf8(pending, needed);
                    return None;
                }
                core::str::from_utf8(&pending).ok().and_then(|text| text.chars().next()).map(EditKey::Char)
            }
        }
    }

    fn ground(&mut self, byte: u8) -> Option<EditKey> {
        match byte {
            0x1b => {
                self.state = State::Escape;
                None
            }
            b'\r' | b'\n' => Some(EditKey::Enter),
            0x7f | 0x08 => Some(EditKey::Backspace),
            b'\t' => Some(EditKey::Tab),
            0x01 => Some(EditKey::Home),
            0x02 => Some(EditKey::Left),
            0x03 => Some(EditKey::Interrupt),
            0x04 => Some(EditKey::EndOfInput),
            0x05 => Some(EditKey::End),
            0x06 => Some(EditKey::Right),
            0x0b => Some(EditKey::KillToEnd),
            0x0c => Some(EditKey::ClearScreen),
            0x0e => Some(EditKey::Down),
            0x10 => Some(EditKey::Up),
            0x15 => Some(EditKey::KillToStart),
            0x17 => Some(EditKey::DeleteWordBack),
            0x00..=0x1f => None,
            0x20..=0x7e => Some(EditKey::Char(byte as char)),
            0xc2..=0xdf => self.start_utf8(byte, 2),
            0xe0..=0xef => self.start_utf8(byte, 3),
            0xf0..=0xf4 => self.start_utf8(byte, 4),
            _ => None,
        }
    }

    fn start_utf8(&mut self, byte: u8, length: usize) -> Option<EditKey> {
        self.state = State::Utf8(alloc::vec![byte], length);
        None
    }
}

fn csi_key(parameters: &[u8], final_byte: u8) -> Option<EditKey> {
    let text = core::str::from_utf8(parameters).unwrap_or("");
    let mut numbers = text.split(';').map(|part| part.parse::<u16>().unwrap_or(0));
    let first = numbers.next().unwrap_or(0);
    let modifier = numbers.next().unwrap_or(1);
    // xterm modifier parameter: 1 + shift + 2·alt + 4·control.
    let word = modifier > 1 && (modifier - 1) & (2 | 4) != 0;
    match (final_byte, first) {
        (b'A', _) => Some(EditKey::Up),
        (b'B', _) => Some(EditKey::Down),
        (b'C', _) if word => Some(EditKey::WordRight),
        (b'D', _) if word => Some(EditKey::WordLeft),
        (b'C', _) => Some(EditKey::Right),
        (b'D', _) => Some(EditKey::Left),
        (b'H', _) => Some(EditKey::Home),
        (b'F', _) => Some(EditKey::End),
        (b'~', 1 | 7) => Some(EditKey::Home),
        (b'~', 4 | 8) => Some(EditKey::End),
        (b'~', 3) => Some(EditKey::Delete),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_decode_to_keys() {
        let mut decoder = KeyDecoder::new();
        assert_eq!(
            decoder.decode(b"a\x1b[D\x1b[1;5C\x1bOH\x1b[3~\x7f\r"),
            [
                EditKey::Char('a'),
                EditKey::Left,
                EditKey::WordRight,
                EditKey::Home,
                EditKey::Delete,
                EditKey::Backspace,
                EditKey::Enter
            ]
        );
        // Split across calls, and UTF-8.
        assert!(decoder.decode(b"\x1b[").is_empty());
        assert_eq!(decoder.decode(b"A"), [EditKey::Up]);
        assert_eq!(decoder.decode("é".as_bytes()), [EditKey::Char('é')]);
        assert_eq!(
            decoder.decode(b"\x1bb\x03\x17"),
            [EditKey::WordLeft, EditKey::Interrupt, EditKey::DeleteWordBack]
        );
        // Bracketed-paste markers are not keys.
        assert_eq!(decoder.decode(b"\x1b[200~x\x1b[201~"), [EditKey::Char('x')]);
    }
}
