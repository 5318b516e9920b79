//! Compiling TOML manifests (host only). See `docs/manifests.md`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{Manifest, Restart, Use};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestToml {
    name: String,
    program: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    exposes: Vec<String>,
    #[serde(default, rename = "use")]
    uses: Vec<UseToml>,
    #[serde(default)]
    after: Vec<String>,
    #[serde(default)]
    args: BTreeMap<String, String>,
    #[serde(default)]
    restart: Option<String>,
    #[serde(default)]
    capabilities: Vec<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    app: Option<AppToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppToml {
    title: String,
    #[serde(default)]
    icon: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    keywords: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UseToml {
    protocol: String,
    from: Option<String>,
    #[serde(default)]
    grants: Vec<String>,
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SystemToml {
    name: String,
    #[serde(default)]
    root: Option<String>,
    services: Vec<String>,
    #[serde(default)]
    programs: Vec<String>,
    #[serde(default)]
    files: Vec<String>,
}

/// The root program when a system file names none.
pub const DEFAULT_ROOT: &str = "services/root";

/// Parse one manifest from TOML text. `origin` names it in errors.
pub fn parse_manifest(text: &str, origin: &str) -> Result<Manifest, String> {
    let parsed: ManifestToml = toml::from_str(text).map_err(|e| alloc::format!("{origin}: {e}"))?;
    let restart = match parsed.restart.as_deref() {
        None | Some("always") => Restart::Always,
        Some("on-failure") => Restart::OnFailure,
        Some("never") => Restart::Never,
        Some(other) => {
            return Err(alloc::format!(
                "{origin}: restart must be always, on-failure or never, not `{other}`"
            ));
        }
    };
    let start = match parsed.start.as_deref() {
        None | Some("boot") => crate::Start::Boot,
        Some("on-demand") => crate::Start::OnDemand,
        Some(other) => {
            return Err(alloc::format!("{origin}: start must be boot or on-demand, not `{other}`"));
        }
    };
    if parsed.name.is_empty()
        || !parsed.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(alloc::format!("{origin}: name `{}` must be letters, digits, - or _", parsed.name));
    }
    Ok(Manifest {
        program: parsed.program.unwrap_or_else(|| parsed.name.clone()),
        name: parsed.name,
        description: parsed.description,
        exposes: parsed.exposes,
        uses: parsed
            .uses
            .into_iter()
            .map(|u| Use { protocol: u.protocol, from: u.from, grants: u.grants, optional: u.optional })
            .collect(),
        after: parsed.after,
        args: parsed.args.into_iter().collect(),
        restart,
        capabilities: parsed.capabilities,
        start,
        app: parsed.app.map(|app| crate::AppInfo {
            title: app.title,
            icon: app.icon,
            category: app.category,
            keywords: app.keywords,
        }),
    })
}

/// A system: a name, its root program, the manifests of its services and
/// of the programs its root starts itself, and read-only files.
#[derive(Clone, Debug)]
pub struct System {
    /// The system's name.
    pub name: String,
    /// The manifest of the program started first (the root manager, or a
    /// test program in its place).
    pub root: Manifest,
    /// Every service manifest, in file order.
    pub services: Vec<Manifest>,
    /// Programs the bundle carries that no service runs: the root program
    /// starts them itself (kernel tests).
    pub programs: Vec<Manifest>,
    /// Every manifest file read, with the program it names: where each
    /// program's crate is found.
    pub manifests: Vec<(String, PathBuf)>,
    /// Files for the bundle: path as the system sees it, and contents.
    pub files: Vec<(String, Vec<u8>)>,
    /// Every file the system was read from (for build-script change tracking).
    pub sources: Vec<PathBuf>,
}

/// Read the manifest an entry of a system file names: a directory
/// (holding `manifest.toml`) or a manifest file, relative to `root`.
pub fn read_manifest(root: &Path, entry: &str) -> Result<(Manifest, PathBuf), String> {
    let mut path: PathBuf = root.join(entry);
    if path.is_dir() {
        path = path.join("manifest.toml");
    }
    let text = std::fs::read_to_string(&path).map_err(|e| alloc::format!("{}: {e}", path.display()))?;
    Ok((parse_manifest(&text, &path.display().to_string())?, path))
}

/// Whether `path` is a system file: a TOML table with `name` and
/// `services` (a board directory also holds `Cargo.toml` and manifests).
pub fn is_system_file(text: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|table| {
        table.get("services").is_some_and(toml::Value::is_array) && table.contains_key("name")
    })
}

