//! Key expressions, by zenoh-keyexpr's rules (canonical form, `*`, `**`,
//! `$*`).

use zenoh_protocol::core::key_expr::keyexpr;

/// Whether `key` is a canonical key expression.
pub(crate) fn valid(key: &str) -> bool {
    keyexpr::new(key).is_ok()
}

/// Whether some key matches both; false if either is not a valid key
/// expression.
pub(crate) fn intersects(a: &str, b: &str) -> bool {
    match (keyexpr::new(a), keyexpr::new(b)) {
        (Ok(a), Ok(b)) => a.intersects(b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(intersects("weft/test/**", "weft/test/a/b"));
        assert!(intersects("weft/test/**", "weft/test"));
        assert!(intersects("weft/*/x", "weft/a/x"));
        assert!(!intersects("weft/*/x", "weft/a/b/x"));
        assert!(intersects("a/**/z", "a/*/z"));
        assert!(!intersects("a/b", "a/c"));
        assert!(!intersects("a//b", "a/b"));
        assert!(valid("a/b/**"));
        assert!(!valid("a/**/**"));
        assert!(!valid("/a"));
        assert!(!valid(""));
    }
}
