//! The shell: reads input bytes, edits the line, runs commands, and
//! writes terminal output.

use alloc::string::String;
use alloc::vec::Vec;

use weft_log_api::Filter;

use crate::args::split;
use crate::commands::{self, Invocation, Outcome, format_entry};
use crate::complete::complete;
use crate::editor::LineEditor;
use crate::history::History;
use crate::host::Host;
use crate::keys::{EditKey, KeyDecoder};
use crate::output::{Output, style};

/// What the shell is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Mode {
    /// Editing a command line at the prompt.
    Prompt,
    /// Printing log entries as they arrive (`log -f`).
    Following {
        /// Which entries.
        filter: Filter,
        /// The last sequence printed.
        after: u64,
    },
    /// `exit` ran (or Ctrl+D on an empty line).
    Exited,
}

/// The operator shell over a [`Host`].
pub struct Shell<H: Host> {
    host: H,
    editor: LineEditor,
    history: History,
    keys: KeyDecoder,
    cwd: String,
    mode: Mode,
    width: usize,
    last_ok: bool,
}

impl<H: Host> Shell<H> {
    /// A shell at `/` on an 80-column terminal.
    pub fn new(host: H) -> Shell<H> {
        Shell {
            host,
            editor: LineEditor::new(),
            history: History::new(),
            keys: KeyDecoder::new(),
            cwd: String::from("/"),
            mode: Mode::Prompt,
            width: 80,
            last_ok: true,
        }
    }

    /// The host.
    pub fn host(&self) -> &H {
        &self.host
    }

    /// The host, to change.
    pub fn host_mut(&mut self) -> &mut H {
        &mut self.host
    }

    /// Tells the shell how wide the terminal is (tables and line editing
    /// depend on it).
    pub fn set_width(&mut self, columns: usize) {
        self.width = columns.max(8);
    }

    /// The working directory.
    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// Whether the shell has ended.
    pub fn has_exited(&self) -> bool {
        self.mode == Mode::Exited
    }

    /// Whether a command is running that prints on its own (`log -f`):
    /// call [`Shell::poll`] when the host has news.
    pub fn is_following(&self) -> bool {
        matches!(self.mode, Mode::Following { .. })
    }

    /// The history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The greeting and first prompt.
    pub fn start(&mut self) -> String {
        let mut output = Output::new();
        output.styled(style::BOLD, "Weft operator shell");
        output.styled(style::DIM, " · type `help` for commands, Tab to complete");
        output.line("");
        output.raw(&self.redraw());
        output.into_string()
    }

    fn prompt(&self) -> (String, usize) {
        let mark = if self.last_ok { "$" } else { "\x1b[31m$\x1b[0m" };
        let text = alloc::format!("\x1b[1;32mweft\x1b[0m:\x1b[1;34m{}\x1b[0m{mark} ", self.cwd);
        let width = "weft:".len() + self.cwd.chars().count() + 2;
        (text, width)
    }

    fn redraw(&mut self) -> String {
        let (prompt, width) = self.prompt();
        self.editor.render(&prompt, width, self.width)
    }

    /// Handles input bytes from the terminal; returns what to print.
    pub fn feed(&mut self, bytes: &[u8]) -> String {
        let mut output = Output::new();
        for key in self.keys.decode(bytes) {
            match self.mode {
                Mode::Prompt => self.edit(key, &mut output),
                Mode::Following { .. } => {
                    if matches!(key, EditKey::Interrupt | EditKey::Char('q')) {
                        self.host.stop_log();
                        self.mode = Mode::Prompt;
                        output.raw("^C\r\n");
                        output.raw(&self.redraw());
                    }
                }
                Mode::Exited => {}
            }
        }
        output.into_string()
    }

    /// New output from a running command (log entries while following).
    pub fn poll(&mut self) -> String {
        let Mode::Following { after, .. } = &mut self.mode else { return String::new() };
        let mut output = Output::new();
        match self.host.poll_log() {
            Ok(entries) => {
                for entry in &entries {
                    if entry.sequence > *after {
                        format_entry(&mut output, entry);
                        *after = entry.sequence;
                    }
                }
            }
            Err(error) => {
                output.error("log", &alloc::format!("stopped following: {error}"));
                self.mode = Mode::Prompt;
                output.raw(&self.redraw());
            }
        }
        output.into_string()
    }

    /// Runs `line` as if typed and entered, returning its output without
    /// the prompt (for scripts and tests).
    pub fn execute(&mut self, line: &str) -> String {
        let mut output = Output::new();
        self.run(line, &mut output);
        output.into_string()
    }

