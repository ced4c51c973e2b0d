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

use crate::{
    COMPANIES,
    dates::{DAY_MS, civil_from_days, days_from_civil, exact_date},
    odata::{Field, FieldType as T, Row},
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::{
    collections::{BTreeMap, HashMap},
    sync::LazyLock,
};

/// An Exact entity set the simulator serves under `/api/v1/{division}/{path}`.
#[derive(Debug)]
pub struct EntitySet {
    pub path: &'static str,
    /// The OData type, as Exact names it in `__metadata` and in error messages.
    pub type_name: &'static str,
    /// The key field: rows are paged in its order and `$skiptoken` names its last value.
    pub key: &'static str,
    pub fields: &'static [Field],
    /// With `$top`, Exact answers some endpoints as `{"d": [...]}` instead of
    /// `{"d": {"results": [...]}}` (and then without `__next`); clients must accept both.
    pub bare_with_top: bool,
}

const fn f(name: &'static str, ty: T) -> Field {
    Field { name, ty }
}

const ACCOUNT_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Name", T::String),
    f("AddressLine1", T::String),
    f("Postcode", T::String),
    f("City", T::String),
    f("Country", T::String),
    f("Email", T::String),
    f("Phone", T::String),
    f("Website", T::String),
    // C customer, P prospect, S suspect, A none (e.g. a supplier only).
    f("Status", T::String),
    f("IsSales", T::Bool),
    f("IsSupplier", T::Bool),
    f("IsPurchase", T::Bool),
    f("Blocked", T::Bool),
    f("VATNumber", T::String),
    f("ChamberOfCommerce", T::String),
    f("PaymentConditionSales", T::String),
    f("CreditLineSales", T::Double),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const CONTACT_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Account", T::Guid),
    f("AccountName", T::String),
    f("FirstName", T::String),
    f("LastName", T::String),
    f("FullName", T::String),
    f("Email", T::String),
    f("Phone", T::String),
    f("Mobile", T::String),
    f("JobTitleDescription", T::String),
    f("IsMainContact", T::Bool),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const SALES_INVOICE_FIELDS: &[Field] = &[
    f("InvoiceID", T::Guid),
    f("InvoiceNumber", T::Int),
    f("InvoiceDate", T::DateTime),
    f("OrderedBy", T::Guid),
    f("OrderedByName", T::String),
    f("InvoiceTo", T::Guid),
    f("InvoiceToName", T::String),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATAmountDC", T::Double),
    f("Currency", T::String),
    // 10 draft (the only kind this endpoint holds), 20 open, 50 processed.
    f("Status", T::Int),
    f("StatusDescription", T::String),
    f("Description", T::String),
    f("YourRef", T::String),
    f("DueDate", T::DateTime),
    f("Journal", T::String),
    f("PaymentCondition", T::String),
    f("Type", T::Int),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const SALES_ENTRY_FIELDS: &[Field] = &[
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("InvoiceNumber", T::Int),
    f("EntryDate", T::DateTime),
    f("Customer", T::Guid),
    f("CustomerName", T::String),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATAmountDC", T::Double),
    f("Currency", T::String),
    f("Description", T::String),
    f("YourRef", T::String),
    f("DueDate", T::DateTime),
    f("Journal", T::String),
    f("JournalDescription", T::String),
    f("FinancialYear", T::Int),
    f("FinancialPeriod", T::Int),
    // 20 open, 50 processed.
    f("Status", T::Int),
    f("PaymentCondition", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const PURCHASE_ENTRY_FIELDS: &[Field] = &[
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("EntryDate", T::DateTime),
    f("Supplier", T::Guid),
    f("SupplierName", T::String),
    // Gross, VAT included, positive (the creditors line carries it negative).
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATAmountDC", T::Double),
    f("Currency", T::String),
    f("Description", T::String),
    // The supplier's reference (their invoice number), when they gave one.
    f("YourRef", T::String),
    f("DueDate", T::DateTime),
    f("Journal", T::String),
    f("JournalDescription", T::String),
    f("FinancialYear", T::Int),
    f("FinancialPeriod", T::Int),
    // 20 open, 50 processed.
    f("Status", T::Int),
    f("PaymentCondition", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const GL_ACCOUNT_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    // D debit, C credit.
    f("BalanceSide", T::String),
    // B balance sheet, W profit and loss.
    f("BalanceType", T::String),
    f("Type", T::Int),
    f("TypeDescription", T::String),
    f("IsBlocked", T::Bool),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const TRANSACTION_LINE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("LineNumber", T::Int),
    f("Date", T::DateTime),
    f("FinancialYear", T::Int),
    f("FinancialPeriod", T::Int),
    f("GLAccount", T::Guid),
    f("GLAccountCode", T::String),
    f("GLAccountDescription", T::String),
    f("JournalCode", T::String),
    f("JournalDescription", T::String),
    // 20 sales entry, 30 purchase entry, 40 cash flow (bank).
    f("Type", T::Int),
    f("Status", T::Int),
    // Debit positive, credit negative, as Exact signs them.
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATCode", T::String),
    f("Description", T::String),
    f("Account", T::Guid),
    f("AccountCode", T::String),
    f("AccountName", T::String),
    f("InvoiceNumber", T::Int),
    f("DueDate", T::DateTime),
    f("Currency", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const REPORTING_BALANCE_FIELDS: &[Field] = &[
    f("ID", T::Int),
    // B balance sheet, W profit and loss.
    f("BalanceType", T::String),
    f("GLAccount", T::Guid),
    f("GLAccountCode", T::String),
    f("GLAccountDescription", T::String),
    f("ReportingYear", T::Int),
    f("ReportingPeriod", T::Int),
    // Debit positive, credit negative: AmountDebit - AmountCredit.
    f("Amount", T::Double),
    f("AmountDebit", T::Double),
    // The credits as a positive number.
    f("AmountCredit", T::Double),
    // How many transaction lines were summed.
    f("Count", T::Int),
    f("Status", T::Int),
    // The GL account's type (12 bank, 20 debtors, 110 revenue, …).
    f("Type", T::Int),
    f("Division", T::Int),
];

const BANK_ENTRY_LINE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("LineNumber", T::Int),
    f("Date", T::DateTime),
    f("FinancialYear", T::Int),
    f("FinancialPeriod", T::Int),
    // The contra account: debtors for a receipt, creditors for a payment.
    f("GLAccount", T::Guid),
    f("GLAccountCode", T::String),
    f("GLAccountDescription", T::String),
    f("Account", T::Guid),
    f("AccountCode", T::String),
    f("AccountName", T::String),
    // Positive money in, negative money out (the bank account's side).
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("Currency", T::String),
    f("Description", T::String),
    // The invoice (entry number) the payment settles.
    f("OurRef", T::Int),
    f("Division", T::Int),
];

const ITEM_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    f("ItemGroupCode", T::String),
    f("ItemGroupDescription", T::String),
    f("Unit", T::String),
    f("UnitDescription", T::String),
    f("IsSalesItem", T::Bool),
    f("IsPurchaseItem", T::Bool),
    f("IsStockItem", T::Bool),
    f("CostPriceStandard", T::Double),
    f("CostPriceCurrency", T::String),
    f("StandardSalesPrice", T::Double),
    f("SalesVatCode", T::String),
    f("StartDate", T::DateTime),
    f("EndDate", T::DateTime),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

/// ReceivablesList and PayablesList share their shape.
const OUTSTANDING_FIELDS: &[Field] = &[
    f("HID", T::Int),
    f("AccountId", T::Guid),
    f("AccountCode", T::String),
    f("AccountName", T::String),
    f("Amount", T::Double),
    f("AmountInTransit", T::Double),
    f("CurrencyCode", T::String),
    f("Description", T::String),
    f("DueDate", T::DateTime),
    f("EntryNumber", T::Int),
    f("Id", T::Guid),
    f("InvoiceDate", T::DateTime),
    f("InvoiceNumber", T::Int),
    f("JournalCode", T::String),
    f("JournalDescription", T::String),
    f("YourRef", T::String),
];

const DIVISION_FIELDS: &[Field] = &[
    f("Code", T::Int),
    f("Description", T::String),
    f("Country", T::String),
    f("Currency", T::String),
];

const fn set(
    path: &'static str,
    type_name: &'static str,
    key: &'static str,
    fields: &'static [Field],
) -> EntitySet {
    EntitySet {
        path,
        type_name,
        key,
        fields,
        bare_with_top: false,
    }
}

pub static ENTITY_SETS: &[EntitySet] = &[
    set(
        "crm/Accounts",
        "Exact.Web.Api.Models.Account",
        "ID",
        ACCOUNT_FIELDS,
    ),
    set(
        "crm/Contacts",
        "Exact.Web.Api.Models.Contact",
        "ID",
        CONTACT_FIELDS,
    ),
    set(
        "salesinvoice/SalesInvoices",
        "Exact.Web.Api.Models.SalesInvoice",
        "InvoiceID",
        SALES_INVOICE_FIELDS,
    ),
    set(
        "salesentry/SalesEntries",
        "Exact.Web.Api.Models.SalesEntry",
        "EntryID",
        SALES_ENTRY_FIELDS,
    ),
    set(
        "purchaseentry/PurchaseEntries",
        "Exact.Web.Api.Models.PurchaseEntry",
        "EntryID",
        PURCHASE_ENTRY_FIELDS,
    ),
    set(
        "financial/GLAccounts",
        "Exact.Web.Api.Models.GLAccount",
        "ID",
        GL_ACCOUNT_FIELDS,
    ),
    set(
        "financial/ReportingBalance",
        "Exact.Web.Api.Models.Financial.ReportingBalance",
        "ID",
        REPORTING_BALANCE_FIELDS,
    ),
    set(
        "financialtransaction/TransactionLines",
        "Exact.Web.Api.Models.TransactionLine",
        "ID",
        TRANSACTION_LINE_FIELDS,
    ),
    set(
        "financialtransaction/BankEntryLines",
        "Exact.Web.Api.Models.BankEntryLine",
        "ID",
        BANK_ENTRY_LINE_FIELDS,
    ),
    EntitySet {
        bare_with_top: true,
        ..set(
            "logistics/Items",
            "Exact.Web.Api.Models.Item",
            "ID",
            ITEM_FIELDS,
        )
    },
    set(
        "read/financial/ReceivablesList",
        "Exact.Web.Api.Models.ReceivablesList",
        "HID",
        OUTSTANDING_FIELDS,
    ),
    set(
        "read/financial/PayablesList",
        "Exact.Web.Api.Models.PayablesList",
        "HID",
        OUTSTANDING_FIELDS,
    ),
    set(
        "system/Divisions",
        "Exact.Web.Api.Models.Division",
        "Code",
        DIVISION_FIELDS,
    ),
    set(
        "hrm/Divisions",
        "Exact.Web.Api.Models.HRM.Division",
        "Code",
        DIVISION_FIELDS,
    ),
];

/// The entity set at `path` (Exact's URLs are case-insensitive).
pub fn entity_set(path: &str) -> Option<&'static EntitySet> {
    ENTITY_SETS
        .iter()
        .find(|s| s.path.eq_ignore_ascii_case(path))
}

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

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/// SplitMix64: tiny, fast and fully determined by its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1).max(1) as u64) as i64
    }

    fn pick<'a, X>(&mut self, items: &'a [X]) -> &'a X {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next_u64() % 10) as u8))
            .collect()
    }

    fn shuffle<X>(&mut self, items: &mut [X]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// A stable GUID for the `index`-th thing of a `kind` in a division.
fn guid(division: i64, kind: &str, index: usize) -> String {
    let digest = Sha256::digest(format!("exact-sim/{division}/{kind}/{index}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

fn money(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

fn day_ms(day: i64) -> i64 {
    day * DAY_MS
}

fn date(day: i64) -> Value {
    json!(exact_date(day_ms(day)))
}

/// Monday instead of a weekend day (1970-01-01 was a Thursday).
fn weekday(day: i64) -> i64 {
    match day.rem_euclid(7) {
        2 => day + 2, // Saturday
        3 => day + 1, // Sunday
        _ => day,
    }
}

fn obj(v: Value) -> Row {
    match v {
        Value::Object(m) => m,
        _ => Row::new(),
    }
}

fn slug(name: &str) -> String {
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

// ---------------------------------------------------------------------------------------------
// The four trades

struct Trade {
    sizes: Sizes,
    vat_percent: i64,
    vat_code: &'static str,
    customer_left: &'static [&'static str],
    customer_right: &'static [&'static str],
    supplier_left: &'static [&'static str],
    supplier_right: &'static [&'static str],
    /// Net amounts in cents.
    sales_cents: (i64, i64),
    purchase_cents: (i64, i64),
    sales_descriptions: &'static [&'static str],
    purchase_descriptions: &'static [&'static str],
    revenue_accounts: &'static [(&'static str, &'static str)],
    cost_accounts: &'static [(&'static str, &'static str)],
    /// (description, group code, group description, unit, price in cents)
    items: &'static [(&'static str, &'static str, &'static str, &'static str, i64)],
    item_variants: &'static [&'static str],
    stock_items: bool,
    payment_days: i64,
}

const SURNAMES: &[&str] = &[
    "Jansen",
    "De Vries",
    "Van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "De Boer",
    "Mulder",
    "De Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Van Leeuwen",
    "Dekker",
    "Brouwer",
    "De Wit",
    "Dijkstra",
    "Smits",
    "Van Dijk",
    "Kok",
    "Verhoeven",
    "Willems",
    "Van der Linden",
];

const FIRST_NAMES: &[&str] = &[
    "Anna", "Bram", "Chantal", "Daan", "Eva", "Finn", "Gerda", "Hans", "Iris", "Joost", "Kim",
    "Lars", "Marieke", "Niels", "Olga", "Pieter", "Rianne", "Sem", "Tess", "Wouter", "Yvonne",
    "Zoë",
];

const JOB_TITLES: &[&str] = &[
    "Directeur",
    "Eigenaar",
    "Inkoper",
    "Financieel medewerker",
    "Office manager",
    "Bedrijfsleider",
    "Projectleider",
    "Boekhouder",
];

/// (city, first postcode digits, area code)
const CITIES: &[(&str, u32, &str)] = &[
    ("Amsterdam", 1011, "020"),
    ("Rotterdam", 3011, "010"),
    ("Den Haag", 2511, "070"),
    ("Utrecht", 3511, "030"),
    ("Eindhoven", 5611, "040"),
    ("Groningen", 9711, "050"),
    ("Tilburg", 5011, "013"),
    ("Almere", 1315, "036"),
    ("Breda", 4811, "076"),
    ("Nijmegen", 6511, "024"),
    ("Apeldoorn", 7311, "055"),
    ("Haarlem", 2011, "023"),
    ("Arnhem", 6811, "026"),
    ("Zwolle", 8011, "038"),
    ("Amersfoort", 3811, "033"),
    ("'s-Hertogenbosch", 5211, "073"),
    ("Leiden", 2311, "071"),
    ("Maastricht", 6211, "043"),
    ("Dordrecht", 3311, "078"),
    ("Delft", 2611, "015"),
    ("Alkmaar", 1811, "072"),
    ("Gouda", 2801, "0182"),
    ("Deventer", 7411, "0570"),
    ("Hilversum", 1211, "035"),
];

const FOREIGN_CITIES: &[(&str, &str, &str)] = &[
    ("Antwerpen", "BE", "2000"),
    ("Gent", "BE", "9000"),
    ("Düsseldorf", "DE", "40210"),
    ("Aachen", "DE", "52062"),
];

const STREETS: &[&str] = &[
    "Dorpsstraat",
    "Kerkstraat",
    "Molenweg",
    "Stationsweg",
    "Industrieweg",
    "Marktplein",
    "Julianalaan",
    "Beatrixstraat",
    "Nieuwe Gracht",
    "Schoolstraat",
    "Parallelweg",
    "Havenkade",
];

/// Balance sheet accounts every company has: (code, description, side, type, type text).
const BALANCE_ACCOUNTS: &[(&str, &str, &str, i64, &str)] = &[
    ("0100", "Gebouwen", "D", 30, "Vaste activa"),
    ("0200", "Inventaris", "D", 30, "Vaste activa"),
    ("0300", "Vervoermiddelen", "D", 30, "Vaste activa"),
    ("0500", "Eigen vermogen", "C", 90, "Eigen vermogen"),
    ("0800", "Lening u/g", "C", 32, "Langlopende schulden"),
    ("1000", "Kas", "D", 10, "Kas"),
    ("1100", "Bank", "D", 12, "Bank"),
    ("1300", "Debiteuren", "D", 20, "Debiteuren"),
    ("1510", "Te vorderen btw (voorbelasting)", "D", 22, "Btw"),
    ("1520", "Af te dragen btw", "C", 22, "Btw"),
    ("1600", "Crediteuren", "C", 24, "Crediteuren"),
    ("1700", "Te betalen lonen", "C", 25, "Overige schulden"),
    ("3000", "Voorraad", "D", 21, "Voorraad"),
];

/// Cost accounts every company has.
const GENERAL_COSTS: &[(&str, &str)] = &[
    ("4000", "Lonen en salarissen"),
    ("4100", "Huisvestingskosten"),
    ("4200", "Autokosten"),
    ("4300", "Kantoorkosten"),
    ("4400", "Verkoopkosten"),
    ("4500", "Algemene kosten"),
    ("4600", "Afschrijvingen"),
    ("4900", "Bankkosten"),
];

fn trade(division: i64) -> Option<&'static Trade> {
    TRADES.iter().find(|(d, _)| *d == division).map(|(_, t)| t)
}

