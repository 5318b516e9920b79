//! weft-board-hosted — Weft as a host process (host only).
//!
//! The hosted board boots the same root manager and services as the
//! aarch64 kernel, under the hosted kernel backend: it builds the boot
//! bundle (manifests compiled from `system.toml` at build time, program
//! images as hosted stubs), registers every program's entry, hands the
//! root manager the root resource, the bundle and the host device models,
//! and starts it. Tests boot it in-process with their own manifests.

pub mod desktop;
pub mod probe;
pub mod scenes;
pub mod stream;

use std::any::Any;
use std::sync::Arc;
use std::time::{Duration, Instant};

use weft_abi::{Koid, PRINCIPAL_ROOT, ResourceKind, Rights};
use weft_ipc::namespace::{StartupInfo, encode_startup};
use weft_kernel_hosted::{Hosted, ProgramMain};
use weft_manifest::{BUNDLE_FORMAT, Bundle, Image, Manifest};

/// Every program this board can run, by program name: the hosted list of
/// the program table the manifests generate (`weft-programs`).
pub fn programs() -> &'static [(&'static str, ProgramMain)] {
    weft_programs::PROGRAMS
}

/// Tell the shell the wall-clock time: `unix_ms` is the Unix time in
/// milliseconds at boot (when the hosted kernel's monotonic clock reads
/// about zero), `offset_minutes` the local offset east of UTC. Weft has no
/// real-time clock service yet; this is the board handing it over, as a
/// boot loader would.
pub fn set_shell_clock(bundle: &mut Bundle, unix_ms: i64, offset_minutes: i32) {
    // The storage service stamps file times with it too.
    let told = |program: &str| program == "shell" || program == "storage";
    for manifest in bundle.services.iter_mut().filter(|manifest| told(&manifest.program)) {
        manifest.args.retain(|(key, _)| key != "wall-clock" && key != "utc-offset");
        manifest.args.push(("wall-clock".into(), unix_ms.to_string()));
        manifest.args.push(("utc-offset".into(), offset_minutes.to_string()));
    }
}

/// Set the config service's default for `key` (`kind:literal`, e.g.
/// `text:dark`).
pub fn set_config_default(bundle: &mut Bundle, key: &str, value: &str) {
    let name = format!("default.{key}");
    for manifest in bundle.services.iter_mut().filter(|manifest| manifest.program == "config") {
        manifest.args.retain(|(arg, _)| *arg != name);
        manifest.args.push((name.clone(), value.to_string()));
    }
}

/// The hosted system's bundle, compiled from `boards/hosted/system.toml`.
pub fn default_bundle() -> Bundle {
    let bytes = include_bytes!(concat!(env!("OUT_DIR"), "/bundle.bin"));
    Bundle::from_bytes(bytes).expect("the build script wrote a valid bundle")
}

/// A bundle of `manifests` with hosted image stubs for their programs
/// (and the root manager's).
pub fn bundle_for(system: &str, manifests: Vec<Manifest>) -> Bundle {
    let mut bundle = Bundle {
        format: BUNDLE_FORMAT,
        system: system.into(),
        root: "root".into(),
        services: Vec::new(),
        programs: Vec::new(),
        images: Vec::new(),
        files: Vec::new(),
    };
    add_hosted_program(&mut bundle, "root");
    for manifest in &manifests {
        add_hosted_program(&mut bundle, &manifest.program);
    }
    bundle.services = manifests;
    bundle
}

/// Carry a hosted image stub for `program` in `bundle`.
pub fn add_hosted_program(bundle: &mut Bundle, program: &str) {
    bundle.add_program(program, Image { name: program.into(), bytes: Hosted::image_for(program) });
}

/// Size of the memory disk a system gets when it is given no disk.
pub const DEFAULT_DISK_BYTES: u64 = 64 << 20;

/// How to boot.
pub struct BootOptions {
    /// What to boot.
    pub bundle: Bundle,
    /// Copy the kernel debug log to standard error as it arrives.
    pub echo: bool,
    /// Host device models, by capability name (`device:display`,
    /// `device:disk`, ...). A system whose services want a `device:disk`
    /// and are given none gets a fresh memory disk of [`DEFAULT_DISK_BYTES`].
    pub devices: Vec<(String, Arc<dyn Any + Send + Sync>)>,
}

/// A booted hosted system.
pub struct System {
    /// The hosted kernel.
    pub hosted: Hosted,
    /// The root manager's process.
    pub root: Koid,
    booted: Instant,
}

impl System {
    /// Boot `options.bundle`. Programs are the board's plus whatever the
    /// caller registered on `hosted` beforehand.
    pub fn boot_on(hosted: Hosted, options: BootOptions) -> Result<System, String> {
        hosted.debug_log().set_echo(options.echo);
        for (name, entry) in programs() {
            hosted.register_program(name, *entry);
        }
        let bundle_koid =
            hosted.create_vmo(&options.bundle.to_bytes()).map_err(|e| format!("bundle: {e}"))?;
        let root_resource = hosted.create_resource(ResourceKind::Root, 0, 0);
        let mut names = vec!["root-resource".to_string(), "bundle".to_string()];
        let mut handles = vec![
            (root_resource, Rights::DEFAULT | Rights::MANAGE),
            (
                bundle_koid,
                Rights::READ | Rights::MAP | Rights::DUPLICATE | Rights::TRANSFER | Rights::INSPECT,
            ),
        ];
        let mut devices = options.devices;
        let capability = weft_block_hosted::DEVICE_CAPABILITY;
        let wants_disk =
            options.bundle.services.iter().any(|m| m.capabilities.iter().any(|c| c == capability));
        if wants_disk && !devices.iter().any(|(name, _)| name == capability) {
            // A system with a disk service and no disk given: a fresh memory disk.
            let disk = weft_block_hosted::HostDisk::memory(DEFAULT_DISK_BYTES);
            devices.push((capability.into(), disk as Arc<dyn Any + Send + Sync>));
        }
        for (name, model) in devices {
            let resource = hosted.register_device(model);
            names.push(name);
            handles.push((resource, Rights::DEFAULT | Rights::MANAGE));
        }
        let info = StartupInfo {
            name: "root".into(),
            program: options.bundle.root.clone(),
            principal: PRINCIPAL_ROOT,
            args: vec![("system".into(), options.bundle.system.clone())],
            handles: names,
            exposes: Vec::new(),
        };
        let message = encode_startup(&info).map_err(|e| format!("startup message: {e}"))?;
        let root = hosted
            .spawn("root", PRINCIPAL_ROOT, &options.bundle.root, &message, handles)
            .map_err(|e| format!("starting the root manager: {e}"))?;
        Ok(System { hosted, root, booted: Instant::now() })
    }

    /// Boot on a fresh hosted kernel.
    pub fn boot(options: BootOptions) -> Result<System, String> {
        System::boot_on(Hosted::new(), options)
    }

    /// Wait until a kernel debug-log line contains `needle`.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.hosted.debug_log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    /// Time since boot.
    pub fn uptime(&self) -> Duration {
        self.booted.elapsed()
    }

    /// Stop everything.
    pub fn shutdown(&self) {
        self.hosted.shutdown();
    }
}

impl Drop for System {
    fn drop(&mut self) {
        self.hosted.shutdown();
    }
}
