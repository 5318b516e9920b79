//! help, echo, history, clear, exit.

use alloc::format;

use super::{COMMANDS, Invocation, Outcome, find, no_arguments};
use crate::host::Host;
use crate::output::style;

pub(crate) fn help<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    match arguments {
        [] => {
            let output = &mut invocation.output;
            output.styled(style::BOLD, "Commands");
            output.line("");
            let width = COMMANDS.iter().map(|c| c.name.len() + 1 + c.usage.len()).max().unwrap_or(0).min(34);
            for command in COMMANDS {
                let synopsis = format!("{} {}", command.name, command.usage);
                let synopsis = synopsis.trim_end();
                let padding = width.saturating_sub(synopsis.chars().count()) + 2;
                output.raw("  ");
                output.styled(style::CYAN, command.name);
                output.write(&synopsis[command.name.len()..]);
                output.line(&format!("{:padding$}{}", "", command.summary));
            }
            output.line("");
            output.styled(
                style::DIM,
                "Keys: ←/→ move · Ctrl+←/→ by word · Home/End · ↑/↓ history · Tab completes",
            );
            output.line("");
            output.styled(
                style::DIM,
                "      Ctrl+C cancels · Ctrl+L clears · Shift+PgUp/PgDn scroll · Ctrl+Shift+C/V copy/paste",
            );
            output.line("");
            Outcome::Done(true)
        }
        [name] => match find(name) {
            Some(command) => {
                invocation.output.styled(style::BOLD, &format!("{} {}", command.name, command.usage));
                invocation.output.line("");
                invocation.output.line(&format!("  {}", command.summary));
                Outcome::Done(true)
            }
            None => invocation.fail("help", &format!("no command `{name}`")),
        },
        _ => invocation.usage("help", "too many arguments"),
    }
}

pub(crate) fn echo<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let (newline, words) = match arguments {
        ["-n", rest @ ..] => (false, rest),
        words => (true, words),
    };
    // `echo text > file` writes the file, `>> file` appends to it.
    let redirect = words.iter().position(|word| *word == ">" || *word == ">>");
    if let Some(at) = redirect {
        let append = words.get(at) == Some(&">>");
        let (text, rest) = words.split_at(at);
        let [_, file] = rest else { return invocation.usage("echo", "`>` needs one file after it") };
        let mut text = text.join(" ");
        if newline {
            text.push('\n');
        }
        return super::store::save(invocation, "echo", file, text.as_bytes(), append);
    }
    let text = words.join(" ");
    invocation.output.write(&crate::output::printable(&text));
    if newline {
        invocation.output.line("");
    }
    Outcome::Done(true)
}

pub(crate) fn history<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if let Some(outcome) = no_arguments(invocation, "history", arguments) {
        return outcome;
    }
    let lines = invocation.history.lines();
    let digits = format!("{}", lines.len()).len();
    for (index, line) in lines.iter().enumerate() {
        invocation.output.styled(style::DIM, &format!("{:>digits$}", index + 1));
        invocation.output.line(&format!("  {line}"));
    }
    Outcome::Done(true)
}

pub(crate) fn clear<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if let Some(outcome) = no_arguments(invocation, "clear", arguments) {
        return outcome;
    }
    invocation.output.raw("\x1b[H\x1b[2J\x1b[3J");
    Outcome::Done(true)
}

pub(crate) fn exit<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if let Some(outcome) = no_arguments(invocation, "exit", arguments) {
        return outcome;
    }
    Outcome::Exit
}
