//! Physical keys, by Linux evdev code.

use serde::{Deserialize, Serialize};

/// A physical key: its Linux evdev key code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Key(pub u16);

macro_rules! keys {
    ($($name:ident = $code:literal,)*) => {
        impl Key {
            $(
                #[doc = concat!("evdev `KEY_", stringify!($name), "`.")]
                pub const $name: Key = Key($code);
            )*

            /// The key's evdev name without the `KEY_` prefix, if known.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($code => Some(stringify!($name)),)*
                    _ => None,
                }
            }
        }
    };
}

keys! {
    ESC = 1, NUM_1 = 2, NUM_2 = 3, NUM_3 = 4, NUM_4 = 5, NUM_5 = 6, NUM_6 = 7, NUM_7 = 8,
    NUM_8 = 9, NUM_9 = 10, NUM_0 = 11, MINUS = 12, EQUAL = 13, BACKSPACE = 14, TAB = 15,
    Q = 16, W = 17, E = 18, R = 19, T = 20, Y = 21, U = 22, I = 23, O = 24, P = 25,
    LEFT_BRACE = 26, RIGHT_BRACE = 27, ENTER = 28, LEFT_CTRL = 29,
    A = 30, S = 31, D = 32, F = 33, G = 34, H = 35, J = 36, K = 37, L = 38,
    SEMICOLON = 39, APOSTROPHE = 40, GRAVE = 41, LEFT_SHIFT = 42, BACKSLASH = 43,
    Z = 44, X = 45, C = 46, V = 47, B = 48, N = 49, M = 50,
    COMMA = 51, DOT = 52, SLASH = 53, RIGHT_SHIFT = 54, KP_ASTERISK = 55, LEFT_ALT = 56,
    SPACE = 57, CAPS_LOCK = 58,
    F1 = 59, F2 = 60, F3 = 61, F4 = 62, F5 = 63, F6 = 64, F7 = 65, F8 = 66, F9 = 67, F10 = 68,
    F11 = 87, F12 = 88, KP_ENTER = 96, RIGHT_CTRL = 97, RIGHT_ALT = 100,
    HOME = 102, UP = 103, PAGE_UP = 104, LEFT = 105, RIGHT = 106, END = 107, DOWN = 108,
    PAGE_DOWN = 109, INSERT = 110, DELETE = 111, VOLUME_DOWN = 114, VOLUME_UP = 115,
    POWER = 116, LEFT_META = 125, RIGHT_META = 126,
}
