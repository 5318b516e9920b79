//! Scripted input for headless runs and tests: typing text, clicking,
//! resizing — turned into exactly the events a person would cause.

use weft_types::keymap::{Keyboard, key_for};
use weft_types::{Button, Key, KeyEvent, KeyState, PointerEvent};

use crate::error::ViewerError;
use crate::stream::ViewerStream;

/// One scripted step.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Type this text (US layout; characters without a key are skipped).
    Type(String),
    /// Move the pointer to (x, y) and click the left button.
    Click {
        /// Horizontal position in surface pixels.
        x: f32,
        /// Vertical position in surface pixels.
        y: f32,
    },
    /// Announce a new viewer size.
    Resize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
}

fn pair<T: std::str::FromStr>(text: &str, what: &str) -> Result<(T, T), ViewerError> {
    let error = || ViewerError::Usage(format!("expected {what} as A,B, got {text:?}"));
    let (first, second) = text.split_once(',').ok_or_else(error)?;
    Ok((first.trim().parse().map_err(|_| error())?, second.trim().parse().map_err(|_| error())?))
}

impl Action {
    /// Parse `--click X,Y`.
    pub fn click(text: &str) -> Result<Action, ViewerError> {
        let (x, y) = pair::<f32>(text, "X,Y")?;
        if !(x.is_finite() && y.is_finite()) {
            return Err(ViewerError::Usage(format!("bad click position {text:?}")));
        }
        Ok(Action::Click { x, y })
    }

    /// Parse `--resize W,H`.
    pub fn resize(text: &str) -> Result<Action, ViewerError> {
        let (width, height) = pair::<u32>(text, "W,H")?;
        if width == 0
            || height == 0
            || width > weft_wlstream::MAX_DIMENSION
            || height > weft_wlstream::MAX_DIMENSION
        {
            return Err(ViewerError::Usage(format!("bad size {text:?}")));
        }
        Ok(Action::Resize { width, height })
    }
}

/// The key events that type `text`: Shift pressed around shifted
/// characters, each key pressed then released.
pub fn key_events(text: &str) -> Vec<KeyEvent> {
    let mut keyboard = Keyboard::new();
    let mut events = Vec::new();
    for character in text.chars() {
        let Some((key, shift)) = key_for(character) else {
            continue;
        };
        if shift {
            events.push(keyboard.feed(Key::LEFT_SHIFT, KeyState::Pressed));
        }
        events.push(keyboard.feed(key, KeyState::Pressed));
        events.push(keyboard.feed(key, KeyState::Released));
        if shift {
            events.push(keyboard.feed(Key::LEFT_SHIFT, KeyState::Released));
        }
    }
    events
}

/// The pointer events of a left click at (x, y).
pub fn click_events(x: f32, y: f32) -> [PointerEvent; 4] {
    [
        PointerEvent::Enter { x, y },
        PointerEvent::Motion { x, y },
        PointerEvent::Button { button: Button::Left, state: KeyState::Pressed, x, y },
        PointerEvent::Button { button: Button::Left, state: KeyState::Released, x, y },
    ]
}

/// Perform `action` on `stream`.
pub fn play(stream: &ViewerStream, action: &Action) -> Result<(), ViewerError> {
    match action {
        Action::Type(text) => key_events(text).into_iter().try_for_each(|event| stream.send_key(event)),
        Action::Click { x, y } => {
            click_events(*x, *y).into_iter().try_for_each(|event| stream.send_pointer(event))
        }
        Action::Resize { width, height } => stream.resize(*width, *height, 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_uses_shift_for_capitals() {
        let events = key_events("Hi");
        let keys: Vec<(Key, KeyState, &str)> =
            events.iter().map(|event| (event.key, event.state, event.text.as_str())).collect();
        assert_eq!(
            keys,
            [
                (Key::LEFT_SHIFT, KeyState::Pressed, ""),
                (Key::H, KeyState::Pressed, "H"),
                (Key::H, KeyState::Released, ""),
                (Key::LEFT_SHIFT, KeyState::Released, ""),
                (Key::I, KeyState::Pressed, "i"),
                (Key::I, KeyState::Released, ""),
            ]
        );
    }

    #[test]
    fn parses_actions() {
        assert_eq!(Action::click("10, 20.5").unwrap(), Action::Click { x: 10.0, y: 20.5 });
        assert_eq!(Action::resize("800,600").unwrap(), Action::Resize { width: 800, height: 600 });
        assert!(Action::resize("0,600").is_err());
        assert!(Action::click("nan,1").is_err());
        assert!(Action::click("12").is_err());
    }
}