static TRADES: &[(i64, Trade)] = &[
    (
        101,
        Trade {
            sizes: Sizes {
                accounts: 95,
                suppliers: 15,
                contacts: 110,
                items: 72,
                draft_invoices: 8,
                sales_entries: 120,
                purchase_entries: 60,
                receivables: 14,
                payables: 6,
            },
            vat_percent: 9,
            vat_code: "1",
            customer_left: &[
                "Café",
                "Restaurant",
                "Hotel",
                "Lunchroom",
                "Brasserie",
                "Zorgcentrum",
                "Kantine",
                "Cateraar",
                "Buurtsuper",
                "Delicatessen",
                "Strandpaviljoen",
            ],
            customer_right: &[
                "De Linde",
                "'t Hoekje",
                "De Molen",
                "Het Anker",
                "De Zwaan",
                "Het Wapen",
                "De Kroon",
                "De Smidse",
                "De Posthoorn",
                "Het Station",
                "De Haven",
                "Zonneschijn",
                "De Boterbloem",
                "Het Park",
            ],
            supplier_left: &[
                "Meelfabriek",
                "Zuivelhandel",
                "Groothandel",
                "Eierhandel",
                "Verpakkingen",
                "Notenbranderij",
            ],
            supplier_right: &["Noord", "De Hollandse Molen", "Van Leeuwen", "Friesland"],
            sales_cents: (4_500, 145_000),
            purchase_cents: (8_000, 350_000),
            sales_descriptions: &[
                "Levering brood en banket",
                "Weekleveringen brood",
                "Gebak voor evenement",
                "Broodjes lunch",
                "Taarten op bestelling",
            ],
            purchase_descriptions: &[
                "Tarwebloem en speltmeel",
                "Boter, room en eieren",
                "Verpakkingsmateriaal",
                "Onderhoud ovens",
                "Noten en zuidvruchten",
            ],
            revenue_accounts: &[
                ("8000", "Omzet brood"),
                ("8010", "Omzet banket"),
                ("8020", "Omzet horecaleveringen"),
            ],
            cost_accounts: &[
                ("7000", "Inkoop grondstoffen"),
                ("7010", "Inkoop verpakkingen"),
            ],
            items: &[
                ("Volkorenbrood", "BRD", "Brood", "stuk", 325),
                ("Witbrood", "BRD", "Brood", "stuk", 275),
                ("Meergranenbrood", "BRD", "Brood", "stuk", 365),
                ("Speltbrood", "BRD", "Brood", "stuk", 395),
                ("Krentenbollen", "BRD", "Brood", "zak", 300),
                ("Croissants", "BKT", "Banket", "doos", 750),
                ("Appeltaart", "BKT", "Banket", "stuk", 1_650),
                ("Slagroomtaart", "BKT", "Banket", "stuk", 2_450),
                ("Boterkoek", "BKT", "Banket", "stuk", 895),
                ("Stroopwafels", "BKT", "Banket", "pak", 425),
                ("Saucijzenbroodjes", "SNK", "Snacks", "doos", 1_200),
                ("Kaasbroodjes", "SNK", "Snacks", "doos", 1_100),
            ],
            item_variants: &[
                "klein",
                "groot",
                "biologisch",
                "glutenvrij",
                "per 12",
                "per 24",
            ],
            stock_items: true,
            payment_days: 14,
        },
    ),
    (
        202,
        Trade {
            sizes: Sizes {
                accounts: 135,
                suppliers: 20,
                contacts: 160,
                items: 45,
                draft_invoices: 12,
                sales_entries: 110,
                purchase_entries: 50,
                receivables: 18,
                payables: 7,
            },
            vat_percent: 21,
            vat_code: "2",
            customer_left: SURNAMES,
            customer_right: &[
                "Logistiek B.V.",
                "Installatietechniek",
                "Accountants",
                "Makelaardij",
                "Transport B.V.",
                "Zorggroep",
                "Groothandel B.V.",
                "Architecten",
                "Tandartspraktijk",
                "Fysiotherapie",
            ],
            supplier_left: &["Cloud", "Data", "Net", "Soft", "Hardware", "Licentie"],
            supplier_right: &[
                "Partners B.V.",
                "Distributie",
                "Solutions",
                "Nederland",
                "Direct",
            ],
            sales_cents: (60_000, 1_800_000),
            purchase_cents: (5_000, 600_000),
            sales_descriptions: &[
                "Beheercontract werkplekken",
                "Consultancy uren",
                "Migratie naar Microsoft 365",
                "Netwerkinstallatie",
                "Ontwikkeling maatwerk",
                "Hostingabonnement",
            ],
            purchase_descriptions: &[
                "Laptops en monitoren",
                "Softwarelicenties",
                "Inhuur ontwikkelaar",
                "Hosting en datacenter",
                "Netwerkapparatuur",
            ],
            revenue_accounts: &[
                ("8000", "Omzet consultancy"),
                ("8010", "Omzet projecten"),
                ("8020", "Omzet beheer en licenties"),
            ],
            cost_accounts: &[
                ("7000", "Inkoop hardware en licenties"),
                ("7010", "Inhuur derden"),
            ],
            items: &[
                ("Consultancy", "UUR", "Uren", "uur", 9_500),
                ("Ontwikkeling", "UUR", "Uren", "uur", 8_750),
                ("Support", "UUR", "Uren", "uur", 6_500),
                ("Laptop", "HW", "Hardware", "stuk", 119_900),
                ("Monitor", "HW", "Hardware", "stuk", 27_900),
                ("Firewall", "HW", "Hardware", "stuk", 89_500),
                ("Microsoft 365", "LIC", "Licenties", "mnd", 1_260),
                ("Back-up", "LIC", "Licenties", "mnd", 1_500),
                ("Beheercontract", "ABO", "Abonnementen", "mnd", 4_500),
            ],
            item_variants: &["basis", "standaard", "premium", "spoed", "onsite"],
            stock_items: false,
            payment_days: 30,
        },
    ),
    (
        303,
        Trade {
            sizes: Sizes {
                accounts: 70,
                suppliers: 12,
                contacts: 80,
                items: 25,
                draft_invoices: 6,
                sales_entries: 90,
                purchase_entries: 40,
                receivables: 16,
                payables: 5,
            },
            vat_percent: 21,
            vat_code: "2",
            customer_left: SURNAMES,
            customer_right: &[
                "Holding B.V.",
                "Vastgoed B.V.",
                "Beheer B.V.",
                "& Zn.",
                "Transport",
                "Retail B.V.",
                "Horeca B.V.",
                "Beleggingen",
            ],
            supplier_left: &[
                "Juridische Uitgeverij",
                "Deurwaarderskantoor",
                "Vertaalbureau",
                "Koeriersdienst",
                "Kantoorartikelen",
            ],
            supplier_right: &["Noord", "Randstad", "De Wit", "Centrum"],
            sales_cents: (35_000, 1_200_000),
            purchase_cents: (4_000, 250_000),
            sales_descriptions: &[
                "Declaratie werkzaamheden",
                "Advies arbeidsrecht",
                "Procedure kantonrechter",
                "Opstellen contracten",
                "Incassozaak",
                "Huurrecht geschil",
            ],
            purchase_descriptions: &[
                "Abonnement juridische databank",
                "Betekening dagvaarding",
                "Vertaling processtukken",
                "Griffierecht",
                "Kantoorbenodigdheden",
            ],
            revenue_accounts: &[("8000", "Honoraria"), ("8010", "Doorbelaste verschotten")],
            cost_accounts: &[
                ("7000", "Verschotten derden"),
                ("7010", "Vakliteratuur en databanken"),
            ],
            items: &[
                ("Uurtarief advocaat", "UUR", "Uren", "uur", 19_500),
                ("Uurtarief partner", "UUR", "Uren", "uur", 27_500),
                ("Uurtarief paralegal", "UUR", "Uren", "uur", 9_500),
                ("Griffierecht", "VER", "Verschotten", "stuk", 8_600),
                ("Betekeningskosten", "VER", "Verschotten", "stuk", 11_500),
                ("Kantoorkosten", "VER", "Verschotten", "stuk", 2_500),
            ],
            item_variants: &["regulier", "spoed", "pro deo", "vast tarief", "avond"],
            stock_items: false,
            payment_days: 30,
        },
    ),
    (
        404,
        Trade {
            sizes: Sizes {
                accounts: 150,
                suppliers: 30,
                contacts: 170,
                items: 60,
                draft_invoices: 10,
                sales_entries: 100,
                purchase_entries: 80,
                receivables: 20,
                payables: 12,
            },
            vat_percent: 21,
            vat_code: "2",
            customer_left: SURNAMES,
            customer_right: &[
                "Vastgoed B.V.",
                "Beheer B.V.",
                "Projectontwikkeling",
                "Woonzorg",
                "Agrarisch Bedrijf",
                "Holding B.V.",
            ],
            supplier_left: &[
                "Bouwmaterialen",
                "Betoncentrale",
                "Houthandel",
                "Steenhandel",
                "Installatiebedrijf",
                "Steigerbouw",
                "Grondverzet",
            ],
            supplier_right: &["Noord", "Van Dijk", "Twente", "Midden", "De Bruin"],
            sales_cents: (150_000, 8_500_000),
            purchase_cents: (25_000, 4_000_000),
            sales_descriptions: &[
                "Termijn nieuwbouw woning",
                "Renovatie badkamer",
                "Aanbouw en dakkapel",
                "Onderhoud kozijnen",
                "Fundering herstel",
                "Verbouwing bedrijfspand",
            ],
            purchase_descriptions: &[
                "Beton en wapening",
                "Hout en plaatmateriaal",
                "Onderaanneming installaties",
                "Huur steigers",
                "Bakstenen en mortel",
            ],
            revenue_accounts: &[
                ("8000", "Omzet nieuwbouw"),
                ("8010", "Omzet renovatie"),
                ("8020", "Omzet onderhoud"),
            ],
            cost_accounts: &[
                ("7000", "Inkoop materialen"),
                ("7010", "Onderaanneming"),
                ("7020", "Huur materieel"),
            ],
            items: &[
                ("Uur timmerman", "UUR", "Uren", "uur", 5_250),
                ("Uur metselaar", "UUR", "Uren", "uur", 5_500),
                ("Uur uitvoerder", "UUR", "Uren", "uur", 7_500),
                ("Beton C30/37", "MAT", "Materialen", "m3", 14_500),
                ("Bakstenen", "MAT", "Materialen", "1000 st", 62_000),
                ("Vuren balk 71x171", "MAT", "Materialen", "m", 1_250),
                ("Kozijn hardhout", "MAT", "Materialen", "stuk", 68_500),
                ("Dakpannen", "MAT", "Materialen", "m2", 3_850),
                ("Steiger", "HUR", "Huur", "week", 27_500),
                ("Container 10 m3", "HUR", "Huur", "stuk", 42_500),
            ],
            item_variants: &["standaard", "zwaar", "duurzaam", "klein", "groot", "extra"],
            stock_items: true,
            payment_days: 30,
        },
    ),
];

