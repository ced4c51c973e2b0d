//! API keys as people see them: a name, a short visible prefix and dates. The key itself is shown
//! once, at creation, and never stored (the server keeps only its SHA-256).

use serde::{Deserialize, Serialize};

/// Every key starts with this, so it is recognisable in a config file or a secret scanner.
pub const KEY_PREFIX: &str = "emcp_";
/// Characters of a key shown in lists (`emcp_` and seven more): enough to tell keys apart.
pub const VISIBLE_PREFIX_CHARS: usize = 12;
pub const MAX_KEY_NAME_CHARS: usize = 60;

/// One API key in the dashboard's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeySummary {
    pub id: String,
    pub name: String,
    /// The first characters of the key, e.g. `emcp_Ab3dE9x`.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A key just created: the only time its full text leaves the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedKey {
    pub summary: ApiKeySummary,
    pub key: String,
}

/// Why a key name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyNameProblem {
    Empty,
    TooLong,
    ControlCharacters,
}

/// The trimmed name, or why it cannot be used.
pub fn check_key_name(name: &str) -> Result<String, KeyNameProblem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(KeyNameProblem::Empty);
    }
    if name.chars().count() > MAX_KEY_NAME_CHARS {
        return Err(KeyNameProblem::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(KeyNameProblem::ControlCharacters);
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_key_name("  Claude  ").as_deref(), Ok("Claude"));
        assert_eq!(check_key_name("   "), Err(KeyNameProblem::Empty));
        assert_eq!(
            check_key_name(&"x".repeat(MAX_KEY_NAME_CHARS + 1)),
            Err(KeyNameProblem::TooLong)
        );
        assert!(check_key_name(&"é".repeat(MAX_KEY_NAME_CHARS)).is_ok());
        assert_eq!(
            check_key_name("a\u{7}b"),
            Err(KeyNameProblem::ControlCharacters)
        );
    }
}
