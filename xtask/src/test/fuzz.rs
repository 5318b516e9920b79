//! The fuzz crates: every `fuzz/` folder beside a crate (kept out of the
//! workspace) builds with `cargo +nightly fuzz build`, so none can rot.

use std::path::{Path, PathBuf};

use crate::{prereq, util};

/// Every crate folder that has a `fuzz/` crate (`cargo-fuzz = true`),
/// found by walking the tree (skipping `target` and hidden folders).
pub fn fuzzed_crates() -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    walk(&util::root(), &mut found)?;
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !path.is_dir() || name.starts_with('.') || name == "target" {
            continue;
        }
        let manifest = path.join("Cargo.toml");
        if name == "fuzz"
            && std::fs::read_to_string(&manifest).is_ok_and(|text| text.contains("cargo-fuzz = true"))
        {
            found.push(dir.to_path_buf());
            continue;
        }
        walk(&path, found)?;
    }
    Ok(())
}

/// Build every fuzz crate's targets (installs nightly and `cargo-fuzz`
/// first if they are missing).
pub fn build_all() -> Result<(), String> {
    prereq::fuzz_tools()?;
    let crates = fuzzed_crates()?;
    if crates.is_empty() {
        return Err("no fuzz crates found".into());
    }
    let target = crate::image::target_dir().join("fuzz");
    for dir in crates {
        util::step(&format!(
            "building the fuzz targets of {}",
            dir.strip_prefix(util::root()).unwrap_or(&dir).display()
        ));
        util::run(
            std::process::Command::new("cargo")
                .args([&format!("+{}", prereq::FUZZ_TOOLCHAIN), "fuzz", "build", "--target-dir"])
                .arg(&target)
                .current_dir(&dir),
        )?;
    }
    Ok(())
}
