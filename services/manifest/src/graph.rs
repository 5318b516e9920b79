//! Resolving manifests into routes and a start order.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;

use crate::{LOG_SINK, Manifest, ROOT, ROOT_PROTOCOLS};

/// One resolved use: `client` reaches `protocol` at `provider`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The using service.
    pub client: String,
    /// Protocol name.
    pub protocol: String,
    /// The serving service (or [`ROOT`]).
    pub provider: String,
    /// Grants passed along with connections.
    pub grants: Vec<String>,
    /// Whether the client starts without waiting for the provider.
    pub optional: bool,
}

/// A problem found in the manifests. Each names the service it keeps from
/// starting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphError {
    /// Two manifests share a name; the second is ignored.
    DuplicateName(String),
    /// Nothing exposes a protocol the service needs.
    NoProvider {
        /// The service.
        service: String,
        /// The protocol.
        protocol: String,
    },
    /// Several services expose the protocol and the use does not say which.
    AmbiguousProvider {
        /// The service.
        service: String,
        /// The protocol.
        protocol: String,
        /// Who exposes it.
        candidates: Vec<String>,
    },
    /// `from` names a service that does not exist or does not expose it.
    BadProvider {
        /// The service.
        service: String,
        /// The protocol.
        protocol: String,
        /// The named provider.
        from: String,
    },
    /// `after` names an unknown service.
    UnknownAfter {
        /// The service.
        service: String,
        /// The unknown name.
        after: String,
    },
    /// The service is part of a dependency cycle.
    Cycle {
        /// The service.
        service: String,
    },
    /// The service depends on one that cannot start.
    Blocked {
        /// The service.
        service: String,
        /// The dependency that cannot start.
        on: String,
    },
}

impl GraphError {
    /// The service this error keeps from starting.
    pub fn service(&self) -> &str {
        match self {
            GraphError::DuplicateName(service) => service,
            GraphError::NoProvider { service, .. }
            | GraphError::AmbiguousProvider { service, .. }
            | GraphError::BadProvider { service, .. }
            | GraphError::UnknownAfter { service, .. }
            | GraphError::Cycle { service }
            | GraphError::Blocked { service, .. } => service,
        }
    }
}

impl core::fmt::Display for GraphError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            GraphError::DuplicateName(name) => write!(f, "two services are named `{name}`"),
            GraphError::NoProvider { service, protocol } => {
                write!(f, "`{service}` uses `{protocol}` but no service exposes it")
            }
            GraphError::AmbiguousProvider { service, protocol, candidates } => write!(
                f,
                "`{service}` uses `{protocol}`, exposed by {}; say which with `from`",
                candidates.join(", ")
            ),
            GraphError::BadProvider { service, protocol, from } => {
                write!(f, "`{service}` wants `{protocol}` from `{from}`, which does not expose it")
            }
            GraphError::UnknownAfter { service, after } => {
                write!(f, "`{service}` starts after `{after}`, which does not exist")
            }
            GraphError::Cycle { service } => write!(f, "`{service}` is in a dependency cycle"),
            GraphError::Blocked { service, on } => {
                write!(f, "`{service}` depends on `{on}`, which cannot start")
            }
        }
    }
}

/// The checked service graph.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    /// Startable services, in a valid start order.
    pub services: Vec<Manifest>,
    /// Every resolved route of a startable service.
    pub routes: Vec<Route>,
    /// Everything wrong; each names a service left out.
    pub errors: Vec<GraphError>,
}

