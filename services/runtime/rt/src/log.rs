//! Logging: `info!`, `warn!`, `error!`, `debug!`.
//!
//! Records go to the process's sink — a connection to the log service,
//! installed by the program runtime once it is connected — and to the
//! kernel debug log before then (or if the log service is unreachable).

use alloc::string::String;
use alloc::sync::Arc;
use core::fmt::Write;

use crate::local::process_local;
use crate::sys;

/// How important a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Level {
    /// Something failed.
    Error = 1,
    /// Something is wrong but work goes on.
    Warn = 2,
    /// Normal, notable events.
    Info = 3,
    /// Detail for developers.
    Debug = 4,
}

impl Level {
    /// Short upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }

    /// The level with this number.
    pub fn from_number(number: u8) -> Option<Level> {
        Some(match number {
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            4 => Level::Debug,
            _ => return None,
        })
    }
}

/// Where a process's records go.
pub trait LogSink: Send + Sync {
    /// Deliver one record. Must not block for long and must not log.
    /// Returns false if the record could not be delivered.
    fn write(&self, level: Level, target: &str, message: &str) -> bool;
}

#[derive(Default)]
struct State {
    sink: spin::Mutex<Option<Arc<dyn LogSink>>>,
    name: spin::Mutex<String>,
    dropped: core::sync::atomic::AtomicU64,
}

/// Install the process's sink (replacing any earlier one).
pub fn set_sink(sink: Option<Arc<dyn LogSink>>) {
    *process_local::<State>().sink.lock() = sink;
}

/// Set the name shown on records that fall back to the kernel debug log.
pub fn set_program_name(name: &str) {
    *process_local::<State>().name.lock() = String::from(name);
}

/// Records that could not be delivered anywhere.
pub fn dropped() -> u64 {
    process_local::<State>().dropped.load(core::sync::atomic::Ordering::Relaxed)
}

/// Write a record (the macros call this).
pub fn log(level: Level, target: &str, arguments: core::fmt::Arguments<'_>) {
    let mut message = String::new();
    let _ = message.write_fmt(arguments);
    let state = process_local::<State>();
    let sink = state.sink.lock().clone();
    if let Some(sink) = sink
        && sink.write(level, target, &message)
    {
        return;
    }
    let name = state.name.lock().clone();
    let mut line = String::new();
    let _ = writeln!(line, "[{name}] {} {target}: {message}", level.name());
    if sys::debug_write(line.as_bytes()).is_err() {
        state.dropped.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    }
}

/// Log at `Error` level.
#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Error, module_path!(), format_args!($($arg)*)) };
}
/// Log at `Warn` level.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Warn, module_path!(), format_args!($($arg)*)) };
}
/// Log at `Info` level.
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Info, module_path!(), format_args!($($arg)*)) };
}
/// Log at `Debug` level.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Debug, module_path!(), format_args!($($arg)*)) };
}
