//! `salesentry/SalesEntries` and `purchaseentry/PurchaseEntries`: the posted invoices, numbered
//! per year in date order, the unpaid ones partly recent and partly overdue.

use super::{
    Books,
    accounts::Acct,
    random::{Rng, guid},
    values::{date, money, obj, weekday},
};
use crate::{dates::civil_from_days, odata::Row};
use serde_json::json;
use std::collections::HashMap;

pub(super) const SALES_JOURNAL: (&str, &str) = ("70", "Verkoopboek");
pub(super) const PURCHASE_JOURNAL: (&str, &str) = ("60", "Inkoopboek");

/// A posted sales or purchase entry.
pub(super) struct Entry {
    pub(super) id: String,
    pub(super) number: i64,
    pub(super) day: i64,
    /// Index into the company's accounts.
    pub(super) account: usize,
    pub(super) net: i64,
    pub(super) vat: i64,
    pub(super) description: String,
    pub(super) your_ref: Option<String>,
    pub(super) paid_on: Option<i64>,
}

impl Entry {
    pub(super) fn gross(&self) -> i64 {
        self.net + self.vat
    }
}

/// What differs between posting the sales and posting the purchases.
struct Posting<'a> {
    count: usize,
    /// How many stay unpaid.
    open: usize,
    /// The GUID kind of the entries.
    kind: &'static str,
    /// The journal number in the entry numbers.
    journal: i64,
    /// The accounts the entries are booked to.
    pool: &'a [usize],
    /// Net amounts in cents.
    cents: (i64, i64),
    descriptions: &'static [&'static str],
}

/// The posted sales entries, booked to the accounts in `pool`.
pub(super) fn sales(books: &Books, rng: &mut Rng, pool: &[usize]) -> Vec<Entry> {
    let t = books.trade;
    post(
        books,
        rng,
        Posting {
            count: t.sizes.sales_entries,
            open: t.sizes.receivables,
            kind: "salesentry",
            journal: 70,
            pool,
            cents: t.sales_cents,
            descriptions: t.sales_descriptions,
        },
    )
}

/// The posted purchase entries, booked to the suppliers in `pool`.
pub(super) fn purchases(books: &Books, rng: &mut Rng, pool: &[usize]) -> Vec<Entry> {
    let t = books.trade;
    post(
        books,
        rng,
        Posting {
            count: t.sizes.purchase_entries,
            open: t.sizes.payables,
            kind: "purchaseentry",
            journal: 60,
            pool,
            cents: t.purchase_cents,
            descriptions: t.purchase_descriptions,
        },
    )
}

/// Posted entries, in date order so their numbers rise with time (25700001, 25700002, …).
fn post(books: &Books, rng: &mut Rng, p: Posting<'_>) -> Vec<Entry> {
    let t = books.trade;
    let days = days(books, rng, p.count);
    let unpaid = unpaid(rng, p.count, p.open);
    let mut seq: HashMap<i64, i64> = HashMap::new();
    days.iter()
        .enumerate()
        .map(|(i, &day)| {
            let year = civil_from_days(day).0;
            let n = seq.entry(year).or_insert(0);
            *n += 1;
            let net = rng.between(p.cents.0 / 5, p.cents.1 / 5) * 5;
            let vat = (net * t.vat_percent + 50) / 100;
            // Paid some days after the due date at worst, and never after mid-November 2026.
            let paid_on = (!unpaid.contains(&i)).then(|| {
                weekday(day + rng.between(3, t.payment_days + 20)).min(books.last_day + 3)
            });
            let (year, month, _) = civil_from_days(day);
            Entry {
                id: guid(books.division, p.kind, i),
                number: (year % 100) * 1_000_000 + p.journal * 10_000 + *n,
                day,
                account: *rng.pick(p.pool),
                net,
                vat,
                description: format!("{} {}-{year}", rng.pick(p.descriptions), month),
                your_ref: rng.chance(60).then(|| format!("PO-{}", rng.digits(5))),
                paid_on,
            }
        })
        .collect()
}

/// The entries' dates: working days in the books' span, in order.
fn days(books: &Books, rng: &mut Rng, count: usize) -> Vec<i64> {
    let mut days: Vec<i64> = (0..count)
        .map(|_| weekday(rng.between(books.first_day, books.last_day)))
        .collect();
    days.sort_unstable();
    days
}

/// The indexes of the unpaid entries: half of them the most recent entries, the others
/// scattered over the older ones (and so overdue).
fn unpaid(rng: &mut Rng, count: usize, open: usize) -> Vec<usize> {
    let recent = open / 2;
    let mut older: Vec<usize> = (0..count - recent).collect();
    rng.shuffle(&mut older);
    older
        .into_iter()
        .take(open - recent)
        .chain(count - recent..count)
        .collect()
}

pub(super) fn sales_rows(books: &Books, accounts: &[Acct], sales: &[Entry]) -> Vec<Row> {
    let payment_days = books.trade.payment_days;
    sales
        .iter()
        .map(|e| {
            let acct = &accounts[e.account];
            let (year, month, _) = civil_from_days(e.day);
            obj(json!({
                "EntryID": e.id,
                "EntryNumber": e.number,
                "InvoiceNumber": e.number,
                "EntryDate": date(e.day),
                "Customer": acct.id,
                "CustomerName": acct.name,
                "AmountDC": money(e.gross()),
                "AmountFC": money(e.gross()),
                "VATAmountDC": money(e.vat),
                "Currency": "EUR",
                "Description": e.description,
                "YourRef": e.your_ref,
                "DueDate": date(e.day + payment_days),
                "Journal": SALES_JOURNAL.0,
                "JournalDescription": SALES_JOURNAL.1,
                "FinancialYear": year,
                "FinancialPeriod": month,
                "Status": 50,
                "PaymentCondition": payment_days.to_string(),
                "Created": date(e.day),
                "Modified": date(e.paid_on.unwrap_or(e.day)),
                "Division": books.division,
            }))
        })
        .collect()
}

pub(super) fn purchase_rows(books: &Books, accounts: &[Acct], purchases: &[Entry]) -> Vec<Row> {
    let payment_days = books.trade.payment_days;
    purchases
        .iter()
        .map(|e| {
            let acct = &accounts[e.account];
            let (year, month, _) = civil_from_days(e.day);
            obj(json!({
                "EntryID": e.id,
                "EntryNumber": e.number,
                "EntryDate": date(e.day),
                "Supplier": acct.id,
                "SupplierName": acct.name,
                "AmountDC": money(e.gross()),
                "AmountFC": money(e.gross()),
                "VATAmountDC": money(e.vat),
                "Currency": "EUR",
                "Description": e.description,
                "YourRef": e.your_ref,
                "DueDate": date(e.day + payment_days),
                "Journal": PURCHASE_JOURNAL.0,
                "JournalDescription": PURCHASE_JOURNAL.1,
                "FinancialYear": year,
                "FinancialPeriod": month,
                "Status": 50,
                "PaymentCondition": payment_days.to_string(),
                "Created": date(e.day),
                "Modified": date(e.paid_on.unwrap_or(e.day)),
                "Division": books.division,
            }))
        })
        .collect()
}
