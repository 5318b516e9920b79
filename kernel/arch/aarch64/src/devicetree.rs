//! Reading the facts the kernel needs from the flattened device tree:
//! memory, reservations, the initrd, the console UART, the GIC, the timer
//! interrupt, entropy, and the device nodes a board hands to drivers.
//!
//! Parsing uses the `fdt` crate; properties are read defensively (short or
//! odd-sized values are ignored, never indexed blindly). Nothing here
//! allocates: the result is plain data copied out of the tree.

use fdt::Fdt;
use fdt::node::FdtNode;

use crate::board::{Board, DeviceRule};
use crate::ranges::{Range, RangeSet};

/// Most device nodes recorded.
pub const MAX_DEVICES: usize = 48;

/// The UART's register interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UartKind {
    /// ARM PL011 (QEMU `virt`).
    Pl011,
    /// 16550-compatible with registers `1 << shift` bytes apart (the A64's
    /// DesignWare UART: shift 2, 32-bit accesses).
    Ns16550 {
        /// Register spacing as a power of two.
        shift: u8,
    },
}

/// The console UART.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uart {
    /// Registers.
    pub registers: Range,
    /// Interface.
    pub kind: UartKind,
}

/// The interrupt controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gic {
    /// 2 or 3.
    pub version: u8,
    /// Distributor registers.
    pub distributor: Range,
    /// CPU interface (v2) or redistributors (v3).
    pub cpu: Range,
}

/// A device node one of the board's rules matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Device {
    /// Index of the rule in the board's list.
    pub rule: usize,
    /// Registers (first `reg` entry).
    pub registers: Range,
    /// First interrupt as a GIC INTID.
    pub interrupt: Option<u32>,
}

/// Everything the kernel reads from the tree.
#[derive(Clone, Copy, Debug)]
pub struct BoardInfo {
    /// The tree itself.
    pub tree: Range,
    /// RAM banks.
    pub memory: RangeSet<8>,
    /// Firmware reservations (`/memreserve/` and `/reserved-memory`).
    pub reserved: RangeSet<16>,
    /// The initial ramdisk (the boot bundle), if any.
    pub initrd: Option<Range>,
    /// The console.
    pub uart: Option<Uart>,
    /// The interrupt controller.
    pub gic: Option<Gic>,
    /// INTID of the EL1 virtual timer.
    pub timer_interrupt: Option<u32>,
    /// Entropy the bootloader passed (`rng-seed`, `kaslr-seed`).
    pub seed: [u8; 64],
    /// Bytes of `seed` filled.
    pub seed_len: usize,
    /// Matched device nodes, in tree order.
    pub devices: [Device; MAX_DEVICES],
    /// Number of `devices`.
    pub device_count: usize,
}

/// Why the tree could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeError {
    /// Not a flattened device tree.
    Malformed,
    /// No memory node.
    NoMemory,
}

fn cells(value: &[u8]) -> impl Iterator<Item = u32> + '_ {
    value.chunks_exact(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
}

fn number(value: &[u8]) -> Option<u64> {
    match value.len() {
        4 => cells(value).next().map(u64::from),
        8 => {
            let mut c = cells(value);
            Some((u64::from(c.next()?) << 32) | u64::from(c.next()?))
        }
        _ => None,
    }
}

fn first_reg(node: FdtNode<'_, '_>) -> Option<Range> {
    let region = node.reg()?.next()?;
    Some(Range::sized(region.starting_address as u64, region.size.unwrap_or(0) as u64))
}

fn regs<const N: usize>(node: FdtNode<'_, '_>) -> [Option<Range>; N] {
    let mut out = [None; N];
    if let Some(iter) = node.reg() {
        for (slot, region) in out.iter_mut().zip(iter) {
            *slot = Some(Range::sized(region.starting_address as u64, region.size.unwrap_or(0) as u64));
        }
    }
    out
}

/// The first interrupt of a node with a three-cell GIC specifier, as an INTID.
fn interrupt(node: FdtNode<'_, '_>, which: usize) -> Option<u32> {
    let value = node.property("interrupts")?.value;
    let mut values = cells(value).skip(which * 3);
    let kind = values.next()?;
    let number = values.next()?;
    match kind {
        0 => number.checked_add(32),
        1 => number.checked_add(16),
        _ => None,
    }
}

fn has_compatible(node: FdtNode<'_, '_>, wanted: &[&str]) -> bool {
    node.compatible().is_some_and(|c| c.all().any(|name| wanted.contains(&name)))
}

fn is_enabled(node: FdtNode<'_, '_>) -> bool {
    node.property("status").map(|p| p.value).is_none_or(|v| v.starts_with(b"okay") || v.starts_with(b"ok\0"))
}

const GIC_V2: &[&str] = &["arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic", "arm,cortex-a7-gic"];
const GIC_V3: &[&str] = &["arm,gic-v3"];
const PL011: &[&str] = &["arm,pl011"];
const NS16550: &[&str] = &["snps,dw-apb-uart", "ns16550a", "ns16550"];
const UARTS: &[&str] = &["arm,pl011", "snps,dw-apb-uart", "ns16550a", "ns16550"];

fn uart_of(node: FdtNode<'_, '_>) -> Option<Uart> {
    let registers = first_reg(node)?;
    let kind = if has_compatible(node, PL011) {
        UartKind::Pl011
    } else if has_compatible(node, NS16550) {
        let shift = node.property("reg-shift").and_then(|p| number(p.value)).unwrap_or(0);
        UartKind::Ns16550 { shift: u8::try_from(shift).ok().filter(|s| *s <= 3)? }
    } else {
        return None;
    };
    Some(Uart { registers, kind })
}

