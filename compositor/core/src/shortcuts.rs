//! System shortcuts kept from apps: Alt+Tab, Super alone, Super+L.

use alloc::vec::Vec;
use weft_compositor_api::shell::Shortcut;
use weft_types::{Key, KeyEvent, KeyState, Modifiers};

/// What to do with one key event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyOutcome {
    /// A shortcut it completes, to act on first.
    pub shortcut: Option<Shortcut>,
    /// Whether the focused surface still gets the key.
    pub deliver: bool,
}

/// The keyboard state shortcuts depend on.
#[derive(Default)]
pub(crate) struct Shortcuts {
    modifiers: Modifiers,
    /// Alt+Tab switching in progress.
    switching: bool,
    /// Super pressed with no other key since.
    super_alone: bool,
    /// Keys whose press a shortcut consumed (their release is eaten too).
    eaten: Vec<Key>,
}

impl Shortcuts {
    /// The modifiers held as of the last key.
    pub fn modifiers(&self) -> Modifiers {
        self.modifiers
    }

    /// Look at one key event: a press that makes a shortcut is eaten with
    /// its release; releases that end a switch or a lone Super make a
    /// shortcut and still reach the app.
    pub fn key(&mut self, event: &KeyEvent) -> KeyOutcome {
        self.modifiers = event.modifiers;
        let pressed = event.state != KeyState::Released;
        let is_super = matches!(event.key, Key::LEFT_META | Key::RIGHT_META);
        let is_alt = matches!(event.key, Key::LEFT_ALT | Key::RIGHT_ALT);
        if !pressed && let Some(at) = self.eaten.iter().position(|k| *k == event.key) {
            self.eaten.swap_remove(at);
            return KeyOutcome { shortcut: None, deliver: false };
        }
        if pressed && !is_super {
            self.super_alone = false;
        }
        if pressed {
            let alt = event.modifiers.contains(Modifiers::ALT);
            let sup = event.modifiers.contains(Modifiers::SUPER);
            let shortcut = if alt && event.key == Key::TAB {
                self.switching = true;
                Some(if event.modifiers.contains(Modifiers::SHIFT) {
                    Shortcut::SwitchPrevious
                } else {
                    Shortcut::SwitchNext
                })
            } else if self.switching && event.key == Key::ESC {
                self.switching = false;
                Some(Shortcut::SwitchCancel)
            } else if sup && event.key == Key::L {
                Some(Shortcut::Lock)
            } else {
                if is_super && event.state == KeyState::Pressed {
                    self.super_alone = true;
                }
                None
            };
            if shortcut.is_some() && !self.eaten.contains(&event.key) {
                self.eaten.push(event.key);
            }
            return KeyOutcome { shortcut, deliver: shortcut.is_none() };
        }
        let shortcut = if is_alt && self.switching {
            self.switching = false;
            Some(Shortcut::SwitchCommit)
        } else if is_super && core::mem::take(&mut self.super_alone) {
            Some(Shortcut::Launcher)
        } else {
            None
        };
        KeyOutcome { shortcut, deliver: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(key: Key, state: KeyState, modifiers: Modifiers) -> KeyEvent {
        KeyEvent { key, state, modifiers, text: Default::default() }
    }

    fn press(shortcuts: &mut Shortcuts, key: Key, modifiers: Modifiers) -> KeyOutcome {
        shortcuts.key(&event(key, KeyState::Pressed, modifiers))
    }

    fn release(shortcuts: &mut Shortcuts, key: Key, modifiers: Modifiers) -> KeyOutcome {
        shortcuts.key(&event(key, KeyState::Released, modifiers))
    }

    const PASS: KeyOutcome = KeyOutcome { shortcut: None, deliver: true };
    const EATEN: KeyOutcome = KeyOutcome { shortcut: None, deliver: false };

    fn eats(shortcut: Shortcut) -> KeyOutcome {
        KeyOutcome { shortcut: Some(shortcut), deliver: false }
    }

    #[test]
    fn alt_tab_switches_and_alt_release_commits() {
        let mut s = Shortcuts::default();
        assert_eq!(press(&mut s, Key::LEFT_ALT, Modifiers::ALT), PASS);
        assert_eq!(press(&mut s, Key::TAB, Modifiers::ALT), eats(Shortcut::SwitchNext));
        let back = Modifiers::ALT | Modifiers::SHIFT;
        assert_eq!(s.key(&event(Key::TAB, KeyState::Repeated, back)), eats(Shortcut::SwitchPrevious));
        assert_eq!(release(&mut s, Key::TAB, Modifiers::ALT), EATEN);
        assert_eq!(s.modifiers(), Modifiers::ALT);
        let commit = KeyOutcome { shortcut: Some(Shortcut::SwitchCommit), deliver: true };
        assert_eq!(release(&mut s, Key::LEFT_ALT, Modifiers::empty()), commit);
        assert_eq!(release(&mut s, Key::LEFT_ALT, Modifiers::empty()), PASS, "the switch is over");
    }

    #[test]
    fn escape_cancels_a_switch_and_is_eaten() {
        let mut s = Shortcuts::default();
        press(&mut s, Key::TAB, Modifiers::ALT);
        assert_eq!(press(&mut s, Key::ESC, Modifiers::ALT), eats(Shortcut::SwitchCancel));
        assert_eq!(release(&mut s, Key::ESC, Modifiers::ALT), EATEN);
        assert_eq!(press(&mut s, Key::ESC, Modifiers::empty()), PASS, "without a switch Escape is a key");
    }

    #[test]
    fn super_alone_opens_the_launcher_and_super_l_locks() {
        let mut s = Shortcuts::default();
        assert_eq!(press(&mut s, Key::LEFT_META, Modifiers::SUPER), PASS);
        let launcher = KeyOutcome { shortcut: Some(Shortcut::Launcher), deliver: true };
        assert_eq!(release(&mut s, Key::LEFT_META, Modifiers::empty()), launcher);
        press(&mut s, Key::LEFT_META, Modifiers::SUPER);
        assert_eq!(press(&mut s, Key::L, Modifiers::SUPER), eats(Shortcut::Lock));
        assert_eq!(release(&mut s, Key::L, Modifiers::SUPER), EATEN);
        assert_eq!(release(&mut s, Key::LEFT_META, Modifiers::empty()), PASS, "Super was not alone");
    }
}
