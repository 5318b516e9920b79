//! log: the system log, filtered by level and source, tailed or followed.

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;

use weft_app_support::format::timestamp;
use weft_log_api::{Entry, Filter};

use super::{Invocation, Outcome};
use crate::host::Host;
use crate::output::{Output, printable, style};

/// Entries shown when no count is given.
const DEFAULT_COUNT: usize = 20;
/// Entries read per request while paging to the end.
const PAGE: u32 = 256;

/// The level number for a name or number (`warn`, `2`).
fn parse_level(text: &str) -> Option<u8> {
    match text.to_ascii_lowercase().as_str() {
        "error" | "1" => Some(1),
        "warn" | "warning" | "2" => Some(2),
        "info" | "3" => Some(3),
        "debug" | "4" => Some(4),
        _ => None,
    }
}

fn level_label(level: u8) -> (&'static str, &'static str) {
    match level {
        1 => ("ERROR", "\x1b[1;31m"),
        2 => ("WARN ", style::YELLOW),
        3 => ("INFO ", style::GREEN),
        _ => ("DEBUG", style::DIM),
    }
}

/// One entry as a log line: time since boot, level, source, message.
pub(crate) fn format_entry(output: &mut Output, entry: &Entry) {
    let (label, label_style) = level_label(entry.level);
    output.styled(style::DIM, &format!("{:>10} ", timestamp(entry.time)));
    output.styled(label_style, label);
    output.raw(" ");
    output.styled(style::CYAN, &format!("{:<8}", entry.source));
    output.line(&format!(" {}", printable(&entry.message)));
}

pub(crate) fn log<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let mut count = DEFAULT_COUNT;
    let mut filter = Filter::default();
    let mut follow = false;
    let mut index = 0;
    while index < arguments.len() {
        let option = arguments[index];
        let value = arguments.get(index + 1).copied();
        match option {
            "-f" | "--follow" => follow = true,
            "-n" | "--lines" => {
                match value.and_then(|value| value.parse::<usize>().ok()) {
                    Some(parsed) => count = parsed,
                    None => return invocation.usage("log", "-n needs a number of entries"),
                }
                index += 1;
            }
            "-l" | "--level" => {
                match value.and_then(parse_level) {
                    Some(level) => filter.max_level = level,
                    None => {
                        return invocation.usage("log", "-l needs a level: error, warn, info or debug");
                    }
                }
                index += 1;
            }
            "-s" | "--source" => {
                match value {
                    Some(source) => filter.source = Some(String::from(source)),
                    None => return invocation.usage("log", "-s needs a source (a service name)"),
                }
                index += 1;
            }
            other => return invocation.usage("log", &format!("unknown argument `{other}`")),
        }
        index += 1;
    }

    // Page to the end, keeping the last `count` entries.
    let mut tail: VecDeque<Entry> = VecDeque::new();
    let mut after = 0;
    let mut lost = 0;
    for _ in 0..10_000 {
        let page = match invocation.host.read_log(after, PAGE, &filter) {
            Ok(page) => page,
            Err(error) => return invocation.fail("log", &format!("{error}")),
        };
        lost += page.lost;
        let empty = page.entries.is_empty();
        for entry in page.entries {
            tail.push_back(entry);
            if tail.len() > count {
                tail.pop_front();
            }
        }
        if empty || page.next <= after {
            break;
        }
        after = page.next;
    }
    if lost > 0 && tail.len() < count {
        invocation.output.styled(style::DIM, &format!("({lost} older entries were overwritten)"));
        invocation.output.line("");
    }
    let mut last = tail.back().map_or(0, |entry| entry.sequence).max(after);
    for entry in &tail {
        format_entry(&mut invocation.output, entry);
    }
    if !follow {
        if tail.is_empty() {
            invocation.output.styled(style::DIM, "no entries");
            invocation.output.line("");
        }
        return Outcome::Done(true);
    }
    if let Err(error) = invocation.host.follow_log(&filter) {
        return invocation.fail("log", &format!("cannot follow: {error}"));
    }
    invocation.output.styled(style::DIM, "following the log; Ctrl+C stops");
    invocation.output.line("");
    // Entries logged between the last page and the start of following.
    if let Ok(page) = invocation.host.read_log(last, PAGE, &filter) {
        for entry in page.entries.iter().filter(|entry| entry.sequence > last) {
            format_entry(&mut invocation.output, entry);
        }
        last = last.max(page.entries.last().map_or(0, |entry| entry.sequence));
    }
    Outcome::Follow { filter, after: last }
}
