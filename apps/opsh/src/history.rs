//! Lines entered before, recalled with Up and Down.

use alloc::string::String;
use alloc::vec::Vec;

/// Most lines kept.
pub const HISTORY_LIMIT: usize = 500;

/// The history and where recall currently is.
#[derive(Clone, Debug, Default)]
pub struct History {
    lines: Vec<String>,
    /// Index being shown, or `None` while editing a new line.
    position: Option<usize>,
    /// The new line, kept while browsing older ones.
    draft: String,
}

impl History {
    /// An empty history.
    pub fn new() -> History {
        History::default()
    }

    /// Remembers `line` (not blanks, not a repeat of the last one) and
    /// ends browsing.
    pub fn push(&mut self, line: &str) {
        self.position = None;
        self.draft.clear();
        let line = line.trim();
        if line.is_empty() || self.lines.last().is_some_and(|last| last == line) {
            return;
        }
        if self.lines.len() == HISTORY_LIMIT {
            self.lines.remove(0);
        }
        self.lines.push(String::from(line));
    }

    /// The line before the one shown, given the line being edited now.
    pub fn older(&mut self, current: &str) -> Option<&str> {
        let position = match self.position {
            None if self.lines.is_empty() => return None,
            None => {
                self.draft = String::from(current);
                self.lines.len() - 1
            }
            Some(0) => return None,
            Some(position) => position - 1,
        };
        self.position = Some(position);
        self.lines.get(position).map(String::as_str)
    }

    /// The line after the one shown (the draft after the newest).
    pub fn newer(&mut self) -> Option<&str> {
        let position = self.position?;
        if position + 1 >= self.lines.len() {
            self.position = None;
            return Some(&self.draft);
        }
        self.position = Some(position + 1);
        self.lines.get(position + 1).map(String::as_str)
    }

    /// Every remembered line, oldest first.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsing_keeps_the_draft() {
        let mut history = History::new();
        history.push("ps");
        history.push("ps");
        history.push("  ");
        history.push("svc list");
        assert_eq!(history.lines(), ["ps", "svc list"]);
        assert_eq!(history.older("ec"), Some("svc list"));
        assert_eq!(history.older("ignored"), Some("ps"));
        assert_eq!(history.older("ignored"), None);
        assert_eq!(history.newer(), Some("svc list"));
        assert_eq!(history.newer(), Some("ec"));
        assert_eq!(history.newer(), None);
    }
}
