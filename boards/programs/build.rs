//! Link every program binary at the user image address with the program
//! linker script (bare-metal target only).

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        println!("cargo:rustc-link-arg-bins=-T{manifest}/program.ld");
    }
    println!("cargo:rerun-if-changed=program.ld");
}
