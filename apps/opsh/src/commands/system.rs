//! ps, svc, uname, uptime: the running system through `weft.status`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use weft_app_support::format::{bytes, duration};
use weft_status_api::{Exit, ServiceState, ServiceStatus};

use super::{Invocation, Outcome, no_arguments};
use crate::host::{Host, HostError};
use crate::output::{Align, Cell, style, table};

fn service_error<H: Host>(invocation: &mut Invocation<'_, H>, command: &str, error: HostError) -> Outcome {
    invocation.fail(command, &format!("{error}"))
}

pub(crate) fn ps<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if let Some(outcome) = no_arguments(invocation, "ps", arguments) {
        return outcome;
    }
    let mut processes = match invocation.host.processes() {
        Ok(processes) => processes,
        Err(error) => return service_error(invocation, "ps", error),
    };
    processes.sort_by_key(|process| process.koid);
    let rows: Vec<Vec<Cell>> = processes
        .iter()
        .map(|process| {
            let state_style = if process.state == "running" { style::GREEN } else { style::YELLOW };
            alloc::vec![
                Cell::plain(format!("{}", process.koid)),
                Cell::styled(process.state.clone(), state_style),
                Cell::plain(format!("{}", process.threads)),
                Cell::plain(format!("{}", process.handles)),
                Cell::plain(bytes(process.mapped_bytes)),
                Cell::plain(cpu_seconds(process.cpu_time)),
                Cell::styled(process.name.clone(), style::CYAN),
            ]
        })
        .collect();
    let headers = [
        ("KOID", Align::Right),
        ("STATE", Align::Left),
        ("THREADS", Align::Right),
        ("HANDLES", Align::Right),
        ("MEMORY", Align::Right),
        ("CPU", Align::Right),
        ("NAME", Align::Left),
    ];
    table(&mut invocation.output, &headers, &rows, invocation.width);
    invocation.output.styled(style::DIM, &format!("{} processes", processes.len()));
    invocation.output.line("");
    Outcome::Done(true)
}

/// CPU time as seconds with two decimals.
fn cpu_seconds(nanoseconds: u64) -> String {
    let hundredths = nanoseconds / 10_000_000;
    format!("{}.{:02}s", hundredths / 100, hundredths % 100)
}

fn state_style(state: ServiceState) -> &'static str {
    match state {
        ServiceState::Running => style::GREEN,
        ServiceState::Waiting | ServiceState::Starting | ServiceState::Restarting => style::YELLOW,
        ServiceState::Failed => style::RED,
        ServiceState::Stopped | ServiceState::Idle => style::DIM,
    }
}

fn uptime_of(service: &ServiceStatus, now: u64) -> String {
    if service.started_at == 0 || service.state == ServiceState::Idle {
        return String::from("—");
    }
    duration(now.saturating_sub(service.started_at))
}

pub(crate) fn svc<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    match arguments {
        [] | ["list"] => svc_list(invocation),
        ["status", name] => svc_status(invocation, name),
        ["restart", name] => svc_restart(invocation, name),
        ["status" | "restart"] => invocation.usage("svc", "which service?"),
        [command, ..] if !matches!(*command, "list" | "status" | "restart") => {
            invocation.usage("svc", &format!("unknown subcommand `{command}`"))
        }
        _ => invocation.usage("svc", "too many arguments"),
    }
}

fn svc_list<H: Host>(invocation: &mut Invocation<'_, H>) -> Outcome {
    let mut services = match invocation.host.services() {
        Ok(services) => services,
        Err(error) => return service_error(invocation, "svc", error),
    };
    services.sort_by(|a, b| a.name.cmp(&b.name));
    let now = invocation.host.now();
    let rows: Vec<Vec<Cell>> = services
        .iter()
        .map(|service| {
            alloc::vec![
                Cell::styled(service.name.clone(), style::CYAN),
                Cell::styled(service.state.name(), state_style(service.state)),
                Cell::plain(format!("{}", service.restarts)),
                Cell::plain(uptime_of(service, now)),
                Cell::plain(service.description.clone()),
            ]
        })
        .collect();
    let headers = [
        ("SERVICE", Align::Left),
        ("STATE", Align::Left),
        ("RESTARTS", Align::Right),
        ("UPTIME", Align::Right),
        ("DESCRIPTION", Align::Left),
    ];
    table(&mut invocation.output, &headers, &rows, invocation.width);
    let running = services.iter().filter(|service| service.state == ServiceState::Running).count();
    invocation.output.styled(style::DIM, &format!("{running} of {} running", services.len()));
    invocation.output.line("");
    Outcome::Done(true)
}

