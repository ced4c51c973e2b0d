//! The simulator's data without HTTP: for a demo mode that shows the four demo companies without
//! an Exact connection. The same entity sets and OData query options as `/api/v1/{division}/…`,
//! but no tokens, no rate limits, no counters, no request log: nothing shared is touched, only
//! the rows every process generates alike.

use crate::{data, odata};
use serde_json::Value;
use std::fmt;

/// Why [`query`] has no rows to give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalError {
    /// An unknown division or entity set (the endpoint's 404).
    NotFound,
    /// A query option the endpoint refuses with 400, with the message it gives.
    BadRequest(String),
    /// The company's licence lacks the module that holds the set (the endpoint's 403).
    Forbidden,
}

impl fmt::Display for LocalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocalError::NotFound => f.write_str("Resource not found."),
            LocalError::BadRequest(message) => f.write_str(message),
            LocalError::Forbidden => f.write_str("Forbidden"),
        }
    }
}

impl std::error::Error for LocalError {}

/// The rows of entity set `path` (e.g. `crm/Accounts`, case-insensitive, as under
/// `/api/v1/{division}/`) of a demo company, with the query options in `pairs` (`$filter`,
/// `$select`, `$orderby`, `$top`, `$skiptoken`; a `read/…` function's parameters such as
/// `year`) applied as the HTTP endpoint applies them, on `today` (days since the epoch: the aging
/// lists age the open items on it).
///
/// Unlike the endpoint it does not cut pages of 60: it returns up to `max_rows` rows after the
/// `$skiptoken` (fewer when `$top` says so), without `__metadata`. The divisions sets list all
/// four companies. `current/Me` is not an entity set and is not found here.
pub fn query(
    division: i64,
    path: &str,
    pairs: &[(String, String)],
    max_rows: usize,
    today: i64,
) -> Result<Vec<Value>, LocalError> {
    let set = data::entity_set(path.trim_start_matches('/')).ok_or(LocalError::NotFound)?;
    if set.module.is_some_and(|m| !crate::has_module(division, m)) {
        return Err(LocalError::Forbidden);
    }
    let rows = data::view(division, set, pairs, today)
        .map_err(LocalError::BadRequest)?
        .ok_or(LocalError::NotFound)?;
    let schema = odata::Schema {
        type_name: set.type_name,
        fields: set.fields,
    };
    let q = odata::parse_query(pairs, schema).map_err(LocalError::BadRequest)?;
    let mut page = odata::apply(&rows, &q, set.key, Some(max_rows), |_| None)
        .map_err(LocalError::BadRequest)?;
    data::absolute_urls(set.path, &mut page.rows, data::EXACT_SITE);
    Ok(page.rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{COMPANIES, sizes};

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn all_rows_up_to_the_maximum_without_metadata() {
        let s = sizes(202).unwrap();
        let rows = query(202, "crm/Accounts", &[], usize::MAX, 0).unwrap();
        assert_eq!(rows.len(), s.accounts, "no pages of 60");
        assert!(rows.iter().all(|r| r.get("__metadata").is_none()));
        assert_eq!(query(202, "/CRM/accounts", &[], 10, 0).unwrap().len(), 10);
        let divisions = query(101, "system/Divisions", &[], 100, 0).unwrap();
        assert_eq!(divisions.len(), COMPANIES.len(), "all four companies");
        assert_eq!(query(101, "hrm/Divisions", &[], 100, 0).unwrap(), divisions);
    }

    #[test]
    fn filter_select_and_orderby_as_the_endpoint() {
        let rows = query(
            101,
            "crm/Accounts",
            &pairs(&[
                ("$filter", "IsSupplier eq true"),
                ("$select", "Code,Name"),
                ("$orderby", "Code desc"),
            ]),
            usize::MAX,
            0,
        )
        .unwrap();
        assert_eq!(rows.len(), sizes(101).unwrap().suppliers);
        let codes: Vec<&str> = rows.iter().map(|r| r["Code"].as_str().unwrap()).collect();
        assert!(codes.is_sorted_by(|a, b| a >= b), "{codes:?}");
        let mut keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
        keys.sort_unstable();
        assert_eq!(keys, ["Code", "Name"]);

        let one = query(
            303,
            "crm/Accounts",
            &pairs(&[("$filter", "Name eq 'O''Brien & Zonen B.V.'")]),
            10,
            0,
        )
        .unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0]["Division"], 303);
    }

    #[test]
    fn top_and_skiptoken_continue_where_a_page_ended() {
        let all = query(101, "financial/ReportingBalance", &[], usize::MAX, 0).unwrap();
        assert!(all.len() > 20);
        let first = query(
            101,
            "financial/ReportingBalance",
            &pairs(&[("$top", "5")]),
            1_000,
            0,
        )
        .unwrap();
        assert_eq!(first, all[..5]);
        let token = first[4]["ID"].to_string();
        let next = query(
            101,
            "financial/ReportingBalance",
            &pairs(&[("$skiptoken", &token), ("$top", "10")]),
            7,
            0,
        )
        .unwrap();
        assert_eq!(next, all[5..12], "max_rows below $top");

        let entries = query(101, "salesentry/SalesEntries", &[], usize::MAX, 0).unwrap();
        let token = format!("guid'{}'", entries[59]["EntryID"].as_str().unwrap());
        let rest = query(
            101,
            "salesentry/SalesEntries",
            &pairs(&[("$skiptoken", &token)]),
            usize::MAX,
            0,
        )
        .unwrap();
        assert_eq!(rest, entries[60..]);
    }

    #[test]
    fn unknown_sets_and_divisions_are_not_found_and_bad_options_say_why() {
        assert_eq!(
            query(101, "crm/Nothing", &[], 10, 0),
            Err(LocalError::NotFound)
        );
        assert_eq!(
            query(999, "crm/Accounts", &[], 10, 0),
            Err(LocalError::NotFound)
        );
        assert_eq!(
            query(101, "current/Me", &[], 10, 0),
            Err(LocalError::NotFound)
        );
        let bad = |q: &[(&str, &str)]| match query(101, "crm/Accounts", &pairs(q), 10, 0) {
            Err(LocalError::BadRequest(message)) => message,
            other => panic!("{q:?}: {other:?}"),
        };
        assert!(bad(&[("$filter", "Name eq 'open")]).contains("Unterminated"));
        assert!(bad(&[("$filter", "Nope eq 1")]).contains("No property 'Nope'"));
        assert!(bad(&[("$filter", "ID eq 'x'")]).contains("Edm.Guid"));
        assert!(bad(&[("$select", "Bogus")]).contains("Bogus"));
        assert!(bad(&[("$top", "-1")]).contains("$top"));
        assert!(
            bad(&[("$skiptoken", "guid'00000000-0000-0000-0000-000000000000'")])
                .contains("$skiptoken")
        );
        assert_eq!(
            LocalError::BadRequest("x".to_string()).to_string(),
            "x",
            "the endpoint's message"
        );
    }
}
