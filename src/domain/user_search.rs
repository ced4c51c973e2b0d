//! An administrator's question about the accounts: which ones (text, plan, status, role, needing
//! a new Exact consent), in which order, which page. Parsed from what the admin page sends, so
//! the layers below only see checked values.

use super::{AccountStatus, Plan, Role};
use serde::{Deserialize, Serialize};

/// Accounts per page of the admin list.
pub const USERS_PER_PAGE: u32 = 50;

/// Longest search text.
pub const MAX_SEARCH_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserSort {
    /// Newest accounts first (the default).
    #[default]
    Newest,
    Oldest,
    /// By email address, A to Z.
    Email,
    /// Most calls this month first.
    Usage,
}

impl UserSort {
    pub fn as_str(self) -> &'static str {
        match self {
            UserSort::Newest => "newest",
            UserSort::Oldest => "oldest",
            UserSort::Email => "email",
            UserSort::Usage => "usage",
        }
    }

    pub fn parse(s: &str) -> Option<UserSort> {
        [
            UserSort::Newest,
            UserSort::Oldest,
            UserSort::Email,
            UserSort::Usage,
        ]
        .into_iter()
        .find(|v| v.as_str() == s.trim())
    }
}

/// A checked search over the accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserSearch {
    /// Lower-case text an email address or name contains; `None` for all.
    pub text: Option<String>,
    pub plan: Option<Plan>,
    pub status: Option<AccountStatus>,
    pub role: Option<Role>,
    /// Only accounts with a connection that needs a new Exact consent.
    pub needs_reconsent: bool,
    pub sort: UserSort,
    /// From 0.
    pub page: u32,
}

/// What was wrong with a search, for the admin page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchProblem {
    #[error("the search text is longer than {MAX_SEARCH_CHARS} characters")]
    TooLong,
    #[error("unknown {0}")]
    Unknown(&'static str),
}

/// The raw values of the admin page's search form (empty means "any").
#[derive(Debug, Clone, Default)]
pub struct RawSearch<'a> {
    pub text: &'a str,
    pub plan: &'a str,
    pub status: &'a str,
    pub role: &'a str,
    pub needs_reconsent: bool,
    pub sort: &'a str,
    pub page: u32,
}

impl UserSearch {
    pub fn parse(raw: RawSearch<'_>) -> Result<UserSearch, SearchProblem> {
        let text = raw.text.trim();
        if text.chars().count() > MAX_SEARCH_CHARS {
            return Err(SearchProblem::TooLong);
        }
        let text =
            (!text.is_empty() && !text.chars().any(char::is_control)).then(|| text.to_lowercase());
        let pick = |value: &str, what: &'static str, known: &[&str]| {
            let v = value.trim();
            if v.is_empty() || known.contains(&v) {
                Ok((!v.is_empty()).then(|| v.to_string()))
            } else {
                Err(SearchProblem::Unknown(what))
            }
        };
        let plan = pick(raw.plan, "plan", &["free", "starter", "pro", "enterprise"])?
            .and_then(|p| p.parse::<Plan>().ok());
        let status = pick(raw.status, "status", &["active", "suspended"])?
            .map(|s| AccountStatus::from_stored(&s));
        let role = pick(raw.role, "role", &["user", "admin"])?.map(|r| Role::from_stored(&r));
        let sort = if raw.sort.trim().is_empty() {
            UserSort::default()
        } else {
            UserSort::parse(raw.sort).ok_or(SearchProblem::Unknown("sort"))?
        };
        Ok(UserSearch {
            text,
            plan,
            status,
            role,
            needs_reconsent: raw.needs_reconsent,
            sort,
            page: raw.page.min(1_000_000),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_checked_and_normalised() {
        let s = UserSearch::parse(RawSearch {
            text: "  Anna@Bakkerij ",
            plan: "pro",
            status: "suspended",
            role: "admin",
            sort: "usage",
            page: 3,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.text.as_deref(), Some("anna@bakkerij"));
        assert_eq!(s.plan, Some(Plan::Pro));
        assert_eq!(s.status, Some(AccountStatus::Suspended));
        assert_eq!(s.role, Some(Role::Admin));
        assert_eq!(s.sort, UserSort::Usage);
        assert_eq!(
            UserSearch::parse(RawSearch::default()).unwrap(),
            UserSearch::default()
        );
        for bad in [
            RawSearch {
                plan: "gold",
                ..Default::default()
            },
            RawSearch {
                status: "deleted",
                ..Default::default()
            },
            RawSearch {
                role: "root",
                ..Default::default()
            },
            RawSearch {
                sort: "random",
                ..Default::default()
            },
        ] {
            assert!(matches!(
                UserSearch::parse(bad),
                Err(SearchProblem::Unknown(_))
            ));
        }
        let long = "x".repeat(101);
        assert_eq!(
            UserSearch::parse(RawSearch {
                text: &long,
                ..Default::default()
            }),
            Err(SearchProblem::TooLong)
        );
    }
}
