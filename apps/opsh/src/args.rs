//! Splitting a command line into words, with quotes and backslashes.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why a line could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// A quote was opened and never closed.
    UnclosedQuote(char),
}

impl fmt::Display for SplitError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SplitError::UnclosedQuote(quote) => write!(formatter, "unclosed {quote} quote"),
        }
    }
}

/// Splits `line` at unquoted whitespace. `'…'` keeps everything literal,
/// `"…"` and bare words honour `\` escapes.
pub fn split(line: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut characters = line.chars();
    while let Some(character) = characters.next() {
        match character {
            '\'' | '"' => {
                in_word = true;
                let quote = character;
                loop {
                    match characters.next() {
                        Some(c) if c == quote => break,
                        Some('\\') if quote == '"' => {
                            if let Some(escaped) = characters.next() {
                                word.push(escaped);
                            }
                        }
                        Some(c) => word.push(c),
                        None => return Err(SplitError::UnclosedQuote(quote)),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(escaped) = characters.next() {
                    word.push(escaped);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(core::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(split("  echo  hi there ").unwrap(), ["echo", "hi", "there"]);
        assert_eq!(split(r#"echo "a  b" 'c\d' e\ f """#).unwrap(), ["echo", "a  b", r"c\d", "e f", ""]);
        assert_eq!(split("echo 'oops"), Err(SplitError::UnclosedQuote('\'')));
    }
}
