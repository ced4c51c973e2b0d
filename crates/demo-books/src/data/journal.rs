//! `generaljournalentry/GeneralJournalEntries` and their lines: the memorial journal, which
//! holds the opening balance of the fixed assets on the books' first day and each month's
//! depreciation. Both are booked in the ledger like every other entry, so the depreciation in
//! the ledger is the depreciation of the assets.

use super::{
    Books,
    assets::Asset,
    cost_centers::{self, CostCenter},
    ledger::{Ledger, Line},
    random::guid,
    values::{date, money, obj},
};
use crate::{
    dates::{days_from_civil, days_in_month},
    odata::Row,
};
use serde_json::json;

pub(super) const JOURNAL: (&str, &str) = ("90", "Memoriaal");
/// Transaction types of the memorial entries' lines; the entries themselves are of type 10
/// (opening balance) or 90 (other).
pub(super) const OPENING_BALANCE: i64 = 10;
pub(super) const DEPRECIATION: i64 = 70;
const OTHER: i64 = 90;
const EQUITY: &str = "0500";
const DEPRECIATION_COSTS: &str = "4600";
/// The last month depreciated; its entry is still open (not processed).
const LAST_MONTH: (i64, u32) = (2026, 10);

/// The journal's rows.
pub(super) struct Journal {
    pub(super) entries: Vec<Row>,
    pub(super) lines: Vec<Row>,
}

/// One line of a memorial entry, before it is booked.
struct Posting<'a> {
    gl: &'static str,
    amount: i64,
    description: String,
    cost_center: Option<CostCenter>,
    asset: Option<&'a Asset>,
}

/// The opening balance, then one depreciation entry per month from January 2025.
pub(super) fn book(books: &Books, ledger: &mut Ledger<'_>, assets: &[Asset]) -> Journal {
    let mut journal = Journal {
        entries: Vec::new(),
        lines: Vec::new(),
    };
    let opening: Vec<Posting> = assets
        .iter()
        .filter(|a| a.owned_in(2025, 1))
        .map(|a| Posting {
            gl: a.gl,
            amount: a.investment - a.depreciated_before(2025, 1),
            description: format!("Beginbalans {}", a.description),
            cost_center: None,
            asset: Some(a),
        })
        .filter(|p| p.amount > 0)
        .collect();
    let total: i64 = opening.iter().map(|p| p.amount).sum();
    let equity = Posting {
        gl: EQUITY,
        amount: -total,
        description: "Beginbalans vaste activa".to_string(),
        cost_center: None,
        asset: None,
    };
    let first = books.first_day - 1;
    enter(
        books,
        ledger,
        &mut journal,
        (first, OPENING_BALANCE, 50),
        opening.into_iter().chain([equity]).collect(),
    );
    let general = cost_centers::general(books.division);
    for (year, month) in (2025..=LAST_MONTH.0).flat_map(|y| (1..=12u32).map(move |m| (y, m))) {
        if (year, month) > LAST_MONTH {
            break;
        }
        let mut postings = Vec::new();
        for a in assets.iter().filter(|a| a.owned_in(year, month)) {
            let amount = a.month(a.index_of(year, month));
            if amount == 0 {
                continue;
            }
            let description = format!("Afschrijving {} {month}-{year}", a.description);
            postings.push(Posting {
                gl: DEPRECIATION_COSTS,
                amount,
                description: description.clone(),
                cost_center: Some(general),
                asset: Some(a),
            });
            postings.push(Posting {
                gl: a.gl,
                amount: -amount,
                description,
                cost_center: None,
                asset: Some(a),
            });
        }
        let status = if (year, month) == LAST_MONTH { 20 } else { 50 };
        let day = days_from_civil(year, month, days_in_month(year, month));
        enter(
            books,
            ledger,
            &mut journal,
            (day, DEPRECIATION, status),
            postings,
        );
    }
    journal
}

/// Books one memorial entry of (day, type, status) and writes its rows.
fn enter(
    books: &Books,
    ledger: &mut Ledger<'_>,
    journal: &mut Journal,
    (day, kind, status): (i64, i64, i64),
    postings: Vec<Posting<'_>>,
) {
    if postings.is_empty() {
        return;
    }
    let division = books.division;
    let n = journal.entries.len();
    let (year, month, _) = crate::dates::civil_from_days(day);
    let id = guid(division, "generaljournalentry", n);
    let number = (year % 100) * 1_000_000
        + 900_000
        + journal
            .entries
            .iter()
            .filter(|e| e["FinancialYear"] == json!(year))
            .count() as i64
        + 1;
    for (i, p) in postings.iter().enumerate() {
        ledger.push(Line {
            entry_id: &id,
            entry_number: number,
            day,
            gl_code: p.gl,
            journal: JOURNAL,
            kind,
            amount: p.amount,
            vat_code: None,
            description: &p.description,
            account: None,
            invoice_number: None,
            due: None,
            cost_center: p.cost_center,
            asset: p
                .asset
                .map(|a| (a.id.as_str(), a.code.as_str(), a.description)),
            status,
        });
        let gl = ledger.gl.get(p.gl).cloned().unwrap_or_default();
        journal.lines.push(obj(json!({
            "ID": guid(division, "generaljournalentryline", journal.lines.len()),
            "EntryID": id,
            "EntryNumber": number,
            "LineNumber": i + 1,
            "Date": date(day),
            "GLAccount": gl.id,
            "GLAccountCode": p.gl,
            "GLAccountDescription": gl.description,
            "AmountDC": money(p.amount),
            "AmountFC": money(p.amount),
            "Description": p.description,
            "CostCenter": p.cost_center.map(|c| c.0),
            "CostCenterDescription": p.cost_center.map(|c| c.1),
            "Asset": p.asset.map(|a| a.id.clone()),
            "AssetCode": p.asset.map(|a| a.code.clone()),
            "AssetDescription": p.asset.map(|a| a.description),
            "VATCode": null,
            "Division": division,
        })));
    }
    journal.entries.push(obj(json!({
        "EntryID": id,
        "EntryNumber": number,
        "FinancialYear": year,
        "FinancialPeriod": month,
        "JournalCode": JOURNAL.0,
        "JournalDescription": JOURNAL.1,
        "Currency": "EUR",
        "ExchangeRate": 1.0,
        "Status": status,
        "StatusDescription": if status == 50 { "Verwerkt" } else { "Open" },
        "Type": if kind == OPENING_BALANCE { OPENING_BALANCE } else { OTHER },
        "TypeDescription": if kind == OPENING_BALANCE { "Beginbalans" } else { "Overige" },
        "Reversal": false,
        "Created": date(day),
        "Modified": date(day),
        "Division": division,
    })));
}
