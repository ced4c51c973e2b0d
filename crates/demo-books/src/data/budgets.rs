//! `budget/Budgets`: one budget scenario per company with a budget per profit-and-loss account and
//! period of 2025 and 2026, made from the 2025 actuals (as a company would plan): the year's
//! amount per account, moved by a fixed percentage per account (2026 another 6% up), in twelve
//! equal parts rounded to the euro. Signs as in the ledger: revenue negative (credit).

use super::{
    Books,
    gl_accounts::Gl,
    random::{Rng, guid},
    values::{date, money, obj},
};
use crate::odata::Row;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

pub(super) const SCENARIO: (&str, &str) = ("BEGR", "Begroting");

pub(super) fn rows(
    books: &Books,
    gl: &HashMap<&'static str, Gl>,
    reporting_balance: &[Row],
) -> Vec<Row> {
    let division = books.division;
    // GL account code → its 2025 profit-and-loss total in cents.
    let mut actual_2025: BTreeMap<String, i64> = BTreeMap::new();
    for r in reporting_balance {
        let field = |f: &str| r.get(f).cloned().unwrap_or(Value::Null);
        if field("BalanceType") != json!("W") || field("ReportingYear") != json!(2025) {
            continue;
        }
        let cents = (field("Amount").as_f64().unwrap_or(0.0) * 100.0).round() as i64;
        let code = field("GLAccountCode")
            .as_str()
            .unwrap_or_default()
            .to_string();
        *actual_2025.entry(code).or_default() += cents;
    }
    let mut rng = Rng::new(division as u64 ^ 0x00B0_D6E7);
    let scenario = guid(division, "budgetscenario", 0);
    let mut rows = Vec::new();
    for (code, total) in actual_2025 {
        let account = gl
            .iter()
            .find(|(c, _)| **c == code)
            .map(|(_, g)| g.clone())
            .unwrap_or_default();
        let moved = total * (100 + rng.between(-12, 12)) / 100;
        for (year, yearly) in [(2025, moved), (2026, moved * 106 / 100)] {
            // Twelve equal parts in whole euros.
            let monthly = (yearly / 12 + 50).div_euclid(100) * 100;
            for period in 1..=12 {
                rows.push(obj(json!({
                    "ID": guid(division, "budget", rows.len()),
                    "HID": rows.len() + 1,
                    "BudgetScenario": scenario,
                    "BudgetScenarioCode": SCENARIO.0,
                    "BudgetScenarioDescription": SCENARIO.1,
                    "GLAccount": account.id,
                    "GLAccountCode": code,
                    "GLAccountDescription": account.description,
                    "Costcenter": null,
                    "CostcenterDescription": null,
                    "ReportingYear": year,
                    "ReportingPeriod": period,
                    "AmountDC": money(monthly),
                    "Created": date(books.first_day - 30),
                    "Modified": date(books.first_day - 30),
                    "Division": division,
                })));
            }
        }
    }
    rows
}
