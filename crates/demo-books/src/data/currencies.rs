//! `general/Currencies` and `financial/ExchangeRates`: the currencies an administration knows and
//! the monthly rates it was given for the foreign ones, against the euro the books are kept in.

use super::{
    Books,
    random::{Rng, guid},
    values::{date, obj},
};
use crate::{dates::days_from_civil, odata::Row};
use serde_json::json;

/// (code, description, amount precision, rate in euro around which the monthly rates move)
const CURRENCIES: &[(&str, &str, f64, f64)] = &[
    ("EUR", "Euro", 0.01, 1.0),
    ("USD", "Amerikaanse dollar", 0.01, 0.92),
    ("GBP", "Brits pond", 0.01, 1.17),
    ("CHF", "Zwitserse frank", 0.01, 1.04),
    ("SEK", "Zweedse kroon", 0.01, 0.087),
    ("JPY", "Japanse yen", 1.0, 0.0061),
];

/// Foreign currencies that get monthly rates (the others are known but never rated).
const RATED: &[&str] = &["USD", "GBP", "CHF", "SEK"];

pub(super) fn currencies(books: &Books) -> Vec<Row> {
    CURRENCIES
        .iter()
        .map(|(code, description, precision, _)| {
            obj(json!({
                "Code": code,
                "Description": description,
                "AmountPrecision": precision,
                "PricePrecision": precision,
                "Created": date(books.first_day - 365),
                "Modified": date(books.first_day - 365),
            }))
        })
        .collect()
}

/// One rate per rated currency per month of the books, starting on the first of the month:
/// one unit of `SourceCurrency` is worth `Rate` units of `TargetCurrency` (the euro). The rates
/// drift by at most 3% from the base and are the same in every company.
pub(super) fn exchange_rates(books: &Books) -> Vec<Row> {
    let mut rng = Rng::new(0xEC5);
    let mut rows = Vec::new();
    for year in 2025..=2026 {
        for month in 1..=12u32 {
            let start = days_from_civil(year, month, 1);
            if start > books.last_day {
                break;
            }
            for code in RATED {
                let (_, description, _, base) = CURRENCIES
                    .iter()
                    .find(|c| c.0 == *code)
                    .copied()
                    .unwrap_or(("", "", 0.01, 1.0));
                let drift = rng.between(-300, 300) as f64 / 10_000.0;
                let rate = (base * (1.0 + drift) * 1_000_000.0).round() / 1_000_000.0;
                rows.push(obj(json!({
                    "ID": guid(books.division, "exchangerate", rows.len()),
                    "SourceCurrency": code,
                    "SourceCurrencyDescription": description,
                    "TargetCurrency": "EUR",
                    "TargetCurrencyDescription": "Euro",
                    "Rate": rate,
                    "StartDate": date(start),
                    "Created": date(start - 1),
                    "Modified": date(start - 1),
                    "Division": books.division,
                })));
            }
        }
    }
    rows
}
