//! The ledger the generated entries are booked in: it writes `financialtransaction/TransactionLines`
//! and sums them per GL account and period into `financial/ReportingBalance`, in cents, so the
//! balance matches the lines exactly.

use super::{
    accounts::Acct,
    cost_centers::CostCenter,
    gl_accounts::Gl,
    random::guid,
    values::{date, money, obj},
};
use crate::{dates::civil_from_days, odata::Row};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

type TotalKey = (i64, u32, String, Option<CostCenter>, i64, i64);

/// What the transaction lines of one group add up to, in cents.
#[derive(Debug, Default)]
struct Total {
    debit: i64,
    /// Positive.
    credit: i64,
    count: usize,
}

/// Bookkeeping of the generated transaction lines.
pub(super) struct Ledger<'a> {
    pub(super) division: i64,
    /// The chart of accounts, by code.
    pub(super) gl: &'a HashMap<&'static str, Gl>,
    pub(super) lines: Vec<Row>,
    /// Exact's grouping of the reporting balance: (year, period, GL account code, cost centre,
    /// transaction type, status) → its lines summed, kept in cents as they are pushed.
    totals: BTreeMap<TotalKey, Total>,
}

/// A transaction line to book.
pub(super) struct Line<'a> {
    pub(super) entry_id: &'a str,
    pub(super) entry_number: i64,
    pub(super) day: i64,
    pub(super) gl_code: &'a str,
    pub(super) journal: (&'a str, &'a str),
    pub(super) kind: i64,
    pub(super) amount: i64,
    pub(super) vat_code: Option<&'a str>,
    pub(super) description: &'a str,
    pub(super) account: Option<&'a Acct>,
    pub(super) invoice_number: Option<i64>,
    pub(super) due: Option<i64>,
    /// Profit-and-loss lines carry the cost centre they are booked to.
    pub(super) cost_center: Option<CostCenter>,
    /// Depreciation lines name the asset: (ID, code, description).
    pub(super) asset: Option<(&'a str, &'a str, &'a str)>,
    /// 50 processed, 20 open (a general journal entry not yet processed).
    pub(super) status: i64,
}

impl<'a> Ledger<'a> {
    pub(super) fn new(division: i64, gl: &'a HashMap<&'static str, Gl>) -> Ledger<'a> {
        Ledger {
            division,
            gl,
            lines: Vec::new(),
            totals: BTreeMap::new(),
        }
    }

    pub(super) fn push(&mut self, l: Line<'_>) {
        let n = self.lines.len();
        let gl = self.gl.get(l.gl_code).cloned().unwrap_or_default();
        let (year, month, _) = civil_from_days(l.day);
        self.add_to_total(
            (
                year,
                month,
                l.gl_code.to_string(),
                l.cost_center,
                l.kind,
                l.status,
            ),
            l.amount,
        );
        let line_number = self.next_line_number(l.entry_id);
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
            "Status": l.status,
            "AmountDC": money(l.amount),
            "AmountFC": money(l.amount),
            "VATCode": l.vat_code,
            "Asset": l.asset.map(|a| a.0),
            "AssetCode": l.asset.map(|a| a.1),
            "AssetDescription": l.asset.map(|a| a.2),
            "CostCenter": l.cost_center.map(|c| c.0),
            "CostCenterDescription": l.cost_center.map(|c| c.1),
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

    fn add_to_total(&mut self, key: TotalKey, amount: i64) {
        let total = self.totals.entry(key).or_default();
        if amount >= 0 {
            total.debit += amount;
        } else {
            total.credit -= amount;
        }
        total.count += 1;
    }

    /// Lines are numbered from 1 within their entry, and an entry's lines are pushed together.
    fn next_line_number(&self, entry_id: &str) -> usize {
        self.lines
            .iter()
            .rev()
            .take_while(|r| r.get("EntryID").and_then(Value::as_str) == Some(entry_id))
            .count()
            + 1
    }

    /// `financial/ReportingBalance`: one row per GL account, period, cost centre, transaction
    /// type and status with lines, numbered in that order.
    pub(super) fn reporting_balance(&self) -> Vec<Row> {
        self.totals
            .iter()
            .enumerate()
            .map(
                |(n, ((year, month, code, cost_center, kind, status), total))| {
                    let gl = self.gl.get(code.as_str()).cloned().unwrap_or_default();
                    obj(json!({
                        "ID": n + 1,
                        "BalanceType": gl.balance_type,
                        "GLAccount": gl.id,
                        "GLAccountCode": code,
                        "GLAccountDescription": gl.description,
                        "ReportingYear": year,
                        "ReportingPeriod": month,
                        "CostCenterCode": cost_center.map(|c| c.0),
                        "CostCenterDescription": cost_center.map(|c| c.1),
                        "Amount": money(total.debit - total.credit),
                        "AmountDebit": money(total.debit),
                        "AmountCredit": money(total.credit),
                        "Count": total.count,
                        "Status": status,
                        // The transaction type of the lines, not the account's type.
                        "Type": kind,
                        "Division": self.division,
                    }))
                },
            )
            .collect()
    }
}
