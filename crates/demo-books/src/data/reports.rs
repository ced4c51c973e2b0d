//! The `read/financial/…` functions: revenue per period (from the reporting balance) and the
//! aging lists, which Exact computes on the day it is asked, so they are made per request from
//! the open items and the day the caller gives.

use super::{
    gl_accounts::Gl,
    values::{money, obj},
};
use crate::{
    dates::{DAY_MS, parse_exact_date},
    odata::Row,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// GL account type of revenue accounts.
const REVENUE: i64 = 110;

/// `read/financial/RevenueListByYear`: per year and period, the balance of the GL accounts of type
/// revenue, shown positive (revenue is booked on the credit side).
pub(super) fn revenue(reporting_balance: &[Row], gl: &HashMap<&'static str, Gl>) -> Vec<Row> {
    let mut totals: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for r in reporting_balance {
        let int = |f: &str| r.get(f).and_then(Value::as_i64).unwrap_or_default();
        let code = r
            .get("GLAccountCode")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if gl.get(code).is_none_or(|g| g.kind != REVENUE) {
            continue;
        }
        let cents = (r.get("Amount").and_then(Value::as_f64).unwrap_or(0.0) * 100.0).round();
        *totals
            .entry((int("ReportingYear"), int("ReportingPeriod")))
            .or_default() -= cents as i64;
    }
    totals
        .into_iter()
        .map(|((year, period), cents)| {
            obj(json!({ "Year": year, "Period": period, "Amount": money(cents) }))
        })
        .collect()
}

/// The four age groups of Exact's aging lists: days since the invoice date, up to and including
/// the bound. Exact measures age from the item's date ("how many days after creation").
pub const AGE_GROUPS: [(i64, &str); 4] = [
    (30, "0 - 30 dagen"),
    (60, "31 - 60 dagen"),
    (90, "61 - 90 dagen"),
    (i64::MAX, "> 90 dagen"),
];

/// The age group (0-based) of an item `age_days` old.
pub fn age_group(age_days: i64) -> usize {
    AGE_GROUPS
        .iter()
        .position(|(bound, _)| age_days <= *bound)
        .unwrap_or(AGE_GROUPS.len() - 1)
}

/// `read/financial/AgingReceivablesList` or `AgingPayablesList` on `today` (days since the epoch):
/// one row per account with open items, their amounts summed per age group.
pub(super) fn aging(open_items: &[Row], today: i64) -> Vec<Row> {
    // AccountId → (code, name, amounts per group in cents)
    let mut accounts: BTreeMap<String, (Value, Value, [i64; 4])> = BTreeMap::new();
    for item in open_items {
        let field = |f: &str| item.get(f).cloned().unwrap_or(Value::Null);
        let invoiced = field("InvoiceDate")
            .as_str()
            .and_then(parse_exact_date)
            .map_or(today, |ms| ms.div_euclid(DAY_MS));
        let cents = (field("Amount").as_f64().unwrap_or(0.0) * 100.0).round() as i64;
        let id = field("AccountId").as_str().unwrap_or_default().to_string();
        let entry = accounts
            .entry(id)
            .or_insert_with(|| (field("AccountCode"), field("AccountName"), [0; 4]));
        entry.2[age_group(today - invoiced)] += cents;
    }
    accounts
        .into_iter()
        .map(|(id, (code, name, groups))| {
            let mut row = json!({
                "AccountId": id,
                "AccountCode": code,
                "AccountName": name,
                "CurrencyCode": "EUR",
                "TotalAmount": money(groups.iter().sum()),
            });
            for (n, cents) in groups.iter().enumerate() {
                row[format!("AgeGroup{}", n + 1)] = json!(n + 1);
                row[format!("AgeGroup{}Amount", n + 1)] = money(*cents);
                row[format!("AgeGroup{}Description", n + 1)] = json!(AGE_GROUPS[n].1);
            }
            obj(row)
        })
        .collect()
}
