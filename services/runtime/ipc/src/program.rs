//! Running a program: read the startup message, hook up logging, call
//! `main`, turn its result into an exit code.

use alloc::string::String;
use alloc::sync::Arc;
use weft_rt::{Channel, Deadline, Handle};

use crate::ConnectError;
use crate::log_sink::{ChannelSink, LogSinkProtocol};
use crate::namespace::{self, Startup};

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
    let startup = match Startup::receive(channel, Deadline::after(core::time::Duration::from_secs(30))) {
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
