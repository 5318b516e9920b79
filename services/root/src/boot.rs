//! From the kernel's startup message to a ready manager.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{PRINCIPAL_ROOT, ResourceKind};
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_manifest::{Bundle, Graph};
use weft_rt::{Handle, Resource, Timer, Vmo, WaitSet};

use crate::images::Images;
use crate::instance::Instance;
use crate::manager::Manager;

/// First principal handed to services; lower values are reserved.
pub const FIRST_SERVICE_PRINCIPAL: u64 = 16;

pub fn boot(mut startup: Startup) -> Result<Manager, ProgramError> {
    let root = startup
        .take_handle("root-resource")
        .map(Resource::from_handle)
        .ok_or(ProgramError("no root resource in the startup message".into()))?;
    let bundle_vmo =
        startup.take_handle("bundle").map(Vmo::from_handle).ok_or(ProgramError("no boot bundle".into()))?;
    let size = bundle_vmo.size()?;
    let mapping = bundle_vmo.map_read(0, size)?;
    let bundle = Bundle::from_bytes(mapping.bytes())?;
    drop(mapping);
    weft_rt::info!(
        "boot bundle `{}`: {} services, {} images, {} files",
        bundle.system,
        bundle.services.len(),
        bundle.images.len(),
        bundle.files.len()
    );

    let graph = Graph::build(&bundle.services);
    for error in &graph.errors {
        weft_rt::error!("not starting {}: {error}", error.service());
    }

    // Everything else in the startup message is a named capability (device
    // resources from the board) to route to the services that name it.
    let mut capabilities: Vec<(String, Handle)> = Vec::new();
    while let Some(name) = startup_handle_names(&startup).into_iter().next() {
        match startup.take_handle(&name) {
            Some(handle) => capabilities.push((name, handle)),
            None => break,
        }
    }

    let process_resource = root.narrow(ResourceKind::Process, 0, 0)?;
    let info_resource = root.narrow(ResourceKind::Info, 0, 0)?;
    let images = Images::load(&bundle)?;
    let instances: Vec<Instance> = graph
        .services
        .iter()
        .enumerate()
        .map(|(index, manifest)| Instance::new(manifest.clone(), FIRST_SERVICE_PRINCIPAL + index as u64))
        .collect();
    let failed: Vec<(String, String)> =
        graph.errors.iter().map(|e| (String::from(e.service()), alloc::format!("{e}"))).collect();
    Ok(Manager {
        graph,
        instances,
        failed,
        images,
        capabilities,
        process_resource,
        info_resource,
        bundle: bundle_vmo,
        waitset: WaitSet::new()?,
        sources: BTreeMap::new(),
        timer: Timer::create()?,
        timer_key: None,
        clients: BTreeMap::new(),
        next_client: 1,
        own_log: false,
        principal: PRINCIPAL_ROOT,
    })
}

fn startup_handle_names(startup: &Startup) -> Vec<String> {
    startup.handle_names().map(String::from).collect()
}
