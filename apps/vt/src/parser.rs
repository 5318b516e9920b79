//! The byte-level parser: a state machine after DEC's VT500 parser
//! (ground, escape, control sequence, operating-system command and
//! ignored strings), with UTF-8 decoding in the ground state.
//!
//! It never fails: malformed sequences are dropped, invalid UTF-8 becomes
//! U+FFFD, and parameter lists and strings are bounded, so any byte stream
//! is safe to feed.

use alloc::vec::Vec;

/// Most parameters kept per control sequence; extra ones are dropped.
pub const MAX_PARAMETERS: usize = 32;
/// Longest operating-system command kept; the rest is dropped.
pub const MAX_STRING: usize = 4096;

/// What the parser recognised, handed to a [`Perform`] as it goes.
pub trait Perform {
    /// A printable character.
    fn print(&mut self, character: char);
    /// A C0 control (BEL, BS, HT, LF, VT, FF, CR, …).
    fn execute(&mut self, control: u8);
    /// A control sequence `CSI [private] params intermediates final`.
    fn csi(&mut self, sequence: &ControlSequence<'_>);
    /// An escape sequence `ESC intermediates final`.
    fn escape(&mut self, intermediates: &[u8], final_byte: u8);
    /// An operating-system command `OSC text (BEL | ST)`.
    fn osc(&mut self, text: &[u8]);
}

/// A complete control sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlSequence<'a> {
    /// Numeric parameters; an omitted one is 0.
    pub parameters: &'a [u16],
    /// A private marker (`?`, `>`, `<`, `=`) before the parameters.
    pub private: Option<u8>,
    /// Intermediate bytes (`0x20..=0x2f`).
    pub intermediates: &'a [u8],
    /// The final byte (`0x40..=0x7e`).
    pub final_byte: u8,
}

