//! weft-hosted-console — prints the service graph coming up, and every
//! change after, to the host terminal.
//!
//! A hosted-only program of the hosted board (it writes to the host's
//! standard output); its manifest names it `hosted-console`.
#![forbid(unsafe_code)]

use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_rt::Deadline;
use weft_status_api::{ServiceState, StatusEvent, StatusProtocol, StatusRequest, StatusResponse};

fn main(startup: Startup) -> Result<(), ProgramError> {
    let status = startup.namespace().connect::<StatusProtocol>()?;
    status.call(&StatusRequest::Subscribe)?;
    let mut announced = false;
    loop {
        if let StatusResponse::Services(services) = status.call(&StatusRequest::Services)? {
            let waiting = services
                .iter()
                .filter(|s| matches!(s.state, ServiceState::Waiting | ServiceState::Starting))
                .count();
            if waiting == 0 && !announced {
                announced = true;
                println!("weft: service graph is up");
                for service in &services {
                    println!(
                        "  {:<12} {:<10} pid {:<6} restarts {:<3} {}",
                        service.name,
                        service.state.name(),
                        service.koid,
                        service.restarts,
                        service.description
                    );
                }
                println!("weft: ready");
            }
        }
        match status.event(Deadline::INFINITE) {
            Ok((StatusEvent::Service(service), _)) if announced => {
                println!("weft: {} is {} {}", service.name, service.state.name(), service.detail);
            }
            Ok(_) => {}
            Err(error) => return Err(error.into()),
        }
    }
}

/// Program entry.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
