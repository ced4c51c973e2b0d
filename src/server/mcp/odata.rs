//! Building OData queries from tool arguments. Every value a caller supplies is validated for
//! its type and written as an OData literal here, and nowhere else: text is quoted with inner
//! quotes doubled, GUIDs and dates are parsed and re-printed, numbers are typed. A value that
//! does not parse is a [`ToolError`] before anything is sent to Exact.

use super::error::ToolError;
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

/// Longest free text accepted in a filter (search terms, codes).
pub const MAX_TEXT_CHARS: usize = 100;

/// A quoted OData string literal: `'O''Brien'`.
pub fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A search term or code: trimmed, not empty, bounded, no control characters.
pub fn clean_text(field: &str, value: &str) -> Result<String, ToolError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ToolError::invalid(format!("`{field}` must not be empty.")));
    }
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(ToolError::invalid(format!(
            "`{field}` is longer than {MAX_TEXT_CHARS} characters."
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(ToolError::invalid(format!(
            "`{field}` contains control characters."
        )));
    }
    Ok(value.to_string())
}

/// An optional search term or code: `None` when absent or blank, else checked as
/// [`clean_text`] does.
pub fn optional_text(field: &str, value: Option<&str>) -> Result<Option<String>, ToolError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| clean_text(field, v))
        .transpose()
}

/// The filter of a `search` argument over a code and a description (`None` when blank).
pub fn code_or_description_contains(search: Option<&str>) -> Result<Option<String>, ToolError> {
    Ok(optional_text("search", search)?.map(|s| {
        let s = text(&s);
        format!("substringof({s}, Code) eq true or substringof({s}, Description) eq true")
    }))
}

/// A GUID argument, normalised to lower-case hyphenated form.
pub fn parse_guid(field: &str, value: &str) -> Result<String, ToolError> {
    uuid::Uuid::try_parse(value.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| {
            ToolError::invalid(format!(
                "`{field}` must be an Exact ID (a GUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6); \
                 look it up with get_relations or search_relations."
            ))
        })
}

/// `Field eq guid'…'` for an optional GUID argument (`None` when absent), checked as
/// [`parse_guid`] does under the argument's name.
pub fn guid_clause(
    field: &str,
    (arg, value): (&str, Option<&str>),
) -> Result<Option<String>, ToolError> {
    value
        .map(|v| parse_guid(arg, v).map(|id| format!("{field} eq {}", guid(&id))))
        .transpose()
}

/// `guid'…'` for an already parsed GUID.
pub fn guid(parsed: &str) -> String {
    format!("guid'{parsed}'")
}

/// An ISO date argument (`YYYY-MM-DD`), parsed into a `NaiveDate` as the tool's first step.
///
/// Tool arguments stay strings on the wire on purpose: a serde-level date type would make rmcp
/// answer a malformed date with a JSON-RPC `-32602`, which clients do not show the model, while
/// the MCP specification (2025-11-25) wants input validation errors as tool results with
/// `isError`, so the model can correct itself. Parsed here, nothing past the tool's first line
/// sees the string.
pub fn parse_date(field: &str, value: &str) -> Result<NaiveDate, ToolError> {
    let value = value.trim();
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| {
            ToolError::invalid(format!(
                "`{field}` must be a date as YYYY-MM-DD, e.g. 2026-01-31."
            ))
        })?;
    if !(1900..=2100).contains(&date.year()) {
        return Err(ToolError::invalid(format!(
            "`{field}` must be between 1900 and 2100."
        )));
    }
    Ok(date)
}

/// `datetime'2026-01-31'`.
pub fn datetime(date: NaiveDate) -> String {
    format!("datetime'{}'", date.format("%Y-%m-%d"))
}

