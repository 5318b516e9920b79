//! The interrupt controller: GICv2 (the A64's GIC-400, QEMU `gic-version=2`)
//! and GICv3 (QEMU's default for `virt` with `gic-version=3`).
//!
//! One core, one group of non-secure interrupts, all at one priority, routed
//! to this core. The kernel masks a device line when it fires and unmasks
//! it when the driver acknowledges (see `Kernel::interrupt`).

use super::registers::{isb, read, write};

/// INTIDs 1020..1023 are special (1023: spurious).
pub const SPURIOUS: u32 = 1020;

fn read32(address: u64) -> u32 {
    // SAFETY: every address passed here is a GIC register inside the device
    // mapping made at boot for the distributor, CPU interface or
    // redistributor; volatile because it is a device.
    unsafe { core::ptr::read_volatile(address as *const u32) }
}

fn write32(address: u64, value: u32) {
    // SAFETY: as in `read32`.
    unsafe { core::ptr::write_volatile(address as *mut u32, value) }
}

fn read64(address: u64) -> u64 {
    // SAFETY: as in `read32`.
    unsafe { core::ptr::read_volatile(address as *const u64) }
}

/// A GIC of either version.
pub enum Gic {
    /// Memory-mapped CPU interface.
    V2 {
        /// Distributor.
        distributor: u64,
        /// CPU interface.
        cpu: u64,
    },
    /// System-register CPU interface, per-core redistributor.
    V3 {
        /// Distributor.
        distributor: u64,
        /// This core's redistributor (RD_base).
        redistributor: u64,
    },
}

const GICD_CTLR: u64 = 0x000;
const GICD_TYPER: u64 = 0x004;
const GICD_IGROUPR: u64 = 0x080;
const GICD_ISENABLER: u64 = 0x100;
const GICD_ICENABLER: u64 = 0x180;
const GICD_IPRIORITYR: u64 = 0x400;
const GICD_ITARGETSR: u64 = 0x800;
const GICD_IROUTER: u64 = 0x6000;
const GICR_WAKER: u64 = 0x0014;
const GICR_TYPER: u64 = 0x0008;
const GICR_SGI: u64 = 0x1_0000;

impl Gic {
    /// Bring up a GICv2 whose registers are mapped at the given addresses.
    pub fn new_v2(distributor: u64, cpu: u64) -> Gic {
        let lines = 32 * ((read32(distributor + GICD_TYPER) & 0x1f) + 1);
        write32(distributor + GICD_CTLR, 0);
        for n in 1..lines / 32 {
            write32(distributor + GICD_ICENABLER + 4 * u64::from(n), 0xffff_ffff);
        }
        for n in (32..lines).step_by(4) {
            write32(distributor + GICD_IPRIORITYR + u64::from(n), 0xa0a0_a0a0);
            write32(distributor + GICD_ITARGETSR + u64::from(n), 0x0101_0101);
        }
        for n in (0..32).step_by(4) {
            write32(distributor + GICD_IPRIORITYR + n, 0xa0a0_a0a0);
        }
        write32(distributor + GICD_CTLR, 1);
        write32(cpu + 0x004, 0xff); // GICC_PMR: let every priority through
        write32(cpu + 0x008, 0); // GICC_BPR
        write32(cpu, 1); // GICC_CTLR: enable
        Gic::V2 { distributor, cpu }
    }

