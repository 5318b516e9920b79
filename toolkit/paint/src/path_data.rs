//! A parser for SVG-style path data, the format icons are authored in.
//!
//! Supported commands: `M L H V C S Q T Z` in absolute (upper case) and
//! relative (lower case) form, with implicit repetition. Arcs are not
//! supported; icons use `circle` and `rect` shapes instead.

use core::fmt;

use tiny_skia::{Path, PathBuilder};

/// Why path data could not be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathDataError {
    /// An unknown command letter at this byte offset.
    UnknownCommand(usize),
    /// A number was expected at this byte offset.
    ExpectedNumber(usize),
    /// Coordinates appeared before any command.
    MissingCommand,
    /// The path has no drawable segment.
    Empty,
}

impl fmt::Display for PathDataError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathDataError::UnknownCommand(at) => {
                write!(formatter, "unknown path command at byte {at}")
            }
            PathDataError::ExpectedNumber(at) => {
                write!(formatter, "expected a number at byte {at}")
            }
            PathDataError::MissingCommand => {
                formatter.write_str("path data must start with a command")
            }
            PathDataError::Empty => formatter.write_str("path has nothing to draw"),
        }
    }
}

impl core::error::Error for PathDataError {}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn skip_separators(&mut self) {
        while let Some(byte) = self.bytes.get(self.at) {
            if byte.is_ascii_whitespace() || *byte == b',' {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    fn peek_is_number(&mut self) -> bool {
        self.skip_separators();
        matches!(
            self.bytes.get(self.at),
            Some(b'0'..=b'9' | b'-' | b'+' | b'.')
        )
    }

    fn number(&mut self) -> Result<f32, PathDataError> {
        self.skip_separators();
        let start = self.at;
        let mut end = start;
        if matches!(self.bytes.get(end), Some(b'-' | b'+')) {
            end += 1;
        }
        let mut seen_dot = false;
        let mut seen_exponent = false;
        while let Some(byte) = self.bytes.get(end) {
            match byte {
                b'0'..=b'9' => end += 1,
                b'.' if !seen_dot && !seen_exponent => {
                    seen_dot = true;
                    end += 1;
                }
                b'e' | b'E' if !seen_exponent => {
                    seen_exponent = true;
                    end += 1;
                    if matches!(self.bytes.get(end), Some(b'-' | b'+')) {
                        end += 1;
                    }
                }
                _ => break,
            }
        }
        let text = core::str::from_utf8(&self.bytes[start..end])
            .map_err(|_| PathDataError::ExpectedNumber(start))?;
        let value = text
            .parse::<f32>()
            .map_err(|_| PathDataError::ExpectedNumber(start))?;
        self.at = end;
        Ok(value)
    }
}

/// Parses path data into a tiny-skia path, in the data's own units.
pub fn parse_path_data(data: &str) -> Result<Path, PathDataError> {
    let mut scanner = Scanner {
        bytes: data.as_bytes(),
        at: 0,
    };
    let mut builder = PathBuilder::new();
    let mut command: Option<u8> = None;
    let (mut x, mut y) = (0.0f32, 0.0f32);
    let (mut start_x, mut start_y) = (0.0f32, 0.0f32);
    // Last control point, for the smooth (S, T) commands.
    let mut last_cubic: Option<(f32, f32)> = None;
    let mut last_quad: Option<(f32, f32)> = None;
    loop {
        scanner.skip_separators();
        let Some(&byte) = scanner.bytes.get(scanner.at) else {
            break;
        };
        if byte.is_ascii_alphabetic() {
            scanner.at += 1;
            command = Some(byte);
            if byte == b'Z' || byte == b'z' {
                builder.close();
                x = start_x;
                y = start_y;
                last_cubic = None;
                last_quad = None;
                continue;
            }
        } else if command.is_none() {
            return Err(PathDataError::MissingCommand);
        }
        let Some(current) = command else {
            return Err(PathDataError::MissingCommand);
        };
        let relative = current.is_ascii_lowercase();
        let (base_x, base_y) = if relative { (x, y) } else { (0.0, 0.0) };
        let mut next_cubic = None;
        let mut next_quad = None;
        match current.to_ascii_uppercase() {
            b'M' => {
                x = base_x + scanner.number()?;
                y = base_y + scanner.number()?;
                builder.move_to(x, y);
                start_x = x;
                start_y = y;
                // Further pairs after a move are implicit line-tos.
                command = Some(if relative { b'l' } else { b'L' });
            }
            b'L' => {
                x = base_x + scanner.number()?;
                y = base_y + scanner.number()?;
                builder.line_to(x, y);
            }
            b'H' => {
                x = base_x + scanner.number()?;
                builder.line_to(x, y);
            }
            b'V' => {
                y = base_y + scanner.number()?;
                builder.line_to(x, y);
            }
            b'C' => {
                let x1 = base_x + scanner.number()?;
                let y1 = base_y + scanner.number()?;
                let x2 = base_x + scanner.number()?;
                let y2 = base_y + scanner.number()?;
                x = base_x + scanner.number()?;
                y = base_y + scanner.number()?;
                builder.cubic_to(x1, y1, x2, y2, x, y);
                next_cubic = Some((x2, y2));
            }
            b'S' => {
                let (x1, y1) = match last_cubic {
                    Some((cx, cy)) => (2.0 * x - cx, 2.0 * y - cy),
                    None => (x, y),
                };
                let x2 = base_x + scanner.number()?;
                let y2 = base_y + scanner.number()?;
                x = base_x + scanner.number()?;
                y = base_y + scanner.number()?;
                builder.cubic_to(x1, y1, x2, y2, x, y);
                next_cubic = Some((x2, y2));
            }
            b'Q' => {
                let x1 = base_x + scanner.number()?;
                let y1 = base_y + scanner.number()?;
                x = base_x + scanner.number()?;
                y = base_y + scanner.number()?;
                builder.quad_to(x1, y1, x, y);
                next_quad = Some((x1, y1));
            }
            b'T' => {
                let (x1, y1) = match last_quad {
                    Some((cx, cy)) => (2.0 * x - cx, 2.0 * y - cy),
                    None => (x, y),
                };
                x = base_x + scanner.number()?;
                y = base_y + scanner.number()?;
                builder.quad_to(x1, y1, x, y);
                next_quad = Some((x1, y1));
            }
            _ => return Err(PathDataError::UnknownCommand(scanner.at - 1)),
        }
        last_cubic = next_cubic;
        last_quad = next_quad;
        if !scanner.peek_is_number() && scanner.at < scanner.bytes.len() {
            let byte = scanner.bytes[scanner.at];
            if !byte.is_ascii_alphabetic() {
                return Err(PathDataError::UnknownCommand(scanner.at));
            }
        }
    }
    builder.finish().ok_or(PathDataError::Empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_absolute_and_relative_commands() {
        let path = parse_path_data("M2 2 L10 2 l0 8 H2 Z").unwrap();
        let bounds = path.bounds();
        assert_eq!(
            (bounds.left(), bounds.top(), bounds.right(), bounds.bottom()),
            (2.0, 2.0, 10.0, 10.0)
        );
    }

    #[test]
    fn implicit_line_after_move_and_curves() {
        let path = parse_path_data("m1,1 4,0 c0 2 2 4 4 4 s2-2 2-4 Q20 20 22 22 T 30 30").unwrap();
        assert!(path.bounds().right() >= 30.0);
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_path_data("10 10"), Err(PathDataError::MissingCommand));
        assert!(matches!(
            parse_path_data("M1 1 X 2 2"),
            Err(PathDataError::UnknownCommand(_))
        ));
        assert!(matches!(
            parse_path_data("M1 1 L x"),
            Err(PathDataError::UnknownCommand(_) | PathDataError::ExpectedNumber(_))
        ));
        assert_eq!(parse_path_data(""), Err(PathDataError::Empty));
    }
}
