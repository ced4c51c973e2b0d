//! `financial/GLAccounts`: the chart of accounts, the balance sheet and general costs every
//! company has and the trade's own revenue and cost accounts.

use super::{
    Books,
    random::guid,
    values::{date, obj},
};
use crate::odata::Row;
use serde_json::json;
use std::collections::HashMap;

/// A GL account as the ledger needs it.
#[derive(Debug, Clone, Default)]
pub(super) struct Gl {
    pub(super) id: String,
    pub(super) description: &'static str,
    /// B balance sheet, W profit and loss.
    pub(super) balance_type: &'static str,
    pub(super) kind: i64,
}

/// The GL accounts: by code for the ledger, and as rows.
pub(super) struct Chart {
    pub(super) by_code: HashMap<&'static str, Gl>,
    pub(super) rows: Vec<Row>,
}

/// Balance sheet accounts every company has: (code, description, side, type, type text), with
/// Exact's GL account types (10 cash, 12 bank, 20 receivables, 22 payables, 24 VAT, 25 employees
/// payable, 30 fixed assets, 40 inventory, 50 capital, 55 long-term debt; 110 revenue, 111 cost
/// of goods, 121 general expenses, 122 depreciation, 125 employee costs).
const BALANCE_ACCOUNTS: &[(&str, &str, &str, i64, &str)] = &[
    ("0100", "Gebouwen", "D", 30, "Vaste activa"),
    ("0200", "Inventaris", "D", 30, "Vaste activa"),
    ("0300", "Vervoermiddelen", "D", 30, "Vaste activa"),
    ("0500", "Eigen vermogen", "C", 50, "Eigen vermogen"),
    ("0800", "Lening u/g", "C", 55, "Langlopende schulden"),
    ("1000", "Kas", "D", 10, "Kas"),
    ("1100", "Bank", "D", 12, "Bank"),
    ("1300", "Debiteuren", "D", 20, "Debiteuren"),
    ("1510", "Te vorderen btw (voorbelasting)", "D", 24, "Btw"),
    ("1520", "Af te dragen btw", "C", 24, "Btw"),
    ("1600", "Crediteuren", "C", 22, "Crediteuren"),
    ("1700", "Te betalen lonen", "C", 25, "Overige schulden"),
    ("3000", "Voorraad", "D", 40, "Voorraad"),
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

pub(super) fn chart(books: &Books) -> Chart {
    let t = books.trade;
    let division = books.division;
    let mut by_code: HashMap<&'static str, Gl> = HashMap::new();
    let mut rows = Vec::new();
    let pl = t
        .revenue_accounts
        .iter()
        .map(|(c, d)| (*c, *d, "C", 110, "Omzet"))
        .chain(
            t.cost_accounts
                .iter()
                .map(|(c, d)| (*c, *d, "D", 111, "Kostprijs omzet")),
        )
        .chain(GENERAL_COSTS.iter().map(|(c, d)| {
            let (kind, text) = match *c {
                "4000" => (125, "Personeelskosten"),
                "4600" => (122, "Afschrijvingskosten"),
                _ => (121, "Bedrijfskosten"),
            };
            (*c, *d, "D", kind, text)
        }));
    for (n, (code, description, side, kind, kind_text)) in BALANCE_ACCOUNTS
        .iter()
        .map(|(c, d, s, k, kt)| (*c, *d, *s, *k, *kt))
        .chain(pl)
        .enumerate()
    {
        let id = guid(division, "glaccount", n);
        let balance_type = if code < "4000" { "B" } else { "W" };
        by_code.insert(
            code,
            Gl {
                id: id.clone(),
                description,
                balance_type,
                kind,
            },
        );
        rows.push(obj(json!({
            "ID": id,
            "Code": code,
            "Description": description,
            "BalanceSide": side,
            "BalanceType": balance_type,
            "Type": kind,
            "TypeDescription": kind_text,
            "IsBlocked": false,
            "Created": date(books.first_day - 365),
            "Modified": date(books.first_day - 365),
            "Division": division,
        })));
    }
    Chart { by_code, rows }
}
