//! `cargo xtask image`: build the kernel and every program for
//! aarch64-unknown-none (release), sign the programs, pack the boot bundle
//! from the board's system file, and write the kernel as an arm64 `Image`.
//!
//! Outputs (under `target/weft/<board>/`): `Image` (the kernel, for QEMU
//! `-kernel` or U-Boot `booti`), `bundle.bin` (the boot bundle, passed as
//! the initrd), and `weft-kernel.elf` (for symbolising backtraces).

use std::path::{Path, PathBuf};

use elf::ElfBytes;
use elf::abi::PT_LOAD;
use elf::endian::LittleEndian;

use crate::{keys, util};

/// The bare-metal target everything on the device is built for.
pub const TARGET: &str = "aarch64-unknown-none";

/// What `image` produced.
pub struct Artifacts {
    /// The kernel `Image`.
    pub kernel: PathBuf,
    /// The boot bundle.
    pub bundle: PathBuf,
    /// The kernel ELF (symbols).
    pub kernel_elf: PathBuf,
}

/// Options for building an image.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The board directory under `boards/` (default `qemu-virt`).
    pub board: String,
    /// The system file inside the board directory (default `system.toml`).
    pub system: String,
    /// Also pack program `<name>-tampered`: the signed image with one
    /// payload byte flipped (tests).
    pub tamper: Option<String>,
    /// Run this program from a tampered copy of the image (tests: the
    /// kernel must refuse it at boot and the rest must come up).
    pub tamper_in_place: Option<String>,
    /// Service manifests (paths relative to the repository root, as in a
    /// system file) added to the system's (tests).
    pub extra_services: Vec<String>,
    /// Manifest arguments set on services: (service, key, value) (tests
    /// pass the host's ports this way).
    pub args: Vec<(String, String, String)>,
    /// Services started at boot instead of on demand (`run --stream`:
    /// the mesh; tests: an app).
    pub boot: Vec<String>,
}

impl Options {
    /// Defaults for QEMU.
    pub fn qemu() -> Options {
        Options {
            board: "qemu-virt".into(),
            system: "system.toml".into(),
            tamper: None,
            tamper_in_place: None,
            extra_services: Vec::new(),
            args: Vec::new(),
            boot: Vec::new(),
        }
    }
}

/// The cargo target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| util::root().join("target"))
}

fn release_dir() -> PathBuf {
    target_dir().join(TARGET).join("release")
}

/// Build the kernel ELF and turn it into an `Image`.
pub fn kernel(out: &Path) -> Result<(PathBuf, PathBuf), String> {
    keys::ensure()?;
    // `cargo xtask run` on a fresh machine comes through here first.
    crate::prereq::rust_target(TARGET)?;
    util::step("building the kernel (release, aarch64-unknown-none)");
    let mut cargo = util::cargo();
    cargo
        .args(["build", "--release", "--target", TARGET, "-p", "weft-kernel-image"])
        .env("WEFT_IMAGE_PUBLIC_KEY", keys::public_path());
    util::run(&mut cargo)?;
    let elf_path = release_dir().join("weft-kernel");
    let bytes = std::fs::read(&elf_path).map_err(|e| format!("{}: {e}", elf_path.display()))?;
    let image = flatten(&bytes)?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let image_path = out.join("Image");
    std::fs::write(&image_path, &image).map_err(|e| format!("{}: {e}", image_path.display()))?;
    let elf_copy = out.join("weft-kernel.elf");
    std::fs::copy(&elf_path, &elf_copy).map_err(|e| format!("{}: {e}", elf_copy.display()))?;
    Ok((image_path, elf_copy))
}

/// Lay the loadable segments of a kernel ELF out as a flat image starting
/// at the lowest segment (the arm64 Image header).
pub fn flatten(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let file = ElfBytes::<LittleEndian>::minimal_parse(bytes).map_err(|e| format!("kernel ELF: {e}"))?;
    let segments: Vec<_> = file
        .segments()
        .ok_or("kernel ELF has no program headers")?
        .iter()
        .filter(|s| s.p_type == PT_LOAD && s.p_filesz > 0)
        .collect();
    let base = segments.iter().map(|s| s.p_vaddr).min().ok_or("kernel ELF has no loadable segment")?;
    let end = segments.iter().map(|s| s.p_vaddr + s.p_filesz).max().unwrap_or(base);
    let mut image = vec![0u8; (end - base) as usize];
    for segment in &segments {
        let from = segment.p_offset as usize;
        let data = bytes
            .get(from..from + segment.p_filesz as usize)
            .ok_or("kernel ELF segment lies outside the file")?;
        let at = (segment.p_vaddr - base) as usize;
        image[at..at + data.len()].copy_from_slice(data);
    }
    if image.get(56..60) != Some(b"ARM\x64") {
        return Err("kernel image does not start with the arm64 Image header".into());
    }
    Ok(image)
}

/// Build everything and write the artifacts for `options`.
pub fn build(options: &Options) -> Result<Artifacts, String> {
    let out = target_dir().join("weft").join(&options.board);
    let (kernel, kernel_elf) = kernel(&out)?;
    let bundle = crate::bundle::build(options, &out)?;
    Ok(Artifacts { kernel, bundle, kernel_elf })
}

/// `cargo xtask image [--board NAME] [--system FILE]`.
pub fn command(args: &[String]) -> Result<(), String> {
    let mut options = Options::qemu();
    if args.iter().any(|a| a == "--kernel-only") {
        let out = target_dir().join("weft").join(&options.board);
        let (kernel, _) = kernel(&out)?;
        println!("kernel: {}", kernel.display());
        return Ok(());
    }
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--board" => options.board = iter.next().ok_or("--board needs a name")?.clone(),
            "--system" => options.system = iter.next().ok_or("--system needs a file")?.clone(),
            other => return Err(format!("image: unknown option `{other}`")),
        }
    }
    let artifacts = build(&options)?;
    println!("kernel: {}", artifacts.kernel.display());
    println!("bundle: {}", artifacts.bundle.display());
    println!("symbols: {}", artifacts.kernel_elf.display());
    Ok(())
}
