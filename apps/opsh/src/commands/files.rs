//! ls, cat, cd, pwd over the files the terminal can see: the bundle's and
//! the store's.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use weft_app_support::format::bytes;
use weft_app_support::tree::{is_text, resolve};
use weft_app_support::{EntryKind, TreeEntry};

use weft_storage_api::Kind;

use super::{Invocation, Outcome, no_arguments};
use crate::fs::{Place, child, list_root, place, tree_entry};
use crate::host::Host;
use crate::output::{Output, printable, style};

pub(crate) fn ls<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let mut long = false;
    let mut paths: Vec<&str> = Vec::new();
    for argument in arguments {
        match *argument {
            "-l" => long = true,
            option if option.starts_with('-') && option.len() > 1 => {
                return invocation.usage("ls", &format!("unknown option `{option}`"));
            }
            path => paths.push(path),
        }
    }
    if paths.is_empty() {
        paths.push(".");
    }
    let mut ok = true;
    let several = paths.len() > 1;
    for (index, path) in paths.iter().enumerate() {
        let absolute = resolve(invocation.cwd, path);
        let listing = listing(invocation.host, &absolute);
        match listing {
            Ok(entries) => {
                if several {
                    if index > 0 {
                        invocation.output.line("");
                    }
                    invocation.output.styled(style::BOLD, &format!("{path}:"));
                    invocation.output.line("");
                }
                if long {
                    long_listing(&mut invocation.output, &entries);
                } else {
                    columns(&mut invocation.output, &entries, invocation.width);
                }
            }
            Err(error) => {
                invocation.output.error("ls", &error);
                ok = false;
            }
        }
    }
    Outcome::Done(ok)
}

/// What `ls` shows for `absolute`: a directory's entries, or the file.
fn listing<H: Host>(host: &mut H, absolute: &str) -> Result<Vec<TreeEntry>, String> {
    match place(host.files(), absolute) {
        Place::Root => {
            let system = host.files().list("/").map_err(|error| format!("{error}"))?;
            list_root(system, host.storage())
        }
        Place::System => {
            let files = host.files();
            match files.entry(absolute) {
                Ok(entry) if entry.kind == EntryKind::File => Ok(alloc::vec![entry]),
                Ok(_) => files.list(absolute),
                Err(error) => Err(error),
            }
            .map_err(|error| format!("{error}"))
        }
        Place::Store(relative) => {
            let storage = host.storage().ok_or_else(|| format!("{absolute}: no such file or directory"))?;
            let entry = storage.stat(relative).map_err(|error| format!("{absolute}: {error}"))?;
            if entry.kind == Kind::File {
                return Ok(alloc::vec![tree_entry(entry, String::from(absolute))]);
            }
            let entries = storage.list(relative).map_err(|error| format!("{absolute}: {error}"))?;
            Ok(entries
                .into_iter()
                .map(|entry| {
                    let path = child(absolute, &entry.name);
                    tree_entry(entry, path)
                })
                .collect())
        }
    }
}

/// A whole file, from the bundle or the store.
pub(crate) fn read_file<H: Host>(host: &mut H, absolute: &str) -> Result<Vec<u8>, String> {
    match place(host.files(), absolute) {
        Place::Root => Err(format!("{absolute}: is a directory")),
        Place::System => host.files().read(absolute).map(<[u8]>::to_vec).map_err(|error| format!("{error}")),
        Place::Store(relative) => {
            let storage = host.storage().ok_or_else(|| format!("{absolute}: no such file or directory"))?;
            if storage.stat(relative).is_ok_and(|entry| entry.kind == Kind::Dir) {
                return Err(format!("{absolute}: is a directory"));
            }
            storage.read(relative).map_err(|error| format!("{absolute}: {error}"))
        }
    }
}

