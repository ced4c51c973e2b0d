//! The simulated administrations: entity sets with Exact's field names, and deterministic rows
//! for the four demo companies.
//!
//! Everything is derived from the division number: a SplitMix64 generator seeded with it picks
//! names, cities, dates and amounts, and every GUID is a hash of (division, kind, index). The
//! same build therefore always serves the same data, whichever process or test asks. Rows are
//! generated once per process on first use and never change, so requests share nothing mutable.
//!
//! The books hang together: every posted sales entry and purchase entry has its transaction
//! lines (debtors/creditors, revenue/costs, VAT), every paid one a bank entry (its bank entry
//! line and two transaction lines), and the unpaid ones are the receivables and payables lists
//! (some of them overdue by late 2026). The reporting balance is the transaction lines summed per
//! GL account and period.
//!
//! One file per entity group generates its rows (`generate` calls them in turn); the entity sets
//! themselves, the trades, the randomness and the ledger the entries are booked in have their own.

mod accounts;
mod booking;
mod contacts;
mod entries;
mod gl_accounts;
mod items;
mod ledger;
mod outstanding;
mod random;
mod sales_invoices;
mod sets;
#[cfg(test)]
mod tests;
mod trades;
mod values;

pub use sets::{ENTITY_SETS, EntitySet, entity_set};

use crate::{companies::COMPANIES, dates::days_from_civil, odata::Row};
use random::Rng;
use serde_json::json;
use std::{collections::HashMap, sync::LazyLock};
use trades::{Trade, trade};

/// How many rows each company has; tests rely on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Customers and suppliers together.
    pub accounts: usize,
    /// Of `accounts`, the suppliers (the last ones, by code).
    pub suppliers: usize,
    pub contacts: usize,
    pub items: usize,
    /// Draft sales invoices (`salesinvoice/SalesInvoices`).
    pub draft_invoices: usize,
    /// Posted sales invoices (`salesentry/SalesEntries`).
    pub sales_entries: usize,
    /// Posted purchase invoices (`purchaseentry/PurchaseEntries`).
    pub purchase_entries: usize,
    /// Unpaid sales entries: the rows of `ReceivablesList`.
    pub receivables: usize,
    /// Unpaid purchase entries: the rows of `PayablesList`.
    pub payables: usize,
}

impl Sizes {
    /// The paid sales and purchase entries, one bank entry each: the rows of
    /// `financialtransaction/BankEntryLines`.
    pub const fn payments(&self) -> usize {
        self.sales_entries - self.receivables + self.purchase_entries - self.payables
    }

    /// Three lines per sales or purchase entry (debtors/creditors, revenue/costs, VAT) and two
    /// per payment (bank, debtors/creditors).
    pub const fn transaction_lines(&self) -> usize {
        3 * (self.sales_entries + self.purchase_entries) + 2 * self.payments()
    }
}

/// The row counts of a demo company, `None` for an unknown division.
pub fn sizes(division: i64) -> Option<Sizes> {
    trade(division).map(|t| t.sizes)
}

/// All rows of an entity set in a company (unfiltered; the divisions sets list all four).
pub fn rows(division: i64, path: &str) -> Option<&'static [Row]> {
    let set = entity_set(path)?;
    let data = DATA.get(&division)?;
    data.get(set.path).map(Vec::as_slice)
}

static DATA: LazyLock<HashMap<i64, HashMap<&'static str, Vec<Row>>>> = LazyLock::new(|| {
    COMPANIES
        .iter()
        .filter_map(|c| Some((c.division, generate(c.division, trade(c.division)?))))
        .collect()
});

/// The company whose books are being generated, and the days they span.
struct Books<'a> {
    division: i64,
    trade: &'a Trade,
    first_day: i64,
    last_day: i64,
}

fn generate(division: i64, t: &Trade) -> HashMap<&'static str, Vec<Row>> {
    let books = Books {
        division,
        trade: t,
        first_day: days_from_civil(2025, 1, 2),
        last_day: days_from_civil(2026, 11, 13),
    };
    // One generator for the whole company, drawn from by the steps below in turn: their order is
    // part of the data, and swapping two would change every row after them.
    let mut rng = Rng::new(division as u64);
    let accounts = accounts::generate(&books, &mut rng);
    let contacts = contacts::generate(&books, &mut rng, &accounts.all);
    let chart = gl_accounts::chart(&books);
    let items = items::generate(&books, &mut rng);
    let sales = entries::sales(&books, &mut rng, &accounts.sales);
    let purchases = entries::purchases(&books, &mut rng, &accounts.suppliers);
    let drafts = sales_invoices::drafts(&books, &mut rng, &accounts, &sales);

    let booked = booking::book(&books, &chart.by_code, &accounts.all, &sales, &purchases);
    let receivables = outstanding::list(&books, &accounts.all, &sales, entries::SALES_JOURNAL);
    let payables = outstanding::list(&books, &accounts.all, &purchases, entries::PURCHASE_JOURNAL);
    let divisions = divisions();
    HashMap::from([
        ("crm/Accounts", accounts.rows),
        ("crm/Contacts", contacts),
        ("financial/GLAccounts", chart.rows),
        ("logistics/Items", items),
        (
            "salesentry/SalesEntries",
            entries::sales_rows(&books, &accounts.all, &sales),
        ),
        (
            "purchaseentry/PurchaseEntries",
            entries::purchase_rows(&books, &accounts.all, &purchases),
        ),
        ("salesinvoice/SalesInvoices", drafts),
        ("financial/ReportingBalance", booked.reporting_balance),
        (
            "financialtransaction/TransactionLines",
            booked.transaction_lines,
        ),
        (
            "financialtransaction/BankEntryLines",
            booked.bank_entry_lines,
        ),
        ("read/financial/ReceivablesList", receivables),
        ("read/financial/PayablesList", payables),
        ("system/Divisions", divisions.clone()),
        ("hrm/Divisions", divisions),
    ])
}

/// The divisions sets list all four companies, in every company.
fn divisions() -> Vec<Row> {
    COMPANIES
        .iter()
        .map(|c| {
            values::obj(json!({
                "Code": c.division, "Description": c.name, "Country": "NL", "Currency": "EUR",
            }))
        })
        .collect()
}
