//! Running a program: read the startup message, hook up logging, call
//! `main`, turn its result into an exit code; and [`dispatch`], the entry
//! of an image that holds many programs.

use alloc::string::String;
use alloc::sync::Arc;
use weft_rt::{Channel, Deadline, Handle};

use crate::ConnectError;
use crate::log_sink::{ChannelSink, LogSinkProtocol};
use crate::namespace::{self, Startup};
use crate::wire::{self, Kind};

/// A program's entry: it runs on its bootstrap channel and returns the
/// process's exit code. Every program crate exports one as `entry`.
pub type Entry = fn(u32) -> i32;

/// How long a program waits for its startup message.
const STARTUP_WAIT: core::time::Duration = core::time::Duration::from_secs(30);

/// Exit code when the image has no program of the name the startup
/// message gives.
pub const NO_SUCH_PROGRAM: i32 = 127;

/// Run the program that the startup message on `bootstrap` names, from
/// `programs`: the entry of an image that carries many programs (the
/// kernel maps one image for all of them). The message is read here to
/// learn the name and handed on, untouched, to the program's own
/// [`Startup::receive`].
pub fn dispatch(bootstrap: u32, programs: &[(&str, Entry)]) -> i32 {
    let channel = Channel::from_handle(Handle::from_raw(bootstrap));
    let message = channel.read(Deadline::after(STARTUP_WAIT));
    // The bootstrap handle stays open: the program takes it over.
    let bootstrap = channel.into_handle().into_raw();
    let message = match message {
        Ok(message) => message,
        Err(error) => {
            weft_rt::error!("no startup message: {error}");
            return 2;
        }
    };
    let program = match startup_program(&message.bytes) {
        Some(program) => program,
        None => {
            weft_rt::error!("bad startup message");
            return 2;
        }
    };
    let Some(&(_, entry)) = programs.iter().find(|(name, _)| *name == program) else {
        weft_rt::error!("this image has no program `{program}`");
        return NO_SUCH_PROGRAM;
    };
    namespace::hand_on_startup(message);
    entry(bootstrap)
}

/// The program a startup message names.
fn startup_program(bytes: &[u8]) -> Option<String> {
    let (kind, body) =
        wire::header(<namespace::NamespaceProtocol as crate::Protocol>::VERSION, bytes).ok()?;
    match (kind, wire::body::<namespace::NamespaceEvent>(body).ok()?) {
        (Kind::Event, namespace::NamespaceEvent::Startup(info)) => Some(info.program),
        _ => None,
    }
}

/// Why a program's `main` failed: a message for the log.
#[derive(Debug)]
pub struct ProgramError(pub String);

impl<T: core::fmt::Display> From<T> for ProgramError {
    fn from(value: T) -> ProgramError {
        ProgramError(alloc::format!("{value}"))
    }
}

/// A program's main function.
pub type Main = fn(Startup) -> Result<(), ProgramError>;

/// Run `main` as a program whose bootstrap channel is `bootstrap`.
/// Returns the exit code: 0 on success, 1 if `main` failed, 2 if the
/// startup message was bad.
pub fn run(bootstrap: u32, main: Main) -> i32 {
    run_with(bootstrap, main)
}

/// [`run`] for any closure (tests run probes this way).
pub fn run_with(bootstrap: u32, main: impl FnOnce(Startup) -> Result<(), ProgramError>) -> i32 {
    let channel = Channel::from_handle(Handle::from_raw(bootstrap));
    let startup = match Startup::receive(channel, Deadline::after(STARTUP_WAIT)) {
        Ok(startup) => startup,
        Err(error) => {
            weft_rt::error!("bad startup message: {error}");
            return 2;
        }
    };
    weft_rt::log::set_program_name(&startup.name);
    namespace::set_current(startup.namespace());
    // The log service itself has no sink to connect to.
    let serves_log = startup.exposes.iter().any(|p| p == <LogSinkProtocol as crate::Protocol>::NAME);
    let sink = if serves_log {
        Err(ConnectError::NoParent)
    } else {
        startup.namespace().connect::<LogSinkProtocol>()
    };
    match sink {
        Ok(client) => weft_rt::log::set_sink(Some(Arc::new(ChannelSink::new(client)))),
        // No log service for this program: the kernel debug log it is.
        Err(ConnectError::NotRouted { .. } | ConnectError::NoParent) => {}
        Err(error) => weft_rt::warn!("log service unreachable: {error}"),
    }
    let name = startup.name.clone();
    match main(startup) {
        Ok(()) => 0,
        Err(ProgramError(message)) => {
            weft_rt::error!("{name} failed: {message}");
            1
        }
    }
}
