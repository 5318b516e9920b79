//! Board data: which device-tree nodes become which device capabilities.
//!
//! A board is data, not code: the kernel matches the device tree's root
//! `compatible` against each known [`Board`], then hands every device node
//! that one of the board's [`DeviceRule`]s matches to the root manager as a
//! pair of resources, `mmio:<name>` (its registers) and `irq:<name>` (its
//! interrupt). Manifests route those names to driver services.

/// One supported board.
#[derive(Clone, Copy, Debug)]
pub struct Board {
    /// Short name (`qemu-virt`).
    pub name: &'static str,
    /// Device-tree root `compatible` strings that select it.
    pub compatible: &'static [&'static str],
    /// Device nodes handed to drivers.
    pub devices: &'static [DeviceRule],
}

/// How a matched node is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `name-<index>`, counting matches of this rule in tree order.
    Indexed(&'static str),
    /// `name` for the first match, `name-<index>` for later ones.
    Single(&'static str),
    /// A virtio-mmio transport: the device id register decides the name
    /// (see [`VIRTIO_NAMES`]); empty transports are skipped.
    Virtio,
}

/// A device-tree `compatible` string and how to name what it matches.
#[derive(Clone, Copy, Debug)]
pub struct DeviceRule {
    /// The `compatible` string to match.
    pub compatible: &'static str,
    /// Naming of the capabilities.
    pub naming: Naming,
}

/// Virtio device ids and the capability names their transports get.
pub const VIRTIO_NAMES: &[(u32, Naming)] = &[
    (1, Naming::Indexed("virtio-net")),
    (2, Naming::Indexed("virtio-blk")),
    (3, Naming::Indexed("virtio-console")),
    (4, Naming::Indexed("virtio-rng")),
    (16, Naming::Single("virtio-gpu")),
    (18, Naming::Indexed("virtio-input")),
];

/// The naming rule for a virtio device id, if Weft drives that kind.
pub fn virtio_naming(device_id: u32) -> Option<Naming> {
    VIRTIO_NAMES.iter().find(|(id, _)| *id == device_id).map(|(_, naming)| *naming)
}

/// The board a device tree's root `compatible` list selects.
pub fn select<'b>(boards: &'b [Board], compatible: &[&str]) -> Option<&'b Board> {
    boards.iter().find(|board| board.compatible.iter().any(|c| compatible.contains(c)))
}

/// Counts matches per naming base to build `name` / `name-<index>`.
#[derive(Debug, Default)]
pub struct Namer {
    seen: [(&'static str, u32); 32],
    count: usize,
}

/// A capability base name such as `virtio-input-1` (without `mmio:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceName {
    bytes: [u8; 40],
    len: usize,
}

impl DeviceName {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.bytes.get(..self.len).unwrap_or(&[])).unwrap_or("")
    }

    fn push(&mut self, text: &str) {
        for &byte in text.as_bytes() {
            if let Some(slot) = self.bytes.get_mut(self.len) {
                *slot = byte;
                self.len += 1;
            }
        }
    }
}

impl Namer {
    /// The next name for `naming` (not [`Naming::Virtio`], resolve that first).
    pub fn name(&mut self, naming: Naming) -> Option<DeviceName> {
        let (base, single) = match naming {
            Naming::Indexed(base) => (base, false),
            Naming::Single(base) => (base, true),
            Naming::Virtio => return None,
        };
        let index = match self.seen.iter_mut().take(self.count).find(|(b, _)| *b == base) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                let slot = self.seen.get_mut(self.count)?;
                *slot = (base, 1);
                self.count += 1;
                0
            }
        };
        let mut name = DeviceName { bytes: [0; 40], len: 0 };
        name.push(base);
        if !(single && index == 0) {
            name.push("-");
            let mut digits = [0u8; 10];
            let mut value = index;
            let mut used = 0;
            loop {
                if let Some(slot) = digits.get_mut(used) {
                    *slot = b'0' + (value % 10) as u8;
                }
                used += 1;
                value /= 10;
                if value == 0 || used == digits.len() {
                    break;
                }
            }
            for position in (0..used).rev() {
                let digit = digits.get(position).copied().unwrap_or(b'0');
                name.push(core::str::from_utf8(&[digit]).unwrap_or("0"));
            }
        }
        Some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let mut namer = Namer::default();
        let gpu = virtio_naming(16).unwrap();
        let input = virtio_naming(18).unwrap();
        assert_eq!(namer.name(gpu).unwrap().as_str(), "virtio-gpu");
        assert_eq!(namer.name(input).unwrap().as_str(), "virtio-input-0");
        assert_eq!(namer.name(input).unwrap().as_str(), "virtio-input-1");
        assert_eq!(namer.name(gpu).unwrap().as_str(), "virtio-gpu-1");
        for _ in 2..12 {
            namer.name(input).unwrap();
        }
        assert_eq!(namer.name(input).unwrap().as_str(), "virtio-input-12");
        assert_eq!(namer.name(Naming::Virtio), None);
        assert_eq!(virtio_naming(0), None);
    }
}
