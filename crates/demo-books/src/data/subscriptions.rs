//! `subscription/Subscriptions`, `SubscriptionLines` and `SubscriptionTypes`: the recurring
//! contracts of the companies that sell them (a builder's licence has no subscription module).
//! The type holds the invoice period (`InvoicePeriod` with `InvoicePeriodUnit`: mm, qt, yy); a
//! line's amount is what one invoice period costs. Some subscriptions had a one-year term that
//! has ended, some were cancelled, the rest run on.

use super::{
    Books,
    accounts::Acct,
    random::{Rng, guid},
    values::{date, money, obj},
};
use crate::{
    dates::{civil_from_days, days_from_civil},
    odata::Row,
};
use serde_json::{Value, json};

/// (code, description, invoice period, unit, months in it)
const TYPES: [(&str, &str, i64, &str, i64); 3] = [
    ("M", "Maandabonnement", 1, "mm", 1),
    ("K", "Kwartaalabonnement", 1, "qt", 3),
    ("J", "Jaarabonnement", 1, "yy", 12),
];

/// What one trade's subscriptions are like.
struct Plan {
    count: usize,
    /// The item groups the lines bill.
    groups: &'static [&'static str],
    /// Units per month on a line, from and to.
    units: (i64, i64),
    /// The types drawn in turn (indexes into [`TYPES`]).
    kinds: &'static [usize],
}

fn plan(division: i64) -> Option<Plan> {
    let (count, groups, units, kinds): (usize, &'static [&'static str], _, &'static [usize]) =
        match division {
            101 => (12, &["BRD", "BKT"], (20, 80), &[0, 0, 0, 1]),
            202 => (20, &["LIC", "ABO"], (1, 25), &[0, 0, 2, 0, 1]),
            303 => (8, &["UUR"], (2, 6), &[1, 0, 1]),
            _ => return None,
        };
    Some(Plan {
        count,
        groups,
        units,
        kinds,
    })
}

/// What the subscriptions need of the rest of the company.
pub(super) struct Context<'a> {
    pub(super) books: &'a Books<'a>,
    pub(super) accounts: &'a [Acct],
    pub(super) customers: &'a [usize],
    pub(super) items: &'a [Row],
}

/// `(subscriptions, lines, types)`; empty for a company without the module.
pub(super) fn rows(cx: &Context) -> (Vec<Row>, Vec<Row>, Vec<Row>) {
    let books = cx.books;
    let Some(Plan {
        count,
        groups,
        units: (lo, hi),
        kinds,
    }) = plan(books.division)
    else {
        return Default::default();
    };
    let pool: Vec<usize> = (0..cx.items.len())
        .filter(|&i| {
            let group = cx.items[i].get("ItemGroupCode").and_then(Value::as_str);
            group.is_some_and(|g| groups.contains(&g))
        })
        .collect();
    if pool.is_empty() || cx.customers.is_empty() {
        return Default::default();
    }
    let types: Vec<Row> = TYPES
        .iter()
        .enumerate()
        .map(|(i, (code, description, period, unit, _))| {
            obj(json!({
                "ID": guid(books.division, "subscriptiontype", i),
                "Code": code,
                "Description": description,
                "InvoicePeriod": period,
                "InvoicePeriodUnit": unit,
                "Division": books.division,
            }))
        })
        .collect();
    let mut rng = Rng::new(books.division as u64 * 1_000 + 13);
    let span = books.last_day - books.first_day;
    let mut subs = Vec::new();
    let mut lines = Vec::new();
    for n in 0..count {
        let kind = kinds[n % kinds.len()];
        let (_, type_text, _, _, months) = TYPES[kind];
        let account = &cx.accounts[*rng.pick(cx.customers)];
        let start = first_of_month(books.first_day + rng.between(0, span - 60));
        let (end, cancelled) = match rng.below(10) {
            0..=1 => (Some(add_months(start, 12) - 1), None),
            2 => {
                let on = start + rng.between(60, (books.last_day - start).max(61));
                (Some(add_months(first_of_month(on), 1) - 1), Some(on))
            }
            _ => (None, None),
        };
        let id = guid(books.division, "subscription", n);
        let first_line = lines.len();
        for l in 0..1 + rng.below(2) {
            let item = &cx.items[pool[rng.below(pool.len())]];
            let price = (item
                .get("StandardSalesPrice")
                .and_then(Value::as_f64)
                .unwrap_or(0.0)
                * 100.0)
                .round() as i64;
            let quantity = rng.between(lo, hi) * months;
            lines.push(obj(json!({
                "ID": guid(books.division, "subscriptionline", first_line + l),
                "EntryID": id,
                "LineNumber": l + 1,
                "Item": item.get("ID").cloned().unwrap_or(Value::Null),
                "ItemDescription": item.get("Description").cloned().unwrap_or(Value::Null),
                "Description": item.get("Description").cloned().unwrap_or(Value::Null),
                "Quantity": quantity as f64,
                "UnitPrice": money(price),
                "NetPrice": money(price),
                "Discount": 0.0,
                "AmountDC": money(price * quantity),
                "AmountFC": money(price * quantity),
                "FromDate": date(start),
                "ToDate": end.map(date),
                "VATCode": books.trade.vat_code,
                "Division": books.division,
            })));
        }
        let invoiced_to = invoiced_to(start, months, books.last_day, end);
        subs.push(obj(json!({
            "EntryID": id,
            "Number": n + 1,
            "Description": format!("{type_text} {}", account.name),
            "OrderedBy": account.id,
            "OrderedByName": account.name,
            "InvoiceTo": account.id,
            "InvoiceToName": account.name,
            "StartDate": date(start),
            "EndDate": end.map(date),
            "CancellationDate": cancelled.map(date),
            "ReasonCancelledDescription": cancelled.map(|_| "Opgezegd door klant"),
            "InvoicingStartDate": date(start),
            "InvoicedTo": date(invoiced_to),
            "SubscriptionType": guid(books.division, "subscriptiontype", kind),
            "SubscriptionTypeCode": TYPES[kind].0,
            "SubscriptionTypeDescription": type_text,
            "Currency": "EUR",
            "BlockEntry": false,
            "Created": date(start - 5),
            "Modified": date(cancelled.unwrap_or(start)),
            "Division": books.division,
        })));
    }
    (subs, lines, types)
}

fn first_of_month(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    days_from_civil(y, m, 1)
}

fn add_months(day: i64, months: i64) -> i64 {
    let (y, m, d) = civil_from_days(day);
    let total = y * 12 + i64::from(m) - 1 + months;
    days_from_civil(total.div_euclid(12), (total.rem_euclid(12) + 1) as u32, d)
}

/// The last day of the invoice period running on `today` (invoiced in advance), or the end.
fn invoiced_to(start: i64, months: i64, today: i64, end: Option<i64>) -> i64 {
    let mut to = add_months(start, months) - 1;
    while to < today {
        to = add_months(to + 1, months) - 1;
    }
    end.map_or(to, |e| to.min(e))
}
