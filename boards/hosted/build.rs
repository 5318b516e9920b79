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
    let mut images: Vec<Image> = Vec::new();
    for manifest in &system.services {
        if !images.iter().any(|i| i.name == manifest.program) {
            let mut bytes = b"#!weft-hosted ".to_vec();
            bytes.extend_from_slice(manifest.program.as_bytes());
            bytes.push(b'\n');
            images.push(Image { name: manifest.program.clone(), bytes });
        }
    }
    let bundle = Bundle {
        format: BUNDLE_FORMAT,
        system: system.name,
        services: system.services,
        images,
        files: system.files,
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundle.bin");
    std::fs::write(&out, bundle.to_bytes()).expect("write bundle");
}