/// Checks an optional date range (`from_date`, `to_date`) and returns it parsed.
pub fn date_range(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ToolError> {
    named_date_range(("from_date", from), ("to_date", to))
}

/// Checks an optional date range whose arguments have other names (`date_from`, `date_to`).
pub fn named_date_range(
    (from_name, from): (&str, Option<&str>),
    (to_name, to): (&str, Option<&str>),
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ToolError> {
    let from = from.map(|v| parse_date(from_name, v)).transpose()?;
    let to = to.map(|v| parse_date(to_name, v)).transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(ToolError::invalid(format!(
            "`{from_name}` is after `{to_name}`; swap them."
        )));
    }
    Ok((from, to))
}

/// `Field ge datetime'…' and Field le datetime'…'` for the bounds given.
pub fn date_clauses(
    field: &str,
    (from, to): (Option<NaiveDate>, Option<NaiveDate>),
) -> Vec<String> {
    let mut clauses = Vec::new();
    if let Some(f) = from {
        clauses.push(format!("{field} ge {}", datetime(f)));
    }
    if let Some(t) = to {
        clauses.push(format!("{field} le {}", datetime(t)));
    }
    clauses
}

/// A non-negative amount argument, written as an OData decimal.
pub fn amount(field: &str, value: f64) -> Result<String, ToolError> {
    if value.is_finite() && (0.0..1e12).contains(&value) {
        Ok(format!("{value}"))
    } else {
        Err(ToolError::invalid(format!(
            "`{field}` must be a number from 0 to 999999999999."
        )))
    }
}

/// A financial year argument.
pub fn check_year(field: &str, year: i64) -> Result<i64, ToolError> {
    if (1900..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(ToolError::invalid(format!(
            "`{field}` must be a year between 1900 and 2100."
        )))
    }
}

/// A financial period argument (Exact allows up to 13 periods a year).
pub fn check_period(field: &str, period: i64) -> Result<i64, ToolError> {
    if (1..=13).contains(&period) {
        Ok(period)
    } else {
        Err(ToolError::invalid(format!(
            "`{field}` must be a period from 1 to 13."
        )))
    }
}

/// `a and b and c` of the non-empty clauses; `None` when there are none.
pub fn all_of(clauses: Vec<String>) -> Option<String> {
    let clauses: Vec<String> = clauses.into_iter().filter(|c| !c.is_empty()).collect();
    match clauses.len() {
        0 => None,
        1 => clauses.into_iter().next(),
        _ => Some(
            clauses
                .iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" and "),
        ),
    }
}

/// An Exact date (`/Date(1735776000000)/`) as `YYYY-MM-DD`.
pub fn exact_date(value: &Value) -> Option<String> {
    exact_naive_date(value).map(|d| d.format("%Y-%m-%d").to_string())
}

/// An Exact date as a calendar date.
pub fn exact_naive_date(value: &Value) -> Option<NaiveDate> {
    let text = value.as_str()?;
    let inner = text.strip_prefix("/Date(")?.strip_suffix(")/")?;
    // Exact may append a zone offset (`+0000`); the milliseconds come first.
    let digits_end = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(inner.len(), |(i, _)| i);
    let ms: i64 = inner[..digits_end].parse().ok()?;
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive())
}

/// The `$skiptoken` literal for a row key, as Exact's `__next` has it: `guid'…'` for a GUID, a
/// number, or a quoted text for entity sets keyed by a code (`'GBP'`).
pub fn skiptoken(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => match uuid::Uuid::try_parse(s) {
            Ok(u) => Some(guid(&u.hyphenated().to_string())),
            Err(_) => clean_text("key", s).ok().map(|s| text(&s)),
        },
        Value::Number(n) => n.as_i64().map(|n| n.to_string()),
        _ => None,
    }
}

