//! An administrator's question about the audit log: whose actions (the actor's address), about
//! what (the subject: an address, an id, a job), which action, between which days, which page.
//! Parsed from the admin page's form and the CSV export's query, so the database layer only sees
//! checked values. Also the row the panel shows and the admin overview's figures.

use serde::{Deserialize, Serialize};

/// Rows per page of the audit log.
pub const AUDIT_PER_PAGE: u32 = 50;
/// Longest filter text.
pub const MAX_AUDIT_FILTER_CHARS: usize = 200;
/// The audit retention an admin may set, in days.
pub const AUDIT_RETENTION_RANGE: std::ops::RangeInclusive<u32> = 30..=3650;

const DAY: i64 = 86_400;

/// A checked search of the audit log. Text filters match exactly (lower-cased for addresses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSearch {
    /// The acting account's address.
    pub actor: Option<String>,
    /// The target's id or address.
    pub subject: Option<String>,
    /// `user.set_plan`, `login.failed`, …
    pub action: Option<String>,
    /// From this Unix second (start of the given day, UTC).
    pub from: Option<i64>,
    /// Before this Unix second (the end of the given day, UTC).
    pub until: Option<i64>,
    /// From 0.
    pub page: u32,
}

/// What was wrong with a search.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditSearchProblem {
    #[error("a filter is longer than {MAX_AUDIT_FILTER_CHARS} characters")]
    TooLong,
    #[error("a date must be written as YYYY-MM-DD")]
    BadDate,
    #[error("the range ends before it starts")]
    EmptyRange,
}

/// The raw values of the form (empty means "any").
#[derive(Debug, Clone, Default)]
pub struct RawAuditSearch<'a> {
    pub actor: &'a str,
    pub subject: &'a str,
    pub action: &'a str,
    /// `YYYY-MM-DD`
    pub from: &'a str,
    /// `YYYY-MM-DD`, inclusive.
    pub until: &'a str,
    pub page: u32,
}

impl AuditSearch {
    pub fn parse(raw: RawAuditSearch<'_>) -> Result<AuditSearch, AuditSearchProblem> {
        let text = |s: &str, lower: bool| -> Result<Option<String>, AuditSearchProblem> {
            let s = s.trim();
            if s.chars().count() > MAX_AUDIT_FILTER_CHARS {
                return Err(AuditSearchProblem::TooLong);
            }
            Ok((!s.is_empty()).then(|| {
                if lower {
                    s.to_lowercase()
                } else {
                    s.to_string()
                }
            }))
        };
        let day = |s: &str| -> Result<Option<i64>, AuditSearchProblem> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            parse_day(s).map(Some).ok_or(AuditSearchProblem::BadDate)
        };
        let from = day(raw.from)?;
        let until = day(raw.until)?.map(|d| d + DAY);
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            return Err(AuditSearchProblem::EmptyRange);
        }
        Ok(AuditSearch {
            actor: text(raw.actor, true)?,
            subject: text(raw.subject, false)?,
            action: text(raw.action, false)?,
            from,
            until,
            page: raw.page,
        })
    }
}

/// The Unix second at which a `YYYY-MM-DD` day starts (UTC); `None` for anything else.
pub fn parse_day(s: &str) -> Option<i64> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in[m as usize - 1]
    {
        return None;
    }
    // Days since 1970-01-01 (H. Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * DAY)
}

/// One audit row as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub created_at: i64,
    /// The acting account's address; empty for the command line, a visitor or a gone account.
    pub actor: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    /// The details, as JSON text.
    pub detail: String,
    pub ip: String,
}

/// A page of the audit log and how many rows the search finds in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// The retention in force, in days.
    pub retention_days: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_to_utc_midnight() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("2026-12-03"), Some(1_796_256_000));
        assert_eq!(parse_day("2024-02-29"), Some(1_709_164_800));
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026-01-01x",
            "",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_search_is_checked() {
        let s = AuditSearch::parse(RawAuditSearch {
            actor: " Admin@Example.COM ",
            from: "2026-12-01",
            until: "2026-12-01",
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.actor.as_deref(), Some("admin@example.com"));
        assert_eq!(s.until.unwrap() - s.from.unwrap(), DAY);
        let bad = |raw| AuditSearch::parse(raw).unwrap_err();
        assert_eq!(
            bad(RawAuditSearch {
                from: "2026-12-02",
                until: "2026-12-01",
                ..Default::default()
            }),
            AuditSearchProblem::EmptyRange
        );
        assert_eq!(
            bad(RawAuditSearch {
                from: "yesterday",
                ..Default::default()
            }),
            AuditSearchProblem::BadDate
        );
        let long = "x".repeat(MAX_AUDIT_FILTER_CHARS + 1);
        assert_eq!(
            bad(RawAuditSearch {
                action: &long,
                ..Default::default()
            }),
            AuditSearchProblem::TooLong
        );
    }
}
