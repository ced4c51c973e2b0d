//! Books every posted entry and then its payment: the entry's transaction lines (debtors or
//! creditors, revenue or costs, VAT), and for a paid one a bank entry with its bank entry line and
//! two transaction lines. The reporting balance is what the ledger sums along the way.

use super::{
    Books,
    accounts::Acct,
    assets::Asset,
    cost_centers,
    entries::{Entry, PURCHASE_JOURNAL, SALES_JOURNAL},
    gl_accounts::Gl,
    journal::{self, Journal},
    ledger::{Ledger, Line},
    random::guid,
    trades::Trade,
    values::{date, money, obj},
};
use crate::{dates::civil_from_days, odata::Row};
use serde_json::json;
use std::collections::HashMap;

const BANK_JOURNAL: (&str, &str) = ("20", "Bank");

/// The rows the booking writes.
pub(super) struct Booked {
    pub(super) transaction_lines: Vec<Row>,
    pub(super) reporting_balance: Vec<Row>,
    pub(super) bank_entry_lines: Vec<Row>,
    pub(super) bank_entries: Vec<Row>,
    pub(super) journal: Journal,
}

/// How an entry is booked: a sale against debtors and revenue, a purchase against creditors and
/// costs.
struct Side {
    journal: (&'static str, &'static str),
    /// The transaction type.
    kind: i64,
    /// The GL account of the debtors or creditors.
    party: &'static str,
    /// +1 when the party owes the company, -1 when the company owes the party.
    sign: i64,
    /// The GL account of the VAT.
    vat: &'static str,
    /// How the bank entry that settles it is described.
    settlement: &'static str,
}

const SALE: Side = Side {
    journal: SALES_JOURNAL,
    kind: 20,
    party: "1300",
    sign: 1,
    vat: "1520",
    settlement: "Ontvangst",
};

const PURCHASE: Side = Side {
    journal: PURCHASE_JOURNAL,
    kind: 30,
    party: "1600",
    sign: -1,
    vat: "1510",
    settlement: "Betaling",
};

/// Each sales entry, then each purchase entry, and each followed by its payment; then the
/// memorial journal (the assets' opening balance and depreciation).
pub(super) fn book(
    books: &Books,
    gl: &HashMap<&'static str, Gl>,
    accounts: &[Acct],
    (sales, purchases): (&[Entry], &[Entry]),
    assets: &[Asset],
) -> Booked {
    let mut ledger = Ledger::new(books.division, gl);
    let mut bank = Bank::default();
    for (e, side) in sales
        .iter()
        .map(|e| (e, &SALE))
        .chain(purchases.iter().map(|e| (e, &PURCHASE)))
    {
        let acct = &accounts[e.account];
        book_entry(&mut ledger, books.trade, side, e, acct);
        if let Some(paid) = e.paid_on {
            let payment = bank.enter(&ledger, side, e, acct, paid);
            book_payment(&mut ledger, side, e, acct, &payment);
        }
    }
    let journal = journal::book(books, &mut ledger, assets);
    Booked {
        reporting_balance: ledger.reporting_balance(),
        transaction_lines: ledger.lines,
        bank_entry_lines: bank.lines,
        bank_entries: bank.entries,
        journal,
    }
}

/// Three lines: the gross amount on the party's account, the net on revenue or costs, the VAT.
fn book_entry(ledger: &mut Ledger<'_>, t: &Trade, side: &Side, e: &Entry, acct: &Acct) {
    // A sale (the customer owes the company) earns revenue; a purchase costs.
    let pl_code = if side.sign > 0 {
        t.revenue_accounts[e.account % t.revenue_accounts.len()].0
    } else {
        t.cost_accounts[e.account % t.cost_accounts.len()].0
    };
    let sign = side.sign;
    let base = Line {
        entry_id: &e.id,
        entry_number: e.number,
        day: e.day,
        gl_code: side.party,
        journal: side.journal,
        kind: side.kind,
        amount: sign * e.gross(),
        vat_code: None,
        description: &e.description,
        account: Some(acct),
        invoice_number: Some(e.number),
        due: Some(e.day + t.payment_days),
        cost_center: None,
        asset: None,
        status: 50,
    };
    ledger.push(Line { ..base });
    ledger.push(Line {
        gl_code: pl_code,
        amount: -sign * e.net,
        vat_code: Some(t.vat_code),
        due: None,
        cost_center: Some(cost_centers::for_account(ledger.division, e.account)),
        ..base
    });
    ledger.push(Line {
        gl_code: side.vat,
        amount: -sign * e.vat,
        vat_code: Some(t.vat_code),
        due: None,
        ..base
    });
}

