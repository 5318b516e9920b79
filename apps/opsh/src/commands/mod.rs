//! The commands: what each is called, how it is used, and running it.

mod basic;
mod files;
mod log;
mod net;
mod store;
mod system;

use alloc::string::String;
use alloc::vec::Vec;

use weft_log_api::Filter;

use crate::history::History;
use crate::host::Host;
use crate::output::Output;

pub(crate) use log::format_entry;

/// One command's name, usage and one-line summary.
pub struct CommandInfo {
    /// What to type.
    pub name: &'static str,
    /// Usage, after the name.
    pub usage: &'static str,
    /// What it does.
    pub summary: &'static str,
}

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo { name: "help", usage: "[command]", summary: "List commands, or explain one" },
    CommandInfo { name: "ls", usage: "[-l] [path…]", summary: "List a directory" },
    CommandInfo { name: "cat", usage: "file…", summary: "Print text files" },
    CommandInfo {
        name: "mkdir",
        usage: "[-p] directory…",
        summary: "Make directories (-p: and their parents)",
    },
    CommandInfo { name: "rm", usage: "path…", summary: "Delete files and empty directories" },
    CommandInfo { name: "mv", usage: "from to", summary: "Move or rename (into a directory if `to` is one)" },
    CommandInfo { name: "write", usage: "file [text…]", summary: "Write a line of text as a file" },
    CommandInfo { name: "df", usage: "", summary: "Show the store's size and free space" },
    CommandInfo { name: "sync", usage: "", summary: "Wait until every change is on the disk" },
    CommandInfo { name: "fsck", usage: "", summary: "Check every block of the store against its checksum" },
    CommandInfo { name: "cd", usage: "[directory]", summary: "Change the working directory" },
    CommandInfo { name: "pwd", usage: "", summary: "Print the working directory" },
    CommandInfo {
        name: "echo",
        usage: "[-n] [text…] [> file | >> file]",
        summary: "Print text, or write it to a file",
    },
    CommandInfo {
        name: "net",
        usage: "[dns [server[:port]…]]",
        summary: "Show interfaces, lease, routes and DNS; set DNS servers",
    },
    CommandInfo {
        name: "ping",
        usage: "[-c count] host",
        summary: "Send ICMP echo requests and time the replies",
    },
    CommandInfo { name: "fetch", usage: "url file", summary: "Download a URL (HTTP GET) to a file" },
    CommandInfo { name: "ps", usage: "", summary: "List running processes" },
    CommandInfo {
        name: "svc",
        usage: "[list | status <name> | restart <name>]",
        summary: "Inspect and restart services",
    },
    CommandInfo {
        name: "log",
        usage: "[-n count] [-l level] [-s source] [-f]",
        summary: "Read the system log; -f follows it",
    },
    CommandInfo { name: "uname", usage: "[-a]", summary: "Name the system (-a: version and platform)" },
    CommandInfo { name: "uptime", usage: "", summary: "Time since boot, processes, services, memory" },
    CommandInfo { name: "history", usage: "", summary: "List the commands entered so far" },
    CommandInfo { name: "clear", usage: "", summary: "Clear the screen and scrollback" },
    CommandInfo { name: "exit", usage: "", summary: "Close the terminal" },
];

/// The command named `name`.
pub fn find(name: &str) -> Option<&'static CommandInfo> {
    COMMANDS.iter().find(|command| command.name == name)
}

/// What the shell does after a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Finished; `true` when it succeeded.
    Done(bool),
    /// Keeps printing log entries until interrupted.
    Follow {
        /// Which entries.
        filter: Filter,
        /// Sequence of the last entry printed.
        after: u64,
    },
    /// Close the shell.
    Exit,
}

/// What a running command can use.
pub(crate) struct Invocation<'a, H: Host> {
    pub host: &'a mut H,
    pub cwd: &'a mut String,
    pub history: &'a History,
    /// Terminal width in columns.
    pub width: usize,
    pub output: Output,
}

impl<H: Host> Invocation<'_, H> {
    /// Prints `command: message` in red and fails.
    pub fn fail(&mut self, command: &str, message: &str) -> Outcome {
        self.output.error(command, message);
        Outcome::Done(false)
    }

    /// Prints a usage error for `command` and fails.
    pub fn usage(&mut self, command: &str, problem: &str) -> Outcome {
        let usage = find(command).map_or("", |info| info.usage);
        self.output.error(command, problem);
        self.output.line(&alloc::format!("usage: {command} {usage}"));
        Outcome::Done(false)
    }
}

/// Runs the command `words[0]` with the rest as arguments.
pub(crate) fn run<H: Host>(invocation: &mut Invocation<'_, H>, words: &[String]) -> Outcome {
    let Some((name, arguments)) = words.split_first() else { return Outcome::Done(true) };
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    match name.as_str() {
        "help" => basic::help(invocation, &arguments),
        "echo" => basic::echo(invocation, &arguments),
        "history" => basic::history(invocation, &arguments),
        "clear" => basic::clear(invocation, &arguments),
        "exit" => basic::exit(invocation, &arguments),
        "ls" => files::ls(invocation, &arguments),
        "cat" => files::cat(invocation, &arguments),
        "cd" => files::cd(invocation, &arguments),
        "pwd" => files::pwd(invocation, &arguments),
        "mkdir" => store::mkdir(invocation, &arguments),
        "rm" => store::rm(invocation, &arguments),
        "mv" => store::mv(invocation, &arguments),
        "write" => store::write(invocation, &arguments),
        "df" => store::df(invocation, &arguments),
        "sync" => store::sync(invocation, &arguments),
        "fsck" => store::fsck(invocation, &arguments),
        "net" => net::net(invocation, &arguments),
        "ping" => net::ping(invocation, &arguments),
        "fetch" => net::fetch(invocation, &arguments),
        "ps" => system::ps(invocation, &arguments),
        "svc" => system::svc(invocation, &arguments),
        "uname" => system::uname(invocation, &arguments),
        "uptime" => system::uptime(invocation, &arguments),
        "log" => log::log(invocation, &arguments),
        unknown => {
            let hint = match closest(unknown) {
                Some(near) => {
                    alloc::format!("unknown command `{unknown}`; did you mean `{near}`? (`help` lists them)")
                }
                None => alloc::format!("unknown command `{unknown}` (`help` lists them)"),
            };
            invocation.fail("opsh", &hint)
        }
    }
}

/// The command name closest to `typed` (edit distance at most 2).
fn closest(typed: &str) -> Option<&'static str> {
    COMMANDS
        .iter()
        .map(|command| (distance(typed, command.name), command.name))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance between two short words.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, left) in a.chars().enumerate() {
        let mut current = alloc::vec![i + 1];
        for (j, right) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(left != *right);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Refuses extra arguments for commands that take none.
fn no_arguments<H: Host>(
    invocation: &mut Invocation<'_, H>,
    command: &str,
    arguments: &[&str],
) -> Option<Outcome> {
    arguments.first().map(|extra| invocation.usage(command, &alloc::format!("unexpected argument `{extra}`")))
}
