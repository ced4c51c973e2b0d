//! `vat/VATCodes`: the VAT codes of a Dutch administration. Every sale and purchase line carries
//! the trade's code; its VAT goes to the code's GL accounts (1520 to pay, 1510 to claim), so the
//! VAT per code adds up to those accounts' movement.

use super::{
    Books,
    gl_accounts::Gl,
    random::guid,
    values::{date, obj},
};
use crate::odata::Row;
use serde_json::json;
use std::collections::HashMap;

/// The GL accounts the VAT of every code is booked to.
pub(super) const TO_PAY: &str = "1520";
pub(super) const TO_CLAIM: &str = "1510";

/// (code, description, percentage as a fraction, blocked)
const CODES: &[(&str, &str, f64, bool)] = &[
    ("0", "Geen btw", 0.0, false),
    ("1", "Btw laag tarief", 0.09, false),
    ("2", "Btw hoog tarief", 0.21, false),
    ("5", "Btw verlegd", 0.0, false),
    ("6", "Btw laag tarief (6%, oud)", 0.06, true),
];

pub(super) fn rows(books: &Books, gl: &HashMap<&'static str, Gl>) -> Vec<Row> {
    let account = |code: &'static str| gl.get(code).cloned().unwrap_or_default();
    let (pay, claim) = (account(TO_PAY), account(TO_CLAIM));
    CODES
        .iter()
        .enumerate()
        .map(|(n, (code, description, percentage, blocked))| {
            obj(json!({
                "ID": guid(books.division, "vatcode", n),
                "Code": code,
                "Description": description,
                "Percentage": percentage,
                // B: VAT on top of the amount (excluding).
                "Type": "B",
                // B: for both sales and purchases.
                "VATTransactionType": "B",
                "GLToPay": pay.id,
                "GLToPayCode": TO_PAY,
                "GLToPayDescription": pay.description,
                "GLToClaim": claim.id,
                "GLToClaimCode": TO_CLAIM,
                "GLToClaimDescription": claim.description,
                "Charged": false,
                "IsBlocked": blocked,
                "Created": date(books.first_day - 365),
                "Modified": date(books.first_day - 365),
                "Division": books.division,
            }))
        })
        .collect()
}
