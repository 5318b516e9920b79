//! The kernel proper: boot, the root manager's capabilities, scheduling.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use ed25519_dalek::VerifyingKey;
use weft_abi::startup::{self, StartupInfo};
use weft_abi::{Koid, PRINCIPAL_ROOT, ResourceKind, Rights, limits};
use weft_kernel::{Kernel, KernelConfig};
use weft_kernel_aarch64::board::{self, Board, Naming};
use weft_kernel_aarch64::kprintln;
use weft_kernel_aarch64::metal::boot::{self, Booted};
use weft_kernel_aarch64::metal::run::{self, Machine};
use weft_kernel_aarch64::metal::{memory, panic};

use crate::bundle::BundleView;

core::arch::global_asm!(include_str!("../../arch/aarch64/src/asm/head.S"));
core::arch::global_asm!(include_str!("../../arch/aarch64/src/asm/vectors.S"));

include!(concat!(env!("OUT_DIR"), "/signing_key.rs"));

/// Boards this kernel knows.
static BOARDS: &[Board] = &[weft_board_qemu_virt::BOARD];

#[panic_handler]
fn on_panic(info: &core::panic::PanicInfo<'_>) -> ! {
    panic::panic(info)
}

/// Rust entry, called by `head.S` at the link address with the boot
/// tables active.
#[unsafe(no_mangle)]
extern "C" fn weft_kernel_boot(dtb: u64, load: u64) -> ! {
    let key = IMAGE_PUBLIC_KEY.and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok());
    // SAFETY: called once, from the boot path, with its hand-off values.
    let booted = unsafe { boot::boot(dtb, load, BOARDS, key) };
    if key.is_none() {
        kprintln!("weft: warning: built without an image-signing key; every program will be refused");
    }
    let timer_interrupt = booted.timer_interrupt;
    let info = booted.info;
    let devices = name_devices(&booted);
    let mut kernel = Kernel::new(booted.backend, KernelConfig { memory_total: booted.memory_total });
    match start_root(&mut kernel, &devices, &info) {
        Ok(koid) => kprintln!("weft: root manager started (process {koid})"),
        Err(why) => kprintln!("weft: cannot start the root manager: {why}"),
    }
    if let Some(initrd) = info.initrd {
        memory::release(initrd);
    }
    run::start(Machine::new(kernel, timer_interrupt))
}

/// Name every device the board describes, probing virtio transports.
pub fn name_devices(booted: &Booted) -> Vec<(String, weft_kernel_aarch64::devicetree::Device)> {
    let Some(board) = booted.board else {
        return Vec::new();
    };
    let mut namer = board::Namer::default();
    let mut out = Vec::new();
    for (index, device) in booted.info.devices().iter().enumerate() {
        let Some(rule) = board.devices.get(device.rule) else {
            continue;
        };
        let naming = match rule.naming {
            Naming::Virtio => {
                let Some(id) = booted.virtio_device_id(index) else {
                    continue;
                };
                match board::virtio_naming(id) {
                    Some(naming) => naming,
                    None => continue,
                }
            }
            other => other,
        };
        if let Some(name) = namer.name(naming) {
            out.push((name.as_str().to_string(), *device));
        }
    }
    out
}

fn start_root(
    kernel: &mut Kernel<weft_kernel_aarch64::metal::backend::Metal>,
    devices: &[(String, weft_kernel_aarch64::devicetree::Device)],
    info: &weft_kernel_aarch64::devicetree::BoardInfo,
) -> Result<Koid, String> {
    let initrd = info.initrd.ok_or("no boot bundle (initrd) was passed")?;
    let bytes = memory::physical_slice(initrd).ok_or("the boot bundle is not in RAM")?;
    let bundle = BundleView::read(bytes).map_err(|e| format!("boot bundle unusable: {e:?}"))?;
    let image = bundle
        .image(bundle.root)
        .ok_or_else(|| format!("the boot bundle has no image for its root program `{}`", bundle.root))?;
    kprintln!(
        "weft: boot bundle `{}`: {} services, {} images, {} KiB",
        bundle.system,
        bundle.services.len(),
        bundle.images.len(),
        bytes.len() >> 10
    );
    let root = kernel.objects.create_resource(ResourceKind::Root, 0, u64::MAX);
    let bundle_vmo = kernel.create_vmo_with(bytes).map_err(|e| format!("no memory for the bundle: {e}"))?;
    let mut names: Vec<String> = Vec::new();
    let mut handles: Vec<(Koid, Rights)> = Vec::new();
    names.push("root-resource".into());
    handles.push((root, Rights::DEFAULT | Rights::MANAGE));
    names.push("bundle".into());
    handles.push((
        bundle_vmo,
        Rights::READ | Rights::MAP | Rights::DUPLICATE | Rights::TRANSFER | Rights::INSPECT | Rights::WAIT,
    ));
    for (name, device) in devices {
        if handles.len() + 2 > limits::MESSAGE_HANDLES {
            kprintln!("weft: too many devices for one startup message; `{name}` left out");
            continue;
        }
        let mmio = kernel.objects.create_resource(
            ResourceKind::Mmio,
            device.registers.start,
            device.registers.size(),
        );
        names.push(format!("mmio:{name}"));
        handles.push((mmio, Rights::DEFAULT | Rights::MANAGE));
        if let Some(irq) = device.interrupt {
            let resource = kernel.objects.create_resource(ResourceKind::Irq, u64::from(irq), 1);
            names.push(format!("irq:{name}"));
            handles.push((resource, Rights::DEFAULT | Rights::MANAGE));
        }
        kprintln!(
            "weft: device {name}: registers {:#x}+{:#x}, interrupt {:?}",
            device.registers.start,
            device.registers.size(),
            device.interrupt
        );
    }
    let startup = startup::encode(&StartupInfo {
        name: "root".into(),
        program: bundle.root.into(),
        principal: PRINCIPAL_ROOT,
        args: alloc::vec![("system".into(), bundle.system.into())],
        handles: names,
        exposes: Vec::new(),
    })
    .map_err(|e| format!("startup message: {e}"))?;
    kernel
        .spawn_boot_process("root", PRINCIPAL_ROOT, image.bytes, &startup, handles)
        .map_err(|e| format!("{e}"))
}
