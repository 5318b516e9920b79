//! Reading real device trees: QEMU's `virt` machine dumps its tree
//! (`-machine dumpdtb=`), for GICv2 and GICv3, with virtio devices; the
//! reader must find RAM, the PL011, the GIC, the timer and every virtio
//! transport. Skipped (with a note) when `qemu-system-aarch64` is missing.

use std::path::PathBuf;
use std::process::Command;

use weft_kernel_aarch64::board::{Board, DeviceRule, Naming};
use weft_kernel_aarch64::devicetree::{self, UartKind};

const BOARD: Board = Board {
    name: "qemu-virt",
    compatible: &["linux,dummy-virt"],
    devices: &[DeviceRule { compatible: "virtio,mmio", naming: Naming::Virtio }],
};

fn dump(machine: &str) -> Option<Vec<u8>> {
    let label: String = machine.chars().filter(char::is_ascii_alphanumeric).collect();
    let path = std::env::temp_dir().join(format!("weft-{}-{label}.dtb", std::process::id()));
    let status = Command::new("qemu-system-aarch64")
        .args(["-M", &format!("{machine},dumpdtb={}", path.display())])
        // No NIC: the default one wants a boot ROM that a minimal QEMU
        // install does not carry.
        .args(["-cpu", "cortex-a53", "-m", "1G", "-display", "none", "-nic", "none"])
        .args(["-device", "virtio-gpu-device", "-device", "virtio-keyboard-device"])
        .output()
        .ok()?;
    let _ = status;
    let bytes = std::fs::read(&path).ok();
    let _ = std::fs::remove_file(PathBuf::from(&path));
    bytes
}

#[test]
fn qemu_virt_trees_are_read() {
    for (machine, version) in [("virt,gic-version=2", 2), ("virt,gic-version=3", 3)] {
        let Some(bytes) = dump(machine) else {
            // `cargo xtask test` installs QEMU before the host tests, so in
            // CI a missing QEMU is a failure, not a skip.
            assert!(std::env::var_os("CI").is_none(), "qemu-system-aarch64 is not installed (CI is set)");
            eprintln!("SKIPPED: qemu-system-aarch64 is not installed ({machine})");
            return;
        };
        let tree = fdt::Fdt::new(&bytes).expect("a flattened device tree");
        let compatible = devicetree::root_compatible(&tree);
        let board = weft_kernel_aarch64::board::select(&[BOARD], &compatible).expect("board selected");
        let info = devicetree::read(&bytes, 0x4800_0000, Some(board)).expect("readable");
        assert_eq!(info.memory.total(), 1 << 30, "{machine}: RAM");
        assert_eq!(info.memory.as_slice()[0].start, 0x4000_0000);
        let uart = info.uart.expect("a console UART");
        assert_eq!(uart.kind, UartKind::Pl011);
        assert_eq!(uart.registers.start, 0x0900_0000);
        let gic = info.gic.expect("a GIC");
        assert_eq!(gic.version, version, "{machine}");
        assert_eq!(gic.distributor.start, 0x0800_0000);
        assert_eq!(info.timer_interrupt, Some(27), "virtual timer PPI 11");
        assert_eq!(info.devices().len(), 32, "every virtio-mmio transport");
        assert!(info.devices().iter().all(|d| d.registers.size() == 0x200 && d.interrupt.is_some()));
        assert!(!info.seed().is_empty(), "QEMU passes rng-seed");
    }
}

#[test]
fn garbage_is_refused_not_a_panic() {
    for bytes in [&b""[..], b"\xd0\x0d\xfe\xed", &[0xffu8; 256]] {
        assert!(devicetree::read(bytes, 0, None).is_err());
    }
}
