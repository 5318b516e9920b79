//! Compile the hosted system's manifests into a boot bundle at build time.

use std::path::PathBuf;

use weft_manifest::{BUNDLE_FORMAT, Bundle, Image};

fn main() {
    let crate_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = crate_dir.join("../..");
    let system_file = crate_dir.join("system.toml");
    println!("cargo:rerun-if-changed={}", system_file.display());
    let system = match weft_manifest::compile::load_system(&root, &system_file) {
        Ok(system) => system,
        Err(error) => panic!("hosted system manifests: {error}"),
    };
    for source in &system.sources {
        println!("cargo:rerun-if-changed={}", source.display());
    }
    let mut bundle = Bundle {
        format: BUNDLE_FORMAT,
        system: system.name,
        root: system.root.program.clone(),
        services: Vec::new(),
        programs: Vec::new(),
        images: Vec::new(),
        files: system.files,
    };
    // A hosted image is a stub naming the registered program.
    for manifest in core::iter::once(&system.root).chain(&system.services).chain(&system.programs) {
        let mut bytes = b"#!weft-hosted ".to_vec();
        bytes.extend_from_slice(manifest.program.as_bytes());
        bytes.push(b'\n');
        bundle.add_program(&manifest.program, Image { name: manifest.program.clone(), bytes });
    }
    bundle.services = system.services;
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundle.bin");
    std::fs::write(&out, bundle.to_bytes()).expect("write bundle");
}
