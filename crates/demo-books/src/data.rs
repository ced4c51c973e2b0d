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
mod assets;
mod booking;
mod budgets;
mod contacts;
mod cost_centers;
mod crm;
mod currencies;
mod documents;
mod entries;
mod gl_accounts;
mod items;
mod journal;
mod ledger;
mod orders;
mod outstanding;
mod prices;
mod projects;
mod random;
mod reports;
mod sales_invoices;
mod sets;
mod staff;
mod subscriptions;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod trade_tests;
mod trades;
mod values;
mod vat_codes;

pub use documents::media_type;
pub use reports::{AGE_GROUPS, age_group};
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
    data.sets.get(set.path).map(Vec::as_slice)
}

/// The file of attachment `id` (its GUID, any case) in a company: `(file name, bytes)`.
pub fn attachment(division: i64, id: &str) -> Option<(String, Vec<u8>)> {
    DATA.get(&division)?
        .files
        .iter()
        .find_map(|f| f.read(division, id))
}

/// Where Exact serves attachment files: its own site, outside `/api/v1`.
pub const EXACT_SITE: &str = "https://start.exactonline.nl";

/// Puts `site` (scheme and host, no trailing slash) before the relative `Url` of document
/// attachment rows, as the server that answers for them does.
pub fn absolute_urls(path: &str, rows: &mut [serde_json::Value], site: &str) {
    if !path.eq_ignore_ascii_case("documents/DocumentAttachments") {
        return;
    }
    for row in rows {
        if let Some(url) = row.get_mut("Url")
            && let Some(relative) = url.as_str().filter(|u| u.starts_with('/'))
        {
            *url = serde_json::Value::String(format!("{site}{relative}"));
        }
    }
}

/// A company's entity sets, and the files its document attachments hold.
struct Company {
    sets: HashMap<&'static str, Vec<Row>>,
    files: Vec<documents::StoredFile>,
}

