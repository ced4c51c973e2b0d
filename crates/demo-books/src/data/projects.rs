//! `project/Projects`, `project/TimeTransactions` and `project/InvoiceTerms`, for the companies
//! that run projects (a bakery's licence has no project module). Hours are written by the staff
//! on the project's customer within the project's dates, on the trade's hour items at their sales
//! price; hours older than two weeks are final. Fixed-price and prepaid projects are invoiced in
//! three terms; time-and-material projects monthly, for the final hours of a month, once the
//! month has been closed for three weeks.

use super::{
    Books,
    accounts::Acct,
    random::{Rng, guid},
    staff::Person,
    values::{date, money, obj, weekday},
};
use crate::{dates::civil_from_days, dates::days_from_civil, odata::Row};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Exact's project types: 1 campaign, 2 fixed price, 3 time and material, 4 non billable,
/// 5 prepaid.
fn type_text(kind: i64) -> &'static str {
    match kind {
        1 => "Campaign",
        2 => "Fixed price",
        3 => "Time and material",
        4 => "Non billable",
        _ => "Prepaid",
    }
}

/// Per trade: how many projects, what they are called and their types (drawn in turn).
fn plan(division: i64) -> Option<(usize, &'static [&'static str], &'static [i64])> {
    match division {
        202 => Some((
            14,
            &[
                "Migratie Microsoft 365",
                "Netwerk kantoor",
                "Maatwerkportaal",
                "Werkplekbeheer",
                "Beveiligingsaudit",
            ],
            &[3, 3, 2, 5, 3, 4, 2, 3],
        )),
        303 => Some((
            16,
            &[
                "Arbeidsgeschil",
                "Huurgeschil",
                "Incassotraject",
                "Contractreview",
                "Due diligence overname",
            ],
            &[3, 3, 3, 2, 3, 4, 3],
        )),
        404 => Some((
            12,
            &[
                "Nieuwbouw woning",
                "Renovatie badkamer",
                "Aanbouw en dakkapel",
                "Dakrenovatie",
                "Verbouwing bedrijfspand",
            ],
            &[2, 2, 3, 2, 2, 3],
        )),
        _ => None,
    }
}

pub(super) struct Project {
    id: String,
    code: String,
    description: String,
    account: usize,
    kind: i64,
    manager: usize,
    start: i64,
    end: Option<i64>,
    /// When the work stops (the end date, or the books' last day for open-ended projects).
    until: i64,
    revenue: i64,
}

/// What the project books need of the rest of the company.
pub(super) struct Context<'a> {
    pub(super) books: &'a Books<'a>,
    pub(super) accounts: &'a [Acct],
    pub(super) customers: &'a [usize],
    pub(super) items: &'a [Row],
    pub(super) staff: &'a [Person],
}

/// `(projects, time transactions, invoice terms)`; empty for a company without projects.
pub(super) fn rows(cx: &Context) -> (Vec<Row>, Vec<Row>, Vec<Row>) {
    let books = cx.books;
    let Some((count, names, kinds)) = plan(books.division) else {
        return Default::default();
    };
    let hour_items: Vec<usize> = (0..cx.items.len())
        .filter(|&i| cx.items[i].get("ItemGroupCode").and_then(Value::as_str) == Some("UUR"))
        .collect();
    if cx.customers.is_empty() || hour_items.is_empty() {
        return Default::default();
    }
    let mut rng = Rng::new(books.division as u64 * 1_000 + 11);
    let t = books.trade;
    let span = books.last_day - books.first_day;
    let projects: Vec<Project> = (0..count)
        .map(|i| {
            let start = weekday(books.first_day + rng.between(0, span - 30));
            let end = start + rng.between(45, 300);
            let open_ended = end > books.last_day && rng.chance(50);
            let account = *rng.pick(cx.customers);
            let (year, _, _) = civil_from_days(start);
            Project {
                id: guid(books.division, "project", i),
                code: format!("{year}-{:03}", i + 1),
                description: format!("{} {}", names[i % names.len()], cx.accounts[account].name),
                account,
                kind: kinds[i % kinds.len()],
                manager: rng.below(cx.staff.len()),
                start,
                end: (!open_ended).then_some(end),
                until: end.min(books.last_day),
                revenue: rng.between(t.sales_cents.1 / 2, t.sales_cents.1 * 3) / 1_000 * 1_000,
            }
        })
        .collect();
    let mut hours = Vec::new();
    let mut terms = Vec::new();
    for p in &projects {
        let written = time(cx, &mut rng, p, &hour_items, hours.len());
        terms.extend(invoice_terms(books, p, &written, terms.len()));
        hours.extend(written);
    }
    let rows = projects.iter().map(|p| project_row(cx, p)).collect();
    (rows, hours, terms)
}

fn project_row(cx: &Context, p: &Project) -> Row {
    let acct = &cx.accounts[p.account];
    let manager = &cx.staff[p.manager];
    obj(json!({
        "ID": p.id,
        "Code": p.code,
        "Description": p.description,
        "Account": acct.id,
        "AccountCode": acct.code,
        "AccountName": acct.name,
        "Type": p.kind,
        "TypeDescription": type_text(p.kind),
        "Manager": manager.id,
        "ManagerFullname": manager.name,
        "StartDate": date(p.start),
        "EndDate": p.end.map(date),
        "BudgetedRevenue": money(if p.kind == 4 { 0 } else { p.revenue }),
        "BudgetedCosts": money(p.revenue * 6 / 10),
        "Created": date(p.start - 3),
        "Modified": date(p.until),
        "Division": cx.books.division,
    }))
}

