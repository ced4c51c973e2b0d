//! `read/financial/ReceivablesList` and `read/financial/PayablesList`: the unpaid sales and
//! purchase entries, as Exact lists what is still to be received or paid.

use super::{
    Books,
    accounts::Acct,
    entries::Entry,
    values::{date, money, obj},
};
use crate::odata::Row;
use serde_json::json;

/// The unpaid ones of `entries`, posted in `journal`, numbered from 1.
pub(super) fn list(
    books: &Books,
    accounts: &[Acct],
    entries: &[Entry],
    journal: (&str, &str),
) -> Vec<Row> {
    let payment_days = books.trade.payment_days;
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
                "DueDate": date(e.day + payment_days),
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
}
