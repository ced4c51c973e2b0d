//! Exact Online connections as the UI and the server both see them: regions, statuses and the
//! summaries the connections page shows. No tokens here, ever.

use serde::{Deserialize, Serialize};

/// An Exact Online region: each is its own site with its own host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Region {
    Nl,
    Be,
    De,
    Uk,
    Us,
    Es,
    Fr,
}

impl Region {
    pub const ALL: [Region; 7] = [
        Region::Nl,
        Region::Be,
        Region::De,
        Region::Uk,
        Region::Us,
        Region::Es,
        Region::Fr,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Region::Nl => "nl",
            Region::Be => "be",
            Region::De => "de",
            Region::Uk => "uk",
            Region::Us => "us",
            Region::Es => "es",
            Region::Fr => "fr",
        }
    }

    /// Exact's site for the region.
    pub fn host(self) -> &'static str {
        match self {
            Region::Nl => "https://start.exactonline.nl",
            Region::Be => "https://start.exactonline.be",
            Region::De => "https://start.exactonline.de",
            Region::Uk => "https://start.exactonline.co.uk",
            Region::Us => "https://start.exactonline.com",
            Region::Es => "https://start.exactonline.es",
            Region::Fr => "https://start.exactonline.fr",
        }
    }

    /// Parses a region code (`nl`, `BE`...); anything else is `None`.
    pub fn parse(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_lowercase();
        Region::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Where a connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionStatus {
    /// Tokens work (or can be refreshed).
    Active,
    /// Exact refused the refresh token: only a new consent helps.
    NeedsReauth,
}

impl ConnectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Active => "active",
            ConnectionStatus::NeedsReauth => "needs_reauth",
        }
    }

    /// Unknown stored values are treated as needing a new consent: never as working.
    pub fn from_stored(s: &str) -> ConnectionStatus {
        match s {
            "active" => ConnectionStatus::Active,
            _ => ConnectionStatus::NeedsReauth,
        }
    }
}

/// One administration of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivisionSummary {
    pub code: i64,
    pub name: String,
    pub is_default: bool,
    pub is_active: bool,
}

/// A connection as its owner sees it on the connections page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionSummary {
    pub id: String,
    pub region: Region,
    pub exact_user_name: String,
    pub exact_email: String,
    pub status: ConnectionStatus,
    /// Unix seconds.
    pub token_expires_at: Option<i64>,
    pub refresh_token_expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub created_at: i64,
    pub divisions: Vec<DivisionSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_parse_by_code_only() {
        for r in Region::ALL {
            assert_eq!(Region::parse(r.code()), Some(r));
            assert!(r.host().starts_with("https://start.exactonline."));
        }
        assert_eq!(Region::parse(" BE "), Some(Region::Be));
        assert_eq!(Region::parse("xx"), None);
        assert_eq!(Region::parse("https://evil.example"), None);
        assert_eq!(Region::Uk.host(), "https://start.exactonline.co.uk");
    }

    #[test]
    fn unknown_statuses_never_count_as_active() {
        assert_eq!(
            ConnectionStatus::from_stored("active"),
            ConnectionStatus::Active
        );
        assert_eq!(
            ConnectionStatus::from_stored("weird"),
            ConnectionStatus::NeedsReauth
        );
    }
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC` (the same text on the server and in the browser, so
/// hydration matches).
pub fn format_utc(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60
    )
}

#[cfg(test)]
mod format_tests {
    #[test]
    fn utc_times_are_formatted() {
        assert_eq!(super::format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::format_utc(1_795_262_400), "2026-11-21 12:00 UTC");
        assert_eq!(super::format_utc(951_782_400), "2000-02-29 00:00 UTC");
    }
}
