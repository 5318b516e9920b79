//! A `weft.status` client for apps: typed errors, reconnects after the
//! status service restarts.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use weft_ipc::{Client, ConnectError};
use weft_status_api::{
    ProcessInfo, ServiceStatus, StatusProtocol, StatusRequest, StatusResponse, SystemInfo,
};

/// Why a status request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusError {
    /// The program's manifest does not use `weft.status`.
    NotRouted,
    /// The status service could not be reached or answered oddly.
    Unavailable(String),
    /// The status service refused (e.g. restarting without `manage`).
    Refused(String),
}

impl fmt::Display for StatusError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusError::NotRouted => formatter.write_str("this program has no route to weft.status"),
            StatusError::Unavailable(why) => write!(formatter, "the status service is unavailable: {why}"),
            StatusError::Refused(why) => formatter.write_str(why),
        }
    }
}

/// Where status figures come from: the real service, or a stand-in in tests.
pub trait StatusSource {
    /// Every process.
    fn processes(&mut self) -> Result<Vec<ProcessInfo>, StatusError>;
    /// Every service.
    fn services(&mut self) -> Result<Vec<ServiceStatus>, StatusError>;
    /// System figures.
    fn system(&mut self) -> Result<SystemInfo, StatusError>;
    /// Restart a service (needs the `manage` grant on the route).
    fn restart(&mut self, name: &str) -> Result<(), StatusError>;
}

/// The status service through the program's namespace. Connects lazily and
/// again whenever the previous connection closed.
#[derive(Debug, Default)]
pub struct StatusClient {
    client: Option<Client<StatusProtocol>>,
}

impl StatusClient {
    /// A client that connects on first use.
    pub fn new() -> StatusClient {
        StatusClient { client: None }
    }

    fn call(&mut self, request: &StatusRequest) -> Result<StatusResponse, StatusError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = Some(weft_ipc::connect::<StatusProtocol>().map_err(|error| match error {
                ConnectError::NotRouted { .. } => StatusError::NotRouted,
                other => StatusError::Unavailable(alloc::format!("{other}")),
            })?);
        }
        let client =
            self.client.as_ref().ok_or_else(|| StatusError::Unavailable(String::from("not connected")))?;
        match client.call(request) {
            Ok(StatusResponse::Error(why)) => Err(StatusError::Refused(why)),
            Ok(response) => Ok(response),
            Err(error) => {
                self.client = None;
                Err(StatusError::Unavailable(alloc::format!("{error}")))
            }
        }
    }
}

fn unexpected() -> StatusError {
    StatusError::Unavailable(String::from("unexpected answer"))
}

impl StatusSource for StatusClient {
    fn processes(&mut self) -> Result<Vec<ProcessInfo>, StatusError> {
        match self.call(&StatusRequest::Processes)? {
            StatusResponse::Processes(list) => Ok(list),
            _ => Err(unexpected()),
        }
    }

    fn services(&mut self) -> Result<Vec<ServiceStatus>, StatusError> {
        match self.call(&StatusRequest::Services)? {
            StatusResponse::Services(list) => Ok(list),
            _ => Err(unexpected()),
        }
    }

    fn system(&mut self) -> Result<SystemInfo, StatusError> {
        match self.call(&StatusRequest::System)? {
            StatusResponse::System(info) => Ok(info),
            _ => Err(unexpected()),
        }
    }

    fn restart(&mut self, name: &str) -> Result<(), StatusError> {
        match self.call(&StatusRequest::Restart { name: String::from(name) })? {
            StatusResponse::Ok => Ok(()),
            _ => Err(unexpected()),
        }
    }
}
