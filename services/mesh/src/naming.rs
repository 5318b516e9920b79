//! App ids on the mesh for windows: the key chunk `<app>` of
//! `weft/app/<app>/stream` (not to be confused with the session id in
//! every frame header, which names one encoder session).
//!
//! A window's app id on the mesh is its client's application id (e.g.
//! `weft.terminal`) made safe as one key chunk
//! (letters, digits, `.`, `_`, `-`; anything else becomes `-`; at most 64
//! bytes), or its owner's name when the client gave no app id. When that
//! id is already taken by another window, the window id is appended
//! (`weft.terminal-7`), so the first window of an app keeps the plain id and
//! every id names exactly one window for as long as it lives.
//!
//! App ids are chosen by clients and not verified; the heartbeat carries
//! the title so people can tell windows apart, and `docs/mesh.md` lists
//! this as a gap.

#[allow(unused_imports, reason = "std's prelude has these on a host")]
use crate::prelude::*;
use weft_wlstream::keys::{AppId, MAX_APP_ID};

/// `text` made into a key chunk, or `None` if nothing usable is left.
pub fn sanitize(text: &str) -> Option<String> {
    let mut chunk: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect();
    chunk.truncate(MAX_APP_ID);
    let trimmed = chunk.trim_matches('-');
    if trimmed.is_empty() { None } else { Some(trimmed.to_string()) }
}

/// The app id on the mesh for window `window` with client app id
/// `app_id` and `owner`, given which ids are taken.
pub fn mesh_app_id(app_id: &str, owner: &str, window: u64, taken: impl Fn(&str) -> bool) -> AppId {
    let base = sanitize(app_id).or_else(|| sanitize(owner)).unwrap_or_else(|| "window".to_string());
    if !taken(&base)
        && let Ok(id) = AppId::new(&base)
    {
        return id;
    }
    let suffix = format!("-{window}");
    let mut base = base;
    base.truncate(MAX_APP_ID - suffix.len());
    let text = format!("{base}{suffix}");
    // Only safe characters went in, and the length is bounded.
    AppId::new(&text).unwrap_or_else(|_| AppId::new(&format!("window{suffix}")).expect("a valid id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_unique_and_stable() {
        assert_eq!(mesh_app_id("weft.terminal", "terminal", 3, |_| false).as_str(), "weft.terminal");
        assert_eq!(
            mesh_app_id("weft.terminal", "terminal", 7, |id| id == "weft.terminal").as_str(),
            "weft.terminal-7"
        );
        assert_eq!(mesh_app_id("foot/1 ***", "wayland", 3, |_| false).as_str(), "foot-1");
        assert_eq!(mesh_app_id("", "files", 3, |_| false).as_str(), "files");
        assert_eq!(mesh_app_id("***", "///", 3, |_| false).as_str(), "window");
        assert_eq!(mesh_app_id("term", "x", 7, |id| id == "term").as_str(), "term-7");
        let long = "a".repeat(200);
        let id = mesh_app_id(&long, "x", 123456, |_| true);
        assert!(id.as_str().len() <= MAX_APP_ID && id.as_str().ends_with("-123456"));
    }
}