impl ControlSequence<'_> {
    /// Parameter `index`, with `default` when omitted or zero.
    pub fn parameter(&self, index: usize, default: u16) -> u16 {
        match self.parameters.get(index) {
            Some(0) | None => default,
            Some(value) => *value,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Ground,
    Escape,
    EscapeIntermediate,
    CsiEntry,
    CsiParameter,
    CsiIntermediate,
    CsiIgnore,
    OscString,
    /// DCS, SOS, PM and APC strings: read and dropped until ST.
    IgnoredString,
}

/// The parser's state between calls.
#[derive(Clone, Debug)]
pub struct Parser {
    state: State,
    parameters: Vec<u16>,
    current: Option<u32>,
    private: Option<u8>,
    intermediates: Vec<u8>,
    string: Vec<u8>,
    /// ESC seen inside a string: a following `\` ends it (ST).
    string_escape: bool,
    utf8: Utf8,
}

impl Default for Parser {
    fn default() -> Parser {
        Parser::new()
    }
}

impl Parser {
    /// A parser in the ground state.
    pub fn new() -> Parser {
        Parser {
            state: State::Ground,
            parameters: Vec::new(),
            current: None,
            private: None,
            intermediates: Vec::new(),
            string: Vec::new(),
            string_escape: false,
            utf8: Utf8::default(),
        }
    }

    /// Feeds `bytes`, calling `performer` for everything recognised.
    pub fn feed(&mut self, bytes: &[u8], performer: &mut impl Perform) {
        for &byte in bytes {
            self.advance(byte, performer);
        }
    }

    fn clear_sequence(&mut self) {
        self.parameters.clear();
        self.current = None;
        self.private = None;
        self.intermediates.clear();
    }

    /// Feeds one byte.
    pub fn advance(&mut self, byte: u8, performer: &mut impl Perform) {
        // Strings swallow everything but their terminators.
        if matches!(self.state, State::OscString | State::IgnoredString) {
            self.string_byte(byte, performer);
            return;
        }
        if self.state == State::Ground && (byte >= 0x80 || self.utf8.pending()) {
            if let Some(character) = self.utf8.push(byte) {
                performer.print(character);
            }
            if byte >= 0x80 {
                return;
            }
        }
        match byte {
            0x18 | 0x1a => {
                // CAN and SUB abort any sequence.
                self.state = State::Ground;
                return;
            }
            0x1b => {
                self.clear_sequence();
                self.state = State::Escape;
                return;
            }
            0x00..=0x1f => {
                performer.execute(byte);
                return;
            }
            0x7f => return,
            _ => {}
        }
        match self.state {
            State::Ground => performer.print(byte as char),
            State::Escape => match byte {
                0x20..=0x2f => {
                    self.push_intermediate(byte);
                    self.state = State::EscapeIntermediate;
                }
                b'[' => self.state = State::CsiEntry,
                b']' => {
                    self.string.clear();
                    self.state = State::OscString;
                }
                b'P' | b'X' | b'^' | b'_' => self.state = State::IgnoredString,
                0x30..=0x7e => {
                    performer.escape(&[], byte);
                    self.state = State::Ground;
                }
                _ => self.state = State::Ground,
            },
            State::EscapeIntermediate => match byte {
                0x20..=0x2f => self.push_intermediate(byte),
                0x30..=0x7e => {
                    performer.escape(&self.intermediates, byte);
                    self.state = State::Ground;
                }
                _ => self.state = State::Ground,
            },
            State::CsiEntry => match byte {
                b'<' | b'=' | b'>' | b'?' => {
                    self.private = Some(byte);
                    self.state = State::CsiParameter;
                }
                _ => {
                    self.state = State::CsiParameter;
                    self.csi_byte(byte, performer);
                }
            },
            State::CsiParameter | State::CsiIntermediate | State::CsiIgnore => self.csi_byte(byte, performer),
            State::OscString | State::IgnoredString => {}
        }
    }

    fn push_intermediate(&mut self, byte: u8) {
        if self.intermediates.len() < 4 {
            self.intermediates.push(byte);
        }
    }

    fn csi_byte(&mut self, byte: u8, performer: &mut impl Perform) {
        match (self.state, byte) {
            (State::CsiParameter, b'0'..=b'9') => {
                let digit = u32::from(byte - b'0');
                self.current = Some((self.current.unwrap_or(0) * 10 + digit).min(u32::from(u16::MAX)));
            }
            (State::CsiParameter, b';' | b':') => self.finish_parameter(),
            (State::CsiParameter, b'<' | b'=' | b'>' | b'?') => self.state = State::CsiIgnore,
            (State::CsiParameter | State::CsiIntermediate, 0x20..=0x2f) => {
                self.push_intermediate(byte);
                self.state = State::CsiIntermediate;
            }
            (State::CsiIntermediate, 0x30..=0x3f) => self.state = State::CsiIgnore,
            (State::CsiIgnore, 0x40..=0x7e) => self.state = State::Ground,
            (State::CsiIgnore, _) => {}
            (_, 0x40..=0x7e) => {
                if self.current.is_some() || !self.parameters.is_empty() {
                    self.finish_parameter();
                }
                let sequence = ControlSequence {
                    parameters: &self.parameters,
                    private: self.private,
                    intermediates: &self.intermediates,
                    final_byte: byte,
                };
                performer.csi(&sequence);
                self.state = State::Ground;
            }
            _ => self.state = State::CsiIgnore,
        }
    }

    fn finish_parameter(&mut self) {
        let value = self.current.take().unwrap_or(0) as u16;
        if self.parameters.len() < MAX_PARAMETERS {
            self.parameters.push(value);
        }
    }

    fn string_byte(&mut self, byte: u8, performer: &mut impl Perform) {
        let terminated = match byte {
            0x07 => true,
            b'\\' if self.string_escape => true,
            0x18 | 0x1a => {
                self.state = State::Ground;
                self.string.clear();
                return;
            }
            _ => false,
        };
        if terminated {
            if self.state == State::OscString {
                performer.osc(&self.string);
            }
            self.string.clear();
            self.string_escape = false;
            self.state = State::Ground;
            return;
        }
        if self.string_escape {
            // ESC not followed by `\`: the string ends and a new escape begins.
            self.string_escape = false;
            self.string.clear();
            self.clear_sequence();
            self.state = State::Escape;
            self.advance(byte, performer);
            return;
        }
        if byte == 0x1b {
            self.string_escape = true;
        } else if self.state == State::OscString && self.string.len() < MAX_STRING {
            self.string.push(byte);
        }
    }
}

/// Incremental UTF-8 decoding.
#[derive(Clone, Copy, Debug, Default)]
struct Utf8 {
    code: u32,
    remaining: u8,
    minimum: u32,
}

impl Utf8 {
    fn pending(&self) -> bool {
        self.remaining > 0
    }

    /// Pushes a byte; returns a character when one completes (U+FFFD for
    /// malformed input). An ASCII byte arriving mid-sequence ends the
    /// sequence with U+FFFD and is then handled by the caller.
    fn push(&mut self, byte: u8) -> Option<char> {
        if self.remaining > 0 {
            if byte & 0xc0 == 0x80 {
                self.code = (self.code << 6) | u32::from(byte & 0x3f);
                self.remaining -= 1;
                if self.remaining == 0 {
                    let code = self.code;
                    let valid = code >= self.minimum;
                    return Some(if valid { char::from_u32(code).unwrap_or('\u{fffd}') } else { '\u{fffd}' });
                }
                return None;
            }
            self.remaining = 0;
            if byte < 0x80 {
                return Some('\u{fffd}');
            }
            // A new lead byte: report the broken sequence, start again.
            let broken = self.start(byte);
            return broken.or(Some('\u{fffd}'));
        }
        self.start(byte)
    }

    fn start(&mut self, byte: u8) -> Option<char> {
        let (remaining, code, minimum) = match byte {
            0xc2..=0xdf => (1, u32::from(byte & 0x1f), 0x80),
            0xe0..=0xef => (2, u32::from(byte & 0x0f), 0x800),
            0xf0..=0xf4 => (3, u32::from(byte & 0x07), 0x1_0000),
            _ => return Some('\u{fffd}'),
        };
        self.remaining = remaining;
        self.code = code;
        self.minimum = minimum;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec;

    #[derive(Default)]
    struct Log(Vec<String>);

    impl Perform for Log {
        fn print(&mut self, character: char) {
            self.0.push(alloc::format!("print {character}"));
        }
        fn execute(&mut self, control: u8) {
            self.0.push(alloc::format!("execute {control:#04x}"));
        }
        fn csi(&mut self, sequence: &ControlSequence<'_>) {
            self.0.push(alloc::format!(
                "csi {:?} {:?} {:?} {}",
                sequence.private.map(char::from),
                sequence.parameters,
                sequence.intermediates,
                sequence.final_byte as char
            ));
        }
        fn escape(&mut self, intermediates: &[u8], final_byte: u8) {
            self.0.push(alloc::format!("esc {intermediates:?} {}", final_byte as char));
        }
        fn osc(&mut self, text: &[u8]) {
            self.0.push(alloc::format!("osc {}", String::from_utf8_lossy(text)));
        }
    }

    fn parse(bytes: &[u8]) -> Vec<String> {
        let mut log = Log::default();
        Parser::new().feed(bytes, &mut log);
        log.0
    }

    #[test]
    fn text_controls_and_utf8() {
        assert_eq!(parse(b"a\r\n"), ["print a", "execute 0x0d", "execute 0x0a"]);
        assert_eq!(parse("é→".as_bytes()), ["print é", "print →"]);
        assert_eq!(parse(&[0xff, b'x']), ["print \u{fffd}", "print x"]);
        assert_eq!(parse(&[0xe2, 0x86, b'x']), ["print \u{fffd}", "print x"]);
        // An overlong encoding of '/' is not '/'.
        assert_eq!(parse(&[0xe0, 0x80, 0xaf]), ["print \u{fffd}"]);
    }

    #[test]
    fn control_sequences() {
        assert_eq!(parse(b"\x1b[1;31m"), ["csi None [1, 31] [] m"]);
        assert_eq!(parse(b"\x1b[m"), ["csi None [] [] m"]);
        assert_eq!(parse(b"\x1b[;5H"), ["csi None [0, 5] [] H"]);
        assert_eq!(parse(b"\x1b[?1049h"), ["csi Some('?') [1049] [] h"]);
        assert_eq!(parse(b"\x1b[2 q"), ["csi None [2] [32] q"]);
        assert_eq!(parse(b"\x1b[38:2:1:2:3m"), ["csi None [38, 2, 1, 2, 3] [] m"]);
        assert_eq!(parse(b"\x1b[99999999A"), ["csi None [65535] [] A"]);
        // Controls inside a sequence are executed; the sequence goes on.
        assert_eq!(parse(b"\x1b[1\n2A"), ["execute 0x0a", "csi None [12] [] A"]);
        // Malformed: a private marker in the middle is ignored as a whole.
        assert_eq!(parse(b"\x1b[1?2Ax"), ["print x"]);
        // CAN aborts.
        assert_eq!(parse(b"\x1b[1\x18A"), ["print A"]);
    }

    #[test]
    fn escapes_and_strings() {
        assert_eq!(parse(b"\x1b7\x1b(B"), ["esc [] 7", "esc [40] B"]);
        assert_eq!(parse(b"\x1b]0;title\x07x"), ["osc 0;title", "print x"]);
        assert_eq!(parse(b"\x1b]2;t\x1b\\y"), ["osc 2;t", "print y"]);
        assert_eq!(parse(b"\x1bPsecret\x1b\\z"), ["print z"]);
    }

    #[test]
    fn any_bytes_are_safe() {
        // A cheap deterministic fuzz: every byte value in many contexts.
        let mut bytes = vec![];
        let mut seed = 0x1234_5678u32;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            bytes.push((seed >> 24) as u8);
        }
        let mut log = Log::default();
        let mut parser = Parser::new();
        parser.feed(&bytes, &mut log);
        parser.feed(b"\x1b\\\x07ok", &mut log);
        assert!(log.0.ends_with(&[String::from("print o"), String::from("print k")]));
    }
}
