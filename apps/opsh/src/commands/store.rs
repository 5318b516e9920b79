//! mkdir, rm, mv, write, df, sync and fsck: changing and checking the store.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use weft_app_support::format::bytes;
use weft_app_support::tree::resolve;

use super::{Invocation, Outcome, no_arguments};
use crate::fs::{NO_STORAGE, Place, Storage, place, read_only};
use crate::host::Host;

/// The store path of `path` (relative to the working directory), or why it
/// cannot be changed.
fn writable<H: Host>(invocation: &mut Invocation<'_, H>, path: &str) -> Result<String, String> {
    let absolute = resolve(invocation.cwd, path);
    match place(invocation.host.files(), &absolute) {
        Place::Root => Err(String::from("/: the top of the tree cannot be changed")),
        Place::System => Err(read_only(&absolute)),
        Place::Store(relative) => Ok(String::from(relative)),
    }
}

/// Runs `change` on the store for each path, printing `command: /path: why`
/// for each failure.
fn each<H: Host>(
    invocation: &mut Invocation<'_, H>,
    command: &str,
    paths: &[&str],
    mut change: impl FnMut(&mut dyn Storage, &str) -> Result<(), String>,
) -> Outcome {
    let mut ok = true;
    for path in paths {
        let result = writable(invocation, path).and_then(|relative| {
            let storage = invocation.host.storage().ok_or_else(|| String::from(NO_STORAGE))?;
            change(storage, &relative).map_err(|error| format!("/{relative}: {error}"))
        });
        if let Err(error) = result {
            invocation.output.error(command, &error);
            ok = false;
        }
    }
    Outcome::Done(ok)
}

pub(crate) fn mkdir<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let (parents, paths) = match arguments {
        ["-p", rest @ ..] => (true, rest),
        paths => (false, paths),
    };
    if paths.is_empty() {
        return invocation.usage("mkdir", "which directory?");
    }
    each(invocation, "mkdir", paths, |storage, path| storage.create_dir(path, parents))
}

pub(crate) fn rm<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if arguments.is_empty() {
        return invocation.usage("rm", "which file?");
    }
    each(invocation, "rm", arguments, |storage, path| storage.remove(path))
}

pub(crate) fn mv<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let [from, to] = arguments else { return invocation.usage("mv", "from where to where?") };
    let target = match writable(invocation, to) {
        Ok(target) => target,
        Err(error) => return invocation.fail("mv", &error),
    };
    each(invocation, "mv", &[from], |storage, source| {
        // Moving onto a directory moves into it, as `mv` does.
        let into = storage.stat(&target).is_ok_and(|entry| entry.kind == weft_storage_api::Kind::Dir);
        let name = source.rsplit('/').next().unwrap_or(source);
        let destination = if into { format!("{target}/{name}") } else { target.clone() };
        storage.rename(source, &destination)
    })
}

/// `write FILE TEXT…`: the text and a newline become the file.
pub(crate) fn write<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let [file, words @ ..] = arguments else { return invocation.usage("write", "which file?") };
    let text = format!("{}\n", words.join(" "));
    save(invocation, "write", file, text.as_bytes(), false)
}

/// Write (or append) `bytes` to `file`.
pub(crate) fn save<H: Host>(
    invocation: &mut Invocation<'_, H>,
    command: &str,
    file: &str,
    bytes: &[u8],
    append: bool,
) -> Outcome {
    each(invocation, command, &[file], |storage, path| {
        let mut contents: Vec<u8> = Vec::new();
        if append {
            match storage.read(path) {
                Ok(old) => contents = old,
                Err(error) if error.contains("no such file") => {}
                Err(error) => return Err(error),
            }
        }
        contents.extend_from_slice(bytes);
        storage.write(path, &contents)
    })
}

pub(crate) fn df<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if let Some(outcome) = no_arguments(invocation, "df", arguments) {
        return outcome;
    }
    let Some(storage) = invocation.host.storage() else { return invocation.fail("df", NO_STORAGE) };
    match storage.space() {
        Ok(space) => {
            let used = space.total.saturating_sub(space.free);
            let percent = (used * 100).checked_div(space.total).unwrap_or(0);
            invocation
                .output
                .line(&format!("{:<10} {:>10} {:>10} {:>10}  use", "store", "size", "used", "free"));
            invocation.output.line(&format!(
                "{:<10} {:>10} {:>10} {:>10}  {percent}%",
                "/",
                bytes(space.total),
                bytes(used),
                bytes(space.free)
            ));
            if let Some(quota) = space.quota {
                let line =
                    format!("/{}: {} of its {} quota used", space.scope, bytes(space.used), bytes(quota));
                invocation.output.line(&line);
            }
            Outcome::Done(true)
        }
        Err(error) => invocation.fail("df", &error),
    }
}

/// A command without arguments that runs `act` on the store and prints
/// `done` (if any) when it succeeds.
fn on_store<H: Host>(
    invocation: &mut Invocation<'_, H>,
    command: &str,
    arguments: &[&str],
    act: impl FnOnce(&mut dyn Storage) -> Result<(), String>,
    done: Option<&str>,
) -> Outcome {
    if let Some(outcome) = no_arguments(invocation, command, arguments) {
        return outcome;
    }
    let Some(storage) = invocation.host.storage() else { return invocation.fail(command, NO_STORAGE) };
    match act(storage) {
        Ok(()) => {
            if let Some(done) = done {
                invocation.output.line(done);
            }
            Outcome::Done(true)
        }
        Err(error) => invocation.fail(command, &error),
    }
}

pub(crate) fn fsck<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let done = "the store checks out: every block and blob matches its checksum";
    on_store(invocation, "fsck", arguments, |storage| storage.check(), Some(done))
}

pub(crate) fn sync<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    on_store(invocation, "sync", arguments, |storage| storage.sync(), None)
}