// ---------------------------------------------------------------------------------------------
// Generation

/// An account as the other generators need it.
struct Acct {
    id: String,
    code: String,
    name: String,
    domain: String,
}

/// A posted sales or purchase entry.
struct Entry {
    id: String,
    number: i64,
    day: i64,
    account: usize,
    net: i64,
    vat: i64,
    description: String,
    your_ref: Option<String>,
    paid_on: Option<i64>,
}

impl Entry {
    fn gross(&self) -> i64 {
        self.net + self.vat
    }
}

/// A GL account as the ledger needs it.
#[derive(Debug, Clone, Default)]
struct Gl {
    id: String,
    description: &'static str,
    /// B balance sheet, W profit and loss.
    balance_type: &'static str,
    kind: i64,
}

/// What the transaction lines of one GL account in one period add up to, in cents.
#[derive(Debug, Default)]
struct Total {
    debit: i64,
    /// Positive.
    credit: i64,
    count: usize,
}

/// Bookkeeping of the generated transaction lines.
struct Ledger<'a> {
    division: i64,
    gl: &'a HashMap<&'static str, Gl>,
    lines: Vec<Row>,
    /// (year, period, GL account code) → its lines summed, kept in cents as they are pushed.
    totals: BTreeMap<(i64, u32, String), Total>,
}

