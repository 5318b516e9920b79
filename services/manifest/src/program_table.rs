//! The program table (host only, for build scripts): every program the
//! boards' system files name, with the crate function that runs it.
//!
//! The manifests are the one list of programs. A board's system file
//! (`boards/<board>/<system>.toml`) names manifests; each manifest sits in
//! its program's crate, so the crate and the function follow from where
//! the manifest is:
//!
//! - `manifest.toml` beside a crate's `Cargo.toml` runs `<crate>::entry`;
//! - one in a folder inside the crate, `<crate>/a/b/manifest.toml`, runs
//!   `<crate>::a::b::entry` (a `-` in a folder name is a `_`).
//!
//! Every entry is `pub fn entry(bootstrap: u32) -> i32`. Systems of the
//! `hosted` board run in a host process, all others on the Weft kernel
//! (`target_os = "none"`), so the table has one list per target and the
//! crate using it depends on each program's crate for the targets that run
//! it. [`check_dependencies`] says exactly which line is missing.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use std::path::{Path, PathBuf};

use crate::compile::{is_system_file, load_system};

/// The board whose systems run in a host process.
pub const HOSTED_BOARD: &str = "hosted";

/// The `cfg` of the bare-metal target.
const METAL_CFG: &str = "cfg(target_os = \"none\")";
/// The `cfg` of host builds.
const HOST_CFG: &str = "cfg(not(target_os = \"none\"))";

/// One program of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Its name (the manifests' `program`).
    pub name: String,
    /// The manifest file that defines it.
    pub manifest: PathBuf,
    /// The package its code is in.
    pub package: String,
    /// That package's directory.
    pub package_dir: PathBuf,
    /// Module path inside the package (empty: the crate root).
    pub module: Vec<String>,
    /// A hosted system names it.
    pub host: bool,
    /// A kernel system names it.
    pub metal: bool,
    /// The system files naming it.
    pub systems: Vec<PathBuf>,
}

impl Program {
    /// The path of its entry function, as seen from `from_package`.
    pub fn entry_path(&self, from_package: &str) -> String {
        let mut path =
            if self.package == from_package { String::from("crate") } else { self.package.replace('-', "_") };
        for module in &self.module {
            path.push_str("::");
            path.push_str(&module.replace('-', "_"));
        }
        path.push_str("::entry");
        path
    }
}

/// Every program and every file it was read from (for `rerun-if-changed`).
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Programs by name.
    pub programs: Vec<Program>,
    /// Files and folders read.
    pub sources: Vec<PathBuf>,
}

/// Read every system file of every board under `root/boards`.
pub fn collect(root: &Path) -> Result<Table, String> {
    let boards = root.join("boards");
    let mut table = Table { programs: Vec::new(), sources: alloc::vec![boards.clone()] };
    let mut by_name: BTreeMap<String, Program> = BTreeMap::new();
    for board in sorted_entries(&boards)? {
        if !board.is_dir() {
            continue;
        }
        table.sources.push(board.clone());
        let host = board.file_name().is_some_and(|name| name == HOSTED_BOARD);
        for file in sorted_entries(&board)? {
            let is_toml = file.extension().is_some_and(|e| e == "toml");
            if !is_toml || file.file_name().is_some_and(|n| n == "Cargo.toml") {
                continue;
            }
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            if !is_system_file(&text) {
                continue;
            }
            let system = load_system(root, &file)?;
            table.sources.extend(system.sources.iter().cloned());
            for (name, manifest) in &system.manifests {
                let found = locate(root, name, manifest)?;
                let entry = by_name.entry(name.clone()).or_insert(found.clone());
                if entry.package != found.package || entry.module != found.module {
                    return Err(format!(
                        "program `{name}` is defined twice: by {} and by {}",
                        entry.manifest.display(),
                        found.manifest.display()
                    ));
                }
                entry.host |= host;
                entry.metal |= !host;
                if !entry.systems.contains(&file) {
                    entry.systems.push(file.clone());
                }
            }
        }
    }
    table.programs = by_name.into_values().collect();
    Ok(table)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths = entries.filter_map(|e| e.ok().map(|e| e.path())).collect::<Vec<_>>();
    paths.sort();
    Ok(paths)
}

/// The package and module a manifest's program lives in.
fn locate(root: &Path, name: &str, manifest: &Path) -> Result<Program, String> {
    let folder = manifest.parent().ok_or_else(|| format!("{}: no folder", manifest.display()))?;
    let mut package_dir = folder.to_path_buf();
    let mut module = Vec::new();
    loop {
        let cargo = package_dir.join("Cargo.toml");
        if cargo.is_file() {
            let package = package_name(&cargo)?;
            module.reverse();
            return Ok(Program {
                name: name.to_string(),
                manifest: manifest.to_path_buf(),
                package,
                package_dir,
                module,
                host: false,
                metal: false,
                systems: Vec::new(),
            });
        }
        let Some(component) = package_dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            break;
        };
        module.push(component);
        if !package_dir.pop() || package_dir == root {
            break;
        }
    }
    Err(format!(
        "{}: program `{name}` is in no crate (no Cargo.toml in its folder or above it): \
         a program's manifest sits in its crate",
        manifest.display()
    ))
}