/// Read a system file and every manifest it lists. Entries are paths,
/// relative to `root`, of service directories (holding `manifest.toml`) or
/// of manifest files.
pub fn load_system(root: &Path, system: &Path) -> Result<System, String> {
    let text = std::fs::read_to_string(system).map_err(|e| alloc::format!("{}: {e}", system.display()))?;
    let parsed: SystemToml =
        toml::from_str(&text).map_err(|e| alloc::format!("{}: {e}", system.display()))?;
    let mut sources = alloc::vec![system.to_path_buf()];
    let mut manifests = Vec::new();
    let mut read = |entry: &str| -> Result<Manifest, String> {
        let (manifest, path) = read_manifest(root, entry)?;
        manifests.push((manifest.program.clone(), path.clone()));
        sources.push(path);
        Ok(manifest)
    };
    let root_manifest = read(parsed.root.as_deref().unwrap_or(DEFAULT_ROOT))?;
    let services = parsed.services.iter().map(|entry| read(entry)).collect::<Result<Vec<_>, _>>()?;
    let programs = parsed.programs.iter().map(|entry| read(entry)).collect::<Result<Vec<_>, _>>()?;
    // `files` entries are files or directories (taken recursively), stored
    // under their path relative to the repository root.
    let mut files = Vec::new();
    for entry in parsed.files {
        collect_files(root, &root.join(&entry), &mut files, &mut sources)?;
    }
    files.sort();
    Ok(System { name: parsed.name, root: root_manifest, services, programs, manifests, files, sources })
}

fn collect_files(
    root: &Path,
    path: &Path,
    files: &mut Vec<(String, Vec<u8>)>,
    sources: &mut Vec<PathBuf>,
) -> Result<(), String> {
    if path.is_dir() {
        sources.push(path.to_path_buf());
        let entries = std::fs::read_dir(path).map_err(|e| alloc::format!("{}: {e}", path.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| alloc::format!("{}: {e}", path.display()))?;
            collect_files(root, &entry.path(), files, sources)?;
        }
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(|e| alloc::format!("{}: {e}", path.display()))?;
    let relative = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    files.push((relative, bytes));
    sources.push(path.to_path_buf());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Graph, GraphError};

    fn manifest(text: &str) -> Manifest {
        parse_manifest(text, "test").unwrap()
    }

    #[test]
    fn parses_every_field() {
        let m = manifest(
            r#"
            name = "files"
            program = "files-app"
            description = "Browse files"
            exposes = ["weft.files"]
            after = ["log"]
            restart = "on-failure"
            capabilities = ["info-resource"]
            start = "on-demand"
            [app]
            title = "Files"
            icon = "files"
            category = "System"
            keywords = ["folder", "browse"]
            [args]
            root = "/"
            [[use]]
            protocol = "weft.config"
            grants = ["write"]
            [[use]]
            protocol = "weft.storage"
            from = "storage"
            optional = true
            "#,
        );
        assert_eq!(m.program, "files-app");
        assert_eq!(m.restart, Restart::OnFailure);
        assert_eq!(m.uses.len(), 2);
        assert_eq!(m.uses[0].grants, ["write"]);
        assert!(m.uses[1].optional);
        assert_eq!(m.start, crate::Start::OnDemand);
        assert_eq!(m.app.as_ref().unwrap().title, "Files");
        assert_eq!(m.app.as_ref().unwrap().keywords, ["folder", "browse"]);
        assert_eq!(m.args, [("root".to_string(), "/".to_string())]);
    }

    #[test]
    fn typos_are_errors() {
        assert!(parse_manifest("name = \"a\"\nexpose = []", "t").unwrap_err().contains("unknown field"));
        assert!(parse_manifest("name = \"a\"\nrestart = \"sometimes\"", "t").is_err());
        assert!(parse_manifest("name = \"a b\"", "t").is_err());
    }

    #[test]
    fn graph_orders_by_dependency_and_reports_problems() {
        let services = [
            manifest("name = \"app\"\n[[use]]\nprotocol = \"weft.config\""),
            manifest("name = \"config\"\nexposes = [\"weft.config\"]"),
            manifest("name = \"log\"\nexposes = [\"weft.log.sink\"]"),
            manifest("name = \"orphan\"\n[[use]]\nprotocol = \"weft.nothing\""),
            manifest("name = \"blocked\"\nafter = [\"orphan\"]"),
            manifest("name = \"a\"\nafter = [\"b\"]"),
            manifest("name = \"b\"\nafter = [\"a\"]"),
        ];
        let graph = Graph::build(&services);
        let order: Vec<&str> = graph.services.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(order, ["log", "config", "app"]);
        assert_eq!(graph.route("app", "weft.config").unwrap().provider, "config");
        assert_eq!(graph.route("app", crate::LOG_SINK).unwrap().provider, "log");
        assert!(graph.route("log", crate::LOG_SINK).is_none());
        assert!(
            graph.errors.contains(&GraphError::NoProvider {
                service: "orphan".into(),
                protocol: "weft.nothing".into()
            })
        );
        assert!(
            graph.errors.contains(&GraphError::Blocked { service: "blocked".into(), on: "orphan".into() })
        );
        assert!(graph.errors.contains(&GraphError::Cycle { service: "a".into() }));
        assert!(graph.errors.contains(&GraphError::Cycle { service: "b".into() }));
    }
}