fn find_service<H: Host>(invocation: &mut Invocation<'_, H>, name: &str) -> Result<ServiceStatus, Outcome> {
    let services = match invocation.host.services() {
        Ok(services) => services,
        Err(error) => return Err(service_error(invocation, "svc", error)),
    };
    match services.into_iter().find(|service| service.name == name) {
        Some(service) => Ok(service),
        None => Err(invocation.fail("svc", &format!("no service named `{name}` (`svc list` shows them)"))),
    }
}

fn svc_status<H: Host>(invocation: &mut Invocation<'_, H>, name: &str) -> Outcome {
    let service = match find_service(invocation, name) {
        Ok(service) => service,
        Err(outcome) => return outcome,
    };
    let now = invocation.host.now();
    let output = &mut invocation.output;
    output.styled(style::BOLD, &service.name);
    output.line(&format!(" — {}", service.description));
    let field = |output: &mut crate::output::Output, label: &str, value: &str, value_style: Option<&str>| {
        output.styled(style::DIM, &format!("  {label:<10}"));
        match value_style {
            Some(value_style) => output.styled(value_style, value),
            None => output.write(value),
        }
        output.line("");
    };
    field(output, "state", service.state.name(), Some(state_style(service.state)));
    if service.koid != 0 {
        field(output, "process", &format!("koid {} · principal {}", service.koid, service.principal), None);
        field(output, "uptime", &uptime_of(&service, now), None);
    }
    field(output, "restarts", &format!("{}", service.restarts), None);
    if let Some(exit) = &service.last_exit {
        let text = match exit {
            Exit::Code(0) => String::from("exited normally"),
            Exit::Code(code) => format!("exited with code {code}"),
            Exit::Killed => String::from("killed (fault or request)"),
        };
        field(output, "last exit", &text, None);
    }
    if !service.detail.is_empty() {
        field(output, "detail", &service.detail, None);
    }
    Outcome::Done(true)
}

fn svc_restart<H: Host>(invocation: &mut Invocation<'_, H>, name: &str) -> Outcome {
    if let Err(outcome) = find_service(invocation, name) {
        return outcome;
    }
    match invocation.host.restart(name) {
        Ok(()) => {
            invocation.output.line(&format!("restarting {name}; `svc status {name}` shows when it is back"));
            Outcome::Done(true)
        }
        Err(HostError::Refused(why)) if why.contains("manage") => invocation.fail(
            "svc",
            &format!(
                "not allowed to restart {name}: this terminal's route to weft.status lacks the `manage` grant"
            ),
        ),
        Err(error) => invocation.fail("svc", &format!("cannot restart {name}: {error}")),
    }
}

pub(crate) fn uname<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let all = match arguments {
        [] => false,
        ["-a"] => true,
        [other, ..] => return invocation.usage("uname", &format!("unknown argument `{other}`")),
    };
    if !all {
        invocation.output.line("Weft");
        return Outcome::Done(true);
    }
    match invocation.host.system() {
        Ok(system) => {
            invocation.output.line(&format!("Weft {} {}", system.version, system.platform));
            Outcome::Done(true)
        }
        Err(error) => service_error(invocation, "uname", error),
    }
}

pub(crate) fn uptime<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if let Some(outcome) = no_arguments(invocation, "uptime", arguments) {
        return outcome;
    }
    let system = match invocation.host.system() {
        Ok(system) => system,
        Err(error) => return service_error(invocation, "uptime", error),
    };
    let memory = if system.memory_total > 0 {
        format!("{} of {}", bytes(system.memory_used), bytes(system.memory_total))
    } else {
        bytes(system.memory_used)
    };
    let output = &mut invocation.output;
    output.raw("up ");
    output.styled(style::BOLD, &duration(system.uptime));
    output.line(&format!(
        " · {} processes, {} threads · {} of {} services running · memory {memory}",
        system.processes, system.threads, system.services_running, system.services_total
    ));
    Outcome::Done(true)
}
