//! No dependency cycles through dev-dependencies: a crate's tests may not
//! depend on something that depends on the crate itself (the whole-system
//! tests live in weft-testing for that reason).

use std::collections::{BTreeMap, BTreeSet};

use crate::util;

/// Workspace crates and their dependencies on each other: `(normal and
/// build, dev)`.
type Graph = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn graph() -> Result<Graph, String> {
    let output = util::cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    let packages = json["packages"].as_array().cloned().unwrap_or_default();
    let members: BTreeSet<String> =
        packages.iter().filter_map(|p| p["name"].as_str().map(String::from)).collect();
    let mut graph = Graph::new();
    for package in &packages {
        let Some(name) = package["name"].as_str() else { continue };
        let entry = graph.entry(name.to_string()).or_default();
        for dependency in package["dependencies"].as_array().into_iter().flatten() {
            let Some(target) = dependency["name"].as_str().filter(|t| members.contains(*t)) else { continue };
            match dependency["kind"].as_str() {
                Some("dev") => entry.1.insert(target.to_string()),
                _ => entry.0.insert(target.to_string()),
            };
        }
    }
    Ok(graph)
}

/// Whether `to` is reached from `from` through normal and build
/// dependencies.
fn reaches(graph: &Graph, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if seen.insert(name.clone()) {
            stack.extend(graph.get(&name).map(|(normal, _)| normal.iter().cloned()).into_iter().flatten());
        }
    }
    false
}

/// Every `(crate, dev-dependency)` whose dev-dependency depends back on the
/// crate.
pub fn dev_cycles() -> Result<Vec<(String, String)>, String> {
    let graph = graph()?;
    let mut cycles = Vec::new();
    for (name, (_, dev)) in &graph {
        for dependency in dev {
            if reaches(&graph, dependency, name) {
                cycles.push((name.clone(), dependency.clone()));
            }
        }
    }
    Ok(cycles)
}

/// Fail if any dev-dependency leads back to its crate.
pub fn check() -> Result<(), String> {
    let cycles = dev_cycles()?;
    if cycles.is_empty() {
        util::step("no dependency cycles through dev-dependencies");
        return Ok(());
    }
    let list: Vec<String> = cycles
        .iter()
        .map(|(name, dependency)| format!("{name} (tests) -> {dependency} -> ... -> {name}"))
        .collect();
    Err(format!("dev-dependency cycles:\n  {}", list.join("\n  ")))
}
