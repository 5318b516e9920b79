//! Which workspace crates are portable (must build for the bare-metal
//! target) and which are host-only (`[package.metadata.weft] host-only`).

use crate::util;

/// A workspace package.
pub struct Package {
    /// Its name.
    pub name: String,
    /// Marked host-only.
    pub host_only: bool,
    /// Has a library target.
    pub has_lib: bool,
}

/// Every workspace package.
pub fn packages() -> Result<Vec<Package>, String> {
    let output = util::cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    let mut out = Vec::new();
    for package in json["packages"].as_array().into_iter().flatten() {
        let name = package["name"].as_str().unwrap_or_default().to_string();
        let host_only = package["metadata"]["weft"]["host-only"].as_bool().unwrap_or(false);
        let has_lib = package["targets"].as_array().into_iter().flatten().any(|t| {
            t["kind"].as_array().into_iter().flatten().any(|k| k.as_str().is_some_and(|k| k.ends_with("lib")))
        });
        out.push(Package { name, host_only, has_lib });
    }
    Ok(out)
}

/// Build every portable library for `target`.
pub fn build_portable(target: &str) -> Result<(), String> {
    let portable: Vec<String> =
        packages()?.into_iter().filter(|p| !p.host_only && p.has_lib).map(|p| p.name).collect();
    eprintln!("xtask: building {} portable crates for {target}", portable.len());
    let mut command = util::cargo();
    command.args(["build", "--lib", "--target", target]);
    for name in &portable {
        command.args(["-p", name]);
    }
    util::run(&mut command)
}