/// The project's hours: most working weeks one or two entries, at most 20 in all.
fn time(cx: &Context, rng: &mut Rng, p: &Project, hour_items: &[usize], first: usize) -> Vec<Row> {
    let books = cx.books;
    let acct = &cx.accounts[p.account];
    let mut rows = Vec::new();
    let mut day = p.start;
    while day <= p.until && rows.len() < 20 {
        for _ in 0..1 + rng.below(2) {
            if !rng.chance(70) || rows.len() >= 20 {
                continue;
            }
            let on = weekday(day + rng.between(0, 4)).min(p.until);
            let employee = &cx.staff[rng.below(cx.staff.len())];
            let item = &cx.items[hour_items[rng.below(hour_items.len())]];
            let price = (item
                .get("StandardSalesPrice")
                .and_then(Value::as_f64)
                .unwrap_or(0.0)
                * 100.0)
                .round() as i64;
            let half_hours = rng.between(2, 16);
            let status = if on < books.last_day - 14 {
                if rng.chance(3) { 2 } else { 20 }
            } else if rng.chance(50) {
                10
            } else {
                1
            };
            rows.push(obj(json!({
                "ID": guid(books.division, "timetransaction", first + rows.len()),
                "Account": acct.id,
                "AccountName": acct.name,
                "Project": p.id,
                "ProjectCode": p.code,
                "ProjectDescription": p.description,
                "Employee": employee.id,
                "Date": date(on),
                "Item": item.get("ID").cloned().unwrap_or(Value::Null),
                "ItemDescription": item.get("Description").cloned().unwrap_or(Value::Null),
                "Quantity": half_hours as f64 / 2.0,
                "PriceFC": money(price),
                "AmountFC": money((price * half_hours + 1) / 2),
                "Currency": "EUR",
                "HourStatus": status,
                "Type": 1,
                "Notes": Value::Null,
                "Division": books.division,
            })));
        }
        day += 7;
    }
    rows
}

fn cents(row: &Row, field: &str) -> i64 {
    (row.get(field).and_then(Value::as_f64).unwrap_or(0.0) * 100.0).round() as i64
}

/// Exact's invoice term states: 10 draft, 20 open, 50 processed.
fn term_status(books: &Books, day: i64) -> i64 {
    if day <= books.last_day {
        50
    } else if day <= books.last_day + 60 {
        20
    } else {
        10
    }
}

/// Three terms (30%, 40%, the rest) for fixed-price and prepaid projects; for time and
/// material, one term per closed month of final hours.
fn invoice_terms(books: &Books, p: &Project, hours: &[Row], first: usize) -> Vec<Row> {
    let term = |n: usize, (day, amount, from, to): (i64, i64, i64, i64), what: String| {
        obj(json!({
            "ID": guid(books.division, "invoiceterm", first + n),
            "Project": p.id,
            "ProjectDescription": p.description,
            "Description": what,
            "Amount": money(amount),
            "Percentage": if p.kind == 3 { Value::Null } else { json!(amount as f64 / p.revenue as f64) },
            "InvoiceDate": date(day),
            "ExecutionFromDate": date(from),
            "ExecutionToDate": date(to),
            "InvoiceStatus": term_status(books, day),
            "Division": books.division,
        }))
    };
    match p.kind {
        2 | 5 => {
            let end = p.end.unwrap_or(p.start + 240);
            let first_part = p.revenue * 3 / 10;
            let second = p.revenue * 4 / 10;
            let mid = weekday(p.start + (end - p.start) / 2);
            [
                (weekday(p.start), first_part, p.start, mid),
                (mid, second, mid, end),
                (weekday(end), p.revenue - first_part - second, end, end),
            ]
            .into_iter()
            .enumerate()
            .map(|(n, t)| term(n, t, format!("Termijn {} van 3", n + 1)))
            .collect()
        }
        3 => {
            let mut months: BTreeMap<(i64, u32), i64> = BTreeMap::new();
            for h in hours
                .iter()
                .filter(|h| h.get("HourStatus") == Some(&json!(20)))
            {
                let day = super::values::parse_day(h.get("Date")).unwrap_or(0);
                let (y, m, _) = civil_from_days(day);
                *months.entry((y, m)).or_default() += cents(h, "AmountFC");
            }
            months
                .into_iter()
                .filter_map(|((y, m), amount)| {
                    let from = days_from_civil(y, m, 1);
                    let next = if m == 12 {
                        days_from_civil(y + 1, 1, 1)
                    } else {
                        days_from_civil(y, m + 1, 1)
                    };
                    (next + 21 <= books.last_day).then_some((weekday(next), amount, from, next - 1))
                })
                .enumerate()
                .map(|(n, t)| {
                    let (y, m, _) = civil_from_days(t.2);
                    term(n, t, format!("Uren {m:02}-{y}"))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}