    fn edit(&mut self, key: EditKey, output: &mut Output) {
        let editor = &mut self.editor;
        match key {
            EditKey::Char(character) => editor.insert(character.encode_utf8(&mut [0u8; 4])),
            EditKey::Backspace => {
                editor.backspace();
            }
            EditKey::Delete => {
                editor.delete();
            }
            EditKey::Left => {
                editor.left();
            }
            EditKey::Right => {
                editor.right();
            }
            EditKey::Home => editor.home(),
            EditKey::End => editor.end(),
            EditKey::WordLeft => editor.word_left(),
            EditKey::WordRight => editor.word_right(),
            EditKey::DeleteWordBack => editor.delete_word_back(),
            EditKey::DeleteWordForward => editor.delete_word_forward(),
            EditKey::KillToStart => editor.kill_to_start(),
            EditKey::KillToEnd => editor.kill_to_end(),
            EditKey::Up => {
                let current = editor.text();
                if let Some(line) = self.history.older(&current) {
                    let line = String::from(line);
                    self.editor.set(&line);
                }
            }
            EditKey::Down => {
                if let Some(line) = self.history.newer() {
                    let line = String::from(line);
                    self.editor.set(&line);
                }
            }
            EditKey::Tab => self.complete(output),
            EditKey::Interrupt => {
                let (_, width) = self.prompt();
                output.raw("^C");
                output.raw(&self.editor.finish(width + 2, self.width));
                self.editor.take();
                self.last_ok = true;
            }
            EditKey::EndOfInput if self.editor.is_empty() => {
                let (_, width) = self.prompt();
                output.raw(&self.editor.finish(width, self.width));
                self.mode = Mode::Exited;
                return;
            }
            EditKey::EndOfInput => {
                self.editor.delete();
            }
            EditKey::ClearScreen => output.raw("\x1b[H\x1b[2J"),
            EditKey::Enter => {
                let (_, width) = self.prompt();
                output.raw(&self.editor.finish(width, self.width));
                let line = self.editor.take();
                self.run(&line, output);
                if self.mode != Mode::Prompt {
                    return;
                }
            }
        }
        let redraw = self.redraw();
        output.raw(&redraw);
    }

    fn complete(&mut self, output: &mut Output) {
        let before = self.editor.before_cursor();
        // Service names cost a request: fetch them only if they could
        // complete this word.
        let mut wanted = false;
        let mut completion = complete(&before, &self.cwd, self.host.files(), &mut || {
            wanted = true;
            Vec::new()
        });
        if wanted {
            let names: Vec<String> = self
                .host
                .services()
                .map(|list| list.into_iter().map(|service| service.name).collect())
                .unwrap_or_default();
            completion = complete(&before, &self.cwd, self.host.files(), &mut || names.clone());
        }
        match completion.candidates.len() {
            0 => output.raw("\x07"),
            1 => {
                let candidate = &completion.candidates[0];
                for _ in 0..completion.typed {
                    self.editor.backspace();
                }
                self.editor.insert(candidate);
                if !candidate.ends_with('/') {
                    self.editor.insert(" ");
                }
            }
            _ => {
                let prefix = completion.common_prefix();
                if prefix.chars().count() > completion.typed {
                    for _ in 0..completion.typed {
                        self.editor.backspace();
                    }
                    self.editor.insert(&prefix);
                } else {
                    // Nothing more in common: show the choices below the line.
                    let (_, width) = self.prompt();
                    output.raw(&self.editor.finish(width, self.width));
                    let names: Vec<&str> = completion.candidates.iter().map(String::as_str).collect();
                    output.line(&names.join("  "));
                }
            }
        }
    }

    fn run(&mut self, line: &str, output: &mut Output) {
        self.history.push(line);
        let words = match split(line) {
            Ok(words) => words,
            Err(error) => {
                output.error("opsh", &alloc::format!("{error}"));
                self.last_ok = false;
                return;
            }
        };
        if words.is_empty() {
            return;
        }
        let mut invocation = Invocation {
            host: &mut self.host,
            cwd: &mut self.cwd,
            history: &self.history,
            width: self.width,
            output: Output::new(),
        };
        let outcome = commands::run(&mut invocation, &words);
        output.raw(&invocation.output.into_string());
        match outcome {
            Outcome::Done(ok) => self.last_ok = ok,
            Outcome::Follow { filter, after } => {
                self.last_ok = true;
                self.mode = Mode::Following { filter, after };
            }
            Outcome::Exit => self.mode = Mode::Exited,
        }
    }
}