struct Line<'a> {
    entry_id: &'a str,
    entry_number: i64,
    day: i64,
    gl_code: &'a str,
    journal: (&'a str, &'a str),
    kind: i64,
    amount: i64,
    vat_code: Option<&'a str>,
    description: &'a str,
    account: Option<&'a Acct>,
    invoice_number: Option<i64>,
    due: Option<i64>,
}

impl Ledger<'_> {
    fn push(&mut self, l: Line<'_>) {
        let n = self.lines.len();
        let gl = self.gl.get(l.gl_code).cloned().unwrap_or_default();
        let (year, month, _) = civil_from_days(l.day);
        let total = self
            .totals
            .entry((year, month, l.gl_code.to_string()))
            .or_default();
        if l.amount >= 0 {
            total.debit += l.amount;
        } else {
            total.credit -= l.amount;
        }
        total.count += 1;
        let line_number = self
            .lines
            .iter()
            .rev()
            .take_while(|r| r.get("EntryID").and_then(Value::as_str) == Some(l.entry_id))
            .count()
            + 1;
        self.lines.push(obj(json!({
            "ID": guid(self.division, "transactionline", n),
            "EntryID": l.entry_id,
            "EntryNumber": l.entry_number,
            "LineNumber": line_number,
            "Date": date(l.day),
            "FinancialYear": year,
            "FinancialPeriod": month,
            "GLAccount": gl.id,
            "GLAccountCode": l.gl_code,
            "GLAccountDescription": gl.description,
            "JournalCode": l.journal.0,
            "JournalDescription": l.journal.1,
            "Type": l.kind,
            "Status": 50,
            "AmountDC": money(l.amount),
            "AmountFC": money(l.amount),
            "VATCode": l.vat_code,
            "Description": l.description,
            "Account": l.account.map(|a| a.id.clone()),
            "AccountCode": l.account.map(|a| a.code.clone()),
            "AccountName": l.account.map(|a| a.name.clone()),
            "InvoiceNumber": l.invoice_number,
            "DueDate": l.due.map(date),
            "Currency": "EUR",
            "Created": date(l.day),
            "Modified": date(l.day),
            "Division": self.division,
        })));
    }

    /// `financial/ReportingBalance`: one row per GL account and period with lines, numbered in
    /// the order of (year, period, account code).
    fn reporting_balance(&self) -> Vec<Row> {
        self.totals
            .iter()
            .enumerate()
            .map(|(n, ((year, month, code), total))| {
                let gl = self.gl.get(code.as_str()).cloned().unwrap_or_default();
                obj(json!({
                    "ID": n + 1,
                    "BalanceType": gl.balance_type,
                    "GLAccount": gl.id,
                    "GLAccountCode": code,
                    "GLAccountDescription": gl.description,
                    "ReportingYear": year,
                    "ReportingPeriod": month,
                    "Amount": money(total.debit - total.credit),
                    "AmountDebit": money(total.debit),
                    "AmountCredit": money(total.credit),
                    "Count": total.count,
                    "Status": 50,
                    "Type": gl.kind,
                    "Division": self.division,
                }))
            })
            .collect()
    }
}