/// Whether `absolute` is a directory, a file, or nothing.
fn kind_of<H: Host>(host: &mut H, absolute: &str) -> Option<EntryKind> {
    match place(host.files(), absolute) {
        Place::Root => Some(EntryKind::Directory),
        Place::System => host.files().kind(absolute),
        Place::Store(relative) => host.storage()?.stat(relative).ok().map(|entry| match entry.kind {
            Kind::File => EntryKind::File,
            Kind::Dir => EntryKind::Directory,
        }),
    }
}

fn display_name(entry: &TreeEntry) -> String {
    match entry.kind {
        EntryKind::Directory => format!("{}/", entry.name),
        EntryKind::File => entry.name.clone(),
    }
}

fn write_name(output: &mut Output, entry: &TreeEntry) {
    match entry.kind {
        EntryKind::Directory => output.styled(style::DIRECTORY, &display_name(entry)),
        EntryKind::File => output.write(&entry.name),
    }
}

/// Names in columns, filled top to bottom like `ls`.
fn columns(output: &mut Output, entries: &[TreeEntry], width: usize) {
    if entries.is_empty() {
        return;
    }
    let widest = entries.iter().map(|entry| display_name(entry).chars().count()).max().unwrap_or(1);
    let column_width = widest + 2;
    let per_row = (width / column_width).max(1);
    let rows = entries.len().div_ceil(per_row);
    for row in 0..rows {
        let mut column = 0;
        while let Some(entry) = entries.get(row + column * rows) {
            let next = entries.get(row + (column + 1) * rows);
            write_name(output, entry);
            if next.is_some() {
                let used = display_name(entry).chars().count();
                output.raw(&" ".repeat(column_width - used));
            }
            column += 1;
        }
        output.line("");
    }
}

/// One entry a line: size, what it holds, name.
fn long_listing(output: &mut Output, entries: &[TreeEntry]) {
    let sizes: Vec<String> = entries.iter().map(|entry| bytes(entry.size)).collect();
    let widest = sizes.iter().map(|size| size.len()).max().unwrap_or(0);
    for (entry, size) in entries.iter().zip(&sizes) {
        let kind = match entry.kind {
            EntryKind::Directory => format!("dir  {:>3} items", entry.items),
            EntryKind::File => String::from("file          "),
        };
        output.styled(style::DIM, &kind);
        output.raw(&format!("  {size:>widest$}  "));
        write_name(output, entry);
        output.line("");
    }
}

pub(crate) fn cat<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if arguments.is_empty() {
        return invocation.usage("cat", "which file?");
    }
    let mut ok = true;
    for path in arguments {
        let absolute = resolve(invocation.cwd, path);
        match read_file(invocation.host, &absolute) {
            Ok(contents) if is_text(&contents) => {
                let text = core::str::from_utf8(&contents).unwrap_or_default();
                invocation.output.write(&printable(text));
                if !text.is_empty() && !text.ends_with('\n') {
                    invocation.output.line("");
                }
            }
            Ok(contents) => {
                let message =
                    format!("{absolute}: binary file ({}), not shown", bytes(contents.len() as u64));
                invocation.output.error("cat", &message);
                ok = false;
            }
            Err(error) => {
                invocation.output.error("cat", &error);
                ok = false;
            }
        }
    }
    Outcome::Done(ok)
}

pub(crate) fn cd<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let target = match arguments {
        [] => String::from("/"),
        [path] => resolve(invocation.cwd, path),
        _ => return invocation.usage("cd", "too many arguments"),
    };
    match kind_of(invocation.host, &target) {
        Some(EntryKind::Directory) => {
            *invocation.cwd = target;
            Outcome::Done(true)
        }
        Some(EntryKind::File) => invocation.fail("cd", &format!("{target}: not a directory")),
        None => invocation.fail("cd", &format!("{target}: no such directory")),
    }
}

pub(crate) fn pwd<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if let Some(outcome) = no_arguments(invocation, "pwd", arguments) {
        return outcome;
    }
    let cwd = invocation.cwd.clone();
    invocation.output.line(&cwd);
    Outcome::Done(true)
}
