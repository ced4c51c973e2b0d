//! How values are written in the generated rows: money, dates, JSON objects and the slugs of names
//! in domains and mail addresses, and the working-day rule dates are moved by.

use crate::{
    dates::{DAY_MS, exact_date},
    odata::Row,
};
use serde_json::{Value, json};

/// Exact's amounts are JSON numbers in euros; the generators count in cents.
pub(super) fn money(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

pub(super) fn day_ms(day: i64) -> i64 {
    day * DAY_MS
}

/// A day as Exact writes dates: `/Date(milliseconds)/`.
pub(super) fn date(day: i64) -> Value {
    json!(exact_date(day_ms(day)))
}

/// Monday instead of a weekend day (1970-01-01 was a Thursday).
pub(super) fn weekday(day: i64) -> i64 {
    match day.rem_euclid(7) {
        2 => day + 2, // Saturday
        3 => day + 1, // Sunday
        _ => day,
    }
}

/// The rows are written with `json!` objects; anything else would be a bug, and an empty row
/// shows it in every test that checks the fields.
pub(super) fn obj(v: Value) -> Row {
    match v {
        Value::Object(m) => m,
        _ => Row::new(),
    }
}

/// A name as a domain or mail address part: lower case, accents dropped, a dash between words
/// and no "-b-v" left of a "B.V.".
pub(super) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'ï' | 'í' => 'i',
            'ö' | 'ó' => 'o',
            'ü' | 'ú' => 'u',
            'á' | 'à' | 'ä' => 'a',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    out.strip_suffix("-b-v").unwrap_or(out).to_string()
}

/// The day (since the epoch) of a date written by [`date`].
pub(super) fn parse_day(value: Option<&Value>) -> Option<i64> {
    let ms = crate::dates::parse_exact_date(value?.as_str()?)?;
    Some(ms.div_euclid(DAY_MS))
}