const SALES_JOURNAL: (&str, &str) = ("70", "Verkoopboek");
const PURCHASE_JOURNAL: (&str, &str) = ("60", "Inkoopboek");
const BANK_JOURNAL: (&str, &str) = ("20", "Bank");

fn generate(division: i64, t: &Trade) -> HashMap<&'static str, Vec<Row>> {
    let mut rng = Rng::new(division as u64);
    let s = t.sizes;
    let first_day = days_from_civil(2025, 1, 2);
    let last_day = days_from_civil(2026, 11, 13);
    let mut out: HashMap<&'static str, Vec<Row>> = HashMap::new();

    // Accounts: customers first (codes from 1000), then suppliers (codes from 5000).
    let customers = s.accounts - s.suppliers;
    let mut customer_names: Vec<String> = t
        .customer_left
        .iter()
        .flat_map(|l| t.customer_right.iter().map(move |r| format!("{l} {r}")))
        .collect();
    rng.shuffle(&mut customer_names);
    let mut supplier_names: Vec<String> = t
        .supplier_left
        .iter()
        .flat_map(|l| t.supplier_right.iter().map(move |r| format!("{l} {r}")))
        .collect();
    rng.shuffle(&mut supplier_names);
    let mut accounts: Vec<Acct> = Vec::new();
    let mut account_rows = Vec::new();
    for i in 0..s.accounts {
        let supplier = i >= customers;
        let name = if i == 3 {
            // Every company has a customer whose name needs an escaped quote in a filter.
            "O'Brien & Zonen B.V.".to_string()
        } else if supplier {
            supplier_names
                .get(i - customers)
                .cloned()
                .unwrap_or_else(|| format!("Leverancier {i}"))
        } else {
            customer_names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("Klant {i}"))
        };
        let code = if supplier {
            (5000 + i - customers).to_string()
        } else {
            (1000 + i).to_string()
        };
        let domain = format!("{}.nl", slug(&name));
        let (city, country, postcode, phone) = if supplier && rng.chance(15) {
            let (city, country, postcode) = *rng.pick(FOREIGN_CITIES);
            let phone = if country == "BE" {
                format!("+32 3 {}", rng.digits(7))
            } else {
                format!("+49 211 {}", rng.digits(7))
            };
            (city, country, postcode.to_string(), phone)
        } else {
            let (city, base, area) = *rng.pick(CITIES);
            let postcode = format!(
                "{} {}{}",
                base + rng.below(60) as u32,
                char::from(b'A' + rng.below(26) as u8),
                char::from(b'A' + rng.below(26) as u8)
            );
            let phone = format!("{area}-{}", rng.digits(10 - area.len()));
            (city, "NL", postcode, phone)
        };
        // Customers are mostly "C"; some prospects; two suppliers are customers as well.
        let status = if supplier {
            if i - customers < 2 { "C" } else { "A" }
        } else if rng.chance(8) {
            "P"
        } else {
            "C"
        };
        let created = first_day + rng.between(0, 364);
        let modified = created + rng.between(0, 600).min(last_day - created);
        let vat = format!("{country}{}B01", rng.digits(9));
        let kvk = rng.digits(8);
        account_rows.push(obj(json!({
            "ID": guid(division, "account", i),
            "Code": code,
            "Name": name,
            "AddressLine1": format!("{} {}", rng.pick(STREETS), 1 + rng.below(180)),
            "Postcode": postcode,
            "City": city,
            "Country": country,
            "Email": format!("info@{domain}"),
            "Phone": phone,
            "Website": if rng.chance(70) { json!(format!("www.{domain}")) } else { Value::Null },
            "Status": status,
            "IsSales": status == "C",
            "IsSupplier": supplier,
            "IsPurchase": supplier,
            "Blocked": rng.chance(4),
            "VATNumber": if country == "NL" && rng.chance(10) { Value::Null } else { json!(vat) },
            "ChamberOfCommerce": if country == "NL" { json!(kvk) } else { Value::Null },
            "PaymentConditionSales": t.payment_days.to_string(),
            "CreditLineSales": money(if supplier { 0 } else { rng.between(10, 200) * 100_000 }),
            "Created": date(created),
            "Modified": date(modified),
            "Division": division,
        })));
        accounts.push(Acct {
            id: guid(division, "account", i),
            code,
            name,
            domain,
        });
    }
    let sales_accounts: Vec<usize> = (0..s.accounts)
        .filter(|&i| account_rows[i].get("Status") == Some(&json!("C")))
        .collect();
    out.insert("crm/Accounts", account_rows);

    // Contacts: the first ones are each account's main contact, the rest extra colleagues.
    let contacts = (0..s.contacts)
        .map(|i| {
            let a = if i < s.accounts {
                i
            } else {
                rng.below(s.accounts)
            };
            let acct = &accounts[a];
            let (first, last) = (*rng.pick(FIRST_NAMES), *rng.pick(SURNAMES));
            let created = first_day + rng.between(0, 500);
            obj(json!({
                "ID": guid(division, "contact", i),
                "Account": acct.id,
                "AccountName": acct.name,
                "FirstName": first,
                "LastName": last,
                "FullName": format!("{first} {last}"),
                "Email": format!("{}.{}@{}", slug(first), slug(last).replace('-', ""), acct.domain),
                "Phone": format!("0{}-{}", 10 + rng.below(80), rng.digits(7)),
                "Mobile": format!("06-{}", rng.digits(8)),
                "JobTitleDescription": *rng.pick(JOB_TITLES),
                "IsMainContact": i < s.accounts,
                "Created": date(created),
                "Modified": date(created + rng.between(0, 200)),
                "Division": division,
            }))
        })
        .collect();
    out.insert("crm/Contacts", contacts);

    // Chart of accounts.
    let mut gl: HashMap<&'static str, Gl> = HashMap::new();
    let mut gl_rows = Vec::new();
    let pl = t
        .revenue_accounts
        .iter()
        .map(|(c, d)| (*c, *d, "C", 110, "Omzet"))
        .chain(
            t.cost_accounts
                .iter()
                .map(|(c, d)| (*c, *d, "D", 111, "Kostprijs omzet")),
        )
        .chain(
            GENERAL_COSTS
                .iter()
                .map(|(c, d)| (*c, *d, "D", 121, "Bedrijfskosten")),
        );
    for (n, (code, description, side, kind, kind_text)) in BALANCE_ACCOUNTS
        .iter()
        .map(|(c, d, s, k, kt)| (*c, *d, *s, *k, *kt))
        .chain(pl)
        .enumerate()
    {
        let id = guid(division, "glaccount", n);
        let balance_type = if code < "4000" { "B" } else { "W" };
        gl.insert(
            code,
            Gl {
                id: id.clone(),
                description,
                balance_type,
                kind,
            },
        );
        gl_rows.push(obj(json!({
            "ID": id,
            "Code": code,
            "Description": description,
            "BalanceSide": side,
            "BalanceType": balance_type,
            "Type": kind,
            "TypeDescription": kind_text,
            "IsBlocked": false,
            "Created": date(first_day - 365),
            "Modified": date(first_day - 365),
            "Division": division,
        })));
    }
    out.insert("financial/GLAccounts", gl_rows);

    // Items: products × variants, a deterministic selection of them.
    let mut combos: Vec<(usize, usize)> = (0..t.items.len())
        .flat_map(|p| (0..t.item_variants.len()).map(move |v| (p, v)))
        .collect();
    rng.shuffle(&mut combos);
    combos.truncate(s.items);
    combos.sort_unstable();
    let items = combos
        .iter()
        .enumerate()
        .map(|(i, &(p, v))| {
            let (name, group, group_text, unit, price) = t.items[p];
            let price = price * (90 + rng.between(0, 30)) / 100;
            let created = first_day + rng.between(0, 300);
            obj(json!({
                "ID": guid(division, "item", i),
                "Code": format!("{group}-{:03}", i + 1),
                "Description": format!("{name} {}", t.item_variants[v]),
                "ItemGroupCode": group,
                "ItemGroupDescription": group_text,
                "Unit": unit,
                "UnitDescription": unit,
                "IsSalesItem": true,
                "IsPurchaseItem": group != "UUR",
                "IsStockItem": t.stock_items && group != "UUR" && group != "HUR",
                "CostPriceStandard": money(price * (45 + rng.between(0, 25)) / 100),
                "CostPriceCurrency": "EUR",
                "StandardSalesPrice": money(price),
                "SalesVatCode": t.vat_code,
                "StartDate": date(first_day),
                "EndDate": Value::Null,
                "Created": date(created),
                "Modified": date(created + rng.between(0, 300)),
                "Division": division,
            }))
        })
        .collect();
    out.insert("logistics/Items", items);

    // Posted entries, in date order so their numbers rise with time (25700001, 25700002, …).
    let mut make_entries = |count: usize,
                            open: usize,
                            kind: &str,
                            journal: i64,
                            pool: &[usize],
                            (lo, hi): (i64, i64),
                            descriptions: &[&str]|
     -> Vec<Entry> {
        let mut days: Vec<i64> = (0..count)
            .map(|_| weekday(rng.between(first_day, last_day)))
            .collect();
        days.sort_unstable();
        // Unpaid: half of them the most recent entries, the others scattered over the older
        // ones (and so overdue).
        let recent = open / 2;
        let mut older: Vec<usize> = (0..count - recent).collect();
        rng.shuffle(&mut older);
        let unpaid: Vec<usize> = older
            .into_iter()
            .take(open - recent)
            .chain(count - recent..count)
            .collect();
        let mut seq: HashMap<i64, i64> = HashMap::new();
        days.iter()
            .enumerate()
            .map(|(i, &day)| {
                let year = civil_from_days(day).0;
                let n = seq.entry(year).or_insert(0);
                *n += 1;
                let net = rng.between(lo / 5, hi / 5) * 5;
                let vat = (net * t.vat_percent + 50) / 100;
                // Paid some days after the due date at worst, and never after mid-November 2026.
                let paid_on = (!unpaid.contains(&i))
                    .then(|| weekday(day + rng.between(3, t.payment_days + 20)).min(last_day + 3));
                let (year, month, _) = civil_from_days(day);
                Entry {
                    id: guid(division, kind, i),
                    number: (year % 100) * 1_000_000 + journal * 10_000 + *n,
                    day,
                    account: *rng.pick(pool),
                    net,
                    vat,
                    description: format!("{} {}-{year}", rng.pick(descriptions), month),
                    your_ref: rng.chance(60).then(|| format!("PO-{}", rng.digits(5))),
                    paid_on,
                }
            })
            .collect()
    };
    let sales = make_entries(
        s.sales_entries,
        s.receivables,
        "salesentry",
        70,
        &sales_accounts,
        t.sales_cents,
        t.sales_descriptions,
    );
    let supplier_pool: Vec<usize> = (customers..s.accounts).collect();
    let purchases = make_entries(
        s.purchase_entries,
        s.payables,
        "purchaseentry",
        60,
        &supplier_pool,
        t.purchase_cents,
        t.purchase_descriptions,
    );

    let sales_rows = sales
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
                "DueDate": date(e.day + t.payment_days),
                "Journal": SALES_JOURNAL.0,
                "JournalDescription": SALES_JOURNAL.1,
                "FinancialYear": year,
                "FinancialPeriod": month,
                "Status": 50,
                "PaymentCondition": t.payment_days.to_string(),
                "Created": date(e.day),
                "Modified": date(e.paid_on.unwrap_or(e.day)),
                "Division": division,
            }))
        })
        .collect();
    out.insert("salesentry/SalesEntries", sales_rows);

    let purchase_rows = purchases
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
                "DueDate": date(e.day + t.payment_days),
                "Journal": PURCHASE_JOURNAL.0,
                "JournalDescription": PURCHASE_JOURNAL.1,
                "FinancialYear": year,
                "FinancialPeriod": month,
                "Status": 50,
                "PaymentCondition": t.payment_days.to_string(),
                "Created": date(e.day),
                "Modified": date(e.paid_on.unwrap_or(e.day)),
                "Division": division,
            }))
        })
        .collect();
    out.insert("purchaseentry/PurchaseEntries", purchase_rows);

    // Drafts: invoices being prepared in the last weeks, numbered after the posted ones.
    let last_number = sales.last().map_or(26_700_000, |e| e.number);
    let drafts = (0..s.draft_invoices)
        .map(|i| {
            let acct = &accounts[*rng.pick(&sales_accounts)];
            let day = weekday(last_day - rng.between(0, 20));
            let net = rng.between(t.sales_cents.0 / 5, t.sales_cents.1 / 5) * 5;
            let vat = (net * t.vat_percent + 50) / 100;
            let (year, month, _) = civil_from_days(day);
            obj(json!({
                "InvoiceID": guid(division, "salesinvoice", i),
                "InvoiceNumber": last_number + 1 + i as i64,
                "InvoiceDate": date(day),
                "OrderedBy": acct.id,
                "OrderedByName": acct.name,
                "InvoiceTo": acct.id,
                "InvoiceToName": acct.name,
                "AmountDC": money(net + vat),
                "AmountFC": money(net + vat),
                "VATAmountDC": money(vat),
                "Currency": "EUR",
                "Status": 10,
                "StatusDescription": "Concept",
                "Description": format!("{} {month}-{year}", rng.pick(t.sales_descriptions)),
                "YourRef": rng.chance(50).then(|| format!("PO-{}", rng.digits(5))),
                "DueDate": date(day + t.payment_days),
                "Journal": SALES_JOURNAL.0,
                "PaymentCondition": t.payment_days.to_string(),
                "Type": 8020,
                "Created": date(day),
                "Modified": date(day),
                "Division": division,
            }))
        })
        .collect();
    out.insert("salesinvoice/SalesInvoices", drafts);

    // Transaction lines: each entry, then its payment.
    let mut ledger = Ledger {
        division,
        gl: &gl,
        lines: Vec::new(),
        totals: BTreeMap::new(),
    };
    let mut bank_seq: HashMap<i64, i64> = HashMap::new();
    let mut bank_lines: Vec<Row> = Vec::new();
    for (e, sale) in sales
        .iter()
        .map(|e| (e, true))
        .chain(purchases.iter().map(|e| (e, false)))
    {
        let acct = &accounts[e.account];
        let (journal, kind, party, sign) = if sale {
            (SALES_JOURNAL, 20, "1300", 1)
        } else {
            (PURCHASE_JOURNAL, 30, "1600", -1)
        };
        let pl_code = if sale {
            t.revenue_accounts[e.account % t.revenue_accounts.len()].0
        } else {
            t.cost_accounts[e.account % t.cost_accounts.len()].0
        };
        let base = Line {
            entry_id: &e.id,
            entry_number: e.number,
            day: e.day,
            gl_code: party,
            journal,
            kind,
            amount: sign * e.gross(),
            vat_code: None,
            description: &e.description,
            account: Some(acct),
            invoice_number: Some(e.number),
            due: Some(e.day + t.payment_days),
        };
        ledger.push(Line { ..base });
        ledger.push(Line {
            gl_code: pl_code,
            amount: -sign * e.net,
            vat_code: Some(t.vat_code),
            due: None,
            ..base
        });
        ledger.push(Line {
            gl_code: if sale { "1520" } else { "1510" },
            amount: -sign * e.vat,
            vat_code: Some(t.vat_code),
            due: None,
            ..base
        });
        if let Some(paid) = e.paid_on {
            let (year, month, _) = civil_from_days(paid);
            let n = bank_seq.entry(year).or_insert(0);
            *n += 1;
            let bank_number = (year % 100) * 1_000_000 + 200_000 + *n;
            // One bank entry per payment, so the entries and their lines count alike.
            let bank_id = guid(division, "bankentry", bank_lines.len());
            let bank_description = format!(
                "{} {} {}",
                if sale { "Ontvangst" } else { "Betaling" },
                e.number,
                acct.name
            );
            // The bank entry line: the money in (receipt) or out (payment) against the contra
            // account, as the bank journal's lines below book it.
            let contra = gl.get(party).cloned().unwrap_or_default();
            bank_lines.push(obj(json!({
                "ID": guid(division, "bankentryline", bank_lines.len()),
                "EntryID": bank_id,
                "EntryNumber": bank_number,
                "LineNumber": 1,
                "Date": date(paid),
                "FinancialYear": year,
                "FinancialPeriod": month,
                "GLAccount": contra.id,
                "GLAccountCode": party,
                "GLAccountDescription": contra.description,
                "Account": acct.id,
                "AccountCode": acct.code,
                "AccountName": acct.name,
                "AmountDC": money(sign * e.gross()),
                "AmountFC": money(sign * e.gross()),
                "Currency": "EUR",
                "Description": bank_description,
                "OurRef": e.number,
                "Division": division,
            })));
            let payment = Line {
                entry_id: &bank_id,
                entry_number: bank_number,
                day: paid,
                gl_code: "1100",
                journal: BANK_JOURNAL,
                kind: 40,
                amount: sign * e.gross(),
                vat_code: None,
                description: &bank_description,
                account: Some(acct),
                invoice_number: Some(e.number),
                due: None,
            };
            ledger.push(Line { ..payment });
            ledger.push(Line {
                gl_code: party,
                amount: -sign * e.gross(),
                ..payment
            });
        }
    }
    out.insert("financial/ReportingBalance", ledger.reporting_balance());
    out.insert("financialtransaction/TransactionLines", ledger.lines);
    out.insert("financialtransaction/BankEntryLines", bank_lines);

    // Outstanding items: the unpaid entries.
    let outstanding = |entries: &[Entry], journal: (&str, &str)| -> Vec<Row> {
        entries
            .iter()
            .filter(|e| e.paid_on.is_none())
            .enumerate()
            .map(|(n, e)| {
                let acct = &accounts[e.account];
                obj(json!({
                    "HID": n + 1,
                    "AccountId": acct.id,
                    "AccountCode": acct.code,
                    "AccountName": acct.name,
                    "Amount": money(e.gross()),
                    "AmountInTransit": 0.0,
                    "CurrencyCode": "EUR",
                    "Description": e.description,
                    "DueDate": date(e.day + t.payment_days),
                    "EntryNumber": e.number,
                    "Id": e.id,
                    "InvoiceDate": date(e.day),
                    "InvoiceNumber": e.number,
                    "JournalCode": journal.0,
                    "JournalDescription": journal.1,
                    "YourRef": e.your_ref,
                }))
            })
            .collect()
    };
    out.insert(
        "read/financial/ReceivablesList",
        outstanding(&sales, SALES_JOURNAL),
    );
    out.insert(
        "read/financial/PayablesList",
        outstanding(&purchases, PURCHASE_JOURNAL),
    );

    let divisions: Vec<Row> = COMPANIES
        .iter()
        .map(|c| {
            obj(json!({
                "Code": c.division, "Description": c.name, "Country": "NL", "Currency": "EUR",
            }))
        })
        .collect();
    out.insert("system/Divisions", divisions.clone());
    out.insert("hrm/Divisions", divisions);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_exact_date;

    #[test]
    fn every_company_has_the_promised_rows_and_they_are_stable() {
        for c in COMPANIES {
            let s = sizes(c.division).unwrap();
            let count = |p: &str| rows(c.division, p).unwrap().len();
            assert_eq!(count("crm/Accounts"), s.accounts);
            assert_eq!(count("crm/Contacts"), s.contacts);
            assert_eq!(count("logistics/Items"), s.items);
            assert_eq!(count("salesinvoice/SalesInvoices"), s.draft_invoices);
            assert_eq!(count("salesentry/SalesEntries"), s.sales_entries);
            assert_eq!(count("purchaseentry/PurchaseEntries"), s.purchase_entries);
            assert_eq!(count("financialtransaction/BankEntryLines"), s.payments());
            assert_eq!(count("read/financial/ReceivablesList"), s.receivables);
            assert_eq!(count("read/financial/PayablesList"), s.payables);
            assert_eq!(
                count("financialtransaction/TransactionLines"),
                s.transaction_lines()
            );
            assert!(s.transaction_lines() >= 300);
            // Generated again from scratch: identical.
            let again = generate(c.division, trade(c.division).unwrap());
            assert_eq!(
                again["crm/Accounts"],
                rows(c.division, "crm/Accounts").unwrap()
            );
        }
        assert!(sizes(202).unwrap().accounts > 120);
        assert!(sizes(999).is_none());
        assert!(rows(999, "crm/Accounts").is_none());
    }

    #[test]
    fn keys_and_names_are_unique_and_the_books_balance() {
        for c in COMPANIES {
            for set in ENTITY_SETS {
                let rows = rows(c.division, set.path).unwrap();
                let mut keys: Vec<String> = rows.iter().map(|r| r[set.key].to_string()).collect();
                keys.sort();
                keys.dedup();
                assert_eq!(keys.len(), rows.len(), "{} keys", set.path);
                for r in rows {
                    for k in r.keys() {
                        assert!(
                            set.fields.iter().any(|f| f.name == k),
                            "{}: {k} is not declared",
                            set.path
                        );
                    }
                    assert_eq!(r.len(), set.fields.len(), "{}: every field", set.path);
                }
            }
            let accounts = rows(c.division, "crm/Accounts").unwrap();
            let mut names: Vec<&str> = accounts
                .iter()
                .map(|a| a["Name"].as_str().unwrap())
                .collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), accounts.len());
            let cents: i64 = rows(c.division, "financialtransaction/TransactionLines")
                .unwrap()
                .iter()
                .map(|l| (l["AmountDC"].as_f64().unwrap() * 100.0).round() as i64)
                .sum();
            assert_eq!(cents, 0, "debits equal credits");
        }
    }

    /// Cents of a money value.
    fn cents(v: &Value) -> i64 {
        (v.as_f64().unwrap() * 100.0).round() as i64
    }

    #[test]
    fn purchase_entries_agree_with_their_transaction_lines_and_the_payables() {
        for c in COMPANIES {
            let s = sizes(c.division).unwrap();
            let all = |p: &str| rows(c.division, p).unwrap();
            let purchases = all("purchaseentry/PurchaseEntries");
            let lines = all("financialtransaction/TransactionLines");
            let accounts = all("crm/Accounts");
            assert_eq!(purchases.len(), s.purchase_entries);
            for p in purchases {
                let entry: Vec<&Row> = lines
                    .iter()
                    .filter(|l| l["EntryID"] == p["EntryID"])
                    .collect();
                assert_eq!(entry.len(), 3, "creditors, costs, VAT");
                for l in &entry {
                    assert_eq!(l["Type"], 30);
                    assert_eq!(l["JournalCode"], p["Journal"]);
                    assert_eq!(l["JournalDescription"], p["JournalDescription"]);
                    assert_eq!(l["EntryNumber"], p["EntryNumber"]);
                    assert_eq!(l["InvoiceNumber"], p["EntryNumber"]);
                    assert_eq!(l["Date"], p["EntryDate"]);
                    assert_eq!(l["FinancialYear"], p["FinancialYear"]);
                    assert_eq!(l["FinancialPeriod"], p["FinancialPeriod"]);
                    assert_eq!(l["Account"], p["Supplier"]);
                    assert_eq!(l["Description"], p["Description"]);
                }
                let line = |code: &str| {
                    *entry
                        .iter()
                        .find(|l| l["GLAccountCode"] == code)
                        .unwrap_or_else(|| panic!("{code} line"))
                };
                let gross = cents(&p["AmountDC"]);
                assert!(gross > 0);
                assert_eq!(cents(&p["AmountFC"]), gross);
                assert_eq!(cents(&line("1600")["AmountDC"]), -gross);
                assert_eq!(line("1600")["DueDate"], p["DueDate"]);
                assert_eq!(cents(&line("1510")["AmountDC"]), cents(&p["VATAmountDC"]));
                assert_eq!(entry.iter().map(|l| cents(&l["AmountDC"])).sum::<i64>(), 0);
                let supplier = accounts.iter().find(|a| a["ID"] == p["Supplier"]).unwrap();
                assert_eq!(supplier["IsSupplier"], true);
                assert_eq!(supplier["Name"], p["SupplierName"]);
            }
            let payables = all("read/financial/PayablesList");
            for open in payables {
                let p = purchases
                    .iter()
                    .find(|p| p["EntryID"] == open["Id"])
                    .expect("an unpaid purchase entry");
                assert_eq!(cents(&open["Amount"]), cents(&p["AmountDC"]));
                assert_eq!(open["EntryNumber"], p["EntryNumber"]);
                assert_eq!(open["YourRef"], p["YourRef"]);
                assert_eq!(open["DueDate"], p["DueDate"]);
            }
            let paid_out = all("financialtransaction/BankEntryLines")
                .iter()
                .filter(|b| cents(&b["AmountDC"]) < 0)
                .count();
            assert_eq!(paid_out + payables.len(), purchases.len());
        }
    }

    #[test]
    fn the_reporting_balance_sums_the_transaction_lines_exactly() {
        // (GL account, year, period) → (amount, debit, credit, count), in cents.
        type Sums = BTreeMap<(String, i64, i64), (i64, i64, i64, i64)>;
        for c in COMPANIES {
            let all = |p: &str| rows(c.division, p).unwrap();
            let lines = all("financialtransaction/TransactionLines");
            let gl = all("financial/GLAccounts");
            let mut expected = Sums::new();
            for l in lines {
                let key = (
                    l["GLAccount"].as_str().unwrap().to_string(),
                    l["FinancialYear"].as_i64().unwrap(),
                    l["FinancialPeriod"].as_i64().unwrap(),
                );
                let amount = cents(&l["AmountDC"]);
                let sum = expected.entry(key).or_default();
                sum.0 += amount;
                if amount > 0 {
                    sum.1 += amount;
                } else {
                    sum.2 -= amount;
                }
                sum.3 += 1;
            }
            let mut actual = Sums::new();
            let balance = all("financial/ReportingBalance");
            for b in balance {
                let key = (
                    b["GLAccount"].as_str().unwrap().to_string(),
                    b["ReportingYear"].as_i64().unwrap(),
                    b["ReportingPeriod"].as_i64().unwrap(),
                );
                let sums = (
                    cents(&b["Amount"]),
                    cents(&b["AmountDebit"]),
                    cents(&b["AmountCredit"]),
                    b["Count"].as_i64().unwrap(),
                );
                assert_eq!(sums.0, sums.1 - sums.2);
                assert!(sums.1 >= 0 && sums.2 >= 0 && sums.3 > 0);
                assert!(actual.insert(key, sums).is_none(), "one row per period");
                let account = gl.iter().find(|g| g["ID"] == b["GLAccount"]).unwrap();
                assert_eq!(account["Code"], b["GLAccountCode"]);
                assert_eq!(account["Description"], b["GLAccountDescription"]);
                assert_eq!(account["BalanceType"], b["BalanceType"]);
                assert_eq!(account["Type"], b["Type"]);
                assert_eq!(b["Status"], 50);
                assert_eq!(b["Division"], c.division);
            }
            assert_eq!(actual, expected, "division {}", c.division);
            assert_eq!(
                balance.iter().map(|b| cents(&b["Amount"])).sum::<i64>(),
                0,
                "still in balance"
            );
            // Numbered 1, 2, … in (year, period, code) order.
            let order: Vec<(i64, i64, &str)> = balance
                .iter()
                .map(|b| {
                    (
                        b["ReportingYear"].as_i64().unwrap(),
                        b["ReportingPeriod"].as_i64().unwrap(),
                        b["GLAccountCode"].as_str().unwrap(),
                    )
                })
                .collect();
            assert!(order.is_sorted());
            assert!(
                balance
                    .iter()
                    .enumerate()
                    .all(|(i, b)| b["ID"].as_u64() == Some(i as u64 + 1))
            );
        }
    }

    #[test]
    fn bank_entry_lines_are_the_bank_side_of_every_payment() {
        for c in COMPANIES {
            let s = sizes(c.division).unwrap();
            let all = |p: &str| rows(c.division, p).unwrap();
            let bank = all("financialtransaction/BankEntryLines");
            let lines = all("financialtransaction/TransactionLines");
            let sales = all("salesentry/SalesEntries");
            let purchases = all("purchaseentry/PurchaseEntries");
            assert_eq!(bank.len(), s.payments());
            let mut paid: Vec<i64> = Vec::new();
            for b in bank {
                let entry: Vec<&Row> = lines
                    .iter()
                    .filter(|l| l["EntryID"] == b["EntryID"])
                    .collect();
                assert_eq!(entry.len(), 2, "bank and contra");
                let (bank_side, contra) = match entry[..] {
                    [x, y] if x["GLAccountCode"] == "1100" => (x, y),
                    [x, y] => (y, x),
                    _ => unreachable!(),
                };
                assert_eq!(bank_side["GLAccountCode"], "1100");
                assert_eq!(bank_side["JournalCode"], "20");
                assert_eq!(cents(&bank_side["AmountDC"]), cents(&b["AmountDC"]));
                assert_eq!(cents(&contra["AmountDC"]), -cents(&b["AmountDC"]));
                assert_eq!(cents(&b["AmountFC"]), cents(&b["AmountDC"]));
                for field in [
                    "EntryNumber",
                    "Date",
                    "FinancialYear",
                    "FinancialPeriod",
                    "Account",
                    "AccountCode",
                    "AccountName",
                    "Description",
                    "Currency",
                ] {
                    assert_eq!(bank_side[field], b[field], "{field}");
                }
                for field in ["GLAccount", "GLAccountCode", "GLAccountDescription"] {
                    assert_eq!(contra[field], b[field], "{field}");
                }
                assert_eq!(bank_side["InvoiceNumber"], b["OurRef"]);

                // The invoice it settles: a receipt for a sale, a payment for a purchase.
                let money_in = cents(&b["AmountDC"]) > 0;
                let (invoices, party, contra_code) = if money_in {
                    (sales, "Customer", "1300")
                } else {
                    (purchases, "Supplier", "1600")
                };
                let invoice = invoices
                    .iter()
                    .find(|e| e["EntryNumber"] == b["OurRef"])
                    .expect("the invoice paid");
                assert_eq!(cents(&invoice["AmountDC"]), cents(&b["AmountDC"]).abs());
                assert_eq!(invoice[party], b["Account"]);
                assert_eq!(b["GLAccountCode"], contra_code);
                assert!(
                    parse_exact_date(b["Date"].as_str().unwrap())
                        > parse_exact_date(invoice["EntryDate"].as_str().unwrap())
                );
                paid.push(b["OurRef"].as_i64().unwrap());
            }
            paid.sort_unstable();
            paid.dedup();
            assert_eq!(paid.len(), bank.len(), "each invoice paid once");
            let bank_total: i64 = lines
                .iter()
                .filter(|l| l["GLAccountCode"] == "1100")
                .map(|l| cents(&l["AmountDC"]))
                .sum();
            assert_eq!(
                bank.iter().map(|b| cents(&b["AmountDC"])).sum::<i64>(),
                bank_total
            );
        }
    }

    #[test]
    fn dates_fall_in_2025_and_2026_and_some_items_are_overdue() {
        let t0_ms = 1_795_262_400_000; // 2026-11-21T12:00:00Z, the tests' clock
        let (lo, hi) = (
            day_ms(days_from_civil(2025, 1, 1)),
            day_ms(days_from_civil(2027, 1, 1)),
        );
        for c in COMPANIES {
            for r in rows(c.division, "financialtransaction/TransactionLines").unwrap() {
                let ms = parse_exact_date(r["Date"].as_str().unwrap()).unwrap();
                assert!((lo..hi).contains(&ms));
            }
            for list in [
                "read/financial/ReceivablesList",
                "read/financial/PayablesList",
            ] {
                let due: Vec<i64> = rows(c.division, list)
                    .unwrap()
                    .iter()
                    .map(|r| parse_exact_date(r["DueDate"].as_str().unwrap()).unwrap())
                    .collect();
                assert!(due.iter().any(|d| *d < t0_ms), "{list}: some overdue");
                assert!(due.iter().any(|d| *d >= t0_ms - 30 * DAY_MS));
            }
        }
    }

    #[test]
    fn guids_are_valid_and_differ_per_division() {
        let a = guid(101, "account", 0);
        assert!(uuid::Uuid::parse_str(&a).is_ok());
        assert_ne!(a, guid(202, "account", 0));
        assert_eq!(a, guid(101, "account", 0));
        assert_eq!(slug("Café 't Hoekje"), "cafe-t-hoekje");
        assert_eq!(slug("Jansen Logistiek B.V."), "jansen-logistiek");
    }
}