/// Two lines: the money on the bank, the same amount off the party's account.
fn book_payment(ledger: &mut Ledger<'_>, side: &Side, e: &Entry, acct: &Acct, bank: &BankEntry) {
    let payment = Line {
        entry_id: &bank.id,
        entry_number: bank.number,
        day: bank.day,
        gl_code: "1100",
        journal: BANK_JOURNAL,
        kind: 40,
        amount: side.sign * e.gross(),
        vat_code: None,
        description: &bank.description,
        account: Some(acct),
        invoice_number: Some(e.number),
        due: None,
        cost_center: None,
        asset: None,
        status: 50,
    };
    ledger.push(Line { ..payment });
    ledger.push(Line {
        gl_code: side.party,
        amount: -side.sign * e.gross(),
        ..payment
    });
}

/// The bank journal: its entries numbered per year, and their lines.
#[derive(Default)]
struct Bank {
    /// Year → the last entry number used in it.
    seq: HashMap<i64, i64>,
    lines: Vec<Row>,
    /// `financialtransaction/BankEntries`: the headers, one per line.
    entries: Vec<Row>,
}

/// A bank entry that settles a sales or purchase entry.
struct BankEntry {
    id: String,
    number: i64,
    day: i64,
    description: String,
}

impl Bank {
    /// One bank entry per payment, so the entries and their lines count alike.
    fn enter(
        &mut self,
        ledger: &Ledger<'_>,
        side: &Side,
        e: &Entry,
        acct: &Acct,
        paid: i64,
    ) -> BankEntry {
        let division = ledger.division;
        let (year, month, _) = civil_from_days(paid);
        let n = self.seq.entry(year).or_insert(0);
        *n += 1;
        let entry = BankEntry {
            id: guid(division, "bankentry", self.lines.len()),
            number: (year % 100) * 1_000_000 + 200_000 + *n,
            day: paid,
            description: format!("{} {} {}", side.settlement, e.number, acct.name),
        };
        // The bank entry line: the money in (receipt) or out (payment) against the contra
        // account, as the bank journal's lines book it.
        let contra = ledger.gl.get(side.party).cloned().unwrap_or_default();
        self.lines.push(obj(json!({
            "ID": guid(division, "bankentryline", self.lines.len()),
            "EntryID": entry.id,
            "EntryNumber": entry.number,
            "LineNumber": 1,
            "Date": date(paid),
            "GLAccount": contra.id,
            "GLAccountCode": side.party,
            "GLAccountDescription": contra.description,
            "Account": acct.id,
            "AccountCode": acct.code,
            "AccountName": acct.name,
            "AmountDC": money(side.sign * e.gross()),
            "AmountFC": money(side.sign * e.gross()),
            "Currency": "EUR",
            "Description": entry.description,
            "OurRef": e.number,
            "Division": division,
        })));
        self.entries.push(obj(json!({
            "EntryID": entry.id,
            "EntryNumber": entry.number,
            "FinancialYear": year,
            "FinancialPeriod": month,
            "JournalCode": BANK_JOURNAL.0,
            "JournalDescription": BANK_JOURNAL.1,
            "Currency": "EUR",
            "Status": 50,
            "StatusDescription": "Verwerkt",
            "Created": date(paid),
            "Modified": date(paid),
            "Division": division,
        })));
        entry
    }
}
