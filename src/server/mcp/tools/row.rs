//! Reading fields of Exact rows leniently: Exact leaves fields out, sends nulls, pads codes with
//! spaces and writes dates as `/Date(ms)/`.

use super::super::odata;
use chrono::NaiveDate;
use serde_json::Value;

/// A text field, trimmed; `None` when absent, null or blank.
pub fn text(row: &Value, field: &str) -> Option<String> {
    row.get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A text field, or the empty string.
pub fn text_or_empty(row: &Value, field: &str) -> String {
    text(row, field).unwrap_or_default()
}

/// A number field; absent or null count as 0.
pub fn num(row: &Value, field: &str) -> f64 {
    row.get(field).and_then(Value::as_f64).unwrap_or(0.0)
}

pub fn int(row: &Value, field: &str) -> Option<i64> {
    row.get(field).and_then(Value::as_i64)
}

pub fn flag(row: &Value, field: &str) -> bool {
    row.get(field).and_then(Value::as_bool).unwrap_or(false)
}

/// A date field as `YYYY-MM-DD`.
pub fn date(row: &Value, field: &str) -> Option<String> {
    row.get(field).and_then(odata::exact_date)
}

pub fn naive_date(row: &Value, field: &str) -> Option<NaiveDate> {
    row.get(field).and_then(odata::exact_naive_date)
}

/// Whole days from `due` to `today`; 0 when not yet due.
pub fn days_overdue(due: Option<NaiveDate>, today: NaiveDate) -> i64 {
    due.map_or(0, |d| (today - d).num_days().max(0))
}
