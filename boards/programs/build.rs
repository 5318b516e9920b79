//! Generate the program table from the boards' system files, check that
//! this crate depends on every program's crate, and link the EL0 image at
//! the user image address (bare-metal target only).

use std::path::PathBuf;

use weft_manifest::program_table;

const PACKAGE: &str = "weft-programs";

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = here.join("../..");
    let root = root.canonicalize().unwrap_or(root);
    let cargo = here.join("Cargo.toml");
    let table = match program_table::collect(&root)
        .and_then(|table| program_table::check_dependencies(&root, &table, &cargo, PACKAGE).map(|()| table))
    {
        Ok(table) => table,
        Err(message) => {
            // One line per `cargo::error`, so cargo shows the whole message.
            for line in message.lines() {
                println!("cargo::error={line}");
            }
            std::process::exit(1);
        }
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("programs.rs");
    if let Err(error) = std::fs::write(&out, program_table::generate(&table, PACKAGE)) {
        println!("cargo::error={}: {error}", out.display());
        std::process::exit(1);
    }
    for source in &table.sources {
        println!("cargo::rerun-if-changed={}", source.display());
    }
    println!("cargo::rerun-if-changed=Cargo.toml");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        println!("cargo::rustc-link-arg-bins=-T{}/program.ld", here.display());
    }
    println!("cargo::rerun-if-changed=program.ld");
}
