//! weft-opsh — the operator shell.
//!
//! A small command shell for looking at and looking after a running Weft
//! system: its files (`ls`, `cat`, `cd`; `mkdir`, `rm`, `mv`, `write`,
//! `echo … > file` and `df` on the store), processes (`ps`), services
//! (`svc list|status|restart`), log (`log`, `log -f`) and figures
//! (`uname`, `uptime`). It speaks to a terminal in bytes: [`Shell::feed`]
//! takes what the terminal sends for keys (xterm sequences) and returns
//! what to print (text with ANSI colours and cursor control), so it runs
//! behind any VT-compatible terminal. It edits the line itself (cursor
//! and word motion, deletion, history, Tab completion of commands, paths,
//! subcommands and service names) and redraws it correctly when it wraps.
//!
//! Everything it knows about the system comes through a [`Host`]:
//! [`ServiceHost`] is the real one (the boot bundle's files, `weft.storage`,
//! `weft.status`, `weft.log.reader`); tests bring their own.
//!
//! Invariants: no input makes the shell panic; file contents and log
//! messages are printed with control characters made visible, so they
//! cannot drive the terminal; every output line ends in CR LF.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod args;
mod commands;
mod complete;
mod editor;
mod fs;
mod history;
mod host;
mod keys;
mod output;
mod services;
mod shell;

pub use args::{SplitError, split};
pub use commands::{COMMANDS, CommandInfo};
pub use complete::{Completion, complete};
pub use editor::LineEditor;
pub use fs::Storage;
pub use history::History;
pub use host::{Host, HostError, LogPage};
pub use keys::{EditKey, KeyDecoder};
pub use output::printable;
pub use services::ServiceHost;
pub use shell::Shell;