/// Whether a `$skiptoken` read back from a cursor is one this module could have written.
pub fn valid_skiptoken(token: &str) -> bool {
    if let Some(inner) = token
        .strip_prefix("guid'")
        .and_then(|t| t.strip_suffix('\''))
    {
        return uuid::Uuid::try_parse(inner).is_ok_and(|u| u.hyphenated().to_string() == inner);
    }
    if let Some(inner) = token.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        // A code as `text` writes it: inner quotes doubled, nothing `clean_text` refuses.
        let code = inner.replace("''", "'");
        return clean_text("key", &code).is_ok_and(|c| c == code && text(&c) == token);
    }
    !token.is_empty() && token.len() <= 19 && token.parse::<i64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_doubles_quotes_so_input_cannot_close_the_literal() {
        assert_eq!(text("O'Brien & Zonen"), "'O''Brien & Zonen'");
        assert_eq!(text("' or 1 eq 1"), "''' or 1 eq 1'");
        assert_eq!(text("''"), "''''''");
    }

    #[test]
    fn clean_text_refuses_empty_long_and_control_characters() {
        assert_eq!(clean_text("query", "  bakker ").unwrap(), "bakker");
        assert!(clean_text("query", "   ").is_err());
        assert!(clean_text("query", &"a".repeat(MAX_TEXT_CHARS + 1)).is_err());
        assert!(clean_text("query", "a\nb").is_err());
    }

    #[test]
    fn guids_are_parsed_and_normalised() {
        assert_eq!(
            parse_guid("customer_id", " 3FA85F64-5717-4562-B3FC-2C963F66AFA6 ").unwrap(),
            "3fa85f64-5717-4562-b3fc-2c963f66afa6"
        );
        for bad in ["", "' or 1 eq 1", "3fa85f64-5717-4562-b3fc", "guid'x'"] {
            let err = parse_guid("customer_id", bad).unwrap_err();
            assert!(err.to_string().contains("customer_id"), "{bad}");
        }
    }

    #[test]
    fn dates_must_be_real_iso_days() {
        assert_eq!(
            datetime(parse_date("from_date", "2026-02-28").unwrap()),
            "datetime'2026-02-28'"
        );
        for bad in [
            "2026-02-30",
            "2026-2-3",
            "31-01-2026",
            "2026-01-31T00:00",
            "2026-01-31' or 1 eq 1",
            "1800-01-01",
            "",
        ] {
            assert!(parse_date("from_date", bad).is_err(), "{bad}");
        }
        assert!(date_range(Some("2026-02-01"), Some("2026-01-01")).is_err());
        assert!(date_range(Some("2026-01-01"), Some("2026-01-01")).is_ok());
    }

    #[test]
    fn years_and_periods_are_bounded() {
        assert!(check_year("year", 2026).is_ok());
        assert!(check_year("year", 20260).is_err());
        assert!(check_period("period", 13).is_ok());
        assert!(check_period("period", 0).is_err());
    }

    #[test]
    fn clauses_are_parenthesised_and_joined() {
        assert_eq!(all_of(vec![]), None);
        assert_eq!(all_of(vec!["A eq 1".into()]).as_deref(), Some("A eq 1"));
        assert_eq!(
            all_of(vec![
                "A eq 1 or B eq 2".into(),
                String::new(),
                "C eq 3".into()
            ])
            .as_deref(),
            Some("(A eq 1 or B eq 2) and (C eq 3)")
        );
    }

    #[test]
    fn exact_dates_read_as_iso_days() {
        assert_eq!(
            exact_date(&json!("/Date(1735776000000)/")).as_deref(),
            Some("2025-01-02")
        );
        assert_eq!(
            exact_date(&json!("/Date(1735776000000+0000)/")).as_deref(),
            Some("2025-01-02")
        );
        assert_eq!(exact_date(&json!(null)), None);
        assert_eq!(exact_date(&json!("2025-01-02")), None);
    }

    #[test]
    fn skiptokens_round_trip_and_foreign_ones_are_refused() {
        let g = json!("3FA85F64-5717-4562-B3FC-2C963F66AFA6");
        let token = skiptoken(&g).unwrap();
        assert_eq!(token, "guid'3fa85f64-5717-4562-b3fc-2c963f66afa6'");
        assert!(valid_skiptoken(&token));
        assert!(valid_skiptoken(&skiptoken(&json!(42)).unwrap()));
        // Entity sets keyed by a code (currencies, journals) page on a quoted text.
        let code = skiptoken(&json!("O'K")).unwrap();
        assert_eq!(code, "'O''K'");
        assert!(valid_skiptoken(&code));
        assert!(valid_skiptoken("'GBP'"));
        for bad in [
            "guid'x'",
            "'a' or 1 eq 1",
            "'a'b'",
            "'\u{7}'",
            "1 or 1 eq 1",
            "guid'3fa85f64-5717-4562-b3fc-2c963f66afa6' or x",
            "",
            "99999999999999999999",
        ] {
            assert!(!valid_skiptoken(bad), "{bad}");
        }
    }
}