impl Graph {
    /// Check `manifests` and resolve routes and the start order.
    pub fn build(manifests: &[Manifest]) -> Graph {
        let mut errors = Vec::new();
        let mut unique: Vec<&Manifest> = Vec::new();
        for manifest in manifests {
            if unique.iter().any(|m| m.name == manifest.name) || manifest.name == ROOT {
                errors.push(GraphError::DuplicateName(manifest.name.clone()));
            } else {
                unique.push(manifest);
            }
        }
        // On-demand services start when first connected to, so nothing
        // waits for them.
        let on_demand: BTreeSet<&str> =
            unique.iter().filter(|m| m.start == crate::Start::OnDemand).map(|m| m.name.as_str()).collect();
        let mut exposers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for manifest in &unique {
            for protocol in &manifest.exposes {
                exposers.entry(protocol.as_str()).or_default().push(manifest.name.as_str());
            }
        }

        // Resolve every use; collect hard dependencies.
        let mut routes = Vec::new();
        let mut depends: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let mut broken: BTreeSet<String> = BTreeSet::new();
        for manifest in &unique {
            let name = manifest.name.as_str();
            let deps = depends.entry(name).or_default();
            let mut uses = manifest.uses.clone();
            if !manifest.exposes.iter().any(|p| p == LOG_SINK)
                && manifest.use_of(LOG_SINK).is_none()
                && exposers.contains_key(LOG_SINK)
            {
                uses.push(crate::Use { protocol: LOG_SINK.into(), ..Default::default() });
            }
            for used in &uses {
                let provider = resolve(name, used, &exposers);
                match provider {
                    Ok(provider) => {
                        if !used.optional
                            && provider != ROOT
                            && provider != name
                            && !on_demand.contains(provider.as_str())
                        {
                            deps.insert(provider.clone());
                        }
                        routes.push(Route {
                            client: manifest.name.clone(),
                            protocol: used.protocol.clone(),
                            provider,
                            grants: used.grants.clone(),
                            optional: used.optional,
                        });
                    }
                    Err(_) if used.optional => {}
                    Err(error) => {
                        broken.insert(manifest.name.clone());
                        errors.push(error);
                    }
                }
            }
            for after in &manifest.after {
                if unique.iter().any(|m| &m.name == after) {
                    deps.insert(after.clone());
                } else {
                    broken.insert(manifest.name.clone());
                    errors.push(GraphError::UnknownAfter {
                        service: manifest.name.clone(),
                        after: after.clone(),
                    });
                }
            }
        }

        // Kahn's algorithm over the remaining services.
        let mut order: Vec<String> = Vec::new();
        let mut placed: BTreeSet<String> = BTreeSet::new();
        let mut pending: Vec<&str> =
            unique.iter().map(|m| m.name.as_str()).filter(|n| !broken.contains(*n)).collect();
        loop {
            let before = pending.len();
            let mut index = 0;
            while index < pending.len() {
                let name = pending[index];
                let deps = depends.get(name).cloned().unwrap_or_default();
                if let Some(bad) = deps.iter().find(|d| broken.contains(*d)) {
                    errors.push(GraphError::Blocked { service: name.into(), on: bad.clone() });
                    broken.insert(name.into());
                    pending.remove(index);
                    continue;
                }
                if deps.iter().all(|d| placed.contains(d)) {
                    placed.insert(name.into());
                    order.push(name.into());
                    pending.remove(index);
                    continue;
                }
                index += 1;
            }
            if pending.is_empty() {
                break;
            }
            if pending.len() == before {
                // No progress: everything left waits on a cycle.
                for name in pending.drain(..) {
                    errors.push(GraphError::Cycle { service: name.into() });
                    broken.insert(name.into());
                }
                break;
            }
        }

        let services = order
            .iter()
            .filter_map(|name| unique.iter().find(|m| &m.name == name).map(|m| (*m).clone()))
            .collect();
        routes.retain(|route| !broken.contains(&route.client));
        Graph { services, routes, errors }
    }

    /// The route `client` has to `protocol`.
    pub fn route(&self, client: &str, protocol: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.client == client && r.protocol == protocol)
    }

    /// Services `service` must wait for before starting.
    pub fn dependencies(&self, service: &str) -> Vec<String> {
        let on_demand = |name: &str| self.service(name).is_some_and(|m| m.start == crate::Start::OnDemand);
        let mut deps: Vec<String> = self
            .routes
            .iter()
            .filter(|r| r.client == service && !r.optional && r.provider != ROOT && r.provider != service)
            .filter(|r| !on_demand(&r.provider))
            .map(|r| r.provider.clone())
            .collect();
        if let Some(manifest) = self.service(service) {
            deps.extend(manifest.after.iter().cloned());
        }
        deps.sort();
        deps.dedup();
        deps
    }

    /// The manifest of a startable service.
    pub fn service(&self, name: &str) -> Option<&Manifest> {
        self.services.iter().find(|m| m.name == name)
    }
}

fn resolve(
    client: &str,
    used: &crate::Use,
    exposers: &BTreeMap<&str, Vec<&str>>,
) -> Result<String, GraphError> {
    let protocol = used.protocol.as_str();
    if ROOT_PROTOCOLS.contains(&protocol) {
        return Ok(String::from(ROOT));
    }
    let candidates = exposers.get(protocol).cloned().unwrap_or_default();
    match &used.from {
        Some(from) => {
            if candidates.iter().any(|c| c == from) {
                Ok(from.clone())
            } else {
                Err(GraphError::BadProvider {
                    service: client.into(),
                    protocol: protocol.into(),
                    from: from.clone(),
                })
            }
        }
        None => match candidates.as_slice() {
            [only] => Ok(String::from(*only)),
            [] => Err(GraphError::NoProvider { service: client.into(), protocol: protocol.into() }),
            many => Err(GraphError::AmbiguousProvider {
                service: client.into(),
                protocol: protocol.into(),
                candidates: many.iter().map(|c| String::from(*c)).collect(),
            }),
        },
    }
}
