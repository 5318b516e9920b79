//! Packing the boot bundle: the board's system file, its manifests, and a
//! signed image for every program they name (plus the root manager).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use weft_manifest::{BUNDLE_FORMAT, Bundle, Image};

use crate::image::{TARGET, target_dir};
use crate::{keys, util};

/// The crate whose binary is the one EL0 image of every program.
pub const PROGRAMS_CRATE: &str = "weft-programs";

/// The image's name in the bundle.
pub const PROGRAMS_IMAGE: &str = "weft-programs";

/// Build the multi-program image (release, aarch64); returns its ELF path.
pub fn build_programs() -> Result<PathBuf, String> {
    util::step(&format!("building the program image (release, {TARGET})"));
    let mut cargo = util::cargo();
    cargo.args(["build", "--release", "--target", TARGET, "-p", PROGRAMS_CRATE, "--bin", PROGRAMS_IMAGE]);
    util::run(&mut cargo)?;
    Ok(target_dir().join(TARGET).join("release").join(PROGRAMS_IMAGE))
}

/// A copy of `image` with one payload byte flipped after signing: the kernel must
/// refuse it.
fn tampered(image: &[u8]) -> Vec<u8> {
    let mut bytes = image.to_vec();
    if let Some(byte) = bytes.get_mut(weft_kernel_aarch64::image::HEADER_LEN + 0x100) {
        *byte ^= 0x40;
    }
    bytes
}

/// Sign one program ELF into an image (without its debug sections).
pub fn sign(elf: &Path, key: &ed25519_dalek::SigningKey) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    let loadable = strip(&bytes).map_err(|e| format!("{}: {e}", elf.display()))?;
    Ok(weft_kernel_aarch64::image::sign(&loadable, key))
}

/// Keep only what the loader reads: the file up to the end of the last
/// loadable segment, with the section table dropped. The unstripped ELF
/// stays in the target directory for symbolising.
pub fn strip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use elf::ElfBytes;
    use elf::endian::LittleEndian;
    let file = ElfBytes::<LittleEndian>::minimal_parse(bytes).map_err(|e| format!("ELF: {e}"))?;
    let segments = file.segments().ok_or("no program headers")?;
    let headers_end = file.ehdr.e_phoff + u64::from(file.ehdr.e_phentsize) * u64::from(file.ehdr.e_phnum);
    let end = segments
        .iter()
        .filter(|s| s.p_type == elf::abi::PT_LOAD)
        .map(|s| s.p_offset + s.p_filesz)
        .chain([headers_end])
        .max()
        .unwrap_or(headers_end) as usize;
    let mut out = bytes.get(..end).ok_or("segments lie outside the file")?.to_vec();
    // e_shoff, e_shentsize, e_shnum, e_shstrndx: no section table.
    out[0x28..0x30].fill(0);
    out[0x3a..0x40].fill(0);
    Ok(out)
}

/// Build `bundle.bin` in `out` for `options`.
pub fn build(options: &crate::image::Options, out: &Path) -> Result<PathBuf, String> {
    let root = util::root();
    let system_path = root.join("boards").join(&options.board).join(&options.system);
    let mut system = weft_manifest::compile::load_system(&root, &system_path)?;
    for extra in &options.extra_services {
        let (manifest, _) = weft_manifest::compile::read_manifest(&root, extra)?;
        system.services.push(manifest);
    }
    for (service, key, value) in &options.args {
        let manifest = system
            .services
            .iter_mut()
            .find(|m| &m.name == service)
            .ok_or_else(|| format!("no service `{service}` to set `{key}` on"))?;
        manifest.args.retain(|(k, _)| k != key);
        manifest.args.push((key.clone(), value.clone()));
    }
    for service in &options.boot {
        let manifest = system
            .services
            .iter_mut()
            .find(|m| &m.name == service)
            .ok_or_else(|| format!("no service `{service}` to start at boot"))?;
        manifest.start = weft_manifest::Start::Boot;
    }
    let mut programs: BTreeSet<String> = system.services.iter().map(|s| s.program.clone()).collect();
    programs.extend(system.programs.iter().map(|p| p.program.clone()));
    programs.insert(system.root.program.clone());
    let elf = build_programs()?;
    let key = keys::signing_key()?;
    util::step("signing the program image");
    let image = sign(&elf, &key)?;
    let mut bundle = Bundle {
        format: BUNDLE_FORMAT,
        system: system.name.clone(),
        root: system.root.program.clone(),
        services: system.services,
        programs: Vec::new(),
        images: Vec::new(),
        files: system.files,
    };
    let tampered_name = format!("{PROGRAMS_IMAGE}-tampered");
    if options.tamper.is_some() || options.tamper_in_place.is_some() {
        bundle.images.push(Image { name: tampered_name.clone(), bytes: tampered(&image) });
    }
    bundle.images.push(Image { name: PROGRAMS_IMAGE.into(), bytes: image });
    for program in programs {
        if options.tamper.as_deref() == Some(program.as_str()) {
            bundle.programs.push((format!("{program}-tampered"), tampered_name.clone()));
        }
        if options.tamper_in_place.as_deref() == Some(program.as_str()) {
            util::step(&format!("`{program}` runs a tampered copy of the image (test)"));
            bundle.programs.push((program, tampered_name.clone()));
        } else {
            bundle.programs.push((program, PROGRAMS_IMAGE.into()));
        }
    }
    let bytes = bundle.to_bytes();
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let stem = format!(
        "{}{}{}",
        options.system.trim_end_matches(".toml"),
        if options.tamper_in_place.is_some() { "-tampered" } else { "" },
        if options.extra_services.is_empty() && options.args.is_empty() && options.boot.is_empty() {
            ""
        } else {
            "-extra"
        }
    );
    let path = out.join(format!("{stem}.bundle"));
    std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    util::step(&format!(
        "boot bundle `{}`: {} services, {} programs in {} images, {} KiB",
        bundle.system,
        bundle.services.len(),
        bundle.programs.len(),
        bundle.images.len(),
        bytes.len() / 1024
    ));
    Ok(path)
}
