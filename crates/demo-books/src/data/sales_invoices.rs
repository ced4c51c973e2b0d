//! `salesinvoice/SalesInvoices`: draft invoices being prepared in the last weeks, numbered after
//! the posted sales entries.

use super::{
    Books,
    accounts::Accounts,
    entries::{Entry, SALES_JOURNAL},
    random::{Rng, guid},
    values::{date, money, obj, weekday},
};
use crate::{dates::civil_from_days, odata::Row};
use serde_json::json;

pub(super) fn drafts(
    books: &Books,
    rng: &mut Rng,
    accounts: &Accounts,
    sales: &[Entry],
) -> Vec<Row> {
    let t = books.trade;
    let division = books.division;
    let last_number = sales.last().map_or(26_700_000, |e| e.number);
    (0..t.sizes.draft_invoices)
        .map(|i| {
            let acct = &accounts.all[*rng.pick(&accounts.sales)];
            let day = weekday(books.last_day - rng.between(0, 20));
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
        .collect()
}