fn stdout_uart(tree: &Fdt<'_>) -> Option<Uart> {
    let chosen = tree.find_node("/chosen")?;
    let value = chosen.property("stdout-path")?.value;
    let text = core::str::from_utf8(value).ok()?;
    let path = text.split(['\0', ':']).next()?;
    let node = if path.starts_with('/') {
        tree.find_node(path)?
    } else {
        let alias = tree.find_node("/aliases")?.property(path)?.value;
        let alias = core::str::from_utf8(alias).ok()?.split('\0').next()?;
        tree.find_node(alias)?
    };
    uart_of(node)
}

/// The root `compatible` strings (up to eight).
pub fn root_compatible<'a>(tree: &Fdt<'a>) -> [&'a str; 8] {
    let mut out = [""; 8];
    if let Some(compatible) = tree.find_node("/").and_then(|node| node.compatible()) {
        for (slot, name) in out.iter_mut().zip(compatible.all()) {
            *slot = name;
        }
    }
    out
}

/// Read the tree at `bytes` (whose physical address is `address`). Device
/// nodes are matched against `board`'s rules if a board was selected.
pub fn read(bytes: &[u8], address: u64, board: Option<&Board>) -> Result<BoardInfo, TreeError> {
    let tree = Fdt::new(bytes).map_err(|_| TreeError::Malformed)?;
    let mut info = BoardInfo {
        tree: Range::sized(address, tree.total_size() as u64),
        memory: RangeSet::new(),
        reserved: RangeSet::new(),
        initrd: None,
        uart: None,
        gic: None,
        timer_interrupt: None,
        seed: [0; 64],
        seed_len: 0,
        devices: [Device::default(); MAX_DEVICES],
        device_count: 0,
    };
    for node in tree.all_nodes() {
        let is_memory = node.property("device_type").is_some_and(|p| p.value.starts_with(b"memory"));
        if is_memory
            && is_enabled(node)
            && let Some(iter) = node.reg()
        {
            for region in iter {
                let range = Range::sized(region.starting_address as u64, region.size.unwrap_or(0) as u64);
                let _ = info.memory.insert(range);
            }
        }
    }
    if info.memory.as_slice().is_empty() {
        return Err(TreeError::NoMemory);
    }
    for reservation in tree.memory_reservations() {
        let range = Range::sized(reservation.address() as u64, reservation.size() as u64);
        let _ = info.reserved.insert(range);
    }
    if let Some(reserved) = tree.find_node("/reserved-memory") {
        for child in reserved.children() {
            if let Some(iter) = child.reg() {
                for region in iter {
                    let range = Range::sized(region.starting_address as u64, region.size.unwrap_or(0) as u64);
                    let _ = info.reserved.insert(range);
                }
            }
        }
    }
    if let Some(chosen) = tree.find_node("/chosen") {
        let start = chosen.property("linux,initrd-start").and_then(|p| number(p.value));
        let end = chosen.property("linux,initrd-end").and_then(|p| number(p.value));
        if let (Some(start), Some(end)) = (start, end)
            && end > start
        {
            info.initrd = Some(Range { start, end });
        }
        let mut seed_len = 0;
        for name in ["rng-seed", "kaslr-seed"] {
            if let Some(value) = chosen.property(name).map(|p| p.value) {
                for (slot, byte) in info.seed.iter_mut().skip(seed_len).zip(value) {
                    *slot = *byte;
                    seed_len += 1;
                }
            }
        }
        info.seed_len = seed_len;
    }
    info.uart = stdout_uart(&tree);
    for node in tree.all_nodes() {
        if !is_enabled(node) {
            continue;
        }
        if info.uart.is_none() && has_compatible(node, UARTS) {
            info.uart = uart_of(node);
        }
        if info.gic.is_none() {
            let version = if has_compatible(node, GIC_V3) {
                Some(3)
            } else if has_compatible(node, GIC_V2) {
                Some(2)
            } else {
                None
            };
            if let (Some(version), [Some(distributor), Some(cpu)]) = (version, regs::<2>(node)) {
                info.gic = Some(Gic { version, distributor, cpu });
            }
        }
        if info.timer_interrupt.is_none() && has_compatible(node, &["arm,armv8-timer"]) {
            info.timer_interrupt = interrupt(node, 2);
        }
        if let Some(board) = board {
            record_device(&mut info, node, board.devices);
        }
    }
    Ok(info)
}

fn record_device(info: &mut BoardInfo, node: FdtNode<'_, '_>, rules: &[DeviceRule]) {
    let Some(rule) = rules.iter().position(|rule| has_compatible(node, &[rule.compatible])) else {
        return;
    };
    let Some(registers) = first_reg(node) else {
        return;
    };
    if let Some(slot) = info.devices.get_mut(info.device_count) {
        *slot = Device { rule, registers, interrupt: interrupt(node, 0) };
        info.device_count += 1;
    }
}

impl BoardInfo {
    /// The matched devices.
    pub fn devices(&self) -> &[Device] {
        self.devices.get(..self.device_count).unwrap_or(&[])
    }

    /// The entropy seed bytes.
    pub fn seed(&self) -> &[u8] {
        self.seed.get(..self.seed_len).unwrap_or(&[])
    }
}