static DATA: LazyLock<HashMap<i64, Company>> = LazyLock::new(|| {
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

fn generate(division: i64, t: &Trade) -> Company {
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

    let assets = assets::generate(&books);
    let booked = booking::book(
        &books,
        &chart.by_code,
        &accounts.all,
        (&sales, &purchases),
        &assets,
    );
    let budgets = budgets::rows(&books, &chart.by_code, &booked.reporting_balance);
    let mut items = items;
    let stock = prices::stock(&books, &mut items);
    let sales_prices = prices::sales_prices(&books, &items, &accounts.all, &accounts.sales);
    let supplier_items = prices::supplier_items(&books, &items, &accounts.all, &accounts.suppliers);
    let revenue = reports::revenue(&booked.reporting_balance, &chart.by_code);
    let receivables = outstanding::list(&books, &accounts.all, &sales, entries::SALES_JOURNAL);
    let payables = outstanding::list(&books, &accounts.all, &purchases, entries::PURCHASE_JOURNAL);
    let staff = staff::staff(&books);
    let trade_cx = orders::Context {
        books: &books,
        accounts: &accounts.all,
        items: &items,
        staff: &staff,
    };
    let sales_orders = orders::sales(&trade_cx, &sales, &accounts.sales);
    let purchase_orders = orders::purchases(&trade_cx, &purchases, &accounts.suppliers);
    let (quotations, opportunities) = crm::rows(
        &crm::Context {
            books: &books,
            accounts: &accounts.all,
            customers: &accounts.sales,
            staff: &staff,
        },
        &sales_orders,
    );
    let (sales_orders, sales_order_lines) = orders::sales_rows(&trade_cx, &sales_orders);
    let (purchase_orders, purchase_order_lines) =
        orders::purchase_rows(&trade_cx, &purchase_orders);
    let (projects, time_transactions, invoice_terms) = projects::rows(&projects::Context {
        books: &books,
        accounts: &accounts.all,
        customers: &accounts.sales,
        items: &items,
        staff: &staff,
    });
    let (subscriptions, subscription_lines, subscription_types) =
        subscriptions::rows(&subscriptions::Context {
            books: &books,
            accounts: &accounts.all,
            customers: &accounts.sales,
            items: &items,
        });
    let (documents, attachments, files) =
        documents::rows(&books, &accounts.all, &sales, &accounts.sales);
    let divisions = divisions();
    let sets = HashMap::from([
        ("salesorder/SalesOrders", sales_orders),
        ("salesorder/SalesOrderLines", sales_order_lines),
        ("purchaseorder/PurchaseOrders", purchase_orders),
        ("purchaseorder/PurchaseOrderLines", purchase_order_lines),
        ("crm/Quotations", quotations),
        ("crm/Opportunities", opportunities),
        ("project/Projects", projects),
        ("project/TimeTransactions", time_transactions),
        ("project/InvoiceTerms", invoice_terms),
        ("subscription/Subscriptions", subscriptions),
        ("subscription/SubscriptionLines", subscription_lines),
        ("subscription/SubscriptionTypes", subscription_types),
        ("documents/Documents", documents),
        ("documents/DocumentAttachments", attachments),
        ("crm/Accounts", accounts.rows),
        ("crm/Contacts", contacts),
        ("financial/Journals", journals(&books, &chart.by_code)),
        ("vat/VATCodes", vat_codes::rows(&books, &chart.by_code)),
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
        ("read/financial/RevenueListByYear", revenue),
        ("budget/Budgets", budgets),
        (
            "generaljournalentry/GeneralJournalEntries",
            booked.journal.entries,
        ),
        (
            "generaljournalentry/GeneralJournalEntryLines",
            booked.journal.lines,
        ),
        ("financialtransaction/BankEntries", booked.bank_entries),
        ("general/Currencies", currencies::currencies(&books)),
        (
            "financial/ExchangeRates",
            currencies::exchange_rates(&books),
        ),
        ("hrm/Costcenters", cost_centers::rows(&books)),
        ("assets/Assets", assets::rows(&books, &assets)),
        ("inventory/ItemWarehouses", stock),
        ("logistics/SalesItemPrices", sales_prices),
        ("logistics/SupplierItem", supplier_items),
        (
            "assets/DepreciationMethods",
            assets::methods(&books, &assets),
        ),
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
    ]);
    Company { sets, files }
}

/// `financial/Journals`: the bank, purchase, sales and memorial journals.
fn journals(books: &Books, gl: &HashMap<&'static str, gl_accounts::Gl>) -> Vec<Row> {
    [
        ("20", "Bank", 12, Some("1100")),
        ("60", "Inkoopboek", 22, None),
        ("70", "Verkoopboek", 20, None),
        ("90", "Memoriaal", 90, None),
    ]
    .into_iter()
    .map(|(code, description, kind, account)| {
        let g = account.and_then(|a| gl.get(a)).cloned();
        values::obj(json!({
            "Code": code,
            "Description": description,
            "Type": kind,
            "GLAccount": g.as_ref().map(|g| g.id.clone()),
            "GLAccountCode": account,
            "GLAccountDescription": g.map(|g| g.description),
            "BankAccountIBAN": account.map(|_| format!("NL{:02}RABO0{:09}", books.division % 97, books.division * 1_234_567 % 1_000_000_000)),
            "BankAccountDescription": account.map(|_| "Zakelijke rekening"),
            "Currency": "EUR",
            "IsBlocked": false,
            "Division": books.division,
        }))
    })
    .collect()
}

/// The rows a request for `set` sees: the stored rows, or, for the aging lists, the open items
/// aged on `today` (days since the epoch); a function's parameters (`?year=`) select among them.
/// `Err` carries the message of Exact's 400 for a missing or malformed parameter.
pub fn view(
    division: i64,
    set: &EntitySet,
    pairs: &[(String, String)],
    today: i64,
) -> Result<Option<std::borrow::Cow<'static, [Row]>>, String> {
    use std::borrow::Cow;
    let aged = match set.path {
        "read/financial/AgingReceivablesList" => Some("read/financial/ReceivablesList"),
        "read/financial/AgingPayablesList" => Some("read/financial/PayablesList"),
        _ => None,
    };
    let rows: Cow<'static, [Row]> = match aged {
        Some(source) => match rows(division, source) {
            Some(open) => Cow::Owned(reports::aging(open, today)),
            None => return Ok(None),
        },
        None => match rows(division, set.path) {
            Some(r) => Cow::Borrowed(r),
            None => return Ok(None),
        },
    };
    let mut rows = rows;
    for (param, field) in set.params {
        let value = pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(param))
            .map(|(_, v)| v.trim())
            .ok_or_else(|| format!("Mandatory parameter '{param}' is missing."))?;
        let value: i64 = value
            .parse()
            .map_err(|_| format!("Parameter '{param}' must be of type Edm.Int32."))?;
        rows = Cow::Owned(
            rows.iter()
                .filter(|r| r.get(*field).and_then(serde_json::Value::as_i64) == Some(value))
                .cloned()
                .collect(),
        );
    }
    Ok(Some(rows))
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
