//! `cargo xtask build`: everything, for the host and for aarch64.

use crate::progress::Progress;
use crate::{image, portable, prereq, test, util};

/// One step of the build: a name and what does it.
type Step<'a> = (&'a str, &'a dyn Fn() -> Result<(), String>);

/// Build every host crate and test, every portable crate for the bare-metal
/// target, and the QEMU kernel image with its boot bundle.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!("unknown option `{unknown}`"));
    }
    prereq::ensure(prereq::host_tests())?;
    prereq::rust_target(test::METAL_TARGET)?;
    let steps: [Step; 3] = [
        ("host crates and tests", &|| {
            util::run(util::cargo().args(["build", "--workspace", "--all-targets"]))
        }),
        ("portable crates for aarch64-unknown-none", &|| portable::build_portable(test::METAL_TARGET)),
        ("kernel image and boot bundle (qemu-virt)", &|| {
            let artifacts = image::build(&image::Options::qemu())?;
            eprintln!(
                "xtask: kernel {}\nxtask: bundle {}",
                artifacts.kernel.display(),
                artifacts.bundle.display()
            );
            Ok(())
        }),
    ];
    for (index, (name, step)) in steps.iter().enumerate() {
        let label = format!("build [{}/{}] {name}", index + 1, steps.len());
        eprintln!("\nxtask {label}");
        let progress = Progress::start(&label);
        step()?;
        eprintln!("xtask: {name} built in {}", crate::progress::clock(progress.elapsed()));
    }
    Ok(())
}
