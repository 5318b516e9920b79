//! The heartbeat on `weft/telemetry`: machine, uptime, load (from the
//! status service, when routed), no battery on a host, and the windows
//! this node can stream.

#[allow(unused_imports, reason = "std's prelude has these on a host")]
use crate::prelude::*;
use weft_ipc::Client;
use weft_status_api::{StatusProtocol, StatusRequest, StatusResponse};
use weft_wlstream::telemetry::{self, AppEntry, MAX_APPS, MAX_NAME, Telemetry};

/// Load from the status service's process figures: CPU time used by
/// every process between two heartbeats over the time between them.
pub struct Load {
    status: Option<Client<StatusProtocol>>,
    last: Option<(u64, u64)>,
}

impl Load {
    /// Measure through `status` (none: load reads 0, uptime is this
    /// system's monotonic clock).
    pub fn new(status: Option<Client<StatusProtocol>>) -> Load {
        Load { status, last: None }
    }

    /// Uptime in milliseconds and load in thousandths of a core, now.
    pub fn sample(&mut self) -> (u64, u32) {
        let monotonic = weft_rt::now();
        let Some(status) = &self.status else {
            return (monotonic / 1_000_000, 0);
        };
        let uptime = match status.call(&StatusRequest::System) {
            Ok(StatusResponse::System(system)) => system.uptime,
            _ => monotonic,
        };
        let cpu: u64 = match status.call(&StatusRequest::Processes) {
            Ok(StatusResponse::Processes(processes)) => processes.iter().map(|p| p.cpu_time).sum(),
            _ => return (uptime / 1_000_000, 0),
        };
        let load = match self.last {
            Some((then, cpu_then)) if monotonic > then => {
                (cpu.saturating_sub(cpu_then) * 1000 / (monotonic - then)).min(u64::from(u32::MAX)) as u32
            }
            _ => 0,
        };
        self.last = Some((monotonic, cpu));
        (uptime / 1_000_000, load)
    }
}

fn clip(text: &str) -> String {
    let mut end = text.len().min(MAX_NAME);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

/// One heartbeat, encoded.
pub fn heartbeat(machine: &str, uptime_ms: u64, load_permille: u32, apps: Vec<AppEntry>) -> Vec<u8> {
    let mut apps: Vec<AppEntry> = apps
        .into_iter()
        .map(|app| AppEntry {
            title: clip(&app.title),
            width: app.width.min(weft_wlstream::MAX_DIMENSION),
            height: app.height.min(weft_wlstream::MAX_DIMENSION),
            ..app
        })
        .collect();
    apps.truncate(MAX_APPS);
    telemetry::encode(&Telemetry {
        machine: clip(machine),
        uptime_ms,
        load_permille,
        battery_percent: None,
        apps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeats_decode_within_limits() {
        let apps = (0..300)
            .map(|i| AppEntry { id: format!("app-{i}"), title: "é".repeat(100), width: 99_999, height: 10 })
            .collect();
        let bytes = heartbeat(&"m".repeat(500), 1234, 250, apps);
        let decoded = telemetry::decode(&bytes).unwrap();
        assert_eq!(decoded.apps.len(), MAX_APPS);
        assert!(decoded.apps[0].title.len() <= MAX_NAME);
        assert_eq!(decoded.apps[0].width, weft_wlstream::MAX_DIMENSION);
        assert_eq!((decoded.uptime_ms, decoded.load_permille, decoded.battery_percent), (1234, 250, None));
    }
}