    /// Bring up a GICv3; `redistributors` maps the redistributor region.
    pub fn new_v3(distributor: u64, redistributors: u64, region_size: u64) -> Option<Gic> {
        let mpidr = read!("mpidr_el1");
        let affinity = (mpidr & 0xff_ffff) | ((mpidr >> 8) & 0xff00_0000);
        let mut frame = redistributors;
        let redistributor = loop {
            if frame >= redistributors + region_size {
                return None;
            }
            let typer = read64(frame + GICR_TYPER);
            if typer >> 32 == affinity {
                break frame;
            }
            if typer & (1 << 4) != 0 {
                return None; // last redistributor, none matched
            }
            frame += 0x2_0000;
        };
        // Distributor: affinity routing, group 1, SPIs to this core.
        write32(distributor + GICD_CTLR, 0);
        while read32(distributor + GICD_CTLR) & (1 << 31) != 0 {}
        let lines = 32 * ((read32(distributor + GICD_TYPER) & 0x1f) + 1);
        for n in 1..lines / 32 {
            write32(distributor + GICD_ICENABLER + 4 * u64::from(n), 0xffff_ffff);
            write32(distributor + GICD_IGROUPR + 4 * u64::from(n), 0xffff_ffff);
        }
        for n in (32..lines).step_by(4) {
            write32(distributor + GICD_IPRIORITYR + u64::from(n), 0xa0a0_a0a0);
        }
        for n in 32..lines {
            // SAFETY-free write through the helper: IROUTER is 64-bit; two
            // 32-bit halves are allowed by the architecture.
            write32(distributor + GICD_IROUTER + 8 * u64::from(n), affinity as u32 & 0xff_ffff);
            write32(distributor + GICD_IROUTER + 8 * u64::from(n) + 4, (affinity >> 24) as u32);
        }
        write32(distributor + GICD_CTLR, (1 << 4) | (1 << 1));
        while read32(distributor + GICD_CTLR) & (1 << 31) != 0 {}
        // Wake this core's redistributor.
        let waker = read32(redistributor + GICR_WAKER);
        write32(redistributor + GICR_WAKER, waker & !(1 << 1));
        while read32(redistributor + GICR_WAKER) & (1 << 2) != 0 {}
        let sgi = redistributor + GICR_SGI;
        write32(sgi + GICD_ICENABLER, 0xffff_ffff);
        write32(sgi + GICD_IGROUPR, 0xffff_ffff);
        for n in (0..32).step_by(4) {
            write32(sgi + GICD_IPRIORITYR + n, 0xa0a0_a0a0);
        }
        // CPU interface through system registers.
        let sre = read!("S3_0_C12_C12_5");
        write!("S3_0_C12_C12_5", sre | 1); // ICC_SRE_EL1.SRE
        isb();
        write!("S3_0_C4_C6_0", 0xff); // ICC_PMR_EL1
        write!("S3_0_C12_C12_3", 0); // ICC_BPR1_EL1
        write!("S3_0_C12_C12_7", 1); // ICC_IGRPEN1_EL1
        isb();
        Some(Gic::V3 { distributor, redistributor })
    }

    /// Enable or disable one interrupt line.
    pub fn set_enabled(&self, intid: u32, enabled: bool) {
        let word = u64::from(intid / 32) * 4;
        let bit = 1u32 << (intid % 32);
        let offset = if enabled { GICD_ISENABLER } else { GICD_ICENABLER };
        match *self {
            Gic::V2 { distributor, .. } => write32(distributor + offset + word, bit),
            Gic::V3 { distributor, redistributor } => {
                if intid < 32 {
                    write32(redistributor + GICR_SGI + offset, bit);
                } else {
                    write32(distributor + offset + word, bit);
                }
            }
        }
    }

    /// Take the highest-priority pending interrupt (>= [`SPURIOUS`]: none).
    pub fn acknowledge(&self) -> u32 {
        match *self {
            Gic::V2 { cpu, .. } => read32(cpu + 0x00c) & 0x3ff,
            Gic::V3 { .. } => (read!("S3_0_C12_C12_0") & 0xff_ffff) as u32,
        }
    }

    /// Signal the end of handling `intid`.
    pub fn end(&self, intid: u32) {
        match *self {
            Gic::V2 { cpu, .. } => write32(cpu + 0x010, intid),
            Gic::V3 { .. } => {
                write!("S3_0_C12_C12_1", u64::from(intid));
                isb();
            }
        }
    }
}
