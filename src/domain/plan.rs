//! Subscription plans and the limits that come with them.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A user's subscription plan. The limits live here, in one place, so the landing page, the
/// dashboard and the enforcement code can never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    Free,
    Starter,
    Pro,
    Enterprise,
}

impl Plan {
    /// All plans, cheapest first.
    pub const ALL: [Plan; 4] = [Plan::Free, Plan::Starter, Plan::Pro, Plan::Enterprise];

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Starter => "starter",
            Plan::Pro => "pro",
            Plan::Enterprise => "enterprise",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Starter => "Starter",
            Plan::Pro => "Pro",
            Plan::Enterprise => "Enterprise",
        }
    }

    /// Tool calls included per calendar month; `None` means unlimited.
    pub fn monthly_quota(self) -> Option<u64> {
        match self {
            Plan::Free => Some(200),
            Plan::Starter => Some(750),
            Plan::Pro => Some(2500),
            Plan::Enterprise => None,
        }
    }

    /// Tool calls per minute per user.
    pub fn rate_limit_per_minute(self) -> u32 {
        60
    }

    /// Active Exact divisions allowed at once; `None` means unlimited.
    pub fn max_active_divisions(self) -> Option<u32> {
        match self {
            Plan::Free => Some(2),
            Plan::Starter => Some(3),
            Plan::Pro => Some(10),
            Plan::Enterprise => None,
        }
    }

    /// API keys a user may hold at once; `None` means unlimited.
    pub fn max_api_keys(self) -> Option<u32> {
        match self {
            Plan::Free => Some(3),
            Plan::Starter => Some(5),
            Plan::Pro => Some(10),
            Plan::Enterprise => None,
        }
    }

    /// The cheapest plan whose monthly quota covers `calls_per_month`.
    pub fn cheapest_for(calls_per_month: u64) -> Plan {
        Plan::ALL
            .into_iter()
            .find(|p| p.monthly_quota().is_none_or(|q| calls_per_month <= q))
            .unwrap_or(Plan::Enterprise)
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown plan {0:?}: expected free, starter, pro or enterprise")]
pub struct UnknownPlan(pub String);

impl FromStr for Plan {
    type Err = UnknownPlan;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Plan::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownPlan(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_match_the_price_list() {
        assert_eq!(Plan::Free.monthly_quota(), Some(200));
        assert_eq!(Plan::Starter.monthly_quota(), Some(750));
        assert_eq!(Plan::Pro.monthly_quota(), Some(2500));
        assert_eq!(Plan::Enterprise.monthly_quota(), None);
    }

    #[test]
    fn cheapest_plan_covers_the_calls() {
        assert_eq!(Plan::cheapest_for(0), Plan::Free);
        assert_eq!(Plan::cheapest_for(200), Plan::Free);
        assert_eq!(Plan::cheapest_for(201), Plan::Starter);
        assert_eq!(Plan::cheapest_for(750), Plan::Starter);
        assert_eq!(Plan::cheapest_for(751), Plan::Pro);
        assert_eq!(Plan::cheapest_for(2501), Plan::Enterprise);
    }

    #[test]
    fn plans_parse_case_insensitively_and_reject_others() {
        assert_eq!("Pro".parse::<Plan>(), Ok(Plan::Pro));
        assert_eq!(" free ".parse::<Plan>(), Ok(Plan::Free));
        assert!("gold".parse::<Plan>().is_err());
    }
}