fn package_name(cargo: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(cargo).map_err(|e| format!("{}: {e}", cargo.display()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| format!("{}: {e}", cargo.display()))?;
    table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(toml::Value::as_str)
        .map(String::from)
        .ok_or_else(|| format!("{}: no [package] name", cargo.display()))
}

/// The dependency keys of each section of a package's `Cargo.toml`.
struct Dependencies {
    all: Vec<String>,
    host: Vec<String>,
    metal: Vec<String>,
}

fn dependencies(cargo: &Path) -> Result<Dependencies, String> {
    let text = std::fs::read_to_string(cargo).map_err(|e| format!("{}: {e}", cargo.display()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| format!("{}: {e}", cargo.display()))?;
    let keys = |value: Option<&toml::Value>| -> Vec<String> {
        value.and_then(toml::Value::as_table).map(|t| t.keys().cloned().collect()).unwrap_or_default()
    };
    let target =
        |cfg: &str| keys(table.get("target").and_then(|t| t.get(cfg)).and_then(|t| t.get("dependencies")));
    Ok(Dependencies {
        all: keys(table.get("dependencies")),
        host: target(HOST_CFG),
        metal: target(METAL_CFG),
    })
}

/// Check that `cargo` (the `Cargo.toml` of package `package`, which holds
/// the table) depends on every program's crate for every target that runs
/// it; the error names the missing line and where it goes.
pub fn check_dependencies(root: &Path, table: &Table, cargo: &Path, package: &str) -> Result<(), String> {
    let deps = dependencies(cargo)?;
    let here = cargo.parent().unwrap_or(root);
    let mut missing = Vec::new();
    let mut named = Vec::new();
    for program in table.programs.iter().filter(|p| p.package != package) {
        if named.contains(&program.package) {
            continue;
        }
        let has = |list: &[String]| list.contains(&program.package);
        let host_ok = !program.host || has(&deps.all) || has(&deps.host);
        let metal_ok = !program.metal || has(&deps.all) || has(&deps.metal);
        if host_ok && metal_ok {
            continue;
        }
        named.push(program.package.clone());
        let section = match (program.host, program.metal) {
            (true, true) => String::from("[dependencies]"),
            (true, false) => format!("[target.'{HOST_CFG}'.dependencies]"),
            _ => format!("[target.'{METAL_CFG}'.dependencies]"),
        };
        let systems: Vec<String> = program.systems.iter().map(|s| relative(root, s)).collect();
        missing.push(format!(
            "program `{}` ({}, named by {}) is in crate `{}`: add\n\n    {} = {{ path = \"{}\" }}\n\nunder {section} in {}",
            program.name,
            relative(root, &program.manifest),
            systems.join(", "),
            program.package,
            program.package,
            relative_to(here, &program.package_dir),
            relative(root, cargo),
        ));
    }
    if missing.is_empty() { Ok(()) } else { Err(missing.join("\n\n")) }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string().replace('\\', "/")
}

/// `to` relative to the folder `from` (both under the same root).
fn relative_to(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = from.iter().skip(common).map(|_| String::from("..")).collect();
    parts.extend(to.iter().skip(common).map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// The table as Rust: one `PROGRAMS` list per target, of
/// `(name, entry)` pairs, for `include!` in package `package` (which
/// defines `ProgramEntry`).
pub fn generate(table: &Table, package: &str) -> String {
    let mut out =
        String::from("// Generated from the boards' system files by `weft_manifest::program_table`.\n");
    for (cfg, doc, wanted) in [(METAL_CFG, "on the Weft kernel", true), (HOST_CFG, "in hosted mode", false)] {
        out.push_str(&format!("\n/// Every program a system runs {doc}, by name.\n#[{cfg}]\n"));
        out.push_str("pub static PROGRAMS: &[(&str, ProgramEntry)] = &[\n");
        for program in &table.programs {
            let runs = if wanted { program.metal } else { program.host };
            if runs {
                out.push_str(&format!("    ({:?}, {}),\n", program.name, program.entry_path(package)));
            }
        }
        out.push_str("];\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(package: &str, module: &[&str]) -> Program {
        Program {
            name: String::from("demo"),
            manifest: PathBuf::from("/r/services/mesh/demo/manifest.toml"),
            package: String::from(package),
            package_dir: PathBuf::from("/r/services/mesh"),
            module: module.iter().map(|m| m.to_string()).collect(),
            host: true,
            metal: false,
            systems: alloc::vec![PathBuf::from("/r/boards/hosted/system.toml")],
        }
    }

    #[test]
    fn entry_paths_follow_the_manifest_folder() {
        assert_eq!(program("weft-mesh", &[]).entry_path("weft-programs"), "weft_mesh::entry");
        assert_eq!(program("weft-mesh", &["demo"]).entry_path("weft-programs"), "weft_mesh::demo::entry");
        assert_eq!(
            program("weft-programs", &["ipc-echo"]).entry_path("weft-programs"),
            "crate::ipc_echo::entry"
        );
    }

    #[test]
    fn relative_paths_climb_out_of_the_user() {
        assert_eq!(
            relative_to(Path::new("/r/boards/programs"), Path::new("/r/apps/files")),
            "../../apps/files"
        );
        assert_eq!(relative_to(Path::new("/r/boards/programs"), Path::new("/r/boards/programs/x")), "x");
    }

    #[test]
    fn the_generated_table_splits_by_target() {
        let mut both = program("weft-log", &[]);
        both.name = String::from("log");
        both.metal = true;
        let table =
            Table { programs: alloc::vec![both, program("weft-mesh", &["demo"])], sources: Vec::new() };
        let code = generate(&table, "weft-programs");
        let metal = code.split("#[cfg(not").next().unwrap_or_default();
        assert!(metal.contains("(\"log\", weft_log::entry)"));
        assert!(!metal.contains("weft_mesh"));
        assert!(code.contains("(\"demo\", weft_mesh::demo::entry)"));
    }
}
