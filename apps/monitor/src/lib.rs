//! weft-monitor — the Monitor app: what the system is doing, live.
//!
//! Every second it asks `weft.status` for the system figures and the
//! process list, and shows: CPU use of all processes over the last minute
//! (from the change of each process's CPU time between samples, as a share
//! of one core), memory in use over the last minute, uptime, process,
//! thread and service counts, and a process table (name, PID, state,
//! threads, handles, memory, CPU) sortable by any column, busiest first by
//! default. Rows are updated in place, so selection and scrolling survive
//! the refresh.
//!
//! Invariants: the first sample shows no CPU figures (there is nothing to
//! compare with) rather than wrong ones; the selection follows a process
//! by its koid across re-sorting and refreshes.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod graph;
mod monitor;
mod sampler;

use alloc::string::String;
use core::time::Duration;

use weft_app::{App, Context, WindowOptions};
use weft_app_support::status::StatusClient;
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_toolkit::Ui;

pub use graph::{Graph, GraphColor};
pub use monitor::{Field, HISTORY, Message, Monitor};
pub use sampler::{ProcessSample, Sample, Sampler};

/// How often the monitor samples.
pub const INTERVAL: Duration = Duration::from_secs(1);

/// The timer that takes samples.
const SAMPLE_TIMER: u64 = 1;

/// The window: title, size and smallest size.
pub fn window_options() -> WindowOptions {
    WindowOptions {
        title: String::from("Monitor"),
        app_id: String::from("weft.monitor"),
        size: (860, 600),
        min_size: (620, 420),
    }
}

struct MonitorApp {
    monitor: Monitor<StatusClient>,
}

impl App for MonitorApp {
    type Message = Message;

    fn build(&mut self, ui: &mut Ui<Message>, context: &mut Context) {
        self.monitor.build(ui);
        self.monitor.tick(ui);
        context.schedule(SAMPLE_TIMER, INTERVAL);
    }

    fn update(&mut self, ui: &mut Ui<Message>, message: Message, _context: &mut Context) {
        self.monitor.update(ui, message);
    }

    fn timer(&mut self, ui: &mut Ui<Message>, id: u64, context: &mut Context) {
        if id == SAMPLE_TIMER {
            self.monitor.tick(ui);
            context.schedule(SAMPLE_TIMER, INTERVAL);
        }
    }
}

/// The program: open the window and sample the system every second.
pub fn main(_startup: Startup) -> Result<(), ProgramError> {
    weft_app::run(window_options(), MonitorApp { monitor: Monitor::new(StatusClient::new()) })
}

/// Program entry (the hosted board and the kernel loader call this).
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
