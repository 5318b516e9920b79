//! Tab completion: command names, then paths, subcommands or service
//! names depending on the command.

use alloc::string::String;
use alloc::vec::Vec;

use weft_app_support::tree::resolve;
use weft_app_support::{EntryKind, FileTree};

use crate::commands::COMMANDS;

/// What the word at the cursor could become.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Characters of the word already typed (to be replaced).
    pub typed: usize,
    /// Full replacements for the word, sorted; a directory ends in `/`.
    pub candidates: Vec<String>,
}

impl Completion {
    /// The longest text every candidate starts with.
    pub fn common_prefix(&self) -> String {
        let Some(first) = self.candidates.first() else { return String::new() };
        let mut prefix: Vec<char> = first.chars().collect();
        for candidate in &self.candidates[1..] {
            let shared = prefix.iter().zip(candidate.chars()).take_while(|(a, b)| **a == *b).count();
            prefix.truncate(shared);
        }
        prefix.into_iter().collect()
    }
}

/// Completes the last word of `before_cursor`. `services` is asked for
/// service names only when they could complete the word.
pub fn complete(
    before_cursor: &str,
    cwd: &str,
    files: &FileTree,
    services: &mut dyn FnMut() -> Vec<String>,
) -> Completion {
    let words: Vec<&str> = before_cursor.split_whitespace().collect();
    let starting_new = before_cursor.is_empty() || before_cursor.ends_with(char::is_whitespace);
    let word = if starting_new { "" } else { words.last().copied().unwrap_or("") };
    let position = if starting_new { words.len() } else { words.len().saturating_sub(1) };
    let typed = word.chars().count();
    let matching = |options: &mut dyn Iterator<Item = String>| -> Vec<String> {
        let mut found: Vec<String> = options.filter(|option| option.starts_with(word)).collect();
        found.sort();
        found.dedup();
        found
    };
    let candidates = match (position, words.first().copied()) {
        (0, _) => matching(&mut COMMANDS.iter().map(|command| String::from(command.name))),
        (_, Some("ls" | "cat" | "cd")) => {
            let directories_only = words.first() == Some(&"cd");
            paths(word, cwd, files, directories_only)
        }
        (_, Some("help")) if position == 1 => {
            matching(&mut COMMANDS.iter().map(|command| String::from(command.name)))
        }
        (1, Some("svc")) => matching(&mut ["list", "status", "restart"].into_iter().map(String::from)),
        (2, Some("svc")) if matches!(words.get(1), Some(&"status" | &"restart")) => {
            matching(&mut services().into_iter())
        }
        (_, Some("log")) if matches!(words.get(position.wrapping_sub(1)), Some(&"-l" | &"--level")) => {
            matching(&mut ["error", "warn", "info", "debug"].into_iter().map(String::from))
        }
        (_, Some("log")) if matches!(words.get(position.wrapping_sub(1)), Some(&"-s" | &"--source")) => {
            matching(&mut services().into_iter())
        }
        _ => Vec::new(),
    };
    Completion { typed, candidates }
}

/// Paths starting with `word`, relative as typed.
fn paths(word: &str, cwd: &str, files: &FileTree, directories_only: bool) -> Vec<String> {
    let (directory, stem) = match word.rfind('/') {
        Some(index) => (&word[..=index], &word[index + 1..]),
        None => ("", word),
    };
    let Ok(entries) = files.list(&resolve(cwd, if directory.is_empty() { "." } else { directory })) else {
        return Vec::new();
    };
    entries
        .into_iter()
        .filter(|entry| {
            entry.name.starts_with(stem) && (!directories_only || entry.kind == EntryKind::Directory)
        })
        .map(|entry| {
            let mut candidate = String::from(directory);
            candidate.push_str(&entry.name);
            if entry.kind == EntryKind::Directory {
                candidate.push('/');
            }
            candidate
        })
        .collect()
}
