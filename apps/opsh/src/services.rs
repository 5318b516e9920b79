//! The real host: the boot bundle's files, the store (`weft.storage`),
//! `weft.status` and `weft.log.reader` through the program's namespace.

use alloc::vec::Vec;

use weft_app_support::FileTree;
use weft_app_support::status::{StatusClient, StatusSource};
use weft_ipc::{Client, ConnectError};
use weft_log_api::{Entry, Filter, LogReaderProtocol, ReaderEvent, ReaderRequest, ReaderResponse};
use weft_rt::Channel;
use weft_status_api::{ProcessInfo, ServiceStatus, SystemInfo};

use weft_storage_api::RoutedDir;

use crate::fs::Storage;
use crate::host::{Host, HostError, LogPage};

/// The system through real services.
#[derive(Debug)]
pub struct ServiceHost {
    files: FileTree,
    /// The store, connected on first use; `None` inside once refused.
    storage: Option<Option<RoutedDir>>,
    status: StatusClient,
    log: Option<Client<LogReaderProtocol>>,
    following: Option<Client<LogReaderProtocol>>,
    net: Option<weft_net_api::Net>,
}

impl ServiceHost {
    /// A host showing `files`; services are connected on first use.
    pub fn new(files: FileTree) -> ServiceHost {
        ServiceHost {
            files,
            storage: None,
            status: StatusClient::new(),
            log: None,
            following: None,
            net: None,
        }
    }

    /// The channel that becomes readable when followed entries arrive
    /// (watch it instead of polling).
    pub fn follow_channel(&self) -> Option<&Channel> {
        self.following.as_ref().map(Client::channel)
    }

    fn connect_log() -> Result<Client<LogReaderProtocol>, HostError> {
        weft_ipc::connect::<LogReaderProtocol>().map_err(|error| match error {
            ConnectError::NotRouted { .. } => HostError::NotRouted("weft.log.reader"),
            other => HostError::Unavailable(alloc::format!("{other}")),
        })
    }

    fn log_client(&mut self) -> Result<&Client<LogReaderProtocol>, HostError> {
        if self.log.as_ref().is_none_or(Client::is_closed) {
            self.log = Some(ServiceHost::connect_log()?);
        }
        self.log.as_ref().ok_or_else(|| HostError::Unavailable("log reader".into()))
    }
}

impl Host for ServiceHost {
    fn files(&self) -> &FileTree {
        &self.files
    }

    fn storage(&mut self) -> Option<&mut dyn Storage> {
        let dir = self.storage.get_or_insert_with(|| RoutedDir::connect().ok());
        dir.as_mut().map(|dir| dir as &mut dyn Storage)
    }

    fn now(&self) -> u64 {
        weft_rt::now()
    }

    fn net(&mut self) -> Result<&weft_net_api::Net, HostError> {
        if self.net.is_none() {
            let client = weft_ipc::connect::<weft_net_api::NetProtocol>().map_err(|error| match error {
                ConnectError::NotRouted { .. } => HostError::NotRouted("weft.net"),
                other => HostError::Unavailable(alloc::format!("{other}")),
            })?;
            self.net = Some(weft_net_api::Net::new(client));
        }
        self.net.as_ref().ok_or_else(|| HostError::Unavailable("network".into()))
    }

    fn processes(&mut self) -> Result<Vec<ProcessInfo>, HostError> {
        Ok(self.status.processes()?)
    }

    fn services(&mut self) -> Result<Vec<ServiceStatus>, HostError> {
        Ok(self.status.services()?)
    }

    fn system(&mut self) -> Result<SystemInfo, HostError> {
        Ok(self.status.system()?)
    }

    fn restart(&mut self, name: &str) -> Result<(), HostError> {
        Ok(self.status.restart(name)?)
    }

    fn read_log(&mut self, after: u64, max: u32, filter: &Filter) -> Result<LogPage, HostError> {
        let request = ReaderRequest::Read { after, max, filter: filter.clone() };
        let answer = self.log_client()?.call(&request);
        match answer {
            Ok(ReaderResponse::Entries { entries, next, lost }) => Ok(LogPage { entries, next, lost }),
            Ok(_) => Err(HostError::Unavailable("unexpected answer from the log service".into())),
            Err(error) => {
                self.log = None;
                Err(HostError::Unavailable(alloc::format!("{error}")))
            }
        }
    }

    fn follow_log(&mut self, filter: &Filter) -> Result<(), HostError> {
        // A connection of its own, so events never mix with paging calls.
        let client = ServiceHost::connect_log()?;
        match client.call(&ReaderRequest::Follow { filter: filter.clone() }) {
            Ok(ReaderResponse::Following) => {
                self.following = Some(client);
                Ok(())
            }
            Ok(_) => Err(HostError::Unavailable("unexpected answer from the log service".into())),
            Err(error) => Err(HostError::Unavailable(alloc::format!("{error}"))),
        }
    }

    fn poll_log(&mut self) -> Result<Vec<Entry>, HostError> {
        let Some(client) = &self.following else { return Ok(Vec::new()) };
        let mut entries = Vec::new();
        loop {
            match client.try_event() {
                Ok(Some((ReaderEvent::Appended(batch), _))) => entries.extend(batch),
                Ok(None) => return Ok(entries),
                Err(error) => {
                    self.following = None;
                    if entries.is_empty() {
                        return Err(HostError::Unavailable(alloc::format!("{error}")));
                    }
                    return Ok(entries);
                }
            }
        }
    }

    fn stop_log(&mut self) {
        self.following = None;
    }
}
